//! Which test binary a recording process speaks for, where it writes, and whether it records
//! at all: all decided once, from the environment and the executable's path.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::format;

/// Turns recording on (`1`, `true`, `on`, `yes`) in a test process.
pub(crate) const ENABLE: &str = "INSTR_EMISSIONS";
/// Where to write, instead of `<target dir>/instr/emissions`.
pub(crate) const DIR: &str = "INSTR_EMISSIONS_DIR";
/// Set by `attribute_child`: the test every record of the child process belongs to.
pub(crate) const TEST: &str = "INSTR_EMISSIONS_TEST";
/// Set by `attribute_child`: the test binary whose build the child's records belong to.
pub(crate) const EXECUTABLE: &str = "INSTR_EMISSIONS_EXECUTABLE";

/// A test binary's build, as the file system shows it: a rebuild changes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Build {
    /// Modification time, nanoseconds since the Unix epoch.
    pub(crate) modified: u128,
    /// Size in bytes.
    pub(crate) size: u64,
}

impl Build {
    /// The build of the file at `path` now.
    pub(crate) fn of(path: &Path) -> std::io::Result<Self> {
        let metadata = std::fs::metadata(path)?;
        let modified = metadata
            .modified()?
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos());
        Ok(Self {
            modified,
            size: metadata.len(),
        })
    }
}

/// What a file's `process` line says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Process {
    /// The package the test binary belongs to (`CARGO_PKG_NAME`).
    pub(crate) package: String,
    /// The test binary's name, without cargo's hash (`http` for `http-1f2e…`).
    pub(crate) binary: String,
    /// The test binary's path.
    pub(crate) executable: PathBuf,
    /// Its build when the process started.
    pub(crate) build: Build,
    /// This process.
    pub(crate) pid: u32,
    /// When it started recording, nanoseconds since the Unix epoch.
    pub(crate) started: u128,
}

impl Process {
    /// The `process` line.
    pub(crate) fn line(&self) -> String {
        let fields = [
            format::pair("package", &self.package),
            format::pair("binary", &self.binary),
            format::pair("executable", &self.executable.to_string_lossy()),
            format::pair("executable-modified", &self.build.modified.to_string()),
            format::pair("executable-size", &self.build.size.to_string()),
            format::pair("pid", &self.pid.to_string()),
            format::pair("started", &self.started.to_string()),
        ];
        format!("process\t{}\n", fields.join("\t"))
    }

    /// Reads a `process` line's fields (after the keyword).
    pub(crate) fn parse(fields: &[&str]) -> Option<Self> {
        let pairs: Vec<(String, String)> = fields
            .iter()
            .map(|field| format::split_pair(field))
            .collect::<Option<_>>()?;
        let get = |key: &str| {
            pairs
                .iter()
                .find(|(name, _)| name == key)
                .map(|(_, value)| value.as_str())
        };
        Some(Self {
            package: get("package")?.to_owned(),
            binary: get("binary")?.to_owned(),
            executable: PathBuf::from(get("executable")?),
            build: Build {
                modified: get("executable-modified")?.parse().ok()?,
                size: get("executable-size")?.parse().ok()?,
            },
            pid: get("pid")?.parse().ok()?,
            started: get("started")?.parse().ok()?,
        })
    }

    /// The file name this process writes.
    pub(crate) fn file_name(&self) -> String {
        let binary: String = self
            .binary
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("{binary}-{}-{}.emissions", self.pid, self.started)
    }
}

/// How a process records, once it was decided that it does.
#[derive(Debug)]
pub(crate) struct Settings {
    /// The folder the file goes in.
    pub(crate) dir: PathBuf,
    /// Who is speaking.
    pub(crate) process: Process,
    /// The test every record belongs to, for a child process a test started; else each
    /// record names its thread.
    pub(crate) test: Option<String>,
}

/// Whether and how this process records, from its environment (`env`) and executable:
/// `Ok(None)` when it does not, `Err` with the reason when it was asked to and cannot.
///
/// A process records when `INSTR_EMISSIONS` is on and it is either a test binary that cargo
/// (or cargo-nextest) built — its executable sits in a `deps` folder, where `cargo run` never
/// runs anything from — or a child that a test attributed to itself with `attribute_child`.
pub(crate) fn settings(
    env: impl Fn(&str) -> Option<OsString>,
    current_exe: Option<PathBuf>,
) -> Result<Option<Settings>, String> {
    let enabled = env(ENABLE).is_some_and(|value| {
        matches!(
            value.to_string_lossy().trim().to_ascii_lowercase().as_str(),
            "1" | "true" | "on" | "yes"
        )
    });
    if !enabled {
        return Ok(None);
    }
    let attributed = env(EXECUTABLE).map(PathBuf::from);
    let executable = match (&attributed, current_exe) {
        (Some(parent), _) => parent.clone(),
        (None, Some(own)) if own.parent().and_then(Path::file_name) == Some("deps".as_ref()) => own,
        (None, _) => return Ok(None),
    };
    let build = Build::of(&executable)
        .map_err(|error| format!("cannot read {}: {error}", executable.display()))?;
    let dir = match env(DIR) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => target_dir(env("CARGO_TARGET_DIR").map(PathBuf::from), &executable)
            .ok_or_else(|| {
                format!(
                    "no target folder above {} (no CACHEDIR.TAG) and no absolute CARGO_TARGET_DIR; set {DIR}",
                    executable.display()
                )
            })?
            .join("instr")
            .join("emissions"),
    };
    let package = env("CARGO_PKG_NAME")
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let started = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    Ok(Some(Settings {
        dir,
        process: Process {
            package,
            binary: binary_name(&executable),
            executable,
            build,
            pid: std::process::id(),
            started,
        },
        test: attributed
            .and(env(TEST))
            .map(|test| test.to_string_lossy().into_owned()),
    }))
}

/// The target folder: an absolute `CARGO_TARGET_DIR`, else the nearest folder above the
/// executable that holds the `CACHEDIR.TAG` cargo writes at the top of every target folder.
fn target_dir(cargo_target_dir: Option<PathBuf>, executable: &Path) -> Option<PathBuf> {
    if let Some(dir) = cargo_target_dir.filter(|dir| dir.is_absolute()) {
        return Some(dir);
    }
    executable
        .ancestors()
        .skip(1)
        .find(|dir| dir.join("CACHEDIR.TAG").is_file())
        .map(Path::to_path_buf)
}

/// A test binary's name without the hash cargo appends (`http-1f2e3d4c5b6a7988` → `http`).
pub(crate) fn binary_name(executable: &Path) -> String {
    let stem = executable
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    match stem.rsplit_once('-') {
        Some((name, hash))
            if !name.is_empty()
                && hash.len() == 16
                && hash.chars().all(|c| c.is_ascii_hexdigit()) =>
        {
            name.to_owned()
        }
        _ => stem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |key| {
            pairs
                .iter()
                .find(|(name, _)| *name == key)
                .map(|(_, value)| OsString::from(value))
        }
    }

    /// A fake target folder with a test binary in `debug/deps` and a program in `debug`.
    fn target() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let deps = dir.path().join("debug").join("deps");
        std::fs::create_dir_all(&deps).unwrap();
        std::fs::write(
            dir.path().join("CACHEDIR.TAG"),
            "Signature: 8a477f597d28d172789f06886806bc55",
        )
        .unwrap();
        let test = deps.join("http-1f2e3d4c5b6a7988");
        let program = dir.path().join("debug").join("shop");
        std::fs::write(&test, "test binary").unwrap();
        std::fs::write(&program, "program").unwrap();
        (dir, test, program)
    }

    /// Off unless asked; on, a cargo-built test binary records into its target folder.
    #[test]
    fn test_binaries_record_when_asked() {
        let (dir, test, _) = target();
        assert!(settings(env(&[]), Some(test.clone())).unwrap().is_none());
        assert!(
            settings(env(&[(ENABLE, "0")]), Some(test.clone()))
                .unwrap()
                .is_none()
        );
        let on = settings(
            env(&[(ENABLE, "1"), ("CARGO_PKG_NAME", "shop")]),
            Some(test.clone()),
        )
        .unwrap()
        .expect("records");
        assert_eq!(on.dir, dir.path().join("instr").join("emissions"));
        assert_eq!(on.process.package, "shop");
        assert_eq!(on.process.binary, "http");
        assert_eq!(on.process.executable, test);
        assert_eq!(on.test, None);
    }

    /// `cargo run` runs programs from outside `deps`: they record nothing unless a test
    /// attributed them, and then they speak for that test and its binary.
    #[test]
    fn programs_record_only_when_attributed() {
        let (dir, test, program) = target();
        assert!(
            settings(env(&[(ENABLE, "1")]), Some(program.clone()))
                .unwrap()
                .is_none()
        );
        let test_path = test.to_string_lossy().into_owned();
        let attributed = settings(
            env(&[(ENABLE, "1"), (EXECUTABLE, &test_path), (TEST, "traffic")]),
            Some(program),
        )
        .unwrap()
        .expect("records");
        assert_eq!(attributed.process.binary, "http");
        assert_eq!(attributed.test.as_deref(), Some("traffic"));
        assert_eq!(attributed.dir, dir.path().join("instr").join("emissions"));
    }

    /// An explicit folder wins; an absolute CARGO_TARGET_DIR comes next.
    #[test]
    fn folder_overrides() {
        let (_dir, test, _) = target();
        let explicit = settings(env(&[(ENABLE, "1"), (DIR, "/tmp/x")]), Some(test.clone()))
            .unwrap()
            .unwrap();
        assert_eq!(explicit.dir, PathBuf::from("/tmp/x"));
        let cargo = settings(
            env(&[(ENABLE, "1"), ("CARGO_TARGET_DIR", "/srv/target")]),
            Some(test),
        )
        .unwrap()
        .unwrap();
        assert_eq!(cargo.dir, PathBuf::from("/srv/target/instr/emissions"));
    }

    /// The process line reads back as written.
    #[test]
    fn process_line_round_trips() {
        let process = Process {
            package: "shop".into(),
            binary: "http".into(),
            executable: PathBuf::from("/t/debug/deps/http-1f2e3d4c5b6a7988"),
            build: Build {
                modified: 1_718_000_000_123_456_789,
                size: 42,
            },
            pid: 7,
            started: 99,
        };
        let line = process.line();
        let fields: Vec<&str> = line.trim_end().split('\t').skip(1).collect();
        assert_eq!(Process::parse(&fields), Some(process));
    }

    /// Cargo's 16-hex-digit hash goes; names that merely contain a dash stay.
    #[test]
    fn binary_names() {
        assert_eq!(binary_name(Path::new("/d/http-1f2e3d4c5b6a7988")), "http");
        assert_eq!(
            binary_name(Path::new("/d/otel_export-788eb6870666ba00")),
            "otel_export"
        );
        assert_eq!(binary_name(Path::new("/d/my-tool")), "my-tool");
    }
}
