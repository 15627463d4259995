//! The lints about emission: a declared metric or event that no code emits, and raw
//! metrics-facade macro calls that bypass the schema.

use std::collections::{BTreeSet, HashSet};

use instr_schema::diag::Sources;
use instr_schema::names::upper_camel;

use super::diags::{self, Emitted, KeyedFinding};
use super::files::FileMap;
use crate::scan::discover::Scan;
use crate::scan::facts::Name;
use crate::workspace::schemas::SchemaUse;

/// `instr::never-emitted` for the metrics and events of `used` that the code of its packages
/// never names. Without the generated API (`macro_call` is the `instr::schema!` call to add),
/// only the features' success metrics are reported: those are what the gate promises.
pub(super) fn never_emitted(
    scan: &Scan,
    used: &SchemaUse,
    macro_call: Option<&str>,
    out: &mut Vec<KeyedFinding>,
) {
    let packages: HashSet<&str> = used.packages.iter().map(String::as_str).collect();
    let mut metric_idents: BTreeSet<Name> = BTreeSet::new();
    let mut event_idents: BTreeSet<Name> = BTreeSet::new();
    let mut raw: BTreeSet<Name> = BTreeSet::new();
    // Parsed files of crates that reach `instr` or `metrics` only: one the prefilter left
    // unparsed names no `metrics`, `events` or `instr` at all (`crate::scan::prefilter`), and
    // a crate that reaches neither cannot emit through them.
    for file in &scan.files {
        if !packages.contains(scan.units[file.unit].package.as_str()) {
            continue;
        }
        let Some(facts) = scan.emission_to_go_over(file) else {
            continue;
        };
        metric_idents.extend(facts.emits.metric_idents.iter().cloned());
        event_idents.extend(facts.emits.event_idents.iter().cloned());
        raw.extend(facts.emits.raw_names.iter().cloned());
    }
    let schema = &used.schema;
    let metrics = schema
        .metrics
        .iter()
        .map(|(name, metric)| (Emitted::Metric, name, metric.name.loc, &metric_idents));
    let events = schema
        .events
        .iter()
        .map(|(name, event)| (Emitted::Event, name, event.name.loc, &event_idents));
    let success: HashSet<&str> = schema
        .features
        .values()
        .flat_map(|feature| feature.success_metrics.iter().map(|m| m.value.as_str()))
        .collect();
    for (item, name, loc, idents) in metrics.chain(events) {
        if macro_call.is_some() && !success.contains(name.as_str()) {
            continue;
        }
        let generated = upper_camel(name).unwrap_or_default();
        if idents.contains(generated.as_str())
            || idents.contains(name.as_str())
            || raw.contains(name.as_str())
        {
            continue;
        }
        out.push(diags::never_emitted(
            item, name, loc, &generated, macro_call,
        ));
    }
}

/// `instr::raw-metric` for every raw metrics-facade macro call in the scan.
pub(super) fn raw_metric_calls(
    scan: &Scan,
    schemas: &[SchemaUse],
    sources: &mut Sources,
    files: &mut FileMap<'_>,
    out: &mut Vec<KeyedFinding>,
) {
    let declared: HashSet<&str> = schemas
        .iter()
        .flat_map(|used| used.schema.metrics.keys().map(String::as_str))
        .collect();
    for file in &scan.files {
        let Some(facts) = scan.emission_to_go_over(file) else {
            continue;
        };
        for call in &facts.raw_metric_calls {
            let loc = files.loc(sources, &file.path, call.span);
            let is_declared = call
                .name
                .as_deref()
                .is_some_and(|name| declared.contains(name));
            out.push(diags::raw_metric(
                call,
                loc,
                &files.name(&file.path),
                is_declared,
            ));
        }
    }
}
