//! `cargo bench -p instr-lint --bench check`: the full `cargo instr-check` run against a bare
//! `syn::parse_file` of the same files, on the same rayon threads, in the same process.
//!
//! A generator writes a synthetic workspace (by default 20 crates, 2,000 files, about 400,000
//! lines) with handlers in every framework style. divan times both sides; then a side-by-side
//! section interleaves them and prints the ratio of medians, and a counting allocator prints
//! the peak heap of each at two workspace sizes (and with one multi-megabyte generated file),
//! to show that memory grows far slower than the workspace.
//!
//! Then, in the same run, with ratios printed:
//! - a real-code corpus: published crates (`LIBRARIES` and `FRAMEWORK_CRATES`, exact versions)
//!   fetched with cargo into temporary workspaces, checked (cold, no cache) against a bare
//!   parse of the same files, per group and all together;
//! - a warm re-check of the synthetic workspace after editing one file, with the facts cache;
//! - the peak RSS of the real `cargo-instr-check` process (its own `VmHWM`) on the
//!   workspace at 1x and 4x, and of `coverage` on the corpus and on four copies of it.
//!
//! `INSTR_BENCH_FILES` changes the number of files (spread over 20 crates);
//! `INSTR_SKIP_REAL_CRATES=1` skips the corpus (it needs crates.io).

// The counting allocator below is the one place this crate needs `unsafe`: a `GlobalAlloc`
// impl is unsafe by definition. It only forwards to the system allocator.
#![allow(unsafe_code)]
#![allow(
    missing_docs,
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use instr_lint::scan::ScanOptions;
use rayon::prelude::*;

// The integration tests' helpers: fetching crates with cargo, copying directories.
#[path = "../tests/support/mod.rs"]
mod support;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to `System`; the counters are plain atomics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(pointer, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            if new_size >= layout.size() {
                let now = CURRENT.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                    - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const CRATES: usize = 20;
const FRAMEWORKS: [&str; 6] = ["axum", "actix", "rocket", "poem", "tonic", "warp"];

/// One module file of about 200 lines: a handful of handlers in one framework's style, the
/// router or registration that serves them, and ordinary code around them.
fn module_file(crate_index: usize, file_index: usize) -> String {
    let framework = FRAMEWORKS[file_index % FRAMEWORKS.len()];
    let feature = format!("feature_{}", file_index % 10);
    let mut out = String::with_capacity(8 * 1024);
    let _ = writeln!(
        out,
        "//! Generated module {file_index} of crate {crate_index} ({framework}).\n"
    );
    match framework {
        "axum" => {
            out.push_str("use axum::routing::{get, post};\nuse axum::Router;\n\n");
            let _ = writeln!(
                out,
                "pub fn router() -> Router {{\n    Router::new()\n        .route(\"/items/{{id}}\", get(show).post(update))\n        .route(\"/items\", post(create))\n        .nest(\"/admin\", Router::new().route(\"/stats\", get(|| async {{ \"stats\" }})))\n}}\n\n#[instr::handler(feature = \"{feature}\")]\nasync fn show() -> &'static str {{ \"one\" }}\n\nasync fn update() -> &'static str {{ \"updated\" }}\n\n#[instr::exempt(reason = \"generated\")]\nasync fn create() -> &'static str {{ \"created\" }}\n"
            );
        }
        "actix" => {
            out.push_str("use actix_web::{get, post, web, HttpResponse};\n\n");
            let _ = writeln!(
                out,
                "pub fn config(cfg: &mut web::ServiceConfig) {{\n    cfg.service(web::scope(\"/v1\").service((show, create)).route(\"/ping\", web::get().to(ping)));\n}}\n\n#[instr::handler(feature = \"{feature}\")]\n#[get(\"/items/{{id}}\")]\nasync fn show() -> HttpResponse {{ HttpResponse::Ok().finish() }}\n\n#[post(\"/items\")]\nasync fn create() -> HttpResponse {{ HttpResponse::Ok().finish() }}\n\nasync fn ping() -> &'static str {{ \"pong\" }}\n"
            );
        }
        "rocket" => {
            out.push_str("use rocket::{get, post, routes, Route};\n\n");
            let _ = writeln!(
                out,
                "pub fn routes() -> Vec<Route> {{ routes![show, create] }}\n\n#[instr::handler(feature = \"{feature}\")]\n#[get(\"/items/<id>\")]\npub fn show(id: u64) -> String {{ id.to_string() }}\n\n#[post(\"/items\")]\npub fn create() -> &'static str {{ \"created\" }}\n"
            );
        }
        "poem" => {
            out.push_str("use poem::{get, handler, Route};\n\n");
            let _ = writeln!(
                out,
                "pub fn route() -> Route {{ Route::new().at(\"/hello\", get(hello)).at(\"/bye\", get(bye)) }}\n\n#[handler]\n#[instr::handler(feature = \"{feature}\")]\nfn hello() -> &'static str {{ \"hello\" }}\n\n#[handler]\nfn bye() -> &'static str {{ \"bye\" }}\n"
            );
        }
        "tonic" => {
            let _ = writeln!(
                out,
                "pub mod pb {{ tonic::include_proto!(\"svc{file_index}\"); }}\nuse pb::greeter_server::Greeter;\n\npub struct Service;\n\n#[tonic::async_trait]\nimpl Greeter for Service {{\n    #[instr::handler(feature = \"{feature}\")]\n    async fn say_hello(&self, request: tonic::Request<pb::HelloRequest>) -> Result<tonic::Response<pb::HelloReply>, tonic::Status> {{\n        let _ = request;\n        todo!()\n    }}\n\n    async fn say_goodbye(&self, request: tonic::Request<pb::HelloRequest>) -> Result<tonic::Response<pb::HelloReply>, tonic::Status> {{\n        let _ = request;\n        todo!()\n    }}\n}}\n"
            );
        }
        _ => {
            out.push_str("use warp::Filter;\n\n");
            let _ = writeln!(
                out,
                "pub fn filters() {{\n    let _search = warp::path(\"search\").and(warp::path::param()).and(warp::get()).and_then(search);\n}}\n\n#[instr::handler(feature = \"{feature}\")]\npub async fn search(query: String) -> Result<String, warp::Rejection> {{ Ok(query) }}\n"
            );
        }
    }
    out.push_str("\nuse crate::schema::metrics;\n\npub fn record() {\n    metrics::RequestsTotal::inc();\n}\n");
    // Ordinary code: the bulk of any real file.
    let mut index = 0;
    while out.lines().count() < 200 {
        let _ = writeln!(
            out,
            "\n/// A record kept by module {file_index}.\n#[derive(Clone, Debug, Default)]\npub struct Record{index} {{\n    pub id: u64,\n    pub name: String,\n    pub tags: Vec<String>,\n}}\n\nimpl Record{index} {{\n    /// Scores the record.\n    pub fn score(&self, weight: f64) -> f64 {{\n        let base = self.tags.iter().map(|tag| tag.len() as f64).sum::<f64>();\n        match self.id % 3 {{\n            0 => base * weight,\n            1 => base + weight / 2.0,\n            _ => {{\n                let name = format!(\"{{}}-{{}}\", self.name, self.id);\n                name.len() as f64 * weight\n            }}\n        }}\n    }}\n}}"
        );
        index += 1;
    }
    out
}

/// Writes the synthetic workspace; returns its root manifest and every source file.
fn generate(root: &Path, files: usize, huge_file_bytes: usize) -> (PathBuf, Vec<PathBuf>) {
    let per_crate = files.div_ceil(CRATES);
    let mut members = Vec::new();
    let mut sources = Vec::new();
    for crate_index in 0..CRATES {
        let name = format!("service{crate_index}");
        let dir = root.join(&name);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.8\"\nactix-web = \"4\"\nrocket = \"0.5\"\npoem = \"3\"\ntonic = \"0.14\"\nwarp = \"0.3\"\ninstr = \"0.1\"\n"
            ),
        )
        .unwrap();
        let mut lib = String::from(
            "//! Generated service.\npub mod schema { pub mod metrics { pub struct RequestsTotal; impl RequestsTotal { pub fn inc() {} } } }\n",
        );
        for file_index in 0..per_crate {
            let _ = writeln!(lib, "pub mod m{file_index};");
            let path = dir.join("src").join(format!("m{file_index}.rs"));
            std::fs::write(&path, module_file(crate_index, file_index)).unwrap();
            sources.push(path);
        }
        if crate_index == 0 && huge_file_bytes > 0 {
            lib.push_str("pub mod generated;\n");
            let mut text = String::from("//! A generated table.\n");
            let mut row = 0;
            while text.len() < huge_file_bytes {
                let _ = writeln!(
                    text,
                    "pub const ROW_{row}: (u32, &str, [u8; 4]) = ({row}, \"row {row}\", [1, 2, 3, 4]);"
                );
                row += 1;
            }
            let path = dir.join("src/generated.rs");
            std::fs::write(&path, text).unwrap();
            sources.push(path);
        }
        let lib_path = dir.join("src/lib.rs");
        std::fs::write(&lib_path, lib).unwrap();
        sources.push(lib_path);
        members.push(format!("\"{name}\""));
    }
    let mut schema = String::from(
        "version = 1\n[owners.team]\ncontact = \"#team\"\n[metrics.requests_total]\nkind = \"counter\"\ndescription = \"Requests.\"\nowner = \"team\"\n",
    );
    for feature in 0..10 {
        let _ = writeln!(
            schema,
            "[features.feature_{feature}]\ndescription = \"Feature {feature}.\"\nowner = \"team\"\nsuccess_metrics = [\"requests_total\"]"
        );
    }
    std::fs::write(root.join("instr.toml"), schema).unwrap();
    support::write_workspace_manifest(root, &members);
    (root.join("Cargo.toml"), sources)
}

struct Generated {
    _dir: tempfile::TempDir,
    manifest: PathBuf,
    sources: Vec<PathBuf>,
    lines: usize,
    bytes: usize,
}

fn generated(files: usize, huge: usize) -> Generated {
    let dir = tempfile::tempdir().unwrap();
    let (manifest, sources) = generate(dir.path(), files, huge);
    let (mut lines, mut bytes) = (0, 0);
    for source in &sources {
        let text = std::fs::read_to_string(source).unwrap();
        lines += text.lines().count();
        bytes += text.len();
    }
    Generated {
        _dir: dir,
        manifest,
        sources,
        lines,
        bytes,
    }
}

fn default_files() -> usize {
    std::env::var("INSTR_BENCH_FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

fn workspace() -> &'static Generated {
    static WORKSPACE: OnceLock<Generated> = OnceLock::new();
    WORKSPACE.get_or_init(|| generated(default_files(), 0))
}

/// The full check: `cargo metadata`, schema, discovery, parallel scan, detection, rules.
fn full_check(manifest: &Path) -> usize {
    let report = instr_lint::commands::check::run(&instr_lint::commands::check::CheckOptions {
        manifest_path: Some(manifest.to_path_buf()),
    })
    .unwrap();
    report.handler_count
}

/// The competitor: read and `syn::parse_file` every file, in parallel on the same pool.
/// (Published code may hold a file syn rejects: it counts no items.)
fn bare_parse(sources: &[PathBuf]) -> usize {
    sources
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let items = syn::parse_file(&text).map_or(0, |file| file.items.len());
            proc_macro2::extra::invalidate_current_thread_spans();
            items
        })
        .sum()
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn check(bencher: divan::Bencher<'_, '_>) {
    let workspace = workspace();
    bencher.bench(|| full_check(&workspace.manifest));
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn syn_parse_file(bencher: divan::Bencher<'_, '_>) {
    let workspace = workspace();
    bencher.bench(|| bare_parse(&workspace.sources));
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn peak_during(run: impl FnOnce()) -> usize {
    let before = CURRENT.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    run();
    PEAK.load(Ordering::Relaxed).saturating_sub(before)
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn side_by_side() {
    let workspace = workspace();
    println!(
        "\nworkspace: {CRATES} crates, {} files, {} lines, {:.1} MiB; rayon threads: {}",
        workspace.sources.len(),
        workspace.lines,
        mib(workspace.bytes),
        rayon::current_num_threads()
    );
    // Warm the page cache and both code paths, then interleave so drift hits both sides.
    full_check(&workspace.manifest);
    bare_parse(&workspace.sources);
    let (mut checks, mut parses) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        let start = Instant::now();
        bare_parse(&workspace.sources);
        parses.push(start.elapsed());
        let start = Instant::now();
        full_check(&workspace.manifest);
        checks.push(start.elapsed());
    }
    let (check, parse) = (median(checks), median(parses));
    println!(
        "side by side (median of 7): check {check:.3?}, bare syn::parse_file {parse:.3?}, ratio {:.2}x",
        check.as_secs_f64() / parse.as_secs_f64()
    );

    println!("peak heap (allocated bytes live at once, above the baseline):");
    for files in [default_files() / 4, default_files()] {
        let sized = generated(files, 0);
        let check_peak = peak_during(|| {
            full_check(&sized.manifest);
        });
        let parse_peak = peak_during(|| {
            bare_parse(&sized.sources);
        });
        let mut held = 0;
        let scan_peak = peak_during(|| {
            let workspace = instr_lint::workspace::discover(Some(&sized.manifest)).unwrap();
            let members: Vec<usize> = (0..workspace.members.len()).collect();
            let before = CURRENT.load(Ordering::Relaxed);
            let scan = instr_lint::scan::discover::scan(&workspace, &members);
            held = CURRENT.load(Ordering::Relaxed).saturating_sub(before);
            let handlers = instr_lint::analysis::handlers::detect(&workspace, &scan);
            assert!(!handlers.is_empty());
        });
        println!(
            "  {:>5} files, {:>7} lines, {:>6.1} MiB of source: check {:>6.1} MiB (scan and detection alone {:>5.1} MiB; the scan's facts {:.1} MiB, {} bytes a file), bare parse {:>6.1} MiB",
            sized.sources.len(),
            sized.lines,
            mib(sized.bytes),
            mib(check_peak),
            mib(scan_peak),
            mib(held),
            held / sized.sources.len(),
            mib(parse_peak)
        );
    }
    let with_huge = generated(default_files() / 4, 8 * 1024 * 1024);
    let check_peak = peak_during(|| {
        full_check(&with_huge.manifest);
    });
    let parse_peak = peak_during(|| {
        bare_parse(&with_huge.sources);
    });
    println!(
        "  {:>5} files with one 8 MiB generated file ({:.1} MiB of source): check {:.1} MiB, bare parse {:.1} MiB",
        with_huge.sources.len(),
        mib(with_huge.bytes),
        mib(check_peak),
        mib(parse_peak)
    );
}

/// The real-code corpus: the libraries and the web frameworks of the tests' support module.
const LIBRARIES: &[(&str, &str)] = support::CORPUS_LIBRARIES;
const FRAMEWORK_CRATES: &[(&str, &str)] = support::CORPUS_FRAMEWORKS;

/// The corpus workspace of `crates` (`support::corpus_workspace`, with its `Cargo.lock`);
/// returns its manifest and the files its targets reach.
fn corpus(dir: &Path, crates: &[(&str, &str)]) -> (PathBuf, Vec<PathBuf>) {
    let manifest = support::corpus_workspace(dir, crates);
    let workspace = instr_lint::workspace::discover(Some(&manifest)).unwrap();
    let all: Vec<usize> = (0..workspace.members.len()).collect();
    let options = ScanOptions {
        prefilter: false,
        cache: false,
    };
    let scan = instr_lint::scan::discover::scan_with(&workspace, &all, options);
    let files = scan
        .files
        .iter()
        .map(|file| file.path.to_path_buf())
        .collect();
    (manifest, files)
}

/// Writes `DIR/files.txt`: one source file per line.
fn write_file_list(dir: &Path, files: &[PathBuf]) {
    let list: String = files
        .iter()
        .map(|file| format!("{}\n", file.display()))
        .collect();
    std::fs::write(dir.join("files.txt"), list).unwrap();
}

/// The check of a workspace without a schema: every member scanned, handlers detected
/// (`cargo instr-check coverage`).
fn coverage_check(manifest: &Path, options: ScanOptions) -> usize {
    let options_of = instr_lint::commands::check::CheckOptions {
        manifest_path: Some(manifest.to_path_buf()),
    };
    let report = instr_lint::commands::coverage::report_with(&options_of, options).unwrap();
    report.handlers.len()
}

fn real_code() {
    if std::env::var_os("INSTR_SKIP_REAL_CRATES").is_some() {
        println!("\nreal-code corpus: skipped (INSTR_SKIP_REAL_CRATES)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let all: Vec<(&str, &str)> = LIBRARIES.iter().chain(FRAMEWORK_CRATES).copied().collect();
    println!(
        "\nreal-code corpus: {}",
        all.iter()
            .map(|(name, version)| format!("{name} {version}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    real_code_group(dir.path(), "libraries", LIBRARIES);
    real_code_group(dir.path(), "web frameworks", FRAMEWORK_CRATES);
    let (manifest, files) = real_code_group(dir.path(), "all", &all);
    // Crates chosen after the dependency rule was written, so that its effect is not measured
    // only where it was tuned.
    println!(
        "fresh crates: {}",
        support::FRESH_CORPUS
            .iter()
            .map(|(name, version)| format!("{name} {version}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    real_code_group(dir.path(), "fresh crates", support::FRESH_CORPUS);
    real_code_rss(dir.path(), &manifest, files, &all);
}

/// Peak RSS of `cargo instr-check coverage` on the corpus and on four copies of it: memory on
/// code where most files hold no handler (the generated workspace has handlers in every file).
fn real_code_rss(dir: &Path, one: &Path, files: usize, crates: &[(&str, &str)]) {
    let four = corpus_copies(dir, one, crates, 4);
    let rss_one = median_u64((0..3).map(|_| peak_rss_of(&["coverage"], one)).collect());
    let rss_four = median_u64((0..3).map(|_| peak_rss_of(&["coverage"], &four)).collect());
    println!(
        "peak RSS of cargo-instr-check coverage on the corpus (median of 3): {} files {:.1} MiB, 4 copies ({} files) {:.1} MiB, ratio {:.2}x",
        files,
        rss_one as f64 / 1024.0,
        files * 4,
        rss_four as f64 / 1024.0,
        rss_four as f64 / rss_one as f64
    );
}

/// A workspace of `copies` copies of each member of the corpus at `manifest`, each copy's
/// package and library renamed (`tokio_c2`); returns its manifest.
fn corpus_copies(dir: &Path, manifest: &Path, crates: &[(&str, &str)], copies: usize) -> PathBuf {
    let source = manifest.parent().unwrap();
    let root = dir.join(format!("corpus{}x{copies}", crates.len()));
    let mut members = Vec::new();
    for copy in 1..=copies {
        for (name, _) in crates {
            let member = format!("{name}_c{copy}");
            let target = root.join(&member);
            support::copy_dir(&source.join(name), &target);
            let manifest_path = target.join("Cargo.toml");
            let text = std::fs::read_to_string(&manifest_path).unwrap();
            std::fs::write(&manifest_path, renamed(&text, &format!("_c{copy}"))).unwrap();
            members.push(format!("\"{member}\""));
        }
    }
    support::write_workspace_manifest(&root, &members);
    support::write_lock_file(&root);
    root.join("Cargo.toml")
}

/// A published manifest with `suffix` added to the `name` of its `[package]` and `[lib]`.
fn renamed(manifest: &str, suffix: &str) -> String {
    let mut section = "";
    let mut out = String::new();
    for line in manifest.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            section = trimmed;
        }
        match trimmed.strip_prefix("name = \"") {
            Some(rest) if section == "[package]" || section == "[lib]" => {
                let name = rest.trim_end_matches('"');
                let _ = writeln!(out, "name = \"{name}{suffix}\"");
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// Cold check (no cache) against a bare parse of the same files, for one group of crates;
/// returns the group's workspace manifest and its number of files.
fn real_code_group(dir: &Path, group: &str, crates: &[(&str, &str)]) -> (PathBuf, usize) {
    let (manifest, files) = corpus(dir, crates);
    let (mut lines, mut bytes) = (0, 0);
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        lines += text.lines().count();
        bytes += text.len();
    }
    let cold = ScanOptions {
        prefilter: true,
        cache: false,
    };
    let workspace = instr_lint::workspace::discover(Some(&manifest)).unwrap();
    let members: Vec<usize> = (0..workspace.members.len()).collect();
    let scan = instr_lint::scan::discover::scan_with(&workspace, &members, cold);
    let parsed = scan.files.iter().filter(|f| f.facts.is_parsed()).count();
    drop(scan);
    coverage_check(&manifest, cold);
    bare_parse(&files);
    let (mut checks, mut parses) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        let start = Instant::now();
        bare_parse(&files);
        parses.push(start.elapsed());
        let start = Instant::now();
        coverage_check(&manifest, cold);
        checks.push(start.elapsed());
    }
    let (check, parse) = (median(checks), median(parses));
    println!(
        "real code, {group} ({} crates, {} files, {lines} lines, {:.1} MiB; {parsed} files parsed), median of 7: cold check {check:.3?}, bare syn::parse_file {parse:.3?}, ratio {:.2}x",
        crates.len(),
        files.len(),
        mib(bytes),
        check.as_secs_f64() / parse.as_secs_f64()
    );
    (manifest, files.len())
}

/// A warm re-check after editing one file, with the facts cache, against a cold check.
fn warm_recheck() {
    let workspace = workspace();
    let cached = ScanOptions {
        prefilter: true,
        cache: true,
    };
    let check = |options| {
        instr_lint::commands::check::run_with(
            &instr_lint::commands::check::CheckOptions {
                manifest_path: Some(workspace.manifest.clone()),
            },
            options,
        )
        .unwrap()
        .handlers
        .len()
    };
    check(cached);
    let edited = &workspace.sources[workspace.sources.len() / 2];
    let original = std::fs::read_to_string(edited).unwrap();
    let mut warm = Vec::new();
    for round in 0..7 {
        std::fs::write(edited, format!("{original}\n// edit {round}\n")).unwrap();
        let start = Instant::now();
        check(cached);
        warm.push(start.elapsed());
    }
    std::fs::write(edited, original).unwrap();
    let warm = median(warm);
    println!(
        "warm re-check after editing one file (median of 7, {} files): {warm:.3?}",
        workspace.sources.len()
    );
}

/// Peak RSS in KiB of `cargo-instr-check <command> --no-cache --format json --manifest-path
/// <manifest>` (cold, no cache; no command is the check): the child's own `VmHWM`, read from
/// `/proc` until it exits. (`wait4`'s `ru_maxrss` would not do: a spawned child inherits its
/// parent's high-water mark, and this process has parsed an 8 MiB file.)
fn peak_rss_of(command: &[&str], manifest: &Path) -> u64 {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-instr-check"))
        .args(command)
        .args(["--no-cache", "--format", "json", "--manifest-path"])
        .arg(manifest)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status)
            && let Some(line) = text.lines().find(|line| line.starts_with("VmHWM:"))
        {
            let kib = line
                .split_whitespace()
                .nth(1)
                .and_then(|value| value.parse().ok())
                .unwrap_or(0);
            peak = peak.max(kib);
        }
        if child.try_wait().unwrap().is_some() {
            return peak;
        }
        std::thread::sleep(Duration::from_micros(500));
    }
}

fn peak_rss() {
    let one = generated(default_files() / 4, 0);
    let four = generated(default_files(), 0);
    let rss_one = median_u64((0..3).map(|_| peak_rss_of(&[], &one.manifest)).collect());
    let rss_four = median_u64((0..3).map(|_| peak_rss_of(&[], &four.manifest)).collect());
    println!(
        "peak RSS of cargo-instr-check (median of 3): {} files {:.1} MiB, {} files (4x) {:.1} MiB, ratio {:.2}x",
        one.sources.len(),
        rss_one as f64 / 1024.0,
        four.sources.len(),
        rss_four as f64 / 1024.0,
        rss_four as f64 / rss_one as f64
    );
}

fn median_u64(mut values: Vec<u64>) -> u64 {
    values.sort_unstable();
    values[values.len() / 2]
}

fn main() {
    // `INSTR_BENCH_GENERATE=DIR` writes the synthetic workspace into DIR and exits, to profile
    // the real binary on it (`valgrind --tool=callgrind cargo-instr-check --manifest-path ...`).
    // Its files are listed in `DIR/files.txt`, for `INSTR_BENCH_BARE_PARSE`.
    if let Some(dir) = std::env::var_os("INSTR_BENCH_GENERATE") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (manifest, sources) = generate(&dir, default_files(), 0);
        write_file_list(&dir, &sources);
        println!("{} files: {}", sources.len(), manifest.display());
        return;
    }
    // `INSTR_BENCH_CORPUS=DIR` writes the real-code corpus workspace into DIR (and its files
    // into `DIR/files.txt`) and exits.
    if let Some(dir) = std::env::var_os("INSTR_BENCH_CORPUS") {
        let all: Vec<(&str, &str)> = LIBRARIES.iter().chain(FRAMEWORK_CRATES).copied().collect();
        let (manifest, files) = corpus(Path::new(&dir), &all);
        write_file_list(Path::new(&dir), &files);
        println!("{} files: {}", files.len(), manifest.display());
        return;
    }
    // `INSTR_BENCH_BARE_PARSE=FILE` runs the competitor once on the files listed in FILE, and
    // `INSTR_BENCH_CHECK_ONCE=MANIFEST` the cold check (`coverage`, no cache) once, and exit:
    // under `valgrind --tool=callgrind` the two instruction counts give a ratio that the
    // machine's load does not move (`cargo metadata`, another process, is not counted).
    if let Some(list) = std::env::var_os("INSTR_BENCH_BARE_PARSE") {
        let text = std::fs::read_to_string(&list).unwrap();
        let files: Vec<PathBuf> = text.lines().map(PathBuf::from).collect();
        println!("{} files, {} items", files.len(), bare_parse(&files));
        return;
    }
    if let Some(manifest) = std::env::var_os("INSTR_BENCH_CHECK_ONCE") {
        let cold = ScanOptions {
            prefilter: true,
            cache: false,
        };
        println!("{} handlers", coverage_check(Path::new(&manifest), cold));
        return;
    }
    if std::env::var_os("INSTR_BENCH_SIDE_BY_SIDE_ONLY").is_none() {
        divan::main();
    }
    peak_rss();
    side_by_side();
    warm_recheck();
    real_code();
}
