//! Resource groups and the identity's permissions: get, exists, create, the permissions read
//! the pre-flight makes, and the 403 a write under a denied scope gets.

use super::ControlPlane;
use super::model::{ResourceGroup, lower};
use crate::reply::Reply;
use axum::http::StatusCode;
use serde_json::{Value, json};

impl ControlPlane {
    /// The resource group of this name in `subscription`, if it exists.
    pub(super) fn group(&self, subscription: &str, name: &str) -> Option<&ResourceGroup> {
        self.groups.get(&(lower(subscription), lower(name)))
    }

    /// `GET /subscriptions/{sub}/resourcegroups/{rg}`.
    pub fn get_group(&self, subscription: &str, name: &str) -> Reply {
        match self.group(subscription, name) {
            Some(group) => Reply::json(StatusCode::OK, group_json(group)),
            None => group_not_found(name),
        }
    }

    /// `HEAD /subscriptions/{sub}/resourcegroups/{rg}`: 204 or 404, no body.
    pub fn group_exists(&self, subscription: &str, name: &str) -> Reply {
        match self.group(subscription, name) {
            Some(_) => Reply::empty(StatusCode::NO_CONTENT),
            None => Reply::empty(StatusCode::NOT_FOUND),
        }
    }

    /// `PUT /subscriptions/{sub}/resourcegroups/{rg}`.
    pub fn put_group(&mut self, subscription: &str, name: &str, body: &Value) -> Reply {
        if let Err(error) = shared::naming::validate_resource_group_name(name) {
            return Reply::arm_error(
                StatusCode::BAD_REQUEST,
                "InvalidResourceGroup",
                format!(
                    "The provided resource group name '{name}' has these invalid characters or length: {error}"
                ),
            );
        }
        let scope = format!("/subscriptions/{subscription}/resourcegroups/{name}");
        if let Some(denied) = self.deny_write(
            &scope,
            "Microsoft.Resources/subscriptions/resourcegroups/write",
        ) {
            return denied;
        }
        let Some(location) = body.get("location").and_then(Value::as_str) else {
            return Reply::arm_error(
                StatusCode::BAD_REQUEST,
                "LocationRequired",
                "The location property is required for this definition.",
            );
        };
        if self.world.region(location).is_none() {
            let names: Vec<&str> = self.world.regions.iter().map(|r| r.name.as_str()).collect();
            return Reply::arm_error(
                StatusCode::BAD_REQUEST,
                "LocationNotAvailableForResourceGroup",
                format!(
                    "The provided location '{location}' is not available for resource group. List of available regions is '{}'.",
                    names.join(",")
                ),
            );
        }
        let key = (lower(subscription), lower(name));
        if let Some(existing) = self.groups.get(&key) {
            if existing.location != lower(location) {
                return Reply::arm_error(
                    StatusCode::CONFLICT,
                    "InvalidResourceGroupLocation",
                    format!(
                        "Invalid resource group location '{location}'. The Resource group already exists in location '{}'.",
                        existing.location
                    ),
                );
            }
            return Reply::json(StatusCode::OK, group_json(existing));
        }
        let group = ResourceGroup {
            subscription: subscription.to_owned(),
            name: name.to_owned(),
            location: lower(location),
        };
        let reply = Reply::json(StatusCode::CREATED, group_json(&group));
        self.groups.insert(key, group);
        reply
    }

    /// `GET …/resourcegroups/{rg}/providers/Microsoft.Authorization/permissions`: the identity's
    /// permissions at the group, one entry per role. The identity holds Contributor, or Reader
    /// where the group lies under a denied write scope. A denied scope *below* the group (one
    /// cluster, say) leaves the group's answer at Contributor, as a deny on a single resource
    /// does in Azure, so such a create passes this read and is refused by the PUT.
    pub fn group_permissions(&self, subscription: &str, name: &str) -> Result<Vec<Value>, Reply> {
        if self.group(subscription, name).is_none() {
            return Err(group_not_found(name));
        }
        let scope = format!("/subscriptions/{subscription}/resourceGroups/{name}");
        let (actions, not_actions): (&[&str], &[&str]) = if self.write_denied(&scope) {
            (&["*/read"], &[])
        } else {
            (&["*"], CONTRIBUTOR_NOT_ACTIONS)
        };
        Ok(vec![json!({
            "actions": actions,
            "notActions": not_actions,
            "dataActions": [],
            "notDataActions": [],
        })])
    }

    /// True when `scope` is a denied write scope or lies under one.
    fn write_denied(&self, scope: &str) -> bool {
        let scope_lower = lower(scope);
        self.world.denied_write_scopes.iter().any(|d| {
            let denied = lower(d.scope.trim_end_matches('/'));
            scope_lower == denied || scope_lower.starts_with(&format!("{denied}/"))
        })
    }

    /// 403 `AuthorizationFailed` when `scope` lies under a denied scope.
    pub(super) fn deny_write(&self, scope: &str, action: &str) -> Option<Reply> {
        self.write_denied(scope).then(|| {
            let identity = &self.world.identity;
            Reply::arm_error(
                StatusCode::FORBIDDEN,
                "AuthorizationFailed",
                format!(
                    "The client '{}' with object id '{}' does not have authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.",
                    identity.principal_client_id, identity.principal_object_id
                ),
            )
        })
    }
}

/// The built-in Contributor role's `notActions`
/// (<https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged#contributor>).
const CONTRIBUTOR_NOT_ACTIONS: &[&str] = &[
    "Microsoft.Authorization/*/Delete",
    "Microsoft.Authorization/*/Write",
    "Microsoft.Authorization/elevateAccess/Action",
    "Microsoft.Blueprint/blueprintAssignments/write",
    "Microsoft.Blueprint/blueprintAssignments/delete",
    "Microsoft.Compute/galleries/share/action",
    "Microsoft.Purview/consents/write",
    "Microsoft.Purview/consents/delete",
    "Microsoft.Resources/deploymentStacks/manageDenySetting/action",
    "Microsoft.Subscription/cancel/action",
    "Microsoft.Subscription/enable/action",
];

fn group_json(group: &ResourceGroup) -> Value {
    json!({
        "id": format!("/subscriptions/{}/resourceGroups/{}", group.subscription, group.name),
        "name": group.name,
        "type": "Microsoft.Resources/resourceGroups",
        "location": group.location,
        "properties": { "provisioningState": "Succeeded" },
    })
}

pub(super) fn group_not_found(name: &str) -> Reply {
    Reply::arm_error(
        StatusCode::NOT_FOUND,
        "ResourceGroupNotFound",
        format!("Resource group '{name}' could not be found."),
    )
}
