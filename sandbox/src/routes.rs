//! The sandbox's request handling: the Entra ID provider's URLs go to [`crate::entra`]; every
//! other request gets ARM's request-id, correlation-id and throttling headers; token requests go
//! to the identity endpoint; ARM requests pass the [`admission`] checks and the caller's
//! [`authorization`], then are dispatched on the shape of their path to the control plane; a
//! cloud that keeps its state saves what they changed before they are answered.
//!
//! Routing is done by hand on path segments because ARM matches fixed segments
//! case-insensitively (`resourceGroups` = `resourcegroups`), which axum's router does not. The
//! table in [`dispatch`] matches the lower-cased segments; handlers read the original ones.

mod admission;
mod authorization;
mod network;
mod request;

use crate::reply::{Reply, headers};
use crate::world::Faults;
use crate::{ACCEPTED_CREATES_PATH, SandboxCloud, TOKEN_PATH};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use request::{ArmRequest, location_filter, method_not_allowed, only, parse_body};
use std::sync::Arc;
use std::time::Duration;

/// The sandbox's one axum handler: answers a token request or an ARM request, then adds the
/// headers ARM puts on every answer.
pub(crate) async fn handle(
    State(cloud): State<Arc<SandboxCloud>>,
    method: Method,
    uri: Uri,
    request_headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(response) =
        crate::entra::answer(&cloud, &method, &uri, &request_headers, &body).await
    {
        return response;
    }
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
    } else if uri.path() == ACCEPTED_CREATES_PATH && method == Method::GET {
        Reply::json(StatusCode::OK, cloud.plane.lock().await.accepted_creates())
    } else {
        let latency = cloud.world.faults.latency_ms;
        if latency > 0 {
            tokio::time::sleep(Duration::from_millis(latency)).await;
        }
        let reply = arm_request(&cloud, &method, &uri, &query, &request_headers, &body).await;
        saved(&cloud, reply).await
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

/// `reply`, once the changes its request made are saved (a cloud that keeps its state answers
/// nothing it could forget); a 500 when they cannot be, as ARM answers when its store fails.
async fn saved(cloud: &SandboxCloud, reply: Reply) -> Reply {
    match cloud.save_changes().await {
        Ok(()) => reply,
        Err(error) => {
            tracing::error!(%error, "sandbox: the cloud's state was not saved");
            Reply::arm_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalServerError",
                "The server encountered an internal error. Please retry the request.",
            )
        }
    }
}

/// An ARM request: admitted (token, api-version, injected faults, subscription), then
/// dispatched.
async fn arm_request(
    cloud: &SandboxCloud,
    method: &Method,
    uri: &Uri,
    query: &[(String, String)],
    request_headers: &HeaderMap,
    body: &Bytes,
) -> Reply {
    let (caller, api_version) =
        match admission::admit(cloud, method, uri.path(), query, request_headers).await {
            Ok(admitted) => admitted,
            Err(refused) => return *refused,
        };
    let request = ArmRequest::new(method, uri, query, request_headers, api_version);
    if let Some(refused) = admission::unknown_subscription(&cloud.world, &request) {
        return refused;
    }
    if let Err(refused) = authorization::authorize(&cloud.world, &caller, &request) {
        return refused;
    }
    dispatch(cloud, &caller, &request, request_headers, body).await
}

/// The routing table: one arm per ARM resource the dashboard uses (the policy check and the
/// network reads are in [`network`]).
async fn dispatch(
    cloud: &SandboxCloud,
    caller: &authorization::Caller,
    request: &ArmRequest<'_>,
    request_headers: &HeaderMap,
    body: &Bytes,
) -> Reply {
    let method = request.method;
    let at = |i: usize| request.at(i);
    let origin = request.origin();
    let page = |items| request.page(items, cloud.world.arm.list_page_size);
    let mut plane = cloud.plane.lock().await;
    match request.shape().as_slice() {
        ["subscriptions"] => only(method, &[Method::GET], || {
            plane.list_subscriptions(&caller.object_id)
        }),
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
            match plane.group_permissions(at(1), at(3), &caller.object_id) {
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
            let group = request.is_in_resource_group().then(|| at(3));
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
        ] => match *method {
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
                let reply = plane.put_cluster(&origin, at(1), at(3), at(7), if_none_match, &value);
                drop(plane);
                if reply.status.is_success() {
                    // ARM answers a create only after the RP's synchronous validation.
                    tokio::time::sleep(Duration::from_millis(cloud.world.timings.validation_ms))
                        .await;
                }
                if reply.status == StatusCode::CREATED {
                    return answer_to_accepted_create(&cloud.world.faults, reply);
                }
                reply
            }
            _ => method_not_allowed(method),
        },
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
            match request.param("$filter").map(location_filter) {
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
        _ => match network::dispatch(&mut plane, request, body, cloud.world.arm.list_page_size) {
            Some(reply) => reply,
            None => Reply::arm_error(
                StatusCode::NOT_FOUND,
                "InvalidResourceType",
                format!(
                    "The resource type could not be found for path '{}' and api version '{}'.",
                    request.path, request.api_version
                ),
            ),
        },
    }
}

/// The answer to a managed-cluster create the control plane accepted (`accepted`, a 201): as it
/// is, or with the world's fault (a 5xx, or an answer broken mid-body). The create goes on
/// either way, as it does on Azure when the answer is lost on the way back.
fn answer_to_accepted_create(faults: &Faults, accepted: Reply) -> Reply {
    if faults.create_accepted_then_answer_lost {
        return Reply {
            answer_lost: true,
            ..accepted
        };
    }
    match StatusCode::from_u16(faults.create_accepted_then_status) {
        Ok(status) if status.is_server_error() => Reply::arm_error(
            status,
            if status == StatusCode::GATEWAY_TIMEOUT {
                "GatewayTimeout"
            } else {
                "InternalServerError"
            },
            "The gateway did not receive a response from 'Microsoft.ContainerService' within the specified time period.",
        ),
        _ => accepted,
    }
}
