//! Rendering only: the outcome of a check for people (`human`) and tools (`json`, `sarif`,
//! `github`), the coverage report, and the schema diff. Nothing here decides anything; every
//! renderer reads a finished report.

pub mod coverage;
pub(crate) mod diff;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
