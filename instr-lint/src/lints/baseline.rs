//! Baselines: today's findings recorded by fingerprint, so CI fails only on new ones.
//!
//! Fingerprints hash the rule, the crate and the item path (or the schema item), never a
//! line number, so moving code around does not bring old findings back. Each recorded
//! fingerprint hides one finding: if a second identical problem appears, it is reported.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::outcome::Report;

/// The version of the baseline file's shape.
pub(crate) const BASELINE_VERSION: u32 = 1;

/// A baseline file.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Baseline {
    /// Always [`BASELINE_VERSION`].
    pub version: u32,
    /// The findings it hides.
    pub findings: Vec<Entry>,
}

/// One recorded finding. Only `fingerprint` is matched; the rest is for people reviewing
/// the file.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Entry {
    /// The stable fingerprint.
    pub fingerprint: String,
    /// The rule code.
    pub rule: String,
    /// The message when it was recorded.
    pub message: String,
}

/// Reads a baseline file.
pub(crate) fn read(path: &Path) -> Result<Baseline, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("could not read baseline `{}`: {error}", path.display()))?;
    let baseline: Baseline = serde_json::from_str(&text).map_err(|error| {
        format!(
            "baseline `{}` is not a baseline file: {error}",
            path.display()
        )
    })?;
    if baseline.version != BASELINE_VERSION {
        return Err(format!(
            "baseline `{}` has version {}, this checker reads version {BASELINE_VERSION}; write a new one with --write-baseline",
            path.display(),
            baseline.version
        ));
    }
    Ok(baseline)
}

/// The baseline of a report's findings.
pub(crate) fn from_report(report: &Report) -> Baseline {
    let mut findings: Vec<Entry> = report
        .diagnostics()
        .zip(&report.fingerprints)
        .map(|(finding, fingerprint)| Entry {
            fingerprint: fingerprint.to_string(),
            rule: finding.rule.code.to_owned(),
            message: finding.message.clone(),
        })
        .collect();
    findings.sort_by(|a, b| (&a.rule, &a.fingerprint).cmp(&(&b.rule, &b.fingerprint)));
    Baseline {
        version: BASELINE_VERSION,
        findings,
    }
}

/// Writes the baseline of a report to `path`, atomically. Returns how many findings it holds.
pub(crate) fn write(path: &Path, report: &Report) -> Result<usize, String> {
    let baseline = from_report(report);
    let mut text = serde_json::to_string_pretty(&baseline).unwrap_or_default();
    text.push('\n');
    crate::atomic::write(path, text.as_bytes())
        .map_err(|error| format!("could not write baseline `{}`: {error}", path.display()))?;
    Ok(baseline.findings.len())
}

/// Drops the findings the baseline records; counts them in `report.baselined`.
pub(crate) fn apply(report: &mut Report, baseline: &Baseline) {
    let mut budget: HashMap<&str, usize> = HashMap::new();
    for entry in &baseline.findings {
        *budget.entry(entry.fingerprint.as_str()).or_default() += 1;
    }
    let findings = std::mem::take(&mut report.findings);
    let fingerprints = std::mem::take(&mut report.fingerprints);
    for (finding, fingerprint) in findings.into_iter().zip(fingerprints) {
        match budget.get_mut(fingerprint.to_string().as_str()) {
            Some(left) if *left > 0 => {
                *left -= 1;
                report.baselined += 1;
            }
            _ => {
                report.findings.push(finding);
                report.fingerprints.push(fingerprint);
            }
        }
    }
}
