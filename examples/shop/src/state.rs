//! The state every handler shares.

use std::sync::Arc;

use crate::domain::{Carts, Orders, PaymentGateway, Products};

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
