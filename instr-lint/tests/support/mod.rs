//! Helpers shared by the integration tests: running the real binary, writing workspaces, and
//! finding Prometheus' tools.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub(crate) fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// instr-lint's fixture workspaces (`cli/`, `lint/`) and the objectives of `slo/`.
pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The example shop's manifest.
pub(crate) fn shop_manifest() -> PathBuf {
    repo().join("examples/shop/Cargo.toml")
}

/// Runs `cargo-instr-check instr-check ARGS...` in `dir`, without colour.
pub(crate) fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-instr-check"))
        .arg("instr-check")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CARGO_TERM_COLOR")
        .output()
        .unwrap()
}

/// Runs the binary on a manifest: `ARGS... --manifest-path MANIFEST` (after the subcommand,
/// where the command line accepts it).
pub(crate) fn run_on(manifest: &Path, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend(["--manifest-path", manifest.to_str().unwrap()]);
    run_in(&repo(), &all)
}

/// Copies a directory tree (fixtures into a temporary directory, before a test writes there).
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        // A fixture checked in place has a target directory (the checker's facts cache):
        // build output, not part of the fixture.
        if entry.file_name() == "target" {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// stdout as text.
pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// stderr as text.
pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// stdout parsed as JSON.
pub(crate) fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("stdout is not JSON ({error}):\n{}", stdout(output)))
}

/// A Prometheus tool (`promtool`, `prometheus`) from PATH; panics, saying how to install it,
/// when it is missing. Tests that need one are `#[ignore = "needs ..."]`, so a plain
/// `cargo test` lists them as ignored; run them with `--include-ignored` (`.ci/run` does,
/// after installing Debian's `prometheus` package). A missing tool is then a failure, never a
/// silent pass.
pub(crate) fn required_tool(name: &str) -> PathBuf {
    let found = Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    assert!(
        found,
        "`{name}` is missing: install Prometheus' tools (`apt-get install prometheus` on Debian or Ubuntu provides `promtool` and `prometheus`), or put the release binaries on PATH; .ci/run does this"
    );
    PathBuf::from(name)
}

/// Writes the files of a workspace under `root` (`(relative path, contents)`), creating
/// directories as needed.
pub(crate) fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (relative, contents) in files {
        let path = root.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
}

/// A standalone package manifest (ending in an empty `[workspace]`) named `name` with these
/// `[dependencies]` lines, plus `extra` (more tables) before the workspace table.
pub(crate) fn manifest(name: &str, dependencies: &str, extra: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n{dependencies}\n{extra}\n[workspace]\n"
    )
}

/// Fetches the sources of these `[dependencies]` lines with cargo into a throw-away package
/// at `dir` (nothing is built) and returns `cargo metadata` of it: the fetched packages, each
/// with its `manifest_path` under cargo's registry. Panics, with cargo's words, when the
/// registry cannot be reached.
pub(crate) fn fetched_metadata(dir: &Path, dependencies: &str) -> serde_json::Value {
    write_files(
        dir,
        &[
            ("Cargo.toml", &manifest("instr-fetched", dependencies, "")),
            ("src/lib.rs", ""),
        ],
    );
    let cargo = || Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    let fetched = cargo().arg("fetch").current_dir(dir).output().unwrap();
    assert!(
        fetched.status.success(),
        "`cargo fetch` failed (offline?): {}",
        String::from_utf8_lossy(&fetched.stderr)
    );
    let metadata = cargo()
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        metadata.status.success(),
        "{}",
        String::from_utf8_lossy(&metadata.stderr)
    );
    serde_json::from_slice(&metadata.stdout).unwrap()
}

/// A way to spoil a cache entry's bytes.
pub(crate) type Damage = fn(&[u8]) -> Vec<u8>;

/// Each way an entry of either cache (`instr_lint`'s sealed frame: magic, version, key,
/// checksum, payload) can be wrong: truncated, empty, garbage, a payload byte flipped, of
/// another version, for another key.
pub(crate) fn entry_damages() -> [(&'static str, Damage); 6] {
    [
        ("truncated", |bytes| bytes[..bytes.len() / 2].to_vec()),
        ("empty", |_| Vec::new()),
        ("garbage", |bytes| {
            bytes.iter().map(|b| b.wrapping_mul(31) ^ 0x5a).collect()
        }),
        ("tampered payload", |bytes| {
            let mut out = bytes.to_vec();
            let last = out.len() - 1;
            out[last] ^= 1;
            out
        }),
        ("another version", |bytes| {
            let mut out = bytes.to_vec();
            // The version follows the magic and its length: change its last character.
            let length = usize::from(u16::from_le_bytes([out[8], out[9]]));
            out[10 + length - 1] ^= 1;
            out
        }),
        ("another key", |bytes| {
            let mut out = bytes.to_vec();
            let length = usize::from(u16::from_le_bytes([out[8], out[9]]));
            out[10 + length] ^= 1;
            out
        }),
    ]
}

/// The paths in `dir`, sorted; none when it cannot be read.
pub(crate) fn listing(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.map(|entry| entry.unwrap().path()).collect())
        .unwrap_or_default();
    out.sort();
    out
}
