//! `cargo instr-check diff --base <ref>` on a temporary git repository holding the example
//! shop's real schema: renames, deprecations, acknowledgements, the three output formats,
//! and the failures (unknown revision, not a repository, no schema at the base).
//!
//! Each test builds its own repository with [`Repo`]; to add a case, commit a base schema,
//! edit it, and run the binary.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::{json, run_in, stderr, stdout};

/// A git repository with a standalone workspace whose schema starts as the shop's.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let repo = Self { dir };
        repo.write(
            "Cargo.toml",
            "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[package.metadata.instr]\nschema = \"instr.toml\"\n\n[workspace]\n",
        );
        repo.write("src/main.rs", "fn main() {}\n");
        repo.write("instr.toml", &shop_schema());
        repo.git(&["init", "--quiet", "--initial-branch=main"]);
        repo.commit("base");
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn schema(&self) -> String {
        std::fs::read_to_string(self.path().join("instr.toml")).unwrap()
    }

    fn git(&self, args: &[&str]) {
        let output = Command::new("git")
            .args([
                "-c",
                "user.name=instr tests",
                "-c",
                "user.email=tests@instr.invalid",
            ])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(self.path())
            .output()
            .unwrap();
        assert!(output.status.success(), "git {args:?}: {}", stderr(&output));
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "--quiet", "-m", message]);
    }

    fn diff(&self, args: &[&str]) -> Output {
        let mut all = vec!["diff"];
        all.extend_from_slice(args);
        run_in(self.path(), &all)
    }
}

fn shop_schema() -> String {
    let path: PathBuf = support::repo().join("examples/shop/instr.toml");
    std::fs::read_to_string(path).unwrap()
}

/// The acceptance case: renaming a metric of the shop makes `diff` report one breaking change
/// that names the feature and the alert it affects, and fail.
#[test]
fn renaming_a_metric_is_breaking_and_names_feature_and_alert() {
    let repo = Repo::new();
    repo.write(
        "instr.toml",
        &repo
            .schema()
            .replace("checkout_attempts_total", "checkout_outcomes_total"),
    );
    let output = repo.diff(&["--base", "main", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["version"], 1);
    assert_eq!(report["base"], "main");
    let changes = report["schemas"][0]["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{changes:#?}");
    let change = &changes[0];
    assert_eq!(change["key"], "metric:checkout_attempts_total");
    assert_eq!(change["change"], "renamed");
    assert_eq!(change["impact"], "breaking");
    assert_eq!(change["status"], "blocking");
    assert_eq!(change["renamed_to"], "checkout_outcomes_total");
    assert_eq!(
        change["dependents"]["features"],
        serde_json::json!(["checkout"])
    );
    assert_eq!(
        change["dependents"]["objectives"],
        serde_json::json!(["checkout/availability"])
    );
    assert_eq!(
        change["dependents"]["alerts"],
        serde_json::json!(["CheckoutAvailabilityErrorBudgetBurn"])
    );
    assert_eq!(
        report["summary"],
        serde_json::json!({"breaking": 1, "blocking": 1, "additive": 0})
    );

    let human = repo.diff(&["--base", "main"]);
    assert_eq!(human.status.code(), Some(1));
    let text = stdout(&human);
    assert!(
        text.contains(
            "BREAKING metric `checkout_attempts_total` renamed to `checkout_outcomes_total`"
        ),
        "{text}"
    );
    assert!(
        text.contains("affects feature `checkout`, objective `checkout/availability`, alert `CheckoutAvailabilityErrorBudgetBurn`"),
        "{text}"
    );
    assert!(
        text.contains("acknowledged-breaking = [\"metric:checkout_attempts_total\"]"),
        "{text}"
    );
}

/// The Markdown for a pull-request comment: a headline, a table row per change with what it
/// affects, and how to land a blocking change.
#[test]
fn markdown_is_ready_for_a_pull_request() {
    let repo = Repo::new();
    let schema = repo
        .schema()
        .replace("checkout_attempts_total", "checkout_outcomes_total")
        .replace(
            "values = [\"hit\", \"miss\"]",
            "values = [\"hit\", \"miss\", \"partial\"]",
        );
    repo.write("instr.toml", &schema);
    let output = repo.diff(&["--base", "main", "--format", "markdown"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    println!("{text}");
    for expected in [
        "## instr: schema changes against `main`",
        ":x: **1 breaking change needs attention** · 0 allowed · 1 additive change",
        "### `instr.toml`",
        "| :x: **breaking** | metric `checkout_attempts_total` renamed to `checkout_outcomes_total` | feature `checkout`, objective `checkout/availability`, alert `CheckoutAvailabilityErrorBudgetBurn` |",
        "| :heavy_plus_sign: additive | label `search_result` gained value `partial` | metric `catalog_searches_total`, feature `catalog` |",
        "<details><summary>How to land a breaking change</summary>",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

/// An acknowledged breaking change is reported but does not fail; an acknowledgement that
/// matches nothing is pointed out.
#[test]
fn acknowledged_changes_pass() {
    let repo = Repo::new();
    repo.write(
        "instr.toml",
        &repo
            .schema()
            .replace("checkout_attempts_total", "checkout_outcomes_total"),
    );
    let manifest = std::fs::read_to_string(repo.path().join("Cargo.toml")).unwrap();
    repo.write(
        "Cargo.toml",
        &manifest.replace(
            "[workspace]\n",
            "[workspace]\n\n[workspace.metadata.instr]\nacknowledged-breaking = [\"metric:checkout_attempts_total\", \"event:gone\"]\n",
        ),
    );
    let output = repo.diff(&["--base", "main", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["schemas"][0]["changes"][0]["status"], "acknowledged");
    assert_eq!(
        report["unused_acknowledgements"],
        serde_json::json!(["event:gone"])
    );
}

/// The deprecation path: first deprecate with a replacement (additive), then remove in a
/// later change (breaking but announced, so it passes).
#[test]
fn deprecate_then_remove_passes() {
    let repo = Repo::new();
    let with_replacement = repo.schema().replace(
        "[metrics.catalog_views_total]",
        "[metrics.catalog_page_views_total]\nkind = \"counter\"\ndescription = \"Product page views, by category (v2).\"\nowner = \"catalog-team\"\nlabels = [\"category\"]\n\n[metrics.catalog_views_total]\nstability = \"deprecated\"\ndeprecated = \"use `catalog_page_views_total`\"",
    );
    repo.write("instr.toml", &with_replacement);
    let step_one = repo.diff(&["--base", "main", "--format", "json"]);
    assert_eq!(step_one.status.code(), Some(0), "{}", stderr(&step_one));
    let statuses: Vec<String> = json(&step_one)["schemas"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{} {} {}", c["key"], c["change"], c["status"]).replace('"', ""))
        .collect();
    assert_eq!(
        statuses,
        [
            "metric:catalog_page_views_total added additive",
            "metric:catalog_views_total stability-changed additive"
        ]
    );
    repo.commit("deprecate catalog_views_total");

    let start = with_replacement
        .find("[metrics.catalog_views_total]")
        .unwrap();
    let end = start + with_replacement[start..].find("\n\n").unwrap() + 2;
    repo.write(
        "instr.toml",
        &format!("{}{}", &with_replacement[..start], &with_replacement[end..]),
    );
    let step_two = repo.diff(&["--base", "HEAD", "--format", "json"]);
    assert_eq!(step_two.status.code(), Some(0), "{}", stderr(&step_two));
    let change = &json(&step_two)["schemas"][0]["changes"][0];
    assert_eq!(change["change"], "removed");
    assert_eq!(change["status"], "announced");
    assert!(
        change["announced"]
            .as_str()
            .unwrap()
            .contains("replaced by `catalog_page_views_total`"),
        "{change}"
    );
}

/// Includes are read at the base revision too.
#[test]
fn follows_includes_at_the_base() {
    let repo = Repo::new();
    let schema = repo.schema();
    let start = schema.find("[events.order_placed]").unwrap();
    let end = schema
        .find("# ------------------------------------------------------------------ features")
        .unwrap_or_else(|| schema.find("[features.checkout]").unwrap());
    repo.write(
        "teams/events.toml",
        &format!("version = 1\n{}", &schema[start..end]),
    );
    repo.write(
        "instr.toml",
        &format!("{}{}", &schema[..start], &schema[end..]).replacen(
            "version = 1",
            "version = 1\ninclude = [\"teams/events.toml\"]",
            1,
        ),
    );
    let check = run_in(repo.path(), &[]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    repo.commit("split events out");
    let events = std::fs::read_to_string(repo.path().join("teams/events.toml")).unwrap();
    repo.write(
        "teams/events.toml",
        &events.replace("coupon = \"string?\"", "coupon = \"string\""),
    );
    let output = repo.diff(&["--base", "HEAD", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let change = &json(&output)["schemas"][0]["changes"][0];
    assert_eq!(change["key"], "event:order_placed");
    assert_eq!(change["change"], "property-required");
}

/// A revision that does not exist is a usage error (exit 2) with a hint.
#[test]
fn unknown_revision_is_a_usage_error() {
    let repo = Repo::new();
    let output = repo.diff(&["--base", "no-such-branch"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("unknown git revision `no-such-branch`"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).is_empty());
}

/// Outside a git repository there is nothing to compare with: exit 2.
#[test]
fn outside_git_is_a_usage_error() {
    let repo = Repo::new();
    std::fs::remove_dir_all(repo.path().join(".git")).unwrap();
    let output = repo.diff(&["--base", "main"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot compare with a git revision"),
        "{}",
        stderr(&output)
    );
}

/// A schema that does not exist at the base is new: everything is additive and passes.
#[test]
fn schema_absent_at_base_is_all_new() {
    let repo = Repo::new();
    std::fs::rename(
        repo.path().join("instr.toml"),
        repo.path().join("keep.toml"),
    )
    .unwrap();
    repo.commit("no schema yet");
    std::fs::rename(
        repo.path().join("keep.toml"),
        repo.path().join("instr.toml"),
    )
    .unwrap();
    let output = repo.diff(&["--base", "HEAD", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["schemas"][0]["new_at_head"], true);
    assert_eq!(report["summary"]["breaking"], 0);
    assert!(report["summary"]["additive"].as_u64().unwrap() > 10);
}

/// No changes: exit 0 and say so.
#[test]
fn no_changes() {
    let repo = Repo::new();
    let output = repo.diff(&["--base", "main", "--format", "markdown"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("No changes to the schema."),
        "{}",
        stdout(&output)
    );
}

/// `diff` reads only the schema: a finding about the code (here an unmapped handler, which
/// fails the check) does not stop it, nor `docs` or `rules`.
#[test]
fn code_findings_do_not_block_schema_commands() {
    let repo = Repo::new();
    repo.write(
        "src/main.rs",
        "fn main() {\n    let _app = axum::Router::new().route(\"/refunds\", axum::routing::post(refund));\n}\n\npub async fn refund() {}\n",
    );
    let check = run_in(repo.path(), &[]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    assert!(stderr(&check).contains("refund"), "{}", stderr(&check));
    let output = repo.diff(&["--base", "main"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for command in ["docs", "rules"] {
        let output = run_in(repo.path(), &[command]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{command}: {}",
            stderr(&output)
        );
    }
}
