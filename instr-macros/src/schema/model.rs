//! The schema as code generation sees it: every item with its Rust name decided.
//!
//! Building the model runs the naming checks of [`super::check`]; an item that cannot be
//! named is left out (and reported), so the rest still generates.

use instr_schema::Schema;
use instr_schema::diag::Diagnostic;
use instr_schema::model::{Event, Feature, Label, LabelValues, Metric, Owner, PropertyType};
use instr_schema::names::{screaming_snake, upper_camel};
use proc_macro2::{Ident, Span};

use super::check;

/// Everything the generators read.
pub(crate) struct Model<'a> {
    pub(crate) owners: Vec<&'a Owner>,
    pub(crate) labels: Vec<LabelModel<'a>>,
    pub(crate) metrics: Vec<MetricModel<'a>>,
    pub(crate) events: Vec<EventModel<'a>>,
    pub(crate) features: Vec<FeatureModel<'a>>,
}

/// A label: its enum (closed) or its interner (open).
pub(crate) struct LabelModel<'a> {
    pub(crate) label: &'a Label,
    /// The enum's name (closed labels).
    pub(crate) ty: Ident,
    /// The field name in metric structs and events.
    pub(crate) field: Ident,
    /// The interner static of an open label, in the hidden module.
    pub(crate) open_static: Ident,
    /// Closed values and their variant names, in declaration order; empty when open.
    pub(crate) variants: Vec<(&'a str, Ident)>,
}

impl LabelModel<'_> {
    /// True for an open (string) label.
    pub(crate) fn is_open(&self) -> bool {
        matches!(self.label.values, LabelValues::Open { .. })
    }

    /// How many series the label splits a metric into.
    pub(crate) fn cardinality(&self) -> usize {
        usize::try_from(self.label.cardinality()).unwrap_or(usize::MAX)
    }
}

/// A metric: its type and its store.
pub(crate) struct MetricModel<'a> {
    pub(crate) metric: &'a Metric,
    /// The emitter type's name.
    pub(crate) ty: Ident,
    /// The store static's name, in the hidden module.
    pub(crate) store: Ident,
    /// Its labels, as indexes into [`Model::labels`], in declaration order.
    pub(crate) labels: Vec<usize>,
    /// The number of series: the product of the labels' cardinalities.
    pub(crate) series: usize,
}

/// An event: its struct.
pub(crate) struct EventModel<'a> {
    pub(crate) event: &'a Event,
    pub(crate) ty: Ident,
    /// Each property's field name and its label (for label-typed properties).
    pub(crate) fields: Vec<(Ident, Option<usize>)>,
}

/// A feature: its constant.
pub(crate) struct FeatureModel<'a> {
    pub(crate) feature: &'a Feature,
    pub(crate) constant: Ident,
}

impl<'a> Model<'a> {
    /// Names every item, reporting names Rust cannot take.
    pub(crate) fn build(schema: &'a Schema, errors: &mut Vec<Diagnostic>) -> Self {
        let owners = schema.owners.values().collect();
        let mut labels = Vec::new();
        for label in schema.labels.values() {
            if let Some(model) = label_model(label, errors) {
                labels.push(model);
            }
        }
        check::unique_type_names(
            labels
                .iter()
                .filter(|label| !label.is_open())
                .map(|label| (&label.ty, label.label.name.loc)),
            "label",
            errors,
        );
        let find_label = |id: &str| labels.iter().position(|label| label.label.name.value == id);
        let mut metrics = Vec::new();
        for metric in schema.metrics.values() {
            let Some(ty) = type_ident(&metric.name.value, metric.name.loc, "metric", errors) else {
                continue;
            };
            let indexes: Option<Vec<usize>> = metric
                .labels
                .iter()
                .map(|id| find_label(&id.value))
                .collect();
            // A metric naming an unknown label was reported by validation.
            let Some(indexes) = indexes else { continue };
            let series = indexes.iter().try_fold(1usize, |product, index| {
                product.checked_mul(labels[*index].cardinality())
            });
            let Some(series) = series else {
                errors.push(check::too_many_series(metric));
                continue;
            };
            metrics.push(MetricModel {
                metric,
                store: Ident::new(&screaming_snake(&metric.name.value), Span::call_site()),
                ty,
                labels: indexes,
                series,
            });
        }
        check::unique_type_names(
            metrics
                .iter()
                .map(|metric| (&metric.ty, metric.metric.name.loc)),
            "metric",
            errors,
        );
        let mut events = Vec::new();
        for event in schema.events.values() {
            let Some(ty) = type_ident(&event.name.value, event.name.loc, "event", errors) else {
                continue;
            };
            let mut fields = Vec::new();
            for property in &event.properties {
                let Some(field) = field_ident(&property.name.value, property.name.loc, errors)
                else {
                    continue;
                };
                let label = match &property.ty {
                    PropertyType::Label(id) => match find_label(id) {
                        Some(index) => Some(index),
                        None => continue,
                    },
                    _ => None,
                };
                fields.push((field, label));
            }
            if fields.len() == event.properties.len() {
                events.push(EventModel { event, ty, fields });
            }
        }
        check::unique_type_names(
            events.iter().map(|event| (&event.ty, event.event.name.loc)),
            "event",
            errors,
        );
        let features = schema
            .features
            .values()
            .map(|feature| FeatureModel {
                feature,
                constant: Ident::new(&screaming_snake(&feature.name.value), Span::call_site()),
            })
            .collect();
        Model {
            owners,
            labels,
            metrics,
            events,
            features,
        }
    }

    /// The label behind an index of [`MetricModel::labels`].
    pub(crate) fn label(&self, index: usize) -> &LabelModel<'a> {
        &self.labels[index]
    }
}

fn label_model<'a>(label: &'a Label, errors: &mut Vec<Diagnostic>) -> Option<LabelModel<'a>> {
    let ty = type_ident(&label.name.value, label.name.loc, "label", errors)?;
    let field = field_ident(&label.name.value, label.name.loc, errors)?;
    let mut variants = Vec::new();
    if let LabelValues::Closed(values) = &label.values {
        for value in values {
            match upper_camel(value).filter(|name| name != "Self") {
                Some(name) => variants.push((value.as_str(), Ident::new(&name, Span::call_site()))),
                None => errors.push(check::unnamable_value(label, value)),
            }
        }
        if variants.len() != values.len() || !check::unique_variants(label, &variants, errors) {
            return None;
        }
    }
    Some(LabelModel {
        label,
        ty,
        field,
        open_static: Ident::new(
            &format!("OPEN_{}", screaming_snake(&label.name.value)),
            Span::call_site(),
        ),
        variants,
    })
}

fn type_ident(
    name: &str,
    loc: instr_schema::diag::Loc,
    what: &str,
    errors: &mut Vec<Diagnostic>,
) -> Option<Ident> {
    match upper_camel(name).filter(|name| name != "Self") {
        Some(ty) => Some(Ident::new(&ty, Span::call_site())),
        None => {
            errors.push(check::unnamable(loc, what, name));
            None
        }
    }
}

/// A field named after a schema name; keywords become raw identifiers.
fn field_ident(
    name: &str,
    loc: instr_schema::diag::Loc,
    errors: &mut Vec<Diagnostic>,
) -> Option<Ident> {
    if !instr_schema::names::is_usable_field_name(name) || name.is_empty() {
        errors.push(check::unnamable(loc, "field", name));
        return None;
    }
    Some(match syn::parse_str::<Ident>(name) {
        Ok(ident) => ident,
        Err(_) => Ident::new_raw(name, Span::call_site()),
    })
}
