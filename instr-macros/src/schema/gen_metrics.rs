//! `metrics::<Metric>`: a struct of label values per metric, whose methods find the series by
//! arithmetic on the enum values and update the metric's static store.

use instr_schema::model::{MetricKind, Stability};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs;
use super::generated::Generated;
use super::model::{MetricModel, Model};

/// Which store types the generated statics use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    /// The one the `instr` crate's features select.
    Default,
    /// The static store whatever the features (the hidden `backend = "native"`).
    Native,
}

/// The `metrics` module and the stores.
pub(crate) fn generate(model: &Model<'_>, backend: Backend) -> Generated {
    let mut types = TokenStream::new();
    let mut private = TokenStream::new();
    for (position, metric) in model.metrics.iter().enumerate() {
        types.extend(emitter(model, metric, position));
        private.extend(store(metric, backend));
    }
    Generated {
        public: quote! {
            /// The schema's metrics, one type per metric: set the labels, then emit.
            pub mod metrics {
                #types
            }
        },
        private,
    }
}

fn has_open_label(model: &Model<'_>, metric: &MetricModel<'_>) -> bool {
    metric
        .labels
        .iter()
        .any(|index| model.label(*index).is_open())
}

fn emitter(model: &Model<'_>, metric: &MetricModel<'_>, position: usize) -> TokenStream {
    let ty = &metric.ty;
    let store = &metric.store;
    let entry = quote!(&super::__instr::ENTRIES[#position]);
    let doc = docs::attrs(&docs::metric(model, metric));
    let deprecated = (metric.metric.stability == Stability::Deprecated).then(|| {
        let note = metric
            .metric
            .deprecated
            .clone()
            .unwrap_or_else(|| "deprecated in the schema".to_owned());
        quote!(#[deprecated(note = #note)])
    });
    let open = has_open_label(model, metric);
    let (generics, anonymous) = if open {
        (quote!(<'a>), quote!(<'_>))
    } else {
        (TokenStream::new(), TokenStream::new())
    };
    let fields = metric.labels.iter().map(|index| {
        let label = model.label(*index);
        let field = &label.field;
        let doc = docs::attrs(&docs::label_field(label));
        let ty = if label.is_open() {
            quote!(&'a str)
        } else {
            let ty = &label.ty;
            quote!(super::labels::#ty)
        };
        quote!(#doc pub #field: #ty)
    });
    let definition = if metric.labels.is_empty() {
        quote!(pub struct #ty;)
    } else {
        quote!(pub struct #ty #generics { #(#fields,)* })
    };
    let series = series_index(model, metric);
    let bounds = metric
        .metric
        .buckets
        .iter()
        .map(|bound| Literal::f64_unsuffixed(*bound));
    let (methods, trait_impl) = match metric.metric.kind {
        MetricKind::Counter => (
            quote! {
                /// Adds `value` to the series these labels select.
                #[inline]
                pub fn increment(&self, value: u64) {
                    super::__instr::#store.add(#entry, &super::CATALOG, self.__series(), value);
                }
            },
            quote! {
                impl ::instr::Counter for #ty #anonymous {
                    #[inline]
                    fn increment(&self, value: u64) {
                        #ty::increment(self, value);
                    }
                }
            },
        ),
        MetricKind::Gauge => (
            quote! {
                /// Sets the series these labels select to `value`.
                #[inline]
                pub fn set(&self, value: f64) {
                    super::__instr::#store.set(#entry, &super::CATALOG, self.__series(), value);
                }

                /// Adds `value` to the series these labels select.
                #[inline]
                pub fn increment(&self, value: f64) {
                    super::__instr::#store.add(#entry, &super::CATALOG, self.__series(), value);
                }

                /// Subtracts `value` from the series these labels select.
                #[inline]
                pub fn decrement(&self, value: f64) {
                    super::__instr::#store.add(#entry, &super::CATALOG, self.__series(), -value);
                }
            },
            quote! {
                impl ::instr::Gauge for #ty #anonymous {
                    #[inline]
                    fn set(&self, value: f64) {
                        #ty::set(self, value);
                    }

                    #[inline]
                    fn increment(&self, value: f64) {
                        #ty::increment(self, value);
                    }

                    #[inline]
                    fn decrement(&self, value: f64) {
                        #ty::decrement(self, value);
                    }
                }
            },
        ),
        MetricKind::Histogram => (
            quote! {
                /// Records one observation in the series these labels select.
                #[inline]
                pub fn record(&self, value: f64) {
                    super::__instr::#store.record(
                        #entry,
                        &super::CATALOG,
                        self.__series(),
                        value,
                        &[#(#bounds),*],
                    );
                }

                /// Starts a timer that records the elapsed seconds into this series when it
                /// is dropped (or stopped).
                #[inline]
                pub fn start_timer(self) -> ::instr::Timer<Self> {
                    ::instr::Timer::start(self)
                }
            },
            quote! {
                impl ::instr::Histogram for #ty #anonymous {
                    #[inline]
                    fn record(&self, value: f64) {
                        #ty::record(self, value);
                    }
                }
            },
        ),
    };
    quote! {
        #doc
        #deprecated
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #definition

        #[allow(deprecated)]
        impl #generics #ty #generics {
            #methods

            /// The index of the selected series in the store.
            #[inline]
            fn __series(&self) -> usize {
                #series
            }
        }

        #[allow(deprecated)]
        #trait_impl
    }
}

/// `Σ value_i × stride_i`, the last label varying fastest: the same order the store decodes.
fn series_index(model: &Model<'_>, metric: &MetricModel<'_>) -> TokenStream {
    let mut stride = 1usize;
    let mut terms = Vec::new();
    for index in metric.labels.iter().rev() {
        let label = model.label(*index);
        let field = &label.field;
        let value = if label.is_open() {
            let interner = &label.open_static;
            quote!(super::__instr::#interner.slot(self.#field))
        } else {
            quote!((self.#field as usize))
        };
        let literal = Literal::usize_unsuffixed(stride);
        terms.push(quote!(#value * #literal));
        stride = stride.saturating_mul(label.cardinality());
    }
    if terms.is_empty() {
        quote!(0)
    } else {
        quote!(#(#terms)+*)
    }
}

/// The store: cells only, all zero, so the static lands in `.bss`.
fn store(metric: &MetricModel<'_>, backend: Backend) -> TokenStream {
    let store = &metric.store;
    let stores = match backend {
        Backend::Default => quote!(::instr::__private),
        Backend::Native => quote!(::instr::__private::native),
    };
    let series = Literal::usize_unsuffixed(metric.series);
    match metric.metric.kind {
        MetricKind::Counter => quote! {
            pub(super) static #store: #stores::CounterStore<#series> =
                #stores::CounterStore::new();
        },
        MetricKind::Gauge => quote! {
            pub(super) static #store: #stores::GaugeStore<#series> =
                #stores::GaugeStore::new();
        },
        MetricKind::Histogram => {
            // Per series: one count per bucket, the `+Inf` bucket, and the sum.
            let per_series = metric.metric.buckets.len() + 2;
            let cells = Literal::usize_unsuffixed(metric.series.saturating_mul(per_series));
            quote! {
                pub(super) static #store: #stores::HistogramStore<#series, #cells> =
                    #stores::HistogramStore::new();
            }
        }
    }
}

/// The metric's entry: its catalog record, its label slots and its store.
pub(crate) fn entry(model: &Model<'_>, metric: &MetricModel<'_>, position: usize) -> TokenStream {
    let store = &metric.store;
    let slots = metric.labels.iter().map(|index| {
        let label = model.label(*index);
        let name = &label.label.name.value;
        if label.is_open() {
            let interner = &label.open_static;
            quote!(::instr::__private::LabelSlot::open(#name, &#interner))
        } else {
            let values = label.variants.iter().map(|(value, _)| value);
            quote!(::instr::__private::LabelSlot::closed(#name, &[#(#values),*]))
        }
    });
    quote!(::instr::__private::MetricEntry::new(&METRICS[#position], &[#(#slots),*], &#store))
}
