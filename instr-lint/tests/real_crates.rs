//! Handler detection on real, published code: crates fetched from crates.io with cargo (exact
//! versions, into a temporary project, without their default features so the download stays
//! small; every source file is in a package whatever its features), scanned with the
//! checker's own discovery, and compared with handler lists labelled by reading each crate's
//! code. Recall and precision are printed per crate; both must be at least 0.98.
//!
//! What counts as a handler when labelling: a function or closure a route registration hands
//! requests to (framework route attributes, routers, resources, `routes![]`, warp filters), a
//! method of a tonic service trait impl, or a hand-written rocket `Handler::handle` / poem
//! `Endpoint::call`. Fallbacks (`default_service`, `fallback`), catchers, middleware and
//! static-file services are not handlers. Labels are `file:line name`, the line of the
//! function's name (or of a closure's `|`), `closure` for closures.
//!
//! Framework crates ship their handlers in examples and tests rather than in the library:
//! for those, the listed programs are scanned as binaries.
//!
//! To add a crate: add it to `CRATES` with its exact version and labels, read from its code.
//! Offline, set `INSTR_SKIP_REAL_CRATES=1` to skip (CI has crates.io access and runs it).

// Test helpers panic on failure by design, like the tests themselves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use instr_lint::analysis::handlers;
use instr_lint::scan::ScanOptions;
use instr_lint::scan::discover::{self, Unit};
use instr_lint::workspace::{self, TargetKind};

/// Which code of a crate is scanned.
enum Scope {
    /// Its library and binary targets, as `cargo instr-check` scans them.
    Targets,
    /// These files, each as the root of a program (examples, tests, benches).
    Programs(&'static [&'static str]),
}

struct Labelled {
    name: &'static str,
    version: &'static str,
    scope: Scope,
    handlers: &'static [&'static str],
}

const CRATES: &[Labelled] = &[
    // axum, actix-web and rocket integrations serving the Swagger UI.
    Labelled {
        name: "utoipa-swagger-ui",
        version: "10.0.2",
        scope: Scope::Targets,
        handlers: &[
            "src/axum.rs:70 closure",
            "src/axum.rs:121 closure",
            "src/axum.rs:130 serve_swagger_ui",
            "src/actix.rs:74 get_api_doc",
            "src/actix.rs:85 serve_swagger_ui",
            "src/rocket.rs:70 ServeApiDoc::handle",
            "src/rocket.rs:80 ServeSwagger::handle",
        ],
    },
    Labelled {
        name: "utoipa-rapidoc",
        version: "7.0.0",
        scope: Scope::Targets,
        handlers: &[
            "src/lib.rs:323 serve_rapidoc",
            "src/lib.rs:336 serve_openapi",
            "src/lib.rs:373 closure",
            "src/lib.rs:378 closure",
            "src/lib.rs:423 RapiDocHandler::handle",
            "src/lib.rs:433 OpenApiHandler::handle",
        ],
    },
    Labelled {
        name: "utoipa-redoc",
        version: "7.0.0",
        scope: Scope::Targets,
        handlers: &[
            "src/actix.rs:14 serve_redoc",
            "src/axum.rs:16 closure",
            "src/rocket.rs:25 RedocHandler::handle",
        ],
    },
    Labelled {
        name: "utoipa-scalar",
        version: "0.4.0",
        scope: Scope::Targets,
        handlers: &[
            "src/actix.rs:14 serve_scalar",
            "src/axum.rs:16 closure",
            "src/rocket.rs:25 ScalarHandler::handle",
        ],
    },
    // A pastebin service on actix-web: route attributes mounted by `configure`.
    Labelled {
        name: "rustypaste",
        version: "0.18.1",
        scope: Scope::Targets,
        handlers: &[
            "src/server.rs:50 index",
            "src/server.rs:103 serve",
            "src/server.rs:264 delete",
            "src/server.rs:309 version",
            "src/server.rs:325 upload",
            "src/server.rs:483 list",
            // `.route("", web::head().to(HttpResponse::MethodNotAllowed))`.
            "src/server.rs:581 HttpResponse::MethodNotAllowed",
        ],
    },
    // poem `#[handler]`s built with `post(post_handler::<T>::default())`.
    Labelled {
        name: "poem-mcpserver",
        version: "0.3.1",
        scope: Scope::Targets,
        handlers: &[
            "src/streamable_http.rs:86 post_handler",
            "src/streamable_http.rs:148 delete_handler",
        ],
    },
    // tonic services whose generated code is checked in and `include!`d.
    Labelled {
        name: "tonic-health",
        version: "0.14.9",
        scope: Scope::Targets,
        handlers: &[
            "src/server.rs:155 HealthService::check",
            "src/server.rs:169 HealthService::watch",
        ],
    },
    Labelled {
        name: "tonic-reflection",
        version: "0.14.9",
        scope: Scope::Targets,
        handlers: &[
            "src/server/v1.rs:50 ReflectionService::server_reflection_info",
            "src/server/v1alpha.rs:50 ReflectionService::server_reflection_info",
        ],
    },
    Labelled {
        name: "console-subscriber",
        version: "0.5.0",
        scope: Scope::Targets,
        handlers: &[
            "src/lib.rs:1199 Server::watch_updates",
            "src/lib.rs:1217 Server::watch_task_details",
            "src/lib.rs:1254 Server::watch_state",
            "src/lib.rs:1269 Server::pause",
            "src/lib.rs:1279 Server::resume",
        ],
    },
    // Hand-written rocket handlers.
    Labelled {
        name: "rocket_okapi",
        version: "0.9.0",
        scope: Scope::Targets,
        handlers: &[
            "src/handlers/content.rs:56 ContentHandler::handle",
            "src/handlers/openapi.rs:28 OpenApiHandler::handle",
            "src/handlers/redirect.rs:29 RedirectHandler::handle",
        ],
    },
    // rocket's own integration tests, `#[macro_use] extern crate rocket` style.
    Labelled {
        name: "rocket",
        version: "0.5.1",
        scope: Scope::Programs(&[
            "tests/segments-issues-41-86.rs",
            "tests/forward-includes-status-1560.rs",
            "tests/precise-content-type-matching.rs",
            "tests/head_handling.rs",
            "tests/uri-percent-encoding-issue-808.rs",
            "tests/cookies-private.rs",
            "tests/flash-lazy-removes-issue-466.rs",
            "tests/local-request-content-type-issue-505.rs",
        ]),
        handlers: &[
            "tests/segments-issues-41-86.rs:6 test",
            "tests/segments-issues-41-86.rs:11 two",
            "tests/segments-issues-41-86.rs:16 one_two",
            "tests/segments-issues-41-86.rs:21 none",
            "tests/segments-issues-41-86.rs:26 dual",
            "tests/forward-includes-status-1560.rs:33 auth",
            "tests/forward-includes-status-1560.rs:38 public",
            "tests/forward-includes-status-1560.rs:43 teapot",
            "tests/forward-includes-status-1560.rs:48 auth_needed",
            "tests/precise-content-type-matching.rs:4 specified",
            "tests/precise-content-type-matching.rs:9 unspecified",
            "tests/precise-content-type-matching.rs:14 specified_json",
            "tests/precise-content-type-matching.rs:19 specified_html",
            "tests/head_handling.rs:7 empty",
            "tests/head_handling.rs:12 index",
            "tests/head_handling.rs:17 other",
            "tests/uri-percent-encoding-issue-808.rs:9 hello",
            "tests/uri-percent-encoding-issue-808.rs:14 raw_redirect",
            "tests/uri-percent-encoding-issue-808.rs:19 uri_redirect",
            "tests/cookies-private.rs:8 cookie_add_private",
            "tests/cookies-private.rs:34 cookie_get_private",
            "tests/cookies-private.rs:51 cookie_get",
            "tests/flash-lazy-removes-issue-466.rs:9 set",
            "tests/flash-lazy-removes-issue-466.rs:14 unused",
            "tests/flash-lazy-removes-issue-466.rs:19 used",
            "tests/local-request-content-type-issue-505.rs:31 rg_ct",
            "tests/local-request-content-type-issue-505.rs:36 data_has_ct",
            "tests/local-request-content-type-issue-505.rs:41 data_no_ct",
        ],
    },
    // actix-web's published examples (the middleware ones hold no handler: they check that
    // middleware functions are not taken for handlers).
    Labelled {
        name: "actix-web",
        version: "4.18.1",
        scope: Scope::Programs(&[
            "examples/basic.rs",
            "examples/uds.rs",
            "examples/query.rs",
            "examples/macroless.rs",
            "examples/worker-cpu-pin.rs",
            "examples/from_fn.rs",
            "examples/middleware_from_fn.rs",
        ]),
        handlers: &[
            "examples/basic.rs:4 index",
            "examples/basic.rs:9 index_async",
            "examples/basic.rs:15 no_params",
            "examples/basic.rs:38 closure",
            "examples/uds.rs:6 index",
            "examples/uds.rs:12 index_async",
            "examples/uds.rs:18 no_params",
            "examples/uds.rs:40 closure",
            "examples/query.rs:24 search_get",
            "examples/query.rs:33 search_query",
            "examples/macroless.rs:3 index",
            "examples/worker-cpu-pin.rs:12 hello",
        ],
    },
    // axum's published benchmark: routers of closures, nested, merged, in loops.
    Labelled {
        name: "axum",
        version: "0.8.9",
        scope: Scope::Programs(&["benches/benches.rs"]),
        handlers: &[
            "benches/benches.rs:26 closure",
            "benches/benches.rs:29 closure",
            "benches/benches.rs:34 closure",
            "benches/benches.rs:44 closure",
            "benches/benches.rs:48 closure",
            "benches/benches.rs:55 closure",
            "benches/benches.rs:60 closure",
            "benches/benches.rs:81 closure",
            "benches/benches.rs:87 closure",
        ],
    },
    // poem-openapi's tests: `#[oai]` operations of `#[OpenApi]` impls declared inside tests.
    Labelled {
        name: "poem-openapi",
        version: "5.1.16",
        scope: Scope::Programs(&[
            "tests/payload.rs",
            "tests/query.rs",
            "tests/response_content.rs",
            "tests/response.rs",
            "tests/validation.rs",
            "tests/hygiene.rs",
        ]),
        handlers: &[
            "tests/payload.rs:29 Api::a",
            "tests/payload.rs:34 Api::b",
            "tests/query.rs:41 Api::test",
            "tests/response_content.rs:124 Api::test",
            "tests/response.rs:458 Api::ok",
            "tests/response.rs:463 Api::err",
            "tests/response.rs:528 Api::test",
            "tests/response.rs:575 Api::test",
            "tests/validation.rs:331 Api::test1",
            "tests/validation.rs:338 Api::test2",
            "tests/hygiene.rs:66 Api::create_user",
        ],
    },
];

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Fetches every crate into a temporary project and returns each one's manifest path.
fn fetch(dir: &Path) -> Vec<PathBuf> {
    let mut manifest = String::from(
        "[package]\nname = \"instr-real-crates\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n",
    );
    for krate in CRATES {
        manifest.push_str(&format!(
            "{} = {{ version = \"={}\", default-features = false }}\n",
            krate.name, krate.version
        ));
    }
    manifest.push_str("\n[workspace]\n");
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/lib.rs"), "").unwrap();
    let fetched = cargo().arg("fetch").current_dir(dir).output().unwrap();
    assert!(
        fetched.status.success(),
        "`cargo fetch` failed (offline? set INSTR_SKIP_REAL_CRATES=1 to skip): {}",
        String::from_utf8_lossy(&fetched.stderr)
    );
    let metadata = cargo()
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        metadata.status.success(),
        "{}",
        String::from_utf8_lossy(&metadata.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&metadata.stdout).unwrap();
    CRATES
        .iter()
        .map(|krate| {
            let package = metadata["packages"]
                .as_array()
                .unwrap()
                .iter()
                .find(|package| {
                    package["name"] == krate.name && package["version"] == krate.version
                })
                .unwrap_or_else(|| panic!("{} {} was not fetched", krate.name, krate.version));
            PathBuf::from(package["manifest_path"].as_str().unwrap())
        })
        .collect()
}

/// The scan of a crate's code as `krate.scope` says.
fn scan(
    krate: &Labelled,
    workspace: &workspace::Workspace,
    root: &Path,
    options: ScanOptions,
) -> discover::Scan {
    match &krate.scope {
        Scope::Targets => discover::scan_with(workspace, &[0], options),
        Scope::Programs(files) => {
            let units = files
                .iter()
                .map(|file| Unit {
                    member: 0,
                    package: krate.name.to_owned(),
                    crate_name: Path::new(file)
                        .file_stem()
                        .unwrap()
                        .to_string_lossy()
                        .replace('-', "_"),
                    kind: TargetKind::Bin,
                    root: root.join(file),
                })
                .collect();
            discover::scan_units_with(workspace, units, &[], options)
        }
    }
}

/// The handlers the checker finds, as `file:line name` labels.
fn found(krate: &Labelled, manifest: &Path) -> BTreeSet<String> {
    let workspace = workspace::discover(Some(manifest)).unwrap();
    let root = manifest.parent().unwrap();
    let scan = scan(krate, &workspace, root, ScanOptions::default());
    let handlers = handlers::detect(&workspace, &scan);
    handlers
        .iter()
        .map(|handler| {
            let text = std::fs::read_to_string(&handler.path).unwrap();
            let line = text[..handler.site.span.start].matches('\n').count() + 1;
            let file = handler
                .path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let name = if handler.function.starts_with("<closure") {
                "closure"
            } else {
                &handler.function
            };
            format!("{file}:{line} {name}")
        })
        .collect()
}

/// Every labelled crate: recall and precision of handler detection at least 0.98.
#[test]
fn detection_matches_labels_on_published_crates() {
    if std::env::var_os("INSTR_SKIP_REAL_CRATES").is_some() {
        eprintln!("INSTR_SKIP_REAL_CRATES is set: real-crate detection not checked");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let manifests = fetch(dir.path());
    let mut failures = Vec::new();
    let (mut all_found, mut all_labelled, mut all_right) = (0, 0, 0);
    for (krate, manifest) in CRATES.iter().zip(&manifests) {
        let found = found(krate, manifest);
        let labelled: BTreeSet<String> = krate
            .handlers
            .iter()
            .map(|label| (*label).to_owned())
            .collect();
        let right = found.intersection(&labelled).count();
        let recall = right as f64 / labelled.len() as f64;
        let precision = if found.is_empty() {
            1.0
        } else {
            right as f64 / found.len() as f64
        };
        println!(
            "{:<20} {:<8} labelled {:>3}  found {:>3}  recall {recall:.3}  precision {precision:.3}",
            krate.name,
            krate.version,
            labelled.len(),
            found.len()
        );
        all_found += found.len();
        all_labelled += labelled.len();
        all_right += right;
        if recall < 0.98 || precision < 0.98 {
            let missed: Vec<&String> = labelled.difference(&found).collect();
            let extra: Vec<&String> = found.difference(&labelled).collect();
            failures.push(format!(
                "{}: missed {missed:?}, not handlers {extra:?}",
                krate.name
            ));
        }
    }
    println!(
        "{:<29} labelled {all_labelled:>3}  found {all_found:>3}  recall {:.3}  precision {:.3}",
        "all",
        all_right as f64 / all_labelled as f64,
        all_right as f64 / all_found as f64
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Everything detection and the scan report about a crate, with `options`; the cache (when
/// on) lives in `cache_dir`, not in cargo's registry.
fn everything(krate: &Labelled, manifest: &Path, options: ScanOptions, cache_dir: &Path) -> String {
    let mut workspace = workspace::discover(Some(manifest)).unwrap();
    workspace.target_dir = cache_dir.to_path_buf();
    let root = manifest.parent().unwrap();
    let scan = scan(krate, &workspace, root, options);
    let handlers = handlers::detect(&workspace, &scan);
    let mut out: Vec<String> = handlers.iter().map(|h| format!("{h:?}")).collect();
    out.extend(scan.all_problems().iter().map(|p| format!("{p:?}")));
    out.join("\n")
}

/// Every labelled crate: the same handlers and file problems with and without the prefilter,
/// with the cache cold and warm, and without it.
#[test]
fn prefilter_and_cache_change_nothing_on_published_crates() {
    if std::env::var_os("INSTR_SKIP_REAL_CRATES").is_some() {
        eprintln!("INSTR_SKIP_REAL_CRATES is set: real-crate equivalence not checked");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let manifests = fetch(dir.path());
    let cache = tempfile::tempdir().unwrap();
    let options = [
        (true, false),
        (true, true),
        (true, true),
        (false, true),
        (false, true),
    ];
    for (krate, manifest) in CRATES.iter().zip(&manifests) {
        let off = ScanOptions {
            prefilter: false,
            cache: false,
        };
        let reference = everything(krate, manifest, off, cache.path());
        assert!(!reference.is_empty(), "{}", krate.name);
        for (prefilter, cached) in options {
            let options = ScanOptions {
                prefilter,
                cache: cached,
            };
            let got = everything(krate, manifest, options, cache.path());
            assert!(
                got == reference,
                "{} differs with {options:?}:\n{got}\n---\n{reference}",
                krate.name
            );
        }
    }
}
