//! `cargo instr-check alerts` (spelt `rules` here, its alias) and `docs` on the example shop:
//! promtool accepts the rules and their unit tests pass; output is deterministic, written
//! atomically, and the committed examples in `examples/shop/generated/` are current.
//!
//! Tests that need `promtool` are `#[ignore = "needs promtool ..."]`: a plain `cargo test`
//! lists them as ignored, `--include-ignored` runs them and fails when promtool is missing
//! (`.ci/run` installs it and runs them). To add a case, add a test that runs the binary (see
//! `support`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::process::Command;

use support::{required_tool, run_on, shop_manifest, stderr, stdout};

fn generate(out: &Path, format: &str) {
    let output = run_on(
        &shop_manifest(),
        &["rules", "--out", out.to_str().unwrap(), "--format", format],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

fn promtool(args: &[&str], dir: &Path) -> (bool, String) {
    let output = Command::new("promtool")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let text = format!("{}{}", stdout(&output), stderr(&output));
    (output.status.success(), text)
}

/// `promtool check rules` accepts the shop's generated rules, and `promtool test rules` runs
/// the generated unit tests (alerts fire above their burn rate, stay silent below it and
/// after a burst ends; the SLI records hold the expected ratio) and they pass.
#[test]
#[ignore = "needs promtool: run with --include-ignored (.ci/run installs Prometheus and does)"]
fn promtool_accepts_the_rules_and_their_tests_pass() {
    required_tool("promtool");
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), "prometheus");
    let (ok, text) = promtool(&["check", "rules", "instr.rules.yml"], dir.path());
    assert!(ok, "promtool check rules failed:\n{text}");
    assert!(text.contains("SUCCESS"), "{text}");
    println!("promtool check rules:\n{text}");
    let (ok, text) = promtool(&["test", "rules", "instr.rules.test.yml"], dir.path());
    assert!(ok, "promtool test rules failed:\n{text}");
    assert!(text.contains("SUCCESS"), "{text}");
    println!("promtool test rules:\n{text}");
}

/// Skipped is not passed: run where `promtool` is missing (an empty PATH, `CI` unset), the
/// promtool test fails and names the tool, rather than passing without checking anything.
#[test]
fn a_missing_promtool_fails_the_test_that_needs_it() {
    let empty = tempfile::tempdir().unwrap();
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "promtool_accepts_the_rules_and_their_tests_pass",
            "--include-ignored",
            "--nocapture",
        ])
        .env("PATH", empty.path())
        .env_remove("CI")
        .output()
        .unwrap();
    let text = format!("{}{}", stdout(&output), stderr(&output));
    assert!(text.contains("1 failed"), "{text}");
    assert!(text.contains("`promtool` is missing"), "{text}");
    assert!(!text.contains("1 passed"), "{text}");
}

/// The unit tests are not vacuous: rules with a wrong threshold fail them.
#[test]
#[ignore = "needs promtool: run with --include-ignored (.ci/run installs Prometheus and does)"]
fn promtool_tests_catch_a_wrong_threshold() {
    required_tool("promtool");
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), "prometheus");
    let rules_path = dir.path().join("instr.rules.yml");
    let rules = std::fs::read_to_string(&rules_path).unwrap();
    // The checkout availability page alert: 13.44x a 0.5% budget.
    assert!(rules.contains("> 0.0672\n"), "{rules}");
    std::fs::write(&rules_path, rules.replace("> 0.0672\n", "> 0.08\n")).unwrap();
    let (ok, text) = promtool(&["test", "rules", "instr.rules.test.yml"], dir.path());
    assert!(!ok, "promtool accepted a wrong threshold:\n{text}");
    assert!(
        text.contains("above the 13.44x burn rate of the 1h/5m alert"),
        "{text}"
    );
}

/// Generating twice gives identical bytes, for every output.
#[test]
fn output_is_deterministic() {
    let (first, second) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for dir in [first.path(), second.path()] {
        generate(dir, "prometheus");
        generate(dir, "openslo");
        let catalog = dir.join("CATALOG.md");
        let output = run_on(
            &shop_manifest(),
            &["docs", "--out", catalog.to_str().unwrap()],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    for name in [
        "instr.rules.yml",
        "instr.rules.test.yml",
        "instr.openslo.yml",
        "CATALOG.md",
    ] {
        let a = std::fs::read(first.path().join(name)).unwrap();
        let b = std::fs::read(second.path().join(name)).unwrap();
        assert!(!a.is_empty(), "{name} is empty");
        assert!(a == b, "{name} differs between two runs");
    }
}

/// `examples/shop/generated/` holds the shop's generated catalog, rules, rule tests, OpenSLO
/// documents and semantic-convention registry, for readers of the repository. After a schema or renderer change,
/// regenerate them with `INSTR_BLESS=1 cargo test -p instr-lint --test alerts`.
#[test]
fn committed_examples_are_current() {
    let committed = support::repo().join("examples/shop/generated");
    let fresh = tempfile::tempdir().unwrap();
    generate(fresh.path(), "prometheus");
    generate(fresh.path(), "openslo");
    let catalog = fresh.path().join("CATALOG.md");
    let output = run_on(
        &shop_manifest(),
        &["docs", "--out", catalog.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let semconv = fresh.path().join("semconv");
    let output = run_on(
        &shop_manifest(),
        &[
            "export",
            "--format",
            "semconv",
            "--out",
            semconv.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let bless = std::env::var_os("INSTR_BLESS").is_some();
    let mut stale = Vec::new();
    for name in [
        "CATALOG.md",
        "instr.rules.yml",
        "instr.rules.test.yml",
        "instr.openslo.yml",
        "semconv/registry.yaml",
        "semconv/metrics.yaml",
        "semconv/events.yaml",
    ] {
        let expected = std::fs::read_to_string(fresh.path().join(name)).unwrap();
        let path = committed.join(name);
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &expected).unwrap();
        }
        if std::fs::read_to_string(&path).unwrap_or_default() != expected {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "examples/shop/generated/{stale:?} out of date: run `INSTR_BLESS=1 cargo test -p instr-lint --test alerts`"
    );
}

/// `alerts` is the command's name and `rules` its alias: both print the same, in both formats.
#[test]
fn alerts_and_rules_are_one_command() {
    for format in ["prometheus", "openslo"] {
        let alerts = run_on(&shop_manifest(), &["alerts", "--format", format]);
        let rules = run_on(&shop_manifest(), &["rules", "--format", format]);
        assert_eq!(alerts.status.code(), Some(0), "{}", stderr(&alerts));
        assert!(!alerts.stdout.is_empty());
        assert_eq!(alerts.stdout, rules.stdout, "{format}");
        assert_eq!(alerts.stderr, rules.stderr, "{format}");
    }
}

/// Without `--out`, the rules go to stdout, identical to the file.
#[test]
fn prints_rules_without_out() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), "prometheus");
    let output = run_on(&shop_manifest(), &["rules"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let file = std::fs::read_to_string(dir.path().join("instr.rules.yml")).unwrap();
    assert_eq!(stdout(&output), file);
}

/// `--out` replaces an existing file in place and leaves no temporary file behind.
#[test]
fn writes_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("CATALOG.md");
    std::fs::write(&target, "old contents").unwrap();
    let output = run_on(
        &shop_manifest(),
        &["docs", "--out", target.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(&target).unwrap();
    assert!(text.starts_with("# Instrumentation catalog"), "{text}");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["CATALOG.md"]);
}

/// The catalog shows owners with contacts, features with their objectives and alerts,
/// metrics with label values, and events with properties.
#[test]
fn catalog_describes_the_shop() {
    let output = run_on(&shop_manifest(), &["docs"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    for expected in [
        "Generated by `cargo instr-check docs` from `examples/shop/instr.toml`",
        "| `checkout-team` | #checkout-oncall | Checkout and payments | 2 features, 4 metrics, 1 event |",
        "### `checkout`",
        "- Success metrics: [`checkout_attempts_total`](#checkout_attempts_total) (counter), [`order_placed`](#order_placed) (event)",
        "| `availability` | good `checkout_attempts_total{outcome=~\"success\\|declined\"}` over all `checkout_attempts_total` | 99.5% | 28d | `CheckoutAvailabilityErrorBudgetBurn` |",
        "| `latency` | `checkout_latency_seconds` observations at or under 1 seconds | 99% | 28d | `CheckoutLatencyErrorBudgetBurn` |",
        "- Label `outcome` (How a checkout attempt ended): `success`, `declined`, `error`",
        "- Label `category` (Product category slug, as typed by merchants; capped): any string, at most 50 distinct values (then `other`)",
        "| [`carts_open`](#carts_open) | gauge |  |  | `checkout-team` | experimental | 2027-06-30 |",
        "| `coupon` | `string` | no |",
        // Handlers come from scanning the shop's code, not from the schema.
        "- Handlers in code: `shop::checkout::checkout` (POST /checkout), `shop::checkout::view_order` (GET /orders/{id})",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

/// A workspace whose schema has errors is refused (exit 1): generated files would silently
/// miss the items in error.
#[test]
fn refuses_schemas_with_errors() {
    let manifest = support::fixtures().join("cli/findings/Cargo.toml");
    for command in ["rules", "docs"] {
        let output = run_on(&manifest, &[command]);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("run `cargo instr-check` to see and fix"),
            "{}",
            stderr(&output)
        );
        assert!(stdout(&output).is_empty());
    }
}

/// A schema without objectives has no rules to generate: exit 2 with what to add.
#[test]
fn rules_need_an_objective() {
    let manifest = support::fixtures().join("cli/clean/Cargo.toml");
    let output = run_on(&manifest, &["rules"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("no feature declares an objective"),
        "{}",
        stderr(&output)
    );
}

/// The generator on objectives unlike the shop's (`tests/fixtures/slo/edge-objectives.toml`):
/// matchers on both sides of a ratio, a ratio across two metrics, a whole-number latency
/// bound with a matcher, a one-day window and a low target. promtool accepts the rules and
/// their tests pass; the alerts that can never fire or whose window exceeds the objective's
/// are left out, and the rules file says why.
#[test]
#[ignore = "needs promtool: run with --include-ignored (.ci/run installs Prometheus and does)"]
fn promtool_passes_on_edge_objectives() {
    use instr_artifacts::alerts::{rules_file, rules_test_file};

    required_tool("promtool");
    let path = support::fixtures().join("slo/edge-objectives.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut sources = instr_schema::diag::Sources::new();
    let loaded = instr_schema::load_str(
        "edge-objectives.toml",
        &text,
        &Default::default(),
        &mut sources,
    );
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    let dir = tempfile::tempdir().unwrap();
    let rules = rules_file(&loaded.schema, "edge-objectives.toml");
    let tests = rules_test_file(&loaded.schema, "edge-objectives.toml");
    std::fs::write(dir.path().join("instr.rules.yml"), &rules).unwrap();
    std::fs::write(dir.path().join("instr.rules.test.yml"), &tests).unwrap();

    for expected in [
        "# api/delivery: no 3d/6h alert: its 3d window is longer than the objective's 1d window.",
        "# api/batch_speed: no 1h/5m alert: burning 6.72x the budget means an error ratio of 3.36 or more, which cannot happen; raise the target.",
        // Matchers on both sides; the whole-number bound in both spellings.
        "sum(rate(requests_total{code=~\"ok|client_error\", region=\"eu\"}[5m]))",
        "sum(rate(job_duration_seconds_bucket{le=~\"60|60\\\\.0\", region=\"us\"}[1h]))",
        // One-day window: every factor raised to 1, so thresholds equal the 10% budget.
        "1 - instr:sli:ratio_rate1h{feature=\"api\", objective=\"delivery\"} > 0.1\n",
    ] {
        assert!(
            rules.contains(expected),
            "missing {expected:?} in:\n{rules}"
        );
    }
    for objective in ["api/availability", "api/delivery", "api/batch_speed"] {
        assert!(
            tests.contains(&format!("name: \"{objective}: ")),
            "no test for {objective}:\n{tests}"
        );
    }
    // Bad events for the availability ratio: counted by the total, not by the good selector.
    assert!(
        tests.contains("requests_total{code=\"server_error\", region=\"eu\"}"),
        "{tests}"
    );

    let (ok, text) = promtool(&["check", "rules", "instr.rules.yml"], dir.path());
    assert!(ok, "promtool check rules failed:\n{text}");
    let (ok, text) = promtool(&["test", "rules", "instr.rules.test.yml"], dir.path());
    assert!(ok, "promtool test rules failed:\n{text}");
}
