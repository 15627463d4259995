//! The scanned files findings point into, registered in a [`Sources`] map the first time a
//! finding needs one. Their text is filled in by [`super::snippets::materialize`] once the
//! findings are final.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use instr_schema::diag::{FileId, Loc, Sources, Span};

use crate::analysis::handlers::Site;

/// Registers scanned files in a [`Sources`] map.
pub(crate) struct FileMap<'a> {
    root: &'a Path,
    ids: HashMap<PathBuf, FileId>,
    /// The registered files, by id.
    pub(crate) registered: BTreeMap<FileId, PathBuf>,
}

impl<'a> FileMap<'a> {
    /// Names files relative to `root`.
    pub(crate) fn new(root: &'a Path) -> Self {
        Self {
            root,
            ids: HashMap::new(),
            registered: BTreeMap::new(),
        }
    }

    /// The location of `span` in the file at `path`.
    pub(crate) fn loc(&mut self, sources: &mut Sources, path: &Path, span: Span) -> Loc {
        let id = match self.ids.get(path) {
            Some(id) => *id,
            None => {
                let id = sources.add(self.name(path), path, String::new());
                self.ids.insert(path.to_path_buf(), id);
                self.registered.insert(id, path.to_path_buf());
                id
            }
        };
        Loc::new(id, span)
    }

    /// The location of a place in a scanned file; `paths` are the scanned files' paths.
    pub(crate) fn site(&mut self, sources: &mut Sources, paths: &[PathBuf], site: Site) -> Loc {
        self.loc(sources, &paths[site.file], site.span)
    }

    /// The name shown for a file: relative to the root, with `/` separators.
    pub(crate) fn name(&self, path: &Path) -> String {
        let relative = path.strip_prefix(self.root).unwrap_or(path);
        relative.to_string_lossy().replace('\\', "/")
    }
}
