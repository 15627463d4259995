//! Feature `cart`: adding, removing and clearing cart items. Each change that succeeds counts
//! into `cart_updates_total` through the handler attribute's `ok` option; `carts_open`
//! follows the number of non-empty carts.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;

use crate::domain::{Cart, OpenCarts};
use crate::error::ApiError;
use crate::state::Shop;
use crate::telemetry::labels::CartAction;
use crate::telemetry::metrics::{CartUpdatesTotal, CartsOpen};

/// The body of `POST /carts/{cart}/items`.
#[derive(Debug, Deserialize)]
pub struct AddItem {
    product: String,
    #[serde(default = "one")]
    quantity: u32,
}

fn one() -> u32 {
    1
}

fn track_open_carts(change: OpenCarts) {
    match change {
        OpenCarts::Opened => CartsOpen.increment(1.0),
        OpenCarts::Closed => CartsOpen.decrement(1.0),
        OpenCarts::Unchanged => {}
    }
}

/// `GET /carts/{cart}`.
#[instr::handler(feature = "cart")]
pub async fn view_cart(
    State(shop): State<Shop>,
    Path(cart): Path<String>,
) -> Result<Json<Cart>, ApiError> {
    shop.carts
        .get(&cart)
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("cart `{cart}`")))
}

/// `POST /carts/{cart}/items`.
#[instr::handler(feature = "cart", ok = CartUpdatesTotal { cart_action: CartAction::Add })]
pub async fn add_item(
    State(shop): State<Shop>,
    Path(cart): Path<String>,
    Json(item): Json<AddItem>,
) -> Result<Json<Cart>, ApiError> {
    if shop.products.get(&item.product).is_none() {
        return Err(ApiError::NotFound(format!("product `{}`", item.product)));
    }
    if item.quantity == 0 {
        return Err(ApiError::BadRequest(
            "quantity must be at least 1".to_owned(),
        ));
    }
    let (contents, change) = shop.carts.add(&cart, &item.product, item.quantity);
    track_open_carts(change);
    Ok(Json(contents))
}

/// `DELETE /carts/{cart}/items/{product}`.
#[instr::handler(feature = "cart", ok = CartUpdatesTotal { cart_action: CartAction::Remove })]
pub async fn remove_item(
    State(shop): State<Shop>,
    Path((cart, product)): Path<(String, String)>,
) -> Result<Json<Cart>, ApiError> {
    let (contents, change) = shop
        .carts
        .remove(&cart, &product)
        .ok_or_else(|| ApiError::NotFound(format!("product `{product}` in cart `{cart}`")))?;
    track_open_carts(change);
    Ok(Json(contents))
}

/// `DELETE /carts/{cart}`.
#[instr::handler(feature = "cart", ok = CartUpdatesTotal { cart_action: CartAction::Clear })]
pub async fn clear_cart(
    State(shop): State<Shop>,
    Path(cart): Path<String>,
) -> Result<StatusCode, ApiError> {
    let change = shop
        .carts
        .clear(&cart)
        .ok_or_else(|| ApiError::NotFound(format!("cart `{cart}`")))?;
    track_open_carts(change);
    Ok(StatusCode::NO_CONTENT)
}
