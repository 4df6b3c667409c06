//! ARM's authorization of an admitted request, per caller: the request's action and scope come
//! from its route; the caller's role assignments must permit it (any role reads, Owner or
//! Contributor writes), and no denied write scope may cover a write. Refusals are ARM's 403
//! `AuthorizationFailed`, naming the caller (docs/ARM_FACTS.md §5, §11).

use super::request::ArmRequest;
use crate::rbac;
use crate::reply::Reply;
use crate::world::World;
use axum::http::{Method, StatusCode};

/// Who sent a request, from its bearer token.
#[derive(Clone, Debug)]
pub(crate) struct Caller {
    /// Object id (`oid`).
    pub(crate) object_id: String,
    /// How ARM names the client in its messages: the user's UPN, or an application's id.
    pub(crate) name: String,
}

/// What a request needs: an action at a scope.
struct Requirement {
    action: &'static str,
    scope: String,
}

impl Requirement {
    /// Writes, deletes and actions need more than Reader.
    fn is_write(&self) -> bool {
        !self.action.ends_with("/read")
    }
}

/// The action and scope of `request`, by its route; `None` for requests every caller may make
/// (the subscription list, filtered instead, and one's own permissions) and unknown routes.
fn requirement(request: &ArmRequest<'_>) -> Option<Requirement> {
    let method = request.method;
    let at = |i: usize| request.at(i);
    let subscription = || format!("/subscriptions/{}", at(1));
    let group = || format!("/subscriptions/{}/resourceGroups/{}", at(1), at(3));
    let cluster = || {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ContainerService/managedClusters/{}",
            at(1),
            at(3),
            at(7)
        )
    };
    let (action, scope) = match request.shape().as_slice() {
        [
            "subscriptions",
            _,
            "providers",
            "microsoft.containerservice",
        ] => (
            "Microsoft.Resources/subscriptions/providers/read",
            subscription(),
        ),
        ["subscriptions", _, "resourcegroups", _] => match *method {
            Method::PUT => (
                "Microsoft.Resources/subscriptions/resourcegroups/write",
                format!("/subscriptions/{}/resourcegroups/{}", at(1), at(3)),
            ),
            _ => (
                "Microsoft.Resources/subscriptions/resourceGroups/read",
                group(),
            ),
        },
        [
            "subscriptions",
            _,
            "providers",
            "microsoft.containerservice",
            "managedclusters",
        ] => (
            "Microsoft.ContainerService/managedClusters/read",
            subscription(),
        ),
        [
            "subscriptions",
            _,
            "resourcegroups",
            _,
            "providers",
            "microsoft.containerservice",
            "managedclusters",
        ] => ("Microsoft.ContainerService/managedClusters/read", group()),
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
            let action = match *method {
                Method::PUT => "Microsoft.ContainerService/managedClusters/write",
                Method::DELETE => "Microsoft.ContainerService/managedClusters/delete",
                _ => "Microsoft.ContainerService/managedClusters/read",
            };
            (action, cluster())
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
        ] => (
            "Microsoft.ContainerService/managedClusters/abort/action",
            cluster(),
        ),
        [
            "subscriptions",
            _,
            "providers",
            "microsoft.containerservice",
            "locations",
            _,
            "operations" | "operationstatus",
            _,
        ] => (
            "Microsoft.ContainerService/locations/operations/read",
            subscription(),
        ),
        [
            "subscriptions",
            _,
            "providers",
            "microsoft.containerservice",
            "locations",
            _,
            "operationresults",
            _,
        ] => (
            "Microsoft.ContainerService/locations/operationresults/read",
            subscription(),
        ),
        ["subscriptions", _, "providers", "microsoft.compute", "skus"] => {
            ("Microsoft.Compute/skus/read", subscription())
        }
        [
            "subscriptions",
            _,
            "providers",
            "microsoft.compute",
            "locations",
            _,
            "usages",
        ] => ("Microsoft.Compute/locations/usages/read", subscription()),
        _ => return network_requirement(request),
    };
    Some(Requirement { action, scope })
}

/// The action and scope of the policy check and the network reads: each needs read access at
/// the scope it reads (the policy check's action ends in `/read`, so a Reader may ask it).
fn network_requirement(request: &ArmRequest<'_>) -> Option<Requirement> {
    let at = |i: usize| request.at(i);
    let subscription = || format!("/subscriptions/{}", at(1));
    let group = || format!("/subscriptions/{}/resourceGroups/{}", at(1), at(3));
    let vnet = || {
        format!(
            "{}/providers/Microsoft.Network/virtualNetworks/{}",
            group(),
            at(7)
        )
    };
    let (action, scope) = match request.shape().as_slice() {
        [
            "subscriptions",
            _,
            "providers",
            "microsoft.policyinsights",
            _,
        ] => (
            "Microsoft.PolicyInsights/checkPolicyRestrictions/read",
            subscription(),
        ),
        [
            "subscriptions",
            _,
            "resourcegroups",
            _,
            "providers",
            "microsoft.policyinsights",
            _,
        ] => (
            "Microsoft.PolicyInsights/checkPolicyRestrictions/read",
            group(),
        ),
        [
            "subscriptions",
            _,
            "providers",
            "microsoft.network",
            "virtualnetworks",
        ] => ("Microsoft.Network/virtualNetworks/read", subscription()),
        [
            "subscriptions",
            _,
            "resourcegroups",
            _,
            "providers",
            "microsoft.network",
            "virtualnetworks",
        ] => ("Microsoft.Network/virtualNetworks/read", group()),
        [
            "subscriptions",
            _,
            "resourcegroups",
            _,
            "providers",
            "microsoft.network",
            "virtualnetworks",
            _,
        ] => ("Microsoft.Network/virtualNetworks/read", vnet()),
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
        ] => ("Microsoft.Network/virtualNetworks/subnets/read", vnet()),
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
        ] => (
            "Microsoft.Network/virtualNetworks/subnets/read",
            format!("{}/subnets/{}", vnet(), at(9)),
        ),
        _ => return None,
    };
    Some(Requirement { action, scope })
}

/// `Err` with ARM's 403 when `caller` may not make `request` in `world`.
pub(super) fn authorize(
    world: &World,
    caller: &Caller,
    request: &ArmRequest<'_>,
) -> Result<(), Reply> {
    let Some(requirement) = requirement(request) else {
        return Ok(());
    };
    let write = requirement.is_write();
    let roles = rbac::roles_at(world, &caller.object_id, &requirement.scope);
    if rbac::permits(&roles, write) && !(write && rbac::write_denied(world, &requirement.scope)) {
        return Ok(());
    }
    tracing::info!(caller = %caller.name, action = requirement.action, scope = %requirement.scope, "sandbox: authorization failed");
    Err(Reply::arm_error(
        StatusCode::FORBIDDEN,
        "AuthorizationFailed",
        format!(
            "The client '{}' with object id '{}' does not have authorization to perform action '{}' over scope '{}' or the scope is invalid. If access was recently granted, please refresh your credentials.",
            caller.name, caller.object_id, requirement.action, requirement.scope
        ),
    ))
}
