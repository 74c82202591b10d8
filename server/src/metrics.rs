//! What the server counts -> Prometheus text (OpenMetrics) at `/metrics`:
//! requests by route, method and status, their latencies, decisions
//! answered, reloads and refused reloads per policy, requests and
//! connections open.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The route's pattern (`/v1/policies/{policy}/queries/{name}`), never
    /// the path itself, so the label set stays small.
    pub route: String,
    pub method: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PolicyLabels {
    pub policy: String,
}

type Histograms = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// The server's metrics, registered once.
pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub latency: Histograms,
    pub decisions: Family<PolicyLabels, Counter>,
    pub reloads: Family<PolicyLabels, Counter>,
    pub reload_failures: Family<PolicyLabels, Counter>,
    pub in_flight: Gauge,
    pub connections: Gauge,
    pub refused_connections: Counter,
}

fn latency_histogram() -> Histogram {
    // 25 µs to about 13 s.
    Histogram::new(exponential_buckets(0.000_025, 2.0, 20))
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("charter");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: Histograms = Family::new_with_constructor(latency_histogram);
        let decisions = Family::<PolicyLabels, Counter>::default();
        let reloads = Family::<PolicyLabels, Counter>::default();
        let reload_failures = Family::<PolicyLabels, Counter>::default();
        let in_flight = Gauge::default();
        let connections = Gauge::default();
        let refused_connections = Counter::default();
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        registry.register(
            "http_request_duration_seconds",
            "Time from a request's head to its response",
            latency.clone(),
        );
        registry.register(
            "decisions",
            "Answers given (each call of a batch counts)",
            decisions.clone(),
        );
        registry.register("reloads", "Edits checked and swapped in", reloads.clone());
        registry.register(
            "reload_failures",
            "Edits refused (the last good version kept serving)",
            reload_failures.clone(),
        );
        registry.register("http_requests_in_flight", "Requests being answered", in_flight.clone());
        registry.register("connections_open", "Client connections open", connections.clone());
        registry.register(
            "connections_refused",
            "Connections closed at once because too many were open",
            refused_connections.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            decisions,
            reloads,
            reload_failures,
            in_flight,
            connections,
            refused_connections,
        }
    }

    /// The text exposition.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }

    pub fn policy(&self, name: &str) -> PolicyLabels {
        PolicyLabels {
            policy: name.to_string(),
        }
    }
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}
