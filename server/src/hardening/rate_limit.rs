//! Per-caller rate limits on writes (create, cancel, delete partial cluster, dismiss) and on
//! pre-flights, for the REST routes and the server functions alike: over the limit, 429 with
//! `Retry-After` and [`AppError::TooManyRequests`], which the REST routes spell `{code:
//! "too_many_requests", message, retry_after_seconds}` and a server function's caller decodes
//! as its own error (so the modal shows the message).
//!
//! The limiter is `governor`'s keyed GCRA limiter, keyed by the caller's object id: a
//! maintained, lock-free implementation whose per-key state is one timestamp, rather than
//! hand-written token buckets. Its default store grows with the callers seen, so it is trimmed
//! of idle callers now and then ([`RateLimits::check`]).
//!
//! Runs inside the session guard, which has put the [`Caller`] into the request; requests
//! without one never reach a write.

use crate::config::Limits;
use app::api::provision::cancel_provision::CancelProvision;
use app::api::provision::delete_partial_cluster::DeletePartialCluster;
use app::api::provision::dismiss_failed_provision::DismissFailedProvision;
use app::api::provision::run_preflight::RunPreflight;
use app::api::provision::start_provision::StartProvision;
use app::error::AppError;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use server_fn::ServerFn;
use shared::caller::Caller;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Checks between two trims of idle callers.
const TRIM_EVERY: u64 = 1024;

/// What kind of request counts against a limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limited {
    /// Creates, cancels, deletes a partial cluster, or dismisses a failure.
    Write,
    /// Runs a pre-flight.
    Preflight,
}

/// The limiters, shared by every request.
#[derive(Clone)]
pub struct RateLimits {
    writes: Arc<DefaultKeyedRateLimiter<String>>,
    preflights: Arc<DefaultKeyedRateLimiter<String>>,
    checks: Arc<AtomicU64>,
}

impl RateLimits {
    /// Limiters allowing `limits`' rates per caller.
    pub fn new(limits: &Limits) -> Self {
        let per_minute = |n: u32| Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN));
        Self {
            writes: Arc::new(RateLimiter::keyed(per_minute(limits.writes_per_minute))),
            preflights: Arc::new(RateLimiter::keyed(per_minute(limits.preflights_per_minute))),
            checks: Arc::new(AtomicU64::new(0)),
        }
    }

    /// `Ok` when `caller` may send one more `kind` request now, else how long to wait.
    pub fn check(&self, kind: Limited, caller: &str) -> Result<(), Duration> {
        let limiter = match kind {
            Limited::Write => &self.writes,
            Limited::Preflight => &self.preflights,
        };
        if self.checks.fetch_add(1, Ordering::Relaxed) % TRIM_EVERY == TRIM_EVERY - 1 {
            self.writes.retain_recent();
            self.preflights.retain_recent();
        }
        limiter
            .check_key(&caller.to_owned())
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

/// Which limit `method` `path` counts against, if any, and whether it is a server function
/// (whose caller decodes an [`AppError`]) rather than a REST route.
pub fn limited(method: &Method, path: &str) -> Option<(Limited, bool)> {
    if *method != Method::POST {
        return None;
    }
    let under = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| !rest.is_empty())
    };
    let rest_write = path == "/api/aks/provision"
        || under("/api/aks/cancel-provision/")
        || under("/api/aks/delete-partial-cluster/")
        || (path.starts_with("/api/aks/recent-failed-provisions/") && path.ends_with("/dismiss"));
    let server_fn_write = [
        StartProvision::PATH,
        CancelProvision::PATH,
        DeletePartialCluster::PATH,
        DismissFailedProvision::PATH,
    ]
    .contains(&path);
    if rest_write || server_fn_write {
        Some((Limited::Write, server_fn_write))
    } else if path == "/api/aks/preflight" {
        Some((Limited::Preflight, false))
    } else if path == RunPreflight::PATH {
        Some((Limited::Preflight, true))
    } else {
        None
    }
}

/// Refuses a caller's write or pre-flight over its rate with 429 and `Retry-After`.
pub async fn limit_rate(
    State(limits): State<RateLimits>,
    request: Request,
    next: Next,
) -> Response {
    let limited = limited(request.method(), request.uri().path());
    let caller = request.extensions().get::<Caller>();
    if let (Some((kind, server_fn)), Some(caller)) = (limited, caller)
        && let Err(wait) = limits.check(kind, &caller.object_id)
    {
        let seconds = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
        let what = match kind {
            Limited::Write => "changes",
            Limited::Preflight => "pre-flight checks",
        };
        tracing::info!(object_id = %caller.object_id, ?kind, seconds, "rate limited");
        let error = AppError::TooManyRequests {
            message: format!("Too many {what} in a short time. Try again in {seconds} s."),
            retry_after_seconds: i64::try_from(seconds).unwrap_or(i64::MAX),
        };
        return if server_fn {
            super::server_fn_refusal(&error)
        } else {
            crate::rest::error_response(error)
        };
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_preflights_are_recognised_by_path() {
        let post = Method::POST;
        for path in [
            "/api/aks/provision",
            "/api/aks/cancel-provision/abc",
            "/api/aks/delete-partial-cluster/abc",
            "/api/aks/recent-failed-provisions/abc/dismiss",
            StartProvision::PATH,
            CancelProvision::PATH,
            DeletePartialCluster::PATH,
            DismissFailedProvision::PATH,
        ] {
            let server_fn = !path.starts_with("/api/aks/");
            assert_eq!(
                limited(&post, path),
                Some((Limited::Write, server_fn)),
                "{path}"
            );
        }
        assert_eq!(
            limited(&post, "/api/aks/preflight"),
            Some((Limited::Preflight, false))
        );
        assert_eq!(
            limited(&post, RunPreflight::PATH),
            Some((Limited::Preflight, true))
        );
        for (method, path) in [
            (Method::GET, "/api/aks/provision"),
            (Method::GET, "/api/tasks/abc"),
            (Method::POST, "/api/aks/cancel-provision/"),
            (Method::GET, "/api/aks/recent-failed-provisions"),
            (Method::POST, "/auth/sign-out"),
        ] {
            assert_eq!(limited(&method, path), None, "{method} {path}");
        }
    }

    #[test]
    fn each_caller_has_its_own_allowance() {
        let limits = RateLimits::new(&Limits {
            max_running_jobs: 10,
            writes_per_minute: 2,
            preflights_per_minute: 1,
        });
        assert!(limits.check(Limited::Write, "alice").is_ok());
        assert!(limits.check(Limited::Write, "alice").is_ok());
        let wait = limits.check(Limited::Write, "alice").err();
        assert!(
            wait.is_some_and(|w| w > Duration::ZERO && w <= Duration::from_secs(30)),
            "{wait:?}"
        );
        assert!(
            limits.check(Limited::Write, "bob").is_ok(),
            "bob is not alice"
        );
        assert!(
            limits.check(Limited::Preflight, "alice").is_ok(),
            "a separate limit"
        );
        assert!(limits.check(Limited::Preflight, "alice").is_err());
    }
}
