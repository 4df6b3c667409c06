//! Choosing a VM size in the create form, in plain words: why a size cannot be picked (never
//! ARM's bare reason code, and never only in a tooltip a touch screen cannot show), what a size
//! costs against the quota, which sizes a search matches, and, when a new region or subscription
//! cannot deploy a chosen size, what the form chose instead and why, so it is never a silent
//! swap (issue 19, point 2).

use crate::preflight::{
    CREATE_SURGE_NODES_PER_POOL, PoolDemand, QuotaUsage, quota_needs, quota_scope,
};
use crate::vm_size::VmSizeOption;

/// Why `size` cannot be picked in `region`, in words; `None` when it can.
pub fn unavailable_reason(size: &VmSizeOption, region: &str) -> Option<String> {
    if size.available {
        return None;
    }
    let why = match size.reason.as_deref() {
        Some(code) if code.eq_ignore_ascii_case("NotAvailableForSubscription") => {
            format!("not offered to this subscription in {region}")
        }
        Some(code) if code.eq_ignore_ascii_case("QuotaId") => {
            format!("not offered to this subscription's offer type in {region}")
        }
        _ => format!("not available in {region}"),
    };
    Some(why)
}

/// The zones where `size` cannot run, in words ("not in zone 3"); `None` when it has none.
pub fn zone_note(size: &VmSizeOption) -> Option<String> {
    match size.restricted_zones.as_slice() {
        [] => None,
        [zone] => Some(format!("not in zone {zone}")),
        zones => Some(format!("not in zones {}", zones.join(", "))),
    }
}

/// An option's text in the size list: "Standard_D4s_v5 · 4 vCPUs, 16 GB", with what limits it
/// ("· not in zone 3", "· not offered to this subscription in uksouth") and, for a size that can
/// be picked, its `quota` note ([`quota_note`]).
pub fn option_label(size: &VmSizeOption, region: &str, quota: Option<&str>) -> String {
    let base = format!(
        "{} · {} vCPUs, {} GB",
        size.name,
        size.vcpus,
        crate::vm_size::format_memory(size.memory_gb)
    );
    let limit = unavailable_reason(size, region);
    let notes = match limit {
        Some(limit) => vec![limit],
        None => zone_note(size)
            .into_iter()
            .chain(quota.map(str::to_owned))
            .collect(),
    };
    std::iter::once(base)
        .chain(notes)
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Whether `candidate` with `count` nodes fits the subscription's vCPU quotas (`usages`), beside
/// the `other` pool as chosen (its size and count): "fits your quota", or the first quota it
/// overruns in the pre-flight's words ("over quota: needs 24 vCPUs of Total Regional vCPUs, 10
/// free"). `None` when nothing is known
/// of the quotas it counts against, or it cannot be picked anyway. The words are advice: the
/// pre-flight's quota row stays the verdict.
pub fn quota_note(
    candidate: &VmSizeOption,
    count: i32,
    other: Option<(&VmSizeOption, i32)>,
    usages: &[QuotaUsage],
) -> Option<String> {
    if !candidate.available {
        return None;
    }
    let nothing = PoolDemand {
        family: candidate.family.clone(),
        vcpus: 0,
        count: 0,
    };
    let other = other.map_or(nothing, |(size, count)| PoolDemand::of(size, count));
    let needs = quota_needs(
        &PoolDemand::of(candidate, count),
        &other,
        usages,
        CREATE_SURGE_NODES_PER_POOL,
    );
    if needs.iter().all(|need| need.free.is_none()) {
        return None;
    }
    // The first quota it overruns, as the pre-flight's quota row names it.
    Some(match needs.iter().find(|need| !need.fits()) {
        None => "fits your quota".to_owned(),
        Some(short) => format!(
            "over quota: needs {} vCPUs of {}, {} free",
            short.needed,
            quota_scope(&short.quota),
            short.free.unwrap_or(0)
        ),
    })
}

/// True when `size` matches what the user typed into the size search: every word of `query`
/// appears in its name or its vCPU and memory figures ("d4", "16 gb", "8 vcpus"), ignoring case.
pub fn matches_search(size: &VmSizeOption, query: &str) -> bool {
    let haystack = format!(
        "{} {} vcpus {} gb",
        size.name,
        size.vcpus,
        crate::vm_size::format_memory(size.memory_gb)
    )
    .to_ascii_lowercase();
    query
        .split_whitespace()
        .all(|word| haystack.contains(&word.to_ascii_lowercase()))
}

/// The sizes to list for `query`: those it matches, and the chosen one always, so the select
/// never shows a value it does not hold.
pub fn searched<'a>(sizes: &'a [VmSizeOption], query: &str, chosen: &str) -> Vec<&'a VmSizeOption> {
    sizes
        .iter()
        .filter(|size| size.name == chosen || matches_search(size, query))
        .collect()
}

/// A chosen size a new catalogue cannot deploy, and what the form chose instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SizeSwap {
    /// "System pool" or "Worker pool".
    pub pool: &'static str,
    /// The size that was chosen.
    pub from: String,
    /// The size the form chose instead (empty when the region offers none).
    pub to: String,
    /// Why `from` cannot stay, in words.
    pub why: String,
}

impl SizeSwap {
    /// What the form says: "Worker pool: Standard_E16s_v5 is not offered to this subscription
    /// in uksouth, so Standard_D4as_v5 was chosen instead."
    pub fn sentence(&self) -> String {
        if self.to.is_empty() {
            format!(
                "{}: {} is {}, and no other size is available.",
                self.pool, self.from, self.why
            )
        } else {
            format!(
                "{}: {} is {}, so {} was chosen instead.",
                self.pool, self.from, self.why, self.to
            )
        }
    }
}

/// The swap of the `pool`'s `chosen` size under a new catalogue for `region`: `None` when the
/// catalogue can deploy it or nothing was chosen yet; `replacement` is the pool's default there.
pub fn size_swap(
    pool: &'static str,
    chosen: &str,
    sizes: &[VmSizeOption],
    region: &str,
    replacement: Option<&VmSizeOption>,
) -> Option<SizeSwap> {
    if chosen.is_empty() {
        return None;
    }
    let listed = sizes.iter().find(|size| size.name == chosen);
    if listed.is_some_and(|size| size.available) {
        return None;
    }
    let why = listed
        .and_then(|size| unavailable_reason(size, region))
        .unwrap_or_else(|| format!("not offered in {region}"));
    Some(SizeSwap {
        pool,
        from: chosen.to_owned(),
        to: replacement
            .map(|size| size.name.clone())
            .unwrap_or_default(),
        why,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn size(
        name: &str,
        vcpus: i32,
        memory_gb: f64,
        available: bool,
        reason: Option<&str>,
    ) -> VmSizeOption {
        VmSizeOption {
            available,
            reason: reason.map(Into::into),
            ..crate::test_support::vm_size(name, vcpus, memory_gb)
        }
    }

    #[rstest]
    #[case(
        Some("NotAvailableForSubscription"),
        "not offered to this subscription in uksouth"
    )]
    #[case(
        Some("QuotaId"),
        "not offered to this subscription's offer type in uksouth"
    )]
    #[case(Some("SomethingNew"), "not available in uksouth")]
    #[case(None, "not available in uksouth")]
    fn a_blocked_size_says_why_in_words(#[case] code: Option<&str>, #[case] words: &str) {
        let blocked = size("Standard_E16s_v5", 16, 128.0, false, code);
        assert_eq!(
            unavailable_reason(&blocked, "uksouth").as_deref(),
            Some(words)
        );
        assert_eq!(
            option_label(&blocked, "uksouth", Some("fits your quota")),
            format!("Standard_E16s_v5 · 16 vCPUs, 128 GB · {words}")
        );
        let open = size("Standard_D4s_v5", 4, 16.0, true, None);
        assert_eq!(unavailable_reason(&open, "uksouth"), None);
        assert_eq!(
            option_label(&open, "uksouth", None),
            "Standard_D4s_v5 · 4 vCPUs, 16 GB"
        );
    }

    fn usage(name: &str, current: i64, limit: i64) -> QuotaUsage {
        QuotaUsage {
            name: name.into(),
            current,
            limit,
        }
    }

    /// 20 vCPUs free in the region, 12 in the D-series v5 family, 40 in the E-series.
    fn usages() -> Vec<QuotaUsage> {
        vec![
            usage("cores", 80, 100),
            usage("standardDSv5Family", 38, 50),
            usage("standardESv5Family", 0, 40),
        ]
    }

    fn sized(name: &str, vcpus: i32, family: &str) -> VmSizeOption {
        VmSizeOption {
            family: family.into(),
            ..size(name, vcpus, 16.0, true, None)
        }
    }

    #[test]
    fn each_size_says_whether_it_fits_beside_the_other_pool() {
        let system = sized("Standard_D2s_v5", 2, "standardDSv5Family");
        let d4 = sized("Standard_D4s_v5", 4, "standardDSv5Family");
        let e4 = sized("Standard_E4s_v5", 4, "standardESv5Family");
        let other = Some((&system, 1));
        // 2 + 2 × 4 = 10 of the family's 12.
        assert_eq!(
            quota_note(&d4, 2, other, &usages()).as_deref(),
            Some("fits your quota")
        );
        // 2 + 3 × 4 = 14: the family's 12 bind before the region's 20.
        assert_eq!(
            quota_note(&d4, 3, other, &usages()).as_deref(),
            Some("over quota: needs 14 vCPUs of standardDSv5Family, 12 free")
        );
        // Another family has room, so only the regional total can bind: 2 + 5 × 4 = 22 > 20.
        assert_eq!(
            quota_note(&e4, 4, other, &usages()).as_deref(),
            Some("fits your quota")
        );
        assert_eq!(
            quota_note(&e4, 5, other, &usages()).as_deref(),
            Some("over quota: needs 22 vCPUs of Total Regional vCPUs, 20 free")
        );
    }

    #[test]
    fn nothing_is_said_without_usages_or_for_a_size_that_cannot_be_picked() {
        let d4 = sized("Standard_D4s_v5", 4, "standardDSv5Family");
        assert_eq!(quota_note(&d4, 3, None, &[]), None);
        let blocked = VmSizeOption {
            available: false,
            ..d4.clone()
        };
        assert_eq!(quota_note(&blocked, 1, None, &usages()), None);
        // Only the family is reported: the region's total is unknown, the family's decides.
        let family_only = [usage("standardDSv5Family", 0, 8)];
        assert_eq!(
            quota_note(&d4, 2, None, &family_only).as_deref(),
            Some("fits your quota")
        );
    }

    #[test]
    fn a_zone_restriction_shows_in_the_label() {
        let mut zonal = size(
            "Standard_DC2s_v2",
            2,
            8.0,
            true,
            Some("NotAvailableForSubscription"),
        );
        zonal.restricted_zones = vec!["3".into()];
        assert_eq!(
            option_label(&zonal, "westeurope", Some("fits your quota")),
            "Standard_DC2s_v2 · 2 vCPUs, 8 GB · not in zone 3 · fits your quota"
        );
        zonal.restricted_zones = vec!["1".into(), "3".into()];
        assert_eq!(zone_note(&zonal).as_deref(), Some("not in zones 1, 3"));
    }

    #[rstest]
    #[case("d4", true)]
    #[case("D4S V5", true)]
    #[case("16 gb", true)]
    #[case("4 vcpus", true)]
    #[case("e16", false)]
    #[case("", true)]
    fn the_search_matches_names_and_figures(#[case] query: &str, #[case] matched: bool) {
        let d4 = size("Standard_D4s_v5", 4, 16.0, true, None);
        assert_eq!(matches_search(&d4, query), matched);
    }

    #[test]
    fn the_chosen_size_is_always_listed() {
        let sizes = [
            size("Standard_D2s_v5", 2, 8.0, true, None),
            size("Standard_D4s_v5", 4, 16.0, true, None),
        ];
        let names =
            |listed: Vec<&VmSizeOption>| listed.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(searched(&sizes, "d4", "Standard_D2s_v5")),
            ["Standard_D2s_v5", "Standard_D4s_v5"]
        );
        assert_eq!(names(searched(&sizes, "zzz", "")), Vec::<String>::new());
    }

    #[test]
    fn a_size_the_new_region_cannot_deploy_is_swapped_with_a_reason() {
        let sizes = [
            size("Standard_D4as_v5", 4, 16.0, true, None),
            size(
                "Standard_E16s_v5",
                16,
                128.0,
                false,
                Some("NotAvailableForSubscription"),
            ),
        ];
        let swap = size_swap(
            "Worker pool",
            "Standard_E16s_v5",
            &sizes,
            "uksouth",
            sizes.first(),
        )
        .expect("a swap");
        assert_eq!(
            swap.sentence(),
            "Worker pool: Standard_E16s_v5 is not offered to this subscription in uksouth, so Standard_D4as_v5 was chosen instead."
        );
        let unlisted =
            size_swap("System pool", "Standard_X", &sizes, "uksouth", None).expect("a swap");
        assert_eq!(
            unlisted.sentence(),
            "System pool: Standard_X is not offered in uksouth, and no other size is available."
        );
        assert_eq!(
            size_swap("Worker pool", "Standard_D4as_v5", &sizes, "uksouth", None),
            None
        );
        assert_eq!(size_swap("Worker pool", "", &sizes, "uksouth", None), None);
    }
}
