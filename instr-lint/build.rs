//! Gives the checker a version for its per-file facts cache that changes whenever the scanner's
//! source does (`INSTR_SCAN_SOURCE_HASH`): facts cached by one build are never read by
//! another that would extract different ones, even between releases.

use std::path::Path;

fn main() {
    let dir = Path::new("src/scan");
    println!("cargo:rerun-if-changed=src/scan");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    // FNV-1a: no dependency for a build script.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in files {
        println!("cargo:rerun-if-changed={}", file.display());
        let name = file.to_string_lossy().into_owned();
        let bytes = std::fs::read(&file).unwrap_or_default();
        for byte in name.bytes().chain(bytes) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=INSTR_SCAN_SOURCE_HASH={hash:016x}");
}
