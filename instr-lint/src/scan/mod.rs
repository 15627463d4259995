//! Scanning source files into facts: reading, parsing (bounded in memory), and the syntax
//! walk. Scheduling across files lives in [`crate::discover`].

pub mod attrs;
pub mod facts;
pub mod routes;
pub mod source;
pub mod visit;

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
