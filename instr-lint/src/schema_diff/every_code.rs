//! Every change code, asserted: one scenario per kind of item, each checking the exact
//! changes it produces (code, impact, message), and a check that the scenarios together
//! produce every code in [`ChangeCode::ALL`] with the impact its table gives.

use std::collections::BTreeSet;

use instr_schema::Schema;

use super::change::{Change, ChangeCode, Impact};
use super::diff;
use super::tests::load;

const BASE: &str = r##"
version = 1
[owners.pay]
contact = "#pay"
[owners.growth]
contact = "#growth"
[labels.outcome]
values = ["success", "declined", "error"]
[labels.region]
kind = "string"
max_values = 10
[labels.tier]
values = ["free", "paid"]
[metrics.orders_total]
kind = "counter"
description = "Orders."
owner = "pay"
labels = ["outcome", "tier"]
[metrics.payload_bytes]
kind = "histogram"
unit = "bytes"
description = "Payload sizes."
owner = "pay"
buckets = [100.0, 1000.0]
[metrics.request_duration_seconds]
kind = "histogram"
unit = "seconds"
description = "Latency."
owner = "pay"
buckets = [0.1, 1.0, 2.0]
[events.order_placed]
description = "Placed."
owner = "pay"
properties = { id = "string", amount = "u64", note = "string?", region = "region" }
[features.checkout]
description = "Checkout."
owner = "pay"
success_metrics = ["orders_total"]
[[features.checkout.objectives]]
name = "availability"
good = { metric = "orders_total", labels = { outcome = ["success"] } }
total = { metric = "orders_total" }
target = 0.99
window = "28d"
[[features.checkout.objectives]]
name = "latency"
metric = "request_duration_seconds"
threshold = 1.0
target = 0.9
window = "7d"
"##;

/// The changes from [`BASE`] to `BASE` with `edits` applied (each must match once).
fn changes_after(edits: &[(&str, &str)]) -> Vec<Change> {
    let mut head = BASE.to_owned();
    for (from, to) in edits {
        assert_eq!(head.matches(from).count(), 1, "{from:?}");
        head = head.replacen(from, to, 1);
    }
    diff(&load(BASE), &load(&head))
}

/// `(key, code, impact, message)` of each change.
fn described(changes: &[Change]) -> Vec<(String, &'static str, &'static str, String)> {
    changes
        .iter()
        .map(|change| {
            (
                change.subject.key(),
                change.code.as_str(),
                change.impact.as_str(),
                change.message.clone(),
            )
        })
        .collect()
}

fn row(
    key: &str,
    code: &'static str,
    impact: &'static str,
    message: &str,
) -> (String, &'static str, &'static str, String) {
    (key.to_owned(), code, impact, message.to_owned())
}

fn metric_shape() -> Vec<Change> {
    changes_after(&[
        (
            "kind = \"histogram\"\nunit = \"bytes\"\ndescription = \"Payload sizes.\"\nowner = \"pay\"\nbuckets = [100.0, 1000.0]",
            "kind = \"gauge\"\nunit = \"bytes\"\ndescription = \"Payload sizes.\"\nowner = \"pay\"",
        ),
        (
            "unit = \"seconds\"\ndescription = \"Latency.\"",
            "description = \"Latency.\"",
        ),
        ("labels = [\"outcome\", \"tier\"]", "labels = [\"outcome\"]"),
    ])
}

/// A metric's kind, unit and labels are its shape: changing any breaks what reads it.
#[test]
fn metric_shape_changes_break() {
    assert_eq!(
        described(&metric_shape()),
        [
            row(
                "metric:orders_total",
                "label-removed",
                "breaking",
                "metric `orders_total` lost label `tier`"
            ),
            row(
                "metric:payload_bytes",
                "kind-changed",
                "breaking",
                "metric `payload_bytes` changed kind from histogram to gauge"
            ),
            row(
                "metric:request_duration_seconds",
                "unit-changed",
                "breaking",
                "metric `request_duration_seconds` changed unit from `seconds` to none"
            ),
        ]
    );
}

fn metric_life() -> Vec<Change> {
    changes_after(&[
        (
            "labels = [\"outcome\", \"tier\"]",
            "labels = [\"outcome\", \"tier\", \"region\"]",
        ),
        (
            "description = \"Payload sizes.\"\nowner = \"pay\"",
            "description = \"Sizes of request payloads.\"\nowner = \"growth\"\nstability = \"experimental\"",
        ),
        ("buckets = [0.1, 1.0, 2.0]", "buckets = [0.1, 1.0, 5.0]"),
    ])
}

/// Adding a label, a new owner, description or stability are additive; buckets break.
#[test]
fn metric_life_changes() {
    assert_eq!(
        described(&metric_life()),
        [
            row(
                "metric:request_duration_seconds",
                "buckets-changed",
                "breaking",
                "metric `request_duration_seconds` changed buckets from [0.1, 1, 2] to [0.1, 1, 5]"
            ),
            row(
                "metric:orders_total",
                "label-added",
                "additive",
                "metric `orders_total` gained label `region`"
            ),
            row(
                "metric:payload_bytes",
                "description-changed",
                "additive",
                "metric `payload_bytes` has a new description"
            ),
            row(
                "metric:payload_bytes",
                "owner-changed",
                "additive",
                "metric `payload_bytes` moved from owner `pay` to `growth`"
            ),
            row(
                "metric:payload_bytes",
                "stability-changed",
                "additive",
                "metric `payload_bytes` changed stability from stable to experimental"
            ),
        ]
    );
}

fn labels() -> Vec<Change> {
    changes_after(&[
        (
            "values = [\"success\", \"declined\", \"error\"]",
            "values = [\"success\", \"declined\", \"timeout\"]",
        ),
        (
            "kind = \"string\"\nmax_values = 10",
            "values = [\"eu\", \"us\"]",
        ),
        (
            "values = [\"free\", \"paid\"]",
            "kind = \"string\"\nmax_values = 3",
        ),
    ])
}

/// Closing an open label or losing a value breaks; the rest is additive.
#[test]
fn label_changes() {
    assert_eq!(
        described(&labels()),
        [
            row(
                "label:outcome",
                "value-removed",
                "breaking",
                "label `outcome` lost value `error`"
            ),
            row(
                "label:region",
                "label-closed",
                "breaking",
                "label `region` is now closed to 2 values; other values are no longer reported"
            ),
            row(
                "label:outcome",
                "value-added",
                "additive",
                "label `outcome` gained value `timeout`"
            ),
            row(
                "label:tier",
                "label-opened",
                "additive",
                "label `tier` is now open (any string, at most 3 values)"
            ),
        ]
    );
}

fn event_properties() -> Vec<Change> {
    changes_after(&[
        (
            "properties = { id = \"string\", amount = \"u64\", note = \"string?\", region = \"region\" }",
            "properties = { amount = \"i64\", note = \"string\", region = \"region?\", coupon = \"string?\" }\nowner = \"growth\"",
        ),
        (
            "description = \"Placed.\"\nowner = \"pay\"\n",
            "description = \"An order was placed.\"\n",
        ),
    ])
}

/// What event consumers rely on: a property gone, retyped or made optional breaks them.
#[test]
fn event_property_changes() {
    assert_eq!(
        described(&event_properties()),
        [
            row(
                "event:order_placed",
                "property-optional",
                "breaking",
                "event `order_placed` property `region` became optional"
            ),
            row(
                "event:order_placed",
                "property-removed",
                "breaking",
                "event `order_placed` lost property `id`"
            ),
            row(
                "event:order_placed",
                "property-type-changed",
                "breaking",
                "event `order_placed` property `amount` changed type from u64 to i64"
            ),
            row(
                "event:order_placed",
                "description-changed",
                "additive",
                "event `order_placed` has a new description"
            ),
            row(
                "event:order_placed",
                "owner-changed",
                "additive",
                "event `order_placed` moved from owner `pay` to `growth`"
            ),
            row(
                "event:order_placed",
                "property-added",
                "additive",
                "event `order_placed` gained property `coupon`"
            ),
            row(
                "event:order_placed",
                "property-required",
                "additive",
                "event `order_placed` property `note` became required"
            ),
        ]
    );
}

fn owners_and_features() -> Vec<Change> {
    changes_after(&[
        ("[owners.growth]\ncontact = \"#growth\"\n", ""),
        ("contact = \"#pay\"", "contact = \"pay@example.com\""),
        (
            "description = \"Checkout.\"\nowner = \"pay\"\nsuccess_metrics = [\"orders_total\"]",
            "description = \"Paying.\"\nowner = \"pay\"\nsuccess_metrics = [\"orders_total\", \"order_placed\"]\nroutes = [\"POST /checkout\"]",
        ),
    ])
}

/// Owners and features: contacts, measures, routes and descriptions change additively; an
/// owner nothing names can go.
#[test]
fn owner_and_feature_changes() {
    assert_eq!(
        described(&owners_and_features()),
        [
            row(
                "feature:checkout",
                "description-changed",
                "additive",
                "feature `checkout` has a new description"
            ),
            row(
                "feature:checkout",
                "measures-changed",
                "additive",
                "feature `checkout` success metrics: +`order_placed`"
            ),
            row(
                "feature:checkout",
                "routes-changed",
                "additive",
                "feature `checkout` maps different routes or handlers"
            ),
            row(
                "owner:growth",
                "removed",
                "additive",
                "owner `growth` removed"
            ),
            row(
                "owner:pay",
                "contact-changed",
                "additive",
                "owner `pay` is now reached at `pay@example.com` (was `#pay`)"
            ),
        ]
    );
}

fn objectives() -> Vec<Change> {
    changes_after(&[
        (
            "target = 0.99\nwindow = \"28d\"",
            "target = 0.995\nwindow = \"30d\"",
        ),
        (
            "metric = \"request_duration_seconds\"\nthreshold = 1.0\ntarget = 0.9\nwindow = \"7d\"",
            "metric = \"request_duration_seconds\"\nthreshold = 2.0\ntarget = 0.9\nwindow = \"7d\"\n\n[[features.checkout.objectives]]\nname = \"fast\"\nmetric = \"request_duration_seconds\"\nthreshold = 0.1\ntarget = 0.5\nwindow = \"1d\"",
        ),
    ])
}

/// An objective's target, window and indicator change additively (its alert stays).
#[test]
fn objective_changes() {
    assert_eq!(
        described(&objectives()),
        [
            row(
                "objective:checkout/availability",
                "target-changed",
                "additive",
                "objective `checkout/availability` target changed from 99% to 99.5%"
            ),
            row(
                "objective:checkout/availability",
                "window-changed",
                "additive",
                "objective `checkout/availability` window changed from 28d to 30d"
            ),
            row(
                "objective:checkout/fast",
                "added",
                "additive",
                "objective `checkout/fast` added: 50% over 1d"
            ),
            row(
                "objective:checkout/latency",
                "indicator-changed",
                "additive",
                "objective `checkout/latency` measures differently (its indicator changed)"
            ),
        ]
    );
}

/// The scenarios here and the comparison's other tests, together.
fn every_scenario() -> Vec<Change> {
    let renamed = BASE.replace("orders_total", "purchases_total");
    let mut all = diff(&load(BASE), &load(&renamed));
    all.extend(diff(&Schema::default(), &load(BASE)));
    let cut = BASE.find("[features.checkout]").unwrap_or(BASE.len());
    all.extend(diff(&load(BASE), &load(&BASE[..cut])));
    for changes in [
        metric_shape(),
        metric_life(),
        labels(),
        event_properties(),
        owners_and_features(),
        objectives(),
    ] {
        all.extend(changes);
    }
    all
}

/// Every code is produced by some scenario, and every change has the impact the code's table
/// gives for its kind of item.
#[test]
fn every_code_is_produced_with_its_tabled_impact() {
    let changes = every_scenario();
    let produced: BTreeSet<&str> = changes.iter().map(|change| change.code.as_str()).collect();
    let all: BTreeSet<&str> = ChangeCode::ALL.iter().map(|code| code.as_str()).collect();
    assert_eq!(produced, all);
    for change in &changes {
        let kind = change.subject.kind();
        assert!(
            change.code.applies_to().contains(&(kind, change.impact)),
            "{} on a {kind} is {}, which the table does not list",
            change.code,
            change.impact.as_str()
        );
    }
    // Removing a feature takes its objectives' alerts with it.
    assert!(changes.iter().any(|change| {
        change.subject.key() == "feature:checkout"
            && change.code == ChangeCode::Removed
            && change.impact == Impact::Breaking
            && change.dependents.alerts.len() == 2
    }));
}
