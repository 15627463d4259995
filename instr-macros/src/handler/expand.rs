//! The handler's output: the user's function, documented with the feature it serves, its
//! body wrapped only when an option records something.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, ItemFn, LitStr, ReturnType, Type};

use super::args::HandlerArgs;
use super::check::FoundFeature;
use crate::schema_file::track_files;

/// The function with a doc line naming its feature and the recording options applied.
pub(crate) fn handler(
    mut function: ItemFn,
    args: &HandlerArgs,
    feature: Option<&FoundFeature>,
) -> TokenStream {
    let mut prelude = TokenStream::new();
    if let Some(feature) = feature {
        let doc = format!(
            " Serves feature `{}` ({}), owned by `{}`.",
            feature.name,
            feature.description.trim_end_matches('.'),
            feature.owner
        );
        function.attrs.push(syn::parse_quote!(#[doc = ""]));
        function.attrs.push(syn::parse_quote!(#[doc = #doc]));
        prelude.extend(track_files(&feature.files));
    }
    if let Some(latency) = &args.latency {
        prelude.extend(quote_spanned! {latency.span()=>
            let __instr_latency = ::instr::__private::latency_timer(&(#latency));
        });
    }
    if let Some(calls) = &args.calls {
        prelude.extend(quote_spanned! {calls.span()=>
            ::instr::__private::count_call(&(#calls));
        });
    }
    let block = &function.block;
    let body = if args.needs_result() {
        let result = run_body(&function, block.to_token_stream());
        let output_span = match &function.sig.output {
            ReturnType::Type(_, ty) => ty.span(),
            ReturnType::Default => function.sig.ident.span(),
        };
        let ok = args
            .ok
            .as_ref()
            .map(|ok| counter_if(ok, "count_if_ok", output_span));
        let err = args
            .err
            .as_ref()
            .map(|err| counter_if(err, "count_if_err", output_span));
        quote! {{
            #prelude
            let __instr_result = #result;
            #ok
            #err
            __instr_result
        }}
    } else {
        let statements = &block.stmts;
        quote! {{
            #prelude
            #(#statements)*
        }}
    };
    function.block = match syn::parse2(body) {
        Ok(block) => Box::new(block),
        Err(error) => return error.to_compile_error(),
    };
    function.into_token_stream()
}

/// Evaluates the original body as one expression so its result can be inspected: `return`
/// and `?` keep meaning "leave the function with this value".
fn run_body(function: &ItemFn, block: TokenStream) -> TokenStream {
    let annotated = match &function.sig.output {
        ReturnType::Type(_, ty) if !contains_impl_trait(ty) => Some(ty),
        _ => None,
    };
    if function.sig.asyncness.is_some() {
        match annotated {
            Some(ty) => {
                quote!(async move { let __instr_output: #ty = #block; __instr_output }.await)
            }
            None => quote!(async move #block.await),
        }
    } else {
        let arrow = annotated.map(|ty| quote!(-> #ty));
        quote! {{
            #[allow(clippy::redundant_closure_call)]
            let __instr_output = (move || #arrow #block)();
            __instr_output
        }}
    }
}

fn counter_if(counter: &Expr, function: &str, output_span: proc_macro2::Span) -> TokenStream {
    let function = syn::Ident::new(function, output_span);
    let result = quote_spanned!(output_span=> &__instr_result);
    quote_spanned! {counter.span()=>
        ::instr::__private::#function(#result, &(#counter));
    }
}

/// A closure or `let` cannot be annotated with an `impl Trait` type; such bodies go
/// unannotated.
fn contains_impl_trait(ty: &Type) -> bool {
    fn any_impl(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|token| match token {
            proc_macro2::TokenTree::Ident(ident) => ident == "impl",
            proc_macro2::TokenTree::Group(group) => any_impl(group.stream()),
            _ => false,
        })
    }
    any_impl(ty.to_token_stream())
}

/// The function with a doc line giving the exemption's reason.
pub(crate) fn exempt(mut function: ItemFn, reason: &LitStr) -> TokenStream {
    let doc = format!(" Exempt from feature coverage: {}", reason.value().trim());
    function.attrs.push(syn::parse_quote!(#[doc = ""]));
    function.attrs.push(syn::parse_quote!(#[doc = #doc]));
    function.into_token_stream()
}
