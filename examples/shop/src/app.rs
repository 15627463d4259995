//! The router: every route of the shop, and serving it.

use axum::Router;
use axum::routing::{delete, get, post};

use crate::state::Shop;
use crate::telemetry::CATALOG;
use crate::{cart, catalog, checkout, ops};

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
