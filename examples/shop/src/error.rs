//! Errors handlers answer with: a status and a JSON body.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A failed request.
#[derive(Debug)]
pub enum ApiError {
    /// 404: the named thing does not exist.
    NotFound(String),
    /// 400: the request is wrong, for this reason.
    BadRequest(String),
    /// 402: the payment provider declined.
    PaymentDeclined,
    /// 502: the payment provider failed.
    PaymentFailed,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            Self::NotFound(what) => (StatusCode::NOT_FOUND, format!("{what} not found")),
            Self::BadRequest(why) => (StatusCode::BAD_REQUEST, why),
            Self::PaymentDeclined => (
                StatusCode::PAYMENT_REQUIRED,
                "the payment was declined".to_owned(),
            ),
            Self::PaymentFailed => (
                StatusCode::BAD_GATEWAY,
                "the payment provider failed".to_owned(),
            ),
        };
        (status, Json(serde_json::json!({ "error": message }))).into_response()
    }
}
