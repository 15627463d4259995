//! Endpoint detection on real, published code: crates fetched from crates.io with cargo (exact
//! versions, into a temporary project, without their default features so the download stays
//! small; every source file is in a package whatever its features), scanned with the
//! checker's own discovery, and compared with endpoint lists labelled by reading each crate's
//! code. Recall and precision are printed per crate, per kind of endpoint and per sample
//! (`in-sample`, and the crates labelled by colleagues before the checker was run on them:
//! `fresh`, `holdout`); both must be at least 0.98 on every crate.
//!
//! The labels are data: `tests/real_crates.toml` (its header says what counts as an endpoint
//! and how each is labelled, `file:line kind name`). A label matches a found endpoint only
//! with the same file, line, kind and name.
//!
//! Framework crates ship their handlers in examples and tests rather than in the library:
//! for those, the listed programs are scanned as binaries.
//!
//! To add a crate: add an entry to `real_crates.toml` with its exact version and labels, read
//! from its code. Offline, set `INSTR_SKIP_REAL_CRATES=1` to skip (CI has crates.io access and
//! runs it).

// Test helpers panic on failure by design, like the tests themselves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use instr_lint::analysis::handlers;
use instr_lint::scan::ScanOptions;
use instr_lint::scan::discover::{self, Unit};
use instr_lint::scan::facts::EndpointKind;
use instr_lint::workspace::{self, TargetKind};
use toml::de::{DeTable, DeValue};

/// Which code of a crate is scanned.
enum Scope {
    /// Its library and binary targets, as `cargo instr-check` scans them.
    Targets,
    /// These files, each as the root of a program (examples, tests, benches).
    Programs(Vec<String>),
}

/// One labelled crate of `real_crates.toml`.
struct Labelled {
    name: String,
    version: String,
    /// `in-sample`, `fresh` or `holdout` (see the data file's header).
    sample: String,
    scope: Scope,
    /// No library target: found where `cargo fetch` unpacked it.
    bin_only: bool,
    /// `file:line kind name`.
    endpoints: Vec<String>,
}

/// A label changed from what its labeller wrote (`[[changed]]`), kept with the reason.
struct Changed {
    krate: String,
    was: String,
    now: Option<String>,
}

fn strings(value: Option<&DeValue<'_>>) -> Vec<String> {
    match value {
        Some(DeValue::Array(items)) => items
            .iter()
            .map(|item| match item.get_ref() {
                DeValue::String(text) => text.to_string(),
                other => panic!("expected a string, found {other:?}"),
            })
            .collect(),
        None => Vec::new(),
        Some(other) => panic!("expected an array, found {other:?}"),
    }
}

fn text(table: &DeTable<'_>, key: &str) -> Option<String> {
    match table.get(key).map(|value| value.get_ref()) {
        Some(DeValue::String(text)) => Some(text.to_string()),
        Some(other) => panic!("`{key}` must be a string, found {other:?}"),
        None => None,
    }
}

fn tables<'a, 'i>(document: &'a DeTable<'i>, key: &str) -> Vec<&'a DeTable<'i>> {
    match document.get(key).map(|value| value.get_ref()) {
        Some(DeValue::Array(items)) => items
            .iter()
            .map(|item| match item.get_ref() {
                DeValue::Table(table) => table,
                other => panic!("`{key}` entries must be tables, found {other:?}"),
            })
            .collect(),
        None => Vec::new(),
        Some(other) => panic!("`{key}` must be an array of tables, found {other:?}"),
    }
}

/// Reads `tests/real_crates.toml`.
fn labels() -> (Vec<Labelled>, Vec<Changed>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/real_crates.toml");
    let source = std::fs::read_to_string(&path).unwrap();
    let document = DeTable::parse(&source).unwrap_or_else(|error| panic!("{error}"));
    let document = document.get_ref();
    let crates = tables(document, "crate")
        .into_iter()
        .map(|table| {
            let get = |key: &str| table.get(key).map(|value| value.get_ref());
            let scope = match text(table, "scope").as_deref() {
                Some("targets") => Scope::Targets,
                Some("programs") => Scope::Programs(strings(get("programs"))),
                other => panic!("unknown scope {other:?}"),
            };
            Labelled {
                name: text(table, "name").unwrap(),
                version: text(table, "version").unwrap(),
                sample: text(table, "sample").unwrap(),
                scope,
                bin_only: matches!(get("bin_only"), Some(DeValue::Boolean(true))),
                endpoints: strings(get("endpoints")),
            }
        })
        .collect();
    let changed = tables(document, "changed")
        .into_iter()
        .map(|table| Changed {
            krate: text(table, "crate").unwrap(),
            was: text(table, "was").unwrap(),
            now: text(table, "now"),
        })
        .collect();
    (crates, changed)
}

/// Fetches every crate into a temporary project and returns each one's manifest path.
fn fetch(dir: &Path, crates: &[Labelled]) -> Vec<PathBuf> {
    // Renamed, since one crate may be labelled at two versions.
    let dependencies: String = crates
        .iter()
        .enumerate()
        .map(|(index, krate)| {
            format!(
                "labelled-{index} = {{ package = \"{}\", version = \"={}\", default-features = false }}\n",
                krate.name, krate.version
            )
        })
        .collect();
    // (Offline? Set INSTR_SKIP_REAL_CRATES=1 to skip.)
    let metadata = support::fetched_metadata(dir, &dependencies);
    let packages = metadata["packages"].as_array().unwrap();
    // Sources `cargo fetch` unpacked sit side by side; a crate without a library target is not
    // in the project's metadata, but it is there.
    let unpacked = packages
        .iter()
        .find(|package| package["source"].is_string())
        .map(|package| {
            let manifest = PathBuf::from(package["manifest_path"].as_str().unwrap());
            manifest.parent().unwrap().parent().unwrap().to_path_buf()
        })
        .unwrap();
    crates
        .iter()
        .map(|krate| {
            if krate.bin_only {
                let manifest = unpacked
                    .join(format!("{}-{}", krate.name, krate.version))
                    .join("Cargo.toml");
                assert!(
                    manifest.is_file(),
                    "{} was not unpacked",
                    manifest.display()
                );
                return manifest;
            }
            let package = packages
                .iter()
                .find(|package| {
                    package["name"] == krate.name.as_str()
                        && package["version"] == krate.version.as_str()
                })
                .unwrap_or_else(|| panic!("{} {} was not fetched", krate.name, krate.version));
            PathBuf::from(package["manifest_path"].as_str().unwrap())
        })
        .collect()
}

/// The name a label gives an endpoint: `closure`, `static`, a function or `Type::method`, and
/// for a path as written (an external function) its last segment, with its type when the
/// segment before is one (`HttpResponse::Ok`).
fn label_name(handler: &handlers::Handler) -> String {
    let function = handler.function.as_str();
    if function.starts_with("<closure") {
        return "closure".to_owned();
    }
    if function.starts_with('<') && handler.kind == EndpointKind::Static {
        return "static".to_owned();
    }
    let segments: Vec<&str> = function.split("::").collect();
    match segments.as_slice() {
        [.., ty, last] if ty.starts_with(|c: char| c.is_ascii_uppercase()) => {
            format!("{ty}::{last}")
        }
        [.., last] => (*last).to_owned(),
        [] => String::new(),
    }
}

/// The scan of a crate's code as `krate.scope` says.
fn scan(
    krate: &Labelled,
    workspace: &workspace::Workspace,
    root: &Path,
    options: ScanOptions,
) -> discover::Scan {
    match &krate.scope {
        Scope::Targets => discover::scan_with(workspace, &[0], options),
        Scope::Programs(files) => {
            let units = files
                .iter()
                .map(|file| Unit {
                    member: 0,
                    package: krate.name.clone(),
                    crate_name: Path::new(file)
                        .file_stem()
                        .unwrap()
                        .to_string_lossy()
                        .replace('-', "_"),
                    kind: TargetKind::Bin,
                    root: root.join(file),
                    // Example programs build with the crate's dev-dependencies.
                    reaches_frameworks: true,
                })
                .collect();
            discover::scan_units_with(workspace, units, &[], options)
        }
    }
}

/// The endpoints the checker finds, as `file:line kind name` labels.
fn found(krate: &Labelled, manifest: &Path) -> BTreeSet<String> {
    let workspace = workspace::discover(Some(manifest)).unwrap();
    let root = manifest.parent().unwrap();
    let scan = scan(krate, &workspace, root, ScanOptions::default());
    let handlers = handlers::detect(&workspace, &scan);
    handlers
        .iter()
        .map(|handler| {
            let text = std::fs::read_to_string(&handler.path).unwrap();
            let line = text[..handler.site.span.start].matches('\n').count() + 1;
            let file = handler
                .path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            format!(
                "{file}:{line} {} {}",
                handler.kind.as_str(),
                label_name(handler)
            )
        })
        .collect()
}

/// Right, labelled and found counts.
#[derive(Default, Clone, Copy)]
struct Tally {
    right: usize,
    labelled: usize,
    found: usize,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.right += other.right;
        self.labelled += other.labelled;
        self.found += other.found;
    }

    fn recall(self) -> f64 {
        if self.labelled == 0 {
            1.0
        } else {
            self.right as f64 / self.labelled as f64
        }
    }

    fn precision(self) -> f64 {
        if self.found == 0 {
            1.0
        } else {
            self.right as f64 / self.found as f64
        }
    }

    fn line(self, what: &str) -> String {
        format!(
            "{what:<32} labelled {:>4}  found {:>4}  recall {:.3}  precision {:.3}",
            self.labelled,
            self.found,
            self.recall(),
            self.precision()
        )
    }
}

/// The kind of a `file:line kind name` label.
fn kind_of(label: &str) -> &str {
    label.split(' ').nth(1).unwrap_or("?")
}

/// Every labelled crate: recall and precision of endpoint detection at least 0.98, on each
/// crate; totals per sample and per kind are printed.
#[test]
fn detection_matches_labels_on_published_crates() {
    if std::env::var_os("INSTR_SKIP_REAL_CRATES").is_some() {
        eprintln!("INSTR_SKIP_REAL_CRATES is set: real-crate detection not checked");
        return;
    }
    let (crates, changed) = labels();
    for change in &changed {
        let krate = crates
            .iter()
            .find(|krate| krate.name == change.krate)
            .unwrap_or_else(|| panic!("[[changed]] names unknown crate {}", change.krate));
        assert!(
            !krate.endpoints.contains(&change.was),
            "{}: changed label `{}` is still listed",
            krate.name,
            change.was
        );
        if let Some(now) = &change.now {
            assert!(
                krate.endpoints.contains(now),
                "{}: changed label `{now}` is not listed",
                krate.name
            );
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let manifests = fetch(dir.path(), &crates);
    let mut failures = Vec::new();
    let mut by_sample: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_kind: BTreeMap<String, Tally> = BTreeMap::new();
    for (krate, manifest) in crates.iter().zip(&manifests) {
        let found = found(krate, manifest);
        let labelled: BTreeSet<String> = krate.endpoints.iter().cloned().collect();
        assert_eq!(
            labelled.len(),
            krate.endpoints.len(),
            "{}: a label is listed twice",
            krate.name
        );
        let tally = Tally {
            right: found.intersection(&labelled).count(),
            labelled: labelled.len(),
            found: found.len(),
        };
        println!(
            "{}",
            tally.line(&format!(
                "{} {} ({})",
                krate.name, krate.version, krate.sample
            ))
        );
        by_sample
            .entry(krate.sample.clone())
            .or_default()
            .add(tally);
        for kind in ["handler", "fallback", "static", "external"] {
            let of_kind = |set: &BTreeSet<String>| -> BTreeSet<String> {
                set.iter()
                    .filter(|label| kind_of(label) == kind)
                    .cloned()
                    .collect()
            };
            let (labelled, found) = (of_kind(&labelled), of_kind(&found));
            by_kind.entry(kind.to_owned()).or_default().add(Tally {
                right: found.intersection(&labelled).count(),
                labelled: labelled.len(),
                found: found.len(),
            });
        }
        if tally.recall() < 0.98 || tally.precision() < 0.98 {
            let missed: Vec<&String> = labelled.difference(&found).collect();
            let extra: Vec<&String> = found.difference(&labelled).collect();
            failures.push(format!(
                "{}: missed {missed:?}, not endpoints {extra:?}",
                krate.name
            ));
        }
    }
    let mut all = Tally::default();
    for (sample, tally) in &by_sample {
        println!("{}", tally.line(&format!("all {sample}")));
        all.add(*tally);
    }
    for (kind, tally) in &by_kind {
        println!("{}", tally.line(&format!("kind {kind}")));
    }
    println!("{}", all.line("all"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Everything detection and the scan report about a crate, with `options`: each endpoint
/// with its kind, name and routes (method and path) first, then all its fields, and the file
/// problems. The cache (when on) lives in `cache_dir`, not in cargo's registry.
fn everything(krate: &Labelled, manifest: &Path, options: ScanOptions, cache_dir: &Path) -> String {
    let mut workspace = workspace::discover(Some(manifest)).unwrap();
    workspace.target_dir = cache_dir.to_path_buf();
    let root = manifest.parent().unwrap();
    let scan = scan(krate, &workspace, root, options);
    let handlers = handlers::detect(&workspace, &scan);
    let mut out: Vec<String> = handlers
        .iter()
        .map(|handler| {
            let routes: Vec<String> = handler
                .routes
                .to_vec()
                .iter()
                .map(|r| r.display())
                .collect();
            format!(
                "{} {} [{}]\n  {handler:?}",
                handler.kind.as_str(),
                handler.item_path(),
                routes.join(", ")
            )
        })
        .collect();
    out.extend(scan.all_problems().iter().map(|p| format!("{p:?}")));
    out.join("\n")
}

/// Every crate of `real_crates.toml`: the same endpoints (kind, name, methods and paths, every
/// field) and file problems with and without the prefilter, with the cache cold and warm, and
/// without it.
#[test]
fn prefilter_and_cache_change_nothing_on_published_crates() {
    if std::env::var_os("INSTR_SKIP_REAL_CRATES").is_some() {
        eprintln!("INSTR_SKIP_REAL_CRATES is set: real-crate equivalence not checked");
        return;
    }
    let (crates, _) = labels();
    let dir = tempfile::tempdir().unwrap();
    let manifests = fetch(dir.path(), &crates);
    let cache = tempfile::tempdir().unwrap();
    let options = [
        (true, false),
        (true, true),
        (true, true),
        (false, true),
        (false, true),
    ];
    for (krate, manifest) in crates.iter().zip(&manifests) {
        let off = ScanOptions {
            prefilter: false,
            cache: false,
        };
        let reference = everything(krate, manifest, off, cache.path());
        assert!(!reference.is_empty(), "{}", krate.name);
        for (prefilter, cached) in options {
            let options = ScanOptions {
                prefilter,
                cache: cached,
            };
            let got = everything(krate, manifest, options, cache.path());
            assert!(
                got == reference,
                "{} differs with {options:?}:\n{got}\n---\n{reference}",
                krate.name
            );
        }
    }
}

/// The crates of the bench's corpus whose dependencies (with the lock file cargo writes)
/// reach no framework, `instr` or `metrics`.
const CORPUS_UNREACHED: &[&str] = &[
    "clap_builder",
    "http",
    "hyper",
    "miette",
    "regex-automata",
    "regex-syntax",
    "serde",
    "serde_json",
    "tokio",
    "tower",
    "tracing-subscriber",
];

/// The crates of the fresh corpus (chosen after the rule was written) that reach no
/// framework, `instr` or `metrics` (reqwest reaches `tower-http`; warp, poem and tonic are
/// frameworks).
const FRESH_UNREACHED: &[&str] = &[
    "bytes",
    "chrono",
    "futures-util",
    "prost",
    "rayon",
    "sqlx-core",
    "tracing",
    "uuid",
];

/// The speed bench's corpus (fifteen published crates in one workspace, with the
/// `Cargo.lock` cargo writes for it), and a fresh one of twelve more: detection, the
/// coverage report and the file problems are the same with and without the prefilter and the
/// caches, and without the lock file; the crates that reach no framework, `instr` or
/// `metrics` are the expected ones, and far fewer of their files are parsed at scan than
/// without the lock file (only those whose modules the light scan cannot read, such as a
/// `mod` item inside a macro call).
#[test]
fn crates_reaching_no_framework_change_nothing_on_published_code() {
    if std::env::var_os("INSTR_SKIP_REAL_CRATES").is_some() {
        eprintln!("INSTR_SKIP_REAL_CRATES is set: the corpus is not checked");
        return;
    }
    let bench: Vec<(&str, &str)> = support::CORPUS_LIBRARIES
        .iter()
        .chain(support::CORPUS_FRAMEWORKS)
        .copied()
        .collect();
    println!(
        "{}",
        corpus_changes_nothing("bench corpus", &bench, CORPUS_UNREACHED)
    );
    println!(
        "{}",
        corpus_changes_nothing("fresh corpus", support::FRESH_CORPUS, FRESH_UNREACHED)
    );
}

/// [`crates_reaching_no_framework_change_nothing_on_published_code`] for one corpus; returns
/// the line that says how many files were parsed.
fn corpus_changes_nothing(
    name: &str,
    crates: &[(&str, &str)],
    expected_unreached: &[&str],
) -> String {
    let dir = tempfile::tempdir().unwrap();
    let manifest = support::corpus_workspace(dir.path(), crates);
    let lock = manifest.with_file_name("Cargo.lock");
    assert!(
        lock.is_file(),
        "`cargo generate-lockfile` wrote no lock file (offline?)"
    );
    let cache = tempfile::tempdir().unwrap();
    // What the check says, and per unit: package, reaches a framework, files parsed at scan,
    // files.
    let report = |options: ScanOptions| {
        let mut workspace = workspace::discover(Some(&manifest)).unwrap();
        workspace.target_dir = cache.path().to_path_buf();
        let members: Vec<usize> = (0..workspace.members.len()).collect();
        let scan = discover::scan_with(&workspace, &members, options);
        let units: Vec<(String, bool, usize, usize)> = scan
            .units
            .iter()
            .enumerate()
            .map(|(index, unit)| {
                let files = scan.files.iter().filter(|file| file.unit == index);
                let parsed = files.clone().filter(|file| file.facts.is_parsed()).count();
                (
                    unit.package.clone(),
                    unit.reaches_frameworks,
                    parsed,
                    files.count(),
                )
            })
            .collect();
        let handlers = handlers::detect(&workspace, &scan);
        let mut out: Vec<String> = handlers.iter().map(|h| format!("{h:?}")).collect();
        out.extend(scan.all_problems().iter().map(|p| format!("{p:?}")));
        let coverage = instr_lint::commands::coverage::report_with(
            &instr_lint::commands::check::CheckOptions {
                manifest_path: Some(manifest.clone()),
            },
            options,
        )
        .unwrap();
        out.push(instr_lint::report::coverage::render_json(&coverage));
        (units, out.join("\n"))
    };
    let off = ScanOptions {
        prefilter: false,
        cache: false,
    };
    let on = ScanOptions {
        prefilter: true,
        cache: false,
    };
    let (_, reference) = report(off);
    for (prefilter, cache) in [(true, false), (true, true), (true, true), (false, true)] {
        let options = ScanOptions { prefilter, cache };
        let (_, got) = report(options);
        assert!(
            got == reference,
            "the {name} differs with {options:?}:\n{got}\n---\n{reference}"
        );
    }
    let (units, _) = report(on);
    let unreached: BTreeSet<&str> = units
        .iter()
        .filter(|(_, reaches, _, _)| !reaches)
        .map(|(package, _, _, _)| package.as_str())
        .collect();
    assert_eq!(
        unreached,
        expected_unreached.iter().copied().collect(),
        "{name}"
    );
    let parsed_in_unreached = |units: &[(String, bool, usize, usize)]| -> (usize, usize) {
        units
            .iter()
            .filter(|(package, _, _, _)| expected_unreached.contains(&package.as_str()))
            .fold((0, 0), |(parsed, files), (_, _, p, f)| {
                (parsed + p, files + f)
            })
    };
    let (with_lock, files) = parsed_in_unreached(&units);
    let kept = manifest.with_file_name("Cargo.lock.kept");
    std::fs::rename(&lock, &kept).unwrap();
    let (units_without, without_lock_report) = report(on);
    std::fs::rename(&kept, &lock).unwrap();
    assert!(units_without.iter().all(|(_, reaches, _, _)| *reaches));
    assert!(without_lock_report == reference);
    let (without_lock, _) = parsed_in_unreached(&units_without);
    assert!(
        with_lock * 4 < without_lock,
        "{name}: {with_lock} of {files} files parsed, {without_lock} without the lock file: {units:?}"
    );
    format!(
        "{name}: crates reaching no framework: {with_lock} of their {files} files parsed at scan with the lock file, {without_lock} without it"
    )
}
