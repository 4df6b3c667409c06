//! Resource groups and a caller's permissions: get, exists, create, and the permissions read
//! the pre-flight makes. Whether a caller may write is decided before a request gets here
//! (`routes/authorization.rs`).

use super::ControlPlane;
use super::model::{ResourceGroup, lower};
use crate::rbac;
use crate::reply::Reply;
use crate::world::BuiltInRole;
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

    /// `GET …/resourcegroups/{rg}/providers/Microsoft.Authorization/permissions`: what
    /// `principal` may do at the group, one entry per role it holds there (Reader's `*/read`,
    /// Contributor's `*` with its notActions, Owner's `*`). Where the group lies under a denied
    /// write scope, the entries are Reader's. A denied scope *below* the group (one cluster,
    /// say) leaves the group's answer as it is, as a deny on a single resource does in Azure, so
    /// such a create passes this read and is refused by the PUT.
    pub fn group_permissions(
        &self,
        subscription: &str,
        name: &str,
        principal: &str,
    ) -> Result<Vec<Value>, Reply> {
        if self.group(subscription, name).is_none() {
            return Err(group_not_found(name));
        }
        let scope = format!("/subscriptions/{subscription}/resourceGroups/{name}");
        let denied = rbac::write_denied(&self.world, &scope);
        let mut roles: Vec<BuiltInRole> = rbac::roles_at(&self.world, principal, &scope)
            .into_iter()
            .map(|role| if denied { BuiltInRole::Reader } else { role })
            .collect();
        roles.dedup();
        Ok(roles.into_iter().map(rbac::permission).collect())
    }
}

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
