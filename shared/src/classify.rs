//! The ARM error classifier: from whatever Azure and its clients printed to a category, a
//! one-line summary built from the figures the error states, an explanation and actions.
//!
//! Order of evidence (docs/PRODUCT.md §6): codes of the structured [`ArmError`], innermost detail
//! first; then codes found anywhere in the text; then Azure's phrases; then overloaded codes and
//! generic phrases. Wrapper codes (`ResourceOperationFailure`, `InvalidTemplateDeployment`,
//! `DeploymentFailed`, `OperationNotAllowed`, …) never decide on their own: the code or message
//! they wrap does, so a layered error is explained by its deepest cause. A second look at the
//! facts (`rules::refine`) separates the cases one code covers twice (a permission failure on a
//! network resource is `network`).
//!
//! Pure, total and linear. There is no regular-expression crate: every rule is a substring search
//! or a single scan over the normalised text, so the cost is linear in the input length by
//! construction (no backtracking engine to go catastrophic) and the WASM bundle stays small.
//! Nothing indexes or slices without checking, so no input can make it panic.

mod actions;
mod facts;
mod message;
mod normalize;
mod rules;
#[cfg(test)]
mod wrapper_tests;

use serde::{Deserialize, Serialize};

use crate::arm_error::{ArmError, ArmErrorDetail};
use normalize::Normalized;
use rules::{Evidence, Strength};

/// What went wrong, as the dashboard groups it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// A vCPU or other quota is too small.
    Quota,
    /// The VM size is not offered to this subscription or region.
    SkuBlocked,
    /// Azure has no capacity for the size in that region or zone right now; another zone, size
    /// or a later retry usually works.
    Capacity,
    /// The region cannot host the resource (not offered there).
    Region,
    /// An Azure Policy assignment denied the request.
    Policy,
    /// The caller may not act on the resource group or subscription (RBAC, not found).
    RgPermission,
    /// The network the cluster was put in cannot take it (subnet size or use, join permission,
    /// CIDR overlap, NSG, route table, outbound connectivity, private DNS).
    Network,
    /// The credentials themselves were refused (token, secret, tenant).
    Auth,
    /// Another operation is in progress or the resource's state forbids this one.
    Conflict,
    /// Too many requests; retrying later works.
    Throttled,
    /// A setting of the request is invalid (version, network, name).
    InvalidConfig,
    /// The operation was cancelled or pre-empted.
    Cancelled,
    /// None of the above; also a category this version does not know (a newer server's).
    #[serde(other)]
    Unknown,
}

impl Category {
    /// Every category, in display order.
    pub const ALL: [Category; 13] = [
        Category::Quota,
        Category::SkuBlocked,
        Category::Capacity,
        Category::Region,
        Category::Policy,
        Category::RgPermission,
        Category::Network,
        Category::Auth,
        Category::Conflict,
        Category::Throttled,
        Category::InvalidConfig,
        Category::Cancelled,
        Category::Unknown,
    ];

    /// The wire name (`sku_blocked`).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Quota => "quota",
            Category::SkuBlocked => "sku_blocked",
            Category::Capacity => "capacity",
            Category::Region => "region",
            Category::Policy => "policy",
            Category::RgPermission => "rg_permission",
            Category::Network => "network",
            Category::Auth => "auth",
            Category::Conflict => "conflict",
            Category::Throttled => "throttled",
            Category::InvalidConfig => "invalid_config",
            Category::Cancelled => "cancelled",
            Category::Unknown => "unknown",
        }
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

/// What the caller knows besides the error: used to fill facts the text leaves out and to
/// point links at the right subscription and region.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ErrorContext {
    /// Subscription the request went to.
    pub subscription_id: Option<String>,
    /// Region the request asked for.
    pub region: Option<String>,
    /// Resource group the request targeted.
    pub resource_group: Option<String>,
    /// VM sizes the request asked for.
    pub vm_sizes: Vec<String>,
    /// Availability zones the request asked for (`"1"`, `"2"`, `"3"`); a failure "in this zone"
    /// is about them.
    pub zones: Vec<String>,
    /// The request's pools and their sizes, so a failure naming a pool names its size.
    pub pools: Vec<PoolSize>,
}

/// One pool of the request and its VM size.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolSize {
    /// Pool name (`system`, `workers`).
    pub name: String,
    /// Its VM size.
    pub vm_size: String,
}

/// Figures and names the error states (or the context supplied).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Facts {
    /// Quota units the request needed ("Additional Required", "requested").
    pub needed: Option<i64>,
    /// Quota units still free (stated, or limit minus usage).
    pub free: Option<i64>,
    /// The current quota limit.
    pub limit: Option<i64>,
    /// The current quota usage.
    pub usage: Option<i64>,
    /// The smallest limit that would let the request through, when stated.
    pub new_limit: Option<i64>,
    /// The quota family (`standardDASv5Family`, `Total Regional Cores`).
    pub family: Option<String>,
    /// The region the error is about.
    pub region: Option<String>,
    /// VM sizes the error refused (or the request asked for).
    pub sizes: Vec<String>,
    /// Object id of the principal that lacked permission.
    pub principal_object_id: Option<String>,
    /// ARM scope the permission was missing on.
    pub scope: Option<String>,
    /// Seconds Azure asked to wait before retrying.
    pub retry_after_secs: Option<i64>,
    /// Availability zones the error names (`1`, `2`, `3`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<String>,
    /// The agent pool the error is about (an ARM detail's `target`, `AgentPoolProfile:x`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pool: Option<String>,
    /// The permission (ARM action) the error says is missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing_action: Option<String>,
    /// What an Azure Policy denial states.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyFacts>,
    /// What a network failure states.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkFacts>,
}

/// The policy behind a `RequestDisallowedByPolicy` (or a sibling denial), as far as stated.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PolicyFacts {
    /// The assignment's name or display name.
    pub assignment_name: Option<String>,
    /// The assignment's ARM id.
    pub assignment_id: Option<String>,
    /// The definition's (or initiative's) name or display name.
    pub definition_name: Option<String>,
    /// The definition's ARM id.
    pub definition_id: Option<String>,
    /// The scope the assignment applies at (management group, subscription or group id).
    pub scope: Option<String>,
    /// Locations the policy allows, when stated.
    pub allowed_locations: Vec<String>,
    /// Tags the policy requires, when stated.
    pub required_tags: Vec<String>,
    /// VM sizes the policy refused (its evaluation's `sku.name` values), when stated.
    pub denied_sizes: Vec<String>,
    /// The only VM sizes the policy allows (`listOfAllowedSKUs`), when stated.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed_sizes: Vec<String>,
    /// Azure's stated reason (`Reasons: '…'`), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl PolicyFacts {
    /// True when the policy is about where resources may go (allowed locations stated, or a
    /// definition or assignment named after locations or regions).
    pub fn is_about_locations(&self) -> bool {
        !self.allowed_locations.is_empty() || self.names_mention(&["location", "region"])
    }

    /// True when the policy is about VM sizes (sizes stated, or a name about SKUs or sizes).
    pub fn is_about_sizes(&self) -> bool {
        !self.denied_sizes.is_empty()
            || !self.allowed_sizes.is_empty()
            || self.names_mention(&["sku", "vm size", "virtual machine size"])
    }

    fn names_mention(&self, words: &[&str]) -> bool {
        [&self.assignment_name, &self.definition_name, &self.reason]
            .into_iter()
            .flatten()
            .any(|name| {
                let lower = name.to_ascii_lowercase();
                words.iter().any(|w| lower.contains(w))
            })
    }
}

impl PolicyFacts {
    /// Whether `region` is one the policy itself names (an allowed location, or a word of its
    /// stated reason) rather than the request's.
    pub fn names_region(&self, region: &str) -> bool {
        self.allowed_locations
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(region))
            || self.reason.as_deref().is_some_and(|reason| {
                reason
                    .to_ascii_lowercase()
                    .contains(&region.to_ascii_lowercase())
            })
    }
}

/// The network resources and figures a network failure states.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkFacts {
    /// Subnet name or ARM id.
    pub subnet: Option<String>,
    /// Virtual network name or ARM id.
    pub vnet: Option<String>,
    /// The subnet's address prefix (`10.240.0.0/29`).
    pub cidr: Option<String>,
    /// IP addresses the cluster needs in the subnet.
    pub ips_needed: Option<i64>,
    /// IP addresses the subnet has free.
    pub ips_available: Option<i64>,
    /// Which network problem the text describes, when it says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<NetworkProblem>,
}

/// The kinds of network failure the dashboard explains differently (each has its own docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkProblem {
    /// The subnet has fewer free addresses than the nodes (and, with Azure CNI, pods) need.
    SubnetSize,
    /// The subnet is used by something else, delegated to another service, or not usable.
    SubnetInUse,
    /// The identity may not use (join) the subnet or virtual network.
    JoinPermission,
    /// The custom private DNS zone is missing or the identity may not manage it.
    PrivateDns,
    /// Nodes could not reach what they must (outbound internet, the API server, DNS): a
    /// firewall, NSG, route table or proxy is in the way.
    Outbound,
    /// Address ranges overlap (service CIDR, pod CIDR, subnets).
    CidrOverlap,
    /// The subnet or virtual network was not found (or is in another region).
    NotFound,
}

/// What an action button does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Opens an Azure portal page.
    Portal,
    /// Opens documentation.
    Docs,
    /// Copies a command line.
    Command,
    /// Retries the request (what "Edit & retry" does; no button of its own).
    Retry,
    /// Fills the form with `Action::retry`'s changes and submits: "Retry with zone 2".
    RetryWith,
}

/// One suggested next step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// What the button does.
    pub kind: ActionKind,
    /// Button text.
    pub label: String,
    /// Link to open (portal and docs actions).
    pub href: Option<String>,
    /// Command line to copy (command actions).
    pub command: Option<String>,
    /// What a one-click retry changes in the request (`RetryWith` actions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<crate::provision::RequestChanges>,
}

/// The classifier's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    /// The category.
    pub category: Category,
    /// One line for the card's headline area, built from `facts`.
    pub summary: String,
    /// A secondary explanation: what the category means, then Azure's own innermost message.
    pub details: String,
    /// What was extracted.
    pub facts: Facts,
    /// Suggested next steps; every category has at least one docs link.
    pub actions: Vec<Action>,
}

/// Wrapper codes whose message repeats below them and adds nothing to the explanation.
const OUTER_CODES: &[&str] = &[
    "InvalidTemplateDeployment",
    "DeploymentFailed",
    "ResourceDeploymentFailure",
    "ResourceOperationFailure",
];

/// Most structured details read: real errors have a handful, and each one read costs a search
/// of the text so far.
const MAX_DETAILS: usize = 64;

/// Classifies an error from its raw text, the structured ARM error when the caller has one, and
/// what the caller knows about the request.
pub fn classify(text: &str, arm: Option<&ArmError>, context: &ErrorContext) -> Classification {
    let combined = combined_text(text, arm);
    let normalized = Normalized::new(&combined);
    let mut evidence = rules::text_evidence(&normalized.text, &normalized.lower);
    if let Some(arm) = arm {
        evidence.extend(structured_evidence(arm));
    }
    let decided = rules::decide(&evidence).unwrap_or(Category::Unknown);

    let additional_info = arm
        .map(|a| a.additional_info.as_slice())
        .unwrap_or_default();
    let mut facts = facts::extract(&normalized.without_urls(), additional_info);
    let category = rules::refine(decided, facts.missing_action.as_deref(), &normalized.lower);
    // Policy and network details only describe their own categories' failures.
    if category != Category::Policy {
        facts.policy = None;
    }
    if let (Some(policy), Some(region)) = (&facts.policy, &facts.region)
        && policy.names_region(region)
    {
        // "Only westeurope and swedencentral" names what the policy allows, not where the
        // request went: the request's own region (from the context) is the fact.
        facts.region = None;
    }
    if category != Category::Network {
        facts.network = None;
    }
    fill_from_context(&mut facts, context, &normalized.lower);

    let innermost = innermost_message(&normalized, arm);
    let summary = actions::summary(category, &facts, &innermost);
    let details = actions::explanation(category, &innermost);
    let actions = actions::actions(category, &facts, context);
    Classification {
        category,
        summary,
        details,
        facts,
        actions,
    }
}

/// The actions of `category` for what is known, for a caller that knows the category without
/// classifying a text (the dashboard's own stop is `cancelled`).
pub fn category_actions(category: Category, facts: &Facts, context: &ErrorContext) -> Vec<Action> {
    actions::actions(category, facts, context)
}

/// The text to read: the caller's text, plus the structured error's messages when they are not
/// already part of it (a caller may pass only a short text with the parsed error).
fn combined_text(text: &str, arm: Option<&ArmError>) -> String {
    let mut combined = text.to_owned();
    if let Some(arm) = arm {
        let mut push = |piece: &str| {
            if !piece.is_empty() && !combined.contains(piece) {
                combined.push('\n');
                combined.push_str(piece);
            }
        };
        push(&arm.raw);
        push(&arm.message);
        let mut stack: Vec<&ArmErrorDetail> = arm.details.iter().collect();
        let mut walked = 0;
        while let Some(detail) = stack.pop()
            && walked < MAX_DETAILS
        {
            walked += 1;
            push(&detail.message);
            stack.extend(detail.details.iter());
        }
    }
    combined
}

/// Codes of the structured error, outermost first, each deeper level counting more. A status
/// code of 401 or 429 is evidence too when nothing more specific is found.
fn structured_evidence(arm: &ArmError) -> Vec<Evidence> {
    let mut evidence = Vec::new();
    let mut push = |code: &str, depth: usize| {
        if let Some(category) = rules::code_category(code) {
            evidence.push(Evidence {
                category,
                strength: Strength::StructuredCode,
                position: depth,
            });
        } else if let Some(category) = rules::weak_code_category(code) {
            evidence.push(Evidence {
                category,
                strength: Strength::WeakCode,
                position: depth,
            });
        }
    };
    push(&arm.code, 0);
    if let Some(subcode) = &arm.subcode {
        push(subcode, 1);
    }
    let mut stack: Vec<(&ArmErrorDetail, usize)> = arm.details.iter().map(|d| (d, 2)).collect();
    while let Some((detail, depth)) = stack.pop() {
        push(&detail.code, depth);
        stack.extend(detail.details.iter().map(|d| (d, depth + 1)));
    }
    let by_status = match arm.status {
        401 => Some(Category::Auth),
        429 => Some(Category::Throttled),
        _ => None,
    };
    if let Some(category) = by_status {
        evidence.push(Evidence {
            category,
            strength: Strength::WeakPhrase,
            position: 0,
        });
    }
    evidence
}

/// The innermost message: the structured error's deepest non-wrapper message when there is
/// one, else the last message the text holds.
fn innermost_message(normalized: &Normalized, arm: Option<&ArmError>) -> String {
    if let Some(arm) = arm {
        let (code, message) = arm.innermost();
        if !message.trim().is_empty() && !OUTER_CODES.contains(&code) {
            let inner = Normalized::new(message);
            return message::innermost(&inner.text, &inner.lower);
        }
    }
    message::innermost(&normalized.text, &normalized.lower)
}

/// Fills facts the text left out from the caller's context. The request's zones are the ones
/// meant when the text speaks of a zone without naming it ("in this zone").
fn fill_from_context(facts: &mut Facts, context: &ErrorContext, lower: &str) {
    if facts.region.is_none() {
        facts.region = context.region.clone().filter(|r| !r.is_empty());
    }
    if facts.sizes.is_empty() {
        // The failing pool's size when the error names the pool, else every size requested.
        let pool_size = facts.pool.as_deref().and_then(|pool| {
            context
                .pools
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case(pool) && !p.vm_size.is_empty())
        });
        facts.sizes = match pool_size {
            Some(pool) => vec![pool.vm_size.clone()],
            None => context.vm_sizes.clone(),
        };
    }
    // Azure's "in this zone" names no zone: it is the request's only when the request had one.
    if facts.zones.is_empty() && lower.contains("zone") && context.zones.len() == 1 {
        facts.zones = context
            .zones
            .iter()
            .filter(|z| !z.is_empty() && z.len() <= 2 && z.bytes().all(|b| b.is_ascii_digit()))
            .cloned()
            .collect();
    }
    if facts.scope.is_none()
        && let (Some(sub), Some(rg)) = (&context.subscription_id, &context.resource_group)
        && !sub.is_empty()
        && !rg.is_empty()
    {
        facts.scope = Some(format!("/subscriptions/{sub}/resourceGroups/{rg}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn run(text: &str) -> Classification {
        classify(text, None, &ErrorContext::default())
    }

    #[rstest]
    #[case(
        "Code: QuotaExceeded\nMessage: Operation results in exceeding quota limits of Core. Maximum allowed: 450, Current in use: 449, Additional requested: 8.",
        Category::Quota
    )]
    #[case(
        "(BadRequest) The VM size of AgentPoolProfile:nodepool1 is not allowed in your subscription in location 'westus'.  For more details, please visit https://aka.ms/cpu-quota",
        Category::SkuBlocked
    )]
    #[case(
        "The provided location 'westus' is not available for resource type 'Microsoft.ContainerService/managedClusters'.",
        Category::Region
    )]
    #[case(
        "Resource group 'myaksrgrg' could not be found.",
        Category::RgPermission
    )]
    #[case("Deployment 'x' could not be found.", Category::Unknown)]
    #[case(
        "Error type: ExpiredAuthenticationToken\nError Message: The access token expiry UTC time",
        Category::Auth
    )]
    #[case(
        "\"Operation is not allowed: Another operation (Updating) is in progress\"",
        Category::Conflict
    )]
    #[case(
        "Number of requests for subscription 'x' exceeded the backend storage limit. Please try again after '6' seconds.",
        Category::Throttled
    )]
    #[case(
        "ERROR: Operation failed with status: 'Bad Request'. Details: Version 1.15.5 is not supported in this region.",
        Category::InvalidConfig
    )]
    #[case(
        "msg=\"Future#WaitForCompletion: context has been cancelled: StatusCode=200",
        Category::Cancelled
    )]
    #[case(
        "azure.core.polling.base_polling.OperationFailed: Operation failed or canceled",
        Category::Unknown
    )]
    #[case("cancelled_by_user", Category::Cancelled)]
    #[case("", Category::Unknown)]
    #[case(
        "The client 'x' with object id 'y' does not have authorization to perform action 'z' over scope '/subscriptions/s' or the scope is invalid.",
        Category::RgPermission
    )]
    #[case(
        "The value of parameter dnsPrefix is invalid.",
        Category::InvalidConfig
    )]
    #[case(
        "This operation has been preempted by another operation with ID x.",
        Category::Cancelled
    )]
    #[case(
        "Code=\"VMSizeNotSupported\" Message=\"The VM size Standard_NC6 is not supported in this region.\"",
        Category::SkuBlocked
    )]
    #[case(
        "(ZonalAllocationFailed) Allocation failed. We do not have sufficient capacity for the requested VM size in this zone.",
        Category::Capacity
    )]
    #[case(r#"DeploymentFailed: {"code":"Conflict","message":"{\r\n  \"status\": \"Failed\",\r\n  \"error\": {\r\n    \"code\": \"UnderlayNotFound\",\r\n    \"message\": \"Unable to find an underlay\"\r\n  }\r\n}"}"#, Category::Capacity)]
    #[case(
        "(ReadOnlyDisabledSubscription) The subscription 'x' is disabled and therefore marked as read only.",
        Category::RgPermission
    )]
    #[case(
        "AADSTS700016: Application with identifier 'CLIENT-ID' was not found in the directory 'x'.",
        Category::Auth
    )]
    #[case("ERROR: Please run 'az login' to setup account.", Category::Auth)]
    #[case(
        "managed cluster is in Provisioning State(Updating) and Power State(Running), starting cannot be performed",
        Category::Conflict
    )]
    #[case(r#"Code="OperationNotAllowed" Message="The server rejected the request because too many requests have been received for this subscription." Details=[{"code":"TooManyRequests","message":"{\"operationGroup\":\"PutVM3Min\",\"allowedRequestCount\":300}"}]"#, Category::Throttled)]
    #[case(
        "(InsufficientSubnetSize) Pre-allocated IPs 251 exceeds IPs available 249 in Subnet Cidr 10.1.0.0/24.",
        Category::Network
    )]
    #[case(r#"{"name":"x","status":"Canceled","error":{"code":"Canceled","message":"The operation was canceled."}}"#, Category::Cancelled)]
    #[case(
        "(AddContainerInsightsSolutionError) Code=\"MissingSubscriptionRegistration\" Message=\"The subscription is not registered to use namespace 'Microsoft.OperationsManagement'.\"",
        Category::Unknown
    )]
    fn categories_from_text(#[case] text: &str, #[case] expected: Category) {
        assert_eq!(run(text).category, expected);
    }

    #[test]
    fn quota_summary_uses_the_figures() {
        let c = run(
            "Operation could not be completed as it results in exceeding approved Total Regional Cores quota. Additional details - Deployment Model: Resource Manager, Location: koreacentral, Current Limit: 100, Current Usage: 0, Additional Required: 162, (Minimum) New Limit Required: 162.",
        );
        assert_eq!(c.category, Category::Quota);
        assert_eq!(
            c.summary,
            "Quota too small in koreacentral — needs 162 vCPUs, you have 100 free."
        );
        assert_eq!(c.actions[0].kind, ActionKind::Portal);
        assert!(
            c.actions[0]
                .href
                .as_deref()
                .is_some_and(|h| h.starts_with("https://aka.ms/quotas/view-quotas"))
        );
    }

    #[rstest]
    #[case(
        "Insufficient regional vcpu quota left for location westus2. left regional vcpu quota 4, requested quota 6.",
        "Quota too small in westus2 — needs 6 vCPUs, you have 4 free."
    )]
    #[case(
        "(ErrCode_InsufficientVCPUQuota) Insufficient vcpu quota requested 6, remaining 4 for family standardDCSv2Family for region westeurope",
        "Quota too small for standardDCSv2Family in westeurope — needs 6 vCPUs, you have 4 free."
    )]
    #[case(
        r#"{"error":{"code":"HubClusterVMSizeNotAvailable","message":"Code=\\\"QuotaExceeded\\\" Message=\\\"exceeding approved Total Regional Cores quota. Location: koreacentral, Current Limit: 100, Current Usage: 0, Additional Required: 162. See https://aka.ms/x/%7B%22limit%22:262%7D\\\""}}"#,
        "Quota too small in koreacentral — needs 162 vCPUs, you have 100 free."
    )]
    fn quota_phrasings_and_escaping(#[case] text: &str, #[case] summary: &str) {
        let c = run(text);
        assert_eq!(c.category, Category::Quota);
        assert_eq!(c.summary, summary);
    }

    #[test]
    fn structured_inner_code_beats_wrapper_and_context_fills_facts() {
        let body = r#"{"error":{"code":"InvalidTemplateDeployment","message":"The template deployment 'x' is not valid. See inner errors for details.",
            "details":[{"code":"SkuNotAvailable","message":"The requested VM size for resource 'Following SKUs have failed for Capacity Restrictions: Standard_D8s_v3' is currently not available in location 'westus2'."}]}}"#;
        let arm = ArmError::from_response(400, body);
        let context = ErrorContext {
            subscription_id: Some("sub".into()),
            region: Some("eastus".into()),
            resource_group: Some("rg".into()),
            vm_sizes: vec!["Standard_X".into()],
            ..ErrorContext::default()
        };
        let c = classify("deployment failed", Some(&arm), &context);
        assert_eq!(c.category, Category::SkuBlocked);
        assert_eq!(c.facts.region.as_deref(), Some("westus2"));
        assert_eq!(c.facts.sizes, vec!["Standard_D8s_v3"]);
        assert!(c.details.contains("Capacity Restrictions"));
        assert!(!c.summary.contains("template deployment"));
    }

    #[test]
    fn structured_status_decides_when_nothing_else_does() {
        let arm = ArmError::from_response(429, "");
        assert_eq!(
            classify("", Some(&arm), &ErrorContext::default()).category,
            Category::Throttled
        );
    }

    fn role_command(text: &str) -> Option<String> {
        run(text)
            .actions
            .iter()
            .find(|a| a.kind == ActionKind::Command)
            .and_then(|a| a.command.clone())
    }

    #[test]
    fn permission_failure_offers_role_assignment_for_the_resource_group() {
        let text = "(AuthorizationFailed) The client 'a@b.c' with object id 'ebb57515-0000-4000-8000-000000000001' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/write' over scope '/subscriptions/fcfd0000-0000-4000-8000-000000000002/resourcegroups/dev/providers/x/y' or the scope is invalid.";
        assert_eq!(run(text).category, Category::RgPermission);
        assert_eq!(
            role_command(text).as_deref(),
            Some(
                "az role assignment create --assignee ebb57515-0000-4000-8000-000000000001 --role Contributor --scope /subscriptions/fcfd0000-0000-4000-8000-000000000002/resourcegroups/dev"
            )
        );
    }

    #[test]
    fn a_permission_failure_naming_a_hostile_principal_or_scope_offers_no_command() {
        for text in [
            "(AuthorizationFailed) The client 'a@b.c' with object id 'ebb57515' does not have authorization to perform action 'x' over scope '/subscriptions/fcfd0000-0000-4000-8000-000000000002/resourcegroups/dev' or the scope is invalid.",
            "(AuthorizationFailed) The client 'a@b.c' with object id 'ebb57515-0000-4000-8000-000000000001' does not have authorization to perform action 'x' over scope '/subscriptions/fcfd0000-0000-4000-8000-000000000002/resourcegroups/dev;$(id)' or the scope is invalid.",
        ] {
            assert_eq!(role_command(text), None, "{text}");
        }
    }

    #[test]
    fn unknown_summary_is_the_inner_message_not_the_wrapper() {
        let c = run(
            "Deployment failed. Correlation ID: 6ec9. resources.DeploymentsClient#Get: Failure responding to request: StatusCode=404 -- Original Error: autorest/azure: Service returned an error. Status=404 Code=\"DeploymentNotFound\" Message=\"Deployment '35f8' could not be found.\"",
        );
        assert_eq!(c.category, Category::Unknown);
        assert_eq!(c.summary, "Deployment '35f8' could not be found.");
    }

    #[test]
    fn every_category_has_a_docs_link_and_a_wire_name() {
        for category in Category::ALL {
            let actions = actions::actions(category, &Facts::default(), &ErrorContext::default());
            assert!(
                actions.iter().any(|a| a.kind == ActionKind::Docs),
                "{category:?}"
            );
            assert_eq!(Category::parse(category.as_str()), Some(category));
            let json = serde_json::to_string(&category).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", category.as_str()));
        }
    }

    #[test]
    fn a_policy_s_allowed_regions_are_not_the_request_s_region() {
        let text = "RequestDisallowedByPolicy: Resource 'aks-x' was disallowed by policy. Reasons: 'Only westeurope and swedencentral'. Policy identifiers: '[{\"policyAssignment\":{\"name\":\"Allowed locations for AKS\",\"id\":\"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Authorization/policyAssignments/a\"}}]'.";
        let context = ErrorContext {
            region: Some("eastus".into()),
            ..ErrorContext::default()
        };
        let c = classify(text, None, &context);
        assert_eq!(c.category, Category::Policy);
        assert_eq!(c.facts.region.as_deref(), Some("eastus"));
        assert_eq!(
            classify(text, None, &ErrorContext::default()).facts.region,
            None
        );
    }
}
