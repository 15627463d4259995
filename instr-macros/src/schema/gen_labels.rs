//! `labels::<Label>`: one enum per closed label; an interner per open label (hidden).

use instr_schema::model::LabelValues;
use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::generated::Generated;
use super::model::Model;

/// The `labels` module and the open labels' interners.
pub(crate) fn generate(model: &Model<'_>) -> Generated {
    let mut enums = TokenStream::new();
    let mut private = TokenStream::new();
    for label in &model.labels {
        let name = &label.label.name.value;
        if let LabelValues::Open { max_values } = label.label.values {
            let ident = &label.open_static;
            private.extend(quote! {
                pub(super) static #ident: ::instr::__private::OpenValues =
                    ::instr::__private::OpenValues::new(#name, #max_values);
            });
            continue;
        }
        let ty = &label.ty;
        let doc = docs::attrs(&docs::label_enum(model, label));
        let count = label.variants.len();
        let variants = label.variants.iter().map(|(value, ident)| {
            let doc = format!(" `{value}`");
            quote!(#[doc = #doc] #ident)
        });
        let all = label.variants.iter().map(|(_, ident)| quote!(Self::#ident));
        let as_str = label
            .variants
            .iter()
            .map(|(value, ident)| quote!(Self::#ident => #value));
        let from_value = label
            .variants
            .iter()
            .map(|(value, ident)| quote!(#value => ::core::option::Option::Some(Self::#ident)));
        enums.extend(quote! {
            #doc
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
            pub enum #ty {
                #(#variants,)*
            }

            impl #ty {
                /// Every value, in the order the schema declares them.
                pub const ALL: [Self; #count] = [#(#all),*];

                /// The value as the schema and the exposition spell it.
                pub const fn as_str(self) -> &'static str {
                    match self {
                        #(#as_str,)*
                    }
                }

                /// The variant a schema value names; `None` for any other text.
                pub fn from_value(value: &str) -> ::core::option::Option<Self> {
                    match value {
                        #(#from_value,)*
                        _ => ::core::option::Option::None,
                    }
                }
            }

            impl ::core::fmt::Display for #ty {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl ::core::str::FromStr for #ty {
                type Err = ::instr::UnknownLabelValue;

                fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                    Self::from_value(value)
                        .ok_or_else(|| ::instr::UnknownLabelValue::new(#name, value))
                }
            }
        });
    }
    Generated {
        public: quote! {
            /// The schema's closed label sets, one enum each.
            pub mod labels {
                #enums
            }
        },
        private,
    }
}
