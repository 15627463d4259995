//! End to end with a real OTLP receiver: the `otel` backend's instruments go through the
//! OpenTelemetry SDK and its OTLP/HTTP (protobuf) exporter to VictoriaMetrics' OTLP receiver,
//! and its Prometheus-compatible query API must then return every series with the name, labels
//! and value the schema and the emissions call for. With `-opentelemetry.usePrometheusNaming`
//! the receiver translates names as Prometheus' OTLP receiver does: a suffix from the OTLP unit
//! (`s` → `_seconds`, `By` → `_bytes`) unless the name has it, `_total` on monotonic sums. A
//! wrong unit or kind shows up as a wrong name here.
//!
//! Why not Prometheus: Debian builds Prometheus (2.53 in trixie, 3.5 in sid) with the OTLP
//! endpoint disabled (their changelog: until the OpenTelemetry Collector is packaged), and
//! bookworm's 2.42 predates it. VictoriaMetrics 1.112 (Debian trixie) receives OTLP natively.
//!
//! `INSTR_VICTORIA_METRICS=/path/to/victoria-metrics cargo test -p instr --features otel --test
//! otel_export -- --include-ignored`; `.ci/run` downloads the package and runs it so. Otherwise
//! the test is listed as ignored; asked to run without the variable, it fails and says how to
//! get the binary.
//!
//! One test per file: the global meter provider is set once per process.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

#[path = "support/http.rs"]
mod http;

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
use opentelemetry_otlp::{MetricExporter, Protocol, WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use serde_json::Value;

mod schema {
    instr::schema!("tests/otel_export/instr.toml");
}

use schema::{CATALOG, labels, metrics};

/// How long any one condition may take before the test fails.
const PATIENCE: Duration = Duration::from_secs(60);

/// The resource's `service.name`, which the receiver adds to every series as `service_name`.
const SERVICE: &str = "instr-otel-e2e";

/// Labels the receiver makes of the resource's attributes (the SDK's defaults and
/// `service.name`), not of the schema's labels.
const RESOURCE_LABELS: [&str; 4] = [
    "service_name",
    "telemetry_sdk_language",
    "telemetry_sdk_name",
    "telemetry_sdk_version",
];

/// The VictoriaMetrics binary named by `INSTR_VICTORIA_METRICS`.
fn receiver_binary() -> PathBuf {
    let Some(path) = std::env::var_os("INSTR_VICTORIA_METRICS") else {
        panic!(
            "INSTR_VICTORIA_METRICS is not set: point it at a victoria-metrics binary (1.92 or later, for its OTLP receiver); \
             .ci/run downloads Debian trixie's victoria-metrics_1.112.0+ds1-2_amd64.deb and unpacks it with dpkg-deb -x"
        );
    };
    PathBuf::from(path)
}

/// A child process, killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts VictoriaMetrics on a free loopback port (retrying when another process takes the
/// port first) and waits until it is healthy. OTLP names are converted the Prometheus way
/// (unit and `_total` suffixes); samples are searchable as soon as they are flushed (no 30 s
/// latency offset, no result cache).
fn start_receiver(binary: &Path, dir: &Path) -> (Running, SocketAddr, PathBuf) {
    let log = dir.join("victoria-metrics.log");
    for _ in 0..5 {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("bind an ephemeral port")
            .port();
        let address: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let child = Command::new(binary)
            .arg(format!("-storageDataPath={}", dir.join("data").display()))
            .arg(format!("-httpListenAddr={address}"))
            .arg("-opentelemetry.usePrometheusNaming")
            .arg("-search.latencyOffset=0s")
            .arg("-search.disableCache")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", binary.display()));
        let mut running = Running(child);
        let start = Instant::now();
        while start.elapsed() < PATIENCE {
            if let Ok(Some(_)) = running.0.try_wait() {
                break; // exited: the port was taken, or a bad flag (see the log)
            }
            let healthy = http::send(address, "GET", "/health", &[], b"")
                .is_ok_and(|response| response.status == 200);
            if healthy {
                return (running, address, log);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        drop(running);
    }
    let log_text = std::fs::read_to_string(&log).unwrap_or_default();
    panic!("victoria-metrics did not become healthy; its log:\n{log_text}");
}

/// The OTLP exporter's HTTP client: one blocking request per export (the SDK's periodic reader
/// runs exports on its own thread).
#[derive(Debug)]
struct BlockingClient;

#[async_trait::async_trait]
impl HttpClient for BlockingClient {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let uri = request.uri();
        let address: SocketAddr = uri
            .authority()
            .ok_or("the endpoint has no host")?
            .as_str()
            .parse()?;
        let target = uri.path_and_query().map_or("/", |target| target.as_str());
        let headers: Vec<(String, String)> = request
            .headers()
            .iter()
            .filter(|(name, _)| *name != "content-length" && *name != "host")
            .map(|(name, value)| Ok((name.to_string(), value.to_str()?.to_owned())))
            .collect::<Result<_, HttpError>>()?;
        let response = http::send(
            address,
            request.method().as_str(),
            target,
            &headers,
            request.body(),
        )?;
        Ok(Response::builder()
            .status(response.status)
            .body(Bytes::from(response.body))?)
    }
}

/// The instant-query result vector, or `None` while the query fails.
fn query(receiver: SocketAddr, promql: &str) -> Option<Vec<Value>> {
    let encoded: String = promql
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect();
    let response = http::send(
        receiver,
        "GET",
        &format!("/api/v1/query?query={encoded}"),
        &[],
        b"",
    )
    .ok()?;
    if response.status != 200 {
        return None;
    }
    let json: Value = serde_json::from_slice(&response.body).ok()?;
    json["data"]["result"].as_array().cloned()
}

/// A series as the query API returns it: its labels (without the resource's, checked
/// separately) as `name{a="x",...}` sorted by label name, and its value.
fn series(sample: &Value) -> (String, String) {
    let labels = sample["metric"].as_object().expect("a label set");
    let name = labels["__name__"].as_str().expect("a name");
    let mut pairs: Vec<String> = labels
        .iter()
        .filter(|(key, _)| key.as_str() != "__name__" && !RESOURCE_LABELS.contains(&key.as_str()))
        .map(|(key, value)| format!("{key}=\"{}\"", value.as_str().unwrap_or_default()))
        .collect();
    pairs.sort();
    let value = sample["value"][1].as_str().expect("a value").to_owned();
    (format!("{name}{{{}}}", pairs.join(",")), value)
}

/// Every series of `selector`, once the receiver has `expected` of them (sorted).
fn wait_for_series(
    receiver: SocketAddr,
    log: &Path,
    selector: &str,
    expected: usize,
) -> Vec<(String, String)> {
    let start = Instant::now();
    loop {
        if let Some(result) = query(receiver, selector)
            && result.len() >= expected
        {
            for sample in &result {
                assert_eq!(sample["metric"]["service_name"], SERVICE, "{sample}");
            }
            let mut found: Vec<(String, String)> = result.iter().map(series).collect();
            found.sort();
            return found;
        }
        if start.elapsed() > PATIENCE {
            let log = std::fs::read_to_string(log).unwrap_or_default();
            panic!(
                "timed out waiting for {expected} series of {selector}; got {:?}\nthe receiver's log:\n{log}",
                query(receiver, selector)
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The metric names the receiver should hold, sorted.
const EXPECTED_NAMES: [&str; 10] = [
    "cache_hit_ratio",
    "carts_open",
    "checkout_attempts_total",
    "checkout_latency_seconds_bucket",
    "checkout_latency_seconds_count",
    "checkout_latency_seconds_sum",
    "tenant_requests_total",
    "upload_size_bytes_bucket",
    "upload_size_bytes_count",
    "upload_size_bytes_sum",
];

/// The metric names of the service's series, sorted, once there are as many as `expected`
/// (or when patience runs out, whatever there is).
fn wait_for_names(receiver: SocketAddr, log: &Path, expected: &[&str]) -> Vec<String> {
    let start = Instant::now();
    loop {
        let mut names: Vec<String> = query(
            receiver,
            &format!(r#"count by (__name__) ({{service_name="{SERVICE}"}})"#),
        )
        .unwrap_or_default()
        .iter()
        .filter_map(|sample| sample["metric"]["__name__"].as_str().map(str::to_owned))
        .collect();
        names.sort();
        if names.len() >= expected.len() || start.elapsed() > PATIENCE {
            if names.is_empty() {
                let log = std::fs::read_to_string(log).unwrap_or_default();
                panic!("nothing arrived; the receiver's log:\n{log}");
            }
            return names;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = expected
        .iter()
        .map(|(series, value)| ((*series).to_owned(), (*value).to_owned()))
        .collect();
    out.sort();
    out
}

/// The emissions below, exported once over OTLP, arrive in the receiver under the schema's names
/// (unit and `_total` suffixes consistent with the OTLP unit and kind), with exactly the label
/// values emitted (open labels folded into `other` past `max_values`), the schema's histogram
/// buckets as `le` bounds, and the values emitted; every closed counter series is there at 0.
#[test]
#[ignore = "needs VictoriaMetrics (an OTLP receiver): set INSTR_VICTORIA_METRICS and run with --include-ignored (.ci/run does)"]
fn otlp_export_arrives_with_the_schema_names_units_and_labels() {
    let binary = receiver_binary();
    let dir = tempfile::tempdir().unwrap();
    let (_receiver, receiver, log) = start_receiver(&binary, dir.path());

    let exporter = MetricExporter::builder()
        .with_http()
        .with_http_client(BlockingClient)
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(format!("http://{receiver}/opentelemetry/v1/metrics"))
        .build()
        .expect("the OTLP exporter builds");
    let provider = SdkMeterProvider::builder()
        .with_resource(Resource::builder().with_service_name(SERVICE).build())
        .with_periodic_exporter(exporter)
        .build();
    opentelemetry::global::set_meter_provider(provider.clone());
    CATALOG.register();

    use labels::{Outcome, Provider};
    metrics::CheckoutAttemptsTotal {
        outcome: Outcome::Success,
        provider: Provider::Stripe,
    }
    .increment(3);
    metrics::CheckoutAttemptsTotal {
        outcome: Outcome::Declined,
        provider: Provider::Adyen,
    }
    .increment(1);
    for tenant in ["acme", "globex", "initech", "acme"] {
        metrics::TenantRequestsTotal { tenant }.increment(1);
    }
    let latencies = [0.05, 0.3, 0.7, 2.0];
    for seconds in latencies {
        metrics::CheckoutLatencySeconds {
            outcome: Outcome::Success,
        }
        .record(seconds);
    }
    metrics::UploadSizeBytes.record(2048.0);
    metrics::CartsOpen {
        provider: Provider::Stripe,
    }
    .set(4.0);
    metrics::CartsOpen {
        provider: Provider::Stripe,
    }
    .decrement(1.0);
    metrics::CacheHitRatio.set(0.75);
    provider
        .force_flush()
        .unwrap_or_else(|error| panic!("the OTLP export failed: {error}"));
    // Makes what was received searchable now rather than within a second.
    let flushed = http::send(receiver, "GET", "/internal/force_flush", &[], b"").unwrap();
    assert_eq!(flushed.status, 200);

    // Every name is the schema's, and nothing arrived under another spelling (a unit suffix
    // added twice, a `_total` on a gauge).
    assert_eq!(
        wait_for_names(receiver, &log, &EXPECTED_NAMES),
        EXPECTED_NAMES
    );
    let attempts = wait_for_series(receiver, &log, "checkout_attempts_total", 6);
    assert_eq!(
        attempts,
        pairs(&[
            (
                r#"checkout_attempts_total{outcome="success",provider="stripe"}"#,
                "3"
            ),
            (
                r#"checkout_attempts_total{outcome="declined",provider="adyen"}"#,
                "1"
            ),
            (
                r#"checkout_attempts_total{outcome="error",provider="stripe"}"#,
                "0"
            ),
            (
                r#"checkout_attempts_total{outcome="success",provider="adyen"}"#,
                "0"
            ),
            (
                r#"checkout_attempts_total{outcome="declined",provider="stripe"}"#,
                "0"
            ),
            (
                r#"checkout_attempts_total{outcome="error",provider="adyen"}"#,
                "0"
            ),
        ])
    );
    assert_eq!(
        wait_for_series(receiver, &log, "tenant_requests_total", 3),
        pairs(&[
            (r#"tenant_requests_total{tenant="acme"}"#, "2"),
            (r#"tenant_requests_total{tenant="globex"}"#, "1"),
            (r#"tenant_requests_total{tenant="other"}"#, "1"),
        ])
    );
    assert_eq!(
        wait_for_series(receiver, &log, "checkout_latency_seconds_bucket", 4),
        pairs(&[
            (
                r#"checkout_latency_seconds_bucket{le="0.1",outcome="success"}"#,
                "1"
            ),
            (
                r#"checkout_latency_seconds_bucket{le="0.5",outcome="success"}"#,
                "2"
            ),
            (
                r#"checkout_latency_seconds_bucket{le="1",outcome="success"}"#,
                "3"
            ),
            (
                r#"checkout_latency_seconds_bucket{le="+Inf",outcome="success"}"#,
                "4"
            ),
        ])
    );
    assert_eq!(
        wait_for_series(receiver, &log, "checkout_latency_seconds_count", 1),
        pairs(&[(r#"checkout_latency_seconds_count{outcome="success"}"#, "4")])
    );
    assert_eq!(
        wait_for_series(receiver, &log, "checkout_latency_seconds_sum", 1),
        // Summed in emission order, as the SDK does; both sides print the shortest decimal.
        pairs(&[(
            r#"checkout_latency_seconds_sum{outcome="success"}"#,
            &latencies
                .iter()
                .fold(0.0, |sum, value| sum + value)
                .to_string()
        )])
    );
    assert_eq!(
        wait_for_series(receiver, &log, "upload_size_bytes_bucket", 3),
        pairs(&[
            (r#"upload_size_bytes_bucket{le="1024"}"#, "0"),
            (r#"upload_size_bytes_bucket{le="65536"}"#, "1"),
            (r#"upload_size_bytes_bucket{le="+Inf"}"#, "1"),
        ])
    );
    assert_eq!(
        wait_for_series(receiver, &log, "carts_open", 2),
        pairs(&[
            (r#"carts_open{provider="stripe"}"#, "3"),
            (r#"carts_open{provider="adyen"}"#, "0"),
        ])
    );
    assert_eq!(
        wait_for_series(receiver, &log, "cache_hit_ratio", 1),
        pairs(&[("cache_hit_ratio{}", "0.75")])
    );
}
