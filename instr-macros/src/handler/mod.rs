//! `#[instr::handler(...)]` and `#[instr::exempt(...)]`.
//!
//! `cargo instr-check` reads these attributes from source without expanding them, so their
//! names and the `feature = "..."` / `reason = "..."` arguments are a stable interface.

mod args;
mod check;
mod expand;

use proc_macro2::TokenStream;
use quote::quote;

use crate::errors::Errors;

/// Expands `#[instr::handler(...)]`.
pub(crate) fn expand_handler(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = args::HandlerArgs::parse(args, &mut errors);
    let Some(function) = parse_function(&item, "handler", &mut errors) else {
        return fallback(item, &errors);
    };
    let feature = check::check_feature(&args, &mut errors);
    if !errors.is_empty() {
        return fallback(item, &errors);
    }
    expand::handler(function, &args, feature.as_ref())
}

/// Expands `#[instr::exempt(reason = "...")]`.
pub(crate) fn expand_exempt(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let reason = args::ExemptArgs::parse(args, &mut errors);
    let Some(function) = parse_function(&item, "exempt", &mut errors) else {
        return fallback(item, &errors);
    };
    match reason {
        Some(reason) if errors.is_empty() => expand::exempt(function, &reason),
        _ => fallback(item, &errors),
    }
}

/// The item as a function, or an error saying the attribute only goes on functions.
fn parse_function(item: &TokenStream, name: &str, errors: &mut Errors) -> Option<syn::ItemFn> {
    match syn::parse2::<syn::ItemFn>(item.clone()) {
        Ok(function) => Some(function),
        Err(_) => {
            errors.push(syn::Error::new_spanned(
                item.clone().into_iter().next(),
                format!("`#[instr::{name}]` goes on a function (free, associated or a method)"),
            ));
            None
        }
    }
}

/// On any error the user's item is emitted untouched next to the errors, so one mistake in
/// an attribute does not turn into errors wherever the function is used.
fn fallback(item: TokenStream, errors: &Errors) -> TokenStream {
    let errors = errors.to_compile_errors();
    quote!(#errors #item)
}
