//! Generated documentation stays in step with the code.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

/// `docs/rules.md` is the rule registry rendered as Markdown. After adding or changing a rule,
/// regenerate it with `INSTR_BLESS=1 cargo test -p instr-lint --test docs`.
#[test]
fn rules_reference_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules.md");
    let expected = instr_lint::registry::markdown();
    if std::env::var_os("INSTR_BLESS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == expected,
        "docs/rules.md is out of date: run `INSTR_BLESS=1 cargo test -p instr-lint --test docs`"
    );
}

/// `docs/diff.md` is generated: its tables of change codes come from the `ChangeCode` list the
/// schema comparison uses. After changing a code, regenerate it with
/// `INSTR_BLESS=1 cargo test -p instr-lint --test docs`.
#[test]
fn diff_reference_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/diff.md");
    let expected = instr_lint::schema_diff::docs::markdown();
    if std::env::var_os("INSTR_BLESS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == expected,
        "docs/diff.md is out of date: run `INSTR_BLESS=1 cargo test -p instr-lint --test docs`"
    );
}
