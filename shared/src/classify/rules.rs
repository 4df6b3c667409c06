//! Which category the evidence in a text points to.
//!
//! Evidence, strongest first: error codes (ARM's PascalCase codes, AAD's `AADSTS…`, AKS
//! subcodes) wherever a client printed them; Azure's own phrases; overloaded codes
//! (`InvalidParameter`, `BadRequest`) that only lean to a category; generic phrases. Wrapper
//! codes that only say "something inside failed" (`InvalidTemplateDeployment`,
//! `DeploymentFailed`, `ResourceOperationFailure`, `OperationNotAllowed`, …) carry no category, so
//! the inner code or the message decides. The words themselves are in `rules/vocabulary.rs`. Codes are found by scanning identifier tokens rather than by parsing each client's
//! format, which covers every wrapper seen so far (`Code="X"`, `(X)`, `ERROR CODE: X`,
//! `"code": "X"`, `SubCode: X`, `Error type: X`, `X | message`) and those not seen yet.
//!
//! Everything is substring search on ASCII-lowercased text or a token scan: linear time, and no
//! regular-expression engine is needed (so none can backtrack).

mod vocabulary;

use super::Category;
use vocabulary::{CODES, DECISIVE_PHRASES, PHRASE_PAIRS, PHRASES, STEMS, WEAK_CODES, WEAK_PHRASES};

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
    known_code_category(code).or_else(|| stem_category(code))
}

/// The category of a code listed in the vocabulary (or of an `AADSTS<digits>` code).
fn known_code_category(code: &str) -> Option<Category> {
    if let Some(&(_, category)) = CODES.iter().find(|(known, _)| {
        *known == code || (known.len() >= CASE_FOLD_MIN_LEN && known.eq_ignore_ascii_case(code))
    }) {
        return Some(category);
    }
    let digits = code
        .get(..6)
        .filter(|prefix| prefix.eq_ignore_ascii_case("aadsts"))
        .and_then(|_| code.get(6..))?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(Category::Auth)
}

/// The category of a code by the stem it shares with a family of codes, so new members are
/// recognised too. Stems are only read in code-shaped tokens (`BastionHostVirtualNetworkNotFound`):
/// a capital first and another capital later, so prose words ("Subnet") and camelCase property
/// names (`vnetSubnetID`) never count as codes.
fn stem_category(code: &str) -> Option<Category> {
    let code_shaped = code.starts_with(|c: char| c.is_ascii_uppercase())
        && code.chars().skip(1).any(|c| c.is_ascii_uppercase());
    if !code_shaped {
        return None;
    }
    let lower = code.to_ascii_lowercase();
    STEMS
        .iter()
        .find(|(stem, _)| lower.contains(stem) && lower.len() > stem.len())
        .map(|&(_, category)| category)
}

/// Evidence from codes and phrases in `lower` (normalised, lowercased) and `text` (same, cased).
pub(crate) fn text_evidence(text: &str, lower: &str) -> Vec<Evidence> {
    let mut evidence = Vec::new();
    for (start, token) in tokens(text) {
        let before = start
            .checked_sub(1)
            .and_then(|at| text.as_bytes().get(at))
            .copied();
        // A segment of a path or ARM id (`…/VirtualNetworks/…`) names a resource, not an error.
        if before == Some(b'/') {
            continue;
        }
        // A qualified name (`network.SubnetsClient#Get`, .NET's `Network.SubnetCollection` in a
        // stack trace) is a type, not a code, unless the vocabulary lists it exactly
        // (`azure.core.exceptions.ClientAuthenticationError`).
        let category = if before == Some(b'.') {
            known_code_category(token)
        } else {
            code_category(token)
        };
        if let Some(category) = category {
            evidence.push(Evidence {
                category,
                strength: Strength::TextCode,
                position: start,
            });
        } else if let Some(category) = weak_code_category(token).filter(|_| before != Some(b'.')) {
            evidence.push(Evidence {
                category,
                strength: Strength::WeakCode,
                position: start,
            });
        }
    }
    let tiers = [
        (DECISIVE_PHRASES, Strength::TextCode),
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
        // "…is currently not available in zone '2' of location 'eastus' due to high demand": the
        // size is offered, Azure has no room for it now (a refusal for the subscription never
        // gives demand as its reason).
        Category::SkuBlocked if lower.contains("high demand") => Category::Capacity,
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
    fn qualified_type_names_are_not_codes() {
        let text = "(AuthorizationFailed) no access.\n   at Azure.ResourceManager.Network.SubnetCollection.CreateOrUpdate(WaitUntil)";
        let evidence = text_evidence(text, &text.to_ascii_lowercase());
        assert_eq!(decide(&evidence), Some(Category::RgPermission));
        let text = "azure.core.exceptions.ClientAuthenticationError: nope";
        let evidence = text_evidence(text, &text.to_ascii_lowercase());
        assert_eq!(decide(&evidence), Some(Category::Auth));
    }

    #[test]
    fn a_policy_denial_is_policy_whatever_its_reason_names() {
        let text = "Resource 'snet' was disallowed by policy. Reasons: 'Subnets require subnet delegation and a route table'.";
        let evidence = text_evidence(text, &text.to_ascii_lowercase());
        assert_eq!(decide(&evidence), Some(Category::Policy));
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
        Category::Network
    )]
    #[case(
        "Microsoft.Network/loadBalancers/backendAddressPools/join/action",
        Category::Network
    )]
    #[case("Microsoft.Network/privateDnsZones/read", Category::Network)]
    #[case(
        "Microsoft.Resources/subscriptions/resourcegroups/write",
        Category::RgPermission
    )]
    #[case("Microsoft.Network/publicIPAddresses/write", Category::RgPermission)]
    fn permission_failures_on_the_network_are_network(
        #[case] action: &str,
        #[case] expected: Category,
    ) {
        assert_eq!(refine(Category::RgPermission, Some(action), ""), expected);
        assert_eq!(refine(Category::Quota, Some(action), ""), Category::Quota);
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

    #[rstest]
    #[case(
        "(SkuNotAvailable) The requested VM size Standard_NC24ads_A100_v4 is currently not available in zone '2' of location 'eastus' due to high demand",
        Category::Capacity
    )]
    #[case(
        "(SkuNotAvailable) The requested size for resource 'Following SKUs have failed for Capacity Restrictions: Standard_D8s_v3' is currently not available in location 'westus2'",
        Category::SkuBlocked
    )]
    fn a_size_refused_for_demand_is_capacity(#[case] text: &str, #[case] expected: Category) {
        assert_eq!(
            refine(Category::SkuBlocked, None, &text.to_ascii_lowercase()),
            expected
        );
    }

    #[test]
    fn tokens_split_on_non_word_bytes_and_skip_numbers() {
        let found: Vec<_> = tokens("a_b 12x Code=\"Y\" é z").map(|(_, t)| t).collect();
        assert_eq!(found, vec!["a_b", "Code", "Y", "z"]);
    }
}
