//! The lints about one handler: `#[instr::handler]` naming no or an undeclared feature,
//! `#[instr::exempt]` without a reason, and a handler that serves no feature.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use instr_schema::diag::Sources;
use instr_schema::suggest::did_you_mean;

use super::diags::{self, KeyedFinding};
use super::files::FileMap;
use super::finding::UnmappedHandler;
use crate::analysis::coverage;
use crate::analysis::feature_guess::guess_feature;
use crate::analysis::handlers::Handler;
use crate::registry::lints::HANDLER_UNMAPPED;
use crate::workspace::schemas::SchemaUse;

/// Registrations shown with an unmapped handler, at most.
const MAX_REGISTRATIONS_SHOWN: usize = 3;

/// The findings about handler `handler` (with its index among the check's handlers), which
/// belongs to a package using `used` (with its index among the check's schemas).
pub(super) fn findings(
    paths: &[Arc<Path>],
    (index, handler): (usize, &Handler),
    (schema_index, used): (usize, &SchemaUse),
    files: &mut FileMap<'_>,
    sources: &mut Sources,
    out: &mut Vec<KeyedFinding>,
) {
    let schema = &used.schema;
    if let Some(mark) = handler.feature() {
        match &mark.feature {
            None => {
                let loc = files.site(sources, paths, mark.attr);
                out.push(diags::feature_not_named(
                    handler,
                    loc,
                    &guess_feature(handler, &handler.routes.to_vec()),
                    schema,
                ));
            }
            Some(named) if !schema.features.contains_key(&named.name) => {
                let loc = files.site(sources, paths, named.site);
                let suggestion =
                    did_you_mean(&named.name, schema.features.keys().map(String::as_str));
                out.push(diags::unknown_feature(
                    handler,
                    &named.name,
                    loc,
                    suggestion,
                    &files.name(&used.path),
                    schema,
                ));
            }
            Some(_) => {}
        }
    }
    if let Some(mark) = handler.exempt()
        && mark.reason.is_none()
    {
        let loc = files.site(sources, paths, mark.attr);
        out.push(diags::exempt_without_reason(handler, loc));
    }
    if handler.feature().is_some() || handler.exempt().is_some() {
        return;
    }
    if coverage::status(handler, Some(schema)).covered() {
        return;
    }
    let loc = files.site(sources, paths, handler.site);
    // Where its routes are registered, when that is elsewhere; a closure written inside its
    // registration is already in view.
    let mut seen = HashSet::new();
    let mut registrations = Vec::new();
    for route in handler.routes.to_vec() {
        if let Some(site) = route.site
            && site != handler.site
            && !(site.file == handler.site.file
                && site.span.start <= handler.site.span.start
                && handler.site.span.end <= site.span.end)
            && seen.insert(site)
            && seen.len() <= MAX_REGISTRATIONS_SHOWN
        {
            registrations.push(files.site(sources, paths, site));
        }
    }
    // Made when shown (`super::finding`): the places are registered now, for the snippets.
    out.push(KeyedFinding::unmapped(
        handler,
        UnmappedHandler {
            handler: index,
            schema: schema_index,
            severity: HANDLER_UNMAPPED.default_severity,
            loc,
            registrations,
        },
    ));
}
