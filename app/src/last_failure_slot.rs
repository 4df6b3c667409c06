//! The browser's "Last attempt failed" slot: localStorage key
//! [`SLOT_KEY`](shared::last_failure::SLOT_KEY) through gloo-storage (docs/PRODUCT.md §7).
//!
//! What a slot means (fresh, stale, malformed, another caller's) is decided in
//! `shared::last_failure`; this module only reads, writes and prunes. Every record is saved with
//! its owner, the signed-in caller's object id, and read only for that owner, so the next person
//! on a shared browser never sees it. Storage is a convenience: when the browser refuses it
//! (private mode, a full quota, a blocked origin) every call degrades to "no memory" and never
//! throws. gloo-storage's own accessor throws when localStorage is unavailable, so each call
//! checks first.

use gloo_storage::{LocalStorage, Storage};
use shared::last_failure::{LastFailure, SLOT_KEY, SlotRead, owned_slot_text, read_owned_slot};

/// The slot's record when it is `owner`'s and fresh at `now_ms`. A stale, malformed or
/// foreign slot is removed.
pub fn load(now_ms: i64, owner: &str) -> Option<LastFailure> {
    let storage = available()?;
    let text = storage.get_item(SLOT_KEY).ok().flatten();
    read_text(text.as_deref(), now_ms, owner)
}

/// What a slot's text (as a `storage` event carries it) holds for `owner` at `now_ms`; a
/// stale, malformed or foreign slot is removed.
pub fn read_text(text: Option<&str>, now_ms: i64, owner: &str) -> Option<LastFailure> {
    match read_owned_slot(text, now_ms, owner) {
        SlotRead::Fresh(record) => Some(*record),
        SlotRead::Empty => None,
        SlotRead::Stale | SlotRead::Malformed | SlotRead::Foreign => {
            clear();
            None
        }
    }
}

/// Stores `record` as `owner`'s; true when the browser kept it.
pub fn save(record: &LastFailure, owner: &str) -> bool {
    available().is_some_and(|storage| {
        storage
            .set_item(SLOT_KEY, &owned_slot_text(record, owner))
            .is_ok()
    })
}

/// Empties the slot (also on sign-out).
pub fn clear() {
    if available().is_some() {
        LocalStorage::delete(SLOT_KEY);
    }
}

/// localStorage, unless the browser refuses it.
fn available() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}
