//! What changed between two versions of a schema, and what each change breaks.
//!
//! `diff` compares a base schema (say, the one on `main`) with a head schema (the pull
//! request) item by item and classifies every change:
//!
//! - **breaking**: something dashboards, alerts, queries or event consumers rely on goes away
//!   or changes meaning: a metric or event removed or renamed, a metric's kind, unit, labels or
//!   buckets changed, a label value removed (or an open label closed), an event property
//!   removed, retyped or made optional, a feature or objective removed;
//! - **additive**: everything else (new items, new label values, descriptions, owners,
//!   targets, ...).
//!
//! Each change names what depends on the old item: the features and objectives that use it,
//! the generated alerts of those objectives, and for a label the metrics that carry it.
//! A breaking change to a metric is *announced* when the base already marked the metric
//! deprecated with a replacement, or experimental; the checker does not fail on those.

mod change;
mod compare;
pub mod docs;
#[cfg(test)]
mod every_code;
pub(crate) mod git;
mod renames;
pub(crate) mod review;

use instr_schema::Schema;

pub(crate) use change::{Change, ChangeCode, Dependents};

/// Every change from `base` to `head`: breaking ones first, then by subject and code.
pub(crate) fn diff(base: &Schema, head: &Schema) -> Vec<Change> {
    let mut changes = compare::compare(base, head);
    // Codes sort by their text, as they did when they were strings.
    changes.sort_by(|a, b| {
        (a.impact, &a.subject, a.code.as_str(), &a.message).cmp(&(
            b.impact,
            &b.subject,
            b.code.as_str(),
            &b.message,
        ))
    });
    changes
}

#[cfg(test)]
mod tests {
    use super::change::Impact;
    use super::*;
    use instr_schema::diag::Sources;
    use instr_schema::load_str;

    const BASE: &str = r##"
version = 1
[owners.pay]
contact = "#pay"
[labels.outcome]
values = ["success", "declined", "error"]
[metrics.checkout_attempts_total]
kind = "counter"
description = "Attempts."
owner = "pay"
labels = ["outcome"]
[metrics.checkout_latency_seconds]
kind = "histogram"
unit = "seconds"
description = "Latency."
owner = "pay"
buckets = [0.1, 1.0]
[metrics.old_total]
kind = "counter"
description = "Old."
owner = "pay"
stability = "deprecated"
deprecated = "use `checkout_attempts_total`"
[features.checkout]
description = "Checkout."
owner = "pay"
success_metrics = ["checkout_attempts_total"]
[[features.checkout.objectives]]
name = "availability"
good = { metric = "checkout_attempts_total", labels = { outcome = ["success", "declined"] } }
total = { metric = "checkout_attempts_total" }
target = 0.995
window = "28d"
"##;

    /// Loads a schema that must be valid.
    pub(super) fn load(text: &str) -> Schema {
        let mut sources = Sources::new();
        let loaded = load_str("instr.toml", text, &Default::default(), &mut sources);
        assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
        loaded.schema
    }

    fn codes(changes: &[Change]) -> Vec<(String, &'static str, &'static str)> {
        changes
            .iter()
            .map(|c| (c.subject.key(), c.code.as_str(), c.impact.as_str()))
            .collect()
    }

    /// Comparing a schema with itself finds nothing.
    #[test]
    fn identical_schemas_have_no_changes() {
        assert_eq!(diff(&load(BASE), &load(BASE)), vec![]);
    }

    /// A rename (same shape, new name, references updated) is one breaking change that names
    /// the feature, objective and alert depending on the old name, and nothing else.
    #[test]
    fn detects_renames_with_dependents() {
        let head = BASE.replace("checkout_attempts_total", "checkout_outcomes_total");
        let changes = diff(&load(BASE), &load(&head));
        assert_eq!(
            codes(&changes),
            vec![(
                "metric:checkout_attempts_total".to_owned(),
                "renamed",
                "breaking"
            )]
        );
        let change = &changes[0];
        assert_eq!(
            change.renamed_to.as_deref(),
            Some("checkout_outcomes_total")
        );
        assert_eq!(change.dependents.features, ["checkout"]);
        assert_eq!(change.dependents.objectives, ["checkout/availability"]);
        assert_eq!(
            change.dependents.alerts,
            ["CheckoutAvailabilityErrorBudgetBurn"]
        );
        assert_eq!(change.announced, None);
    }

    /// Removing a metric that was deprecated with a replacement is announced.
    #[test]
    fn deprecated_removal_is_announced() {
        let head = BASE.replace(
            "[metrics.old_total]\nkind = \"counter\"\ndescription = \"Old.\"\nowner = \"pay\"\nstability = \"deprecated\"\ndeprecated = \"use `checkout_attempts_total`\"\n",
            "",
        );
        let changes = diff(&load(BASE), &load(&head));
        assert_eq!(
            codes(&changes),
            vec![("metric:old_total".to_owned(), "removed", "breaking")]
        );
        assert!(
            changes[0]
                .announced
                .as_deref()
                .unwrap()
                .contains("replaced by `checkout_attempts_total`")
        );
    }

    /// Kind, unit, bucket, label and value changes are breaking; additions are additive.
    #[test]
    fn classifies_shape_changes() {
        let head = BASE
            .replace("buckets = [0.1, 1.0]", "buckets = [0.1, 0.5, 1.0]")
            .replace(
                "values = [\"success\", \"declined\", \"error\"]",
                "values = [\"success\", \"declined\", \"timeout\"]",
            )
            .replace("target = 0.995", "target = 0.999");
        let changes = diff(&load(BASE), &load(&head));
        assert_eq!(
            codes(&changes),
            vec![
                (
                    "metric:checkout_latency_seconds".to_owned(),
                    "buckets-changed",
                    "breaking"
                ),
                ("label:outcome".to_owned(), "value-removed", "breaking"),
                ("label:outcome".to_owned(), "value-added", "additive"),
                (
                    "objective:checkout/availability".to_owned(),
                    "target-changed",
                    "additive"
                ),
            ]
        );
        // The label's dependents reach through the metric to the alert.
        assert_eq!(changes[1].dependents.metrics, ["checkout_attempts_total"]);
        assert_eq!(
            changes[1].dependents.alerts,
            ["CheckoutAvailabilityErrorBudgetBurn"]
        );
    }

    /// Events: a rename keeps properties and description; property changes are classified by
    /// what consumers can rely on; a label value removal names the events typed by the label.
    #[test]
    fn classifies_event_changes() {
        let base = format!(
            "{BASE}[events.order_placed]\ndescription = \"Placed.\"\nowner = \"pay\"\nproperties = {{ id = \"string\", outcome = \"outcome\", note = \"string?\" }}\n"
        );
        let renamed = base.replace("[events.order_placed]", "[events.order_created]");
        let changes = diff(&load(&base), &load(&renamed));
        assert_eq!(
            codes(&changes),
            vec![("event:order_placed".to_owned(), "renamed", "breaking")]
        );

        let reshaped = base
            .replace("id = \"string\", ", "id = \"string?\", ")
            .replace("note = \"string?\"", "note = \"string\", amount = \"u64\"")
            .replace(
                "\"success\", \"declined\", \"error\"",
                "\"success\", \"declined\"",
            );
        let changes = diff(&load(&base), &load(&reshaped));
        assert_eq!(
            codes(&changes),
            vec![
                (
                    "event:order_placed".to_owned(),
                    "property-optional",
                    "breaking"
                ),
                ("label:outcome".to_owned(), "value-removed", "breaking"),
                (
                    "event:order_placed".to_owned(),
                    "property-added",
                    "additive"
                ),
                (
                    "event:order_placed".to_owned(),
                    "property-required",
                    "additive"
                ),
            ]
        );
        assert_eq!(changes[1].dependents.events, ["order_placed"]);
    }

    /// Removing an objective is breaking and names its alert.
    #[test]
    fn objective_removal_is_breaking() {
        let cut = BASE.find("[[features.checkout.objectives]]").unwrap();
        let changes = diff(&load(BASE), &load(&BASE[..cut]));
        assert_eq!(
            codes(&changes),
            vec![(
                "objective:checkout/availability".to_owned(),
                "removed",
                "breaking"
            )]
        );
        assert_eq!(
            changes[0].dependents.alerts,
            ["CheckoutAvailabilityErrorBudgetBurn"]
        );
    }

    /// An empty base (no schema yet) makes everything additive.
    #[test]
    fn everything_is_new_against_an_empty_base() {
        let changes = diff(&Schema::default(), &load(BASE));
        assert!(
            changes
                .iter()
                .all(|c| c.impact == Impact::Additive && c.code == ChangeCode::Added)
        );
        let mut messages: Vec<&str> = changes.iter().map(|c| c.message.as_str()).collect();
        messages.sort_unstable();
        assert_eq!(
            messages,
            [
                "feature `checkout` added",
                "label `outcome` added",
                "metric `checkout_attempts_total` added (counter)",
                "metric `checkout_latency_seconds` added (histogram)",
                "metric `old_total` added (counter)",
                "owner `pay` added",
            ]
        );
    }
}
