//! Label slots of a store, and the interners of open labels.
//!
//! A series index is a mixed-radix number over the metric's labels, the last label varying
//! fastest; generated code computes it from enum values, and the exposition decodes it back
//! into label values here.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{PoisonError, RwLock};

/// The value an open label reports past its `max_values` distinct values.
pub(crate) const OTHER: &str = "other";

/// One label of a metric, as its store sees it.
#[derive(Debug)]
pub struct LabelSlot {
    name: &'static str,
    closed: &'static [&'static str],
    open: Option<&'static OpenValues>,
}

impl LabelSlot {
    /// A closed label with these values, in declaration order.
    pub const fn closed(name: &'static str, values: &'static [&'static str]) -> Self {
        Self {
            name,
            closed: values,
            open: None,
        }
    }

    /// An open label whose values `interner` keeps.
    pub const fn open(name: &'static str, interner: &'static OpenValues) -> Self {
        Self {
            name,
            closed: &[],
            open: Some(interner),
        }
    }

    /// The label name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// True for an open label.
    #[cfg_attr(
        not(any(feature = "metrics-facade", feature = "otel")),
        allow(dead_code)
    )]
    pub(crate) fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// How many values the label's position in the index can take.
    pub(crate) fn cardinality(&self) -> usize {
        match self.open {
            Some(open) => open.max_values as usize + 1,
            None => self.closed.len(),
        }
    }

    /// The value at a position; `None` for an open slot no value has taken yet.
    pub(crate) fn value(&self, position: usize) -> Option<Cow<'static, str>> {
        match self.open {
            Some(open) => open.value(position),
            None => self.closed.get(position).map(|value| Cow::Borrowed(*value)),
        }
    }
}

/// The label values a series index stands for, in label order; `None` when an open label's
/// slot is not in use.
pub(crate) fn decode(
    labels: &[LabelSlot],
    mut series: usize,
) -> Option<Vec<(&'static str, Cow<'static, str>)>> {
    let mut out = Vec::with_capacity(labels.len());
    for label in labels.iter().rev() {
        let cardinality = label.cardinality().max(1);
        out.push((label.name, label.value(series % cardinality)?));
        series /= cardinality;
    }
    out.reverse();
    Some(out)
}

/// True when no label is open: every series exists from the start.
#[cfg_attr(
    not(any(feature = "metrics-facade", feature = "otel")),
    allow(dead_code)
)]
pub(crate) fn all_closed(labels: &[LabelSlot]) -> bool {
    !labels.iter().any(LabelSlot::is_open)
}

/// The distinct values an open label has seen, capped at `max_values`; later values fold into
/// `"other"`. Shared by every metric that uses the label, so one value has one slot.
#[derive(Debug)]
pub struct OpenValues {
    name: &'static str,
    max_values: u32,
    interned: RwLock<Interned>,
    folded: AtomicBool,
}

#[derive(Debug)]
struct Interned {
    values: Vec<Box<str>>,
    slots: BTreeMap<Box<str>, usize>,
}

impl OpenValues {
    /// An empty interner for the label `name`.
    pub const fn new(name: &'static str, max_values: u32) -> Self {
        Self {
            name,
            max_values,
            interned: RwLock::new(Interned {
                values: Vec::new(),
                slots: BTreeMap::new(),
            }),
            folded: AtomicBool::new(false),
        }
    }

    /// The slot of `value`: its own while fewer than `max_values` values were seen, else the
    /// `other` slot (`max_values`). The text `other` itself always takes the `other` slot.
    pub fn slot(&self, value: &str) -> usize {
        let other = self.max_values as usize;
        if value == OTHER {
            self.folded.store(true, Ordering::Relaxed);
            return other;
        }
        if let Some(slot) = self
            .interned
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .slots
            .get(value)
        {
            return *slot;
        }
        let mut interned = self
            .interned
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(slot) = interned.slots.get(value) {
            return *slot;
        }
        if interned.values.len() < other {
            let slot = interned.values.len();
            interned.values.push(value.into());
            interned.slots.insert(value.into(), slot);
            return slot;
        }
        self.folded.store(true, Ordering::Relaxed);
        other
    }

    /// The value in a slot, if the slot is in use.
    pub(crate) fn value(&self, slot: usize) -> Option<Cow<'static, str>> {
        if slot == self.max_values as usize {
            return self
                .folded
                .load(Ordering::Relaxed)
                .then_some(Cow::Borrowed(OTHER));
        }
        self.interned
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .values
            .get(slot)
            .map(|value| Cow::Owned(value.to_string()))
    }

    /// The label name.
    pub fn name(&self) -> &'static str {
        self.name
    }
}
