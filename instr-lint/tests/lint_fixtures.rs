//! `cargo instr-check` on the fixture workspaces under `tests/fixtures/lint/<case>/`: one per
//! framework, a configured one, and a clean one. Each is a standalone package that is never
//! built (the checker only reads it).
//!
//! The human report (no colour, 100 columns), the JSON report and the coverage document of
//! each case are snapshot with insta, one snapshot per fixture directory (found by `glob!`);
//! targeted assertions state the behaviour each fixture exists for. To add a case: create
//! `tests/fixtures/lint/<case>/` with a `Cargo.toml` ending in an empty `[workspace]`, an
//! `instr.toml` and `src/`, run `cargo insta test -p instr-lint --test lint_fixtures --accept`
//! and review the new snapshot like code.

// Test helpers panic on failure by design, like the tests themselves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use instr_lint::commands::check::{self, CheckOptions};
use instr_lint::commands::coverage;
use instr_lint::lints::Report;
use instr_lint::report as output;
use instr_schema::diag::RenderOptions;

fn manifest(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lint")
        .join(case)
        .join("Cargo.toml")
}

fn check(case: &str) -> Report {
    check::run(&CheckOptions {
        manifest_path: Some(manifest(case)),
    })
    .unwrap_or_else(|error| panic!("{case}: {error}"))
}

fn codes(report: &Report) -> Vec<&'static str> {
    report
        .findings
        .iter()
        .map(|finding| finding.rule().code)
        .collect()
}

fn routes_of(report: &Report) -> Vec<String> {
    let mut out: Vec<String> = report
        .handlers
        .iter()
        .map(|handler| {
            let routes: Vec<String> = handler
                .routes
                .to_vec()
                .iter()
                .map(|route| route.display())
                .collect();
            format!(
                "{} [{}] {}",
                handler.item_path(),
                handler.framework().as_str(),
                routes.join(", ")
            )
        })
        .collect();
    out.sort();
    out
}

/// What people and tools read, for every case: one snapshot per fixture directory, holding
/// the human report, the JSON report and the coverage document.
#[test]
fn snapshots_of_every_case() {
    insta::glob!("fixtures/lint", "*/Cargo.toml", |manifest| {
        let options = CheckOptions {
            manifest_path: Some(manifest.to_path_buf()),
        };
        let report = check::run(&options).unwrap();
        let human = output::human::render(&report, &RenderOptions::plain());
        let coverage = coverage::report(&options).unwrap();
        insta::assert_snapshot!(format!(
            "--- human\n{human}--- json\n{}\n--- coverage\n{}\n",
            output::json::render(&report),
            output::coverage::render_json(&coverage)
        ));
    });
}

/// Every output is the same whether the report keeps every handler or only those its
/// findings show (what the command line keeps, to hold less): same findings, same texts,
/// same counts, in every format.
#[test]
fn outputs_are_the_same_keeping_only_shown_handlers() {
    let (mut unmapped, mut let_go) = (0, 0);
    insta::glob!("fixtures/lint", "*/Cargo.toml", |manifest| {
        let options = CheckOptions {
            manifest_path: Some(manifest.to_path_buf()),
        };
        let scan = instr_lint::scan::ScanOptions::default();
        let all = check::run_keeping(&options, scan, check::HandlersKept::All).unwrap();
        let shown = check::run_keeping(&options, scan, check::HandlersKept::Shown).unwrap();
        let outputs = |report: &Report| {
            let mut sarif = Vec::new();
            output::sarif::write(report, &mut sarif).unwrap();
            let mut github = Vec::new();
            output::github::write(report, &mut github).unwrap();
            [
                output::human::render(report, &RenderOptions::plain()),
                output::json::render(report),
                String::from_utf8(sarif).unwrap(),
                String::from_utf8(github).unwrap(),
            ]
        };
        assert_eq!(outputs(&shown), outputs(&all), "{}", manifest.display());
        assert_eq!(shown.handler_count, all.handlers.len());
        assert_eq!(all.handler_count, all.handlers.len());
        let shows = codes(&all)
            .iter()
            .filter(|code| **code == "instr::handler-unmapped")
            .count();
        // Each unmapped handler is one finding, and only those are kept.
        assert_eq!(shown.handlers.len(), shows, "{}", manifest.display());
        unmapped += shows;
        let_go += all.handlers.len() - shown.handlers.len();
    });
    // Some case has handlers shown and others let go: the comparison is not empty.
    assert!(
        unmapped > 0 && let_go > 0,
        "{unmapped} shown, {let_go} let go"
    );
}

/// axum: nested and merged routers get their prefixes, `use` aliases, re-exports and
/// `self::`/`super::`/module paths resolve, closures count, an aliased `#[instr::handler]`
/// counts and a look-alike `#[crate::instr_alias::handler]` does not.
#[test]
fn axum_routes_are_resolved_with_prefixes() {
    let report = check("axum");
    assert_eq!(
        routes_of(&report),
        [
            "axum_fixture::<closure in app> [axum] GET /",
            "axum_fixture::api::catalog::search [axum] GET /api/v1/search, GET /find",
            "axum_fixture::api::orders::Orders::list [axum] GET /api/v1/orders",
            "axum_fixture::api::orders::create [axum] POST /api/v1/orders",
            "axum_fixture::api::orders::items [axum] GET /api/v1/orders/{id}/items",
            "axum_fixture::api::orders::refund [axum] POST /api/v1/refunds",
            "axum_fixture::api::orders::show [axum] GET /api/v1/orders/{id}",
            "axum_fixture::health::healthz [axum] GET /healthz",
            "axum_fixture::login [axum] POST /login",
        ]
    );
    let codes = codes(&report);
    // `create` names `order` (a typo of `orders`), `refund` is exempt without a reason.
    assert!(codes.contains(&"instr::unknown-feature"));
    assert!(codes.contains(&"instr::exempt-without-reason"));
    // The schema route with `{id}` maps `show`; `DELETE /api/v1/gone` maps nothing.
    assert_eq!(
        codes
            .iter()
            .filter(|code| **code == "instr::stale-mapping")
            .count(),
        1
    );
    // The closure, `login`, and `items` (whose attribute is not instr's).
    assert_eq!(
        codes
            .iter()
            .filter(|code| **code == "instr::handler-unmapped")
            .count(),
        3
    );
    assert!(codes.contains(&"instr::feature-unserved"));
}

/// actix-web: `configure` functions inherit their scope's prefix, `.service((a, b))`
/// mounts attributed functions, `web::resource` and `App::route` register builders.
#[test]
fn actix_scopes_and_resources() {
    let report = check("actix");
    assert_eq!(
        routes_of(&report),
        [
            "actix_fixture::api::refund [actix-web] POST /api/v1/refunds",
            "actix_fixture::api::show_refund [actix-web] GET /api/v1/refunds/{id}",
            "actix_fixture::api::status [actix-web] ANY /api/v1/status",
            "actix_fixture::api::version [actix-web] GET /version",
            "actix_fixture::ping [actix-web] GET /ping",
        ]
    );
    // `metrics::counter!("refunds_total")` emits the metric: no never-emitted finding.
    assert!(!codes(&report).contains(&"instr::never-emitted"));
}

/// rocket in the `#[macro_use]` style: bare `#[get]` is rocket's because the package depends
/// on rocket only; `mount` prefixes join, query strings drop, catchers are not handlers.
#[test]
fn rocket_mounts() {
    let report = check("rocket");
    assert_eq!(
        routes_of(&report),
        [
            "rocket_fixture::index [rocket] GET /",
            "rocket_fixture::products::list [rocket] GET /products",
            "rocket_fixture::products::show [rocket] GET /products/<id>",
        ]
    );
}

/// poem's `#[handler]` is a handler but never instr's; poem-openapi operations get the
/// API's prefix; a schema route in another parameter spelling still maps.
#[test]
fn poem_handler_is_not_instr_handler() {
    let report = check("poem");
    let hello = report
        .handlers
        .iter()
        .find(|h| h.function == "hello")
        .unwrap();
    assert!(hello.feature().is_none());
    let user = report
        .handlers
        .iter()
        .find(|h| h.function == "Api::user")
        .unwrap();
    assert_eq!(user.routes.to_vec()[0].display(), "GET /v2/users/:id");
    let unmapped: Vec<String> = report
        .diagnostics()
        .filter(|finding| finding.rule.code == "instr::handler-unmapped")
        .map(|finding| finding.message.clone())
        .collect();
    assert_eq!(
        unmapped,
        [
            "handler `hello` serves no feature",
            "handler `Api::create_user` serves no feature"
        ]
    );
}

/// tonic: methods of an impl whose trait lives in a `<name>_server` module, with the
/// protobuf package from `include_proto!`.
#[test]
fn tonic_services() {
    let report = check("tonic");
    assert_eq!(
        routes_of(&report),
        [
            "tonic_fixture::MyGreeter::say_goodbye [tonic] GRPC /helloworld.Greeter/SayGoodbye",
            "tonic_fixture::MyGreeter::say_hello [tonic] GRPC /helloworld.Greeter/SayHello",
        ]
    );
}

/// warp: functions handed to `.and_then` / `.map` on `warp::path` chains, and a closure that
/// ends a served chain (issue 8), are handlers.
#[test]
fn warp_filters() {
    let report = check("warp");
    assert_eq!(
        routes_of(&report),
        [
            "warp_fixture::<closure in main> [warp] ANY /static",
            "warp_fixture::handlers::greet [warp] ANY /hello/{param}",
            "warp_fixture::handlers::search [warp] GET /search/{param}",
        ]
    );
}

/// Configured attributes and module globs find handlers; rule levels from the package
/// table apply (raw metrics turned on, unserved features turned off).
#[test]
fn configuration_extends_detection() {
    let report = check("configured");
    assert_eq!(
        routes_of(&report),
        [
            "configured_fixture::api::v2::jobs::start [configured] ",
            "configured_fixture::api::v2::jobs::stop [configured] ",
            "configured_fixture::internal [configured] ",
        ]
    );
    let codes = codes(&report);
    assert_eq!(
        codes
            .iter()
            .filter(|code| **code == "instr::raw-metric")
            .count(),
        2
    );
    assert!(!codes.contains(&"instr::feature-unserved"));
}

/// A compliant service, shaped like `examples/shop`, is clean.
#[test]
fn clean_service_has_no_findings() {
    let report = check("clean");
    assert!(report.findings.is_empty(), "{:?}", codes(&report));
    assert_eq!(report.handlers.len(), 3);
    assert_eq!(report.covered, 3);
}

/// The repository itself is clean: its example service (`examples/shop`, a real axum service
/// using the generated API) has every handler serving a feature and every metric and event
/// emitted. Checked from the root, so the workspace-wide rules run too.
#[test]
fn repository_is_clean() {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    let report = check::run(&CheckOptions {
        manifest_path: Some(manifest),
    })
    .unwrap();
    assert!(
        report.findings.is_empty(),
        "{}",
        output::human::render(&report, &RenderOptions::plain())
    );
    assert!(report.handlers.len() >= 10, "{}", report.handlers.len());
    assert_eq!(report.covered, report.handlers.len());
}
