//! Guessing the feature a handler belongs to, for the help text of an unmapped handler and
//! for the starter schema `init` writes.

use instr_schema::Schema;
use instr_schema::names::upper_camel;
use instr_schema::suggest::did_you_mean;

use super::handlers::Handler;
use super::idents::snake;

/// The feature a handler most likely belongs to, for the help text and `init`: the first
/// static segment of its first route that is not `api` or a version, else its module.
pub(crate) fn guess_feature(handler: &Handler) -> String {
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
        .unwrap_or_else(|| handler.crate_name.to_string());
    snake(&raw)
}

/// The declared feature a handler most likely serves: one whose success metric it emits
/// (`emits`: the names its code refers to), else the guessed name itself or one close to it,
/// else one named like (or close to) one of its modules or its function. `None` when no
/// declared feature is close.
pub(crate) fn closest_declared(
    handler: &Handler,
    guess: &str,
    schema: &Schema,
    emits: &[String],
) -> Option<String> {
    let measured = schema.features.values().find(|feature| {
        feature.success_metrics.iter().any(|metric| {
            let generated = upper_camel(&metric.value).unwrap_or_default();
            emits
                .iter()
                .any(|name| *name == generated || *name == metric.value)
        })
    });
    if let Some(feature) = measured {
        return Some(feature.name.value.clone());
    }
    let declared = || schema.features.keys().map(String::as_str);
    let function = snake(
        handler
            .function
            .rsplit("::")
            .next()
            .unwrap_or(&handler.function),
    );
    let names = std::iter::once(guess.to_owned())
        .chain(handler.module.iter().rev().map(|segment| snake(segment)))
        .chain(std::iter::once(function));
    for name in names {
        if let Some(exact) = declared().find(|feature| *feature == name) {
            return Some(exact.to_owned());
        }
        if let Some(close) = did_you_mean(&name, declared()) {
            return Some(close.to_owned());
        }
    }
    None
}
