//! `cargo instr-check`: the CI gate of instr.
//!
//! It finds the workspace with `cargo metadata --no-deps` (nothing of the checked code is built
//! or run), loads and validates each schema the workspace uses, and reports findings for
//! people (`human`) or tools (`json`). Exit codes are in [`exit`].

pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod exit;
pub mod git;
pub mod output;
pub mod rules;
pub mod workspace;
