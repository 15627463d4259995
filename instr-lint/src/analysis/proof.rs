//! What the tests proved: the emission records that test processes wrote during
//! `INSTR_EMISSIONS=1 cargo test` (`instr_emissions`), read for the workspace, and each
//! feature's *measures* (its success metrics and the series its objectives read) with the
//! tests that emitted them. `--require-tested` turns an unproven measure into a finding
//! (`crate::lints`); `coverage` shows it as a column.
//!
//! A record counts for a schema only when its test binary belongs to a package that uses the
//! schema: another package's test emitting a metric of the same name proves nothing about
//! this one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use instr_emissions::{Emissions, FileStatus, TestId};
use instr_schema::Schema;
use instr_schema::diag::Loc;
use instr_schema::model::{Feature, Indicator, Selector};

use crate::workspace::Workspace;
use crate::workspace::schemas::SchemaUse;

/// The emission records of a workspace, read.
#[derive(Debug)]
pub struct Records {
    /// The folder they were read from.
    pub dir: PathBuf,
    /// The folder as shown to people: relative to the workspace root when inside it.
    pub shown_dir: String,
    /// What the current files hold.
    pub emissions: Emissions,
}

impl Records {
    /// Files that were looked at but left out: stale (their test binary was rebuilt or
    /// removed since) or unreadable, with why.
    pub fn left_out(&self) -> impl Iterator<Item = (&PathBuf, &str)> {
        self.emissions
            .files()
            .iter()
            .filter_map(|(path, status)| match status {
                FileStatus::Used { .. } => None,
                FileStatus::Stale { reason } | FileStatus::Unreadable { reason } => {
                    Some((path, reason.as_str()))
                }
            })
    }

    /// The files left out that could have held proof for `packages`: those written by one of
    /// their test binaries, and those too broken to say whose they are.
    pub fn left_out_for<'a>(
        &'a self,
        packages: &'a [&str],
    ) -> impl Iterator<Item = (&'a PathBuf, &'a str)> {
        self.left_out().filter(|(path, _)| {
            self.emissions
                .origin(path)
                .is_none_or(|(package, _)| packages.contains(&package))
        })
    }

    /// How many files were read and merged.
    pub fn files_used(&self) -> usize {
        self.emissions
            .files()
            .iter()
            .filter(|(_, status)| matches!(status, FileStatus::Used { .. }))
            .count()
    }

    /// True when some test of one of `packages` recorded something.
    pub fn any_from(&self, packages: &[String]) -> bool {
        self.emissions
            .tests()
            .any(|test| packages.contains(&test.package))
    }
}

/// Where the workspace's tests write their records: `INSTR_EMISSIONS_DIR` when set (the
/// variable the test processes read too), else `<target dir>/instr/emissions`.
pub fn records_dir(workspace: &Workspace) -> PathBuf {
    instr_emissions::directory_from_env(&workspace.target_dir, |key| std::env::var_os(key))
}

/// Reads the workspace's records. A folder that does not exist reads as empty.
pub fn read(workspace: &Workspace) -> Result<Records, String> {
    let dir = records_dir(workspace);
    let emissions = Emissions::read(&dir).map_err(|error| {
        format!(
            "cannot read the emission records in `{}`: {error}",
            dir.display()
        )
    })?;
    let shown_dir = dir
        .strip_prefix(&workspace.root)
        .unwrap_or(&dir)
        .to_string_lossy()
        .replace('\\', "/");
    Ok(Records {
        dir,
        shown_dir,
        emissions,
    })
}

/// Which part of a feature a measure is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role<'a> {
    /// One of its `success_metrics`.
    Success,
    /// The good series of a ratio objective.
    Good(&'a str),
    /// The total series of a ratio objective.
    Total(&'a str),
    /// The histogram series a latency objective reads (good and total both come from them).
    Latency(&'a str),
}

impl Role<'_> {
    /// How findings and the coverage report name it: `success metric`, `objective
    /// `availability`'s good series`.
    pub fn describe(&self) -> String {
        match self {
            Self::Success => "success metric".to_owned(),
            Self::Good(objective) => format!("objective `{objective}`'s good series"),
            Self::Total(objective) => format!("objective `{objective}`'s total series"),
            Self::Latency(objective) => format!("objective `{objective}`'s histogram series"),
        }
    }

    /// A stable word for fingerprints.
    pub fn key(&self) -> String {
        match self {
            Self::Success => "success".to_owned(),
            Self::Good(objective) => format!("{objective}/good"),
            Self::Total(objective) => format!("{objective}/total"),
            Self::Latency(objective) => format!("{objective}/latency"),
        }
    }
}

/// Something a test must emit for a feature to count as proven.
#[derive(Clone, Debug)]
pub struct Measure<'a> {
    /// The feature.
    pub feature: &'a Feature,
    /// What it is to the feature.
    pub role: Role<'a>,
    /// The metric or event.
    pub name: &'a str,
    /// True for an event (success metrics may be events).
    pub event: bool,
    /// Label matchers a series must satisfy (none: any series).
    pub matchers: &'a BTreeMap<String, Vec<String>>,
    /// The schema entry that declares it.
    pub loc: Loc,
}

impl Measure<'_> {
    /// `metric`, or `metric{label=~"a|b"}` with matchers, as PromQL writes a selector.
    pub fn selector(&self) -> String {
        instr_artifacts::promql::selector(self.name, &[], self.matchers)
    }
}

/// No matchers: any series.
static ANY_SERIES: BTreeMap<String, Vec<String>> = BTreeMap::new();

/// Every measure of every feature of `schema`, in declaration order: the success metrics,
/// then each objective's series. A selector a feature already measures is not repeated
/// (`checkout_attempts_total` as success metric and as an objective's total is one measure).
pub fn measures(schema: &Schema) -> Vec<Measure<'_>> {
    let mut out = Vec::new();
    for feature in schema.features.values() {
        let mut measures = feature_measures(schema, feature);
        let mut seen = BTreeSet::new();
        measures.retain(|measure| seen.insert((measure.name, measure.matchers)));
        out.extend(measures);
    }
    out
}

/// One feature's measures, repeats included.
fn feature_measures<'a>(schema: &'a Schema, feature: &'a Feature) -> Vec<Measure<'a>> {
    let mut out = Vec::new();
    for metric in &feature.success_metrics {
        out.push(Measure {
            feature,
            role: Role::Success,
            name: &metric.value,
            event: !schema.metrics.contains_key(&metric.value)
                && schema.events.contains_key(&metric.value),
            matchers: &ANY_SERIES,
            loc: metric.loc,
        });
    }
    for objective in &feature.objectives {
        let name = objective.name.value.as_str();
        let selectors: Vec<(Role<'_>, &Selector)> = match &objective.indicator {
            Indicator::Ratio { good, total } => {
                vec![(Role::Good(name), good), (Role::Total(name), total)]
            }
            Indicator::Latency { selector, .. } => vec![(Role::Latency(name), selector)],
        };
        for (role, selector) in selectors {
            out.push(Measure {
                feature,
                role,
                name: &selector.metric.value,
                event: false,
                matchers: &selector.matchers,
                loc: selector.metric.loc,
            });
        }
    }
    out
}

/// The tests of `packages` that emitted what `measure` asks for.
pub fn tests_proving<'r>(
    records: &'r Records,
    measure: &Measure<'_>,
    packages: &[String],
) -> Vec<&'r TestId> {
    let tests = if measure.event {
        records.emissions.tests_emitting_event(measure.name)
    } else {
        let matchers: Vec<(&str, Vec<&str>)> = measure
            .matchers
            .iter()
            .map(|(label, values)| (label.as_str(), values.iter().map(String::as_str).collect()))
            .collect();
        let matching: Vec<(&str, &[&str])> = matchers
            .iter()
            .map(|(label, values)| (*label, values.as_slice()))
            .collect();
        records
            .emissions
            .tests_emitting_metric(measure.name, &matching)
    };
    tests
        .into_iter()
        .filter(|test| packages.contains(&test.package))
        .collect()
}

/// The label sets of `metric` that tests of `packages` did emit, as `label=value, ...`: what
/// to show when the series a measure asks for were not among them.
pub fn emitted_series(records: &Records, metric: &str, packages: &[String]) -> Vec<String> {
    records
        .emissions
        .metric_series(metric)
        .into_iter()
        .filter(|series| {
            series
                .tests
                .iter()
                .any(|test| packages.contains(&test.package))
        })
        .map(|series| {
            let labels: Vec<String> = series
                .labels
                .iter()
                .map(|(label, value)| format!("{label}={value}"))
                .collect();
            labels.join(", ")
        })
        .collect()
}

/// Per feature of `used`, the measures no test of its packages emitted (as selectors); a
/// feature with none missing is proven.
pub fn unproven_by_feature(records: &Records, used: &SchemaUse) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = used
        .schema
        .features
        .keys()
        .map(|name| (name.clone(), Vec::new()))
        .collect();
    for measure in measures(&used.schema) {
        if tests_proving(records, &measure, &used.packages).is_empty() {
            out.entry(measure.feature.name.value.clone())
                .or_default()
                .push(measure.selector());
        }
    }
    out
}
