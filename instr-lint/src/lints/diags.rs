//! What every lint finding says: message, labels, help, and the stable key its fingerprint is
//! made from. The lints decide *when* a finding is due and hand over what it is about; the
//! wording lives here, in one place, so it can be read and reviewed as text.

use instr_schema::Schema;
use instr_schema::Spanned;
use instr_schema::diag::{Diagnostic, Loc};
use instr_schema::model::{Exemption, Route};
use instr_schema::names::upper_camel;

use super::finding::{Finding, UnmappedHandler};
use super::fingerprint::{self, Fingerprint};
use crate::analysis::handlers::{Handler, HandlerRoute};
use crate::analysis::proof::Measure;
use crate::registry::lints::{
    EXEMPT_WITHOUT_REASON, FEATURE_UNSERVED, HANDLER_UNMAPPED, MISSING_MODULE, NEVER_EMITTED,
    NO_HANDLERS_FOUND, RAW_METRIC, SCHEMA_MISMATCH, SKIPPED_EMISSION_RECORDS, STALE_MAPPING,
    UNKNOWN_FEATURE, UNPARSABLE_FILE, UNPROVEN, UNREACHED_FILE, UNREADABLE_FILE,
};
use crate::scan::facts::{EndpointKind, RawMetricCall};
use crate::scan::source::ReadProblem;

/// A finding with its fingerprint, made from a stable text (crate and item path, or schema
/// item, and rule; never a line number).
#[derive(Debug)]
pub(crate) struct KeyedFinding {
    /// The finding.
    pub(crate) finding: Finding,
    /// What identifies it across edits (see `super::fingerprint`): hashed at once rather
    /// than keeping the text to the end.
    pub(crate) fingerprint: Fingerprint,
}

impl KeyedFinding {
    /// `finding`, identified by the stable text `key`.
    pub(crate) fn new(finding: Diagnostic, key: &str) -> Self {
        Self {
            fingerprint: fingerprint::of(finding.rule.code, key),
            finding: Finding::Made(Box::new(finding)),
        }
    }

    /// `instr::handler-unmapped` for `handler`, made when shown.
    pub(crate) fn unmapped(handler: &Handler, unmapped: UnmappedHandler) -> Self {
        let key = handler_key(handler, "handler-unmapped");
        Self {
            fingerprint: fingerprint::of(HANDLER_UNMAPPED.code, &key),
            finding: Finding::Unmapped(unmapped),
        }
    }
}

fn keyed(mut finding: Diagnostic, key: String) -> KeyedFinding {
    // A finding's texts are built by pushing pieces, which leaves up to half of each spare;
    // with a finding per handler that spare is a good part of the check's memory.
    finding.message.shrink_to_fit();
    if let Some(help) = finding.help.as_mut() {
        help.shrink_to_fit();
    }
    for label in finding
        .primary
        .iter_mut()
        .chain(finding.secondary.iter_mut())
    {
        if let Some(text) = label.text.as_mut() {
            text.shrink_to_fit();
        }
    }
    finding.secondary.shrink_to_fit();
    KeyedFinding::new(finding, &key)
}

/// The key of a finding about a handler.
fn handler_key(handler: &Handler, rule: &str) -> String {
    format!("{}:{}:{rule}", handler.crate_name(), handler.item_path())
}

// ------------------------------------------------------------------------- scanned files

/// `instr::unreadable-file`.
pub(crate) fn unreadable_file(name: &str, problem: &ReadProblem) -> KeyedFinding {
    keyed(
        Diagnostic::without_location(
            &UNREADABLE_FILE,
            format!("`{name}` {problem}; its handlers are not checked"),
        ),
        format!("file:{name}"),
    )
}

/// `instr::unparsable-file`, with syn's message.
pub(crate) fn unparsable_file(name: &str, loc: Loc, message: &str) -> KeyedFinding {
    keyed(
        Diagnostic::new(
            &UNPARSABLE_FILE,
            loc,
            format!("`{name}` does not parse: {message}"),
        )
        .with_label(message)
        .with_help("fix the syntax error; until then no handler in this file is checked"),
        format!("file:{name}"),
    )
}

/// `instr::missing-module`: `tried` are the file names rustc looks for, quoted.
pub(crate) fn missing_module(name: &str, loc: Loc, tried: &[String]) -> KeyedFinding {
    keyed(
        Diagnostic::new(&MISSING_MODULE, loc, "module file not found")
            .with_label("no file for this module")
            .with_help(format!(
                "create one of {}, or remove the `mod` item",
                tried.join(" or ")
            )),
        format!("file:{name}:{}", tried.join(",")),
    )
}

/// `instr::unreached-file`.
pub(crate) fn unreached_file(name: &str) -> KeyedFinding {
    keyed(
        Diagnostic::without_location(
            &UNREACHED_FILE,
            format!("`{name}` is not part of any crate: no `mod` item reaches it"),
        )
        .with_help("declare it with a `mod` item, delete it, or list it under `exclude` in [workspace.metadata.instr]"),
        format!("file:{name}"),
    )
}

// ------------------------------------------------------------------------- crates' use

/// What is wrong with the file an `instr::schema!` names.
pub(crate) enum SchemaProblem {
    /// It does not exist.
    Missing,
    /// It exists, but the checker uses this other file (shown name) for the crate.
    Other(String),
}

/// `instr::schema-mismatch` at the macro call; `file` is the scanned file's shown name.
pub(crate) fn schema_mismatch(
    package: &str,
    written: &str,
    loc: Loc,
    problem: &SchemaProblem,
    file: &str,
) -> KeyedFinding {
    let (message, label, help) = match problem {
        SchemaProblem::Missing => (
            format!("`instr::schema!` names `{written}`, which does not exist"),
            "no such file, relative to the crate's Cargo.toml".to_owned(),
            "name the schema file relative to the crate's `Cargo.toml`, as the checker finds it"
                .to_owned(),
        ),
        SchemaProblem::Other(checked) => (
            format!(
                "`instr::schema!` names `{written}`, but the checker checks package `{package}` against `{checked}`"
            ),
            format!("the macro generates code from this file, not `{checked}`"),
            format!(
                "name `{checked}` here, or set `schema` under [package.metadata.instr] of `{package}` to this file"
            ),
        ),
    };
    keyed(
        Diagnostic::new(&SCHEMA_MISMATCH, loc, message)
            .with_label(label)
            .with_help(help),
        format!("file:{file}:{written}:schema-mismatch"),
    )
}

/// `instr::no-handlers-found` for a package, at its framework dependency when found.
pub(crate) fn no_handlers_found(package: &str, framework: &str, loc: Option<Loc>) -> KeyedFinding {
    let message = format!(
        "package `{package}` depends on `{framework}`, but no handler was found in its code: its coverage is unknown (n/a)"
    );
    let finding = match loc {
        Some(loc) => Diagnostic::new(&NO_HANDLERS_FOUND, loc, message)
            .with_label("a web framework, and nothing it routes was found"),
        None => Diagnostic::without_location(&NO_HANDLERS_FOUND, message),
    };
    keyed(
        finding.with_help(
            "mark its handlers with #[instr::handler(feature = \"...\")] or #[instr::exempt(reason = \"...\")], list them with `handler-attributes` / `handler-modules` under [workspace.metadata.instr], or, if it serves no requests, set \"no-handlers-found\" = \"allow\" under [workspace.metadata.instr.rules]",
        ),
        format!("package:{package}:no-handlers-found"),
    )
}

// ------------------------------------------------------------------------------ handlers

/// `instr::unknown-feature` for `#[instr::handler]` without a feature; `guess` is the feature
/// it most likely serves.
pub(crate) fn feature_not_named(
    handler: &Handler,
    loc: Loc,
    guess: &str,
    schema: &Schema,
) -> KeyedFinding {
    keyed(
        Diagnostic::new(
            &UNKNOWN_FEATURE,
            loc,
            format!(
                "`#[instr::handler]` on `{}` names no feature",
                handler.function
            ),
        )
        .with_label("which feature does this handler serve?")
        .with_help(format!(
            "name one: #[instr::handler(feature = \"{guess}\")]{}",
            declared_features(schema)
        )),
        handler_key(handler, "unknown-feature"),
    )
}

/// `instr::unknown-feature` for a feature the schema (file `schema_file`) does not declare;
/// `suggestion` is the closest declared one.
pub(crate) fn unknown_feature(
    handler: &Handler,
    name: &str,
    loc: Loc,
    suggestion: Option<&str>,
    schema_file: &str,
    schema: &Schema,
) -> KeyedFinding {
    let label = match suggestion {
        Some(known) => format!("did you mean `{known}`?"),
        None => "not declared in the schema".to_owned(),
    };
    keyed(
        Diagnostic::new(
            &UNKNOWN_FEATURE,
            loc,
            format!(
                "handler `{}` names feature `{name}`, which is not declared",
                handler.function
            ),
        )
        .with_label(label)
        .with_help(format!(
            "declare it in {schema_file} as [features.{name}], or name a declared feature{}",
            declared_features(schema)
        )),
        handler_key(handler, "unknown-feature"),
    )
}

/// `instr::exempt-without-reason`.
pub(crate) fn exempt_without_reason(handler: &Handler, loc: Loc) -> KeyedFinding {
    keyed(
        Diagnostic::new(&EXEMPT_WITHOUT_REASON, loc, format!("handler `{}` is exempt without a reason", handler.function))
            .with_label("why is this handler exempt?")
            .with_help("say why, for the next reader:\n  #[instr::exempt(reason = \"liveness probe for the load balancer\")]"),
        handler_key(handler, "exempt-without-reason"),
    )
}

/// What an endpoint is, in a finding's message: `handler`, `fallback`, `static-file service`,
/// `external endpoint`.
fn endpoint_word(handler: &Handler) -> &'static str {
    match handler.kind {
        EndpointKind::Handler => "handler",
        EndpointKind::Fallback => "fallback",
        EndpointKind::Static => "static-file service",
        EndpointKind::External => "external endpoint",
    }
}

/// Where an unmapped endpoint should go: the declared feature it most likely serves
/// (`closest`), else a new feature named `guess`; `declared` are the schema's features.
pub(crate) struct Suggestion<'a> {
    /// The feature name guessed from its route or module.
    pub(crate) guess: &'a str,
    /// The declared feature closest to it by name or module.
    pub(crate) closest: Option<&'a str>,
    /// Every declared feature.
    pub(crate) declared: Vec<&'a str>,
}

/// `instr::handler-unmapped`: how to map an endpoint to a feature in `schema_file`, declared
/// features first; `registrations` are the places its routes are registered, shown too. Made
/// when the finding is shown (`super::finding`).
pub(crate) fn handler_unmapped(
    handler: &Handler,
    routes: &[HandlerRoute],
    loc: Loc,
    suggestion: &Suggestion<'_>,
    schema_file: &str,
    registrations: &[Loc],
) -> Diagnostic {
    let label = match routes {
        [] => format!(
            "{} {}",
            handler.framework().as_str(),
            endpoint_word(handler)
        ),
        [route] => format!("{} is routed here ({})", route.display(), route.how),
        routes => {
            let shown: Vec<String> = routes.iter().take(3).map(|route| route.display()).collect();
            let more = if routes.len() > 3 {
                format!(" and {} more", routes.len() - 3)
            } else {
                String::new()
            };
            format!(
                "{}{more} are routed here ({})",
                shown.join(", "),
                routes[0].how
            )
        }
    };
    let routes: Vec<String> = routes
        .iter()
        .filter(|route| route.path.is_some())
        .map(|route| format!("\"{}\"", route.display()))
        .collect();
    // Attributes go on the crate's own functions; anything else is mapped from the schema.
    let takes_attributes = !handler.function.starts_with('<')
        && matches!(handler.kind, EndpointKind::Handler | EndpointKind::Fallback);
    // A declared feature close by name, module or emitted metric comes first; with none close,
    // the declared ones are listed rather than one picked at random; a new feature comes second.
    let feature = match (suggestion.closest, suggestion.declared.is_empty()) {
        (Some(closest), _) => closest,
        (None, false) => "<feature>",
        (None, true) => suggestion.guess,
    };
    let mut help = String::from("declare which feature it serves and how success is measured");
    if suggestion.closest.is_none() && !suggestion.declared.is_empty() {
        help.push_str(&format!(
            ", one of the declared features ({})",
            suggestion.declared.join(", ")
        ));
    }
    help.push_str(":\n");
    if takes_attributes {
        help.push_str(&format!(
            "  #[instr::handler(feature = \"{feature}\")]\nor "
        ));
    }
    if routes.is_empty() {
        help.push_str(&format!(
            "map it in {schema_file} under [features.{feature}]:\n  handlers = [\"{}\"]\n",
            handler.item_path()
        ));
    } else {
        help.push_str(&format!(
            "map the route in {schema_file} under [features.{feature}]:\n  routes = [{}]\n",
            routes.join(", ")
        ));
    }
    if !suggestion.declared.is_empty()
        && feature != suggestion.guess
        && !suggestion.declared.contains(&suggestion.guess)
    {
        help.push_str(&format!(
            "or declare a new feature for it in {schema_file}, [features.{}], with an owner and a success metric\n",
            suggestion.guess
        ));
    }
    if takes_attributes {
        help.push_str("or opt out with a reason:\n  #[instr::exempt(reason = \"...\")]");
    } else {
        let target = routes
            .first()
            .cloned()
            .unwrap_or_else(|| format!("\"{}\"", handler.item_path()));
        help.push_str(&format!(
            "or opt out with a reason in {schema_file}:\n  [exempt]\n  {target} = \"...\""
        ));
    }
    let mut diagnostic = Diagnostic::new(
        &HANDLER_UNMAPPED,
        loc,
        format!(
            "{} `{}` serves no feature",
            endpoint_word(handler),
            handler.function
        ),
    )
    .with_label(label)
    .with_help(help);
    for registration in registrations {
        diagnostic = diagnostic.with_secondary(*registration, "registered here");
    }
    diagnostic
}

/// `\ndeclared features: a, b` when the schema declares any.
fn declared_features(schema: &Schema) -> String {
    if schema.features.is_empty() {
        return String::new();
    }
    let names: Vec<&str> = schema.features.keys().map(String::as_str).collect();
    format!("\ndeclared features: {}", names.join(", "))
}

// ------------------------------------------------------------------- mappings and features

/// `instr::stale-mapping` for a feature's route that no handler serves.
pub(crate) fn stale_route(feature: &str, route: &Spanned<Route>) -> KeyedFinding {
    keyed(
        Diagnostic::new(
            &STALE_MAPPING,
            route.loc,
            format!("feature `{feature}` maps route `{}`, which no handler serves", route.value),
        )
        .with_label("no handler found for this route")
        .with_help("fix the route (method and path, parameters in any spelling) or remove it; `cargo instr-check coverage` lists every route found"),
        format!("schema:{feature}:route:{}:stale-mapping", route.value),
    )
}

/// `instr::stale-mapping` for a feature's handler path that names no handler; `suggestion` is
/// the closest handler path found.
pub(crate) fn stale_handler_path(
    feature: &str,
    path: &Spanned<String>,
    suggestion: Option<&str>,
) -> KeyedFinding {
    let label = match suggestion {
        Some(close) => format!("did you mean `{close}`?"),
        None => "no handler has this path".to_owned(),
    };
    keyed(
        Diagnostic::new(
            &STALE_MAPPING,
            path.loc,
            format!("feature `{feature}` maps handler `{}`, which is not a handler in the code", path.value),
        )
        .with_label(label)
        .with_help("handler paths start with the crate name (`my_crate::api::checkout`, `my_crate::api::Orders::list`); `cargo instr-check coverage` lists them"),
        format!("schema:{feature}:handler:{}:stale-mapping", path.value),
    )
}

/// `instr::stale-mapping` for an `[exempt]` entry that names no endpoint.
pub(crate) fn stale_exemption(entry: &Exemption) -> KeyedFinding {
    let target = &entry.target.value;
    keyed(
        Diagnostic::new(
            &STALE_MAPPING,
            entry.target.loc,
            format!("`[exempt]` names `{target}`, which is not an endpoint in the code"),
        )
        .with_label("no endpoint found for this entry")
        .with_help("fix the route or handler path, or remove the entry; `cargo instr-check coverage` lists every endpoint"),
        format!("schema:exempt:{target}:stale-mapping"),
    )
}

/// `instr::feature-unserved`, at the feature's name.
pub(crate) fn feature_unserved(feature: &str, loc: Loc) -> KeyedFinding {
    keyed(
        Diagnostic::new(&FEATURE_UNSERVED, loc, format!("no handler serves feature `{feature}`"))
            .with_label("declared here, served nowhere")
            .with_help(format!(
                "mark its handlers with #[instr::handler(feature = \"{feature}\")], map them with `routes` or `handlers`, or remove the feature"
            )),
        format!("schema:{feature}:feature-unserved"),
    )
}

// ------------------------------------------------------------------------------ emission

/// What a never-emitted item is.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Emitted {
    /// A metric, emitted through `metrics::<Type>`.
    Metric,
    /// An event, emitted through `events::<Struct>`.
    Event,
}

impl Emitted {
    /// `metric` or `event`, as keys and messages name it.
    fn word(self) -> &'static str {
        match self {
            Self::Metric => "metric",
            Self::Event => "event",
        }
    }
}

/// `instr::never-emitted` for a metric or event, at its name; `generated` is the name of
/// what code would emit it through. `macro_call` is set when no crate using the schema invokes
/// `instr::schema!`: the `instr::schema!("...")` call that would generate it.
pub(crate) fn never_emitted(
    item: Emitted,
    name: &str,
    loc: Loc,
    generated: &str,
    macro_call: Option<&str>,
) -> KeyedFinding {
    let word = item.word();
    let module = match item {
        Emitted::Metric => format!("type `metrics::{generated}`"),
        Emitted::Event => format!("struct `events::{generated}`"),
    };
    let help = match macro_call {
        Some(call) => format!(
            "it measures a feature's success, but no crate using this schema invokes `instr::schema!`, so nothing can emit it: add `{call}` to the crate and emit it through the generated {module} (or name it in a metrics-facade macro), or remove it from the feature's `success_metrics`"
        ),
        None => format!("emit it through the generated {module}, or remove it from the schema"),
    };
    let label = match macro_call {
        Some(_) => format!("a success metric, and no code emits this {word}"),
        None => format!("no code emits this {word}"),
    };
    keyed(
        Diagnostic::new(
            &NEVER_EMITTED,
            loc,
            format!("{word} `{name}` is declared but never emitted"),
        )
        .with_label(label)
        .with_help(help),
        format!("schema:{word}:{name}:never-emitted"),
    )
}

/// `instr::raw-metric` for a call in file `file`; `declared` when the schema declares the
/// metric it names.
pub(crate) fn raw_metric(
    call: &RawMetricCall,
    loc: Loc,
    file: &str,
    declared: bool,
) -> KeyedFinding {
    let help = match call.name.as_deref() {
        Some(name) if declared => format!(
            "`{name}` is declared in the schema: use its generated emitter `metrics::{}`",
            upper_camel(name).unwrap_or_default()
        ),
        Some(name) => format!(
            "declare `{name}` under [metrics.{name}] in the schema and use the generated emitter"
        ),
        None => "declare the metric in the schema and use the generated emitter".to_owned(),
    };
    keyed(
        Diagnostic::new(
            &RAW_METRIC,
            loc,
            format!("raw `{}!` call bypasses the schema", call.kind),
        )
        .with_label("untyped metric name")
        .with_help(help),
        format!(
            "file:{file}:{}:{}:raw-metric",
            call.kind,
            call.name.clone().unwrap_or_default()
        ),
    )
}

// ---------------------------------------------------------------------- proof in tests

/// Why a measure's records show nothing, for the help text.
#[derive(Clone, Debug)]
pub(crate) enum NoProof {
    /// No test of the schema's packages recorded anything at all (`packages`, joined).
    NoTestsOf(String),
    /// Tests emitted the metric, but only series the selector does not match (these).
    OtherSeries(Vec<String>),
    /// Tests recorded, but not this.
    NotEmitted,
}

/// `instr::unproven` at the schema entry of `measure`; `contact` is how to reach its owner.
pub(crate) fn unproven(
    measure: &Measure<'_>,
    contact: Option<&str>,
    why: &NoProof,
) -> KeyedFinding {
    let feature = &measure.feature.name.value;
    let owner = &measure.feature.owner.value;
    let what = if measure.event { "event" } else { "metric" };
    let subject = format!("{} `{}`", measure.role.describe(), measure.selector());
    let mut help = format!(
        "write a test that exercises feature `{feature}` until it emits {what} `{}`{}, then record which tests emit what before the check:\n  INSTR_EMISSIONS=1 cargo test --workspace\n  cargo instr-check --require-tested",
        measure.name,
        if measure.matchers.is_empty() {
            String::new()
        } else {
            format!(" with {}", matcher_words(measure))
        }
    );
    match why {
        NoProof::NoTestsOf(packages) => help.push_str(&format!(
            "\nno test of {packages} recorded anything: were its tests run with INSTR_EMISSIONS=1?"
        )),
        NoProof::OtherSeries(series) => help.push_str(&format!(
            "\ntests emitted `{}` only with other labels: {}",
            measure.name,
            series
                .iter()
                .map(|labels| format!("{{{labels}}}"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        NoProof::NotEmitted => {}
    }
    help.push_str(&format!(
        "\nowner: {owner}{}",
        contact
            .map(|contact| format!(" ({contact})"))
            .unwrap_or_default()
    ));
    keyed(
        Diagnostic::new(
            &UNPROVEN,
            measure.loc,
            format!("feature `{feature}` (owner `{owner}`): {subject} was emitted by no test"),
        )
        .with_label("no test emitted this")
        .with_help(help),
        format!(
            "schema:{feature}:{}:{}:unproven",
            measure.role.key(),
            measure.selector()
        ),
    )
}

/// `outcome` one of `success`, `declined`: the label values a measure asks for, in words.
fn matcher_words(measure: &Measure<'_>) -> String {
    let parts: Vec<String> = measure
        .matchers
        .iter()
        .map(|(label, values)| match values.as_slice() {
            [one] => format!("`{label}` = `{one}`"),
            many => format!(
                "`{label}` one of {}",
                many.iter()
                    .map(|value| format!("`{value}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
        .collect();
    parts.join(" and ")
}

/// `instr::skipped-emission-records` for the record file `name` (as shown), left out for
/// `reason`.
pub(crate) fn skipped_emission_records(name: &str, reason: &str) -> KeyedFinding {
    keyed(
        Diagnostic::without_location(
            &SKIPPED_EMISSION_RECORDS,
            format!("emission records `{name}` were left out: {reason}"),
        )
        .with_help("run the tests again with INSTR_EMISSIONS=1 (a new build's first record deletes its earlier builds' files); after removing a test file, delete the records folder"),
        format!("records:{name}"),
    )
}
