//! Telling a rename from a removal plus an addition.

use std::collections::{BTreeMap, BTreeSet};

use instr_schema::model::{Event, Metric};

/// Renames: each removed item whose shape matches exactly one added item, and that item no
/// other removed one. Old name to new name.
pub(super) fn pair_up<'a, T>(
    removed: &[&'a T],
    added: &[&'a T],
    same: fn(&T, &T) -> bool,
) -> BTreeMap<&'a str, &'a str>
where
    T: Named,
{
    let mut pairs = BTreeMap::new();
    for old in removed {
        let matches: Vec<&&T> = added.iter().filter(|new| same(old, new)).collect();
        if let [new] = matches.as_slice() {
            let rivals = removed.iter().filter(|other| same(other, new)).count();
            if rivals == 1 {
                pairs.insert(old.name(), new.name());
            }
        }
    }
    pairs
}

pub(super) trait Named {
    fn name(&self) -> &str;
}

impl Named for Metric {
    fn name(&self) -> &str {
        &self.name.value
    }
}

impl Named for Event {
    fn name(&self) -> &str {
        &self.name.value
    }
}

/// A likely rename keeps everything but the name: kind, unit, labels, buckets and description.
pub(super) fn same_metric_shape(a: &Metric, b: &Metric) -> bool {
    let labels = |m: &Metric| {
        m.labels
            .iter()
            .map(|l| l.value.clone())
            .collect::<BTreeSet<_>>()
    };
    a.kind == b.kind
        && a.unit == b.unit
        && a.buckets == b.buckets
        && labels(a) == labels(b)
        && a.description.trim() == b.description.trim()
}

pub(super) fn same_event_shape(a: &Event, b: &Event) -> bool {
    let props = |e: &Event| {
        e.properties
            .iter()
            .map(|p| (p.name.value.clone(), p.ty.clone(), p.optional))
            .collect::<Vec<_>>()
    };
    props(a) == props(b) && a.description.trim() == b.description.trim()
}
