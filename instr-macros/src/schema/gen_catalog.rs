//! `features::<NAME>` and `CATALOG`: the schema as data at run time, so a service can expose
//! what it measures and who owns it.

use instr_schema::model::{Indicator, LabelValues, MetricKind, Stability};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs;
use super::generated::Generated;
use super::model::Model;

/// The `features` module, `CATALOG`, and the static tables behind them.
pub(crate) fn generate(model: &Model<'_>, schema_path: &str) -> Generated {
    let owners = model.owners.iter().map(|owner| {
        let name = &owner.name.value;
        let description = opt_str(owner.description.as_deref());
        let contact = &owner.contact;
        quote!(::instr::catalog::Owner { name: #name, description: #description, contact: #contact })
    });
    let labels = model.labels.iter().map(|label| {
        let name = &label.label.name.value;
        let description = opt_str(label.label.description.as_deref());
        let values = match &label.label.values {
            LabelValues::Closed(values) => {
                quote!(::instr::catalog::LabelValues::Closed(&[#(#values),*]))
            }
            LabelValues::Open { max_values } => {
                quote!(::instr::catalog::LabelValues::Open { max_values: #max_values })
            }
        };
        quote!(::instr::catalog::Label { name: #name, description: #description, values: #values })
    });
    let metrics = model.metrics.iter().map(|metric| {
        let m = metric.metric;
        let name = &m.name.value;
        let kind = match m.kind {
            MetricKind::Counter => quote!(Counter),
            MetricKind::Gauge => quote!(Gauge),
            MetricKind::Histogram => quote!(Histogram),
        };
        let description = &m.description;
        let unit = opt_str(m.unit.as_deref());
        let ucum_unit = m.unit.as_deref().map_or("", instr_schema::names::ucum);
        let owner = &m.owner.value;
        let label_names = m.labels.iter().map(|label| &label.value);
        let buckets = m
            .buckets
            .iter()
            .map(|bound| Literal::f64_unsuffixed(*bound));
        let stability = match m.stability {
            Stability::Experimental => quote!(Experimental),
            Stability::Stable => quote!(Stable),
            Stability::Deprecated => quote!(Deprecated),
        };
        let deprecated = opt_str(m.deprecated.as_deref());
        let series = metric.series;
        quote! {
            ::instr::catalog::Metric {
                name: #name,
                kind: ::instr::catalog::MetricKind::#kind,
                description: #description,
                unit: #unit,
                ucum_unit: #ucum_unit,
                owner: #owner,
                labels: &[#(#label_names),*],
                buckets: &[#(#buckets),*],
                stability: ::instr::catalog::Stability::#stability,
                deprecated: #deprecated,
                series: #series,
            }
        }
    });
    let events = model.events.iter().map(|event| {
        let e = event.event;
        let name = &e.name.value;
        let description = &e.description;
        let owner = &e.owner.value;
        let properties = e.properties.iter().map(|property| {
            let name = &property.name.value;
            let ty = property.ty.as_str();
            let optional = property.optional;
            quote!(::instr::catalog::Property { name: #name, ty: #ty, optional: #optional })
        });
        quote! {
            ::instr::catalog::Event {
                name: #name,
                description: #description,
                owner: #owner,
                properties: &[#(#properties),*],
            }
        }
    });
    let mut feature_consts = TokenStream::new();
    for feature in &model.features {
        let f = feature.feature;
        let constant = &feature.constant;
        let doc = docs::attrs(&docs::feature(model, feature));
        let name = &f.name.value;
        let description = &f.description;
        let owner = &f.owner.value;
        let success = f.success_metrics.iter().map(|name| &name.value);
        let guardrails = f.guardrail_metrics.iter().map(|name| &name.value);
        let routes = f.routes.iter().map(|route| route.value.to_string());
        let handlers = f.handlers.iter().map(|handler| &handler.value);
        let objectives = f.objectives.iter().map(|objective| {
            let name = &objective.name.value;
            let target = Literal::f64_unsuffixed(objective.target);
            let window = objective.window.to_string();
            let metrics = objective.indicator.metrics();
            let kind = match objective.indicator {
                Indicator::Ratio { .. } => "ratio",
                Indicator::Latency { .. } => "latency",
            };
            quote! {
                ::instr::catalog::Objective {
                    name: #name,
                    indicator: #kind,
                    metrics: &[#(#metrics),*],
                    target: #target,
                    window: #window,
                }
            }
        });
        feature_consts.extend(quote! {
            #doc
            pub const #constant: ::instr::catalog::Feature = ::instr::catalog::Feature {
                name: #name,
                description: #description,
                owner: #owner,
                success_metrics: &[#(#success),*],
                guardrail_metrics: &[#(#guardrails),*],
                routes: &[#(#routes),*],
                handlers: &[#(#handlers),*],
                objectives: &[#(#objectives),*],
            };
        });
    }
    let feature_refs = model.features.iter().map(|feature| {
        let constant = &feature.constant;
        quote!(super::features::#constant)
    });
    let entries = model
        .metrics
        .iter()
        .enumerate()
        .map(|(position, metric)| super::gen_metrics::entry(model, metric, position));
    let counts = [
        model.owners.len(),
        model.labels.len(),
        model.metrics.len(),
        model.events.len(),
        model.features.len(),
    ]
    .map(Literal::usize_unsuffixed);
    let [
        owner_count,
        label_count,
        metric_count,
        event_count,
        feature_count,
    ] = counts;
    let catalog_doc = docs::attrs(&format!(
        "Everything `{schema_path}` declares, at run time: owners, labels, metrics, events and \
         features.\n\n`instr::prometheus::render()` exposes the metrics of every registered \
         catalog; a catalog registers itself on the first emission, or call \
         `CATALOG.register()` at start-up so every series is exposed from the first scrape."
    ));
    Generated {
        public: quote! {
            /// The schema's features, one constant each.
            pub mod features {
                #feature_consts
            }

            #catalog_doc
            pub static CATALOG: ::instr::catalog::Catalog = ::instr::catalog::Catalog::__new(
                #schema_path,
                &__instr::OWNERS,
                &__instr::LABELS,
                &__instr::METRICS,
                &__instr::EVENTS,
                &__instr::FEATURES,
                &__instr::ENTRIES,
            );
        },
        private: quote! {
            pub(super) static OWNERS: [::instr::catalog::Owner; #owner_count] = [#(#owners),*];
            pub(super) static LABELS: [::instr::catalog::Label; #label_count] = [#(#labels),*];
            pub(super) static METRICS: [::instr::catalog::Metric; #metric_count] = [#(#metrics),*];
            pub(super) static EVENTS: [::instr::catalog::Event; #event_count] = [#(#events),*];
            pub(super) static FEATURES: [::instr::catalog::Feature; #feature_count] =
                [#(#feature_refs),*];
            pub(super) static ENTRIES: [::instr::__private::MetricEntry; #metric_count] =
                [#(#entries),*];
        },
    }
}

fn opt_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(text) => quote!(::core::option::Option::Some(#text)),
        None => quote!(::core::option::Option::None),
    }
}
