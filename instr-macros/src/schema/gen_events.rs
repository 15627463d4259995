//! `events::<Event>`: a struct of typed properties per event, with `emit(self)`.

use instr_schema::model::PropertyType;
use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::generated::Generated;
use super::model::{EventModel, Model};

/// The `events` module.
pub(crate) fn generate(model: &Model<'_>) -> Generated {
    let types = model
        .events
        .iter()
        .enumerate()
        .map(|(position, event)| event_type(model, event, position));
    Generated {
        public: quote! {
            /// The schema's product events, one struct each: fill in the properties, then `emit`.
            pub mod events {
                #(#types)*
            }
        },
        private: TokenStream::new(),
    }
}

fn event_type(model: &Model<'_>, event: &EventModel<'_>, position: usize) -> TokenStream {
    let ty = &event.ty;
    let name = &event.event.name.value;
    let doc = docs::attrs(&docs::event(model, event));
    let mut borrows = false;
    let mut fields = Vec::new();
    let mut tracing_fields = Vec::new();
    let mut values = Vec::new();
    for (property, (field, label)) in event.event.properties.iter().zip(&event.fields) {
        let property_name = &property.name.value;
        let (base, as_str) = match (&property.ty, label) {
            (PropertyType::Bool, _) => (quote!(bool), false),
            (PropertyType::I64, _) => (quote!(i64), false),
            (PropertyType::U64, _) => (quote!(u64), false),
            (PropertyType::F64, _) => (quote!(f64), false),
            (PropertyType::Label(_), Some(index)) if !model.label(*index).is_open() => {
                let label_ty = &model.label(*index).ty;
                (quote!(super::labels::#label_ty), true)
            }
            // Strings and open labels borrow, so emitting allocates nothing.
            _ => {
                borrows = true;
                (quote!(&'a str), false)
            }
        };
        let field_ty = if property.optional {
            quote!(::core::option::Option<#base>)
        } else {
            base
        };
        let kind = if property.optional { "optional " } else { "" };
        let field_doc = format!(
            " Property `{property_name}` ({kind}{}).",
            property.ty.as_str()
        );
        fields.push(quote!(#[doc = #field_doc] pub #field: #field_ty));
        let value = match (as_str, property.optional) {
            (true, true) => quote!(self.#field.map(|value| value.as_str())),
            (true, false) => quote!(self.#field.as_str()),
            (false, _) => quote!(self.#field),
        };
        tracing_fields.push(quote!(#field = #value));
        values.push(quote!((#property_name, ::instr::events::Value::from(#value))));
    }
    let generics = if borrows {
        quote!(<'a>)
    } else {
        TokenStream::new()
    };
    let anonymous = if borrows {
        quote!(<'_>)
    } else {
        TokenStream::new()
    };
    let definition = if fields.is_empty() {
        quote!(pub struct #ty;)
    } else {
        quote!(pub struct #ty #generics { #(#fields,)* })
    };
    quote! {
        #doc
        #[derive(Clone, Copy, Debug, PartialEq)]
        #definition

        impl #ty #anonymous {
            /// Emits the event: a `tracing` event with target `instr::event` and every
            /// property as a field, and a record for the installed sink and test recorder.
            pub fn emit(self) {
                ::instr::__private::tracing::event!(
                    target: "instr::event",
                    ::instr::__private::tracing::Level::INFO,
                    event = #name,
                    #(#tracing_fields,)*
                    #name
                );
                if ::instr::__private::events_observed() {
                    ::instr::__private::deliver_event(
                        &super::__instr::EVENTS[#position],
                        ::std::vec![#(#values),*],
                    );
                }
            }
        }
    }
}
