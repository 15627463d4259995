//! Compile-time behaviour of the macros, through trybuild: `tests/ui/pass/*.rs` must build
//! and run; each `tests/ui/fail/<category>/<case>.rs` must fail with exactly the errors in
//! its `.stderr` (carets included). One trybuild run builds every case.
//!
//! To add a case, write the `.rs` file and run `TRYBUILD=overwrite cargo test -p
//! instr-macros --test ui`, then review the new `.stderr` as code. The `.stderr` files are
//! made with the toolchain the workspace pins (rust 1.95); another compiler may word
//! errors differently.
//!
//! The cases resolve schemas relative to trybuild's generated crate, so the schemas in
//! `tests/ui/schemas/` are copied beside its manifest first.

// Test helpers outside `#[test]` functions: a failed `expect` fails the test, as intended.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

/// Every case under `tests/ui/` behaves as recorded.
#[test]
fn ui() {
    stage_schemas();
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*/*.rs");
}

/// Copies `tests/ui/schemas/instr.toml` to trybuild's crate directory and the others to its
/// `schemas/` folder.
fn stage_schemas() {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is <target>/tmp")
        .to_path_buf();
    let project: PathBuf = target.join("tests").join("trybuild").join("instr-macros");
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/schemas");
    fs::create_dir_all(project.join("schemas")).expect("create trybuild's crate directory");
    for entry in fs::read_dir(&schemas).expect("tests/ui/schemas exists") {
        let path = entry.expect("readable entry").path();
        let name = path.file_name().expect("a file name");
        let destination = if name == "instr.toml" {
            project.join(name)
        } else {
            project.join("schemas").join(name)
        };
        fs::copy(&path, destination).expect("copy a schema");
    }
}
