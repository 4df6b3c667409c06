//! Property tests: the classifier answers sanely for any string and never panics. (Its speed,
//! including how time grows with the input, is printed by `benches/classify.rs`, not asserted.)
//!
//! Bounded to 256 cases per property so CI time stays fixed; inputs mix arbitrary Unicode with
//! fragments of real error syntax (escapes, quotes, codes, labels) so the parsers' edges are hit.

use proptest::prelude::*;
use shared::arm_error::ArmError;
use shared::classify::{ActionKind, Category, Classification, ErrorContext, classify};

/// Pieces of real error texts, recombined at random.
const FRAGMENTS: &[&str] = &[
    "\\",
    "\\\\\\\"",
    "\"",
    "'",
    "\n",
    "\\n",
    "\\u00",
    "│ ",
    "Code=\"",
    "Message=\"",
    "\"message\": \"",
    "(QuotaExceeded) ",
    "Current Limit: ",
    "Current Usage: ",
    "Additional Required: ",
    "requested ",
    "remaining ",
    "location '",
    "Location: ",
    "object id '",
    "over scope '/subscriptions/",
    "resourceGroups/",
    "https://aka.ms/x/%7B%22limit%22:",
    "ERROR CODE: ",
    "SkuNotAvailable: ",
    "Capacity Restrictions: Standard_",
    "retry after ",
    "99999999999999999999999",
    "é",
    "🦀",
    "-----",
    "RequestDisallowedByPolicy ",
    "was disallowed by policy. Policy identifiers: '[{\"policyAssignment\":{\"name\":\"",
    "\"id\":\"/subscriptions/",
    "/providers/Microsoft.Authorization/policyAssignments/",
    "\"policyAssignmentParameters\":{\"listOfAllowedLocations\":{\"value\":[\"",
    "\"path\":\"sku.name\",\"expressionValue\":\"",
    "Reasons: '",
    "' tag",
    "(ZonalAllocationFailed) ",
    "AllocationFailed",
    "sufficient capacity for the requested VM size ",
    "\"target\":\"",
    "AgentPoolProfile:",
    "zones '",
    "in this zone",
    "SubnetIsFull",
    "Pre-allocated IPs ",
    "exceeds IPs available ",
    "Subnet Cidr 10.240.0.",
    "/27, Subnet Name ",
    " with address prefix ",
    "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f",
    "/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/",
    "/subnets/",
    "however, it does not have permission to perform action '",
    "Microsoft.Network/virtualNetworks/subnets/join/action",
    "' on the linked scope(s) '",
    "No registered resource provider found for location 'x' and API version '",
    "supported api-versions are '",
];

/// True when no character a POSIX shell reads specially stands outside single quotes.
fn shell_safe(command: &str) -> bool {
    let mut quoted = false;
    command.chars().all(|c| {
        if c == '\'' {
            quoted = !quoted;
            return true;
        }
        quoted
            || !matches!(
                c,
                ';' | '$'
                    | '`'
                    | '|'
                    | '&'
                    | '\n'
                    | '\r'
                    | '('
                    | ')'
                    | '<'
                    | '>'
                    | '"'
                    | '\\'
                    | '*'
                    | '?'
            )
    }) && !quoted
}

/// The new categories' facts are well formed whatever the text.
fn facts_are_well_formed(c: &Classification) {
    let f = &c.facts;
    for zone in &f.zones {
        assert!(
            (1..=2).contains(&zone.len()) && zone.bytes().all(|b| b.is_ascii_digit()),
            "{zone:?}"
        );
    }
    if let Some(pool) = &f.pool {
        assert!(
            pool.len() <= 12
                && pool
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
            "{pool:?}"
        );
    }
    assert!(f.policy.is_none() || c.category == Category::Policy);
    assert!(f.network.is_none() || c.category == Category::Network);
    if let Some(network) = &f.network {
        if let Some(cidr) = &network.cidr {
            let (address, prefix) = cidr.split_once('/').unwrap_or_default();
            assert_eq!(address.split('.').count(), 4, "{cidr}");
            assert!(prefix.parse::<u8>().is_ok_and(|p| p <= 32), "{cidr}");
        }
        assert!(network.ips_needed.is_none_or(|n| n >= 0));
        assert!(network.ips_available.is_none_or(|n| n >= 0));
    }
    for action in &c.actions {
        if let Some(command) = &action.command {
            assert!(
                command.starts_with("az role assignment create --assignee "),
                "{command}"
            );
            assert!(shell_safe(command), "{command}");
        }
    }
}

fn sane(c: &Classification) {
    assert!(!c.summary.trim().is_empty());
    assert!(c.summary.chars().count() <= 600, "summary too long");
    assert!(c.details.chars().count() <= 1000, "details too long");
    assert!(c.actions.iter().any(|a| a.kind == ActionKind::Docs));
    assert!(Category::ALL.contains(&c.category));
    for action in &c.actions {
        match action.kind {
            ActionKind::Portal | ActionKind::Docs => assert!(
                action
                    .href
                    .as_deref()
                    .is_some_and(|h| h.starts_with("https://"))
            ),
            ActionKind::Command => assert!(action.command.is_some()),
            ActionKind::Retry => {}
            ActionKind::RetryWith => assert!(action.retry.is_some()),
        }
    }
    if let (Some(free), Some(limit)) = (c.facts.free, c.facts.limit) {
        assert!(free <= limit || c.facts.usage.is_none());
    }
    facts_are_well_formed(c);
}

fn fragment_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(FRAGMENTS).prop_map(str::to_owned),
            "[a-zA-Z0-9 ,.:]{0,12}",
            any::<String>(),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_string_classifies_sanely(text in any::<String>()) {
        sane(&classify(&text, None, &ErrorContext::default()));
    }

    #[test]
    fn error_shaped_soup_classifies_sanely(text in fragment_soup(), status in 100u16..600) {
        let arm = ArmError::from_response(status, &text);
        let context = ErrorContext {
            subscription_id: Some(text.chars().take(8).collect()),
            region: Some(text.chars().rev().take(6).collect()),
            resource_group: Some("rg".into()),
            vm_sizes: vec![text.chars().take(3).collect()],
            zones: vec![text.chars().take(1).collect(), "2".into()],
            pools: vec![shared::classify::PoolSize {
                name: text.chars().skip(2).take(7).collect(),
                vm_size: text.chars().take(9).collect(),
            }],
        };
        sane(&classify(&text, Some(&arm), &context));
        sane(&classify(&text, None, &context));
    }

    #[test]
    fn structured_policy_info_of_any_shape_classifies_sanely(
        name in any::<String>(),
        scope in fragment_soup(),
        locations in prop::collection::vec(any::<String>(), 0..4),
        parameters_are_a_string in any::<bool>(),
    ) {
        let value = if parameters_are_a_string {
            serde_json::json!(locations.join(","))
        } else {
            serde_json::json!(locations)
        };
        let body = serde_json::json!({"error": {"code": "RequestDisallowedByPolicy", "message": scope,
            "additionalInfo": [{"type": "PolicyViolation", "info": {"policyAssignmentDisplayName": name,
                "policyAssignmentScope": scope, "policyAssignmentParameters": {"listOfAllowedLocations": {"value": value}}}}]}});
        let arm = ArmError::from_response(403, &body.to_string());
        let c = classify("", Some(&arm), &ErrorContext::default());
        sane(&c);
        prop_assert_eq!(c.category, Category::Policy);
    }

    #[test]
    fn classification_survives_a_json_round_trip(text in fragment_soup()) {
        let c = classify(&text, None, &ErrorContext::default());
        let json = serde_json::to_string(&c).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: Classification =
            serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, c);
    }
}
