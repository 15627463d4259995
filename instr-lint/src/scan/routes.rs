//! Route registrations, read from router-building expressions.
//!
//! A method-call chain is taken apart from its root outwards (`Router::new()`,
//! `web::scope("/v1")`, `warp::path("x")`), then each call that registers something is read
//! by its shape: axum and poem method routers take the handler as an argument
//! (`get(h).post(h2)`), actix-web route builders end in `.to(h)` (`web::get().to(h)`),
//! rocket mounts `routes![...]`, warp chains hand requests to `.and_then(f)` / `.map(f)`.
//! Shapes are matched strictly, so a `.route(...)` of an unrelated API is not taken for one.

use std::collections::{HashMap, HashSet};

use proc_macro2::TokenTree;
use syn::Expr;
use syn::punctuated::Punctuated;

use instr_schema::diag::Span;

use super::facts::{
    EndpointKind, FnScope, Framework, HandlerRef, Name, NestFact, PathPart, RouteFact, RoutePath,
    WrittenPath,
};
use super::syntax::{
    address, expr_span, is_method_name, literal_text, method_in_any_case, path_span, span_of,
    unchain, written,
};
use super::warp::{self, Context, FilterRoute, Returns, WarpFn};

/// What a local variable of the registering function was bound to.
#[derive(Debug, Clone)]
pub(crate) enum LocalValue {
    /// A closure: a route naming the variable is served by it (resolved during detection).
    Closure,
    /// A value whose method chain starts at a known static-file constructor
    /// (`let files = ServeDir::new("assets");`): the constructor as written and its call's span.
    Static(WrittenPath, Span),
    /// Anything else: a value built in this function from parts counted where they were built
    /// (a router, a service wrapped in layers, a branch between such values).
    Other,
}

/// The names a function body binds, as known at a registration in it: its parameters, and
/// the `let` bindings seen so far (the last one of a name wins).
#[derive(Debug, Default, Clone)]
pub(crate) struct FnNames {
    /// Parameters bound to a plain name (`handler: H`, `mut svc: S`).
    pub(crate) params: Vec<String>,
    /// Local variables, by name.
    pub(crate) locals: HashMap<String, LocalValue>,
}

impl FnNames {
    /// The parameters of a function signature that bind a plain name.
    pub(crate) fn of(sig: &syn::Signature) -> Self {
        let params = sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(typed) => match &*typed.pat {
                    syn::Pat::Ident(ident) => Some(ident.ident.to_string()),
                    _ => None,
                },
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        Self {
            params,
            locals: HashMap::new(),
        }
    }

    /// True when `name` is a parameter not shadowed by a local bound since.
    pub(crate) fn is_param(&self, name: &str) -> bool {
        self.params.iter().any(|param| param == name) && !self.locals.contains_key(name)
    }
}

/// What a `let` initializer binds, for [`LocalValue`].
pub(crate) fn local_value(init: &Expr, base: usize) -> LocalValue {
    if matches!(init, Expr::Closure(_)) {
        return LocalValue::Closure;
    }
    match static_service(init, base) {
        Some((constructor, span, _)) => LocalValue::Static(constructor, span),
        None => LocalValue::Other,
    }
}

/// A path expression that is one name: `x`, `&x`, `(x)`.
fn single_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Path(path) if path.qself.is_none() && path.path.segments.len() == 1 => {
            Some(path.path.segments[0].ident.to_string())
        }
        Expr::Reference(reference) => single_name(&reference.expr),
        Expr::Paren(paren) => single_name(&paren.expr),
        Expr::Group(group) => single_name(&group.expr),
        _ => None,
    }
}

/// A known static-file service built at the root of `expr`'s method chain
/// (`ServeDir::new("assets").append_index_html_on_directories(true)`), in code at byte `base`:
/// the constructor as written, the constructor call's span, and its first argument when a
/// string literal (the mount path of `actix_files::Files::new`). Detection checks later that
/// the constructor is not the crate's own.
pub(crate) fn static_service(
    expr: &Expr,
    base: usize,
) -> Option<(WrittenPath, Span, Option<String>)> {
    let (root, _) = unchain(expr);
    let Expr::Call(call) = root else { return None };
    let path = call_path(root)?;
    let names = written(path);
    let is_static = match names.as_slice() {
        [.., ty, function] => {
            matches!(
                (ty.as_str(), function.as_str()),
                (
                    "ServeDir"
                        | "ServeFile"
                        | "Files"
                        | "StaticFilesEndpoint"
                        | "StaticFileEndpoint"
                        | "EmbeddedFileEndpoint"
                        | "EmbeddedFilesEndpoint",
                    "new"
                ) | ("FileServer", "from" | "new")
            ) || is_warp_fs(&names)
                || (function == "spa" && call.args.is_empty())
        }
        // actix-web-lab's single-page-app service, checked to be that crate's later.
        [function] => function == "spa" && call.args.is_empty(),
        _ => false,
    };
    if !is_static {
        return None;
    }
    let span = expr_span(root).map_or(Span::default(), |span| span_of(span, base));
    Some((names, span, call.args.first().and_then(string_literal)))
}

/// Collects the routes and mounts of one expression tree.
pub(crate) struct RouteEval<'h> {
    base: usize,
    scope: Option<FnScope>,
    /// The registering function's parameters and locals.
    names: Option<&'h FnNames>,
    handled: &'h mut HashSet<usize>,
    /// What the enclosing function body says about its warp filters.
    warp: Option<&'h mut WarpFn>,
    routes: Vec<RouteFact>,
    nests: Vec<NestFact>,
}

fn string_literal(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(lit),
            ..
        }) => Some(lit.value()),
        Expr::Group(group) => string_literal(&group.expr),
        Expr::Paren(paren) => string_literal(&paren.expr),
        _ => None,
    }
}

fn call_path(expr: &Expr) -> Option<&syn::Path> {
    match expr {
        Expr::Call(call) => match &*call.func {
            Expr::Path(path) => Some(&path.path),
            _ => None,
        },
        _ => None,
    }
}

fn last_ident(path: &syn::Path) -> Option<String> {
    path.segments.last().map(|s| s.ident.to_string())
}

fn method_call_span(call: &syn::ExprMethodCall) -> proc_macro2::Span {
    call.method
        .span()
        .join(call.paren_token.span.close())
        .unwrap_or_else(|| call.method.span())
}

impl<'h> RouteEval<'h> {
    /// An evaluator for code at byte `base`, inside the function `scope`.
    pub(crate) fn new(
        base: usize,
        (scope, names): (Option<FnScope>, Option<&'h FnNames>),
        handled: &'h mut HashSet<usize>,
        warp: Option<&'h mut WarpFn>,
    ) -> Self {
        Self {
            base,
            scope,
            names,
            handled,
            warp,
            routes: Vec::new(),
            nests: Vec::new(),
        }
    }

    /// The routes and mounts found.
    pub(crate) fn finish(self) -> (Vec<RouteFact>, Vec<NestFact>) {
        (self.routes, self.nests)
    }

    fn span(&self, span: proc_macro2::Span) -> Span {
        span_of(span, self.base)
    }

    fn expr_span_or(&self, expr: &Expr, fallback: Span) -> Span {
        expr_span(expr).map_or(fallback, |span| self.span(span))
    }

    fn handler_ref(&self, expr: &Expr, fallback: Span) -> HandlerRef {
        if let Some((constructor, span, _)) = self.static_service(expr) {
            return HandlerRef::Static(constructor, span);
        }
        match expr {
            Expr::Path(path) if path.qself.is_none() => {
                HandlerRef::Path(written(&path.path), self.span(path_span(&path.path)))
            }
            // `self.axum_handler()`: what the crate's own method returns.
            Expr::MethodCall(call) if matches!(&*call.receiver, Expr::Path(path) if path.path.is_ident("self")) => {
                HandlerRef::Returned(
                    vec![Name::new("Self"), Name::from(call.method.to_string())],
                    self.expr_span_or(expr, fallback),
                )
            }
            // `h.layer(..)`, `h.with_state(..)`, `h.with(..)`: the handler is the receiver.
            Expr::MethodCall(call) if matches!(&*call.receiver, Expr::Path(_)) => {
                self.handler_ref(&call.receiver, fallback)
            }
            // `handler::<T>::default()` / `Handler::new(..)`: poem's `#[handler]` makes a type
            // named like the function; the value is built from it.
            Expr::Call(call)
                if matches!(&*call.func, Expr::Path(path)
                    if path.path.segments.len() >= 2
                        && matches!(path.path.segments.last().map(|s| s.ident.to_string()).as_deref(), Some("default" | "new"))) =>
            {
                match &*call.func {
                    Expr::Path(path) => {
                        let mut names = written(&path.path);
                        names.pop();
                        let first = path.path.segments.first().map(|s| s.ident.span());
                        let span = first.map_or(fallback, |span| self.span(span));
                        HandlerRef::Path(names, span)
                    }
                    _ => HandlerRef::Inline(fallback, false),
                }
            }
            // `fn_service(f)` (actix-web), `service_fn(f)` (tower): a service that calls `f`.
            Expr::Call(call)
                if call.args.len() == 1
                    && call_path(expr)
                        .and_then(last_ident)
                        .is_some_and(|name| name == "fn_service" || name == "service_fn") =>
            {
                match call.args.first() {
                    Some(inner) => self.handler_ref(inner, fallback),
                    None => HandlerRef::Inline(fallback, false),
                }
            }
            // `make_handler(..)`, `Type::handler(..)`: what that function returns.
            Expr::Call(call) if matches!(&*call.func, Expr::Path(path) if path.qself.is_none()) => {
                match call_path(expr) {
                    Some(path) => {
                        HandlerRef::Returned(written(path), self.expr_span_or(expr, fallback))
                    }
                    None => HandlerRef::Inline(self.expr_span_or(expr, fallback), false),
                }
            }
            Expr::Reference(reference) => self.handler_ref(&reference.expr, fallback),
            Expr::Paren(paren) => self.handler_ref(&paren.expr, fallback),
            Expr::Group(group) => self.handler_ref(&group.expr, fallback),
            other => HandlerRef::Inline(
                self.expr_span_or(other, fallback),
                matches!(other, Expr::Closure(_) | Expr::Async(_)),
            ),
        }
    }

    /// A known static-file service built at the root of `expr`'s method chain (see
    /// [`static_service`]).
    fn static_service(&self, expr: &Expr) -> Option<(WrittenPath, Span, Option<String>)> {
        static_service(expr, self.base)
    }

    /// A parameter of the registering function, named by `expr` (not shadowed by a local).
    fn is_param(&self, expr: &Expr) -> bool {
        let (Some(names), Some(name)) = (self.names, single_name(expr)) else {
            return false;
        };
        names.is_param(&name)
    }

    /// What a local variable named by `expr` was bound to.
    fn local(&self, expr: &Expr) -> Option<&'h LocalValue> {
        let names = self.names?;
        names.locals.get(&single_name(expr)?)
    }

    /// A service given by name, as a parameter or a local variable of the registering
    /// function, handled here (true) or left to the caller (false): a parameter under a path
    /// that is the caller's too (`path_is_callers`) wraps the registration API, so the
    /// endpoint is the caller's code; a local bound to a static-file service is that service;
    /// any other local (not a closure) is counted where its value was built.
    fn named_service(
        &mut self,
        framework: Framework,
        target: &Expr,
        path: &RoutePath,
        path_is_callers: bool,
        site: Span,
    ) -> bool {
        if path_is_callers && self.is_param(target) {
            self.consume(target);
            return true;
        }
        match self.local(target) {
            Some(LocalValue::Static(constructor, span)) => {
                self.consume(target);
                let service = (constructor.clone(), *span);
                self.push_static(framework, "ANY", path.clone(), service, site);
                true
            }
            Some(LocalValue::Other) => {
                self.consume(target);
                true
            }
            Some(LocalValue::Closure) | None => false,
        }
    }

    /// A handler that is a parameter of the registering function: the caller's code.
    fn callers(&self, handler: &HandlerRef) -> bool {
        match (handler, self.names) {
            (HandlerRef::Path(path, _), Some(names)) => {
                matches!(path.as_slice(), [name] if names.is_param(name))
            }
            _ => false,
        }
    }

    /// Registers a static-file service at `path` (`None`: the path is not known).
    fn push_static(
        &mut self,
        framework: Framework,
        method: &str,
        path: RoutePath,
        service: (WrittenPath, Span),
        site: Span,
    ) {
        self.push_endpoint(
            EndpointKind::Static,
            framework,
            vec![method.to_owned()],
            path,
            HandlerRef::Static(service.0, service.1),
            site,
        );
    }

    /// Registers what answers the requests no route under `prefix` matches: a function, a
    /// method router, an actix-web route builder or a static-file service.
    fn fallback(&mut self, framework: Framework, target: &Expr, prefix: &str, site: Span) {
        let path = RoutePath::Literal(format!("{prefix}/{{*fallback}}"));
        // A fallback has no path of its own: a parameter given here is the caller's
        // (`fn fallback(self, h: H) { self.router.fallback(h) }`).
        if self.named_service(framework, target, &path, true, site) {
            return;
        }
        if let Some((constructor, span, _)) = self.static_service(target) {
            // A static service may have its own fallback: `ServeDir::new(..).fallback(get(f))`.
            self.chain(target, prefix);
            self.push_static(framework, "ANY", path, (constructor, span), site);
            return;
        }
        let entries = match self.actix_builder(target, site) {
            Some(entry) => vec![entry],
            None => self.method_router(target, site),
        };
        self.consume(target);
        if entries.is_empty() {
            let handler = self.handler_ref(target, site);
            self.push_endpoint(
                EndpointKind::Fallback,
                framework,
                vec!["ANY".to_owned()],
                path,
                handler,
                site,
            );
            return;
        }
        for (methods, handler) in entries {
            if self.callers(&handler) {
                continue;
            }
            self.push_endpoint(
                EndpointKind::Fallback,
                framework,
                methods,
                path.clone(),
                handler,
                site,
            );
        }
    }

    fn push_endpoint(
        &mut self,
        kind: EndpointKind,
        framework: Framework,
        methods: Vec<String>,
        path: RoutePath,
        handler: HandlerRef,
        span: Span,
    ) {
        self.routes.push(RouteFact {
            framework,
            kind,
            methods: names_of(methods),
            prefix: String::new(),
            path,
            handler,
            span,
            scope: self.scope.clone(),
            evidence: None,
        });
    }

    fn push_route(
        &mut self,
        framework: Framework,
        methods: Vec<String>,
        prefix: &str,
        path: RoutePath,
        handler: HandlerRef,
        span: Span,
    ) {
        self.routes.push(RouteFact {
            framework,
            kind: EndpointKind::Handler,
            methods: names_of(methods),
            prefix: prefix.to_owned(),
            path,
            handler,
            span,
            scope: self.scope.clone(),
            evidence: None,
        });
    }

    /// Marks an expression and the receivers of its method-call chain as consumed, so the
    /// syntax walk does not read `get(h)` inside `get(h).post(h2)` a second time.
    fn consume(&mut self, expr: &Expr) {
        self.handled.insert(address(expr));
        let (root, calls) = unchain(expr);
        self.handled.insert(address(root));
        for call in calls {
            self.handled.insert(address(&call.receiver));
        }
    }

    fn push_nest(&mut self, prefix: &str, mounted: &Expr) {
        let callee = match mounted {
            Expr::Call(_) => call_path(mounted).map(written),
            Expr::Path(path) => Some(written(&path.path)),
            Expr::MethodCall(_) => {
                let (root, _) = unchain(mounted);
                call_path(root).map(written)
            }
            _ => None,
        };
        if let Some(callee) = callee {
            self.nests.push(NestFact {
                prefix: prefix.to_owned(),
                callee,
                scope: self.scope.clone(),
            });
        }
    }

    /// Reads a chain (or a single call) under `prefix`.
    pub(crate) fn chain(&mut self, expr: &Expr, prefix: &str) {
        self.handled.insert(address(expr));
        if let Expr::Macro(mac) = expr {
            self.rocket_routes_macro(&mac.mac, prefix);
            return;
        }
        let (root, calls) = unchain(expr);
        for call in &calls {
            self.handled.insert(address(&call.receiver));
        }
        if self.standalone_method_router(expr, root) {
            return;
        }
        if self.warp_chain(expr, root, &calls, prefix) {
            return;
        }
        let root_name = call_path(root).and_then(last_ident);
        let root_arg = match root {
            Expr::Call(call) => call.args.first().and_then(string_literal),
            _ => None,
        };
        // `web::resource(..)` / `Resource::new(..)` and `web::scope(..)` / `Scope::new(..)`.
        let built_by = |function: &str, ty: &str| match root_name.as_deref() {
            Some(name) if name == function => true,
            Some("new") => call_path(root).is_some_and(|p| {
                p.segments.len() >= 2 && p.segments[p.segments.len() - 2].ident == ty
            }),
            _ => false,
        };
        if built_by("resource", "Resource")
            && matches!(root, Expr::Call(call) if call.args.len() == 1)
        {
            let path = root_arg.map(|path| format!("{prefix}{path}"));
            self.actix_resource(path.as_deref(), &calls);
            return;
        }
        let chain_prefix = if built_by("scope", "Scope") {
            format!("{prefix}{}", root_arg.unwrap_or_default())
        } else {
            prefix.to_owned()
        };
        for call in calls {
            self.router_call(call, &chain_prefix);
        }
    }

    fn router_call(&mut self, call: &syn::ExprMethodCall, prefix: &str) {
        let name = call.method.to_string();
        let args: Vec<&Expr> = call.args.iter().collect();
        let site = self.span(method_call_span(call));
        match (name.as_str(), args.as_slice()) {
            ("route", [path, target]) => {
                // A path computed at run time still registers a handler; only its route is unknown.
                let route_path = route_path(prefix, path);
                // A path and a handler both from the caller: a wrapper of the registration API.
                let from_caller = self.is_param(path);
                if let Some((methods, handler)) = self.actix_builder(target, site) {
                    self.consume(target);
                    if !(from_caller && self.callers(&handler)) {
                        self.push_route(
                            Framework::ActixWeb,
                            methods,
                            "",
                            route_path,
                            handler,
                            site,
                        );
                    }
                } else {
                    let entries = self.method_router(target, site);
                    if !entries.is_empty() {
                        self.consume(target);
                    }
                    for (methods, handler) in entries {
                        if from_caller && self.callers(&handler) {
                            continue;
                        }
                        self.push_route(
                            Framework::Axum,
                            methods,
                            "",
                            route_path.clone(),
                            handler,
                            site,
                        );
                    }
                }
            }
            ("route_service", [path_expr, target]) => {
                let from_caller = self.is_param(path_expr);
                let path = route_path(prefix, path_expr);
                if let Some((constructor, span, _)) = self.static_service(target) {
                    self.consume(target);
                    self.push_static(Framework::Axum, "ANY", path, (constructor, span), site);
                } else if !self.named_service(Framework::Axum, target, &path, from_caller, site)
                    && !matches!(path, RoutePath::Unknown)
                {
                    let handler = HandlerRef::Inline(self.expr_span_or(target, site), false);
                    self.push_route(
                        Framework::Axum,
                        vec!["ANY".to_owned()],
                        "",
                        path,
                        handler,
                        site,
                    );
                }
            }
            ("nest_service", [path, target]) => {
                if let Some((constructor, span, _)) = self.static_service(target)
                    && let Some(path) = string_literal(path)
                {
                    self.consume(target);
                    let path = RoutePath::Literal(format!("{prefix}{path}/{{*path}}"));
                    self.push_static(Framework::Axum, "ANY", path, (constructor, span), site);
                }
            }
            ("fallback" | "fallback_service", [target]) => {
                self.fallback(Framework::Axum, target, prefix, site);
            }
            ("default_service", [target]) => {
                self.fallback(Framework::ActixWeb, target, prefix, site);
            }
            ("nest" | "nest_no_strip", [path, inner]) => {
                let Some(path) = string_literal(path) else {
                    return;
                };
                let full = format!("{prefix}{path}");
                if let Some((constructor, span, _)) = self.static_service(inner) {
                    self.consume(inner);
                    let path = RoutePath::Literal(format!("{full}/{{*path}}"));
                    self.push_static(Framework::Poem, "ANY", path, (constructor, span), site);
                    return;
                }
                self.push_nest(&full, inner);
                if matches!(inner, Expr::MethodCall(_) | Expr::Call(_)) {
                    self.chain(inner, &full);
                }
            }
            ("merge", [inner]) => {
                self.push_nest(prefix, inner);
                if matches!(inner, Expr::MethodCall(_)) {
                    self.chain(inner, prefix);
                }
            }
            ("configure", [function]) => self.push_nest(prefix, function),
            ("service", [inner]) => self.actix_service(inner, prefix, site),
            ("mount", [path, inner]) => {
                let Some(path) = string_literal(path) else {
                    return;
                };
                let full = format!("{prefix}{path}");
                if let Some((constructor, span, _)) = self.static_service(inner) {
                    self.consume(inner);
                    let path = RoutePath::Literal(format!("{full}/{{*path}}"));
                    self.push_static(Framework::Rocket, "GET", path, (constructor, span), site);
                    return;
                }
                match inner {
                    Expr::Macro(mac) => {
                        self.handled.insert(address(inner));
                        self.rocket_routes_macro(&mac.mac, &full);
                    }
                    other => self.push_nest(&full, other),
                }
            }
            ("at", [path, target]) => {
                let Some(path) = string_literal(path) else {
                    return;
                };
                let full = format!("{prefix}{path}");
                if let Some((constructor, span, _)) = self.static_service(target) {
                    self.consume(target);
                    let path = RoutePath::Literal(full);
                    self.push_static(Framework::Poem, "ANY", path, (constructor, span), site);
                    return;
                }
                let mut entries = self.method_router(target, site);
                if entries.is_empty()
                    && let Expr::Path(_) = target
                {
                    entries.push((vec!["ANY".to_owned()], self.handler_ref(target, site)));
                }
                if !entries.is_empty() {
                    self.consume(target);
                }
                for (methods, handler) in entries {
                    self.push_route(
                        Framework::Poem,
                        methods,
                        "",
                        RoutePath::Literal(full.clone()),
                        handler,
                        site,
                    );
                }
            }
            _ => {}
        }
    }

    /// `get(h)`, `get(h).post(h2)`, `on(MethodFilter::GET, h)`, `any(h)`, `get_service(s)`,
    /// with `.layer(..)`-style wrappers: each method with its handler.
    fn method_router(&self, expr: &Expr, site: Span) -> Vec<(Vec<String>, HandlerRef)> {
        match expr {
            Expr::Call(call) => {
                let Some(name) = call_path(expr).and_then(last_ident) else {
                    return Vec::new();
                };
                let args: Vec<&Expr> = call.args.iter().collect();
                self.method_entry(&name, &args, site).into_iter().collect()
            }
            Expr::MethodCall(call) => {
                let name = call.method.to_string();
                let args: Vec<&Expr> = call.args.iter().collect();
                let mut entries = self.method_router(&call.receiver, site);
                let receiver_is_router = !entries.is_empty()
                    || call_path(&call.receiver).is_some_and(|path| {
                        path.segments.len() >= 2
                            && path.segments[path.segments.len() - 2]
                                .ident
                                .to_string()
                                .ends_with("Method")
                            || path.segments.len() >= 2
                                && path.segments[path.segments.len() - 2].ident == "MethodRouter"
                    });
                if !receiver_is_router {
                    return Vec::new();
                }
                entries.extend(self.method_entry(&name, &args, site));
                entries
            }
            Expr::Paren(paren) => self.method_router(&paren.expr, site),
            _ => Vec::new(),
        }
    }

    /// One method of a method router, called as a function (`get(h)`) or chained
    /// (`.post(h2)`): `get`..`connect` and `any` with a handler, `on(filter, h)`, or
    /// `*_service(s)`.
    fn method_entry(
        &self,
        name: &str,
        args: &[&Expr],
        site: Span,
    ) -> Option<(Vec<String>, HandlerRef)> {
        match (name, args) {
            (method, [handler]) if is_method_name(method) || method == "any" => Some((
                vec![method.to_ascii_uppercase()],
                self.handler_ref(handler, site),
            )),
            ("on", [filter, handler]) => {
                Some((filter_methods(filter), self.handler_ref(handler, site)))
            }
            (service, [inner]) if service.ends_with("_service") && service != "fn_service" => {
                let method = service.trim_end_matches("_service");
                let method = if is_method_name(method) {
                    method
                } else {
                    "any"
                };
                let handler = match self.static_service(inner) {
                    Some((constructor, span, _)) => HandlerRef::Static(constructor, span),
                    // A parameter: the caller's service, named as written.
                    None if self.is_param(inner) => self.handler_ref(inner, site),
                    None => HandlerRef::Inline(self.expr_span_or(inner, site), false),
                };
                Some((vec![method.to_ascii_uppercase()], handler))
            }
            _ => None,
        }
    }

    /// `web::get().to(h)`, `web::route().guard(guard::Post()).to(h)`,
    /// `web::method(Method::GET).to(h)`: the methods and the handler.
    fn actix_builder(&self, expr: &Expr, site: Span) -> Option<(Vec<String>, HandlerRef)> {
        let (root, calls) = unchain(expr);
        let root_call = match root {
            Expr::Call(call) => call,
            _ => return None,
        };
        let name = call_path(root).and_then(last_ident)?;
        if name == "to" && root_call.args.len() == 1 && calls.is_empty() {
            let handler = root_call
                .args
                .first()
                .map(|arg| self.handler_ref(arg, site))?;
            return Some((vec!["ANY".to_owned()], handler));
        }
        let to = calls
            .iter()
            .rev()
            .find(|call| call.method == "to" && call.args.len() == 1)?;
        let mut methods = if is_method_name(&name) && root_call.args.is_empty() {
            vec![name.to_ascii_uppercase()]
        } else if name == "route" && root_call.args.is_empty() {
            Vec::new()
        } else if name == "method" && root_call.args.len() == 1 {
            root_call
                .args
                .first()
                .map(filter_methods)
                .unwrap_or_default()
        } else {
            return None;
        };
        for call in &calls {
            if call.method == "guard" || call.method == "method" {
                for arg in &call.args {
                    for method in filter_methods(arg) {
                        if method != "ANY" && !methods.contains(&method) {
                            methods.push(method);
                        }
                    }
                }
            }
        }
        if methods.is_empty() {
            methods.push("ANY".to_owned());
        }
        let handler = to.args.first().map(|arg| self.handler_ref(arg, site))?;
        Some((methods, handler))
    }

    /// A method router built on its own (`let handler = routing::get(f).layer(..)`), later
    /// routed under a path only known at run time. Its function must resolve into axum or
    /// poem (checked during detection), since `get(x)` alone is too common a call.
    fn standalone_method_router(&mut self, expr: &Expr, root: &Expr) -> bool {
        let Some(evidence) = call_path(root).map(written) else {
            return false;
        };
        let site = self.expr_span_or(expr, Span::default());
        let entries = self.method_router(expr, site);
        if entries.is_empty() {
            return false;
        }
        self.consume(expr);
        for (methods, handler) in entries {
            // `axum::routing::get(handler)` of a parameter, with no path: the caller's code,
            // routed by the caller (a wrapper of the registration API).
            if self.callers(&handler) {
                continue;
            }
            self.routes.push(RouteFact {
                framework: Framework::Axum,
                kind: EndpointKind::Handler,
                methods: names_of(methods),
                prefix: String::new(),
                path: RoutePath::Unknown,
                handler,
                span: site,
                scope: self.scope.clone(),
                evidence: Some(evidence.clone()),
            });
        }
        true
    }

    /// `.route(builder)` and `.to(h)` calls on `web::resource(path)`.
    fn actix_resource(&mut self, path: Option<&str>, calls: &[&syn::ExprMethodCall]) {
        let route_path = || match path {
            Some(path) => RoutePath::Literal(path.to_owned()),
            None => RoutePath::Unknown,
        };
        for call in calls {
            let site = self.span(method_call_span(call));
            let args: Vec<&Expr> = call.args.iter().collect();
            match (call.method.to_string().as_str(), args.as_slice()) {
                ("route", [builder]) => {
                    if let Some((methods, handler)) = self.actix_builder(builder, site) {
                        self.consume(builder);
                        self.push_route(
                            Framework::ActixWeb,
                            methods,
                            "",
                            route_path(),
                            handler,
                            site,
                        );
                    }
                }
                ("default_service", [target]) => {
                    let (methods, handler) =
                        self.actix_builder(target, site).unwrap_or_else(|| {
                            (vec!["ANY".to_owned()], self.handler_ref(target, site))
                        });
                    self.consume(target);
                    self.push_endpoint(
                        EndpointKind::Fallback,
                        Framework::ActixWeb,
                        methods,
                        route_path(),
                        handler,
                        site,
                    );
                }
                // `web::resource(p).get(h)`, `.post(h)`, ...
                (method, [handler]) if is_method_name(method) => {
                    let handler = self.handler_ref(handler, site);
                    self.push_route(
                        Framework::ActixWeb,
                        vec![method.to_ascii_uppercase()],
                        "",
                        route_path(),
                        handler,
                        site,
                    );
                }
                ("to", [handler]) => {
                    let handler = self.handler_ref(handler, site);
                    // `Resource::new(p).guard(guard::Get()).to(h)` serves GET only.
                    let mut methods: Vec<String> = calls
                        .iter()
                        .filter(|call| call.method == "guard")
                        .flat_map(|call| call.args.iter().flat_map(filter_methods))
                        .filter(|method| method != "ANY")
                        .collect();
                    if methods.is_empty() {
                        methods.push("ANY".to_owned());
                    }
                    self.push_route(
                        Framework::ActixWeb,
                        methods,
                        "",
                        route_path(),
                        handler,
                        site,
                    );
                }
                _ => {}
            }
        }
    }

    /// The argument of actix-web's `.service(...)`: a route-attributed function, a tuple of
    /// them, a resource, a scope, or a function that builds one.
    fn actix_service(&mut self, inner: &Expr, prefix: &str, site: Span) {
        match inner {
            Expr::Tuple(tuple) => {
                for element in &tuple.elems {
                    self.actix_service(element, prefix, site);
                }
            }
            Expr::Path(path) if path.qself.is_none() => {
                let handler =
                    HandlerRef::Path(written(&path.path), self.span(path_span(&path.path)));
                self.push_route(
                    Framework::ActixWeb,
                    Vec::new(),
                    prefix,
                    RoutePath::FromAttribute,
                    handler,
                    site,
                );
            }
            Expr::MethodCall(_) | Expr::Call(_) if self.static_service(inner).is_some() => {
                if let Some((constructor, span, mount)) = self.static_service(inner) {
                    self.consume(inner);
                    let path = match (mount, &inner_args(inner)) {
                        (Some(mount), _) => {
                            RoutePath::Literal(format!("{prefix}{mount}/{{*path}}"))
                        }
                        // `spa()`: everything under the prefix.
                        (None, 0) => RoutePath::Literal(format!("{prefix}/{{*path}}")),
                        (None, _) => RoutePath::Unknown,
                    };
                    self.push_static(Framework::ActixWeb, "GET", path, (constructor, span), site);
                }
            }
            Expr::MethodCall(_) | Expr::Call(_) => {
                let (root, _) = unchain(inner);
                let root_name = call_path(root).and_then(last_ident);
                match root_name.as_deref() {
                    Some("resource" | "scope") => self.chain(inner, prefix),
                    Some("new")
                        if call_path(root).is_some_and(|p| {
                            p.segments.len() >= 2
                                && matches!(
                                    p.segments[p.segments.len() - 2].ident.to_string().as_str(),
                                    "Resource" | "Scope"
                                )
                        }) =>
                    {
                        self.chain(inner, prefix);
                    }
                    _ => self.push_nest(prefix, inner),
                }
            }
            _ => {}
        }
    }

    /// `routes![a, b::c]`: each path names a rocket route function.
    fn rocket_routes_macro(&mut self, mac: &syn::Macro, prefix: &str) {
        if mac.path.segments.last().is_none_or(|s| s.ident != "routes") {
            return;
        }
        let parser = Punctuated::<syn::Path, syn::Token![,]>::parse_terminated;
        let Ok(paths) = syn::parse::Parser::parse2(parser, mac.tokens.clone()) else {
            return;
        };
        let site = self.span(path_span(&mac.path));
        for path in paths {
            let handler = HandlerRef::Path(written(&path), self.span(path_span(&path)));
            self.push_route(
                Framework::Rocket,
                Vec::new(),
                prefix,
                RoutePath::FromAttribute,
                handler,
                site,
            );
        }
    }

    fn is_warp_chain(&self, root: &Expr, calls: &[&syn::ExprMethodCall]) -> bool {
        is_warp_filter_root(root)
            || calls.iter().any(|call| {
                call.method == "and"
                    && call
                        .args
                        .first()
                        .is_some_and(|arg| is_warp_filter_root(unchain(arg).0))
            })
    }

    /// A warp filter chain: `warp::path(API).and(warp::path::param()).and(warp::get())`
    /// ending in `.and_then(handler)`, `.map(|..| ..)` or `.then(..)`, or serving files with
    /// `warp::fs::dir(..)`. The mapping at the end of a served chain handles its requests
    /// (earlier ones feed it; see `super::warp` for when a chain is served); a chain the
    /// checker cannot read the path of is `<dynamic>`. False when `expr` is no warp chain.
    fn warp_chain(
        &mut self,
        expr: &Expr,
        root: &Expr,
        calls: &[&syn::ExprMethodCall],
        prefix: &str,
    ) -> bool {
        let context = self.warp.as_ref().and_then(|warp| warp.context(expr));
        let returns = self
            .warp
            .as_ref()
            .map_or(Returns::NotAFilter, |warp| warp.returns);
        let binding = self.warp.as_ref().and_then(|warp| warp.binding_of(root));
        let path_rooted = self.is_warp_chain(root, calls);
        let warp_rooted = warp::is_warp_call(root);
        // A chain built on a function's filter (`get_query_extractor().or(..).then(h)`) is
        // read only where the function returns it as its reply.
        let call_rooted = !path_rooted
            && !warp_rooted
            && binding.is_none()
            && matches!(root, Expr::Call(_))
            && context == Some(Context::Tail)
            && returns == Returns::Reply
            && calls.iter().any(|call| warp::is_mapping(call));
        if !(path_rooted || warp_rooted || binding.is_some() || call_rooted) {
            return false;
        }
        let mut route = binding
            .and_then(|binding| self.warp.as_ref().and_then(|warp| warp.route(binding)))
            .cloned()
            .unwrap_or_default();
        let mut statics = Vec::new();
        self.warp_filter(root, &mut route, &mut statics);
        for call in calls {
            if call.method == "and"
                && let Some(filter) = call.args.first()
            {
                let (filter_root, filter_calls) = unchain(filter);
                self.warp_filter(filter_root, &mut route, &mut statics);
                for inner in filter_calls {
                    if inner.method == "and"
                        && let Some(arg) = inner.args.first()
                    {
                        self.warp_filter(unchain(arg).0, &mut route, &mut statics);
                    }
                }
                // Read here: a `warp::fs::dir(..)` inside is not a service of its own.
                self.consume(filter);
            }
        }
        if let (Some(Context::Let(binding)), Some(warp)) = (context, self.warp.as_deref_mut()) {
            warp.set_route(binding, route.clone());
        }
        let path = filter_path(&route, prefix);
        let method = route.method.clone().unwrap_or_else(|| "ANY".to_owned());
        for (service, span, dir) in statics {
            let path = match &path {
                RoutePath::Literal(path) if dir => {
                    RoutePath::Literal(format!("{}/{{*path}}", path.trim_end_matches('/')))
                }
                other => other.clone(),
            };
            self.push_static(Framework::Warp, "GET", path, (service, span), span);
        }
        let served = match context {
            Some(Context::AndArg) => path_rooted,
            Some(Context::Let(binding)) => {
                self.warp.as_ref().is_some_and(|warp| warp.served(binding))
            }
            Some(Context::Tail) => returns != Returns::Data,
            None => true,
        };
        if !served {
            return true;
        }
        let mappings: Vec<usize> = calls
            .iter()
            .enumerate()
            .filter(|(_, call)| warp::is_mapping(call))
            .map(|(index, _)| index)
            .collect();
        for &index in &mappings {
            let call = calls[index];
            let last = mappings.last() == Some(&index);
            let ends_branch = calls
                .get(index + 1)
                .is_some_and(|next| next.method == "or" || next.method == "or_else");
            if !last && !ends_branch {
                continue;
            }
            let Some(arg) = call.args.first() else {
                continue;
            };
            let handler = match arg {
                Expr::Path(path) => {
                    let written_path = written(&path.path);
                    let skip = [
                        "warp", "Box", "Arc", "std", "Ok", "Some", "Into", "From", "String",
                    ];
                    if written_path
                        .first()
                        .is_some_and(|first| skip.contains(&first.as_str()))
                    {
                        continue;
                    }
                    HandlerRef::Path(written_path, self.span(path_span(&path.path)))
                }
                Expr::Closure(_) => {
                    let site = self.span(method_call_span(call));
                    HandlerRef::Inline(self.expr_span_or(arg, site), true)
                }
                _ => continue,
            };
            let site = self.span(method_call_span(call));
            self.push_route(
                Framework::Warp,
                vec![method.clone()],
                "",
                path.clone(),
                handler,
                site,
            );
        }
        true
    }

    /// Adds what one warp filter says about the path, the method and served files.
    fn warp_filter(
        &self,
        expr: &Expr,
        route: &mut FilterRoute,
        statics: &mut Vec<(WrittenPath, Span, bool)>,
    ) {
        match expr {
            Expr::Call(call) => {
                let Some(path) = call_path(expr) else { return };
                let names = written(path);
                if is_warp_fs(&names) {
                    let span = self.expr_span_or(expr, Span::default());
                    let dir = names.last().is_some_and(|last| last == "dir");
                    statics.push((names, span, dir));
                    return;
                }
                let last = names.last().map(Name::as_str).unwrap_or("");
                if !(names.first().is_some_and(|first| first == "warp") || names.len() == 1) {
                    return;
                }
                match last {
                    "path" => match call.args.first() {
                        Some(arg) => match (string_literal(arg), arg) {
                            (Some(segment), _) => route.segments.push(PathPart::Literal(segment)),
                            (None, Expr::Path(constant)) if constant.qself.is_none() => route
                                .segments
                                .push(PathPart::Const(written(&constant.path))),
                            _ => route.dynamic = true,
                        },
                        None => route.dynamic = true,
                    },
                    "param" => route.segments.push(PathPart::Literal("{param}".to_owned())),
                    "tail" => route.segments.push(PathPart::Literal("{*tail}".to_owned())),
                    method_name if is_method_name(method_name) && call.args.is_empty() => {
                        route.method = Some(method_name.to_ascii_uppercase());
                    }
                    _ => {}
                }
            }
            Expr::Macro(mac)
                if mac
                    .mac
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "path") =>
            {
                let mut current = String::new();
                for tree in mac.mac.tokens.clone() {
                    match tree {
                        TokenTree::Punct(punct) if punct.as_char() == '/' => {
                            if !current.is_empty() {
                                route
                                    .segments
                                    .push(PathPart::Literal(std::mem::take(&mut current)));
                            }
                        }
                        TokenTree::Punct(punct) if punct.as_char() == ';' => break,
                        TokenTree::Literal(literal) => {
                            current = literal_text(&literal).unwrap_or_default();
                        }
                        _ => {
                            if current.is_empty() || current == "{param}" {
                                current = "{param}".to_owned();
                            }
                        }
                    }
                }
                if !current.is_empty() {
                    route.segments.push(PathPart::Literal(current));
                }
            }
            _ => {}
        }
    }
}

/// A warp route's path under `prefix`: literal, built from constants, or unknown.
fn filter_path(route: &FilterRoute, prefix: &str) -> RoutePath {
    if route.dynamic {
        return RoutePath::Unknown;
    }
    let mut parts = vec![PathPart::Literal(prefix.to_owned())];
    for segment in &route.segments {
        parts.push(PathPart::Literal("/".to_owned()));
        parts.push(segment.clone());
    }
    if route.segments.is_empty() {
        parts.push(PathPart::Literal("/".to_owned()));
    }
    literal_parts(parts)
}

/// How many arguments the call at the root of a method chain takes.
fn inner_args(expr: &Expr) -> usize {
    match unchain(expr).0 {
        Expr::Call(call) => call.args.len(),
        _ => 0,
    }
}

/// Parts that are all literal, joined; otherwise the parts, to resolve later.
fn literal_parts(parts: Vec<PathPart>) -> RoutePath {
    if parts
        .iter()
        .all(|part| matches!(part, PathPart::Literal(_)))
    {
        let mut text = String::new();
        for part in &parts {
            if let PathPart::Literal(literal) = part {
                text.push_str(literal);
            }
        }
        RoutePath::Literal(text)
    } else {
        RoutePath::Parts(parts)
    }
}

/// A route path argument: a literal, a constant (resolved later), or unknown.
fn route_path(prefix: &str, path: &Expr) -> RoutePath {
    if let Some(path) = string_literal(path) {
        return RoutePath::Literal(format!("{prefix}{path}"));
    }
    match path {
        Expr::Path(constant) if constant.qself.is_none() => literal_parts(vec![
            PathPart::Literal(prefix.to_owned()),
            PathPart::Const(written(&constant.path)),
        ]),
        Expr::Reference(reference) => route_path(prefix, &reference.expr),
        Expr::Paren(paren) => route_path(prefix, &paren.expr),
        Expr::Group(group) => route_path(prefix, &group.expr),
        _ => RoutePath::Unknown,
    }
}

/// `warp::fs::dir` / `warp::fs::file` (also `fs::dir` after `use warp::fs`).
fn is_warp_fs(names: &[Name]) -> bool {
    match names {
        [.., module, function] => {
            module == "fs"
                && matches!(function.as_str(), "dir" | "file")
                && (names.len() == 2 || names[0] == "warp")
        }
        _ => false,
    }
}

/// A filter a warp route chain starts from: `warp::path(..)`, `warp::path::end()`,
/// `warp::path!(..)`, `path!(..)`, `warp::fs::dir(..)`.
fn is_warp_filter_root(expr: &Expr) -> bool {
    match expr {
        Expr::Call(_) => call_path(expr).is_some_and(|path| {
            let segments = written(path);
            segments.first().is_some_and(|first| first == "warp")
                && segments.iter().any(|s| s == "path")
                || is_warp_fs(&segments)
        }),
        Expr::Macro(mac) => {
            let segments = written(&mac.mac.path);
            segments.last().is_some_and(|last| last == "path")
                && (segments.len() == 1 || segments[0] == "warp")
        }
        _ => false,
    }
}

/// Methods as the facts keep them.
fn names_of(methods: Vec<String>) -> Vec<Name> {
    methods.into_iter().map(Name::from).collect()
}

/// The HTTP methods an expression names: `MethodFilter::GET.or(MethodFilter::POST)`,
/// `Method::GET`, `guard::Post()`; `ANY` when it names none.
fn filter_methods(expr: &Expr) -> Vec<String> {
    let mut found = Vec::new();
    collect_methods(expr, &mut found);
    if found.is_empty() {
        found.push("ANY".to_owned());
    }
    found
}

fn collect_methods(expr: &Expr, found: &mut Vec<String>) {
    let mut add = |name: &str| {
        if let Some(method) = method_in_any_case(name)
            && !found.iter().any(|known| known == method)
        {
            found.push(method.to_owned());
        }
    };
    match expr {
        Expr::Path(path) => {
            if let Some(last) = last_ident(&path.path) {
                add(&last);
            }
        }
        Expr::Call(call) => {
            if let Some(last) = call_path(expr).and_then(last_ident) {
                add(&last);
            }
            for arg in &call.args {
                collect_methods(arg, found);
            }
        }
        Expr::MethodCall(call) => {
            collect_methods(&call.receiver, found);
            for arg in &call.args {
                collect_methods(arg, found);
            }
        }
        Expr::Binary(binary) => {
            collect_methods(&binary.left, found);
            collect_methods(&binary.right, found);
        }
        Expr::Paren(paren) => collect_methods(&paren.expr, found),
        _ => {}
    }
}
