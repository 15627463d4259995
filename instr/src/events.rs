//! Where emitted events go besides `tracing`: one process-wide sink (an analytics pipeline,
//! a queue), installed at start-up.

use std::sync::OnceLock;

use crate::catalog::Event;

/// One emitted event, as a sink receives it.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRecord {
    /// The event's schema entry.
    pub event: &'static Event,
    /// Property values, in the schema's property order.
    pub properties: Vec<(&'static str, Value)>,
}

impl EventRecord {
    /// A property's value by name.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.properties
            .iter()
            .find(|(property, _)| *property == name)
            .map(|(_, value)| value)
    }
}

/// A property value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A `bool` property.
    Bool(bool),
    /// An `i64` property.
    I64(i64),
    /// A `u64` property.
    U64(u64),
    /// An `f64` property.
    F64(f64),
    /// A `string` or label property.
    Str(String),
    /// An optional property that was not set.
    Absent,
}

impl From<bool> for Value {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl From<i64> for Value {
    fn from(value: i64) -> Self {
        Self::I64(value)
    }
}

impl From<u64> for Value {
    fn from(value: u64) -> Self {
        Self::U64(value)
    }
}

impl From<f64> for Value {
    fn from(value: f64) -> Self {
        Self::F64(value)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Self::Str(value.to_owned())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Absent, Into::into)
    }
}

/// Receives every emitted event.
pub trait EventSink: Send + Sync + 'static {
    /// Called on the emitting thread; keep it quick (hand off to a channel).
    fn emit(&self, event: &EventRecord);
}

impl<F: Fn(&EventRecord) + Send + Sync + 'static> EventSink for F {
    fn emit(&self, event: &EventRecord) {
        self(event);
    }
}

static SINK: OnceLock<Box<dyn EventSink>> = OnceLock::new();

/// A sink was already installed.
#[derive(Debug)]
pub struct SinkAlreadySet;

impl std::fmt::Display for SinkAlreadySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an event sink is already installed")
    }
}

impl std::error::Error for SinkAlreadySet {}

/// Installs the process's event sink; only the first call succeeds.
pub fn set_sink(sink: impl EventSink) -> Result<(), SinkAlreadySet> {
    SINK.set(Box::new(sink)).map_err(|_| SinkAlreadySet)
}

pub(crate) fn sink() -> Option<&'static dyn EventSink> {
    SINK.get().map(|sink| &**sink)
}
