//! The gate never passes silently (issue 8): every case where `cargo instr-check` used to be
//! green by accident, on small workspaces written here the way a new user would write them.
//! One test (or a few) per item of the issue, named after it; each runs the real binary.
//!
//! Workspaces are written to temporary directories with `support::write_files`; they are
//! never built (the checker only reads them).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::process::Output;

use serde_json::Value;
use support::{json, manifest, repo, run_on, stderr, stdout, write_files};

/// A temporary package `name` (never built) with these `[dependencies]` lines and files.
fn package(name: &str, dependencies: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[("Cargo.toml", &manifest(name, dependencies, ""))],
    );
    write_files(dir.path(), files);
    dir
}

/// A schema with one owner, one metric and one feature measured by it.
const SCHEMA: &str = r##"version = 1

[owners.shop]
contact = "#shop"

[metrics.pages_served_total]
kind = "counter"
description = "Pages served."
owner = "shop"

[features.pages]
description = "Serving pages."
owner = "shop"
success_metrics = ["pages_served_total"]
"##;

fn check(dir: &Path, args: &[&str]) -> Output {
    run_on(&dir.join("Cargo.toml"), args)
}

/// The findings of a JSON report with this code.
fn findings<'a>(report: &'a Value, code: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["code"] == code)
        .collect()
}

fn codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["code"].as_str().unwrap().to_owned())
        .collect()
}

/// The coverage rows of a workspace, as `kind METHOD route function`.
fn coverage_rows(dir: &Path) -> Vec<String> {
    let output = check(dir, &["coverage", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    let mut rows: Vec<String> = report["handlers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            format!(
                "{} {} {} {}",
                row["kind"].as_str().unwrap_or("?"),
                row["method"].as_str().unwrap_or("-"),
                row["route"].as_str().unwrap_or("<dynamic>"),
                row["function"].as_str().unwrap()
            )
        })
        .collect();
    rows.sort();
    rows
}

/// The coverage rows of a one-file library package (`src/lib.rs`) with these dependencies.
fn library_rows(name: &str, dependencies: &str, lib_rs: &str) -> Vec<String> {
    let dir = package(name, dependencies, &[("src/lib.rs", lib_rs)]);
    coverage_rows(dir.path())
}

// ------------------------------------------------------------------------------ item 1

/// A crate that depends on axum but has no handler the checker can see: a warning naming the
/// dependency, and coverage `n/a` (human summary, table, JSON `null`), never 100%.
#[test]
fn item1_framework_without_handlers_is_a_warning_and_not_full_coverage() {
    let dir = package(
        "silent",
        "axum = \"0.8\"\ninstr = \"0.1\"",
        &[
            ("instr.toml", SCHEMA),
            (
                "src/main.rs",
                "mod telemetry { instr::schema!(\"instr.toml\"); }\n\nfn main() {\n    let app = build();\n    run(app);\n}\n",
            ),
        ],
    );
    let output = check(dir.path(), &["--format", "json"]);
    let report = json(&output);
    let warnings = findings(&report, "instr::no-handlers-found");
    assert_eq!(warnings.len(), 1, "{report:#}");
    assert_eq!(warnings[0]["severity"], "warning");
    let message = warnings[0]["message"].as_str().unwrap();
    assert!(
        message.contains("axum") && message.contains("silent"),
        "{message}"
    );

    let human = stderr(&check(dir.path(), &[]));
    assert!(human.contains("0 handlers, 0 covered (n/a)"), "{human}");
    assert!(!human.contains("100%"), "{human}");

    let coverage = json(&check(dir.path(), &["coverage", "--format", "json"]));
    assert!(coverage["totals"]["percent"].is_null(), "{coverage:#}");
    assert_eq!(coverage["totals"]["crates"][0]["crate"], "silent");
    assert!(coverage["totals"]["crates"][0]["percent"].is_null());
    let table = check(dir.path(), &["coverage"]);
    assert!(stdout(&table).contains("(n/a)"), "{}", stdout(&table));
    assert!(!stdout(&table).contains("100"), "{}", stdout(&table));
    assert!(
        stderr(&table).contains("instr::no-handlers-found"),
        "{}",
        stderr(&table)
    );

    std::fs::remove_file(dir.path().join("instr.toml")).unwrap();
    let init = check(dir.path(), &["init"]);
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    assert!(
        stderr(&init).contains("instr::no-handlers-found") && stderr(&init).contains("axum"),
        "{}",
        stderr(&init)
    );
}

// ------------------------------------------------------------------------------ item 2

const AXUM_APP: &str = r#"use axum::routing::get;
use axum::Router;
use tower_http::services::ServeDir;

mod telemetry {
    instr::schema!("instr.toml");
}

#[instr::handler(feature = "pages")]
async fn home() -> &'static str {
    telemetry::metrics::PagesServedTotal.increment(1);
    "home"
}

async fn not_found() -> &'static str {
    "nothing here"
}

pub fn app() -> Router {
    Router::new()
        .route("/", get(home))
        .route("/version", get(build_info::version))
        .nest_service("/assets", ServeDir::new("assets"))
        .fallback(not_found)
}
"#;

/// axum: a fallback, a static-file service and another crate's function are endpoints, with
/// their kind; each must be mapped or exempted, from the schema since no attribute can go on
/// them.
#[test]
fn item2_axum_fallback_static_and_external_are_endpoints() {
    let dir = package(
        "app",
        "axum = \"0.8\"\ntower-http = { version = \"0.6\", features = [\"fs\"] }\nbuild_info = \"1\"\ninstr = \"0.1\"",
        &[("instr.toml", SCHEMA), ("src/lib.rs", AXUM_APP)],
    );
    assert_eq!(
        coverage_rows(dir.path()),
        [
            "external GET /version build_info::version",
            "fallback ANY /{*fallback} not_found",
            "handler GET / home",
            "static ANY /assets/{*path} <ServeDir::new in app>",
        ]
    );
    let report = json(&check(dir.path(), &["--format", "json"]));
    let unmapped: Vec<&str> = findings(&report, "instr::handler-unmapped")
        .iter()
        .map(|finding| finding["message"].as_str().unwrap())
        .collect();
    assert_eq!(unmapped.len(), 3, "{unmapped:?}");
    assert!(
        unmapped
            .iter()
            .any(|message| message.contains("fallback `not_found`")),
        "{unmapped:?}"
    );

    // Mapped by route, exempted by route and by the endpoint's path, with reasons.
    let schema = format!(
        "{SCHEMA}routes = [\"ANY /*\"]\n\n[exempt]\n\"GET /version\" = \"the build_info crate's endpoint, measured by its owners\"\n\"ANY /assets/{{*path}}\" = \"static files\"\n"
    );
    std::fs::write(dir.path().join("instr.toml"), schema).unwrap();
    let output = check(dir.path(), &["--format", "json"]);
    let report = json(&output);
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    assert_eq!(report["summary"]["handlers"], 4);
    assert_eq!(report["summary"]["covered"], 4);
    let coverage = json(&check(dir.path(), &["coverage", "--format", "json"]));
    let exempt: Vec<&Value> = coverage["handlers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["exempt"] == true)
        .collect();
    assert_eq!(exempt.len(), 2, "{coverage:#}");

    // An exemption without a reason, or naming nothing, is reported.
    let schema = format!(
        "{SCHEMA}routes = [\"ANY /*\"]\n\n[exempt]\n\"GET /version\" = \"\"\n\"GET /gone\" = \"removed\"\n\"ANY /assets/*\" = \"static files\"\n"
    );
    std::fs::write(dir.path().join("instr.toml"), schema).unwrap();
    let report = json(&check(dir.path(), &["--format", "json"]));
    let codes = codes(&report);
    assert!(
        codes.contains(&"instr::schema::invalid-value".to_owned()),
        "{codes:?}"
    );
    let stale = findings(&report, "instr::stale-mapping");
    assert!(
        stale
            .iter()
            .any(|finding| finding["message"].as_str().unwrap().contains("GET /gone")),
        "{report:#}"
    );
}

const ACTIX_APP: &str = r#"use actix_files::Files;
use actix_web::{web, App, HttpResponse, HttpServer};

#[actix_web::get("/")]
async fn index() -> HttpResponse {
    HttpResponse::Ok().finish()
}

async fn not_found() -> HttpResponse {
    HttpResponse::NotFound().finish()
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    HttpServer::new(|| {
        App::new()
            .service(index)
            .service(Files::new("/static", "./static").show_files_listing())
            .service(web::resource("/ping").route(web::head().to(HttpResponse::Ok)))
            .default_service(web::to(not_found))
    })
    .bind(("127.0.0.1", 8080))?
    .run()
    .await
}
"#;

/// actix-web: `default_service` is a fallback, `actix_files::Files` a static service, and a
/// route to actix-web's own `HttpResponse::Ok` an external endpoint.
#[test]
fn item2_actix_default_service_files_and_external_are_endpoints() {
    let dir = package(
        "site",
        "actix-web = \"4\"\nactix-files = \"0.6\"\ninstr = \"0.1\"",
        &[("src/main.rs", ACTIX_APP)],
    );
    assert_eq!(
        coverage_rows(dir.path()),
        [
            "external HEAD /ping HttpResponse::Ok",
            "fallback ANY /{*fallback} not_found",
            "handler GET / index",
            "static GET /static/{*path} <Files::new in main>",
        ]
    );
}

/// The README's quick start, as written: its schema, its code and its router (with
/// `instr::prometheus::axum::handler`, known and exempt by default) pass the check.
#[test]
fn item2_readme_quick_start_passes_as_written() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme.find("## Quick start").unwrap();
    let section = &readme[start..];
    let block = |fence: &str| -> String {
        let open = section.find(fence).unwrap() + fence.len();
        let close = section[open..].find("```").unwrap();
        section[open..open + close].to_owned()
    };
    let schema = block("```toml\n");
    let code = block("```rust\n");
    let router = code
        .lines()
        .find_map(|line| line.trim().strip_prefix("// Router::new()"))
        .expect("the quick start shows its router in a comment");
    let main = format!(
        "use axum::routing::{{get, post}};\nuse axum::Router;\n\n{code}\nfn app() -> Router {{\n    Router::new(){router}\n}}\n\nfn main() {{\n    let _ = app();\n}}\n"
    );
    let dir = package(
        "quickstart",
        "axum = \"0.8\"\ninstr = { version = \"0.1\", features = [\"axum\"] }",
        &[("instr.toml", &schema), ("src/main.rs", &main)],
    );
    let output = check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{main}\n{}", stderr(&output));
    assert!(
        stderr(&output).contains("0 errors, 0 warnings"),
        "{}",
        stderr(&output)
    );
    let coverage = json(&check(dir.path(), &["coverage", "--format", "json"]));
    let metrics = coverage["handlers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["route"] == "/metrics")
        .unwrap_or_else(|| panic!("{coverage:#}"));
    assert_eq!(metrics["kind"], "external");
    assert_eq!(metrics["exempt"], true);
}

// ------------------------------------------------------------------------------ item 3

/// Done when: on a warp service whose paths are `const`s (one in another module) and whose
/// filters end in closures, `coverage` lists each route with its method and path.
#[test]
fn item3_warp_service_routes_with_const_paths_and_closures() {
    let dir = support::fixtures().join("lint/warp-service");
    let output = run_on(&dir.join("Cargo.toml"), &["coverage"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let table = stdout(&output);
    for expected in [
        "GET /api/notes ",
        "POST /api/notes ",
        "DELETE /api/notes/{param} ",
        "GET /health ",
        "GET /version ",
    ] {
        assert!(table.contains(expected), "no `{expected}` in:\n{table}");
    }
    assert!(!table.contains("ANY /"), "{table}");
    assert_eq!(
        coverage_rows(&dir),
        [
            "handler DELETE /api/notes/{param} delete_note",
            "handler GET /api/notes list_notes",
            "handler GET /health <closure in routes>",
            "handler GET /version <closure in routes>",
            "handler POST /api/notes create_note",
            "static GET /static/{*path} <warp::fs::dir in routes>",
        ]
    );
}

/// A warp path the checker cannot resolve is `<dynamic>`, never `ANY /`.
#[test]
fn item3_unresolvable_warp_path_is_dynamic() {
    let dir = package(
        "mounted",
        "warp = \"0.3\"\ninstr = \"0.1\"",
        &[(
            "src/lib.rs",
            "use warp::Filter;\n\npub fn routes(base: &'static str) -> impl Filter<Extract = (String,), Error = warp::Rejection> + Clone {\n    warp::path(base).and(warp::get()).map(|| String::from(\"listed\"))\n}\n",
        )],
    );
    let rows = coverage_rows(dir.path());
    assert_eq!(rows, ["handler GET <dynamic> <closure in routes>"]);
    let table = stdout(&check(dir.path(), &["coverage"]));
    assert!(table.contains("GET <dynamic>"), "{table}");
    assert!(!table.contains("ANY /"), "{table}");
}

// ------------------------------------------------------------------------------ item 4

const POEM_APP: &str = r#"use poem::{Endpoint, IntoResponse, Middleware, Request, Response, Result};

/// Serves the greeting itself.
pub struct Hello;

impl Endpoint for Hello {
    type Output = Response;

    async fn call(&self, _req: Request) -> Result<Self::Output> {
        Ok("hello".into_response())
    }
}

/// Logs around the endpoint it wraps.
pub struct Logged<E> {
    inner: E,
}

impl<E: Endpoint> Endpoint for Logged<E> {
    type Output = E::Output;

    async fn call(&self, req: Request) -> Result<Self::Output> {
        self.inner.call(req).await
    }
}

/// Times the endpoint it wraps (the bound in a where clause).
pub struct Timed<E>(E);

impl<E> Endpoint for Timed<E>
where
    E: Endpoint,
{
    type Output = E::Output;

    async fn call(&self, req: Request) -> Result<Self::Output> {
        self.0.call(req).await
    }
}

/// Built by a middleware's `transform`: wraps the endpoint in a boxed trait object.
pub struct Guarded {
    inner: poem::endpoint::BoxEndpoint<'static>,
}

pub struct Guard;

impl<E: Endpoint + 'static> Middleware<E> for Guard {
    type Output = Guarded;

    fn transform(&self, ep: E) -> Self::Output {
        Guarded { inner: ep.map_to_response().boxed() }
    }
}

impl Endpoint for Guarded {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Self::Output> {
        self.inner.call(req).await
    }
}
"#;

/// poem: an `impl Endpoint` whose type wraps another endpoint (a generic `E: Endpoint`, in
/// the bounds or a where clause, or the output of `Middleware::transform`) is middleware.
#[test]
fn item4_poem_middleware_is_not_a_handler() {
    let dir = package(
        "greeter",
        "poem = \"3\"\ninstr = \"0.1\"",
        &[("src/lib.rs", POEM_APP)],
    );
    let rows = coverage_rows(dir.path());
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].ends_with("Hello::call"), "{rows:?}");
}

// ------------------------------------------- items 2-4, rules from the holdout crates

const AXUM_WRAPPERS: &str = r#"use axum::handler::Handler;
use axum::routing::get;
use axum::Router;

/// A routing DSL over axum's: the routes are its caller's.
pub struct Routes {
    router: Router,
}

impl Routes {
    pub fn get<H: Handler<T, ()>, T: 'static>(self, uri: &str, handler: H) -> Self {
        self.add(uri, axum::routing::get(handler))
    }

    pub fn route_service<S>(mut self, path: &str, svc: S) -> Self {
        self.router = self.router.route_service(path, svc);
        self
    }

    pub fn fallback<H: Handler<T, ()>, T: 'static>(mut self, handler: H) -> Self {
        self.router = self.router.fallback(handler);
        self
    }

    fn add(mut self, uri: &str, method: axum::routing::MethodRouter) -> Self {
        self.router = self.router.route(uri, method);
        self
    }
}

/// The crate fixes the path, the caller gives the handler: an external endpoint here.
pub fn with_version<H: Handler<T, ()>, T: 'static>(router: Router, handler: H) -> Router {
    router.route("/version", get(handler))
}

async fn health() {}

pub fn app() -> Router {
    Router::new().route("/health", get(health))
}
"#;

/// A registration whose handler (or service) is a parameter of the function registering it,
/// at a path that is also the caller's (a parameter, or none: a fallback, a method router on
/// its own), wraps the framework's API: the endpoint is the caller's. Under a path the crate
/// fixes, it stays an external endpoint.
#[test]
fn item2_pass_through_registration_wrappers_are_the_callers() {
    assert_eq!(
        library_rows("dsl", "axum = \"0.8\"\ninstr = \"0.1\"", AXUM_WRAPPERS),
        [
            "external GET /version handler",
            "handler GET /health health"
        ]
    );
}

const AXUM_LOCAL_SERVICES: &str = r#"use axum::routing::get;
use axum::Router;
use tower_http::services::ServeDir;

async fn about() {}

pub fn assets() -> Router {
    let files = ServeDir::new("assets");
    Router::new().fallback_service(files)
}

pub fn site(cached: bool) -> Router {
    let pages = if cached {
        Router::new().route("/about", get(about))
    } else {
        Router::new()
    };
    Router::new().fallback_service(pages)
}
"#;

/// A local variable given as a fallback or service is not an endpoint of its own: what it
/// serves is counted where its value was built. One bound straight to a static-file service
/// is that service, at its constructor.
#[test]
fn item2_local_service_values_are_counted_where_built() {
    assert_eq!(
        library_rows(
            "sites",
            "axum = \"0.8\"\ntower-http = { version = \"0.6\", features = [\"fs\"] }\ninstr = \"0.1\"",
            AXUM_LOCAL_SERVICES
        ),
        [
            "handler GET /about about",
            "static ANY /{*fallback} <ServeDir::new in assets>"
        ]
    );
}

const AXUM_RETURNED_HANDLER: &str = r#"use axum::handler::Handler;
use axum::response::Html;

mod routing {
    /// The crate's own method router over axum's.
    pub fn get<H: axum::handler::Handler<T, ()>, T: 'static>(handler: H) -> axum::routing::MethodRouter {
        axum::routing::get(handler)
    }
}

pub struct Docs {
    html: &'static str,
}

impl Docs {
    pub fn axum_route(&self) -> axum::routing::MethodRouter {
        routing::get(self.axum_handler())
    }

    pub fn axum_handler(&self) -> impl Handler<((),), ()> {
        let html = self.html;
        move || async move { Html(html) }
    }

    pub fn title(&self) -> impl Fn() -> &'static str {
        || "docs"
    }
}
"#;

/// A closure returned by the crate's own function whose signature returns a handler
/// (`-> impl Handler<..>`), registered through a call to it, is a handler at the closure.
#[test]
fn item2_closure_returned_by_a_handler_function_is_the_handler() {
    assert_eq!(
        library_rows(
            "docs",
            "axum = \"0.8\"\ninstr = \"0.1\"",
            AXUM_RETURNED_HANDLER
        ),
        ["handler GET <dynamic> <closure in Docs::axum_handler>"]
    );
}

const ACTIX_HANDLER_IMPLS: &str = r#"use std::future::{ready, Ready};

use actix_web::dev::{fn_service, ServiceRequest, ServiceResponse};
use actix_web::{web, Error, HttpResponse};

/// Serves the spec it holds.
pub struct Spec(String);

impl Spec {
    pub fn new(text: String) -> Self {
        Self(text)
    }
}

impl actix_web::Handler<()> for Spec {
    type Output = Result<HttpResponse, Error>;
    type Future = Ready<Self::Output>;

    fn call(&self, _: ()) -> Self::Future {
        ready(Ok(HttpResponse::Ok().body(self.0.clone())))
    }
}

/// Wraps another handler: middleware, not a handler.
pub struct Timed<H>(H);

impl<H: actix_web::Handler<()>> actix_web::Handler<()> for Timed<H> {
    type Output = H::Output;
    type Future = H::Future;

    fn call(&self, args: ()) -> Self::Future {
        self.0.call(args)
    }
}

async fn pages(request: ServiceRequest) -> Result<ServiceResponse, Error> {
    Ok(request.into_response(HttpResponse::Ok().finish()))
}

async fn redirect(request: ServiceRequest) -> Result<ServiceResponse, Error> {
    Ok(request.into_response(HttpResponse::Found().finish()))
}

pub fn configure(cfg: &mut web::ServiceConfig, spec_path: &str) {
    cfg.service(web::resource(spec_path).route(web::get().to(Spec::new(String::new()))))
        .service(web::scope("/site").default_service(fn_service(pages)))
        .default_service(fn_service(redirect));
}
"#;

/// actix-web: a hand-written `impl Handler for T` (`call`) is a handler, unless `T` wraps
/// another handler; a route to a value of `T` is served by it; `fn_service(f)` is `f`.
#[test]
fn item2_actix_handler_impls_and_fn_service_fallbacks() {
    assert_eq!(
        library_rows(
            "spec",
            "actix-web = \"4\"\ninstr = \"0.1\"",
            ACTIX_HANDLER_IMPLS
        ),
        [
            "fallback ANY /site/{*fallback} pages",
            "fallback ANY /{*fallback} redirect",
            "handler GET <dynamic> Spec::call"
        ]
    );
}

const ACTIX_MACRO_RULES: &str = r#"use actix_web::{web, HttpResponse, Resource};

macro_rules! asset {
    ($name:literal, $body:literal) => {{
        web::resource($name).to(move || async move { HttpResponse::Ok().body($body) })
    }};
}

macro_rules! routed {
    ($path:literal, $handler:expr) => {
        web::resource($path).to($handler)
    };
}

pub fn js() -> Resource {
    asset!("/app.js", "js")
}

pub fn css() -> Resource {
    asset!("/app.css", "css")
}

async fn ping() -> HttpResponse {
    HttpResponse::Ok().finish()
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(js()).service(css()).service(routed!("/ping", ping));
}
"#;

/// A closure registered in a `macro_rules!` body is one handler, however often the macro is
/// expanded; a handler that is one of the macro's metavariables is the invoker's, not an
/// endpoint of the body.
#[test]
fn item2_closure_in_a_macro_rules_body_is_a_handler() {
    assert_eq!(
        library_rows(
            "assets",
            "actix-web = \"4\"\ninstr = \"0.1\"",
            ACTIX_MACRO_RULES
        ),
        ["handler ANY <dynamic> <closure in asset!>"]
    );
}

const WARP_ANY_AND: &str = r#"use warp::Filter;

pub fn files() -> impl Filter<Extract = (impl warp::Reply,), Error = warp::Rejection> + Clone {
    let direct = warp::path::tail()
        .and_then(|tail: warp::path::Tail| async move { Ok::<_, warp::Rejection>(tail.as_str().to_owned()) });
    let index = warp::path::end().map(|| "index");
    warp::any().and(direct).or(index)
}

pub fn counted() -> impl Filter<Extract = (impl warp::Reply,), Error = warp::Rejection> + Clone {
    let start = warp::any().map(|| 1u32);
    warp::path("count").and(start).map(|n: u32| n.to_string())
}
"#;

/// warp: `warp::any().and(x)` with no mapping after it serves x's reply; an `.and(x)` that
/// more mapping follows still only feeds it.
#[test]
fn item3_warp_and_with_nothing_after_serves_the_filter() {
    assert_eq!(
        library_rows("embed", "warp = \"0.3\"\ninstr = \"0.1\"", WARP_ANY_AND),
        [
            "handler ANY / <closure in files>",
            "handler ANY /count <closure in counted>",
            "handler ANY /{*tail} <closure in files>"
        ]
    );
}

const POEM_EMBEDDED: &str = r#"use poem::endpoint::{EmbeddedFileEndpoint, EmbeddedFilesEndpoint};
use poem::Route;

#[derive(rust_embed::RustEmbed)]
#[folder = "public"]
struct Files;

pub fn app() -> Route {
    Route::new()
        .at("/", EmbeddedFileEndpoint::<Files>::new("index.html"))
        .nest("/assets", EmbeddedFilesEndpoint::<Files>::new())
}
"#;

/// poem's embedded-file endpoints are static-file services, like `StaticFilesEndpoint`.
#[test]
fn item2_poem_embedded_file_endpoints_are_static() {
    assert_eq!(
        library_rows(
            "dash",
            "poem = { version = \"3\", features = [\"embed\"] }\nrust-embed = \"8\"\ninstr = \"0.1\"",
            POEM_EMBEDDED
        ),
        [
            "static ANY / <EmbeddedFileEndpoint::new in app>",
            "static ANY /assets/{*path} <EmbeddedFilesEndpoint::new in app>"
        ]
    );
}

// ------------------------------------------------------------------------------ item 5

fn schema_macro_workspace(dir: &Path, macro_path: &str, extra_files: &[(&str, &str)]) {
    let lib = format!(
        "mod telemetry {{\n    instr::schema!(\"{macro_path}\");\n}}\n\n#[instr::handler(feature = \"pages\")]\npub async fn home() {{\n    telemetry::metrics::PagesServedTotal.increment(1);\n}}\n\npub fn app() -> axum::Router {{\n    axum::Router::new().route(\"/\", axum::routing::get(home))\n}}\n"
    );
    let mut files: Vec<(&str, &str)> = vec![("instr.toml", SCHEMA), ("src/lib.rs", &lib)];
    let manifest_text = manifest("pages", "axum = \"0.8\"\ninstr = \"0.1\"", "");
    files.push(("Cargo.toml", &manifest_text));
    files.extend_from_slice(extra_files);
    write_files(dir, &files);
}

/// `instr::schema!` naming a file other than the one the checker uses for the crate is an
/// error at the macro call; so is a file that does not exist.
#[test]
fn item5_schema_macro_and_checker_use_one_schema() {
    let dir = tempfile::tempdir().unwrap();
    schema_macro_workspace(dir.path(), "metrics.toml", &[("metrics.toml", SCHEMA)]);
    let report = json(&check(dir.path(), &["--format", "json"]));
    let mismatch = findings(&report, "instr::schema-mismatch");
    assert_eq!(mismatch.len(), 1, "{report:#}");
    assert_eq!(mismatch[0]["severity"], "error");
    assert_eq!(mismatch[0]["file"], "src/lib.rs");
    assert_eq!(mismatch[0]["line"], 2);
    let message = mismatch[0]["message"].as_str().unwrap();
    assert!(
        message.contains("metrics.toml") && message.contains("instr.toml"),
        "{message}"
    );

    let dir = tempfile::tempdir().unwrap();
    schema_macro_workspace(dir.path(), "instr.tmol", &[]);
    let output = check(dir.path(), &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    let mismatch = findings(&report, "instr::schema-mismatch");
    assert_eq!(mismatch.len(), 1, "{report:#}");
    assert!(
        mismatch[0]["message"]
            .as_str()
            .unwrap()
            .contains("does not exist"),
        "{report:#}"
    );

    // The same file, spelt differently, is the same schema.
    let dir = tempfile::tempdir().unwrap();
    schema_macro_workspace(dir.path(), "./instr.toml", &[]);
    let report = json(&check(dir.path(), &["--format", "json"]));
    assert!(findings(&report, "instr::schema-mismatch").is_empty());
}

/// A `schema` in `[workspace.metadata.instr]` that does not exist is a configuration error
/// that names `Cargo.toml` and the key.
#[test]
fn item5_configured_schema_that_does_not_exist_names_cargo_toml() {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"t\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace.metadata.instr]\nschema = \"nope.toml\"\n\n[workspace]\n",
            ),
            ("src/lib.rs", ""),
        ],
    );
    let output = check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(
        text.contains("Cargo.toml") && text.contains("nope.toml") && text.contains("schema"),
        "{text}"
    );
}

// ------------------------------------------------------------------------------ item 6

/// A schema with a TOML syntax error gives the syntax error, not findings about code that
/// depend on the schema; the summary says the schema could not be read.
#[test]
fn item6_syntax_error_does_not_cascade() {
    let dir = tempfile::tempdir().unwrap();
    let broken = SCHEMA.replace("contact = \"#shop\"", "contact = \"#shop");
    schema_macro_workspace(dir.path(), "instr.toml", &[("instr.toml", &broken)]);
    let output = check(dir.path(), &["--format", "json"]);
    let report = json(&output);
    assert_eq!(output.status.code(), Some(1));
    let codes = codes(&report);
    assert!(
        codes.iter().all(|code| code == "instr::schema::syntax"),
        "{codes:?}"
    );
    assert!(!codes.is_empty());
    let human = stderr(&check(dir.path(), &[]));
    assert!(human.contains("instr.toml: could not be read"), "{human}");
}

// ------------------------------------------------------------------------------ item 7

/// `missing-success-metric` suggests a metric the feature's owner owns, never another team's;
/// with none, it suggests no name.
#[test]
fn item7_missing_success_metric_suggests_the_owners_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let schema = r##"version = 1

[owners.growth]
contact = "#growth"

[owners.payments]
contact = "#payments"

[owners.search]
contact = "#search"

[metrics.accounts_created_total]
kind = "counter"
description = "Accounts created."
owner = "growth"

[metrics.payments_settled_total]
kind = "counter"
description = "Payments settled."
owner = "payments"

[features.signup]
description = "Signing up."
owner = "growth"
success_metrics = ["accounts_created_total"]

[features.checkout]
description = "Paying."
owner = "payments"
success_metrics = []

[features.search]
description = "Searching."
owner = "search"
success_metrics = []
"##;
    write_files(
        dir.path(),
        &[
            ("Cargo.toml", &manifest("shop", "instr = \"0.1\"", "")),
            ("instr.toml", schema),
            ("src/lib.rs", ""),
        ],
    );
    let report = json(&check(dir.path(), &["--format", "json"]));
    let missing = findings(&report, "instr::schema::missing-success-metric");
    assert_eq!(missing.len(), 2, "{report:#}");
    let help_of = |feature: &str| -> String {
        missing
            .iter()
            .find(|finding| {
                finding["message"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("`{feature}`"))
            })
            .unwrap()["help"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let checkout = help_of("checkout");
    assert!(checkout.contains("payments_settled_total"), "{checkout}");
    assert!(!checkout.contains("accounts_created_total"), "{checkout}");
    let search = help_of("search");
    assert!(
        !search.contains("accounts_created_total") && !search.contains("payments_settled_total"),
        "{search}"
    );
}

/// An unmapped handler's help suggests the closest declared feature first, and a new feature
/// only second.
#[test]
fn item7_unmapped_handler_suggests_a_declared_feature_first() {
    let schema = SCHEMA.replace("[features.pages]", "[features.orders]");
    let dir = package(
        "shop",
        "axum = \"0.8\"\ninstr = \"0.1\"",
        &[
            ("instr.toml", &schema),
            (
                "src/lib.rs",
                "pub fn app() -> axum::Router {\n    axum::Router::new().route(\"/api/order/{id}\", axum::routing::get(show))\n}\n\nasync fn show() {}\n",
            ),
        ],
    );
    let report = json(&check(dir.path(), &["--format", "json"]));
    let unmapped = findings(&report, "instr::handler-unmapped");
    assert_eq!(unmapped.len(), 1, "{report:#}");
    let help = unmapped[0]["help"].as_str().unwrap();
    let declared = help
        .find("feature = \"orders\"")
        .unwrap_or_else(|| panic!("{help}"));
    let new = help
        .find("[features.order]")
        .unwrap_or_else(|| panic!("{help}"));
    assert!(declared < new, "{help}");
    assert!(!help.contains("feature = \"order\""), "{help}");
}

/// A schema `handlers` entry that names no handler suggests the handler with the same
/// function name first.
#[test]
fn item7_wrong_handler_path_suggests_the_same_function_name() {
    let schema = format!("{SCHEMA}handlers = [\"shop::orders::list\"]\n");
    let dir = package(
        "shop",
        "axum = \"0.8\"\ninstr = \"0.1\"",
        &[
            ("instr.toml", &schema),
            (
                "src/lib.rs",
                "pub mod api;\npub mod orders;\n\npub fn app() -> axum::Router {\n    axum::Router::new()\n        .route(\"/orders\", axum::routing::get(api::orders::list))\n        .route(\"/lists\", axum::routing::get(orders::lists))\n}\n",
            ),
            ("src/api/mod.rs", "pub mod orders;\n"),
            ("src/api/orders.rs", "pub async fn list() {}\n"),
            ("src/orders.rs", "pub async fn lists() {}\n"),
        ],
    );
    let report = json(&check(dir.path(), &["--format", "json"]));
    let stale = findings(&report, "instr::stale-mapping");
    assert_eq!(stale.len(), 1, "{report:#}");
    let label = stale[0]["label"].as_str().unwrap();
    assert_eq!(label, "did you mean `shop::api::orders::list`?");
}

// ------------------------------------------------------------------------------ item 8

/// A declared success metric that nothing emits is reported even when the crate never
/// invokes `instr::schema!`, with what to do.
#[test]
fn item8_success_metric_never_emitted_without_the_macro() {
    let dir = package(
        "pages",
        "axum = \"0.8\"\ninstr = \"0.1\"",
        &[
            ("instr.toml", SCHEMA),
            (
                "src/lib.rs",
                "#[instr::handler(feature = \"pages\")]\npub async fn home() {}\n\npub fn app() -> axum::Router {\n    axum::Router::new().route(\"/\", axum::routing::get(home))\n}\n",
            ),
        ],
    );
    let report = json(&check(dir.path(), &["--format", "json"]));
    let never = findings(&report, "instr::never-emitted");
    assert_eq!(never.len(), 1, "{report:#}");
    assert!(
        never[0]["message"]
            .as_str()
            .unwrap()
            .contains("pages_served_total")
    );
    let help = never[0]["help"].as_str().unwrap();
    assert!(help.contains("instr::schema!"), "{help}");
}

// ------------------------------------------------------------------------------ item 9

/// The repository's alias shows cargo's build progress, and the README says how to run the
/// example service, where it listens, and lists every endpoint it has.
#[test]
fn item9_first_run_is_not_silent() {
    let config = std::fs::read_to_string(repo().join(".cargo/config.toml")).unwrap();
    let alias = config
        .lines()
        .find(|line| line.starts_with("instr-check"))
        .unwrap();
    assert!(
        !alias.contains("--quiet") && !alias.contains(" -q"),
        "{alias}"
    );

    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(
        readme.contains("cargo run -p shop"),
        "README: how to run the shop"
    );
    let main = std::fs::read_to_string(repo().join("examples/shop/src/main.rs")).unwrap();
    let default = main
        .split('"')
        .find(|part| part.starts_with("127.0.0.1:"))
        .unwrap();
    assert!(
        readme.contains(default),
        "README: where the shop listens ({default})"
    );
    let coverage = json(&run_on(
        &support::shop_manifest(),
        &["coverage", "--format", "json"],
    ));
    for row in coverage["handlers"].as_array().unwrap() {
        for route in row["routes"].as_array().unwrap() {
            let route = route.as_str().unwrap();
            assert!(
                readme.contains(&format!("`{route}`")),
                "README does not list the shop's endpoint `{route}`"
            );
        }
    }
}

// ----------------------------------------------------------------------------- item 10

/// Whether a function's body calls something with a Prometheus tool's name as its first
/// argument (`Command::new("promtool")`, `required_tool("prometheus")`), or calls a function
/// of the same file that does.
fn names_a_tool(body: &proc_macro2::TokenStream, helpers: &[String]) -> bool {
    let mut previous_ident: Option<String> = None;
    for tree in body.clone() {
        match tree {
            proc_macro2::TokenTree::Ident(ident) => previous_ident = Some(ident.to_string()),
            proc_macro2::TokenTree::Group(group) => {
                if group.delimiter() == proc_macro2::Delimiter::Parenthesis {
                    let first = group
                        .stream()
                        .into_iter()
                        .next()
                        .map(|tree| tree.to_string());
                    if matches!(first.as_deref(), Some("\"promtool\"" | "\"prometheus\""))
                        || previous_ident
                            .as_ref()
                            .is_some_and(|name| helpers.contains(name))
                    {
                        return true;
                    }
                }
                if names_a_tool(&group.stream(), helpers) {
                    return true;
                }
                previous_ident = None;
            }
            _ => previous_ident = None,
        }
    }
    false
}

/// Tests that need `promtool` or `prometheus` are `#[ignore = "needs ..."]` (visible as
/// ignored in a plain `cargo test`), and `.ci/run` runs their test targets with
/// `--include-ignored`.
#[test]
fn item10_tests_that_need_prometheus_are_visibly_ignored_and_run_in_ci() {
    use quote::ToTokens;

    let ci = std::fs::read_to_string(repo().join(".ci/run")).unwrap();
    let mut needing = Vec::new();
    for test_dir in [
        "instr-lint/tests",
        "instr-artifacts/tests",
        "examples/shop/tests",
        "instr/tests",
        "instr-schema/tests",
    ] {
        let Ok(entries) = std::fs::read_dir(repo().join(test_dir)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|ext| ext != "rs") {
                continue;
            }
            let file = syn::parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let functions: Vec<&syn::ItemFn> = file
                .items
                .iter()
                .filter_map(|item| match item {
                    syn::Item::Fn(function) => Some(function),
                    _ => None,
                })
                .collect();
            let helpers: Vec<String> = functions
                .iter()
                .filter(|function| {
                    names_a_tool(&function.block.to_token_stream(), &[])
                        && !function
                            .attrs
                            .iter()
                            .any(|attr| attr.path().is_ident("test"))
                })
                .map(|function| function.sig.ident.to_string())
                .collect();
            for function in &functions {
                let is_test = function
                    .attrs
                    .iter()
                    .any(|attr| attr.path().is_ident("test"));
                if !is_test || !names_a_tool(&function.block.to_token_stream(), &helpers) {
                    continue;
                }
                let name = format!("{}::{}", path.display(), function.sig.ident);
                let ignored = function.attrs.iter().any(|attr| {
                    attr.path().is_ident("ignore")
                        && attr.to_token_stream().to_string().contains("\"needs")
                });
                assert!(
                    ignored,
                    "{name} needs a Prometheus tool but is not #[ignore = \"needs ...\"]"
                );
                let target = path.file_stem().unwrap().to_string_lossy().into_owned();
                assert!(
                    ci.lines()
                        .any(|line| line.contains(&format!("--test {target}"))
                            && line.contains("--include-ignored")),
                    ".ci/run does not run `--test {target}` with --include-ignored ({name})"
                );
                needing.push(name);
            }
        }
    }
    assert!(needing.len() >= 4, "{needing:?}");
}

// ----------------------------------------------------------------------------- item 11

/// `--explain` with an unknown code lists the codes whose part after `instr::` is close.
#[test]
fn item11_explain_suggests_codes_by_their_short_name() {
    let output = run_on(&support::shop_manifest(), &["--explain", "unknown-owner"]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("`schema::unknown-owner`"), "{text}");
}

/// The coverage table and its JSON spell a dynamic path the same way.
#[test]
fn item11_dynamic_path_is_spelt_the_same_everywhere() {
    let dir = package(
        "dynamic",
        "axum = \"0.8\"\ninstr = \"0.1\"",
        &[(
            "src/lib.rs",
            "pub fn app(prefix: &str) -> axum::Router {\n    axum::Router::new().route(&format!(\"{prefix}/items\"), axum::routing::get(items))\n}\n\nasync fn items() {}\n",
        )],
    );
    let table = stdout(&check(dir.path(), &["coverage"]));
    assert!(table.contains("GET <dynamic>"), "{table}");
    let coverage = json(&check(dir.path(), &["coverage", "--format", "json"]));
    assert_eq!(coverage["handlers"][0]["routes"][0], "GET <dynamic>");
}

/// `--format json coverage` works like `coverage --format json`.
#[test]
fn item11_format_before_the_subcommand() {
    let manifest = support::shop_manifest();
    let manifest = manifest.to_str().unwrap();
    let before = support::run_in(
        &repo(),
        &["--format", "json", "coverage", "--manifest-path", manifest],
    );
    let after = support::run_in(
        &repo(),
        &["coverage", "--format", "json", "--manifest-path", manifest],
    );
    assert_eq!(before.status.code(), Some(0), "{}", stderr(&before));
    assert_eq!(stdout(&before), stdout(&after));
}

/// `rules --out` and `docs --out` say what they wrote.
#[test]
fn item11_out_says_what_was_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("monitoring");
    let output = run_on(
        &support::shop_manifest(),
        &["rules", "--out", out.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let said = stderr(&output);
    for written in std::fs::read_dir(&out).unwrap() {
        let name = written.unwrap().file_name();
        assert!(
            said.contains(name.to_str().unwrap()),
            "`{}` not named in: {said}",
            name.to_string_lossy()
        );
    }
    let catalog = dir.path().join("CATALOG.md");
    let output = run_on(
        &support::shop_manifest(),
        &["docs", "--out", catalog.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stderr(&output).contains("CATALOG.md"),
        "{}",
        stderr(&output)
    );
}

/// The README's finding example is what the checker prints for the axum fixture, whose code
/// uses the documented API.
#[test]
fn item11_readme_finding_example_is_real_output() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme.find("## What a finding looks like").unwrap();
    let open = readme[start..].find("```\n").unwrap() + start + 4;
    let close = readme[open..].find("```").unwrap() + open;
    let example = &readme[open..close];
    let output = run_on(&support::fixtures().join("lint/axum/Cargo.toml"), &[]);
    let printed = stderr(&output);
    let first = example.split("\n\n").next().unwrap();
    assert!(
        printed.contains(first),
        "the README's first finding is not in the checker's output:\n{first}\n---\n{printed}"
    );
    assert!(!example.contains("::inc()"), "{example}");
}
