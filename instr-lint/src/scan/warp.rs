//! What a function body says about its warp filters, read before the body is walked: which
//! local variables hold filters and whether each is served, which expressions are arguments of
//! `.and(..)`, and what the function returns.
//!
//! warp routes are values: `let sum = warp::path!("sum" / u32 / u32).map(|a, b| a + b);` is
//! served when `sum` reaches `warp::serve` (through `.or(sum)`, say), and is an extractor when
//! it only feeds another filter (`.and(sum)`, `sum.map(..)`). The mapping at the end of a chain
//! is a handler when the chain is served; a library function's filter is served when its
//! return type extracts a reply (`impl Filter<Extract = (impl Reply,)>`), and an extractor
//! when it extracts data (`Extract = (Db,)`).

use std::collections::HashMap;

use syn::Expr;
use syn::visit::{self, Visit};

use super::facts::PathPart;
use super::syntax::{address, unchain};

/// Where a filter chain is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Context {
    /// The value of `let <binding> = ...;`.
    Let(usize),
    /// An argument of `.and(..)`: its extract feeds the chain.
    AndArg,
    /// What the function returns.
    Tail,
}

/// What the function's return type says about a filter it returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Returns {
    /// Not a filter (`main`, a function returning `()`).
    NotAFilter,
    /// A filter extracting a reply: whatever it maps to is served.
    Reply,
    /// A filter extracting data: an extractor for other filters.
    Data,
}

/// Type names that make a filter's extract a reply (the text of a return type is its
/// identifiers, each followed by a space): warp's `Reply` and replies, responses, and the
/// strings warp replies with as they are.
const REPLIES: [&str; 6] = ["Reply ", "Response ", "str ", "String ", "Html ", "Json "];

/// The route a filter variable carries into the chains built on it.
#[derive(Clone, Debug, Default)]
pub(crate) struct FilterRoute {
    /// Path segments.
    pub(crate) segments: Vec<PathPart>,
    /// A segment could not be read.
    pub(crate) dynamic: bool,
    /// The method, when a method filter was seen.
    pub(crate) method: Option<String>,
}

/// A `let` binding of a filter.
#[derive(Debug, Default)]
struct Binding {
    /// Reaches a use that serves it: `warp::serve(x)`, `.or(x)`, `x.or(..)`, returned.
    served: bool,
    /// Its route, once its value has been read.
    route: Option<FilterRoute>,
}

/// The warp facts of one function body.
#[derive(Debug)]
pub(crate) struct WarpFn {
    contexts: HashMap<usize, Context>,
    /// A path expression naming a filter variable (by address): the binding it names.
    var_uses: HashMap<usize, usize>,
    bindings: Vec<Binding>,
    /// The function's return type.
    pub(crate) returns: Returns,
}

fn strip(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(paren) => strip(&paren.expr),
        Expr::Group(group) => strip(&group.expr),
        Expr::Reference(reference) => strip(&reference.expr),
        // `x.clone()` and `x.boxed()` are `x`.
        Expr::MethodCall(call)
            if call.args.is_empty() && (call.method == "clone" || call.method == "boxed") =>
        {
            strip(&call.receiver)
        }
        other => other,
    }
}

/// `.and_then(..)`, `.map(..)` or `.then(..)`: what a chain maps requests with.
pub(crate) fn is_mapping(call: &syn::ExprMethodCall) -> bool {
    matches!(
        call.method.to_string().as_str(),
        "and_then" | "map" | "then"
    ) && call.args.len() == 1
}

/// A call or macro of warp's own (`warp::any()`, `warp::path!(..)`, `path!(..)`).
pub(crate) fn is_warp_call(expr: &Expr) -> bool {
    match expr {
        Expr::Call(call) => match &*call.func {
            Expr::Path(path) => path
                .path
                .segments
                .first()
                .is_some_and(|first| first.ident == "warp"),
            _ => false,
        },
        Expr::Macro(mac) => {
            let segments: Vec<String> = mac
                .mac
                .path
                .segments
                .iter()
                .map(|segment| segment.ident.to_string())
                .collect();
            segments.last().is_some_and(|last| last == "path")
                && (segments.len() == 1 || segments[0] == "warp")
        }
        _ => false,
    }
}

/// The one identifier a path expression is, if it is one.
fn variable(expr: &Expr) -> Option<String> {
    match strip(expr) {
        Expr::Path(path) if path.qself.is_none() && path.path.segments.len() == 1 => {
            Some(path.path.segments[0].ident.to_string())
        }
        _ => None,
    }
}

impl WarpFn {
    /// Reads a function's body and signature.
    pub(crate) fn new(block: &syn::Block, sig: &syn::Signature) -> Self {
        let returns = match &sig.output {
            // A function that takes a filter and returns one wraps it (`warp::wrap_fn`): what
            // it maps is middleware, not a handler.
            _ if wraps_a_route(sig) => Returns::Data,
            syn::ReturnType::Default => Returns::NotAFilter,
            syn::ReturnType::Type(_, ty) => {
                let text = quote_type(ty);
                if !text.contains("Filter ") {
                    Returns::NotAFilter
                } else if REPLIES.iter().any(|reply| text.contains(reply)) {
                    Returns::Reply
                } else {
                    Returns::Data
                }
            }
        };
        let mut reader = Reader {
            scope: Self {
                contexts: HashMap::new(),
                var_uses: HashMap::new(),
                bindings: Vec::new(),
                returns,
            },
            live: HashMap::new(),
        };
        let last = block.stmts.len().saturating_sub(1);
        for (index, stmt) in block.stmts.iter().enumerate() {
            match stmt {
                syn::Stmt::Local(local) => {
                    let name = match &local.pat {
                        syn::Pat::Ident(ident) => Some(ident.ident.to_string()),
                        syn::Pat::Type(typed) => match &*typed.pat {
                            syn::Pat::Ident(ident) => Some(ident.ident.to_string()),
                            _ => None,
                        },
                        _ => None,
                    };
                    let Some(init) = &local.init else { continue };
                    reader.visit_expr(&init.expr);
                    let Some(name) = name else { continue };
                    if reader.is_filter(&init.expr) {
                        let binding = reader.scope.bindings.len();
                        reader.scope.bindings.push(Binding::default());
                        reader
                            .scope
                            .contexts
                            .insert(address(&init.expr), Context::Let(binding));
                        reader.live.insert(name, binding);
                    } else {
                        reader.live.remove(&name);
                    }
                }
                syn::Stmt::Expr(expr, semi) => {
                    if semi.is_none() && index == last {
                        reader.scope.contexts.insert(address(expr), Context::Tail);
                    }
                    if let Expr::Return(ret) = expr
                        && let Some(value) = &ret.expr
                    {
                        reader.scope.contexts.insert(address(value), Context::Tail);
                    }
                    reader.visit_expr(expr);
                }
                _ => {}
            }
        }
        reader.scope
    }

    /// Where `expr` (the outermost expression of a chain) is written, when that matters.
    pub(crate) fn context(&self, expr: &Expr) -> Option<Context> {
        self.contexts.get(&address(expr)).copied()
    }

    /// The binding a variable at the root of a chain names.
    pub(crate) fn binding_of(&self, root: &Expr) -> Option<usize> {
        self.var_uses.get(&address(root)).copied()
    }

    /// Whether a binding reaches a use that serves it.
    pub(crate) fn served(&self, binding: usize) -> bool {
        self.bindings.get(binding).is_some_and(|b| b.served)
    }

    /// The route of a binding's filter, once read.
    pub(crate) fn route(&self, binding: usize) -> Option<&FilterRoute> {
        self.bindings.get(binding).and_then(|b| b.route.as_ref())
    }

    /// Records the route of a binding's filter, for the chains built on it.
    pub(crate) fn set_route(&mut self, binding: usize, route: FilterRoute) {
        if let Some(b) = self.bindings.get_mut(binding) {
            b.route = Some(route);
        }
    }
}

/// A parameter is a filter that extracts a reply (`impl Filter<Extract = (impl Reply,)>`, or
/// `F: Filter` with `F::Extract: Reply`): the function wraps another route, as `warp::wrap_fn`
/// takes. (A filter parameter that extracts data, `Extract = (Context,)`, only feeds it.)
fn wraps_a_route(sig: &syn::Signature) -> bool {
    let replies = |text: &str| REPLIES.iter().any(|reply| text.contains(reply));
    let mut wrapped: Vec<String> = Vec::new();
    for param in sig.generics.type_params() {
        let bounds: String = param.bounds.iter().map(bound_text).collect();
        if bounds.contains("Filter ") && replies(&bounds) {
            wrapped.push(param.ident.to_string());
        }
    }
    if let Some(clause) = &sig.generics.where_clause {
        for predicate in &clause.predicates {
            if let syn::WherePredicate::Type(predicate) = predicate {
                let bounded = quote_type(&predicate.bounded_ty);
                let bounds: String = predicate.bounds.iter().map(bound_text).collect();
                let mut idents = bounded.split(' ');
                if let (Some(param), Some("Extract")) = (idents.next(), idents.next())
                    && replies(&bounds)
                {
                    wrapped.push(param.to_owned());
                } else if bounds.contains("Filter ") && replies(&bounds) {
                    wrapped.push(bounded.trim().to_owned());
                }
            }
        }
    }
    sig.inputs.iter().any(|input| match input {
        syn::FnArg::Typed(typed) => {
            let text = quote_type(&typed.ty);
            (text.contains("Filter ") && replies(&text))
                || text
                    .split(' ')
                    .any(|ident| wrapped.iter().any(|param| param == ident))
        }
        syn::FnArg::Receiver(_) => false,
    })
}

fn bound_text(bound: &syn::TypeParamBound) -> String {
    let mut idents = Idents(String::new());
    idents.visit_type_param_bound(bound);
    idents.0
}

fn quote_type(ty: &syn::Type) -> String {
    let mut idents = Idents(String::new());
    idents.visit_type(ty);
    idents.0
}

/// The identifiers of a type or bound, each followed by a space: what the checks above read
/// (`impl Filter<Extract = (impl Reply,)>` reads `Filter Extract Reply `).
struct Idents(String);

impl<'ast> Visit<'ast> for Idents {
    fn visit_ident(&mut self, ident: &'ast proc_macro2::Ident) {
        self.0.push_str(&ident.to_string());
        self.0.push(' ');
    }
}

/// The pre-pass over a body: filter variables live at each point, and their uses.
struct Reader {
    scope: WarpFn,
    /// Variable name to its current binding.
    live: HashMap<String, usize>,
}

impl Reader {
    /// A filter value: a chain rooted at warp's own filters or at a filter variable.
    fn is_filter(&self, expr: &Expr) -> bool {
        let (root, _) = unchain(expr);
        is_warp_call(root) || variable(root).is_some_and(|name| self.live.contains_key(&name))
    }

    fn binding(&self, expr: &Expr) -> Option<usize> {
        variable(expr).and_then(|name| self.live.get(&name).copied())
    }
}

impl<'ast> Visit<'ast> for Reader {
    fn visit_expr(&mut self, expr: &'ast Expr) {
        match expr {
            Expr::MethodCall(_) => {
                // A branch `.or(..)` is served or feeds as the whole chain does.
                let inherited = self.scope.contexts.get(&address(expr)).copied();
                let (root, calls) = unchain(expr);
                match self.binding(root) {
                    Some(binding) => {
                        self.scope.var_uses.insert(address(root), binding);
                        // A variable that more mapping builds on feeds it; otherwise the chain
                        // combines it (`x.or(y)`, `x.with(..)`) and serves it.
                        if !calls.iter().any(|call| is_mapping(call)) {
                            self.scope.bindings[binding].served = true;
                        }
                    }
                    None => self.visit_expr(root),
                }
                for (index, call) in calls.iter().enumerate() {
                    // `.and(x)` with no mapping after it (`warp::any().and(x).or(y)`): the chain
                    // extracts what x does, x's reply; x is served as the chain is.
                    let last_extract = !calls[index + 1..].iter().any(|later| is_mapping(later));
                    for arg in &call.args {
                        if (call.method == "or" || call.method == "or_else")
                            && let Some(context) = inherited
                        {
                            self.scope.contexts.entry(address(arg)).or_insert(context);
                        }
                        if call.method == "and" {
                            self.scope.contexts.insert(address(arg), Context::AndArg);
                            if let Some(binding) = self.binding(arg) {
                                if last_extract {
                                    self.scope.bindings[binding].served = true;
                                }
                                // Otherwise `.and(x)`: x feeds the chain.
                                continue;
                            }
                        }
                        self.visit_expr(arg);
                    }
                }
            }
            Expr::Path(_) => {
                if let Some(binding) = self.binding(expr) {
                    self.scope.bindings[binding].served = true;
                }
            }
            // Closures are handlers' bodies: the filters they mention are not served by them.
            Expr::Closure(_) => {}
            other => visit::visit_expr(self, other),
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // `warp::serve(routes)` is a call, but filters are also passed to macros
        // (`tokio::join!`); a variable named there is served.
        let parser = syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated;
        if let Ok(args) = syn::parse::Parser::parse2(parser, mac.tokens.clone()) {
            for arg in &args {
                if let Some(binding) = self.binding(arg) {
                    self.scope.bindings[binding].served = true;
                }
            }
        }
    }
}
