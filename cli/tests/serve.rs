//! `charter serve` on loopback: the API and its problem documents, hot
//! reload under traffic, the limits (body size, slow and idle clients),
//! the bearer token, and SIGTERM under load on the real binary. Every
//! request loop is bounded in count; nothing asserts how long anything
//! took.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as it should be"
)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use charter_server::{Config, Server};
use http_body_util::{BodyExt as _, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn almaty() -> PathBuf {
    repo().join("policies/almaty")
}

/// A server running in this process on 127.0.0.1:0.
struct Running {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<()>,
}

impl Running {
    async fn start(config: Config) -> Running {
        let server = Server::new(config).expect("the server starts");
        let (listener, addr) = charter_server::bind("127.0.0.1:0".parse().expect("an address"))
            .await
            .expect("binds");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let done = tokio::spawn(server.run(listener, async {
            let _ = stopped.await;
        }));
        Running {
            addr,
            stop: Some(stop),
            done,
        }
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.done).await;
    }
}

/// One keep-alive HTTP/1.1 connection.
struct Client {
    send: SendRequest<Full<Bytes>>,
    token: Option<String>,
}

struct Reply {
    status: u16,
    headers: hyper::HeaderMap,
    body: Value,
}

impl Client {
    async fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).await.expect("connects");
        let (send, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .expect("handshake");
        tokio::spawn(connection);
        Client { send, token: None }
    }

    async fn try_request(&mut self, method: &str, path: &str, body: Option<&str>) -> Result<Reply, String> {
        let mut request = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header("host", "localhost");
        if let Some(token) = &self.token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let request = request
            .body(Full::new(Bytes::from(body.unwrap_or_default().to_string())))
            .map_err(|e| e.to_string())?;
        self.send.ready().await.map_err(|e| e.to_string())?;
        let response = self.send.send_request(request).await.map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        Ok(Reply { status, headers, body })
    }

    async fn request(&mut self, method: &str, path: &str, body: Option<&str>) -> Reply {
        self.try_request(method, path, body)
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    async fn get(&mut self, path: &str) -> Reply {
        self.request("GET", path, None).await
    }

    async fn post(&mut self, path: &str, body: &str) -> Reply {
        self.request("POST", path, Some(body)).await
    }
}

fn header<'r>(reply: &'r Reply, name: &str) -> &'r str {
    reply.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// A problem document with this status and code.
fn assert_problem(reply: &Reply, status: u16, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(header(reply, "content-type"), "application/problem+json");
    assert_eq!(reply.body["code"], code, "{}", reply.body);
    assert_eq!(reply.body["status"], status);
    assert!(reply.body["type"]
        .as_str()
        .is_some_and(|t| t.starts_with("urn:charter:problem:")));
    assert!(reply.body["detail"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_answers_from_a_named_version_on_native_code() {
    the_api_answers_from_a_named_version(charter::Backend::Native).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_answers_from_a_named_version_on_the_interpreter() {
    the_api_answers_from_a_named_version(charter::Backend::Interpreter).await;
}

async fn the_api_answers_from_a_named_version(backend: charter::Backend) {
    let mut config = Config::new(vec![almaty()]);
    config.backend = backend;
    let server = Running::start(config).await;
    let version = charter_server::version_of_path(&almaty()).expect("readable");
    // The version names the files, not where the folder is.
    let elsewhere = std::env::temp_dir().join(format!("charter-serve-copy-{}", std::process::id()));
    let copy = elsewhere.join("almaty");
    std::fs::create_dir_all(copy.join("source")).expect("a folder");
    for file in [
        "modalities-2013.charter",
        "history.charter",
        "source/operating-modalities-2013.txt",
    ] {
        std::fs::copy(almaty().join(file), copy.join(file)).expect("copied");
    }
    assert_eq!(charter_server::version_of_path(&copy).expect("readable"), version);
    let _ = std::fs::remove_dir_all(&elsewhere);
    let mut client = Client::connect(server.addr).await;

    let chair = client
        .post("/v1/policies/almaty/queries/chair", r#"{"args": ["2017-09-01"]}"#)
        .await;
    assert_eq!(chair.status, 200, "{}", chair.body);
    assert_eq!(chair.body["value"], "TJK");
    assert_eq!(chair.body["policy"], "almaty");
    assert_eq!(chair.body["version"], version.as_str());
    assert_eq!(header(&chair, "etag"), format!("\"{version}\""));
    assert!(!header(&chair, "x-request-id").is_empty());

    // A batch: one answer per call, in order, an error in its place.
    let batch = client
        .post(
            "/v1/policies/almaty/queries/chair",
            r#"[{"args": ["2013-09-01"]}, {"args": ["XYZ"]}, {"args": ["2017-09-01"]}]"#,
        )
        .await;
    assert_eq!(batch.status, 200, "{}", batch.body);
    let answers = batch.body["answers"].as_array().expect("answers");
    assert_eq!(answers.len(), 3);
    assert_eq!(answers[0]["value"], "KAZ");
    assert_eq!(answers[1]["error"]["code"], "charter::unknown-party", "{}", answers[1]);
    assert_eq!(answers[1]["error"]["detail"], "$[1].args[0]: unknown party `XYZ`");
    assert_eq!(answers[2]["value"], "TJK");

    // A batch of days (on native code read straight from the bytes): the
    // reference interpreter's answers, unknowns on the days a record dated
    // by a window leaves open among them.
    let program = charter::Analysis::new(charter::files::policy_sources(&almaty()).expect("sources"))
        .program()
        .expect("checks");
    let days: Vec<String> = (2013..=2026)
        .flat_map(|y| (1..=12).map(move |m| format!("{y}-{m:02}-01")))
        .collect();
    let calls: Vec<Value> = days.iter().map(|d| json!({ "args": [d] })).collect();
    for query in ["chair", "next_chair", "term_end", "members"] {
        let batch = client
            .post(
                &format!("/v1/policies/almaty/queries/{query}"),
                &Value::Array(calls.clone()).to_string(),
            )
            .await;
        assert_eq!(batch.status, 200, "{}", batch.body);
        assert_eq!(batch.body["version"], version.as_str());
        let expected: Vec<Value> = days
            .iter()
            .map(|d| {
                let day = charter::date::parse(d).expect("a day");
                let answer = program.call(query, &[charter::Value::Date(day)]).expect("answers");
                json!({ "value": answer.value.to_json(program.bundle()) })
            })
            .collect();
        assert_eq!(batch.body["answers"], Value::Array(expected), "{query} on {backend:?}");
    }

    // A rule of the policy, on a meeting; then with its explanation.
    let meeting = json!({ "args": [{ "kind": "ministerial", "date": "2016-06-01", "host": "KGZ" }] });
    let rule = client
        .post("/v1/policies/almaty/queries/host_is_chair", &meeting.to_string())
        .await;
    assert_eq!(rule.body["value"], true, "{}", rule.body);
    let explained = json!({ "args": meeting["args"], "explain": true });
    let rule = client
        .post("/v1/policies/almaty/queries/host_is_chair", &explained.to_string())
        .await;
    assert!(rule.body["explanation"].is_object(), "{}", rule.body);

    // Query text with facts, explained; an unknown is an answer.
    let facts: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/cases/eval/som-2016-kgz-objects.json")).expect("facts"),
    )
    .expect("JSON");
    let eval = json!({ "query": "valid(decision)", "facts": facts, "explain": true });
    let valid = client.post("/v1/policies/almaty/eval", &eval.to_string()).await;
    assert_eq!(valid.body["value"], false, "{}", valid.body);
    assert!(valid.body["explanation"]["because"].is_array(), "{}", valid.body);
    let unknown = client
        .post("/v1/policies/almaty/eval", r#"{"query": "valid(baku_declaration)"}"#)
        .await;
    assert!(
        unknown.body["value"]["unknown"]["because"].is_array(),
        "{}",
        unknown.body
    );
    let many = json!({ "query": "valid(decision)", "facts": [facts, facts] });
    let many = client.post("/v1/policies/almaty/eval", &many.to_string()).await;
    assert_eq!(many.body["answers"], json!([{ "value": false }, { "value": false }]));

    // The report, the check and the status, from the same version.
    let report = client.get("/v1/policies/almaty/report?until=2020-01-01").await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert!(report.body["report"]["findings"].is_array(), "{}", report.body);
    assert_eq!(report.body["version"], version.as_str());
    let check = client.get("/v1/policies/almaty/check").await;
    assert!(check.body["diagnostics"].is_array());
    assert!(
        check.body["coverage"][0]["sentences"].is_array(),
        "{}",
        check.body["coverage"]
    );
    let status = client.get("/v1/policies/almaty").await;
    assert_eq!(status.body["version"], version.as_str());
    assert!(status.body["queries"]
        .as_array()
        .expect("queries")
        .iter()
        .any(|q| q["name"] == "host_is_chair"));
    let list = client.get("/v1/policies").await;
    assert_eq!(list.body["policies"][0]["policy"], "almaty");

    // Operations.
    let openapi = client.get("/v1/openapi.json").await;
    assert_eq!(openapi.body["openapi"], "3.1.0");
    for path in [
        "/v1/policies/{policy}/queries/{name}",
        "/v1/policies/{policy}/eval",
        "/readyz",
        "/metrics",
    ] {
        assert!(
            openapi.body["paths"][path].is_object(),
            "the OpenAPI document has {path}"
        );
    }
    assert_eq!(client.get("/healthz").await.status, 200);
    assert_eq!(client.get("/readyz").await.body["status"], "ready");
    let metrics = client.get("/metrics").await;
    let text = metrics.body.as_str().expect("text");
    assert!(text.contains("charter_http_requests_total{"), "{text}");
    assert!(text.contains("charter_decisions_total{policy=\"almaty\"}"), "{text}");
    assert!(text.contains("charter_http_request_duration_seconds_bucket"), "{text}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_refusal_is_a_problem_with_a_code() {
    let server = Running::start(Config::new(vec![almaty()])).await;
    let mut client = Client::connect(server.addr).await;
    let cases: &[(&str, &str, Option<&str>, u16, &str)] = &[
        (
            "POST",
            "/v1/policies/almty/queries/chair",
            Some(r#"{"args": ["2017-09-01"]}"#),
            404,
            "charter::unknown-policy",
        ),
        (
            "POST",
            "/v1/policies/almaty/queries/chiar",
            Some(r#"{"args": ["2017-09-01"]}"#),
            404,
            "charter::unknown-rule",
        ),
        (
            "POST",
            "/v1/policies/almaty/queries/chair)%20or%20(true",
            Some(r#"{"args": []}"#),
            404,
            "charter::unknown-rule",
        ),
        (
            "POST",
            "/v1/policies/almaty/queries/member",
            Some(r#"{"args": ["KZG", "2017-09-01"]}"#),
            422,
            "charter::unknown-party",
        ),
        (
            "POST",
            "/v1/policies/almaty/queries/chair",
            Some(r#"{"args": ["2017-02-30"]}"#),
            422,
            "charter::invalid-date",
        ),
        (
            "POST",
            "/v1/policies/almaty/queries/chair",
            Some(r#"{"args": ["2017-09-01", "2018-01-01"]}"#),
            422,
            "charter::wrong-arity",
        ),
        (
            "POST",
            "/v1/policies/almaty/queries/chair",
            Some(r#"{"args": ["2017-09-01"#),
            400,
            "charter::bad-request",
        ),
        (
            "POST",
            "/v1/policies/almaty/queries/chair",
            Some(r#"{"args": [], "args": []}"#),
            400,
            "charter::bad-request",
        ),
        (
            "POST",
            "/v1/policies/almaty/queries/chair",
            Some("42"),
            400,
            "charter::bad-request",
        ),
        (
            "POST",
            "/v1/policies/almaty/queries/chair",
            Some(""),
            400,
            "charter::bad-request",
        ),
        (
            "POST",
            "/v1/policies/almaty/queries/chair",
            Some(r#"{"argz": []}"#),
            400,
            "charter::bad-request",
        ),
        (
            "POST",
            "/v1/policies/almaty/queries/chair",
            Some(r#"{"args": "2017-09-01"}"#),
            400,
            "charter::bad-request",
        ),
        (
            "POST",
            "/v1/policies/almaty/eval",
            Some(r#"{"query": "chair(2017-02-30)"}"#),
            422,
            "charter::invalid-date",
        ),
        (
            "POST",
            "/v1/policies/almaty/eval",
            Some(r#"{"query": "chair("}"#),
            422,
            "charter::syntax",
        ),
        (
            "POST",
            "/v1/policies/almaty/eval",
            Some(r#"{"facts": {}}"#),
            400,
            "charter::bad-request",
        ),
        (
            "POST",
            "/v1/policies/almaty/eval",
            Some(r#"{"query": "true", "facts": {"m": {"date": "2016-01-01"}}}"#),
            422,
            "charter::bad-facts",
        ),
        (
            "GET",
            "/v1/policies/almaty/report?until=2020-13-01",
            None,
            400,
            "charter::invalid-date",
        ),
        (
            "GET",
            "/v1/policies/almaty/report?until=2500-01-01",
            None,
            422,
            "charter::horizon-too-far",
        ),
        (
            "GET",
            "/v1/policies/almaty/queries/chair",
            None,
            405,
            "charter::method-not-allowed",
        ),
        ("GET", "/v2/nothing", None, 404, "charter::not-found"),
    ];
    for (method, path, body, status, code) in cases {
        let reply = client.request(method, path, *body).await;
        assert_problem(&reply, *status, code);
    }
    // A refusal by the policy names the version that refused it.
    let version = charter_server::version_of_path(&almaty()).expect("readable");
    let reply = client
        .post(
            "/v1/policies/almaty/queries/member",
            r#"{"args": ["KZG", "2017-09-01"]}"#,
        )
        .await;
    assert_eq!(reply.body["version"], version.as_str());
    assert_eq!(header(&reply, "etag"), format!("\"{version}\""));
    // The query's diagnostics point into its text.
    let reply = client
        .post("/v1/policies/almaty/eval", r#"{"query": "chair(2017-02-30)"}"#)
        .await;
    assert_eq!(reply.body["diagnostics"][0]["file"], "<query>");
    server.stop().await;
}

/// Sends raw bytes on a new connection, half-closes it, and returns what
/// came back.
async fn raw(addr: SocketAddr, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connects");
    stream.write_all(bytes).await.expect("writes");
    stream.shutdown().await.expect("half-closes");
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply).await;
    String::from_utf8_lossy(&reply).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncated_and_oversized_bodies_are_refused() {
    let mut config = Config::new(vec![almaty()]);
    config.watch = false;
    let server = Running::start(config).await;
    // A body shorter than its Content-Length: the client gave up.
    let truncated = raw(
        server.addr,
        b"POST /v1/policies/almaty/queries/chair HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{\"args\": [\"2017",
    )
    .await;
    assert!(truncated.starts_with("HTTP/1.1 400"), "{truncated}");
    assert!(truncated.contains("charter::bad-request"), "{truncated}");
    // Garbage instead of HTTP.
    let garbage = raw(server.addr, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n").await;
    assert!(garbage.is_empty() || garbage.starts_with("HTTP/1.1 400"), "{garbage}");

    // 100 MB announced: refused before it is read.
    let mut stream = TcpStream::connect(server.addr).await.expect("connects");
    stream
        .write_all(b"POST /v1/policies/almaty/queries/chair HTTP/1.1\r\nhost: x\r\ncontent-length: 100000000\r\n\r\n")
        .await
        .expect("writes");
    let mut reply = vec![0u8; 4096];
    let n = stream.read(&mut reply).await.expect("reads");
    let reply = String::from_utf8_lossy(&reply[..n]).into_owned();
    assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");
    assert!(reply.contains("charter::body-too-large"), "{reply}");

    // 100 MB sent chunked, with no length: read only to the limit.
    let mut stream = TcpStream::connect(server.addr).await.expect("connects");
    let (mut read, mut write) = stream.split();
    let head = b"POST /v1/policies/almaty/queries/chair HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n";
    let chunk = {
        let mut chunk = b"100000\r\n".to_vec();
        chunk.extend(std::iter::repeat_n(b' ', 0x100000));
        chunk.extend(b"\r\n");
        chunk
    };
    let sending = async {
        write.write_all(head).await?;
        for _ in 0..100 {
            write.write_all(&chunk).await?;
        }
        write.write_all(b"0\r\n\r\n").await
    };
    let receiving = async {
        let mut reply = Vec::new();
        let _ = read.read_to_end(&mut reply).await;
        String::from_utf8_lossy(&reply).into_owned()
    };
    let (_, reply) = tokio::join!(sending, receiving);
    assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_client_is_cut_off_and_never_blocks_others() {
    let mut config = Config::new(vec![almaty()]);
    config.watch = false;
    config.header_timeout = Duration::from_secs(1);
    let server = Running::start(config).await;
    // A client sending a request head one byte at a time, never finishing it.
    let slow_addr = server.addr;
    let slow = tokio::spawn(async move {
        let mut stream = TcpStream::connect(slow_addr).await.expect("connects");
        for byte in b"GET /healthz HTTP/1.1\r\nhost: x\r\nx-slow: " {
            if stream.write_all(&[*byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // Bounded: the server closes it once the head's time is up.
        let mut rest = Vec::new();
        tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut rest))
            .await
            .is_ok()
    });
    let mut client = Client::connect(server.addr).await;
    for day in 1..=50 {
        let body = format!(r#"{{"args": ["2016-01-{:02}"]}}"#, day % 28 + 1);
        let reply = client.post("/v1/policies/almaty/queries/chair", &body).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    assert!(
        slow.await.expect("the slow client"),
        "the server closed the slow client's connection"
    );
    // A keep-alive connection idle past the head's time is closed too:
    // a new one is answered.
    let mut client = Client::connect(server.addr).await;
    assert_eq!(client.get("/healthz").await.status, 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_idle_connections_do_not_block_others() {
    let mut config = Config::new(vec![almaty()]);
    config.watch = false;
    let server = Running::start(config).await;
    let mut idle = Vec::new();
    for _ in 0..1000 {
        idle.push(TcpStream::connect(server.addr).await.expect("connects"));
    }
    let mut client = Client::connect(server.addr).await;
    for day in 1..=200 {
        let body = format!(r#"{{"args": ["2016-01-{:02}"]}}"#, day % 28 + 1);
        let reply = client.post("/v1/policies/almaty/queries/chair", &body).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let metrics = client.get("/metrics").await;
    let open = metrics
        .body
        .as_str()
        .and_then(|t| t.lines().find(|l| l.starts_with("charter_connections_open ")))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse::<f64>().ok())
        .expect("connections_open");
    assert!(open >= 1001.0, "the idle connections are open: {open}");
    drop(idle);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bearer_token_guards_every_endpoint() {
    let mut config = Config::new(vec![almaty()]);
    config.watch = false;
    config.token = Some("s3cret-token".to_string());
    let server = Running::start(config).await;
    let mut client = Client::connect(server.addr).await;
    for path in ["/healthz", "/metrics", "/v1/policies"] {
        let reply = client.get(path).await;
        assert_problem(&reply, 401, "charter::unauthorized");
        assert_eq!(header(&reply, "www-authenticate"), "Bearer");
    }
    client.token = Some("s3cret-tokem".to_string());
    assert_problem(&client.get("/v1/policies").await, 401, "charter::unauthorized");
    client.token = Some("s3cret-token".to_string());
    assert_eq!(client.get("/v1/policies").await.status, 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_time_limit_answers_503() {
    let mut config = Config::new(vec![almaty()]);
    config.watch = false;
    config.timeout = Duration::from_millis(200);
    let server = Running::start(config).await;
    // A body that never comes: the request is answered when its time is up.
    let mut stream = TcpStream::connect(server.addr).await.expect("connects");
    stream
        .write_all(b"POST /v1/policies/almaty/queries/chair HTTP/1.1\r\nhost: x\r\ncontent-length: 30\r\n\r\n{\"args\"")
        .await
        .expect("writes");
    let mut reply = vec![0u8; 4096];
    let n = stream.read(&mut reply).await.expect("reads");
    let reply = String::from_utf8_lossy(&reply[..n]).into_owned();
    assert!(reply.starts_with("HTTP/1.1 503"), "{reply}");
    assert!(reply.contains("charter::timeout"), "{reply}");
    // Others are answered meanwhile and after.
    let mut client = Client::connect(server.addr).await;
    assert_eq!(client.get("/healthz").await.status, 200);
    server.stop().await;
}

/// A policy whose rule `marker()` answers `n`.
fn marker_policy(n: usize) -> String {
    format!(
        "charter \"Marker\"\n  ref \"Case/marker\"\n  adopted 2014-01-01\n\nstate KAZ \"Republic of Kazakhstan\" sort \"Kazakhstan\"\nstate KGZ \"Kyrgyz Republic\" sort \"Kyrgyz Republic\"\n\n§ 3.i quote \"as equal participants\" {{\n  members KAZ, KGZ from 2014-01-01\n  rule marker(): int = {n}\n}}\n"
    )
}

/// Writes `text` as the folder's policy file whole (a rename), as an
/// editor saves.
fn save(dir: &Path, text: &str) {
    let temporary = dir.join("policy.charter.tmp");
    std::fs::write(&temporary, text).expect("writes");
    std::fs::rename(&temporary, dir.join("policy.charter")).expect("renames");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_under_traffic_swap_whole_versions() {
    let dir = std::env::temp_dir().join(format!("charter-serve-reload-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let dir = dir.join("marker");
    std::fs::create_dir_all(&dir).expect("a folder");
    save(&dir, &marker_policy(0));
    // Each version the test wrote, and what `marker()` answers in it.
    let written: Arc<Mutex<HashMap<String, i64>>> = Arc::new(Mutex::new(HashMap::new()));
    let first = charter_server::version_of_path(&dir).expect("readable");
    written.lock().expect("lock").insert(first.clone(), 0);
    let server = Running::start(Config::new(vec![dir.clone()])).await;

    const REQUESTS: usize = 10_000;
    const CLIENTS: usize = 8;
    let editing = Arc::new(AtomicBool::new(true));
    let answered = Arc::new(AtomicUsize::new(0));
    let mut traffic = Vec::new();
    for _ in 0..CLIENTS {
        let (addr, editing, answered) = (server.addr, editing.clone(), answered.clone());
        traffic.push(tokio::spawn(async move {
            let mut client = Client::connect(addr).await;
            let mut seen = Vec::new();
            // Bounded: a share of the 10,000, and on while edits go on (at most 5x).
            for i in 0..REQUESTS / CLIENTS * 5 {
                if i >= REQUESTS / CLIENTS && !editing.load(Ordering::Relaxed) {
                    break;
                }
                let reply = client.post("/v1/policies/marker/queries/marker", "{}").await;
                assert_eq!(reply.status, 200, "{}", reply.body);
                let version = reply.body["version"].as_str().expect("a version").to_string();
                assert_eq!(header(&reply, "etag"), format!("\"{version}\""));
                seen.push((version, reply.body["value"].as_i64().expect("an int")));
                answered.fetch_add(1, Ordering::Relaxed);
            }
            seen
        }));
    }
    let mut client = Client::connect(server.addr).await;
    let mut last_good = first;
    for edit in 1..=20usize {
        let valid = edit % 2 == 1;
        let text = if valid {
            marker_policy(edit)
        } else {
            // Does not check: an undeclared party.
            marker_policy(edit).replace("members KAZ, KGZ", "members KAZ, KZG")
        };
        save(&dir, &text);
        let version = charter_server::version_of_path(&dir).expect("readable");
        if valid {
            written.lock().expect("lock").insert(version.clone(), edit as i64);
            last_good = version.clone();
        }
        // Wait (bounded) until the server has taken the edit in.
        let mut taken = false;
        for _ in 0..1000 {
            let status = client.get("/v1/policies/marker").await.body;
            let last = &status["reload"]["last"];
            if last["version"] == version.as_str() && (last["ok"] == valid) {
                assert_eq!(status["version"], last_good.as_str(), "{status}");
                if !valid {
                    assert_eq!(last["errors"][0]["code"], "charter::unknown-party", "{status}");
                }
                taken = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(taken, "edit {edit} was taken in");
    }
    editing.store(false, Ordering::Relaxed);
    let mut versions_seen = std::collections::BTreeSet::new();
    for task in traffic {
        for (version, value) in task.await.expect("a client") {
            let written = written.lock().expect("lock");
            assert_eq!(
                written.get(&version),
                Some(&value),
                "version {version} answered {value}"
            );
            versions_seen.insert(version);
        }
    }
    assert!(answered.load(Ordering::Relaxed) >= REQUESTS);
    assert!(versions_seen.len() > 1, "the traffic saw the edits");
    let metrics = client.get("/metrics").await;
    let text = metrics.body.as_str().expect("text");
    assert!(text.contains("charter_reloads_total{policy=\"marker\"} 10"), "{text}");
    assert!(
        text.contains("charter_reload_failures_total{policy=\"marker\"} 10"),
        "{text}"
    );
    server.stop().await;
    let _ = std::fs::remove_dir_all(dir.parent().expect("a parent"));
}

#[test]
fn sigterm_finishes_the_requests_in_flight() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["serve", "--addr", "127.0.0.1:0", "--no-watch"])
        .arg(almaty())
        .env("CHARTER_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("charter serve starts");
    let mut line = String::new();
    {
        use std::io::BufRead as _;
        let stdout = child.stdout.take().expect("stdout");
        std::io::BufReader::new(stdout).read_line(&mut line).expect("a line");
    }
    let addr: SocketAddr = line
        .trim()
        .strip_prefix("listening on http://")
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("the address: {line:?}"));
    let pid = child.id().to_string();
    runtime.block_on(async move {
        // Four requests held in flight: each head and half its body sent,
        // so the server is reading them when the signal comes.
        let calls: Vec<Value> = (0..1000)
            .map(|i| json!({ "args": [format!("20{:02}-0{}-1{}", 14 + i % 10, 1 + i % 9, i % 10)] }))
            .collect();
        let body = Value::Array(calls).to_string();
        let (first, rest) = body.as_bytes().split_at(body.len() / 2);
        let mut held = Vec::new();
        for _ in 0..4 {
            let mut stream = TcpStream::connect(addr).await.expect("connects");
            let head = format!(
                "POST /v1/policies/almaty/queries/chair HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n\r\n",
                body.len()
            );
            stream.write_all(head.as_bytes()).await.expect("writes");
            stream.write_all(first).await.expect("writes");
            held.push(stream);
        }
        // Wait (bounded) until the server counts all four (and this
        // request) in flight, then SIGTERM.
        let mut observer = Client::connect(addr).await;
        // A refusal, logged at `info` with the request's id.
        let mut stream = TcpStream::connect(addr).await.expect("connects");
        let bad = r#"{"args": ["2017-13-01"]}"#;
        let head = format!(
            "POST /v1/policies/almaty/queries/chair HTTP/1.1\r\nhost: x\r\nx-request-id: logged-42\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{bad}",
            bad.len()
        );
        stream.write_all(head.as_bytes()).await.expect("writes");
        let mut reply = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut reply)).await;
        assert!(String::from_utf8_lossy(&reply).starts_with("HTTP/1.1 422"));
        let mut in_flight = 0.0;
        for _ in 0..3000 {
            let metrics = observer.get("/metrics").await;
            in_flight = metrics
                .body
                .as_str()
                .and_then(|t| t.lines().find(|l| l.starts_with("charter_http_requests_in_flight ")))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse::<f64>().ok())
                .unwrap_or(0.0);
            if in_flight >= 5.0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(in_flight >= 5.0, "the requests were in flight: {in_flight}");
        let killed = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        // Let the server take the signal in before the bodies end.
        tokio::time::sleep(Duration::from_millis(200)).await;
        for mut stream in held {
            stream.write_all(rest).await.expect("the rest of the body");
            let mut reply = Vec::new();
            // Bounded: the server closes each connection once it answered.
            tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut reply))
                .await
                .expect("the connection closes")
                .expect("an answer despite SIGTERM");
            let reply = String::from_utf8_lossy(&reply).into_owned();
            assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
            let (_, answer) = reply.split_once("\r\n\r\n").expect("a body");
            let answer: Value = serde_json::from_str(answer).expect("JSON");
            assert_eq!(answer["answers"].as_array().map(Vec::len), Some(1000));
        }
    });
    let output = child.wait_with_output().expect("it exits");
    assert!(
        output.status.success(),
        "charter serve exits 0 after SIGTERM: {:?}",
        output.status
    );
    let logs = String::from_utf8_lossy(&output.stderr);
    let refused = logs
        .lines()
        .find(|l| l.contains("id=logged-42"))
        .unwrap_or_else(|| panic!("the refusal's log line names its id:\n{logs}"));
    assert!(
        refused.contains("status=422") && refused.contains("path=\"/v1/policies/almaty/queries/chair\""),
        "{refused}"
    );
    assert!(logs.contains("shutting down"), "{logs}");
}

/// The `curl` examples of a Markdown file: each command (continued over
/// lines while a quote is open or a line ends in `\`), its path and body,
/// and the output shown under it (`# ` lines), if any.
fn curl_examples(markdown: &str) -> Vec<(String, String, String)> {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut examples = Vec::new();
    let mut index = 0;
    while let Some(line) = lines.get(index) {
        index += 1;
        if !line.starts_with("curl ") {
            continue;
        }
        let mut command = line.trim_end_matches('\\').to_string();
        let mut continued = line.ends_with('\\');
        while continued || command.matches('\'').count() % 2 == 1 {
            let Some(next) = lines.get(index) else { break };
            index += 1;
            command.push(' ');
            command.push_str(next.trim().trim_end_matches('\\'));
            continued = next.ends_with('\\');
        }
        let mut shown = String::new();
        while let Some(output) = lines.get(index).and_then(|l| l.strip_prefix("# ")) {
            shown.push_str(output);
            index += 1;
        }
        let path = command
            .split_once("localhost:8181")
            .map(|(_, rest)| rest.split_whitespace().next().unwrap_or_default().to_string())
            .unwrap_or_default();
        let body = command
            .split_once("-d '")
            .and_then(|(_, rest)| rest.rsplit_once('\''))
            .map(|(body, _)| body.to_string())
            .unwrap_or_default();
        examples.push((path, body, shown));
    }
    examples
}

/// The version in an answer, written `…` as the docs show it.
fn without_version(body: &str) -> String {
    let value: Value = serde_json::from_str(body).expect("JSON");
    let mut value = value;
    if value.get("version").is_some() {
        value["version"] = Value::String("…".to_string());
    }
    value.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_and_server_docs_curl_examples_answer_as_shown() {
    let mut config = Config::new(vec![almaty()]);
    config.watch = false;
    let server = Running::start(config).await;
    let mut client = Client::connect(server.addr).await;
    let mut asked = 0;
    for doc in ["README.md", "docs/server.md"] {
        let text = std::fs::read_to_string(repo().join(doc)).expect("readable");
        for (path, body, shown) in curl_examples(&text) {
            let reply = client.post(&path, &body).await;
            assert_eq!(reply.status, 200, "{doc}: {path} {body}: {}", reply.body);
            if !shown.is_empty() {
                assert_eq!(
                    without_version(&reply.body.to_string()),
                    without_version(&shown),
                    "{doc}: {path}"
                );
            }
            asked += 1;
        }
    }
    assert!(asked >= 4, "the docs show curl examples");
    server.stop().await;
}

#[test]
fn the_kubernetes_example_policy_checks() {
    let manifest =
        std::fs::read_to_string(repo().join("examples/server/kubernetes.yaml")).expect("the Kubernetes example");
    let mut lines = manifest
        .lines()
        .skip_while(|l| l.trim() != "example.charter: |")
        .skip(1);
    let mut policy = String::new();
    for line in lines.by_ref() {
        if !line.is_empty() && !line.starts_with("    ") {
            break;
        }
        policy.push_str(line.get(4..).unwrap_or_default());
        policy.push('\n');
    }
    let program = charter::from_files([("example.charter", policy.as_str())]).expect("the ConfigMap's policy checks");
    let day = charter::date::parse("2016-06-01").expect("a date");
    let chair = program.call("chair", &[charter::Value::Date(day)]).expect("an answer");
    assert_eq!(chair.value.to_text(program.bundle()), "KGZ");
}
