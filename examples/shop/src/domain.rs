//! The shop's business state, with no instrumentation: products, carts, orders and a
//! simulated payment provider. Handlers decide what to measure.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::Serialize;

/// A product for sale.
#[derive(Clone, Debug, Serialize)]
pub struct Product {
    /// The product id in URLs.
    pub id: &'static str,
    /// The display name.
    pub name: &'static str,
    /// A merchant-defined category slug (an open label in the schema).
    pub category: &'static str,
    /// The price in cents.
    pub price_cents: u64,
}

/// The product catalog.
pub struct Products {
    items: Vec<Product>,
}

impl Products {
    /// The demo catalog.
    pub fn demo() -> Self {
        let product = |id, name, category, price_cents| Product {
            id,
            name,
            category,
            price_cents,
        };
        Self {
            items: vec![
                product("p1", "Rust in Action", "books", 3900),
                product("p2", "Desk lamp", "lighting", 2500),
                product("p3", "Garden hose", "garden", 1999),
                product("p4", "Reading lamp", "lighting", 3100),
                product("p5", "Mechanical keyboard", "electronics", 8900),
            ],
        }
    }

    /// Every product.
    pub fn all(&self) -> &[Product] {
        &self.items
    }

    /// A product by id.
    pub fn get(&self, id: &str) -> Option<&Product> {
        self.items.iter().find(|product| product.id == id)
    }

    /// Products whose name contains `query`, ignoring case.
    pub fn search(&self, query: &str) -> Vec<Product> {
        let query = query.to_lowercase();
        self.items
            .iter()
            .filter(|product| product.name.to_lowercase().contains(&query))
            .cloned()
            .collect()
    }
}

/// A cart: product id to quantity.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Cart {
    /// Product id to quantity.
    pub items: BTreeMap<String, u32>,
}

/// Every cart, by id.
#[derive(Default)]
pub struct Carts {
    carts: Mutex<HashMap<String, Cart>>,
}

/// What a cart change did to the number of open (non-empty) carts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenCarts {
    /// An empty cart got its first item.
    Opened,
    /// A cart became empty or went away.
    Closed,
    /// No cart opened or closed.
    Unchanged,
}

impl Carts {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Cart>> {
        self.carts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A copy of a cart.
    pub fn get(&self, cart: &str) -> Option<Cart> {
        self.lock().get(cart).cloned()
    }

    /// Adds `quantity` of a product to a cart, creating the cart.
    pub fn add(&self, cart: &str, product: &str, quantity: u32) -> (Cart, OpenCarts) {
        let mut carts = self.lock();
        let entry = carts.entry(cart.to_owned()).or_default();
        let was_empty = entry.items.is_empty();
        let count = entry.items.entry(product.to_owned()).or_insert(0);
        *count = count.saturating_add(quantity);
        let change = if was_empty {
            OpenCarts::Opened
        } else {
            OpenCarts::Unchanged
        };
        (entry.clone(), change)
    }

    /// `None` when the product is not in the cart.
    pub fn remove(&self, cart: &str, product: &str) -> Option<(Cart, OpenCarts)> {
        let mut carts = self.lock();
        let entry = carts.get_mut(cart)?;
        entry.items.remove(product)?;
        let change = if entry.items.is_empty() {
            OpenCarts::Closed
        } else {
            OpenCarts::Unchanged
        };
        Some((entry.clone(), change))
    }

    /// Empties a cart; `None` when there is no such cart.
    pub fn clear(&self, cart: &str) -> Option<OpenCarts> {
        let removed = self.lock().remove(cart)?;
        Some(if removed.items.is_empty() {
            OpenCarts::Unchanged
        } else {
            OpenCarts::Closed
        })
    }

    /// Takes a non-empty cart out for checkout.
    pub fn take(&self, cart: &str) -> Option<Cart> {
        let mut carts = self.lock();
        if carts.get(cart).is_some_and(|found| !found.items.is_empty()) {
            carts.remove(cart)
        } else {
            None
        }
    }

    /// Puts a cart back after a failed checkout.
    pub fn restore(&self, cart: &str, contents: Cart) {
        self.lock().insert(cart.to_owned(), contents);
    }
}

/// A placed order.
#[derive(Clone, Debug, Serialize)]
pub struct Order {
    /// `o-1`, `o-2`, ...
    pub id: String,
    /// Product id to quantity.
    pub items: BTreeMap<String, u32>,
    /// What was charged, in cents.
    pub total_cents: u64,
    /// The order's currency.
    pub currency: String,
    /// The payment provider that charged it.
    pub provider: String,
    /// The coupon code, if one was used.
    pub coupon: Option<String>,
}

/// Every order placed.
#[derive(Default)]
pub struct Orders {
    orders: Mutex<Vec<Order>>,
}

impl Orders {
    fn lock(&self) -> MutexGuard<'_, Vec<Order>> {
        self.orders.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records an order, giving it the next id.
    pub fn place(&self, mut order: Order) -> Order {
        let mut orders = self.lock();
        order.id = format!("o-{}", orders.len() + 1);
        orders.push(order.clone());
        order
    }

    /// An order by id.
    pub fn get(&self, id: &str) -> Option<Order> {
        self.lock().iter().find(|order| order.id == id).cloned()
    }
}

/// How a charge ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charge {
    /// The money was taken.
    Approved,
    /// The card was declined.
    Declined,
    /// The provider failed.
    Failed,
}

/// A simulated payment provider. Like the providers' test modes, the card number decides:
/// `4000000000000002` is declined, `4000000000000119` fails with a processing error, any
/// other number is approved.
pub struct PaymentGateway;

impl PaymentGateway {
    /// Charges a card.
    pub fn charge(&self, card: &str, _amount_cents: u64) -> Charge {
        match card {
            "4000000000000002" => Charge::Declined,
            "4000000000000119" => Charge::Failed,
            _ => Charge::Approved,
        }
    }
}
