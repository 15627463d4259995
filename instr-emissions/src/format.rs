//! The emission-record file format, version 1: UTF-8 text, one record per line, fields
//! separated by tabs. `docs/testing.md` documents it for other readers.
//!
//! ```text
//! instr-emissions 1
//! process→package=shop→binary=http→executable=/…/target/debug/deps/http-1f2e…→executable-modified=1718000000123456789→executable-size=8123456→pid=4242→started=1718000000223456789
//! metric→traffic_is_measured_exactly→checkout_attempts_total→outcome=success→payment_provider=stripe
//! event→traffic_is_measured_exactly→order_placed
//! ```
//!
//! (`→` stands for a tab.)
//!
//! In every field `%`, tab, line feed and carriage return are written `%25`, `%09`, `%0A`,
//! `%0D`. A `name=value` field splits at its first `=` (names never hold one). An empty test
//! field means the emitting thread had no name. A line is complete only with its line feed:
//! a process that died mid-write leaves at most one torn last line, which readers skip.
//! Readers skip record kinds they do not know, so version 1 can gain kinds; a change that
//! old readers would misread takes version 2.

use std::borrow::Cow;

/// The first line's keyword.
pub(crate) const MAGIC: &str = "instr-emissions";

/// The version this crate writes and reads.
pub const VERSION: u32 = 1;

/// The first line of a file.
pub(crate) fn header() -> String {
    format!("{MAGIC} {VERSION}\n")
}

/// One field, escaped.
pub(crate) fn escape(text: &str) -> Cow<'_, str> {
    if !text.contains(['%', '\t', '\n', '\r']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\t' => out.push_str("%09"),
            '\n' => out.push_str("%0A"),
            '\r' => out.push_str("%0D"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// One field, unescaped; `None` for an escape this format does not write.
pub(crate) fn unescape(field: &str) -> Option<Cow<'_, str>> {
    if !field.contains('%') {
        return Some(Cow::Borrowed(field));
    }
    let mut out = String::with_capacity(field.len());
    let mut rest = field;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let code = rest.get(at + 1..at + 3)?;
        out.push(match code {
            "25" => '%',
            "09" => '\t',
            "0A" => '\n',
            "0D" => '\r',
            _ => return None,
        });
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    Some(Cow::Owned(out))
}

/// A `name=value` field.
pub(crate) fn pair(name: &str, value: &str) -> String {
    format!("{}={}", escape(name), escape(value))
}

/// Splits a `name=value` field and unescapes both sides.
pub(crate) fn split_pair(field: &str) -> Option<(String, String)> {
    let (name, value) = field.split_once('=')?;
    Some((unescape(name)?.into_owned(), unescape(value)?.into_owned()))
}

/// A `metric` record line.
pub(crate) fn metric_line(test: &str, metric: &str, labels: &[(&str, &str)]) -> String {
    let mut line = format!("metric\t{}\t{}", escape(test), escape(metric));
    for (name, value) in labels {
        line.push('\t');
        line.push_str(&pair(name, value));
    }
    line.push('\n');
    line
}

/// An `event` record line.
pub(crate) fn event_line(test: &str, event: &str) -> String {
    format!("event\t{}\t{}\n", escape(test), escape(event))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever text a label value holds comes back unchanged, and a written line holds no
    /// tab or line feed of its own.
    #[test]
    fn fields_round_trip() {
        for text in [
            "plain",
            "",
            "50%",
            "a\tb",
            "line\nbreak\r",
            "%09 literal",
            "k=v=w",
        ] {
            let escaped = escape(text);
            assert!(!escaped.contains(['\t', '\n', '\r']), "{escaped:?}");
            assert_eq!(unescape(&escaped).as_deref(), Some(text));
        }
        assert_eq!(
            split_pair(&pair("tenant", "a=b\tc")),
            Some(("tenant".to_owned(), "a=b\tc".to_owned()))
        );
        let line = metric_line("t\t1", "m", &[("k", "v\n")]);
        assert_eq!(line.matches('\n').count(), 1);
        assert_eq!(line.split('\t').count(), 4);
    }

    /// Escapes this format never writes are refused, not guessed at.
    #[test]
    fn unknown_escapes_are_refused() {
        assert_eq!(unescape("%41"), None);
        assert_eq!(unescape("cut%2"), None);
    }
}
