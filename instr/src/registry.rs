//! The catalogs registered in this process, which the exposition renders, and registering
//! one.

use std::sync::atomic::Ordering;
use std::sync::{Mutex, PoisonError};

use crate::catalog::Catalog;

static CATALOGS: Mutex<Vec<&'static Catalog>> = Mutex::new(Vec::new());

impl Catalog {
    /// Adds the catalog's metrics to [`crate::prometheus::render`] (with the `metrics-facade`
    /// feature: describes them to the `metrics` recorder and registers every closed-label
    /// series). Emitting any of its metrics does this too; call it at start-up so the first
    /// scrape already shows every series at zero. Calling it again does nothing.
    pub fn register(&'static self) {
        if self.registered.swap(true, Ordering::AcqRel) {
            return;
        }
        add(self);
        for entry in self.entries() {
            entry.store.on_register(entry);
        }
    }

    #[doc(hidden)]
    #[inline]
    pub fn __ensure_registered(&'static self) {
        if !self.registered.load(Ordering::Relaxed) {
            self.register_cold();
        }
    }

    #[cold]
    #[inline(never)]
    fn register_cold(&'static self) {
        self.register();
    }
}

/// Adds a catalog (the caller makes sure it is added once).
fn add(catalog: &'static Catalog) {
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
