//! Writing files without ever leaving a half-written one: a temporary file in the same
//! directory, flushed to disk, then renamed over the target.

use std::io::Write;
use std::path::Path;

/// Writes `contents` to `path` atomically.
pub fn write(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|error| error.error)?;
    Ok(())
}
