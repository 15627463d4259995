//! `instr::schema!("instr.toml")`: the schema's items as typed Rust.
//!
//! [`model`] names everything (and [`check`] refuses names Rust cannot take), then the
//! `gen_*` modules only read the model.

mod check;
mod docs;
mod gen_catalog;
mod gen_events;
mod gen_labels;
mod gen_metrics;
mod generated;
mod model;

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token};

use gen_metrics::Backend;

use crate::errors::Errors;
use crate::manifest::{self, CrateConfig};
use crate::schema_file::{self, track_files};

/// The macro's input: the schema's path, then optionally `backend = "native"`.
///
/// The option is hidden (not in the docs users read): it makes the expansion use instr's
/// static store whatever backend the crate's features select, so one build can measure the
/// static store beside another backend (the emit benchmark does).
struct Input {
    path: LitStr,
    backend: Backend,
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let path: LitStr = input.parse().map_err(|error| {
            syn::Error::new(
                error.span(),
                "expected the schema's path as a string: `instr::schema!(\"instr.toml\")`",
            )
        })?;
        let mut backend = Backend::Default;
        if input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            let key: Ident = input.parse()?;
            if key != "backend" {
                return Err(syn::Error::new(
                    key.span(),
                    "unknown option: `instr::schema!` takes only the schema's path",
                ));
            }
            input.parse::<Token![=]>()?;
            let value: LitStr = input.parse()?;
            if value.value() != "native" {
                return Err(syn::Error::new(
                    value.span(),
                    "the only backend that can be chosen here is `\"native\"`",
                ));
            }
            backend = Backend::Native;
            input.parse::<Option<Token![,]>>()?;
        }
        Ok(Self { path, backend })
    }
}

/// Expands the macro call.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let input = match syn::parse2::<Input>(input) {
        Ok(input) => input,
        Err(error) => return error.to_compile_error(),
    };
    let mut errors = Errors::default();
    let items = expand_path(&input.path, input.backend, &mut errors);
    let errors = errors.to_compile_errors();
    quote!(#errors #items)
}

fn expand_path(literal: &LitStr, backend: Backend, errors: &mut Errors) -> TokenStream {
    let config = match manifest::crate_dir().and_then(|dir| CrateConfig::read(&dir)) {
        Ok(config) => config,
        Err(message) => {
            errors.at(literal.span(), message);
            return TokenStream::new();
        }
    };
    let relative = literal.value();
    let path = config.crate_dir.join(&relative);
    if !path.is_file() {
        errors.at(
            literal.span(),
            format!(
                "schema file `{relative}` not found\nhelp: the path is relative to the directory of the crate's Cargo.toml (CARGO_MANIFEST_DIR)"
            ),
        );
        return TokenStream::new();
    }
    let file = match schema_file::load(&path, &config.crate_dir, &config.load_options()) {
        Ok(file) => file,
        Err(message) => {
            errors.at(literal.span(), message);
            return TokenStream::new();
        }
    };
    for rendered in &file.errors {
        errors.at(literal.span(), format!("invalid schema\n{rendered}"));
    }
    let mut model_errors = Vec::new();
    let model = model::Model::build(&file.schema, &mut model_errors);
    for rendered in check::render(&model_errors, &file.sources) {
        errors.at(literal.span(), rendered);
    }
    // Even with errors the valid part of the schema is generated, so one bad metric does not
    // turn every use of the others into an error.
    let tracking = track_files(&file.files);
    let parts = [
        gen_labels::generate(&model),
        gen_metrics::generate(&model, backend),
        gen_events::generate(&model),
        gen_catalog::generate(&model, &relative),
    ];
    let public = parts.iter().map(|part| &part.public);
    let private = parts.iter().map(|part| &part.private);
    quote! {
        #(#public)*

        #[doc(hidden)]
        #[allow(deprecated, clippy::all)]
        mod __instr {
            #tracking
            #(#private)*
        }
    }
}
