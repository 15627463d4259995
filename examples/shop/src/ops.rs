//! Endpoints for operators, not product features: exempt from feature coverage.

use axum::Json;
use axum::response::Response;
use serde_json::{Value, json};

use crate::telemetry::CATALOG;

/// `GET /metrics`: instr's Prometheus exposition.
#[instr::exempt(reason = "Prometheus scrape endpoint; it serves no product feature")]
pub async fn metrics() -> Response {
    instr::prometheus::axum::handler().await
}

/// `GET /health`: liveness for the load balancer.
#[instr::exempt(reason = "load balancer health check")]
pub async fn health() -> &'static str {
    "ok"
}

/// `GET /instr/catalog`: what the shop measures and who owns it, from the schema.
#[instr::exempt(reason = "operator view of the measurement catalog")]
pub async fn measurement_catalog() -> Json<Value> {
    let features: Vec<Value> = CATALOG
        .features
        .iter()
        .map(|feature| {
            let owner = CATALOG.owner(feature.owner);
            json!({
                "name": feature.name,
                "description": feature.description,
                "owner": feature.owner,
                "contact": owner.map(|owner| owner.contact),
                "success_metrics": feature.success_metrics,
                "guardrail_metrics": feature.guardrail_metrics,
            })
        })
        .collect();
    let metrics: Vec<Value> = CATALOG
        .metrics
        .iter()
        .map(|metric| {
            json!({
                "name": metric.name,
                "kind": metric.kind.as_str(),
                "owner": metric.owner,
                "unit": metric.unit,
                "labels": metric.labels,
            })
        })
        .collect();
    Json(json!({ "features": features, "metrics": metrics }))
}
