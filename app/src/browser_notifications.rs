//! Browser notifications for a create that ends while its tab is hidden (issue 19, point 1),
//! in the browser only. Permission is asked for once per browser, on the user's first create
//! (a click of theirs, as browsers require), and never again whatever the answer; a browser
//! without notifications, or a denied permission, simply gets none. What a notice says is
//! `shared::job_end_notice`.

use gloo_storage::{LocalStorage, Storage};
use leptos::wasm_bindgen::JsValue;
use shared::job_end_notice::end_notice;
use shared::progress::TaskView;
use web_sys::{Notification, NotificationOptions, NotificationPermission};

/// The localStorage key that records that this browser was asked (versioned like the slot's).
const ASKED_KEY: &str = "elb_notifications_asked_v1";

/// Asks for permission to notify, unless this browser was asked before or has no
/// notifications. Called on a create the user submitted.
pub fn ask_once() {
    if !supported() || Notification::permission() != NotificationPermission::Default {
        return;
    }
    if LocalStorage::raw()
        .get_item(ASKED_KEY)
        .ok()
        .flatten()
        .is_some()
    {
        return;
    }
    // Whether the browser keeps the mark or not, it is asked at most once on this page.
    let _ = LocalStorage::raw().set_item(ASKED_KEY, "1");
    // The answer arrives as the permission; nothing waits for it.
    let _ = Notification::request_permission();
}

/// Tells the user that `view` ended, when its tab is hidden and notifications are allowed.
pub fn announce_end(view: &TaskView) {
    let hidden = web_sys::window()
        .and_then(|window| window.document())
        .is_some_and(|document| document.hidden());
    if !hidden || !supported() || Notification::permission() != NotificationPermission::Granted {
        return;
    }
    let Some(notice) = end_notice(view) else {
        return;
    };
    let options = NotificationOptions::new();
    options.set_body(&notice.body);
    // One notice per task, however often the page sees its end.
    options.set_tag(&view.task_id);
    if let Err(error) = Notification::new_with_options(&notice.title, &options) {
        leptos::logging::warn!("notification refused: {error:?}");
    }
}

/// True when the browser has the Notification API (reading it where it is missing throws).
fn supported() -> bool {
    web_sys::window().is_some_and(|window| {
        js_sys::Reflect::has(&window, &JsValue::from_str("Notification")).unwrap_or(false)
    })
}
