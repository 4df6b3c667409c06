//! The vocabulary the rules read: error codes, code stems and Azure's phrases, with the category
//! each points to. Data only; how the evidence is weighed is in `rules.rs`.
//!
//! Sources: the two labelled corpora's notes (arm-errors-NOTES.md), the AKS error-code reference
//! and troubleshooting articles on learn.microsoft.com (MicrosoftDocs/SupportArticles-docs,
//! `support/azure/azure-kubernetes/error-codes/`), and ARM's common deployment errors. Each entry
//! names a kind of failure, never a single text.

use super::super::Category;

/// Codes whose meaning does not depend on the message. Compared exactly, or case-insensitively
/// when the code is long enough not to be an English word (`AKSCapacityHeavyUsage` is also
/// printed `AksCapacityHeavyUsage`).
pub(super) const CODES: &[(&str, Category)] = &[
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
];

/// Overloaded codes: most of the time they mean this category, but the message decides when it
/// says more (`InvalidParameter` on `vmSize` is a refused size, `BadRequest` wraps quota and
/// SKU refusals, `InvalidResourceReference` to a subnet is a network problem).
pub(super) const WEAK_CODES: &[(&str, Category)] = &[
    ("InvalidParameter", Category::InvalidConfig),
    ("InvalidRequestContent", Category::InvalidConfig),
    ("InvalidRequestFormat", Category::InvalidConfig),
    ("InvalidTemplate", Category::InvalidConfig),
    ("InvalidResourceReference", Category::InvalidConfig),
    ("LinkedInvalidPropertyId", Category::InvalidConfig),
    ("BadRequest", Category::InvalidConfig),
    ("Conflict", Category::Conflict),
    // A missing resource is `unknown` unless the text says which network resource it was.
    ("ResourceNotFound", Category::Unknown),
];

/// Families of codes that share a stem, so new members are recognised too. Checked in order,
/// so the more specific stems come first (`…DisallowedByPolicy` before any network word).
pub(super) const STEMS: &[(&str, Category)] = &[
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
    ("alreadyexists", Category::Conflict),
    ("alreadytaken", Category::Conflict),
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
    ("networkconfig", Category::Network),
    ("apiserverconnfail", Category::Network),
    ("dnslookupfail", Category::Network),
    ("cidroverlap", Category::Network),
];

/// Azure's phrases, lowercase. Chosen to avoid the known traps: `aka.ms/cpu-quota` in SKU
/// messages (so no bare "quota"), "not supported in this region" in Kubernetes-version errors
/// (so region phrases name resource types or capacity), "failed or canceled" in azure-core's
/// generic `OperationFailed` (so cancellation needs "has been"/"was").
pub(super) const PHRASES: &[(&str, Category)] = &[
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
    ("experiencing high demand", Category::Capacity),
    // Karpenter, when no candidate size could be launched.
    ("instance types were unavailable", Category::Capacity),
    ("unable to find an underlay", Category::Capacity),
    ("condition is too restrictive", Category::Capacity),
    ("aka.ms/allocation-guidance", Category::Capacity),
    ("aka.ms/akscapacityheavyusage", Category::Capacity),
    ("insufficient capacity", Category::Capacity),
    ("not enough capacity", Category::Capacity),
    ("capacity constraint", Category::Capacity),
    ("is not accepting creation of new", Category::Capacity),
    // policy (the decisive phrases are below)
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
    ("network contributor", Category::Network),
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

/// Phrases that decide as firmly as a code: whatever else the text says (a policy's reason may
/// name subnets or sizes), Azure Policy denied it.
pub(super) const DECISIVE_PHRASES: &[(&str, Category)] = &[
    ("was disallowed by policy", Category::Policy),
    ("disallowed by policy", Category::Policy),
];

/// Generic phrases: they name a category only when no code or specific phrase does (an
/// `AuthorizationFailed` message ends "or the scope is invalid").
pub(super) const WEAK_PHRASES: &[(&str, Category)] = &[
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
pub(super) const PHRASE_PAIRS: &[(&str, &str, usize, Category)] = &[
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
    (
        "not available in the location",
        "at this moment",
        160,
        Category::Capacity,
    ),
    ("maximum number of", "exceed", 120, Category::Quota),
    ("for url:", "/oauth2/", 100, Category::Auth),
    ("/subnets/", "was not found", 400, Category::Network),
    ("/virtualnetworks/", "was not found", 400, Category::Network),
    (
        "/providers/microsoft.network/",
        "was not found",
        400,
        Category::Network,
    ),
    (
        "'microsoft.network/",
        "was not found",
        200,
        Category::Network,
    ),
    ("virtual network", "was not found", 160, Category::Network),
    ("subnet", "is in use", 200, Category::Network),
    ("subnet", "different region", 200, Category::Network),
    ("subnet", "different location", 200, Category::Network),
    ("vnet", "which is not the location", 200, Category::Network),
    ("cidr", "overlap", 160, Category::Network),
    ("overlap", "subnet", 160, Category::Network),
    ("address prefix", "overlap", 160, Category::Network),
];
