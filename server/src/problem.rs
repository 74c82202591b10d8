//! Failures of a request -> `application/problem+json` responses (RFC
//! 9457): each with Charter's stable code (docs/language.md § 3.2), an HTTP
//! status in the 4xx range for anything a client sent, and the
//! diagnostics where the checker gave some.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use charter::diagnostic::JsonDiagnostic;
use miette::Diagnostic as _;

/// Why a request was not answered. Every variant has a code; the status a
/// client sees follows from it ([`ServeError::status`]).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ServeError {
    #[error("no policy is served as `{name}`")]
    #[diagnostic(code("charter::unknown-policy"))]
    UnknownPolicy {
        name: String,
        #[help]
        help: String,
    },
    #[error("no endpoint `{path}`")]
    #[diagnostic(code("charter::not-found"), help("`GET /v1/openapi.json` lists the endpoints"))]
    NotFound { path: String },
    #[error("`{path}` does not answer `{method}`")]
    #[diagnostic(
        code("charter::method-not-allowed"),
        help("`GET /v1/openapi.json` lists each endpoint's methods")
    )]
    MethodNotAllowed { method: String, path: String },
    #[error("{0}")]
    #[diagnostic(
        code("charter::bad-request"),
        help("the body is one JSON document: docs/server.md shows each endpoint's")
    )]
    BadRequest(String),
    #[error("the body is larger than {limit} bytes")]
    #[diagnostic(
        code("charter::body-too-large"),
        help("`charter serve --max-body BYTES` sets the limit")
    )]
    BodyTooLarge { limit: usize },
    #[error("this server answers only requests with its bearer token")]
    #[diagnostic(
        code("charter::unauthorized"),
        help("send `Authorization: Bearer TOKEN` with the token in the file `--token-file` names")
    )]
    Unauthorized,
    #[error("the request took longer than {millis} ms")]
    #[diagnostic(code("charter::timeout"), help("`charter serve --timeout-ms` sets the limit"))]
    Timeout { millis: u128 },
    #[error("the server is shutting down")]
    #[diagnostic(code("charter::not-ready"))]
    NotReady,
    #[error("{message}")]
    Facts {
        /// `charter::bad-facts`, or the narrower `charter::unknown-party`
        /// or `charter::invalid-date` when that is what the value is.
        code: String,
        message: String,
        #[help]
        help: Option<String>,
    },
    #[error("the query does not check: {message}")]
    Query {
        /// The first diagnostic's code.
        code: String,
        message: String,
        diagnostics: Vec<JsonDiagnostic>,
    },
    #[error("the {what} could not be evaluated: {message}")]
    #[diagnostic(code("charter::eval"))]
    Eval { what: &'static str, message: String },
    #[error("`{until}` is more than {years} years after the policy's adoption")]
    #[diagnostic(code("charter::horizon-too-far"), help("give an earlier `until`"))]
    HorizonTooFar { until: String, years: i64 },
    #[error("`{0}` is not a date written YYYY-MM-DD")]
    #[diagnostic(code("charter::invalid-date"))]
    InvalidDate(String),
    #[error("the server failed to answer: {0}")]
    #[diagnostic(code("charter::internal"))]
    Internal(String),
}

impl ServeError {
    /// The stable code.
    pub fn code(&self) -> String {
        match self {
            ServeError::Query { code, .. } | ServeError::Facts { code, .. } => code.clone(),
            ServeError::UnknownPolicy { .. }
            | ServeError::NotFound { .. }
            | ServeError::MethodNotAllowed { .. }
            | ServeError::BadRequest(_)
            | ServeError::BodyTooLarge { .. }
            | ServeError::Unauthorized
            | ServeError::Timeout { .. }
            | ServeError::NotReady
            | ServeError::Eval { .. }
            | ServeError::HorizonTooFar { .. }
            | ServeError::InvalidDate(_)
            | ServeError::Internal(_) => {
                miette::Diagnostic::code(self).map_or_else(|| "charter::internal".to_string(), |c| c.to_string())
            }
        }
    }

    /// The HTTP status: 404 for what does not exist, 400 for a body that is
    /// not what the endpoint reads, 422 for values that do not fit the
    /// policy, 5xx only for the server's own limits and failures.
    pub fn status(&self) -> StatusCode {
        match self {
            ServeError::UnknownPolicy { .. } | ServeError::NotFound { .. } => StatusCode::NOT_FOUND,
            ServeError::Query { code, .. } if code == "charter::unknown-rule" => StatusCode::NOT_FOUND,
            ServeError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ServeError::BadRequest(_) | ServeError::InvalidDate(_) => StatusCode::BAD_REQUEST,
            ServeError::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ServeError::Unauthorized => StatusCode::UNAUTHORIZED,
            ServeError::Timeout { .. } | ServeError::NotReady => StatusCode::SERVICE_UNAVAILABLE,
            ServeError::Facts { .. }
            | ServeError::Query { .. }
            | ServeError::Eval { .. }
            | ServeError::HorizonTooFar { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ServeError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A value the facts decoder refused, under the narrowest code that
    /// says what was wrong with it.
    pub fn facts(error: &charter::FactError, place: &str) -> ServeError {
        let code = if error.message.starts_with("unknown party") {
            "charter::unknown-party"
        } else if error.message.contains("is not a calendar date") {
            "charter::invalid-date"
        } else {
            "charter::bad-facts"
        };
        ServeError::Facts {
            code: code.to_string(),
            message: format!("{place}{}: {}", error.path.trim_start_matches('$'), error.message),
            help: Some("docs/facts.md shows how each value is written".to_string()),
        }
    }

    /// The problem document (RFC 9457): `type`, `title`, `status`,
    /// `detail`, and Charter's `code`, `help` and `diagnostics`.
    pub fn document(&self) -> serde_json::Value {
        let code = self.code();
        let status = self.status();
        let mut doc = serde_json::Map::new();
        let fields = serde_json::json!({
            "type": format!("urn:charter:problem:{}", code.trim_start_matches("charter::")),
            "title": status.canonical_reason().unwrap_or("error"),
            "status": status.as_u16(),
            "detail": self.to_string(),
            "code": code,
        });
        if let serde_json::Value::Object(fields) = fields {
            doc.extend(fields);
        }
        if let Some(help) = self.help() {
            doc.insert("help".to_string(), serde_json::Value::String(help.to_string()));
        }
        if let ServeError::Query { diagnostics, .. } = self {
            doc.insert(
                "diagnostics".to_string(),
                serde_json::to_value(diagnostics).unwrap_or_default(),
            );
        }
        serde_json::Value::Object(doc)
    }
}

/// A refusal from a policy's version (a value that does not fit it, a
/// query that does not check against it): the problem document names the
/// policy and version too, and so does the `ETag`, as every answer does.
#[derive(Debug)]
pub struct Refused {
    pub error: ServeError,
    /// The policy's name and version, once a request has loaded one.
    pub from: Option<(String, String)>,
}

impl Refused {
    pub fn from_version(error: ServeError, policy: &str, version: &str) -> Refused {
        Refused {
            error,
            from: Some((policy.to_string(), version.to_string())),
        }
    }
}

impl From<ServeError> for Refused {
    fn from(error: ServeError) -> Refused {
        Refused { error, from: None }
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let Some((policy, version)) = self.from else {
            return self.error.into_response();
        };
        let mut doc = serde_json::Map::new();
        doc.insert("policy".to_string(), serde_json::Value::String(policy));
        doc.insert("version".to_string(), serde_json::Value::String(version.clone()));
        if let serde_json::Value::Object(fields) = self.error.document() {
            doc.extend(fields);
        }
        let mut response = problem_response(&self.error, &serde_json::Value::Object(doc));
        if let Ok(tag) = HeaderValue::from_str(&format!("\"{version}\"")) {
            response.headers_mut().insert(header::ETAG, tag);
        }
        response
    }
}

impl IntoResponse for ServeError {
    fn into_response(self) -> Response {
        let doc = self.document();
        problem_response(&self, &doc)
    }
}

fn problem_response(error: &ServeError, doc: &serde_json::Value) -> Response {
    let status = error.status();
    let body = serde_json::to_vec(doc).unwrap_or_default();
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if matches!(error, ServeError::Unauthorized) {
        headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

/// A file or check failure as `charter check --format json` prints an
/// error without a place: `code`, `severity`, `message`, `help`.
pub fn error_json(error: &dyn miette::Diagnostic) -> serde_json::Value {
    serde_json::json!({
        "code": error.code().map_or_else(|| "charter::error".to_string(), |c| c.to_string()),
        "severity": "error",
        "message": error.to_string(),
        "help": error.help().map(|h| h.to_string()),
    })
}
