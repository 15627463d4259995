//! The cache of `cargo metadata`: a re-check reuses cargo's answer while nothing it depends
//! on changed, and never after: editing a manifest, adding a member or a target, changing
//! the lock file each make the entry unusable and the answer is cargo's again. An entry
//! that is truncated, corrupt or tampered with is never trusted; without the cache nothing
//! is written.

// Test helpers panic on failure by design, like the tests themselves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use instr_lint::workspace::metadata_cache::{self, Request};
use instr_lint::workspace::{discover, discover_with};

/// A workspace of one member, `a`, under `crates/*`.
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\nmembers = [\"crates/*\"]\n",
    )
    .unwrap();
    add_member(root, "a");
    settle();
    let manifest = root.join("Cargo.toml");
    (dir, manifest)
}

fn add_member(root: &Path, name: &str) {
    let dir = root.join("crates").join(name);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.rs"), "").unwrap();
}

/// Lets the last change age past the margin within which an answer is not stored (a change
/// made while cargo ran may not be in its answer).
fn settle() {
    std::thread::sleep(Duration::from_millis(150));
}

/// The workspace as the cached discovery gives it, checked against cargo's own answer.
fn discovered(manifest: &Path) -> String {
    let cached = format!("{:?}", discover_with(Some(manifest), true).unwrap());
    let fresh = format!("{:?}", discover(Some(manifest)).unwrap());
    assert_eq!(cached, fresh);
    cached
}

fn stored(manifest: &Path) -> Option<String> {
    let cwd = std::env::current_dir().ok();
    metadata_cache::lookup(
        manifest.parent().unwrap(),
        Request::new(Some(manifest), cwd.as_deref()),
    )
}

fn entries(manifest: &Path) -> Vec<PathBuf> {
    support::listing(
        &manifest
            .parent()
            .unwrap()
            .join("target/instr-check/metadata"),
    )
}

/// The first check stores cargo's answer; the next one reads it and does not write it again.
#[test]
fn a_recheck_reads_the_entry() {
    let (_dir, manifest) = workspace();
    assert!(stored(&manifest).is_none());
    let first = discovered(&manifest);
    let written = entries(&manifest);
    assert_eq!(written.len(), 1, "{written:?}");
    assert!(stored(&manifest).is_some());
    let stamp = std::fs::metadata(&written[0]).unwrap().modified().unwrap();
    settle();
    assert_eq!(discovered(&manifest), first);
    assert_eq!(
        std::fs::metadata(&written[0]).unwrap().modified().unwrap(),
        stamp,
        "a usable entry was written again"
    );
}

/// Each change cargo's answer may depend on makes the entry unusable; the answer is then
/// cargo's, and it is stored again once the change has aged.
#[test]
fn every_input_invalidates_the_entry() {
    let (dir, manifest) = workspace();
    let root = dir.path().to_path_buf();
    type Change = fn(&Path);
    let changes: [(&str, Change); 7] = [
        ("a member's manifest edited", |root| {
            let path = root.join("crates/a/Cargo.toml");
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(path, format!("{text}\n[dependencies]\naxum = \"0.8\"\n")).unwrap();
        }),
        ("a member added under a glob", |root| add_member(root, "b")),
        ("the root manifest edited", |root| {
            std::fs::write(
                root.join("Cargo.toml"),
                "[workspace]\nresolver = \"2\"\nmembers = [\"crates/a\"]\n",
            )
            .unwrap();
        }),
        ("a lock file written", |root| {
            std::fs::write(root.join("Cargo.lock"), "version = 4\n").unwrap();
        }),
        ("the lock file changed", |root| {
            std::fs::write(root.join("Cargo.lock"), "version = 3\n").unwrap();
        }),
        ("a binary target added", |root| {
            std::fs::create_dir_all(root.join("crates/a/src/bin")).unwrap();
            std::fs::write(root.join("crates/a/src/bin/tool.rs"), "fn main() {}\n").unwrap();
        }),
        ("a cargo configuration added", |root| {
            std::fs::create_dir_all(root.join(".cargo")).unwrap();
            std::fs::write(
                root.join(".cargo/config.toml"),
                "[build]\ntarget-dir = \"other-target\"\n",
            )
            .unwrap();
        }),
    ];
    let mut before = discovered(&manifest);
    for (what, change) in changes {
        settle();
        assert!(stored(&manifest).is_some(), "{what}: nothing stored before");
        change(&root);
        assert!(
            stored(&manifest).is_none(),
            "{what}: the entry is still used"
        );
        let after = discovered(&manifest);
        // cargo reads its configuration from the current directory's ancestors and
        // ignores the lock file with `--no-deps`: the entry goes, the answer stays.
        if !what.contains("lock file") && !what.contains("configuration") {
            assert_ne!(before, after, "{what}: the change is not seen");
        }
        if what == "a member added under a glob" {
            assert!(after.contains("name: \"b\""), "{after}");
        }
        before = after;
        settle();
        discovered(&manifest);
    }
    // The root manifest's edit left `b` out again.
    assert!(!before.contains("name: \"b\""), "{before}");
    assert!(before.contains("tool"), "{before}");
}

/// An entry that is truncated, empty, garbage, tampered with, of another version or for
/// another key is ignored: the answer is cargo's, and the entry is written again.
#[test]
fn unsound_entries_are_ignored_and_rebuilt() {
    let (_dir, manifest) = workspace();
    let reference = discovered(&manifest);
    let path = entries(&manifest).pop().unwrap();
    let sound = std::fs::read(&path).unwrap();
    // Making the target directory touched the root directory: let that age too.
    settle();
    for (what, damage) in support::entry_damages() {
        std::fs::write(&path, damage(&sound)).unwrap();
        assert!(stored(&manifest).is_none(), "{what}: trusted");
        assert_eq!(discovered(&manifest), reference, "{what}");
        assert!(
            std::fs::read(&path).unwrap() == sound,
            "{what}: not rebuilt"
        );
    }
}

/// Without the cache nothing is read or written.
#[test]
fn no_cache_writes_nothing() {
    let (dir, manifest) = workspace();
    discover(Some(&manifest)).unwrap();
    assert!(!dir.path().join("target").exists());
}
