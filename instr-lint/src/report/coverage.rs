//! The coverage report as a terminal table, JSON or Markdown for a pull-request comment.

use std::fmt::Write as _;

use crate::analysis::coverage_report::{CoverageReport, HandlerRow};
use crate::analysis::handlers::DYNAMIC_PATH;

fn cells(row: &HandlerRow) -> [String; 8] {
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
    ]
}

const HEADERS: [&str; 8] = [
    "handler",
    "kind",
    "function",
    "framework",
    "route",
    "feature",
    "owner",
    "success metrics",
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
    out
}

/// A plain-text table for the terminal.
pub fn render_table(report: &CoverageReport) -> String {
    let rows: Vec<[String; 8]> = report.handlers.iter().map(cells).collect();
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
