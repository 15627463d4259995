//! Reading an attribute's arguments without knowing its grammar: literals in order,
//! `key = value` pairs and bare words, which covers every routing and instr attribute.

use proc_macro2::{TokenStream, TokenTree};

use super::facts::{AttrFact, Name};
use super::syntax::{literal_text, span_of, written};

/// The facts of one attribute; `base` is the byte offset of the piece being visited.
pub(crate) fn read_attr(attr: &syn::Attribute, base: usize) -> AttrFact {
    let open = attr.pound_token.span;
    let close = attr.bracket_token.span.close();
    let start = span_of(open, base).start;
    let end = span_of(close, base).end;
    let mut fact = AttrFact {
        path: written(attr.path()),
        span: instr_schema::diag::Span::new(start, end.max(start)),
        ..AttrFact::default()
    };
    if let syn::Meta::List(list) = &attr.meta {
        fact.has_args = true;
        read_args(&list.tokens, base, &mut fact);
    }
    fact
}

/// Splits `tokens` at top-level commas and reads each argument.
fn read_args(tokens: &TokenStream, base: usize, fact: &mut AttrFact) {
    let mut argument: Vec<TokenTree> = Vec::new();
    for tree in tokens.clone() {
        if matches!(&tree, TokenTree::Punct(punct) if punct.as_char() == ',') {
            read_argument(&argument, base, fact);
            argument.clear();
        } else {
            argument.push(tree);
        }
    }
    read_argument(&argument, base, fact);
}

fn read_argument(tokens: &[TokenTree], base: usize, fact: &mut AttrFact) {
    match tokens {
        [] => {}
        [TokenTree::Literal(literal)] => {
            if let Some(value) = literal_text(literal) {
                fact.positional.push((value, span_of(literal.span(), base)));
            }
        }
        [TokenTree::Ident(ident)] => fact.words.push(Name::from(ident.to_string())),
        [TokenTree::Ident(key), TokenTree::Punct(eq), rest @ ..] if eq.as_char() == '=' => {
            let (value, span) = match rest {
                [TokenTree::Literal(literal)] => match literal_text(literal) {
                    Some(value) => (value, span_of(literal.span(), base)),
                    None => (literal.to_string(), span_of(literal.span(), base)),
                },
                [first, ..] => {
                    let text: String = rest.iter().map(ToString::to_string).collect();
                    (text, span_of(first.span(), base))
                }
                [] => (String::new(), span_of(eq.span(), base)),
            };
            fact.pairs.push((Name::from(key.to_string()), value, span));
        }
        _ => {}
    }
}
