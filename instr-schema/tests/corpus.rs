//! The schema corpus in `instr-schema/tests/fixtures/schemas/`.
//!
//! - `bad/*.toml`: one realistic mistake each. The second comment line says which finding it
//!   must produce and where: `# expect: <code> at line N` (or `at <file>:N` for a finding in an
//!   included file). The rendered report is snapshot-tested.
//! - `warn/*.toml`: warnings only, same `# expect:` line.
//! - `good/*.toml`: must produce no finding at all.
//!
//! To add a case, drop a file in the right folder and run `cargo insta test --review` (or
//! `INSTA_UPDATE=always cargo test -p instr-schema --test corpus`) to record its snapshot, then
//! read the snapshot: it is what users will see.

// Test helpers panic on broken fixtures by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};

use instr_schema::diag::{RenderOptions, Sources, render_human};

use instr_schema::{Loaded, load_file};
use support::options;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schemas")
}

fn load(path: &Path) -> (Loaded, Sources) {
    let mut sources = Sources::new();
    let base = path.parent().unwrap();
    let loaded = load_file(path, base, &options(), &mut sources).unwrap();
    (loaded, sources)
}

/// `(code, file, line)` from a case's `# expect:` comment.
fn expectation(path: &Path) -> (String, String, usize) {
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let line = text
        .lines()
        .find_map(|line| line.strip_prefix("# expect: "))
        .unwrap_or_else(|| panic!("{} has no `# expect:` line", path.display()));
    let (code, place) = line.split_once(" at ").unwrap();
    let default_file = path.file_name().unwrap().to_string_lossy().into_owned();
    let (file, line) = match place.strip_prefix("line ") {
        Some(number) => (default_file, number),
        None => {
            let (file, number) = place.rsplit_once(':').unwrap();
            (file.to_owned(), number)
        }
    };
    (
        code.to_owned(),
        file.to_owned(),
        line.trim().parse().unwrap(),
    )
}

/// Whether a finding of `code` starts at `file:line`.
fn has_finding(loaded: &Loaded, sources: &Sources, code: &str, file: &str, line: usize) -> bool {
    loaded.diagnostics.iter().any(|finding| {
        finding.rule.code == code
            && finding.loc().is_some_and(|loc| {
                let source = sources.get(loc.file);
                source.name() == file && source.line_column(loc.span.start).line == line
            })
    })
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    files
}

/// Every bad schema fails with the expected finding on the line of the mistake, and its report
/// matches the reviewed snapshot.
#[test]
fn bad_schemas_point_at_the_mistake() {
    let files = toml_files(&corpus_dir().join("bad"));
    assert!(
        files.len() >= 30,
        "the corpus should hold at least 30 bad schemas"
    );
    let mut failures = Vec::new();
    for path in files {
        let (loaded, sources) = load(&path);
        let (code, file, line) = expectation(&path);
        let rendered = render_human(&loaded.diagnostics, &sources, &RenderOptions::plain());
        if !loaded.has_errors() || !has_finding(&loaded, &sources, &code, &file, line) {
            failures.push(format!(
                "{}: expected {code} at {file}:{line}, got:\n{rendered}",
                path.display()
            ));
            continue;
        }
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        insta::with_settings!({ snapshot_path => "snapshots/corpus", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, rendered);
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Warning-only schemas report their warning and no error.
#[test]
fn warning_schemas_warn_without_failing() {
    for path in toml_files(&corpus_dir().join("warn")) {
        let (loaded, sources) = load(&path);
        let (code, file, line) = expectation(&path);
        assert!(!loaded.has_errors(), "{}", path.display());
        assert!(
            has_finding(&loaded, &sources, &code, &file, line),
            "{}",
            path.display()
        );
    }
}

/// Good schemas, and the example shop's schema, produce no finding at all.
#[test]
fn good_schemas_are_clean() {
    let mut files = toml_files(&corpus_dir().join("good"));
    files.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/shop/instr.toml"));
    for path in files {
        let (loaded, sources) = load(&path);
        let rendered = render_human(&loaded.diagnostics, &sources, &RenderOptions::plain());
        assert!(
            loaded.diagnostics.is_empty(),
            "{}:\n{rendered}",
            path.display()
        );
    }
}

/// The split schema's items from every included file end up in one model.
#[test]
fn includes_are_merged() {
    let (loaded, _) = load(&corpus_dir().join("good/split-by-team.toml"));
    let owners: Vec<&str> = loaded.schema.owners.keys().map(String::as_str).collect();
    assert_eq!(owners, ["payments", "platform", "search"]);
    assert_eq!(loaded.schema.features.len(), 2);
    assert_eq!(loaded.schema.metrics.len(), 3);
}
