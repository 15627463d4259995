//! Reading the workspace's Rust code into facts: which files each target reaches
//! ([`discover`], in parallel), reading and parsing each one bounded in memory ([`source`]),
//! and the syntax walk that keeps only what the checker decides from ([`visit`], with
//! `routes` and `attrs` for router expressions and attribute arguments, `warp` for what a
//! function body says about its filters, `modules` for how a `mod` item extends the tree, and
//! `syntax` for the small readings they share). [`facts`] is what survives a file: plain,
//! owned data whose names are [`name::Name`]s, each distinct text allocated once for the whole
//! check; [`problems`] what can be wrong with one.
//!
//! Parsing less (`reduce`, with the [`options`]): the [`prefilter`] decides from a file's
//! bytes whether anything in it is read by going over every file. A file without is not
//! parsed during the scan: `light` reads its module declarations, and it is parsed on demand
//! when a lookup reaches it ([`lazy`], with the [`words`] it may contain). A file with is
//! parsed lean: `bodies` blanks the function bodies that hold nothing detection reads, and its
//! modules are kept encoded until read ([`stored`]). The [`cache`] keeps each file's
//! [`outcome`], in that stored form, under the target directory, so a re-check parses only the
//! files that changed.

pub(crate) mod attrs;
mod bodies;
pub mod cache;
pub mod discover;
pub mod facts;
pub mod lazy;
mod light;
mod modules;
pub mod name;
pub mod options;
pub mod outcome;
pub mod prefilter;
pub mod problems;
mod reduce;
pub(crate) mod routes;
pub mod source;
pub mod stored;
pub(crate) mod syntax;
pub mod visit;
pub(crate) mod warp;
pub mod words;

pub use options::ScanOptions;
pub use reduce::{analyse, scan_source, scan_source_lean};
