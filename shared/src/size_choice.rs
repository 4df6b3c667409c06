//! Choosing a VM size in the create form, in plain words: why a size cannot be picked (never
//! ARM's bare reason code, and never only in a tooltip a touch screen cannot show), what a size
//! costs against the quota, which sizes a search matches, and, when a new region or subscription
//! cannot deploy a chosen size, what the form chose instead and why, so it is never a silent
//! swap (issue 19, point 2).

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
/// ("· not in zone 3", "· not offered to this subscription in uksouth").
pub fn option_label(size: &VmSizeOption, region: &str) -> String {
    let base = format!(
        "{} · {} vCPUs, {} GB",
        size.name,
        size.vcpus,
        crate::vm_size::format_memory(size.memory_gb)
    );
    match unavailable_reason(size, region).or_else(|| zone_note(size)) {
        Some(limit) => format!("{base} · {limit}"),
        None => base,
    }
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
            option_label(&blocked, "uksouth"),
            format!("Standard_E16s_v5 · 16 vCPUs, 128 GB · {words}")
        );
        let open = size("Standard_D4s_v5", 4, 16.0, true, None);
        assert_eq!(unavailable_reason(&open, "uksouth"), None);
        assert_eq!(
            option_label(&open, "uksouth"),
            "Standard_D4s_v5 · 4 vCPUs, 16 GB"
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
            option_label(&zonal, "westeurope"),
            "Standard_DC2s_v2 · 2 vCPUs, 8 GB · not in zone 3"
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
