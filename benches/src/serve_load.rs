//! `charter-serve-bench [--quick]`: `charter serve` under load on
//! loopback, against a server on the same stack (the same accept loop,
//! hyper and axum) that answers every request with a fixed body — the
//! most this machine's loopback and HTTP stack allow — measured in the
//! same run. A hyper client keeps one connection per worker and sends
//! requests back to back for a fixed time at concurrency 1, 16 and 64:
//! single decisions (`chair(d)` by name), batches of 100, then the time
//! one batch of 10,000 decisions takes end to end and in the server's
//! evaluation alone. Server and client share the machine's cores.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::rt::TokioIo;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    if let Some(bad) = args.iter().find(|a| a.as_str() != "--quick") {
        eprintln!("usage: charter-serve-bench [--quick] (unknown argument `{bad}`)");
        std::process::exit(2);
    }
    let seconds = if quick { 1.0 } else { 3.0 };
    let policy = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/almaty");
    let Ok(server_runtime) = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    else {
        eprintln!("no runtime");
        std::process::exit(2);
    };
    let mut config = charter_server::Config::new(vec![policy.clone()]);
    config.watch = false;
    config.max_body = 16 * 1024 * 1024;
    config.max_concurrency = 1024;
    let started = server_runtime.block_on(start(config));
    let (charter_addr, fixed_addr, server) = match started {
        Ok(started) => started,
        Err(e) => {
            eprintln!("the servers did not start: {e}");
            std::process::exit(2);
        }
    };
    let Ok(client_runtime) = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    else {
        eprintln!("no runtime");
        std::process::exit(2);
    };
    let single = Bytes::from_static(br#"{"args": ["2017-09-01"]}"#);
    let batch100 = Bytes::from(batch(100));
    let path = "/v1/policies/almaty/queries/chair";
    println!("| workload | concurrency | requests/s | decisions/s | p50 | p99 | vs fixed body | failed |");
    println!("|---|---|---|---|---|---|---|---|");
    for concurrency in [1usize, 16, 64] {
        let duration = Duration::from_secs_f64(seconds);
        let fixed = client_runtime.block_on(load(fixed_addr, "/", single.clone(), concurrency, duration));
        let decisions = client_runtime.block_on(load(charter_addr, path, single.clone(), concurrency, duration));
        let batches = client_runtime.block_on(load(charter_addr, path, batch100.clone(), concurrency, duration));
        row("fixed body (the limit)", concurrency, &fixed, 0, &fixed);
        row("single decision", concurrency, &decisions, 1, &fixed);
        row("batch of 100", concurrency, &batches, 100, &fixed);
    }
    // One batch of 10,000, end to end (JSON in and out, on loopback) ...
    let batch10k = Bytes::from(batch(10_000));
    let big = client_runtime.block_on(async {
        let mut times = Vec::new();
        for _ in 0..if quick { 10 } else { 30 } {
            times.extend(load_n(charter_addr, path, batch10k.clone(), 1).await.latencies);
        }
        times
    });
    // ... and the server's own work on it, without HTTP: on native code
    // (the default backend) the batch read from the body's bytes, each day
    // asked of native code and the response's JSON text written
    // (`api::day_batch`); and the general way, which the interpreter backend
    // takes: the body parsed to JSON values, each call decoded and answered.
    let version = server.policies.get("almaty").map(|p| p.current());
    let text = batch(10_000);
    let runs = if quick { 10 } else { 30 };
    let mut native_work = Vec::new();
    let mut general_work = Vec::new();
    if let Some(version) = &version {
        for _ in 0..runs {
            let start = Instant::now();
            let answered = charter_server::api::day_batch(version, "chair", text.as_bytes());
            native_work.push(start.elapsed());
            assert!(
                answered.is_some_and(|(_, valued)| valued == 10_000),
                "the native batch path answers every day"
            );
        }
        let interpreted =
            charter_server::policy::Policy::load("almaty", &policy, charter::Backend::Interpreter).map(|p| p.current());
        if let Ok(interpreted) = interpreted {
            for _ in 0..runs {
                let start = Instant::now();
                let calls = charter_server::body::parse(&text);
                if let Ok(serde_json::Value::Array(calls)) = calls {
                    let _ = std::hint::black_box(charter_server::api::batch(&interpreted, "chair", &calls).to_string());
                }
                general_work.push(start.elapsed());
            }
        }
    }
    println!();
    println!(
        "batch of 10,000 chair(d) decisions ({} KB): end to end p50 {} (p99 {}); the server's work on native code (bytes to response text) p50 {} (p99 {}); the general way on the interpreter (parse, answer, write) p50 {}",
        text.len() / 1024,
        ms(percentile(&big, 0.5)),
        ms(percentile(&big, 0.99)),
        ms(percentile(&native_work, 0.5)),
        ms(percentile(&native_work, 0.99)),
        ms(percentile(&general_work, 0.5)),
    );
    drop(server_runtime);
}

type Started = (SocketAddr, SocketAddr, Arc<charter_server::Shared>);

/// Starts the decision server and the fixed-body server on 127.0.0.1:0.
async fn start(config: charter_server::Config) -> Result<Started, charter_server::StartError> {
    let server = charter_server::Server::new(config.clone())?;
    let shared = Arc::clone(server.shared());
    let loopback: SocketAddr = SocketAddr::from(([127, 0, 0, 1], 0));
    let (listener, charter_addr) = charter_server::bind(loopback).await?;
    tokio::spawn(server.run(listener, std::future::pending()));
    let (listener, fixed_addr) = charter_server::bind(loopback).await?;
    let fixed = axum::Router::new().route("/", axum::routing::post(fixed_body));
    tokio::spawn(async move {
        let connections = charter_server::Connections {
            limits: &config,
            metrics: None,
        };
        charter_server::serve_router(listener, fixed, connections, std::future::pending(), || {}).await;
    });
    Ok((charter_addr, fixed_addr, shared))
}

/// What a single decision answers, as the decision server writes it.
async fn fixed_body(_body: Bytes) -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        r#"{"value":"TJK","query":"chair","policy":"almaty","version":"0123456789abcdef"}"#,
    )
}

fn day(i: usize) -> String {
    format!("{}-{:02}-{:02}", 2013 + i % 80, 1 + i % 12, 1 + i % 28)
}

/// A batch body of `n` calls of `chair` on different days.
fn batch(n: usize) -> String {
    let calls: Vec<serde_json::Value> = (0..n).map(|i| serde_json::json!({ "args": [day(i)] })).collect();
    serde_json::Value::Array(calls).to_string()
}

struct Run {
    latencies: Vec<Duration>,
    elapsed: Duration,
    failed: usize,
}

/// `concurrency` connections sending `body` back to back for `duration`
/// (after a short warm-up).
async fn load(addr: SocketAddr, path: &'static str, body: Bytes, concurrency: usize, duration: Duration) -> Run {
    let _ = drive(
        addr,
        path,
        body.clone(),
        concurrency,
        Duration::from_millis(300),
        usize::MAX,
    )
    .await;
    drive(addr, path, body, concurrency, duration, usize::MAX).await
}

/// `requests` requests on one connection.
async fn load_n(addr: SocketAddr, path: &'static str, body: Bytes, requests: usize) -> Run {
    drive(addr, path, body, 1, Duration::from_secs(600), requests).await
}

async fn drive(
    addr: SocketAddr,
    path: &'static str,
    body: Bytes,
    concurrency: usize,
    duration: Duration,
    requests: usize,
) -> Run {
    let start = Instant::now();
    let deadline = start + duration;
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let body = body.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut failed = 0;
                let Ok(stream) = tokio::net::TcpStream::connect(addr).await else {
                    return (latencies, 1);
                };
                let _ = stream.set_nodelay(true);
                let Ok((mut send, connection)) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await
                else {
                    return (latencies, 1);
                };
                tokio::spawn(connection);
                while Instant::now() < deadline && latencies.len() < requests {
                    let sent = Instant::now();
                    let Ok(request) = hyper::Request::post(path)
                        .header("host", "localhost")
                        .header("content-type", "application/json")
                        .body(Full::new(body.clone()))
                    else {
                        return (latencies, failed + 1);
                    };
                    if send.ready().await.is_err() {
                        return (latencies, failed + 1);
                    }
                    match send.send_request(request).await {
                        Ok(response) => {
                            let ok = response.status().is_success();
                            let read = response.into_body().collect().await.is_ok();
                            if ok && read {
                                latencies.push(sent.elapsed());
                            } else {
                                failed += 1;
                            }
                        }
                        Err(_) => return (latencies, failed + 1),
                    }
                }
                (latencies, failed)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut failed = 0;
    for worker in workers {
        match worker.await {
            Ok((mine, f)) => {
                latencies.extend(mine);
                failed += f;
            }
            Err(_) => failed += 1,
        }
    }
    Run {
        latencies,
        elapsed: start.elapsed(),
        failed,
    }
}

fn percentile(times: &[Duration], p: f64) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    let at = ((sorted.len() as f64 * p) as usize).min(sorted.len().saturating_sub(1));
    sorted.get(at).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn per_second(run: &Run) -> f64 {
    run.latencies.len() as f64 / run.elapsed.as_secs_f64().max(1e-9)
}

fn row(name: &str, concurrency: usize, run: &Run, per_request: usize, fixed: &Run) {
    let rps = per_second(run);
    let decisions = if per_request == 0 {
        "-".to_string()
    } else {
        format!("{:.0}", rps * per_request as f64)
    };
    println!(
        "| {name} | {concurrency} | {rps:.0} | {decisions} | {} | {} | {:.0}% | {} |",
        ms(percentile(&run.latencies, 0.5)),
        ms(percentile(&run.latencies, 0.99)),
        100.0 * rps / per_second(fixed).max(1e-9),
        run.failed,
    );
}
