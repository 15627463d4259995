//! [`Site`]: a place in a scanned file, as handlers and their routes name one.

use instr_schema::diag::Span;

/// A place in a scanned file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Site {
    /// Index into the scan's files.
    pub file: usize,
    /// The bytes within it.
    pub span: Span,
}

impl Site {
    /// The place `span` in file `file`.
    pub fn new(file: usize, span: Span) -> Self {
        Self { file, span }
    }
}
