//! The `instr.toml` schema: what a service measures, who owns it, and what success means.
//!
//! [`load_file`] reads a schema (following `include`s), validates it and returns the typed
//! [`Schema`] with every finding as a [`Diagnostic`](diag::Diagnostic) that points at the exact span in the
//! file. The same model feeds code generation (`instr-macros`), the CI check (`instr-lint`)
//! and what is generated from a schema (`instr-artifacts`: alerting rules, OpenSLO, the
//! catalog). This crate holds only what all of them need, so a service's `instr::schema!`
//! compiles nothing it does not use.
//!
//! ```
//! let mut sources = instr_schema::diag::Sources::new();
//! let loaded = instr_schema::load_str("instr.toml", r##"
//! version = 1
//! [owners.payments]
//! contact = "#payments"
//! [metrics.orders_total]
//! kind = "counter"
//! description = "Orders placed."
//! owner = "payment"
//! "##, &Default::default(), &mut sources);
//! assert!(loaded.has_errors());
//! assert_eq!(loaded.diagnostics[0].rule.code, "instr::schema::unknown-owner");
//! ```

pub mod checks;
pub mod diag;
pub mod duration;
mod load;
pub mod model;
pub mod names;
mod options;
mod raw;
mod spanned;
pub mod suggest;
mod validate;

pub use load::{LoadError, Loaded, load_file, load_str, load_with};
pub use model::Schema;
pub use options::{DEFAULT_MAX_SERIES_PER_METRIC, LoadOptions};
pub use spanned::Spanned;
