//! The per-file facts cache: a re-check reads what an unchanged file gave before; an entry
//! that is truncated, corrupt, of another version, for another key or tampered with is never
//! trusted (it is ignored and written again); two checks at once leave only whole entries;
//! `--no-cache` writes nothing.

// Test helpers panic on failure by design, like the tests themselves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};

use instr_lint::commands::check;
use instr_lint::report as output;
use instr_lint::scan::ScanOptions;
use instr_lint::scan::cache::{self, Cache, Key};
use instr_lint::scan::facts::FileFacts;
use instr_lint::scan::outcome::Outcome;
use instr_lint::scan::scan_source;
use instr_lint::scan::stored::StoredFile;
use instr_lint::scan::visit::FileContext;
use instr_lint::workspace::{self, Workspace};

const CACHED: ScanOptions = ScanOptions {
    prefilter: true,
    cache: true,
};

fn axum_copy() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    support::copy_dir(&support::fixtures().join("lint/axum"), dir.path());
    let workspace = workspace::discover(Some(&dir.path().join("Cargo.toml"))).unwrap();
    (dir, workspace)
}

fn report(workspace: &Workspace, options: ScanOptions) -> String {
    output::json::render(&check::check_workspace_with(workspace, options).unwrap())
}

fn entries(workspace: &Workspace) -> Vec<PathBuf> {
    support::listing(&workspace.target_dir.join("instr-check/facts"))
}

/// Entries are written on the first check, under the target directory, and the second
/// check reads them and reports the same.
#[test]
fn a_recheck_reads_the_entries() {
    let (_dir, workspace) = axum_copy();
    let cold = report(&workspace, CACHED);
    let written = entries(&workspace);
    assert!(written.len() >= 3, "{written:?}");
    let stamps: Vec<_> = written
        .iter()
        .map(|path| std::fs::metadata(path).unwrap().modified().unwrap())
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let warm = report(&workspace, CACHED);
    assert_eq!(cold, warm);
    let restamped: Vec<_> = written
        .iter()
        .map(|path| std::fs::metadata(path).unwrap().modified().unwrap())
        .collect();
    assert_eq!(stamps, restamped, "a warm check rewrote entries");
    assert_eq!(entries(&workspace), written);
}

/// Editing a file makes a new entry for it (a new text, a new key), and the report follows
/// the edit.
#[test]
fn an_edit_is_seen() {
    let (dir, workspace) = axum_copy();
    let before = report(&workspace, CACHED);
    let count = entries(&workspace).len();
    let orders = dir.path().join("src/api/orders.rs");
    let text = std::fs::read_to_string(&orders).unwrap();
    std::fs::write(
        &orders,
        format!("{text}\n#[instr::exempt(reason = \"new\")]\npub async fn added() {{}}\n"),
    )
    .unwrap();
    let after = report(&workspace, CACHED);
    assert_eq!(entries(&workspace).len(), count + 1);
    assert_ne!(before, after);
    assert_eq!(after, report(&workspace, ScanOptions::default()));
}

/// Each way an entry can be wrong: the check ignores it, reports what a check without cache
/// reports, and writes the entry again.
#[test]
fn unsound_entries_are_ignored_and_rebuilt() {
    let (_dir, workspace) = axum_copy();
    let reference = report(&workspace, ScanOptions::default());
    report(&workspace, CACHED);
    let sound: Vec<(PathBuf, Vec<u8>)> = entries(&workspace)
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    for (what, damage) in support::entry_damages() {
        for (path, bytes) in &sound {
            std::fs::write(path, damage(bytes)).unwrap();
        }
        assert_eq!(report(&workspace, CACHED), reference, "{what}");
        for (path, bytes) in &sound {
            assert_eq!(&std::fs::read(path).unwrap(), bytes, "{what}: not rebuilt");
        }
    }
}

/// An entry decodes for its own key only, and no truncation of it decodes.
#[test]
fn entries_round_trip_and_check_their_key() {
    let outcome = Outcome::Parsed(StoredFile::of(FileFacts::default()));
    let bytes = cache::encode(Key(7), &outcome).unwrap();
    assert_eq!(cache::decode(&bytes, Key(7)), Some(outcome));
    assert_eq!(cache::decode(&bytes, Key(8)), None);
    for cut in 0..bytes.len() {
        assert_eq!(cache::decode(&bytes[..cut], Key(7)), None, "cut at {cut}");
    }
}

/// A parsed file's facts survive the cache: its modules are stored with their names numbered
/// into the file's own table, and the table is written as text, so another process reads the
/// same facts back.
#[test]
fn stored_facts_round_trip_through_an_entry() {
    let text = r#"
        use axum::{routing::get, Router};
        mod api;
        pub mod admin { pub fn stats() {} }
        #[instr::handler(feature = "orders")]
        pub async fn list() { metrics::OrdersListed::inc(); }
        pub fn router() -> Router { Router::new().route("/orders", get(list)).nest("/admin", admin::router()) }
        impl Store { pub fn get(&self) {} }
    "#;
    let context = FileContext::new(Path::new("/nowhere/src/lib.rs"), Vec::new(), true);
    let facts = scan_source(text, &context).unwrap();
    let stored = StoredFile::of(facts.clone());
    let bytes = cache::encode(Key(3), &Outcome::Parsed(stored)).unwrap();
    // The modules' names are in the entry as their texts (another process numbers its names
    // differently): `Store` and `stats` are names only the modules hold.
    for name in [&b"Store"[..], b"stats"] {
        assert!(bytes.windows(name.len()).any(|window| window == name));
    }
    let Some(Outcome::Parsed(back)) = cache::decode(&bytes, Key(3)) else {
        panic!("the entry does not decode");
    };
    assert_eq!(back.facts(), facts);
    assert_eq!(back.paths.len(), facts.modules.len());
    assert!(back.modules.contents().routes && back.modules.contents().nests);
}

/// Two checks at once on a cold cache: both report what a check without cache does, and
/// every entry left is whole.
#[test]
fn two_checks_at_once_leave_whole_entries() {
    let (_dir, workspace) = axum_copy();
    let reference = report(&workspace, ScanOptions::default());
    let (a, b) = std::thread::scope(|scope| {
        let a = scope.spawn(|| report(&workspace, CACHED));
        let b = scope.spawn(|| report(&workspace, CACHED));
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_eq!(a, reference);
    assert_eq!(b, reference);
    let cache = Cache::open(&workspace.target_dir).unwrap();
    for path in entries(&workspace) {
        assert!(
            path.extension().is_some_and(|ext| ext == "facts"),
            "a temporary file was left: {}",
            path.display()
        );
        let key = key_of(&path);
        assert!(cache.read(key).is_some(), "{} is not whole", path.display());
    }
}

fn key_of(path: &Path) -> Key {
    let stem = path.file_stem().unwrap().to_str().unwrap();
    Key(u128::from_str_radix(stem, 16).unwrap())
}

/// `--no-cache` reads and writes nothing.
#[test]
fn no_cache_writes_nothing() {
    let (dir, _) = axum_copy();
    let output = support::run_in(dir.path(), &["--no-cache"]);
    assert!(output.status.code().is_some());
    assert!(!dir.path().join("target/instr-check").exists());
    let output = support::run_in(dir.path(), &[]);
    assert!(output.status.code().is_some());
    assert!(dir.path().join("target/instr-check/facts").is_dir());
}
