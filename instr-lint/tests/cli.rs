//! The real `cargo-instr-check` binary on fixture workspaces: exit codes, JSON, human output,
//! configuration, and the whole bad-schema corpus.
//!
//! Fixtures live in `instr-lint/tests/fixtures/cli/<case>/` (each a standalone workspace). To add a case,
//! add a folder there and a test here that runs the binary on it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use support::{fixtures, json, repo, run_in, stderr};

fn fixture(case: &str) -> PathBuf {
    fixtures().join("cli").join(case).join("Cargo.toml")
}

/// Runs the binary the way cargo does (`cargo-instr-check instr-check ...`), without colour.
fn run(args: &[&str]) -> Output {
    run_in(&repo(), args)
}

fn check(manifest: &Path, format: &str) -> Output {
    run(&[
        "--manifest-path",
        manifest.to_str().unwrap(),
        "--format",
        format,
    ])
}

/// A clean schema exits 0 with an empty JSON report.
#[test]
fn clean_workspace_exits_zero() {
    let output = check(&fixture("clean"), "json");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["version"], 1);
    assert_eq!(report["findings"], Value::Array(vec![]));
    assert_eq!(
        report["summary"],
        serde_json::json!({"errors": 0, "warnings": 0, "handlers": 1, "covered": 1, "baselined": 0})
    );
}

/// Error findings exit 1; the JSON report has the documented fields, 1-based positions and
/// file names relative to the workspace root.
#[test]
fn findings_exit_one_with_documented_json() {
    let output = check(&fixture("findings"), "json");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(
        report["summary"],
        serde_json::json!({"errors": 2, "warnings": 1, "handlers": 0, "covered": 0, "baselined": 0})
    );
    let findings = report["findings"].as_array().unwrap();
    let positions: Vec<(String, String, u64, u64)> = findings
        .iter()
        .map(|finding| {
            (
                finding["code"].as_str().unwrap().to_owned(),
                finding["file"].as_str().unwrap().to_owned(),
                finding["line"].as_u64().unwrap(),
                finding["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        positions,
        [
            (
                "instr::schema::unknown-owner".to_owned(),
                "instr.toml".to_owned(),
                10,
                9
            ),
            (
                "instr::schema::expired".to_owned(),
                "instr.toml".to_owned(),
                11,
                11
            ),
            (
                "instr::schema::unknown-metric".to_owned(),
                "instr.toml".to_owned(),
                16,
                20
            ),
        ]
    );
    let first = &findings[0];
    assert_eq!(first["severity"], "error");
    assert_eq!(
        first["message"],
        "metric `orders_total` names owner `payment`, which is not declared"
    );
    assert_eq!(first["label"], "did you mean `payments`?");
    assert_eq!(first["help"], "declared owners: `payments`");
    assert_eq!(
        (first["end_line"].as_u64(), first["end_column"].as_u64()),
        (Some(10), Some(18))
    );
    assert_eq!(findings[1]["severity"], "warning");
}

/// The human report (what people read in CI logs) is snapshot-tested, colour-free.
#[test]
fn human_report() {
    let output = check(&fixture("findings"), "human");
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "human output goes to stderr");
    let text = stderr(&output);
    assert!(!text.contains('\x1b'), "NO_COLOR must turn colours off");
    insta::assert_snapshot!("findings_human", text);
}

/// `--color always` colours even when not on a terminal; `never` wins over CARGO_TERM_COLOR.
#[test]
fn colour_choice() {
    let manifest = fixture("findings");
    let coloured = run(&[
        "--manifest-path",
        manifest.to_str().unwrap(),
        "--color",
        "always",
    ]);
    assert!(stderr(&coloured).contains("\x1b["));
    let plain = Command::new(env!("CARGO_BIN_EXE_cargo-instr-check"))
        .args([
            "--manifest-path",
            manifest.to_str().unwrap(),
            "--color",
            "never",
        ])
        .env("CARGO_TERM_COLOR", "always")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(!stderr(&plain).contains('\x1b'));
    let from_cargo = Command::new(env!("CARGO_BIN_EXE_cargo-instr-check"))
        .args(["--manifest-path", manifest.to_str().unwrap()])
        .env("CARGO_TERM_COLOR", "always")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(stderr(&from_cargo).contains("\x1b["));
}

/// A member with its own schema is checked against it; the other member uses the workspace
/// schema. Naming the member's manifest checks that member only.
#[test]
fn member_schemas() {
    let whole = check(&fixture("members"), "json");
    assert_eq!(whole.status.code(), Some(1));
    let findings = json(&whole)["findings"].as_array().unwrap().clone();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["code"], "instr::schema::unknown-metric");
    assert_eq!(findings[0]["file"], "api/schema/instr.toml");
    let human = stderr(&check(&fixture("members"), "human"));
    assert!(
        human.contains("api/schema/instr.toml: 1 feature")
            && human.contains(" · instr.toml: 1 feature"),
        "{human}"
    );

    let worker = fixtures().join("cli/members/worker/Cargo.toml");
    let output = check(&worker, "json");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let api = fixtures().join("cli/members/api/Cargo.toml");
    assert_eq!(check(&api, "json").status.code(), Some(1));
}

/// `[workspace.metadata.instr]` sets levels per rule (deny, warn, allow) and the ceiling.
#[test]
fn configured_levels() {
    let output = check(&fixture("levels"), "json");
    assert_eq!(output.status.code(), Some(1));
    let findings = json(&output)["findings"].as_array().unwrap().clone();
    let found: Vec<(&str, &str)> = findings
        .iter()
        .map(|finding| {
            (
                finding["code"].as_str().unwrap(),
                finding["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("instr::schema::cardinality", "warning"),
            ("instr::schema::expired", "error")
        ]
    );
}

/// A single-package project configures instr on the package.
#[test]
fn single_package_configuration() {
    let output = check(&fixture("single-package"), "json");
    assert_eq!(output.status.code(), Some(1));
    let findings = json(&output)["findings"].as_array().unwrap().clone();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["code"], "instr::schema::cardinality");
    assert_eq!(findings[0]["file"], "metrics.toml");
}

/// When the check cannot run, it exits 2 with a one-line cause on stderr and nothing on
/// stdout.
#[test]
fn cannot_run_exits_two() {
    let manifest = |case: &str| fixture(case).to_str().unwrap().to_owned();
    let (bad_config, no_schema, missing_schema) = (
        manifest("bad-config"),
        manifest("no-schema"),
        manifest("missing-schema"),
    );
    let cases: [(&[&str], &str); 6] = [
        (
            &["--manifest-path", &bad_config],
            "unknown key `shema` (did you mean `schema`?)",
        ),
        (&["--manifest-path", &no_schema], "no schema to check"),
        (
            &["--manifest-path", &missing_schema],
            "the schema `schema/instr.toml` set by `schema` under [workspace.metadata.instr] in",
        ),
        (
            &["--manifest-path", "/nonexistent/Cargo.toml"],
            "manifest `/nonexistent/Cargo.toml` does not exist",
        ),
        (&["--format", "yaml"], "invalid value 'yaml'"),
        (
            &["--explain", "schema::nope"],
            "unknown rule `schema::nope`",
        ),
    ];
    for (args, expected) in cases {
        let output = run(args);
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {text}");
        assert!(text.contains(expected), "{args:?}: {text}");
        assert!(output.stdout.is_empty(), "{args:?}");
        if !args.contains(&"--format") {
            assert_eq!(
                text.trim_end().lines().count(),
                1,
                "{args:?}: one line expected:\n{text}"
            );
        }
    }
}

/// Outside any Cargo project, `cargo metadata`'s failure is reported as the cause.
#[test]
fn no_manifest_exits_two() {
    let empty = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_cargo-instr-check"))
        .current_dir(empty.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`cargo metadata` failed"),
        "{}",
        stderr(&output)
    );
}

/// `--list` names every rule once; `--explain` prints a rule's text; both work with and
/// without the `instr-check` argument cargo inserts.
#[test]
fn list_and_explain() {
    let list = run(&["--list"]);
    assert_eq!(list.status.code(), Some(0));
    let text = String::from_utf8(list.stdout).unwrap();
    for rule in instr_schema::checks::ALL {
        assert_eq!(
            text.matches(&format!("{} ", rule.code)).count(),
            1,
            "{}",
            rule.code
        );
    }
    let explain = Command::new(env!("CARGO_BIN_EXE_cargo-instr-check"))
        .args(["--explain", "instr::schema::cardinality"])
        .output()
        .unwrap();
    assert_eq!(explain.status.code(), Some(0));
    let text = String::from_utf8(explain.stdout).unwrap();
    assert!(
        text.starts_with("instr::schema::cardinality\ndefault level: deny"),
        "{text}"
    );
    assert!(text.contains(instr_schema::checks::CARDINALITY.explanation));
}

/// Every bad schema of the corpus, checked through the binary in a workspace of its own,
/// exits 1 with a JSON finding on the line of the mistake.
#[test]
fn corpus_through_the_binary() {
    let corpus = repo().join("instr-schema/tests/fixtures/schemas/bad");
    let mut failures = Vec::new();
    let mut checked = 0;
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|ext| ext != "toml") {
            continue;
        }
        let workspace = tempfile::tempdir().unwrap();
        write_workspace(workspace.path(), &path, &corpus.join("included"));
        let output = check(&workspace.path().join("Cargo.toml"), "json");
        let (code, file, line) = expectation(&path);
        let found = output.status.code() == Some(1)
            && json(&output)["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|finding| {
                    finding["code"] == code.as_str()
                        && finding["file"] == file.as_str()
                        && finding["line"] == line
                });
        if !found {
            failures.push(format!(
                "{}: expected exit 1 and {code} at {file}:{line}; got {:?}\n{}",
                path.display(),
                output.status.code(),
                String::from_utf8_lossy(&output.stdout)
            ));
        }
        checked += 1;
    }
    assert!(checked >= 30);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Random bytes as a schema are a syntax finding (exit 1), never a crash (exit 101).
#[test]
fn garbage_schema_is_a_finding() {
    let workspace = tempfile::tempdir().unwrap();
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let schema = workspace.path().join("garbage.toml");
    std::fs::write(&schema, garbage).unwrap();
    write_workspace(workspace.path(), &schema, Path::new("/nonexistent"));
    let output = check(&workspace.path().join("Cargo.toml"), "json");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        json(&output)["findings"][0]["code"],
        "instr::schema::syntax"
    );
}

/// A standalone workspace whose `instr.toml` is a copy of `schema` (with `included/` beside it).
fn write_workspace(dir: &Path, schema: &Path, included: &Path) {
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"case\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::create_dir(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/lib.rs"), "").unwrap();
    std::fs::copy(schema, dir.join("instr.toml")).unwrap();
    if included.is_dir() {
        std::fs::create_dir(dir.join("included")).unwrap();
        for entry in std::fs::read_dir(included).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, dir.join("included").join(path.file_name().unwrap())).unwrap();
        }
    }
}

/// `(code, file, line)` from a corpus case's `# expect:` comment; the file is named as it is
/// in the copied workspace.
fn expectation(path: &Path) -> (String, String, u64) {
    let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
    let line = text
        .lines()
        .find_map(|line| line.strip_prefix("# expect: "))
        .unwrap();
    let (code, place) = line.split_once(" at ").unwrap();
    let (file, number) = match place.strip_prefix("line ") {
        Some(number) => ("instr.toml", number),
        None => place.rsplit_once(':').unwrap(),
    };
    (
        code.to_owned(),
        file.to_owned(),
        number.trim().parse().unwrap(),
    )
}

/// Global options (`--manifest-path`, `--color`) go on either side of a subcommand, and so
/// does `--format` of a subcommand that has one; another option of `check` before a
/// subcommand is refused instead of silently ignored.
#[test]
fn options_around_subcommands() {
    let manifest = fixture("clean");
    let manifest = manifest.to_str().unwrap();
    let before = run(&["--manifest-path", manifest, "coverage", "--format", "json"]);
    let after = run(&["coverage", "--format", "json", "--manifest-path", manifest]);
    assert_eq!(before.status.code(), Some(0), "{}", stderr(&before));
    assert_eq!(before.stdout, after.stdout);
    let format_first = run(&["--manifest-path", manifest, "--format", "json", "coverage"]);
    assert_eq!(
        format_first.status.code(),
        Some(0),
        "{}",
        stderr(&format_first)
    );
    assert_eq!(format_first.stdout, after.stdout);
    let misplaced = run(&[
        "--manifest-path",
        manifest,
        "--baseline",
        "b.json",
        "coverage",
    ]);
    assert_eq!(misplaced.status.code(), Some(2));
    assert!(
        stderr(&misplaced).contains("`--baseline` belongs to `check`"),
        "{}",
        stderr(&misplaced)
    );
}
