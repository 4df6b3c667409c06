//! Azure Policy: rg-governed carries "Allowed locations for AKS" (westeurope, swedencentral).
//! ARM denies a PUT elsewhere before AKS sees it; the policy check says so in advance.

use super::*;

const ASSIGNMENT: &str = "/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/rg-governed/providers/Microsoft.Authorization/policyAssignments/allowed-locations-aks";
const DEFINITION: &str =
    "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c";

#[test]
fn a_create_outside_the_allowed_locations_is_denied_in_arm_s_shape() {
    let mut plane = ControlPlane::new(World::default_world().expect("world"));
    let reply = plane.put_cluster(
        &ORIGIN,
        SUB,
        "rg-governed",
        "aks-gov",
        None,
        &cluster_body("eastus", 1),
    );
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let body = reply.body.expect("body");
    let error = &body["error"];
    assert_eq!(error["code"], "RequestDisallowedByPolicy");
    assert_eq!(error["target"], "aks-gov");
    assert_eq!(
        error["message"],
        format!(
            "Resource 'aks-gov' was disallowed by policy. Policy identifiers: '[{{\"policyAssignment\":{{\"name\":\"Allowed locations for AKS\",\"id\":\"{ASSIGNMENT}\"}},\"policyDefinition\":{{\"name\":\"Allowed locations\",\"id\":\"{DEFINITION}\"}}}}]'."
        )
    );
    assert_eq!(
        error["additionalInfo"],
        json!([{
            "type": "PolicyViolation",
            "info": {
                "evaluationDetails": { "evaluatedExpressions": [{
                    "result": "True", "expressionKind": "Field", "expression": "location", "path": "location",
                    "expressionValue": "eastus", "targetValue": ["westeurope", "swedencentral"], "operator": "NotIn",
                }]},
                "policyDefinitionDisplayName": "Allowed locations",
                "policyDefinitionId": DEFINITION,
                "policyDefinitionName": "e56962a6-4747-49cd-b67b-bf8b01975c4c",
                "policyDefinitionEffect": "Deny",
                "policyAssignmentId": ASSIGNMENT,
                "policyAssignmentName": "allowed-locations-aks",
                "policyAssignmentDisplayName": "Allowed locations for AKS",
                "policyAssignmentScope": "/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/rg-governed",
                "policyAssignmentParameters": { "listOfAllowedLocations": { "value": ["westeurope", "swedencentral"] } },
            },
        }])
    );
    // Policy is ARM's: it answers before AKS looks at the body (a bad name is not reported).
    let reply = plane.put_cluster(
        &ORIGIN,
        SUB,
        "rg-governed",
        "-bad-",
        None,
        &cluster_body("eastus", 1),
    );
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    for allowed in ["westeurope", "swedencentral"] {
        let reply = plane.put_cluster(
            &ORIGIN,
            SUB,
            "rg-governed",
            &format!("aks-{allowed}"),
            None,
            &cluster_body(allowed, 1),
        );
        assert_eq!(
            reply.status,
            StatusCode::CREATED,
            "{allowed}: {:?}",
            reply.body
        );
    }
    // Other groups are not under the assignment.
    let reply = plane.put_cluster(
        &ORIGIN,
        SUB,
        "rg-platform",
        "aks-free",
        None,
        &cluster_body("eastus", 1),
    );
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
}

fn check_body(location: &str, pending: Value) -> Value {
    json!({
        "resourceDetails": {
            "resourceContent": { "type": "Microsoft.ContainerService/managedClusters", "location": location },
            "apiVersion": "2025-10-01",
        },
        "pendingFields": [pending],
    })
}

#[test]
fn the_policy_check_reports_the_restriction_in_the_spec_s_shape() {
    let plane = ControlPlane::new(World::default_world().expect("world"));
    let reference = json!({ "policyDefinitionId": DEFINITION, "policyAssignmentId": ASSIGNMENT });
    let answer = plane
        .check_policy_restrictions(
            SUB,
            Some("rg-governed"),
            &check_body(
                "eastus",
                json!({ "field": "location", "values": ["eastus", "westeurope"] }),
            ),
        )
        .body
        .expect("answer");
    assert_eq!(
        answer,
        json!({
            "fieldRestrictions": [{
                "field": "location",
                "restrictions": [
                    { "result": "Required", "values": ["westeurope", "swedencentral"], "policy": reference },
                    { "result": "Deny", "values": ["eastus"], "policy": reference },
                ],
            }],
            "contentEvaluationResult": { "policyEvaluations": [{
                "policyInfo": reference,
                "evaluationResult": "NonCompliant",
                "evaluationDetails": { "evaluatedExpressions": [{
                    "result": "True", "expressionKind": "Field", "expression": "location", "path": "location",
                    "expressionValue": "eastus", "targetValue": ["westeurope", "swedencentral"], "operator": "NotIn",
                }]},
            }]},
        })
    );
    // An allowed location, no pending values: the requirement only.
    let answer = plane
        .check_policy_restrictions(
            SUB,
            Some("RG-Governed"),
            &check_body("westeurope", json!({ "field": "location" })),
        )
        .body
        .expect("answer");
    assert_eq!(
        answer["fieldRestrictions"][0]["restrictions"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(
        answer["contentEvaluationResult"]["policyEvaluations"],
        json!([])
    );
    // The assignment is at the group: the subscription scope and other groups see nothing.
    for group in [None, Some("rg-platform")] {
        let answer = plane
            .check_policy_restrictions(
                SUB,
                group,
                &check_body("eastus", json!({ "field": "location" })),
            )
            .body
            .expect("answer");
        assert_eq!(
            answer,
            json!({ "fieldRestrictions": [], "contentEvaluationResult": { "policyEvaluations": [] } }),
            "{group:?}"
        );
    }
    let missing = plane.check_policy_restrictions(
        SUB,
        Some("rg-none"),
        &check_body("eastus", json!({ "field": "location" })),
    );
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let malformed = plane.check_policy_restrictions(SUB, None, &json!({ "pendingFields": [] }));
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
}

#[test]
fn a_required_tag_is_enforced_and_reported() {
    let mut world = World::default_world().expect("world");
    world.policy_assignments.push(crate::world::PolicyAssignment {
        scope: format!("/subscriptions/{SUB}"),
        name: "require-cost-center".into(),
        display_name: "Require a cost-center tag".into(),
        definition_id: "/providers/Microsoft.Authorization/policyDefinitions/871b6d14-10aa-478d-b590-94f262ecfa99".into(),
        definition_display_name: "Require a tag on resources".into(),
        effect: "deny".into(),
        allowed_locations: Vec::new(),
        required_tag: Some("cost-center".into()),
    });
    let mut plane = ControlPlane::new(world);
    let reply = plane.put_cluster(
        &ORIGIN,
        SUB,
        "rg-platform",
        "aks-untagged",
        None,
        &cluster_body("eastus", 1),
    );
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let info = reply.body.expect("body")["error"]["additionalInfo"][0]["info"].clone();
    assert_eq!(info["policyAssignmentName"], "require-cost-center");
    assert_eq!(
        info["policyAssignmentParameters"],
        json!({ "tagName": { "value": "cost-center" } })
    );
    let mut tagged = cluster_body("eastus", 1);
    tagged["tags"] = json!({ "cost-center": "42" });
    let reply = plane.put_cluster(&ORIGIN, SUB, "rg-platform", "aks-tagged", None, &tagged);
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    let answer = plane
        .check_policy_restrictions(SUB, None, &check_body("eastus", json!({ "field": "tags" })))
        .body
        .expect("answer");
    assert_eq!(answer["fieldRestrictions"][0]["field"], "tags.cost-center");
    assert_eq!(
        answer["fieldRestrictions"][0]["restrictions"][0]["result"],
        "Required"
    );
    assert_eq!(
        answer["contentEvaluationResult"]["policyEvaluations"],
        json!([]),
        "tags not sent are pending"
    );
}
