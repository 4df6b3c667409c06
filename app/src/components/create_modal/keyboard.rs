//! The create modal's keyboard and focus handling: ESC and Tab on the window while the modal
//! is open, and moving focus to what a refused submit points at.

use super::form::field;
use crate::focus::{focus_matching, question_open, trap_tab};
use leptos::ev;
use leptos::html;
use leptos::prelude::*;

/// ESC asks to close ([`super::CreateModal`] decides whether to ask first); Tab stays inside
/// the dialog. A window listener, so it works wherever focus is. While a question is open (the
/// modal's own or the Stop chip's) every key is the question's.
pub(super) fn handle_keys(dialog: NodeRef<html::Div>, request_close: impl Fn() + Copy + 'static) {
    let listener = window_event_listener(ev::keydown, move |event| {
        let Some(dialog) = dialog.get_untracked() else {
            return;
        };
        if question_open() {
            return;
        }
        match event.key().as_str() {
            "Escape" => {
                event.prevent_default();
                request_close();
            }
            "Tab" => trap_tab(&event, &dialog),
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

/// After "Apply N nodes" the button goes with its row: focus moves to the count it changed.
pub(super) fn focus_applied_count(dialog: NodeRef<html::Div>) {
    if let Some(dialog) = dialog.get_untracked() {
        focus_matching(&dialog, field::selector(field::WORKER_NODE_COUNT));
    }
}
