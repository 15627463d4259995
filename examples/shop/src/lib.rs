//! The example shop: a small axum service whose handlers, metrics and events all come from
//! its schema, `instr.toml`.
//!
//! - `catalog`: browsing products and searching (feature `catalog`),
//! - `cart`: adding, removing and clearing items (feature `cart`),
//! - `checkout`: paying for a cart and reading orders (feature `checkout`),
//! - `ops`: the Prometheus scrape endpoint, a health check and the measurement catalog,
//!   exempt from feature coverage.
//!
//! `main.rs` only binds the listener; tests start the same service in a child process.

mod app;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod domain;
pub mod error;
pub mod ops;
mod state;

/// Typed emitters generated from `instr.toml`.
pub mod telemetry {
    instr::schema!("instr.toml");
}

pub use app::{router, serve};
pub use state::Shop;
