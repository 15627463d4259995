//! The proc-macros behind `instr`: [`schema!`], [`handler`] and [`exempt`].
//!
//! Depend on the `instr` crate, which re-exports these and holds the runtime the generated
//! code calls; this crate is an implementation detail pinned to the same version.
//!
//! Each entry point only parses its input and hands it to its module; errors come back as
//! `compile_error!`s, next to the user's own item so one mistake does not cascade.

use proc_macro::TokenStream;

mod errors;
mod handler;
mod manifest;
mod schema;
mod schema_file;

/// Generates typed emitters from a schema file: `instr::schema!("instr.toml")`.
///
/// The path is relative to the calling crate's `Cargo.toml`. See the `instr` crate for what
/// the expansion contains.
#[proc_macro]
pub fn schema(input: TokenStream) -> TokenStream {
    schema::expand(input.into()).into()
}

/// Marks a function as serving a schema feature: `#[instr::handler(feature = "checkout")]`.
///
/// See the `instr` crate for the options.
#[proc_macro_attribute]
pub fn handler(args: TokenStream, item: TokenStream) -> TokenStream {
    handler::expand_handler(args.into(), item.into()).into()
}

/// Opts a function out of feature coverage: `#[instr::exempt(reason = "...")]`.
#[proc_macro_attribute]
pub fn exempt(args: TokenStream, item: TokenStream) -> TokenStream {
    handler::expand_exempt(args.into(), item.into()).into()
}
