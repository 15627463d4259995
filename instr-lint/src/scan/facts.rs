//! What the scanner keeps of a file once its syntax tree is dropped: small, owned facts with
//! byte spans into the file. Everything the checker decides later is decided from these.
//! They derive serde's traits: the per-file cache (`super::cache`) stores them.

use std::path::PathBuf;
use std::sync::Arc;

use instr_schema::diag::Span;
use serde::{Deserialize, Serialize};

pub use super::name::Name;

/// A module path inside one crate, without the crate name: `[]` is the crate root,
/// `["api", "orders"]` is `crate::api::orders`.
pub type ModPath = Vec<Name>;

/// A path as written in the source, split at `::` (`super::api::list` is
/// `["super", "api", "list"]`). A leading `::` is kept as an empty first segment.
pub type WrittenPath = Vec<Name>;

/// Everything learnt from one file.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileFacts {
    /// The module the file is, and the inline modules inside it, in source order.
    pub modules: Vec<ModuleFacts>,
    /// Out-of-line `mod x;` declarations, to be scanned next. The scan takes them out once it
    /// has followed them: the facts it keeps hold none.
    pub children: Vec<ModDecl>,
    /// Metric and event names the file refers to (see [`Emits`]).
    pub emits: Emits,
    /// Raw `metrics::counter!`-style macro calls.
    pub raw_metric_calls: Vec<RawMetricCall>,
    /// `instr::schema!(...)` invocations: the crate has the generated API.
    pub schema_calls: Vec<SchemaCall>,
}

impl FileFacts {
    /// The file invokes `instr::schema!`.
    pub fn invokes_schema(&self) -> bool {
        !self.schema_calls.is_empty()
    }

    /// Its modules, and what it says about emission (`None` when nothing); `mod` items are
    /// dropped.
    pub fn split(self) -> (Vec<ModuleFacts>, Option<Box<EmissionFacts>>) {
        let emission = EmissionFacts {
            emits: self.emits,
            raw_metric_calls: self.raw_metric_calls,
            schema_calls: self.schema_calls,
        };
        let said = emission != *EmissionFacts::none();
        (self.modules, said.then(|| Box::new(emission)))
    }

    /// Gives back the spare capacity of every list: facts are kept for the whole check, and
    /// lists grown by pushing hold up to twice what they use.
    pub fn shrink_to_fit(&mut self) {
        self.modules.shrink_to_fit();
        self.modules.iter_mut().for_each(ModuleFacts::shrink_to_fit);
        self.children.shrink_to_fit();
        for child in &mut self.children {
            child.path.shrink_to_fit();
            child.candidates.shrink_to_fit();
        }
        self.emits.metric_idents.shrink_to_fit();
        self.emits.event_idents.shrink_to_fit();
        self.emits.raw_names.shrink_to_fit();
        self.raw_metric_calls.shrink_to_fit();
        self.schema_calls.shrink_to_fit();
    }
}

impl ModuleFacts {
    /// A module with nothing in it.
    pub fn none() -> &'static Self {
        static NONE: ModuleFacts = ModuleFacts {
            path: Vec::new(),
            uses: Vec::new(),
            globs: Vec::new(),
            fns: Vec::new(),
            types: Vec::new(),
            child_modules: Vec::new(),
            routes: Vec::new(),
            nests: Vec::new(),
            proto_package: None,
            str_consts: Vec::new(),
            middleware_outputs: Vec::new(),
            endpoint_holders: Vec::new(),
            local_closures: Vec::new(),
        };
        &NONE
    }

    fn shrink_to_fit(&mut self) {
        self.path.shrink_to_fit();
        self.uses.shrink_to_fit();
        for used in &mut self.uses {
            used.target.shrink_to_fit();
        }
        self.globs.shrink_to_fit();
        self.fns.shrink_to_fit();
        self.types.shrink_to_fit();
        self.child_modules.shrink_to_fit();
        self.routes.shrink_to_fit();
        for route in &mut self.routes {
            route.methods.shrink_to_fit();
            if let RoutePath::Parts(parts) = &mut route.path {
                parts.shrink_to_fit();
            }
        }
        self.nests.shrink_to_fit();
        self.str_consts.shrink_to_fit();
        self.middleware_outputs.shrink_to_fit();
        self.endpoint_holders.shrink_to_fit();
        self.local_closures.shrink_to_fit();
    }
}

/// What a file says about emission: the part of its facts that the lints read for every
/// file, kept decoded beside its modules (see `super::lazy`).
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmissionFacts {
    /// Metric and event names the file refers to (see [`Emits`]).
    pub emits: Emits,
    /// Raw `metrics::counter!`-style macro calls.
    pub raw_metric_calls: Vec<RawMetricCall>,
    /// `instr::schema!(...)` invocations: the crate has the generated API.
    pub schema_calls: Vec<SchemaCall>,
}

impl EmissionFacts {
    /// Nothing said.
    pub fn none() -> &'static Self {
        static NONE: EmissionFacts = EmissionFacts {
            emits: Emits {
                metric_idents: Vec::new(),
                event_idents: Vec::new(),
                raw_names: Vec::new(),
            },
            raw_metric_calls: Vec::new(),
            schema_calls: Vec::new(),
        };
        &NONE
    }

    /// The file invokes `instr::schema!`.
    pub fn invokes_schema(&self) -> bool {
        !self.schema_calls.is_empty()
    }
}

/// One `instr::schema!("path")` invocation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemaCall {
    /// The schema path it names (relative to the crate's manifest), when a literal.
    pub path: Option<String>,
    /// The macro's path and arguments.
    pub span: Span,
}

/// The items of one module that matter to the checker.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModuleFacts {
    /// The module's path in its crate.
    pub path: ModPath,
    /// `use` declarations: each imported name with what it refers to.
    pub uses: Vec<UseFact>,
    /// Glob imports (`use a::b::*;`), as written.
    pub globs: Vec<WrittenPath>,
    /// Free functions and methods declared in the module (functions nested in function
    /// bodies count as the module's: handlers are sometimes declared inside `main`).
    pub fns: Vec<FnFact>,
    /// Names of structs, enums, unions and type aliases declared here.
    pub types: Vec<Name>,
    /// Names of inline and out-of-line child modules.
    pub child_modules: Vec<Name>,
    /// Route registrations found in function bodies.
    pub routes: Vec<RouteFact>,
    /// Routers or configuration functions mounted under a prefix.
    pub nests: Vec<NestFact>,
    /// The protobuf package of `tonic::include_proto!("pkg")` inside this module.
    pub proto_package: Option<Name>,
    /// Module-level `const` and `static` items whose value is a string literal: route paths
    /// written as constants are resolved through them, by name, within the crate.
    pub str_consts: Vec<StrConst>,
    /// Types a `Middleware` impl names as its `type Output`: endpoints that wrap another.
    pub middleware_outputs: Vec<Name>,
    /// Structs with a field whose type names an endpoint type (`BoxEndpoint`, `dyn Endpoint`):
    /// routers and wrappers, whose `impl Endpoint` serves through another endpoint.
    pub endpoint_holders: Vec<Name>,
    /// Closures bound to a local variable (`let handler = |ws| ...;`), which a route may name.
    pub local_closures: Vec<LocalClosure>,
}

/// `let name = |..| ..;` in a function body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalClosure {
    /// The function whose body binds it.
    pub scope: FnScope,
    /// The variable.
    pub name: Name,
    /// The closure, from its opening `|`.
    pub span: Span,
}

/// `const NAME: &str = "value";` (or `static`) at module level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StrConst {
    /// The item's name.
    pub name: Name,
    /// The string.
    pub value: String,
}

/// One imported name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UseFact {
    /// The name it is known by in the module (the alias for `use a::b as c`).
    pub name: Name,
    /// The path it refers to, as written (`self`/`super`/`crate` kept).
    pub target: WrittenPath,
    /// `pub use` (or `pub(crate) use`): visible to other modules as a re-export.
    pub public: bool,
}

/// A function or method.
///
/// Kept small (56 bytes): a file holds a dozen of them, most of them plain methods, and every
/// one lives until the report. What only some functions have (a trait impl's or an annotated
/// impl block's data; attributes, emitted names, a returned closure) sits behind one pointer
/// each, absent when there is nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FnFact {
    /// Its name.
    pub name: Name,
    /// For a method: the name of the type the `impl` block is for (shared by the block's
    /// methods).
    pub self_ty: Option<Name>,
    /// For a method of a trait impl, or of an impl block with attributes or generic
    /// parameters: those (shared by the block's methods).
    pub impl_block: Option<Arc<ImplBlock>>,
    /// Declared `pub` (any `pub(...)` counts).
    pub is_pub: bool,
    /// The span of the name.
    pub name_span: Span,
    /// What its attributes and body say, when they say anything ([`FnBody`]).
    pub body: Option<Box<FnBody>>,
}

/// What an `impl` block says about its methods, beyond its type's name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImplBlock {
    /// The trait's path as written, for a trait impl.
    pub trait_path: Option<Box<[Name]>>,
    /// Attributes on the block (`#[OpenApi]`, `#[tonic::async_trait]`).
    pub attrs: Box<[AttrFact]>,
    /// The generic parameters of the block that its self type uses, with their trait bounds
    /// (inline and in the `where` clause).
    pub generics: Box<[GenericParam]>,
}

/// What a function's attributes and body say, for the few functions where they say anything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FnBody {
    /// Its attributes, in source order.
    pub attrs: Box<[AttrFact]>,
    /// Metric and event names its attributes and body refer to, as [`Emits`] records them
    /// (generated type names and literal names), sorted.
    pub emits: Box<[Name]>,
    /// The closure its body ends with, from its opening `|`, when its signature says it
    /// returns a handler (`-> impl Handler<T, S>`, any trait named `*Handler`): a route
    /// registering a call to it is served by that closure.
    pub returned_closure: Option<Span>,
}

impl FnFact {
    /// A function with no name and nothing else.
    pub fn none() -> &'static Self {
        static NONE: FnFact = FnFact {
            name: Name::EMPTY,
            self_ty: None,
            impl_block: None,
            is_pub: false,
            name_span: Span { start: 0, end: 0 },
            body: None,
        };
        &NONE
    }

    /// `name` for a free function, `Type::name` for a method.
    pub fn display_name(&self) -> String {
        match &self.self_ty {
            Some(ty) => format!("{ty}::{}", self.name),
            None => self.name.to_string(),
        }
    }

    /// True for the function `name`, a method of `self_ty` when that is given, a free
    /// function when not.
    pub fn is(&self, self_ty: Option<&str>, name: &str) -> bool {
        &*self.name == name && self.self_ty.as_deref() == self_ty
    }

    /// For a method in a trait impl: the trait's path as written.
    pub fn trait_path(&self) -> Option<&[Name]> {
        self.impl_block.as_ref()?.trait_path.as_deref()
    }

    /// Attributes on the `impl` block, for methods.
    pub fn impl_attrs(&self) -> &[AttrFact] {
        self.impl_block.as_ref().map_or(&[], |block| &block.attrs)
    }

    /// The generic parameters of the `impl` block that its self type uses, for methods.
    pub fn impl_generics(&self) -> &[GenericParam] {
        self.impl_block
            .as_ref()
            .map_or(&[], |block| &block.generics)
    }

    /// Its attributes, in source order.
    pub fn attrs(&self) -> &[AttrFact] {
        self.body.as_ref().map_or(&[], |body| &body.attrs)
    }

    /// Metric and event names its attributes and body refer to (see [`FnBody::emits`]).
    pub fn emits(&self) -> &[Name] {
        self.body.as_ref().map_or(&[], |body| &body.emits)
    }

    /// The handler closure it returns (see [`FnBody::returned_closure`]).
    pub fn returned_closure(&self) -> Option<Span> {
        self.body.as_ref()?.returned_closure
    }

    /// Changes what its body says, keeping nothing when it then says nothing (so that facts
    /// compare equal however they were built).
    pub fn edit_body(&mut self, edit: impl FnOnce(&mut FnBody)) {
        let mut body = self.body.take().unwrap_or_default();
        edit(&mut body);
        if !body.attrs.is_empty() || !body.emits.is_empty() || body.returned_closure.is_some() {
            self.body = Some(body);
        }
    }
}

/// A type parameter of an `impl` block that appears in its self type
/// (`impl<E: Endpoint> Endpoint for Logged<E>` has `E` bounded by `Endpoint`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenericParam {
    /// The parameter's name.
    pub name: Name,
    /// The last segment of each trait bound (`Endpoint` for `poem::Endpoint`).
    pub bounds: Vec<Name>,
}

/// An outer attribute, with its arguments read generically.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AttrFact {
    /// The attribute's path as written (`get`, `actix_web::get`, `instr::handler`).
    pub path: WrittenPath,
    /// The whole attribute, `#[...]`.
    pub span: Span,
    /// Literal arguments in order (`#[get("/p")]` has `"/p"`), with their spans.
    pub positional: Vec<(String, Span)>,
    /// `key = value` arguments; the value is a literal's content or a path as written.
    pub pairs: Vec<(Name, String, Span)>,
    /// Bare words among the arguments (`#[route("/", method = "GET")]` has none).
    pub words: Vec<Name>,
    /// The attribute had an argument list, `#[x(...)]`.
    pub has_args: bool,
}

impl AttrFact {
    /// The value of the first `key = value` argument named `key`.
    pub fn pair(&self, key: &str) -> Option<(&str, Span)> {
        self.pairs
            .iter()
            .find(|(name, _, _)| name == key)
            .map(|(_, value, span)| (value.as_str(), *span))
    }

    /// Every value given for `key`.
    pub fn pairs_named<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs
            .iter()
            .filter(move |(name, _, _)| name == key)
            .map(|(_, value, _)| value.as_str())
    }
}

/// An out-of-line module declaration, `mod x;`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModDecl {
    /// The module path of the declared module.
    pub path: ModPath,
    /// The files that may hold it, in the order rustc tries them.
    pub candidates: Vec<PathBuf>,
    /// The span of `mod x;`, for a "file not found" finding.
    pub span: Span,
    /// Named by `#[path = "..."]`: the file then owns its directory like a `mod.rs`.
    pub from_path_attr: bool,
    /// Behind `#[cfg(...)]`: a missing file is expected on some configurations.
    pub conditional: bool,
    /// `#[cfg(test)]` modules: their files are reached but not scanned (test code registers
    /// routers that serve nobody).
    pub test_only: bool,
}

/// The web framework (or mechanism) a handler was found through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Framework {
    /// axum routers.
    Axum,
    /// actix-web attributes and resources.
    ActixWeb,
    /// rocket attributes and `routes![]`.
    Rocket,
    /// poem `#[handler]` and `Route::at`.
    Poem,
    /// poem-openapi `#[oai]` methods.
    PoemOpenapi,
    /// tonic service trait implementations.
    Tonic,
    /// warp filters.
    Warp,
    /// `handler-attributes` or `handler-modules` from configuration.
    Configured,
    /// Only marked with `#[instr::handler]` or `#[instr::exempt]`.
    Instr,
}

impl Framework {
    /// The name users know it by.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Axum => "axum",
            Self::ActixWeb => "actix-web",
            Self::Rocket => "rocket",
            Self::Poem => "poem",
            Self::PoemOpenapi => "poem-openapi",
            Self::Tonic => "tonic",
            Self::Warp => "warp",
            Self::Configured => "configured",
            Self::Instr => "instr",
        }
    }
}

/// What serves the requests of an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EndpointKind {
    /// A function or closure of the crate registered under a route.
    Handler,
    /// What answers the requests no route matches (axum `.fallback`, actix-web
    /// `default_service`).
    Fallback,
    /// A static-file service (`ServeDir`, `actix_files::Files`, `warp::fs::dir`).
    Static,
    /// A function of another crate registered under a route of this one.
    External,
}

impl EndpointKind {
    /// `handler`, `fallback`, `static` or `external`, as coverage shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Handler => "handler",
            Self::Fallback => "fallback",
            Self::Static => "static",
            Self::External => "external",
        }
    }
}

/// The function a registration is written in: its name, and for a method the type its `impl`
/// block is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FnScope {
    /// The `impl` block's type, for a method.
    pub self_ty: Option<Name>,
    /// The function's name.
    pub name: Name,
}

impl FnScope {
    /// `Type::name` for a method, `name` for a free function.
    pub fn display_name(&self) -> String {
        match &self.self_ty {
            Some(ty) => format!("{ty}::{}", self.name),
            None => self.name.to_string(),
        }
    }
}

/// What a route registration hands requests to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum HandlerRef {
    /// A function or method, by path as written.
    Path(WrittenPath, Span),
    /// A closure (`true`) or another expression that is not a path, written in place.
    Inline(Span, bool),
    /// A static-file service built in place by the function written (`ServeDir::new`,
    /// `Files::new`, `warp::fs::dir`), at the call.
    Static(WrittenPath, Span),
    /// What a call returns (`self.axum_handler()`, `make_handler(..)`): the function called
    /// as written (`Self::axum_handler`) and the call's span. Served by the closure that
    /// function returns when it is the crate's and returns a handler closure (see
    /// [`FnFact::returned_closure`]); otherwise an expression written in place.
    Returned(WrittenPath, Span),
}

/// One piece of a route path that is built from constants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PathPart {
    /// Text written in place.
    Literal(String),
    /// A `const` or `static` string, by path as written; resolved within the crate.
    Const(WrittenPath),
}

/// Where a route's path comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RoutePath {
    /// Written at the registration: `.route("/p", get(h))`.
    Literal(String),
    /// Pieces joined in order, some of them constants (`warp::path(API).and(warp::path(NOTES))`
    /// is `/`, `API`, `/`, `NOTES`); unknown when a constant cannot be resolved.
    Parts(Vec<PathPart>),
    /// Taken from the handler's own route attribute (`.service(h)`, `routes![h]`); the
    /// registration only adds its prefix.
    FromAttribute,
    /// Not known statically.
    Unknown,
}

/// A route registration: `.route("/p", get(h))`, `web::resource("/p").route(...)`,
/// `routes![h]` under `.mount("/p", ...)`, `warp::path("p").and_then(h)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteFact {
    /// The framework whose API registered it.
    pub framework: Framework,
    /// A route, a fallback or a static-file service (`External` is decided when the handler's
    /// path is resolved).
    pub kind: EndpointKind,
    /// HTTP methods in upper case; `ANY` when every method is served.
    pub methods: Vec<Name>,
    /// Prefixes known at the registration (`web::scope`, an enclosing `.nest`).
    pub prefix: String,
    /// The path.
    pub path: RoutePath,
    /// The handler.
    pub handler: HandlerRef,
    /// The registration expression.
    pub span: Span,
    /// The function whose body registers it; further prefixes are found where that function
    /// is nested.
    pub scope: Option<FnScope>,
    /// For a method router built outside any `.route(...)` (`let h = get(f);`): the path of
    /// the function called (`get`, `routing::get`), which must resolve into axum or poem.
    pub evidence: Option<WrittenPath>,
}

/// A router, scope or configuration function mounted under a prefix elsewhere:
/// `.nest("/api", api::router())`, `.merge(admin())`, `web::scope("/v1").configure(config)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NestFact {
    /// The full prefix at the mount.
    pub prefix: String,
    /// The function that builds the mounted router, as written.
    pub callee: WrittenPath,
    /// The function whose body mounts it.
    pub scope: Option<FnScope>,
}

/// Metric and event names referred to in a file.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Emits {
    /// Identifiers that follow a `metrics` segment (`metrics::CheckoutTotal`), or are
    /// imported from a `metrics` module.
    pub metric_idents: Vec<Name>,
    /// Identifiers that follow an `events` segment.
    pub event_idents: Vec<Name>,
    /// String literals given to metrics-facade macros (`counter!("name")`) and to
    /// `#[instr::handler(...)]` options.
    pub raw_names: Vec<Name>,
}

/// A raw metrics-facade macro call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawMetricCall {
    /// `counter`, `gauge` or `histogram`.
    pub kind: Name,
    /// The metric name when it is a literal.
    pub name: Option<String>,
    /// The macro's path.
    pub span: Span,
}

#[cfg(test)]
mod tests {
    /// A file keeps a dozen functions for the whole check: a field every function pays for
    /// shows in the peak memory of a large workspace.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_function_stays_small() {
        assert_eq!(std::mem::size_of::<super::FnFact>(), 56);
    }
}
