//! Features: owner, success and guardrail metrics, routes and handlers, objectives.

use super::common::{check_description, check_owner, check_snake_name, unknown_reference};
use super::context::Ctx;
use super::objectives;
use crate::checks;
use crate::diag::{Diagnostic, Loc};
use crate::model::{ExemptTarget, Exemption, Feature, HTTP_METHODS, Route, Schema, Stability};
use crate::raw::RawFeature;
use crate::spanned::Spanned;

/// Whether a route may name this method: an HTTP method, `ANY` (every method) or `GRPC`.
fn is_route_method(method: &str) -> bool {
    HTTP_METHODS.contains(&method) || method == "ANY" || method == "GRPC"
}

pub(super) fn build(ctx: &mut Ctx<'_>, schema: &Schema, raw: RawFeature) -> Option<Feature> {
    check_snake_name(ctx, "feature", &raw.name);
    let description = check_description(
        ctx,
        "feature",
        &raw.name,
        &raw.keys,
        raw.description.as_ref(),
    );
    let owner = check_owner(ctx, "feature", &raw.name, &raw.keys, raw.owner);
    let owner_name = owner.as_ref().map(|owner| owner.value.as_str());
    let success_metrics = if raw.success_metrics.is_none() && raw.keys.has("success_metrics") {
        Vec::new()
    } else {
        check_success_metrics(ctx, schema, &raw.name, owner_name, raw.success_metrics)
    };
    let guardrail_metrics = raw
        .guardrail_metrics
        .map(|list| {
            check_measures_exist(ctx, &raw.name, "guardrail metric", &list.value);
            list.value
        })
        .unwrap_or_default();
    let routes = raw
        .routes
        .map(|list| {
            list.value
                .into_iter()
                .filter_map(|route| check_route(ctx, route))
                .collect()
        })
        .unwrap_or_default();
    let handlers = raw
        .handlers
        .map(|list| {
            list.value
                .into_iter()
                .filter(|handler| check_handler_path(ctx, handler))
                .collect()
        })
        .unwrap_or_default();
    let objectives = objectives::build_all(ctx, schema, raw.objectives);
    Some(Feature {
        description,
        owner: owner?,
        success_metrics,
        guardrail_metrics,
        routes,
        handlers,
        objectives,
        name: raw.name,
    })
}

/// Which metrics to suggest: those the feature's owner owns (metrics, then events), never
/// another team's; with none, what to declare.
fn success_metric_help(schema: &Schema, owner: Option<&str>) -> String {
    let owned: Vec<&str> = schema
        .metrics
        .values()
        .filter(|metric| Some(metric.owner.value.as_str()) == owner)
        .map(|metric| metric.name.value.as_str())
        .chain(
            schema
                .events
                .values()
                .filter(|event| Some(event.owner.value.as_str()) == owner)
                .map(|event| event.name.value.as_str()),
        )
        .collect();
    match (owned.as_slice(), owner) {
        ([first, ..], _) => format!(
            "add `success_metrics = [\"{first}\"]`, naming a metric or event that shows the feature works ({} owned by `{}`: {})",
            if owned.len() == 1 { "the one" } else { "those" },
            owner.unwrap_or_default(),
            owned.join(", ")
        ),
        ([], Some(owner)) => format!(
            "declare a metric or event owned by `{owner}` that shows the feature works, and name it in `success_metrics`"
        ),
        ([], None) => "declare a metric or event that shows the feature works, and name it in `success_metrics`".to_owned(),
    }
}

/// A feature declares at least one success metric; each is a declared metric or event, and
/// none is deprecated.
fn check_success_metrics(
    ctx: &mut Ctx<'_>,
    schema: &Schema,
    feature: &Spanned<String>,
    owner: Option<&str>,
    list: Option<Spanned<Vec<Spanned<String>>>>,
) -> Vec<Spanned<String>> {
    let (loc, metrics): (Loc, Vec<Spanned<String>>) = match list {
        Some(list) => (list.loc, list.value),
        None => (feature.loc, Vec::new()),
    };
    if metrics.is_empty() {
        ctx.push(
            Diagnostic::new(
                &checks::MISSING_SUCCESS_METRIC,
                loc,
                checks::missing_success_metric_message(&feature.value),
            )
            .with_label("how will anyone know it works?")
            .with_help(success_metric_help(schema, owner)),
        );
        return metrics;
    }
    check_measures_exist(ctx, feature, "success metric", &metrics);
    for metric in &metrics {
        let Some(declared) = schema.metrics.get(&metric.value) else {
            continue;
        };
        if declared.stability == Stability::Deprecated {
            let mut diagnostic = Diagnostic::new(
                &checks::DEPRECATED_SUCCESS_METRIC,
                metric.loc,
                format!(
                    "feature `{}` measures success with deprecated metric `{}`",
                    feature.value, metric.value
                ),
            )
            .with_label("deprecated")
            .with_secondary(declared.name.loc, "deprecated here");
            diagnostic = match &declared.replaced_by {
                Some(replacement) => {
                    diagnostic.with_help(format!("use its replacement `{replacement}`"))
                }
                None => diagnostic.with_help(format!(
                    "the deprecation says: {}",
                    declared
                        .deprecated
                        .as_deref()
                        .unwrap_or("(no reason given)")
                )),
            };
            ctx.push(diagnostic);
        }
    }
    metrics
}

/// Names in a feature's metric lists are declared metrics or events.
fn check_measures_exist(
    ctx: &mut Ctx<'_>,
    feature: &Spanned<String>,
    what: &str,
    names: &[Spanned<String>],
) {
    for name in names {
        if ctx.declared.metrics.contains_key(&name.value)
            || ctx.declared.events.contains_key(&name.value)
        {
            continue;
        }
        let mut declared = ctx.declared.metrics.clone();
        declared.extend(ctx.declared.events.iter().map(|(k, v)| (k.clone(), *v)));
        let message = format!(
            "feature `{}` names {what} `{}`, which is neither a declared metric nor event",
            feature.value, name.value
        );
        ctx.push(unknown_reference(
            &checks::UNKNOWN_METRIC,
            name,
            message,
            "metrics and events",
            &declared,
        ));
    }
}

/// An `[exempt]` entry names a route (`METHOD /path`) or a handler path, and gives a reason
/// that is not blank or the placeholder `...`.
pub(super) fn build_exemption(
    ctx: &mut Ctx<'_>,
    target: Spanned<String>,
    reason: Spanned<String>,
) -> Option<Exemption> {
    let parsed = if target.value.trim().contains(char::is_whitespace) {
        let route = check_route(ctx, target.clone())?;
        ExemptTarget::Route(route.value)
    } else if check_handler_path(ctx, &target) {
        ExemptTarget::Handler(target.value.trim().to_owned())
    } else {
        return None;
    };
    let trimmed = reason.value.trim();
    if trimmed.is_empty() || trimmed == "..." {
        ctx.push(
            Diagnostic::new(
                &checks::INVALID_VALUE,
                reason.loc,
                format!("the exemption of `{}` gives no reason", target.value),
            )
            .with_label("why is this exempt?")
            .with_help("say why no feature measures it, for the next reader: `\"GET /health\" = \"liveness probe for the load balancer\"`"),
        );
        return None;
    }
    Some(Exemption {
        target: Spanned::new(parsed, target.loc),
        reason: trimmed.to_owned(),
    })
}

/// A route is `METHOD /path`: a known method in upper case, then a path starting with `/`.
fn check_route(ctx: &mut Ctx<'_>, route: Spanned<String>) -> Option<Spanned<Route>> {
    match parse_route(&route.value) {
        Ok(parsed) => Some(Spanned::new(parsed, route.loc)),
        Err(problem) => {
            ctx.push(
                Diagnostic::new(&checks::INVALID_ROUTE, route.loc, format!("`{}` is not a route", route.value))
                    .with_label(problem)
                    .with_help("write `\"METHOD /path\"`, for example `\"POST /api/checkout\"` or `\"GRPC /shop.Orders/Place\"`"),
            );
            None
        }
    }
}

fn parse_route(text: &str) -> Result<Route, String> {
    let Some((method, path)) = text.trim().split_once(char::is_whitespace) else {
        return Err("expected a method and a path".to_owned());
    };
    let path = path.trim();
    if !is_route_method(method) {
        let upper = method.to_ascii_uppercase();
        return Err(if is_route_method(&upper) {
            format!("write the method in upper case: `{upper}`")
        } else {
            format!("`{method}` is not an HTTP method")
        });
    }
    if !path.starts_with('/') || path.contains(char::is_whitespace) {
        return Err("the path must start with `/` and contain no spaces".to_owned());
    }
    Ok(Route {
        method: method.to_owned(),
        path: path.to_owned(),
    })
}

/// A handler is a Rust path of at least two segments (`crate_name::function`), each an
/// identifier.
fn check_handler_path(ctx: &mut Ctx<'_>, handler: &Spanned<String>) -> bool {
    let segments: Vec<&str> = handler.value.split("::").collect();
    let ok = segments.len() >= 2
        && segments.iter().all(|segment| {
            let segment = segment.strip_prefix("r#").unwrap_or(segment);
            let mut chars = segment.chars();
            matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    if !ok {
        ctx.push(
            Diagnostic::new(&checks::INVALID_ROUTE, handler.loc, format!("`{}` is not a handler path", handler.value))
                .with_label("expected a Rust path such as `shop::api::checkout`")
                .with_help("name the function with its crate and modules; methods as `crate::module::Type::method`"),
        );
    }
    ok
}
