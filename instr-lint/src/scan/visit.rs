//! The syntax-tree walk that turns one parsed file (or one chunk of it) into [`FileFacts`].

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::visit::{self, Visit};

use instr_schema::diag::Span;

use super::attrs::read_attr;
use super::facts::{
    AttrFact, FileFacts, FnFact, FnScope, GenericParam, HandlerRef, ImplBlock, LocalClosure,
    ModDecl, ModPath, ModuleFacts, Name, RawMetricCall, SchemaCall, StrConst, UseFact, WrittenPath,
};
use super::modules::{Declared, ModDir, declare, has_cfg, is_cfg_test};
use super::routes::{FnNames, RouteEval, local_value};
use super::syntax::{expr_span, path_span, span_of, written};
use super::warp::WarpFn;

/// Where a file sits in its crate, as the scheduler knows it.
#[derive(Debug, Clone)]
pub struct FileContext {
    /// The module the file is.
    pub module: ModPath,
    /// The directory its `mod x;` files are looked up in.
    pub child_dir: PathBuf,
    /// The directory `#[path]` on its top-level `mod` items is relative to.
    pub file_dir: PathBuf,
}

impl FileContext {
    /// The context of a file: crate roots, `mod.rs` files and `#[path]` files own their
    /// directory; any other `a/b.rs` keeps its children in `a/b/`.
    pub fn new(path: &Path, module: ModPath, owns_dir: bool) -> Self {
        let file_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let child_dir = if owns_dir {
            file_dir.clone()
        } else {
            let stem = path
                .file_stem()
                .map(|s| s.to_os_string())
                .unwrap_or_default();
            file_dir.join(stem)
        };
        Self {
            module,
            child_dir,
            file_dir,
        }
    }
}

/// Walks one file. Create with [`FileVisitor::new`], call [`FileVisitor::visit_piece`] for
/// each parsed piece, then take [`FileVisitor::facts`].
pub struct FileVisitor {
    /// What was learnt so far.
    pub facts: FileFacts,
    base: usize,
    /// Indices into `facts.modules`, innermost last.
    stack: Vec<usize>,
    /// `(child_dir, inline)` per module on the stack.
    dirs: Vec<ModDir>,
    file_dir: PathBuf,
    /// Enclosing functions, innermost last.
    fn_scope: Vec<FnScope>,
    /// Per enclosing function, innermost last: its parameters and the locals bound so far.
    fn_names: Vec<FnNames>,
    impl_ctx: Vec<ImplCtx>,
    /// Expressions a route evaluation already consumed (by address).
    handled: HashSet<usize>,
    metric_aliases: HashSet<String>,
    event_aliases: HashSet<String>,
    /// Names that refer to metrics-facade macros in this file.
    facade_macros: HashSet<String>,
    facade_glob: bool,
    /// Names imported from the `instr` crate (`use instr::schema;`), or `*` for a glob.
    instr_imports: HashSet<String>,
    /// The file imports from warp (its filter chains need `warp::Filter` in scope): function
    /// bodies are then read for their filters first.
    warp_imported: bool,
    /// Per enclosing function, innermost last: its warp filters.
    warp: Vec<Option<WarpFn>>,
}

#[derive(Clone)]
struct ImplCtx {
    self_ty: Option<Name>,
    block: Option<std::sync::Arc<ImplBlock>>,
}

/// The type parameters of an impl that its self type names, with the last segment of each
/// trait bound, inline or in the `where` clause.
fn impl_generics(item: &syn::ItemImpl) -> Vec<GenericParam> {
    let mut used = HashSet::new();
    collect_idents(&item.self_ty, &mut used);
    let mut params: Vec<GenericParam> = item
        .generics
        .type_params()
        .filter(|param| used.contains(&param.ident.to_string()))
        .map(|param| GenericParam {
            name: Name::from(param.ident.to_string()),
            bounds: trait_bounds(&param.bounds),
        })
        .collect();
    if let Some(clause) = &item.generics.where_clause {
        for predicate in &clause.predicates {
            if let syn::WherePredicate::Type(predicate) = predicate
                && let Some(name) = type_name(&predicate.bounded_ty)
                && let Some(param) = params.iter_mut().find(|param| param.name == name)
            {
                param.bounds.extend(trait_bounds(&predicate.bounds));
            }
        }
    }
    params
}

fn trait_bounds<'a>(bounds: impl IntoIterator<Item = &'a syn::TypeParamBound>) -> Vec<Name> {
    bounds
        .into_iter()
        .filter_map(|bound| match bound {
            syn::TypeParamBound::Trait(bound) => bound
                .path
                .segments
                .last()
                .map(|segment| Name::from(segment.ident.to_string())),
            _ => None,
        })
        .collect()
}

/// Every identifier in a type (`Logged<E>` has `Logged` and `E`).
fn collect_idents(ty: &syn::Type, out: &mut HashSet<String>) {
    struct Idents<'o>(&'o mut HashSet<String>);
    impl<'ast> Visit<'ast> for Idents<'_> {
        fn visit_ident(&mut self, ident: &'ast proc_macro2::Ident) {
            self.0.insert(ident.to_string());
        }
    }
    Idents(out).visit_type(ty);
}

/// A field type that names an endpoint type: `BoxEndpoint<'static>`, `Box<dyn Endpoint>`,
/// `Vec<(Method, BoxEndpoint)>`.
fn names_endpoint(ty: &syn::Type) -> bool {
    let mut idents = HashSet::new();
    collect_idents(ty, &mut idents);
    idents.iter().any(|ident| ident.ends_with("Endpoint"))
}

/// The string a `const` or `static` item holds, when its value is a string literal.
fn string_value(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(lit),
            ..
        }) => Some(lit.value()),
        syn::Expr::Group(group) => string_value(&group.expr),
        syn::Expr::Paren(paren) => string_value(&paren.expr),
        _ => None,
    }
}

/// The last identifier of a type, `Foo` for `crate::x::Foo<T>`, `&Foo` or `Box<Foo>`.
fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        syn::Type::Reference(reference) => type_name(&reference.elem),
        syn::Type::Paren(paren) => type_name(&paren.elem),
        syn::Type::Group(group) => type_name(&group.elem),
        _ => None,
    }
}

impl FileVisitor {
    /// A visitor for a file in `context`.
    pub fn new(context: &FileContext) -> Self {
        let facts = FileFacts {
            modules: vec![ModuleFacts {
                path: context.module.clone(),
                ..ModuleFacts::default()
            }],
            ..FileFacts::default()
        };
        Self {
            facts,
            base: 0,
            stack: vec![0],
            dirs: vec![(context.child_dir.clone(), false)],
            file_dir: context.file_dir.clone(),
            fn_scope: Vec::new(),
            fn_names: Vec::new(),
            impl_ctx: Vec::new(),
            handled: HashSet::new(),
            metric_aliases: HashSet::new(),
            event_aliases: HashSet::new(),
            facade_macros: HashSet::new(),
            facade_glob: false,
            instr_imports: HashSet::new(),
            warp_imported: false,
            warp: Vec::new(),
        }
    }

    /// Visits one parsed piece that starts at byte `base` of the file.
    pub fn visit_piece(&mut self, file: &syn::File, base: usize) {
        self.base = base;
        self.handled.clear();
        self.visit_file(file);
    }

    /// The facts, deduplicated and trimmed to size: they outlive the file's syntax tree and
    /// are kept for every file of the workspace until the check ends.
    pub fn finish(mut self) -> FileFacts {
        for list in [
            &mut self.facts.emits.metric_idents,
            &mut self.facts.emits.event_idents,
            &mut self.facts.emits.raw_names,
        ] {
            list.sort_unstable();
            list.dedup();
            list.shrink_to_fit();
        }
        for module in &mut self.facts.modules {
            module.fns.shrink_to_fit();
            module.types.shrink_to_fit();
            module.uses.shrink_to_fit();
            module.routes.shrink_to_fit();
            module.nests.shrink_to_fit();
            module.str_consts.shrink_to_fit();
            // A closure bound to a local is read only for a route registered in the same
            // function (`analysis::handlers`): the others are dropped. The facts stay small,
            // and a lean parse, which blanks bodies that register nothing, gives the same.
            module.local_closures.retain(|closure| {
                module
                    .routes
                    .iter()
                    .any(|route| route.scope.as_ref() == Some(&closure.scope))
            });
            module.local_closures.shrink_to_fit();
        }
        self.facts.modules.shrink_to_fit();
        self.facts
    }

    /// Names the file binds that make code mean emission wherever they occur: aliases of a
    /// `metrics` or `events` module, imported metrics-facade macros (all of them under
    /// `use metrics::*`), names imported from `instr` (`schema` under `use instr::*`).
    pub fn bound_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .metric_aliases
            .iter()
            .chain(&self.event_aliases)
            .chain(&self.facade_macros)
            .chain(&self.instr_imports)
            .filter(|name| *name != "*")
            .cloned()
            .collect();
        if self.facade_glob {
            names.extend(["counter", "gauge", "histogram"].map(str::to_owned));
        }
        if self.instr_imports.contains("*") {
            names.push("schema".to_owned());
        }
        names
    }

    fn module(&mut self) -> &mut ModuleFacts {
        let index = self.stack.last().copied().unwrap_or(0);
        &mut self.facts.modules[index]
    }

    fn span(&self, span: proc_macro2::Span) -> Span {
        span_of(span, self.base)
    }

    fn attrs(&self, attrs: &[syn::Attribute]) -> Vec<AttrFact> {
        attrs
            .iter()
            .filter(|attr| matches!(attr.style, syn::AttrStyle::Outer))
            .filter(|attr| {
                // Doc comments and lint attributes never matter and are the bulk of them.
                let path = attr.path();
                !(path.is_ident("doc")
                    || path.is_ident("allow")
                    || path.is_ident("warn")
                    || path.is_ident("deny")
                    || path.is_ident("expect")
                    || path.is_ident("inline")
                    || path.is_ident("must_use"))
            })
            .map(|attr| read_attr(attr, self.base))
            .collect()
    }

    fn push_fn(&mut self, attrs: &[syn::Attribute], vis: &syn::Visibility, sig: &syn::Signature) {
        // `#[instr::handler(feature = "x", latency = metrics::CheckoutLatencySeconds)]`
        // records into metrics: the paths in its arguments count as emission.
        for attr in attrs {
            if attr
                .path()
                .segments
                .last()
                .is_some_and(|s| s.ident == "handler")
                && let syn::Meta::List(list) = &attr.meta
            {
                self.scan_macro_tokens(&list.tokens);
            }
        }
        let ctx = self.impl_ctx.last().cloned();
        let attrs = self.attrs(attrs);
        self.collect_attr_names(&attrs);
        let mut fact = FnFact {
            name: Name::from(sig.ident.to_string()),
            self_ty: ctx.as_ref().and_then(|ctx| ctx.self_ty.clone()),
            impl_block: ctx.and_then(|ctx| ctx.block),
            is_pub: !matches!(vis, syn::Visibility::Inherited),
            name_span: self.span(sig.ident.span()),
            body: None,
        };
        fact.edit_body(|body| body.attrs = attrs.into_boxed_slice());
        self.module().fns.push(fact);
    }

    /// How many names of each kind have been recorded as emitted so far in the file.
    fn emit_mark(&self) -> [usize; 3] {
        let emits = &self.facts.emits;
        [
            emits.metric_idents.len(),
            emits.event_idents.len(),
            emits.raw_names.len(),
        ]
    }

    /// Gives function `position` of module `module`, just visited, the names recorded since
    /// `mark`: those of its attributes and body.
    fn close_fn_at(&mut self, module: usize, position: usize, mark: [usize; 3]) {
        let emits = &self.facts.emits;
        let mut names: Vec<Name> = emits.metric_idents[mark[0]..]
            .iter()
            .chain(&emits.event_idents[mark[1]..])
            .chain(&emits.raw_names[mark[2]..])
            .cloned()
            .collect();
        names.sort_unstable();
        names.dedup();
        if let Some(function) = self.facts.modules[module].fns.get_mut(position) {
            function.edit_body(|body| body.emits = names.into_boxed_slice());
        }
    }

    /// String options of `#[instr::handler(...)]` may name metrics it records into.
    fn collect_attr_names(&mut self, attrs: &[AttrFact]) {
        for attr in attrs {
            if attr.path.last().is_some_and(|last| last == "handler") {
                for (_, value, _) in &attr.pairs {
                    self.facts.emits.raw_names.push(Name::new(value));
                }
            }
        }
    }

    fn record_use(&mut self, tree: &syn::UseTree, prefix: &mut WrittenPath, public: bool) {
        if prefix.is_empty()
            && let syn::UseTree::Path(path) = tree
            && path.ident == "warp"
        {
            self.warp_imported = true;
        }
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(Name::from(path.ident.to_string()));
                self.record_use(&path.tree, prefix, public);
                prefix.pop();
            }
            syn::UseTree::Name(name) => {
                let ident = Name::from(name.ident.to_string());
                if ident == "self" {
                    if let Some(last) = prefix.last().cloned() {
                        self.add_use(last, prefix.clone(), public);
                    }
                } else {
                    let mut target = prefix.clone();
                    target.push(ident.clone());
                    self.add_use(ident, target, public);
                }
            }
            syn::UseTree::Rename(rename) => {
                let ident = Name::from(rename.ident.to_string());
                let mut target = prefix.clone();
                if ident != "self" {
                    target.push(ident);
                }
                self.add_use(Name::from(rename.rename.to_string()), target, public);
            }
            syn::UseTree::Glob(_) => {
                if prefix.len() == 1 && prefix[0] == "instr" {
                    self.instr_imports.insert("*".to_owned());
                }
                if prefix.last().is_some_and(|last| last == "metrics") && prefix.len() == 1 {
                    self.facade_glob = true;
                }
                self.module().globs.push(prefix.clone());
            }
            syn::UseTree::Group(group) => {
                for item in &group.items {
                    self.record_use(item, prefix, public);
                }
            }
        }
    }

    fn add_use(&mut self, name: Name, target: WrittenPath, public: bool) {
        let len = target.len();
        if len == 2 && target[0] == "instr" && target[1] == "schema" {
            self.instr_imports.insert(name.to_string());
        }
        if len >= 2 {
            let parent = target[len - 2].as_str();
            if parent == "metrics" || self.metric_aliases.contains(parent) {
                self.facts.emits.metric_idents.push(target[len - 1].clone());
            } else if parent == "events" || self.event_aliases.contains(parent) {
                self.facts.emits.event_idents.push(target[len - 1].clone());
            }
            if len == 2 && target[0] == "metrics" && is_facade_macro(&target[1]) {
                self.facade_macros.insert(name.to_string());
            }
        }
        match target.last().map(Name::as_str) {
            Some("metrics") if name != "metrics" => {
                self.metric_aliases.insert(name.to_string());
            }
            Some("events") if name != "events" => {
                self.event_aliases.insert(name.to_string());
            }
            _ => {}
        }
        self.module().uses.push(UseFact {
            name,
            target,
            public,
        });
    }

    fn scan_macro_tokens(&mut self, tokens: &TokenStream) {
        let mut previous: [Option<String>; 3] = [None, None, None];
        for tree in tokens.clone() {
            match &tree {
                TokenTree::Group(group) => {
                    if group.delimiter() != Delimiter::None || !group.stream().is_empty() {
                        self.scan_macro_tokens(&group.stream());
                    }
                    previous = [None, None, None];
                }
                TokenTree::Ident(ident) => {
                    let text = ident.to_string();
                    if previous[1].as_deref() == Some(":")
                        && previous[2].as_deref() == Some(":")
                        && let Some(parent) = previous[0].as_deref()
                    {
                        if parent == "metrics" || self.metric_aliases.contains(parent) {
                            self.facts.emits.metric_idents.push(Name::new(&text));
                        } else if parent == "events" || self.event_aliases.contains(parent) {
                            self.facts.emits.event_idents.push(Name::new(&text));
                        }
                    }
                    previous = [Some(text), None, None];
                }
                TokenTree::Punct(punct) if punct.as_char() == ':' => {
                    if previous[1].is_none() {
                        previous[1] = Some(":".to_owned());
                    } else {
                        previous[2] = Some(":".to_owned());
                    }
                }
                _ => previous = [None, None, None],
            }
        }
    }

    fn facade_macro_kind(&self, path: &syn::Path) -> Option<String> {
        let segments = written(path);
        let last = segments.last()?;
        if !is_facade_macro(last) {
            return None;
        }
        let via_path = segments.len() >= 2 && segments[segments.len() - 2] == "metrics";
        let via_import =
            segments.len() == 1 && (self.facade_macros.contains(last.as_str()) || self.facade_glob);
        (via_path || via_import).then(|| last.trim_end_matches('!').to_owned())
    }
}

impl FileVisitor {
    /// Enters a function body: its warp filters are read first, in a file that uses warp.
    fn enter_body(&mut self, block: &syn::Block, sig: &syn::Signature) {
        let warp = self.warp_imported.then(|| WarpFn::new(block, sig));
        self.warp.push(warp);
        self.fn_names.push(FnNames::of(sig));
    }

    /// Leaves the body [`Self::enter_body`] entered.
    fn leave_body(&mut self) {
        self.warp.pop();
        self.fn_names.pop();
    }

    /// Records the closure function `position` of module `module` returns, when it returns a
    /// handler.
    fn set_returned_closure(
        &mut self,
        module: usize,
        position: usize,
        sig: &syn::Signature,
        block: &syn::Block,
    ) {
        let returns_handler = match &sig.output {
            syn::ReturnType::Type(_, ty) => {
                let mut idents = HashSet::new();
                collect_idents(ty, &mut idents);
                idents.iter().any(|ident| ident.ends_with("Handler"))
            }
            syn::ReturnType::Default => false,
        };
        if !returns_handler {
            return;
        }
        let closure = match block.stmts.last() {
            Some(syn::Stmt::Expr(expr @ syn::Expr::Closure(_), None)) => expr_span(expr),
            _ => None,
        };
        let span = closure.map(|span| self.span(span));
        if let Some(function) = self.facts.modules[module].fns.get_mut(position) {
            function.edit_body(|body| body.returned_closure = span);
        }
    }

    /// The routes registered in the rules of `macro_rules! name { .. }`: each transcriber is
    /// read as statements, its metavariables as plain names (`$path` as `path`) and its
    /// repetitions once; one that does not parse so is skipped. A route is registered where
    /// the macro is expanded, which the scanner does not follow, so a closure written in the
    /// body is one endpoint however often it is expanded. A handler that is a metavariable is
    /// the invoker's code, not an endpoint here. Nothing else of the body is kept (items,
    /// emitted names): it is code only as expanded.
    fn macro_rules_routes(&mut self, name: String, tokens: &TokenStream) {
        let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
        let module = self.stack.last().copied().unwrap_or(0);
        for window in trees.windows(3) {
            let [
                TokenTree::Punct(eq),
                TokenTree::Punct(gt),
                TokenTree::Group(body),
            ] = window
            else {
                continue;
            };
            if eq.as_char() != '=' || gt.as_char() != '>' {
                continue;
            }
            let mut metavariables = HashSet::new();
            let stream = unmeta(body.stream(), &mut metavariables);
            let parser = syn::Block::parse_within;
            let Ok(stmts) = syn::parse::Parser::parse2(parser, stream) else {
                continue;
            };
            let emits = self.emit_mark();
            let (raw_calls, schema_calls) = (
                self.facts.raw_metric_calls.len(),
                self.facts.schema_calls.len(),
            );
            let first_route = self.facts.modules[module].routes.len();
            let saved_handled = std::mem::take(&mut self.handled);
            let saved_names = self.fn_names.last().cloned();
            self.fn_scope.push(FnScope {
                self_ty: None,
                name: Name::from(format!("{name}!")),
            });
            for stmt in stmts
                .iter()
                .filter(|stmt| !matches!(stmt, syn::Stmt::Item(_)))
            {
                self.visit_stmt(stmt);
            }
            self.fn_scope.pop();
            if let (Some(saved), Some(names)) = (saved_names, self.fn_names.last_mut()) {
                *names = saved;
            }
            self.handled = saved_handled;
            let facts = &mut self.facts;
            facts.emits.metric_idents.truncate(emits[0]);
            facts.emits.event_idents.truncate(emits[1]);
            facts.emits.raw_names.truncate(emits[2]);
            facts.raw_metric_calls.truncate(raw_calls);
            facts.schema_calls.truncate(schema_calls);
            let routes = &mut facts.modules[module].routes;
            let mut index = first_route;
            while index < routes.len() {
                let invokers = matches!(&routes[index].handler,
                    HandlerRef::Path(path, _) | HandlerRef::Returned(path, _)
                        if path.first().is_some_and(|first| metavariables.contains(first.as_str())));
                if invokers {
                    routes.remove(index);
                } else {
                    index += 1;
                }
            }
        }
    }

    /// Records a module-level string constant (those in function bodies are not reachable by
    /// path from elsewhere).
    fn str_const(&mut self, name: &syn::Ident, value: &syn::Expr) {
        if !self.fn_scope.is_empty() {
            return;
        }
        if let Some(value) = string_value(value) {
            self.module().str_consts.push(StrConst {
                name: Name::from(name.to_string()),
                value,
            });
        }
    }
}

/// A `macro_rules!` transcriber as plain tokens: `$name` is `name` (collected into
/// `metavariables`; `$crate` is `crate`), a repetition `$( .. ) sep op` is its contents once.
/// Spans are kept, so what is read from it points into the file.
fn unmeta(stream: TokenStream, metavariables: &mut HashSet<String>) -> TokenStream {
    let is_op = |tree: Option<&TokenTree>| matches!(tree, Some(TokenTree::Punct(punct)) if matches!(punct.as_char(), '*' | '+' | '?'));
    let mut out: Vec<TokenTree> = Vec::new();
    let mut trees = stream.into_iter().peekable();
    while let Some(tree) = trees.next() {
        match tree {
            TokenTree::Punct(dollar) if dollar.as_char() == '$' => match trees.peek().cloned() {
                Some(TokenTree::Ident(ident)) => {
                    trees.next();
                    if ident != "crate" {
                        metavariables.insert(ident.to_string());
                    }
                    out.push(TokenTree::Ident(ident));
                }
                Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Parenthesis => {
                    trees.next();
                    out.extend(unmeta(group.stream(), metavariables));
                    // `$(..)*` or `$(..),*`: the separator, if any, then the operator.
                    if !is_op(trees.peek()) {
                        trees.next();
                    }
                    if is_op(trees.peek()) {
                        trees.next();
                    }
                }
                _ => out.push(TokenTree::Punct(dollar)),
            },
            TokenTree::Group(group) => {
                let mut inner = proc_macro2::Group::new(
                    group.delimiter(),
                    unmeta(group.stream(), metavariables),
                );
                inner.set_span(group.span());
                out.push(TokenTree::Group(inner));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

fn is_facade_macro(name: &str) -> bool {
    matches!(name, "counter" | "gauge" | "histogram")
}

fn first_string_literal(tokens: &TokenStream) -> Option<String> {
    tokens.clone().into_iter().find_map(|tree| match tree {
        TokenTree::Literal(literal) => syn::parse_str::<syn::LitStr>(&literal.to_string())
            .ok()
            .map(|lit| lit.value()),
        _ => None,
    })
}

impl<'ast> Visit<'ast> for FileVisitor {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        let span = Span::new(
            self.span(item.mod_token.span).start,
            self.span(item.ident.span()).end,
        );
        let dir = self.dirs.last().cloned().unwrap_or_default();
        let parent = self.module().path.clone();
        match declare(item, &parent, &dir, &self.file_dir, span) {
            Declared::TestInline => {}
            Declared::OutOfLine { name, decl } => {
                self.module().child_modules.push(name);
                self.facts.children.push(decl);
            }
            Declared::Inline { name, path, dir } => {
                self.module().child_modules.push(name);
                self.facts.modules.push(ModuleFacts {
                    path,
                    ..ModuleFacts::default()
                });
                self.stack.push(self.facts.modules.len() - 1);
                self.dirs.push(dir);
                let saved_scope = std::mem::take(&mut self.fn_scope);
                let saved_names = std::mem::take(&mut self.fn_names);
                if let Some((_, items)) = &item.content {
                    for item in items {
                        self.visit_item(item);
                    }
                }
                self.fn_names = saved_names;
                self.fn_scope = saved_scope;
                self.dirs.pop();
                self.stack.pop();
            }
        }
    }

    fn visit_item_extern_crate(&mut self, item: &'ast syn::ItemExternCrate) {
        // `#[macro_use] extern crate rocket;` brings rocket's attributes into every module,
        // like a glob import of the crate.
        let macro_use = item
            .attrs
            .iter()
            .any(|attr| attr.path().is_ident("macro_use"));
        let name = item.ident.to_string();
        if name == "warp" {
            self.warp_imported = true;
        }
        if let Some((_, alias)) = &item.rename {
            self.add_use(Name::from(alias.to_string()), vec![Name::new(&name)], false);
        }
        if macro_use {
            self.module().globs.push(vec![Name::from(name)]);
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let public = !matches!(item.vis, syn::Visibility::Inherited);
        let mut prefix = Vec::new();
        self.record_use(&item.tree, &mut prefix, public);
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        if is_cfg_test(&item.attrs) {
            return;
        }
        // A function nested in another function's body belongs to no impl.
        let saved_impl = std::mem::take(&mut self.impl_ctx);
        let mark = self.emit_mark();
        let module = self.stack.last().copied().unwrap_or(0);
        self.push_fn(&item.attrs, &item.vis, &item.sig);
        let position = self.facts.modules[module].fns.len() - 1;
        self.set_returned_closure(module, position, &item.sig, &item.block);
        self.fn_scope.push(FnScope {
            self_ty: None,
            name: Name::from(item.sig.ident.to_string()),
        });
        self.enter_body(&item.block, &item.sig);
        visit::visit_block(self, &item.block);
        self.leave_body();
        self.fn_scope.pop();
        self.impl_ctx = saved_impl;
        self.close_fn_at(module, position, mark);
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        if is_cfg_test(&item.attrs) {
            return;
        }
        let attrs = self.attrs(&item.attrs);
        let generics = impl_generics(item);
        let trait_path = item.trait_.as_ref().map(|(path, _)| written(path));
        // `impl Middleware<E> for M { type Output = Wrapped; }`: `Wrapped` wraps an endpoint.
        if trait_path
            .as_ref()
            .and_then(|path| path.last())
            .is_some_and(|last| last == "Middleware")
        {
            for impl_item in &item.items {
                if let syn::ImplItem::Type(output) = impl_item
                    && output.ident == "Output"
                    && let Some(name) = type_name(&output.ty)
                {
                    self.module().middleware_outputs.push(Name::from(name));
                }
            }
        }
        // Most impl blocks are plain `impl Type`: their methods carry no block at all.
        let plain = trait_path.is_none() && attrs.is_empty() && generics.is_empty();
        let ctx = ImplCtx {
            self_ty: type_name(&item.self_ty).map(Name::from),
            block: (!plain).then(|| {
                std::sync::Arc::new(ImplBlock {
                    trait_path: trait_path.map(Vec::into_boxed_slice),
                    attrs: attrs.into_boxed_slice(),
                    generics: generics.into_boxed_slice(),
                })
            }),
        };
        self.impl_ctx.push(ctx);
        for impl_item in &item.items {
            self.visit_impl_item(impl_item);
        }
        self.impl_ctx.pop();
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        if is_cfg_test(&item.attrs) {
            return;
        }
        let mark = self.emit_mark();
        let module = self.stack.last().copied().unwrap_or(0);
        self.push_fn(&item.attrs, &item.vis, &item.sig);
        let position = self.facts.modules[module].fns.len() - 1;
        self.set_returned_closure(module, position, &item.sig, &item.block);
        let self_ty = self.impl_ctx.last().and_then(|ctx| ctx.self_ty.clone());
        self.fn_scope.push(FnScope {
            self_ty,
            name: Name::from(item.sig.ident.to_string()),
        });
        let saved_impl = std::mem::take(&mut self.impl_ctx);
        self.enter_body(&item.block, &item.sig);
        visit::visit_block(self, &item.block);
        self.leave_body();
        self.impl_ctx = saved_impl;
        self.fn_scope.pop();
        self.close_fn_at(module, position, mark);
    }

    fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
        // Default method bodies may register routes; the trait's methods are not handlers.
        if let Some(block) = &item.default {
            self.fn_scope.push(FnScope {
                self_ty: None,
                name: Name::from(item.sig.ident.to_string()),
            });
            self.fn_names.push(FnNames::of(&item.sig));
            visit::visit_block(self, block);
            self.fn_names.pop();
            self.fn_scope.pop();
        }
    }

    fn visit_item_const(&mut self, item: &'ast syn::ItemConst) {
        self.str_const(&item.ident, &item.expr);
        visit::visit_item_const(self, item);
    }

    fn visit_item_static(&mut self, item: &'ast syn::ItemStatic) {
        self.str_const(&item.ident, &item.expr);
        visit::visit_item_static(self, item);
    }

    fn visit_item_struct(&mut self, item: &'ast syn::ItemStruct) {
        self.module().types.push(Name::from(item.ident.to_string()));
        if item.fields.iter().any(|field| names_endpoint(&field.ty)) {
            self.module()
                .endpoint_holders
                .push(Name::from(item.ident.to_string()));
        }
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        let name = match &local.pat {
            syn::Pat::Ident(ident) => Some(&ident.ident),
            syn::Pat::Type(typed) => match &*typed.pat {
                syn::Pat::Ident(ident) => Some(&ident.ident),
                _ => None,
            },
            _ => None,
        };
        if let (Some(name), Some(init), Some(scope)) =
            (name, &local.init, self.fn_scope.last().cloned())
            && matches!(&*init.expr, syn::Expr::Closure(_))
            && let Some(span) = expr_span(&init.expr)
        {
            let span = self.span(span);
            self.module().local_closures.push(LocalClosure {
                scope,
                name: Name::from(name.to_string()),
                span,
            });
        }
        visit::visit_local(self, local);
        // Bound after its initializer is read: `let route = route.nest(..)` reads the old one.
        if let (Some(name), Some(init)) = (name, &local.init) {
            let value = local_value(&init.expr, self.base);
            if let Some(names) = self.fn_names.last_mut() {
                names.locals.insert(name.to_string(), value);
            }
        }
    }

    fn visit_item_enum(&mut self, item: &'ast syn::ItemEnum) {
        self.module().types.push(Name::from(item.ident.to_string()));
    }

    fn visit_item_type(&mut self, item: &'ast syn::ItemType) {
        self.module().types.push(Name::from(item.ident.to_string()));
    }

    fn visit_item_union(&mut self, item: &'ast syn::ItemUnion) {
        self.module().types.push(Name::from(item.ident.to_string()));
    }

    fn visit_expr(&mut self, expr: &'ast syn::Expr) {
        let address = std::ptr::from_ref(expr) as usize;
        if matches!(expr, syn::Expr::MethodCall(_) | syn::Expr::Call(_))
            && !self.handled.contains(&address)
        {
            let scope = self.fn_scope.last().cloned();
            let names = self.fn_names.last();
            let warp = self.warp.last_mut().and_then(Option::as_mut);
            let mut eval = RouteEval::new(self.base, (scope, names), &mut self.handled, warp);
            eval.chain(expr, "");
            let (routes, nests) = eval.finish();
            let module = self.module();
            module.routes.extend(routes);
            module.nests.extend(nests);
        }
        visit::visit_expr(self, expr);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments = &path.segments;
        for pair in segments.iter().zip(segments.iter().skip(1)) {
            let parent = pair.0.ident.to_string();
            if parent == "metrics" || self.metric_aliases.contains(&parent) {
                self.facts
                    .emits
                    .metric_idents
                    .push(Name::from(pair.1.ident.to_string()));
            } else if parent == "events" || self.event_aliases.contains(&parent) {
                self.facts
                    .emits
                    .event_idents
                    .push(Name::from(pair.1.ident.to_string()));
            }
        }
        visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let path = written(&mac.path);
        let path: Vec<&str> = path
            .iter()
            .map(Name::as_str)
            .filter(|s| !s.is_empty())
            .collect();
        if path == ["instr", "schema"]
            || (path.len() == 1
                && (self.instr_imports.contains(path[0])
                    || (path[0] == "schema" && self.instr_imports.contains("*"))))
        {
            self.facts.schema_calls.push(SchemaCall {
                path: first_string_literal(&mac.tokens),
                span: self.span(
                    path_span(&mac.path)
                        .join(mac.delimiter.span().close())
                        .unwrap_or_else(|| path_span(&mac.path)),
                ),
            });
        }
        if let Some(kind) = self.facade_macro_kind(&mac.path) {
            let name = first_string_literal(&mac.tokens);
            if let Some(name) = &name {
                self.facts.emits.raw_names.push(Name::new(name));
            }
            self.facts.raw_metric_calls.push(RawMetricCall {
                kind: Name::from(kind),
                name,
                span: self.span(path_span(&mac.path)),
            });
        }
        if mac
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "include_proto")
            && let Some(package) = first_string_literal(&mac.tokens)
        {
            self.module().proto_package = Some(Name::from(package));
        }
        self.scan_macro_tokens(&mac.tokens);
        visit::visit_macro(self, mac);
    }

    fn visit_item_macro(&mut self, item: &'ast syn::ItemMacro) {
        // `macro_rules!` bodies are templates: only the routes they register are read.
        if item.mac.path.is_ident("macro_rules") {
            let name = item.ident.as_ref().map(ToString::to_string);
            self.macro_rules_routes(name.unwrap_or_default(), &item.mac.tokens);
            return;
        }
        // `include!("file.rs")` at item level: the file's items belong to this module.
        if item.mac.path.is_ident("include")
            && let Ok(lit) = syn::parse2::<syn::LitStr>(item.mac.tokens.clone())
        {
            let (child_dir, inline) = self.dirs.last().cloned().unwrap_or_default();
            let base = if inline {
                child_dir
            } else {
                self.file_dir.clone()
            };
            let path = self.module().path.clone();
            let span = self.span(path_span(&item.mac.path));
            self.facts.children.push(ModDecl {
                path,
                candidates: vec![base.join(lit.value())],
                span,
                from_path_attr: true,
                conditional: has_cfg(&item.attrs),
                test_only: false,
            });
            return;
        }
        visit::visit_item_macro(self, item);
    }
}
