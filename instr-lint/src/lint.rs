//! The rules about code: from the scan, the handlers and each schema, the findings with
//! their source in view and the fix spelled out.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use instr_schema::Schema;
use instr_schema::diag::{Diagnostic, FileId, Loc, Sources, Span};
use instr_schema::names::upper_camel;
use instr_schema::suggest::did_you_mean;

use crate::check::SchemaUse;
use crate::coverage::{self, handler_path_matches, route_matches};
use crate::discover::{FileProblem, Scan};
use crate::handlers::{Handler, Site};
use crate::rules;

/// A finding with the stable text its fingerprint is made from (crate, item path, rule).
pub type Keyed = (Diagnostic, String);

/// Registers scanned files in a [`Sources`] map the first time a finding points into them.
/// Their text is filled in by [`crate::snippets::materialize`] once findings are final.
pub struct FileMap<'a> {
    root: &'a Path,
    ids: HashMap<PathBuf, FileId>,
    /// The registered files, by id.
    pub registered: std::collections::BTreeMap<FileId, PathBuf>,
}

impl<'a> FileMap<'a> {
    /// Names files relative to `root`.
    pub fn new(root: &'a Path) -> Self {
        Self {
            root,
            ids: HashMap::new(),
            registered: std::collections::BTreeMap::new(),
        }
    }

    /// The location of `span` in the file at `path`.
    pub fn loc(&mut self, sources: &mut Sources, path: &Path, span: Span) -> Loc {
        let id = match self.ids.get(path) {
            Some(id) => *id,
            None => {
                let id = sources.add(self.name(path), path, String::new());
                self.ids.insert(path.to_path_buf(), id);
                self.registered.insert(id, path.to_path_buf());
                id
            }
        };
        Loc::new(id, span)
    }

    /// The name shown for a file: relative to the root, with `/` separators.
    pub fn name(&self, path: &Path) -> String {
        let relative = path.strip_prefix(self.root).unwrap_or(path);
        relative.to_string_lossy().replace('\\', "/")
    }
}

/// Everything the code rules read.
pub struct Inputs<'a> {
    /// The scan.
    pub scan: &'a Scan,
    /// The handlers found in it.
    pub handlers: &'a [Handler],
    /// The schemas and the packages using each.
    pub schemas: &'a [SchemaUse],
    /// True when only one member is checked: workspace-wide rules are skipped.
    pub partial: bool,
}

/// Runs every code rule.
pub fn run(inputs: &Inputs<'_>, sources: &mut Sources, files: &mut FileMap<'_>) -> Vec<Keyed> {
    let mut out = Vec::new();
    file_problems(inputs.scan, sources, files, &mut out);
    let schema_of: HashMap<&str, usize> = inputs
        .schemas
        .iter()
        .enumerate()
        .flat_map(|(index, used)| {
            used.packages
                .iter()
                .map(move |package| (package.as_str(), index))
        })
        .collect();
    for handler in inputs.handlers {
        let Some(&index) = schema_of.get(handler.package.as_str()) else {
            continue;
        };
        handler_findings(
            inputs,
            handler,
            &inputs.schemas[index],
            files,
            sources,
            &mut out,
        );
    }
    raw_metric_calls(inputs, sources, files, &mut out);
    if !inputs.partial {
        for (index, used) in inputs.schemas.iter().enumerate() {
            let handlers: Vec<&Handler> = inputs
                .handlers
                .iter()
                .filter(|handler| schema_of.get(handler.package.as_str()) == Some(&index))
                .collect();
            // Until the code includes the generated API, "never emitted" and "served by no
            // handler" say nothing but "not adopted yet": these rules start once a package
            // using the schema invokes `instr::schema!`.
            let instrumented = inputs.scan.files.iter().any(|file| {
                file.facts.invokes_schema
                    && used
                        .packages
                        .contains(&inputs.scan.units[file.unit].package)
            });
            mapping_findings(used, &handlers, instrumented, &mut out);
            if instrumented {
                emission_findings(inputs, used, &mut out);
            }
        }
    }
    out
}

fn site_loc(scan: &Scan, sources: &mut Sources, files: &mut FileMap<'_>, site: Site) -> Loc {
    files.loc(sources, &scan.files[site.0].path, site.1)
}

fn file_problems(
    scan: &Scan,
    sources: &mut Sources,
    files: &mut FileMap<'_>,
    out: &mut Vec<Keyed>,
) {
    for problem in &scan.problems {
        let finding = match problem {
            FileProblem::Unreadable { path, problem } => {
                let name = files.name(path);
                (
                    Diagnostic::without_location(
                        &rules::UNREADABLE_FILE,
                        format!("`{name}` {problem}; its handlers are not checked"),
                    ),
                    format!("file:{name}"),
                )
            }
            FileProblem::Unparsable { path, problem } => {
                let name = files.name(path);
                let loc = files.loc(sources, path, Span::new(problem.start, problem.end));
                (
                    Diagnostic::new(
                        &rules::UNPARSABLE_FILE,
                        loc,
                        format!("`{name}` does not parse: {}", problem.message),
                    )
                    .with_label(problem.message.clone())
                    .with_help(
                        "fix the syntax error; until then no handler in this file is checked",
                    ),
                    format!("file:{name}"),
                )
            }
            FileProblem::MissingModule {
                path,
                span,
                candidates,
            } => {
                let name = files.name(path);
                let loc = files.loc(sources, path, *span);
                let tried: Vec<String> = candidates
                    .iter()
                    .map(|c| format!("`{}`", files.name(c)))
                    .collect();
                (
                    Diagnostic::new(&rules::MISSING_MODULE, loc, "module file not found")
                        .with_label("no file for this module")
                        .with_help(format!(
                            "create one of {}, or remove the `mod` item",
                            tried.join(" or ")
                        )),
                    format!("file:{name}:{}", tried.join(",")),
                )
            }
            FileProblem::Unreached { path } => {
                let name = files.name(path);
                (
                    Diagnostic::without_location(
                        &rules::UNREACHED_FILE,
                        format!("`{name}` is not part of any crate: no `mod` item reaches it"),
                    )
                    .with_help("declare it with a `mod` item, delete it, or list it under `exclude` in [workspace.metadata.instr]"),
                    format!("file:{name}"),
                )
            }
        };
        out.push(finding);
    }
}

/// The feature a handler most likely belongs to, for the help text and `init`: the first
/// static segment of its first route that is not `api` or a version, else its module.
pub fn guess_feature(handler: &Handler) -> String {
    let from_route = handler
        .routes
        .iter()
        .filter_map(|route| route.path.as_deref())
        .find_map(|path| {
            path.split('/')
                .filter(|segment| !segment.is_empty())
                .filter(|segment| !segment.starts_with(['{', '<', ':', '*']))
                .find(|segment| {
                    let lower = segment.to_ascii_lowercase();
                    !(lower == "api"
                        || lower == "rest"
                        || (lower.starts_with('v')
                            && lower[1..].chars().all(|c| c.is_ascii_digit())
                            && lower.len() > 1))
                })
                // gRPC paths are `/package.Service/Method`: the service names the feature.
                .map(|segment| segment.rsplit('.').next().unwrap_or(segment).to_owned())
        });
    let raw = from_route
        .or_else(|| {
            handler
                .module
                .iter()
                .rev()
                .find(|segment| {
                    !matches!(
                        segment.as_str(),
                        "handlers" | "handler" | "routes" | "api" | "http" | "web" | "server"
                    )
                })
                .cloned()
        })
        .unwrap_or_else(|| handler.crate_name.clone());
    snake(&raw)
}

/// snake_case of an identifier or path segment (`ServerReflection` → `server_reflection`).
pub fn snake(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches('_').to_owned();
    match trimmed.chars().next() {
        Some(first) if first.is_ascii_alphabetic() => trimmed,
        Some(_) => format!("f_{trimmed}"),
        None => "service".to_owned(),
    }
}

fn handler_findings(
    inputs: &Inputs<'_>,
    handler: &Handler,
    used: &SchemaUse,
    files: &mut FileMap<'_>,
    sources: &mut Sources,
    out: &mut Vec<Keyed>,
) {
    let scan = inputs.scan;
    let schema = &used.schema;
    let key = |rule: &str| format!("{}:{}:{rule}", handler.crate_name, handler.item_path);
    if let Some(mark) = &handler.feature {
        match &mark.feature {
            None => {
                let loc = site_loc(scan, sources, files, mark.attr);
                out.push((
                    Diagnostic::new(
                        &rules::UNKNOWN_FEATURE,
                        loc,
                        format!(
                            "`#[instr::handler]` on `{}` names no feature",
                            handler.function
                        ),
                    )
                    .with_label("which feature does this handler serve?")
                    .with_help(format!(
                        "name one: #[instr::handler(feature = \"{}\")]{}",
                        guess_feature(handler),
                        declared_features(schema)
                    )),
                    key("unknown-feature"),
                ));
            }
            Some((name, site)) if !schema.features.contains_key(name) => {
                let loc = site_loc(scan, sources, files, *site);
                let suggestion = did_you_mean(name, schema.features.keys().map(String::as_str));
                let label = match suggestion {
                    Some(known) => format!("did you mean `{known}`?"),
                    None => "not declared in the schema".to_owned(),
                };
                out.push((
                    Diagnostic::new(
                        &rules::UNKNOWN_FEATURE,
                        loc,
                        format!(
                            "handler `{}` names feature `{name}`, which is not declared",
                            handler.function
                        ),
                    )
                    .with_label(label)
                    .with_help(format!(
                        "declare it in {} as [features.{name}], or name a declared feature{}",
                        schema_name(used, files),
                        declared_features(schema)
                    )),
                    key("unknown-feature"),
                ));
            }
            Some(_) => {}
        }
    }
    if let Some(mark) = &handler.exempt
        && mark.reason.is_none()
    {
        let loc = site_loc(scan, sources, files, mark.attr);
        out.push((
            Diagnostic::new(&rules::EXEMPT_WITHOUT_REASON, loc, format!("handler `{}` is exempt without a reason", handler.function))
                .with_label("why is this handler exempt?")
                .with_help("say why, for the next reader:\n  #[instr::exempt(reason = \"liveness probe for the load balancer\")]"),
            key("exempt-without-reason"),
        ));
    }
    if handler.feature.is_some() || handler.exempt.is_some() {
        return;
    }
    let status = coverage::status(handler, Some(schema));
    if status.covered() {
        return;
    }
    let loc = site_loc(scan, sources, files, handler.site);
    let label = match handler.routes.as_slice() {
        [] => format!("{} handler", handler.framework().as_str()),
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
    let feature = guess_feature(handler);
    let mut help = format!(
        "declare which feature it serves and how success is measured:\n  #[instr::handler(feature = \"{feature}\")]\n"
    );
    let schema_file = schema_name(used, files);
    let routes: Vec<String> = handler
        .routes
        .iter()
        .filter(|route| route.path.is_some())
        .map(|route| format!("\"{}\"", route.display()))
        .collect();
    if routes.is_empty() || handler.function.starts_with('<') && routes.is_empty() {
        help.push_str(&format!(
            "or map it in {schema_file} under [features.{feature}]:\n  handlers = [\"{}\"]\n",
            handler.item_path
        ));
    } else {
        help.push_str(&format!(
            "or map the route in {schema_file} under [features.{feature}]:\n  routes = [{}]\n",
            routes.join(", ")
        ));
    }
    help.push_str("or opt out with a reason:\n  #[instr::exempt(reason = \"...\")]");
    let mut diagnostic = Diagnostic::new(
        &rules::HANDLER_UNMAPPED,
        loc,
        format!("handler `{}` serves no feature", handler.function),
    )
    .with_label(label)
    .with_help(help);
    let mut seen = HashSet::new();
    for route in &handler.routes {
        if let Some(site) = route.site
            && site != handler.site
            // A closure written inside its registration is already in view.
            && !(site.0 == handler.site.0 && site.1.start <= handler.site.1.start && handler.site.1.end <= site.1.end)
            && seen.insert(site)
            && seen.len() <= 3
        {
            let loc = site_loc(scan, sources, files, site);
            diagnostic = diagnostic.with_secondary(loc, "registered here");
        }
    }
    out.push((diagnostic, key("handler-unmapped")));
}

fn schema_name(used: &SchemaUse, files: &FileMap<'_>) -> String {
    files.name(&used.path)
}

fn declared_features(schema: &Schema) -> String {
    if schema.features.is_empty() {
        return String::new();
    }
    let names: Vec<&str> = schema.features.keys().map(String::as_str).collect();
    format!("\ndeclared features: {}", names.join(", "))
}

fn mapping_findings(
    used: &SchemaUse,
    handlers: &[&Handler],
    instrumented: bool,
    out: &mut Vec<Keyed>,
) {
    let schema = &used.schema;
    for feature in schema.features.values() {
        let name = &feature.name.value;
        for route in &feature.routes {
            let matched = handlers.iter().any(|handler| {
                handler
                    .routes
                    .iter()
                    .any(|served| route_matches(&route.value, served))
            });
            if !matched {
                out.push((
                    Diagnostic::new(
                        &rules::STALE_MAPPING,
                        route.loc,
                        format!("feature `{name}` maps route `{}`, which no handler serves", route.value),
                    )
                    .with_label("no handler found for this route")
                    .with_help("fix the route (method and path, parameters in any spelling) or remove it; `cargo instr-check coverage` lists every route found"),
                    format!("schema:{name}:route:{}:stale-mapping", route.value),
                ));
            }
        }
        for path in &feature.handlers {
            if !handlers
                .iter()
                .any(|handler| handler_path_matches(&path.value, handler))
            {
                let known: Vec<&str> = handlers
                    .iter()
                    .map(|handler| handler.item_path.as_str())
                    .collect();
                let label = match did_you_mean(&path.value, known.iter().copied()) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => "no handler has this path".to_owned(),
                };
                out.push((
                    Diagnostic::new(
                        &rules::STALE_MAPPING,
                        path.loc,
                        format!("feature `{name}` maps handler `{}`, which is not a handler in the code", path.value),
                    )
                    .with_label(label)
                    .with_help("handler paths start with the crate name (`my_crate::api::checkout`, `my_crate::api::Orders::list`); `cargo instr-check coverage` lists them"),
                    format!("schema:{name}:handler:{}:stale-mapping", path.value),
                ));
            }
        }
        let served = handlers.iter().any(|handler| {
            coverage::status(handler, Some(schema))
                .feature
                .is_some_and(|(feature, _)| feature == *name)
        });
        if instrumented && !served {
            out.push((
                Diagnostic::new(&rules::FEATURE_UNSERVED, feature.name.loc, format!("no handler serves feature `{name}`"))
                    .with_label("declared here, served nowhere")
                    .with_help(format!(
                        "mark its handlers with #[instr::handler(feature = \"{name}\")], map them with `routes` or `handlers`, or remove the feature"
                    )),
                format!("schema:{name}:feature-unserved"),
            ));
        }
    }
}

fn emission_findings(inputs: &Inputs<'_>, used: &SchemaUse, out: &mut Vec<Keyed>) {
    let packages: HashSet<&str> = used.packages.iter().map(String::as_str).collect();
    let mut metric_idents = BTreeSet::new();
    let mut event_idents = BTreeSet::new();
    let mut raw = BTreeSet::new();
    for file in &inputs.scan.files {
        if !packages.contains(inputs.scan.units[file.unit].package.as_str()) {
            continue;
        }
        metric_idents.extend(file.facts.emits.metric_idents.iter().map(String::as_str));
        event_idents.extend(file.facts.emits.event_idents.iter().map(String::as_str));
        raw.extend(file.facts.emits.raw_names.iter().map(String::as_str));
    }
    let schema = &used.schema;
    for (name, metric) in &schema.metrics {
        let generated = upper_camel(name).unwrap_or_default();
        if metric_idents.contains(generated.as_str())
            || metric_idents.contains(name.as_str())
            || raw.contains(name.as_str())
        {
            continue;
        }
        out.push((
            Diagnostic::new(&rules::NEVER_EMITTED, metric.name.loc, format!("metric `{name}` is declared but never emitted"))
                .with_label("no code emits this metric")
                .with_help(format!("emit it through the generated type `metrics::{generated}`, or remove it from the schema")),
            format!("schema:metric:{name}:never-emitted"),
        ));
    }
    for (name, event) in &schema.events {
        let generated = upper_camel(name).unwrap_or_default();
        if event_idents.contains(generated.as_str())
            || event_idents.contains(name.as_str())
            || raw.contains(name.as_str())
        {
            continue;
        }
        out.push((
            Diagnostic::new(&rules::NEVER_EMITTED, event.name.loc, format!("event `{name}` is declared but never emitted"))
                .with_label("no code emits this event")
                .with_help(format!("emit it through the generated struct `events::{generated}`, or remove it from the schema")),
            format!("schema:event:{name}:never-emitted"),
        ));
    }
}

fn raw_metric_calls(
    inputs: &Inputs<'_>,
    sources: &mut Sources,
    files: &mut FileMap<'_>,
    out: &mut Vec<Keyed>,
) {
    let declared: HashSet<&str> = inputs
        .schemas
        .iter()
        .flat_map(|used| used.schema.metrics.keys().map(String::as_str))
        .collect();
    for file in &inputs.scan.files {
        for call in &file.facts.raw_metric_calls {
            let loc = files.loc(sources, &file.path, call.span);
            let help = match call.name.as_deref() {
                Some(name) if declared.contains(name) => format!(
                    "`{name}` is declared in the schema: use its generated emitter `metrics::{}`",
                    upper_camel(name).unwrap_or_default()
                ),
                Some(name) => format!(
                    "declare `{name}` under [metrics.{name}] in the schema and use the generated emitter"
                ),
                None => "declare the metric in the schema and use the generated emitter".to_owned(),
            };
            let name = files.name(&file.path);
            out.push((
                Diagnostic::new(
                    &rules::RAW_METRIC,
                    loc,
                    format!("raw `{}!` call bypasses the schema", call.kind),
                )
                .with_label("untyped metric name")
                .with_help(help),
                format!(
                    "file:{name}:{}:{}:raw-metric",
                    call.kind,
                    call.name.clone().unwrap_or_default()
                ),
            ));
        }
    }
}
