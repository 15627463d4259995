//! `cargo instr-check`: the CI gate of instr.
//!
//! It finds the workspace with `cargo metadata --no-deps` (nothing of the checked code is built
//! or run), loads and validates each schema the workspace uses, scans the code of the members
//! that use one, and reports findings for people (`human`) or tools (`json`, `sarif`,
//! `github`). Exit codes are in [`exit`].
//!
//! # Layers
//!
//! Modules import only from layers below their own, never sideways or up; a test
//! (`tests/layers.rs`) reads the sources and fails on any import against this order or any
//! import circle. See `docs/architecture.md` for the picture.
//!
//! 1. [`cli`]: parsing the command line, dispatching to a command.
//! 2. [`commands`]: one module per subcommand, each `execute(&Global, &Args)`.
//! 3. [`report`]: rendering only (findings, coverage, schema diff).
//! 4. [`lints`]: the lints' logic and wording, levels, fingerprints, baselines, the outcome.
//! 5. [`analysis`] and [`schema_diff`], side by side: what the scanned code means (name
//!    resolution, handlers, coverage); what changed in a schema since a git revision.
//! 6. [`scan`]: discovering and parsing the source files into plain facts.
//! 7. [`workspace`]: `cargo metadata`, configuration, the schemas the members use.
//! 8. `sealed`: the caches' directory and the checksummed frame of their entries.
//! 9. [`registry`], `globs`, `atomic`, [`exit`]: the rule registry and small leaf
//!    helpers everything above may use.

pub mod analysis;
pub(crate) mod atomic;
pub mod cli;
pub mod commands;
pub mod exit;
pub(crate) mod globs;
pub mod lints;
pub mod registry;
pub mod report;
pub mod scan;
pub mod schema_diff;
pub(crate) mod sealed;
pub mod workspace;
