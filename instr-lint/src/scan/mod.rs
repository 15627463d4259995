//! Scanning source files into facts: reading, parsing (bounded in memory), and the syntax
//! walk. Scheduling across files lives in [`crate::discover`].

pub mod attrs;
pub mod facts;
pub mod routes;
pub mod source;
pub mod visit;
