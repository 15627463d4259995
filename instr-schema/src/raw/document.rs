//! The sections of one `instr.toml` file, read into raw structs.

use toml::de::{DeTable, DeValue};

use super::reader::{Keys, Reader, Value};
use crate::checks;
use crate::diag::{Diagnostic, FileId, Loc};
use crate::spanned::Spanned;

type Text = Spanned<String>;
type TextList = Spanned<Vec<Text>>;

/// One file as written, before cross-checks.
#[derive(Debug, Default)]
pub(crate) struct RawFile {
    pub(crate) version: Option<Spanned<i64>>,
    pub(crate) includes: Vec<Text>,
    pub(crate) owners: Vec<RawOwner>,
    pub(crate) labels: Vec<RawLabel>,
    pub(crate) metrics: Vec<RawMetric>,
    pub(crate) events: Vec<RawEvent>,
    pub(crate) features: Vec<RawFeature>,
    /// `[exempt]`: a route or handler path, and the reason it is exempt.
    pub(crate) exempt: Vec<(Text, Text)>,
}

#[derive(Debug)]
pub(crate) struct RawOwner {
    pub(crate) keys: Keys,
    pub(crate) name: Text,
    pub(crate) description: Option<Text>,
    pub(crate) contact: Option<Text>,
}

#[derive(Debug)]
pub(crate) struct RawLabel {
    pub(crate) keys: Keys,
    pub(crate) name: Text,
    pub(crate) description: Option<Text>,
    pub(crate) values: Option<TextList>,
    pub(crate) kind: Option<Text>,
    pub(crate) max_values: Option<Spanned<i64>>,
}

#[derive(Debug)]
pub(crate) struct RawMetric {
    pub(crate) keys: Keys,
    pub(crate) name: Text,
    pub(crate) kind: Option<Text>,
    pub(crate) description: Option<Text>,
    pub(crate) owner: Option<Text>,
    pub(crate) unit: Option<Text>,
    pub(crate) labels: Option<TextList>,
    pub(crate) buckets: Option<Spanned<Vec<Spanned<f64>>>>,
    pub(crate) stability: Option<Text>,
    pub(crate) deprecated: Option<Text>,
    pub(crate) expires: Option<Text>,
}

#[derive(Debug)]
pub(crate) struct RawEvent {
    pub(crate) keys: Keys,
    pub(crate) name: Text,
    pub(crate) description: Option<Text>,
    pub(crate) owner: Option<Text>,
    /// Property name and type text, for example `coupon` and `"string?"`.
    pub(crate) properties: Vec<(Text, Text)>,
}

#[derive(Debug)]
pub(crate) struct RawFeature {
    pub(crate) keys: Keys,
    pub(crate) name: Text,
    pub(crate) description: Option<Text>,
    pub(crate) owner: Option<Text>,
    pub(crate) success_metrics: Option<TextList>,
    pub(crate) guardrail_metrics: Option<TextList>,
    pub(crate) routes: Option<TextList>,
    pub(crate) handlers: Option<TextList>,
    pub(crate) objectives: Vec<RawObjective>,
}

/// One `[[features.<name>.objectives]]` entry.
#[derive(Debug)]
pub(crate) struct RawObjective {
    /// The whole entry, for findings about the entry as such.
    pub(crate) loc: Loc,
    pub(crate) keys: Keys,
    pub(crate) name: Option<Text>,
    pub(crate) target: Option<Spanned<f64>>,
    pub(crate) window: Option<Text>,
    pub(crate) good: Option<RawSelector>,
    pub(crate) total: Option<RawSelector>,
    pub(crate) metric: Option<Text>,
    pub(crate) threshold: Option<Spanned<f64>>,
    pub(crate) labels: Vec<RawMatcher>,
}

/// `{ metric = "...", labels = { ... } }`.
#[derive(Debug)]
pub(crate) struct RawSelector {
    pub(crate) loc: Loc,
    pub(crate) keys: Keys,
    pub(crate) metric: Option<Text>,
    pub(crate) labels: Vec<RawMatcher>,
}

/// `label = "value"` or `label = ["a", "b"]` inside a selector.
#[derive(Debug)]
pub(crate) struct RawMatcher {
    pub(crate) label: Text,
    pub(crate) values: Vec<Text>,
}

const TOP_LEVEL: &[&str] = &[
    "version", "include", "owners", "labels", "metrics", "events", "features", "exempt",
];
const OWNER_FIELDS: &[&str] = &["description", "contact"];
const LABEL_FIELDS: &[&str] = &["description", "values", "kind", "max_values"];
const METRIC_FIELDS: &[&str] = &[
    "kind",
    "description",
    "owner",
    "unit",
    "labels",
    "buckets",
    "stability",
    "deprecated",
    "expires",
];
const EVENT_FIELDS: &[&str] = &["description", "owner", "properties"];
const FEATURE_FIELDS: &[&str] = &[
    "description",
    "owner",
    "success_metrics",
    "guardrail_metrics",
    "routes",
    "handlers",
    "objectives",
];
const OBJECTIVE_FIELDS: &[&str] = &[
    "name",
    "target",
    "window",
    "good",
    "total",
    "metric",
    "threshold",
    "labels",
];
const SELECTOR_FIELDS: &[&str] = &["metric", "labels"];

/// Parses one file's text. Syntax errors are reported and the file is left out
/// (`None`), so that half-read tables do not cause a cascade of follow-up findings.
pub(crate) fn parse_file(
    file: FileId,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<RawFile> {
    let (document, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        syntax_errors(file, text, errors, diagnostics);
        return None;
    }
    let mut reader = Reader { file, diagnostics };
    Some(read_document(&mut reader, document.get_ref()))
}

/// Turns the TOML parser's errors into findings. A table declared twice makes the parser
/// report every key of the second copy too; those follow-ups are dropped, and each duplicate
/// points back at the first declaration.
fn syntax_errors(
    file: FileId,
    text: &str,
    mut errors: Vec<toml::de::Error>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    errors.sort_by_key(|error| error.span().map_or(0, |span| span.start));
    let mut duplicate_tables: Vec<usize> = Vec::new();
    for error in errors {
        let span = error.span().unwrap_or(0..0);
        let (line_start, line) = line_at(text, span.start);
        let in_header = line.trim_start().starts_with('[');
        let detail = error.message().trim();
        if !detail.contains("duplicate") {
            diagnostics.push(
                Diagnostic::new(
                    &checks::SYNTAX,
                    Loc::new(file, span),
                    format!("invalid TOML: {detail}"),
                )
                .with_label("the TOML parser stopped here"),
            );
            continue;
        }
        let header = if in_header {
            Some(line_start)
        } else {
            enclosing_header(text, line_start)
        };
        if !in_header && header.is_some_and(|header| duplicate_tables.contains(&header)) {
            continue;
        }
        let found = text.get(span.clone()).unwrap_or("").trim();
        let diagnostic = if in_header {
            duplicate_tables.push(line_start);
            let first = earlier_line(text, line_start, |other| other.trim() == line.trim());
            let diagnostic = Diagnostic::new(
                &checks::SYNTAX,
                Loc::new(file, span),
                format!("table `{}` is declared twice in this file", line.trim()),
            )
            .with_label("declared again here")
            .with_help("a table is declared once per file: merge the two into one");
            match first {
                Some(first) => diagnostic.with_secondary(
                    Loc::new(file, first..first + line.trim_end().len()),
                    "first declared here",
                ),
                None => diagnostic,
            }
        } else {
            let from = header.unwrap_or(0);
            let first = earlier_line(text, line_start, |other| {
                other
                    .split('=')
                    .next()
                    .is_some_and(|key| key.trim() == found)
            })
            .filter(|first| *first >= from);
            let diagnostic = Diagnostic::new(
                &checks::SYNTAX,
                Loc::new(file, span),
                format!("`{found}` is set twice in one table"),
            )
            .with_label("set again here")
            .with_help("a key is set once per table: keep one of them");
            match first {
                Some(first) => diagnostic
                    .with_secondary(Loc::new(file, first..first + found.len()), "first set here"),
                None => diagnostic,
            }
        };
        diagnostics.push(diagnostic);
    }
}

/// The start offset and text of the line holding `offset`.
fn line_at(text: &str, offset: usize) -> (usize, &str) {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |index| index + 1);
    let end = text[start..]
        .find('\n')
        .map_or(text.len(), |index| start + index);
    (start, &text[start..end])
}

/// The start of the closest line before `line_start` that begins a table (`[...]`).
fn enclosing_header(text: &str, line_start: usize) -> Option<usize> {
    earlier_line(text, line_start, |line| line.trim_start().starts_with('['))
}

/// The start (after indentation) of the closest line before `line_start` whose text
/// satisfies `matches`.
fn earlier_line(text: &str, line_start: usize, matches: impl Fn(&str) -> bool) -> Option<usize> {
    let mut end = line_start.checked_sub(1)?;
    loop {
        let (start, line) = line_at(text, end);
        if matches(line) {
            return Some(start + (line.len() - line.trim_start().len()));
        }
        end = start.checked_sub(1)?;
    }
}

fn read_document(reader: &mut Reader<'_>, document: &DeTable<'_>) -> RawFile {
    reader.check_fields(document, TOP_LEVEL, "the schema's top level");
    let mut raw = RawFile {
        version: document
            .get("version")
            .and_then(|value| reader.integer(value, "`version`", "version = 1")),
        ..RawFile::default()
    };
    if let Some(value) = document.get("include")
        && let Some(list) =
            reader.string_list(value, "`include`", r#"include = ["teams/payments.toml"]"#)
    {
        raw.includes = list.value;
    }
    for_each_entry(
        reader,
        document.get("owners"),
        "owners",
        "[owners.payments]",
        |reader, name, table| {
            raw.owners.push(read_owner(reader, name, table));
        },
    );
    for_each_entry(
        reader,
        document.get("labels"),
        "labels",
        "[labels.outcome]",
        |reader, name, table| {
            raw.labels.push(read_label(reader, name, table));
        },
    );
    for_each_entry(
        reader,
        document.get("metrics"),
        "metrics",
        "[metrics.orders_total]",
        |reader, name, table| {
            raw.metrics.push(read_metric(reader, name, table));
        },
    );
    for_each_entry(
        reader,
        document.get("events"),
        "events",
        "[events.order_placed]",
        |reader, name, table| {
            raw.events.push(read_event(reader, name, table));
        },
    );
    for_each_entry(
        reader,
        document.get("features"),
        "features",
        "[features.checkout]",
        |reader, name, table| {
            raw.features.push(read_feature(reader, name, table));
        },
    );
    let example = r#"[exempt]
"GET /health" = "liveness probe for the load balancer""#;
    if let Some(section) = document.get("exempt")
        && let Some(table) = reader.table(section, "`exempt`", example)
    {
        for (key, value) in table.iter() {
            let target = Spanned::new(key.get_ref().to_string(), reader.loc(key));
            let what = format!("the reason `{}` is exempt", target.value);
            if let Some(reason) = reader.string(value, &what, example) {
                raw.exempt.push((target, reason));
            }
        }
    }
    raw
}

/// Calls `read` for every `[section.<name>]` table in a section.
fn for_each_entry<'i>(
    reader: &mut Reader<'_>,
    section: Option<&Value<'i>>,
    section_name: &str,
    example: &str,
    mut read: impl FnMut(&mut Reader<'_>, Spanned<String>, &DeTable<'i>),
) {
    let Some(section) = section else { return };
    let Some(table) = reader.table(section, &format!("`{section_name}`"), example) else {
        return;
    };
    for (key, value) in table.iter() {
        let name = Spanned::new(key.get_ref().to_string(), reader.loc(key));
        let what = format!("`{section_name}.{}`", name.value);
        if let Some(entry) = reader.table(value, &what, example) {
            read(reader, name, entry);
        }
    }
}

fn optional_string(
    reader: &mut Reader<'_>,
    table: &DeTable<'_>,
    key: &str,
    context: &str,
    example: &str,
) -> Option<Spanned<String>> {
    let value = table.get(key)?;
    reader.string(value, &format!("`{key}` of {context}"), example)
}

fn optional_string_list(
    reader: &mut Reader<'_>,
    table: &DeTable<'_>,
    key: &str,
    context: &str,
    example: &str,
) -> Option<TextList> {
    let value = table.get(key)?;
    reader.string_list(value, &format!("`{key}` of {context}"), example)
}

fn read_owner(reader: &mut Reader<'_>, name: Text, table: &DeTable<'_>) -> RawOwner {
    let context = format!("owner `{}`", name.value);
    let keys = reader.check_fields(table, OWNER_FIELDS, &context);
    RawOwner {
        keys,
        description: optional_string(
            reader,
            table,
            "description",
            &context,
            r#"description = "Payments team""#,
        ),
        contact: optional_string(
            reader,
            table,
            "contact",
            &context,
            r##"contact = "#payments-oncall""##,
        ),
        name,
    }
}

fn read_label(reader: &mut Reader<'_>, name: Text, table: &DeTable<'_>) -> RawLabel {
    let context = format!("label `{}`", name.value);
    let keys = reader.check_fields(table, LABEL_FIELDS, &context);
    RawLabel {
        keys,
        description: optional_string(
            reader,
            table,
            "description",
            &context,
            r#"description = "How it ended""#,
        ),
        values: optional_string_list(
            reader,
            table,
            "values",
            &context,
            r#"values = ["success", "error"]"#,
        ),
        kind: optional_string(reader, table, "kind", &context, r#"kind = "string""#),
        max_values: table.get("max_values").and_then(|value| {
            reader.integer(
                value,
                &format!("`max_values` of {context}"),
                "max_values = 50",
            )
        }),
        name,
    }
}

fn read_metric(reader: &mut Reader<'_>, name: Text, table: &DeTable<'_>) -> RawMetric {
    let context = format!("metric `{}`", name.value);
    let keys = reader.check_fields(table, METRIC_FIELDS, &context);
    let buckets = table.get("buckets").and_then(|value| {
        let what = format!("`buckets` of {context}");
        let item_what = format!("each bucket of {context}");
        reader.list(
            value,
            &what,
            "buckets = [0.1, 0.5, 1.0]",
            |reader, entry| reader.number(entry, &item_what, "buckets = [0.1, 0.5, 1.0]"),
        )
    });
    RawMetric {
        keys,
        kind: optional_string(reader, table, "kind", &context, r#"kind = "counter""#),
        description: optional_string(
            reader,
            table,
            "description",
            &context,
            r#"description = "Orders placed.""#,
        ),
        owner: optional_string(reader, table, "owner", &context, r#"owner = "payments""#),
        unit: optional_string(reader, table, "unit", &context, r#"unit = "seconds""#),
        labels: optional_string_list(reader, table, "labels", &context, r#"labels = ["outcome"]"#),
        buckets,
        stability: optional_string(
            reader,
            table,
            "stability",
            &context,
            r#"stability = "stable""#,
        ),
        deprecated: optional_string(
            reader,
            table,
            "deprecated",
            &context,
            r#"deprecated = "use `orders_total`""#,
        ),
        expires: table.get("expires").and_then(|value| {
            reader.date_text(
                value,
                &format!("`expires` of {context}"),
                "expires = 2027-06-30",
            )
        }),
        name,
    }
}

fn read_event(reader: &mut Reader<'_>, name: Text, table: &DeTable<'_>) -> RawEvent {
    let context = format!("event `{}`", name.value);
    let keys = reader.check_fields(table, EVENT_FIELDS, &context);
    let mut properties = Vec::new();
    let example = r#"properties = { amount_cents = "u64", coupon = "string?" }"#;
    if let Some(value) = table.get("properties")
        && let Some(entries) = reader.table(value, &format!("`properties` of {context}"), example)
    {
        for (key, value) in entries.iter() {
            let property = Spanned::new(key.get_ref().to_string(), reader.loc(key));
            let what = format!("the type of property `{}`", property.value);
            if let Some(ty) = reader.string(value, &what, example) {
                properties.push((property, ty));
            }
        }
    }
    RawEvent {
        keys,
        description: optional_string(
            reader,
            table,
            "description",
            &context,
            r#"description = "An order was placed.""#,
        ),
        owner: optional_string(reader, table, "owner", &context, r#"owner = "payments""#),
        properties,
        name,
    }
}

fn read_feature(reader: &mut Reader<'_>, name: Text, table: &DeTable<'_>) -> RawFeature {
    let context = format!("feature `{}`", name.value);
    let keys = reader.check_fields(table, FEATURE_FIELDS, &context);
    let mut objectives = Vec::new();
    let example = "[[features.checkout.objectives]]";
    if let Some(value) = table.get("objectives") {
        let what = format!("`objectives` of {context}");
        if let Some(list) = reader.list(value, &what, example, |reader, entry| {
            let entry_table =
                reader.table(entry, &format!("each objective of {context}"), example)?;
            Some(read_objective(
                reader,
                reader.loc(entry),
                entry_table,
                &context,
            ))
        }) {
            objectives = list.value;
        }
    }
    RawFeature {
        keys,
        description: optional_string(
            reader,
            table,
            "description",
            &context,
            r#"description = "One-click checkout""#,
        ),
        owner: optional_string(reader, table, "owner", &context, r#"owner = "payments""#),
        success_metrics: optional_string_list(
            reader,
            table,
            "success_metrics",
            &context,
            r#"success_metrics = ["orders_total"]"#,
        ),
        guardrail_metrics: optional_string_list(
            reader,
            table,
            "guardrail_metrics",
            &context,
            r#"guardrail_metrics = ["checkout_latency_seconds"]"#,
        ),
        routes: optional_string_list(
            reader,
            table,
            "routes",
            &context,
            r#"routes = ["POST /api/checkout"]"#,
        ),
        handlers: optional_string_list(
            reader,
            table,
            "handlers",
            &context,
            r#"handlers = ["shop::api::checkout"]"#,
        ),
        objectives,
        name,
    }
}

fn read_objective(
    reader: &mut Reader<'_>,
    loc: Loc,
    table: &DeTable<'_>,
    feature: &str,
) -> RawObjective {
    let context = format!("an objective of {feature}");
    let keys = reader.check_fields(table, OBJECTIVE_FIELDS, &context);
    let selector = |reader: &mut Reader<'_>, key: &str| {
        let value = table.get(key)?;
        read_selector(reader, value, &format!("`{key}` of {context}"))
    };
    RawObjective {
        loc,
        keys,
        name: optional_string(reader, table, "name", &context, r#"name = "availability""#),
        target: table.get("target").and_then(|value| {
            reader.number(value, &format!("`target` of {context}"), "target = 0.995")
        }),
        window: optional_string(reader, table, "window", &context, r#"window = "28d""#),
        good: selector(reader, "good"),
        total: selector(reader, "total"),
        metric: optional_string(
            reader,
            table,
            "metric",
            &context,
            r#"metric = "checkout_latency_seconds""#,
        ),
        threshold: table.get("threshold").and_then(|value| {
            reader.number(
                value,
                &format!("`threshold` of {context}"),
                "threshold = 0.5",
            )
        }),
        labels: table
            .get("labels")
            .map(|value| read_matchers(reader, value, &format!("`labels` of {context}")))
            .unwrap_or_default(),
    }
}

fn read_selector(reader: &mut Reader<'_>, value: &Value<'_>, what: &str) -> Option<RawSelector> {
    let example = r#"{ metric = "orders_total", labels = { outcome = ["success"] } }"#;
    let table = reader.table(value, what, example)?;
    let keys = reader.check_fields(table, SELECTOR_FIELDS, what);
    Some(RawSelector {
        loc: reader.loc(value),
        keys,
        metric: optional_string(reader, table, "metric", what, r#"metric = "orders_total""#),
        labels: table
            .get("labels")
            .map(|labels| read_matchers(reader, labels, &format!("`labels` of {what}")))
            .unwrap_or_default(),
    })
}

fn read_matchers(reader: &mut Reader<'_>, value: &Value<'_>, what: &str) -> Vec<RawMatcher> {
    let example = r#"labels = { outcome = ["success", "declined"] }"#;
    let Some(table) = reader.table(value, what, example) else {
        return Vec::new();
    };
    let mut matchers = Vec::new();
    for (key, value) in table.iter() {
        let label = Spanned::new(key.get_ref().to_string(), reader.loc(key));
        let value_what = format!("the values of label `{}`", label.value);
        let values = match value.get_ref() {
            DeValue::Array(_) => reader
                .string_list(value, &value_what, example)
                .map(|list| list.value)
                .unwrap_or_default(),
            _ => reader
                .string(value, &value_what, example)
                .into_iter()
                .collect(),
        };
        matchers.push(RawMatcher { label, values });
    }
    matchers
}
