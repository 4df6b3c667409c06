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
    /// An overloaded code (`InvalidParameter`, `BadRequest`) that names a category only when
    /// no specific phrase or code does.
    WeakCode,
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
    // capacity: Azure is out of capacity for the size, zone or region right now
    ("AKSCapacityError", Category::Capacity),
    ("AKSCapacityHeavyUsage", Category::Capacity),
    (
        "ManagedEnvironmentCapacityHeavyUsageError",
        Category::Capacity,
    ),
    ("UnderlayNotFound", Category::Capacity),
    ("ResourcesOverConstrained", Category::Capacity),
    ("ZonalAllocationFailed", Category::Capacity),
    ("AllocationFailed", Category::Capacity),
    ("OverconstrainedAllocationRequest", Category::Capacity),
    ("OverconstrainedZonalAllocationRequest", Category::Capacity),
    ("SkuNotAvailableDueToCapacity", Category::Capacity),
    // region: the region does not offer the resource at all
    ("LocationNotAvailableForResourceType", Category::Region),
    ("UnsupportedEdgeZone", Category::Region),
    ("LocationNotSupported", Category::Region),
    ("RegionNotSupported", Category::Region),
    ("MissingRegistrationForLocation", Category::Region),
    // policy
    ("RequestDisallowedByPolicy", Category::Policy),
    ("PolicyViolation", Category::Policy),
    // network
    ("SubnetIsFull", Category::Network),
    ("InsufficientSubnetSize", Category::Network),
    ("SubnetIsDelegated", Category::Network),
    (
        "SubnetWithExternalResourcesCannotBeUsedByOtherResources",
        Category::Network,
    ),
    ("InUseSubnetCannotBeDeleted", Category::Network),
    ("InUseRouteTableCannotBeDeleted", Category::Network),
    (
        "InUseNetworkSecurityGroupCannotBeDeleted",
        Category::Network,
    ),
    (
        "NetworkSecurityGroupInUseByVirtualMachineScaleSet",
        Category::Network,
    ),
    ("VirtualNetworkNotInSucceededState", Category::Network),
    (
        "CustomPrivateDNSZoneMissingPermissionError",
        Category::Network,
    ),
    ("CreateOrUpdateVirtualNetworkLinkFailed", Category::Network),
    ("ServiceCidrOverlapExistingSubnetsCidr", Category::Network),
    ("OutboundConnFailVMExtensionError", Category::Network),
    ("K8SAPIServerConnFailVMExtensionError", Category::Network),
    (
        "K8SAPIServerDNSLookupFailVMExtensionError",
        Category::Network,
    ),
    ("CniDownloadTimeoutVMExtensionError", Category::Network),
    ("VMExtensionError_OutboundConnFail", Category::Network),
    ("VMExtensionError_K8SAPIServerConnFail", Category::Network),
    (
        "VMExtensionError_K8SAPIServerDNSLookupFail",
        Category::Network,
    ),
    ("VMExtensionError_CniDownloadTimeout", Category::Network),
    (
        "InvalidLoadBalancerProfileAllocatedOutboundPorts",
        Category::Network,
    ),
    // rg_permission
    ("AuthorizationFailed", Category::RgPermission),
    // A linked authorization names the resource the client could not use; when that is a
    // network resource the failure becomes `network` (see `refine`).
    ("LinkedAuthorizationFailed", Category::RgPermission),
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
    ("OriginalEtagNotExpect", Category::Conflict),
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

/// Overloaded codes: most of the time they mean this category, but the message decides when it
/// says more (`InvalidParameter` on `vmSize` is a refused size, `BadRequest` wraps quota and
/// SKU refusals, `InvalidResourceReference` to a subnet is a network problem).
const WEAK_CODES: &[(&str, Category)] = &[
    ("InvalidParameter", Category::InvalidConfig),
    ("InvalidRequestContent", Category::InvalidConfig),
    ("InvalidRequestFormat", Category::InvalidConfig),
    ("InvalidTemplate", Category::InvalidConfig),
    ("InvalidResourceReference", Category::InvalidConfig),
    ("LinkedInvalidPropertyId", Category::InvalidConfig),
    ("BadRequest", Category::InvalidConfig),
    ("Conflict", Category::Conflict),
];

/// The category an overloaded code leans to, compared exactly.
pub(crate) fn weak_code_category(code: &str) -> Option<Category> {
    WEAK_CODES
        .iter()
        .find(|(known, _)| *known == code)
        .map(|&(_, category)| category)
}

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
    if lower.starts_with("aadsts")
        && lower.len() > 6
        && lower[6..].bytes().all(|b| b.is_ascii_digit())
    {
        return Some(Category::Auth);
    }
    // Stems are only read in code-shaped tokens (`BastionHostVirtualNetworkNotFound`): a capital
    // first and another capital later, so prose words ("Subnet") and camelCase property names
    // (`vnetSubnetID`) never count as codes.
    let code_shaped = code.starts_with(|c: char| c.is_ascii_uppercase())
        && code.chars().skip(1).any(|c| c.is_ascii_uppercase());
    if !code_shaped {
        return None;
    }
    STEMS
        .iter()
        .find(|(stem, _)| lower.contains(stem) && lower.len() > stem.len())
        .map(|&(_, category)| category)
}

/// Families of codes that share a stem, so new members are recognised too. Checked in order,
/// so the more specific stems come first (`…DisallowedByPolicy` before any network word).
const STEMS: &[(&str, Category)] = &[
    ("quotaexceeded", Category::Quota),
    ("insufficientvcpuquota", Category::Quota),
    ("countlimitreached", Category::Quota),
    ("quotareached", Category::Quota),
    ("authenticationtoken", Category::Auth),
    ("disallowedbypolicy", Category::Policy),
    ("blockedbypolicy", Category::Policy),
    ("linkedauthorizationfailed", Category::RgPermission),
    ("authorizationfailed", Category::RgPermission),
    ("allocationfailed", Category::Capacity),
    ("allocationrequest", Category::Capacity),
    ("overconstrained", Category::Capacity),
    ("capacityheavyusage", Category::Capacity),
    ("capacityerror", Category::Capacity),
    ("insufficientcapacity", Category::Capacity),
    ("capacitynotavailable", Category::Capacity),
    ("capacityunavailable", Category::Capacity),
    ("notenoughcapacity", Category::Capacity),
    ("outofcapacity", Category::Capacity),
    ("requeststhrottled", Category::Throttled),
    ("operationinprogress", Category::Conflict),
    ("etagmismatch", Category::Conflict),
    ("beingdeleted", Category::Conflict),
    ("versionnotsupported", Category::InvalidConfig),
    ("operationpreempted", Category::Cancelled),
    ("subnet", Category::Network),
    ("virtualnetwork", Category::Network),
    ("vnet", Category::Network),
    ("privatedns", Category::Network),
    ("routetable", Category::Network),
    ("networksecuritygroup", Category::Network),
    ("loadbalancer", Category::Network),
    ("outboundconn", Category::Network),
    ("apiserverconnfail", Category::Network),
    ("dnslookupfail", Category::Network),
    ("cidroverlap", Category::Network),
];

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
    ("new limit required", Category::Quota),
    (" cores quota", Category::Quota),
    ("above the allowance for your subscription", Category::Quota),
    ("extend the quota", Category::Quota),
    ("larger-quota", Category::Quota),
    ("request a quota increase", Category::Quota),
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
    ("edge zone", Category::Region),
    ("is not registered for the resource type", Category::Region),
    // Azure's own region restriction on some offers (not an Azure Policy assignment).
    ("was disallowed by azure", Category::Region),
    ("best available regions", Category::Region),
    // capacity
    ("experiencing heavy usage", Category::Capacity),
    ("allocation failed", Category::Capacity),
    ("operational threshold", Category::Capacity),
    ("not enough capacity in the region", Category::Capacity),
    (
        "sufficient capacity for the requested vm size",
        Category::Capacity,
    ),
    ("capacity issue in availability zone", Category::Capacity),
    ("due to high demand", Category::Capacity),
    ("high demand for", Category::Capacity),
    ("unable to find an underlay", Category::Capacity),
    ("condition is too restrictive", Category::Capacity),
    ("aka.ms/allocation-guidance", Category::Capacity),
    ("aka.ms/akscapacityheavyusage", Category::Capacity),
    ("insufficient capacity", Category::Capacity),
    ("not enough capacity", Category::Capacity),
    ("capacity constraint", Category::Capacity),
    ("is not accepting creation of new", Category::Capacity),
    // policy
    ("was disallowed by policy", Category::Policy),
    ("disallowed by policy", Category::Policy),
    ("because of policy violation", Category::Policy),
    ("policy identifiers:", Category::Policy),
    ("denied by azure policy", Category::Policy),
    ("denied by policy", Category::Policy),
    // Azure Policy for Kubernetes (Gatekeeper) refusing an object.
    ("validation.gatekeeper.sh", Category::Policy),
    ("denied the request: [azurepolicy", Category::Policy),
    ("aka.ms/aks-requestdisallowedbypolicy", Category::Policy),
    // network
    ("does not have enough capacity for", Category::Network),
    ("doesn't have enough capacity for", Category::Network),
    ("exceeds ips available", Category::Network),
    ("aka.ms/aks/insufficientsubnetsize", Category::Network),
    ("unable to establish outbound connection", Category::Network),
    (
        "unable to establish connection to kubernetes api server",
        Category::Network,
    ),
    ("unable to resolve kubernetes api server", Category::Network),
    ("outbound connectivity", Category::Network),
    ("subnet is already in use", Category::Network),
    ("aka.ms/aks-required-ports-and-addresses", Category::Network),
    ("outboundconnfail", Category::Network),
    ("k8sapiserverconnfail", Category::Network),
    ("k8sapiserverdnslookupfail", Category::Network),
    ("cnidownloadtimeout", Category::Network),
    ("it's a delegated subnet", Category::Network),
    ("requires subnet delegation", Category::Network),
    ("because it contains external resources", Category::Network),
    ("custom private dns zone", Category::Network),
    ("is conflicted with an existing subnet", Category::Network),
    ("aka.ms/adv-network-prerequest", Category::Network),
    ("vnetsubnetid", Category::Network),
    (
        "virtual network must be in the same region",
        Category::Network,
    ),
    // rg_permission
    (
        "does not have authorization to perform action",
        Category::RgPermission,
    ),
    (
        "does not have permission to perform action",
        Category::RgPermission,
    ),
    (
        "not authorized to access linked subscription",
        Category::RgPermission,
    ),
    (
        "is disabled and therefore marked as read only",
        Category::RgPermission,
    ),
    ("because of a deny assignment", Category::RgPermission),
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
    ("failed to refresh the token", Category::Auth),
    ("due to invalid credentials", Category::Auth),
    // conflict
    ("wait for it to finish before starting", Category::Conflict),
    ("aka.ms/aks-pending-operation", Category::Conflict),
    ("another agentpool operation", Category::Conflict),
    ("in progress create", Category::Conflict),
    ("not allowed in provisioningstate", Category::Conflict),
    ("is in provisioning state", Category::Conflict),
    ("since deletion was issued", Category::Conflict),
    ("changing property", Category::Conflict),
    ("is being deleted", Category::Conflict),
    ("are being deleted", Category::Conflict),
    ("is being provisioned", Category::Conflict),
    ("are being provisioned", Category::Conflict),
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
    ("must contain between", Category::InvalidConfig),
    ("aka.ms/aks-naming-rules", Category::InvalidConfig),
    // cancelled
    ("context has been cancelled", Category::Cancelled),
    ("context has been canceled", Category::Cancelled),
    ("context deadline exceeded", Category::Cancelled),
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
    ("is required", Category::InvalidConfig),
    ("is not supported", Category::InvalidConfig),
];

/// Pairs of phrases that only count together, the second within a window after the first (a
/// resource group that "could not be found", not any deployment that could not be). The window
/// is wider where the first phrase starts an ARM id the second comes after.
const PHRASE_PAIRS: &[(&str, &str, usize, Category)] = &[
    (
        "resource group '",
        "could not be found",
        160,
        Category::RgPermission,
    ),
    (
        "subscription '",
        "could not be found",
        160,
        Category::RgPermission,
    ),
    ("vm size", "not allowed", 160, Category::SkuBlocked),
    ("current limit", "current usage", 40, Category::Quota),
    ("quota '", "exceeded", 80, Category::Quota),
    ("maximum number of", "reached", 120, Category::Quota),
    ("maximum number of", "exceed", 120, Category::Quota),
    ("for url:", "/oauth2/", 100, Category::Auth),
    ("/subnets/", "was not found", 400, Category::Network),
    ("/virtualnetworks/", "was not found", 400, Category::Network),
    ("virtual network", "was not found", 160, Category::Network),
    ("subnet", "is in use", 200, Category::Network),
    ("subnet", "different region", 200, Category::Network),
    ("subnet", "different location", 200, Category::Network),
    ("vnet", "which is not the location", 200, Category::Network),
    ("cidr", "overlap", 160, Category::Network),
    ("overlap", "subnet", 160, Category::Network),
    ("address prefix", "overlap", 160, Category::Network),
];

/// Evidence from codes and phrases in `lower` (normalised, lowercased) and `text` (same, cased).
pub(crate) fn text_evidence(text: &str, lower: &str) -> Vec<Evidence> {
    let mut evidence = Vec::new();
    for (start, token) in tokens(text) {
        // A segment of a path or ARM id (`…/VirtualNetworks/…`) names a resource, not an error.
        let in_path = start
            .checked_sub(1)
            .and_then(|before| text.as_bytes().get(before))
            .is_some_and(|&b| b == b'/');
        if in_path {
            continue;
        }
        if let Some(category) = code_category(token) {
            evidence.push(Evidence {
                category,
                strength: Strength::TextCode,
                position: start,
            });
        } else if let Some(category) = weak_code_category(token) {
            evidence.push(Evidence {
                category,
                strength: Strength::WeakCode,
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
    if let Some(position) = cse_network_exit(lower) {
        evidence.push(Evidence {
            category: Category::Network,
            strength: Strength::Phrase,
            position,
        });
    }
    for &(first, second, window, category) in PHRASE_PAIRS {
        let mut from = 0;
        while let Some(found) = lower.get(from..).and_then(|rest| rest.find(first)) {
            let start = from + found;
            let after = start + first.len();
            let window_end = floor_boundary(lower, after + window);
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

/// The exit statuses of AKS's node bootstrap script (the `vmssCSE` custom script extension) that
/// mean the node could not reach what it must: 41 CNI download, 50 outbound connection, 51 API
/// server connection, 52 API server DNS lookup. Older AKS versions print only the number.
const CSE_NETWORK_EXITS: &[&str] = &["41", "50", "51", "52"];

/// Where a network exit status of the node bootstrap script is stated, when the text is about
/// that script (`vmssCSE`, "custom script").
fn cse_network_exit(lower: &str) -> Option<usize> {
    if !(lower.contains("vmsscse") || lower.contains("custom script")) {
        return None;
    }
    ["exit status=", "exitcode: ", "exit code ", "exit status "]
        .iter()
        .find_map(|label| {
            let mut from = 0;
            while let Some(found) = lower.get(from..).and_then(|rest| rest.find(label)) {
                let start = from + found + label.len();
                let rest = lower.get(start..).unwrap_or_default();
                let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
                if rest
                    .get(..digits)
                    .is_some_and(|code| CSE_NETWORK_EXITS.contains(&code))
                {
                    return Some(start);
                }
                from = start;
            }
            None
        })
}

/// The winning evidence: strongest, then latest.
pub(crate) fn decide(evidence: &[Evidence]) -> Option<Category> {
    evidence
        .iter()
        .max_by_key(|e| (e.strength, e.position))
        .map(|e| e.category)
}

/// A second look at a decided category, for the cases where the same code or phrase means two
/// things and the facts tell them apart:
/// * a permission failure (`AuthorizationFailed`, `LinkedAuthorizationFailed`) whose missing
///   action is the use of a network resource (`…/subnets/join/action`, a private DNS zone) is
///   `network`: the remedy is a Network Contributor role on that network, not on the group;
/// * ARM's "No registered resource provider found for location 'x' and API version 'v'" is
///   `invalid_config` when its own list of supported API versions leaves `v` out (the request
///   used a retired or preview API version), and `region` otherwise.
pub(crate) fn refine(category: Category, missing_action: Option<&str>, lower: &str) -> Category {
    match category {
        Category::RgPermission if missing_action.is_some_and(is_network_action) => {
            Category::Network
        }
        Category::Region if api_version_unsupported(lower) => Category::InvalidConfig,
        other => other,
    }
}

/// An ARM action that uses or manages the network a cluster is put in.
pub(crate) fn is_network_action(action: &str) -> bool {
    let lower = action.to_ascii_lowercase();
    lower.starts_with("microsoft.network/")
        && (lower.ends_with("/join/action")
            || [
                "virtualnetworks/",
                "privatednszones/",
                "routetables/",
                "networksecuritygroups/",
            ]
            .iter()
            .any(|kind| lower.contains(kind)))
}

/// True when ARM's "no registered resource provider" message lists the supported API versions
/// and the requested one is not among them (a list cut short by truncation counts as stated).
fn api_version_unsupported(lower: &str) -> bool {
    const HEAD: &str = "no registered resource provider found";
    const VERSION: &str = "api version '";
    const LIST: &str = "supported api-versions are '";
    let Some(rest) = lower.find(HEAD).and_then(|at| lower.get(at..)) else {
        return false;
    };
    let version = rest.find(VERSION).and_then(|at| {
        let value = rest.get(at + VERSION.len()..)?;
        value.get(..value.find('\'')?)
    });
    let list = rest.find(LIST).and_then(|at| {
        let value = rest.get(at + LIST.len()..)?;
        value.get(..value.find('\'').unwrap_or(value.len()))
    });
    match (version, list) {
        (Some(version), Some(list)) if !version.is_empty() => {
            !list.split(',').any(|listed| listed.trim() == version)
        }
        _ => false,
    }
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
    #[case("AksCapacityHeavyUsage", Some(Category::Capacity))]
    #[case(
        "OverconstrainedZonalAllocationRequestFailure",
        Some(Category::Capacity)
    )]
    #[case("ManagedEnvironmentResourceDisallowedByPolicy", Some(Category::Policy))]
    #[case("BastionHostVirtualNetworkNotFound", Some(Category::Network))]
    #[case(
        "ApplicationGatewayNetworkIsolationRequiresSubnetDelegation",
        Some(Category::Network)
    )]
    #[case("DdosProtectionPlanCountLimitReached", Some(Category::Quota))]
    #[case("Subnet", None)]
    #[case("vnetSubnetID", None)]
    #[case("InvalidParameter", None)]
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
    fn path_segments_are_not_codes() {
        let text =
            "QuotaExceeded on /subscriptions/s/providers/Microsoft.Network/VirtualNetworks/SubnetA";
        let evidence = text_evidence(text, &text.to_ascii_lowercase());
        assert_eq!(decide(&evidence), Some(Category::Quota));
    }

    #[test]
    fn weak_codes_lose_to_phrases() {
        let text = "Code=\"InvalidParameter\" Message=\"The requested VM size Standard_X is not available in the current region.\"";
        let evidence = text_evidence(text, &text.to_ascii_lowercase());
        assert_eq!(decide(&evidence), Some(Category::SkuBlocked));
        let text = "InvalidParameter: The supplied password must be between 8-123 characters long";
        let evidence = text_evidence(text, &text.to_ascii_lowercase());
        assert_eq!(decide(&evidence), Some(Category::InvalidConfig));
    }

    #[rstest]
    #[case(
        "Microsoft.Network/virtualNetworks/subnets/join/action",
        Some("x"),
        Category::RgPermission,
        Category::Network
    )]
    #[case(
        "Microsoft.Network/loadBalancers/backendAddressPools/join/action",
        None,
        Category::RgPermission,
        Category::Network
    )]
    #[case(
        "Microsoft.Resources/subscriptions/resourcegroups/write",
        None,
        Category::RgPermission,
        Category::RgPermission
    )]
    #[case(
        "Microsoft.Network/publicIPAddresses/write",
        None,
        Category::RgPermission,
        Category::RgPermission
    )]
    fn permission_failures_on_the_network_are_network(
        #[case] action: &str,
        #[case] _unused: Option<&str>,
        #[case] decided: Category,
        #[case] expected: Category,
    ) {
        assert_eq!(refine(decided, Some(action), ""), expected);
    }

    #[rstest]
    #[case(
        "No registered resource provider found for location 'westus2' and API version '2022-03-02-preview' for type 'managedClusters'. The supported api-versions are '2022-03-01, 2022-04-01",
        Category::InvalidConfig
    )]
    #[case(
        "No registered resource provider found for location 'eastus2euap' and API version '2016-03-30' for type 'x'. The supported api-versions are '2015-11-01-preview, 2016-03-30'. The supported locations are 'japaneast'",
        Category::Region
    )]
    #[case(
        "No registered resource provider found for location 'x'",
        Category::Region
    )]
    fn unregistered_provider_blames_the_api_version_only_when_unlisted(
        #[case] text: &str,
        #[case] expected: Category,
    ) {
        assert_eq!(
            refine(Category::Region, None, &text.to_ascii_lowercase()),
            expected
        );
    }

    #[test]
    fn tokens_split_on_non_word_bytes_and_skip_numbers() {
        let found: Vec<_> = tokens("a_b 12x Code=\"Y\" é z").map(|(_, t)| t).collect();
        assert_eq!(found, vec!["a_b", "Code", "Y", "z"]);
    }
}
