//! The `///` text of generated items, taken from the schema, so an IDE hover shows what a
//! metric measures, its unit, owner, labels and stability.

use std::fmt::Write as _;

use instr_schema::model::{LabelValues, Stability};
use proc_macro2::TokenStream;
use quote::quote;

use super::model::{EventModel, FeatureModel, LabelModel, MetricModel, Model};

/// `#[doc = "..."]` attributes, one per line of `text`.
pub(crate) fn attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

fn owner_text(model: &Model<'_>, owner: &str) -> String {
    match model
        .owners
        .iter()
        .find(|candidate| candidate.name.value == owner)
    {
        Some(found) => format!("`{owner}` ({})", found.contact),
        None => format!("`{owner}`"),
    }
}

/// The metric type's documentation.
pub(crate) fn metric(model: &Model<'_>, metric: &MetricModel<'_>) -> String {
    let m = metric.metric;
    let mut text = format!("{}\n\n", m.description.trim());
    let _ = writeln!(text, "| | |\n|---|---|");
    let _ = writeln!(text, "| Prometheus name | `{}` |", m.name.value);
    let _ = writeln!(text, "| Kind | {} |", m.kind.as_str());
    if let Some(unit) = &m.unit {
        let _ = writeln!(text, "| Unit | {unit} |");
    }
    let _ = writeln!(text, "| Owner | {} |", owner_text(model, &m.owner.value));
    let labels = if metric.labels.is_empty() {
        "none".to_owned()
    } else {
        metric
            .labels
            .iter()
            .map(|index| format!("`{}`", model.label(*index).label.name.value))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(text, "| Labels | {labels} |");
    if !m.buckets.is_empty() {
        let buckets: Vec<String> = m.buckets.iter().map(f64::to_string).collect();
        let _ = writeln!(text, "| Buckets | {}, +Inf |", buckets.join(", "));
    }
    let _ = writeln!(text, "| Series | {} |", metric.series);
    let _ = writeln!(text, "| Stability | {} |", m.stability.as_str());
    if let Some(expires) = m.expires {
        let _ = writeln!(text, "| Review by | {expires} |");
    }
    if m.stability == Stability::Deprecated
        && let Some(note) = &m.deprecated
    {
        let _ = write!(text, "\n**Deprecated:** {note}\n");
    }
    text
}

/// A label field's documentation.
pub(crate) fn label_field(label: &LabelModel<'_>) -> String {
    let mut text = label
        .label
        .description
        .clone()
        .unwrap_or_else(|| format!("The `{}` label.", label.label.name.value));
    if let LabelValues::Open { max_values } = label.label.values {
        let _ = write!(
            text,
            "\n\nAny string: the first {max_values} distinct values are kept, later ones are \
             reported as `other`."
        );
    }
    text
}

/// A closed label enum's documentation.
pub(crate) fn label_enum(model: &Model<'_>, label: &LabelModel<'_>) -> String {
    let mut text = label_field(label);
    let users: Vec<String> = model
        .metrics
        .iter()
        .filter(|metric| {
            metric
                .labels
                .iter()
                .any(|index| model.label(*index).label.name.value == label.label.name.value)
        })
        .map(|metric| {
            format!(
                "[`{}`](super::metrics::{})",
                metric.metric.name.value, metric.ty
            )
        })
        .collect();
    let _ = write!(
        text,
        "\n\nLabel `{}`: values {}.",
        label.label.name.value,
        label
            .variants
            .iter()
            .map(|(value, _)| format!("`{value}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if !users.is_empty() {
        let _ = write!(text, " Used by {}.", users.join(", "));
    }
    text
}

/// An event struct's documentation.
pub(crate) fn event(model: &Model<'_>, event: &EventModel<'_>) -> String {
    let e = event.event;
    let mut text = format!("{}\n\n", e.description.trim());
    let _ = writeln!(
        text,
        "Event `{}`, owned by {}. `emit` sends it as a `tracing` event (target `instr::event`) \
         and to the installed sink.",
        e.name.value,
        owner_text(model, &e.owner.value)
    );
    text
}

/// A feature constant's documentation.
pub(crate) fn feature(model: &Model<'_>, feature: &FeatureModel<'_>) -> String {
    let f = feature.feature;
    let mut text = format!("{}\n\n", f.description.trim());
    let _ = writeln!(
        text,
        "Feature `{}`, owned by {}.",
        f.name.value,
        owner_text(model, &f.owner.value)
    );
    let list = |names: &[instr_schema::Spanned<String>]| {
        names
            .iter()
            .map(|name| format!("`{}`", name.value))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(text, "Success measured by {}.", list(&f.success_metrics));
    if !f.guardrail_metrics.is_empty() {
        let _ = writeln!(text, "Guardrails: {}.", list(&f.guardrail_metrics));
    }
    for objective in &f.objectives {
        let _ = writeln!(
            text,
            "Objective `{}`: {}% over {}.",
            objective.name.value,
            objective.target * 100.0,
            objective.window
        );
    }
    text
}
