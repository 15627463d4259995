//! What can be wrong with a file the scan reads: reported as warnings.

use std::path::PathBuf;

use instr_schema::diag::Span;

use super::source::{ParseProblem, ReadProblem};

/// Something wrong with a file that the checker reports as a warning.
#[derive(Debug)]
pub enum FileProblem {
    /// The file could not be read as UTF-8 text.
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        problem: ReadProblem,
    },
    /// The file does not parse as Rust.
    Unparsable {
        /// The file.
        path: PathBuf,
        /// syn's error.
        problem: ParseProblem,
    },
    /// A `mod x;` whose file exists under none of the names rustc tries.
    MissingModule {
        /// The file with the `mod` item.
        path: PathBuf,
        /// The `mod x` span.
        span: Span,
        /// The paths tried.
        candidates: Vec<PathBuf>,
    },
    /// A `.rs` file no module of any target reaches: it is not compiled, so not checked.
    Unreached {
        /// The file.
        path: PathBuf,
    },
}
