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
use syn::LitStr;

use crate::errors::Errors;
use crate::manifest::{self, CrateConfig};
use crate::schema_file::{self, track_files};

/// Expands the macro call.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let literal = match syn::parse2::<LitStr>(input) {
        Ok(literal) => literal,
        Err(error) => {
            return syn::Error::new(
                error.span(),
                "expected the schema's path as a string: `instr::schema!(\"instr.toml\")`",
            )
            .to_compile_error();
        }
    };
    let mut errors = Errors::default();
    let items = expand_path(&literal, &mut errors);
    let errors = errors.to_compile_errors();
    quote!(#errors #items)
}

fn expand_path(literal: &LitStr, errors: &mut Errors) -> TokenStream {
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
        gen_metrics::generate(&model),
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
