//! Azure RBAC over the world's `[[role_assignments]]` and denied write scopes: which built-in
//! roles a principal holds at a scope (an assignment applies at its scope and everything below),
//! what each role permits, whether a write is denied to everyone, and which subscriptions a
//! principal sees (docs/ARM_FACTS.md §11).

use crate::world::{BuiltInRole, RoleAssignment, World};
use serde_json::{Value, json};
use std::borrow::Cow;

/// The built-in Contributor role's `notActions`
/// (<https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged#contributor>).
pub const CONTRIBUTOR_NOT_ACTIONS: &[&str] = &[
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

/// The world's assignments; a world that has none gives its managed identity Contributor on
/// every subscription.
fn assignments(world: &World) -> Cow<'_, [RoleAssignment]> {
    if !world.role_assignments.is_empty() {
        return Cow::Borrowed(&world.role_assignments);
    }
    Cow::Owned(
        world
            .subscriptions
            .iter()
            .map(|s| RoleAssignment {
                principal_id: world.identity.principal_object_id.clone(),
                role: BuiltInRole::Contributor,
                scope: format!("/subscriptions/{}", s.id),
            })
            .collect(),
    )
}

/// True when `scope` is `ancestor` or lies under it (ARM compares scopes case-insensitively).
fn within(scope: &str, ancestor: &str) -> bool {
    let (scope, ancestor) = (
        scope.trim_end_matches('/').to_ascii_lowercase(),
        ancestor.trim_end_matches('/').to_ascii_lowercase(),
    );
    scope == ancestor || scope.starts_with(&format!("{ancestor}/"))
}

/// The roles `principal` holds at `scope`, strongest first, each once.
pub fn roles_at(world: &World, principal: &str, scope: &str) -> Vec<BuiltInRole> {
    let mut roles: Vec<BuiltInRole> = assignments(world)
        .iter()
        .filter(|a| a.principal_id.eq_ignore_ascii_case(principal) && within(scope, &a.scope))
        .map(|a| a.role)
        .collect();
    roles.sort();
    roles.dedup();
    roles
}

/// True when one of `roles` permits a read (`write` false) or a write, delete or action.
pub fn permits(roles: &[BuiltInRole], write: bool) -> bool {
    roles
        .iter()
        .any(|role| !write || matches!(role, BuiltInRole::Owner | BuiltInRole::Contributor))
}

/// True when `principal` has an assignment in `subscription` (at it or below): what makes a
/// subscription appear in its list.
pub fn sees_subscription(world: &World, principal: &str, subscription: &str) -> bool {
    let scope = format!("/subscriptions/{subscription}");
    assignments(world)
        .iter()
        .any(|a| a.principal_id.eq_ignore_ascii_case(principal) && within(&a.scope, &scope))
}

/// True when `scope` is a denied write scope or lies under one (a deny assignment for everyone).
pub fn write_denied(world: &World, scope: &str) -> bool {
    world
        .denied_write_scopes
        .iter()
        .any(|denied| within(scope, &denied.scope))
}

/// A role's entry in a `Microsoft.Authorization/permissions` answer.
pub fn permission(role: BuiltInRole) -> Value {
    let (actions, not_actions): (&[&str], &[&str]) = match role {
        BuiltInRole::Owner => (&["*"], &[]),
        BuiltInRole::Contributor => (&["*"], CONTRIBUTOR_NOT_ACTIONS),
        BuiltInRole::Reader => (&["*/read"], &[]),
    };
    json!({
        "actions": actions,
        "notActions": not_actions,
        "dataActions": [],
        "notDataActions": [],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUB: &str = "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f";
    const SMALL: &str = "1f0e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
    const CAROL: &str = "ca201000-0000-4000-8000-000000000003";

    #[test]
    fn assignments_apply_at_and_below_their_scope() {
        let world = World::default_world().expect("world");
        let group = |name: &str| format!("/subscriptions/{SUB}/resourceGroups/{name}");
        assert_eq!(
            roles_at(&world, CAROL, &group("RG-Carol")),
            [BuiltInRole::Contributor, BuiltInRole::Reader]
        );
        assert_eq!(
            roles_at(&world, CAROL, &group("rg-carolina")),
            [BuiltInRole::Reader]
        );
        assert!(roles_at(&world, CAROL, &format!("/subscriptions/{SMALL}")).is_empty());
        assert!(sees_subscription(&world, CAROL, SUB) && !sees_subscription(&world, CAROL, SMALL));
        assert!(permits(&[BuiltInRole::Reader], false) && !permits(&[BuiltInRole::Reader], true));
        assert!(!permits(&[], false));
    }

    #[test]
    fn a_world_without_assignments_gives_the_identity_contributor() {
        let mut world = World::default_world().expect("world");
        world.role_assignments.clear();
        let identity = world.identity.principal_object_id.clone();
        assert_eq!(
            roles_at(
                &world,
                &identity,
                &format!("/subscriptions/{SMALL}/resourceGroups/x")
            ),
            [BuiltInRole::Contributor]
        );
        assert!(roles_at(&world, CAROL, &format!("/subscriptions/{SUB}")).is_empty());
    }
}
