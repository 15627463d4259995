//! Loading a schema at expansion time, with its findings rendered as the checker shows them.
//!
//! One compilation may expand `#[instr::handler]` on many functions; the loaded schema is
//! kept for the life of the compiler process and reloaded when a file's modification time
//! changes (an IDE keeps the proc-macro server running while the schema is edited).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use instr_schema::diag::{RenderOptions, Sources, render_human_one};
use instr_schema::{LoadOptions, Schema, load_file};

/// A schema as a macro sees it.
pub(crate) struct SchemaFile {
    /// The model (items with errors may be missing).
    pub(crate) schema: Schema,
    /// Every file read: the root and its includes, absolute.
    pub(crate) files: Vec<PathBuf>,
    /// Each error-level finding, rendered without colour: header, snippet with caret, help.
    pub(crate) errors: Vec<String>,
    /// The files' text, for rendering findings of the macro's own checks.
    pub(crate) sources: Sources,
}

struct CacheEntry {
    root: PathBuf,
    max_series: u64,
    stamps: Vec<(PathBuf, Stamp)>,
    file: Arc<SchemaFile>,
}

static CACHE: Mutex<Vec<CacheEntry>> = Mutex::new(Vec::new());

/// Loads the schema at `path`; file names in findings are shown relative to `display_base`.
/// `Err` when the root file cannot be read at all.
pub(crate) fn load(
    path: &Path,
    display_base: &Path,
    options: &LoadOptions,
) -> Result<Arc<SchemaFile>, String> {
    let mut cache = CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(entry) = cache.iter().find(|entry| {
        entry.root == path
            && entry.max_series == options.max_series_per_metric
            && entry
                .stamps
                .iter()
                .all(|(file, stamp)| modified(file) == *stamp)
    }) {
        return Ok(Arc::clone(&entry.file));
    }
    let mut sources = Sources::new();
    let loaded =
        load_file(path, display_base, options, &mut sources).map_err(|error| error.to_string())?;
    let render = RenderOptions::plain();
    let errors = loaded
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.is_error())
        .map(|diagnostic| render_human_one(diagnostic, &sources, &render))
        .collect();
    let files: Vec<PathBuf> = sources
        .iter()
        .map(|(_, file)| absolute(file.path()))
        .collect();
    let file = Arc::new(SchemaFile {
        schema: loaded.schema,
        files: files.clone(),
        errors,
        sources,
    });
    cache.retain(|entry| entry.root != path);
    cache.push(CacheEntry {
        root: path.to_path_buf(),
        max_series: options.max_series_per_metric,
        stamps: files
            .iter()
            .map(|file| (file.clone(), modified(file)))
            .collect(),
        file: Arc::clone(&file),
    });
    Ok(file)
}

/// What tells a file changed: its modification time and length (the length catches edits
/// within a coarse clock's tick).
type Stamp = Option<(Option<SystemTime>, u64)>;

fn modified(path: &Path) -> Stamp {
    std::fs::metadata(path)
        .ok()
        .map(|meta| (meta.modified().ok(), meta.len()))
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `include_bytes!` of every schema file, so cargo rebuilds the crate when one changes.
pub(crate) fn track_files(files: &[PathBuf]) -> proc_macro2::TokenStream {
    let paths = files.iter().filter_map(|path| path.to_str()).map(|path| {
        quote::quote!(
            const _: &[u8] = ::core::include_bytes!(#path);
        )
    });
    quote::quote!(#(#paths)*)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file of a schema, includes too, is `include_bytes!`ed, so cargo rebuilds the
    /// crate when any of them changes; and an edited file is reloaded, not served from the
    /// cache.
    #[test]
    fn tracks_and_reloads_included_files() {
        let dir = std::env::temp_dir().join(format!("instr-macros-track-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("teams")).unwrap();
        let root = dir.join("instr.toml");
        std::fs::write(&root, "version = 1\ninclude = [\"teams/payments.toml\"]\n").unwrap();
        let team = dir.join("teams/payments.toml");
        let owner = "[owners.payments]\ncontact = \"#payments\"\n";
        std::fs::write(&team, owner).unwrap();
        let options = LoadOptions::default();

        let first = load(&root, &dir, &options).unwrap();
        assert_eq!(first.files.len(), 2, "{:?}", first.files);
        assert!(first.schema.owners.contains_key("payments"));
        let tracking = track_files(&first.files).to_string();
        for file in &first.files {
            let quoted = format!("{:?}", file.to_str().unwrap());
            assert!(tracking.contains(&quoted), "{tracking} lacks {quoted}");
        }
        assert_eq!(tracking.matches("include_bytes").count(), 2);

        // Rewrite the included file with a different length: the change is seen even where
        // modification times are coarse.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(
            &team,
            format!("{owner}[owners.growth]\ncontact = \"#growth\"\n"),
        )
        .unwrap();
        let second = load(&root, &dir, &options).unwrap();
        assert!(second.schema.owners.contains_key("growth"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
