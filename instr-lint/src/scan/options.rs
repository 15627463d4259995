//! How the scan reads files: with or without the prefilter, with or without the cache.

/// How the scan reads files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScanOptions {
    /// Leave files the prefilter finds nothing in unparsed until a lookup needs them
    /// (`--no-prefilter` turns it off, to compare).
    pub prefilter: bool,
    /// Read and write the per-file facts cache under the target directory (`--no-cache`).
    pub cache: bool,
}

impl Default for ScanOptions {
    /// The prefilter on; the cache off (the command line turns it on): library callers and
    /// tests do not write into the workspaces they read.
    fn default() -> Self {
        Self {
            prefilter: true,
            cache: false,
        }
    }
}
