//! Small readings of syn's syntax shared by the scanner: byte spans made absolute, paths as
//! written, literal text, HTTP method names.

use instr_schema::diag::Span;
use instr_schema::model::HTTP_METHODS;
use syn::Expr;

use super::facts::{Name, WrittenPath};

/// The byte range of a span inside the current piece, made absolute.
pub(crate) fn span_of(span: proc_macro2::Span, base: usize) -> Span {
    let range = span.byte_range();
    Span::new(base + range.start, base + range.end)
}

/// The span of a path, from its first to its last segment.
pub(crate) fn path_span(path: &syn::Path) -> proc_macro2::Span {
    let first = path.segments.first().map(|s| s.ident.span());
    let last = path.segments.last().map(|s| s.ident.span());
    match (first, last) {
        (Some(first), Some(last)) => first.join(last).unwrap_or(first),
        _ => proc_macro2::Span::call_site(),
    }
}

/// A syn path as written.
pub(crate) fn written(path: &syn::Path) -> WrittenPath {
    let mut out = Vec::with_capacity(path.segments.len() + 1);
    if path.leading_colon.is_some() {
        out.push(Name::default());
    }
    out.extend(
        path.segments
            .iter()
            .map(|segment| Name::from(segment.ident.to_string())),
    );
    out
}

/// The content of a string literal, or the text of any other literal.
pub(crate) fn literal_text(literal: &proc_macro2::Literal) -> Option<String> {
    let text = literal.to_string();
    if text.starts_with('"') || text.starts_with('r') {
        syn::parse_str::<syn::LitStr>(&text)
            .ok()
            .map(|lit| lit.value())
    } else {
        Some(text)
    }
}

/// A best-effort span for an expression (syn's `Spanned` needs the `printing` feature).
pub(crate) fn expr_span(expr: &Expr) -> Option<proc_macro2::Span> {
    match expr {
        Expr::Path(path) => Some(path_span(&path.path)),
        Expr::Closure(closure) => Some(
            closure
                .inputs_begin
                .span
                .join(closure.inputs_end.span)
                .unwrap_or(closure.inputs_begin.span),
        ),
        Expr::Call(call) => expr_span(&call.func)
            .map(|start| start.join(call.paren_token.span.close()).unwrap_or(start)),
        Expr::MethodCall(call) => Some(
            expr_span(&call.receiver)
                .and_then(|start| start.join(call.paren_token.span.close()))
                .unwrap_or_else(|| call.method.span()),
        ),
        Expr::Macro(mac) => Some(path_span(&mac.mac.path)),
        Expr::Lit(lit) => Some(lit.lit.span()),
        Expr::Reference(reference) => expr_span(&reference.expr),
        Expr::Paren(paren) => expr_span(&paren.expr),
        Expr::Group(group) => expr_span(&group.expr),
        Expr::Async(block) => Some(block.async_token.span),
        Expr::Block(block) => Some(block.block.brace_token.span.join()),
        _ => None,
    }
}

/// True when `name` is an HTTP method spelt as the frameworks spell their helpers and
/// attributes: `get`, `post`, ... in lower case.
pub(crate) fn is_method_name(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|byte| byte.is_ascii_lowercase())
        && HTTP_METHODS
            .iter()
            .any(|method| method.eq_ignore_ascii_case(name))
}

/// The HTTP method `name` spells in any case (`GET`, `Post`, `delete`), in upper case.
pub(crate) fn method_in_any_case(name: &str) -> Option<&'static str> {
    HTTP_METHODS
        .iter()
        .copied()
        .find(|method| method.eq_ignore_ascii_case(name))
}

/// An expression's address, to mark it as read while its syntax tree lives.
pub(crate) fn address(expr: &Expr) -> usize {
    std::ptr::from_ref(expr) as usize
}

/// Splits a method-call chain into its root and the calls on it, innermost first.
pub(crate) fn unchain(expr: &Expr) -> (&Expr, Vec<&syn::ExprMethodCall>) {
    let mut calls = Vec::new();
    let mut current = expr;
    loop {
        match current {
            Expr::MethodCall(call) => {
                calls.push(call);
                current = &call.receiver;
            }
            Expr::Paren(paren) => current = &paren.expr,
            Expr::Group(group) => current = &group.expr,
            Expr::Await(inner) => current = &inner.base,
            Expr::Try(inner) => current = &inner.expr,
            _ => break,
        }
    }
    calls.reverse();
    (current, calls)
}
