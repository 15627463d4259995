//! Writing PromQL and Prometheus label values: numbers as Prometheus prints them, quoted
//! strings, regular expressions and series selectors.
//!
//! The exposition (`instr`'s `/metrics` handler) and the generated rules must spell a
//! histogram's `le` bound the same way, or a rule selects no series. [`format_float`] is that
//! spelling; [`le_matcher`] selects a bound whichever way a Prometheus server stored it.

use std::collections::BTreeMap;
use std::fmt::Write;

/// A number as the Prometheus text exposition prints it: Go's `strconv.FormatFloat(f, 'g',
/// -1, 64)`, which the reference client (`client_golang`) uses for values and `le` bounds.
///
/// That is the shortest text that reads back as the same number, in exponent form when the
/// decimal exponent is below -4 or at least 6, with at least two exponent digits (`1e-05`,
/// `1e+06`). Whole numbers have no fraction (`1`, not `1.0`). Infinities are `+Inf` and
/// `-Inf`, as in `le="+Inf"`.
pub fn format_float(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    if value == 0.0 {
        return if value.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    // Rust's `{:e}` gives the shortest round-tripping digits: `1.2345e-5`.
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if !(-4..6).contains(&exponent) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let sign = if exponent < 0 { '-' } else { '+' };
        let _ = write!(out, "e{sign}{:02}", exponent.unsigned_abs());
    } else if exponent < 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-exponent - 1) as usize));
        out.push_str(&digits);
    } else {
        let int_len = exponent as usize + 1;
        if digits.len() <= int_len {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', int_len - digits.len()));
        } else {
            out.push_str(&digits[..int_len]);
            out.push('.');
            out.push_str(&digits[int_len..]);
        }
    }
    out
}

/// A number for a PromQL expression or a YAML document: like [`format_float`], after rounding
/// away the noise of binary arithmetic (`1 - 0.995` is `0.0050000000000000044`; this gives
/// `0.005`). Twelve significant digits are far more than any threshold needs.
pub fn format_number(value: f64) -> String {
    if !value.is_finite() || value == 0.0 {
        return format_float(value);
    }
    let rounded: f64 = format!("{value:.11e}").parse().unwrap_or(value);
    format_float(rounded)
}

/// A label matcher selecting the histogram bucket whose upper bound is `bound`, whichever
/// way the exporter and the server spelled it.
///
/// The reference client writes Go's spelling ([`format_float`]: `1`, `1e-05`); exporters
/// that print with Rust's `Display` write `0.00001`; Prometheus 2 stores `le` as scraped,
/// while Prometheus 3 normalises whole numbers to `1.0` (its migration guide recommends
/// matching both). One spelling gives `le="0.25"`; several give an anchored alternation
/// such as `le=~"1|1\\.0"`.
pub fn le_matcher(bound: f64) -> String {
    let go = format_float(bound);
    let mut spellings = vec![go.clone()];
    if !go.contains(['.', 'e', 'I', 'N']) {
        spellings.push(format!("{go}.0"));
    }
    if bound.is_finite() {
        spellings.push(bound.to_string());
    }
    let mut unique: Vec<String> = Vec::new();
    for spelling in spellings {
        if !unique.contains(&spelling) {
            unique.push(spelling);
        }
    }
    match unique.as_slice() {
        [one] => format!("le={}", quote(one)),
        many => {
            let alternatives: Vec<String> = many.iter().map(|s| regex_escape(s)).collect();
            format!("le=~{}", quote(&alternatives.join("|")))
        }
    }
}

/// A PromQL (and Go) double-quoted string literal.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` as a regular expression (RE2 syntax) that matches exactly it.
pub fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `metric{label="value", other=~"a|b"}` for a metric and its matchers (label to allowed
/// values), plus any `extra` matchers written verbatim first. Without matchers, the bare name.
pub fn selector(
    metric: &str,
    extra: &[String],
    matchers: &BTreeMap<String, Vec<String>>,
) -> String {
    let mut parts: Vec<String> = extra.to_vec();
    for (label, values) in matchers {
        match values.as_slice() {
            [] => {}
            [one] => parts.push(format!("{label}={}", quote(one))),
            many => {
                let alternatives: Vec<String> = many.iter().map(|v| regex_escape(v)).collect();
                parts.push(format!("{label}=~{}", quote(&alternatives.join("|"))));
            }
        }
    }
    if parts.is_empty() {
        metric.to_owned()
    } else {
        format!("{metric}{{{}}}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Numbers print as Go's `strconv.FormatFloat(f, 'g', -1, 64)` prints them (the expected
    /// strings are Go's output), so `le` bounds agree with the reference client.
    #[test]
    fn formats_like_go() {
        let cases = [
            (1.0, "1"),
            (0.25, "0.25"),
            (2.5, "2.5"),
            (10.0, "10"),
            (0.005, "0.005"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.000015, "1.5e-05"),
            (123456.0, "123456"),
            (1e6, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (1e21, "1e+21"),
            (1.5e300, "1.5e+300"),
            (-0.5, "-0.5"),
            (0.1 + 0.2, "0.30000000000000004"),
            (f64::INFINITY, "+Inf"),
            (0.0, "0"),
        ];
        for (value, expected) in cases {
            assert_eq!(format_float(value), expected, "{value:?}");
        }
    }

    /// Every formatted number reads back as the same number.
    #[test]
    fn format_round_trips() {
        for value in [
            1e-300,
            3.3e-7,
            0.1,
            1.0 / 3.0,
            7.0,
            65536.5,
            9.87e19,
            4.2e25,
        ] {
            assert_eq!(format_float(value).parse::<f64>().ok(), Some(value));
        }
    }

    /// Arithmetic noise is rounded away in expressions.
    #[test]
    fn numbers_drop_binary_noise() {
        assert_eq!(format_number(1.0 - 0.995), "0.005");
        assert_eq!(format_number(14.4 * (1.0 - 0.999)), "0.0144");
        assert_eq!(format_number(13.44), "13.44");
    }

    /// Bounds match every spelling an exporter or server may have used.
    #[test]
    fn le_matches_every_spelling() {
        assert_eq!(le_matcher(1.0), r#"le=~"1|1\\.0""#);
        assert_eq!(le_matcher(0.25), r#"le="0.25""#);
        // Go's exponent form and Rust's plain decimals.
        assert_eq!(le_matcher(0.00001), r#"le=~"1e-05|0\\.00001""#);
        assert_eq!(le_matcher(1e6), r#"le=~"1e\\+06|1000000""#);
    }

    /// Values are quoted and escaped; several values become an anchored alternation.
    #[test]
    fn builds_selectors() {
        let mut matchers = BTreeMap::new();
        matchers.insert(
            "outcome".to_owned(),
            vec!["success".to_owned(), "declined".to_owned()],
        );
        matchers.insert("provider".to_owned(), vec!["a.b\"c".to_owned()]);
        assert_eq!(
            selector("x_total", &[], &matchers),
            r#"x_total{outcome=~"success|declined", provider="a.b\"c"}"#
        );
        assert_eq!(selector("x_total", &[], &BTreeMap::new()), "x_total");
        matchers.clear();
        matchers.insert("v".to_owned(), vec!["1.0".to_owned(), "a|b".to_owned()]);
        assert_eq!(
            selector("x", &["le=\"1\"".to_owned()], &matchers),
            r#"x{le="1", v=~"1\\.0|a\\|b"}"#
        );
    }
}
