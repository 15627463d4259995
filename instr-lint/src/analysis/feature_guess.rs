//! Guessing the feature a handler belongs to, for the help text of an unmapped handler and
//! for the starter schema `init` writes.

use std::cell::RefCell;
use std::collections::HashMap;

use instr_schema::Schema;
use instr_schema::names::upper_camel;
use instr_schema::suggest::did_you_mean;

use super::handlers::{Handler, HandlerRoute};
use super::idents::snake;
use crate::scan::facts::Name;

/// The feature a handler most likely belongs to, for the help text and `init`: the first
/// static segment of its first route that is not `api` or a version, else its module.
/// `routes` are the handler's, decoded by the caller (who reads them too).
pub(crate) fn guess_feature(handler: &Handler, routes: &[HandlerRoute]) -> String {
    let from_route = routes
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
                .map(ToString::to_string)
        })
        .unwrap_or_else(|| handler.crate_name().to_owned());
    snake(&raw)
}

/// Finds the declared feature a handler most likely serves, for one schema. Built once per
/// schema: the success metrics' generated names are computed once, and the feature closest to
/// each name is remembered (handlers share route, module and function names, and the
/// closeness of two names is the costly part).
pub(crate) struct FeatureFinder<'s> {
    schema: &'s Schema,
    /// Per feature, in the schema's order: its name, and each success metric as written and
    /// as its generated type is named.
    measures: Vec<(&'s str, Vec<(&'s str, String)>)>,
    /// A name to the declared feature it is, or is close to.
    close: RefCell<HashMap<String, Option<&'s str>>>,
}

impl<'s> FeatureFinder<'s> {
    /// The finder for `schema`.
    pub(crate) fn new(schema: &'s Schema) -> Self {
        let measures = schema
            .features
            .values()
            .map(|feature| {
                let metrics = feature
                    .success_metrics
                    .iter()
                    .map(|metric| {
                        let generated = upper_camel(&metric.value).unwrap_or_default();
                        (metric.value.as_str(), generated)
                    })
                    .collect();
                (feature.name.value.as_str(), metrics)
            })
            .collect();
        Self {
            schema,
            measures,
            close: RefCell::new(HashMap::new()),
        }
    }

    /// The declared feature `handler` most likely serves: one whose success metric it emits
    /// (`emits`: the names its code refers to), else the guessed name itself or one close to
    /// it, else one named like (or close to) one of its modules or its function. `None` when
    /// no declared feature is close.
    pub(crate) fn closest(&self, handler: &Handler, guess: &str, emits: &[Name]) -> Option<String> {
        let measured = self.measures.iter().find(|(_, metrics)| {
            metrics.iter().any(|(written, generated)| {
                emits
                    .iter()
                    .any(|name| name == generated || name == written)
            })
        });
        if let Some((feature, _)) = measured {
            return Some((*feature).to_owned());
        }
        let function = snake(
            handler
                .function
                .rsplit("::")
                .next()
                .unwrap_or(handler.function.as_str()),
        );
        std::iter::once(guess.to_owned())
            .chain(handler.module.iter().rev().map(|segment| snake(segment)))
            .chain(std::iter::once(function))
            .find_map(|name| self.declared_like(name))
            .map(str::to_owned)
    }

    /// The declared feature named `name`, else the one closest to it.
    fn declared_like(&self, name: String) -> Option<&'s str> {
        if let Some(known) = self.close.borrow().get(&name) {
            return *known;
        }
        let declared = || self.schema.features.keys().map(String::as_str);
        let found = declared()
            .find(|feature| *feature == name)
            .or_else(|| did_you_mean(&name, declared()));
        self.close.borrow_mut().insert(name, found);
        found
    }
}
