//! Azure Policy as ARM applies it: a write at or under an assignment's scope that breaks its
//! rule is denied before the resource provider sees it (403 `RequestDisallowedByPolicy`, with
//! the assignment in `additionalInfo`), and `Microsoft.PolicyInsights/checkPolicyRestrictions`
//! says in advance what the assignments will restrict (docs/ARM_FACTS.md §12–§13).

use super::ControlPlane;
use super::groups::group_not_found;
use crate::reply::Reply;
use crate::world::PolicyAssignment;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// The resource type the built-in location and tag definitions leave out (they are `Indexed`).
const RESOURCE_GROUPS: &str = "Microsoft.Resources/subscriptions/resourceGroups";

/// True when `scope` is `ancestor` or lies under it (ARM compares scopes case-insensitively).
fn within(scope: &str, ancestor: &str) -> bool {
    let (scope, ancestor) = (
        scope.trim_end_matches('/').to_ascii_lowercase(),
        ancestor.trim_end_matches('/').to_ascii_lowercase(),
    );
    scope == ancestor || scope.starts_with(&format!("{ancestor}/"))
}

/// One rule of an assignment that a resource's content breaks.
struct Violation<'a> {
    assignment: &'a PolicyAssignment,
    /// `evaluationDetails.evaluatedExpressions`, as ARM reports the failing condition.
    expression: Value,
}

/// The rules of `assignment` that a resource of `resource_type` with `location` and `tags`
/// breaks: the location rule, then the tag rule. `None` leaves a rule unjudged (the field is
/// still pending); a PUT without tags passes `Some(&Value::Null)`.
fn violations<'a>(
    assignment: &'a PolicyAssignment,
    resource_type: &str,
    location: Option<&str>,
    tags: Option<&Value>,
) -> Vec<Violation<'a>> {
    let mut found = Vec::new();
    if resource_type.eq_ignore_ascii_case(RESOURCE_GROUPS) {
        return found;
    }
    if let Some(location) = location
        && !assignment.allows_location(location)
    {
        found.push(Violation {
            assignment,
            expression: json!({
                "result": "True",
                "expressionKind": "Field",
                "expression": "location",
                "path": "location",
                "expressionValue": location,
                "targetValue": assignment.allowed_locations,
                "operator": "NotIn",
            }),
        });
    }
    if let Some(tag) = &assignment.required_tag
        && let Some(tags) = tags
        && tags.get(tag).is_none()
    {
        found.push(Violation {
            assignment,
            expression: json!({
                "result": "True",
                "expressionKind": "Field",
                "expression": format!("tags[{tag}]"),
                "path": format!("tags[{tag}]"),
                "targetValue": "false",
                "operator": "Exists",
            }),
        });
    }
    found
}

impl ControlPlane {
    /// The world's assignments that apply at `scope` (assigned at it or above it).
    fn assignments_over(&self, scope: &str) -> impl Iterator<Item = &PolicyAssignment> {
        self.world
            .policy_assignments
            .iter()
            .filter(move |a| within(scope, &a.scope))
    }

    /// ARM's policy enforcement of a PUT of `body` as the resource `resource_id` of
    /// `resource_type`: 403 `RequestDisallowedByPolicy` for the first assignment it breaks.
    pub(super) fn enforce_policies(
        &self,
        resource_id: &str,
        resource_type: &str,
        body: &Value,
    ) -> Result<(), Reply> {
        let location = body.get("location").and_then(Value::as_str);
        let tags = Some(body.get("tags").unwrap_or(&Value::Null));
        let broken: Vec<Violation<'_>> = self
            .assignments_over(resource_id)
            .flat_map(|a| violations(a, resource_type, location, tags))
            .collect();
        let Some(first) = broken.first() else {
            return Ok(());
        };
        let name = resource_id.rsplit('/').next().unwrap_or(resource_id);
        let expressions: Vec<Value> = broken
            .iter()
            .filter(|v| std::ptr::eq(v.assignment, first.assignment))
            .map(|v| v.expression.clone())
            .collect();
        tracing::info!(resource = %resource_id, assignment = %first.assignment.id(), "sandbox: request disallowed by policy");
        Err(disallowed(name, first.assignment, expressions))
    }

    /// `POST {scope}/providers/Microsoft.PolicyInsights/checkPolicyRestrictions`: the
    /// restrictions the assignments over `scope` place on `pendingFields` (only `location` is
    /// known to the sandbox's rules; tags are reported as `tags.{name}` Required), and the
    /// evaluation of the partial `resourceContent`. `group` is the resource group of a
    /// resource-group-scope check, which must exist.
    pub fn check_policy_restrictions(
        &self,
        subscription: &str,
        group: Option<&str>,
        body: &Value,
    ) -> Reply {
        let scope = match group {
            Some(group) => {
                if self.group(subscription, group).is_none() {
                    return group_not_found(group);
                }
                format!("/subscriptions/{subscription}/resourceGroups/{group}")
            }
            None => format!("/subscriptions/{subscription}"),
        };
        let Some(content) = body.pointer("/resourceDetails/resourceContent") else {
            // The spec requires resourceDetails.resourceContent; the code and text are unverified.
            return Reply::arm_error(
                StatusCode::BAD_REQUEST,
                "InvalidCheckRestrictionsRequest",
                "The request is missing the required property 'resourceDetails.resourceContent'.",
            );
        };
        let resource_type = content.get("type").and_then(Value::as_str).unwrap_or("");
        let assignments: Vec<&PolicyAssignment> = self.assignments_over(&scope).collect();
        let field_restrictions = field_restrictions(&assignments, resource_type, body);
        let evaluations: Vec<Value> = assignments
            .iter()
            .filter_map(|a| {
                let broken = violations(
                    a,
                    resource_type,
                    content.get("location").and_then(Value::as_str),
                    content.get("tags"),
                );
                (!broken.is_empty()).then(|| {
                    json!({
                        "policyInfo": policy_reference(a),
                        "evaluationResult": "NonCompliant",
                        "evaluationDetails": {
                            "evaluatedExpressions": broken.iter().map(|v| v.expression.clone()).collect::<Vec<_>>(),
                        },
                    })
                })
            })
            .collect();
        Reply::json(
            StatusCode::OK,
            json!({
                "fieldRestrictions": field_restrictions,
                "contentEvaluationResult": { "policyEvaluations": evaluations },
            }),
        )
    }
}

/// `fieldRestrictions` for the request's `pendingFields`: for `location`, each assignment with a
/// location rule requires one of its allowed locations (`Required`, the values), and denies the
/// pending values outside them (`Deny`, the denied values), as the spec's example answers; for
/// `tags`, each required tag is `Required` as `tags.{name}`.
fn field_restrictions(
    assignments: &[&PolicyAssignment],
    resource_type: &str,
    body: &Value,
) -> Vec<Value> {
    if resource_type.eq_ignore_ascii_case(RESOURCE_GROUPS) {
        return Vec::new();
    }
    let pending = body
        .get("pendingFields")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut restrictions = Vec::new();
    for field in &pending {
        let name = field.get("field").and_then(Value::as_str).unwrap_or("");
        let values: Vec<&str> = field
            .get("values")
            .and_then(Value::as_array)
            .map(|v| v.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if name.eq_ignore_ascii_case("location") {
            let mut entries = Vec::new();
            for a in assignments
                .iter()
                .filter(|a| !a.allowed_locations.is_empty())
            {
                entries.push(json!({ "result": "Required", "values": a.allowed_locations, "policy": policy_reference(a) }));
                let denied: Vec<&str> = values
                    .iter()
                    .copied()
                    .filter(|v| !a.allows_location(v))
                    .collect();
                if !denied.is_empty() {
                    entries.push(json!({ "result": "Deny", "values": denied, "policy": policy_reference(a) }));
                }
            }
            if !entries.is_empty() {
                restrictions.push(json!({ "field": "location", "restrictions": entries }));
            }
        } else if name.eq_ignore_ascii_case("tags") {
            for a in assignments {
                if let Some(tag) = &a.required_tag {
                    restrictions.push(json!({
                        "field": format!("tags.{tag}"),
                        "restrictions": [{ "result": "Required", "policy": policy_reference(a) }],
                    }));
                }
            }
        }
    }
    restrictions
}

/// A `PolicyReference`: the definition and assignment ids (no set definition: the sandbox's
/// assignments are of single definitions).
fn policy_reference(assignment: &PolicyAssignment) -> Value {
    json!({
        "policyDefinitionId": assignment.definition_id,
        "policyAssignmentId": assignment.id(),
    })
}

/// ARM's 403 `RequestDisallowedByPolicy` for `resource_name`: the message with its
/// `Policy identifiers` JSON (names are display names there), `target`, and `additionalInfo`
/// `PolicyViolation` (docs/ARM_FACTS.md §12).
fn disallowed(
    resource_name: &str,
    assignment: &PolicyAssignment,
    expressions: Vec<Value>,
) -> Reply {
    // Written by hand: ARM puts each `name` before its `id`, and serde_json sorts keys.
    let text = |value: &str| Value::from(value).to_string();
    let identifiers = format!(
        r#"[{{"policyAssignment":{{"name":{},"id":{}}},"policyDefinition":{{"name":{},"id":{}}}}}]"#,
        text(&assignment.display_name),
        text(&assignment.id()),
        text(&assignment.definition_display_name),
        text(&assignment.definition_id)
    );
    let mut parameters = serde_json::Map::new();
    if !assignment.allowed_locations.is_empty() {
        parameters.insert(
            "listOfAllowedLocations".into(),
            json!({ "value": assignment.allowed_locations }),
        );
    }
    if let Some(tag) = &assignment.required_tag {
        parameters.insert("tagName".into(), json!({ "value": tag }));
    }
    Reply::json(
        StatusCode::FORBIDDEN,
        json!({ "error": {
            "code": "RequestDisallowedByPolicy",
            "target": resource_name,
            "message": format!("Resource '{resource_name}' was disallowed by policy. Policy identifiers: '{identifiers}'."),
            "additionalInfo": [{
                "type": "PolicyViolation",
                "info": {
                    "evaluationDetails": { "evaluatedExpressions": expressions },
                    "policyDefinitionDisplayName": assignment.definition_display_name,
                    "policyDefinitionId": assignment.definition_id,
                    "policyDefinitionName": assignment.definition_name(),
                    "policyDefinitionEffect": "Deny",
                    "policyAssignmentId": assignment.id(),
                    "policyAssignmentName": assignment.name,
                    "policyAssignmentDisplayName": assignment.display_name,
                    "policyAssignmentScope": assignment.scope,
                    "policyAssignmentParameters": parameters,
                },
            }],
        }}),
    )
}
