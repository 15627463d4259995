//! What the `cargo-instr-check` binary prints, byte for byte, on every fixture workspace and
//! on the example shop: every subcommand and output format that makes sense there, with its
//! exit code, stdout, stderr and the files it writes. One snapshot per workspace, in
//! `snapshots/cli_output/`.
//!
//! These snapshots are the proof that a refactoring left the command line unchanged: they were
//! recorded before the code moved and must not change with it. A snapshot that changes means
//! the code changed behaviour; fix the code, not the snapshot. After an intended change to what
//! users see, review the snapshot diff like code (`INSTA_UPDATE=always`).
//!
//! Runs are made without colour (`NO_COLOR`), with a fixed terminal width, and with the
//! emission records of tests read from a folder that does not exist (`INSTR_EMISSIONS_DIR`),
//! so that what `cargo test` recorded in `target/` does not show. Only what depends
//! on the machine is normalised, in [`normalise`]: the absolute paths of the checked workspace,
//! of the repository and of temporary directories, and the random names of temporary files.
//! Git commits made here have fixed authors and dates, so their ids are the same on every
//! machine and are kept.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the fixture workspaces live.
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A workspace the binary is run on.
struct Case {
    /// The snapshot's name.
    name: String,
    /// The workspace root, as the checker reports paths relative to it.
    root: PathBuf,
    /// The manifest passed with `--manifest-path`.
    manifest: PathBuf,
}

/// Every fixture workspace (`cli/*`, `lint/*`), the example shop, and the repository itself.
fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for group in ["cli", "lint"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures().join(group))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.join("Cargo.toml").is_file())
            .collect();
        dirs.sort();
        for dir in dirs {
            let name = format!("{group}-{}", dir.file_name().unwrap().to_string_lossy());
            cases.push(Case {
                name,
                manifest: dir.join("Cargo.toml"),
                root: dir,
            });
        }
    }
    cases.push(Case {
        name: "shop".to_owned(),
        root: support::repo(),
        manifest: support::shop_manifest(),
    });
    cases.push(Case {
        name: "repository".to_owned(),
        root: support::repo(),
        manifest: support::repo().join("Cargo.toml"),
    });
    cases
}

/// Replaces machine-dependent absolute paths: the checked workspace's root by `[ROOT]`, a
/// temporary directory by `[TEMP]`, the directory of the fixture workspaces by `[FIXTURES]`,
/// the repository by `[REPO]` (each also in its canonical spelling, longest first so a path
/// inside another is replaced whole).
fn normalise(text: &str, replacements: &[(PathBuf, &str)]) -> String {
    let mut pairs: Vec<(String, &str)> = Vec::new();
    for (path, marker) in replacements {
        for spelling in [path.clone(), path.canonicalize().unwrap_or(path.clone())] {
            let spelling = spelling.to_string_lossy().into_owned();
            if !spelling.is_empty() && !pairs.iter().any(|(known, _)| *known == spelling) {
                pairs.push((spelling, marker));
            }
        }
    }
    pairs.sort_by_key(|(spelling, _)| std::cmp::Reverse(spelling.len()));
    let mut out = text.to_owned();
    for (spelling, marker) in pairs {
        out = out.replace(&spelling, marker);
    }
    random_temp_names(&out)
}

/// The random part of the atomic writer's temporary file names (`.instr-a1B2c3.tmp`), which
/// appear in the error of a write that failed.
fn random_temp_names(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(".instr-") {
        let (before, after) = rest.split_at(at + ".instr-".len());
        out.push_str(before);
        let random = after
            .char_indices()
            .find(|(_, c)| !c.is_ascii_alphanumeric())
            .map_or(after.len(), |(index, _)| index);
        if after[random..].starts_with(".tmp") {
            out.push_str("[RANDOM]");
            rest = &after[random..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// One transcript: every run's command line, exit code, stdout, stderr and written files.
struct Transcript {
    text: String,
    replacements: Vec<(PathBuf, &'static str)>,
    /// Where the binary looks for emission records: nowhere that exists.
    records: PathBuf,
}

impl Transcript {
    fn new(root: &Path, temp: &Path) -> Self {
        Self {
            text: String::new(),
            replacements: vec![
                (root.to_path_buf(), "[ROOT]"),
                (temp.to_path_buf(), "[TEMP]"),
                (fixtures(), "[FIXTURES]"),
                (support::repo(), "[REPO]"),
            ],
            records: temp.join("no-emission-records"),
        }
    }

    /// Runs `cargo-instr-check instr-check ARGS...` in `dir` and records it.
    fn run(&mut self, dir: &Path, args: &[&str]) -> i32 {
        let output = Command::new(env!("CARGO_BIN_EXE_cargo-instr-check"))
            .arg("instr-check")
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .env("COLUMNS", "100")
            .env("INSTR_EMISSIONS_DIR", &self.records)
            .env_remove("CARGO_TERM_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .output()
            .unwrap();
        let code = output.status.code().unwrap_or(-1);
        let _ = write!(
            self.text,
            "$ cargo instr-check {}\nexit: {code}\n--- stdout\n{}--- stderr\n{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
        self.text.push_str("--- end\n\n");
        code
    }

    /// Records a file the binary wrote.
    fn file(&mut self, path: &Path) {
        let contents = std::fs::read(path)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_else(|error| format!("<not readable: {error}>\n"));
        let _ = write!(
            self.text,
            "=== file {}\n{contents}=== end\n\n",
            path.display()
        );
    }

    /// Records every file the binary wrote into `dir`, by name.
    fn files_in(&mut self, dir: &Path) {
        let mut written: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        written.sort();
        for path in written {
            self.file(&path);
        }
    }

    fn finish(self) -> String {
        normalise(&self.text, &self.replacements)
    }
}

/// Runs git in `dir` with a fixed identity and fixed dates, so commit ids are reproducible.
fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args([
            "-c",
            "core.autocrlf=false",
            "-c",
            "core.hooksPath=/dev/null",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "instr tests")
        .env("GIT_AUTHOR_EMAIL", "tests@instr.invalid")
        .env("GIT_AUTHOR_DATE", "2025-01-01T00:00:00Z")
        .env("GIT_COMMITTER_NAME", "instr tests")
        .env("GIT_COMMITTER_EMAIL", "tests@instr.invalid")
        .env("GIT_COMMITTER_DATE", "2025-01-01T00:00:00Z")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A git repository at `dir` whose only commit (`main`) holds what is there now.
fn commit_base(dir: &Path) {
    git(dir, &["init", "--quiet"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "--quiet", "-m", "base"]);
}

/// The schema file a workspace uses, if it has one at the default or configured place.
fn schema_of(dir: &Path) -> Option<PathBuf> {
    ["instr.toml", "metrics.toml"]
        .iter()
        .map(|name| dir.join(name))
        .find(|path| path.is_file())
}

/// Everything that makes sense on one workspace, in place and in temporary copies.
fn transcript_of(case: &Case) -> String {
    let temp = tempfile::tempdir().unwrap();
    let mut t = Transcript::new(&case.root, temp.path());
    let manifest = case.manifest.to_str().unwrap();
    let repo = support::repo();
    let on = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--manifest-path", manifest]);
        all.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run_on = |t: &mut Transcript, args: &[&str]| {
        let all = on(args);
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        t.run(&repo, &all)
    };

    // The check, in every format, and with the manifest before the options.
    for format in ["human", "json", "sarif", "github"] {
        run_on(&mut t, &["--format", format]);
    }
    t.run(
        &repo,
        &["--manifest-path", manifest, "check", "--format", "json"],
    );
    // Review and reporting commands.
    for format in ["table", "json", "markdown"] {
        run_on(&mut t, &["coverage", "--format", format]);
    }
    run_on(&mut t, &["docs"]);
    for format in ["prometheus", "openslo"] {
        run_on(&mut t, &["rules", "--format", format]);
    }
    let out = temp.path().join("out");
    let out_text = out.to_str().unwrap().to_owned();
    for format in ["prometheus", "openslo"] {
        if run_on(&mut t, &["rules", "--format", format, "--out", &out_text]) == 0 {
            t.files_in(&out);
            std::fs::remove_dir_all(&out).unwrap();
        }
    }
    let semconv = temp.path().join("semconv");
    let semconv_text = semconv.to_str().unwrap().to_owned();
    if run_on(
        &mut t,
        &["export", "--format", "semconv", "--out", &semconv_text],
    ) == 0
    {
        t.files_in(&semconv);
    }
    let catalog = temp.path().join("CATALOG.md");
    if run_on(&mut t, &["docs", "--out", catalog.to_str().unwrap()]) == 0 {
        t.file(&catalog);
    }
    // Baselines: written, then applied.
    let baseline = temp.path().join("baseline.json");
    let baseline_text = baseline.to_str().unwrap().to_owned();
    if run_on(&mut t, &["--write-baseline", &baseline_text]) == 0 {
        t.file(&baseline);
        run_on(&mut t, &["--baseline", &baseline_text]);
        run_on(&mut t, &["--baseline", &baseline_text, "--format", "json"]);
    }
    // Options of `check` before another subcommand are refused.
    for subcommand in ["init", "coverage", "docs", "rules"] {
        t.run(
            &repo,
            &["--manifest-path", manifest, "--format", "json", subcommand],
        );
    }
    if case.name == "repository" {
        return t.finish();
    }

    // A standalone copy: `init` and `diff` write files or need a git repository of their own.
    let copy = temp.path().join(&case.name);
    if case.name == "shop" {
        standalone_shop(&copy);
    } else {
        support::copy_dir(&case.root, &copy);
    }
    let copy_manifest = if case.name == "shop" {
        copy.join("Cargo.toml")
    } else {
        copy.join(case.manifest.strip_prefix(&case.root).unwrap())
    };
    let copy_manifest = copy_manifest.to_str().unwrap().to_owned();
    commit_base(&copy);
    for format in ["human", "json", "markdown"] {
        t.run(
            &copy,
            &[
                "diff",
                "--base",
                "main",
                "--format",
                format,
                "--manifest-path",
                &copy_manifest,
            ],
        );
    }
    t.run(
        &copy,
        &[
            "diff",
            "--base",
            "no-such-branch",
            "--manifest-path",
            &copy_manifest,
        ],
    );
    if case.name == "shop" {
        shop_diffs(&mut t, &copy);
    }
    // `init`: refuses to overwrite, then writes a starter schema that the check then reads.
    t.run(&copy, &["init", "--manifest-path", &copy_manifest]);
    let starter = copy.join("starter.toml");
    let starter_text = starter.to_str().unwrap().to_owned();
    if t.run(
        &copy,
        &[
            "init",
            "--output",
            &starter_text,
            "--manifest-path",
            &copy_manifest,
        ],
    ) == 0
    {
        t.file(&starter);
    }
    if let Some(schema) = schema_of(&copy) {
        std::fs::remove_file(&schema).unwrap();
        t.run(&copy, &["--manifest-path", &copy_manifest]);
        if t.run(&copy, &["init", "--manifest-path", &copy_manifest]) == 0 {
            t.file(&schema);
            t.run(
                &copy,
                &["--format", "json", "--manifest-path", &copy_manifest],
            );
            t.run(
                &copy,
                &["init", "--force", "--manifest-path", &copy_manifest],
            );
        }
    } else if t.run(&copy, &["init", "--manifest-path", &copy_manifest]) == 0 {
        t.file(&copy.join("instr.toml"));
    }
    // Members of a workspace, checked on their own.
    if case.name == "cli-members" {
        for member in ["api", "worker"] {
            let member_manifest = case.root.join(member).join("Cargo.toml");
            let member_manifest = member_manifest.to_str().unwrap();
            for format in ["human", "json"] {
                t.run(
                    &repo,
                    &["--manifest-path", member_manifest, "--format", format],
                );
            }
            t.run(&repo, &["coverage", "--manifest-path", member_manifest]);
        }
    }
    t.finish()
}

/// A standalone package holding the shop's schema, as `tests/diff.rs` builds it.
fn standalone_shop(dir: &Path) {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[package.metadata.instr]\nschema = \"instr.toml\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/main.rs"), "fn main() {}\n").unwrap();
    std::fs::copy(
        support::repo().join("examples/shop/instr.toml"),
        dir.join("instr.toml"),
    )
    .unwrap();
}

/// Applies `(from, to)` replacements to a file, each of which must match.
fn edit(path: &Path, edits: &[(&str, &str)]) {
    let mut text = std::fs::read_to_string(path).unwrap();
    for (from, to) in edits {
        assert!(text.contains(from), "{}: no {from:?}", path.display());
        text = text.replacen(from, to, 1);
    }
    std::fs::write(path, text).unwrap();
}

/// Schema changes of every kind on the shop, compared with the committed base.
fn shop_diffs(t: &mut Transcript, dir: &Path) {
    let schema = dir.join("instr.toml");
    let base = std::fs::read_to_string(&schema).unwrap();
    let diff = |t: &mut Transcript| {
        for format in ["human", "json", "markdown"] {
            t.run(dir, &["diff", "--base", "main", "--format", format]);
        }
    };
    // The acceptance case: a rename, and a label value added.
    edit(
        &schema,
        &[
            (
                "[metrics.checkout_attempts_total]",
                "[metrics.checkout_outcomes_total]",
            ),
            (
                "success_metrics = [\"checkout_attempts_total\"",
                "success_metrics = [\"checkout_outcomes_total\"",
            ),
            (
                "good = { metric = \"checkout_attempts_total\"",
                "good = { metric = \"checkout_outcomes_total\"",
            ),
            (
                "total = { metric = \"checkout_attempts_total\" }",
                "total = { metric = \"checkout_outcomes_total\" }",
            ),
            (
                "values = [\"hit\", \"miss\"]",
                "values = [\"hit\", \"miss\", \"partial\"]",
            ),
        ],
    );
    t.file(&schema);
    diff(t);
    // Acknowledged, with a stale acknowledgement.
    let manifest = dir.join("Cargo.toml");
    let manifest_text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        manifest_text.replace(
            "[workspace]\n",
            "[workspace]\n\n[workspace.metadata.instr]\nacknowledged-breaking = [\"metric:checkout_attempts_total\", \"event:gone\"]\n",
        ),
    )
    .unwrap();
    diff(t);
    std::fs::write(&manifest, &manifest_text).unwrap();

    // Every other kind of change at once.
    std::fs::write(&schema, &base).unwrap();
    edit(
        &schema,
        &[
            // owners: contact changed, one added
            (
                "contact = \"catalog@shop.example\"",
                "contact = \"#catalog\"\n\n[owners.growth-team]\ncontact = \"#growth\"",
            ),
            // labels: value removed and added, closed label opened, open label closed, label added
            (
                "values = [\"EUR\", \"USD\", \"GBP\"]",
                "values = [\"EUR\", \"USD\", \"CHF\"]",
            ),
            (
                "description = \"Which payment provider handled the attempt.\"\nvalues = [\"stripe\", \"adyen\", \"paypal\"]",
                "description = \"Which payment provider handled the attempt.\"\nkind = \"string\"\nmax_values = 10",
            ),
            (
                "kind = \"string\"\nmax_values = 50",
                "values = [\"books\", \"games\"]\n\n[labels.region]\nvalues = [\"eu\", \"us\"]",
            ),
            // metrics: label removed, label added, buckets, kind (experimental: announced), owner, description
            (
                "labels = [\"outcome\", \"payment_provider\"]",
                "labels = [\"outcome\"]",
            ),
            (
                "labels = [\"cart_action\"]",
                "labels = [\"cart_action\", \"region\"]",
            ),
            (
                "buckets = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0]",
                "buckets = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0]",
            ),
            (
                "kind = \"gauge\"\ndescription = \"Carts that hold at least one item.\"\nowner = \"checkout-team\"\nstability = \"experimental\"",
                "kind = \"histogram\"\ndescription = \"Carts that hold at least one item.\"\nowner = \"checkout-team\"\nstability = \"stable\"",
            ),
            (
                "description = \"Product page views, by category.\"\nowner = \"catalog-team\"",
                "description = \"Product page views.\"\nowner = \"checkout-team\"",
            ),
            // events: property optional, retyped, removed, required, added; one event removed
            (
                "properties = { order_id = \"string\", amount_cents = \"u64\", currency = \"currency\", coupon = \"string?\" }",
                "properties = { order_id = \"string?\", amount_cents = \"i64\", coupon = \"string\", note = \"string?\" }",
            ),
            (
                "[events.product_viewed]\ndescription = \"A customer opened a product page.\"\nowner = \"catalog-team\"\nproperties = { product_id = \"string\", category = \"category\" }\n",
                "[events.search_made]\ndescription = \"A customer searched.\"\nowner = \"catalog-team\"\nproperties = { query = \"string\" }\n",
            ),
            // features: measures, routes, owner, description; objectives: target, window, indicator, removed, added
            (
                "success_metrics = [\"checkout_attempts_total\", \"order_placed\"]",
                "success_metrics = [\"checkout_attempts_total\"]\nroutes = [\"POST /checkout\"]",
            ),
            ("target = 0.995", "target = 0.999"),
            (
                "threshold = 1.0\ntarget = 0.99\nwindow = \"28d\"",
                "threshold = 2.5\ntarget = 0.99\nwindow = \"7d\"",
            ),
            (
                "description = \"Adding, removing and clearing cart items.\"\nowner = \"checkout-team\"",
                "description = \"The cart.\"\nowner = \"growth-team\"",
            ),
            (
                "success_metrics = [\"catalog_searches_total\", \"product_viewed\"]",
                "success_metrics = [\"catalog_searches_total\", \"search_made\"]",
            ),
            (
                "[[features.catalog.objectives]]\nname = \"search_latency\"",
                "[[features.catalog.objectives]]\nname = \"search_speed\"",
            ),
        ],
    );
    std::fs::write(
        &schema,
        std::fs::read_to_string(&schema).unwrap()
            + "\n[features.wishlist]\ndescription = \"Saving products for later.\"\nowner = \"growth-team\"\nsuccess_metrics = [\"cart_updates_total\"]\n",
    )
    .unwrap();
    t.file(&schema);
    diff(t);

    // Removals and an event rename: a metric, a feature with its objectives, a label
    // definition nothing uses; `order_placed` renamed with its references.
    std::fs::write(&schema, &base).unwrap();
    edit(
        &schema,
        &[(
            "[labels.search_result]\n",
            "[labels.unused]\nvalues = [\"a\"]\n\n[labels.search_result]\n",
        )],
    );
    git(dir, &["commit", "--quiet", "-am", "an unused label"]);
    let with_unused = std::fs::read_to_string(&schema).unwrap();
    let cut = with_unused.find("[features.catalog]").unwrap();
    std::fs::write(&schema, &with_unused[..cut]).unwrap();
    edit(
        &schema,
        &[
            ("[labels.unused]\nvalues = [\"a\"]\n\n", ""),
            (
                "[metrics.catalog_views_total]\nkind = \"counter\"\ndescription = \"Product page views, by category.\"\nowner = \"catalog-team\"\nlabels = [\"category\"]\n",
                "",
            ),
            ("[events.order_placed]", "[events.order_created]"),
            (
                "\"checkout_attempts_total\", \"order_placed\"]",
                "\"checkout_attempts_total\", \"order_created\"]",
            ),
            (
                "unit = \"seconds\"\ndescription = \"Time to answer a catalog search.\"",
                "description = \"Time to answer a catalog search.\"",
            ),
        ],
    );
    t.file(&schema);
    diff(t);

    // A base whose schema has errors cannot be compared.
    let broken = base.replace(
        "owner = \"catalog-team\"\nlabels = [\"category\"]",
        "owner = \"nobody\"\nlabels = [\"category\"]",
    );
    std::fs::write(&schema, &broken).unwrap();
    git(dir, &["commit", "--quiet", "-am", "a broken schema"]);
    std::fs::write(&schema, &base).unwrap();
    t.run(dir, &["diff", "--base", "HEAD"]);
    // A head with errors is refused.
    std::fs::write(&schema, &broken).unwrap();
    t.run(dir, &["diff", "--base", "main"]);
    std::fs::write(&schema, &base).unwrap();
    // A schema that is not at the base is new.
    git(dir, &["rm", "--quiet", "--cached", "instr.toml"]);
    git(dir, &["commit", "--quiet", "-m", "no schema yet"]);
    for format in ["human", "json", "markdown"] {
        t.run(dir, &["diff", "--base", "HEAD", "--format", format]);
    }
}

/// Every fixture workspace, the shop and the repository, through every command.
#[test]
fn every_workspace_through_every_command() {
    let cases = cases();
    assert!(cases.len() >= 18, "{}", cases.len());
    // Two workers: the machine this runs on has few cores, and each run is mostly `cargo
    // metadata` and file reading.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, String)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(case) = cases.get(index) else { break };
                        done.push((index, transcript_of(case)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap())
            .collect()
    });
    results.sort_by_key(|(index, _)| *index);
    for (index, text) in results {
        insta::with_settings!({ snapshot_path => "snapshots/cli_output", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(cases[index].name.clone(), text);
        });
    }
}

/// `--list`, `--explain` of every listed rule, and the ways the command line is refused.
#[test]
fn rules_and_usage_errors() {
    let temp = tempfile::tempdir().unwrap();
    let repo = support::repo();
    let mut t = Transcript::new(&repo, temp.path());
    t.run(&repo, &["--list"]);
    let list = Command::new(env!("CARGO_BIN_EXE_cargo-instr-check"))
        .arg("--list")
        .output()
        .unwrap();
    let list = String::from_utf8(list.stdout).unwrap();
    let codes: Vec<&str> = list
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert!(codes.len() > 40, "{list}");
    for code in &codes {
        t.run(&repo, &["--explain", code]);
    }
    t.run(&repo, &["--explain", code_without_prefix(codes[0])]);
    t.run(&repo, &["--explain", "schema::expird"]);
    t.run(&repo, &["--explain", "nothing-like-it"]);
    t.run(&repo, &["--format", "yaml"]);
    t.run(&repo, &["--list", "--explain", "schema::expired"]);
    t.run(&repo, &["coverage", "--format", "html"]);
    t.run(&repo, &["rules", "--format", "yaml"]);
    t.run(&repo, &["export", "--out", "registry"]);
    t.run(
        &repo,
        &["export", "--format", "weaver", "--out", "registry"],
    );
    t.run(&repo, &["diff"]);
    t.run(&repo, &["--manifest-path", "/nonexistent/Cargo.toml"]);
    t.run(
        &repo,
        &["--baseline", "a.json", "--write-baseline", "b.json"],
    );
    let not_json = temp.path().join("baseline.json");
    let clean = fixtures().join("cli/clean/Cargo.toml");
    for contents in ["not json", "{\"version\": 9, \"findings\": []}"] {
        std::fs::write(&not_json, contents).unwrap();
        t.run(
            &repo,
            &[
                "--baseline",
                not_json.to_str().unwrap(),
                "--manifest-path",
                clean.to_str().unwrap(),
            ],
        );
    }
    let empty = temp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    t.run(&empty, &[]);
    t.run(&empty, &["coverage"]);
    // Proof in tests without any records is an error, not a pass.
    t.run(
        &repo,
        &[
            "--require-tested",
            "--manifest-path",
            clean.to_str().unwrap(),
        ],
    );
    insta::with_settings!({ snapshot_path => "snapshots/cli_output", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("rules-and-usage", t.finish());
    });
}

fn code_without_prefix(code: &str) -> &str {
    code.strip_prefix("instr::").unwrap_or(code)
}
