//! The OpenSLO renderer on the example shop's schema, read back with a YAML parser: every
//! document is OpenSLO v1, names are DNS labels, and every reference resolves.
//!
//! To cover another schema, load it the same way and run [`check_documents`] on its output.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::Path;

use instr_artifacts::openslo::openslo_file;
use instr_schema::diag::Sources;
use yaml_rust2::{Yaml, YamlLoader};

fn shop() -> instr_schema::Schema {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut sources = Sources::new();
    let loaded = instr_schema::load_file(
        &root.join("examples/shop/instr.toml"),
        &root,
        &Default::default(),
        &mut sources,
    )
    .unwrap();
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    loaded.schema
}

fn field<'a>(node: &'a Yaml, path: &[&str]) -> &'a Yaml {
    path.iter().fold(node, |node, key| &node[*key])
}

fn text<'a>(node: &'a Yaml, path: &[&str]) -> &'a str {
    field(node, path)
        .as_str()
        .unwrap_or_else(|| panic!("{path:?} is not a string in {node:?}"))
}

fn is_dns_label(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Checks the documents and returns `(kind, name)` of each.
fn check_documents(documents: &[Yaml]) -> Vec<(String, String)> {
    let mut seen = Vec::new();
    for document in documents {
        assert_eq!(text(document, &["apiVersion"]), "openslo/v1");
        let kind = text(document, &["kind"]).to_owned();
        let name = text(document, &["metadata", "name"]).to_owned();
        assert!(is_dns_label(&name), "{name}");
        seen.push((kind, name));
    }
    let names = |wanted: &str| -> BTreeSet<String> {
        seen.iter()
            .filter(|(kind, _)| kind == wanted)
            .map(|(_, name)| name.clone())
            .collect()
    };
    for document in documents.iter().filter(|d| text(d, &["kind"]) == "SLO") {
        assert!(names("SLI").contains(text(document, &["spec", "indicatorRef"])));
        assert!(names("Service").contains(text(document, &["spec", "service"])));
        let target = field(document, &["spec", "objectives"])[0]["target"]
            .as_f64()
            .unwrap();
        assert!(target > 0.0 && target < 1.0, "{target}");
        assert_eq!(text(document, &["spec", "budgetingMethod"]), "Occurrences");
    }
    for document in documents.iter().filter(|d| text(d, &["kind"]) == "SLI") {
        let ratio = field(document, &["spec", "ratioMetric"]);
        assert_eq!(ratio["counter"].as_bool(), Some(true));
        for side in ["good", "total"] {
            assert_eq!(text(ratio, &[side, "metricSource", "type"]), "Prometheus");
            assert!(!text(ratio, &[side, "metricSource", "spec", "query"]).is_empty());
        }
    }
    seen
}

/// The shop's three objectives become two services, three SLIs and three SLOs whose fields
/// carry the schema's numbers, owners and queries.
#[test]
fn shop_objectives_as_openslo() {
    let output = openslo_file(&shop(), "examples/shop/instr.toml");
    let documents = YamlLoader::load_from_str(&output).unwrap();
    let seen = check_documents(&documents);
    let kinds: Vec<String> = seen
        .iter()
        .map(|(kind, name)| format!("{kind} {name}"))
        .collect();
    assert_eq!(
        kinds,
        [
            "Service catalog",
            "Service checkout",
            "SLI catalog-search-latency-sli",
            "SLO catalog-search-latency",
            "SLI checkout-availability-sli",
            "SLO checkout-availability",
            "SLI checkout-latency-sli",
            "SLO checkout-latency",
        ]
    );
    let availability = &documents[5];
    assert_eq!(
        field(availability, &["spec", "objectives"])[0]["target"].as_f64(),
        Some(0.995)
    );
    assert_eq!(
        text(
            &field(availability, &["spec", "timeWindow"])[0],
            &["duration"]
        ),
        "28d"
    );
    assert_eq!(
        text(
            availability,
            &["metadata", "annotations", "instr.dev/owner-contact"]
        ),
        "#checkout-oncall"
    );
    let sli = &documents[4];
    assert_eq!(
        text(
            sli,
            &[
                "spec",
                "ratioMetric",
                "good",
                "metricSource",
                "spec",
                "query"
            ]
        ),
        "checkout_attempts_total{outcome=~\"success|declined\"}"
    );
    let latency_sli = &documents[2];
    assert_eq!(
        text(
            latency_sli,
            &[
                "spec",
                "ratioMetric",
                "good",
                "metricSource",
                "spec",
                "query"
            ]
        ),
        "catalog_search_latency_seconds_bucket{le=\"0.25\"}"
    );
}
