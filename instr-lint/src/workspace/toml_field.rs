//! Reading a field of a TOML table parsed with `toml::de` (manifests, the lock file): the
//! few places here that read cargo's files without their spans.

use toml::de::{DeTable, DeValue};

/// The value of `key` in `table`.
pub(crate) fn toml_field<'t, 'i>(table: &'t DeTable<'i>, key: &str) -> Option<&'t DeValue<'i>> {
    table
        .iter()
        .find(|(name, _)| name.get_ref() == key)
        .map(|(_, value)| value.get_ref())
}
