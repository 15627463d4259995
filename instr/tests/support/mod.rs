//! A small parser for the Prometheus text format, so tests assert on parsed series rather
//! than on raw text whose label order or number spelling may differ between exporters.

use std::collections::BTreeMap;

#[cfg(feature = "otel")]
pub(crate) mod otel;

/// A parsed exposition.
#[derive(Debug, Default)]
pub(crate) struct Exposition {
    /// `# HELP` text per metric family.
    pub(crate) help: BTreeMap<String, String>,
    /// `# TYPE` per metric family.
    pub(crate) types: BTreeMap<String, String>,
    /// `# UNIT` per metric family.
    pub(crate) units: BTreeMap<String, String>,
    /// Sample value per series, keyed `name{a="x",b="y"}` with labels sorted by name.
    pub(crate) samples: BTreeMap<String, f64>,
}

impl Exposition {
    /// Parses exposition text; panics on a line that is not valid, which fails the test.
    pub(crate) fn parse(text: &str) -> Self {
        let mut out = Self::default();
        for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
            if let Some(comment) = line.strip_prefix('#') {
                let mut parts = comment.trim_start().splitn(3, ' ');
                let keyword = parts.next().unwrap_or_default();
                let (Some(name), rest) = (parts.next(), parts.next().unwrap_or_default()) else {
                    continue;
                };
                let target = match keyword {
                    "HELP" => &mut out.help,
                    "TYPE" => &mut out.types,
                    "UNIT" => &mut out.units,
                    _ => continue,
                };
                target.insert(name.to_owned(), rest.to_owned());
                continue;
            }
            let (series, value) = line
                .rsplit_once(' ')
                .unwrap_or_else(|| panic!("sample line without a value: {line}"));
            let value: f64 = match value {
                "+Inf" => f64::INFINITY,
                "-Inf" => f64::NEG_INFINITY,
                other => other
                    .parse()
                    .unwrap_or_else(|_| panic!("bad sample value in: {line}")),
            };
            out.samples.insert(normalize(series), value);
        }
        out
    }

    /// The value of a series, if present.
    pub(crate) fn get(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        self.samples.get(&key(name, labels)).copied()
    }

    /// Every series key of a metric family (samples whose name is `name` or `name_*`).
    pub(crate) fn series_of(&self, name: &str) -> Vec<String> {
        self.samples
            .keys()
            .filter(|key| {
                let base = key.split('{').next().unwrap_or_default();
                base == name
                    || base
                        .strip_prefix(name)
                        .is_some_and(|rest| rest.starts_with('_'))
            })
            .cloned()
            .collect()
    }
}

/// `name{labels}` with labels sorted and `le` bounds spelt as numbers.
pub(crate) fn key(name: &str, labels: &[(&str, &str)]) -> String {
    let mut labels: Vec<(String, String)> = labels
        .iter()
        .map(|(key, value)| ((*key).to_owned(), canonical_value(key, value)))
        .collect();
    labels.sort();
    if labels.is_empty() {
        return name.to_owned();
    }
    let inner: Vec<String> = labels
        .iter()
        .map(|(key, value)| format!("{key}=\"{value}\""))
        .collect();
    format!("{name}{{{}}}", inner.join(","))
}

fn canonical_value(key: &str, value: &str) -> String {
    if key == "le"
        && value != "+Inf"
        && let Ok(bound) = value.parse::<f64>()
    {
        return bound.to_string();
    }
    value.to_owned()
}

fn normalize(series: &str) -> String {
    let Some((name, rest)) = series.split_once('{') else {
        return series.to_owned();
    };
    let inner = rest.strip_suffix('}').unwrap_or(rest);
    let mut labels = Vec::new();
    let mut chars = inner.chars().peekable();
    while chars.peek().is_some() {
        let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
        assert_eq!(
            chars.next(),
            Some('"'),
            "label value must be quoted in {series}"
        );
        let mut value = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('n') => value.push('\n'),
                    Some(other) => value.push(other),
                    None => {}
                },
                '"' => break,
                c => value.push(c),
            }
        }
        if chars.peek() == Some(&',') {
            chars.next();
        }
        labels.push((key.trim().to_owned(), value));
    }
    let pairs: Vec<(&str, &str)> = labels
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect();
    key(name, &pairs)
}
