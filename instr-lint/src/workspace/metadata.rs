//! Finding the workspace: members, their directories and configuration, from
//! `cargo metadata --no-deps`.
//!
//! `--no-deps` reads manifests only: nothing is resolved, downloaded, built or run, so the
//! checker is safe to run on untrusted pull requests.

use std::path::{Path, PathBuf};

use cargo_metadata::{Metadata, MetadataCommand, Package};

use super::config::{self, Config, ConfigError};
use super::metadata_cache;

/// The workspace being checked.
#[derive(Debug)]
pub struct Workspace {
    /// The workspace root directory.
    pub root: PathBuf,
    /// Configuration from `[workspace.metadata.instr]`.
    pub config: Config,
    /// The packages to check: every member, or the one package whose manifest was named.
    pub members: Vec<Member>,
    /// True when one member was selected, so workspace-wide rules (a feature no handler
    /// serves, a metric never emitted) cannot be decided.
    pub partial: bool,
    /// cargo's target directory, never scanned.
    pub target_dir: PathBuf,
}

/// One package to check.
#[derive(Debug)]
pub struct Member {
    /// The package name.
    pub name: String,
    /// The directory holding its `Cargo.toml`.
    pub dir: PathBuf,
    /// Its own schema from `[package.metadata.instr] schema`, resolved against `dir`.
    pub schema: Option<PathBuf>,
    /// Its build targets, as cargo lists them.
    pub targets: Vec<Target>,
    /// The names its code may use for its dependencies (renames applied, `-` as `_`), with
    /// the package each one is: how `use actix_web::get` is told from `use rocket::get`.
    pub dependencies: Vec<(String, String)>,
}

impl Member {
    /// True when the package depends on `package` (a crates.io name such as `actix-web`).
    pub fn depends_on(&self, package: &str) -> bool {
        self.dependencies.iter().any(|(_, name)| name == package)
    }
}

/// What kind of build target a [`Target`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TargetKind {
    /// The library (`lib`, `rlib`, `cdylib`, ...; not `proc-macro`).
    Lib,
    /// A binary.
    Bin,
    /// Tests, benches, examples, build scripts and proc-macros: never scanned for handlers,
    /// but their files are not "unreached".
    Other,
}

/// One build target of a member.
#[derive(Clone, Debug)]
pub struct Target {
    /// The target's crate name (`-` replaced by `_`).
    pub crate_name: String,
    /// Its kind.
    pub kind: TargetKind,
    /// The root source file.
    pub root: PathBuf,
}

/// Why the workspace could not be read.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// `cargo metadata` failed; the text says why in one line, with a hint when one is known.
    #[error("{0}")]
    Metadata(String),
    /// The configuration in a manifest is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// Reads the workspace that `manifest_path` (or the current directory) belongs to, running
/// `cargo metadata` (no cache).
pub fn discover(manifest_path: Option<&Path>) -> Result<Workspace, WorkspaceError> {
    discover_with(manifest_path, false)
}

/// [`discover`], reading and writing the cache of cargo's answer under the target directory
/// when `cache` is true (see `metadata_cache`: used only when nothing it depends on changed).
pub fn discover_with(
    manifest_path: Option<&Path>,
    cache: bool,
) -> Result<Workspace, WorkspaceError> {
    if let Some(path) = manifest_path
        && !path.is_file()
    {
        return Err(WorkspaceError::Metadata(format!(
            "manifest `{}` does not exist",
            path.display()
        )));
    }
    let cwd = std::env::current_dir().ok();
    let metadata = if cache {
        cached_metadata(manifest_path, cwd.as_deref())?
    } else {
        run_metadata(manifest_path)?.0
    };
    let selected = match manifest_path {
        Some(path) => Some(path.to_path_buf()),
        None => cwd.as_deref().and_then(nearest_manifest),
    };
    from_metadata(&metadata, selected.as_deref())
}

/// Runs `cargo metadata --no-deps`; returns what it says and its JSON.
fn run_metadata(manifest_path: Option<&Path>) -> Result<(Metadata, String), WorkspaceError> {
    let mut command = MetadataCommand::new();
    command.no_deps();
    if let Some(path) = manifest_path {
        command.manifest_path(path);
    }
    let failed =
        |error: cargo_metadata::Error| WorkspaceError::Metadata(explain_metadata_error(&error));
    let output = command
        .cargo_command()
        .output()
        .map_err(|error| failed(error.into()))?;
    if !output.status.success() {
        return Err(failed(cargo_metadata::Error::CargoMetadata {
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }));
    }
    let stdout = String::from_utf8(output.stdout).map_err(|error| failed(error.into()))?;
    let json = stdout
        .lines()
        .find(|line| line.starts_with('{'))
        .ok_or_else(|| failed(cargo_metadata::Error::NoJson))?
        .to_owned();
    let metadata = MetadataCommand::parse(&json).map_err(failed)?;
    Ok((metadata, json))
}

/// cargo's answer from the cache when it still holds, else from cargo (and then stored).
fn cached_metadata(
    manifest_path: Option<&Path>,
    cwd: Option<&Path>,
) -> Result<Metadata, WorkspaceError> {
    let start = match manifest_path {
        Some(path) => {
            let absolute = match cwd {
                Some(cwd) => cwd.join(path),
                None => path.to_path_buf(),
            };
            absolute.parent().map(Path::to_path_buf)
        }
        None => cwd.map(Path::to_path_buf),
    };
    let Some(start) = start else {
        return Ok(run_metadata(manifest_path)?.0);
    };
    let request = metadata_cache::Request::new(manifest_path, cwd);
    if let Some(metadata) =
        metadata_cache::lookup(&start, request).and_then(|json| MetadataCommand::parse(json).ok())
    {
        return Ok(metadata);
    }
    let started = std::time::SystemTime::now();
    let (metadata, json) = run_metadata(manifest_path)?;
    let run = metadata_cache::Run {
        start: &start,
        cwd,
        started,
        json: &json,
    };
    metadata_cache::store(request, &run, &metadata);
    Ok(metadata)
}

/// Builds the workspace from metadata. When `selected_manifest` is a member's manifest other
/// than the root's, only that member is checked, as cargo does.
fn from_metadata(
    metadata: &Metadata,
    selected_manifest: Option<&Path>,
) -> Result<Workspace, WorkspaceError> {
    let root = metadata.workspace_root.clone().into_std_path_buf();
    let members: Vec<&Package> = metadata.workspace_packages();
    let root_manifest = root.join("Cargo.toml");
    let mut config = config::parse_workspace(
        &metadata.workspace_metadata,
        "[workspace.metadata.instr] of Cargo.toml",
    )?;
    // A single-package project keeps its settings in `[package.metadata.instr]`.
    if let Some(root_package) = members
        .iter()
        .find(|package| same_file(package.manifest_path.as_std_path(), &root_manifest))
        && metadata.workspace_metadata.get("instr").is_none()
        && root_package.metadata.get("instr").is_some()
    {
        config = config::parse_workspace(
            &root_package.metadata,
            "[package.metadata.instr] of Cargo.toml",
        )?;
    }
    let selected = selected_manifest
        .filter(|path| !same_file(path, &root_manifest))
        .and_then(|path| {
            members
                .iter()
                .find(|package| same_file(package.manifest_path.as_std_path(), path))
        });
    let partial = selected.is_some();
    let chosen: Vec<&Package> = match selected {
        Some(package) => vec![*package],
        None => members,
    };
    let mut out = Vec::new();
    for package in chosen {
        let dir = package
            .manifest_path
            .parent()
            .map_or_else(|| root.clone(), |dir| dir.as_std_path().to_path_buf());
        let table = format!("[package.metadata.instr] of {}", package.manifest_path);
        let schema = if same_file(package.manifest_path.as_std_path(), &root_manifest) {
            None
        } else {
            config::parse_package_schema(&package.metadata, &table)?
                .map(|relative| dir.join(relative))
        };
        let targets = package
            .targets
            .iter()
            .map(|target| {
                let kinds: Vec<String> = target.kind.iter().map(ToString::to_string).collect();
                let kind = if kinds.iter().any(|kind| kind == "bin") {
                    TargetKind::Bin
                } else if kinds.iter().any(|kind| {
                    matches!(
                        kind.as_str(),
                        "lib" | "rlib" | "dylib" | "cdylib" | "staticlib"
                    )
                }) {
                    TargetKind::Lib
                } else {
                    TargetKind::Other
                };
                Target {
                    crate_name: target.name.replace('-', "_"),
                    kind,
                    root: target.src_path.clone().into_std_path_buf(),
                }
            })
            .collect();
        let dependencies = package
            .dependencies
            .iter()
            .map(|dependency| {
                let used_as = dependency
                    .rename
                    .clone()
                    .unwrap_or_else(|| dependency.name.clone())
                    .replace('-', "_");
                (used_as, dependency.name.clone())
            })
            .collect();
        out.push(Member {
            name: package.name.to_string(),
            dir,
            schema,
            targets,
            dependencies,
        });
    }
    Ok(Workspace {
        root,
        config,
        members: out,
        partial,
        target_dir: metadata.target_directory.clone().into_std_path_buf(),
    })
}

/// The closest `Cargo.toml` at or above `dir`.
fn nearest_manifest(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|ancestor| ancestor.join("Cargo.toml"))
        .find(|path| path.is_file())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// One line saying why `cargo metadata` failed, with a hint for causes users hit in practice.
fn explain_metadata_error(error: &cargo_metadata::Error) -> String {
    let detail = match error {
        cargo_metadata::Error::CargoMetadata { stderr } => first_error_line(stderr),
        other => other.to_string(),
    };
    let hint = if detail.contains("toolchain")
        && (detail.contains("not installed") || detail.contains("override"))
    {
        " (the workspace pins a Rust toolchain, in rust-toolchain.toml or rust-toolchain, that this machine does not have: install it with `rustup toolchain install`, or run with RUSTUP_TOOLCHAIN set to one you have)"
    } else if detail.contains("could not find `Cargo.toml`") {
        " (run inside a Cargo workspace or pass --manifest-path)"
    } else {
        ""
    };
    format!("`cargo metadata` failed: {detail}{hint}")
}

fn first_error_line(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let Some(index) = lines.iter().position(|line| line.starts_with("error")) else {
        return lines
            .first()
            .map_or_else(|| "no output".to_owned(), |line| (*line).to_owned());
    };
    let mut message = lines[index].trim_start_matches("error:").trim().to_owned();
    // cargo puts the cause of a manifest error on the following "Caused by:" lines.
    let causes: Vec<&str> = lines[index + 1..]
        .iter()
        .filter(|line| {
            !line.starts_with("Caused by") && !line.starts_with("-->") && !line.starts_with('|')
        })
        .take(2)
        .copied()
        .collect();
    if !causes.is_empty()
        && (message.ends_with(':') || message.starts_with("failed to parse manifest"))
    {
        message = format!("{} {}", message.trim_end_matches(':'), causes.join(" "));
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rustup error for a pinned, missing toolchain is turned into an actionable line.
    #[test]
    fn explains_missing_toolchain() {
        let error = cargo_metadata::Error::CargoMetadata {
            stderr:
                "error: toolchain 'nightly-2019-01-01-x86_64-unknown-linux-gnu' is not installed\n"
                    .to_owned(),
        };
        let message = explain_metadata_error(&error);
        assert!(message.contains("nightly-2019-01-01"), "{message}");
        assert!(message.contains("pins a Rust toolchain"), "{message}");
    }

    /// A manifest error keeps cargo's cause on the same line.
    #[test]
    fn keeps_manifest_cause() {
        let stderr = "error: failed to parse manifest at `/x/Cargo.toml`\n\nCaused by:\n  missing field `name`\n";
        let line = first_error_line(stderr);
        assert!(
            line.contains("/x/Cargo.toml") && line.contains("missing field `name`"),
            "{line}"
        );
    }
}
