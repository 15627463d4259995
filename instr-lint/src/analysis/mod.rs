//! What the scanned facts mean: name resolution across files and crates (`resolve`), the
//! handlers and their routes ([`handlers`]), which feature each handler serves
//! (`coverage`), and the coverage report built from that ([`coverage_report`]).

pub(crate) mod coverage;
pub mod coverage_report;
pub(crate) mod feature_guess;
pub mod handlers;
pub(crate) mod idents;
pub mod proof;
pub(crate) mod resolve;
