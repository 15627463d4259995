//! The schema diff for the terminal, as JSON (documented in docs/diff.md; fields are only
//! ever added) and as Markdown for a pull-request comment.

use std::fmt::Write;

use serde::Serialize;

use crate::schema_diff::review::{DiffReport, ReviewedChange, Status};
use crate::schema_diff::{Change, ChangeCode, Dependents};

/// The version of the JSON document's shape.
const DIFF_JSON_VERSION: u32 = 1;

fn plural(count: usize, word: &str) -> String {
    format!("{count} {word}{}", if count == 1 { "" } else { "s" })
}

/// `feature `checkout`, objective `checkout/availability`, alert `...``.
fn dependents_text(dependents: &Dependents) -> String {
    let mut parts = Vec::new();
    for (word, names) in [
        ("metric", &dependents.metrics),
        ("event", &dependents.events),
        ("feature", &dependents.features),
        ("objective", &dependents.objectives),
        ("alert", &dependents.alerts),
    ] {
        parts.extend(names.iter().map(|name| format!("{word} `{name}`")));
    }
    parts.join(", ")
}

/// How to get a blocking change through.
fn remedy(change: &Change) -> String {
    let key = change.subject.key();
    let acknowledge = format!(
        "acknowledge it: `acknowledged-breaking = [\"{key}\"]` under [workspace.metadata.instr]"
    );
    if change.subject.kind() != "metric" {
        return acknowledge;
    }
    let old = change.subject.name();
    let replacement = change.renamed_to.as_deref().unwrap_or("new_name");
    let deprecate = if matches!(change.code, ChangeCode::Renamed | ChangeCode::Removed) {
        format!(
            "keep `{old}` for a while, marked `stability = \"deprecated\"` and `deprecated = \"{replacement}\"`, then remove it in a later change"
        )
    } else {
        format!(
            "declare the new shape under a new name, mark `{old}` `stability = \"deprecated\"` and `deprecated = \"{replacement}\"`, then remove it in a later change"
        )
    };
    format!("{deprecate}; or {acknowledge}")
}

// ------------------------------------------------------------------------------- human

/// The report for the terminal.
pub(crate) fn human(report: &DiffReport) -> String {
    let mut out = format!(
        "instr schema changes since {} ({})\n",
        report.base,
        report.short_commit()
    );
    for schema in &report.schemas {
        let _ = write!(out, "\n{}", schema.path);
        if schema.new_at_head {
            out.push_str(" (new: not present at the base)");
        }
        out.push('\n');
        if schema.changes.is_empty() {
            out.push_str("  no changes\n");
        }
        for reviewed in &schema.changes {
            let change = &reviewed.change;
            let tag = match reviewed.status {
                Status::Blocking => "BREAKING",
                Status::Announced | Status::Acknowledged => "breaking",
                Status::Additive => "additive",
            };
            let _ = writeln!(out, "  {tag:<9}{}", change.message);
            if !change.dependents.is_empty() {
                let _ = writeln!(
                    out,
                    "  {:<9}affects {}",
                    "",
                    dependents_text(&change.dependents)
                );
            }
            match reviewed.status {
                Status::Blocking => {
                    let _ = writeln!(out, "  {:<9}to land it: {}", "", remedy(change));
                }
                Status::Announced => {
                    let reason = change.announced.as_deref().unwrap_or_default();
                    let _ = writeln!(out, "  {:<9}allowed: {reason}", "");
                }
                Status::Acknowledged => {
                    let _ = writeln!(
                        out,
                        "  {:<9}allowed: acknowledged as `{}`",
                        "",
                        change.subject.key()
                    );
                }
                Status::Additive => {}
            }
        }
    }
    for key in &report.unused_acknowledgements {
        let _ = writeln!(
            out,
            "\nnote: `acknowledged-breaking` entry `{key}` matches no change; remove it"
        );
    }
    let _ = writeln!(
        out,
        "\n{} ({}, {})",
        if report.blocking() > 0 {
            format!(
                "{} {} the check",
                plural(report.blocking(), "breaking change"),
                if report.blocking() == 1 {
                    "fails"
                } else {
                    "fail"
                }
            )
        } else {
            "no blocking changes".to_owned()
        },
        plural(report.breaking(), "breaking change"),
        plural(report.additive(), "additive change"),
    );
    out
}

// -------------------------------------------------------------------------------- json

#[derive(Serialize)]
struct JsonDocument<'a> {
    version: u32,
    base: &'a str,
    base_commit: &'a str,
    schemas: Vec<JsonSchema<'a>>,
    unused_acknowledgements: &'a [String],
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonSchema<'a> {
    path: &'a str,
    new_at_head: bool,
    changes: Vec<JsonChange<'a>>,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    key: String,
    kind: &'static str,
    name: String,
    change: &'static str,
    impact: &'static str,
    status: &'static str,
    message: &'a str,
    renamed_to: Option<&'a str>,
    announced: Option<&'a str>,
    dependents: JsonDependents<'a>,
}

#[derive(Serialize)]
struct JsonDependents<'a> {
    metrics: &'a [String],
    events: &'a [String],
    features: &'a [String],
    objectives: &'a [String],
    alerts: &'a [String],
}

#[derive(Serialize)]
struct JsonSummary {
    breaking: usize,
    blocking: usize,
    additive: usize,
}

/// The report as pretty-printed JSON, ending with a newline.
pub(crate) fn json(report: &DiffReport) -> String {
    let document = JsonDocument {
        version: DIFF_JSON_VERSION,
        base: &report.base,
        base_commit: &report.base_commit,
        schemas: report
            .schemas
            .iter()
            .map(|schema| JsonSchema {
                path: &schema.path,
                new_at_head: schema.new_at_head,
                changes: schema.changes.iter().map(json_change).collect(),
            })
            .collect(),
        unused_acknowledgements: &report.unused_acknowledgements,
        summary: JsonSummary {
            breaking: report.breaking(),
            blocking: report.blocking(),
            additive: report.additive(),
        },
    };
    // Plain structs of strings and numbers always serialize.
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn json_change(reviewed: &ReviewedChange) -> JsonChange<'_> {
    let change = &reviewed.change;
    let dependents = &change.dependents;
    JsonChange {
        key: change.subject.key(),
        kind: change.subject.kind(),
        name: change.subject.name(),
        change: change.code.as_str(),
        impact: change.impact.as_str(),
        status: reviewed.status.as_str(),
        message: &change.message,
        renamed_to: change.renamed_to.as_deref(),
        announced: change.announced.as_deref(),
        dependents: JsonDependents {
            metrics: &dependents.metrics,
            events: &dependents.events,
            features: &dependents.features,
            objectives: &dependents.objectives,
            alerts: &dependents.alerts,
        },
    }
}

// ---------------------------------------------------------------------------- markdown

/// The report as Markdown for a pull-request comment or a GitHub job summary.
pub(crate) fn markdown(report: &DiffReport) -> String {
    let mut out = format!(
        "## instr: schema changes against `{}`\n\n",
        cell(&report.base)
    );
    let total = report.breaking() + report.additive();
    if total == 0 {
        out.push_str("No changes to the schema.\n\n");
    } else if report.blocking() > 0 {
        let _ = writeln!(
            out,
            ":x: **{} need{} attention** · {} allowed · {}\n",
            plural(report.blocking(), "breaking change"),
            if report.blocking() == 1 { "s" } else { "" },
            report.breaking() - report.blocking(),
            plural(report.additive(), "additive change"),
        );
    } else {
        let _ = writeln!(
            out,
            ":white_check_mark: **No blocking changes** · {} allowed · {}\n",
            plural(report.breaking(), "breaking change"),
            plural(report.additive(), "additive change"),
        );
    }
    for schema in &report.schemas {
        if schema.changes.is_empty() {
            continue;
        }
        let _ = write!(out, "### `{}`", cell(&schema.path));
        if schema.new_at_head {
            out.push_str(" (new)");
        }
        out.push_str("\n\n| | Change | Affects |\n|---|---|---|\n");
        for reviewed in &schema.changes {
            let change = &reviewed.change;
            let status = match reviewed.status {
                Status::Blocking => ":x: **breaking**".to_owned(),
                Status::Announced => format!(
                    ":warning: breaking, announced ({})",
                    cell(change.announced.as_deref().unwrap_or_default())
                ),
                Status::Acknowledged => ":warning: breaking, acknowledged".to_owned(),
                Status::Additive => ":heavy_plus_sign: additive".to_owned(),
            };
            let affects = if change.dependents.is_empty() {
                "–".to_owned()
            } else {
                cell(&dependents_text(&change.dependents))
            };
            let _ = writeln!(out, "| {status} | {} | {affects} |", cell(&change.message));
        }
        out.push('\n');
    }
    let blocking: Vec<&ReviewedChange> = report
        .schemas
        .iter()
        .flat_map(|schema| &schema.changes)
        .filter(|reviewed| reviewed.status == Status::Blocking)
        .collect();
    if !blocking.is_empty() {
        out.push_str("<details><summary>How to land a breaking change</summary>\n\n");
        for reviewed in blocking {
            let _ = writeln!(
                out,
                "- {}: {}",
                reviewed.change.message,
                remedy(&reviewed.change)
            );
        }
        out.push_str("\n</details>\n\n");
    }
    for key in &report.unused_acknowledgements {
        let _ = writeln!(
            out,
            "> `acknowledged-breaking` entry `{key}` matches no change; it can be removed.\n"
        );
    }
    let _ = writeln!(
        out,
        "<sub>`cargo instr-check diff --base {}` · base commit {}</sub>",
        report.base,
        report.short_commit()
    );
    out
}

/// Text for a Markdown table cell: pipes escaped, line breaks folded.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}
