//! `cargo instr-check`: the CI gate of instr.
//!
//! It finds the workspace with `cargo metadata --no-deps` (nothing of the checked code is built
//! or run), loads and validates each schema the workspace uses, and reports findings for
//! people (`human`) or tools (`json`). Exit codes are in [`exit`].

pub mod atomic;
pub mod baseline;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod coverage;
pub mod discover;
pub mod exit;
pub mod fingerprint;
pub mod glob;
pub mod handlers;
pub mod init;
pub mod lint;
pub mod lint_rules;
pub mod output;
pub mod resolve;
pub mod rules;
pub mod scan;
pub mod schema_diff;
pub mod snippets;
pub mod workspace;
