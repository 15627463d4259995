//! The router and the shared state.

use std::sync::Arc;

use axum::Router;
use axum::routing::{delete, get, post};

use crate::domain::{Carts, Orders, PaymentGateway, Products};
use crate::telemetry::CATALOG;
use crate::{cart, catalog, checkout, ops};

/// What every handler shares.
#[derive(Clone)]
pub struct Shop {
    pub(crate) products: Arc<Products>,
    pub(crate) carts: Arc<Carts>,
    pub(crate) orders: Arc<Orders>,
    pub(crate) payments: Arc<PaymentGateway>,
}

impl Shop {
    /// A shop with the demo catalog and nothing in any cart.
    pub fn new() -> Self {
        Self {
            products: Arc::new(Products::demo()),
            carts: Arc::new(Carts::default()),
            orders: Arc::new(Orders::default()),
            payments: Arc::new(PaymentGateway),
        }
    }
}

impl Default for Shop {
    fn default() -> Self {
        Self::new()
    }
}

/// Every route of the shop. Registers the metric catalog, so the first scrape shows every
/// series at zero.
pub fn router(shop: Shop) -> Router {
    CATALOG.register();
    Router::new()
        .route("/products", get(catalog::list_products))
        .route("/products/{id}", get(catalog::view_product))
        .route("/search", get(catalog::search))
        .route(
            "/carts/{cart}",
            get(cart::view_cart).delete(cart::clear_cart),
        )
        .route("/carts/{cart}/items", post(cart::add_item))
        .route("/carts/{cart}/items/{product}", delete(cart::remove_item))
        .route("/checkout", post(checkout::checkout))
        .route("/orders/{id}", get(checkout::view_order))
        .route("/metrics", get(ops::metrics))
        .route("/health", get(ops::health))
        .route("/instr/catalog", get(ops::measurement_catalog))
        .with_state(shop)
}

/// Serves the shop on `listener` until the process ends.
pub async fn serve(listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(listener, router(Shop::new())).await
}
