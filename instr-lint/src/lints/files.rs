//! The scanned files findings point into, registered in a [`Sources`] map the first time a
//! finding needs one. Their text is filled in by [`super::snippets::materialize`] once the
//! findings are final.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use instr_schema::diag::{FileId, Loc, Sources, Span};

use crate::analysis::handlers::Site;

/// Registers scanned files in a [`Sources`] map.
pub(crate) struct FileMap<'a> {
    root: &'a Path,
    /// Registered files by their path (shared with the map and the scan, not copied).
    ids: HashMap<Arc<Path>, FileId>,
    /// The registered files.
    pub(crate) registered: BTreeSet<FileId>,
}

impl<'a> FileMap<'a> {
    /// Names files relative to `root`.
    pub(crate) fn new(root: &'a Path) -> Self {
        Self {
            root,
            ids: HashMap::new(),
            registered: BTreeSet::new(),
        }
    }

    /// The location of `span` in the file at `path` (shared with the map, not copied).
    pub(crate) fn loc(&mut self, sources: &mut Sources, path: &Arc<Path>, span: Span) -> Loc {
        let id = match self.ids.get(&**path) {
            Some(&id) => id,
            None => {
                let id = sources.add(self.name(path), Arc::clone(path), String::new());
                self.ids.insert(Arc::clone(path), id);
                self.registered.insert(id);
                id
            }
        };
        Loc::new(id, span)
    }

    /// The location of a place in a scanned file; `paths` are the scanned files' paths.
    pub(crate) fn site(&mut self, sources: &mut Sources, paths: &[Arc<Path>], site: Site) -> Loc {
        self.loc(sources, &paths[site.file], site.span)
    }

    /// The name shown for a file: relative to the root, with `/` separators.
    pub(crate) fn name(&self, path: &Path) -> String {
        shown_name(self.root, path)
    }
}

/// The name shown for the file at `path`: relative to `root`, with `/` separators.
pub(crate) fn shown_name(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative.to_string_lossy().replace('\\', "/")
}
