//! A small YAML writer for the documents the renderers produce (Prometheus rule files,
//! promtool tests, OpenSLO): block style, keys in the order given, and every string written so
//! that it reads back as exactly that string.
//!
//! Strings are written plain only when they cannot be mistaken for anything else (letters,
//! digits and a few punctuation marks, not `true`, `null`, a number, ...); multi-line text
//! such as PromQL becomes a literal block (`|-`); everything else is double-quoted with
//! escapes. A round-trip test against a YAML parser guards this.

use std::fmt::Write;

/// A YAML node.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Yaml {
    /// A string.
    Str(String),
    /// A number, already formatted (see [`crate::promql::format_number`]).
    Number(String),
    /// `true` or `false`.
    Bool(bool),
    /// A sequence.
    Seq(Vec<Yaml>),
    /// A mapping, in this order.
    Map(Vec<(String, Yaml)>),
}

impl Yaml {
    /// A string node.
    pub(crate) fn str(text: impl Into<String>) -> Self {
        Self::Str(text.into())
    }

    /// A number node, spelt as Prometheus prints numbers.
    pub(crate) fn number(value: f64) -> Self {
        Self::Number(crate::promql::format_number(value))
    }

    /// A mapping from `(key, value)` pairs.
    pub(crate) fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Yaml)>) -> Self {
        Self::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A mapping of strings to strings.
    pub(crate) fn string_map<K: Into<String>, V: Into<String>>(
        entries: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.into(), Self::Str(v.into())))
                .collect(),
        )
    }

    fn is_collection(&self) -> bool {
        matches!(self, Self::Seq(items) if !items.is_empty())
            || matches!(self, Self::Map(entries) if !entries.is_empty())
    }
}

/// The document as YAML text, ending with a newline.
pub(crate) fn to_string(document: &Yaml) -> String {
    let mut out = String::new();
    match document {
        node if node.is_collection() => write_block(&mut out, node, 0),
        scalar => {
            write_scalar(&mut out, scalar, 0);
            out.push('\n');
        }
    }
    out
}

/// Writes a non-empty collection at `indent`, one entry per line, each line already indented.
fn write_block(out: &mut String, node: &Yaml, indent: usize) {
    match node {
        Yaml::Map(entries) => {
            for (key, value) in entries {
                push_indent(out, indent);
                write_entry(out, key, value, indent);
            }
        }
        Yaml::Seq(items) => {
            for item in items {
                push_indent(out, indent);
                out.push_str("- ");
                write_seq_item(out, item, indent + 2);
            }
        }
        scalar => {
            push_indent(out, indent);
            write_scalar(out, scalar, indent);
            out.push('\n');
        }
    }
}

/// `key: value` where the key's line is started; nested collections go on the next lines.
fn write_entry(out: &mut String, key: &str, value: &Yaml, indent: usize) {
    write_string(out, key, indent, false);
    out.push(':');
    if value.is_collection() {
        out.push('\n');
        // Sequences under a key are indented too: easier to read, and valid.
        write_block(out, value, indent + 2);
    } else {
        out.push(' ');
        write_scalar(out, value, indent + 2);
        out.push('\n');
    }
}

/// A sequence item after its `- `: a mapping's first entry shares the line.
fn write_seq_item(out: &mut String, item: &Yaml, indent: usize) {
    match item {
        Yaml::Map(entries) if !entries.is_empty() => {
            for (index, (key, value)) in entries.iter().enumerate() {
                if index > 0 {
                    push_indent(out, indent);
                }
                write_entry(out, key, value, indent);
            }
        }
        Yaml::Seq(items) if !items.is_empty() => {
            for (index, nested) in items.iter().enumerate() {
                if index > 0 {
                    push_indent(out, indent);
                }
                out.push_str("- ");
                write_seq_item(out, nested, indent + 2);
            }
        }
        scalar => {
            write_scalar(out, scalar, indent);
            out.push('\n');
        }
    }
}

/// A scalar (or an empty collection) on the current line; a literal block continues on the
/// following lines at `indent`.
fn write_scalar(out: &mut String, node: &Yaml, indent: usize) {
    match node {
        Yaml::Str(text) => write_string(out, text, indent, true),
        Yaml::Number(text) => out.push_str(text),
        Yaml::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
        Yaml::Seq(_) => out.push_str("[]"),
        Yaml::Map(_) => out.push_str("{}"),
    }
}

fn write_string(out: &mut String, text: &str, indent: usize, block_allowed: bool) {
    if is_plain_safe(text) {
        out.push_str(text);
    } else if block_allowed && text.contains(['\n', '"', '\\']) && is_block_safe(text) {
        let body = text.strip_suffix('\n');
        out.push_str(if body.is_some() { "|" } else { "|-" });
        for line in body.unwrap_or(text).split('\n') {
            out.push('\n');
            if !line.is_empty() {
                push_indent(out, indent);
                out.push_str(line);
            }
        }
    } else {
        write_double_quoted(out, text);
    }
}

/// Words YAML 1.1 or 1.2 resolve to something other than a string.
const RESERVED: &[&str] = &[
    "true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan", "inf",
];

/// Plain (unquoted) only for text that every YAML version reads as this same string.
fn is_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    (first.is_ascii_alphabetic() || first == '_' || first == '/')
        && !text.ends_with(' ')
        && !text.contains("  ")
        && text.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '_' | '-' | '.' | '/' | ' ' | '(' | ')' | ',' | ':')
        })
        // `a: b` would start a mapping; `a:b` is an ordinary string.
        && !text.contains(": ")
        && !text.ends_with(':')
        && !RESERVED.contains(&text.to_ascii_lowercase().as_str())
}

/// A literal block keeps text verbatim (no escapes, so PromQL with quotes stays readable); it
/// suits text of printable characters whose first line does not start with a space and that
/// ends with at most one newline.
fn is_block_safe(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with([' ', '\n'])
        && !text.ends_with("\n\n")
        && text
            .chars()
            .all(|c| c == '\n' || (!c.is_control() && !is_special_unicode(c)))
        && text.lines().all(|line| !line.ends_with(' '))
}

fn is_special_unicode(c: char) -> bool {
    matches!(
        c,
        '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
    )
}

fn write_double_quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || is_special_unicode(c) => {
                let code = c as u32;
                if code <= 0xff {
                    let _ = write!(out, "\\x{code:02x}");
                } else {
                    let _ = write!(out, "\\u{code:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shapes the renderers use come out as conventional block YAML.
    #[test]
    fn writes_block_style() {
        let document = Yaml::map([
            (
                "groups",
                Yaml::Seq(vec![Yaml::map([
                    ("name", Yaml::str("instr-slo-checkout")),
                    (
                        "rules",
                        Yaml::Seq(vec![Yaml::map([
                            ("record", Yaml::str("instr:sli:ratio_rate5m")),
                            ("expr", Yaml::str("sum(rate(x[5m]))\n/\nsum(rate(y[5m]))")),
                            ("labels", Yaml::string_map([("feature", "checkout")])),
                        ])]),
                    ),
                ])]),
            ),
            ("for", Yaml::str("5m")),
            ("empty", Yaml::Seq(vec![])),
            ("n", Yaml::number(0.5)),
            ("flag", Yaml::Bool(true)),
        ]);
        let expected = "groups:\n  - name: instr-slo-checkout\n    rules:\n      - record: instr:sli:ratio_rate5m\n        expr: |-\n          sum(rate(x[5m]))\n          /\n          sum(rate(y[5m]))\n        labels:\n          feature: checkout\nfor: \"5m\"\nempty: []\n\"n\": 0.5\nflag: true\n";
        assert_eq!(to_string(&document), expected);
    }

    /// Text that YAML would read as something else is quoted.
    #[test]
    fn quotes_ambiguous_strings() {
        for text in [
            "true", "No", "null", "1", "0.5", "-x", "a: b", "a:", "a #b", "", " x", "x ",
        ] {
            let written = to_string(&Yaml::str(text));
            assert!(written.starts_with('"'), "{text:?} -> {written}");
        }
        assert_eq!(to_string(&Yaml::str("a\u{7}\"b")), "\"a\\x07\\\"b\"\n");
    }

    /// Converts what the YAML parser read back into our node type, for comparison. Numbers and
    /// booleans come back as the text they were written as.
    fn from_parsed(node: &yaml_rust2::Yaml) -> Yaml {
        use yaml_rust2::Yaml as Parsed;
        match node {
            Parsed::String(text) => Yaml::Str(text.clone()),
            Parsed::Real(text) => Yaml::Number(text.clone()),
            Parsed::Integer(value) => Yaml::Number(value.to_string()),
            Parsed::Boolean(value) => Yaml::Bool(*value),
            Parsed::Array(items) => Yaml::Seq(items.iter().map(from_parsed).collect()),
            Parsed::Hash(entries) => Yaml::Map(
                entries
                    .iter()
                    .map(|(key, value)| {
                        let key = match key {
                            Parsed::String(text) => text.clone(),
                            other => format!("<non-string key {other:?}>"),
                        };
                        (key, from_parsed(value))
                    })
                    .collect(),
            ),
            other => Yaml::Str(format!("<unexpected {other:?}>")),
        }
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            // Anything at all, control characters and odd Unicode included.
            any::<String>(),
            // Text that looks like YAML syntax, numbers or keywords.
            "[-a-zA-Z0-9 :#{}\\[\\],&*!|>'\"%@`?.\n\t]{0,12}",
            Just("true".to_owned()),
            Just("~".to_owned()),
            Just("0x1F".to_owned()),
            Just("1e3".to_owned()),
            Just("- a".to_owned()),
            Just("a\n\nb\n".to_owned()),
        ]
    }

    fn node() -> impl Strategy<Value = Yaml> {
        let leaf = prop_oneof![
            text().prop_map(Yaml::Str),
            any::<bool>().prop_map(Yaml::Bool),
            (-1e6f64..1e6).prop_map(Yaml::number),
        ];
        leaf.prop_recursive(4, 32, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Yaml::Seq),
                prop::collection::vec((text(), inner), 0..5).prop_map(|entries| {
                    // Keys are unique in a mapping.
                    let mut seen = std::collections::BTreeSet::new();
                    Yaml::Map(
                        entries
                            .into_iter()
                            .filter(|(key, _)| seen.insert(key.clone()))
                            .collect(),
                    )
                }),
            ]
        })
    }

    use proptest::prelude::*;

    proptest! {
        /// Whatever the strings hold, a YAML 1.2 parser reads back exactly what was written.
        #[test]
        fn round_trips_through_a_yaml_parser(entries in prop::collection::vec((text(), node()), 1..5)) {
            let mut seen = std::collections::BTreeSet::new();
            let document = Yaml::Map(entries.into_iter().filter(|(key, _)| seen.insert(key.clone())).collect());
            let written = to_string(&document);
            let parsed = yaml_rust2::YamlLoader::load_from_str(&written)
                .map_err(|error| TestCaseError::fail(format!("{error}\n{written}")))?;
            prop_assert_eq!(parsed.len(), 1, "{}", written);
            prop_assert_eq!(from_parsed(&parsed[0]), document, "{}", written);
        }
    }
}
