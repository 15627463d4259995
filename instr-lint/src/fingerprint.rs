//! Stable fingerprints of findings, for baselines and SARIF `partialFingerprints`.
//!
//! FNV-1a, 64 bits: tiny, stable across Rust releases and platforms (unlike `DefaultHasher`),
//! and collisions among a workspace's findings are not a concern at this size.

/// The fingerprint of a finding of rule `code` with stable key text `key`: 16 hex digits.
pub fn of(code: &str, key: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in code.bytes().chain([0x1f]).chain(key.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    /// Fingerprints are fixed for all time: a change would invalidate every baseline.
    #[test]
    fn stable_values() {
        assert_eq!(super::of("", ""), "af63bd4c8601b7be");
        assert_ne!(super::of("a", "b"), super::of("a", "c"));
        assert_ne!(super::of("ab", ""), super::of("a", "b"));
    }
}
