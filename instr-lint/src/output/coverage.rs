//! `cargo instr-check coverage`: every handler with its feature, owner and success metrics,
//! and totals per crate, as a terminal table, JSON or Markdown for a pull-request comment.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::check::SchemaUse;
use crate::coverage::{self, Via};
use crate::handlers::Handler;

/// The coverage document (`--format json`).
#[derive(Debug, Serialize)]
pub struct CoverageReport {
    /// Every handler, by file and position.
    pub handlers: Vec<HandlerRow>,
    /// Every declared feature, with how many handlers serve it.
    pub features: Vec<FeatureRow>,
    /// Totals over the workspace and per crate.
    pub totals: Totals,
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
    /// `name`, `Type::method`, or `<closure in f>`.
    pub function: String,
    /// The full item path, as schema `handlers` entries name it.
    pub path: String,
    /// The framework it was found through.
    pub framework: &'static str,
    /// The HTTP method of its first route (`GRPC` for tonic), if any.
    pub method: Option<String>,
    /// The path of its first route, if known.
    pub route: Option<String>,
    /// Every route, `METHOD /path`.
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
    /// `covered / handlers` in percent, 100 when there are none.
    pub percent: f64,
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
    /// Percent covered.
    pub percent: f64,
}

fn percent(covered: usize, total: usize) -> f64 {
    if total == 0 {
        100.0
    } else {
        // One decimal is plenty for people and stable for tools.
        ((covered as f64) * 1000.0 / (total as f64)).round() / 10.0
    }
}

/// 1-based line of a byte offset in a file, read once per file.
struct Lines {
    cache: HashMap<PathBuf, Vec<usize>>,
}

impl Lines {
    fn line(&mut self, path: &Path, offset: usize) -> usize {
        let starts = self.cache.entry(path.to_path_buf()).or_insert_with(|| {
            let bytes = std::fs::read(path).unwrap_or_default();
            std::iter::once(0)
                .chain(
                    bytes
                        .iter()
                        .enumerate()
                        .filter(|(_, b)| **b == b'\n')
                        .map(|(i, _)| i + 1),
                )
                .collect()
        });
        match starts.binary_search(&offset) {
            Ok(index) => index + 1,
            Err(index) => index.max(1),
        }
    }
}

/// Builds the report. `schemas` may be empty: adoption starts without one.
pub fn build(root: &Path, handlers: &[Handler], schemas: &[SchemaUse]) -> CoverageReport {
    let mut lines = Lines {
        cache: HashMap::new(),
    };
    let mut rows = Vec::new();
    let mut served: HashMap<String, usize> = HashMap::new();
    for handler in handlers {
        let used = schemas
            .iter()
            .find(|used| used.packages.contains(&handler.package));
        let schema = used.map(|used| &used.schema);
        let status = coverage::status(handler, schema);
        let feature = status.feature.as_ref().map(|(name, _)| name.clone());
        let declared = feature
            .as_ref()
            .and_then(|name| schema.and_then(|schema| schema.features.get(name)));
        if let Some(name) = &feature {
            *served.entry(name.clone()).or_default() += 1;
        }
        let first = handler.routes.first();
        rows.push(HandlerRow {
            krate: handler.package.clone(),
            file: handler
                .path
                .strip_prefix(root)
                .unwrap_or(&handler.path)
                .to_string_lossy()
                .replace('\\', "/"),
            line: lines.line(&handler.path, handler.site.1.start),
            function: handler.function.clone(),
            path: handler.item_path.clone(),
            framework: handler.framework().as_str(),
            method: first.map(|route| route.method.clone()),
            route: first.and_then(|route| route.path.clone()),
            routes: handler.routes.iter().map(|route| route.display()).collect(),
            mapped_by: status.feature.as_ref().map(|(_, via)| match via {
                Via::Attribute => "attribute",
                Via::Route => "route",
                Via::HandlerPath => "handler-path",
            }),
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
            exempt: status.exempt,
        });
    }
    let mut features = Vec::new();
    for used in schemas {
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
            });
        }
    }
    let mut per_crate: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for row in &rows {
        let entry = per_crate.entry(row.krate.clone()).or_default();
        entry.0 += 1;
        entry.1 += usize::from(row.covered);
        entry.2 += usize::from(row.exempt);
    }
    let covered = rows.iter().filter(|row| row.covered).count();
    let totals = Totals {
        handlers: rows.len(),
        covered,
        exempt: rows.iter().filter(|row| row.exempt).count(),
        percent: percent(covered, rows.len()),
        crates: per_crate
            .into_iter()
            .map(|(krate, (handlers, covered, exempt))| CrateTotals {
                krate,
                handlers,
                covered,
                exempt,
                percent: percent(covered, handlers),
            })
            .collect(),
    };
    CoverageReport {
        handlers: rows,
        features,
        totals,
    }
}

fn cells(row: &HandlerRow) -> [String; 7] {
    [
        format!("{}:{}", row.file, row.line),
        row.function.clone(),
        row.framework.to_owned(),
        match (&row.method, &row.route) {
            (Some(method), Some(route)) => format!("{method} {route}"),
            (Some(method), None) => format!("{method} <dynamic>"),
            _ => "-".to_owned(),
        },
        if row.exempt {
            "(exempt)".to_owned()
        } else {
            row.feature.clone().unwrap_or_else(|| "-".to_owned())
        },
        row.owner.clone().unwrap_or_else(|| "-".to_owned()),
        if row.success_metrics.is_empty() {
            "-".to_owned()
        } else {
            row.success_metrics.join(", ")
        },
    ]
}

const HEADERS: [&str; 7] = [
    "handler",
    "function",
    "framework",
    "route",
    "feature",
    "owner",
    "success metrics",
];

fn totals_lines(report: &CoverageReport) -> Vec<String> {
    let mut out = Vec::new();
    for krate in &report.totals.crates {
        out.push(format!(
            "{}: {} handlers, {} covered ({}%), {} exempt",
            krate.krate, krate.handlers, krate.covered, krate.percent, krate.exempt
        ));
    }
    out.push(format!(
        "total: {} handlers, {} covered ({}%), {} exempt",
        report.totals.handlers, report.totals.covered, report.totals.percent, report.totals.exempt
    ));
    out
}

/// A plain-text table for the terminal.
pub fn render_table(report: &CoverageReport) -> String {
    let rows: Vec<[String; 7]> = report.handlers.iter().map(cells).collect();
    let mut widths = HEADERS.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: &[String]| {
        let mut text = String::new();
        for (index, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if index + 1 == cells.len() {
                text.push_str(cell);
            } else {
                let _ = write!(text, "{cell:width$}  ");
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&mut out, &HEADERS.map(str::to_owned));
    for row in &rows {
        line(&mut out, row);
    }
    out.push('\n');
    for total in totals_lines(report) {
        out.push_str(&total);
        out.push('\n');
    }
    out
}

fn markdown_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// A Markdown table for a pull-request comment.
pub fn render_markdown(report: &CoverageReport) -> String {
    let mut out = String::from("### Handler coverage\n\n");
    out.push_str(&format!("| {} |\n", HEADERS.join(" | ")));
    out.push_str(&format!("|{}\n", " --- |".repeat(HEADERS.len())));
    for row in &report.handlers {
        let mut cells = cells(row).map(|cell| markdown_cell(&cell));
        cells[0] = format!("`{}`", cells[0]);
        cells[1] = format!("`{}`", cells[1]);
        if !row.covered {
            cells[4] = format!("**{}** ⚠", cells[4]);
        }
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out.push('\n');
    for total in totals_lines(report) {
        out.push_str(&format!("- {total}\n"));
    }
    out
}

/// The JSON document.
pub fn render_json(report: &CoverageReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default()
}
