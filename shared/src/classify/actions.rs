//! Words and links for each category: the summary line built from the facts, the explanation,
//! and the action buttons.
//!
//! Every URL here is listed with its source in docs/ARM_FACTS.md §6. The quota shortlink and portal
//! blade are the ones docs/PRODUCT.md §6 asks for (their stability is unverified, so every category
//! also carries a learn.microsoft.com docs link as a fallback).

mod capacity;
mod network;
mod policy;

use super::message::truncate;
use super::{Action, ActionKind, Category, ErrorContext, Facts};
use crate::shell::role_assignment_command;

/// Durable quota shortlink, the primary quota action.
pub(crate) const QUOTA_SHORTLINK: &str = "https://aka.ms/quotas/view-quotas";
/// The portal's "My quotas" blade.
pub(crate) const QUOTA_BLADE: &str =
    "https://portal.azure.com/#view/Microsoft_Azure_Capacity/QuotaMenuBlade/~/myQuotas";
const DOCS_REGIONAL_QUOTA: &str =
    "https://learn.microsoft.com/azure/quotas/regional-quota-requests";
const DOCS_AKS_QUOTA_EXCEEDED: &str = "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/create-upgrade-delete/quota-exceeded-during-creation-upgrade";
const DOCS_SKU_NOT_AVAILABLE: &str = "https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-sku-not-available";
const DOCS_AKS_RESTRICTED_SIZES: &str =
    "https://learn.microsoft.com/azure/aks/quotas-skus-regions#restricted-vm-sizes";
const DOCS_REGION_ACCESS: &str =
    "https://learn.microsoft.com/troubleshoot/azure/general/region-access-request-process";
const DOCS_AKS_REGIONS: &str =
    "https://learn.microsoft.com/azure/aks/quotas-skus-regions#region-availability";
const AKS_REGION_LIST: &str =
    "https://azure.microsoft.com/global-infrastructure/services/?products=kubernetes-service";
const DOCS_ROLE_ASSIGNMENT: &str =
    "https://learn.microsoft.com/azure/role-based-access-control/role-assignments-portal";
const DOCS_RBAC_TROUBLESHOOTING: &str =
    "https://learn.microsoft.com/azure/role-based-access-control/troubleshooting";
const DOCS_COMMON_ERRORS: &str = "https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/common-deployment-errors";
const AKS_PENDING_OPERATION: &str = "https://aka.ms/aks-pending-operation";
const DOCS_OPERATION_NOT_ALLOWED: &str = "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/create-upgrade-delete/operationnotallowed";
const DOCS_ABORT: &str = "https://learn.microsoft.com/azure/aks/manage-abort-operations";
const DOCS_AKS_THROTTLED: &str =
    "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/error-codes/throttled-error";
const DOCS_ARM_THROTTLING: &str = "https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling";

/// Longest summary for messages shown as they are.
pub(super) const MAX_SUMMARY_CHARS: usize = 200;

/// The one-line summary.
pub(crate) fn summary(category: Category, facts: &Facts, innermost: &str) -> String {
    let region = facts.region.as_deref();
    let in_region = region.map(|r| format!(" in {r}")).unwrap_or_default();
    match category {
        Category::Quota => quota_summary(facts, &in_region),
        Category::SkuBlocked => {
            let what = match facts.sizes.as_slice() {
                [] => "The requested VM size".to_owned(),
                [one] => format!("VM size {one}"),
                many => format!("VM sizes {}", many.join(", ")),
            };
            format!("{what} is not available to this subscription{in_region}.")
        }
        Category::Region => match region {
            Some(r) => format!("Region {r} cannot host this cluster right now."),
            None => "The chosen region cannot host this cluster right now.".to_owned(),
        },
        Category::RgPermission => {
            let lower = innermost.to_ascii_lowercase();
            if let Some(scope) = &facts.scope {
                format!("Missing permission on {scope}.")
            } else if lower.contains("could not be found") {
                truncate(innermost, MAX_SUMMARY_CHARS)
            } else {
                "Access to the subscription or resource group was refused.".to_owned()
            }
        }
        Category::Auth => "Azure refused the credentials used for this request.".to_owned(),
        Category::Conflict => {
            "Another operation is still running on this resource; wait for it or abort it."
                .to_owned()
        }
        Category::Throttled => match facts.retry_after_secs {
            Some(secs) => format!("Azure is throttling requests; retry in {secs} seconds."),
            None => "Azure is throttling requests; retry in a minute.".to_owned(),
        },
        Category::InvalidConfig => {
            format!(
                "Azure rejected a setting: {}",
                truncate(innermost, MAX_SUMMARY_CHARS)
            )
        }
        Category::Cancelled => "The operation was cancelled before it finished.".to_owned(),
        Category::Capacity => capacity::summary(facts, innermost),
        Category::Policy => policy::summary(facts, innermost),
        Category::Network => network::summary(facts, innermost),
        Category::Unknown if innermost.is_empty() => "Azure reported an error.".to_owned(),
        Category::Unknown => truncate(innermost, MAX_SUMMARY_CHARS),
    }
}

/// "Quota too small in koreacentral — needs 162 vCPUs, you have 100 free."
fn quota_summary(facts: &Facts, in_region: &str) -> String {
    let unit = match facts.family.as_deref() {
        Some(family) if family.to_ascii_lowercase().contains("ip address") => "public IP addresses",
        _ => "vCPUs",
    };
    let mut parts = Vec::new();
    if let Some(needed) = facts.needed {
        parts.push(format!("needs {needed} {unit}"));
    }
    match (facts.free, facts.limit) {
        (Some(free), _) => parts.push(format!("you have {free} free")),
        (None, Some(limit)) => parts.push(format!("the limit is {limit} {unit}")),
        (None, None) => {}
    }
    // A VM family is worth naming; "Total Regional Cores" or "Core" is what "quota" already says.
    let family = match facts.family.as_deref() {
        Some(f) if f.to_ascii_lowercase().ends_with("family") => format!(" for {f}"),
        _ => String::new(),
    };
    if parts.is_empty() {
        format!("Quota too small{family}{in_region} for this request.")
    } else {
        format!("Quota too small{family}{in_region} — {}.", parts.join(", "))
    }
}

/// The secondary explanation: what the category means, then Azure's innermost message.
pub(crate) fn explanation(category: Category, innermost: &str) -> String {
    let meaning = match category {
        Category::Quota => {
            "The subscription's quota for this VM family or region is smaller than the cluster needs. Request an increase, or choose fewer or smaller nodes."
        }
        Category::SkuBlocked => {
            "This VM size is restricted for the subscription in this region, or out of capacity. Choose another size or region, or ask Azure to enable it."
        }
        Category::Region => {
            "The region does not offer this resource to the subscription. Choose another region or ask Azure for access."
        }
        Category::RgPermission => {
            "The identity lacks a role on the resource group or subscription, or the group or subscription does not exist."
        }
        Category::Auth => {
            "The token, secret or tenant used to sign in was not accepted. Sign in again or renew the credential."
        }
        Category::Conflict => {
            "Azure allows one operation at a time on a cluster; this one started while another was running or in the wrong state."
        }
        Category::Throttled => {
            "Azure limits how often requests can be made. Waiting and retrying works."
        }
        Category::InvalidConfig => {
            "A value in the request is not accepted. Edit the settings and retry."
        }
        Category::Cancelled => "The operation was cancelled or pre-empted by another one.",
        Category::Capacity => {
            "Azure is out of capacity for this size here for now. Another zone, another size or a later retry usually works."
        }
        Category::Policy => {
            "An Azure Policy assignment forbids this request. A role assignment does not help; change the request or ask for a policy exemption."
        }
        Category::Network => {
            "The virtual network or subnet cannot take the cluster as requested: it is too small or in use, the cluster's identity may not use it, or traffic the nodes need is blocked."
        }
        Category::Unknown => "The dashboard does not recognise this error.",
    };
    if innermost.is_empty() {
        meaning.to_owned()
    } else {
        format!("{meaning} Azure said: {innermost}")
    }
}

/// The action buttons for a category; every category gets at least one docs link.
pub(crate) fn actions(category: Category, facts: &Facts, context: &ErrorContext) -> Vec<Action> {
    match category {
        Category::Quota => vec![
            portal(
                "Request more quota",
                quota_shortlink(context, facts.region.as_deref()),
            ),
            portal("Open My quotas in the portal", QUOTA_BLADE.to_owned()),
            docs("How to increase regional vCPU quota", DOCS_REGIONAL_QUOTA),
            docs(
                "AKS quota exceeded troubleshooting",
                DOCS_AKS_QUOTA_EXCEEDED,
            ),
        ],
        Category::SkuBlocked => vec![
            docs("Resolve SKU not available", DOCS_SKU_NOT_AVAILABLE),
            docs("AKS restricted VM sizes", DOCS_AKS_RESTRICTED_SIZES),
            docs("Request access to a region or size", DOCS_REGION_ACCESS),
        ],
        Category::Region => vec![
            docs("AKS region availability", DOCS_AKS_REGIONS),
            docs("Regions offering AKS", AKS_REGION_LIST),
            docs("Request access to a region", DOCS_REGION_ACCESS),
        ],
        Category::RgPermission => {
            let mut actions = Vec::new();
            // Only a GUID principal and an ARM-id scope make a command (crate::shell).
            let command = match (&facts.principal_object_id, &facts.scope) {
                (Some(principal), Some(scope)) => {
                    role_assignment_command(principal, resource_group_scope(scope))
                }
                _ => None,
            };
            if let Some(command) = command {
                actions.push(Action {
                    kind: ActionKind::Command,
                    label: "Copy the role assignment command".to_owned(),
                    href: None,
                    command: Some(command),
                    retry: None,
                });
            }
            actions.push(docs("Assign an Azure role", DOCS_ROLE_ASSIGNMENT));
            actions.push(docs("Troubleshoot Azure RBAC", DOCS_RBAC_TROUBLESHOOTING));
            actions
        }
        Category::Auth => vec![
            docs("Common Azure deployment errors", DOCS_COMMON_ERRORS),
            docs("Troubleshoot Azure RBAC", DOCS_RBAC_TROUBLESHOOTING),
        ],
        Category::Conflict => vec![
            docs("Pending AKS operations", AKS_PENDING_OPERATION),
            docs(
                "Troubleshoot OperationNotAllowed",
                DOCS_OPERATION_NOT_ALLOWED,
            ),
            docs("Abort a running AKS operation", DOCS_ABORT),
        ],
        Category::Throttled => vec![
            retry(match facts.retry_after_secs {
                Some(secs) => format!("Retry after {secs} seconds"),
                None => "Retry in a minute".to_owned(),
            }),
            docs("AKS throttling errors", DOCS_AKS_THROTTLED),
            docs("Azure Resource Manager request limits", DOCS_ARM_THROTTLING),
        ],
        Category::InvalidConfig => vec![docs("Common Azure deployment errors", DOCS_COMMON_ERRORS)],
        Category::Cancelled => vec![
            retry("Retry".to_owned()),
            docs("Aborting AKS operations", DOCS_ABORT),
        ],
        Category::Capacity => capacity::actions(facts),
        Category::Policy => policy::actions(facts),
        Category::Network => network::actions(facts),
        Category::Unknown => vec![docs("Common Azure deployment errors", DOCS_COMMON_ERRORS)],
    }
}

/// The quota shortlink with the subscription and region as query parameters when known.
fn quota_shortlink(context: &ErrorContext, region: Option<&str>) -> String {
    let mut params = Vec::new();
    if let Some(sub) = context
        .subscription_id
        .as_deref()
        .filter(|s| is_url_safe(s))
    {
        params.push(format!("subscriptionId={sub}"));
    }
    if let Some(region) = region.filter(|r| is_url_safe(r)) {
        params.push(format!("location={}", region.to_ascii_lowercase()));
    }
    if params.is_empty() {
        QUOTA_SHORTLINK.to_owned()
    } else {
        format!("{QUOTA_SHORTLINK}?{}", params.join("&"))
    }
}

/// Only ids and region names made of unreserved characters go into a URL unencoded.
fn is_url_safe(value: &str) -> bool {
    !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Scopes inside a resource group are widened to the group: the dashboard creates several
/// resources there, so a role on one of them would not be enough.
fn resource_group_scope(scope: &str) -> &str {
    let mut seen = 0;
    let mut after_rg = false;
    for (index, segment) in scope.split('/').enumerate() {
        seen += segment.len() + usize::from(index > 0);
        if after_rg {
            return scope.get(..seen).unwrap_or(scope);
        }
        after_rg = segment.eq_ignore_ascii_case("resourceGroups");
    }
    scope
}

pub(super) fn portal(label: &str, href: String) -> Action {
    Action {
        kind: ActionKind::Portal,
        label: label.to_owned(),
        href: Some(href),
        command: None,
        retry: None,
    }
}

pub(super) fn docs(label: &str, href: &str) -> Action {
    Action {
        kind: ActionKind::Docs,
        label: label.to_owned(),
        href: Some(href.to_owned()),
        command: None,
        retry: None,
    }
}

pub(super) fn retry(label: String) -> Action {
    Action {
        kind: ActionKind::Retry,
        label,
        href: None,
        command: None,
        retry: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(
        "/subscriptions/s/resourceGroups/rg",
        "/subscriptions/s/resourceGroups/rg"
    )]
    #[case(
        "/subscriptions/s/resourcegroups/rg/providers/a/b",
        "/subscriptions/s/resourcegroups/rg"
    )]
    #[case("/subscriptions/s", "/subscriptions/s")]
    #[case("", "")]
    fn scopes_widen_to_the_resource_group(#[case] scope: &str, #[case] expected: &str) {
        assert_eq!(resource_group_scope(scope), expected);
    }

    #[test]
    fn quota_link_carries_subscription_and_region_when_known() {
        let context = ErrorContext {
            subscription_id: Some("0000-1111".into()),
            ..ErrorContext::default()
        };
        assert_eq!(
            quota_shortlink(&context, Some("KoreaCentral")),
            "https://aka.ms/quotas/view-quotas?subscriptionId=0000-1111&location=koreacentral"
        );
        assert_eq!(
            quota_shortlink(&ErrorContext::default(), Some("<Region>")),
            QUOTA_SHORTLINK
        );
    }

    #[test]
    fn quota_summary_without_usage_names_the_limit() {
        let facts = Facts {
            limit: Some(1000),
            family: Some("public IP addresses".into()),
            ..Facts::default()
        };
        assert_eq!(
            summary(Category::Quota, &facts, ""),
            "Quota too small — the limit is 1000 public IP addresses."
        );
    }
}
