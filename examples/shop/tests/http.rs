//! End to end: starts the shop binary on 127.0.0.1 with port 0, drives real HTTP requests
//! through every feature, scrapes `/metrics`, parses the exposition and asserts the exact
//! series, values, HELP and TYPE lines.
//!
//! Each test starts its own server process, so counts start at zero and tests do not see
//! each other. To add a scenario, start a `Server`, send requests, then compare a scrape.

// Test helpers outside `#[test]` functions: a failed `expect` fails the test, as intended.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use std::collections::BTreeMap;
use std::net::SocketAddr;

use support::{Response, Running, request, start_shop};

/// The shop running in a child process; killed when dropped.
struct Server {
    _running: Running,
    address: SocketAddr,
}

impl Server {
    fn start() -> Self {
        let (running, address) = start_shop();
        Self {
            _running: running,
            address,
        }
    }

    fn get(&self, path: &str) -> Response {
        request(self.address, "GET", path, "")
    }

    fn post(&self, path: &str, body: &str) -> Response {
        request(self.address, "POST", path, body)
    }

    fn delete(&self, path: &str) -> Response {
        request(self.address, "DELETE", path, "")
    }

    fn scrape(&self) -> Scrape {
        let response = self.get("/metrics");
        assert_eq!(response.status, 200);
        assert_eq!(
            response.headers.get("content-type").map(String::as_str),
            Some("text/plain; version=0.0.4; charset=utf-8")
        );
        Scrape::parse(&response.body)
    }
}

/// A parsed `/metrics` response.
struct Scrape {
    /// Every `# HELP`, `# TYPE` and `# UNIT` line, as written.
    metadata: Vec<String>,
    /// Series (as written, labels in exposition order) to value text.
    samples: BTreeMap<String, String>,
}

impl Scrape {
    fn parse(text: &str) -> Self {
        let mut metadata = Vec::new();
        let mut samples = BTreeMap::new();
        for line in text.lines().filter(|line| !line.is_empty()) {
            if line.starts_with('#') {
                metadata.push(line.to_owned());
                continue;
            }
            let (series, value) = line.rsplit_once(' ').expect("`series value`");
            assert!(
                samples
                    .insert(series.to_owned(), value.to_owned())
                    .is_none(),
                "series {series} appears twice"
            );
        }
        Self { metadata, samples }
    }

    /// The samples of one family (`name`, `name{..}`, `name_bucket{..}`, ...).
    fn family(&self, name: &str) -> BTreeMap<String, String> {
        self.samples
            .iter()
            .filter(|(series, _)| {
                let base = series.split('{').next().unwrap_or_default();
                base == name
                    || ["_bucket", "_sum", "_count"]
                        .iter()
                        .any(|suffix| base == format!("{name}{suffix}"))
            })
            .map(|(series, value)| (series.clone(), value.clone()))
            .collect()
    }

    fn value(&self, series: &str) -> &str {
        self.samples
            .get(series)
            .unwrap_or_else(|| panic!("no series {series}"))
    }
}

fn expected(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(series, value)| ((*series).to_owned(), (*value).to_owned()))
        .collect()
}

const OUTCOMES: [&str; 3] = ["success", "declined", "error"];
const PROVIDERS: [&str; 3] = ["stripe", "adyen", "paypal"];

fn checkout_attempts(counts: &[(&str, &str, &str)]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for outcome in OUTCOMES {
        for provider in PROVIDERS {
            let value = counts
                .iter()
                .find(|(o, p, _)| *o == outcome && *p == provider)
                .map_or("0", |(_, _, value)| *value);
            out.insert(
                format!(
                    "checkout_attempts_total{{outcome=\"{outcome}\",payment_provider=\"{provider}\"}}"
                ),
                value.to_owned(),
            );
        }
    }
    out
}

/// The first scrape, before any request, has HELP, TYPE and UNIT for every metric and every
/// closed-label series at zero; the open-label metric has no series yet.
#[test]
fn first_scrape_shows_every_closed_series_at_zero() {
    let server = Server::start();
    let scrape = server.scrape();
    assert_eq!(
        scrape.metadata,
        [
            "# HELP cart_updates_total Cart changes, by action.",
            "# TYPE cart_updates_total counter",
            "# HELP carts_open Carts that hold at least one item.",
            "# TYPE carts_open gauge",
            "# HELP catalog_search_latency_seconds Time to answer a catalog search.",
            "# TYPE catalog_search_latency_seconds histogram",
            "# UNIT catalog_search_latency_seconds seconds",
            "# HELP catalog_searches_total Catalog searches, by whether they found anything.",
            "# TYPE catalog_searches_total counter",
            "# HELP catalog_views_total Product page views, by category.",
            "# TYPE catalog_views_total counter",
            "# HELP checkout_attempts_total Checkout attempts that reached a final state, by outcome and provider.",
            "# TYPE checkout_attempts_total counter",
            "# HELP checkout_latency_seconds Time from checkout request to final answer.",
            "# TYPE checkout_latency_seconds histogram",
            "# UNIT checkout_latency_seconds seconds",
        ]
    );
    assert_eq!(
        scrape.family("cart_updates_total"),
        expected(&[
            ("cart_updates_total{cart_action=\"add\"}", "0"),
            ("cart_updates_total{cart_action=\"remove\"}", "0"),
            ("cart_updates_total{cart_action=\"clear\"}", "0"),
        ])
    );
    assert_eq!(
        scrape.family("carts_open"),
        expected(&[("carts_open", "0")])
    );
    assert_eq!(
        scrape.family("checkout_attempts_total"),
        checkout_attempts(&[])
    );
    assert!(scrape.family("catalog_views_total").is_empty());
    let latency = scrape.family("checkout_latency_seconds");
    // 3 outcomes × (7 buckets + `+Inf` + sum + count).
    assert_eq!(latency.len(), 30);
    assert!(latency.values().all(|value| value == "0"), "{latency:?}");
    assert_eq!(
        scrape.value("checkout_latency_seconds_bucket{outcome=\"declined\",le=\"2.5\"}"),
        "0"
    );
    assert_eq!(scrape.family("catalog_search_latency_seconds").len(), 10);
}

/// Browsing, searching, cart changes and checkouts (approved, declined, failed) show up as
/// exactly the counts, gauge values and histogram counts they should.
#[test]
fn traffic_is_measured_exactly() {
    let server = Server::start();
    assert_eq!(server.get("/health").body, "ok");

    // Catalog: list, views per category (an open label), searches hit and miss.
    let products = server.get("/products");
    assert_eq!(products.status, 200);
    assert_eq!(products.json().as_array().map(Vec::len), Some(5));
    for path in ["/products/p1", "/products/p1", "/products/p3"] {
        assert_eq!(server.get(path).status, 200, "{path}");
    }
    assert_eq!(server.get("/products/nope").status, 404);
    let lamps = server.get("/search?q=lamp");
    assert_eq!(lamps.json().as_array().map(Vec::len), Some(2));
    assert_eq!(
        server.get("/search?q=zzz").json().as_array().map(Vec::len),
        Some(0)
    );

    // Cart: only successful changes count (the handler attribute's `ok` option).
    assert_eq!(
        server
            .post("/carts/c1/items", r#"{"product":"p1","quantity":2}"#)
            .status,
        200
    );
    assert_eq!(
        server.post("/carts/c1/items", r#"{"product":"p2"}"#).status,
        200
    );
    assert_eq!(server.delete("/carts/c1/items/p2").status, 200);
    assert_eq!(server.delete("/carts/c1/items/p2").status, 404);
    assert_eq!(
        server.post("/carts/c2/items", r#"{"product":"p3"}"#).status,
        200
    );
    assert_eq!(server.delete("/carts/c2").status, 204);
    assert_eq!(
        server
            .post("/carts/c1/items", r#"{"product":"nope"}"#)
            .status,
        404
    );
    assert_eq!(server.get("/carts/c1").json()["items"]["p1"], 2);

    // Checkout: approved, declined and failed payments, and a request refused before paying.
    let paid = server.post(
        "/checkout",
        r#"{"cart":"c1","provider":"stripe","currency":"EUR","card":"4242424242424242","coupon":"WELCOME"}"#,
    );
    assert_eq!(paid.status, 200, "{}", paid.body);
    let order = paid.json();
    assert_eq!(order["id"], "o-1");
    assert_eq!(order["total_cents"], 7800);
    assert_eq!(
        server.post("/carts/c3/items", r#"{"product":"p5"}"#).status,
        200
    );
    let declined = server.post(
        "/checkout",
        r#"{"cart":"c3","provider":"adyen","currency":"USD","card":"4000000000000002"}"#,
    );
    assert_eq!(declined.status, 402);
    let failed = server.post(
        "/checkout",
        r#"{"cart":"c3","provider":"paypal","currency":"GBP","card":"4000000000000119"}"#,
    );
    assert_eq!(failed.status, 502);
    let refused = server.post(
        "/checkout",
        r#"{"cart":"c3","provider":"bitcoin","currency":"EUR","card":"4242424242424242"}"#,
    );
    assert_eq!(refused.status, 400);
    assert_eq!(server.get("/orders/o-1").json()["provider"], "stripe");
    assert_eq!(
        server.get("/instr/catalog").json()["features"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );

    let scrape = server.scrape();
    assert_eq!(
        scrape.family("catalog_views_total"),
        expected(&[
            ("catalog_views_total{category=\"books\"}", "2"),
            ("catalog_views_total{category=\"garden\"}", "1"),
        ])
    );
    assert_eq!(
        scrape.family("catalog_searches_total"),
        expected(&[
            ("catalog_searches_total{search_result=\"hit\"}", "1"),
            ("catalog_searches_total{search_result=\"miss\"}", "1"),
        ])
    );
    assert_eq!(scrape.value("catalog_search_latency_seconds_count"), "2");
    assert_eq!(
        scrape.value("catalog_search_latency_seconds_bucket{le=\"+Inf\"}"),
        "2"
    );
    assert_eq!(
        scrape.family("cart_updates_total"),
        expected(&[
            ("cart_updates_total{cart_action=\"add\"}", "4"),
            ("cart_updates_total{cart_action=\"remove\"}", "1"),
            ("cart_updates_total{cart_action=\"clear\"}", "1"),
        ])
    );
    // c1 was paid for and c2 cleared; c3 holds an item after two failed payments.
    assert_eq!(
        scrape.family("carts_open"),
        expected(&[("carts_open", "1")])
    );
    assert_eq!(
        scrape.family("checkout_attempts_total"),
        checkout_attempts(&[
            ("success", "stripe", "1"),
            ("declined", "adyen", "1"),
            ("error", "paypal", "1"),
        ])
    );
    for outcome in OUTCOMES {
        assert_eq!(
            scrape.value(&format!(
                "checkout_latency_seconds_count{{outcome=\"{outcome}\"}}"
            )),
            "1",
            "{outcome}"
        );
        assert_eq!(
            scrape.value(&format!(
                "checkout_latency_seconds_bucket{{outcome=\"{outcome}\",le=\"+Inf\"}}"
            )),
            "1"
        );
        let sum: f64 = scrape
            .value(&format!(
                "checkout_latency_seconds_sum{{outcome=\"{outcome}\"}}"
            ))
            .parse()
            .expect("a number");
        assert!(sum > 0.0 && sum < 60.0, "{outcome}: {sum}");
    }
    // Buckets are cumulative: never decreasing towards `+Inf`.
    let bounds = ["0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"];
    let counts: Vec<u64> = bounds
        .iter()
        .map(|le| {
            scrape
                .value(&format!(
                    "checkout_latency_seconds_bucket{{outcome=\"success\",le=\"{le}\"}}"
                ))
                .parse()
                .expect("a count")
        })
        .collect();
    assert!(
        counts.windows(2).all(|pair| pair[0] <= pair[1]),
        "{counts:?}"
    );
}
