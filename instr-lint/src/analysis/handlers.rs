//! Handler detection: from the scanned facts, every function (or closure) that serves
//! requests, with its routes (prefixes joined) and its instr marks.
//!
//! A function is a handler when a framework attribute says so (actix-web and rocket route
//! attributes, poem `#[handler]`, poem-openapi `#[oai]` in an `#[OpenApi]` impl), when it
//! implements a tonic service trait (a trait found in a `<name>_server` module), when a
//! router registration names it, when configuration says so (`handler-attributes`,
//! `handler-modules`), or when it carries `#[instr::handler]` / `#[instr::exempt]`.
//! Attribute paths are resolved through imports first, so poem's `#[handler]` is never
//! taken for instr's and `use instr::handler as h; #[h(...)]` is.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use instr_schema::diag::Span;

use super::idents::snake;
use super::resolve::{FnId, Index, Resolved};
use crate::globs::Globs;
use crate::scan::discover::Scan;
use crate::scan::facts::{
    AttrFact, EndpointKind, FnFact, FnScope, Framework, HandlerRef, ModPath, Name, PathPart,
    RouteFact, RoutePath,
};
use crate::scan::prefilter::module_matches;
use crate::scan::syntax::{is_method_name, method_in_any_case};
use crate::workspace::Workspace;
use crate::workspace::config::Config;

pub use super::site::Site;

pub use super::handler_routes::{DYNAMIC_PATH, HandlerRoute, Routes};

/// `#[instr::handler(feature = "...")]` on a handler.
#[derive(Debug, Clone)]
pub struct FeatureMark {
    /// The feature named, with the literal's place; `None` when the attribute names none.
    pub feature: Option<NamedFeature>,
    /// The attribute.
    pub attr: Site,
}

/// The feature an `#[instr::handler]` names, and where.
#[derive(Debug, Clone)]
pub struct NamedFeature {
    /// The name as written.
    pub name: String,
    /// The string literal.
    pub site: Site,
}

/// `#[instr::exempt(reason = "...")]` on a handler.
#[derive(Debug, Clone)]
pub struct ExemptMark {
    /// The reason, when given and not blank.
    pub reason: Option<String>,
    /// The attribute.
    pub attr: Site,
}

/// An endpoint: a handler of the crate, a fallback, a static-file service, or another
/// crate's function served under a route of this one. (Named `Handler` for the handlers that
/// are most of them; [`Handler::kind`] tells them apart.)
#[derive(Debug, Clone)]
pub struct Handler {
    /// Index into [`Scan::units`].
    pub unit: usize,
    /// What serves its requests.
    pub kind: EndpointKind,
    /// The package and crate name of its target (shared by the target's handlers).
    pub target: Arc<TargetNames>,
    /// Its module in the crate (shared by the handlers of a module).
    pub module: Arc<[Name]>,
    /// `name`, `Type::name`, `<closure in f>` for handlers written in place,
    /// `<ServeDir::new in f>` for static-file services, the path as written for external ones
    /// (a shared name: the same few recur across files).
    pub function: Name,
    /// Where its name (or the closure) is.
    pub site: Site,
    /// The file `site` is in (shared by the handlers of a file).
    pub path: Arc<std::path::Path>,
    /// The frameworks that found it, the first being the one shown.
    pub frameworks: FoundBy,
    /// Its routes (kept encoded: see `super::handler_routes`).
    pub routes: Routes,
    /// What few handlers have: instr's marks, an external endpoint's own path. Boxed, and
    /// absent when there is none: every handler is held to the end of the check.
    pub marks: Option<Box<Marks>>,
    /// The metric and event names its function's attributes and body refer to (see
    /// `FnFact::emits`); none for a closure, an expression or another crate's function. Kept
    /// here so that the lints read them after the scan's facts are freed.
    pub emits: Box<[Name]>,
}

/// The names of a target, shared by its handlers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetNames {
    /// Its package.
    pub package: Box<str>,
    /// Its crate name.
    pub crate_name: Box<str>,
}

/// What only some handlers have (see [`Handler::marks`]).
#[derive(Debug, Clone, Default)]
pub struct Marks {
    /// `#[instr::handler]`, if present.
    pub feature: Option<FeatureMark>,
    /// `#[instr::exempt]`, if present.
    pub exempt: Option<ExemptMark>,
    /// For an external endpoint, the function's own path (`instr::prometheus::axum::handler`),
    /// which [`Handler::item_path`] gives instead of the path in the crate.
    pub external_path: Option<Box<str>>,
}

impl Handler {
    /// The package it belongs to.
    pub fn package(&self) -> &str {
        &self.target.package
    }

    /// The crate name of its target.
    pub fn crate_name(&self) -> &str {
        &self.target.crate_name
    }

    /// `#[instr::handler]`, if present.
    pub fn feature(&self) -> Option<&FeatureMark> {
        self.marks.as_ref()?.feature.as_ref()
    }

    /// `#[instr::exempt]`, if present.
    pub fn exempt(&self) -> Option<&ExemptMark> {
        self.marks.as_ref()?.exempt.as_ref()
    }

    /// For an external endpoint, the function's own path.
    fn external_path(&self) -> Option<&str> {
        self.marks.as_ref()?.external_path.as_deref()
    }

    /// Its marks, made on first need.
    fn marks_mut(&mut self) -> &mut Marks {
        self.marks.get_or_insert_with(Box::default)
    }

    /// `crate_name::module::Type::name`: the stable identity used by schema `handlers`,
    /// baselines and `init`; for an external endpoint, the function's own path
    /// (`instr::prometheus::axum::handler`). Made when asked: every handler is held to the end
    /// of the check, and its parts are shared.
    pub fn item_path(&self) -> String {
        self.item_path_pieces().collect()
    }

    /// True when [`Self::item_path`] is `parts` joined, without making either: schema entries
    /// are matched against every handler, for every feature.
    pub fn item_path_is(&self, parts: &[&str]) -> bool {
        self.item_path_pieces()
            .flat_map(str::bytes)
            .eq(parts.iter().flat_map(|part| part.bytes()))
    }

    /// The pieces [`Self::item_path`] joins, in order.
    fn item_path_pieces(&self) -> impl Iterator<Item = &str> {
        let (head, segments) = match self.external_path() {
            Some(external) => (external, None),
            None => (
                self.crate_name(),
                Some(self.module.iter().chain([&self.function])),
            ),
        };
        std::iter::once(head).chain(
            segments
                .into_iter()
                .flatten()
                .flat_map(|segment| ["::", segment.as_str()]),
        )
    }

    /// The framework shown for it.
    pub fn framework(&self) -> Framework {
        self.frameworks.shown()
    }
}

/// The frameworks that found a handler, each once, in the order they did. Only the first is
/// shown, so only the first two are kept in order (the second takes the first's place when
/// the first is `instr` and another framework found it too); the rest are a set. Inline: a
/// list of its own cost every handler an allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundBy {
    first: Framework,
    second: Option<Framework>,
    /// One bit per framework (its discriminant).
    seen: u16,
}

impl FoundBy {
    /// Found by `framework` first.
    pub fn new(framework: Framework) -> Self {
        Self {
            first: framework,
            second: None,
            seen: 1 << framework as u16,
        }
    }

    /// The framework shown.
    pub fn shown(&self) -> Framework {
        self.first
    }

    /// Whether `framework` found it.
    pub fn contains(&self, framework: Framework) -> bool {
        self.seen & (1 << framework as u16) != 0
    }

    /// Records that `framework` found it too.
    pub fn add(&mut self, framework: Framework) {
        if self.contains(framework) {
            return;
        }
        self.seen |= 1 << framework as u16;
        if self.second.is_none() {
            self.second = Some(framework);
        }
    }

    /// A handler found by a registration or attribute and also marked shows that framework,
    /// not `instr`: it says more.
    fn prefer_over_instr(&mut self) {
        if self.first == Framework::Instr
            && let Some(second) = self.second
        {
            self.second = Some(self.first);
            self.first = second;
        }
    }
}

/// What an attribute on a function means.
#[derive(Debug, Clone, PartialEq, Eq)]
enum AttrKind {
    InstrHandler,
    InstrExempt,
    ActixRoute,
    RocketRoute,
    PoemHandler,
    Oai,
    Configured,
    Other,
}

/// A route-attributed function mounted under a prefix (`.service(h)`, `routes![h]`).
struct Mount {
    /// The prefixes joined.
    prefix: String,
    /// The registration.
    site: Site,
    /// The framework that mounted it: only its own attributes take the prefix.
    framework: Framework,
}

/// A function whose routers are nested under a prefix, in another function (or at the top).
struct Nest {
    /// The prefix at the mount.
    prefix: String,
    /// The function that mounts it, whose own prefixes come first.
    outer: Option<FnId>,
}

struct Detector<'a, 's> {
    workspace: &'a Workspace,
    config: &'a Config,
    /// `handler-modules`, compiled once.
    handler_modules: Globs,
    scan: &'s Scan,
    index: Index<'s>,
    handlers: Vec<Handler>,
    /// Each target's package and crate name, shared by its handlers.
    unit_names: HashMap<usize, Arc<TargetNames>>,
    /// Module paths, shared by the handlers of a module.
    module_paths: HashSet<Arc<[Name]>>,
    /// Handlers by their function and by their place, in keys and values of 32 bits (see
    /// [`Key32`]): the maps hold an entry per handler at the peak of detection.
    by_fn: HashMap<Key32, u32>,
    by_site: HashMap<Key32, u32>,
    mounts: HashMap<FnId, Vec<Mount>>,
    nests: HashMap<FnId, Vec<Nest>>,
}

/// Finds every handler in a scan.
pub fn detect(workspace: &Workspace, scan: &Scan) -> Vec<Handler> {
    let mut detector = Detector {
        workspace,
        config: &workspace.config,
        handler_modules: Globs::new(&workspace.config.handler_modules, ':'),
        scan,
        index: Index::new(workspace, scan),
        handlers: Vec::new(),
        unit_names: HashMap::new(),
        module_paths: HashSet::new(),
        by_fn: HashMap::new(),
        by_site: HashMap::new(),
        mounts: HashMap::new(),
        nests: HashMap::new(),
    };
    detector.collect_nests();
    detector.collect_route_registrations();
    detector.collect_attributed();
    let mut handlers = std::mem::take(&mut detector.handlers);
    // The index and the maps are freed before the handlers are sorted: the sort's lists then
    // take the room they leave instead of adding to the peak of detection.
    drop(detector);
    // Handlers are held to the end of the check: the list's spare room (up to half of it,
    // a few hundred bytes a handler) is given back.
    handlers.shrink_to_fit();
    // By file path, then position: each file's path is ranked once, so the sort compares
    // numbers (files reached twice share a rank).
    let mut by_path: Vec<usize> = (0..scan.files.len()).collect();
    by_path.sort_by(|a, b| scan.files[*a].path.cmp(&scan.files[*b].path));
    let mut rank = vec![0; scan.files.len()];
    for (position, pair) in by_path.windows(2).enumerate() {
        let same = scan.files[pair[0]].path == scan.files[pair[1]].path;
        rank[pair[1]] = if same { rank[pair[0]] } else { position + 1 };
    }
    // Sorted through a list of keys and then moved in place: a stable sort of the handlers
    // themselves borrows room for half of them, at the check's peak of memory. The position
    // breaks ties, as the stable sort did.
    let mut order: Vec<(usize, usize, usize)> = handlers
        .iter()
        .enumerate()
        .map(|(position, handler)| (rank[handler.site.file], handler.site.span.start, position))
        .collect();
    order.sort_unstable();
    let order: Vec<usize> = order.into_iter().map(|(_, _, position)| position).collect();
    permute(&mut handlers, order);
    handlers
}

/// Three numbers of 32 bits: a function's id or a place, as a map key. Every index and offset
/// fits: a scan's files are far fewer than 2^32, and a file is read only up to 64 MiB
/// (`scan::source::MAX_FILE_BYTES`), so its offsets, modules and functions are too, and
/// handlers are fewer than functions and places.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Key32(u32, u32, u32);

impl Key32 {
    fn of_fn(id: FnId) -> Self {
        Self(
            Self::index(id.file),
            Self::index(id.module),
            Self::index(id.function),
        )
    }

    fn of_site(site: Site) -> Self {
        Self(
            Self::index(site.file),
            Self::index(site.span.start),
            Self::index(site.span.end),
        )
    }

    /// `value` in 32 bits (see above for why it fits).
    fn index(value: usize) -> u32 {
        u32::try_from(value).unwrap_or(u32::MAX)
    }
}

/// Reorders `items` in place so that `items[i]` becomes the item that was at `order[i]`
/// (`order` holds every position once).
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..items.len() {
        // Follow the cycle through `start`, moving each item into its place; a position
        // already done points to itself.
        let mut current = start;
        while order[current] != start {
            let next = order[current];
            items.swap(current, next);
            order[current] = current;
            current = next;
        }
        order[current] = current;
    }
}

/// The handlers in the code of the given members (indices into `workspace.members`); the
/// scanned files are dropped once the handlers are known.
pub(crate) fn detect_in(
    workspace: &Workspace,
    members: &[usize],
    options: crate::scan::ScanOptions,
) -> Vec<Handler> {
    let scan = crate::scan::discover::scan_with(workspace, members, options);
    detect(workspace, &scan)
}

/// `Self::f` written in a method, with `Self` replaced by the impl's type.
fn self_type(path: &[Name], scope: Option<&FnScope>) -> Vec<Name> {
    match (
        path.first().map(Name::as_str),
        scope.and_then(|scope| scope.self_ty.as_ref()),
    ) {
        (Some("Self"), Some(ty)) => {
            let mut out = vec![ty.clone()];
            out.extend(path[1..].iter().cloned());
            out
        }
        _ => path.to_vec(),
    }
}

/// Joins route prefixes and paths: `"/api" + "/users/"` is `/api/users`; the root is `/`.
pub fn join_path(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts {
        for segment in part.split('/').filter(|s| !s.is_empty()) {
            out.push('/');
            out.push_str(segment);
        }
    }
    if out.is_empty() {
        return "/".to_owned();
    }
    // Kept in every route of every handler to the end of the check: without spare room.
    out.shrink_to_fit();
    out
}

impl<'s> Detector<'_, 's> {
    fn unit_module(&self, file: usize, module: usize) -> (usize, &'s ModPath) {
        let scanned = &self.scan.files[file];
        let paths = scanned.facts.module_paths();
        // Ids index the same modules the paths list: the empty path only keeps this from
        // panicking if that ever broke.
        static ROOT: ModPath = Vec::new();
        (scanned.unit, paths.get(module).unwrap_or(&ROOT))
    }

    fn scope_fn(&self, unit: usize, module: &ModPath, scope: Option<&FnScope>) -> Option<FnId> {
        let scope = scope?;
        self.index
            .find_fn(unit, module, scope.self_ty.as_deref(), &scope.name)
    }

    // The three passes over every file read only parsed files of crates that reach a
    // framework (`Scan::modules_to_go_over`): a file the prefilter left unparsed holds no mount,
    // no registration and no attribute, trait impl or module that makes a handler
    // (`crate::scan::prefilter`), and a crate that reaches no framework has none either.
    // Each pass decodes the modules of the files it reads one file at a time (see
    // `Scan::modules_to_go_over`); the mounts and registrations passes skip, undecoded, the
    // files that hold none (`Scan::modules_holding`).
    fn collect_nests(&mut self) {
        for (file_index, file) in self.scan.files.iter().enumerate() {
            let Some(facts) = self
                .scan
                .modules_holding(file_index, |contents| contents.nests)
            else {
                continue;
            };
            for module in facts.iter() {
                for nest in &module.nests {
                    if let Resolved::Fn(target) =
                        self.index.resolve(file.unit, &module.path, &nest.callee)
                    {
                        let outer = self.scope_fn(file.unit, &module.path, nest.scope.as_ref());
                        if outer != Some(target) {
                            self.nests.entry(target).or_default().push(Nest {
                                prefix: nest.prefix.clone(),
                                outer,
                            });
                        }
                    }
                }
            }
        }
    }

    /// The prefixes under which the routers built in `function` are mounted.
    fn prefixes(
        &self,
        function: Option<FnId>,
        depth: usize,
        seen: &mut HashSet<FnId>,
    ) -> Vec<String> {
        let Some(function) = function else {
            return vec![String::new()];
        };
        let Some(mounts) = self.nests.get(&function) else {
            return vec![String::new()];
        };
        if depth > 8 || !seen.insert(function) {
            return vec![String::new()];
        }
        let mut out = Vec::new();
        for nest in mounts {
            for outer_prefix in self.prefixes(nest.outer, depth + 1, seen) {
                let joined = format!("{outer_prefix}{}", nest.prefix);
                if !out.contains(&joined) && out.len() < 16 {
                    out.push(joined);
                }
            }
        }
        seen.remove(&function);
        out
    }

    fn collect_route_registrations(&mut self) {
        for file_index in 0..self.scan.files.len() {
            let Some(facts) = self
                .scan
                .modules_holding(file_index, |contents| contents.routes)
            else {
                continue;
            };
            for (module_index, module) in facts.iter().enumerate() {
                for route in &module.routes {
                    self.register(file_index, module_index, route);
                }
            }
        }
    }

    fn register(&mut self, file: usize, module: usize, route: &RouteFact) {
        let (unit, module_path) = self.unit_module(file, module);
        let module_path = module_path.clone();
        let scope = self.scope_fn(unit, &module_path, route.scope.as_ref());
        let prefixes = self.prefixes(scope, 0, &mut HashSet::new());
        let site = Site::new(file, route.span);
        let mut framework = route.framework;
        if let Some(evidence) = &route.evidence {
            let expanded = self.index.expand(unit, &module_path, evidence);
            framework = match expanded.first().map(Name::as_str) {
                Some("axum") => Framework::Axum,
                Some("poem") => Framework::Poem,
                // The crate's own method router (`get(self.axum_handler())` with the crate's
                // `get`): the handler closure its function returns is the evidence.
                _ if matches!(&route.handler, HandlerRef::Returned(callee, _)
                    if self.returned_closure(unit, &module_path, callee, route.scope.as_ref()).is_some()) =>
                {
                    route.framework
                }
                _ => return,
            };
        }
        let route = &RouteFact {
            framework,
            ..route.clone()
        };
        match (&route.path, &route.handler) {
            (RoutePath::FromAttribute, HandlerRef::Path(path, _)) => {
                if let Resolved::Fn(id) = self.index.resolve(unit, &module_path, path) {
                    for outer in &prefixes {
                        self.mounts.entry(id).or_default().push(Mount {
                            prefix: format!("{outer}{}", route.prefix),
                            site,
                            framework: route.framework,
                        });
                    }
                }
            }
            (RoutePath::FromAttribute, HandlerRef::Inline(..)) => {}
            (path, handler) => {
                let literal = match path {
                    RoutePath::Literal(literal) => Some(literal.clone()),
                    RoutePath::Parts(parts) => self.resolve_parts(unit, &module_path, parts),
                    _ => None,
                };
                let how = match route.framework {
                    Framework::Axum => "axum route",
                    Framework::ActixWeb => "actix-web route",
                    Framework::Poem => "poem route",
                    Framework::Warp => "warp filter",
                    Framework::Rocket => "rocket route",
                    _ => "route",
                };
                let routes: Vec<HandlerRoute> = route
                    .methods
                    .iter()
                    .flat_map(|method| {
                        let literal = literal.as_deref();
                        prefixes.iter().map(move |outer| HandlerRoute {
                            method: method.clone(),
                            path: literal
                                .map(|literal| join_path(&[outer, &route.prefix, literal])),
                            how,
                            site: Some(site),
                        })
                    })
                    .collect();
                let in_scope = |what: &str| match &route.scope {
                    Some(scope) => format!("<{what} in {}>", scope.display_name()),
                    None => format!("<{what}>"),
                };
                let index = match handler {
                    HandlerRef::Path(path, reference) => {
                        let path = self_type(path, route.scope.as_ref());
                        match self.index.resolve(unit, &module_path, &path) {
                            Resolved::Fn(id) => {
                                Some(self.handler_for_fn(id, route.framework, route.kind))
                            }
                            // A value of the crate's type with a hand-written handler impl
                            // (`.to(OASHandler::new(spec))`): that impl serves it.
                            _ if let Some(id) =
                                self.trait_handler_of(unit, &module_path, &path) =>
                            {
                                Some(self.handler_for_fn(id, route.framework, route.kind))
                            }
                            // poem endpoints are attributed functions; an unknown name there is not
                            // a handler we can tell apart from any other endpoint value.
                            _ if route.framework == Framework::Poem => None,
                            // A closure bound to a local variable of the registering function.
                            _ if let Some(closure) =
                                self.local_closure(file, module, route, &path, *reference) =>
                            {
                                let kind = match route.kind {
                                    EndpointKind::Fallback => EndpointKind::Fallback,
                                    _ => EndpointKind::Handler,
                                };
                                Some(self.handler_at(
                                    Site::new(file, closure),
                                    unit,
                                    &module_path,
                                    in_scope("closure"),
                                    (route.framework, kind),
                                ))
                            }
                            // Another crate's function (or a parameter holding one): its code is
                            // not here, its route is. A fallback stays a fallback.
                            _ => {
                                let kind = match route.kind {
                                    EndpointKind::Fallback => EndpointKind::Fallback,
                                    _ => EndpointKind::External,
                                };
                                let index = self.handler_at(
                                    Site::new(file, *reference),
                                    unit,
                                    &module_path,
                                    path.join("::"),
                                    (route.framework, kind),
                                );
                                let expanded = self.index.expand(unit, &module_path, &path);
                                if expanded.len() >= 2 && expanded[0] != "crate" {
                                    self.handlers[index].marks_mut().external_path =
                                        Some(expanded.join("::").into());
                                }
                                Some(index)
                            }
                        }
                    }
                    HandlerRef::Inline(span, closure) => {
                        let name = in_scope(if *closure { "closure" } else { "expression" });
                        Some(self.handler_at(
                            Site::new(file, *span),
                            unit,
                            &module_path,
                            name,
                            (route.framework, route.kind),
                        ))
                    }
                    HandlerRef::Returned(callee, span) => {
                        match self.returned_closure(
                            unit,
                            &module_path,
                            callee,
                            route.scope.as_ref(),
                        ) {
                            // The closure the crate's function returns, named in that function.
                            Some((id, closure)) => {
                                let function = self.index.function(id).display_name();
                                let (unit, module) = self.unit_module(id.file, id.module);
                                let module = module.clone();
                                Some(self.handler_at(
                                    Site::new(id.file, closure),
                                    unit,
                                    &module,
                                    format!("<closure in {function}>"),
                                    (route.framework, route.kind),
                                ))
                            }
                            None => Some(self.handler_at(
                                Site::new(file, *span),
                                unit,
                                &module_path,
                                in_scope("expression"),
                                (route.framework, route.kind),
                            )),
                        }
                    }
                    HandlerRef::Static(constructor, span) => {
                        // The crate's own function of that name is not a known file service;
                        // `spa()` is actix-web-lab's only.
                        let own = matches!(
                            self.index.resolve(unit, &module_path, constructor),
                            Resolved::Fn(_)
                        ) || (constructor.last().is_some_and(|last| last == "spa")
                            && self
                                .index
                                .expand(unit, &module_path, constructor)
                                .first()
                                .is_none_or(|first| first != "actix_web_lab"));
                        let (name, kind) = if own {
                            (in_scope("expression"), EndpointKind::Handler)
                        } else {
                            (in_scope(&constructor.join("::")), EndpointKind::Static)
                        };
                        Some(self.handler_at(
                            Site::new(file, *span),
                            unit,
                            &module_path,
                            name,
                            (route.framework, kind),
                        ))
                    }
                };
                if let Some(index) = index {
                    let handler = &mut self.handlers[index];
                    handler.frameworks.add(route.framework);
                    handler.routes.add(routes);
                }
            }
        }
    }

    /// The crate's function a call names (`Self::axum_handler`) and the handler closure it
    /// returns, when it returns one.
    fn returned_closure(
        &self,
        unit: usize,
        module: &ModPath,
        callee: &[Name],
        scope: Option<&FnScope>,
    ) -> Option<(FnId, Span)> {
        let path = self_type(callee, scope);
        match self.index.resolve(unit, module, &path) {
            Resolved::Fn(id) => self
                .index
                .function(id)
                .returned_closure()
                .map(|span| (id, span)),
            _ => None,
        }
    }

    /// The hand-written handler method (`call` / `handle` of a handler trait impl, see
    /// [`Self::handler_trait_impl`]) of the crate's type a path names.
    fn trait_handler_of(&self, unit: usize, module: &ModPath, path: &[Name]) -> Option<FnId> {
        ["call", "handle"].into_iter().find_map(|method| {
            let mut full = path.to_vec();
            full.push(Name::new(method));
            let Resolved::Fn(id) = self.index.resolve(unit, module, &full) else {
                return None;
            };
            let (fn_unit, fn_module) = self.unit_module(id.file, id.module);
            self.handler_trait_impl(fn_unit, fn_module, &self.index.function(id))
                .map(|_| id)
        })
    }

    /// The closure a one-segment path names when it is a local variable bound to a closure
    /// earlier in the registering function (the last such binding before the reference).
    fn local_closure(
        &self,
        file: usize,
        module: usize,
        route: &RouteFact,
        path: &[Name],
        reference: Span,
    ) -> Option<Span> {
        let [name] = path else { return None };
        let scope = route.scope.as_ref()?;
        self.index
            .module(file, module)
            .local_closures
            .iter()
            .filter(|closure| {
                closure.name == *name
                    && closure.scope == *scope
                    && closure.span.start < reference.start
            })
            .map(|closure| closure.span)
            .max_by_key(|span| span.start)
    }

    /// A path built from constants, with each constant's value; `None` when one cannot be
    /// resolved within the crate.
    fn resolve_parts(&self, unit: usize, module: &ModPath, parts: &[PathPart]) -> Option<String> {
        let mut out = String::new();
        for part in parts {
            match part {
                PathPart::Literal(text) => out.push_str(text),
                PathPart::Const(path) => {
                    out.push_str(&self.index.resolve_const(unit, module, path)?)
                }
            }
        }
        Some(out)
    }

    fn new_handler(
        &mut self,
        unit: usize,
        module: &ModPath,
        function: String,
        site: Site,
        (framework, kind): (Framework, EndpointKind),
    ) -> usize {
        let unit_info = &self.scan.units[unit];
        let target = self
            .unit_names
            .entry(unit)
            .or_insert_with(|| {
                Arc::new(TargetNames {
                    package: unit_info.package.as_str().into(),
                    crate_name: unit_info.crate_name.as_str().into(),
                })
            })
            .clone();
        let path = Arc::clone(&self.scan.files[site.file].path);
        let module = match self.module_paths.get(module.as_slice()) {
            Some(shared) => shared.clone(),
            None => {
                let shared: Arc<[Name]> = Arc::from(module.as_slice());
                self.module_paths.insert(shared.clone());
                shared
            }
        };
        self.handlers.push(Handler {
            unit,
            kind,
            target,
            module,
            function: Name::from(function),
            site,
            path,
            frameworks: FoundBy::new(framework),
            routes: Routes::default(),
            marks: None,
            emits: Box::default(),
        });
        self.handlers.len() - 1
    }

    /// The handler of a function, created on first sight. A function registered both as a
    /// fallback and under a route is a handler.
    fn handler_for_fn(&mut self, id: FnId, framework: Framework, kind: EndpointKind) -> usize {
        if let Some(index) = self.handler_of_fn(id) {
            if kind == EndpointKind::Handler {
                self.handlers[index].kind = EndpointKind::Handler;
            }
            return index;
        }
        let function = self.index.function(id);
        let (unit, module) = self.unit_module(id.file, id.module);
        let module = module.clone();
        let index = self.new_handler(
            unit,
            &module,
            function.display_name(),
            Site::new(id.file, function.name_span),
            (framework, kind),
        );
        self.handlers[index].emits = function.emits().into();
        self.by_fn.insert(Key32::of_fn(id), Key32::index(index));
        index
    }

    fn handler_of_fn(&self, id: FnId) -> Option<usize> {
        self.by_fn
            .get(&Key32::of_fn(id))
            .map(|&index| index as usize)
    }

    fn handler_at(
        &mut self,
        site: Site,
        unit: usize,
        module: &ModPath,
        name: String,
        (framework, kind): (Framework, EndpointKind),
    ) -> usize {
        let key = Key32::of_site(site);
        if let Some(&index) = self.by_site.get(&key) {
            return index as usize;
        }
        let index = self.new_handler(unit, module, name, site, (framework, kind));
        self.by_site.insert(key, Key32::index(index));
        index
    }

    fn classify(
        &self,
        unit: usize,
        module: &ModPath,
        attr: &AttrFact,
        in_openapi: bool,
    ) -> AttrKind {
        let expanded = self.expand_attr(unit, module, &attr.path);
        let joined = expanded.join("::");
        let last = expanded.last().map(Name::as_str).unwrap_or("");
        if self.config.handler_attributes.iter().any(|configured| {
            *configured == joined || (!configured.contains("::") && configured == last)
        }) {
            return AttrKind::Configured;
        }
        let first = expanded.first().map(Name::as_str).unwrap_or("");
        match (first, expanded.len(), last) {
            ("instr", 2, "handler") => AttrKind::InstrHandler,
            ("instr", 2, "exempt") => AttrKind::InstrExempt,
            // actix-web also has `#[query]`, for the HTTP QUERY method.
            ("actix_web", _, name)
                if is_method_name(name) || matches!(name, "route" | "routes" | "query") =>
            {
                AttrKind::ActixRoute
            }
            ("rocket", _, name) if is_method_name(name) || name == "route" => AttrKind::RocketRoute,
            ("poem", 2, "handler") => AttrKind::PoemHandler,
            (_, 1, "oai") if in_openapi => AttrKind::Oai,
            _ => AttrKind::Other,
        }
    }

    /// An attribute path made absolute. A bare name that no `use` explains is read through
    /// glob imports, then through the package's dependencies (rocket's `#[macro_use]` style).
    fn expand_attr(&self, unit: usize, module: &ModPath, path: &[Name]) -> Vec<Name> {
        let expanded = self.index.expand(unit, module, path);
        if expanded.len() != 1 {
            return expanded;
        }
        let name = expanded[0].as_str();
        for glob in self.index.globs(unit, module) {
            if matches!(
                glob.first().map(Name::as_str),
                Some("actix_web" | "rocket" | "poem" | "instr")
            ) && glob.len() == 1
            {
                let mut full = glob.clone();
                full.push(Name::new(name));
                return full;
            }
        }
        let Some(member) = self.workspace.members.get(self.scan.units[unit].member) else {
            return expanded;
        };
        let framework_name = is_method_name(name) || matches!(name, "route" | "routes" | "query");
        if framework_name {
            if member.depends_on("rocket") && !member.depends_on("actix-web") {
                return vec![Name::new("rocket"), Name::new(name)];
            }
            if member.depends_on("actix-web") && !member.depends_on("rocket") {
                return vec![Name::new("actix_web"), Name::new(name)];
            }
        }
        expanded
    }

    fn is_openapi_impl(&self, unit: usize, module: &ModPath, function: &FnFact) -> bool {
        function.impl_attrs().iter().any(|attr| {
            let expanded = self.index.expand(unit, module, &attr.path);
            expanded.last().is_some_and(|last| last == "OpenApi")
        })
    }

    fn openapi_prefix(&self, function: &FnFact) -> String {
        function
            .impl_attrs()
            .iter()
            .find_map(|attr| attr.pair("prefix_path").map(|(value, _)| value.to_owned()))
            .unwrap_or_default()
    }

    /// The tonic route of a method, when its impl's trait lives in a `<name>_server` module.
    fn tonic_route(
        &self,
        unit: usize,
        module: &ModPath,
        function: &FnFact,
    ) -> Option<HandlerRoute> {
        let trait_path = function.trait_path()?;
        let expanded = self.index.expand(unit, module, trait_path);
        // tonic generates `pub mod <service>_server { pub trait <Service> }`: the module name
        // must be the trait's name in snake case (so `dav_server::DavFileSystem` is not one).
        let service = expanded.last()?.clone();
        let server_at = expanded.len().checked_sub(2)?;
        let expected = format!("{}_server", snake(&service));
        if server_at == 0 || expanded[server_at] != expected {
            return None;
        }
        // The protobuf package: `include_proto!("pkg")` in the module holding `<x>_server`.
        let package = if expanded.first().is_some_and(|first| first == "crate") {
            self.index
                .proto_package(unit, &expanded[1..server_at].to_vec())
        } else {
            None
        };
        let method = instr_schema::names::upper_camel(&function.name)
            .unwrap_or_else(|| function.name.to_string());
        let path = match package {
            Some(package) => format!("/{package}.{service}/{method}"),
            None => format!("/{service}/{method}"),
        };
        Some(HandlerRoute {
            method: Name::new("GRPC"),
            path: Some(path),
            how: "tonic service",
            site: None,
        })
    }

    /// `impl rocket::route::Handler for T { fn handle }`, `impl poem::Endpoint for T { fn
    /// call }` and `impl actix_web::Handler<A> for T { fn call }`: request handlers written by
    /// hand (poem's and actix-web's unless `T` wraps another endpoint).
    fn handler_trait_impl(
        &self,
        unit: usize,
        module: &ModPath,
        function: &FnFact,
    ) -> Option<Framework> {
        let trait_path = function.trait_path()?;
        let expanded = self.index.expand(unit, module, trait_path);
        // Inside a framework's own crate, its traits are `crate::...`.
        let first = match expanded.first().map(Name::as_str) {
            Some("crate") => Some(self.scan.units[unit].crate_name.as_str()),
            other => other,
        };
        match (first, expanded.last().map(Name::as_str), &*function.name) {
            (Some("rocket"), Some("Handler"), "handle") => Some(Framework::Rocket),
            (Some("actix_web"), Some("Handler"), "call")
                if !self.wraps_endpoint(unit, function) =>
            {
                Some(Framework::ActixWeb)
            }
            (Some("poem"), Some("Endpoint"), "call") if !self.wraps_endpoint(unit, function) => {
                Some(Framework::Poem)
            }
            _ => None,
        }
    }

    /// An `impl Endpoint` (or actix-web `impl Handler`) that serves through other code:
    /// middleware and routers (its type has a type parameter bounded by `Endpoint`,
    /// `IntoEndpoint` or `Handler`, is the `Output` of a `Middleware` impl, or has a field
    /// holding an endpoint), and adapters of the caller's code (a type parameter bounded by `Fn`, `FnMut`, `FnOnce` or a tower `Service`). A trait
    /// object or other unnamed self type is not a handler either.
    fn wraps_endpoint(&self, unit: usize, function: &FnFact) -> bool {
        const WRAPPED: [&str; 7] = [
            "Endpoint",
            "IntoEndpoint",
            "Handler",
            "Fn",
            "FnMut",
            "FnOnce",
            "Service",
        ];
        let Some(self_ty) = &function.self_ty else {
            return true;
        };
        let generic = function.impl_generics().iter().any(|param| {
            param
                .bounds
                .iter()
                .any(|bound| WRAPPED.contains(&bound.as_str()))
        });
        generic || self.index.wraps_endpoint(unit, self_ty)
    }

    fn in_handler_module(&self, unit: usize, module: &ModPath, function: &FnFact) -> bool {
        if self.config.handler_modules.is_empty() || !function.is_pub || function.self_ty.is_some()
        {
            return false;
        }
        module_matches(
            &self.handler_modules,
            &self.scan.units[unit].crate_name,
            module,
        )
    }

    fn collect_attributed(&mut self) {
        for file_index in 0..self.scan.files.len() {
            let unit = self.scan.files[file_index].unit;
            let Some(facts) = self.scan.modules_to_go_over(file_index) else {
                continue;
            };
            for (module_index, module) in facts.iter().enumerate() {
                for (fn_index, function) in module.fns.iter().enumerate() {
                    self.attributed(
                        unit,
                        FnId {
                            file: file_index,
                            module: module_index,
                            function: fn_index,
                        },
                        &module.path,
                        function,
                    );
                }
            }
        }
    }

    fn attributed(&mut self, unit: usize, id: FnId, module: &ModPath, function: &FnFact) {
        let in_openapi = function.self_ty.is_some() && self.is_openapi_impl(unit, module, function);
        let mut routes: Vec<HandlerRoute> = Vec::new();
        let mut frameworks: Vec<Framework> = Vec::new();
        let mut feature = None;
        let mut exempt = None;
        for attr in function.attrs() {
            match self.classify(unit, module, attr, in_openapi) {
                AttrKind::InstrHandler => {
                    feature = Some(FeatureMark {
                        feature: attr.pair("feature").map(|(value, span)| NamedFeature {
                            name: value.to_owned(),
                            site: Site::new(id.file, span),
                        }),
                        attr: Site::new(id.file, attr.span),
                    });
                }
                AttrKind::InstrExempt => {
                    exempt = Some(ExemptMark {
                        reason: attr
                            .pair("reason")
                            .map(|(value, _)| value.trim().to_owned())
                            .or_else(|| {
                                attr.positional
                                    .first()
                                    .map(|(value, _)| value.trim().to_owned())
                            })
                            .filter(|reason| !reason.is_empty() && reason != "..."),
                        attr: Site::new(id.file, attr.span),
                    });
                }
                AttrKind::ActixRoute | AttrKind::RocketRoute => {
                    let framework =
                        if self.classify(unit, module, attr, false) == AttrKind::ActixRoute {
                            Framework::ActixWeb
                        } else {
                            Framework::Rocket
                        };
                    frameworks.push(framework);
                    routes.extend(self.attribute_routes(id, attr, framework));
                }
                AttrKind::PoemHandler => frameworks.push(Framework::Poem),
                AttrKind::Oai => {
                    frameworks.push(Framework::PoemOpenapi);
                    let prefix = self.openapi_prefix(function);
                    let path = attr
                        .pair("path")
                        .map(|(value, _)| join_path(&[&prefix, value]));
                    let methods: Vec<String> = attr
                        .pairs_named("method")
                        .map(|m| m.to_ascii_uppercase())
                        .collect();
                    for method in if methods.is_empty() {
                        vec!["ANY".to_owned()]
                    } else {
                        methods
                    } {
                        routes.push(HandlerRoute {
                            method: Name::from(method),
                            path: path.clone(),
                            how: "poem-openapi operation",
                            site: None,
                        });
                    }
                }
                AttrKind::Configured => frameworks.push(Framework::Configured),
                AttrKind::Other => {}
            }
        }
        if let Some(route) = self.tonic_route(unit, module, function) {
            frameworks.push(Framework::Tonic);
            routes.push(route);
        }
        if let Some(framework) = self.handler_trait_impl(unit, module, function) {
            frameworks.push(framework);
        }
        if self.in_handler_module(unit, module, function) {
            frameworks.push(Framework::Configured);
        }
        if feature.is_some() || exempt.is_some() {
            frameworks.push(Framework::Instr);
        }
        let already = self.handler_of_fn(id);
        if frameworks.is_empty() && already.is_none() {
            return;
        }
        let first = frameworks.first().copied().unwrap_or(Framework::Instr);
        let kind = match already {
            Some(index) => self.handlers[index].kind,
            None => EndpointKind::Handler,
        };
        let index = self.handler_for_fn(id, first, kind);
        let handler = &mut self.handlers[index];
        for framework in frameworks {
            handler.frameworks.add(framework);
        }
        // A handler found by a registration and also attributed shows the attribute's
        // framework first, it says more.
        handler.frameworks.prefer_over_instr();
        handler.routes.add(routes);
        // Only this pass sets the marks, once per function.
        if feature.is_some() || exempt.is_some() {
            let marks = handler.marks_mut();
            marks.feature = feature;
            marks.exempt = exempt;
        }
    }

    /// Routes of an actix-web or rocket route attribute, under every mount prefix.
    fn attribute_routes(
        &self,
        id: FnId,
        attr: &AttrFact,
        framework: Framework,
    ) -> Vec<HandlerRoute> {
        let name = attr.path.last().map(Name::as_str).unwrap_or("");
        let path = attr
            .positional
            .first()
            .map(|(value, _)| value.clone())
            .or_else(|| attr.pair("uri").map(|(value, _)| value.to_owned()))
            .or_else(|| attr.pair("path").map(|(value, _)| value.to_owned()));
        // rocket query strings (`/search?<q>`) are not part of the route's path.
        let path = path.map(|path| path.split('?').next().unwrap_or("").to_owned());
        let mut methods: Vec<String> = if is_method_name(name) || name == "query" {
            vec![name.to_ascii_uppercase()]
        } else {
            attr.pairs_named("method")
                .map(|method| method.trim_start_matches("Method::").to_ascii_uppercase())
                .chain(
                    attr.words
                        .iter()
                        .filter(|word| method_in_any_case(word).is_some())
                        .map(|word| word.to_ascii_uppercase()),
                )
                .collect()
        };
        if methods.is_empty() {
            methods.push("ANY".to_owned());
        }
        let how = match framework {
            Framework::Rocket => "rocket attribute",
            _ => "actix-web attribute",
        };
        let mounts: Vec<(String, Option<Site>)> = match self.mounts.get(&id) {
            Some(mounts) => mounts
                .iter()
                .filter(|mount| mount.framework == framework)
                .map(|mount| (mount.prefix.clone(), Some(mount.site)))
                .collect(),
            None => Vec::new(),
        };
        let mounts = if mounts.is_empty() {
            vec![(String::new(), None)]
        } else {
            mounts
        };
        let mut out = Vec::new();
        for method in &methods {
            for (prefix, site) in &mounts {
                out.push(HandlerRoute {
                    method: Name::new(method),
                    path: path.as_deref().map(|path| join_path(&[prefix, path])),
                    how,
                    site: *site,
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{FoundBy, permute};
    use crate::scan::facts::Framework;

    /// As the list it replaces: each framework once, the first shown, and a handler found by
    /// `instr` first shows the next framework that found it.
    #[test]
    fn found_by_shows_the_first_framework_but_instr() {
        let mut found = FoundBy::new(Framework::Axum);
        found.add(Framework::Instr);
        found.add(Framework::Axum);
        found.prefer_over_instr();
        assert_eq!(found.shown(), Framework::Axum);
        assert!(found.contains(Framework::Instr) && !found.contains(Framework::Poem));

        let mut marked = FoundBy::new(Framework::Instr);
        marked.prefer_over_instr();
        assert_eq!(marked.shown(), Framework::Instr);
        marked.add(Framework::ActixWeb);
        marked.add(Framework::Rocket);
        marked.prefer_over_instr();
        assert_eq!(marked.shown(), Framework::ActixWeb);
        assert!(
            [Framework::Instr, Framework::ActixWeb, Framework::Rocket]
                .into_iter()
                .all(|framework| marked.contains(framework))
        );
    }

    /// Every handler is held to the end of the check: a field every handler pays for shows in
    /// the peak memory of a large workspace.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_handler_stays_small() {
        assert_eq!(std::mem::size_of::<super::Handler>(), 128);
    }

    #[test]
    fn permute_moves_each_item_to_its_place() {
        let mut items = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        // Two cycles (0 -> 2 -> 4 -> 0, 1 -> 5 -> 1) and a fixed point (3).
        permute(&mut items, vec![2, 5, 4, 3, 0, 1]);
        assert_eq!(items, vec!['c', 'f', 'e', 'd', 'a', 'b']);
        let mut none: Vec<u8> = Vec::new();
        permute(&mut none, Vec::new());
        assert!(none.is_empty());
    }
}
