//! The lints of `--require-tested`: a feature's measure (success metric, objective series)
//! that no test emitted, and record files that were left out. Which measures a feature has
//! and which tests emitted them is `crate::analysis::proof`.

use super::diags::{self, KeyedFinding, NoProof};
use crate::analysis::proof::{self, Records};
use crate::workspace::schemas::SchemaUse;

/// `instr::unproven` for every measure of `used`'s features that no test of its packages
/// emitted.
pub(super) fn unproven(used: &SchemaUse, records: &Records, out: &mut Vec<KeyedFinding>) {
    let tested = records.any_from(&used.packages);
    for measure in proof::measures(&used.schema) {
        if !proof::tests_proving(records, &measure, &used.packages).is_empty() {
            continue;
        }
        let why = if !tested {
            NoProof::NoTestsOf(
                used.packages
                    .iter()
                    .map(|package| format!("`{package}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        } else if measure.event || measure.matchers.is_empty() {
            NoProof::NotEmitted
        } else {
            match proof::emitted_series(records, measure.name, &used.packages) {
                series if series.is_empty() => NoProof::NotEmitted,
                series => NoProof::OtherSeries(series),
            }
        };
        let contact = used
            .schema
            .owners
            .get(&measure.feature.owner.value)
            .map(|owner| owner.contact.as_str());
        out.push(diags::unproven(&measure, contact, &why));
    }
}

/// `instr::skipped-emission-records` for every record file that was left out and could
/// have proved something for the packages using `schemas` (another package's stale records
/// do not matter here).
pub(super) fn skipped_files(records: &Records, schemas: &[SchemaUse], out: &mut Vec<KeyedFinding>) {
    let packages: Vec<&str> = schemas
        .iter()
        .flat_map(|used| used.packages.iter().map(String::as_str))
        .collect();
    for (path, reason) in records.left_out_for(&packages) {
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push(diags::skipped_emission_records(
            &format!("{}/{name}", records.shown_dir),
            reason,
        ));
    }
}
