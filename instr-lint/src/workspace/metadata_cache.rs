//! A cache of `cargo metadata --no-deps` output, under the target directory
//! (`target/instr-check/metadata/`), so a re-check does not wait for cargo.
//!
//! An entry is named by a hash of the request (the manifest path given, the current
//! directory, the environment variables cargo and rustup read) and holds cargo's JSON with
//! the state of everything that output can depend on, each probed again before the entry is
//! used: the content of every member's manifest, the root manifest and the lock file; the
//! entries of the directories cargo lists (each member's directory, `src/`, `src/bin/`,
//! `examples/`, `tests/`, `benches/` and their subdirectories, the directories between a
//! member and the root, and those a `members` glob walks); cargo's configuration files and
//! rustup's toolchain files in the current directory's and the root's ancestors; and the
//! cargo and rustup installations (settings, toolchains, each toolchain's `cargo` binary).
//! One difference and the entry is not used: cargo runs again and the entry is rewritten.
//!
//! An entry is written only when nothing it depends on changed while cargo ran (nor just
//! before: a modification time at or after the moment cargo started, less a margin for
//! coarse file-system clocks, leaves the run uncached). A corrupt, truncated, foreign or
//! tampered entry is ignored (see `crate::sealed`); entries are written to a temporary file
//! renamed into place; `--no-cache` neither reads nor writes them.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

const MAGIC: &[u8; 8] = b"instrmd\x01";

/// Changes whenever what an entry holds changes meaning.
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "+metadata.1");

/// How long before cargo started a change must have been made to be trusted as seen by it:
/// the kernel stamps modifications with a clock that may lag by a tick (10 ms at most).
const RACY_MARGIN: Duration = Duration::from_millis(50);

/// The same on file systems that keep whole seconds (FAT keeps even ones).
const COARSE_MARGIN: Duration = Duration::from_secs(3);

/// What `cargo metadata` was asked, hashed: an entry's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request(u128);

impl Request {
    /// The request for `manifest_path` (or the current directory's workspace) from here,
    /// with this process's environment.
    pub fn new(manifest_path: Option<&Path>, cwd: Option<&Path>) -> Self {
        let mut hasher = Xxh3::new();
        hasher.update(VERSION.as_bytes());
        for part in [manifest_path, cwd] {
            hasher.update(&[0, u8::from(part.is_some())]);
            if let Some(path) = part {
                hasher.update(path.as_os_str().as_encoded_bytes());
            }
        }
        let mut variables: Vec<(std::ffi::OsString, std::ffi::OsString)> = std::env::vars_os()
            .filter(|(name, _)| {
                let name = name.to_string_lossy();
                name.starts_with("CARGO")
                    || name.starts_with("RUSTUP")
                    || name == "PATH"
                    || name == "HOME"
            })
            .collect();
        variables.sort();
        for (name, value) in variables {
            hasher.update(&[0]);
            hasher.update(name.as_encoded_bytes());
            hasher.update(&[0]);
            hasher.update(value.as_encoded_bytes());
        }
        Self(hasher.digest128())
    }

    fn file_name(self) -> String {
        format!("{:032x}.metadata", self.0)
    }
}

/// One thing the output depends on, with its state when the output was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Probe {
    /// A file's content (hashed); `None` when there is no file.
    File(PathBuf, Option<u64>),
    /// A directory's entries (names and kinds, hashed); `None` when there is no directory.
    Dir(PathBuf, Option<u64>),
    /// A large file's size and modification time (a binary); `None` when absent.
    Stamp(PathBuf, Option<(u64, u128)>),
}

impl Probe {
    fn path(&self) -> &Path {
        match self {
            Self::File(path, _) | Self::Dir(path, _) | Self::Stamp(path, _) => path,
        }
    }

    /// The same probe, taken now (`target_dir` left out of directory listings).
    fn again(&self, target_dir: &Path) -> Self {
        let path = self.path().to_path_buf();
        match self {
            Self::File(..) => Self::File(path.clone(), file_state(&path)),
            Self::Dir(..) => Self::Dir(path.clone(), dir_state(&path, target_dir)),
            Self::Stamp(..) => Self::Stamp(path.clone(), stamp_state(&path)),
        }
    }
}

fn file_state(path: &Path) -> Option<u64> {
    std::fs::read(path).ok().map(|bytes| xxh3_64(&bytes))
}

/// The listing of `path`, without `target_dir`: the check makes it, and it changes nothing
/// cargo says.
fn dir_state(path: &Path, target_dir: &Path) -> Option<u64> {
    let mut names: Vec<(std::ffi::OsString, bool)> = std::fs::read_dir(path)
        .ok()?
        .filter_map(Result::ok)
        .filter(|entry| entry.path() != target_dir)
        .map(|entry| {
            let is_dir = entry.file_type().is_ok_and(|kind| kind.is_dir());
            (entry.file_name(), is_dir)
        })
        .collect();
    names.sort();
    let mut hasher = Xxh3::new();
    for (name, is_dir) in names {
        hasher.update(name.as_encoded_bytes());
        hasher.update(&[0, u8::from(is_dir)]);
    }
    Some(hasher.digest())
}

fn stamp_state(path: &Path) -> Option<(u64, u128)> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(SystemTime::UNIX_EPOCH)
        .ok()?;
    Some((meta.len(), modified.as_nanos()))
}

/// A stored entry: what the output depends on, and cargo's JSON.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    /// The target directory, which listings leave out.
    target_dir: PathBuf,
    probes: Vec<Probe>,
    json: String,
}

/// Where entries of `request` would be, nearest first: under `CARGO_TARGET_DIR` when set,
/// else in the `target/` directory of the start directory or one of its ancestors.
fn places(start: &Path) -> Vec<PathBuf> {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|dir| !dir.is_empty()) {
        return vec![entries_dir(&start.join(dir))];
    }
    start
        .ancestors()
        .map(|dir| entries_dir(&dir.join("target")))
        .collect()
}

fn entries_dir(target_dir: &Path) -> PathBuf {
    target_dir.join("instr-check").join("metadata")
}

/// cargo's JSON for `request`, when an entry is stored and everything it depends on is as it
/// was.
pub fn lookup(start: &Path, request: Request) -> Option<String> {
    let name = request.file_name();
    let bytes = places(start)
        .into_iter()
        .find_map(|dir| std::fs::read(dir.join(&name)).ok())?;
    let payload = crate::sealed::open(&bytes, MAGIC, VERSION, request.0)?;
    let entry: Entry = postcard::from_bytes(payload).ok()?;
    entry
        .probes
        .iter()
        .all(|probe| probe.again(&entry.target_dir) == *probe)
        .then_some(entry.json)
}

/// What a run of cargo that started at `started` read, probed now; `racy` when something
/// changed too recently to tell whether cargo saw it.
struct Probing {
    started: SystemTime,
    target_dir: PathBuf,
    probes: Vec<Probe>,
    racy: bool,
}

impl Probing {
    fn file(&mut self, path: PathBuf) {
        self.check_age(&path);
        let state = file_state(&path);
        self.probes.push(Probe::File(path, state));
    }

    fn dir(&mut self, path: PathBuf) {
        self.check_age(&path);
        let state = dir_state(&path, &self.target_dir);
        self.probes.push(Probe::Dir(path, state));
    }

    fn stamp(&mut self, path: PathBuf) {
        self.check_age(&path);
        let state = stamp_state(&path);
        self.probes.push(Probe::Stamp(path, state));
    }

    fn check_age(&mut self, path: &Path) {
        let modified = std::fs::metadata(path).and_then(|meta| meta.modified());
        if let Ok(modified) = modified {
            // A time with no fraction of a second may come from a file system that keeps
            // whole (or even) seconds only.
            let whole_seconds = modified
                .duration_since(SystemTime::UNIX_EPOCH)
                .is_ok_and(|since| since.subsec_nanos() == 0);
            let margin = if whole_seconds {
                COARSE_MARGIN
            } else {
                RACY_MARGIN
            };
            if modified + margin >= self.started {
                self.racy = true;
            }
        }
    }
}

/// The inputs of one `cargo metadata` run.
pub(crate) struct Run<'a> {
    /// The directory the entry is looked up from (the manifest's, or the current one).
    pub(crate) start: &'a Path,
    /// The current directory.
    pub(crate) cwd: Option<&'a Path>,
    /// When cargo was started.
    pub(crate) started: SystemTime,
    /// Its JSON.
    pub(crate) json: &'a str,
}

/// Stores cargo's JSON for `request` in the target directory `metadata` names, with the
/// state of everything it depends on; nothing is stored when the target directory is not
/// where [`lookup`] looks, or when an input changed while cargo ran.
pub(crate) fn store(request: Request, run: &Run<'_>, metadata: &cargo_metadata::Metadata) {
    let target_dir = metadata.target_directory.as_std_path();
    if !places(run.start).contains(&entries_dir(target_dir)) {
        return;
    }
    let mut probing = Probing {
        started: run.started,
        target_dir: target_dir.to_path_buf(),
        probes: Vec::new(),
        racy: false,
    };
    depends_on(&mut probing, run, metadata);
    if probing.racy {
        return;
    }
    let entry = Entry {
        target_dir: target_dir.to_path_buf(),
        probes: probing.probes,
        json: run.json.to_owned(),
    };
    let Some(bytes) = postcard::to_stdvec(&entry)
        .ok()
        .and_then(|payload| crate::sealed::seal(MAGIC, VERSION, request.0, &payload))
    else {
        return;
    };
    if let Some(dir) = crate::sealed::cache_dir(target_dir, "metadata") {
        let _ = crate::atomic::write_unsynced(&dir.join(request.file_name()), &bytes);
    }
}

/// Directories cargo lists to find a package's targets.
const TARGET_DIRS: [&str; 5] = ["src", "src/bin", "examples", "tests", "benches"];

fn depends_on(probing: &mut Probing, run: &Run<'_>, metadata: &cargo_metadata::Metadata) {
    let root = metadata.workspace_root.as_std_path();
    probing.file(root.join("Cargo.toml"));
    probing.file(root.join("Cargo.lock"));
    let mut dirs = vec![root.to_path_buf()];
    for package in &metadata.packages {
        let manifest = package.manifest_path.as_std_path();
        probing.file(manifest.to_path_buf());
        let Some(dir) = manifest.parent() else {
            continue;
        };
        // A new sibling of a member may be a new member (`members = ["crates/*"]`).
        for ancestor in dir.ancestors() {
            dirs.push(ancestor.to_path_buf());
            if ancestor == root || !ancestor.starts_with(root) {
                break;
            }
        }
        for sub in TARGET_DIRS {
            let sub = dir.join(sub);
            if sub.ends_with("src") {
                dirs.push(sub);
                continue;
            }
            // `src/bin/x/main.rs`, `examples/x/main.rs`: the subdirectories count too.
            if let Ok(entries) = std::fs::read_dir(&sub) {
                dirs.extend(
                    entries
                        .filter_map(Result::ok)
                        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_dir()))
                        .map(|entry| entry.path()),
                );
            }
            dirs.push(sub);
        }
    }
    glob_dirs(root, &mut dirs);
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        probing.dir(dir);
    }
    // cargo's configuration and rustup's toolchain pins, where each is looked for.
    let mut config_dirs: Vec<&Path> = root.ancestors().collect();
    if let Some(cwd) = run.cwd {
        config_dirs.extend(cwd.ancestors());
    }
    config_dirs.extend(run.start.ancestors());
    config_dirs.sort();
    config_dirs.dedup();
    for dir in config_dirs {
        for name in [
            ".cargo/config.toml",
            ".cargo/config",
            "rust-toolchain",
            "rust-toolchain.toml",
        ] {
            probing.file(dir.join(name));
        }
    }
    installations(probing);
}

/// The cargo that runs and the toolchains rustup may pick: a new cargo may say more.
fn installations(probing: &mut Probing) {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|home| home.join(".cargo")));
    if let Some(cargo_home) = cargo_home {
        probing.file(cargo_home.join("config.toml"));
        probing.file(cargo_home.join("config"));
    }
    let cargo = std::env::var_os("CARGO").map(PathBuf::from).or_else(|| {
        std::env::split_paths(&std::env::var_os("PATH")?)
            .map(|dir| dir.join("cargo"))
            .find(|path| path.is_file())
    });
    if let Some(cargo) = cargo {
        probing.stamp(cargo.canonicalize().unwrap_or(cargo));
    }
    let rustup_home = std::env::var_os("RUSTUP_HOME")
        .map(PathBuf::from)
        .or_else(|| home.map(|home| home.join(".rustup")));
    if let Some(rustup_home) = rustup_home {
        probing.file(rustup_home.join("settings.toml"));
        let toolchains = rustup_home.join("toolchains");
        if let Ok(entries) = std::fs::read_dir(&toolchains) {
            let mut binaries: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|entry| entry.path().join("bin").join("cargo"))
                .collect();
            binaries.sort();
            for binary in binaries {
                probing.stamp(binary);
            }
        }
        probing.dir(toolchains);
    }
}

/// The directories a `members` glob of the root manifest walks: from the glob's fixed
/// prefix down to the depth of its last segment.
fn glob_dirs(root: &Path, dirs: &mut Vec<PathBuf>) {
    let Ok(text) = std::fs::read_to_string(root.join("Cargo.toml")) else {
        return;
    };
    for pattern in member_patterns(&text) {
        let segments: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
        let Some(first_glob) = segments
            .iter()
            .position(|segment| segment.contains(['*', '?', '[']))
        else {
            continue;
        };
        let base = segments[..first_glob]
            .iter()
            .fold(root.to_path_buf(), |dir, segment| dir.join(segment));
        walk_dirs(&base, segments.len() - first_glob, dirs);
    }
}

fn walk_dirs(dir: &Path, depth: usize, dirs: &mut Vec<PathBuf>) {
    if depth == 0 {
        return;
    }
    dirs.push(dir.to_path_buf());
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.filter_map(Result::ok) {
            if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                walk_dirs(&entry.path(), depth - 1, dirs);
            }
        }
    }
}

/// `workspace.members` of a manifest, as written.
fn member_patterns(text: &str) -> Vec<String> {
    use super::toml_field::toml_field;
    use toml::de::{DeTable, DeValue};
    let Ok(document) = DeTable::parse(text) else {
        return Vec::new();
    };
    let Some(DeValue::Table(workspace)) = toml_field(document.get_ref(), "workspace") else {
        return Vec::new();
    };
    let Some(DeValue::Array(members)) = toml_field(workspace, "members") else {
        return Vec::new();
    };
    members
        .iter()
        .filter_map(|member| match member.get_ref() {
            DeValue::String(text) => Some(text.to_string()),
            _ => None,
        })
        .collect()
}
