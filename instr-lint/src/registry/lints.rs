//! The lints: the rules about code that `cargo instr-check` adds to the schema checks
//! (handlers, features, emission and the files it scanned). Codes are `instr::<name>` and
//! never change meaning once released. What each lint decides is in `crate::lints`; what its
//! findings say is in `crate::lints::diags`.

use instr_schema::diag::RuleInfo;

instr_schema::declare_rules! {
    pub(crate) rules prefixed "instr::";

    /// A handler that serves no feature.
    HANDLER_UNMAPPED = "handler-unmapped", Error,
        "a public handler that serves no feature (no `#[instr::handler]`, no schema mapping, no exemption)",
        "Every function that serves requests must say which feature it belongs to, so that the feature's
owner and success metrics cover it. A handler is covered when one of these holds:

  * it carries `#[instr::handler(feature = \"<feature>\")]` (resolved through imports, so an
    aliased `use instr::handler as h; #[h(feature = \"...\")]` counts and poem's own
    `#[handler]` does not);
  * a feature in the schema lists one of its routes, `routes = [\"POST /api/refunds\"]`
    (path parameters match in any spelling: `{id}`, `:id`, `<id>`);
  * a feature lists its path, `handlers = [\"my_crate::api::refund\"]`;
  * it is exempt with a reason: `#[instr::exempt(reason = \"health check for the load balancer\")]`.

Handlers are found in axum routers, actix-web attributes and resources, rocket attributes and
`routes![]`, poem `#[handler]`, poem-openapi `#[oai]` methods, tonic service trait impls, warp
filters ending in `.and_then(f)` / `.map(f)`, and the `handler-attributes` / `handler-modules`
configured under `[workspace.metadata.instr]`. The finding shows the route and where it is
registered, and the exact attribute or schema line to add.";

    /// `#[instr::handler]` naming a feature the schema does not declare.
    UNKNOWN_FEATURE = "unknown-feature", Error,
        "`#[instr::handler(feature = ...)]` names a feature the schema does not declare, or none",
        "The feature named in `#[instr::handler(feature = \"...\")]` must be declared as
`[features.<name>]` in the schema the crate uses; the finding suggests the closest declared
feature. The attribute must name a feature: `#[instr::handler]` alone says nothing about
ownership. The same mistake is a compile error where the macro expands, but the checker runs
without building, so it reports it too.";

    /// A schema route or handler path that matches no handler.
    STALE_MAPPING = "stale-mapping", Warning,
        "a feature's `routes` or `handlers` entry that matches no handler in the code",
        "A feature maps handlers from the schema side with `routes = [\"METHOD /path\"]` or
`handlers = [\"crate::path::fn\"]`. An entry that matches no handler found in the code is stale:
the route was renamed or removed, and the feature silently lost coverage. Fix the entry or remove
it. This is a warning because a route whose prefix is built at run time cannot be matched
statically; set it to deny once your routes are static.";

    /// A metric or event the code never emits.
    NEVER_EMITTED = "never-emitted", Warning,
        "a declared metric or event that no code emits",
        "A metric or event in the schema that nothing emits is a dashboard that stays empty. The
checker reads code, it does not run it: a metric counts as emitted when the scanned code of a
crate using the schema names its generated type, `metrics::<UpperCamelName>` (for example
`metrics::CheckoutAttemptsTotal`, also through `use ...::metrics::{CheckoutAttemptsTotal}` or an
alias of the `metrics` module), when a metrics-facade macro names it as a literal
(`metrics::counter!(\"checkout_attempts_total\")`), or when an `#[instr::handler(...)]` option
names it (`latency = metrics::CheckoutLatencySeconds`, or the name as a string). An event counts
when `events::<UpperCamelName>` is named. Emit it, or remove it from the schema.

The rule runs once a package using the schema invokes `instr::schema!`: before that, nothing can
be emitted through the schema and every metric would be reported.";

    /// A feature that no handler serves.
    FEATURE_UNSERVED = "feature-unserved", Warning,
        "a feature that no handler serves",
        "No handler carries `#[instr::handler(feature = \"...\")]` for this feature and none of its
`routes` or `handlers` entries matches one. Either the feature is served by code the checker
cannot see (map it with `routes` or `handlers`), or it no longer exists. This rule needs the
whole workspace, so it is skipped when a single member is checked, and it runs once a package
using the schema invokes `instr::schema!` (before that, no feature is served yet).";

    /// `#[instr::exempt]` without a reason.
    EXEMPT_WITHOUT_REASON = "exempt-without-reason", Error,
        "`#[instr::exempt]` without a `reason`",
        "An exemption is a decision someone will later need to understand:
`#[instr::exempt(reason = \"liveness probe for the load balancer\")]`. Without a reason (or with the
placeholder `...`) the handler counts as unmapped.";

    /// A raw metrics-facade macro call that bypasses the schema (off by default).
    RAW_METRIC = "raw-metric", Warning,
        "a raw `metrics::counter!` / `gauge!` / `histogram!` call that bypasses the schema (off by default)",
        "Metrics emitted with the `metrics` crate's macros and string names are not declared in the
schema: nobody owns them, their labels are unchecked, and a typo creates a new time series. Use
the typed emitters that `instr::schema!` generates instead. This rule is off (`allow`) by
default, since most codebases adopting instr start with raw metrics; enable it with
`\"raw-metric\" = \"warn\"` (or `\"deny\"`) under `[workspace.metadata.instr.rules]`.";

    /// A feature's success metric or objective series that no test emitted.
    UNPROVEN = "unproven", Error,
        "a feature's success metric, or a series its objectives read, that no test emitted (with `--require-tested`)",
        "A feature declares how its success is measured; `--require-tested` (or `require-tested = true`
under `[workspace.metadata.instr]`) asks for proof that the code emits it when it runs: a test
of a package using the schema must have emitted each success metric (any series; an event when
the success metric is one) and, for each objective, the series it reads: the good and the total
selector of a ratio objective (only series whose labels match the selector's values count), the
histogram series of a latency objective.

The proof comes from the tests themselves. With `INSTR_EMISSIONS=1`, every test process records
which test emitted which metric series and event under `target/instr/emissions` (or
`INSTR_EMISSIONS_DIR`); the check reads those records:

  INSTR_EMISSIONS=1 cargo test --workspace
  cargo instr-check --require-tested

Records of a test binary that was rebuilt since are left out (they may describe older code). Write
a test that exercises the feature until it emits the metric, for example a request to one of its
handlers, or, for an objective's good series, a request that succeeds. Without any records the
check stops with an error rather than report every feature; see docs/testing.md.";

    /// Emission records that were left out (with `--require-tested`).
    SKIPPED_EMISSION_RECORDS = "skipped-emission-records", Warning,
        "an emission-record file that `--require-tested` left out: stale or unreadable",
        "With `--require-tested` the check reads every `*.emissions` file in the records folder. A file
is left out when the test binary that wrote it was rebuilt or deleted since (it may describe older
code), when a newer build of the same test binary wrote records too, or when it is not a record
file this version can read (another format version, or not written by instr). What it recorded
does not count as proof. Only files that could have proved something are reported: those of test
binaries of the packages using the checked schemas, and those too broken to tell whose they are. Run the tests again with `INSTR_EMISSIONS=1`: a new build's first record
deletes its earlier builds' files. After removing a test file, delete `target/instr/emissions`
(or run `cargo clean`), since the removed test binary stays in `target/`.";

    /// A source file that does not parse.
    UNPARSABLE_FILE = "unparsable-file", Warning,
        "a source file that does not parse as Rust, so its handlers cannot be seen",
        "The checker reads every file of every library and binary target. A file that does not parse
with syn where it matters (syntax newer than the checker, or a file that is not Rust at all) is
reported with the position of the error and skipped; handlers in it are not checked. rustc would
reject it too, unless it is behind a `cfg` that is never enabled. A syntax error the checker does
not need to read past (inside a function body that holds nothing it reads, or in a file that holds
nothing it reads and whose delimiters balance) changes no finding, and is left to rustc; with and
without `--no-prefilter` alike.";

    /// A source file that cannot be read.
    UNREADABLE_FILE = "unreadable-file", Warning,
        "a source file that cannot be read, is not UTF-8, or is too large to scan",
        "A file reached through a `mod` item could not be read, is not valid UTF-8 (rustc requires
UTF-8 sources), or is larger than the scan limit of 64 MiB. It is skipped and its handlers are not
checked.";

    /// A `mod x;` whose file does not exist.
    MISSING_MODULE = "missing-module", Warning,
        "a `mod` item whose file exists under neither name rustc tries",
        "`mod x;` is read from `x.rs` or `x/mod.rs` next to the declaring file (or from its
`#[path]`). Neither exists, so the module cannot be scanned. Modules behind `#[cfg(...)]` are not
reported, since their file may exist only where the configuration is enabled.";

    /// A crate that depends on a web framework, with no handler found.
    NO_HANDLERS_FOUND = "no-handlers-found", Warning,
        "a crate that depends on a web framework but has no handler the checker can see",
        "A crate that depends on axum, actix-web, rocket, poem, poem-openapi, tonic or warp and has no
handler the checker can see is not 100% covered: nothing was checked. Either its routes are built
in a way the checker cannot read (a router returned through a trait, routes generated by a macro:
mark the handlers with `#[instr::handler]` or `#[instr::exempt]`, or list them with
`handler-attributes` / `handler-modules` under `[workspace.metadata.instr]`), or the dependency
serves no requests here (a client, shared types): then set this rule to `allow` for the
workspace. Coverage of such a crate is reported as `n/a`, never as 100%.";

    /// `instr::schema!` naming another schema than the checker uses, or none that exists.
    SCHEMA_MISMATCH = "schema-mismatch", Error,
        "`instr::schema!` names a schema file other than the one the checker uses for the crate, or one that does not exist",
        "The checker and the macros must read one schema. `instr::schema!(\"path\")` reads the file at
`path` relative to the crate's `Cargo.toml`; the checker (and `#[instr::handler]`'s feature check)
use the crate's `schema` from `[package.metadata.instr]`, else the workspace's from
`[workspace.metadata.instr]`, else `instr.toml` at the workspace root. When they differ, the code
emits metrics of one schema while the gate checks another. Point the macro at the checker's file,
or set `schema` in the manifest to the macro's.";

    /// A `.rs` file that no module reaches.
    UNREACHED_FILE = "unreached-file", Warning,
        "a `.rs` file in a package that no `mod` item reaches",
        "The checker follows the module tree from each target's root, as rustc does. A `.rs` file in
the package that no module reaches is not compiled, so handlers in it serve nothing; it is usually
dead code left behind by a refactoring, or a module whose `mod` item was forgotten. Files of test,
bench, example and build-script targets, `target/`, hidden directories, nested packages and paths
listed in `exclude` are not reported.";
}

/// Rules that are off unless configuration turns them on.
pub(crate) static OFF_BY_DEFAULT: &[&RuleInfo] = &[&RAW_METRIC];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code rule is namespaced `instr::` but not `instr::schema::`, and documented.
    #[test]
    fn codes_are_namespaced_and_documented() {
        for rule in ALL {
            assert!(rule.code.starts_with("instr::"), "{}", rule.code);
            assert!(!rule.code.starts_with("instr::schema::"), "{}", rule.code);
            assert!(rule.explanation.len() > rule.summary.len(), "{}", rule.code);
        }
    }
}
