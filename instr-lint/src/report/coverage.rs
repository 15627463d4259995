//! The coverage report as a terminal table, JSON or Markdown for a pull-request comment.

use std::fmt::Write as _;

use crate::analysis::coverage_report::{CoverageReport, HandlerRow};
use crate::analysis::handlers::DYNAMIC_PATH;

/// The "proven in tests" cell: `yes`, `no` with what no test emitted, `?` without emission
/// records, `-` for a handler without a feature.
fn proven_cell(row: &HandlerRow, report: &CoverageReport) -> String {
    match row.proven_in_tests {
        Some(true) => "yes".to_owned(),
        Some(false) => {
            let missing = report
                .features
                .iter()
                .find(|feature| Some(&feature.name) == row.feature.as_ref())
                .map(|feature| feature.unproven.join(", "))
                .unwrap_or_default();
            format!("no: {missing}")
        }
        None if row.feature.is_some() && !row.exempt => "?".to_owned(),
        None => "-".to_owned(),
    }
}

fn cells(row: &HandlerRow, report: &CoverageReport) -> [String; 9] {
    [
        format!("{}:{}", row.file, row.line),
        row.kind.to_owned(),
        row.function.clone(),
        row.framework.to_owned(),
        match (&row.method, &row.route) {
            (Some(method), Some(route)) => format!("{method} {route}"),
            (Some(method), None) => format!("{method} {DYNAMIC_PATH}"),
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
        proven_cell(row, report),
    ]
}

const HEADERS: [&str; 9] = [
    "handler",
    "kind",
    "function",
    "framework",
    "route",
    "feature",
    "owner",
    "success metrics",
    "proven in tests",
];

/// `95.5%`, or `n/a` when nothing was found to cover.
fn percent(percent: Option<f64>) -> String {
    percent.map_or_else(|| "n/a".to_owned(), |percent| format!("{percent}%"))
}

fn totals_lines(report: &CoverageReport) -> Vec<String> {
    let mut out = Vec::new();
    for krate in &report.totals.crates {
        out.push(format!(
            "{}: {} handlers, {} covered ({}), {} exempt",
            krate.krate,
            krate.handlers,
            krate.covered,
            percent(krate.percent),
            krate.exempt
        ));
    }
    out.push(format!(
        "total: {} handlers, {} covered ({}), {} exempt",
        report.totals.handlers,
        report.totals.covered,
        percent(report.totals.percent),
        report.totals.exempt
    ));
    out.extend(proof_line(report));
    out
}

/// How many features tests proved, and from which records; nothing without features or
/// without a records folder to read.
fn proof_line(report: &CoverageReport) -> Option<String> {
    let records = report.emission_records.as_ref()?;
    if report.features.is_empty() {
        return None;
    }
    let left_out = match records.files_left_out {
        0 => String::new(),
        n => format!(", {n} left out (stale or unreadable)"),
    };
    Some(if records.files_read == 0 {
        format!(
            "proven in tests: unknown, no emission records in {}{left_out}; run the tests with INSTR_EMISSIONS=1",
            records.dir
        )
    } else {
        let proven = report
            .features
            .iter()
            .filter(|feature| feature.proven_in_tests == Some(true))
            .count();
        format!(
            "proven in tests: {proven} of {} features (emission records in {}: {} file{}{left_out})",
            report.features.len(),
            records.dir,
            records.files_read,
            if records.files_read == 1 { "" } else { "s" },
        )
    })
}

/// A plain-text table for the terminal.
pub fn render_table(report: &CoverageReport) -> String {
    let rows: Vec<[String; 9]> = report
        .handlers
        .iter()
        .map(|row| cells(row, report))
        .collect();
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
        let mut cells = cells(row, report).map(|cell| markdown_cell(&cell));
        cells[0] = format!("`{}`", cells[0]);
        cells[2] = format!("`{}`", cells[2]);
        if !row.covered {
            cells[5] = format!("**{}** ⚠", cells[5]);
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
