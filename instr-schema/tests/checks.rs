//! One test per schema check: the check fires on the mistake it describes, at the right line,
//! and stays quiet on the correct form next to it.
//!
//! Each schema is written inline and loaded from memory. To add a check, add a test here that
//! shows both sides, and a realistic case to the corpus in `tests/fixtures/schemas/bad/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use instr_schema::diag::{Severity, Sources};
use instr_schema::model::{Indicator, LabelValues, MetricKind, PropertyType, Stability};
use instr_schema::{LoadOptions, Loaded, load_str};
use support::options;

/// An owner and a label that most cases build on.
const BASE: &str = r##"version = 1
[owners.payments]
contact = "#payments"
[labels.outcome]
values = ["success", "declined", "error"]
"##;

fn load(text: &str) -> (Loaded, Sources) {
    let mut sources = Sources::new();
    let loaded = load_str("instr.toml", text, &options(), &mut sources);
    (loaded, sources)
}

/// `(short code, line)` of every finding, for `BASE` followed by `rest`. Lines count from the
/// first line of `rest`.
fn findings(rest: &str) -> Vec<(String, usize)> {
    findings_in(&format!("{BASE}{rest}"), BASE.lines().count())
}

fn findings_in(text: &str, line_offset: usize) -> Vec<(String, usize)> {
    let (loaded, sources) = load(text);
    loaded
        .diagnostics
        .iter()
        .map(|finding| {
            let line = finding.loc().map_or(0, |loc| {
                sources.get(loc.file).line_column(loc.span.start).line
            });
            let code = finding
                .rule
                .code
                .trim_start_matches("instr::schema::")
                .to_owned();
            (code, line.saturating_sub(line_offset))
        })
        .collect()
}

fn one(code: &str, line: usize) -> Vec<(String, usize)> {
    vec![(code.to_owned(), line)]
}

const COUNTER: &str =
    "[metrics.orders_total]\nkind = \"counter\"\ndescription = \"Orders.\"\nowner = \"payments\"\n";

/// The base schema and a counter are clean: every other test changes one thing.
#[test]
fn base_is_clean() {
    assert_eq!(findings(COUNTER), vec![]);
}

/// `syntax`: TOML errors are reported with their position, and nothing else runs.
#[test]
fn syntax() {
    assert_eq!(
        findings("[metrics.x\nkind = \"counter\"\n"),
        one("syntax", 1)
    );
    assert_eq!(
        findings("[metrics.a_total]\nkind = \"counter\"\nkind = \"gauge\"\n"),
        one("syntax", 3)
    );
}

/// `unknown-field`: keys outside the format, with the intended key not reported missing.
#[test]
fn unknown_field() {
    let rest = "[metrics.orders_total]\nkind = \"counter\"\ndescriptio = \"Orders.\"\nowner = \"payments\"\n";
    assert_eq!(findings(rest), one("unknown-field", 3));
    assert_eq!(findings("colour = \"blue\"\n"), one("unknown-field", 1));
}

/// `wrong-type`: a value of the wrong TOML type, reported once (not also as missing).
#[test]
fn wrong_type() {
    let rest =
        "[metrics.orders_total]\nkind = 1\ndescription = \"Orders.\"\nowner = \"payments\"\n";
    assert_eq!(findings(rest), one("wrong-type", 2));
    assert_eq!(
        findings("[owners.growth]\ncontact = [\"#growth\"]\n"),
        one("wrong-type", 2)
    );
}

/// `missing-field`: required fields that are absent.
#[test]
fn missing_field() {
    assert_eq!(
        findings("[owners.growth]\ndescription = \"Growth\"\n"),
        one("missing-field", 1)
    );
    assert_eq!(
        findings("[metrics.orders_total]\ndescription = \"Orders.\"\nowner = \"payments\"\n"),
        one("missing-field", 1)
    );
}

/// `invalid-value`: a word outside a closed set, with a suggestion.
#[test]
fn invalid_value() {
    let rest = COUNTER.replace("\"counter\"", "\"histo\"");
    assert_eq!(findings(&rest), one("invalid-value", 2));
    assert_eq!(
        findings(&format!("{COUNTER}stability = \"beta\"\n")),
        one("invalid-value", 5)
    );
    assert_eq!(
        findings(&format!("{COUNTER}stability = \"experimental\"\n")),
        vec![]
    );
}

/// `version`: missing at the root, or not 1.
#[test]
fn version() {
    assert_eq!(
        findings_in("[owners.a]\ncontact = \"#a\"\n", 0),
        one("version", 1)
    );
    assert_eq!(findings_in("version = 3\n", 0), one("version", 1));
    assert_eq!(findings_in("version = 1\n", 0), vec![]);
}

/// `include`: includes cannot be read when the schema is loaded from memory; from disk, a
/// missing file is reported at the entry (see the corpus).
#[test]
fn include() {
    let top = |include: &str| findings_in(&format!("version = 1\ninclude = [{include}]\n"), 0);
    assert_eq!(top("\"teams/a.toml\""), one("include", 2));
    assert_eq!(top("\"/etc/passwd\""), one("include", 2));
}

/// `duplicate-name`: a metric and an event with one name; a label listed twice on a metric.
#[test]
fn duplicate_name() {
    let event = "[events.orders_total]\ndescription = \"Orders.\"\nowner = \"payments\"\n";
    assert_eq!(
        findings(&format!("{COUNTER}{event}")),
        one("duplicate-name", 5)
    );
    assert_eq!(
        findings(&format!("{COUNTER}labels = [\"outcome\", \"outcome\"]\n")),
        one("duplicate-name", 5)
    );
}

/// `invalid-name`: feature, event and property names are snake_case.
#[test]
fn invalid_name() {
    let feature = "[features.CheckOut]\ndescription = \"C.\"\nowner = \"payments\"\nsuccess_metrics = [\"orders_total\"]\n";
    assert_eq!(
        findings(&format!("{COUNTER}{feature}")),
        one("invalid-name", 5)
    );
    let event = "[events.signed_up]\ndescription = \"S.\"\nowner = \"payments\"\nproperties = { UserId = \"string\" }\n";
    assert_eq!(findings(event), one("invalid-name", 4));
    let event = "[events.signed_up]\ndescription = \"S.\"\nowner = \"payments\"\nproperties = { self = \"string\" }\n";
    assert_eq!(findings(event), one("invalid-name", 4));
}

/// `metric-name`: Prometheus-invalid names, reserved prefixes and suffixes, `_total` off
/// counters.
#[test]
fn metric_name() {
    for name in [
        "\"Orders\"",
        "__orders",
        "latency_bucket",
        "\"orders.placed\"",
    ] {
        let rest = format!(
            "[metrics.{name}]\nkind = \"gauge\"\ndescription = \"x\"\nowner = \"payments\"\n"
        );
        assert_eq!(findings(&rest), one("metric-name", 1), "{name}");
    }
    let gauge =
        "[metrics.open_total]\nkind = \"gauge\"\ndescription = \"x\"\nowner = \"payments\"\n";
    assert_eq!(findings(gauge), one("metric-name", 1));
}

/// `counter-suffix`: counters end in `_total`.
#[test]
fn counter_suffix() {
    assert_eq!(
        findings(&COUNTER.replace("orders_total", "orders")),
        one("counter-suffix", 1)
    );
}

/// `unit-suffix`: the unit is the name's suffix, before `_total` on counters.
#[test]
fn unit_suffix() {
    let histogram = |name: &str| {
        format!(
            "[metrics.{name}]\nkind = \"histogram\"\nunit = \"seconds\"\ndescription = \"x\"\nowner = \"payments\"\n"
        )
    };
    assert_eq!(findings(&histogram("latency")), one("unit-suffix", 1));
    assert_eq!(findings(&histogram("latency_seconds")), vec![]);
    let counter = "[metrics.sent_bytes_total]\nkind = \"counter\"\nunit = \"bytes\"\ndescription = \"x\"\nowner = \"payments\"\n";
    assert_eq!(findings(counter), vec![]);
    assert_eq!(
        findings(&counter.replace("sent_bytes_total", "sent_total")),
        one("unit-suffix", 1)
    );
}

/// `non-base-unit`: milliseconds, kilobytes and percentages, as unit or as name suffix.
#[test]
fn non_base_unit() {
    let rest =
        "[metrics.latency_ms]\nkind = \"histogram\"\ndescription = \"x\"\nowner = \"payments\"\n";
    assert_eq!(findings(rest), one("non-base-unit", 1));
    let rest = "[metrics.size_bytes]\nkind = \"gauge\"\nunit = \"kilobytes\"\ndescription = \"x\"\nowner = \"payments\"\n";
    assert_eq!(findings(rest), one("non-base-unit", 3));
}

/// `label-name`: reserved and non-snake_case label ids.
#[test]
fn label_name() {
    assert_eq!(
        findings("[labels.quantile]\nvalues = [\"a\"]\n"),
        one("label-name", 1)
    );
    assert_eq!(
        findings("[labels.__name]\nvalues = [\"a\"]\n"),
        one("label-name", 1)
    );
    assert_eq!(
        findings("[labels.Status]\nvalues = [\"a\"]\n"),
        one("label-name", 1)
    );
    assert_eq!(findings("[labels.status]\nvalues = [\"a\"]\n"), vec![]);
}

/// `invalid-label`: closed sets need distinct values; open labels need a cap; not both.
#[test]
fn invalid_label() {
    assert_eq!(
        findings("[labels.a]\nvalues = []\n"),
        one("invalid-label", 2)
    );
    assert_eq!(
        findings("[labels.a]\nvalues = [\"x\", \"x\"]\n"),
        one("invalid-label", 2)
    );
    assert_eq!(
        findings("[labels.a]\nvalues = [\"--\"]\n"),
        one("invalid-label", 2)
    );
    assert_eq!(
        findings("[labels.a]\nkind = \"string\"\n"),
        one("invalid-label", 1)
    );
    assert_eq!(
        findings("[labels.a]\nkind = \"string\"\nmax_values = 0\n"),
        one("invalid-label", 3)
    );
    assert_eq!(
        findings("[labels.a]\ndescription = \"?\"\n"),
        one("invalid-label", 1)
    );
    assert_eq!(
        findings("[labels.a]\nvalues = [\"x\"]\nkind = \"string\"\n"),
        one("invalid-label", 3)
    );
    assert_eq!(
        findings("[labels.a]\nkind = \"string\"\nmax_values = 20\n"),
        vec![]
    );
}

/// `unknown-owner`: with a did-you-mean.
#[test]
fn unknown_owner() {
    assert_eq!(
        findings(&COUNTER.replace("\"payments\"", "\"payment\"")),
        one("unknown-owner", 4)
    );
}

/// `unknown-label`: metric labels and label-typed properties.
#[test]
fn unknown_label() {
    assert_eq!(
        findings(&format!("{COUNTER}labels = [\"result\"]\n")),
        one("unknown-label", 5)
    );
    let event = "[events.paid]\ndescription = \"P.\"\nowner = \"payments\"\nproperties = { currency = \"currency\" }\n";
    assert_eq!(findings(event), one("unknown-label", 4));
}

/// `unknown-metric`: success and guardrail metrics, objective metrics, named replacements.
#[test]
fn unknown_metric() {
    let feature = "[features.checkout]\ndescription = \"C.\"\nowner = \"payments\"\nsuccess_metrics = [\"orders_total\"]\nguardrail_metrics = [\"latency_seconds\"]\n";
    assert_eq!(
        findings(&format!("{COUNTER}{feature}")),
        one("unknown-metric", 9)
    );
    let deprecated = format!("{COUNTER}deprecated = \"use `orders_placed_total`\"\n");
    assert_eq!(findings(&deprecated), one("unknown-metric", 5));
}

/// `invalid-contact`: contacts are channels, emails or URLs.
#[test]
fn invalid_contact() {
    assert_eq!(
        findings("[owners.growth]\ncontact = \"Bob\"\n"),
        one("invalid-contact", 2)
    );
    for good in [
        "#growth",
        "growth@example.com",
        "https://example.com/growth",
    ] {
        assert_eq!(
            findings(&format!("[owners.growth]\ncontact = \"{good}\"\n")),
            vec![],
            "{good}"
        );
    }
}

/// `invalid-date` and `expired`: a real date, and a warning once it has passed.
#[test]
fn dates() {
    assert_eq!(
        findings(&format!("{COUNTER}expires = \"next year\"\n")),
        one("invalid-date", 5)
    );
    assert_eq!(
        findings(&format!("{COUNTER}expires = 2026-05-31\n")),
        one("expired", 5)
    );
    assert_eq!(
        findings(&format!("{COUNTER}expires = 2026-06-01\n")),
        vec![]
    );
    let (loaded, _) = load(&format!("{BASE}{COUNTER}expires = 2020-01-01\n"));
    assert_eq!(loaded.diagnostics[0].severity, Severity::Warning);
    assert!(!loaded.has_errors());
}

/// `deprecation`: deprecated metrics say why; `deprecated` contradicts another stability.
#[test]
fn deprecation() {
    assert_eq!(
        findings(&format!("{COUNTER}stability = \"deprecated\"\n")),
        one("deprecation", 5)
    );
    assert_eq!(
        findings(&format!(
            "{COUNTER}stability = \"stable\"\ndeprecated = \"gone\"\n"
        )),
        one("deprecation", 5)
    );
    assert_eq!(
        findings(&format!("{COUNTER}deprecated = \"\"\n")),
        one("deprecation", 5)
    );
    let (loaded, _) = load(&format!(
        "{BASE}{COUNTER}deprecated = \"no longer collected\"\n"
    ));
    assert_eq!(
        loaded.schema.metrics["orders_total"].stability,
        Stability::Deprecated
    );
}

/// `empty-description`: missing or blank.
#[test]
fn empty_description() {
    assert_eq!(
        findings(&COUNTER.replace("\"Orders.\"", "\"\"")),
        one("empty-description", 3)
    );
    assert_eq!(
        findings(&COUNTER.replace("description = \"Orders.\"\n", "")),
        one("empty-description", 1)
    );
}

/// `missing-owner`: metrics, events and features name an owner.
#[test]
fn missing_owner() {
    assert_eq!(
        findings(&COUNTER.replace("owner = \"payments\"\n", "")),
        one("missing-owner", 1)
    );
    assert_eq!(
        findings("[events.paid]\ndescription = \"P.\"\n"),
        one("missing-owner", 1)
    );
}

/// `missing-success-metric` and `deprecated-success-metric`.
#[test]
fn success_metrics() {
    let feature = |list: &str| {
        format!("[features.checkout]\ndescription = \"C.\"\nowner = \"payments\"\n{list}")
    };
    assert_eq!(
        findings(&format!("{COUNTER}{}", feature(""))),
        one("missing-success-metric", 5)
    );
    assert_eq!(
        findings(&format!("{COUNTER}{}", feature("success_metrics = []\n"))),
        one("missing-success-metric", 8)
    );
    let deprecated = format!(
        "{COUNTER}deprecated = \"gone\"\n{}",
        feature("success_metrics = [\"orders_total\"]\n")
    );
    assert_eq!(findings(&deprecated), one("deprecated-success-metric", 9));
    let event = "[events.paid]\ndescription = \"P.\"\nowner = \"payments\"\n";
    assert_eq!(
        findings(&format!(
            "{event}{}",
            feature("success_metrics = [\"paid\"]\n")
        )),
        vec![]
    );
}

/// `buckets`: positive, increasing, histogram-only.
#[test]
fn buckets() {
    let histogram = |buckets: &str| {
        format!(
            "[metrics.latency_seconds]\nkind = \"histogram\"\nunit = \"seconds\"\ndescription = \"x\"\nowner = \"payments\"\nbuckets = {buckets}\n"
        )
    };
    assert_eq!(findings(&histogram("[0.1, 0.1]")), one("buckets", 6));
    assert_eq!(findings(&histogram("[-1, 1]")), one("buckets", 6));
    assert_eq!(findings(&histogram("[]")), one("buckets", 6));
    assert_eq!(findings(&histogram("[0.1, 1, 10]")), vec![]);
    assert_eq!(
        findings(&format!("{COUNTER}buckets = [1]\n")),
        one("buckets", 5)
    );
    let (loaded, _) = load(&format!("{BASE}{}", histogram("[0.1, 1, 10]")));
    assert_eq!(
        loaded.schema.metrics["latency_seconds"].buckets,
        [0.1, 1.0, 10.0]
    );
}

/// `cardinality`: the product of label sizes (open labels count `max_values + 1`) against
/// the ceiling, which options can change.
#[test]
fn cardinality() {
    let labels = "[labels.customer]\nkind = \"string\"\nmax_values = 4000\n";
    let metric = format!("{labels}{COUNTER}labels = [\"customer\", \"outcome\"]\n");
    assert_eq!(findings(&metric), one("cardinality", 8));
    let mut sources = Sources::new();
    let relaxed = LoadOptions {
        max_series_per_metric: 20_000,
        ..options()
    };
    assert!(
        load_str(
            "instr.toml",
            &format!("{BASE}{metric}"),
            &relaxed,
            &mut sources
        )
        .diagnostics
        .is_empty()
    );
}

const FEATURE: &str = "[features.checkout]\ndescription = \"C.\"\nowner = \"payments\"\nsuccess_metrics = [\"orders_total\"]\n[[features.checkout.objectives]]\nname = \"availability\"\nwindow = \"28d\"\n";

fn objective(counter_labels: &str, fields: &str) -> Vec<(String, usize)> {
    let histogram = "[metrics.latency_seconds]\nkind = \"histogram\"\nunit = \"seconds\"\ndescription = \"x\"\nowner = \"payments\"\nbuckets = [0.1, 0.5, 1]\n";
    findings(&format!(
        "{COUNTER}{counter_labels}{histogram}{FEATURE}{fields}"
    ))
}

/// `objective`: ratio or latency, not both or neither; counters for ratios, histograms and a
/// bucket bound for latency; a valid window.
#[test]
fn objective_forms() {
    let ratio = "good = { metric = \"orders_total\" }\ntotal = { metric = \"orders_total\" }\ntarget = 0.99\n";
    assert_eq!(objective("", ratio), vec![]);
    let latency = "metric = \"latency_seconds\"\nthreshold = 0.5\ntarget = 0.99\n";
    assert_eq!(objective("", latency), vec![]);
    assert_eq!(objective("", "target = 0.99\n"), one("objective", 15));
    assert_eq!(
        objective("", &format!("{ratio}threshold = 0.5\n")),
        one("objective", 15)
    );
    assert_eq!(
        objective("", &latency.replace("0.5", "0.3")),
        one("objective", 19)
    );
    assert_eq!(
        objective("", &latency.replace("latency_seconds", "orders_total")),
        one("objective", 18)
    );
    assert_eq!(
        objective(
            "",
            &ratio.replace(
                "total = { metric = \"orders_total\" }",
                "total = { metric = \"latency_seconds\" }"
            )
        ),
        one("objective", 19)
    );
    assert_eq!(
        objective(
            "",
            &ratio.replace("target", "labels = { outcome = \"success\" }\ntarget")
        ),
        one("objective", 20)
    );
    let bad_window = findings(&format!(
        "{COUNTER}{}{ratio}",
        FEATURE.replace("28d", "28 d")
    ));
    assert_eq!(bad_window, one("objective", 11));
}

/// `objective-target`: strictly between 0 and 1.
#[test]
fn objective_target() {
    let ratio = "good = { metric = \"orders_total\" }\ntotal = { metric = \"orders_total\" }\n";
    for target in ["1", "0", "99.9", "-0.5"] {
        assert_eq!(
            objective("", &format!("{ratio}target = {target}\n")),
            one("objective-target", 20),
            "{target}"
        );
    }
}

/// `invalid-selector`: labels of the metric, values of the label.
#[test]
fn invalid_selector() {
    let labels = "labels = [\"outcome\"]\n";
    let selector = |matcher: &str| {
        format!(
            "good = {{ metric = \"orders_total\", labels = {{ {matcher} }} }}\ntotal = {{ metric = \"orders_total\" }}\ntarget = 0.99\n"
        )
    };
    assert_eq!(
        objective(labels, &selector("outcome = [\"success\", \"declined\"]")),
        vec![]
    );
    assert_eq!(
        objective(labels, &selector("outcome = \"sucess\"")),
        one("invalid-selector", 19)
    );
    assert_eq!(
        objective(labels, &selector("result = \"success\"")),
        one("invalid-selector", 19)
    );
    assert_eq!(
        objective(labels, &selector("outcome = []")),
        one("invalid-selector", 19)
    );
}

/// `invalid-route`: `METHOD /path` and Rust handler paths.
#[test]
fn invalid_route() {
    let feature = |line: &str| {
        format!(
            "{COUNTER}[features.checkout]\ndescription = \"C.\"\nowner = \"payments\"\nsuccess_metrics = [\"orders_total\"]\n{line}\n"
        )
    };
    assert_eq!(
        findings(&feature(
            "routes = [\"POST /checkout\", \"GRPC /shop.Cart/Add\"]"
        )),
        vec![]
    );
    for bad in ["\"/checkout\"", "\"FETCH /checkout\"", "\"POST checkout\""] {
        assert_eq!(
            findings(&feature(&format!("routes = [{bad}]"))),
            one("invalid-route", 9),
            "{bad}"
        );
    }
    assert_eq!(
        findings(&feature("handlers = [\"shop::api::Cart::add\"]")),
        vec![]
    );
    assert_eq!(
        findings(&feature("handlers = [\"checkout\"]")),
        one("invalid-route", 9)
    );
}

/// The model keeps what the schema says: kinds, label values, property types, objectives.
#[test]
fn model_reflects_the_schema() {
    let text = format!(
        "{BASE}[labels.campaign]\nkind = \"string\"\nmax_values = 9\n{COUNTER}labels = [\"outcome\"]\n[events.paid]\ndescription = \"P.\"\nowner = \"payments\"\nproperties = {{ amount = \"u64\", outcome = \"outcome?\" }}\n{FEATURE}good = {{ metric = \"orders_total\", labels = {{ outcome = [\"success\"] }} }}\ntotal = {{ metric = \"orders_total\" }}\ntarget = 0.995\n"
    );
    let (loaded, sources) = load(&text);
    assert!(
        loaded.diagnostics.is_empty(),
        "{}",
        instr_schema::diag::render_human(
            &loaded.diagnostics,
            &sources,
            &instr_schema::diag::RenderOptions::plain()
        )
    );
    let schema = loaded.schema;
    assert_eq!(schema.metrics["orders_total"].kind, MetricKind::Counter);
    assert_eq!(
        schema.labels["campaign"].values,
        LabelValues::Open { max_values: 9 }
    );
    assert_eq!(schema.labels["campaign"].cardinality(), 10);
    let properties = &schema.events["paid"].properties;
    assert_eq!(
        (
            properties[0].name.value.as_str(),
            &properties[0].ty,
            properties[0].optional
        ),
        ("amount", &PropertyType::U64, false)
    );
    assert_eq!(
        (properties[1].ty.clone(), properties[1].optional),
        (PropertyType::Label("outcome".into()), true)
    );
    let objective = &schema.features["checkout"].objectives[0];
    assert_eq!(
        (objective.target, objective.window.seconds),
        (0.995, 28 * 86_400)
    );
    match &objective.indicator {
        Indicator::Ratio { good, total } => {
            assert_eq!(good.matchers["outcome"], ["success"]);
            assert!(total.matchers.is_empty());
        }
        other => panic!("expected a ratio, got {other:?}"),
    }
    assert_eq!(schema.features_using("orders_total").count(), 1);
}

/// All errors arrive in one run, in file order.
#[test]
fn reports_everything_at_once() {
    let text = "version = 1\n[owners.a]\ncontact = \"nobody\"\n[metrics.x]\nkind = \"counter\"\ndescription = \"\"\nowner = \"b\"\n";
    let found = findings_in(text, 0);
    let codes: Vec<&str> = found.iter().map(|(code, _)| code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "invalid-contact",
            "counter-suffix",
            "empty-description",
            "unknown-owner"
        ]
    );
    let lines: Vec<usize> = found.iter().map(|(_, line)| *line).collect();
    assert_eq!(lines, [3, 4, 6, 7]);
}
