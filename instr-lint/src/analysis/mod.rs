//! What the scanned facts mean: name resolution across files and crates (`resolve`), the
//! handlers ([`handlers`]), the routes they serve and how a handler keeps them
//! ([`handler_routes`]), places in scanned files ([`site`]), crates that depend on a framework and serve
//! nothing found ([`frameworks`]), which feature each handler serves (`coverage`), and the
//! coverage report built from that ([`coverage_report`]).

pub(crate) mod coverage;
pub mod coverage_report;
pub(crate) mod feature_guess;
pub mod frameworks;
pub mod handler_routes;
pub mod handlers;
pub(crate) mod idents;
pub mod proof;
pub(crate) mod resolve;
pub mod site;
