//! Where an emitted event goes besides the test recorder: a `tracing` event with target
//! `instr::event` and every property as a field, and the process-wide sink. A file of its
//! own, because the sink is installed once per process.

// Test helpers outside `#[test]` functions: a failed `expect` fails the test, as intended.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::fmt;
use std::sync::{Arc, Mutex};

use instr::events::{EventRecord, Value};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

mod schema {
    instr::schema!("tests/behaviour/instr.toml");
}

use schema::{events, labels};

/// An event's target and its fields as text.
type Traced = (String, Vec<(String, String)>);

/// Collects every event.
#[derive(Clone, Default)]
struct Collect(Arc<Mutex<Vec<Traced>>>);

struct Fields(Vec<(String, String)>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
}

impl Subscriber for Collect {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields(Vec::new());
        event.record(&mut fields);
        self.0
            .lock()
            .unwrap()
            .push((event.metadata().target().to_owned(), fields.0));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// One test, because the sink can be installed only once in a process.
#[test]
fn events_reach_tracing_and_the_sink() {
    let received: Arc<Mutex<Vec<EventRecord>>> = Arc::default();
    let sink = Arc::clone(&received);
    instr::events::set_sink(move |event: &EventRecord| sink.lock().unwrap().push(event.clone()))
        .expect("the first sink is accepted");
    assert!(instr::events::set_sink(|_: &EventRecord| {}).is_err());

    let collect = Collect::default();
    tracing::subscriber::with_default(collect.clone(), || {
        events::PaymentSettled {
            amount_cents: 990,
            refund: true,
            delta: 4,
            fee_ratio: 0.5,
            provider: labels::Provider::Stripe,
            merchant: "globex",
            note: Some("gift"),
            outcome: None,
        }
        .emit();
    });

    let traced = collect.0.lock().unwrap().clone();
    assert_eq!(traced.len(), 1);
    let (target, fields) = &traced[0];
    assert_eq!(target, "instr::event");
    let field = |name: &str| {
        fields
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    assert_eq!(field("event"), Some("\"payment_settled\""));
    assert_eq!(field("amount_cents"), Some("990"));
    assert_eq!(field("refund"), Some("true"));
    assert_eq!(field("provider"), Some("\"stripe\""));
    assert_eq!(field("merchant"), Some("\"globex\""));
    assert_eq!(field("note"), Some("\"gift\""));
    // An absent optional property is not recorded at all.
    assert_eq!(field("outcome"), None);

    let received = received.lock().unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].event.name, "payment_settled");
    assert_eq!(received[0].get("fee_ratio"), Some(&Value::F64(0.5)));
    assert_eq!(received[0].get("outcome"), Some(&Value::Absent));
    assert_eq!(
        received[0].get("note"),
        Some(&Value::Str("gift".to_owned()))
    );
}
