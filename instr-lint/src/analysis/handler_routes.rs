//! The routes a handler serves ([`HandlerRoute`]), and how a handler keeps them ([`Routes`]).
//!
//! Every handler is held to the end of the check, and most have one or two routes. Kept as a
//! list of routes, each route took an allocation of the list's and one of its path's, a few
//! hundred bytes a handler with the allocator's costs: on the bench's workspace, with handlers
//! in every file, the routes were the largest part of what grows between the scan and the
//! report. [`Routes`] keeps them encoded in one allocation and gives them back decoded.

use std::fmt;

use instr_schema::diag::Span;

use super::site::Site;
use crate::scan::facts::Name;

/// How every output spells a path known only at run time.
pub const DYNAMIC_PATH: &str = "<dynamic>";

/// One route a handler serves.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct HandlerRoute {
    /// `GET`, `POST`, ..., `ANY`, or `GRPC`.
    pub method: Name,
    /// The full path with prefixes joined, when known statically.
    pub path: Option<String>,
    /// How the route was registered, for labels: "axum route", "actix-web attribute", ...
    pub how: &'static str,
    /// Where it was registered, when not at the handler itself.
    pub site: Option<Site>,
}

impl HandlerRoute {
    /// `GET /p`, or `GET <dynamic>` when the path is only known at run time.
    pub fn display(&self) -> String {
        format!("{} {}", self.method, self.path_display())
    }

    /// The path, or `<dynamic>`: one spelling for every output.
    pub fn path_display(&self) -> &str {
        self.path.as_deref().unwrap_or(DYNAMIC_PATH)
    }
}

/// A route as [`Routes`] writes it: the numbers of its method and of `how` (as names: a
/// name's text is the process's to its end, so `how` reads back as the `&'static str` it
/// was; numbers are the process's own, and routes are never written to disk), its path, and
/// its place as three numbers.
type Written<'r> = (u32, u32, Option<&'r str>, Option<(usize, usize, usize)>);

/// A route as [`Routes`] reads it back.
type Read = (u32, u32, Option<String>, Option<(usize, usize, usize)>);

fn written(route: &HandlerRoute) -> Written<'_> {
    (
        route.method.number(),
        Name::new(route.how).number(),
        route.path.as_deref(),
        route
            .site
            .map(|site| (site.file, site.span.start, site.span.end)),
    )
}

/// The routes `read` back, their names looked up in one go (the table of names is shared by
/// the process and locked for each lookup).
fn routes_of(read: Vec<Read>) -> Option<Vec<HandlerRoute>> {
    let numbers: Vec<u32> = read
        .iter()
        .flat_map(|(method, how, ..)| [*method, *how])
        .collect();
    let names = Name::numbered(&numbers)?;
    let routes = read
        .into_iter()
        .zip(names.chunks_exact(2))
        .map(|((_, _, path, site), names)| HandlerRoute {
            method: names[0].clone(),
            path,
            how: names[1].as_static(),
            site: site.map(|(file, start, end)| Site::new(file, Span::new(start, end))),
        })
        .collect();
    Some(routes)
}

/// A handler's routes, encoded in one allocation (none when there is no route).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Routes(Box<[u8]>);

impl Routes {
    /// `routes`, encoded.
    pub fn new(routes: &[HandlerRoute]) -> Self {
        if routes.is_empty() {
            return Self::default();
        }
        let written: Vec<Written<'_>> = routes.iter().map(written).collect();
        // Serde does not refuse these types; if it ever did, the handler would have no route,
        // the same answer on every read.
        Self(postcard::to_stdvec(&written).unwrap_or_default().into())
    }

    /// The routes, decoded. Bytes this process encoded always decode; should they not, the
    /// handler reads as having no route, the same answer on every read.
    pub fn to_vec(&self) -> Vec<HandlerRoute> {
        if self.0.is_empty() {
            return Vec::new();
        }
        postcard::from_bytes::<Vec<Read>>(&self.0)
            .ok()
            .and_then(routes_of)
            .unwrap_or_default()
    }

    /// `more` added: the routes are kept sorted, each method and path once (the first of
    /// them in that order).
    pub fn add(&mut self, more: Vec<HandlerRoute>) {
        if more.is_empty() {
            return;
        }
        let mut all = self.to_vec();
        all.extend(more);
        all.sort();
        all.dedup_by(|a, b| a.method == b.method && a.path == b.path);
        *self = Self::new(&all);
    }
}

impl fmt::Debug for Routes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.to_vec()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(method: &str, path: Option<&str>, site: Option<Site>) -> HandlerRoute {
        HandlerRoute {
            method: Name::new(method),
            path: path.map(str::to_owned),
            how: "axum route",
            site,
        }
    }

    #[test]
    fn routes_read_back_as_they_were_kept() {
        let kept = vec![
            route(
                "GET",
                Some("/api/orders/{id}"),
                Some(Site::new(3, Span::new(10, 42))),
            ),
            route("POST", None, None),
        ];
        let routes = Routes::new(&kept);
        assert_eq!(routes.to_vec(), kept);
        // `how` reads back as the text it was, `'static` as before.
        let how: &'static str = routes.to_vec()[0].how;
        assert_eq!(how, "axum route");
        assert_eq!(Routes::new(&[]), Routes::default());
        assert_eq!(Routes::new(&[]).to_vec(), Vec::new());
    }

    #[test]
    fn added_routes_are_sorted_and_each_kept_once() {
        let mut routes = Routes::default();
        routes.add(vec![route("POST", Some("/b"), None)]);
        routes.add(vec![
            route("GET", Some("/a"), Some(Site::new(1, Span::new(5, 9)))),
            route("POST", Some("/b"), Some(Site::new(2, Span::new(0, 1)))),
        ]);
        let shown: Vec<String> = routes.to_vec().iter().map(HandlerRoute::display).collect();
        assert_eq!(shown, ["GET /a", "POST /b"]);
        // Of the two `POST /b`, the first in order is kept: the one with no place.
        assert_eq!(routes.to_vec()[1].site, None);
    }
}
