//! The arguments of `#[instr::handler]` and `#[instr::exempt]`: one setter per key, so a
//! repeated or unknown key is reported in one place.

use instr_schema::suggest::did_you_mean;
use proc_macro2::{Span, TokenStream};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Lit, LitStr, Meta, Token};

use crate::errors::Errors;

const FEATURE: &str = "feature";
const CALLS: &str = "calls";
const LATENCY: &str = "latency";
const OK: &str = "ok";
const ERR: &str = "err";
const HANDLER_KEYS: &[&str] = &[FEATURE, CALLS, LATENCY, OK, ERR];
const REASON: &str = "reason";

/// `#[instr::handler(feature = "...", calls = EXPR, latency = EXPR, ok = EXPR, err = EXPR)]`.
pub(crate) struct HandlerArgs {
    /// The feature served; required.
    pub(crate) feature: Option<LitStr>,
    /// A counter emitter incremented on every call.
    pub(crate) calls: Option<Expr>,
    /// A histogram emitter that gets the call's duration in seconds.
    pub(crate) latency: Option<Expr>,
    /// A counter emitter incremented when the function returns `Ok`.
    pub(crate) ok: Option<Expr>,
    /// A counter emitter incremented when the function returns `Err`.
    pub(crate) err: Option<Expr>,
    /// Where the attribute is, for errors about a missing key.
    pub(crate) span: Span,
}

impl HandlerArgs {
    /// Parses the arguments, reporting every mistake.
    pub(crate) fn parse(tokens: TokenStream, errors: &mut Errors) -> Self {
        let mut args = Self {
            feature: None,
            calls: None,
            latency: None,
            ok: None,
            err: None,
            span: Span::call_site(),
        };
        let (pairs, malformed) = name_values(tokens, errors);
        let mut feature_given = malformed;
        for (key, value) in pairs {
            let name = key.to_string();
            let slot = match name.as_str() {
                FEATURE => {
                    feature_given = true;
                    if let Some(literal) = string_literal(&value, FEATURE, errors) {
                        set(&mut args.feature, literal, &key, errors);
                    }
                    continue;
                }
                CALLS => &mut args.calls,
                LATENCY => &mut args.latency,
                OK => &mut args.ok,
                ERR => &mut args.err,
                _ => {
                    unknown_key(&key, HANDLER_KEYS, errors);
                    continue;
                }
            };
            set(slot, value, &key, errors);
        }
        // A `feature` key that was given but wrong is already reported.
        if !feature_given {
            errors.at(
                args.span,
                "`#[instr::handler]` needs the feature it serves: `#[instr::handler(feature = \"...\")]`",
            );
        }
        args
    }

    /// True when an option asks for the function's result.
    pub(crate) fn needs_result(&self) -> bool {
        self.ok.is_some() || self.err.is_some()
    }
}

/// `#[instr::exempt(reason = "...")]`: the reason, when it is given and not blank.
pub(crate) struct ExemptArgs;

impl ExemptArgs {
    /// Parses the arguments; `None` (with an error reported) when the reason is missing or
    /// empty.
    pub(crate) fn parse(tokens: TokenStream, errors: &mut Errors) -> Option<LitStr> {
        let mut reason: Option<LitStr> = None;
        let (pairs, mut reported) = name_values(tokens, errors);
        for (key, value) in pairs {
            if key == REASON {
                reported = true;
                if let Some(literal) = string_literal(&value, REASON, errors) {
                    set(&mut reason, literal, &key, errors);
                }
            } else {
                reported = true;
                unknown_key(&key, &[REASON], errors);
            }
        }
        match reason {
            // A misspelt or mistyped `reason` is already reported.
            None if reported => None,
            None => {
                errors.at(
                    Span::call_site(),
                    "`#[instr::exempt]` needs a reason, so reviewers see why this handler measures nothing: `#[instr::exempt(reason = \"...\")]`",
                );
                None
            }
            Some(literal) if literal.value().trim().is_empty() => {
                errors.at(
                    literal.span(),
                    "the reason is empty: say why this handler serves no feature",
                );
                None
            }
            Some(literal) => Some(literal),
        }
    }
}

/// Splits `key = value, ...`, reporting anything of another shape; the flag is true when
/// something was reported.
fn name_values(tokens: TokenStream, errors: &mut Errors) -> (Vec<(syn::Ident, Expr)>, bool) {
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(metas) => metas,
        Err(error) => {
            errors.push(error);
            return (Vec::new(), true);
        }
    };
    let mut malformed = false;
    let mut out = Vec::new();
    for meta in metas {
        match meta {
            Meta::NameValue(pair) => match pair.path.get_ident() {
                Some(ident) => out.push((ident.clone(), pair.value)),
                None => {
                    malformed = true;
                    errors.push(syn::Error::new_spanned(
                        &pair.path,
                        "expected a plain key such as `feature`",
                    ));
                }
            },
            other => {
                malformed = true;
                errors.push(syn::Error::new_spanned(&other, "expected `key = value`"));
            }
        }
    }
    (out, malformed)
}

fn string_literal(value: &Expr, key: &str, errors: &mut Errors) -> Option<LitStr> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(literal),
            ..
        }) => Some(literal.clone()),
        other => {
            errors.at(
                other.span(),
                format!("`{key}` takes a string literal: `{key} = \"...\"`"),
            );
            None
        }
    }
}

fn set<T>(slot: &mut Option<T>, value: T, key: &syn::Ident, errors: &mut Errors) {
    if slot.is_some() {
        errors.at(key.span(), format!("`{key}` is given more than once"));
    } else {
        *slot = Some(value);
    }
}

fn unknown_key(key: &syn::Ident, known: &[&str], errors: &mut Errors) {
    let name = key.to_string();
    let hint = did_you_mean(&name, known.iter().copied())
        .map(|known| format!("did you mean `{known}`? "))
        .unwrap_or_default();
    let list = known
        .iter()
        .map(|key| format!("`{key}`"))
        .collect::<Vec<_>>()
        .join(", ");
    errors.at(
        key.span(),
        format!("unknown argument `{name}`; {hint}known arguments: {list}"),
    );
}
