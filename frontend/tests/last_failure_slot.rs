//! The "Last attempt failed" slot in the browser's real localStorage: a record round-trips with
//! its owner, a stale, malformed or another user's slot is pruned on read (also when another
//! tab's `storage` event carries it), and a browser that refuses storage degrades to no memory
//! instead of throwing.
#![cfg(target_arch = "wasm32")]

use app::clock::now_ms;
use app::last_failure_slot::{clear, load, read_text, save};
use shared::last_failure::{LastFailure, MAX_AGE_MS, SLOT_KEY, owned_slot_text};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn storage() -> web_sys::Storage {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("the test browser has localStorage")
}

fn stored_text() -> Option<String> {
    storage().get_item(SLOT_KEY).expect("get_item")
}

/// The signed-in caller of these tests, and someone else on the same browser.
const ALICE: &str = "a11ce000-0000-4000-8000-000000000001";
const BOB: &str = "b0b00000-0000-4000-8000-000000000002";

fn record(when: i64) -> LastFailure {
    LastFailure {
        raw: "QuotaExceeded: Operation could not be completed as it results in exceeding approved Total Regional Cores quota.".into(),
        cluster_name: "aks-demo".into(),
        region: "koreacentral".into(),
        resource_group: "rg-demo".into(),
        subscription_id: "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f".into(),
        when,
        job_id: Some("job-1".into()),
        task_id: None,
        category: None,
        requested: None,
        zones: Vec::new(),
        subnet_id: None,
        portal_url: None,
    }
}

#[wasm_bindgen_test]
fn a_record_round_trips_under_the_product_s_key() {
    let now = now_ms();
    let saved = record(now - 1_000);
    assert!(save(&saved, ALICE));
    let text = stored_text().expect("written under elb_last_failed_provision_v1");
    assert!(text.contains("\"clusterName\":\"aks-demo\""), "{text}");
    assert!(text.contains(&format!("\"owner\":\"{ALICE}\"")), "{text}");
    assert_eq!(load(now, ALICE), Some(saved));
    clear();
    assert_eq!(stored_text(), None);
    assert_eq!(load(now, ALICE), None);
}

#[wasm_bindgen_test]
fn a_slot_older_than_a_day_is_pruned_on_read() {
    let now = now_ms();
    assert!(save(&record(now - MAX_AGE_MS - 60 * 60 * 1000), ALICE));
    assert_eq!(load(now, ALICE), None);
    assert_eq!(stored_text(), None, "pruned");
}

#[wasm_bindgen_test]
fn a_malformed_slot_is_pruned_on_read() {
    let now = now_ms();
    for text in [
        "{not json",
        r#"{"raw":"x","clusterName":"a","region":"r","resourceGroup":"g","subscriptionId":"s","when":"yesterday"}"#,
        r#"{"raw":"x","clusterName":"a","region":"r","resourceGroup":"g","when":1}"#,
        "[]",
    ] {
        storage().set_item(SLOT_KEY, text).expect("set_item");
        assert_eq!(load(now, ALICE), None, "{text}");
        assert_eq!(stored_text(), None, "pruned: {text}");
    }
}

#[wasm_bindgen_test]
fn another_tab_s_slot_is_read_with_the_same_rules() {
    let now = now_ms();
    let fresh = record(now - 5_000);
    let text = owned_slot_text(&fresh, ALICE);
    assert_eq!(read_text(Some(&text), now, ALICE), Some(fresh));
    assert_eq!(
        read_text(None, now, ALICE),
        None,
        "the other tab emptied it"
    );
    storage().set_item(SLOT_KEY, "{not json").expect("set_item");
    assert_eq!(read_text(Some("{not json"), now, ALICE), None);
    assert_eq!(stored_text(), None, "pruned");
}

#[wasm_bindgen_test]
fn another_user_s_or_an_unowned_slot_is_pruned_unseen() {
    let now = now_ms();
    let fresh = record(now - 5_000);
    assert!(save(&fresh, ALICE));
    assert_eq!(load(now, BOB), None, "bob never sees alice's failure");
    assert_eq!(stored_text(), None, "pruned");
    let unowned = serde_json::to_string(&fresh).expect("serialize");
    storage().set_item(SLOT_KEY, &unowned).expect("set_item");
    assert_eq!(
        load(now, ALICE),
        None,
        "a slot without an owner is nobody's"
    );
    assert_eq!(stored_text(), None, "pruned");
    assert_eq!(
        read_text(Some(&owned_slot_text(&fresh, ALICE)), now, BOB),
        None,
        "nor from another tab"
    );
}

#[wasm_bindgen_test]
fn a_browser_that_refuses_storage_has_no_memory_and_no_error() {
    let window: JsValue = web_sys::window().expect("window").into();
    let key = JsValue::from_str("localStorage");
    // As private modes and blocked origins do: reading window.localStorage throws.
    let original = js_sys::Object::get_own_property_descriptor(&window.clone().into(), &key);
    let throwing = js_sys::Object::new();
    let getter =
        js_sys::Function::new_no_args("throw new DOMException('denied', 'SecurityError');");
    js_sys::Reflect::set(&throwing, &"get".into(), &getter).expect("descriptor");
    js_sys::Reflect::set(&throwing, &"configurable".into(), &JsValue::TRUE).expect("descriptor");
    js_sys::Object::define_property(&window.clone().into(), &key, &throwing);

    let now = now_ms();
    let kept = save(&record(now), ALICE);
    let loaded = load(now, ALICE);
    clear();
    let text = read_text(Some("{not json"), now, ALICE);

    if original.is_undefined() {
        js_sys::Reflect::delete_property(&window.clone().into(), &key).expect("restore");
    } else {
        js_sys::Object::define_property(&window.into(), &key, &original.into());
    }
    assert!(!kept, "nothing kept");
    assert_eq!(loaded, None);
    assert_eq!(text, None);
    assert!(
        storage().length().is_ok(),
        "storage restored for the other tests"
    );
}
