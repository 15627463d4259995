//! Reading a schema and its includes from disk (or from any other file reader, such as a git
//! revision), then validating it.

use std::collections::BTreeSet;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::checks;
use crate::diag::{Diagnostic, FileId, Loc, Sources};
use crate::model::Schema;
use crate::options::LoadOptions;
use crate::raw::{RawFile, parse_file};
use crate::spanned::Spanned;
use crate::validate::validate;

/// A schema as loaded: the model (holding whatever was valid) and every finding.
#[derive(Debug)]
pub struct Loaded {
    /// The model. When [`Loaded::has_errors`] is true, items with errors may be missing.
    pub schema: Schema,
    /// Findings, ordered by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// True when any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// The root schema file could not be read at all: nothing to report findings against.
#[derive(Debug, thiserror::Error)]
#[error("could not read schema file `{}`: {source}", path.display())]
pub struct LoadError {
    /// The file that could not be read.
    pub path: PathBuf,
    /// Why.
    pub source: io::Error,
}

/// Loads the schema at `path` and the files it includes, from disk. File names in findings
/// are shown relative to `display_base` (the workspace root, say).
/// The files are added to `sources`, which the findings' and model's locations refer to.
pub fn load_file(
    path: &Path,
    display_base: &Path,
    options: &LoadOptions,
    sources: &mut Sources,
) -> Result<Loaded, LoadError> {
    load_with(path, display_base, options, sources, &mut |path| {
        std::fs::read(path)
    })
}

/// Loads a schema whose files come from `read`, for example from a git revision. `root` is
/// the root file's path as `read` understands it; includes are resolved relative to it.
pub fn load_with(
    root: &Path,
    display_base: &Path,
    options: &LoadOptions,
    sources: &mut Sources,
    read: &mut dyn FnMut(&Path) -> io::Result<Vec<u8>>,
) -> Result<Loaded, LoadError> {
    let bytes = read(root).map_err(|source| LoadError {
        path: root.to_path_buf(),
        source,
    })?;
    let mut loader = Loader {
        display_base,
        read,
        sources,
        diagnostics: Vec::new(),
        files: Vec::new(),
        seen: BTreeSet::new(),
    };
    loader.seen.insert(normalize(root));
    loader.add_file(root, bytes);
    Ok(loader.finish(options))
}

/// Loads a schema held in memory, named `name` in findings. Includes cannot be resolved and
/// are reported; use [`load_with`] when they should be.
pub fn load_str(name: &str, text: &str, options: &LoadOptions, sources: &mut Sources) -> Loaded {
    let mut no_files = |_: &Path| {
        Err(io::Error::new(
            io::ErrorKind::NotFound,
            "includes are not available here",
        ))
    };
    let mut loader = Loader {
        display_base: Path::new(""),
        read: &mut no_files,
        sources,
        diagnostics: Vec::new(),
        files: Vec::new(),
        seen: BTreeSet::new(),
    };
    loader.seen.insert(PathBuf::from(name));
    loader.add_file(Path::new(name), text.as_bytes().to_vec());
    loader.finish(options)
}

struct Loader<'a> {
    display_base: &'a Path,
    read: &'a mut dyn FnMut(&Path) -> io::Result<Vec<u8>>,
    sources: &'a mut Sources,
    diagnostics: Vec<Diagnostic>,
    /// Files that parsed, in the order they were read (root first).
    files: Vec<(FileId, RawFile)>,
    /// Every file read so far, to refuse double includes and cycles.
    seen: BTreeSet<PathBuf>,
}

impl Loader<'_> {
    /// Adds a file's bytes to the source map, parses it and follows its includes.
    fn add_file(&mut self, path: &Path, bytes: Vec<u8>) {
        let name = display_name(path, self.display_base);
        let (text, invalid_at) = match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(error) => {
                let at = error.utf8_error().valid_up_to();
                (
                    String::from_utf8_lossy(error.as_bytes()).into_owned(),
                    Some(at),
                )
            }
        };
        let file = self.sources.add(name, path, text);
        if let Some(at) = invalid_at {
            // Lossy decoding keeps every byte before the first invalid one where it was.
            let end = self.sources.get(file).text()[at..]
                .chars()
                .next()
                .map_or(at, |c| at + c.len_utf8());
            self.diagnostics.push(
                Diagnostic::new(
                    &checks::SYNTAX,
                    Loc::new(file, at..end),
                    "the file is not valid UTF-8",
                )
                .with_label("this byte is not UTF-8")
                .with_help("save the file as UTF-8"),
            );
            return;
        }
        let source = self.sources.shared_file(file);
        let Some(raw) = parse_file(file, source.text(), &mut self.diagnostics) else {
            return;
        };
        let includes = raw.includes.clone();
        self.files.push((file, raw));
        for include in includes {
            self.include(path, include);
        }
    }

    fn include(&mut self, from: &Path, include: Spanned<String>) {
        let relative = Path::new(&include.value);
        if include.value.is_empty() || relative.is_absolute() {
            self.diagnostics.push(
                Diagnostic::new(
                    &checks::INCLUDE,
                    include.loc,
                    "an include must be a relative path",
                )
                .with_label("not a relative path")
                .with_help("name the file relative to this one, for example `teams/payments.toml`"),
            );
            return;
        }
        let path = normalize(&from.parent().unwrap_or(Path::new("")).join(relative));
        if !self.seen.insert(path.clone()) {
            self.diagnostics.push(
                Diagnostic::new(
                    &checks::INCLUDE,
                    include.loc,
                    format!("`{}` is included more than once", include.value),
                )
                .with_label("already part of the schema")
                .with_help("include each file once; an include cycle also ends here"),
            );
            return;
        }
        match (self.read)(&path) {
            Ok(bytes) => self.add_file(&path, bytes),
            Err(error) => self.diagnostics.push(
                Diagnostic::new(
                    &checks::INCLUDE,
                    include.loc,
                    format!("cannot read included file `{}`", include.value),
                )
                .with_label(error.to_string())
                .with_help(format!(
                    "the path is relative to the including file; looked for {}",
                    display_name(&path, self.display_base)
                )),
            ),
        }
    }

    fn finish(mut self, options: &LoadOptions) -> Loaded {
        let schema = validate(self.files, options, &mut self.diagnostics);
        let mut diagnostics = self.diagnostics;
        diagnostics.sort_by_key(|diagnostic| {
            diagnostic
                .loc()
                .map_or((1, None, 0), |loc| (0, Some(loc.file), loc.span.start))
        });
        Loaded {
            schema,
            diagnostics,
        }
    }
}

/// `path` relative to `base` when it lies under it, with `/` separators; otherwise the path
/// as given.
fn display_name(path: &Path, base: &Path) -> String {
    let (path, base) = (normalize(path), normalize(base));
    match path.strip_prefix(&base) {
        Ok(relative) if !base.as_os_str().is_empty() => relative
            .components()
            .map(|component| component.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        _ => path.display().to_string(),
    }
}

/// Removes `.` and folds `..` lexically, so one file reached by two spellings is one file.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
