//! Words and links for `policy`: an Azure Policy assignment denied the request. The summary
//! names the assignment (or definition) and what it asks for; the actions open the
//! assignment's compliance page in the portal (the Policy compliance overview when the
//! assignment id is not known) and the docs on exemptions.

use super::super::{Action, Facts, PolicyFacts};
use super::{MAX_SUMMARY_CHARS, docs, portal, truncate};

/// The portal's Policy compliance overview.
const PORTAL_COMPLIANCE: &str =
    "https://portal.azure.com/#view/Microsoft_Azure_Policy/PolicyMenuBlade/~/Compliance";
/// The portal's compliance page of one assignment; the URL-encoded assignment id follows.
const PORTAL_ASSIGNMENT_COMPLIANCE: &str =
    "https://portal.azure.com/#view/Microsoft_Azure_Policy/PolicyComplianceDetailedBlade/id/";
const DOCS_EXEMPTIONS: &str =
    "https://learn.microsoft.com/azure/governance/policy/concepts/exemption-structure";
const DOCS_ARM_POLICY_ERROR: &str = "https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-policy-requestdisallowedbypolicy";
const DOCS_AKS_POLICY_ERROR: &str = "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/error-codes/requestdisallowedbypolicy-error";

/// `Azure Policy "Allowed locations for AKS" denied the request: it allows only westeurope,
/// swedencentral.`
pub(super) fn summary(facts: &Facts, innermost: &str) -> String {
    let policy = facts.policy.clone().unwrap_or_default();
    let name = policy
        .assignment_name
        .as_deref()
        .or(policy.definition_name.as_deref())
        .filter(|n| !is_placeholder(n));
    let at = policy
        .scope
        .as_deref()
        .and_then(describe_scope)
        .map(|scope| format!(" (assigned at {scope})"))
        .unwrap_or_default();
    // The definition says what kind of policy it is when the assignment's name does not.
    let definition = policy
        .definition_name
        .as_deref()
        .filter(|d| Some(*d) != name && !is_placeholder(d))
        .map(|d| format!(" (\"{d}\")"))
        .unwrap_or_default();
    let head = match name {
        Some(name) => format!("Azure Policy \"{name}\"{definition}{at} denied the request"),
        None => format!("Azure Policy{at} denied the request"),
    };
    let asks = if !policy.allowed_locations.is_empty() {
        format!(
            "it allows only the regions {}",
            policy.allowed_locations.join(", ")
        )
    } else if !policy.allowed_sizes.is_empty() {
        format!(
            "it allows only the VM sizes {}",
            policy.allowed_sizes.join(", ")
        )
    } else if !policy.denied_sizes.is_empty() {
        format!("it does not allow {}", policy.denied_sizes.join(", "))
    } else if !policy.required_tags.is_empty() {
        format!("it requires the tag {}", policy.required_tags.join(", "))
    } else if let Some(reason) = &policy.reason {
        reason.clone()
    } else if name.is_none() {
        innermost.to_owned()
    } else {
        String::new()
    };
    let line = if asks.is_empty() {
        format!("{head}.")
    } else {
        format!("{head}: {}", asks.trim_end_matches('.'))
    };
    let line = truncate(&line, MAX_SUMMARY_CHARS);
    if line.ends_with(['.', '…']) {
        line
    } else {
        format!("{line}.")
    }
}

/// "management group fl-dev", "subscription 8c2f…", "resource group rg-governed" for an
/// assignment scope; `None` for a scope that is a placeholder or not one of these.
fn describe_scope(scope: &str) -> Option<String> {
    let segments: Vec<&str> = scope.split('/').filter(|s| !s.is_empty()).collect();
    let name_of = |kind: &str| {
        segments
            .iter()
            .position(|s| s.eq_ignore_ascii_case(kind))
            .and_then(|at| segments.get(at + 1))
            .filter(|name| !is_placeholder(name))
    };
    if let Some(group) = name_of("resourceGroups") {
        Some(format!("resource group {group}"))
    } else if let Some(group) = name_of("managementGroups") {
        Some(format!("management group {group}"))
    } else {
        name_of("subscriptions").map(|sub| format!("subscription {sub}"))
    }
}

/// `{subId}`, `<assignment>`: redactions and placeholders, not names.
fn is_placeholder(value: &str) -> bool {
    value.starts_with(['{', '<'])
}

/// The compliance page of the assignment (or the overview), then the docs.
pub(super) fn actions(facts: &Facts) -> Vec<Action> {
    let assignment = facts
        .policy
        .as_ref()
        .and_then(|p: &PolicyFacts| p.assignment_id.as_deref())
        .and_then(assignment_compliance_url);
    let mut actions = vec![match assignment {
        Some(url) => portal("Open the assignment's compliance page", url),
        None => portal(
            "Open Policy compliance in the portal",
            PORTAL_COMPLIANCE.to_owned(),
        ),
    }];
    actions.push(docs("Request a policy exemption", DOCS_EXEMPTIONS));
    actions.push(docs(
        "Resolve RequestDisallowedByPolicy",
        DOCS_ARM_POLICY_ERROR,
    ));
    actions.push(docs(
        "RequestDisallowedByPolicy in AKS",
        DOCS_AKS_POLICY_ERROR,
    ));
    actions
}

/// The assignment's compliance page, for an id made only of ARM id characters (placeholders
/// such as `{subId}` or `<id>` give none), percent-encoded as the portal expects.
fn assignment_compliance_url(id: &str) -> Option<String> {
    let plausible = id.starts_with('/')
        && id.len() <= 512
        && id.to_ascii_lowercase().contains("/policyassignments/")
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'_' | b'-'));
    plausible.then(|| format!("{PORTAL_ASSIGNMENT_COMPLIANCE}{}", id.replace('/', "%2F")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_policy(policy: PolicyFacts) -> Facts {
        Facts {
            policy: Some(policy),
            ..Facts::default()
        }
    }

    #[test]
    fn the_summary_names_the_assignment_and_what_it_allows() {
        let facts = with_policy(PolicyFacts {
            assignment_name: Some("Allowed locations for AKS".into()),
            scope: Some("/subscriptions/8c2f/resourceGroups/rg-governed".into()),
            allowed_locations: vec!["westeurope".into(), "swedencentral".into()],
            ..PolicyFacts::default()
        });
        assert_eq!(
            summary(&facts, ""),
            "Azure Policy \"Allowed locations for AKS\" (assigned at resource group rg-governed) denied the request: it allows only the regions westeurope, swedencentral."
        );
        assert_eq!(
            summary(&Facts::default(), "Resource 'x' was disallowed by policy."),
            "Azure Policy denied the request: Resource 'x' was disallowed by policy."
        );
    }

    #[test]
    fn the_compliance_link_is_the_assignment_s_when_its_id_is_real() {
        let id = "/subscriptions/8c2f/resourceGroups/rg-governed/providers/Microsoft.Authorization/policyAssignments/allowed-locations";
        let facts = with_policy(PolicyFacts {
            assignment_id: Some(id.into()),
            ..PolicyFacts::default()
        });
        assert_eq!(
            actions(&facts)[0].href.as_deref(),
            Some(
                "https://portal.azure.com/#view/Microsoft_Azure_Policy/PolicyComplianceDetailedBlade/id/%2Fsubscriptions%2F8c2f%2FresourceGroups%2Frg-governed%2Fproviders%2FMicrosoft.Authorization%2FpolicyAssignments%2Fallowed-locations"
            )
        );
        let placeholder = with_policy(PolicyFacts {
            assignment_id: Some(
                "/subscriptions/{subId}/providers/Microsoft.Authorization/policyAssignments/{id}"
                    .into(),
            ),
            ..PolicyFacts::default()
        });
        assert_eq!(
            actions(&placeholder)[0].href.as_deref(),
            Some(PORTAL_COMPLIANCE)
        );
    }
}
