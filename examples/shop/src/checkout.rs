//! Feature `checkout`: paying for a cart, and reading the order afterwards.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;

use crate::domain::{Charge, Order};
use crate::error::ApiError;
use crate::state::Shop;
use crate::telemetry::events;
use crate::telemetry::labels::{Currency, Outcome, PaymentProvider};
use crate::telemetry::metrics::{CartsOpen, CheckoutAttemptsTotal, CheckoutLatencySeconds};

/// The body of `POST /checkout`.
#[derive(Debug, Deserialize)]
pub struct CheckoutRequest {
    cart: String,
    /// `stripe`, `adyen` or `paypal`.
    provider: String,
    /// `EUR`, `USD` or `GBP`.
    currency: String,
    card: String,
    coupon: Option<String>,
}

/// `POST /checkout`: charges the cart's total and places the order. Every attempt that gets
/// as far as the payment provider is counted by outcome and provider, and timed: the timer
/// starts as `error` and is relabelled once the outcome is known.
#[instr::handler(feature = "checkout")]
pub async fn checkout(
    State(shop): State<Shop>,
    Json(request): Json<CheckoutRequest>,
) -> Result<Json<Order>, ApiError> {
    let provider: PaymentProvider = request
        .provider
        .parse()
        .map_err(|error: instr::UnknownLabelValue| ApiError::BadRequest(error.to_string()))?;
    let currency: Currency = request
        .currency
        .parse()
        .map_err(|error: instr::UnknownLabelValue| ApiError::BadRequest(error.to_string()))?;
    let mut timer = CheckoutLatencySeconds {
        outcome: Outcome::Error,
    }
    .start_timer();
    let cart = shop
        .carts
        .take(&request.cart)
        .ok_or_else(|| ApiError::NotFound(format!("cart `{}` with items", request.cart)))?;
    let total_cents = cart
        .items
        .iter()
        .filter_map(|(id, quantity)| {
            let product = shop.products.get(id)?;
            Some(product.price_cents * u64::from(*quantity))
        })
        .sum();
    let outcome = match shop.payments.charge(&request.card, total_cents) {
        Charge::Approved => Outcome::Success,
        Charge::Declined => Outcome::Declined,
        Charge::Failed => Outcome::Error,
    };
    timer.histogram_mut().outcome = outcome;
    drop(timer);
    CheckoutAttemptsTotal {
        outcome,
        payment_provider: provider,
    }
    .increment(1);
    if outcome != Outcome::Success {
        shop.carts.restore(&request.cart, cart);
        return Err(match outcome {
            Outcome::Declined => ApiError::PaymentDeclined,
            _ => ApiError::PaymentFailed,
        });
    }
    // The cart was paid for and is gone.
    CartsOpen.decrement(1.0);
    let order = shop.orders.place(Order {
        id: String::new(),
        items: cart.items,
        total_cents,
        currency: currency.as_str().to_owned(),
        provider: provider.as_str().to_owned(),
        coupon: request.coupon.clone(),
    });
    events::OrderPlaced {
        order_id: &order.id,
        amount_cents: total_cents,
        currency,
        coupon: request.coupon.as_deref(),
    }
    .emit();
    Ok(Json(order))
}

/// `GET /orders/{id}`.
#[instr::handler(feature = "checkout")]
pub async fn view_order(
    State(shop): State<Shop>,
    Path(id): Path<String>,
) -> Result<Json<Order>, ApiError> {
    shop.orders
        .get(&id)
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("order `{id}`")))
}
