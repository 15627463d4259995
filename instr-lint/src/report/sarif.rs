//! SARIF 2.1.0 output, for GitHub code scanning and other SARIF consumers.
//!
//! A small typed model of the parts of the standard this tool fills in: one run, the tool
//! with every rule (id, descriptions, default level), and one result per finding with its
//! physical location, related locations and a stable partial fingerprint.

use serde::Serialize;

use instr_schema::diag::{Diagnostic, Label, RuleInfo, Sources};

use crate::lints::Report;
use crate::lints::fingerprint::Fingerprint;
use crate::registry;

/// The SARIF version written.
pub(crate) const SARIF_VERSION: &str = "2.1.0";
/// The JSON schema the document declares.
pub(crate) const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The base id relative artifact URIs are resolved against: the workspace root.
pub(crate) const SRCROOT: &str = "%SRCROOT%";

/// `sarifLog`.
#[derive(Debug, Serialize)]
pub(crate) struct SarifLog<'r> {
    /// The schema URI.
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    /// Always `2.1.0`.
    pub version: &'static str,
    /// One run.
    pub runs: Vec<Run<'r>>,
}

/// `run`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Run<'r> {
    /// The tool that produced it.
    pub tool: Tool,
    /// Where `%SRCROOT%` is.
    pub original_uri_base_ids: std::collections::BTreeMap<&'static str, ArtifactLocation>,
    /// Columns count Unicode code points, as the checker does.
    pub column_kind: &'static str,
    /// The findings.
    pub results: Results<'r>,
}

/// The findings of a report as `result`s, each made as it is written: a report with a
/// finding in every file is never held whole.
pub(crate) struct Results<'r> {
    report: &'r Report,
    /// Every rule, in the order the tool's `rules` lists them.
    rules: Vec<&'static RuleInfo>,
}

impl std::fmt::Debug for Results<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Results({} findings)", self.report.findings.len())
    }
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.report;
        serializer.collect_seq(report.diagnostics().enumerate().map(|(index, finding)| {
            let rule_index = self
                .rules
                .iter()
                .position(|rule| rule.code == finding.rule.code)
                .unwrap_or(0);
            result(
                &finding,
                report.fingerprints.get(index),
                &report.sources,
                rule_index,
            )
        }))
    }
}

/// `tool`.
#[derive(Debug, Serialize)]
pub(crate) struct Tool {
    /// The tool component.
    pub driver: ToolComponent,
}

/// `toolComponent`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ToolComponent {
    /// `cargo-instr-check`.
    pub name: &'static str,
    /// The checker's version.
    pub version: &'static str,
    /// The project page.
    pub information_uri: &'static str,
    /// Every rule the checker knows.
    pub rules: Vec<ReportingDescriptor>,
}

/// `reportingDescriptor`: one rule.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ReportingDescriptor {
    /// The rule code.
    pub id: &'static str,
    /// The summary.
    pub short_description: Message,
    /// The explanation.
    pub full_description: Message,
    /// How to fix findings (the explanation again; code scanning shows it).
    pub help: Message,
    /// The default level.
    pub default_configuration: ReportingConfiguration,
}

/// `reportingConfiguration`.
#[derive(Debug, Serialize)]
pub(crate) struct ReportingConfiguration {
    /// `error`, `warning` or `none`.
    pub level: &'static str,
}

/// `message`.
#[derive(Debug, Serialize)]
pub(crate) struct Message {
    /// Plain text.
    pub text: String,
}

/// `result`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SarifResult {
    /// The rule code.
    pub rule_id: &'static str,
    /// The rule's index in `tool.driver.rules`.
    pub rule_index: usize,
    /// `error` or `warning`.
    pub level: &'static str,
    /// The message, with the help appended.
    pub message: Message,
    /// Where.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<Location>,
    /// Further places that explain it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_locations: Vec<Location>,
    /// The stable fingerprint.
    pub partial_fingerprints: std::collections::BTreeMap<&'static str, String>,
}

/// `location`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Location {
    /// Index among related locations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<usize>,
    /// The file and region.
    pub physical_location: PhysicalLocation,
    /// The label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
}

/// `physicalLocation`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PhysicalLocation {
    /// The file.
    pub artifact_location: ArtifactLocation,
    /// The region in it.
    pub region: Region,
}

/// `artifactLocation`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ArtifactLocation {
    /// A URI, relative to `uri_base_id` when that is set.
    pub uri: String,
    /// `%SRCROOT%` for files in the workspace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri_base_id: Option<&'static str>,
}

/// `region`, 1-based.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Region {
    /// First line.
    pub start_line: usize,
    /// First column.
    pub start_column: usize,
    /// Last line.
    pub end_line: usize,
    /// Column after the last character.
    pub end_column: usize,
}

fn location(label: &Label, sources: &Sources, id: Option<usize>) -> Location {
    let file = sources.get(label.loc.file);
    let start = file.line_column(label.loc.span.start);
    let end = file.line_column(label.loc.span.end);
    Location {
        id,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri_path(file.name()),
                uri_base_id: Some(SRCROOT),
            },
            region: Region {
                start_line: start.line,
                start_column: start.column,
                end_line: end.line,
                end_column: end.column.max(if end.line == start.line {
                    start.column + 1
                } else {
                    1
                }),
            },
        },
        message: label.text.clone().map(|text| Message { text }),
    }
}

/// A relative file name as a URI reference: `/` separators, spaces and `%` escaped.
fn uri_path(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '\\' => out.push('/'),
            ' ' => out.push_str("%20"),
            '%' => out.push_str("%25"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            other => out.push(other),
        }
    }
    out
}

fn result(
    finding: &Diagnostic,
    fingerprint: Option<&Fingerprint>,
    sources: &Sources,
    rule_index: usize,
) -> SarifResult {
    let mut text = finding.message.clone();
    if let Some(help) = &finding.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let mut prints = std::collections::BTreeMap::new();
    if let Some(print) = fingerprint {
        prints.insert("instrFingerprint/v1", print.to_string());
    }
    SarifResult {
        rule_id: finding.rule.code,
        rule_index,
        level: finding.severity.as_str(),
        message: Message { text },
        locations: finding
            .primary
            .iter()
            .map(|label| location(label, sources, None))
            .collect(),
        related_locations: finding
            .secondary
            .iter()
            .enumerate()
            .map(|(index, label)| location(label, sources, Some(index)))
            .collect(),
        partial_fingerprints: prints,
    }
}

/// Builds the log.
pub(crate) fn build(report: &Report) -> SarifLog<'_> {
    let all: Vec<_> = registry::all().collect();
    let descriptors = all
        .iter()
        .map(|rule| ReportingDescriptor {
            id: rule.code,
            short_description: Message {
                text: rule.summary.to_owned(),
            },
            full_description: Message {
                text: rule.explanation.to_owned(),
            },
            help: Message {
                text: rule.explanation.to_owned(),
            },
            default_configuration: ReportingConfiguration {
                level: match registry::default_level(rule) {
                    instr_schema::diag::Level::Deny => "error",
                    instr_schema::diag::Level::Warn => "warning",
                    instr_schema::diag::Level::Allow => "none",
                },
            },
        })
        .collect();
    let results = Results { report, rules: all };
    let root = format!(
        "file://{}/",
        report
            .root
            .to_string_lossy()
            .replace('\\', "/")
            .trim_end_matches('/')
    );
    SarifLog {
        schema: SARIF_SCHEMA,
        version: SARIF_VERSION,
        runs: vec![Run {
            tool: Tool {
                driver: ToolComponent {
                    name: "cargo-instr-check",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: descriptors,
                },
            },
            original_uri_base_ids: [(
                SRCROOT,
                ArtifactLocation {
                    uri: uri_path(&root),
                    uri_base_id: None,
                },
            )]
            .into_iter()
            .collect(),
            column_kind: "unicodeCodePoints",
            results,
        }],
    }
}

/// Writes the log as pretty-printed JSON, each finding as it is made.
pub fn write(report: &Report, out: impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(out, &build(report)).map_err(std::io::Error::from)
}
