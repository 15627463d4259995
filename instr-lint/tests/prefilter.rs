//! The prefilter and the cache change how much is parsed, never what is found.
//!
//! - Every fixture workspace, the example shop and this repository give the same report
//!   (findings with their locations, handlers, coverage) with the prefilter and without
//!   (`--no-prefilter`), and with the cache cold, warm and off (`--no-cache`).
//! - Generated workspaces (random items, module trees, comments and strings that hold
//!   braces and trigger words, and random damage to the text) do too, and every file the
//!   prefilter leaves unparsed declares exactly the modules a syn parse finds in it.
//! - The detection code's vocabulary: every name it compares against is a word of the
//!   prefilter, or is listed below with the reason it needs none. A detector added later
//!   fails here until its words are added.
//!
//! The published crates of `real_crates.rs` are compared there the same way.

// Test helpers panic on failure by design, like the tests themselves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use instr_lint::commands::check::{self, CheckOptions};
use instr_lint::commands::coverage;
use instr_lint::report as output;
use instr_lint::scan::facts::Name;
use instr_lint::scan::outcome::Outcome;
use instr_lint::scan::prefilter::{
    ATTRIBUTE_SEGMENTS, ATTRIBUTES, CRATES, FILE_SERVICES, MACROS, OTHER_WORDS,
    REGISTRATION_METHODS, REGISTRATIONS, ROUTER_FUNCTION_SUFFIX, ROUTER_FUNCTIONS, SUFFIXES,
    Triggers,
};
use instr_lint::scan::visit::FileContext;
use instr_lint::scan::{ScanOptions, analyse, scan_source, scan_source_lean};
use instr_lint::workspace::{self, Workspace};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use syn::visit::Visit;

const OPTIONS: [ScanOptions; 4] = [
    ScanOptions {
        prefilter: true,
        cache: false,
    },
    ScanOptions {
        prefilter: true,
        cache: true,
    },
    ScanOptions {
        prefilter: false,
        cache: true,
    },
    ScanOptions {
        prefilter: false,
        cache: false,
    },
];

/// Everything a check and a coverage report say about a workspace.
fn outcome(workspace: &Workspace, options: ScanOptions) -> String {
    let check = match check::check_workspace_with(workspace, options) {
        Ok(report) => {
            let handlers: Vec<String> = report
                .handlers
                .iter()
                .map(|handler| format!("{handler:?}"))
                .collect();
            format!("{}\n{}", output::json::render(&report), handlers.join("\n"))
        }
        Err(error) => format!("error: {error}"),
    };
    let manifest = workspace.root.join("Cargo.toml");
    let coverage = match coverage::report_with(
        &CheckOptions {
            manifest_path: Some(manifest),
        },
        options,
    ) {
        Ok(report) => output::coverage::render_json(&report),
        Err(error) => format!("error: {error}"),
    };
    format!("{check}\n{coverage}")
}

/// The same outcome with and without the prefilter, cold and warm cache, and no cache.
fn assert_same_everywhere(manifest: &Path) {
    // A workspace cargo cannot read fails before anything is scanned.
    let Ok(workspace) = workspace::discover(Some(manifest)) else {
        return;
    };
    let reference = outcome(
        &workspace,
        ScanOptions {
            prefilter: false,
            cache: false,
        },
    );
    for options in OPTIONS.iter().chain(&OPTIONS) {
        let got = outcome(&workspace, *options);
        assert!(
            got == reference,
            "{} differs with {options:?}:\n{}",
            manifest.display(),
            first_difference(&reference, &got)
        );
    }
}

fn first_difference(expected: &str, got: &str) -> String {
    for (line, (a, b)) in expected.lines().zip(got.lines()).enumerate() {
        if a != b {
            return format!("line {line}:\n  without: {a}\n  with:    {b}");
        }
    }
    format!(
        "lengths {} and {} lines",
        expected.lines().count(),
        got.lines().count()
    )
}

/// Each fixture workspace, copied so the cache writes into the copy's target directory.
#[test]
fn fixtures_find_the_same_with_and_without() {
    let mut cases = Vec::new();
    for group in ["lint", "cli"] {
        for entry in std::fs::read_dir(support::fixtures().join(group)).unwrap() {
            let dir = entry.unwrap().path();
            if dir.join("Cargo.toml").is_file() {
                cases.push(dir);
            }
        }
    }
    cases.sort();
    assert!(cases.len() >= 14, "{cases:?}");
    for case in cases {
        let copy = tempfile::tempdir().unwrap();
        support::copy_dir(&case, copy.path());
        assert_same_everywhere(&copy.path().join("Cargo.toml"));
    }
}

/// The shop and this repository, in place (their cache goes to the repository's target).
#[test]
fn shop_and_repository_find_the_same_with_and_without() {
    assert_same_everywhere(&support::shop_manifest());
    assert_same_everywhere(&support::repo().join("Cargo.toml"));
}

// --- Crates that reach no framework ----------------------------------------------------

/// A workspace of `app` (axum) and `domain` (no dependencies), whose handler `app` routes to
/// `domain` and where `domain` holds look-alike registrations; with `lock` as its
/// `Cargo.lock`.
fn app_and_domain(root: &Path, lock: Option<&str>) -> PathBuf {
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "Cargo.toml",
        "[workspace]\nresolver = \"2\"\nmembers = [\"app\", \"domain\"]\n",
    );
    write(
        "app/Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.8\"\ndomain = { path = \"../domain\" }\n",
    );
    write(
        "app/src/main.rs",
        "use axum::{routing::get, Router};\n\nfn main() {\n    let _app: Router = Router::new().route(\"/items\", get(domain::handlers::list));\n}\n",
    );
    write(
        "domain/Cargo.toml",
        "[package]\nname = \"domain\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        "domain/src/lib.rs",
        "pub mod handlers;\npub mod registry;\n",
    );
    write(
        "domain/src/handlers.rs",
        "pub async fn list() -> &'static str {\n    \"items\"\n}\n",
    );
    // Words the prefilter reads, in code that registers nothing with a framework.
    write(
        "domain/src/registry.rs",
        "pub struct Router;\n\nimpl Router {\n    pub fn route(self, _path: &str, _to: fn()) -> Self { self }\n    pub fn nest(self, _path: &str, _other: Router) -> Self { self }\n}\n\npub fn get(to: fn()) -> fn() { to }\n\nfn ping() {}\n\npub fn build() -> Router {\n    Router.route(\"/ping\", get(ping)).nest(\"/v1\", Router)\n}\n",
    );
    if let Some(lock) = lock {
        write("Cargo.lock", lock);
    }
    root.join("Cargo.toml")
}

const APP_AND_DOMAIN_LOCK: &str = "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"axum\", \"domain\"]\n\n[[package]]\nname = \"axum\"\nversion = \"0.8.9\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[[package]]\nname = \"domain\"\nversion = \"0.1.0\"\n";

/// Files of each member whose facts the scan took by parsing (before any lookup).
fn parsed_at_scan(manifest: &Path) -> Vec<(String, bool, usize)> {
    let workspace = workspace::discover(Some(manifest)).unwrap();
    let members: Vec<usize> = (0..workspace.members.len()).collect();
    let scan = instr_lint::scan::discover::scan_with(
        &workspace,
        &members,
        ScanOptions {
            prefilter: true,
            cache: false,
        },
    );
    scan.units
        .iter()
        .enumerate()
        .map(|(index, unit)| {
            let parsed = scan
                .files
                .iter()
                .filter(|file| file.unit == index && file.facts.is_parsed())
                .count();
            (unit.package.clone(), unit.reaches_frameworks, parsed)
        })
        .collect()
}

/// A crate whose dependencies (its manifest, then `Cargo.lock`) reach no framework, `instr`
/// or `metrics` is not parsed for its words: only a lookup reads it (here, the handler `app`
/// routes to), and what it says is the same with and without the prefilter and caches.
#[test]
fn crates_that_reach_no_framework_are_read_only_by_lookup() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = app_and_domain(dir.path(), Some(APP_AND_DOMAIN_LOCK));
    assert_eq!(
        parsed_at_scan(&manifest),
        vec![("app".to_owned(), true, 1), ("domain".to_owned(), false, 0)]
    );
    assert_same_everywhere(&manifest);
    let report = coverage::report_with(
        &CheckOptions {
            manifest_path: Some(manifest.clone()),
        },
        ScanOptions::default(),
    )
    .unwrap();
    let json = output::coverage::render_json(&report);
    assert!(json.contains("domain::handlers::list"), "{json}");
    assert!(json.contains("/items"), "{json}");
    assert!(!json.contains("/ping"), "{json}");
}

/// Whatever cannot be followed counts as reaching: no lock file, or a member whose manifest
/// gained a framework since the lock file was written.
#[test]
fn crates_read_for_their_words_when_the_lock_cannot_tell() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = app_and_domain(dir.path(), None);
    assert_eq!(
        parsed_at_scan(&manifest),
        vec![("app".to_owned(), true, 1), ("domain".to_owned(), true, 1)]
    );
    assert_same_everywhere(&manifest);

    let dir = tempfile::tempdir().unwrap();
    let manifest = app_and_domain(dir.path(), Some(APP_AND_DOMAIN_LOCK));
    std::fs::write(
        dir.path().join("domain/Cargo.toml"),
        "[package]\nname = \"domain\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nwarp = \"0.3\"\n",
    )
    .unwrap();
    assert_eq!(
        parsed_at_scan(&manifest),
        vec![("app".to_owned(), true, 1), ("domain".to_owned(), true, 1)]
    );
    assert_same_everywhere(&manifest);
}

// --- Generated workspaces --------------------------------------------------------------

/// How many pieces [`piece`] knows.
const PIECES: usize = 44;

/// Pieces of Rust a file is built from: items of every kind detection reads or looks up,
/// module trees, and text the lexer must not be fooled by.
fn piece(index: usize, name: &str) -> String {
    let pieces: [String; PIECES] = [
        format!("pub fn {name}() {{}}\n"),
        format!("pub async fn {name}() -> &'static str {{ \"x\" }}\n"),
        format!("#[get(\"/{name}\")]\npub async fn {name}() {{}}\n"),
        format!("#[instr::handler(feature = \"f\")]\npub async fn {name}() {{}}\n"),
        format!(
            "pub fn router_{name}() -> axum::Router {{\n    axum::Router::new().route(\"/{name}\", axum::routing::get(crate::a::{name})).route(\"/t\", axum::routing::get(Ty::{name}))\n}}\n"
        ),
        format!("pub struct Ty;\nimpl Ty {{\n    pub async fn {name}(&self) {{}}\n}}\n"),
        format!("use crate::b::{name};\n"),
        format!("pub use self::inner_{name}::*;\nmod inner_{name} {{ pub fn {name}() {{}} }}\n"),
        format!("mod m_{name} {{\n    pub mod deeper;\n    pub fn {name}() {{}}\n}}\n"),
        format!("#[cfg(test)]\nmod tests {{\n    mod x;\n    fn {name}() {{}}\n}}\n"),
        "// a comment that says route, mod x; and }\n".to_owned(),
        "/* nested /* block */ comment with mod y; */\n".to_owned(),
        format!("const S_{name}: &str = \"mod z; }} {{ \\\" \";\n"),
        format!("static R_{name}: &str = r#\"}} mod w; \"#;\n"),
        format!("fn f_{name}<'a>(x: &'a str) -> char {{ let _ = b'}}'; '{{' }}\n"),
        format!("fn g_{name}() {{ mod in_body {{}} }}\n"),
        format!("#[cfg(feature = \"x\")]\npub mod gated_{name};\n"),
        format!("#[path = \"b.rs\"]\npub mod pathed_{name};\n"),
        format!("pub fn emit_{name}() {{ metrics::counter!(\"m_total\").increment(1); }}\n"),
        format!("macro_rules! mac_{name} {{ () => {{ mod q; }} }}\n"),
        format!("pub(crate) mod r#{name}_raw {{ pub fn h() {{}} }}\n"),
        format!("impl Ty {{ pub fn {name}_m(&self) {{}} }}\n"),
        "use crate::schema::metrics;\npub fn record() { metrics::MTotal::inc(); }\n".to_owned(),
        format!("#[tokio::main]\nasync fn main_{name}() {{ let x = Ty; x.{name}(); }}\n"),
        format!(
            "pub mod nested_{name} {{ #[cfg(test)] mod t {{}} pub mod leaf {{ pub fn {name}() {{}} }} }}\n"
        ),
        format!("extern crate alloc as a_{name};\n"),
        format!(
            "use axum::routing::get;\npub fn standalone_{name}() {{ let _h = get({name}); }}\n"
        ),
        format!(
            "use crate::schema::metrics as m;\npub fn alias_{name}() {{ m::MTotal::inc(); }}\n"
        ),
        format!("use metrics::*;\npub fn glob_{name}() {{ counter!(\"m_total\"); }}\n"),
        format!("pub fn body_use_{name}() {{ use crate::a::{name}; let _ = {name}; }}\n"),
        format!("pub fn nested_{name}() {{ fn {name}() {{}} {name}() }}\n"),
        format!("pub fn mac_{name}() {{ println!(\"{{}}\", 1); vec![fn_like {{ x }}]; }}\n"),
        format!("pub mod inner_test_{name} {{\n    #![cfg(test)]\n    pub mod gone;\n}}\n"),
        format!("mod inner_path_{name} {{\n    #![allow(dead_code)]\n    pub mod kept;\n}}\n"),
        // Issue 8's detection: warp filters served from a function whose body holds no word,
        // paths from constants of another file, fallbacks and file services, closures bound
        // to locals, poem middleware looked up by the type it outputs.
        format!(
            "use warp::Filter;\npub fn served_{name}() -> impl Filter<Extract = (impl warp::Reply,), Error = warp::Rejection> + Clone {{ query_{name}().or(other()).then(handle_{name}) }}\n"
        ),
        format!(
            "use warp::Filter;\npub fn w_{name}() {{ let r = warp::path(crate::b::API_{name}).and(warp::path(super::a::NOTES)).and(warp::get()).map(|| \"x\"); warp::serve(r); }}\n"
        ),
        format!("pub const API_{name}: &str = \"api\";\npub static NOTES: &str = \"notes\";\n"),
        format!(
            "pub use self::consts_{name}::*;\nmod consts_{name} {{ pub const API_{name}: &str = \"v1\"; }}\n"
        ),
        format!(
            "pub fn closure_{name}() -> axum::Router {{ let h = || async {{ \"x\" }}; axum::Router::new().route(\"/c_{name}\", axum::routing::get(h)) }}\n"
        ),
        format!("pub fn lonely_{name}() {{ let h = |x: u8| x; let _ = h(1); }}\n"),
        format!(
            "pub fn files_{name}() -> axum::Router {{ axum::Router::new().nest_service(\"/s\", tower_http::services::ServeDir::new(\"s\")).fallback(crate::a::{name}) }}\n"
        ),
        format!("pub fn assets_{name}() -> Assets {{ fs::dir(\"static\").boxed() }}\n"),
        format!(
            "use poem::{{Endpoint, Request, Response, Result}};\npub struct W_{name}<E>(pub E);\nimpl<E: Endpoint> Endpoint for W_{name}<E> {{ type Output = Response; async fn call(&self, _r: Request) -> Result<Response> {{ todo!() }} }}\n"
        ),
        format!(
            "pub struct M_{name};\nimpl<E> Middleware<E> for M_{name} {{ type Output = W_{name}<E>; fn transform(&self, e: E) -> Self::Output {{ W_{name}(e) }} }}\n"
        ),
    ];
    pieces[index % pieces.len()].clone()
}

/// A file from piece indices, then damaged at `damage` (position, byte) if given.
fn file(pieces: &[(usize, usize)], damage: Option<(usize, u8)>) -> String {
    let mut text = String::new();
    for (index, name) in pieces {
        text.push_str(&piece(*index, &format!("n{name}")));
    }
    if let Some((at, byte)) = damage {
        let mut bytes = text.into_bytes();
        if !bytes.is_empty() {
            let at = at % bytes.len();
            if byte == 0 {
                bytes.remove(at);
            } else {
                bytes.insert(at, byte);
            }
        }
        text = String::from_utf8_lossy(&bytes).into_owned();
    }
    text
}

fn pieces() -> impl Strategy<Value = Vec<(usize, usize)>> {
    proptest::collection::vec((0..PIECES, 0..4usize), 0..8)
}

fn damage() -> impl Strategy<Value = Option<(usize, u8)>> {
    proptest::option::weighted(
        0.3,
        (
            0..4000usize,
            prop_oneof![
                Just(0u8),
                Just(b'{'),
                Just(b'}'),
                Just(b'"'),
                Just(b'#'),
                Just(b'\''),
                Just(b'/'),
                Just(b'!'),
            ],
        ),
    )
}

fn generated_workspace(root: &Path) -> PathBuf {
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"gen\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.8\"\nactix-web = \"4\"\nwarp = \"0.3\"\npoem = \"3\"\ntower-http = \"0.6\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(
        root.join("instr.toml"),
        "version = 1\n[owners.o]\ncontact = \"#o\"\n[metrics.m_total]\nkind = \"counter\"\ndescription = \"M.\"\nowner = \"o\"\n[features.f]\ndescription = \"F.\"\nowner = \"o\"\nsuccess_metrics = [\"m_total\"]\n",
    )
    .unwrap();
    root.join("Cargo.toml")
}

/// Random workspaces of three files (the root declares `a` and `b`): the same report every
/// way.
#[test]
fn generated_workspaces_find_the_same_with_and_without() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = generated_workspace(dir.path());
    std::fs::write(dir.path().join("src/lib.rs"), "").unwrap();
    let workspace = workspace::discover(Some(&manifest)).unwrap();
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let files = (pieces(), pieces(), pieces(), damage(), damage());
    runner
        .run(&files, |(root, a, b, damage_a, damage_b)| {
            let src = dir.path().join("src");
            let mut lib = file(&root, None);
            lib.push_str("pub mod a;\npub mod b;\n");
            std::fs::write(src.join("lib.rs"), lib).unwrap();
            std::fs::write(src.join("a.rs"), file(&a, damage_a)).unwrap();
            std::fs::write(src.join("b.rs"), file(&b, damage_b)).unwrap();
            let reference = outcome(
                &workspace,
                ScanOptions {
                    prefilter: false,
                    cache: false,
                },
            );
            for options in OPTIONS {
                let got = outcome(&workspace, options);
                prop_assert!(
                    got == reference,
                    "differs with {options:?}:\n{}",
                    first_difference(&reference, &got)
                );
            }
            Ok(())
        })
        .unwrap();
}

/// The prefilter of a crate without configuration, a file `a.rs` in it, and a runner of
/// 2,000 generated files.
fn one_file() -> (Triggers, FileContext, TestRunner) {
    let triggers = Triggers::new(&Default::default(), None, "gen");
    let context = FileContext::new(Path::new("/w/src/a.rs"), vec!["a".into()], false);
    let runner = TestRunner::new(ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    (triggers, context, runner)
}

/// A file left unparsed declares the same modules as its syn parse, and holds nothing that
/// detection finds by going over files.
#[test]
fn light_scan_declares_what_syn_finds() {
    let (triggers, context, mut runner) = one_file();
    let light = std::cell::Cell::new(0);
    runner
        .run(&(pieces(), damage()), |(pieces, damage)| {
            let text = file(&pieces, damage);
            let Outcome::Light { light: stored, .. } = analyse(&text, &context, &triggers, true)
            else {
                return Ok(());
            };
            let facts = stored.facts();
            let Ok(full) = scan_source(&text, &context) else {
                return Ok(());
            };
            light.set(light.get() + 1);
            let modules =
                |facts: &instr_lint::scan::facts::FileFacts| -> Vec<(Vec<Name>, Vec<Name>)> {
                    facts
                        .modules
                        .iter()
                        .map(|module| (module.path.clone(), module.child_modules.clone()))
                        .collect()
                };
            prop_assert_eq!(modules(&facts), modules(&full), "{}", text);
            prop_assert_eq!(&facts.children, &full.children, "{}", text);
            prop_assert!(
                full.modules
                    .iter()
                    .all(|module| module.routes.is_empty() && module.nests.is_empty()),
                "{}",
                text
            );
            prop_assert!(
                full.raw_metric_calls.is_empty() && !full.invokes_schema(),
                "{}",
                text
            );
            prop_assert!(
                full.emits.metric_idents.is_empty()
                    && full.emits.event_idents.is_empty()
                    && full.emits.raw_names.is_empty(),
                "{}",
                text
            );
            Ok(())
        })
        .unwrap();
    assert!(
        light.get() > 100,
        "only {} files were left unparsed",
        light.get()
    );
}

/// With function bodies blanked where nothing in them matters, a file gives the same facts
/// as its full parse; a file the lean parse rejects is one the full parse rejects, with the
/// same error (the full parse may also reject a syntax error inside a blanked body).
#[test]
fn lean_parse_gives_the_full_facts() {
    let (triggers, context, mut runner) = one_file();
    runner
        .run(&(pieces(), damage()), |(pieces, damage)| {
            let text = file(&pieces, damage);
            let full = scan_source(&text, &context);
            let lean = scan_source_lean(&text, &context, &triggers);
            match (&full, &lean) {
                (Ok(_), _) | (Err(_), Err(_)) => prop_assert_eq!(lean, full, "{}", text),
                (Err(_), Ok(_)) => {}
            }
            Ok(())
        })
        .unwrap();
}

// --- The detection code's vocabulary ----------------------------------------------------

/// Names the detection code compares against that need no prefilter word, and why.
const NEEDS_NO_WORD: &[(&str, &str)] = &[
    ("self", "path keyword: resolution only"),
    ("super", "path keyword: resolution only"),
    ("crate", "path keyword: resolution only"),
    (
        "schema",
        "`instr::schema!` counts only through `instr` (path or import)",
    ),
    (
        "counter",
        "facade macros count only through `metrics` (path or import)",
    ),
    (
        "gauge",
        "facade macros count only through `metrics` (path or import)",
    ),
    (
        "histogram",
        "facade macros count only through `metrics` (path or import)",
    ),
    (
        "include_proto",
        "read by lookup: the module holding a `<name>_server` trait",
    ),
    (
        "macro_rules",
        "its body is read for routes only, which have their own words (`.route`, `.service`)",
    ),
    ("macro_use", "an import (glob of the crate): read by lookup"),
    ("doc", "attribute dropped"),
    ("allow", "attribute dropped"),
    ("warn", "attribute dropped"),
    ("deny", "attribute dropped"),
    ("expect", "attribute dropped"),
    ("inline", "attribute dropped"),
    ("must_use", "attribute dropped"),
    (
        "test",
        "module tree: the light scan reads it with the same code",
    ),
    (
        "cfg",
        "module tree: the light scan reads it with the same code",
    ),
    (
        "cfg_attr",
        "module tree: the light scan reads it with the same code",
    ),
    (
        "default",
        "handler value inside a registration (`post(h::default())`)",
    ),
    ("new", "handler value or builder inside a registration"),
    (
        "to",
        "actix-web builder inside `route`, `resource` or `service`",
    ),
    ("method", "actix-web builder inside a registration"),
    ("guard", "actix-web builder inside a registration"),
    ("MethodRouter", "method router inside a registration"),
    (
        "Method",
        "method router type inside a registration (`XMethod...::new()`)",
    ),
    (
        "ANY",
        "the method of a route that serves every method, not a name in code",
    ),
    (
        "scope",
        "a prefix for what is chained on it, which has its own words (`.service`)",
    ),
    (
        "Scope",
        "a prefix for what is chained on it, which has its own words (`.service`)",
    ),
    ("and", "warp chain: rooted at `warp::...` or `path!`"),
    ("and_then", "warp chain: rooted at `warp::...` or `path!`"),
    ("map", "warp chain: rooted at `warp::...` or `path!`"),
    ("then", "warp chain: rooted at `warp::...` or `path!`"),
    ("param", "warp chain: rooted at `warp::...` or `path!`"),
    ("tail", "warp chain: rooted at `warp::...` or `path!`"),
    ("OpenApi", "read for `#[oai]` methods only"),
    ("prefix_path", "read for `#[oai]` methods only"),
    (
        "Handler",
        "hand-written handler: the trait resolves into `rocket` (in rocket's own crate it is a \
         word: `OWN_CRATE_WORDS`)",
    ),
    (
        "handle",
        "hand-written handler: the trait resolves into `rocket`",
    ),
    (
        "Endpoint",
        "hand-written handler: the trait resolves into `poem` (in poem's own crate it is a \
         word: `OWN_CRATE_WORDS`)",
    ),
    (
        "call",
        "hand-written handler: the trait resolves into `poem`",
    ),
    (
        "feature",
        "argument of an instr attribute (`instr` or `handler` is there)",
    ),
    (
        "reason",
        "argument of an instr attribute (`instr` is there)",
    ),
    ("uri", "argument of a route attribute"),
    ("exempt", "an instr attribute: `instr` is there"),
    ("Box", "warp: not a handler"),
    ("Arc", "warp: not a handler"),
    ("std", "warp: not a handler"),
    ("Ok", "warp: not a handler"),
    ("Some", "warp: not a handler"),
    ("Into", "warp: not a handler"),
    ("From", "warp: not a handler"),
    ("String", "warp: not a handler"),
    (
        "or",
        "warp chain: rooted at `warp::...` or `path!`, or in a file that uses warp",
    ),
    (
        "or_else",
        "warp chain: rooted at `warp::...` or `path!`, or in a file that uses warp",
    ),
    (
        "clone",
        "warp: a filter variable, read in a file that uses warp",
    ),
    (
        "boxed",
        "warp: a filter variable, read in a file that uses warp",
    ),
    (
        "fs",
        "warp's `fs::dir` and `fs::file`: `dir` and `file` are words",
    ),
    (
        "FileServer",
        "static-file service: read inside a registration (`.mount`)",
    ),
    (
        "from",
        "`FileServer::from`: read inside a registration (`.mount`)",
    ),
    (
        "StaticFilesEndpoint",
        "static-file service: read inside a registration (`.nest`, `.at`)",
    ),
    (
        "StaticFileEndpoint",
        "static-file service: read inside a registration (`.nest`, `.at`)",
    ),
    (
        "EmbeddedFileEndpoint",
        "static-file service: read inside a registration (`.nest`, `.at`)",
    ),
    (
        "EmbeddedFilesEndpoint",
        "static-file service: read inside a registration (`.nest`, `.at`)",
    ),
    (
        "service_fn",
        "a handler wrapped inside a registration (`.fallback_service`, `.service`)",
    ),
    (
        "spa",
        "static-file service: read inside a registration (`.service`)",
    ),
    (
        "actix_web_lab",
        "the crate a `spa()` inside a registration resolves into",
    ),
    (
        "Self",
        "a handler path inside a registration, written in a method",
    ),
    (
        "Middleware",
        "poem middleware: its `Output` is looked up by type name (`Index::wraps_endpoint`) \
         in the files that may contain the name",
    ),
    (
        "Output",
        "poem middleware: its `Output` is looked up by type name (`Index::wraps_endpoint`) \
         in the files that may contain the name",
    ),
];

/// Every string literal the code compares a name against: match patterns (also inside
/// `matches!`), `==`/`!=`, `is_ident`, `ends_with`, `starts_with`.
#[derive(Default)]
struct Compared(BTreeSet<String>);

impl Compared {
    fn pattern(&mut self, pattern: &syn::Pat) {
        struct Literals<'a>(&'a mut BTreeSet<String>);
        impl Visit<'_> for Literals<'_> {
            fn visit_lit_str(&mut self, lit: &syn::LitStr) {
                self.0.insert(lit.value());
            }
        }
        Literals(&mut self.0).visit_pat(pattern);
    }
}

fn string_literal(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(lit),
            ..
        }) => Some(lit.value()),
        syn::Expr::Reference(reference) => string_literal(&reference.expr),
        _ => None,
    }
}

impl Visit<'_> for Compared {
    fn visit_arm(&mut self, arm: &syn::Arm) {
        self.pattern(&arm.pat);
        syn::visit::visit_arm(self, arm);
    }

    fn visit_expr_binary(&mut self, binary: &syn::ExprBinary) {
        if matches!(binary.op, syn::BinOp::Eq(_) | syn::BinOp::Ne(_)) {
            for side in [&*binary.left, &*binary.right] {
                if let Some(value) = string_literal(side) {
                    self.0.insert(value);
                }
            }
        }
        syn::visit::visit_expr_binary(self, binary);
    }

    fn visit_expr_method_call(&mut self, call: &syn::ExprMethodCall) {
        if ["is_ident", "ends_with", "starts_with"].contains(&call.method.to_string().as_str()) {
            for arg in &call.args {
                if let Some(value) = string_literal(arg) {
                    self.0.insert(value);
                }
            }
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_macro(&mut self, mac: &syn::Macro) {
        if mac.path.is_ident("matches") {
            let parser = |input: syn::parse::ParseStream<'_>| {
                let _: syn::Expr = input.parse()?;
                let _: syn::Token![,] = input.parse()?;
                syn::Pat::parse_multi(input)
            };
            if let Ok(pattern) = syn::parse::Parser::parse2(parser, mac.tokens.clone()) {
                self.pattern(&pattern);
            }
        }
        syn::visit::visit_macro(self, mac);
    }
}

/// The code that detects handlers, routes and emission.
const DETECTION_SOURCES: &[&str] = &[
    "src/scan/visit.rs",
    "src/scan/routes.rs",
    "src/scan/attrs.rs",
    "src/scan/syntax.rs",
    "src/scan/warp.rs",
    "src/analysis/handlers.rs",
    "src/analysis/resolve.rs",
    "src/lints/emission.rs",
];

#[test]
fn every_name_detection_compares_is_a_prefilter_word() {
    let mut compared = Compared::default();
    for source in DETECTION_SOURCES {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(source);
        let file = syn::parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap();
        compared.visit_file(&file);
    }
    let is_name = |text: &str| {
        text.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && text.chars().all(|c| c.is_alphanumeric() || c == '_')
    };
    let methods: Vec<String> = instr_schema::model::HTTP_METHODS
        .iter()
        .flat_map(|method| [method.to_string(), method.to_ascii_lowercase()])
        .collect();
    let words: BTreeSet<&str> = CRATES
        .iter()
        .chain(REGISTRATIONS)
        .chain(REGISTRATION_METHODS)
        .chain(ROUTER_FUNCTIONS)
        .chain(FILE_SERVICES)
        .chain(OTHER_WORDS)
        .chain(MACROS)
        .chain(ATTRIBUTES)
        .chain(ATTRIBUTE_SEGMENTS)
        .copied()
        .chain(methods.iter().map(String::as_str))
        .collect();
    let uncovered: Vec<&String> = compared
        .0
        .iter()
        .filter(|name| is_name(name))
        .filter(|name| !words.contains(name.as_str()))
        .filter(|name| !SUFFIXES.iter().any(|suffix| name.ends_with(suffix)))
        .filter(|name| !name.ends_with(ROUTER_FUNCTION_SUFFIX))
        .filter(|name| !NEEDS_NO_WORD.iter().any(|(known, _)| known == name))
        .collect();
    assert!(
        uncovered.is_empty(),
        "detection compares names the prefilter does not know: {uncovered:?}; add each to a word \
         list in src/scan/prefilter.rs, or to NEEDS_NO_WORD here with the reason"
    );
    assert!(compared.0.len() > 60, "{:?}", compared.0);
}
