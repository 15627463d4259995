//! Writing a report for people or for tools.

pub mod human;
pub mod json;

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Findings with the source in view, on stderr.
    Human,
    /// One JSON document on stdout (see docs/json-output.md).
    Json,
}
