//! What the scan keeps of one file before any lookup: the unit of the per-file cache.

use serde::{Deserialize, Serialize};

use super::source::ParseProblem;
use super::stored::StoredFile;
use super::words::WordSet;

/// What the scan keeps of a file before any lookup: the unit of the per-file cache.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Outcome {
    /// Parsed: every fact, its modules encoded.
    Parsed(StoredFile),
    /// Not parsed (nothing in it is read by going over files): its module declarations and
    /// words. `failure` is syn's error when the file was parsed anyway (`--no-prefilter`) and
    /// did not parse: reported only if a lookup needs the file, as without the option.
    Light {
        /// The modules and `mod` items (no emission: nothing in it is read).
        light: StoredFile,
        /// The words it may contain.
        words: WordSet,
        /// The parse error already known.
        failure: Option<ParseProblem>,
    },
    /// Parsed, or needed parsing, and does not parse.
    Failed(ParseProblem),
}
