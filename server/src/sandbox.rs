//! The sandbox cloud: a local ARM simulator that speaks the ARM REST protocol the dashboard
//! uses (ARM_FACTS.md), so the product runs with no Azure account and tests drive real HTTP.
//!
//! Three ways to run it: in-process when the server starts in sandbox mode, on port 0 from
//! tests, and standalone with `server sandbox --listen ADDR`. Routing is done by hand on
//! path segments because ARM matches fixed segments case-insensitively
//! (`resourceGroups` = `resourcegroups`), which axum's router does not.

pub mod control_plane;
pub mod identity;
pub mod reply;
pub mod world;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use control_plane::{ControlPlane, Origin};
use identity::TokenAuthority;
use reply::{Reply, headers};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Mutex;
use world::World;

/// Path of the managed-identity token endpoint.
pub const TOKEN_PATH: &str = "/msi/token";

/// A sandbox cloud's shared state.
pub struct SandboxCloud {
    plane: Mutex<ControlPlane>,
    authority: TokenAuthority,
    world: World,
    arm_requests: AtomicU64,
}

impl SandboxCloud {
    /// A cloud for `world`; token requests must present `identity_header`.
    pub fn new(world: World, identity_header: String) -> Arc<Self> {
        Arc::new(Self {
            plane: Mutex::new(ControlPlane::new(world.clone())),
            authority: TokenAuthority::new(world.identity.clone(), identity_header),
            world,
            arm_requests: AtomicU64::new(0),
        })
    }
}

/// The sandbox's HTTP surface, for `axum::serve` or `tower::ServiceExt::oneshot`.
pub fn router(cloud: Arc<SandboxCloud>) -> Router {
    Router::new().fallback(handle).with_state(cloud)
}

/// A sandbox serving on a socket.
pub struct RunningSandbox {
    /// Base URL ARM calls go to, e.g. `http://127.0.0.1:40123`.
    pub base_url: String,
    /// Value for `IDENTITY_ENDPOINT`.
    pub identity_endpoint: String,
    /// Value for `IDENTITY_HEADER`.
    pub identity_header: String,
    task: tokio::task::JoinHandle<()>,
}

/// A sandbox socket bound, and its token endpoint published in `IDENTITY_ENDPOINT` and
/// `IDENTITY_HEADER`, before the async runtime starts: `ManagedIdentityCredential` reads those
/// variables from the process environment, which is only safe to change while one thread runs.
pub struct PreparedSandbox {
    listener: std::net::TcpListener,
    identity_header: String,
}

impl PreparedSandbox {
    /// Binds `127.0.0.1:0` and publishes the endpoint with a fresh identity secret.
    ///
    /// # Safety
    /// No other thread may exist (or read the environment) while this runs: call it at the
    /// top of `main`, before any runtime or test thread starts.
    pub unsafe fn bind_and_publish() -> std::io::Result<Self> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let address = listener.local_addr()?;
        let identity_header = uuid::Uuid::new_v4().to_string();
        // SAFETY: the caller guarantees this is the only thread.
        unsafe {
            std::env::set_var("IDENTITY_ENDPOINT", format!("http://{address}{TOKEN_PATH}"));
            std::env::set_var("IDENTITY_HEADER", &identity_header);
        }
        Ok(Self {
            listener,
            identity_header,
        })
    }

    /// Starts serving `world`; call inside the runtime.
    pub fn spawn(self, world: World) -> std::io::Result<RunningSandbox> {
        let listener = TcpListener::from_std(self.listener)?;
        RunningSandbox::spawn(world, listener, self.identity_header)
    }
}

impl RunningSandbox {
    /// Serves `world` on `listener` in a background task.
    pub fn spawn(
        world: World,
        listener: TcpListener,
        identity_header: String,
    ) -> std::io::Result<Self> {
        let address = listener.local_addr()?;
        let base_url = format!("http://{address}");
        let cloud = SandboxCloud::new(world, identity_header.clone());
        let task = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, router(cloud)).await {
                tracing::error!(%error, "sandbox cloud stopped");
            }
        });
        Ok(Self {
            identity_endpoint: format!("{base_url}{TOKEN_PATH}"),
            base_url,
            identity_header,
            task,
        })
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn handle(
    State(cloud): State<Arc<SandboxCloud>>,
    method: Method,
    uri: Uri,
    request_headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let correlation_id = request_headers
        .get("x-ms-correlation-request-id")
        .and_then(|v| v.to_str().ok())
        .map_or_else(|| request_id.clone(), str::to_owned);
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();

    let reply = if uri.path() == TOKEN_PATH {
        cloud.authority.token_endpoint(&query, &request_headers)
    } else {
        let latency = cloud.world.faults.latency_ms;
        if latency > 0 {
            tokio::time::sleep(Duration::from_millis(latency)).await;
        }
        arm_request(&cloud, &method, &uri, &query, &request_headers, &body).await
    };
    let is_write = !matches!(method, Method::GET | Method::HEAD);
    let mut response = reply.into_response();
    let response_headers = response.headers_mut();
    for (name, value) in [
        (headers::REQUEST_ID, request_id),
        (headers::CORRELATION_REQUEST_ID, correlation_id),
        (
            if is_write {
                headers::REMAINING_WRITES
            } else {
                headers::REMAINING_READS
            },
            "199".to_owned(),
        ),
    ] {
        if let Ok(value) = value.parse() {
            response_headers.insert(name, value);
        }
    }
    response
}

async fn arm_request(
    cloud: &SandboxCloud,
    method: &Method,
    uri: &Uri,
    query: &[(String, String)],
    request_headers: &HeaderMap,
    body: &Bytes,
) -> Reply {
    if let Err(unauthorized) = cloud.authority.authenticate(request_headers) {
        return *unauthorized;
    }
    let param = |key: &str| {
        query
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    };
    let Some(api_version) = param("api-version") else {
        return Reply::arm_error(
            StatusCode::BAD_REQUEST,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        );
    };
    if !is_api_version(api_version) {
        return Reply::arm_error(
            StatusCode::BAD_REQUEST,
            "InvalidApiVersionParameter",
            format!(
                "The api-version '{api_version}' is invalid. The supported versions are '2026-01-01,2025-10-01,2025-04-01,2024-07-01,2022-04-01,2021-07-01,2019-11-01'."
            ),
        );
    }
    let faults = &cloud.world.faults;
    let count = cloud.arm_requests.fetch_add(1, Ordering::Relaxed) + 1;
    if faults.throttle_every_nth_request > 0
        && count.is_multiple_of(faults.throttle_every_nth_request)
    {
        let wait = faults.throttle_retry_after_seconds;
        return Reply::arm_error(
            StatusCode::TOO_MANY_REQUESTS,
            "SubscriptionRequestsThrottled",
            format!("Number of requests for subscription exceeded the limit. Please try again after '{wait}' seconds. Please see https://aka.ms/ARMThrottling for more details."),
        )
        .with_header(header::RETRY_AFTER, wait.to_string());
    }
    if faults.server_error_every_nth_request > 0
        && count.is_multiple_of(faults.server_error_every_nth_request)
    {
        return Reply::arm_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "The server is currently unable to handle the request due to a temporary overload. Please retry the request later.",
        );
    }

    let host = request_headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    let base_url = format!("http://{host}");
    let origin = Origin {
        base_url: &base_url,
        api_version,
    };
    let segments: Vec<String> = uri
        .path()
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let lowered: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
    let shape: Vec<&str> = lowered.iter().map(String::as_str).collect();
    let at = |i: usize| segments[i].as_str();

    if shape.len() >= 2 && shape[0] == "subscriptions" && cloud.world.subscription(at(1)).is_none()
    {
        return Reply::arm_error(
            StatusCode::NOT_FOUND,
            "SubscriptionNotFound",
            format!("The subscription '{}' could not be found.", at(1)),
        );
    }
    let skip = param("$skiptoken")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let page = |items: Vec<Value>| {
        paged(
            items,
            skip,
            cloud.world.arm.list_page_size,
            &base_url,
            uri.path(),
            query,
        )
    };
    let mut plane = cloud.plane.lock().await;
    match shape.as_slice() {
        ["subscriptions"] => only(method, &[Method::GET], || plane.list_subscriptions()),
        [
            "subscriptions",
            _,
            "providers",
            "microsoft.containerservice",
        ] => only(method, &[Method::GET], || {
            plane.container_service_provider(at(1))
        }),
        ["subscriptions", _, "resourcegroups", _] => match *method {
            Method::GET => plane.get_group(at(1), at(3)),
            Method::HEAD => plane.group_exists(at(1), at(3)),
            Method::PUT => match parse_body(body) {
                Ok(value) => plane.put_group(at(1), at(3), &value),
                Err(reply) => reply,
            },
            _ => method_not_allowed(method),
        },
        [
            "subscriptions",
            _,
            "resourcegroups",
            _,
            "providers",
            "microsoft.authorization",
            "permissions",
        ] => {
            if *method != Method::GET {
                return method_not_allowed(method);
            }
            match plane.group_permissions(at(1), at(3)) {
                Ok(items) => page(items),
                Err(reply) => reply,
            }
        }
        [
            "subscriptions",
            _,
            "providers",
            "microsoft.containerservice",
            "managedclusters",
        ]
        | [
            "subscriptions",
            _,
            "resourcegroups",
            _,
            "providers",
            "microsoft.containerservice",
            "managedclusters",
        ] => {
            if *method != Method::GET {
                return method_not_allowed(method);
            }
            let group = (shape[2] == "resourcegroups").then(|| at(3));
            match plane.list_clusters(at(1), group) {
                Ok(items) => page(items),
                Err(reply) => reply,
            }
        }
        [
            "subscriptions",
            _,
            "resourcegroups",
            _,
            "providers",
            "microsoft.containerservice",
            "managedclusters",
            _,
        ] => {
            match *method {
                Method::GET => plane.get_cluster(at(1), at(3), at(7)),
                Method::DELETE => plane.delete_cluster(&origin, at(1), at(3), at(7)),
                Method::PUT => {
                    let value = match parse_body(body) {
                        Ok(value) => value,
                        Err(reply) => return reply,
                    };
                    let if_none_match = request_headers
                        .get(header::IF_NONE_MATCH)
                        .and_then(|v| v.to_str().ok());
                    let reply =
                        plane.put_cluster(&origin, at(1), at(3), at(7), if_none_match, &value);
                    drop(plane);
                    if reply.status.is_success() {
                        // ARM answers a create only after the RP's synchronous validation.
                        tokio::time::sleep(Duration::from_millis(
                            cloud.world.timings.validation_ms,
                        ))
                        .await;
                    }
                    reply
                }
                _ => method_not_allowed(method),
            }
        }
        [
            "subscriptions",
            _,
            "resourcegroups",
            _,
            "providers",
            "microsoft.containerservice",
            "managedclusters",
            _,
            "abort",
        ] => only(method, &[Method::POST], || {
            plane.abort_cluster_operation(&origin, at(1), at(3), at(7))
        }),
        [
            "subscriptions",
            _,
            "providers",
            "microsoft.containerservice",
            "locations",
            _,
            "operations" | "operationstatus",
            _,
        ] => only(method, &[Method::GET], || {
            plane.operation_status(at(1), at(5), at(7))
        }),
        [
            "subscriptions",
            _,
            "providers",
            "microsoft.containerservice",
            "locations",
            _,
            "operationresults",
            _,
        ] => only(method, &[Method::GET], || {
            plane.operation_result(&origin, at(1), at(5), at(7))
        }),
        ["subscriptions", _, "providers", "microsoft.compute", "skus"] => {
            if *method != Method::GET {
                return method_not_allowed(method);
            }
            match param("$filter").map(location_filter) {
                Some(None) => Reply::arm_error(
                    StatusCode::BAD_REQUEST,
                    "InvalidFilterInQueryString",
                    "Only the location filter is supported, in the form $filter=location eq '<location>'.",
                ),
                Some(Some(location)) => page(plane.resource_skus(Some(&location))),
                None => page(plane.resource_skus(None)),
            }
        }
        [
            "subscriptions",
            _,
            "providers",
            "microsoft.compute",
            "locations",
            _,
            "usages",
        ] => only(method, &[Method::GET], || {
            plane.compute_usages(at(1), at(5))
        }),
        _ => Reply::arm_error(
            StatusCode::NOT_FOUND,
            "InvalidResourceType",
            format!(
                "The resource type could not be found for path '{}' and api version '{api_version}'.",
                uri.path()
            ),
        ),
    }
}

fn only(method: &Method, allowed: &[Method], answer: impl FnOnce() -> Reply) -> Reply {
    if allowed.contains(method) {
        answer()
    } else {
        method_not_allowed(method)
    }
}

fn method_not_allowed(method: &Method) -> Reply {
    Reply::arm_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        format!("The requested resource does not support http method '{method}'."),
    )
}

fn parse_body(body: &Bytes) -> Result<Value, Reply> {
    serde_json::from_slice(body).map_err(|error| {
        Reply::arm_error(
            StatusCode::BAD_REQUEST,
            "InvalidRequestContent",
            format!("The request content was invalid and could not be deserialized: '{error}'."),
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

/// The location of `location eq 'westus'`; `None` for any other filter.
fn location_filter(filter: &str) -> Option<String> {
    let mut words = filter.split_whitespace();
    let (field, op, value) = (words.next()?, words.next()?, words.next()?);
    if words.next().is_some()
        || !field.eq_ignore_ascii_case("location")
        || !op.eq_ignore_ascii_case("eq")
    {
        return None;
    }
    let value = value.strip_prefix('\'')?.strip_suffix('\'')?;
    Some(value.to_owned())
}

/// One page of a list with ARM's `{value, nextLink}`.
fn paged(
    items: Vec<Value>,
    skip: usize,
    page_size: usize,
    base_url: &str,
    path: &str,
    query: &[(String, String)],
) -> Reply {
    let total = items.len();
    let value: Vec<Value> = items.into_iter().skip(skip).take(page_size).collect();
    let mut body = json!({ "value": value });
    if skip + page_size < total {
        let mut next = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in query.iter().filter(|(k, _)| k != "$skiptoken") {
            next.append_pair(key, value);
        }
        next.append_pair("$skiptoken", &(skip + page_size).to_string());
        body["nextLink"] = json!(format!("{base_url}{path}?{}", next.finish()));
    }
    Reply::json(StatusCode::OK, body)
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
    fn only_location_filters_are_understood() {
        assert_eq!(
            location_filter("location eq 'westus'").as_deref(),
            Some("westus")
        );
        assert_eq!(
            location_filter("Location EQ 'koreacentral'").as_deref(),
            Some("koreacentral")
        );
        assert_eq!(location_filter("name eq 'x'"), None);
        assert_eq!(location_filter("location eq westus"), None);
    }
}
