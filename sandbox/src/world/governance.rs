//! The world's Azure Policy assignments (`[[policy_assignments]]`): each one a definition with
//! the `deny` effect assigned at a scope, that ARM evaluates against every write at or under that
//! scope before the resource provider sees it, and that its policy check
//! (`Microsoft.PolicyInsights/checkPolicyRestrictions`) reports in advance (docs/ARM_FACTS.md §12).

use super::World;
use serde::Deserialize;

/// The built-in "Allowed locations" definition's id: its name is this GUID, its one parameter
/// `listOfAllowedLocations`, its rule `location notIn [parameters('listOfAllowedLocations')]` and
/// `location notEquals global` (mode `Indexed`: resource groups are left out).
pub const ALLOWED_LOCATIONS_DEFINITION: &str =
    "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c";

/// A policy assignment with the `deny` effect.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyAssignment {
    /// ARM scope it is assigned at: `/subscriptions/{s}` or `/subscriptions/{s}/resourceGroups/{g}`.
    pub scope: String,
    /// The assignment's name (last segment of its id).
    pub name: String,
    /// What the portal shows, and what ARM's denial names in `policyAssignmentDisplayName`.
    pub display_name: String,
    /// The definition's ARM id (a built-in one is `/providers/Microsoft.Authorization/policyDefinitions/{guid}`).
    #[serde(default = "allowed_locations_definition")]
    pub definition_id: String,
    /// The definition's display name.
    #[serde(default = "allowed_locations_display_name")]
    pub definition_display_name: String,
    /// `deny`: the only effect the sandbox applies (audit-only policies change nothing a create sees).
    #[serde(default = "deny")]
    pub effect: String,
    /// The `listOfAllowedLocations` parameter: a write whose `location` is not one of these is
    /// denied. Empty: the assignment says nothing about locations.
    #[serde(default)]
    pub allowed_locations: Vec<String>,
    /// A tag every write must carry (a "Require a tag on resources" definition). None: no tag rule.
    #[serde(default)]
    pub required_tag: Option<String>,
}

fn allowed_locations_definition() -> String {
    ALLOWED_LOCATIONS_DEFINITION.to_owned()
}

fn allowed_locations_display_name() -> String {
    "Allowed locations".to_owned()
}

fn deny() -> String {
    "deny".to_owned()
}

impl PolicyAssignment {
    /// The assignment's ARM id.
    pub fn id(&self) -> String {
        format!(
            "{}/providers/Microsoft.Authorization/policyAssignments/{}",
            self.scope.trim_end_matches('/'),
            self.name
        )
    }

    /// The definition's name: the last segment of its id.
    pub fn definition_name(&self) -> &str {
        self.definition_id
            .rsplit('/')
            .next()
            .unwrap_or(&self.definition_id)
    }

    /// True when `location` is allowed (always, when the assignment has no location rule, and
    /// for `global`, which the built-in rule leaves out). Locations compare as ARM compares
    /// them: case-insensitively, spaces ignored ("West Europe").
    pub fn allows_location(&self, location: &str) -> bool {
        let squash = |s: &str| s.replace(' ', "").to_ascii_lowercase();
        self.allowed_locations.is_empty()
            || squash(location) == "global"
            || self
                .allowed_locations
                .iter()
                .any(|allowed| squash(allowed) == squash(location))
    }
}

/// Why the world's policy assignments cannot be used, if they cannot: each is assigned in a known
/// subscription, has the deny effect, and a rule (allowed locations or a required tag).
pub(super) fn problem(world: &World) -> Option<String> {
    for assignment in &world.policy_assignments {
        let subscription = assignment
            .scope
            .strip_prefix("/subscriptions/")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_default();
        if world.subscription(subscription).is_none() {
            return Some(format!(
                "policy assignment {} names an unknown subscription in scope {}",
                assignment.name, assignment.scope
            ));
        }
        if !assignment.effect.eq_ignore_ascii_case("deny") {
            return Some(format!(
                "policy assignment {} has effect {}; the sandbox applies deny only",
                assignment.name, assignment.effect
            ));
        }
        if assignment.allowed_locations.is_empty() && assignment.required_tag.is_none() {
            return Some(format!(
                "policy assignment {} has no rule (allowed_locations or required_tag)",
                assignment.name
            ));
        }
    }
    None
}
