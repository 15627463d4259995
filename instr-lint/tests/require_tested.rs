//! `cargo instr-check --require-tested`: every feature's success metrics and objective series
//! must have been emitted by a test, as the emission records of `INSTR_EMISSIONS=1 cargo test`
//! show.
//!
//! The first test is the proof on the real shop: its test binaries (built by
//! `cargo test --workspace`) run with recording on, once without the one test that emits
//! `product_viewed` (a test-name filter, in place of deleting the test) and once with it; the
//! check must fail naming the feature, the event and the owner, then pass. The others write
//! record files in the documented format (docs/testing.md) for a small fixture workspace
//! (`fixtures/proof/payments`), to pin down each case: label selectors, latency objectives,
//! records of other packages, stale and missing records, the configuration key, `coverage`.
//!
//! The shop's Prometheus test emits too and needs the `prometheus` server, so the first test
//! needs it as well: it is `#[ignore = "needs ..."]`, and `.ci/run` runs it with
//! `--include-ignored` after `cargo test --workspace` has built the shop's test binaries.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::UNIX_EPOCH;

use serde_json::Value;

/// Runs the checker with `INSTR_EMISSIONS_DIR` pointing at `records`.
fn check(records: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-instr-check"))
        .arg("instr-check")
        .args(args)
        .current_dir(support::repo())
        .env("INSTR_EMISSIONS_DIR", records)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("CARGO_TERM_COLOR")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn payments_manifest() -> PathBuf {
    support::fixtures().join("proof/payments/Cargo.toml")
}

// ------------------------------------------------------------------------------ the shop

/// The shop's test executables of the workspace build, by test target name, from cargo's
/// JSON messages. Asking for the workspace's build (not `-p shop`) finds the binaries that
/// `cargo test --workspace` built, without rebuilding or replacing anything.
fn shop_test_binaries() -> Vec<(String, PathBuf)> {
    let output = support::cargo()
        .args([
            "test",
            "--workspace",
            "--no-run",
            "--message-format=json-render-diagnostics",
        ])
        .current_dir(support::repo())
        .env_remove("INSTR_EMISSIONS")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let shop = support::shop_manifest().canonicalize().unwrap();
    let mut binaries = Vec::new();
    for line in text(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let is_shop_test = message["reason"] == "compiler-artifact"
            && message["target"]["kind"][0] == "test"
            && message["manifest_path"]
                .as_str()
                .is_some_and(|path| Path::new(path) == shop);
        if let (true, Some(executable)) = (is_shop_test, message["executable"].as_str()) {
            let name = message["target"]["name"].as_str().unwrap().to_owned();
            binaries.push((name, PathBuf::from(executable)));
        }
    }
    binaries.sort();
    binaries
}

/// Runs one shop test executable as `cargo test` would (in the package's folder, as package
/// `shop`), recording into `records`; `filter` are libtest arguments.
fn run_shop_test(executable: &Path, records: &Path, filter: &[&str]) -> String {
    let output = Command::new(executable)
        .args(filter)
        .current_dir(support::repo().join("examples/shop"))
        .env("INSTR_EMISSIONS", "1")
        .env("INSTR_EMISSIONS_DIR", records)
        .env("CARGO_PKG_NAME", "shop")
        .env_remove("INSTR_EMISSIONS_TEST")
        .env_remove("INSTR_EMISSIONS_EXECUTABLE")
        .output()
        .unwrap();
    let stdout = text(&output.stdout);
    assert!(
        output.status.success(),
        "{}: {stdout}{}",
        executable.display(),
        text(&output.stderr)
    );
    stdout
}

/// The proof: in the shop, `traffic_is_measured_exactly` is the one test that emits
/// the `catalog` feature's success metric `product_viewed`. Without it, `--require-tested`
/// fails naming the feature, the event and its owner, and nothing else; with it, it passes.
#[test]
#[ignore = "needs prometheus: run with --include-ignored (.ci/run installs Prometheus and does)"]
fn removing_the_test_that_emits_a_success_metric_fails_the_check() {
    // The shop's Prometheus test is the only other shop test that emits; it needs the server.
    support::required_tool("prometheus");
    let binaries = shop_test_binaries();
    let names: Vec<&str> = binaries.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["http", "prometheus"], "{binaries:?}");
    let temp = tempfile::tempdir().unwrap();
    let records = temp.path().join("emissions");
    let shop = support::shop_manifest();
    let shop = shop.to_str().unwrap();

    for (name, executable) in &binaries {
        // Every test runs, also those `#[ignore]`d for needing a tool (the Prometheus one
        // emits), but the one that emits `product_viewed`.
        let filter: &[&str] = if name == "http" {
            &["--include-ignored", "--skip", "traffic_is_measured_exactly"]
        } else {
            &["--include-ignored"]
        };
        let summary = run_shop_test(executable, &records, filter);
        if name == "http" {
            assert!(summary.contains("1 filtered out"), "{summary}");
        }
    }
    let without = check(&records, &["--require-tested", "--manifest-path", shop]);
    let stderr = text(&without.stderr);
    assert_eq!(without.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "error[instr::unproven]: feature `catalog` (owner `catalog-team`): success metric `product_viewed` was emitted by no test"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("owner: catalog-team (catalog@shop.example)"),
        "{stderr}"
    );
    assert!(stderr.contains("1 error, 0 warnings"), "{stderr}");

    let (_, http) = binaries.iter().find(|(name, _)| name == "http").unwrap();
    run_shop_test(http, &records, &["--exact", "traffic_is_measured_exactly"]);
    let with = check(&records, &["--require-tested", "--manifest-path", shop]);
    assert_eq!(with.status.code(), Some(0), "{}", text(&with.stderr));
}

// ---------------------------------------------------------------- records written here

/// A records folder and a stand-in test executable whose build the records name.
struct Records {
    _temp: tempfile::TempDir,
    dir: PathBuf,
    executable: PathBuf,
    files: usize,
}

impl Records {
    fn new() -> Self {
        let temp = tempfile::tempdir().unwrap();
        let deps = temp.path().join("target/debug/deps");
        std::fs::create_dir_all(&deps).unwrap();
        let executable = deps.join("api-0123456789abcdef");
        std::fs::write(&executable, "a test binary").unwrap();
        Self {
            dir: temp.path().join("emissions"),
            _temp: temp,
            executable,
            files: 0,
        }
    }

    /// Writes one record file from `package`'s test binary `api` (the current build of the
    /// stand-in executable), holding `records` (lines without the final line feed, fields
    /// separated by tabs).
    fn write(&mut self, package: &str, records: &[&str]) -> PathBuf {
        let metadata = std::fs::metadata(&self.executable).unwrap();
        let modified = metadata
            .modified()
            .unwrap()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        self.write_as(package, modified, metadata.len(), records)
    }

    /// Writes a record file whose `process` line claims this build of the executable.
    fn write_as(&mut self, package: &str, modified: u128, size: u64, records: &[&str]) -> PathBuf {
        std::fs::create_dir_all(&self.dir).unwrap();
        self.files += 1;
        let mut text = format!(
            "instr-emissions 1\nprocess\tpackage={package}\tbinary=api\texecutable={}\texecutable-modified={modified}\texecutable-size={size}\tpid={}\tstarted=1\n",
            self.executable.display(),
            self.files,
        );
        for record in records {
            text.push_str(record);
            text.push('\n');
        }
        let path = self.dir.join(format!("api-{}-1.emissions", self.files));
        std::fs::write(&path, text).unwrap();
        path
    }

    fn check(&self, args: &[&str]) -> Output {
        let manifest = payments_manifest();
        let mut all = args.to_vec();
        all.extend(["--manifest-path", manifest.to_str().unwrap()]);
        check(&self.dir, &all)
    }

    fn coverage(&self) -> Value {
        let output = self.check(&["coverage", "--format", "json"]);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        serde_json::from_slice(&output.stdout).unwrap()
    }
}

/// Everything the `payments` and `refunds` features measure.
const EVERYTHING: &[&str] = &[
    "metric\tpays\tpayments_total\toutcome=success",
    "metric\tpays\tpayment_latency_seconds",
    "event\tpays\tpayment_settled",
    "metric\trefunds\trefunds_total",
];

/// The `instr::unproven` findings of a JSON report, as messages.
fn unproven(output: &Output) -> Vec<String> {
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["code"] == "instr::unproven")
        .map(|finding| finding["message"].as_str().unwrap().to_owned())
        .collect()
}

/// With every measure emitted, the check passes and `coverage` shows both features proven.
#[test]
fn proven_when_every_measure_was_emitted() {
    let mut records = Records::new();
    records.write("payments", EVERYTHING);
    let output = records.check(&["--require-tested"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("0 errors, 0 warnings"));

    let coverage = records.coverage();
    for feature in coverage["features"].as_array().unwrap() {
        assert_eq!(feature["proven_in_tests"], true, "{feature}");
        assert_eq!(feature["unproven"], serde_json::json!([]));
    }
    for handler in coverage["handlers"].as_array().unwrap() {
        assert_eq!(handler["proven_in_tests"], true, "{handler}");
    }
    assert_eq!(coverage["emission_records"]["files_read"], 1);
    assert_eq!(coverage["emission_records"]["files_left_out"], 0);
}

/// Each measure no test emitted is one finding, at its schema entry, naming the feature, the
/// owner and the series: the good series of a ratio objective counts only series with its
/// label values (the help names the series that were emitted), a latency objective needs its
/// histogram, a selector the feature already measures is not repeated.
#[test]
fn names_each_unproven_measure() {
    let mut records = Records::new();
    records.write(
        "payments",
        &[
            "metric\tpays\tpayments_total\toutcome=error",
            "event\tpays\tpayment_settled",
        ],
    );
    let json = records.check(&["--require-tested", "--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    assert_eq!(
        unproven(&json),
        [
            "feature `payments` (owner `payments-team`): objective `availability`'s good series `payments_total{outcome=~\"success|declined\"}` was emitted by no test",
            "feature `payments` (owner `payments-team`): objective `latency`'s histogram series `payment_latency_seconds` was emitted by no test",
            "feature `refunds` (owner `payments-team`): success metric `refunds_total` was emitted by no test",
        ]
    );

    let human = text(&records.check(&["--require-tested"]).stderr);
    assert!(
        human.contains("good = { metric = \"payments_total\""),
        "points at the objective's good selector:\n{human}"
    );
    assert!(
        human.contains("tests emitted `payments_total` only with other labels: {outcome=error}"),
        "{human}"
    );
    assert!(
        human.contains(
            "until it emits metric `payments_total` with `outcome` one of `success`, `declined`"
        ),
        "{human}"
    );
    assert!(
        human.contains("INSTR_EMISSIONS=1 cargo test --workspace"),
        "{human}"
    );
    assert!(
        human.contains("owner: payments-team (#payments-oncall)"),
        "{human}"
    );
    assert!(human.contains("3 errors, 0 warnings"), "{human}");

    let coverage = records.coverage();
    let features = coverage["features"].as_array().unwrap();
    assert_eq!(features[0]["name"], "payments");
    assert_eq!(features[0]["proven_in_tests"], false);
    assert_eq!(
        features[0]["unproven"],
        serde_json::json!([
            "payments_total{outcome=~\"success|declined\"}",
            "payment_latency_seconds"
        ])
    );
    assert_eq!(
        features[1]["unproven"],
        serde_json::json!(["refunds_total"])
    );
    let table = text(&records.check(&["coverage"]).stdout);
    assert!(
        table
            .contains("no: payments_total{outcome=~\"success|declined\"}, payment_latency_seconds"),
        "{table}"
    );
    assert!(
        table.contains("proven in tests: 0 of 2 features"),
        "{table}"
    );
}

/// A record counts for the packages that use the schema only: another package's test
/// emitting metrics of the same names proves nothing here, and the help says that no test of
/// the package recorded anything.
#[test]
fn records_of_other_packages_prove_nothing() {
    let mut records = Records::new();
    records.write("billing", EVERYTHING);
    let json = records.check(&["--require-tested", "--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    assert_eq!(unproven(&json).len(), 5, "{:?}", unproven(&json));
    let human = text(&records.check(&["--require-tested"]).stderr);
    assert!(
        human.contains(
            "no test of `payments` recorded anything: were its tests run with INSTR_EMISSIONS=1?"
        ),
        "{human}"
    );
}

/// No records at all is an error that says how to make them, never a pass, and never a
/// finding per feature; records that are all stale say so.
#[test]
fn no_records_is_an_error() {
    let mut records = Records::new();
    let output = records.check(&["--require-tested"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("--require-tested: no emission records in `")
            && stderr.contains(
                "run the tests with INSTR_EMISSIONS=1 first (`INSTR_EMISSIONS=1 cargo test --workspace`)"
            ),
        "{stderr}"
    );
    assert!(!stderr.contains("instr::unproven"), "{stderr}");

    records.write_as("payments", 1, 1, EVERYTHING);
    let output = records.check(&["--require-tested"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("no current emission records in `")
            && text(&output.stderr).contains("1 file left out"),
        "{}",
        text(&output.stderr)
    );
    let coverage = records.coverage();
    assert_eq!(coverage["features"][0]["proven_in_tests"], Value::Null);
    assert_eq!(coverage["emission_records"]["files_left_out"], 1);
}

/// A stale file (its test binary was rebuilt since) and an unreadable one are reported as
/// warnings naming the file and why, and what they hold does not count; stale files of
/// packages that do not use the schema are not reported.
#[test]
fn left_out_files_are_reported() {
    let mut records = Records::new();
    records.write("payments", EVERYTHING);
    let stale = records.write_as("payments", 1, 1, &["metric\tother\tnever_declared_total"]);
    // Another package's stale records could prove nothing here: not reported.
    let unrelated = records.write_as("billing", 1, 1, &["metric\tother\tinvoices_total"]);
    std::fs::write(records.dir.join("future.emissions"), "instr-emissions 2\n").unwrap();
    let output = records.check(&["--require-tested", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let skipped: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["code"] == "instr::skipped-emission-records")
        .map(|finding| finding["message"].as_str().unwrap())
        .collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    let unrelated_name = unrelated.file_name().unwrap().to_str().unwrap();
    assert!(
        !skipped
            .iter()
            .any(|message| message.contains(unrelated_name)),
        "{skipped:?}"
    );
    let stale_name = stale.file_name().unwrap().to_str().unwrap();
    assert!(
        skipped
            .iter()
            .any(|message| message.contains(stale_name) && message.contains("was rebuilt since")),
        "{skipped:?}"
    );
    assert!(
        skipped
            .iter()
            .any(|message| message.contains("future.emissions") && message.contains("version 2")),
        "{skipped:?}"
    );
}

/// `require-tested = true` in the configuration requires the proof without the flag; a value
/// that is not a boolean is a configuration error; the flag before a subcommand is refused.
#[test]
fn the_configuration_key_requires_it_too() {
    let temp = tempfile::tempdir().unwrap();
    let copy = temp.path().join("payments");
    support::copy_dir(&support::fixtures().join("proof/payments"), &copy);
    let manifest = copy.join("Cargo.toml");
    let original = std::fs::read_to_string(&manifest).unwrap();
    let records = temp.path().join("emissions");
    let manifest_arg = manifest.to_str().unwrap();

    let plain = check(&records, &["--manifest-path", manifest_arg]);
    assert_eq!(plain.status.code(), Some(0), "{}", text(&plain.stderr));

    let with_config = |line: &str| {
        std::fs::write(
            &manifest,
            original.replace(
                "[package.metadata.instr]\n",
                &format!("[package.metadata.instr]\n{line}\n"),
            ),
        )
        .unwrap();
        let output = check(&records, &["--manifest-path", manifest_arg]);
        assert_eq!(output.status.code(), Some(2), "{line}");
        text(&output.stderr)
    };
    let required = with_config("require-tested = true");
    assert!(
        required.contains("--require-tested: no emission records"),
        "{required}"
    );
    let wrong = with_config("require-tested = \"yes\"");
    assert!(
        wrong.contains("`require-tested` must be `true` or `false`, found `\"yes\"`"),
        "{wrong}"
    );

    let misplaced = check(&records, &["--require-tested", "coverage"]);
    assert_eq!(misplaced.status.code(), Some(2));
    assert!(
        text(&misplaced.stderr).contains("`--require-tested` belongs to `check`"),
        "{}",
        text(&misplaced.stderr)
    );
}
