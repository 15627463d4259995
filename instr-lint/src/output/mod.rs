//! Writing a report for people or for tools.

pub mod coverage;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Findings with the source in view, on stderr.
    Human,
    /// One JSON document on stdout (see docs/json-output.md).
    Json,
    /// SARIF 2.1.0 on stdout, for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow annotations on stdout.
    Github,
}
