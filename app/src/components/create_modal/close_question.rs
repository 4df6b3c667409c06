//! The question the create modal asks before it closes on something the user would miss: a
//! create still running (it goes on, in the banner), or a form the user filled in since it was
//! last sent (what they typed would be lost).

use crate::components::common::confirm_dialog::ConfirmDialog;
use leptos::prelude::*;

/// Why closing the modal asks first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseReason {
    /// The create the modal shows still runs.
    CreateRunning,
    /// The user changed the form since it opened or was last sent.
    FormFilled,
}

/// The question for `reason`, while it is set; "Keep …" clears it and calls `on_keep`.
#[component]
pub fn CloseQuestion(
    /// Why the modal asks; `None` while it does not.
    reason: RwSignal<Option<CloseReason>>,
    /// Closes the modal.
    on_close: Callback<()>,
    /// The user keeps the modal open.
    on_keep: Callback<()>,
) -> impl IntoView {
    let close = Callback::new(move |()| {
        reason.set(None);
        on_close.run(());
    });
    let keep = Callback::new(move |()| {
        reason.set(None);
        on_keep.run(());
    });
    move || {
        reason.get().map(|reason| match reason {
            CloseReason::CreateRunning => view! {
                <ConfirmDialog
                    title="Close while the create runs?"
                    message="The create keeps running; you can follow it in the banner."
                    confirm_label="Close"
                    cancel_label="Keep open"
                    on_confirm=close
                    on_cancel=keep
                />
            },
            CloseReason::FormFilled => view! {
                <ConfirmDialog
                    title="Discard this cluster's settings?"
                    message="What you entered in the form is not kept."
                    confirm_label="Discard"
                    cancel_label="Keep editing"
                    destructive=true
                    on_confirm=close
                    on_cancel=keep
                />
            },
        })
    }
}
