//! The `cargo-instr-check` binary end to end on fixture workspaces: SARIF and GitHub
//! output, baselines that survive moved lines, `init` and `coverage`. Fixtures are copied to
//! a temporary directory whenever a test writes files. To add a case, add a test that runs
//! `instr_check(...)` and asserts on its exit code and output.

// Test helpers panic on failure by design, like the tests themselves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use support::{copy_dir, run_on, stderr, stdout};

fn fixture(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lint")
        .join(case)
}

fn instr_check(dir: &Path, args: &[&str]) -> Output {
    run_on(&dir.join("Cargo.toml"), args)
}

/// Asserts the object has every listed member.
fn require(value: &Value, what: &str, fields: &[&str]) {
    for field in fields {
        assert!(
            value.get(field).is_some(),
            "SARIF {what} lacks required `{field}`: {value}"
        );
    }
}

/// The SARIF log has what the SARIF 2.1.0 schema requires of each object it uses (sarifLog:
/// version, runs; run: tool; tool: driver; toolComponent: name; reportingDescriptor: id;
/// multiformatMessageString and message: text; result: message; physicalLocation:
/// artifactLocation; region: startLine >= 1), levels from the schema's enum, and rule
/// indices that point at the rule named.
#[test]
fn sarif_has_the_required_fields() {
    let output = instr_check(&fixture("axum"), &["--format", "sarif"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    require(&log, "sarifLog", &["version", "runs"]);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    require(run, "run", &["tool"]);
    assert!(["utf16CodeUnits", "unicodeCodePoints"].contains(&run["columnKind"].as_str().unwrap()));
    require(&run["tool"], "tool", &["driver"]);
    let driver = &run["tool"]["driver"];
    require(driver, "toolComponent", &["name"]);
    let rules = driver["rules"].as_array().unwrap();
    assert!(rules.len() > 20);
    for rule in rules {
        require(rule, "reportingDescriptor", &["id"]);
        for description in ["shortDescription", "fullDescription", "help"] {
            require(&rule[description], "multiformatMessageString", &["text"]);
        }
        let level = rule["defaultConfiguration"]["level"].as_str().unwrap();
        assert!(["none", "note", "warning", "error"].contains(&level));
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 9);
    let bases = run["originalUriBaseIds"].as_object().unwrap();
    for result in results {
        require(result, "result", &["message"]);
        require(&result["message"], "message", &["text"]);
        assert!(["none", "note", "warning", "error"].contains(&result["level"].as_str().unwrap()));
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        for location in result["locations"].as_array().unwrap() {
            let physical = &location["physicalLocation"];
            require(physical, "physicalLocation", &["artifactLocation"]);
            let artifact = &physical["artifactLocation"];
            assert!(!artifact["uri"].as_str().unwrap().starts_with('/'));
            assert!(bases.contains_key(artifact["uriBaseId"].as_str().unwrap()));
            assert!(physical["region"]["startLine"].as_u64().unwrap() >= 1);
        }
        assert_eq!(
            result["partialFingerprints"]["instrFingerprint/v1"]
                .as_str()
                .unwrap()
                .len(),
            16
        );
    }
}

/// GitHub annotations: one workflow command per finding, on one line each.
#[test]
fn github_annotations() {
    let output = instr_check(&fixture("actix"), &["--format", "github"]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = stdout(&output);
    let annotations: Vec<&str> = stdout
        .lines()
        .filter(|line| line.starts_with("::"))
        .collect();
    assert_eq!(annotations.len(), 4, "{stdout}");
    assert!(
        annotations[0].starts_with(
            "::error file=src/api.rs,line=10,endLine=10,col=14,endColumn=20,title=instr%3A%3Ahandler-unmapped::handler `refund` serves no feature"
        ),
        "{}",
        annotations[0]
    );
    assert!(annotations[0].contains("%0Ahelp: declare which feature"));
    assert!(
        stdout.ends_with("5 handlers, 1 covered (20%)\n"),
        "{stdout}"
    );
}

/// A baseline hides today's findings even after every line moves, and a new problem still
/// fails the build.
#[test]
fn baseline_survives_moved_lines() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("axum"), dir.path());
    let baseline = dir.path().join("instr-baseline.json");
    let written = instr_check(
        dir.path(),
        &["--write-baseline", baseline.to_str().unwrap()],
    );
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    assert!(
        stderr(&written).contains("wrote 9 findings"),
        "{}",
        stderr(&written)
    );

    // Move every line of every source file down.
    for file in ["src/main.rs", "src/api/mod.rs", "src/api/orders.rs"] {
        let path = dir.path().join(file);
        let old = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("// moved\n\n\n{old}")).unwrap();
    }
    let quiet = instr_check(dir.path(), &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(quiet.status.code(), Some(0), "{}", stderr(&quiet));
    assert!(
        stderr(&quiet).contains("0 errors, 0 warnings"),
        "{}",
        stderr(&quiet)
    );
    assert!(stderr(&quiet).contains("9 baselined"), "{}", stderr(&quiet));

    // A new unmapped handler is reported.
    let main = dir.path().join("src/main.rs");
    let source = std::fs::read_to_string(&main).unwrap();
    std::fs::write(
        &main,
        source.replace(
            ".route(\"/login\", post(login))",
            ".route(\"/login\", post(login))\n        .route(\"/logout\", post(logout))",
        ) + "\nasync fn logout() {}\n",
    )
    .unwrap();
    let noisy = instr_check(dir.path(), &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(noisy.status.code(), Some(1));
    assert!(
        stderr(&noisy).contains("handler `logout` serves no feature"),
        "{}",
        stderr(&noisy)
    );
    assert!(
        stderr(&noisy).contains("1 error, 0 warnings"),
        "{}",
        stderr(&noisy)
    );
}

/// `init` writes a starter schema that maps every handler, whose only errors are the
/// placeholders it left; it never overwrites without `--force`.
#[test]
fn init_writes_a_starter_schema() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("actix"), dir.path());
    std::fs::remove_file(dir.path().join("instr.toml")).unwrap();

    let no_schema = instr_check(dir.path(), &[]);
    assert_eq!(no_schema.status.code(), Some(2));
    assert!(stderr(&no_schema).contains("cargo instr-check init"));

    let init = instr_check(dir.path(), &["init"]);
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    let schema = std::fs::read_to_string(dir.path().join("instr.toml")).unwrap();
    assert!(schema.contains("[features.refunds]"), "{schema}");
    assert!(
        schema.contains(
            "\"actix_fixture::api::show_refund\",  # GET /api/v1/refunds/{id} (actix-web)"
        ),
        "{schema}"
    );

    let again = instr_check(dir.path(), &["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("instr.toml")).unwrap(),
        schema
    );

    let check = instr_check(dir.path(), &["--format", "json"]);
    assert_eq!(check.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&check.stdout).unwrap();
    let mut codes: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["code"].as_str().unwrap())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(
        codes,
        [
            "instr::schema::missing-success-metric",
            "instr::schema::unknown-owner"
        ]
    );
    assert_eq!(report["summary"]["covered"], report["summary"]["handlers"]);

    let forced = instr_check(dir.path(), &["init", "--force"]);
    assert_eq!(forced.status.code(), Some(0));
}

/// `coverage` works before any schema exists, and lists every handler with totals.
#[test]
fn coverage_without_schema() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("rocket"), dir.path());
    std::fs::remove_file(dir.path().join("instr.toml")).unwrap();
    let output = instr_check(dir.path(), &["coverage", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let handlers = report["handlers"].as_array().unwrap();
    assert_eq!(handlers.len(), 3);
    for field in [
        "file",
        "line",
        "function",
        "framework",
        "method",
        "route",
        "feature",
        "owner",
        "covered",
        "exempt",
    ] {
        assert!(handlers[0].get(field).is_some(), "missing `{field}`");
    }
    assert_eq!(report["totals"]["handlers"], 3);
    assert_eq!(report["totals"]["crates"][0]["crate"], "rocket-fixture");
    let markdown = instr_check(dir.path(), &["coverage", "--format", "markdown"]);
    let markdown = stdout(&markdown);
    assert!(
        markdown.contains(
            "| `src/products.rs:10` | handler | `show` | rocket | GET /products/<id> | **-** ⚠ |"
        ),
        "{markdown}"
    );
}
