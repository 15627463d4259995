//! The caches' directory under the target directory, and the frame of a cache entry on disk: a magic tag, a version, the key the entry is for, a
//! checksum of the payload, then the payload. [`open`] gives the payload back only when every
//! part is there and matches, so a truncated, corrupt, foreign or tampered entry is never
//! trusted. Used by the per-file facts cache and the `cargo metadata` cache.

use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::xxh3_64;

/// The directory `target_dir/instr-check/<name>`, made if missing; `None` when it cannot be.
/// `instr-check/` says what it is to git (ignore everything) and to backup tools
/// (`CACHEDIR.TAG`), also where the target directory itself is not ignored.
pub(crate) fn cache_dir(target_dir: &Path, name: &str) -> Option<PathBuf> {
    let own = target_dir.join("instr-check");
    let dir = own.join(name);
    std::fs::create_dir_all(&dir).ok()?;
    for (marker, contents) in [
        (
            ".gitignore",
            "# Written by cargo instr-check: its caches (per-file facts, cargo metadata).\n*\n",
        ),
        (
            "CACHEDIR.TAG",
            "Signature: 8a477f597d28d172789f06886806bc55\n# cargo instr-check's caches (per-file facts, cargo metadata).\n",
        ),
    ] {
        let path = own.join(marker);
        if !path.exists() {
            let _ = crate::atomic::write_unsynced(&path, contents.as_bytes());
        }
    }
    Some(dir)
}

/// `payload` framed for `key`; `None` when the version is too long to frame.
pub(crate) fn seal(magic: &[u8; 8], version: &str, key: u128, payload: &[u8]) -> Option<Vec<u8>> {
    let version = version.as_bytes();
    let mut bytes = Vec::with_capacity(payload.len() + version.len() + 40);
    bytes.extend_from_slice(magic);
    bytes.extend_from_slice(&u16::try_from(version.len()).ok()?.to_le_bytes());
    bytes.extend_from_slice(version);
    bytes.extend_from_slice(&key.to_le_bytes());
    bytes.extend_from_slice(&xxh3_64(payload).to_le_bytes());
    bytes.extend_from_slice(payload);
    Some(bytes)
}

/// The payload of `bytes` when they are a whole entry of this `magic` and `version`, for
/// `key`, with the payload's checksum right.
pub(crate) fn open<'a>(
    bytes: &'a [u8],
    magic: &[u8; 8],
    version: &str,
    key: u128,
) -> Option<&'a [u8]> {
    let rest = bytes.strip_prefix(magic)?;
    let (length, rest) = rest.split_first_chunk::<2>()?;
    let length = usize::from(u16::from_le_bytes(*length));
    let (stored_version, rest) = rest.split_at_checked(length)?;
    if stored_version != version.as_bytes() {
        return None;
    }
    let (stored_key, rest) = rest.split_first_chunk::<16>()?;
    if u128::from_le_bytes(*stored_key) != key {
        return None;
    }
    let (checksum, payload) = rest.split_first_chunk::<8>()?;
    (u64::from_le_bytes(*checksum) == xxh3_64(payload)).then_some(payload)
}
