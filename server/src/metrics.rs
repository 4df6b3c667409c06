//! Prometheus metrics at `GET /metrics`, in the text exposition format, through
//! `prometheus-client` (the Prometheus project's own Rust client):
//!
//! | metric | labels | what |
//! |---|---|---|
//! | `dashboard_jobs` | `status` | jobs in the database by status (read at each scrape: every replica reports the same) |
//! | `dashboard_arm_requests_total` | `method`, `status` | ARM requests this replica sent, by HTTP status (`transport` when none came) |
//! | `dashboard_arm_request_duration_seconds` | `method` | their latency |
//! | `dashboard_http_request_duration_seconds` | `method`, `route`, `status` | requests this replica answered, by route template |
//! | `dashboard_lease_takeovers_total` | | jobs and deletions this replica took over from a replica that died or handed them back |
//! | `dashboard_leases_lost_total` | | tasks this replica halted because another replica took their lease |
//!
//! One registry per process (a process serves one dashboard), so the ARM client, the sweep and
//! the HTTP layer record without a handle threaded through every constructor. The labels are
//! bounded: route templates, never paths with ids. Nothing identifies a caller. With
//! `METRICS_TOKEN` set, a scrape must send it as a bearer token. Without one the page is public in
//! sandbox mode and off (404) in azure mode, where the job counts are a deployment's business.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

/// The content type of the text exposition format.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ArmLabels {
    method: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MethodLabel {
    method: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabel {
    status: String,
}

type Latencies<L> = Family<L, Histogram, fn() -> Histogram>;

/// Latency buckets from 5 ms to about 20 s.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.005, 2.0, 13))
}

/// Who may read `/metrics`.
#[derive(Clone, Debug)]
pub enum MetricsAccess {
    /// Anyone (sandbox mode without a token).
    Public,
    /// Whoever sends this bearer token (`METRICS_TOKEN`).
    Token(crate::secret::Secret),
    /// Nobody: the route answers 404 (azure mode without a token).
    Off,
}

/// The process's metrics.
pub struct Metrics {
    registry: Registry,
    http_latency: Latencies<HttpLabels>,
    arm_requests: Family<ArmLabels, Counter>,
    arm_latency: Latencies<MethodLabel>,
    lease_takeovers: Counter,
    leases_lost: Counter,
    jobs: Family<StatusLabel, Gauge>,
    /// One scrape at a time sets the jobs gauge and encodes it.
    rendering: std::sync::Mutex<()>,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

/// The process's metrics.
pub fn metrics() -> &'static Metrics {
    &METRICS
}

/// What became of an ARM request, for its status label.
pub enum ArmOutcome {
    /// ARM answered with this HTTP status.
    Status(u16),
    /// No answer came (connection refused, reset, timed out).
    Transport,
}

impl Metrics {
    fn new() -> Self {
        let mut registry = Registry::with_prefix("dashboard");
        let http_latency = Latencies::<HttpLabels>::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Requests answered, by route template",
            http_latency.clone(),
        );
        let arm_requests = Family::<ArmLabels, Counter>::default();
        registry.register("arm_requests", "ARM requests sent", arm_requests.clone());
        let arm_latency = Latencies::<MethodLabel>::new_with_constructor(latency_histogram);
        registry.register(
            "arm_request_duration_seconds",
            "ARM request latency",
            arm_latency.clone(),
        );
        let lease_takeovers = Counter::default();
        registry.register(
            "lease_takeovers",
            "Jobs and deletions taken over from another replica",
            lease_takeovers.clone(),
        );
        let leases_lost = Counter::default();
        registry.register(
            "leases_lost",
            "Tasks halted because another replica took their lease",
            leases_lost.clone(),
        );
        let jobs = Family::<StatusLabel, Gauge>::default();
        registry.register("jobs", "Jobs in the database by status", jobs.clone());
        Self {
            registry,
            http_latency,
            arm_requests,
            arm_latency,
            lease_takeovers,
            leases_lost,
            jobs,
            rendering: std::sync::Mutex::new(()),
        }
    }

    /// Records an ARM request `method` that ended as `outcome` after `elapsed`.
    pub fn observe_arm(&self, method: &str, outcome: ArmOutcome, elapsed: Duration) {
        let status = match outcome {
            ArmOutcome::Status(code) => code.to_string(),
            ArmOutcome::Transport => "transport".into(),
        };
        let method = method.to_owned();
        self.arm_requests
            .get_or_create(&ArmLabels {
                method: method.clone(),
                status,
            })
            .inc();
        self.arm_latency
            .get_or_create(&MethodLabel { method })
            .observe(elapsed.as_secs_f64());
    }

    /// Records `count` takeovers of another replica's work.
    pub fn taken_over(&self, count: usize) {
        self.lease_takeovers.inc_by(count as u64);
    }

    /// Records a task halted because its lease was lost.
    pub fn lease_lost(&self) {
        self.leases_lost.inc();
    }

    /// The exposition text, with the jobs gauge set to `jobs` (status, count).
    fn render(&self, jobs: &[(String, i64)]) -> String {
        let _one_at_a_time = self
            .rendering
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.jobs.clear();
        for (status, count) in jobs {
            self.jobs
                .get_or_create(&StatusLabel {
                    status: status.clone(),
                })
                .set(*count);
        }
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// Middleware on the routes: records each answered request under its route template.
pub async fn observe_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    metrics()
        .http_latency
        .get_or_create(&HttpLabels {
            method,
            route,
            status: response.status().as_u16(),
        })
        .observe(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`.
pub async fn serve_metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let expected = match &state.metrics_access {
        MetricsAccess::Public => None,
        MetricsAccess::Token(token) => Some(token),
        MetricsAccess::Off => return StatusCode::NOT_FOUND.into_response(),
    };
    if let Some(expected) = expected {
        let sent = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .unwrap_or_default();
        // Digests compared, so the time taken says nothing about the token.
        if Sha256::digest(sent.as_bytes()) != Sha256::digest(expected.expose().as_bytes()) {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
            )
                .into_response();
        }
    }
    let jobs = match state.store.count_jobs_by_status().await {
        Ok(jobs) => jobs,
        Err(error) => {
            tracing::warn!(%error, "metrics: cannot count the jobs");
            Vec::new()
        }
    };
    (
        [(header::CONTENT_TYPE, TEXT_FORMAT)],
        metrics().render(&jobs),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_names_every_metric_with_bounded_labels() {
        let metrics = metrics();
        metrics.observe_arm("PUT", ArmOutcome::Status(201), Duration::from_millis(30));
        metrics.observe_arm("GET", ArmOutcome::Transport, Duration::from_millis(5));
        metrics.taken_over(2);
        metrics.lease_lost();
        let text = metrics.render(&[("PROGRESS".into(), 3), ("SUCCESS".into(), 7)]);
        for expected in [
            "dashboard_arm_requests_total{method=\"PUT\",status=\"201\"}",
            "dashboard_arm_requests_total{method=\"GET\",status=\"transport\"}",
            "dashboard_arm_request_duration_seconds_bucket{le=",
            "dashboard_jobs{status=\"PROGRESS\"} 3",
            "dashboard_jobs{status=\"SUCCESS\"} 7",
            "# TYPE dashboard_lease_takeovers counter",
            "# TYPE dashboard_leases_lost counter",
        ] {
            assert!(text.contains(expected), "{expected} missing from:\n{text}");
        }
        let text = metrics.render(&[("SUCCESS".into(), 8)]);
        assert!(
            !text.contains("dashboard_jobs{status=\"PROGRESS\"}"),
            "a status with no jobs left is dropped, not kept at its last count"
        );
    }
}
