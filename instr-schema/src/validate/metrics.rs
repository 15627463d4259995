//! Metrics: kind, naming, unit, labels, buckets, lifecycle and cardinality.

use std::collections::BTreeMap;

use super::common::{check_description, check_owner, parse_date, unknown_reference};
use super::context::Ctx;
use crate::checks;
use crate::diag::Diagnostic;
use crate::model::{DEFAULT_BUCKETS, Label, Metric, MetricKind, Stability};
use crate::names::{HISTOGRAM_SERIES_SUFFIXES, base_unit_for, is_snake_case, unit_position};
use crate::raw::RawMetric;
use crate::spanned::Spanned;
use crate::suggest::did_you_mean;

pub(super) fn build(
    ctx: &mut Ctx<'_>,
    labels: &BTreeMap<String, Label>,
    raw: RawMetric,
) -> Option<Metric> {
    let kind = check_kind(ctx, &raw);
    let name_ok = kind.is_none_or(|kind| check_metric_name(ctx, &raw.name, kind));
    let unit = raw
        .unit
        .as_ref()
        .and_then(|unit| check_unit(ctx, &raw.name, name_ok, kind, unit));
    let description = check_description(
        ctx,
        "metric",
        &raw.name,
        &raw.keys,
        raw.description.as_ref(),
    );
    let owner = check_owner(ctx, "metric", &raw.name, &raw.keys, raw.owner);
    let metric_labels = raw.labels.map(|list| {
        check_label_references(ctx, &raw.name, &list.value);
        check_cardinality(ctx, &raw.name, &list, labels);
        list.value
    });
    let buckets = check_buckets(ctx, &raw.name, kind, raw.buckets);
    let replaced_by = raw
        .deprecated
        .as_ref()
        .and_then(|text| check_replacement(ctx, &raw.name, text));
    let (stability, deprecated) = check_lifecycle(ctx, &raw.name, raw.stability, raw.deprecated);
    let expires = raw
        .expires
        .and_then(|expires| check_expiry(ctx, &raw.name, &expires));
    Some(Metric {
        kind: kind?,
        description,
        owner: owner?,
        unit,
        labels: metric_labels.unwrap_or_default(),
        buckets,
        stability,
        deprecated,
        replaced_by,
        expires,
        name: raw.name,
    })
}

/// Every metric has a `kind`: counter, gauge or histogram.
fn check_kind(ctx: &mut Ctx<'_>, raw: &RawMetric) -> Option<MetricKind> {
    let Some(kind) = &raw.kind else {
        if raw.keys.has("kind") {
            return None;
        }
        ctx.push(
            Diagnostic::new(
                &checks::MISSING_FIELD,
                raw.name.loc,
                format!("metric `{}` has no `kind`", raw.name.value),
            )
            .with_label("is it a counter, a gauge or a histogram?")
            .with_help("add `kind = \"counter\"`, `kind = \"gauge\"` or `kind = \"histogram\"`"),
        );
        return None;
    };
    if let Some(found) = MetricKind::ALL
        .into_iter()
        .find(|k| k.as_str() == kind.value)
    {
        return Some(found);
    }
    let label = match did_you_mean(&kind.value, MetricKind::ALL.map(MetricKind::as_str)) {
        Some(suggestion) => format!("did you mean `{suggestion}`?"),
        None => "not a metric kind".to_owned(),
    };
    ctx.push(
        Diagnostic::new(
            &checks::INVALID_VALUE,
            kind.loc,
            format!("`{}` is not a metric kind", kind.value),
        )
        .with_label(label)
        .with_help("the kinds are `counter`, `gauge` and `histogram`"),
    );
    None
}

/// Metric names follow Prometheus conventions: snake_case, no `__` prefix, no histogram
/// series suffix, `_total` exactly on counters, and no non-base unit as the unit word.
/// Returns false when the name is not a valid Prometheus name at all.
fn check_metric_name(ctx: &mut Ctx<'_>, name: &Spanned<String>, kind: MetricKind) -> bool {
    let text = name.value.as_str();
    let name_problem = if !is_snake_case(text) {
        Some("use lowercase letters, digits and `_`, starting with a letter".to_owned())
    } else if text.starts_with("__") {
        Some("names starting with `__` are reserved by Prometheus".to_owned())
    } else {
        HISTOGRAM_SERIES_SUFFIXES
            .iter()
            .find(|suffix| text.ends_with(*suffix))
            .map(|suffix| format!("`{suffix}` is a suffix Prometheus adds to histogram series"))
    };
    if let Some(problem) = name_problem {
        ctx.push(
            Diagnostic::new(
                &checks::METRIC_NAME,
                name.loc,
                format!("`{text}` is not a valid metric name"),
            )
            .with_label(problem)
            .with_help("see https://prometheus.io/docs/practices/naming/"),
        );
        return false;
    }
    match (kind, text.ends_with("_total")) {
        (MetricKind::Counter, false) => ctx.push(
            Diagnostic::new(
                &checks::COUNTER_SUFFIX,
                name.loc,
                format!("counter `{text}` does not end in `_total`"),
            )
            .with_label("counters end in `_total`")
            .with_help(format!("rename it to `{text}_total`")),
        ),
        (MetricKind::Gauge | MetricKind::Histogram, true) => ctx.push(
            Diagnostic::new(
                &checks::METRIC_NAME,
                name.loc,
                format!("{} `{text}` ends in `_total`", kind.as_str()),
            )
            .with_label("only counters end in `_total`")
            .with_help(format!(
                "rename it to `{}`, or make it a counter if it only goes up",
                text.trim_end_matches("_total")
            )),
        ),
        _ => {}
    }
    let unit_word = unit_position(text);
    if let Some(base) = base_unit_for(unit_word).filter(|base| *base != unit_word) {
        ctx.push(
            Diagnostic::new(
                &checks::NON_BASE_UNIT,
                name.loc,
                format!("metric `{text}` is named in `{unit_word}`, not a base unit"),
            )
            .with_label(format!("use `{base}`"))
            .with_help(format!(
                "record the value in {base} and name the metric after it, for example `{}`",
                replace_unit(text, unit_word, base)
            )),
        );
    }
    true
}

fn replace_unit(name: &str, from: &str, to: &str) -> String {
    let (stem, total) = match name.strip_suffix("_total") {
        Some(stem) => (stem, "_total"),
        None => (name, ""),
    };
    let stem = stem.strip_suffix(from).unwrap_or(stem);
    format!("{stem}{to}{total}")
}

/// A unit is a snake_case base unit, and the name carries it as its suffix (before `_total`).
/// The suffix is not checked on a name already reported as invalid.
fn check_unit(
    ctx: &mut Ctx<'_>,
    name: &Spanned<String>,
    name_ok: bool,
    kind: Option<MetricKind>,
    unit: &Spanned<String>,
) -> Option<String> {
    if let Some(base) = base_unit_for(&unit.value) {
        ctx.push(
            Diagnostic::new(
                &checks::NON_BASE_UNIT,
                unit.loc,
                format!("`{}` is not a base unit", unit.value),
            )
            .with_label(format!("use `{base}`"))
            .with_help(format!(
                "Prometheus uses base units: record the value in {base} and set `unit = \"{base}\"`"
            )),
        );
        return None;
    }
    if !is_snake_case(&unit.value) {
        ctx.push(
            Diagnostic::new(
                &checks::INVALID_VALUE,
                unit.loc,
                format!("unit `{}` is not a snake_case word", unit.value),
            )
            .with_label("units are words like `seconds`, `bytes` or `ratio`"),
        );
        return None;
    }
    let expected = match kind {
        Some(MetricKind::Counter) => format!("_{}_total", unit.value),
        _ => format!("_{}", unit.value),
    };
    if name_ok && !name.value.ends_with(&expected) {
        ctx.push(
            Diagnostic::new(
                &checks::UNIT_SUFFIX,
                name.loc,
                format!(
                    "metric `{}` has unit `{}` but its name does not end in `{expected}`",
                    name.value, unit.value
                ),
            )
            .with_label(format!("should end in `{expected}`"))
            .with_secondary(unit.loc, "unit declared here")
            .with_help(
                "the unit is part of a Prometheus metric name, so queries say what they measure",
            ),
        );
    }
    Some(unit.value.clone())
}

/// Labels named by a metric are declared, and each is listed once.
fn check_label_references(ctx: &mut Ctx<'_>, metric: &Spanned<String>, labels: &[Spanned<String>]) {
    for (index, label) in labels.iter().enumerate() {
        if let Some(first) = labels[..index]
            .iter()
            .find(|earlier| earlier.value == label.value)
        {
            ctx.push(
                Diagnostic::new(
                    &checks::DUPLICATE_NAME,
                    label.loc,
                    format!(
                        "metric `{}` lists label `{}` twice",
                        metric.value, label.value
                    ),
                )
                .with_label("listed again here")
                .with_secondary(first.loc, "first here"),
            );
        } else if !ctx.declared.labels.contains_key(&label.value) {
            let message = format!(
                "metric `{}` uses label `{}`, which is not declared",
                metric.value, label.value
            );
            let diagnostic = unknown_reference(
                &checks::UNKNOWN_LABEL,
                label,
                message,
                "labels",
                &ctx.declared.labels,
            )
            .with_more_help(format!(
                "declare it under `[labels.{}]` with its `values`",
                label.value
            ));
            ctx.push(diagnostic);
        }
    }
}

/// The number of series a metric can have (the product of its labels' sizes) stays under the
/// configured ceiling.
fn check_cardinality(
    ctx: &mut Ctx<'_>,
    metric: &Spanned<String>,
    list: &Spanned<Vec<Spanned<String>>>,
    labels: &BTreeMap<String, Label>,
) {
    let limit = ctx.options.max_series_per_metric;
    let mut series: u64 = 1;
    let mut factors = Vec::new();
    for id in &list.value {
        if let Some(label) = labels.get(&id.value) {
            series = series.saturating_mul(label.cardinality());
            factors.push(format!("{} ({})", id.value, label.cardinality()));
        }
    }
    if series > limit {
        ctx.push(
            Diagnostic::new(&checks::CARDINALITY, list.loc, format!("metric `{}` can have {series} series, over the ceiling of {limit}", metric.value))
                .with_label(factors.join(" × "))
                .with_help("drop a label, merge values, lower an open label's `max_values`, or raise `max-series-per-metric` under `[workspace.metadata.instr]` if this is intended"),
        );
    }
}

/// Histogram buckets are positive, finite and strictly increasing; only histograms have them.
fn check_buckets(
    ctx: &mut Ctx<'_>,
    name: &Spanned<String>,
    kind: Option<MetricKind>,
    buckets: Option<Spanned<Vec<Spanned<f64>>>>,
) -> Vec<f64> {
    let Some(buckets) = buckets else {
        return if kind == Some(MetricKind::Histogram) {
            DEFAULT_BUCKETS.to_vec()
        } else {
            Vec::new()
        };
    };
    match kind {
        Some(MetricKind::Histogram) => {}
        Some(other) => {
            ctx.push(
                Diagnostic::new(
                    &checks::BUCKETS,
                    buckets.loc,
                    format!("{} `{}` has buckets", other.as_str(), name.value),
                )
                .with_label("only histograms have buckets")
                .with_help("remove `buckets`, or make the metric a histogram"),
            );
            return Vec::new();
        }
        None => return Vec::new(),
    }
    if buckets.value.is_empty() {
        ctx.push(
            Diagnostic::new(&checks::BUCKETS, buckets.loc, format!("histogram `{}` has an empty bucket list", name.value))
                .with_label("empty")
                .with_help("list the upper bounds, for example `buckets = [0.05, 0.1, 0.25, 0.5, 1.0]`, or remove `buckets` for the default"),
        );
        return Vec::new();
    }
    let mut ok = true;
    for (index, bound) in buckets.value.iter().enumerate() {
        if bound.value <= 0.0 {
            ctx.push(
                Diagnostic::new(
                    &checks::BUCKETS,
                    bound.loc,
                    format!(
                        "bucket {} of histogram `{}` is not positive",
                        bound.value, name.value
                    ),
                )
                .with_label("bucket bounds must be greater than 0"),
            );
            ok = false;
        } else if let Some(previous) = index.checked_sub(1).and_then(|i| buckets.value.get(i))
            && bound.value <= previous.value
        {
            ctx.push(
                    Diagnostic::new(&checks::BUCKETS, bound.loc, format!("buckets of histogram `{}` are not strictly increasing", name.value))
                        .with_label(format!("{} comes after {}", bound.value, previous.value))
                        .with_secondary(previous.loc, "previous bound")
                        .with_help("list bucket upper bounds in increasing order, each once; `+Inf` is added automatically"),
                );
            ok = false;
        }
    }
    if ok {
        buckets.value.iter().map(|bound| bound.value).collect()
    } else {
        Vec::new()
    }
}

/// `stability = "deprecated"` comes with a `deprecated` text naming the replacement or reason;
/// `deprecated` alone implies deprecated, and contradicts any other stability.
fn check_lifecycle(
    ctx: &mut Ctx<'_>,
    name: &Spanned<String>,
    stability: Option<Spanned<String>>,
    deprecated: Option<Spanned<String>>,
) -> (Stability, Option<String>) {
    let parsed = stability.as_ref().and_then(|stability| {
        let found = Stability::ALL
            .into_iter()
            .find(|s| s.as_str() == stability.value);
        if found.is_none() {
            let label = match did_you_mean(&stability.value, Stability::ALL.map(Stability::as_str))
            {
                Some(suggestion) => format!("did you mean `{suggestion}`?"),
                None => "not a stability".to_owned(),
            };
            ctx.push(
                Diagnostic::new(
                    &checks::INVALID_VALUE,
                    stability.loc,
                    format!("`{}` is not a stability", stability.value),
                )
                .with_label(label)
                .with_help("the stabilities are `experimental`, `stable` and `deprecated`"),
            );
        }
        found
    });
    if let Some(text) = &deprecated
        && text.value.trim().is_empty()
    {
        ctx.push(
            Diagnostic::new(
                &checks::DEPRECATION,
                text.loc,
                format!("metric `{}` is deprecated without saying why", name.value),
            )
            .with_label("empty")
            .with_help("say what replaces it, for example `deprecated = \"use orders_placed_total\"`, or why it goes away"),
        );
    }
    match (parsed, deprecated) {
        (Some(Stability::Deprecated), None) => {
            let loc = stability.as_ref().map_or(name.loc, |s| s.loc);
            ctx.push(
                Diagnostic::new(&checks::DEPRECATION, loc, format!("metric `{}` is deprecated but does not name a replacement", name.value))
                    .with_label("deprecated in favour of what?")
                    .with_help("say what replaces it, for example `deprecated = \"use orders_placed_total\"`, or why it goes away without a replacement"),
            );
            (Stability::Deprecated, None)
        }
        (Some(other @ (Stability::Stable | Stability::Experimental)), Some(text)) => {
            let loc = stability.as_ref().map_or(name.loc, |s| s.loc);
            ctx.push(
                Diagnostic::new(
                    &checks::DEPRECATION,
                    loc,
                    format!(
                        "metric `{}` is `{}` and deprecated at once",
                        name.value,
                        other.as_str()
                    ),
                )
                .with_label("contradicts `deprecated`")
                .with_secondary(text.loc, "deprecated here")
                .with_help("remove `stability` (`deprecated` implies it) or remove `deprecated`"),
            );
            (other, Some(text.value))
        }
        (_, Some(text)) => (Stability::Deprecated, Some(text.value)),
        (parsed, None) => (parsed.unwrap_or_default(), None),
    }
}

/// `expires` is a real date; once it has passed, the metric is due for review.
fn check_expiry(
    ctx: &mut Ctx<'_>,
    name: &Spanned<String>,
    expires: &Spanned<String>,
) -> Option<crate::model::Date> {
    let Some(date) = parse_date(&expires.value) else {
        ctx.push(
            Diagnostic::new(
                &checks::INVALID_DATE,
                expires.loc,
                format!("`{}` is not a date", expires.value),
            )
            .with_label("expected `YYYY-MM-DD`")
            .with_help("write a calendar date, for example `expires = 2027-06-30`"),
        );
        return None;
    };
    if date < ctx.today {
        ctx.push(
            Diagnostic::new(
                &checks::EXPIRED,
                expires.loc,
                format!("metric `{}` was due for review on {date}", name.value),
            )
            .with_label(format!("{date} has passed"))
            .with_help("confirm the metric is still used and move the date, or deprecate it"),
        );
    }
    Some(date)
}

/// A deprecation's text may name its replacement. A declared metric named anywhere in the
/// text is the replacement; a name in backticks must be a declared metric.
fn check_replacement(
    ctx: &mut Ctx<'_>,
    name: &Spanned<String>,
    deprecated: &Spanned<String>,
) -> Option<String> {
    let text = deprecated.value.as_str();
    let words = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|word| *word != name.value);
    let mut replacement = None;
    for word in words {
        if ctx.declared.metrics.contains_key(word) {
            replacement.get_or_insert_with(|| word.to_owned());
        }
    }
    let quoted = text.split('`').skip(1).step_by(2);
    for candidate in quoted.filter(|word| is_snake_case(word) && *word != name.value) {
        if ctx.declared.metrics.contains_key(candidate) {
            continue;
        }
        let reference = Spanned::new(candidate.to_owned(), deprecated.loc);
        let message = format!(
            "deprecated metric `{}` names `{candidate}` as its replacement, which is not declared",
            name.value
        );
        ctx.push(unknown_reference(
            &checks::UNKNOWN_METRIC,
            &reference,
            message,
            "metrics",
            &ctx.declared.metrics,
        ));
    }
    replacement
}
