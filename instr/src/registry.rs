//! The catalogs registered in this process, which the exposition renders.

use std::sync::{Mutex, PoisonError};

use crate::catalog::Catalog;

static CATALOGS: Mutex<Vec<&'static Catalog>> = Mutex::new(Vec::new());

/// Adds a catalog (the caller makes sure it is added once).
pub(crate) fn add(catalog: &'static Catalog) {
    CATALOGS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(catalog);
}

/// Every registered catalog, in registration order.
pub(crate) fn all() -> Vec<&'static Catalog> {
    CATALOGS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}
