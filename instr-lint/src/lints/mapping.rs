//! The lints about a schema's features against the handlers found: a `routes` or `handlers`
//! entry that matches no handler, and a feature that no handler serves.

use std::collections::{BTreeSet, HashSet};

use instr_schema::checks::{MISSING_SUCCESS_METRIC, missing_success_metric_message};
use instr_schema::diag::Diagnostic;
use instr_schema::model::Route;
use instr_schema::names::upper_camel;
use instr_schema::suggest::did_you_mean;

use super::diags::{self, KeyedFinding};
use crate::analysis::coverage::{self, exempts, handler_path_matches, route_matches};
use crate::analysis::handlers::Handler;
use crate::workspace::schemas::SchemaUse;

/// The findings about the features of `used`, given the handlers of the packages using it.
/// `instrumented`: a package using the schema invokes `instr::schema!`, so a feature no
/// handler serves is a finding rather than "not adopted yet".
pub(super) fn findings(
    used: &SchemaUse,
    handlers: &[&Handler],
    instrumented: bool,
    out: &mut Vec<KeyedFinding>,
) {
    let schema = &used.schema;
    // One pass over the handlers, each one's routes decoded once (a handler keeps them
    // encoded): which declared routes and exemptions some handler matches, and which features
    // are served.
    let declared: Vec<&Route> = schema
        .features
        .values()
        .flat_map(|feature| feature.routes.iter().map(|route| &route.value))
        .collect();
    let mut route_matched = vec![false; declared.len()];
    let mut exemption_matched = vec![false; schema.exempt.len()];
    let mut served: HashSet<String> = HashSet::new();
    for handler in handlers {
        let routes = handler.routes.to_vec();
        for (route, matched) in declared.iter().zip(&mut route_matched) {
            *matched = *matched || routes.iter().any(|served| route_matches(route, served));
        }
        for (entry, matched) in schema.exempt.iter().zip(&mut exemption_matched) {
            *matched = *matched || exempts(&entry.target.value, handler, &routes);
        }
        if let Some(feature) = coverage::status_with_routes(handler, &routes, Some(schema)).feature
        {
            served.insert(feature.feature);
        }
    }
    let mut route_matched = route_matched.into_iter();
    for feature in schema.features.values() {
        let name = &feature.name.value;
        for route in &feature.routes {
            if !route_matched.next().unwrap_or(true) {
                out.push(diags::stale_route(name, route));
            }
        }
        for path in &feature.handlers {
            if !handlers
                .iter()
                .any(|handler| handler_path_matches(&path.value, handler))
            {
                out.push(diags::stale_handler_path(
                    name,
                    path,
                    closest_handler(&path.value, handlers).as_deref(),
                ));
            }
        }
        if instrumented && !served.contains(name.as_str()) {
            out.push(diags::feature_unserved(name, feature.name.loc));
        }
    }
    for (entry, matched) in schema.exempt.iter().zip(exemption_matched) {
        if !matched {
            out.push(diags::stale_exemption(entry));
        }
    }
}

/// The handler a wrong `handlers` entry most likely means: one with the same function name
/// (the closest such path when there are several), else the closest path.
fn closest_handler(entry: &str, handlers: &[&Handler]) -> Option<String> {
    let function = entry.rsplit("::").next().unwrap_or(entry);
    let paths: Vec<String> = handlers.iter().map(|handler| handler.item_path()).collect();
    let same_name: Vec<&str> = paths
        .iter()
        .map(String::as_str)
        .filter(|path| path.rsplit("::").next() == Some(function))
        .collect();
    let closest = match same_name.as_slice() {
        [] => did_you_mean(entry, paths.iter().map(String::as_str)),
        [only] => Some(*only),
        several => did_you_mean(entry, several.iter().copied()).or(several.first().copied()),
    };
    closest.map(str::to_owned)
}

/// `missing-success-metric` of a feature whose owner owns no metric suggests none; when the
/// feature's handlers emit declared metrics or events, say which instead.
pub(super) fn suggest_success_metrics(
    findings: &mut [Diagnostic],
    used: &SchemaUse,
    handlers: &[&Handler],
) {
    let schema = &used.schema;
    for feature in schema.features.values() {
        if !feature.success_metrics.is_empty() {
            continue;
        }
        let owner = &feature.owner.value;
        let owns_one = schema
            .metrics
            .values()
            .any(|metric| metric.owner.value == *owner)
            || schema
                .events
                .values()
                .any(|event| event.owner.value == *owner);
        if owns_one {
            continue;
        }
        let mut emitted: BTreeSet<&str> = BTreeSet::new();
        for handler in handlers {
            let served = coverage::status(handler, Some(schema))
                .feature
                .is_some_and(|served| served.feature == feature.name.value);
            if !served {
                continue;
            }
            let function = &handler.emits;
            let names = schema.metrics.keys().chain(schema.events.keys());
            for name in names {
                let generated = upper_camel(name).unwrap_or_default();
                if function
                    .iter()
                    .any(|emit| *emit == generated || emit == name)
                {
                    emitted.insert(name);
                }
            }
        }
        let Some(first) = emitted.first() else {
            continue;
        };
        let message = missing_success_metric_message(&feature.name.value);
        for finding in findings.iter_mut() {
            if finding.rule.code == MISSING_SUCCESS_METRIC.code && finding.message == message {
                finding.help = Some(format!(
                    "add `success_metrics = [\"{first}\"]`, naming a metric or event that shows the feature works (its handlers emit: {})",
                    emitted.iter().copied().collect::<Vec<_>>().join(", ")
                ));
            }
        }
    }
}
