//! Reading files at a git revision, for `diff --base`. Runs the `git` command line (no
//! library), read-only: `rev-parse` and `cat-file`.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A git repository and one resolved revision in it.
#[derive(Debug)]
pub(crate) struct Revision {
    /// The repository's top-level directory.
    pub top_level: PathBuf,
    /// The revision as the user wrote it.
    pub name: String,
    /// The full commit id it resolves to.
    pub commit: String,
}

impl Revision {
    /// Resolves `name` to a commit in the repository holding `dir`. Errors are one line for
    /// the user.
    pub(crate) fn resolve(dir: &Path, name: &str) -> Result<Self, String> {
        if name.is_empty() || name.starts_with('-') {
            return Err(format!("`{name}` is not a git revision"));
        }
        let top_level = git(dir, &["rev-parse", "--show-toplevel"])
            .map_err(|error| format!("cannot compare with a git revision: {error}"))?;
        let top_level = PathBuf::from(String::from_utf8_lossy(&top_level).trim());
        let commit = git(
            &top_level,
            &["rev-parse", "--verify", "--quiet", &format!("{name}^{{commit}}")],
        )
        .map_err(|_| {
            format!(
                "unknown git revision `{name}`; name a branch, tag or commit that exists here (in CI, fetch it first: `git fetch origin {name}`)"
            )
        })?;
        Ok(Self {
            top_level,
            name: name.to_owned(),
            commit: String::from_utf8_lossy(&commit).trim().to_owned(),
        })
    }

    /// The path of `path` (absolute or relative to the current directory) inside the
    /// repository, with `/` separators, as `git cat-file` names it.
    pub(crate) fn repo_path(&self, path: &Path) -> Option<String> {
        let absolute = path.canonicalize().ok()?;
        let top = self.top_level.canonicalize().ok()?;
        let relative = absolute.strip_prefix(top).ok()?;
        Some(
            relative
                .components()
                .map(|part| part.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
        )
    }

    /// Whether a file exists at this revision.
    pub(crate) fn has_file(&self, repo_path: &str) -> bool {
        git(
            &self.top_level,
            &["cat-file", "-e", &format!("{}:{repo_path}", self.commit)],
        )
        .is_ok()
    }

    /// A file's bytes at this revision; `NotFound` when it does not exist there.
    pub(crate) fn read(&self, repo_path: &Path) -> io::Result<Vec<u8>> {
        let path = repo_path
            .components()
            .map(|part| part.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let spec = format!("{}:{path}", self.commit);
        git(&self.top_level, &["cat-file", "blob", &spec]).map_err(|_| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("`{path}` does not exist at {}", self.name),
            )
        })
    }
}

/// Runs git in `dir`; stdout on success, a one-line error otherwise.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|error| format!("could not run git: {error}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(stderr
            .lines()
            .find(|line| !line.trim().is_empty())
            .unwrap_or("git failed")
            .trim_start_matches("fatal: ")
            .to_owned())
    }
}
