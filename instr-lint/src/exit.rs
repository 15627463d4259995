//! The exit codes `cargo instr-check` documents (see the README).

/// No error-level findings.
pub const CLEAN: i32 = 0;
/// At least one error-level finding.
pub const FINDINGS: i32 = 1;
/// The tool could not run: no manifest, a missing or unreadable schema file, bad flags or bad
/// configuration.
pub const USAGE: i32 = 2;
