//! The schema checks: every check the schema loader makes, with its stable code
//! (`instr::schema::...`) and explanation. (The checker's rules about code, its lints, are
//! declared in `instr-lint`; both are rules, listed together by `--list`.)
//!
//! A code never changes meaning once released. `cargo instr-check --list` prints the summaries
//! and `--explain CODE` the explanations; `docs/rules.md` is generated from this table.

crate::declare_rules! {
    pub rules prefixed "instr::schema::";

    /// The file is not valid TOML or not UTF-8.
    SYNTAX = "syntax", Error,
        "the file is not valid TOML (or not UTF-8)",
        "The schema file could not be read as TOML. Every syntax error in the file is reported with
its position; fix them first, since no other check runs on a file that does not parse.

Common causes: a missing closing quote or bracket, a key defined twice in one table
(`owner = ...` twice under `[metrics.x]`), or the same `[table]` header written twice.";

    /// A key the schema does not define.
    UNKNOWN_FIELD = "unknown-field", Error,
        "a key that the schema format does not define",
        "A table holds a key that the schema format does not know, often a misspelling
(`descripton`, `success_metric`). The finding suggests the closest known key and lists the
keys the table accepts. Unknown keys are errors rather than being ignored so that a typo never
silently drops a declaration, such as an owner.";

    /// A value of the wrong TOML type.
    WRONG_TYPE = "wrong-type", Error,
        "a value of the wrong type (a number where a string belongs, ...)",
        "A value has the wrong TOML type: for example `labels = \"outcome\"` where an array is
expected (`labels = [\"outcome\"]`), or `target = \"0.99\"` where a number is expected. The
finding shows an example of the expected form.";

    /// A required field is absent.
    MISSING_FIELD = "missing-field", Error,
        "a required field is missing",
        "An item lacks a field it needs: a metric without `kind`, an owner without `contact`, an
objective without `target` or `window`. The finding points at the item's name and says which
field to add.";

    /// A value outside the allowed set.
    INVALID_VALUE = "invalid-value", Error,
        "a value outside the allowed set (an unknown metric kind, stability or property type)",
        "A field takes one of a fixed set of words and the value is not one of them, for example
`kind = \"countr\"` (counter | gauge | histogram), `stability = \"beta\"`
(experimental | stable | deprecated), or an event property type that is neither a built-in type
(bool, i64, u64, f64, string) nor a declared label. Numbers that are out of range are reported
here too.";

    /// The `version` field is missing or unsupported.
    VERSION = "version", Error,
        "`version` is missing or not a version this tool understands",
        "The root schema file must start with `version = 1`. The version lets future releases change
the format without misreading old schemas. Included files may omit it; if they set it, it must
match.";

    /// An `include` entry that cannot be read.
    INCLUDE = "include", Error,
        "an included schema file is missing, unreadable or included twice",
        "`include = [\"teams/payments.toml\"]` names files relative to the file that includes them.
This finding means the named file does not exist, could not be read, or is included again
(directly or through a cycle). Each file may be included once.";

    /// A name declared twice.
    DUPLICATE_NAME = "duplicate-name", Error,
        "a name declared twice (also across included files), or a metric and an event sharing a name",
        "Names are unique across the whole schema, including every included file, so that a name in
a feature's `success_metrics` or in code means one thing. TOML already refuses a duplicate within
one file; this finding covers duplicates across files, and a metric and an event with the same
name. The finding points at both declarations.";

    /// An id that is not a snake_case identifier.
    INVALID_NAME = "invalid-name", Error,
        "an owner, event, feature, property or objective name that is not snake_case",
        "Names become Rust identifiers and Prometheus label values, so they must be snake_case: a
lowercase letter, then lowercase letters, digits and underscores (`checkout`, `order_placed`).
Owner ids may also contain `-`. Rename the item and its references.";

    /// A metric name that breaks Prometheus naming rules.
    METRIC_NAME = "metric-name", Error,
        "a metric name that breaks Prometheus naming conventions",
        "Metric names must be snake_case (`[a-z][a-z0-9_]*`), must not start with `__` (reserved by
Prometheus), must not end in `_bucket`, `_sum` or `_count` (the series a histogram exposes), and
only counters end in `_total`. See https://prometheus.io/docs/practices/naming/.";

    /// A counter without the `_total` suffix.
    COUNTER_SUFFIX = "counter-suffix", Error,
        "a counter whose name does not end in `_total`",
        "By Prometheus and OpenMetrics convention a counter's name ends in `_total`
(`orders_placed_total`), so readers of a dashboard know `rate()` applies. Rename the metric.";

    /// A unit the name does not carry, or a name suffix that contradicts the unit.
    UNIT_SUFFIX = "unit-suffix", Error,
        "a metric with a unit whose name does not end in that unit",
        "A metric with `unit = \"seconds\"` must say so in its name (`request_duration_seconds`,
`bytes_sent_bytes_total` for a counter: the unit comes before `_total`). The unit in the name is
how a query's reader knows what the number means.";

    /// A non-base unit.
    NON_BASE_UNIT = "non-base-unit", Error,
        "a unit or name suffix that is not a base unit (milliseconds, kilobytes, percent, ...)",
        "Prometheus uses base units: seconds not milliseconds, bytes not kilobytes, ratios (0-1) not
percentages. Mixing units makes every query that combines metrics wrong by a factor. Record the
value in the base unit (divide milliseconds by 1000) and rename the metric.";

    /// A label id that cannot be a Prometheus label name.
    LABEL_NAME = "label-name", Error,
        "a label name that is not snake_case or is reserved (`le`, `quantile`, `__*`)",
        "A label's id is its Prometheus label name. It must be snake_case and must not be one of the
names Prometheus reserves: `le` (histogram buckets), `quantile` (summaries) and anything starting
with `__`.";

    /// A label definition that is not usable.
    INVALID_LABEL = "invalid-label", Error,
        "a label with no values, duplicate values, or an open label without `max_values`",
        "A label is either closed, `values = [\"success\", \"error\"]`, or open,
`kind = \"string\"` with `max_values = N` (values past the first N distinct ones are reported as
`other`, so a bug cannot create unbounded series). This finding covers: neither or both forms, an
empty or duplicated value, values that become the same Rust enum variant (`in-progress` and
`in_progress`), a value spelt `other` in a closed set of an open label, and `max_values` below 1.";

    /// A reference to an owner that is not declared.
    UNKNOWN_OWNER = "unknown-owner", Error,
        "an `owner` that names no declared owner",
        "Every metric, event and feature names an owner declared under `[owners.<id>]`. The finding
suggests the closest declared owner and lists them all. Declare the owner, or fix the name.";

    /// A reference to a label that is not declared.
    UNKNOWN_LABEL = "unknown-label", Error,
        "a metric label or property type that names no declared label",
        "Metric labels and label-typed event properties refer to labels declared under
`[labels.<id>]`, which fix their values. Declare the label or fix the name.";

    /// A reference to a metric or event that is not declared.
    UNKNOWN_METRIC = "unknown-metric", Error,
        "a success metric, guardrail or objective that names no declared metric or event",
        "Features name their success and guardrail metrics, and objectives name the metrics they are
computed from. A name that is not declared under `[metrics.<name>]` (or, for success and
guardrail metrics, `[events.<name>]`) measures nothing.";

    /// An owner contact that is not a channel, email or URL.
    INVALID_CONTACT = "invalid-contact", Error,
        "an owner `contact` that is not a chat channel, email address or URL",
        "An owner's `contact` is where an alert or a question goes: a chat channel (`#payments-oncall`),
an email address (`payments@example.com`) or a URL (`https://...`). Anything else cannot be acted on.";

    /// A malformed `expires` date.
    INVALID_DATE = "invalid-date", Error,
        "an `expires` that is not a real `YYYY-MM-DD` date",
        "`expires` takes a calendar date, written as a TOML date (`expires = 2027-06-30`) or a string
(`expires = \"2027-06-30\"`).";

    /// A metric past its review-by date.
    EXPIRED = "expired", Warning,
        "a metric past its `expires` review-by date",
        "`expires` is a review-by date: once it has passed, someone should confirm the metric is still
used (then move the date) or deprecate it. This is a warning, so stale metrics get audited
without breaking the build; set it to deny in configuration to enforce it.";

    /// A deprecation that names no replacement or contradicts `stability`.
    DEPRECATION = "deprecation", Error,
        "a deprecated metric that does not say what replaces it, or a contradictory `stability`",
        "`stability = \"deprecated\"` must come with `deprecated = \"<replacement or reason>\"`, so
readers of dashboards know where to go. Setting `deprecated` with a stability other than
`deprecated` is contradictory; `deprecated` alone implies `stability = \"deprecated\"`.";

    /// A missing or blank description.
    EMPTY_DESCRIPTION = "empty-description", Error,
        "a metric, event or feature without a description",
        "Descriptions become the `# HELP` text in Prometheus, the doc comment on the generated
emitter and the line in the catalog. Someone reading a dashboard at 3 a.m. needs it. Write one
sentence saying what is measured or what happened.";

    /// An item without an owner.
    MISSING_OWNER = "missing-owner", Error,
        "a metric, event or feature without an owner",
        "Every number needs someone who answers for it. Add `owner = \"<owner id>\"`, naming an owner
declared under `[owners.<id>]`.";

    /// A feature without success metrics.
    MISSING_SUCCESS_METRIC = "missing-success-metric", Error,
        "a feature without at least one success metric",
        "A feature must say how anyone will know it works: `success_metrics = [...]` with at least
one declared metric or event. Without it the feature ships blind.";

    /// A deprecated metric measuring a feature's success.
    DEPRECATED_SUCCESS_METRIC = "deprecated-success-metric", Error,
        "a feature whose success is measured by a deprecated metric",
        "A deprecated metric is going away, so a feature measured by it will soon be measured by
nothing. Use the replacement the deprecation names.";

    /// Histogram buckets that are not usable.
    BUCKETS = "buckets", Error,
        "histogram buckets that are empty, not positive or not strictly increasing, or buckets on a non-histogram",
        "Histogram bucket bounds must be positive, finite and strictly increasing (`+Inf` is added
automatically). Only histograms have buckets. A histogram without `buckets` gets Prometheus'
default latency buckets.";

    /// Too many series per metric.
    CARDINALITY = "cardinality", Error,
        "a metric whose label combinations exceed the series ceiling",
        "The number of series a metric can have is the product of its labels' sizes (an open label
counts `max_values + 1`). Past the ceiling (10,000 by default, configurable with
`max-series-per-metric` under `[workspace.metadata.instr]`) a metric becomes expensive to store and
slow to query. Drop a label, merge values, or lower `max_values`.";

    /// A malformed objective.
    OBJECTIVE = "objective", Error,
        "an objective that is neither a well-formed ratio nor a latency objective",
        "An objective is either a ratio, `good = { metric = ... }` and `total = { metric = ... }` over
counters, or a latency objective, `metric = \"<histogram>\"` with `threshold = <seconds>`, where the
threshold is one of the histogram's bucket bounds (otherwise it cannot be computed from buckets).
Each objective needs a unique `name` within its feature and a `window` such as `\"28d\"`.";

    /// An objective target outside (0, 1).
    OBJECTIVE_TARGET = "objective-target", Error,
        "an objective target outside the open interval (0, 1)",
        "`target` is the fraction of good events to reach, such as `0.995`. 0 would promise nothing and
1 leaves no error budget, so burn-rate alerts could not be computed; percentages (`99.5`) are a
common slip.";

    /// A selector naming labels or values the metric does not have.
    INVALID_SELECTOR = "invalid-selector", Error,
        "an objective selector with a label the metric lacks or a value the label cannot take",
        "An objective's `labels = { outcome = [\"success\"] }` must name labels of the selected metric,
and for closed labels only their declared values; otherwise the query matches nothing and the
objective reads as 0% or 100%.";

    /// A malformed route or handler path in a feature.
    INVALID_ROUTE = "invalid-route", Error,
        "a feature route that is not `METHOD /path`, or a handler that is not a Rust path",
        "`routes` entries are `\"METHOD /path\"` with an HTTP method in upper case (or `ANY`, or `GRPC` with
`/package.Service/Method`), and `handlers` entries are Rust paths such as `shop::api::checkout` or
`shop::api::Orders::list`.";
}

/// The message of `missing-success-metric` for a feature. The checker, which knows what the
/// feature's handlers emit, finds the finding by it and adds those metrics to its help.
pub fn missing_success_metric_message(feature: &str) -> String {
    format!("feature `{feature}` has no success metric")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Codes are unique and every code is in the `instr::schema::` namespace, so configuration
    /// and `--explain` can name any rule unambiguously.
    #[test]
    fn codes_are_unique_and_namespaced() {
        let mut codes: Vec<&str> = ALL.iter().map(|rule| rule.code).collect();
        assert!(codes.iter().all(|code| code.starts_with("instr::schema::")));
        codes.sort_unstable();
        let before = codes.len();
        codes.dedup();
        assert_eq!(before, codes.len(), "duplicate rule code");
    }

    /// Every rule explains itself in more than its summary.
    #[test]
    fn every_rule_is_documented() {
        for rule in ALL {
            assert!(!rule.summary.is_empty(), "{}", rule.code);
            assert!(rule.explanation.len() > rule.summary.len(), "{}", rule.code);
        }
    }
}
