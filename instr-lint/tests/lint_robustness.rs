//! The scanner on hostile input: files that do not parse, are not UTF-8, are symlink loops,
//! are megabytes of generated code, modules whose file is missing, files nothing reaches,
//! and every way rustc finds a module file (`#[path]`, inline modules, `include!`,
//! `#[cfg(test)]`). Each case is built in a temporary directory, since git cannot hold most
//! of them. To add a case, write its files in `workspace()` and assert on the report.

// Test helpers panic on failure by design, like the tests themselves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::Path;

use instr_lint::commands::check::{self, CheckOptions};
use instr_lint::lints::Report;

fn write(root: &Path, relative: &str, contents: &[u8]) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// A generated file of about `bytes` bytes: many items, a string holding braces, and one
/// handler at the very end, so chunked parsing must get every boundary right to find it.
fn generated(bytes: usize) -> String {
    let mut text = String::from("//! Generated.\n#![allow(dead_code)]\n");
    let mut index = 0;
    while text.len() < bytes {
        let _ = writeln!(
            text,
            "pub const NAME_{index}: &str = \"}} {{ not a brace }}\";\n\
             pub static TABLE_{index}: [u32; 4] = [1, 2, 3, {index}];\n\
             pub fn f_{index}<'a>(x: &'a str) -> char {{ if x.is_empty() {{ '}}' }} else {{ '{{' }} }}\n\
             impl Clone for S{index} {{ fn clone(&self) -> Self {{ S{index} {{ v: r#\"}}\"#.len() }} }} }}\n\
             pub struct S{index} {{ v: usize }}"
        );
        index += 1;
    }
    text.push_str("pub async fn generated_handler() -> &'static str { \"deep\" }\n");
    text
}

fn workspace(root: &Path) {
    write(
        root,
        "Cargo.toml",
        b"[package]\nname = \"hostile\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.8\"\n\n[workspace]\n",
    );
    write(
        root,
        "instr.toml",
        b"version = 1\n[owners.a]\ncontact = \"#a\"\n[metrics.m_total]\nkind = \"counter\"\ndescription = \"M.\"\nowner = \"a\"\n[features.f]\ndescription = \"F.\"\nowner = \"a\"\nsuccess_metrics = [\"m_total\"]\n",
    );
    write(
        root,
        "src/lib.rs",
        br#"
mod good;
mod broken;
mod latin1;
mod missing;
mod selfloop;
mod huge;
#[cfg(windows)]
mod windows_only;
#[path = "elsewhere/custom.rs"]
mod custom;
mod inline {
    pub mod nested;
}
#[cfg(test)]
mod tests;
include!("included.rs");

pub fn app() -> axum::Router {
    axum::Router::new()
        .route("/good", axum::routing::get(good::good))
        .route("/custom", axum::routing::get(custom::custom))
        .route("/deeper", axum::routing::get(custom::deeper::deeper))
        .route("/nested", axum::routing::get(inline::nested::nested))
        .route("/included", axum::routing::get(included))
        .route("/huge", axum::routing::get(huge::generated_handler))
}
"#,
    );
    write(root, "src/good.rs", b"pub async fn good() {}\n");
    write(root, "src/broken.rs", b"pub fn broken( {\n");
    write(root, "src/latin1.rs", b"pub fn caf\xe9() {}\n");
    write(
        root,
        "src/elsewhere/custom.rs",
        b"pub mod deeper;\npub async fn custom() {}\n",
    );
    write(
        root,
        "src/elsewhere/deeper.rs",
        b"pub async fn deeper() {}\n",
    );
    write(root, "src/inline/nested.rs", b"pub async fn nested() {}\n");
    write(root, "src/included.rs", b"pub async fn included() {}\n");
    write(
        root,
        "src/tests.rs",
        b"fn router() -> axum::Router { axum::Router::new().route(\"/test\", axum::routing::get(test_only)) }\nasync fn test_only() {}\n",
    );
    write(root, "src/orphan.rs", b"pub async fn orphan() {}\n");
    write(root, "src/huge.rs", generated(3 * 1024 * 1024).as_bytes());
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root.join("src/selfloop.rs"), root.join("src/selfloop.rs"))
            .unwrap();
        std::os::unix::fs::symlink(root.join("src"), root.join("src/inline/back")).unwrap();
    }
}

fn run(root: &Path) -> Report {
    check::run(&CheckOptions {
        manifest_path: Some(root.join("Cargo.toml")),
    })
    .unwrap()
}

fn messages(report: &Report, code: &str) -> Vec<String> {
    report
        .diagnostics()
        .filter(|finding| finding.rule.code == code)
        .map(|finding| finding.message.clone())
        .collect()
}

/// Every module rustc would find is scanned and every problem is a warning with a
/// location, never a panic or an abort.
#[test]
fn hostile_files_are_findings_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path());
    let report = run(dir.path());
    let mut handlers: Vec<String> = report.handlers.iter().map(|h| h.item_path()).collect();
    handlers.sort_unstable();
    assert_eq!(
        handlers,
        [
            "hostile::custom::custom",
            "hostile::custom::deeper::deeper",
            "hostile::good::good",
            "hostile::huge::generated_handler",
            "hostile::included",
            "hostile::inline::nested::nested",
        ]
    );
    let unparsable = messages(&report, "instr::unparsable-file");
    assert_eq!(unparsable.len(), 1, "{unparsable:?}");
    assert!(
        unparsable[0].starts_with("`src/broken.rs` does not parse"),
        "{unparsable:?}"
    );
    let unreadable = messages(&report, "instr::unreadable-file");
    assert!(
        unreadable
            .iter()
            .any(|m| m.contains("src/latin1.rs") && m.contains("not valid UTF-8")),
        "{unreadable:?}"
    );
    #[cfg(unix)]
    assert!(
        unreadable.iter().any(|m| m.contains("src/selfloop.rs")),
        "{unreadable:?}"
    );
    // `mod windows_only;` is behind a cfg, so its missing file is not a finding.
    assert_eq!(
        messages(&report, "instr::missing-module"),
        ["module file not found"]
    );
    let unreached = messages(&report, "instr::unreached-file");
    assert_eq!(
        unreached,
        ["`src/orphan.rs` is not part of any crate: no `mod` item reaches it"]
    );
    // Warnings only: the handlers themselves are the errors.
    for finding in report.diagnostics() {
        if finding.rule.code != "instr::handler-unmapped" {
            assert!(!finding.is_error(), "{}", finding.message);
        }
    }
}

/// Findings point at the right place even past a multi-byte character and in a chunked file.
#[test]
fn locations_survive_chunking() {
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path());
    let report = run(dir.path());
    let finding = report
        .diagnostics()
        .find(|f| f.message == "handler `generated_handler` serves no feature")
        .unwrap();
    let loc = finding.loc().unwrap();
    let file = report.sources.get(loc.file);
    assert_eq!(file.slice(loc.span), "generated_handler");
}

/// `exclude` globs keep files out of the scan and out of the unreached-file report.
#[test]
fn excluded_paths_are_not_scanned() {
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path());
    let manifest = dir.path().join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace(
            "[workspace]",
            "[package.metadata.instr]\nexclude = [\"src/orphan.rs\", \"src/broken.rs\"]\n\n[workspace]",
        ),
    )
    .unwrap();
    let report = run(dir.path());
    assert!(messages(&report, "instr::unparsable-file").is_empty());
    assert!(messages(&report, "instr::unreached-file").is_empty());
    // The rest is still scanned.
    assert_eq!(report.handlers.len(), 6);
}
