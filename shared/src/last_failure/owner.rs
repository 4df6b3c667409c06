//! Whose the browser's slot is (docs/PRODUCT.md §7, "Limits and hardening"): one browser can be
//! shared by several people, one after the other, and localStorage outlives a sign-out. The slot
//! therefore carries the object id of the caller who saved it, beside the record's own members
//! (`{"owner": "…", "raw": …}`), and a reader shows it only to that caller: a slot with another
//! owner, or with none (written before owners were recorded), is [`SlotRead::Foreign`] and is
//! pruned like a stale one.

use super::{LastFailure, SlotRead, read_slot};
use serde::{Deserialize, Serialize};

/// The slot's JSON: the record and its owner.
#[derive(Serialize)]
struct OwnedRecord<'a> {
    owner: &'a str,
    #[serde(flatten)]
    record: &'a LastFailure,
}

/// Only the owner, read before the record.
#[derive(Deserialize)]
struct Owner {
    #[serde(default)]
    owner: Option<String>,
}

/// The slot's text for `record` saved by the caller `owner` (an object id).
pub fn owned_slot_text(record: &LastFailure, owner: &str) -> String {
    serde_json::to_string(&OwnedRecord { owner, record }).unwrap_or_default()
}

/// Reads the slot's text (`None` when the key is absent) at `now_ms` for the caller `owner`:
/// [`read_slot`]'s answer for the owner's own slot, [`SlotRead::Foreign`] for anyone else's.
pub fn read_owned_slot(text: Option<&str>, now_ms: i64, owner: &str) -> SlotRead {
    let Some(text) = text else {
        return SlotRead::Empty;
    };
    match serde_json::from_str::<Owner>(text) {
        Ok(Owner { owner: Some(saved) }) if saved == owner => read_slot(Some(text), now_ms),
        Ok(_) => SlotRead::Foreign,
        Err(_) => SlotRead::Malformed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_750_000_000_000;
    const ALICE: &str = "a11ce000-0000-4000-8000-000000000001";
    const BOB: &str = "b0b00000-0000-4000-8000-000000000002";

    fn record() -> LastFailure {
        LastFailure {
            raw: "QuotaExceeded: not enough cores.".into(),
            cluster_name: "aks-demo".into(),
            region: "koreacentral".into(),
            resource_group: "rg-demo".into(),
            subscription_id: "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f".into(),
            when: NOW - 1_000,
            job_id: Some("job-1".into()),
            task_id: None,
            category: None,
            requested: None,
            zones: Vec::new(),
            subnet_id: None,
            portal_url: None,
        }
    }

    #[test]
    fn the_owner_reads_their_own_slot() {
        let text = owned_slot_text(&record(), ALICE);
        assert!(text.contains(&format!("\"owner\":\"{ALICE}\"")), "{text}");
        assert_eq!(
            read_owned_slot(Some(&text), NOW, ALICE),
            SlotRead::Fresh(Box::new(record()))
        );
        assert_eq!(read_owned_slot(None, NOW, ALICE), SlotRead::Empty);
    }

    #[test]
    fn another_user_on_the_same_browser_never_sees_it() {
        let text = owned_slot_text(&record(), ALICE);
        assert_eq!(read_owned_slot(Some(&text), NOW, BOB), SlotRead::Foreign);
    }

    #[test]
    fn a_slot_without_an_owner_is_nobody_s() {
        let unowned = serde_json::to_string(&record()).expect("json");
        assert_eq!(
            read_owned_slot(Some(&unowned), NOW, ALICE),
            SlotRead::Foreign
        );
        let empty_owner = owned_slot_text(&record(), "");
        assert_eq!(
            read_owned_slot(Some(&empty_owner), NOW, ALICE),
            SlotRead::Foreign
        );
    }

    #[test]
    fn the_owner_s_slot_keeps_the_other_rules() {
        let mut stale = record();
        stale.when = NOW - super::super::MAX_AGE_MS;
        assert_eq!(
            read_owned_slot(Some(&owned_slot_text(&stale, ALICE)), NOW, ALICE),
            SlotRead::Stale
        );
        assert_eq!(
            read_owned_slot(Some("{not json"), NOW, ALICE),
            SlotRead::Malformed
        );
        assert_eq!(
            read_owned_slot(Some(r#"{"owner": 7}"#), NOW, ALICE),
            SlotRead::Malformed
        );
    }
}
