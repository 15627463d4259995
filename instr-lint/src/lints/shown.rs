//! Making the findings kept unmade (`super::finding`) when they are shown.

use std::borrow::Cow;
use std::path::Path;

use instr_schema::diag::Diagnostic;

use super::diags;
use super::diags::KeyedFinding;
use super::finding::{Finding, UnmappedHandler};
use crate::analysis::feature_guess::{FeatureFinder, guess_feature};
use crate::analysis::handlers::Handler;
use crate::registry::lints::HANDLER_UNMAPPED;
use crate::workspace::schemas::SchemaUse;

/// What findings are made from when shown: the report's handlers and schemas.
pub struct Shown<'r> {
    handlers: &'r [Handler],
    schemas: &'r [SchemaUse],
    finders: Vec<FeatureFinder<'r>>,
    /// Each schema's file as findings name it.
    schema_files: Vec<String>,
}

impl<'r> Shown<'r> {
    /// Findings about `handlers` and `schemas`, whose files are named relative to `root`.
    pub fn new(root: &Path, handlers: &'r [Handler], schemas: &'r [SchemaUse]) -> Self {
        Self {
            handlers,
            schemas,
            finders: schemas
                .iter()
                .map(|used| FeatureFinder::new(&used.schema))
                .collect(),
            schema_files: schemas
                .iter()
                .map(|used| super::files::shown_name(root, &used.path))
                .collect(),
        }
    }

    /// The diagnostic of `finding`.
    pub fn diagnostic<'f>(&self, finding: &'f Finding) -> Cow<'f, Diagnostic> {
        match finding {
            Finding::Made(diagnostic) => Cow::Borrowed(diagnostic),
            Finding::Unmapped(unmapped) => Cow::Owned(self.unmapped(unmapped)),
        }
    }

    fn unmapped(&self, unmapped: &UnmappedHandler) -> Diagnostic {
        let (Some(handler), Some(used), Some(finder), Some(schema_file)) = (
            self.handlers.get(unmapped.handler),
            self.schemas.get(unmapped.schema),
            self.finders.get(unmapped.schema),
            self.schema_files.get(unmapped.schema),
        ) else {
            // Indices come from the same report; a finding without its handler says what it
            // can rather than panicking.
            return Diagnostic::new(
                &HANDLER_UNMAPPED,
                unmapped.loc,
                "a handler serves no feature",
            );
        };
        // Decoded once, for the guess and the label.
        let routes = handler.routes.to_vec();
        let guess = guess_feature(handler, &routes);
        let closest = finder.closest(handler, &guess, &handler.emits);
        let suggestion = diags::Suggestion {
            guess: &guess,
            closest: closest.as_deref(),
            declared: used.schema.features.keys().map(String::as_str).collect(),
        };
        let mut diagnostic = diags::handler_unmapped(
            handler,
            &routes,
            unmapped.loc,
            &suggestion,
            schema_file,
            &unmapped.registrations,
        );
        diagnostic.severity = unmapped.severity;
        diagnostic
    }
}

/// The handlers `findings` show, in their order, each finding's reference moved to match;
/// the others are let go (`commands::check::HandlersKept::Shown`). On a large workspace about
/// half the handlers serve a feature and are shown by no finding, and every handler is held
/// to the end of the check.
pub(crate) fn keep_shown_handlers(
    mut handlers: Vec<Handler>,
    findings: &mut [KeyedFinding],
) -> Vec<Handler> {
    let mut shown = vec![false; handlers.len()];
    for keyed in findings.iter() {
        if let Finding::Unmapped(unmapped) = &keyed.finding
            && let Some(flag) = shown.get_mut(unmapped.handler)
        {
            *flag = true;
        }
    }
    // Each handler's place among those kept.
    let places: Vec<usize> = shown
        .iter()
        .scan(0, |kept, &flag| {
            let place = *kept;
            *kept += usize::from(flag);
            Some(place)
        })
        .collect();
    for keyed in findings.iter_mut() {
        if let Finding::Unmapped(unmapped) = &mut keyed.finding {
            unmapped.handler = places.get(unmapped.handler).copied().unwrap_or(usize::MAX);
        }
    }
    // In place: a second list beside the first would add to the peak it is meant to lower.
    let mut index = 0;
    handlers.retain(|_| {
        let keep = shown[index];
        index += 1;
        keep
    });
    handlers.shrink_to_fit();
    handlers
}
