//! Which category the evidence in a text points to.
//!
//! Two kinds of evidence, strongest first: error codes (ARM's PascalCase codes, AAD's `AADSTS…`,
//! AKS subcodes) wherever a client printed them, and Azure's own phrases. Wrapper codes that only
//! say "something inside failed" (`InvalidTemplateDeployment`, `DeploymentFailed`,
//! `OperationNotAllowed`, `BadRequest`, …) carry no category, so the inner code or the message
//! decides. Codes are found by scanning identifier tokens rather than by parsing each client's
//! format, which covers every wrapper seen so far (`Code="X"`, `(X)`, `ERROR CODE: X`,
//! `"code": "X"`, `SubCode: X`, `Error type: X`, `X | message`) and those not seen yet.
//!
//! Everything is substring search on ASCII-lowercased text or a token scan: linear time, and no
//! regular-expression engine is needed (so none can backtrack).

use super::Category;

/// How much a piece of evidence counts; ties go to the later (more deeply nested) one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Strength {
    /// A generic phrase ("is invalid", "already exists") that only decides when nothing
    /// more specific was found.
    WeakPhrase,
    /// An Azure phrase.
    Phrase,
    /// An error code found in the text.
    TextCode,
    /// A code from the structured ARM error, outermost to innermost.
    StructuredCode,
}

/// One piece of evidence: a category, how strong, and where (byte offset or nesting depth).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Evidence {
    /// The category it points to.
    pub category: Category,
    /// How much it counts.
    pub strength: Strength,
    /// Position used to break ties: later wins.
    pub position: usize,
}

/// Codes whose meaning does not depend on the message. Compared exactly, or case-insensitively
/// when the code is long enough not to be an English word (`AKSCapacityHeavyUsage` is also
/// printed `AksCapacityHeavyUsage`).
const CODES: &[(&str, Category)] = &[
    // quota
    ("QuotaExceeded", Category::Quota),
    ("ErrCode_InsufficientVCPUQuota", Category::Quota),
    ("InsufficientVCPUQuota", Category::Quota),
    ("PublicIPCountLimitReached", Category::Quota),
    // sku_blocked
    ("SkuNotAvailable", Category::SkuBlocked),
    ("VMSizeNotSupported", Category::SkuBlocked),
    ("AvailabilityZoneNotSupported", Category::SkuBlocked),
    ("SkuNotSupported", Category::SkuBlocked),
    ("VMSizeNotAvailable", Category::SkuBlocked),
    ("VMSizeNotAllowed", Category::SkuBlocked),
    // region
    ("LocationNotAvailableForResourceType", Category::Region),
    ("AKSCapacityError", Category::Region),
    ("AKSCapacityHeavyUsage", Category::Region),
    (
        "ManagedEnvironmentCapacityHeavyUsageError",
        Category::Region,
    ),
    ("UnderlayNotFound", Category::Region),
    ("ResourcesOverConstrained", Category::Region),
    ("ZonalAllocationFailed", Category::Region),
    ("AllocationFailed", Category::Region),
    ("OverconstrainedAllocationRequest", Category::Region),
    ("OverconstrainedZonalAllocationRequest", Category::Region),
    ("UnsupportedEdgeZone", Category::Region),
    ("LocationNotSupported", Category::Region),
    ("RegionNotSupported", Category::Region),
    // rg_permission
    ("AuthorizationFailed", Category::RgPermission),
    ("LinkedAuthorizationFailed", Category::RgPermission),
    ("RequestDisallowedByPolicy", Category::RgPermission),
    ("ResourceGroupNotFound", Category::RgPermission),
    ("SubscriptionNotFound", Category::RgPermission),
    ("ReadOnlyDisabledSubscription", Category::RgPermission),
    ("InsufficientPermissions", Category::RgPermission),
    // auth
    ("InvalidAuthenticationToken", Category::Auth),
    ("InvalidAuthenticationTokenTenant", Category::Auth),
    ("InvalidAuthenticationTokenAudience", Category::Auth),
    ("ExpiredAuthenticationToken", Category::Auth),
    ("AuthenticationFailed", Category::Auth),
    ("InvalidClientSecret", Category::Auth),
    ("invalid_client", Category::Auth),
    ("invalid_grant", Category::Auth),
    ("ClientAuthenticationError", Category::Auth),
    ("CredentialUnavailableError", Category::Auth),
    ("ServicePrincipalValidationClientError", Category::Auth),
    // conflict
    ("AnotherOperationInProgress", Category::Conflict),
    ("PropertyChangeNotAllowed", Category::Conflict),
    ("VaultAlreadyExists", Category::Conflict),
    ("StorageAccountOperationInProgress", Category::Conflict),
    ("ReferencedResourceNotProvisioned", Category::Conflict),
    ("OperationPreempted", Category::Cancelled),
    ("RetryableErrorDueToAnotherOperation", Category::Conflict),
    // throttled
    ("Throttled", Category::Throttled),
    ("SubscriptionRequestsThrottled", Category::Throttled),
    ("ResourceRequestsThrottled", Category::Throttled),
    ("TooManyRequestsReceived", Category::Throttled),
    ("TooManyRequests", Category::Throttled),
    ("CreateClusterThrottled", Category::Throttled),
    // invalid_config
    ("K8sVersionNotSupported", Category::InvalidConfig),
    ("AgentPoolK8sVersionNotSupported", Category::InvalidConfig),
    ("DnsServiceIpOutOfServiceCidr", Category::InvalidConfig),
    ("ReservedResourceName", Category::InvalidConfig),
    ("SubnetIsFull", Category::InvalidConfig),
    ("InsufficientSubnetSize", Category::InvalidConfig),
    ("InvalidResourceName", Category::InvalidConfig),
    ("InvalidApiVersionParameter", Category::InvalidConfig),
    ("InvalidDnsPrefix", Category::InvalidConfig),
    // cancelled
    ("AKSOperationPreempted", Category::Cancelled),
    ("AKSOperationPreemptedByDelete", Category::Cancelled),
    (crate::progress::CANCELLED_CODE, Category::Cancelled),
    // Known causes the dashboard has no category for: naming them keeps a weaker phrase
    // elsewhere in the text from claiming the error.
    ("MissingSubscriptionRegistration", Category::Unknown),
    ("DeploymentNotFound", Category::Unknown),
    ("ResourceNotFound", Category::Unknown),
];

/// Codes shorter than this must match case-exactly: `Throttled` or `invalid_client` in prose
/// is a word, `AKSCapacityHeavyUsage` never is.
const CASE_FOLD_MIN_LEN: usize = 16;

/// The category a single code names, or `None` for wrappers and unknown codes.
pub(crate) fn code_category(code: &str) -> Option<Category> {
    if let Some(&(_, category)) = CODES.iter().find(|(known, _)| {
        *known == code || (known.len() >= CASE_FOLD_MIN_LEN && known.eq_ignore_ascii_case(code))
    }) {
        return Some(category);
    }
    // Families of codes that share a stem, so new members are recognised too.
    let lower = code.to_ascii_lowercase();
    let has_upper = code.chars().any(|c| c.is_ascii_uppercase());
    if lower.starts_with("aadsts")
        && lower.len() > 6
        && lower[6..].bytes().all(|b| b.is_ascii_digit())
    {
        return Some(Category::Auth);
    }
    if !has_upper {
        return None;
    }
    let stems: &[(&str, Category)] = &[
        ("quotaexceeded", Category::Quota),
        ("insufficientvcpuquota", Category::Quota),
        ("authenticationtoken", Category::Auth),
        ("authorizationfailed", Category::RgPermission),
        ("allocationfailed", Category::Region),
        ("overconstrained", Category::Region),
        ("capacityheavyusage", Category::Region),
        ("requeststhrottled", Category::Throttled),
        ("operationinprogress", Category::Conflict),
        ("versionnotsupported", Category::InvalidConfig),
        ("operationpreempted", Category::Cancelled),
    ];
    stems
        .iter()
        .find(|(stem, _)| lower.contains(stem))
        .map(|&(_, category)| category)
}

/// Azure's phrases, lowercase. Chosen to avoid the known traps: `aka.ms/cpu-quota` in SKU
/// messages (so no bare "quota"), "not supported in this region" in Kubernetes-version errors
/// (so region phrases name resource types or capacity), "failed or canceled" in azure-core's
/// generic `OperationFailed` (so cancellation needs "has been"/"was").
const PHRASES: &[(&str, Category)] = &[
    // quota
    ("exceeding approved", Category::Quota),
    ("exceeding quota limit", Category::Quota),
    ("insufficient regional vcpu quota", Category::Quota),
    ("insufficient vcpu quota", Category::Quota),
    ("left regional vcpu quota", Category::Quota),
    ("public ip addresses for this subscription", Category::Quota),
    ("quota exceeded", Category::Quota),
    ("exceeds the quota", Category::Quota),
    ("not enough quota", Category::Quota),
    // sku_blocked
    ("is not allowed in your subscription", Category::SkuBlocked),
    ("requested size for resource", Category::SkuBlocked),
    ("requested vm size", Category::SkuBlocked),
    ("following skus have failed", Category::SkuBlocked),
    (
        "is currently not available in location",
        Category::SkuBlocked,
    ),
    ("not available in the current region", Category::SkuBlocked),
    ("vm size is not supported", Category::SkuBlocked),
    ("sku is not available", Category::SkuBlocked),
    // region
    ("is not available for resource type", Category::Region),
    (
        "no registered resource provider found for location",
        Category::Region,
    ),
    ("experiencing heavy usage in region", Category::Region),
    ("allocation failed", Category::Region),
    ("operational threshold", Category::Region),
    ("edge zone", Category::Region),
    ("not enough capacity in the region", Category::Region),
    // rg_permission
    (
        "does not have authorization to perform action",
        Category::RgPermission,
    ),
    (
        "does not have permission to perform action",
        Category::RgPermission,
    ),
    ("was disallowed by policy", Category::RgPermission),
    (
        "not authorized to access linked subscription",
        Category::RgPermission,
    ),
    (
        "is disabled and therefore marked as read only",
        Category::RgPermission,
    ),
    // auth
    ("failed to retrieve a token", Category::Auth),
    (
        "credentials in serviceprincipalprofile were invalid",
        Category::Auth,
    ),
    ("could not acquire access token", Category::Auth),
    ("please run 'az login'", Category::Auth),
    ("invalid client secret", Category::Auth),
    ("customer auth is not valid", Category::Auth),
    ("refresh request failed", Category::Auth),
    ("authentication unavailable", Category::Auth),
    ("token has expired", Category::Auth),
    // conflict
    ("wait for it to finish before starting", Category::Conflict),
    ("aka.ms/aks-pending-operation", Category::Conflict),
    ("another agentpool operation", Category::Conflict),
    ("in progress create", Category::Conflict),
    ("not allowed in provisioningstate", Category::Conflict),
    ("is in provisioning state", Category::Conflict),
    ("since deletion was issued", Category::Conflict),
    ("changing property", Category::Conflict),
    // throttled
    ("request limit has been exceeded", Category::Throttled),
    ("too many requests", Category::Throttled),
    ("too soon to create", Category::Throttled),
    ("exceeded the limit of", Category::Throttled),
    ("exceeded the backend storage limit", Category::Throttled),
    ("number of requests for", Category::Throttled),
    ("aka.ms/aks/throttling", Category::Throttled),
    // invalid_config
    ("is not supported in this region", Category::InvalidConfig),
    ("is out of the range", Category::InvalidConfig),
    ("reserved word", Category::InvalidConfig),
    ("azure reserved name", Category::InvalidConfig),
    ("does not have enough capacity for", Category::InvalidConfig),
    ("must contain between", Category::InvalidConfig),
    ("aka.ms/aks-naming-rules", Category::InvalidConfig),
    // cancelled
    ("context has been cancelled", Category::Cancelled),
    ("context has been canceled", Category::Cancelled),
    ("operation was cancelled", Category::Cancelled),
    ("operation was canceled", Category::Cancelled),
    ("has been preempted", Category::Cancelled),
    ("\"status\": \"canceled\"", Category::Cancelled),
    ("\"status\":\"canceled\"", Category::Cancelled),
    ("cancelled by the user", Category::Cancelled),
];

/// Generic phrases: they name a category only when no code or specific phrase does (an
/// `AuthorizationFailed` message ends "or the scope is invalid").
const WEAK_PHRASES: &[(&str, Category)] = &[
    ("is invalid", Category::InvalidConfig),
    ("is not a valid", Category::InvalidConfig),
    ("already exists", Category::Conflict),
    ("is in progress", Category::Conflict),
    ("another operation", Category::Conflict),
    ("the access token", Category::Auth),
    ("authentication failed", Category::Auth),
    ("in a different region", Category::Region),
];

/// Pairs of phrases that only count together, the second within a short window after the first
/// (a resource group that "could not be found", not any deployment that could not be).
const PHRASE_PAIRS: &[(&str, &str, Category)] = &[
    (
        "resource group '",
        "could not be found",
        Category::RgPermission,
    ),
    (
        "subscription '",
        "could not be found",
        Category::RgPermission,
    ),
    ("vm size", "not allowed", Category::SkuBlocked),
];

/// How far after the first phrase of a pair the second may start.
const PAIR_WINDOW: usize = 160;

/// Evidence from codes and phrases in `lower` (normalised, lowercased) and `text` (same, cased).
pub(crate) fn text_evidence(text: &str, lower: &str) -> Vec<Evidence> {
    let mut evidence = Vec::new();
    for (start, token) in tokens(text) {
        if let Some(category) = code_category(token) {
            evidence.push(Evidence {
                category,
                strength: Strength::TextCode,
                position: start,
            });
        }
    }
    let tiers = [
        (PHRASES, Strength::Phrase),
        (WEAK_PHRASES, Strength::WeakPhrase),
    ];
    for (phrases, strength) in tiers {
        for &(phrase, category) in phrases {
            if let Some(position) = lower.rfind(phrase) {
                evidence.push(Evidence {
                    category,
                    strength,
                    position,
                });
            }
        }
    }
    for &(first, second, category) in PHRASE_PAIRS {
        let mut from = 0;
        while let Some(found) = lower.get(from..).and_then(|rest| rest.find(first)) {
            let start = from + found;
            let after = start + first.len();
            let window_end = floor_boundary(lower, after + PAIR_WINDOW);
            if let Some(offset) = lower.get(after..window_end).and_then(|w| w.find(second)) {
                evidence.push(Evidence {
                    category,
                    strength: Strength::Phrase,
                    position: after + offset,
                });
            }
            from = after;
        }
    }
    evidence
}

/// The winning evidence: strongest, then latest.
pub(crate) fn decide(evidence: &[Evidence]) -> Option<Category> {
    evidence
        .iter()
        .max_by_key(|e| (e.strength, e.position))
        .map(|e| e.category)
}

/// Identifier-like tokens (`[A-Za-z0-9_]+` starting with a letter or `_`) with their offsets.
fn tokens(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
            if is_word(bytes[i]) {
                let start = i;
                while i < bytes.len() && is_word(bytes[i]) {
                    i += 1;
                }
                if !bytes[start].is_ascii_digit() {
                    // Only ASCII bytes were consumed, so both ends are char boundaries.
                    return text.get(start..i).map(|token| (start, token));
                }
            } else {
                i += 1;
            }
        }
        None
    })
}

/// The largest char boundary of `s` not beyond `index`.
pub(crate) fn floor_boundary(s: &str, index: usize) -> usize {
    let mut index = index.min(s.len());
    while !s.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("QuotaExceeded", Some(Category::Quota))]
    #[case("LowPriorityQuotaExceeded", Some(Category::Quota))]
    #[case("AksCapacityHeavyUsage", Some(Category::Region))]
    #[case("AADSTS7000215", Some(Category::Auth))]
    #[case("AADSTS", None)]
    #[case("OperationNotAllowed", None)]
    #[case("BadRequest", None)]
    #[case("InvalidTemplateDeployment", None)]
    #[case("throttled", None)]
    #[case("Throttled", Some(Category::Throttled))]
    #[case("SomethingRequestsThrottled", Some(Category::Throttled))]
    #[case("cancelled_by_user", Some(Category::Cancelled))]
    #[case("MissingSubscriptionRegistration", Some(Category::Unknown))]
    fn codes(#[case] code: &str, #[case] expected: Option<Category>) {
        assert_eq!(code_category(code), expected);
    }

    #[test]
    fn codes_outrank_phrases_and_later_wins_ties() {
        let text = "(QuotaExceeded) Code=\"OperationNotAllowed\" Message=\"another operation\"";
        let evidence = text_evidence(text, &text.to_ascii_lowercase());
        assert_eq!(decide(&evidence), Some(Category::Quota));
        let text = "Another operation is in progress. Number of requests for x exceeded";
        let evidence = text_evidence(text, &text.to_ascii_lowercase());
        assert_eq!(decide(&evidence), Some(Category::Throttled));
    }

    #[test]
    fn tokens_split_on_non_word_bytes_and_skip_numbers() {
        let found: Vec<_> = tokens("a_b 12x Code=\"Y\" é z").map(|(_, t)| t).collect();
        assert_eq!(found, vec!["a_b", "Code", "Y", "z"]);
    }
}
