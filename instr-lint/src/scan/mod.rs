//! Reading the workspace's Rust code into facts: which files each target reaches
//! ([`discover`], in parallel), reading and parsing each one bounded in memory ([`source`]),
//! and the syntax walk that keeps only what the checker decides from ([`visit`], with
//! `routes` and `attrs` for router expressions and attribute arguments, and `syntax`
//! for the small readings they share). [`facts`] is what survives a file: plain, owned data,
//! so it can be kept for the whole workspace, and later cached.

pub(crate) mod attrs;
pub mod discover;
pub mod facts;
pub(crate) mod routes;
pub mod source;
pub(crate) mod syntax;
pub mod visit;
pub(crate) mod warp;

use source::{ParseProblem, PieceOutcome};
use visit::{FileContext, FileVisitor};

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
