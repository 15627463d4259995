//! Which feature each handler serves, and how that was decided: the shared logic behind the
//! `handler-unmapped` and `stale-mapping` lints, the check's coverage count and `coverage`.

use instr_schema::Schema;
use instr_schema::model::{ExemptTarget, Route};

use super::handlers::{Handler, HandlerRoute};
use crate::scan::facts::EndpointKind;

/// Other crates' endpoints that are exempt wherever they are routed, with the reason.
pub(crate) const KNOWN_EXEMPT: &[(&str, &str)] = &[(
    "instr::prometheus::axum::handler",
    "instr's Prometheus exposition: the scrape endpoint of the metrics themselves",
)];

/// How a handler is tied to a feature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Via {
    /// `#[instr::handler(feature = "...")]` naming a declared feature.
    Attribute,
    /// A feature's `routes` entry matches one of its routes.
    Route,
    /// A feature's `handlers` entry names it.
    HandlerPath,
}

impl Via {
    /// `attribute`, `route` or `handler-path`, as the coverage report names it.
    pub(crate) fn as_str(&self) -> &'static str {
        match self {
            Self::Attribute => "attribute",
            Self::Route => "route",
            Self::HandlerPath => "handler-path",
        }
    }
}

/// The feature a handler serves, and how that was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Served {
    /// The feature's name.
    pub feature: String,
    /// How the handler is tied to it.
    pub via: Via,
}

/// A handler's coverage.
#[derive(Debug, Clone, Default)]
pub(crate) struct Coverage {
    /// The feature it serves, if any.
    pub feature: Option<Served>,
    /// Exempt with a reason: `#[instr::exempt]`, an `[exempt]` entry of the schema, or a
    /// known endpoint of another crate.
    pub exempt: Option<String>,
}

impl Coverage {
    /// Served by a declared feature, or exempt with a reason.
    pub(crate) fn covered(&self) -> bool {
        self.feature.is_some() || self.exempt.is_some()
    }
}

/// Why a handler is exempt, if it is: its `#[instr::exempt(reason)]`, an `[exempt]` entry of
/// the schema naming one of its routes or its path, or a known endpoint of another crate.
fn exemption(
    handler: &Handler,
    routes: &[HandlerRoute],
    schema: Option<&Schema>,
) -> Option<String> {
    if let Some(reason) = handler.exempt().and_then(|mark| mark.reason.clone()) {
        return Some(reason);
    }
    if let Some(schema) = schema
        && let Some(entry) = schema
            .exempt
            .iter()
            .find(|entry| exempts(&entry.target.value, handler, routes))
    {
        return Some(entry.reason.clone());
    }
    if handler.kind == EndpointKind::External {
        let item_path = handler.item_path();
        return KNOWN_EXEMPT
            .iter()
            .find(|(path, _)| *path == item_path)
            .map(|(_, reason)| (*reason).to_owned());
    }
    None
}

/// True when an `[exempt]` entry names this handler: one of its `routes` (decoded), or its
/// path.
pub(crate) fn exempts(target: &ExemptTarget, handler: &Handler, routes: &[HandlerRoute]) -> bool {
    match target {
        ExemptTarget::Route(route) => routes.iter().any(|served| route_matches(route, served)),
        ExemptTarget::Handler(path) => handler_path_matches(path, handler),
    }
}

/// The coverage of `handler` under `schema` (none yet: only attributes and exemptions).
pub(crate) fn status(handler: &Handler, schema: Option<&Schema>) -> Coverage {
    // A handler keeps its routes encoded: they are decoded only for a schema that names one.
    let names_routes = schema.is_some_and(|schema| {
        schema
            .features
            .values()
            .any(|feature| !feature.routes.is_empty())
            || schema
                .exempt
                .iter()
                .any(|entry| matches!(entry.target.value, ExemptTarget::Route(_)))
    });
    let routes = match names_routes {
        true => handler.routes.to_vec(),
        false => Vec::new(),
    };
    status_with_routes(handler, &routes, schema)
}

/// [`status`], with the handler's `routes` decoded by the caller.
pub(crate) fn status_with_routes(
    handler: &Handler,
    routes: &[HandlerRoute],
    schema: Option<&Schema>,
) -> Coverage {
    let exempt = exemption(handler, routes, schema);
    let mut feature = None;
    if let Some(named) = handler.feature().and_then(|mark| mark.feature.as_ref())
        && schema.is_some_and(|schema| schema.features.contains_key(&named.name))
    {
        feature = Some(Served {
            feature: named.name.clone(),
            via: Via::Attribute,
        });
    }
    if feature.is_none()
        && let Some(schema) = schema
    {
        feature = schema.features.values().find_map(|declared| {
            if declared
                .handlers
                .iter()
                .any(|path| handler_path_matches(&path.value, handler))
            {
                Some(Served {
                    feature: declared.name.value.clone(),
                    via: Via::HandlerPath,
                })
            } else if declared.routes.iter().any(|route| {
                routes
                    .iter()
                    .any(|served| route_matches(&route.value, served))
            }) {
                Some(Served {
                    feature: declared.name.value.clone(),
                    via: Via::Route,
                })
            } else {
                None
            }
        });
    }
    Coverage { feature, exempt }
}

/// True when a schema `handlers` entry names this handler: its full path with the crate
/// name, or with `crate` in its place.
pub(crate) fn handler_path_matches(entry: &str, handler: &Handler) -> bool {
    let entry = entry.trim();
    handler.item_path_is(&[entry])
        || entry
            .strip_prefix("crate::")
            .is_some_and(|rest| handler.item_path_is(&[handler.crate_name(), "::", rest]))
}

/// True when a schema route matches a served route: same method (or `ANY` on either side),
/// same path with parameters compared by position, whatever their spelling.
pub(crate) fn route_matches(declared: &Route, served: &HandlerRoute) -> bool {
    let Some(path) = &served.path else {
        return false;
    };
    let method_ok =
        declared.method == served.method || declared.method == "ANY" || served.method == "ANY";
    method_ok && normalize_path(&declared.path) == normalize_path(path)
}

/// A path with every parameter spelt `{}`: `{id}`, `:id`, `<id>`, `{*rest}`, `*rest`,
/// `<rest..>`, `{id:\d+}` all become `{}`; trailing slashes are dropped.
pub(crate) fn normalize_path(path: &str) -> String {
    let segments: Vec<&str> = path
        .split('/')
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            let parameter = (segment.starts_with('{') && segment.ends_with('}'))
                || (segment.starts_with('<') && segment.ends_with('>'))
                || segment.starts_with(':')
                || segment.starts_with('*');
            if parameter { "{}" } else { segment }
        })
        .collect();
    format!("/{}", segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parameters match across framework spellings.
    #[test]
    fn normalizes_parameters() {
        assert_eq!(normalize_path("/users/{id}/"), "/users/{}");
        assert_eq!(normalize_path("/users/:id"), "/users/{}");
        assert_eq!(normalize_path("/users/<id>"), "/users/{}");
        assert_eq!(normalize_path("/files/<path..>"), "/files/{}");
        assert_eq!(normalize_path("/files/{*rest}"), "/files/{}");
        assert_eq!(normalize_path("/"), "/");
    }
}
