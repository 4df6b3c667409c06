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
];

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
        };
        sane(&classify(&text, Some(&arm), &context));
        sane(&classify(&text, None, &context));
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
