//! Feature `catalog`: browsing and searching products.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;

use crate::domain::Product;
use crate::error::ApiError;
use crate::state::Shop;
use crate::telemetry::{events, labels, metrics};

/// `GET /products`: the whole catalog.
#[instr::handler(feature = "catalog")]
pub async fn list_products(State(shop): State<Shop>) -> Json<Vec<Product>> {
    Json(shop.products.all().to_vec())
}

/// `GET /products/{id}`: one product page; counts a view per category and emits
/// `product_viewed`.
#[instr::handler(feature = "catalog")]
pub async fn view_product(
    State(shop): State<Shop>,
    Path(id): Path<String>,
) -> Result<Json<Product>, ApiError> {
    let product = shop
        .products
        .get(&id)
        .cloned()
        .ok_or_else(|| ApiError::NotFound(format!("product `{id}`")))?;
    metrics::CatalogViewsTotal {
        category: product.category,
    }
    .increment(1);
    events::ProductViewed {
        product_id: product.id,
        category: product.category,
    }
    .emit();
    Ok(Json(product))
}

/// The query of `GET /search`.
#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    q: String,
}

/// `GET /search?q=...`: products whose name contains the text. The attribute times every
/// search into `catalog_search_latency_seconds`.
#[instr::handler(feature = "catalog", latency = metrics::CatalogSearchLatencySeconds)]
pub async fn search(
    State(shop): State<Shop>,
    Query(query): Query<SearchQuery>,
) -> Json<Vec<Product>> {
    let found = shop.products.search(&query.q);
    let result = if found.is_empty() {
        labels::SearchResult::Miss
    } else {
        labels::SearchResult::Hit
    };
    metrics::CatalogSearchesTotal {
        search_result: result,
    }
    .increment(1);
    Json(found)
}
