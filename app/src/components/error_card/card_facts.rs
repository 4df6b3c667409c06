//! The facts a policy, capacity or network failure states, as a short list on the error card:
//! the policy assignment and what it allows, the size, zone and pool Azure had no room for, the
//! subnet and its addresses. Every value is Azure's text shown as text.

use leptos::prelude::*;
use shared::classify::{Category, Facts};

/// The labelled facts of a failure, when its category has any worth a line of their own (the
/// other categories' summaries carry their figures).
#[component]
pub fn CardFacts(
    /// The failure's category.
    category: Category,
    /// What the classifier read from Azure's text.
    facts: Facts,
) -> impl IntoView {
    let rows = rows(category, &facts);
    (!rows.is_empty()).then(|| {
        view! {
            <dl class="error-card-facts">
                {rows
                    .into_iter()
                    .map(|(label, value)| view! {
                        <div class="error-card-fact">
                            <dt>{label}</dt>
                            <dd>{value}</dd>
                        </div>
                    })
                    .collect_view()}
            </dl>
        }
    })
}

/// The (label, value) lines for a category, in reading order; stated facts only.
fn rows(category: Category, facts: &Facts) -> Vec<(&'static str, String)> {
    let list = |values: &[String]| (!values.is_empty()).then(|| values.join(", "));
    let number = |value: Option<i64>| value.map(|n| n.to_string());
    let lines: Vec<(&'static str, Option<String>)> = match category {
        Category::Policy => {
            let policy = facts.policy.clone().unwrap_or_default();
            vec![
                (
                    "Policy assignment",
                    policy.assignment_name.or(policy.assignment_id),
                ),
                (
                    "Policy definition",
                    policy.definition_name.or(policy.definition_id),
                ),
                ("Scope", policy.scope),
                ("Allowed locations", list(&policy.allowed_locations)),
                ("Required tags", list(&policy.required_tags)),
                ("Denied VM sizes", list(&policy.denied_sizes)),
                ("Allowed VM sizes", list(&policy.allowed_sizes)),
                ("Reason", policy.reason),
            ]
        }
        Category::Capacity => vec![
            ("VM size", list(&facts.sizes)),
            ("Region", facts.region.clone()),
            ("Zones", list(&facts.zones)),
            ("Node pool", facts.pool.clone()),
        ],
        Category::Network => {
            let network = facts.network.clone().unwrap_or_default();
            vec![
                ("Subnet", network.subnet),
                ("Virtual network", network.vnet),
                ("Address range", network.cidr),
                ("IP addresses needed", number(network.ips_needed)),
                ("IP addresses free", number(network.ips_available)),
                ("Missing permission", facts.missing_action.clone()),
            ]
        }
        _ => Vec::new(),
    };
    lines
        .into_iter()
        .filter_map(|(label, value)| value.filter(|v| !v.is_empty()).map(|v| (label, v)))
        .collect()
}
