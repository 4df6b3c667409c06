//! The create modal's keyboard and focus handling: ESC and Tab on the window while the modal
//! is open, and moving focus to what a refused submit points at.

use crate::focus::{focus_matching, from_question, trap_tab};
use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use web_sys::Element;

/// ESC closes (or asks first, or dismisses the question); Tab stays inside the dialog, or inside
/// the question while it is open. A window listener, so it works wherever focus is; keys from
/// inside a question (this one or the Stop chip's) are the question's own.
pub(super) fn handle_keys(
    dialog: NodeRef<html::Div>,
    confirm_close: RwSignal<bool>,
    request_close: impl Fn() + Copy + 'static,
    keep_open: impl Fn() + Copy + 'static,
) {
    let listener = window_event_listener(ev::keydown, move |event| {
        let Some(dialog) = dialog.get_untracked() else {
            return;
        };
        if from_question(&event) {
            return;
        }
        let asking = confirm_close.get_untracked();
        match event.key().as_str() {
            "Escape" => {
                event.prevent_default();
                if asking {
                    keep_open();
                } else {
                    request_close();
                }
            }
            "Tab" => {
                let question = asking
                    .then(|| dialog.query_selector("[role=alertdialog]").ok().flatten())
                    .flatten();
                let container: Element = question.unwrap_or_else(|| dialog.into());
                trap_tab(&event, &container);
            }
            _ => {}
        }
    });
    on_cleanup(move || listener.remove());
}

/// Focuses the first field whose message shows.
pub(super) fn focus_first_invalid(dialog: NodeRef<html::Div>) {
    if let Some(dialog) = dialog.get_untracked() {
        focus_matching(&dialog, "[aria-invalid=true]");
    }
}

/// Focuses the first failing pre-flight row's action ("Apply N nodes" or the portal link), else
/// the first failing row itself.
pub(super) fn focus_first_failing_check(dialog: NodeRef<html::Div>) {
    if let Some(dialog) = dialog.get_untracked() {
        let _ = focus_matching(&dialog, "li.check-fail button, li.check-fail a")
            || focus_matching(&dialog, "li.check-fail");
    }
}
