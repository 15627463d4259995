//! The diagnostic core shared by the schema loader and `cargo instr-check`.
//!
//! A [`Diagnostic`] is plain data: a rule, a message, labelled spans in files held by a
//! [`Sources`] map, and a help text. Rendering (human, JSON, ...) happens elsewhere, from the
//! same data, so every output format says the same thing.

mod diagnostic;
mod render;
mod rule;
mod source;

pub use diagnostic::{Diagnostic, Label};
pub use render::{RenderOptions, render_human, render_human_one};
pub use rule::{Level, RuleInfo, Severity};
pub use source::{FileId, LineColumn, LineIndex, Loc, SourceFile, Sources, Span};
