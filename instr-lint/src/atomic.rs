//! Writing files without ever leaving a half-written one: a temporary file in the same
//! directory, flushed to disk, then renamed over the target.

use std::io::Write;
use std::path::Path;

/// Writes `contents` to `path` atomically. An existing file keeps its permissions; a new one
/// gets the usual permissions (the umask applies), not the owner-only mode of temporary files.
pub(crate) fn write(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    write_with(path, contents, true)
}

/// Like [`write`], without waiting for the disk: for caches, where a write lost in a crash is
/// only a miss next time, and many small files are written at once.
pub(crate) fn write_unsynced(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    write_with(path, contents, false)
}

fn write_with(path: &Path, contents: &[u8], durable: bool) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".instr-").suffix(".tmp");
    let permissions = std::fs::metadata(path).map(|meta| meta.permissions());
    #[cfg(unix)]
    let permissions = permissions.or_else(|_| {
        use std::os::unix::fs::PermissionsExt;
        Ok::<_, std::io::Error>(std::fs::Permissions::from_mode(0o666))
    });
    if let Ok(permissions) = permissions {
        builder.permissions(permissions);
    }
    let mut temp = builder.tempfile_in(dir)?;
    temp.write_all(contents)?;
    if durable {
        temp.as_file().sync_all()?;
    }
    temp.persist(path).map_err(|error| error.error)?;
    Ok(())
}
