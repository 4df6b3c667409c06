//! The checks ARM makes before it routes a request, in ARM's order: the bearer token (401: a
//! managed-identity token, HS256, or a user's token from the sandbox's Entra ID, RS256), the
//! api-version (400), the world's injected faults, and the subscription (404).
//!
//! The faults (keys of the world's `[faults]`, documented in the README) all strike before the
//! request reaches the control plane, so a faulted request changes nothing, as ARM's own 429
//! promises: every-n-th 429s and 503s, throttle storms, 503 bursts on reads only, and operation
//! polls that hang longer than a client waits.

use super::authorization::Caller;
use super::request::ArmRequest;
use crate::SandboxCloud;
use crate::entra::BearerError;
use crate::identity::{bearer_token, expired, invalid_token, wrong_audience};
use crate::reply::Reply;
use crate::world::World;
use axum::http::{HeaderMap, Method, StatusCode, header};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The caller and the request's api-version when the token, the api-version and the fault
/// injection let it through; otherwise the reply ARM would send. A hanging poll waits here.
pub(super) async fn admit<'q>(
    cloud: &SandboxCloud,
    method: &Method,
    path: &str,
    query: &'q [(String, String)],
    request_headers: &HeaderMap,
) -> Result<(Caller, &'q str), Box<Reply>> {
    let caller = authenticate(cloud, request_headers).await?;
    let api_version = query
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("api-version"))
        .map(|(_, v)| v.as_str());
    let Some(api_version) = api_version else {
        return Err(Box::new(Reply::arm_error(
            StatusCode::BAD_REQUEST,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        )));
    };
    if !is_api_version(api_version) {
        return Err(Box::new(Reply::arm_error(
            StatusCode::BAD_REQUEST,
            "InvalidApiVersionParameter",
            format!(
                "The api-version '{api_version}' is invalid. The supported versions are '2026-01-01,2025-10-01,2025-04-01,2024-07-01,2022-04-01,2021-07-01,2019-11-01'."
            ),
        )));
    }
    let faults = &cloud.world.faults;
    let read = matches!(*method, Method::GET | Method::HEAD);
    if read
        && is_operation_read(path)
        && every_nth(count(&cloud.operation_polls), faults.poll_hang_every_nth)
    {
        tokio::time::sleep(Duration::from_millis(faults.poll_hang_ms)).await;
    }
    match injected_fault(cloud, read) {
        Some(fault) => Err(Box::new(fault)),
        None => Ok((caller, api_version)),
    }
}

/// The caller of a request with a valid bearer token: a user signed in through the sandbox's
/// Entra ID (RS256) or the world's managed identity (HS256).
async fn authenticate(
    cloud: &SandboxCloud,
    request_headers: &HeaderMap,
) -> Result<Caller, Box<Reply>> {
    let token = bearer_token(request_headers)?;
    let algorithm = jsonwebtoken::decode_header(token)
        .map_err(|_| invalid_token())?
        .alg;
    if algorithm == jsonwebtoken::Algorithm::RS256 {
        return match cloud.entra.verify_access_token(token).await {
            Ok(claims) => Ok(Caller {
                object_id: claims.oid,
                name: claims.upn,
            }),
            Err(BearerError::Invalid) => Err(invalid_token()),
            Err(BearerError::Audience(audience)) => Err(wrong_audience(&audience)),
            Err(BearerError::Expired(exp)) => Err(expired(exp)),
        };
    }
    let claims = cloud.authority.authenticate_token(token)?;
    Ok(Caller {
        object_id: claims.oid,
        name: claims.appid,
    })
}

/// Counts the ARM request and answers the fault the world injects at this count, if any.
fn injected_fault(cloud: &SandboxCloud, read: bool) -> Option<Reply> {
    let faults = &cloud.world.faults;
    let request = count(&cloud.arm_requests);
    let read_number = read.then(|| count(&cloud.arm_reads));
    if every_nth(request, faults.throttle_every_nth_request)
        || in_burst(
            request,
            faults.throttle_burst_every,
            faults.throttle_burst_length,
        )
    {
        let wait = faults.throttle_retry_after_seconds;
        return Some(Reply::arm_error(
            StatusCode::TOO_MANY_REQUESTS,
            "SubscriptionRequestsThrottled",
            format!("Number of requests for subscription exceeded the limit. Please try again after '{wait}' seconds. Please see https://aka.ms/ARMThrottling for more details."),
        )
        .with_header(header::RETRY_AFTER, wait.to_string()));
    }
    let read_burst = read_number.is_some_and(|n| {
        in_burst(
            n,
            faults.read_error_burst_every,
            faults.read_error_burst_length,
        )
    });
    (every_nth(request, faults.server_error_every_nth_request) || read_burst).then(|| {
        Reply::arm_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "The server is currently unable to handle the request due to a temporary overload. Please retry the request later.",
        )
    })
}

/// Adds one to `counter`; answers the new count (the first request is 1).
fn count(counter: &AtomicU64) -> u64 {
    counter.fetch_add(1, Ordering::Relaxed) + 1
}

/// True for every `n`-th count; never when `n` is 0.
fn every_nth(count: u64, n: u64) -> bool {
    n > 0 && count.is_multiple_of(n)
}

/// True for the last `length` counts of every `every`; never when either is 0.
fn in_burst(count: u64, every: u64, length: u64) -> bool {
    every > 0 && length > 0 && (count - 1) % every >= every.saturating_sub(length)
}

/// A read of an operation's status: `/subscriptions/{s}/providers/Microsoft.ContainerService/
/// locations/{l}/operations|operationstatus|operationresults/{id}` (matched as the routing
/// table matches it, case-insensitively).
fn is_operation_read(path: &str) -> bool {
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    matches!(
        segments
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice(),
        [
            "subscriptions",
            _,
            "providers",
            "microsoft.containerservice",
            "locations",
            _,
            "operations" | "operationstatus" | "operationresults",
            _,
        ]
    )
}

/// 404 `SubscriptionNotFound` for a path under a subscription the world does not have.
pub(super) fn unknown_subscription(world: &World, request: &ArmRequest<'_>) -> Option<Reply> {
    let shape = request.shape();
    (shape.len() >= 2 && shape[0] == "subscriptions" && world.subscription(request.at(1)).is_none())
        .then(|| {
            Reply::arm_error(
                StatusCode::NOT_FOUND,
                "SubscriptionNotFound",
                format!("The subscription '{}' could not be found.", request.at(1)),
            )
        })
}

/// `YYYY-MM-DD` with an optional `-preview` style suffix.
fn is_api_version(value: &str) -> bool {
    let date = value.get(..10).unwrap_or("");
    let rest = value.get(10..).unwrap_or("");
    let bytes = date.as_bytes();
    let date_ok = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    date_ok
        && (rest.is_empty()
            || (rest.len() > 1
                && rest.starts_with('-')
                && rest[1..].chars().all(|c| c.is_ascii_alphanumeric())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions_are_dates_with_optional_suffix() {
        assert!(is_api_version("2025-10-01"));
        assert!(is_api_version("2024-01-02-preview"));
        assert!(!is_api_version("2025-1-01"));
        assert!(!is_api_version("latest"));
        assert!(!is_api_version("2025-10-01-"));
    }

    #[test]
    fn bursts_are_the_last_requests_of_each_period() {
        let hit: Vec<u64> = (1..=12).filter(|&n| in_burst(n, 5, 2)).collect();
        assert_eq!(hit, [4, 5, 9, 10]);
        assert!(
            (1..=3).all(|n| in_burst(n, 2, 5)),
            "a burst longer than its period is a storm"
        );
        assert!(!(1..=10).any(|n| in_burst(n, 0, 2) || in_burst(n, 3, 0)));
        assert!(every_nth(6, 3) && !every_nth(5, 3) && !every_nth(6, 0));
    }

    #[test]
    fn operation_reads_are_recognised_in_any_case() {
        let base = "/subscriptions/s/providers/Microsoft.ContainerService/locations/eastus";
        for kind in ["operations", "OperationResults", "operationstatus"] {
            assert!(is_operation_read(&format!("{base}/{kind}/op-1")), "{kind}");
        }
        assert!(!is_operation_read(&format!("{base}/operations")));
        assert!(!is_operation_read(
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks"
        ));
    }
}
