//! Reading the workspace's Rust code into facts: which files each target reaches
//! ([`discover`], in parallel), reading and parsing each one bounded in memory ([`source`]),
//! and the syntax walk that keeps only what the checker decides from ([`visit`], with
//! `routes` and `attrs` for router expressions and attribute arguments, `modules` for how a
//! `mod` item extends the tree, and `syntax` for the small readings they share). [`facts`]
//! is what survives a file: plain, owned data.
//!
//! Parsing less: the [`prefilter`] decides from a file's bytes whether anything in it is read
//! by going over every file; a file without is not parsed during the scan, only its module
//! declarations are read ([`light`]), and it is parsed on demand when a lookup reaches it
//! ([`lazy`], with the [`words`] it may contain). The [`cache`] keeps each file's outcome
//! under the target directory, so a re-check parses only the files that changed.

pub(crate) mod attrs;
pub mod cache;
pub mod discover;
pub mod facts;
pub mod lazy;
mod light;
mod modules;
pub mod prefilter;
pub(crate) mod routes;
pub mod source;
pub(crate) mod syntax;
pub mod visit;
pub mod words;

use lazy::Outcome;
use prefilter::Triggers;
use source::{ParseProblem, PieceOutcome};
use visit::{FileContext, FileVisitor};
use words::WordSet;

/// How the scan reads files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScanOptions {
    /// Leave files the prefilter finds nothing in unparsed until a lookup needs them
    /// (`--no-prefilter` turns it off, to compare).
    pub prefilter: bool,
    /// Read and write the per-file facts cache under the target directory (`--no-cache`).
    pub cache: bool,
}

impl Default for ScanOptions {
    /// The prefilter on; the cache off (the command line turns it on): library callers and
    /// tests do not write into the workspaces they read.
    fn default() -> Self {
        Self {
            prefilter: true,
            cache: false,
        }
    }
}

/// Parses one file's text (in chunks when it is large) and reduces it to facts. The syntax
/// tree is dropped before this returns.
pub fn scan_source(text: &str, context: &FileContext) -> Result<facts::FileFacts, ParseProblem> {
    let mut visitor = FileVisitor::new(context);
    let outcome = source::parse_pieces(text, &mut |file, base| visitor.visit_piece(file, base));
    let outcome = match outcome {
        PieceOutcome::ChunkRejected => {
            visitor = FileVisitor::new(context);
            match source::parse_whole(text, &mut |file, base| visitor.visit_piece(file, base)) {
                Ok(()) => PieceOutcome::Parsed,
                Err(problem) => PieceOutcome::Failed(problem),
            }
        }
        other => other,
    };
    match outcome {
        PieceOutcome::Failed(problem) => Err(problem),
        _ => Ok(visitor.finish()),
    }
}

/// What the scan keeps of one file. With the prefilter, a file it finds nothing in is not
/// parsed: light facts. Without, every file is parsed; one that does not parse but that the
/// prefilter would have left unparsed is kept as light facts with its error, so that both
/// ways report the same findings (the error shows when a lookup needs the file).
pub fn analyse(text: &str, context: &FileContext, triggers: &Triggers, prefilter: bool) -> Outcome {
    let light = |failure| {
        triggers
            .light_facts(text, context)
            .map(|light| Outcome::Light {
                light,
                words: WordSet::of(text.as_bytes()),
                failure,
            })
    };
    if prefilter && let Some(outcome) = light(None) {
        return outcome;
    }
    match scan_source(text, context) {
        Ok(facts) => Outcome::Parsed(facts),
        Err(problem) if !prefilter => {
            light(Some(problem.clone())).unwrap_or(Outcome::Failed(problem))
        }
        Err(problem) => Outcome::Failed(problem),
    }
}
