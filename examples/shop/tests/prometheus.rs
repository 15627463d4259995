//! End to end with a real Prometheus: the shop runs, a Prometheus server (Debian's
//! `prometheus` package) scrapes it every second and evaluates the rules that
//! `cargo instr-check rules` generates from `instr.toml` every second, traffic with a known
//! share of failed checkouts goes through, and Prometheus' HTTP API must return exactly that
//! SLI from the recording rules, and the burn-rate alerts that rate calls for.
//!
//! Both processes listen on loopback ports chosen by the OS, Prometheus keeps its data in a
//! temporary directory, and every wait is bounded. The test needs the `prometheus` binary, so
//! it is `#[ignore]`d: `--include-ignored` runs it, and fails it when the binary is missing
//! (`.ci/run` installs it and runs it).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{Running, request, start_shop};

/// How long any one condition may take before the test fails.
const PATIENCE: Duration = Duration::from_secs(60);

/// The `prometheus` binary from PATH; panics, saying how to install it, when it is missing.
/// The test that needs it is `#[ignore = "needs ..."]` and runs with `--include-ignored`, so a
/// missing binary fails it rather than letting it pass unchecked.
fn prometheus_binary() -> PathBuf {
    let found = Command::new("prometheus")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    assert!(
        found,
        "`prometheus` is missing: install Debian's `prometheus` package (`apt-get install prometheus`), or put the `prometheus` release binary on PATH; .ci/run does this"
    );
    PathBuf::from("prometheus")
}

/// A loopback port that was free a moment ago, for Prometheus (which does not report a port
/// it picked itself).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("bind an ephemeral port")
        .port()
}

/// Writes the shop's rules, generated from its schema as `cargo instr-check rules` does.
fn write_rules(dir: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut sources = instr_schema::diag::Sources::new();
    let loaded = instr_schema::load_file(
        &root.join("examples/shop/instr.toml"),
        &root,
        &Default::default(),
        &mut sources,
    )
    .expect("the schema loads");
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    let rules = instr_artifacts::alerts::rules_file(&loaded.schema, "examples/shop/instr.toml");
    std::fs::write(dir.join("instr.rules.yml"), rules).unwrap();
}

/// One HTTP/1.1 request; the status and body.
fn http(address: SocketAddr, method: &str, target: &str, body: &str) -> (u16, String) {
    let response = request(address, method, target, body);
    (response.status, response.body)
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Prometheus' instant query API: the result vector, or `None` while it is not available.
fn query(prometheus: SocketAddr, promql: &str) -> Option<Vec<Value>> {
    let (status, body) = http(
        prometheus,
        "GET",
        &format!("/api/v1/query?query={}", percent_encode(promql)),
        "",
    );
    if status != 200 {
        return None;
    }
    let json: Value = serde_json::from_str(&body).ok()?;
    json["data"]["result"].as_array().cloned()
}

/// The single value a query returns, once it returns one.
fn single_value(prometheus: SocketAddr, promql: &str) -> Option<f64> {
    let result = query(prometheus, promql)?;
    let [sample] = result.as_slice() else {
        return None;
    };
    sample["value"][1].as_str()?.parse().ok()
}

/// Polls `check` until it returns `Some`, at most [`PATIENCE`].
fn wait_for<T>(what: &str, log: &Path, mut check: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(value) = check() {
            return value;
        }
        if start.elapsed() > PATIENCE {
            let log = std::fs::read_to_string(log).unwrap_or_default();
            panic!("timed out after {PATIENCE:?} waiting for {what}; Prometheus' log:\n{log}");
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Starts Prometheus on a free port, retrying if another process took the port first.
fn start_prometheus(binary: &Path, dir: &Path) -> (Running, SocketAddr, PathBuf) {
    let log = dir.join("prometheus.log");
    for _ in 0..5 {
        let address: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let child = Command::new(binary)
            .arg(format!(
                "--config.file={}",
                dir.join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address={address}"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("prometheus starts");
        let mut running = Running(child);
        let start = Instant::now();
        while start.elapsed() < PATIENCE {
            if let Ok(Some(_)) = running.0.try_wait() {
                break; // exited: the port was taken, or a configuration error (see the log)
            }
            if TcpStream::connect(address).is_ok() && http(address, "GET", "/-/ready", "").0 == 200
            {
                return (running, address, log);
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        drop(running);
    }
    let log_text = std::fs::read_to_string(&log).unwrap_or_default();
    panic!("prometheus did not become ready; its log:\n{log_text}");
}

/// The acceptance test of the generated rules: what Prometheus records from real scrapes of
/// the shop equals the share of good checkouts sent, for the ratio objective and (all fast)
/// for both latency objectives, and the availability burn-rate alerts fire for the owner.
#[test]
#[ignore = "needs prometheus: run with --include-ignored (.ci/run installs Prometheus and does)"]
fn prometheus_evaluates_the_generated_rules_on_the_shop() {
    let binary = prometheus_binary();
    let (_shop, shop) = start_shop();
    let dir = tempfile::tempdir().unwrap();
    write_rules(dir.path());
    std::fs::write(
        dir.path().join("prometheus.yml"),
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - instr.rules.yml\nscrape_configs:\n  - job_name: shop\n    static_configs:\n      - targets: [\"{shop}\"]\n"
        ),
    )
    .unwrap();
    let (_prometheus, prometheus, log) = start_prometheus(&binary, dir.path());

    // Traffic only after Prometheus has seen every series at zero, so that rates start from
    // a known point: 3 outcomes x 3 providers.
    wait_for("the first scrape of the shop", &log, || {
        (single_value(prometheus, "count(checkout_attempts_total)")? == 9.0).then_some(())
    });

    // 12 approved, 4 declined, 4 failed checkouts: good (success or declined) is 16 of 20.
    let cards = [
        ("4242424242424242", 12),
        ("4000000000000002", 4),
        ("4000000000000119", 4),
    ];
    let mut cart = 0;
    for (card, count) in cards {
        for _ in 0..count {
            cart += 1;
            let (status, body) = http(
                shop,
                "POST",
                &format!("/carts/e2e{cart}/items"),
                r#"{"product":"p1"}"#,
            );
            assert_eq!(status, 200, "{body}");
            let (status, _) = http(
                shop,
                "POST",
                "/checkout",
                &format!(
                    r#"{{"cart":"e2e{cart}","provider":"stripe","currency":"EUR","card":"{card}"}}"#
                ),
            );
            assert!(
                matches!(status, 200 | 402 | 502),
                "checkout answered {status}"
            );
        }
    }
    for query_text in ["lamp", "no-such-product"] {
        for _ in 0..5 {
            let (status, _) = http(shop, "GET", &format!("/search?q={query_text}"), "");
            assert_eq!(status, 200);
        }
    }

    let sli = |objective: &str, window: &str| {
        format!(
            "instr:sli:ratio_rate{window}{{feature=\"{}\", objective=\"{objective}\"}}",
            if objective == "search_latency" {
                "catalog"
            } else {
                "checkout"
            }
        )
    };
    // The recording rules over every window agree on the share of good checkouts.
    for window in ["5m", "1h", "3d", "28d"] {
        let expr = sli("availability", window);
        let value = wait_for(&format!("{expr} to be 0.8"), &log, || {
            single_value(prometheus, &expr).filter(|value| (value - 0.8).abs() < 1e-9)
        });
        println!("{expr} = {value}");
    }
    // Every request took well under the thresholds: the latency SLIs, read through the `le`
    // buckets the shop exposes, are 1.
    for objective in ["latency", "search_latency"] {
        let expr = sli(objective, "5m");
        let value = wait_for(&format!("{expr} to be 1"), &log, || {
            single_value(prometheus, &expr).filter(|value| (value - 1.0).abs() < 1e-9)
        });
        println!("{expr} = {value}");
    }
    // 20% bad against a 0.5% budget: 40 budgets spent, and every availability alert fires,
    // labelled for the owner.
    let remaining = wait_for("the remaining error budget", &log, || {
        single_value(
            prometheus,
            "instr:slo:error_budget_remaining{feature=\"checkout\", objective=\"availability\"}",
        )
        .filter(|value| (value + 39.0).abs() < 1e-6)
    });
    println!("error budget remaining = {remaining}");
    let firing = wait_for("the availability alerts to fire", &log, || {
        let alerts = query(
            prometheus,
            "ALERTS{alertname=\"CheckoutAvailabilityErrorBudgetBurn\", alertstate=\"firing\"}",
        )?;
        (alerts.len() == 4).then_some(alerts)
    });
    let mut windows: Vec<String> = firing
        .iter()
        .map(|alert| {
            let labels = &alert["metric"];
            assert_eq!(labels["owner"], "checkout-team");
            assert_eq!(labels["feature"], "checkout");
            format!(
                "{} {}",
                labels["severity"].as_str().unwrap(),
                labels["long_window"].as_str().unwrap()
            )
        })
        .collect();
    windows.sort();
    assert_eq!(windows, ["page 1h", "page 6h", "ticket 1d", "ticket 3d"]);
    // No latency alert: nothing was slow.
    let latency_alerts = query(
        prometheus,
        "ALERTS{alertname=~\"CheckoutLatency.*|CatalogSearchLatency.*\"}",
    )
    .unwrap_or_default();
    assert!(latency_alerts.is_empty(), "{latency_alerts:?}");
}
