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

/// The cargo running the tests (`CARGO`), or the one on `PATH`.
pub(crate) fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
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

/// Published crates of the real-code corpus (the speed bench's, and the test that the
/// dependency rule of the prefilter changes nothing on them), at exact versions: the
/// libraries services are built from (most files hold no handler, route or emitter).
pub(crate) const CORPUS_LIBRARIES: &[(&str, &str)] = &[
    ("tokio", "1.54.1"),
    ("serde", "1.0.229"),
    ("serde_json", "1.0.154"),
    ("regex-syntax", "0.8.12"),
    ("regex-automata", "0.4.19"),
    ("tracing-subscriber", "0.3.23"),
    ("clap_builder", "4.6.7"),
    ("http", "1.5.0"),
    ("miette", "7.6.0"),
];

/// The web frameworks and their plumbing of the corpus (the worst case: routing is what
/// their code is about).
pub(crate) const CORPUS_FRAMEWORKS: &[(&str, &str)] = &[
    ("hyper", "1.12.0"),
    ("axum", "0.8.9"),
    ("axum-core", "0.5.6"),
    ("actix-web", "4.18.1"),
    ("rocket", "0.5.1"),
    ("tower", "0.5.3"),
];

/// Published crates nobody here tuned anything to, for the dependency rule of the prefilter:
/// libraries and three frameworks, at exact versions.
pub(crate) const FRESH_CORPUS: &[(&str, &str)] = &[
    ("reqwest", "0.13.5"),
    ("sqlx-core", "0.9.0"),
    ("prost", "0.14.6"),
    ("chrono", "0.4.45"),
    ("uuid", "1.29.3"),
    ("rayon", "1.12.0"),
    ("bytes", "1.12.2"),
    ("futures-util", "0.3.34"),
    ("tracing", "0.1.44"),
    ("warp", "0.4.3"),
    ("poem", "3.1.12"),
    ("tonic", "0.14.9"),
];

/// Fetches `crates` (into `dir/fetch<N>`) and copies each into `dir/corpus<N>` as a member of
/// a new workspace, with a `Cargo.lock` when cargo can write one (a real workspace has one;
/// the prefilter reads it); returns the workspace manifest.
pub(crate) fn corpus_workspace(dir: &Path, crates: &[(&str, &str)]) -> PathBuf {
    let dependencies: String = crates
        .iter()
        .map(|(name, version)| {
            format!("{name} = {{ version = \"={version}\", default-features = false }}\n")
        })
        .collect();
    let metadata = fetched_metadata(&dir.join(format!("fetch{}", crates.len())), &dependencies);
    let root = dir.join(format!("corpus{}", crates.len()));
    let mut members = Vec::new();
    for (name, version) in crates {
        let package = metadata["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == *name && p["version"] == *version)
            .unwrap();
        let source = Path::new(package["manifest_path"].as_str().unwrap())
            .parent()
            .unwrap();
        copy_dir(source, &root.join(name));
        members.push(format!("\"{name}\""));
    }
    write_workspace_manifest(&root, &members);
    write_lock_file(&root);
    root.join("Cargo.toml")
}

/// The root `Cargo.toml` of a workspace of `members` (quoted names).
pub(crate) fn write_workspace_manifest(root: &Path, members: &[String]) {
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap();
}

/// `cargo generate-lockfile` in `root` (from the local index if it can, else online); true
/// when `root/Cargo.lock` was written.
pub(crate) fn write_lock_file(root: &Path) -> bool {
    for offline in [true, false] {
        let mut command = cargo();
        command.arg("generate-lockfile").current_dir(root);
        if offline {
            command.arg("--offline");
        }
        match command.output() {
            Ok(output) if output.status.success() => return true,
            Ok(output) if !offline => {
                eprintln!(
                    "cargo generate-lockfile failed: {}",
                    String::from_utf8_lossy(&output.stderr)
                );
            }
            _ => {}
        }
    }
    false
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
