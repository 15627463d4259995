//! The per-file facts cache: what the scan kept of each file ([`Outcome`]), stored under the
//! target directory (`target/instr-check/facts/`), one file per entry, named by a key that
//! hashes the file's text, where it sits in its crate, the prefilter's configuration and the
//! checker's version (which includes a hash of the scanner's source, see `build.rs`). A
//! re-check reads the entries of unchanged files and parses only the rest.
//!
//! An entry is `MAGIC`, the version, the key, a checksum of the payload and the payload
//! (serde with postcard's compact varint encoding). One that is truncated, corrupt, of
//! another version or for another key is ignored and written again; entries are written to a
//! temporary file renamed into place, so two checks running at once each read whole entries
//! only. `--no-cache` bypasses it.

use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::Xxh3;

use super::outcome::Outcome;
use super::visit::FileContext;

const MAGIC: &[u8; 8] = b"instrfx\x01";

/// The checker's version as far as facts go.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "+scan.",
    env!("INSTR_SCAN_SOURCE_HASH")
);

/// The cache directory of one workspace.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

/// What an entry is looked up by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key(pub u128);

impl Cache {
    /// The cache under `target_dir`; `None` when its directory cannot be made. The
    /// directory says what it is to git (ignore everything) and to backup tools
    /// (`CACHEDIR.TAG`), also where the target directory itself is not ignored.
    pub fn open(target_dir: &Path) -> Option<Self> {
        let dir = crate::sealed::cache_dir(target_dir, "facts")?;
        Some(Self { dir })
    }

    /// Its directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key of a file: its text's hash, its place, the prefilter's configuration.
    pub fn key(text_hash: u128, context: &FileContext, triggers: u64, prefilter: bool) -> Key {
        let mut hasher = Xxh3::new();
        hasher.update(VERSION.as_bytes());
        hasher.update(&[0, u8::from(prefilter)]);
        hasher.update(&triggers.to_le_bytes());
        for segment in &context.module {
            hasher.update(segment.as_bytes());
            hasher.update(b"::");
        }
        for dir in [&context.child_dir, &context.file_dir] {
            hasher.update(&[0]);
            hasher.update(dir.as_os_str().as_encoded_bytes());
        }
        hasher.update(&[0]);
        hasher.update(&text_hash.to_le_bytes());
        Key(hasher.digest128())
    }

    fn path(&self, key: Key) -> PathBuf {
        self.dir.join(format!("{:032x}.facts", key.0))
    }

    /// The entry for `key`, if there is a sound one.
    pub fn read(&self, key: Key) -> Option<Outcome> {
        let bytes = std::fs::read(self.path(key)).ok()?;
        decode(&bytes, key)
    }

    /// Stores `outcome` under `key`; a failure to write only costs a parse next time.
    pub fn write(&self, key: Key, outcome: &Outcome) {
        if let Some(bytes) = encode(key, outcome) {
            let _ = crate::atomic::write_unsynced(&self.path(key), &bytes);
        }
    }
}

/// An entry's bytes.
pub fn encode(key: Key, outcome: &Outcome) -> Option<Vec<u8>> {
    let payload = postcard::to_stdvec(outcome).ok()?;
    crate::sealed::seal(MAGIC, VERSION, key.0, &payload)
}

/// The outcome in an entry's bytes, when they are whole, of this version and for `key`.
pub fn decode(bytes: &[u8], key: Key) -> Option<Outcome> {
    postcard::from_bytes(crate::sealed::open(bytes, MAGIC, VERSION, key.0)?).ok()
}
