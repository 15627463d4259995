//! Naming conventions: identifiers, Prometheus metric and label names, units, and the Rust
//! names generated from schema names.

/// Words Rust does not accept even as raw identifiers, so no field may be named after them.
const UNUSABLE_IDENTIFIERS: &[&str] = &["self", "super", "crate", "Self", "_"];

/// `[a-z][a-z0-9_]*`: how metric, label, event, feature, property and objective names are
/// written.
pub fn is_snake_case(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z'))
        && bytes.all(|byte| matches!(byte, b'a'..=b'z' | b'0'..=b'9' | b'_'))
}

/// Owner ids are snake_case, but may also use `-` (`payments-core`).
pub fn is_owner_id(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z'))
        && bytes.all(|byte| matches!(byte, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-'))
}

/// True when a snake_case name can be a Rust field name (keywords become raw identifiers,
/// except these few that cannot).
pub fn is_usable_field_name(name: &str) -> bool {
    !UNUSABLE_IDENTIFIERS.contains(&name)
}

/// UpperCamelCase of a name or label value: parts split at every character that is not a
/// letter or digit, each part capitalised (`checkout_completed_total` →
/// `CheckoutCompletedTotal`, `in-progress` → `InProgress`). A result that would start with a
/// digit gets a `V` in front (`5xx` → `V5xx`). `None` when the text has no letter or digit.
pub fn upper_camel(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    for part in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
    {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() {
        return None;
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    Some(out)
}

/// SCREAMING_SNAKE_CASE of a snake_case name, for constants.
pub fn screaming_snake(name: &str) -> String {
    name.to_ascii_uppercase()
}

/// Names Prometheus reserves for labels.
pub fn reserved_label_name(name: &str) -> bool {
    name == "le" || name == "quantile" || name.starts_with("__")
}

/// Units that are not base units, with the base unit to use instead.
pub fn base_unit_for(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "second" | "secs" | "sec" | "s" => "seconds",
        "milliseconds" | "millisecond" | "millis" | "ms" => "seconds",
        "microseconds" | "microsecond" | "micros" | "us" => "seconds",
        "nanoseconds" | "nanosecond" | "nanos" | "ns" => "seconds",
        "minutes" | "minute" | "mins" | "hours" | "hour" | "days" | "day" => "seconds",
        "byte" | "kilobytes" | "kb" | "kib" | "megabytes" | "mb" | "mib" | "gigabytes" | "gb"
        | "gib" | "bits" | "bit" => "bytes",
        "percent" | "percentage" | "pct" => "ratio",
        "fahrenheit" => "celsius",
        "meter" | "metre" | "metres" | "kilometers" | "km" | "centimeters" | "cm"
        | "millimeters" | "mm" => "meters",
        "kilograms" | "kg" | "milligrams" | "mg" => "grams",
        _ => return None,
    })
}

/// Schema base units with their [UCUM](https://ucum.org) codes, as OpenTelemetry writes units
/// (`seconds` is `s`). The one table: the runtime's `otel` backend gets each metric's code
/// baked into the generated catalog, and the semantic-convention export writes it.
const UCUM_UNITS: [(&str, &str); 11] = [
    ("seconds", "s"),
    ("bytes", "By"),
    ("ratio", "1"),
    ("meters", "m"),
    ("grams", "g"),
    ("celsius", "Cel"),
    ("volts", "V"),
    ("amperes", "A"),
    ("joules", "J"),
    ("watts", "W"),
    ("hertz", "Hz"),
];

/// The UCUM code OpenTelemetry uses for a schema unit; units without one in the table go
/// through as written. OTLP receivers map UCUM back to words (Prometheus turns `s` into the
/// `_seconds` suffix), so the names they show match the schema's.
pub fn ucum(unit: &str) -> &str {
    UCUM_UNITS
        .iter()
        .find(|(word, _)| *word == unit)
        .map_or(unit, |(_, code)| code)
}

/// The schema unit a UCUM code stands for: the inverse of [`ucum`].
pub fn unit_from_ucum(code: &str) -> &str {
    UCUM_UNITS
        .iter()
        .find(|(_, ucum)| *ucum == code)
        .map_or(code, |(word, _)| word)
}

/// The metric-name suffixes a histogram exposes itself; a metric named like that collides.
pub const HISTOGRAM_SERIES_SUFFIXES: [&str; 3] = ["_bucket", "_sum", "_count"];

/// The word before `_total` (counters) or the last word (others): where a unit goes.
pub fn unit_position(name: &str) -> &str {
    let stem = name.strip_suffix("_total").unwrap_or(name);
    stem.rsplit('_').next().unwrap_or(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Prometheus base units map to the UCUM codes the OpenTelemetry specification uses and
    /// back; other text is kept both ways.
    #[test]
    fn units_map_to_ucum_and_back() {
        assert_eq!(ucum("seconds"), "s");
        assert_eq!(ucum("bytes"), "By");
        assert_eq!(ucum("ratio"), "1");
        assert_eq!(ucum("requests"), "requests");
        for (word, code) in UCUM_UNITS {
            assert_eq!(unit_from_ucum(ucum(word)), word);
            assert_eq!(ucum(unit_from_ucum(code)), code);
        }
        assert_eq!(unit_from_ucum("requests"), "requests");
    }

    /// snake_case is what Prometheus and Rust both accept without escaping.
    #[test]
    fn snake_case() {
        assert!(is_snake_case("checkout_completed_total"));
        assert!(is_snake_case("a1"));
        assert!(!is_snake_case("Checkout"));
        assert!(!is_snake_case("1a"));
        assert!(!is_snake_case("check-out"));
        assert!(!is_snake_case(""));
        assert!(is_owner_id("payments-core"));
        assert!(!is_owner_id("-payments"));
    }

    /// Generated type and variant names follow the documented conversion.
    #[test]
    fn camel_case_conversion() {
        assert_eq!(
            upper_camel("checkout_completed_total").as_deref(),
            Some("CheckoutCompletedTotal")
        );
        assert_eq!(upper_camel("in-progress").as_deref(), Some("InProgress"));
        assert_eq!(upper_camel("5xx").as_deref(), Some("V5xx"));
        assert_eq!(upper_camel("GET").as_deref(), Some("GET"));
        assert_eq!(upper_camel("--"), None);
        assert_eq!(screaming_snake("one_click"), "ONE_CLICK");
    }

    /// The unit sits before `_total` on counters and last otherwise.
    #[test]
    fn unit_position_skips_total() {
        assert_eq!(unit_position("bytes_sent_bytes_total"), "bytes");
        assert_eq!(unit_position("latency_seconds"), "seconds");
        assert_eq!(unit_position("orders"), "orders");
    }
}
