//! Keyboard focus inside dialogs: Tab and Shift+Tab cycle through a dialog's controls instead
//! of leaving it, and a dialog can move focus to its first control when it opens. Also where
//! focus goes when a view it was in goes away, and to a task's banner when the activity list
//! brings it back.

use leptos::wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

/// What can take focus with Tab (disabled controls and `tabindex="-1"` are left out).
/// `:disabled` also covers controls inside a disabled `<fieldset>`.
const FOCUSABLE: &str = "a[href], button:not(:disabled), input:not(:disabled), \
     select:not(:disabled), textarea:not(:disabled), summary, [tabindex]:not([tabindex='-1'])";

/// Keeps a Tab keypress inside `container`: from its last control to its first and back with
/// Shift+Tab, and into it when focus is elsewhere. Other keys are left alone.
pub fn trap_tab(event: &KeyboardEvent, container: &Element) {
    if event.key() != "Tab" {
        return;
    }
    let controls = focusable_in(container);
    if controls.is_empty() {
        event.prevent_default();
        return;
    }
    let active = leptos::prelude::document().active_element();
    let current = active.and_then(|active| {
        controls
            .iter()
            .position(|control| control.is_same_node(Some(&active)))
    });
    let last = controls.len() - 1;
    let next = match (current, event.shift_key()) {
        (Some(0), true) | (None, true) => last,
        (Some(index), true) => index - 1,
        (Some(index), false) if index < last => index + 1,
        (_, false) => 0,
    };
    event.prevent_default();
    if let Some(control) = controls.get(next) {
        // A control that refuses focus leaves it where it was; nothing to recover.
        let _ = control.focus();
    }
}

/// Focuses the first control in `container`, if it has one.
pub fn focus_first(container: &Element) {
    if let Some(control) = focusable_in(container).first() {
        // A control that refuses focus leaves it where it was; nothing to recover.
        let _ = control.focus();
    }
}

/// Focuses the first element in `container` that matches `selector`, if any; true when one took
/// the focus.
pub fn focus_matching(container: &Element, selector: &str) -> bool {
    let found = container.query_selector(selector).ok().flatten();
    match found.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        // An element that refuses focus leaves it where it was; nothing to recover.
        Some(element) => element.focus().is_ok(),
        None => false,
    }
}

/// Focuses the title of the banner (or error card) of `task_id` on the page, which also scrolls
/// it into view; false while the page does not show it.
pub fn focus_banner(task_id: &str) -> bool {
    let Ok(banners) = leptos::prelude::document().query_selector_all("[data-task-id]") else {
        return false;
    };
    // Compared as text rather than put into a selector: the id never becomes CSS.
    let banner = (0..banners.length())
        .filter_map(|index| banners.item(index))
        .filter_map(|node| node.dyn_into::<Element>().ok())
        .find(|banner| banner.get_attribute("data-task-id").as_deref() == Some(task_id));
    banner.is_some_and(|banner| focus_matching(&banner, "[tabindex='-1']"))
}

/// The visible controls of `container` that Tab can reach, in document order.
fn focusable_in(container: &Element) -> Vec<HtmlElement> {
    let Ok(nodes) = container.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..nodes.length())
        .filter_map(|index| nodes.item(index))
        .filter_map(|node| node.dyn_into::<HtmlElement>().ok())
        // Inside a closed <details> or a hidden element: not reachable.
        .filter(|element| element.get_client_rects().length() > 0)
        .collect()
}

/// True while a confirmation question (`role=alertdialog`) is open anywhere on the page: it
/// handles every key then.
pub fn question_open() -> bool {
    leptos::prelude::document()
        .query_selector("[role=alertdialog]")
        .ok()
        .flatten()
        .is_some()
}

/// Moves focus into `container` (to what `selector` matches) when the control that had it went
/// away with the view it was in, and focus fell back to the page's body. Focus the user put
/// somewhere else stays there.
pub fn rescue_focus(container: &Element, selector: &str) {
    let document = leptos::prelude::document();
    let lost = match (document.active_element(), document.body()) {
        (None, _) => true,
        (Some(active), Some(body)) => active.is_same_node(Some(&body)),
        (Some(_), None) => false,
    };
    if lost {
        focus_matching(container, selector);
    }
}
