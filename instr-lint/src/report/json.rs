//! The report for tools, as documented in `docs/json-output.md`. Fields are only ever added.

use serde::Serialize;

use crate::lints::Report;
use crate::registry;
use instr_schema::diag::{Diagnostic, Sources};

/// The version of the JSON document's shape.
pub const JSON_VERSION: u32 = 1;

/// The whole document.
#[derive(Debug, Serialize)]
pub struct JsonReport {
    /// Always [`JSON_VERSION`].
    pub version: u32,
    /// Every finding, ordered by file and position.
    pub findings: Vec<JsonFinding>,
    /// Counts by severity.
    pub summary: JsonSummary,
}

/// One finding.
#[derive(Debug, Serialize)]
pub struct JsonFinding {
    /// The rule's stable code.
    pub code: &'static str,
    /// `"error"` or `"warning"`.
    pub severity: &'static str,
    /// What is wrong.
    pub message: String,
    /// The file, relative to the workspace root, with `/` separators; `null` when the finding
    /// is about no file.
    pub file: Option<String>,
    /// 1-based line of the start of the span.
    pub line: Option<usize>,
    /// 1-based column (in characters) of the start of the span.
    pub column: Option<usize>,
    /// 1-based line of the end of the span.
    pub end_line: Option<usize>,
    /// 1-based column (in characters) just past the end of the span.
    pub end_column: Option<usize>,
    /// The text under the primary span.
    pub label: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// The rule that produced it.
    pub rule: JsonRule,
    /// Further places that explain the finding (for a handler: where its route is
    /// registered).
    pub related: Vec<JsonLocation>,
    /// A stable fingerprint (rule, crate, item path; never a line number), as baselines
    /// record it.
    pub fingerprint: Option<String>,
}

/// What a finding's rule is.
#[derive(Debug, Serialize)]
pub struct JsonRule {
    /// The stable code.
    pub code: &'static str,
    /// One line saying what the rule catches.
    pub summary: &'static str,
    /// `deny`, `warn` or `allow`: the level unless configuration changes it.
    pub default_level: &'static str,
}

/// A labelled place in a file.
#[derive(Debug, Serialize)]
pub struct JsonLocation {
    /// The file, relative to the workspace root.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// 1-based end line.
    pub end_line: usize,
    /// 1-based end column (exclusive), in characters.
    pub end_column: usize,
    /// The label's text.
    pub label: Option<String>,
}

/// Counts by severity, and handler coverage.
#[derive(Debug, Serialize)]
pub struct JsonSummary {
    /// Error-level findings.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Handlers found in the members that use a schema.
    pub handlers: usize,
    /// Of those, how many serve a declared feature or are exempt with a reason.
    pub covered: usize,
    /// Findings left out because the baseline lists them.
    pub baselined: usize,
}

/// Builds the document.
pub fn build(report: &Report) -> JsonReport {
    JsonReport {
        version: JSON_VERSION,
        findings: findings(report).collect(),
        summary: summary(report),
    }
}

/// Each finding of the document, made when asked for.
fn findings(report: &Report) -> impl Iterator<Item = JsonFinding> + '_ {
    report.diagnostics().enumerate().map(|(index, finding)| {
        let mut json = json_finding(&finding, &report.sources);
        json.fingerprint = report.fingerprints.get(index).map(ToString::to_string);
        json
    })
}

fn summary(report: &Report) -> JsonSummary {
    JsonSummary {
        errors: report.errors(),
        warnings: report.warnings(),
        handlers: report.handler_count,
        covered: report.covered,
        baselined: report.baselined,
    }
}

/// The document as pretty-printed JSON text.
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    // Serializing plain structs of strings and numbers into memory cannot fail.
    let _ = write(report, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the document as [`render`] makes it, one finding at a time: the text and the
/// [`JsonReport`] of a large report are never held whole.
pub fn write(report: &Report, out: impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(out, &Streamed(report)).map_err(std::io::Error::from)
}

/// [`JsonReport`]'s shape, serialized from the report as it goes.
struct Streamed<'a>(&'a Report);

impl Serialize for Streamed<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut document = serializer.serialize_struct("JsonReport", 3)?;
        document.serialize_field("version", &JSON_VERSION)?;
        document.serialize_field("findings", &StreamedFindings(self.0))?;
        document.serialize_field("summary", &summary(self.0))?;
        document.end()
    }
}

struct StreamedFindings<'a>(&'a Report);

impl Serialize for StreamedFindings<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(findings(self.0))
    }
}

fn json_finding(finding: &Diagnostic, sources: &Sources) -> JsonFinding {
    let primary = finding.primary.as_ref();
    let position = primary.map(|label| {
        let file = sources.get(label.loc.file);
        (
            file.name().to_owned(),
            file.line_column(label.loc.span.start),
            file.line_column(label.loc.span.end),
        )
    });
    JsonFinding {
        code: finding.rule.code,
        severity: finding.severity.as_str(),
        message: finding.message.clone(),
        file: position.as_ref().map(|(name, _, _)| name.clone()),
        line: position.as_ref().map(|(_, start, _)| start.line),
        column: position.as_ref().map(|(_, start, _)| start.column),
        end_line: position.as_ref().map(|(_, _, end)| end.line),
        end_column: position.as_ref().map(|(_, _, end)| end.column),
        label: primary.and_then(|label| label.text.clone()),
        help: finding.help.clone(),
        rule: JsonRule {
            code: finding.rule.code,
            summary: finding.rule.summary,
            default_level: registry::level_name(registry::default_level(finding.rule)),
        },
        related: finding
            .secondary
            .iter()
            .map(|label| {
                let file = sources.get(label.loc.file);
                let start = file.line_column(label.loc.span.start);
                let end = file.line_column(label.loc.span.end);
                JsonLocation {
                    file: file.name().to_owned(),
                    line: start.line,
                    column: start.column,
                    end_line: end.line,
                    end_column: end.column,
                    label: label.text.clone(),
                }
            })
            .collect(),
        fingerprint: None,
    }
}
