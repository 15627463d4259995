//! The report for people: each finding with its source in view, then a summary line.

use instr_schema::diag::{RenderOptions, render_human_one};

use crate::lints::Report;

/// The whole report as text.
pub fn render(report: &Report, options: &RenderOptions) -> String {
    let mut out = Vec::new();
    // Writing into memory does not fail.
    let _ = write(report, options, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes the report as text, each finding as it is made: a report with a finding in every
/// file is never held whole.
pub fn write(
    report: &Report,
    options: &RenderOptions,
    mut out: impl std::io::Write,
) -> std::io::Result<()> {
    for finding in report.diagnostics() {
        out.write_all(render_human_one(&finding, &report.sources, options).as_bytes())?;
        out.write_all(b"\n")?;
    }
    writeln!(out, "{}", summary(report))
}

/// `2 errors, 1 warning · instr.toml: 3 features, 7 metrics, 2 events · 41 handlers, 39
/// covered (95%)`.
pub fn summary(report: &Report) -> String {
    let errors = report.errors();
    let warnings = report.warnings();
    let mut line = format!(
        "{} {}, {} {}",
        errors,
        plural(errors, "error"),
        warnings,
        plural(warnings, "warning")
    );
    for used in &report.schemas {
        let name = used.path.strip_prefix(&report.root).unwrap_or(&used.path);
        let schema = &used.schema;
        if !used.readable {
            line.push_str(&format!(
                " · {}: could not be read (fix its syntax first)",
                name.display()
            ));
            continue;
        }
        line.push_str(&format!(
            " · {}: {} {}, {} {}, {} {}",
            name.display(),
            schema.features.len(),
            plural(schema.features.len(), "feature"),
            schema.metrics.len(),
            plural(schema.metrics.len(), "metric"),
            schema.events.len(),
            plural(schema.events.len(), "event"),
        ));
    }
    let handlers = report.handler_count;
    line.push_str(&format!(
        " · {handlers} {}, {} covered",
        plural(handlers, "handler"),
        report.covered
    ));
    // No handler found, or no schema to map them with: coverage is unknown, not 100% or 0%.
    let known = report.schemas.iter().any(|used| used.readable);
    match (report.covered * 100).checked_div(handlers) {
        Some(percent) if known => line.push_str(&format!(" ({percent}%)")),
        _ => line.push_str(" (n/a)"),
    }
    if report.baselined > 0 {
        line.push_str(&format!(" · {} baselined", report.baselined));
    }
    line
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}
