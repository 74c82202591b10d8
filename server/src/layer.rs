//! A request -> its response, around every endpoint: a request id (the
//! client's `x-request-id`, or one made here), the bearer token when one is
//! set, a permit among `max_concurrency`, the time limit, then metrics and
//! a log line naming the request id.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq as _;
use tracing::Instrument as _;

use crate::metrics::{RequestLabels, RouteLabels};
use crate::problem::ServeError;
use crate::Shared;

/// The header carrying a request's id, both ways.
pub const REQUEST_ID: &str = "x-request-id";

pub async fn layer(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let start = Instant::now();
    let id = request_id(&request);
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let method = request.method().to_string();
    let uri = request.uri().clone();
    // A span for every request only when `debug` logs ask for it (at
    // `info` it would be made and formatted for each request and printed
    // for none); the lines below name the request themselves.
    let span = tracing::debug_span!("request", id = %id, method = %method, path = %uri.path());
    let mut response = answer(&shared, request, next).instrument(span).await;
    let status = response.status();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    let elapsed = start.elapsed();
    let micros = elapsed.as_micros() as u64;
    let (code, path) = (status.as_u16(), uri.path());
    if status.is_server_error() {
        tracing::warn!(id = %id, method = %method, path, status = code, micros, "answered");
    } else if status.is_client_error() {
        tracing::info!(id = %id, method = %method, path, status = code, micros, "answered");
    } else {
        tracing::debug!(id = %id, method = %method, path, status = code, micros, "answered");
    }
    shared
        .metrics
        .requests
        .get_or_create(&RequestLabels {
            route: route.clone(),
            method,
            status: code,
        })
        .inc();
    shared
        .metrics
        .latency
        .get_or_create(&RouteLabels { route })
        .observe(elapsed.as_secs_f64());
    response
}

async fn answer(shared: &Shared, request: Request, next: Next) -> Response {
    if let Some(token) = &shared.config.token {
        if !authorized(&request, token) {
            return ServeError::Unauthorized.into_response();
        }
    }
    shared.metrics.in_flight.inc();
    let limited = async {
        // The semaphore is never closed; a request answers either way.
        let _permit = shared.permits.acquire().await;
        next.run(request).await
    };
    let response = match tokio::time::timeout(shared.config.timeout, limited).await {
        Ok(response) => response,
        Err(_) => ServeError::Timeout {
            millis: shared.config.timeout.as_millis(),
        }
        .into_response(),
    };
    shared.metrics.in_flight.dec();
    response
}

/// Whether the request carries the token: `Authorization: Bearer TOKEN`,
/// compared in constant time.
fn authorized(request: &Request, token: &str) -> bool {
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    bool::from(given.trim().as_bytes().ct_eq(token.as_bytes()))
}

/// The client's request id when it is a short visible-ASCII word, else a
/// new one: the process's start time and a counter, in hex.
fn request_id(request: &Request) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    static START: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    if let Some(given) = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()) {
        if !given.is_empty() && given.len() <= 128 && given.bytes().all(|b| b.is_ascii_graphic()) {
            return given.to_string();
        }
    }
    let start = START.get_or_init(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    });
    format!("{start:x}-{:x}", NEXT.fetch_add(1, Ordering::Relaxed))
}
