//! Service level objectives: ratio or latency indicators over declared metrics.

use std::collections::BTreeMap;

use super::common::{check_snake_name, unknown_reference};
use super::context::Ctx;
use crate::checks;
use crate::diag::{Diagnostic, Loc};
use crate::duration::Duration;
use crate::model::{Indicator, Metric, MetricKind, Objective, Schema, Selector};
use crate::raw::{Keys, RawMatcher, RawObjective, RawSelector};
use crate::spanned::Spanned;
use crate::suggest::{did_you_mean, list_names};

const FORMS: &str = "a ratio objective has `good = { metric = \"...\" }` and `total = { metric = \"...\" }`;\na latency objective has `metric = \"<histogram>\"` and `threshold = <seconds>`";

/// Builds a feature's objectives; names are unique within the feature.
pub(super) fn build_all(
    ctx: &mut Ctx<'_>,
    schema: &Schema,
    raws: Vec<RawObjective>,
) -> Vec<Objective> {
    let mut seen: BTreeMap<String, Loc> = BTreeMap::new();
    let mut objectives = Vec::new();
    for raw in raws {
        if let Some(name) = &raw.name {
            if let Some(first) = seen.get(&name.value) {
                ctx.push(
                    Diagnostic::new(
                        &checks::DUPLICATE_NAME,
                        name.loc,
                        format!(
                            "objective `{}` is declared twice in this feature",
                            name.value
                        ),
                    )
                    .with_label("declared again here")
                    .with_secondary(*first, "first declared here"),
                );
                continue;
            }
            seen.insert(name.value.clone(), name.loc);
        }
        if let Some(objective) = build(ctx, schema, raw) {
            objectives.push(objective);
        }
    }
    objectives
}

fn build(ctx: &mut Ctx<'_>, schema: &Schema, raw: RawObjective) -> Option<Objective> {
    let name = match &raw.name {
        Some(name) => check_snake_name(ctx, "objective", name).then(|| name.clone()),
        None => {
            missing(ctx, &raw.keys, raw.loc, "name", "name = \"availability\"");
            None
        }
    };
    let target = check_target(ctx, &raw);
    let window = check_window(ctx, &raw);
    let indicator = check_indicator(
        ctx,
        schema,
        raw.loc,
        &raw.keys,
        raw.good,
        raw.total,
        raw.metric,
        raw.threshold,
        raw.labels,
    );
    Some(Objective {
        name: name?,
        target: target?,
        window: window?,
        indicator: indicator?,
        loc: raw.loc,
    })
}

/// Reports a required field as missing, unless it is present with a wrong type (already
/// reported by the raw layer).
fn missing(ctx: &mut Ctx<'_>, keys: &Keys, loc: Loc, field: &str, example: &str) {
    if keys.has(field) {
        return;
    }
    ctx.push(
        Diagnostic::new(
            &checks::MISSING_FIELD,
            loc,
            format!("objective has no `{field}`"),
        )
        .with_label(format!("add `{field}`"))
        .with_help(format!("for example `{example}`")),
    );
}

/// A target is a fraction strictly between 0 and 1.
fn check_target(ctx: &mut Ctx<'_>, raw: &RawObjective) -> Option<f64> {
    let Some(target) = &raw.target else {
        missing(ctx, &raw.keys, raw.loc, "target", "target = 0.995");
        return None;
    };
    if target.value > 0.0 && target.value < 1.0 {
        return Some(target.value);
    }
    let help = if target.value > 1.0 && target.value < 100.0 {
        format!(
            "targets are fractions: {}% is `target = {}`",
            target.value,
            target.value / 100.0
        )
    } else {
        "a target of 1 leaves no error budget and 0 promises nothing; use a fraction such as 0.995"
            .to_owned()
    };
    ctx.push(
        Diagnostic::new(
            &checks::OBJECTIVE_TARGET,
            target.loc,
            format!("objective target {} is not between 0 and 1", target.value),
        )
        .with_label("must be strictly between 0 and 1")
        .with_help(help),
    );
    None
}

/// A window is a Prometheus duration between one hour and one year.
fn check_window(ctx: &mut Ctx<'_>, raw: &RawObjective) -> Option<Duration> {
    let Some(window) = &raw.window else {
        missing(ctx, &raw.keys, raw.loc, "window", "window = \"28d\"");
        return None;
    };
    let problem = match Duration::parse(&window.value) {
        Ok(duration) if (3_600..=365 * 86_400).contains(&duration.seconds) => {
            return Some(duration);
        }
        Ok(_) => "the window must be between 1h and 365d".to_owned(),
        Err(problem) => problem,
    };
    ctx.push(
        Diagnostic::new(
            &checks::OBJECTIVE,
            window.loc,
            format!("`{}` is not a usable objective window", window.value),
        )
        .with_label(problem)
        .with_help("write a Prometheus duration such as `\"28d\"`, `\"7d\"` or `\"30d\"`"),
    );
    None
}

/// An objective is either a ratio (`good` and `total`) or a latency objective (`metric` and
/// `threshold`), never both.
#[allow(clippy::too_many_arguments)]
fn check_indicator(
    ctx: &mut Ctx<'_>,
    schema: &Schema,
    loc: Loc,
    keys: &Keys,
    good: Option<RawSelector>,
    total: Option<RawSelector>,
    metric: Option<Spanned<String>>,
    threshold: Option<Spanned<f64>>,
    labels: Vec<RawMatcher>,
) -> Option<Indicator> {
    let is_ratio = keys.has("good") || keys.has("total");
    let is_latency = keys.has("metric") || keys.has("threshold");
    match (is_ratio, is_latency) {
        (true, true) => {
            ctx.push(
                Diagnostic::new(&checks::OBJECTIVE, loc, "objective mixes a ratio (`good`/`total`) with a latency objective (`metric`/`threshold`)")
                    .with_label("pick one form")
                    .with_help(FORMS),
            );
            None
        }
        (false, false) => {
            ctx.push(
                Diagnostic::new(
                    &checks::OBJECTIVE,
                    loc,
                    "objective does not say how good events are counted",
                )
                .with_label("no `good`/`total` and no `metric`/`threshold`")
                .with_help(FORMS),
            );
            None
        }
        (true, false) => {
            if let Some(first) = labels.first() {
                ctx.push(
                    Diagnostic::new(
                        &checks::OBJECTIVE,
                        first.label.loc,
                        "a ratio objective takes its labels inside `good` and `total`",
                    )
                    .with_label("move this matcher into `good` or `total`"),
                );
            }
            let good = selector(ctx, schema, loc, keys, "good", good, MetricKind::Counter);
            let total = selector(ctx, schema, loc, keys, "total", total, MetricKind::Counter);
            Some(Indicator::Ratio {
                good: good?,
                total: total?,
            })
        }
        (false, true) => {
            let Some(metric) = metric else {
                missing(
                    ctx,
                    keys,
                    loc,
                    "metric",
                    "metric = \"checkout_latency_seconds\"",
                );
                return None;
            };
            let Some(threshold) = threshold else {
                missing(ctx, keys, loc, "threshold", "threshold = 0.5");
                return None;
            };
            let raw = RawSelector {
                loc: metric.loc,
                keys: Keys::default(),
                metric: Some(metric),
                labels,
            };
            let selector = selector(
                ctx,
                schema,
                loc,
                keys,
                "metric",
                Some(raw),
                MetricKind::Histogram,
            )?;
            let histogram = schema.metrics.get(&selector.metric.value)?;
            check_threshold(ctx, histogram, &threshold).then_some(Indicator::Latency {
                selector,
                threshold: threshold.value,
            })
        }
    }
}

/// A selector names a declared metric of the kind the objective needs, and matchers on its
/// own labels with values those labels can take.
fn selector(
    ctx: &mut Ctx<'_>,
    schema: &Schema,
    objective: Loc,
    keys: &Keys,
    field: &str,
    raw: Option<RawSelector>,
    kind: MetricKind,
) -> Option<Selector> {
    let Some(raw) = raw else {
        missing(
            ctx,
            keys,
            objective,
            field,
            &format!("{field} = {{ metric = \"orders_total\" }}"),
        );
        return None;
    };
    let Some(metric_name) = raw.metric else {
        if raw.keys.has("metric") {
            return None;
        }
        ctx.push(
            Diagnostic::new(
                &checks::MISSING_FIELD,
                raw.loc,
                format!("`{field}` names no metric"),
            )
            .with_label("add `metric = \"...\"`"),
        );
        return None;
    };
    let Some(metric) = schema.metrics.get(&metric_name.value) else {
        if !ctx.declared.metrics.contains_key(&metric_name.value) {
            let message = format!(
                "objective reads metric `{}`, which is not declared",
                metric_name.value
            );
            ctx.push(unknown_reference(
                &checks::UNKNOWN_METRIC,
                &metric_name,
                message,
                "metrics",
                &ctx.declared.metrics,
            ));
        }
        return None;
    };
    if metric.kind != kind {
        let why = match kind {
            MetricKind::Histogram => "a latency objective reads a histogram's buckets",
            _ => "a ratio objective counts events with counters",
        };
        ctx.push(
            Diagnostic::new(
                &checks::OBJECTIVE,
                metric_name.loc,
                format!(
                    "`{}` is a {}, but {why}",
                    metric_name.value,
                    metric.kind.as_str()
                ),
            )
            .with_label(format!("expected a {}", kind.as_str()))
            .with_secondary(metric.name.loc, "declared here"),
        );
        return None;
    }
    let mut matchers = BTreeMap::new();
    let mut ok = true;
    for matcher in raw.labels {
        ok &= check_matcher(ctx, schema, metric, &matcher);
        matchers.insert(
            matcher.label.value,
            matcher
                .values
                .into_iter()
                .map(|value| value.value)
                .collect(),
        );
    }
    ok.then_some(Selector {
        metric: metric_name,
        matchers,
    })
}

/// A matcher names one of the metric's labels and, for a closed label, only its values.
fn check_matcher(
    ctx: &mut Ctx<'_>,
    schema: &Schema,
    metric: &Metric,
    matcher: &RawMatcher,
) -> bool {
    let label_name = &matcher.label;
    if !metric
        .labels
        .iter()
        .any(|label| label.value == label_name.value)
    {
        let names = metric.labels.iter().map(|label| label.value.as_str());
        let label = match did_you_mean(&label_name.value, names.clone()) {
            Some(suggestion) => format!("did you mean `{suggestion}`?"),
            None => "not a label of this metric".to_owned(),
        };
        ctx.push(
            Diagnostic::new(
                &checks::INVALID_SELECTOR,
                label_name.loc,
                format!(
                    "metric `{}` has no label `{}`",
                    metric.name.value, label_name.value
                ),
            )
            .with_label(label)
            .with_help(format!(
                "labels of `{}`: {}",
                metric.name.value,
                list_names(names, 12)
            )),
        );
        return false;
    }
    if matcher.values.is_empty() {
        ctx.push(
            Diagnostic::new(
                &checks::INVALID_SELECTOR,
                label_name.loc,
                format!("matcher on `{}` lists no value", label_name.value),
            )
            .with_label("matches nothing"),
        );
        return false;
    }
    let Some(values) = schema
        .labels
        .get(&label_name.value)
        .and_then(|label| label.closed_values())
    else {
        return true;
    };
    let mut ok = true;
    for value in &matcher.values {
        if values.contains(&value.value) {
            continue;
        }
        let label = match did_you_mean(&value.value, values.iter().map(String::as_str)) {
            Some(suggestion) => format!("did you mean `{suggestion}`?"),
            None => "not a value of this label".to_owned(),
        };
        ctx.push(
            Diagnostic::new(
                &checks::INVALID_SELECTOR,
                value.loc,
                format!(
                    "label `{}` has no value `{}`",
                    label_name.value, value.value
                ),
            )
            .with_label(label)
            .with_help(format!(
                "values of `{}`: {}",
                label_name.value,
                list_names(values.iter().map(String::as_str), 20)
            )),
        );
        ok = false;
    }
    ok
}

/// A latency threshold is one of the histogram's bucket bounds, so the share of requests
/// under it can be read from the buckets.
fn check_threshold(ctx: &mut Ctx<'_>, histogram: &Metric, threshold: &Spanned<f64>) -> bool {
    if histogram
        .buckets
        .iter()
        .any(|bound| (bound - threshold.value).abs() <= f64::EPSILON * bound.abs().max(1.0))
    {
        return true;
    }
    let bounds = histogram
        .buckets
        .iter()
        .map(f64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    ctx.push(
        Diagnostic::new(
            &checks::OBJECTIVE,
            threshold.loc,
            format!(
                "threshold {} is not a bucket bound of `{}`",
                threshold.value, histogram.name.value
            ),
        )
        .with_label("the share under this value cannot be read from the buckets")
        .with_secondary(histogram.name.loc, "histogram declared here")
        .with_help(format!(
            "use one of its bucket bounds ({bounds}), or add {} to its `buckets`",
            threshold.value
        )),
    );
    false
}
