//! `charter serve`: policy folders -> an HTTP decision server. Each folder
//! is checked into a [`policy::Version`] (a `Program` named by a content
//! hash) and answered from over a JSON API (`api`); edits are watched,
//! checked and swapped in whole (`watch`); every request passes one layer
//! (`layer`: request id, bearer token, concurrency, time limit, metrics,
//! logs). [`Server::run`] serves on any listener ([`bind`] makes one), so
//! tests run it in process on `127.0.0.1:0`; `body` reads request bodies,
//! `problem` turns refusals into problem documents, `metrics` counts, and
//! docs/server.md describes the API.

pub mod api;
pub mod batch;
pub mod body;
pub mod layer;
pub mod metrics;
pub mod openapi;
pub mod policy;
pub mod problem;
pub mod watch;

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::routing::{get, post};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;

pub use policy::{version_of_path, Policy, Version};
pub use problem::ServeError;

/// How a server runs: its policies and its limits.
#[derive(Debug, Clone)]
pub struct Config {
    /// Policy files or folders, each served under its name
    /// ([`policy::name_of`]: the folder's name, or the file's stem).
    pub paths: Vec<PathBuf>,
    /// The largest body read, in bytes (larger: 413).
    pub max_body: usize,
    /// The longest a request may take once its head is read (then 503,
    /// `charter::timeout`).
    pub timeout: Duration,
    /// Requests answered at once; more wait (within their time limit).
    pub max_concurrency: usize,
    /// Connections open at once; more are closed as they arrive.
    pub max_connections: usize,
    /// The longest a client may take to send a request's head.
    pub header_timeout: Duration,
    /// How long shutdown waits for requests in flight.
    pub grace: Duration,
    /// Watch the folders and reload on edits.
    pub watch: bool,
    /// The bearer token every request must carry, if any.
    pub token: Option<String>,
    /// Which evaluator answers: native code by default (compiled once per
    /// version, before it is served; the interpreter answers what native
    /// code declines), or the reference interpreter alone.
    pub backend: charter::Backend,
}

impl Config {
    /// The defaults `charter serve` uses, for `paths`.
    pub fn new(paths: Vec<PathBuf>) -> Config {
        Config {
            paths,
            max_body: 1024 * 1024,
            timeout: Duration::from_secs(10),
            max_concurrency: 256,
            max_connections: 10_000,
            header_timeout: Duration::from_secs(10),
            grace: Duration::from_secs(30),
            watch: true,
            token: None,
            backend: charter::Backend::Native,
        }
    }
}

/// Why a server did not start.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum StartError {
    #[error("two policies would be served as `{0}`")]
    #[diagnostic(
        code("charter::usage"),
        help("each policy is served under its folder's name (or its file's stem): serve folders with different names")
    )]
    DuplicateName(String),
    #[error("the policy `{name}` does not check")]
    #[diagnostic(code("charter::policy-does-not-check"))]
    Policy {
        name: String,
        /// Its errors, as `charter check --format json` prints them.
        errors: Vec<serde_json::Value>,
    },
    #[error("cannot listen on {addr}: {message}")]
    #[diagnostic(code("charter::io"))]
    Bind { addr: String, message: String },
    #[error("cannot watch `{path}`: {message}")]
    #[diagnostic(code("charter::io"), help("`charter serve --no-watch` serves without reloading"))]
    Watch { path: String, message: String },
}

/// What every request reads: the policies, limits and metrics.
pub struct Shared {
    pub policies: BTreeMap<String, Arc<Policy>>,
    pub config: Config,
    pub metrics: metrics::Metrics,
    draining: AtomicBool,
    /// One permit a request being answered (`Config::max_concurrency`).
    permits: tokio::sync::Semaphore,
}

impl Shared {
    /// The policy served as `name`.
    pub fn policy(&self, name: &str) -> Result<Arc<Policy>, ServeError> {
        self.policies.get(name).cloned().ok_or_else(|| {
            let names: Vec<&str> = self.policies.keys().map(String::as_str).collect();
            let help = match charter::did_you_mean(name, names.iter().copied()) {
                Some(near) => format!("did you mean `{near}`? the policies are {}", names.join(", ")),
                None => format!("the policies are {}", names.join(", ")),
            };
            ServeError::UnknownPolicy {
                name: name.to_string(),
                help,
            }
        })
    }

    /// Whether shutdown has begun (`/readyz` says 503).
    pub fn draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }
}

/// A server with its policies loaded, ready to bind.
pub struct Server {
    shared: Arc<Shared>,
    _watchers: Vec<watch::Watcher>,
}

impl Server {
    /// Loads and checks every policy (none may have errors) and starts
    /// watching their folders.
    pub fn new(config: Config) -> Result<Server, StartError> {
        let mut policies = BTreeMap::new();
        for path in &config.paths {
            let name = policy::name_of(path);
            if policies.contains_key(&name) {
                return Err(StartError::DuplicateName(name));
            }
            let policy = Policy::load(&name, path, config.backend).map_err(|errors| StartError::Policy {
                name: name.clone(),
                errors,
            })?;
            policies.insert(name, Arc::new(policy));
        }
        let config_permits = config.max_concurrency.max(1);
        let shared = Arc::new(Shared {
            policies,
            config,
            metrics: metrics::Metrics::new(),
            draining: AtomicBool::new(false),
            permits: tokio::sync::Semaphore::new(config_permits),
        });
        let mut watchers = Vec::new();
        if shared.config.watch {
            for policy in shared.policies.values() {
                watchers.push(watch::Watcher::start(Arc::clone(&shared), Arc::clone(policy))?);
            }
        }
        Ok(Server {
            shared,
            _watchers: watchers,
        })
    }

    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// The router with every endpoint and the request layer.
    pub fn router(&self) -> axum::Router {
        router(Arc::clone(&self.shared))
    }

    /// Serves on `listener` until `shutdown` resolves, then stops
    /// accepting, finishes the requests in flight (within the grace
    /// period) and returns.
    pub async fn run(self, listener: TcpListener, shutdown: impl Future<Output = ()>) {
        let router = self.router();
        let shared = Arc::clone(&self.shared);
        let connections = Connections {
            limits: &shared.config,
            metrics: Some(&shared.metrics),
        };
        let draining = || shared.draining.store(true, Ordering::Relaxed);
        serve_router(listener, router, connections, shutdown, draining).await;
    }
}

/// How connections are served: the limits, and where they are counted.
#[derive(Clone, Copy)]
pub struct Connections<'a> {
    pub limits: &'a Config,
    pub metrics: Option<&'a metrics::Metrics>,
}

/// Serves `router` on `listener` (HTTP/1.1, keep-alive, a time limit on
/// each request head, at most `max_connections` open) until `shutdown`
/// resolves; then calls `draining`, stops accepting, and waits for the
/// requests in flight (within the grace period). The decision server
/// runs on it, and so does the benchmark's fixed-body server.
pub async fn serve_router(
    listener: TcpListener,
    router: axum::Router,
    connections: Connections<'_>,
    shutdown: impl Future<Output = ()>,
    draining: impl FnOnce(),
) {
    let config = connections.limits;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let open = Arc::new(tokio::sync::Semaphore::new(config.max_connections.max(1)));
    let gauge = connections.metrics.map(|m| m.connections.clone());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of descriptors and the like: wait, do not spin.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let Ok(permit) = Arc::clone(&open).try_acquire_owned() else {
            if let Some(metrics) = connections.metrics {
                metrics.refused_connections.inc();
            }
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(router.clone());
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(config.header_timeout)
            .keep_alive(true);
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        let gauge = gauge.clone();
        if let Some(gauge) = &gauge {
            gauge.inc();
        }
        tokio::spawn(async move {
            let _ = connection.await;
            if let Some(gauge) = &gauge {
                gauge.dec();
            }
            drop(permit);
        });
    }
    drop(listener);
    draining();
    tracing::info!("shutting down: finishing the requests in flight");
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("every connection closed"),
        () = tokio::time::sleep(config.grace) => tracing::warn!("grace period over; closing the rest"),
    }
}

/// Binds `addr` (a port of 0 picks one): the listener and the address it
/// got.
pub async fn bind(addr: SocketAddr) -> Result<(TcpListener, SocketAddr), StartError> {
    let bind_error = |e: std::io::Error| StartError::Bind {
        addr: addr.to_string(),
        message: e.to_string(),
    };
    let listener = TcpListener::bind(addr).await.map_err(bind_error)?;
    let local = listener.local_addr().map_err(bind_error)?;
    Ok((listener, local))
}

/// Resolves on SIGTERM or Ctrl-C (SIGINT).
pub async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        () = terminate => {},
    }
}

fn router(shared: Arc<Shared>) -> axum::Router {
    axum::Router::new()
        .route("/healthz", get(api::healthz))
        .route("/readyz", get(api::readyz))
        .route("/metrics", get(api::metrics))
        .route("/v1/openapi.json", get(api::openapi))
        .route("/v1/policies", get(api::list))
        .route("/v1/policies/{policy}", get(api::status))
        .route("/v1/policies/{policy}/queries/{name}", post(api::call))
        .route("/v1/policies/{policy}/eval", post(api::eval))
        .route("/v1/policies/{policy}/report", get(api::report))
        .route("/v1/policies/{policy}/check", get(api::check))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(Arc::clone(&shared), layer::layer))
        .with_state(shared)
}

/// Runs a server on `addr` in a runtime of its own until SIGTERM or
/// Ctrl-C: loads the policies, binds, calls `listening` with the address
/// it got, and returns once the requests in flight are answered.
pub fn serve_until_signal(
    config: Config,
    addr: SocketAddr,
    listening: impl FnOnce(SocketAddr),
) -> Result<(), StartError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| StartError::Bind {
            addr: addr.to_string(),
            message: format!("no runtime: {e}"),
        })?;
    runtime.block_on(async {
        let server = Server::new(config)?;
        let (listener, local) = bind(addr).await?;
        listening(local);
        tracing::info!(addr = %local, policies = server.shared.policies.len(), "listening");
        server.run(listener, shutdown_signal()).await;
        Ok(())
    })
}

/// Sends logs to stderr: one line of text a record, or one JSON object
/// (`json`); `CHARTER_LOG` filters them (default `info`; `debug` logs
/// every request).
pub fn init_logs(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CHARTER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false);
    // A subscriber may already be set (a test, an embedding program).
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
