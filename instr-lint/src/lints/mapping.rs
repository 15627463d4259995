//! The lints about a schema's features against the handlers found: a `routes` or `handlers`
//! entry that matches no handler, and a feature that no handler serves.

use instr_schema::suggest::did_you_mean;

use super::diags::{self, KeyedFinding};
use crate::analysis::coverage::{self, handler_path_matches, route_matches};
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
                out.push(diags::stale_route(name, route));
            }
        }
        for path in &feature.handlers {
            if !handlers
                .iter()
                .any(|handler| handler_path_matches(&path.value, handler))
            {
                let known = handlers.iter().map(|handler| handler.item_path.as_str());
                out.push(diags::stale_handler_path(
                    name,
                    path,
                    did_you_mean(&path.value, known),
                ));
            }
        }
        let served = handlers.iter().any(|handler| {
            coverage::status(handler, Some(schema))
                .feature
                .is_some_and(|served| served.feature == *name)
        });
        if instrumented && !served {
            out.push(diags::feature_unserved(name, feature.name.loc));
        }
    }
}
