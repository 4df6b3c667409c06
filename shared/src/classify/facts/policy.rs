//! What an Azure Policy denial states: which assignment and definition denied the request, at
//! what scope, and what the policy asks for.
//!
//! Three sources, best first: ARM's `additionalInfo` entry of type `PolicyViolation` (its `info`
//! names the assignment, definition, scope and parameters such as
//! `listOfAllowedLocations.value`), the message's `Policy identifiers: '[{"policyAssignment":
//! {"name","id"},"policyDefinition":{"name","id"}}]'`, and prose (`Reasons: '…'`, "did not
//! supply a 'Owner' tag"). The JSON is read by key from the normalised text rather than parsed,
//! because clients truncate it and wrap it in log lines.

use serde_json::Value;

use super::super::PolicyFacts;
use super::super::normalize::Normalized;
use super::occurrences;

/// Longest value read for one key.
const MAX_VALUE: usize = 512;
/// How far after a key its value may start (spaces, `:`, an opening `{"value":`).
const VALUE_WINDOW: usize = 40;
/// Most items read from one array value.
const MAX_ITEMS: usize = 64;

/// The policy facts of `text` (and of the structured `additionalInfo`, which wins), or `None`
/// when neither states any.
pub(crate) fn extract(text: &Normalized, additional_info: &[Value]) -> Option<PolicyFacts> {
    let mut facts = from_additional_info(additional_info);
    let from_text = from_text(text);
    merge(&mut facts, from_text);
    (facts != PolicyFacts::default()).then_some(facts)
}

/// Fills every empty field of `into` from `from`.
fn merge(into: &mut PolicyFacts, from: PolicyFacts) {
    let take = |a: &mut Option<String>, b: Option<String>| {
        if a.is_none() {
            *a = b;
        }
    };
    take(&mut into.assignment_name, from.assignment_name);
    take(&mut into.assignment_id, from.assignment_id);
    take(&mut into.definition_name, from.definition_name);
    take(&mut into.definition_id, from.definition_id);
    take(&mut into.scope, from.scope);
    take(&mut into.reason, from.reason);
    let take_list = |a: &mut Vec<String>, b: Vec<String>| {
        if a.is_empty() {
            *a = b;
        }
    };
    take_list(&mut into.allowed_locations, from.allowed_locations);
    take_list(&mut into.required_tags, from.required_tags);
    take_list(&mut into.denied_sizes, from.denied_sizes);
    take_list(&mut into.allowed_sizes, from.allowed_sizes);
}

/// The first `PolicyViolation` entry of ARM's `additionalInfo`.
fn from_additional_info(additional_info: &[Value]) -> PolicyFacts {
    let Some(info) = additional_info
        .iter()
        .find(|entry| entry.get("type").and_then(Value::as_str) == Some("PolicyViolation"))
        .and_then(|entry| entry.get("info"))
    else {
        return PolicyFacts::default();
    };
    let string = |key: &str| {
        info.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty() && s.len() <= MAX_VALUE)
            .map(str::to_owned)
    };
    let parameter = |names: &[&str]| -> Vec<String> {
        let parameters = info.get("policyAssignmentParameters");
        names
            .iter()
            .find_map(|name| {
                let value = parameters?.get(*name)?.get("value")?;
                match value {
                    Value::Array(items) => Some(
                        items
                            .iter()
                            .filter_map(Value::as_str)
                            .take(MAX_ITEMS)
                            .map(str::to_owned)
                            .collect(),
                    ),
                    Value::String(one) => Some(vec![one.clone()]),
                    _ => None,
                }
            })
            .unwrap_or_default()
    };
    let assignment_id = string("policyAssignmentId");
    PolicyFacts {
        assignment_name: string("policyAssignmentDisplayName")
            .or_else(|| string("policyAssignmentName")),
        scope: string("policyAssignmentScope")
            .or_else(|| assignment_id.as_deref().and_then(scope_of_assignment)),
        assignment_id,
        definition_name: string("policyDefinitionDisplayName")
            .or_else(|| string("policySetDefinitionDisplayName"))
            .or_else(|| string("policyDefinitionName")),
        definition_id: string("policyDefinitionId"),
        allowed_locations: parameter(&["listOfAllowedLocations", "allowedLocations"]),
        required_tags: parameter(&["tagName", "tagNames"]),
        allowed_sizes: parameter(&["listOfAllowedSKUs", "allowedSkus"]),
        ..PolicyFacts::default()
    }
}

/// The same facts read by key from the text, plus what prose states.
fn from_text(text: &Normalized) -> PolicyFacts {
    let identifiers = occurrences(&text.lower, "\"policyassignment\"").next();
    let definition_object = occurrences(&text.lower, "\"policydefinition\"").next();
    let within = |object: Option<usize>, key: &str| {
        object.and_then(|from| string_value(text, from, key, 200))
    };
    let assignment_id =
        json_string(text, "policyassignmentid").or_else(|| within(identifiers, "id"));
    PolicyFacts {
        assignment_name: json_string(text, "policyassignmentdisplayname")
            .or_else(|| within(identifiers, "name"))
            .or_else(|| json_string(text, "policyassignmentname")),
        scope: json_string(text, "policyassignmentscope")
            .or_else(|| assignment_id.as_deref().and_then(scope_of_assignment)),
        assignment_id,
        definition_name: json_string(text, "policydefinitiondisplayname")
            .or_else(|| within(definition_object, "name"))
            .or_else(|| json_string(text, "policydefinitionname")),
        definition_id: json_string(text, "policydefinitionid")
            .or_else(|| within(definition_object, "id")),
        allowed_locations: json_list(text, "listofallowedlocations"),
        required_tags: {
            let mut tags = json_list(text, "tagname");
            if tags.is_empty() {
                tags = quoted_tags(text);
            }
            tags
        },
        denied_sizes: evaluated_sizes(text),
        allowed_sizes: json_list(text, "listofallowedskus"),
        reason: reason(text),
    }
}

/// The scope an assignment id was made at: everything before
/// `/providers/Microsoft.Authorization/policyAssignments/`.
fn scope_of_assignment(id: &str) -> Option<String> {
    const MARKER: &str = "/providers/microsoft.authorization/policyassignments/";
    let at = id.to_ascii_lowercase().find(MARKER)?;
    id.get(..at)
        .filter(|scope| scope.starts_with('/'))
        .map(str::to_owned)
}

/// The string value of the first `"key"` in the text (`key` lowercase, without quotes).
fn json_string(text: &Normalized, key: &str) -> Option<String> {
    string_value(text, 0, key, text.lower.len())
}

/// The string value of the first `"key"` found within `limit` bytes after `from`.
fn string_value(text: &Normalized, from: usize, key: &str, limit: usize) -> Option<String> {
    let value_start = key_value_start(text, from, key, limit)?;
    let rest = text.text.get(value_start..)?;
    let value = rest.strip_prefix('"')?;
    let close = value.find('"')?;
    value
        .get(..close)
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.len() <= MAX_VALUE)
        .map(str::to_owned)
}

/// Where the value of `"key"` starts: after the key, `:` and spaces, and through a wrapping
/// `{"value":` (policy parameters are `{"name":{"value":…}}`).
fn key_value_start(text: &Normalized, from: usize, key: &str, limit: usize) -> Option<usize> {
    let needle = format!("\"{key}\"");
    let window_end = super::floor_boundary(&text.lower, from.saturating_add(limit));
    let found = text.lower.get(from..window_end)?.find(&needle)?;
    let mut at = from + found + needle.len();
    let skip = |at: usize| {
        let rest = text.lower.get(at..).unwrap_or_default();
        at + (rest.len() - rest.trim_start_matches([' ', ':']).len())
    };
    at = skip(at);
    let rest = text.lower.get(at..)?;
    if let Some(inner) = rest.strip_prefix('{') {
        let value_at = inner
            .get(..super::floor_boundary(inner, VALUE_WINDOW))?
            .find("\"value\"")?;
        at = skip(at + 1 + value_at + "\"value\"".len());
    }
    Some(at)
}

/// The strings of the array (or single string) value of the first `"key"`.
fn json_list(text: &Normalized, key: &str) -> Vec<String> {
    let Some(start) = key_value_start(text, 0, key, text.lower.len()) else {
        return Vec::new();
    };
    let rest = text.text.get(start..).unwrap_or_default();
    if let Some(value) = rest.strip_prefix('"') {
        return value
            .get(..value.find('"').unwrap_or(0))
            .filter(|v| !v.is_empty() && v.len() <= MAX_VALUE)
            .map(|v| vec![v.to_owned()])
            .unwrap_or_default();
    }
    let Some(body) = rest.strip_prefix('[') else {
        return Vec::new();
    };
    let stop = super::floor_boundary(
        body,
        body.find(']').unwrap_or(body.len()).min(MAX_VALUE * 8),
    );
    let body = body.get(..stop).unwrap_or_default();
    body.split(',')
        .map(|item| item.trim().trim_matches('"').trim())
        .filter(|item| !item.is_empty() && !item.contains('"'))
        .take(MAX_ITEMS)
        .map(str::to_owned)
        .collect()
}

/// The sizes a policy's evaluation refused: `"path":"…sku.name","expressionValue":"Standard_X"`.
fn evaluated_sizes(text: &Normalized) -> Vec<String> {
    let mut sizes = Vec::new();
    for end in occurrences(&text.lower, "\"path\":") {
        let rest = text.lower.get(end..).unwrap_or_default().trim_start();
        let Some(path) = rest.strip_prefix('"').and_then(|v| v.get(..v.find('"')?)) else {
            continue;
        };
        if path.ends_with("sku.name")
            && let Some(size) = string_value(text, end, "expressionvalue", 200)
            && !sizes.contains(&size)
        {
            sizes.push(size);
        }
    }
    sizes
}

/// Tags prose asks for: "did not supply a 'Owner' tag", "specify an 'Owner' tag".
fn quoted_tags(text: &Normalized) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for end in occurrences(&text.lower, "' tag") {
        let quote = end.saturating_sub("' tag".len());
        let window = super::floor_boundary(&text.text, quote.saturating_sub(64));
        let Some(open) = text.text.get(window..quote).and_then(|b| b.rfind('\'')) else {
            continue;
        };
        let Some(tag) = text.text.get(window + open + 1..quote) else {
            continue;
        };
        let plausible = !tag.is_empty()
            && tag
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
        if plausible && !tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            tags.push(tag.to_owned());
        }
    }
    tags
}

/// Azure's stated reason: `Reasons: 'Public IP creation is not allowed.'.`
fn reason(text: &Normalized) -> Option<String> {
    let end = occurrences(&text.lower, "reasons: '").next()?;
    let rest = text.text.get(end..)?;
    let stop = rest.find("'.").unwrap_or(rest.len()).min(MAX_VALUE);
    let stop = super::floor_boundary(rest, stop);
    rest.get(..stop)
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(raw: &str) -> PolicyFacts {
        extract(&Normalized::new(raw).without_urls(), &[]).unwrap_or_default()
    }

    #[test]
    fn policy_identifiers_in_the_message() {
        let f = facts(
            r#"Resource 'x' was disallowed by policy. Policy identifiers: '[{"policyAssignment":{"name":"Allowed locations for AKS","id":"/subscriptions/8c2f/resourceGroups/rg-governed/providers/Microsoft.Authorization/policyAssignments/allowed-locations"},"policyDefinition":{"name":"Allowed locations","id":"/providers/Microsoft.Authorization/policyDefinitions/e56962a6"}}]'."#,
        );
        assert_eq!(
            f.assignment_name.as_deref(),
            Some("Allowed locations for AKS")
        );
        assert_eq!(f.definition_name.as_deref(), Some("Allowed locations"));
        assert_eq!(
            f.definition_id.as_deref(),
            Some("/providers/Microsoft.Authorization/policyDefinitions/e56962a6")
        );
        assert_eq!(
            f.scope.as_deref(),
            Some("/subscriptions/8c2f/resourceGroups/rg-governed")
        );
    }

    #[test]
    fn additional_info_parameters_escaped_twice_in_a_log_line() {
        let f = facts(
            r#"msg="{\\\"error\\\":{\\\"code\\\":\\\"RequestDisallowedByPolicy\\\",\\\"additionalInfo\\\":[{\\\"type\\\":\\\"PolicyViolation\\\",\\\"info\\\":{\\\"policyAssignmentDisplayName\\\":\\\"Allowed locations for AKS\\\",\\\"policyAssignmentScope\\\":\\\"/subscriptions/8c2f/resourceGroups/rg-governed\\\",\\\"policyAssignmentParameters\\\":{\\\"listOfAllowedLocations\\\":{\\\"value\\\":[\\\"westeurope\\\",\\\"swedencentral\\\"]}}}}]}}""#,
        );
        assert_eq!(
            f.assignment_name.as_deref(),
            Some("Allowed locations for AKS")
        );
        assert_eq!(
            f.scope.as_deref(),
            Some("/subscriptions/8c2f/resourceGroups/rg-governed")
        );
        assert_eq!(f.allowed_locations, vec!["westeurope", "swedencentral"]);
    }

    #[test]
    fn structured_additional_info_wins() {
        let info: Value = serde_json::json!([{"type":"PolicyViolation","info":{
            "policyAssignmentName":"a1","policyAssignmentId":"/subscriptions/s/providers/Microsoft.Authorization/policyAssignments/a1",
            "policyDefinitionDisplayName":"Allowed virtual machine size SKUs",
            "policyAssignmentParameters":{"listOfAllowedSKUs":{"value":["Standard_D2s_v5"]}}}}]);
        let items = info.as_array().cloned().unwrap_or_default();
        let f = extract(&Normalized::new("denied"), &items).unwrap_or_default();
        assert_eq!(f.assignment_name.as_deref(), Some("a1"));
        assert_eq!(f.scope.as_deref(), Some("/subscriptions/s"));
        assert_eq!(f.allowed_sizes, vec!["Standard_D2s_v5"]);
    }

    #[test]
    fn prose_reason_tags_and_evaluated_sizes() {
        let f = facts(
            "Reasons: 'Resource group validation failed since you did not supply a 'Owner' tag. Please specify an 'Owner' tag with your alias as value.'.",
        );
        assert_eq!(f.required_tags, vec!["Owner"]);
        assert!(f.reason.is_some_and(|r| r.ends_with("as value.")));
        let f = facts(
            r#"{"evaluatedExpressions":[{"result":"False","expression":"Microsoft.Compute/virtualMachineScaleSets/sku.name","path":"sku.name","expressionValue":"Standard_NC24","targetValue":["Standard_D2s_v5"],"operator":"In"}]}"#,
        );
        assert_eq!(f.denied_sizes, vec!["Standard_NC24"]);
    }

    #[test]
    fn truncated_identifiers_keep_what_was_read() {
        let f = facts(
            r#"Policy identifiers: '[{"policyAssignment":{"name":"Require tags","id":"/providers/Microsoft.Management/managementGroups/fl-dev/providers/Microsoft.Authorization/policyAssign"#,
        );
        assert_eq!(f.assignment_name.as_deref(), Some("Require tags"));
        assert_eq!(f.assignment_id, None);
    }
}
