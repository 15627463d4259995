//! A ready `/metrics` endpoint for axum (feature `axum`):
//! `.route("/metrics", get(instr::prometheus::axum::handler))`.

use axum_core::response::{IntoResponse, Response};
use http::HeaderValue;
use http::header::CONTENT_TYPE;

/// Serves [`super::render`] with the exposition's content type.
pub async fn handler() -> Response {
    (
        [(CONTENT_TYPE, HeaderValue::from_static(super::CONTENT_TYPE))],
        super::render(),
    )
        .into_response()
}
