//! Reads the figures and names an error states: quota numbers, VM family, region, VM sizes, the
//! principal and scope of a permission failure, and a retry delay.
//!
//! The text given here has its URLs removed (see `Normalized::without_urls`), so numbers in
//! percent-encoded quota-request links are never read. Each label is searched left to right and
//! the number must follow it directly (after `:`, `=`, quotes or spaces), so the search is linear.

mod network;
mod placement;
mod policy;

use serde_json::Value;

use super::Facts;
use super::normalize::Normalized;
use super::rules::floor_boundary;

/// Labels for the limit, in order of preference. Azure's five quota phrasings:
/// `Current Limit: 4, Current Usage: 1, Additional Required: 40, (Minimum) New Limit Required: 41`,
/// `Maximum allowed: 450, Current in use: 449, Additional requested: 8`,
/// `requested 6, remaining 4`, `left regional vcpu quota 4, requested quota 6`,
/// `Cannot create more than 1000 public IP addresses`, and `Current Usage: x, Limit: y`.
const LIMIT_LABELS: &[&str] = &[
    "current limit",
    "maximum allowed",
    "create more than",
    ", limit",
    "quota limit:",
];
const USAGE_LABELS: &[&str] = &["current usage", "current in use", "usage:"];
const NEEDED_LABELS: &[&str] = &[
    "additional required",
    "additional requested",
    "requested quota",
    "quota requested",
    "requested",
];
const NEW_LIMIT_LABELS: &[&str] = &["new limit required"];
const FREE_LABELS: &[&str] = &["left regional vcpu quota", "remaining"];
const RETRY_LABELS: &[&str] = &[
    "retry again in",
    "retry after",
    "try again after",
    "retry-after:",
    "retry in",
];

/// Everything [`Facts`] can hold that the text itself (or ARM's structured `additionalInfo`)
/// states.
pub(crate) fn extract(text: &Normalized, additional_info: &[Value]) -> Facts {
    let limit = number_after(text, LIMIT_LABELS);
    let usage = number_after(text, USAGE_LABELS);
    let free = number_after(text, FREE_LABELS).or_else(|| match (limit, usage) {
        // A usage over its limit leaves nothing free, never a negative amount.
        (Some(limit), Some(usage)) => Some(limit.saturating_sub(usage).max(0)),
        _ => None,
    });
    let missing_action = placement::missing_action(text);
    Facts {
        network: network::extract(text, missing_action.as_deref()),
        missing_action,
        needed: number_after(text, NEEDED_LABELS),
        free,
        limit,
        usage,
        new_limit: number_after(text, NEW_LIMIT_LABELS),
        family: family(text),
        region: region(text),
        sizes: sizes(text),
        principal_object_id: quoted_after(text, &["object id '", "object id \""])
            .filter(|id| is_plausible_value(id)),
        scope: quoted_after(
            text,
            &["linked scope(s) '", "over scope '", "on scope '", "scope '"],
        )
        .filter(|scope| scope.starts_with('/')),
        retry_after_secs: number_after(text, RETRY_LABELS),
        zones: placement::zones(text),
        pool: placement::pool(text),
        policy: policy::extract(text, additional_info),
    }
}

/// The first number that directly follows any of `labels` (tried in order, every occurrence).
fn number_after(text: &Normalized, labels: &[&str]) -> Option<i64> {
    labels.iter().find_map(|label| {
        occurrences(&text.lower, label).find_map(|end| leading_number(&text.lower[end..]))
    })
}

/// End offsets of every occurrence of `needle` in `haystack`, left to right.
fn occurrences<'a>(haystack: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    let mut from = 0;
    std::iter::from_fn(move || {
        let found = haystack.get(from..)?.find(needle)?;
        let end = from + found + needle.len();
        from = end;
        Some(end)
    })
}

/// A number at the start of `s` after at most a few separators (`: = ' "` and spaces).
fn leading_number(s: &str) -> Option<i64> {
    let rest = s.trim_start_matches([' ', ':', '=', '\'', '"']);
    if s.len() - rest.len() > 4 {
        return None;
    }
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    // After the digits must come a non-word character: "Standard_D4s" is not the number 4.
    let next = rest.as_bytes().get(digits).copied();
    if digits == 0 || next.is_some_and(|b| b.is_ascii_alphabetic() || b == b'_') {
        return None;
    }
    rest.get(..digits)?.parse().ok()
}

/// The text inside the quotes that follow the first found label (the label ends with the quote).
fn quoted_after(text: &Normalized, labels: &[&str]) -> Option<String> {
    labels.iter().find_map(|label| {
        let quote = label.chars().last()?;
        occurrences(&text.lower, label).find_map(|end| {
            let rest = text.text.get(end..)?;
            let close = rest.find(quote)?;
            let value = rest.get(..close)?.trim();
            (!value.is_empty() && value.len() <= 512).then(|| value.to_owned())
        })
    })
}

/// A value that is not a redaction or placeholder (`***`, `----`, `<object-id>`).
fn is_plausible_value(value: &str) -> bool {
    value.chars().any(|c| c.is_ascii_alphanumeric()) && !value.starts_with('<')
}

/// The quota family: `exceeding approved <X> quota` (`Total Regional Cores`, or
/// `standardDASv5Family` from `standardDASv5Family Cores`), `quota limits of <X>.`,
/// `for family <X>`, or what `Cannot create more than N <X> for` counts.
fn family(text: &Normalized) -> Option<String> {
    if let Some(found) = between(text, "exceeding approved ", " quota", 60) {
        let trimmed = found
            .strip_suffix(" Cores")
            .filter(|name| name.to_ascii_lowercase().ends_with("family"))
            .unwrap_or(&found);
        return Some(trimmed.to_owned());
    }
    if let Some(end) = occurrences(&text.lower, "quota limits of ").next() {
        return word_run(text.text.get(end..)?);
    }
    if let Some(end) = occurrences(&text.lower, "for family ").next() {
        return word_run(text.text.get(end..)?);
    }
    if let Some(end) = occurrences(&text.lower, "create more than ").next() {
        let rest = text.text.get(end..)?;
        let after_number = rest
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start();
        let stop = after_number.to_ascii_lowercase().find(" for ")?;
        return after_number
            .get(..stop.min(60))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
    }
    None
}

/// Text between `start` and the next `end` (case-insensitive), when at most `max` bytes long.
fn between(text: &Normalized, start: &str, end: &str, max: usize) -> Option<String> {
    let from = occurrences(&text.lower, start).next()?;
    let window = floor_boundary(&text.lower, from + max + end.len());
    let stop = text.lower.get(from..window)?.find(end)?;
    text.text
        .get(from..from + stop)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The leading run of name characters (`[A-Za-z0-9._-]`, as Azure allows in resource names)
/// of `s`, without a trailing period (the end of a sentence).
fn name_run(s: &str) -> Option<String> {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
        .unwrap_or(s.len());
    s.get(..end)
        .map(|name| name.trim_end_matches('.'))
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
}

/// The leading `[A-Za-z0-9_]+` run of `s`.
fn word_run(s: &str) -> Option<String> {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    s.get(..end).filter(|w| !w.is_empty()).map(str::to_owned)
}

/// Azure's public region names (programmatic form), for texts that name a region without a
/// label: `… an AKS cluster in westeurope, …`, `…/locations/EASTUS/operationStatuses/…`, the
/// node resource group `MC_<group>_<cluster>_<region>`.
const KNOWN_REGIONS: &[&str] = &[
    "australiacentral",
    "australiacentral2",
    "australiaeast",
    "australiasoutheast",
    "austriaeast",
    "belgiumcentral",
    "brazilsouth",
    "brazilsoutheast",
    "canadacentral",
    "canadaeast",
    "centralindia",
    "centralus",
    "centraluseuap",
    "chilecentral",
    "denmarkeast",
    "eastasia",
    "eastus",
    "eastus2",
    "eastus2euap",
    "francecentral",
    "francesouth",
    "germanynorth",
    "germanywestcentral",
    "indonesiacentral",
    "israelcentral",
    "italynorth",
    "japaneast",
    "japanwest",
    "jioindiacentral",
    "jioindiawest",
    "koreacentral",
    "koreasouth",
    "malaysiawest",
    "mexicocentral",
    "newzealandnorth",
    "northcentralus",
    "northeurope",
    "norwayeast",
    "norwaywest",
    "polandcentral",
    "qatarcentral",
    "southafricanorth",
    "southafricawest",
    "southcentralus",
    "southeastasia",
    "southindia",
    "spaincentral",
    "swedencentral",
    "swedensouth",
    "switzerlandnorth",
    "switzerlandwest",
    "taiwannorth",
    "uaecentral",
    "uaenorth",
    "uksouth",
    "ukwest",
    "usgovarizona",
    "usgovtexas",
    "usgovvirginia",
    "westcentralus",
    "westeurope",
    "westindia",
    "westus",
    "westus2",
    "westus3",
];

/// The first token (split on anything but letters and digits) that is a known region name.
fn known_region(text: &Normalized) -> Option<String> {
    text.text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|word| {
            (5..=20).contains(&word.len())
                && KNOWN_REGIONS
                    .iter()
                    .any(|region| region.eq_ignore_ascii_case(word))
        })
        .map(str::to_owned)
}

/// The region an error names: `Location: X,`, `location 'x'`, `for location x.`, `in region x`,
/// else the first known region name in the text. Placeholders such as `<Region>` are not
/// regions.
fn region(text: &Normalized) -> Option<String> {
    labelled_region(text).or_else(|| known_region(text))
}

/// The region after one of the labels Azure puts before it.
fn labelled_region(text: &Normalized) -> Option<String> {
    const LABELS: &[&str] = &[
        "location: ",
        "location '",
        "location \"",
        "for location ",
        "for region ",
        "in region ",
        "in location ",
    ];
    LABELS.iter().find_map(|label| {
        occurrences(&text.lower, label).find_map(|end| {
            let word = word_run(text.text.get(end..)?)?;
            let plausible = (2..=40).contains(&word.len())
                && word.bytes().any(|b| b.is_ascii_alphabetic())
                && !matches!(
                    word.to_ascii_lowercase().as_str(),
                    "the" | "this" | "a" | "which"
                );
            plausible.then_some(word)
        })
    })
}

/// The VM sizes the error says were refused (not the list of sizes it offers instead).
fn sizes(text: &Normalized) -> Vec<String> {
    const LABELS: &[&str] = &[
        "vm size of ",
        "requested vm size ",
        "capacity restrictions: ",
        "vm size '",
        "vm size \"",
        "vm size ",
    ];
    let mut found: Vec<String> = Vec::new();
    for label in LABELS {
        for end in occurrences(&text.lower, label) {
            let Some(rest) = text.text.get(end..) else {
                continue;
            };
            // "Capacity Restrictions: A, B" lists several sizes; the other phrases name one.
            let list_len = if label.starts_with("capacity") { 16 } else { 1 };
            let mut rest = rest;
            for _ in 0..list_len {
                let Some(size) = word_run(rest) else {
                    break;
                };
                let known = ["standard_", "basic_"]
                    .iter()
                    .any(|p| size.to_ascii_lowercase().starts_with(p));
                if !known {
                    break;
                }
                rest = rest.get(size.len()..).unwrap_or("");
                if !found.iter().any(|f| f.eq_ignore_ascii_case(&size)) {
                    found.push(size);
                }
                match rest.strip_prefix(", ").or_else(|| rest.strip_prefix(',')) {
                    Some(next) => rest = next,
                    None => break,
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn facts(raw: &str) -> Facts {
        extract(&Normalized::new(raw).without_urls(), &[])
    }

    #[rstest]
    #[case(
        "Location: eastus, Current Limit: 4, Current Usage: 1, Additional Required: 40, (Minimum) New Limit Required: 41.",
        Some(4),
        Some(1),
        Some(40),
        Some(41),
        Some(3)
    )]
    #[case(
        "quota limits of Core. Maximum allowed: 450, Current in use: 449, Additional requested: 8.",
        Some(450),
        Some(449),
        Some(8),
        None,
        Some(1)
    )]
    #[case(
        "Insufficient vcpu quota requested 6, remaining 4 for family standardDCSv2Family for region westeurope",
        None,
        None,
        Some(6),
        None,
        Some(4)
    )]
    #[case(
        "left regional vcpu quota 4, requested quota 6. Surge nodes would also consume vcpu quota",
        None,
        None,
        Some(6),
        None,
        Some(4)
    )]
    #[case(
        "Cannot create more than 1000 public IP addresses for this subscription",
        Some(1000),
        None,
        None,
        None,
        None
    )]
    #[case("Current Usage: 7, Limit: 10", Some(10), Some(7), None, None, Some(3))]
    #[case(
        "Submit a request at https://aka.ms/x/%7B%22limit%22:104,%22requested%22:9%7D only",
        None,
        None,
        None,
        None,
        None
    )]
    fn quota_numbers(
        #[case] raw: &str,
        #[case] limit: Option<i64>,
        #[case] usage: Option<i64>,
        #[case] needed: Option<i64>,
        #[case] new_limit: Option<i64>,
        #[case] free: Option<i64>,
    ) {
        let f = facts(raw);
        assert_eq!(
            (f.limit, f.usage, f.needed, f.new_limit, f.free),
            (limit, usage, needed, new_limit, free)
        );
    }

    #[rstest]
    #[case(
        "exceeding approved Total Regional Cores quota.",
        "Total Regional Cores"
    )]
    #[case(
        "exceeding approved standardDASv5Family Cores quota.",
        "standardDASv5Family"
    )]
    #[case("exceeding quota limits of Core. Maximum allowed: 2", "Core")]
    #[case(
        "remaining 4 for family standardDCSv2Family for region x",
        "standardDCSv2Family"
    )]
    #[case(
        "Cannot create more than 1000 public IP addresses for this",
        "public IP addresses"
    )]
    #[case(
        "It is not allowed to create more than 1 DDoS protection plan for a subscription",
        "DDoS protection plan"
    )]
    fn families(#[case] raw: &str, #[case] expected: &str) {
        assert_eq!(facts(raw).family.as_deref(), Some(expected));
    }

    #[rstest]
    #[case("Location: KoreaSouth, Current Limit: 50", Some("KoreaSouth"))]
    #[case(
        "not allowed in your subscription in location 'westus'.",
        Some("westus")
    )]
    #[case("quota left for location westus2. left", Some("westus2"))]
    #[case("heavy usage in region <Region>. We are", None)]
    #[case(
        "unable to provision an AKS cluster in westeurope, due to",
        Some("westeurope")
    )]
    #[case("/resourceGroups/MC_rg_aks_JAPANEAST/providers", Some("JAPANEAST"))]
    #[case("/providers/X/locations/EASTUS/operationStatuses/1", Some("EASTUS"))]
    #[case("the region of westeuropeish", None)]
    fn regions(#[case] raw: &str, #[case] expected: Option<&str>) {
        assert_eq!(facts(raw).region.as_deref(), expected);
    }

    #[test]
    fn refused_sizes_not_offered_ones() {
        let f = facts(
            "The VM size of Standard_B2s is not allowed. The available VM sizes are 'standard_d2_v5'",
        );
        assert_eq!(f.sizes, vec!["Standard_B2s"]);
        let f = facts(
            "Following SKUs have failed for Capacity Restrictions: Standard_D8s_v3, Standard_E2s_v3' is",
        );
        assert_eq!(f.sizes, vec!["Standard_D8s_v3", "Standard_E2s_v3"]);
    }

    #[test]
    fn principal_and_scope() {
        let f = facts(
            "The client 'a@b' with object id 'ebb5' does not have authorization to perform action 'x' over scope '/subscriptions/s/resourcegroups/rg' or",
        );
        assert_eq!(f.principal_object_id.as_deref(), Some("ebb5"));
        assert_eq!(
            f.scope.as_deref(),
            Some("/subscriptions/s/resourcegroups/rg")
        );
        let f = facts("with object id '----' over scope 'nope'");
        assert_eq!((f.principal_object_id, f.scope), (None, None));
    }

    #[rstest]
    #[case("please retry again in 30 seconds", Some(30))]
    #[case("Please try again after '6' seconds.", Some(6))]
    #[case("Please retry after 293 seconds", Some(293))]
    #[case("retry again in X seconds", None)]
    fn retry_delays(#[case] raw: &str, #[case] expected: Option<i64>) {
        assert_eq!(facts(raw).retry_after_secs, expected);
    }
}
