//! Guessing the feature a handler belongs to, for the help text of an unmapped handler and
//! for the starter schema `init` writes.

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
        .unwrap_or_else(|| handler.crate_name.clone());
    snake(&raw)
}
