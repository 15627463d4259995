//! Stable fingerprints of findings, for baselines and SARIF `partialFingerprints`.
//!
//! FNV-1a, 64 bits: tiny, stable across Rust releases and platforms (unlike `DefaultHasher`),
//! and collisions among a workspace's findings are not a concern at this size.

use instr_schema::diag::{Diagnostic, Sources};

/// FNV-1a, 64 bits.
fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The key of a finding about a schema: its file, rule and message. The message names the
/// item (`metric `x` names owner `y`...`), and survives lines moving.
pub(crate) fn schema_key(finding: &Diagnostic, sources: &Sources) -> String {
    let file = finding
        .loc()
        .map(|loc| sources.get(loc.file).name().to_owned())
        .unwrap_or_default();
    format!("schema:{file}:{}", finding.message)
}

/// The fingerprint of a finding of rule `code` with stable key text `key`.
pub(crate) fn of(code: &str, key: &str) -> Fingerprint {
    // The unit separator keeps `("ab", "")` and `("a", "b")` apart.
    Fingerprint(fnv1a(code.bytes().chain([0x1f]).chain(key.bytes())))
}

/// A finding's fingerprint, held as its number and shown as reports and baselines write it:
/// 16 hex digits (a large workspace's report holds thousands: as texts, each took an
/// allocation of its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fingerprint(pub u64);

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hash is FNV-1a as published (test vectors of the reference implementation), so
    /// fingerprints, and the baselines recording them, never change.
    #[test]
    fn stable_values() {
        assert_eq!(fnv1a(*b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(*b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(*b"foobar"), 0x8594_4171_f739_67e8);
        assert_eq!(of("", "").to_string(), format!("{:016x}", fnv1a([0x1f])));
        assert_ne!(of("ab", ""), of("a", "b"));
    }
}
