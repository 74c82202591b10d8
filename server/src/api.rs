//! Requests -> answers: the `/v1` endpoints. Each loads the policy's
//! current version once and answers from it alone, naming it in the body
//! (`version`) and the `ETag`; docs/server.md describes each endpoint, and
//! its OpenAPI document is served at `/v1/openapi.json`.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt as _;

use crate::policy::{Policy, Version};
use crate::problem::{Refused, ServeError};
use crate::Shared;

/// Batches larger than this are answered on a blocking thread, so a large
/// one does not hold up the connections sharing its worker.
const INLINE_BATCH: usize = 64;

/// A batch body larger than this (about 2,700 calls of a day) is answered
/// on a blocking thread even by native code.
const INLINE_BATCH_BYTES: usize = 64 * 1024;

/// `GET /v1/policies`: every policy served, with its version.
pub async fn list(State(shared): State<Arc<Shared>>) -> Response {
    let policies: Vec<serde_json::Value> = shared
        .policies
        .values()
        .map(|policy| {
            let current = policy.current();
            serde_json::json!({
                "policy": policy.name,
                "version": current.version,
                "title": current.program.bundle().title,
            })
        })
        .collect();
    json(StatusCode::OK, &serde_json::json!({ "policies": policies }))
}

/// `GET /v1/policies/{policy}`: its version, what it answers, and how its
/// reloads went (a refused edit's diagnostics).
pub async fn status(
    State(shared): State<Arc<Shared>>,
    policy: Result<Path<String>, PathRejection>,
) -> Result<Response, ServeError> {
    let policy = shared.policy(&path(policy)?)?;
    let current = policy.current();
    let bundle = current.program.bundle();
    let builtins = charter::builtin_names()
        .into_iter()
        .map(|name| serde_json::json!({ "name": name, "signature": charter::builtin_signature(name) }));
    let rules = bundle.rules.iter().map(|rule| {
        let params: Vec<String> = rule
            .params
            .iter()
            .zip(&rule.param_types)
            .map(|(name, ty)| format!("{name}: {}", type_name(ty)))
            .collect();
        serde_json::json!({
            "name": rule.name,
            "signature": format!("{}({}): {}", rule.name, params.join(", "), type_name(&rule.returns)),
        })
    });
    let body = serde_json::json!({
        "policy": policy.name,
        "version": current.version,
        "title": bundle.title,
        "path": policy.path.display().to_string(),
        "loaded_at": current.loaded_at,
        "reload": policy.status(),
        "queries": builtins.chain(rules).collect::<Vec<_>>(),
    });
    Ok(versioned(&current, body))
}

/// `POST /v1/policies/{policy}/queries/{name}`: a built-in query or rule by
/// name. The body `{"args": [...], "explain": false}` gives one answer; an
/// array of such objects gives one answer each, in order.
pub async fn call(
    State(shared): State<Arc<Shared>>,
    params: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Refused> {
    let (policy, name) = path(params)?;
    let policy = shared.policy(&policy)?;
    let bytes = read_body(&shared, &headers, body).await?;
    let current = policy.current();
    // One call of a built-in query over a day, the same way.
    if current.program.backend() == charter::Backend::Native
        && bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
    {
        if let Some(text) = crate::batch::answer_one(&current, &name, &bytes) {
            shared
                .metrics
                .decisions
                .get_or_create(&shared.metrics.policy(&policy.name))
                .inc();
            return Ok(versioned_text(&current, text));
        }
    }
    // A batch of a built-in query over days, asked of native code from the
    // bytes to the response's text (`crate::batch`); else the general way.
    if current.program.backend() == charter::Backend::Native
        && bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
    {
        let fast = {
            let (current, name, bytes) = (Arc::clone(&current), name.clone(), bytes.clone());
            move || day_batch(&current, &name, &bytes)
        };
        let answered = if bytes.len() > INLINE_BATCH_BYTES {
            tokio::task::spawn_blocking(fast)
                .await
                .map_err(|e| refused(ServeError::Internal(e.to_string()), &current))?
        } else {
            fast()
        };
        if let Some((text, valued)) = answered {
            shared
                .metrics
                .decisions
                .get_or_create(&shared.metrics.policy(&policy.name))
                .inc_by(valued as u64);
            return Ok(versioned_text(&current, text));
        }
    }
    let body = parse_body(&bytes)?;
    let answered = async {
        Ok(match body {
            serde_json::Value::Array(calls) => {
                let count = calls.len();
                let answer_all = {
                    let current = Arc::clone(&current);
                    move || batch(&current, &name, &calls)
                };
                let body = blocking_if(count > INLINE_BATCH, answer_all).await?;
                count_decisions(&shared, &policy, &body);
                body
            }
            single @ serde_json::Value::Object(_) => {
                let (args, explain) = call_request(&single, Place::Body)?;
                // `violations` walks a range of days: on a blocking thread.
                let mut answer = if name == "violations" {
                    let (current, args, name) = (Arc::clone(&current), args.to_vec(), name.clone());
                    tokio::task::spawn_blocking(move || call_at(&current, &name, &args, explain, Place::Body))
                        .await
                        .map_err(|e| ServeError::Internal(e.to_string()))??
                } else {
                    call_at(&current, &name, args, explain, Place::Body)?
                };
                answer.insert("query".to_string(), serde_json::Value::String(name));
                shared
                    .metrics
                    .decisions
                    .get_or_create(&shared.metrics.policy(&policy.name))
                    .inc();
                serde_json::Value::Object(answer)
            }
            serde_json::Value::Null
            | serde_json::Value::Bool(_)
            | serde_json::Value::Number(_)
            | serde_json::Value::String(_) => {
                return Err(ServeError::BadRequest(
                    "the body is an object `{\"args\": [...]}`, or an array of them".to_string(),
                ))
            }
        })
    }
    .await
    .map_err(|e| refused(e, &current))?;
    Ok(versioned(&current, answered))
}

/// `POST /v1/policies/{policy}/eval`: query text checked once with the
/// facts given, `{"query": "valid(decision)", "facts": {...}, "explain":
/// false}`; `facts` an array of fact objects gives one answer each.
pub async fn eval(
    State(shared): State<Arc<Shared>>,
    policy: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Refused> {
    let policy = shared.policy(&path(policy)?)?;
    let body = read_json(&shared, &headers, body).await?;
    let serde_json::Value::Object(mut fields) = body else {
        return Err(Refused::from(ServeError::BadRequest(
            "the body is an object `{\"query\": \"...\", \"facts\": {...}}`".to_string(),
        )));
    };
    let query = match fields.remove("query") {
        Some(serde_json::Value::String(query)) => query,
        Some(_) | None => {
            return Err(Refused::from(ServeError::BadRequest(
                "$.query: the query text, a string, is required".to_string(),
            )))
        }
    };
    let explain = explain_field(&fields, "$")?;
    let facts = fields.remove("facts");
    if let Some(unknown) = fields.keys().find(|k| *k != "explain") {
        return Err(Refused::from(ServeError::BadRequest(format!(
            "$.{unknown}: unknown field; the fields are query, facts, explain"
        ))));
    }
    let current = policy.current();
    let answered = async {
        Ok(match facts {
            Some(serde_json::Value::Array(all)) => {
                let answer_all = {
                    let current = Arc::clone(&current);
                    move || {
                        let mut prepared: Option<charter::Prepared> = None;
                        let answers: Vec<serde_json::Value> = all
                            .iter()
                            .enumerate()
                            .map(|(i, facts)| {
                                one(eval_one(
                                    &current,
                                    &query,
                                    facts,
                                    &format!("$.facts[{i}]"),
                                    explain,
                                    &mut prepared,
                                ))
                            })
                            .collect();
                        serde_json::json!({ "query": query, "answers": answers })
                    }
                };
                // Query text may ask for much: a batch of it on a blocking thread.
                let body = blocking_if(true, answer_all).await?;
                count_decisions(&shared, &policy, &body);
                body
            }
            facts => {
                let facts = facts.unwrap_or_else(|| serde_json::Value::Object(serde_json::Map::new()));
                // Query text may ask for much (`violations` over centuries):
                // it is answered on a blocking thread, never on a worker that
                // other connections share.
                let answered = {
                    let current = Arc::clone(&current);
                    move || {
                        eval_one(&current, &query, &facts, "$.facts", explain, &mut None).map(|mut answer| {
                            answer.insert("query".to_string(), serde_json::Value::String(query));
                            answer
                        })
                    }
                };
                let answer = tokio::task::spawn_blocking(answered)
                    .await
                    .map_err(|e| ServeError::Internal(e.to_string()))??;
                shared
                    .metrics
                    .decisions
                    .get_or_create(&shared.metrics.policy(&policy.name))
                    .inc();
                serde_json::Value::Object(answer)
            }
        })
    }
    .await
    .map_err(|e| refused(e, &current))?;
    Ok(versioned(&current, answered))
}

/// `GET /v1/policies/{policy}/report?until=YYYY-MM-DD`: the audit, as
/// `charter report --format json` gives it.
pub async fn report(
    State(shared): State<Arc<Shared>>,
    policy: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Response, Refused> {
    let policy = shared.policy(&path(policy)?)?;
    let until = match parameter(query.as_deref(), "until") {
        Some(text) => charter::date::parse(text).ok_or_else(|| ServeError::InvalidDate(text.to_string()))?,
        None => charter::date::from_date(jiff::Zoned::now().date()),
    };
    let current = policy.current();
    let audited = {
        let current = Arc::clone(&current);
        move || charter::audit(&current.program, until, true)
    };
    let report = async {
        tokio::task::spawn_blocking(audited)
            .await
            .map_err(|e| ServeError::Internal(e.to_string()))?
            .map_err(|e| match e {
                charter::report::ReportError::HorizonTooFar { until, years } => ServeError::HorizonTooFar {
                    until: charter::date::format(until),
                    years,
                },
                charter::report::ReportError::Eval(e) => ServeError::Eval {
                    what: "history",
                    message: e.to_string(),
                },
            })
    }
    .await
    .map_err(|e| refused(e, &current))?;
    let body = serde_json::json!({
        "policy": policy.name,
        "version": current.version,
        "report": report,
    });
    Ok(versioned(&current, body))
}

/// `GET /v1/policies/{policy}/check`: the served version's diagnostics
/// (warnings: it checked) and coverage of its legal text, as `charter
/// check --format json --coverage` gives them.
pub async fn check(
    State(shared): State<Arc<Shared>>,
    policy: Result<Path<String>, PathRejection>,
) -> Result<Response, ServeError> {
    let policy = shared.policy(&path(policy)?)?;
    let current = policy.current();
    let analysis = current.program.analysis();
    let diagnostics: Vec<charter::diagnostic::JsonDiagnostic> = analysis
        .files()
        .iter()
        .zip(analysis.diagnostics())
        .flat_map(|(file, list)| {
            list.iter()
                .map(|d| charter::diagnostic::JsonDiagnostic::new(d, &file.name, &file.text))
        })
        .collect();
    let body = serde_json::json!({
        "policy": policy.name,
        "version": current.version,
        "diagnostics": diagnostics,
        "coverage": analysis.coverage(),
    });
    Ok(versioned(&current, body))
}

/// `GET /v1/openapi.json`.
pub async fn openapi() -> Response {
    json(StatusCode::OK, crate::openapi::document())
}

/// `GET /healthz`: the process answers.
pub async fn healthz() -> Response {
    json(StatusCode::OK, &serde_json::json!({ "status": "ok" }))
}

/// `GET /readyz`: every policy has a version and the server is not
/// shutting down.
pub async fn readyz(State(shared): State<Arc<Shared>>) -> Result<Response, ServeError> {
    if shared.draining() {
        return Err(ServeError::NotReady);
    }
    let versions: serde_json::Map<String, serde_json::Value> = shared
        .policies
        .values()
        .map(|p| (p.name.clone(), serde_json::Value::String(p.current().version.clone())))
        .collect();
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "status": "ready", "policies": versions }),
    ))
}

/// `GET /metrics`: Prometheus text (OpenMetrics).
pub async fn metrics(State(shared): State<Arc<Shared>>) -> Response {
    let mut response = shared.metrics.encode().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response
}

/// No route: 404 with a problem document.
pub async fn not_found(uri: Uri) -> ServeError {
    ServeError::NotFound {
        path: uri.path().to_string(),
    }
}

/// A route that does not answer this method.
pub async fn method_not_allowed(method: Method, uri: Uri) -> ServeError {
    ServeError::MethodNotAllowed {
        method: method.to_string(),
        path: uri.path().to_string(),
    }
}

/// The answers to a batch of calls of `name` (each `{"args": [...]}`), the
/// general way: each call decoded and asked of the program (its backend
/// answering), a call that fails answered by its problem document.
pub fn batch(version: &Version, name: &str, calls: &[serde_json::Value]) -> serde_json::Value {
    let answers: Vec<serde_json::Value> = calls
        .iter()
        .enumerate()
        .map(|(i, call)| {
            let place = Place::Call(i);
            match call_request(call, place) {
                Ok((args, explain)) => one(call_at(version, name, args, explain, place)),
                Err(e) => problem_item(&e),
            }
        })
        .collect();
    serde_json::json!({ "query": name, "answers": answers })
}

/// [`crate::batch::answer`] on the body of a `queries/{name}` request: the
/// batch answered by native code, an item it cannot answer the general
/// way; `None` when the body is not a batch of days for a built-in query
/// over days. Public for the benchmark, which times it as the server's
/// work on a batch (the body's bytes to the response's text).
pub fn day_batch(version: &Version, name: &str, body: &[u8]) -> Option<(String, usize)> {
    crate::batch::answer(version, name, body, |i, day| {
        one(call_at(
            version,
            name,
            &[serde_json::Value::String(day.to_string())],
            false,
            Place::Call(i),
        ))
    })
}

/// One call: the query `name(arg1, ...)` prepared for this shape of
/// arguments (once per version), evaluated with the arguments as facts.
pub fn call_one(
    version: &Version,
    name: &str,
    args: &[serde_json::Value],
    explain: bool,
) -> Result<serde_json::Map<String, serde_json::Value>, ServeError> {
    call_at(version, name, args, explain, Place::Body)
}

/// Where a call is in the body: the body itself, or an item of a batch.
#[derive(Debug, Clone, Copy)]
enum Place {
    Body,
    Call(usize),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Body => write!(f, "$"),
            Place::Call(i) => write!(f, "$[{i}]"),
        }
    }
}

/// [`call_one`] for the call at `place` in the body (`$`, `$[3]`): a
/// value that does not decode is named by its place in the body.
fn call_at(
    version: &Version,
    name: &str,
    args: &[serde_json::Value],
    explain: bool,
    place: Place,
) -> Result<serde_json::Map<String, serde_json::Value>, ServeError> {
    if !is_name(name) {
        return Err(ServeError::Query {
            code: "charter::unknown-rule".to_string(),
            message: format!("`{name}` is no name of a rule or built-in query"),
            diagnostics: Vec::new(),
        });
    }
    if !explain && version.is_direct(name, args) {
        if let Some(answered) = call_direct(version, name, args) {
            return answer_json(version, answered);
        }
    }
    let program = &version.program;
    let names: Vec<String> = (1..=args.len()).map(|i| format!("arg{i}")).collect();
    let facts_json: serde_json::Map<String, serde_json::Value> =
        names.iter().cloned().zip(args.iter().cloned()).collect();
    let facts = program.facts(&serde_json::Value::Object(facts_json)).map_err(|mut e| {
        // `$.arg2.date` is the body's `args[1].date`.
        let rest = e.path.trim_start_matches("$.arg");
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if let (Some(n), Some(tail)) = (
            rest.get(..digits).and_then(|d| d.parse::<usize>().ok()),
            rest.get(digits..),
        ) {
            e.path = format!("$.args[{}]{tail}", n.saturating_sub(1));
        }
        ServeError::facts(&e, &place.to_string())
    })?;
    let text = format!("{name}({})", names.join(", "));
    let key: String = std::iter::once(name.to_string())
        .chain(args.iter().map(|a| shape(a).to_string()))
        .collect::<Vec<_>>()
        .join(":");
    let prepared = version
        .prepared(&key, || program.prepare(&text, &facts))
        .map_err(|d| query_failed(&d, &text))?;
    let answered = answer(&prepared, &facts, explain);
    // The same shape of JSON can decode to other types (an empty set):
    // prepare once more for exactly these facts.
    let answered = match answered {
        Err(charter::EvalFailure::Facts(_)) => {
            let prepared = program.prepare(&text, &facts).map_err(|d| query_failed(&d, &text))?;
            answer(&prepared, &facts, explain)
        }
        other => other,
    };
    answer_json(version, answered)
}

/// A call whose arguments are all days and parties, of the types its
/// query declares ([`Version::is_direct`]), asked of the program directly:
/// the same interpreter answers as through the prepared query, without
/// decoding facts. `None` when an argument does not decode (the prepared
/// path then says why, with the checker's code).
fn call_direct(
    version: &Version,
    name: &str,
    args: &[serde_json::Value],
) -> Option<Result<charter::Answer, charter::EvalFailure>> {
    let program = &version.program;
    let values: Option<Vec<charter::Value>> = args
        .iter()
        .map(|arg| {
            let text = arg.as_str()?;
            match charter::date::parse(text) {
                Some(day) => Some(charter::Value::Date(day)),
                None => program.party(text).map(charter::Value::Party),
            }
        })
        .collect();
    let answered = program.call(name, &values?).map_err(|e| match e {
        charter::QueryError::Eval(e) => charter::EvalFailure::Eval(e),
        charter::QueryError::UnknownQuery(_) | charter::QueryError::WrongArity { .. } => {
            charter::EvalFailure::Facts(e.to_string())
        }
    });
    Some(answered)
}

/// One evaluation of query text with one facts object; `prepared` keeps
/// the query checked for the facts before it, for a batch.
fn eval_one(
    version: &Version,
    query: &str,
    facts: &serde_json::Value,
    place: &str,
    explain: bool,
    prepared: &mut Option<charter::Prepared>,
) -> Result<serde_json::Map<String, serde_json::Value>, ServeError> {
    let program = &version.program;
    if !facts.is_object() {
        return Err(ServeError::BadRequest(format!("{place}: the facts are an object")));
    }
    let facts = program.facts(facts).map_err(|e| ServeError::facts(&e, place))?;
    let query_prepared = match prepared.take() {
        Some(p) => p,
        None => program.prepare(query, &facts).map_err(|d| query_failed(&d, query))?,
    };
    let mut answered = answer(&query_prepared, &facts, explain);
    let mut kept = query_prepared;
    if let Err(charter::EvalFailure::Facts(_)) = answered {
        kept = program.prepare(query, &facts).map_err(|d| query_failed(&d, query))?;
        answered = answer(&kept, &facts, explain);
    }
    *prepared = Some(kept);
    answer_json(version, answered)
}

fn answer(
    prepared: &charter::Prepared,
    facts: &charter::Facts,
    explain: bool,
) -> Result<charter::Answer, charter::EvalFailure> {
    if explain {
        prepared.explain(facts)
    } else {
        prepared.eval(facts)
    }
}

fn answer_json(
    version: &Version,
    answered: Result<charter::Answer, charter::EvalFailure>,
) -> Result<serde_json::Map<String, serde_json::Value>, ServeError> {
    let answer = answered.map_err(|e| ServeError::Eval {
        what: "query",
        message: e.to_string(),
    })?;
    let mut doc = serde_json::Map::new();
    doc.insert("value".to_string(), answer.value.to_json(version.program.bundle()));
    if let Some(explanation) = &answer.explanation {
        doc.insert(
            "explanation".to_string(),
            serde_json::to_value(explanation).unwrap_or_default(),
        );
    }
    Ok(doc)
}

/// A query that did not check: the first diagnostic's code, every
/// diagnostic placed in the query text (`<query>`).
fn query_failed(diagnostics: &[charter::diagnostic::Diagnostic], text: &str) -> ServeError {
    let placed: Vec<charter::diagnostic::JsonDiagnostic> = diagnostics
        .iter()
        .map(|d| charter::diagnostic::JsonDiagnostic::new(d, "<query>", text))
        .collect();
    let (code, message) = placed.first().map_or_else(
        || ("charter::internal".to_string(), "no diagnostic".to_string()),
        |d| (d.code.clone(), d.message.clone()),
    );
    ServeError::Query {
        code,
        message,
        diagnostics: placed,
    }
}

/// A call's arguments and whether to explain, from `{"args": [...],
/// "explain": bool}`.
fn call_request(call: &serde_json::Value, place: Place) -> Result<(&[serde_json::Value], bool), ServeError> {
    let serde_json::Value::Object(fields) = call else {
        return Err(ServeError::BadRequest(format!(
            "{place}: a call is an object `{{\"args\": [...]}}`"
        )));
    };
    if let Some(unknown) = fields.keys().find(|k| *k != "args" && *k != "explain") {
        return Err(ServeError::BadRequest(format!(
            "{place}.{unknown}: unknown field; a call's fields are args, explain"
        )));
    }
    let args = match fields.get("args") {
        Some(serde_json::Value::Array(args)) => args.as_slice(),
        None => &[],
        Some(_) => {
            return Err(ServeError::BadRequest(format!(
                "{place}.args: the arguments are an array"
            )))
        }
    };
    Ok((args, explain_field(fields, place)?))
}

fn explain_field(
    fields: &serde_json::Map<String, serde_json::Value>,
    place: impl std::fmt::Display,
) -> Result<bool, ServeError> {
    match fields.get("explain") {
        None => Ok(false),
        Some(serde_json::Value::Bool(explain)) => Ok(*explain),
        Some(_) => Err(ServeError::BadRequest(format!("{place}.explain: true or false"))),
    }
}

/// The shape of a JSON value as the facts decoder reads it (docs/facts.md):
/// calls whose arguments have one shape share a prepared query.
fn shape(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "none",
        serde_json::Value::Bool(_) => "bool",
        serde_json::Value::Number(_) => "int",
        serde_json::Value::String(s) if charter::date::parse(s).is_some() => "date",
        serde_json::Value::String(_) => "party",
        serde_json::Value::Array(_) => "set",
        serde_json::Value::Object(o) if o.contains_key("date") => "meeting",
        serde_json::Value::Object(_) => "decision",
    }
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn type_name(ty: &charter::ir::Type) -> String {
    serde_json::to_value(ty)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{ty:?}").to_lowercase())
}

/// An answer of a batch: the answer, or `{"error": problem}`.
fn one(result: Result<serde_json::Map<String, serde_json::Value>, ServeError>) -> serde_json::Value {
    match result {
        Ok(answer) => serde_json::Value::Object(answer),
        Err(e) => problem_item(&e),
    }
}

fn problem_item(error: &ServeError) -> serde_json::Value {
    serde_json::json!({ "error": error.document() })
}

fn count_decisions(shared: &Shared, policy: &Policy, body: &serde_json::Value) {
    let answered = body
        .get("answers")
        .and_then(serde_json::Value::as_array)
        .map_or(0, |a| a.iter().filter(|x| x.get("value").is_some()).count());
    shared
        .metrics
        .decisions
        .get_or_create(&shared.metrics.policy(&policy.name))
        .inc_by(answered as u64);
}

/// Runs `work` here, or on a blocking thread when `blocking`.
async fn blocking_if(
    blocking: bool,
    work: impl FnOnce() -> serde_json::Value + Send + 'static,
) -> Result<serde_json::Value, ServeError> {
    if blocking {
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| ServeError::Internal(e.to_string()))
    } else {
        Ok(work())
    }
}

/// The body as one JSON document: refused unread (413) when it says it is
/// larger than the limit, and never read past the limit; duplicate keys
/// refused, as in a facts file.
async fn read_json(shared: &Shared, headers: &HeaderMap, body: Body) -> Result<serde_json::Value, ServeError> {
    parse_body(&read_body(shared, headers, body).await?)
}

/// The body's bytes, read within the limit ([`read_json`]).
async fn read_body(shared: &Shared, headers: &HeaderMap, body: Body) -> Result<axum::body::Bytes, ServeError> {
    let limit = shared.config.max_body;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(ServeError::BodyTooLarge { limit });
    }
    let bytes = http_body_util::Limited::new(body, limit)
        .collect()
        .await
        .map_err(|e| {
            if e.is::<http_body_util::LengthLimitError>() {
                ServeError::BodyTooLarge { limit }
            } else {
                ServeError::BadRequest(format!("the body could not be read: {e}"))
            }
        })?
        .to_bytes();
    Ok(bytes)
}

/// The body as one JSON document, duplicate keys refused.
fn parse_body(bytes: &[u8]) -> Result<serde_json::Value, ServeError> {
    if bytes.is_empty() {
        return Err(ServeError::BadRequest(
            "the body is empty; it is one JSON document".to_string(),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| ServeError::BadRequest(format!("the body is not UTF-8: {e}")))?;
    crate::body::parse(text).map_err(|e| {
        ServeError::BadRequest(format!(
            "{}: {}",
            e.path,
            e.message.trim_start_matches("not valid JSON: ")
        ))
    })
}

/// A refusal from `version`: the problem names it.
fn refused(error: ServeError, version: &Version) -> Refused {
    Refused::from_version(error, &version.name, &version.version)
}

/// Path parameters, or a problem (never axum's plain-text rejection).
fn path<T>(extracted: Result<Path<T>, PathRejection>) -> Result<T, ServeError> {
    extracted
        .map(|Path(t)| t)
        .map_err(|e| ServeError::BadRequest(format!("the path: {}", e.body_text())))
}

/// A query-string parameter's raw value.
fn parameter<'q>(query: Option<&'q str>, name: &str) -> Option<&'q str> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn json(status: StatusCode, body: &serde_json::Value) -> Response {
    let mut response = (status, serde_json::to_vec(body).unwrap_or_default()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// [`versioned`] for a body already written as JSON text (which names the
/// version itself).
fn versioned_text(version: &Version, text: String) -> Response {
    let mut response = (StatusCode::OK, text).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(tag) = HeaderValue::from_str(&format!("\"{}\"", version.version)) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    response
}

/// A 200 answer from `version`: the body names it first (then the query
/// asked, then the answer), and so does the `ETag`.
fn versioned(version: &Version, body: serde_json::Value) -> Response {
    let mut response = json(StatusCode::OK, &versioned_body(version, body));
    if let Ok(tag) = HeaderValue::from_str(&format!("\"{}\"", version.version)) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    response
}

/// A response's body naming the version it was answered from: `policy`,
/// `version`, then `query` and the rest of `body`.
fn versioned_body(version: &Version, body: serde_json::Value) -> serde_json::Value {
    let mut named = serde_json::Map::new();
    named.insert("policy".to_string(), serde_json::Value::String(version.name.clone()));
    named.insert(
        "version".to_string(),
        serde_json::Value::String(version.version.clone()),
    );
    if let serde_json::Value::Object(mut fields) = body {
        if let Some(query) = fields.remove("query") {
            named.insert("query".to_string(), query);
        }
        for (key, value) in fields {
            if key != "policy" && key != "version" {
                named.insert(key, value);
            }
        }
    }
    serde_json::Value::Object(named)
}

#[cfg(test)]
#[expect(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as it should be"
)]
mod batch_tests {
    use std::path::Path;

    use super as api;
    use crate::policy::Policy;

    /// The repository's policy folders, sorted.
    fn policy_folders() -> Vec<std::path::PathBuf> {
        let policies = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies");
        let mut folders: Vec<_> = std::fs::read_dir(&policies)
            .expect("policies")
            .map(|e| e.expect("entry").path())
            .collect();
        folders.sort();
        folders
    }

    /// Every policy of the repository, each query this path answers, on
    /// the first of every month over its history (windows and term
    /// boundaries among them) and the calendar's ends: the answers read
    /// from the bytes by native code are the interpreter's, item for item
    /// (an item native code leaves open answered by the interpreter).
    #[test]
    fn native_day_batches_answer_as_the_interpreter() {
        let folders = policy_folders();
        let mut compared = 0;
        for folder in folders {
            let name = folder.file_name().expect("name").to_string_lossy().into_owned();
            let load = |backend| {
                Policy::load(&name, &folder, backend)
                    .unwrap_or_else(|e| panic!("{name}: {e:?}"))
                    .current()
            };
            let (interpreted, native) = (load(charter::Backend::Interpreter), load(charter::Backend::Native));
            if native.program.native().is_err() {
                continue;
            }
            let adopted = native.program.bundle().adopted;
            let first = charter::date::to_date(adopted).map_or(2000, |d| i32::from(d.year())) - 1;
            let mut days = vec!["0001-01-01".to_string(), "9999-12-31".to_string()];
            for year in first..=2030 {
                for month in 1..=12 {
                    days.push(format!("{year:04}-{month:02}-01"));
                }
            }
            let calls: Vec<serde_json::Value> = days.iter().map(|d| serde_json::json!({ "args": [d] })).collect();
            let body = serde_json::to_vec(&calls).expect("JSON");
            for query in ["chair", "next_chair", "term_start", "term_end", "members"] {
                let (text, _) = api::day_batch(&native, query, &body).expect("a batch of days for native code");
                let fast: serde_json::Value = serde_json::from_str(&text).expect("JSON text");
                let general = api::batch(&interpreted, query, &calls);
                assert_eq!(fast["answers"], general["answers"], "{name}: {query}");
                assert_eq!(fast["query"], query);
                assert_eq!(fast["version"].as_str(), Some(native.version.as_str()));
                compared += calls.len();
            }
        }
        assert!(compared > 10_000, "{compared}");
    }

    /// One call of a day query, answered by native code from the body's
    /// bytes to the response's text, is byte for byte the body the general
    /// path gives (from the interpreter), on every policy and query, the
    /// first of every third month over its history and the calendar's
    /// ends; a call native code leaves open goes the general way.
    #[test]
    fn native_single_calls_answer_as_the_general_path() {
        let folders = policy_folders();
        let (mut compared, mut open) = (0, 0);
        for folder in folders {
            let name = folder.file_name().expect("name").to_string_lossy().into_owned();
            let load = |backend| {
                Policy::load(&name, &folder, backend)
                    .unwrap_or_else(|e| panic!("{name}: {e:?}"))
                    .current()
            };
            let (interpreted, native) = (load(charter::Backend::Interpreter), load(charter::Backend::Native));
            let adopted = native.program.bundle().adopted;
            let first = charter::date::to_date(adopted).map_or(2000, |d| i32::from(d.year())) - 1;
            let mut days = vec!["0001-01-01".to_string(), "9999-12-31".to_string()];
            for year in first..=2030 {
                for month in [1, 4, 7, 10] {
                    days.push(format!("{year:04}-{month:02}-01"));
                }
            }
            for query in ["chair", "next_chair", "term_start", "term_end", "members"] {
                for day in &days {
                    let body = format!("{{ \"args\": [\"{day}\"] }}");
                    let Some(fast) = crate::batch::answer_one(&native, query, body.as_bytes()) else {
                        open += 1;
                        continue;
                    };
                    let mut general = api::call_one(&interpreted, query, &[serde_json::json!(day)], false)
                        .unwrap_or_else(|e| panic!("{name}: {query}({day}): {e:?}"));
                    general.insert("query".to_string(), serde_json::Value::String(query.to_string()));
                    let general = api::versioned_body(&interpreted, serde_json::Value::Object(general));
                    assert_eq!(fast, general.to_string(), "{name}: {query}({day})");
                    compared += 1;
                }
            }
        }
        assert!(compared > 2_000, "{compared} compared, {open} left to the general path");
    }

    /// The batch as clients write it is read by matching its shape; any
    /// other text is serde's to read, with the same days.
    #[test]
    fn the_canonical_shape_is_read_and_nothing_else() {
        let days =
            |calls: Option<Vec<crate::batch::DayArg<'_>>>| calls.map(|c| c.iter().map(|d| d.day).collect::<Vec<_>>());
        let day = charter::date::parse("2016-01-01").expect("a day");
        let next = day + 1;
        for text in [
            r#"[{"args":["2016-01-01"]},{"args":["2016-01-02"]}]"#,
            " [ { \"args\" : [ \"2016-01-01\" ] } ,\n\t{\"args\":[\"2016-01-02\"]} ] \n",
        ] {
            assert_eq!(
                days(crate::batch::canonical(text.as_bytes())),
                Some(vec![day, next]),
                "{text}"
            );
        }
        for text in [
            "[]",
            r#"[{"args":["2016-01-01"]}"#,
            r#"[{"args":["2016-01-01"]}] x"#,
            r#"[{"args":["2016-01-01"]},]"#,
            r#"[{"args":["2016\u002d01-01"]}]"#,
            r#"[{"args":["2016-02-30"]}]"#,
            r#"[{"args":["2016-01-01"],"explain":false}]"#,
            r#"[{"explain":false,"args":["2016-01-01"]}]"#,
            r#"[{"args":["2016-01-01","2016-01-02"]}]"#,
            r#"{"args":["2016-01-01"]}"#,
        ] {
            assert!(crate::batch::canonical(text.as_bytes()).is_none(), "{text}");
        }
        // What the shape does not read goes the general way.
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/almaty");
        let native = Policy::load("almaty", &folder, charter::Backend::Native)
            .expect("almaty")
            .current();
        for text in [
            r#"[{"args":["2016-01-01"],"explain":false}]"#,
            r#"[{"args":["2016\u002d01-01"]}]"#,
            r#"[[["2016-01-01"]]]"#,
        ] {
            assert!(api::day_batch(&native, "chair", text.as_bytes()).is_none(), "{text}");
        }
    }

    /// What is not a batch of days goes the general way whole.
    #[test]
    fn other_bodies_are_not_this_path_s() {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/almaty");
        let native = Policy::load("almaty", &folder, charter::Backend::Native)
            .expect("almaty")
            .current();
        for (query, body) in [
            ("chair", r#"[{"args": ["2016-01-01"], "explain": true}]"#),
            ("chair", r#"[{"args": ["2016-13-01"]}]"#),
            ("chair", r#"[{"args": ["2016-01-01"], "args": ["2016-01-02"]}]"#),
            ("chair", r#"[{"args": ["2016-01-01"], "other": 1}]"#),
            ("chair", r#"[{"args": ["2016-01-01", "2016-01-02"]}]"#),
            ("member", r#"[{"args": ["KAZ", "2016-01-01"]}]"#),
            ("valid", r#"[{"args": ["2016-01-01"]}]"#),
            ("chair", r#"{"args": ["2016-01-01"]}"#),
            ("chair", r#"[[["2016-01-01"]]]"#),
            ("chair", r#"[[["2016-01-01"], false]]"#),
        ] {
            assert!(
                api::day_batch(&native, query, body.as_bytes()).is_none(),
                "{query} {body}"
            );
        }
    }
}
