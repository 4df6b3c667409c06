//! The routes of the policy check and the virtual-network reads: `Microsoft.PolicyInsights/
//! checkPolicyRestrictions` (POST, at subscription or resource-group scope) and
//! `Microsoft.Network/virtualNetworks` with their subnets (GET), matched on the request's
//! lower-cased shape as the main table is.

use super::request::{ArmRequest, only, parse_body};
use crate::control_plane::ControlPlane;
use crate::reply::Reply;
use axum::body::Bytes;
use axum::http::Method;

/// The answer when `request` is one of these routes; `None` otherwise.
pub(super) fn dispatch(
    plane: &mut ControlPlane,
    request: &ArmRequest<'_>,
    body: &Bytes,
    page_size: usize,
) -> Option<Reply> {
    let method = request.method;
    let at = |i: usize| request.at(i);
    let page = |items: Vec<serde_json::Value>| request.page(items, page_size);
    let reply = match request.shape().as_slice() {
        [
            "subscriptions",
            _,
            "providers",
            "microsoft.policyinsights",
            "checkpolicyrestrictions",
        ]
        | [
            "subscriptions",
            _,
            "resourcegroups",
            _,
            "providers",
            "microsoft.policyinsights",
            "checkpolicyrestrictions",
        ] => only(method, &[Method::POST], || {
            let group = request.is_in_resource_group().then(|| at(3));
            parse_body(body).map_or_else(
                |reply| reply,
                |value| plane.check_policy_restrictions(at(1), group, &value),
            )
        }),
        [
            "subscriptions",
            _,
            "providers",
            "microsoft.network",
            "virtualnetworks",
        ]
        | [
            "subscriptions",
            _,
            "resourcegroups",
            _,
            "providers",
            "microsoft.network",
            "virtualnetworks",
        ] => only(method, &[Method::GET], || {
            let group = request.is_in_resource_group().then(|| at(3));
            plane
                .list_virtual_networks(at(1), group)
                .map_or_else(|reply| reply, page)
        }),
        [
            "subscriptions",
            _,
            "resourcegroups",
            _,
            "providers",
            "microsoft.network",
            "virtualnetworks",
            _,
        ] => only(method, &[Method::GET], || {
            plane.get_virtual_network(at(1), at(3), at(7))
        }),
        [
            "subscriptions",
            _,
            "resourcegroups",
            _,
            "providers",
            "microsoft.network",
            "virtualnetworks",
            _,
            "subnets",
        ] => only(method, &[Method::GET], || {
            plane
                .list_subnets(at(1), at(3), at(7))
                .map_or_else(|reply| reply, page)
        }),
        [
            "subscriptions",
            _,
            "resourcegroups",
            _,
            "providers",
            "microsoft.network",
            "virtualnetworks",
            _,
            "subnets",
            _,
        ] => only(method, &[Method::GET], || {
            plane.get_subnet(at(1), at(3), at(7), at(9))
        }),
        _ => return None,
    };
    Some(reply)
}
