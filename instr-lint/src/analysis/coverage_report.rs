//! What `cargo instr-check coverage` reports: every handler with its feature, owner and
//! success metrics, every declared feature with how many handlers serve it and whether tests
//! proved it (from the emission records, `super::proof`), and totals per crate. Rendering is
//! `crate::report::coverage`; `docs` reads the same rows.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use instr_schema::diag::LineIndex;
use serde::Serialize;

use super::coverage;
use super::frameworks::Silent;
use super::handlers::Handler;
use super::proof::{self, Records};
use crate::workspace::schemas::SchemaUse;

/// The coverage document (`--format json`).
#[derive(Debug, Serialize)]
pub struct CoverageReport {
    /// Every handler, by file and position.
    pub handlers: Vec<HandlerRow>,
    /// Every declared feature, with how many handlers serve it.
    pub features: Vec<FeatureRow>,
    /// Totals over the workspace and per crate.
    pub totals: Totals,
    /// The emission records the "proven in tests" values come from; `None` when none were
    /// read.
    pub emission_records: Option<RecordsSummary>,
}

/// Which emission records were read.
#[derive(Debug, Serialize)]
pub struct RecordsSummary {
    /// The folder, relative to the workspace root when inside it.
    pub dir: String,
    /// Files read and merged.
    pub files_read: usize,
    /// Files left out: stale (their test binary was rebuilt or removed since) or unreadable.
    pub files_left_out: usize,
}

/// One handler.
#[derive(Debug, Serialize)]
pub struct HandlerRow {
    /// The package.
    #[serde(rename = "crate")]
    pub krate: String,
    /// The file, relative to the workspace root.
    pub file: String,
    /// 1-based line of its name.
    pub line: usize,
    /// `handler`, `fallback`, `static` (a static-file service) or `external` (another
    /// crate's function).
    pub kind: &'static str,
    /// `name`, `Type::method`, `<closure in f>`, `<ServeDir::new in f>`, or the path of an
    /// external function as written.
    pub function: String,
    /// The full item path, as schema `handlers` entries name it.
    pub path: String,
    /// The framework it was found through.
    pub framework: &'static str,
    /// The HTTP method of its first route (`GRPC` for tonic), if any.
    pub method: Option<String>,
    /// The path of its first route, if known.
    pub route: Option<String>,
    /// Every route, `METHOD /path` (`METHOD <dynamic>` when the path is built at run time).
    pub routes: Vec<String>,
    /// The feature it serves.
    pub feature: Option<String>,
    /// How the feature was found: `attribute`, `route` or `handler-path`.
    pub mapped_by: Option<&'static str>,
    /// The feature's owner.
    pub owner: Option<String>,
    /// The feature's success metrics.
    pub success_metrics: Vec<String>,
    /// Served by a declared feature, or exempt with a reason.
    pub covered: bool,
    /// Exempt with a reason.
    pub exempt: bool,
    /// Why it is exempt: the reason of its `#[instr::exempt]` or `[exempt]` entry.
    pub exempt_reason: Option<String>,
    /// Whether tests emitted every success metric and objective series of its feature;
    /// `None` without a feature or without emission records.
    pub proven_in_tests: Option<bool>,
}

/// One feature.
#[derive(Debug, Serialize)]
pub struct FeatureRow {
    /// Its name.
    pub name: String,
    /// Its owner.
    pub owner: String,
    /// Its success metrics.
    pub success_metrics: Vec<String>,
    /// How many handlers serve it.
    pub handlers: usize,
    /// Whether tests emitted every success metric and objective series; `None` without
    /// emission records.
    pub proven_in_tests: Option<bool>,
    /// The success metrics and objective series no test emitted, as selectors
    /// (`checkout_attempts_total{outcome=~"success|declined"}`).
    pub unproven: Vec<String>,
}

/// Totals.
#[derive(Debug, Serialize, Default)]
pub struct Totals {
    /// Handlers found.
    pub handlers: usize,
    /// Covered handlers (including exempt ones).
    pub covered: usize,
    /// Exempt handlers.
    pub exempt: usize,
    /// `covered / handlers` in percent; `null` when no handler was found (coverage is
    /// unknown then, not 100%).
    pub percent: Option<f64>,
    /// The same per crate.
    pub crates: Vec<CrateTotals>,
}

/// Totals of one crate.
#[derive(Debug, Serialize)]
pub struct CrateTotals {
    /// The package.
    #[serde(rename = "crate")]
    pub krate: String,
    /// Handlers found.
    pub handlers: usize,
    /// Covered handlers.
    pub covered: usize,
    /// Exempt handlers.
    pub exempt: usize,
    /// Percent covered; `null` for a crate that depends on a web framework but has no
    /// handler the checker can see.
    pub percent: Option<f64>,
}

/// Handlers counted for one crate.
#[derive(Default)]
struct Tally {
    handlers: usize,
    covered: usize,
    exempt: usize,
}

fn percent(covered: usize, total: usize) -> Option<f64> {
    // One decimal is plenty for people and stable for tools.
    (total > 0).then(|| ((covered as f64) * 1000.0 / (total as f64)).round() / 10.0)
}

/// 1-based line of a byte offset in a file, each file read once.
#[derive(Default)]
struct Lines {
    cache: HashMap<PathBuf, LineIndex>,
}

impl Lines {
    fn line(&mut self, path: &Path, offset: usize) -> usize {
        let index = self
            .cache
            .entry(path.to_path_buf())
            .or_insert_with(|| LineIndex::new(std::fs::read(path).unwrap_or_default()));
        index.line(offset) + 1
    }
}

/// Builds the report. `schemas` may be empty: adoption starts without one. `silent` crates
/// (a web framework, no handler found) are listed with no percentage. With `records`, each
/// feature (and each handler through its feature) says whether tests proved it.
pub fn build(
    root: &Path,
    handlers: &[Handler],
    schemas: &[SchemaUse],
    silent: &[Silent],
    records: Option<&Records>,
) -> CoverageReport {
    // Per schema, each feature's unproven measures; only when some test recorded anything.
    let unproven: Vec<BTreeMap<String, Vec<String>>> = match records {
        Some(records) if !records.emissions.is_empty() => schemas
            .iter()
            .map(|used| proof::unproven_by_feature(records, used))
            .collect(),
        _ => Vec::new(),
    };
    let proven = |schema: usize, feature: &str| {
        unproven
            .get(schema)
            .and_then(|features| features.get(feature))
            .map(Vec::is_empty)
    };
    let mut lines = Lines::default();
    let mut rows = Vec::new();
    let mut served: HashMap<String, usize> = HashMap::new();
    for handler in handlers {
        let index = schemas
            .iter()
            .position(|used| used.used_by(handler.package()));
        let schema = index.map(|index| &schemas[index].schema);
        // Decoded once, for the coverage and the row.
        let routes = handler.routes.to_vec();
        let status = coverage::status_with_routes(handler, &routes, schema);
        let feature = status.feature.as_ref().map(|served| served.feature.clone());
        let declared = feature
            .as_ref()
            .and_then(|name| schema.and_then(|schema| schema.features.get(name)));
        if let Some(name) = &feature {
            *served.entry(name.clone()).or_default() += 1;
        }
        let first = routes.first();
        rows.push(HandlerRow {
            krate: handler.package().to_owned(),
            file: handler
                .path
                .strip_prefix(root)
                .unwrap_or(&handler.path)
                .to_string_lossy()
                .replace('\\', "/"),
            line: lines.line(&handler.path, handler.site.span.start),
            kind: handler.kind.as_str(),
            function: handler.function.to_string(),
            path: handler.item_path(),
            framework: handler.framework().as_str(),
            method: first.map(|route| route.method.to_string()),
            route: first.and_then(|route| route.path.clone()),
            routes: routes.iter().map(|route| route.display()).collect(),
            mapped_by: status.feature.as_ref().map(|served| served.via.as_str()),
            feature,
            owner: declared.map(|feature| feature.owner.value.clone()),
            success_metrics: declared
                .map(|feature| {
                    feature
                        .success_metrics
                        .iter()
                        .map(|m| m.value.clone())
                        .collect()
                })
                .unwrap_or_default(),
            covered: status.covered(),
            exempt: status.exempt.is_some(),
            exempt_reason: status.exempt,
            proven_in_tests: index
                .zip(declared)
                .and_then(|(index, feature)| proven(index, &feature.name.value)),
        });
    }
    let mut features = Vec::new();
    for (index, used) in schemas.iter().enumerate() {
        for feature in used.schema.features.values() {
            features.push(FeatureRow {
                name: feature.name.value.clone(),
                owner: feature.owner.value.clone(),
                success_metrics: feature
                    .success_metrics
                    .iter()
                    .map(|m| m.value.clone())
                    .collect(),
                handlers: served.get(&feature.name.value).copied().unwrap_or(0),
                proven_in_tests: proven(index, &feature.name.value),
                unproven: unproven
                    .get(index)
                    .and_then(|features| features.get(&feature.name.value))
                    .cloned()
                    .unwrap_or_default(),
            });
        }
    }
    let mut per_crate: BTreeMap<String, Tally> = BTreeMap::new();
    for crate_ in silent {
        per_crate.entry(crate_.package.clone()).or_default();
    }
    for row in &rows {
        let tally = per_crate.entry(row.krate.clone()).or_default();
        tally.handlers += 1;
        tally.covered += usize::from(row.covered);
        tally.exempt += usize::from(row.exempt);
    }
    let covered = rows.iter().filter(|row| row.covered).count();
    let totals = Totals {
        handlers: rows.len(),
        covered,
        exempt: rows.iter().filter(|row| row.exempt).count(),
        percent: percent(covered, rows.len()),
        crates: per_crate
            .into_iter()
            .map(|(krate, tally)| CrateTotals {
                krate,
                handlers: tally.handlers,
                covered: tally.covered,
                exempt: tally.exempt,
                percent: percent(tally.covered, tally.handlers),
            })
            .collect(),
    };
    CoverageReport {
        handlers: rows,
        features,
        totals,
        emission_records: records.map(|records| RecordsSummary {
            dir: records.shown_dir.clone(),
            files_read: records.files_used(),
            files_left_out: records.left_out().count(),
        }),
    }
}
