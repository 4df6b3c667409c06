//! The checks ARM makes before it routes a request, in ARM's order: the bearer token (401), the
//! api-version (400), the world's injected faults (429 throttling, 503), and the subscription
//! (404).

use super::request::ArmRequest;
use crate::SandboxCloud;
use crate::reply::Reply;
use crate::world::World;
use axum::http::{HeaderMap, StatusCode, header};
use std::sync::atomic::Ordering;

/// The request's api-version when the token, the api-version and the fault injection let it
/// through; otherwise the reply ARM would send.
pub(super) fn admit<'q>(
    cloud: &SandboxCloud,
    query: &'q [(String, String)],
    request_headers: &HeaderMap,
) -> Result<&'q str, Box<Reply>> {
    cloud.authority.authenticate(request_headers)?;
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
    match injected_fault(cloud) {
        Some(fault) => Err(Box::new(fault)),
        None => Ok(api_version),
    }
}

/// Counts the ARM request and answers the fault the world injects at this count, if any.
fn injected_fault(cloud: &SandboxCloud) -> Option<Reply> {
    let faults = &cloud.world.faults;
    let count = cloud.arm_requests.fetch_add(1, Ordering::Relaxed) + 1;
    if faults.throttle_every_nth_request > 0
        && count.is_multiple_of(faults.throttle_every_nth_request)
    {
        let wait = faults.throttle_retry_after_seconds;
        return Some(Reply::arm_error(
            StatusCode::TOO_MANY_REQUESTS,
            "SubscriptionRequestsThrottled",
            format!("Number of requests for subscription exceeded the limit. Please try again after '{wait}' seconds. Please see https://aka.ms/ARMThrottling for more details."),
        )
        .with_header(header::RETRY_AFTER, wait.to_string()));
    }
    (faults.server_error_every_nth_request > 0
        && count.is_multiple_of(faults.server_error_every_nth_request))
    .then(|| {
        Reply::arm_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "The server is currently unable to handle the request due to a temporary overload. Please retry the request later.",
        )
    })
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
}
