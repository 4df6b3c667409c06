//! The Activity button and the list it opens. The button's name counts what runs ("Activity, 2
//! running"), from the job tracking, so it is right in the first HTML and moves live. The list
//! opens below it and closes with ESC (focus back on the button), a press or a Tab out of it,
//! the create modal opening, or Show (focus on the banner it brought back). While a dialog is
//! open, ESC is the dialog's.

use crate::components::activity::activity_list::ActivityList;
use crate::contexts::create_modal::use_create_modal;
use crate::contexts::job_tracking::use_job_tracking;
use crate::focus::question_open;
use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use shared::activity::{button_label, running_count};

/// The button, and the list while it is open.
#[component]
pub fn ActivityMenu() -> impl IntoView {
    let Some(jobs) = use_job_tracking() else {
        return ().into_any();
    };
    let open = RwSignal::new(false);
    let button = NodeRef::<html::Button>::new();
    let menu = NodeRef::<html::Div>::new();
    let modal = use_create_modal();
    let modal_open = move || modal.is_some_and(|modal| modal.is_open());
    Effect::new(move |_| {
        if modal_open() {
            open.set(false);
        }
    });
    let keys = window_event_listener(ev::keydown, move |event| {
        let dialog_open = question_open() || untrack(modal_open);
        if open.get_untracked() && event.key() == "Escape" && !dialog_open {
            event.prevent_default();
            open.set(false);
            if let Some(button) = button.get_untracked() {
                // Keyboard convenience only; nothing to recover if the browser refuses.
                let _ = button.focus();
            }
        }
    });
    let presses = window_event_listener(ev::pointerdown, move |event| {
        if !open.get_untracked() {
            return;
        }
        if !holds(menu, event.target()) {
            open.set(false);
        }
    });
    on_cleanup(move || {
        keys.remove();
        presses.remove();
    });
    let on_shown = Callback::new(move |()| open.set(false));
    // Focus that moves to something outside (a Tab past the last Show) closes the list; focus
    // that goes nowhere (a press on the list's text) leaves it open.
    let close_on_leaving = move |event: web_sys::FocusEvent| {
        let next = event.related_target();
        if next.is_some() && !holds(menu, next) {
            open.set(false);
        }
    };
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                // The running tasks are read before the page renders: the count is in its HTML.
                let _ = jobs.loaded().await;
                let running = move || running_count(&jobs.views());
                view! {
                    <div class="activity" node_ref=menu on:focusout=close_on_leaving>
                        <button
                            type="button"
                            class="button secondary activity-button"
                            aria-expanded=move || open.get().to_string()
                            aria-controls="activity-list"
                            aria-label=move || button_label(running())
                            node_ref=button
                            on:click=move |_| open.update(|open| *open = !*open)
                        >
                            "Activity"
                            <Show when=move || { running() > 0 }>
                                <span class="activity-count" aria-hidden="true">
                                    {running}
                                </span>
                            </Show>
                        </button>
                        <Show when=move || open.get()>
                            <ActivityList on_shown />
                        </Show>
                    </div>
                }
            })}
        </Transition>
    }
    .into_any()
}

/// True when `target` (an event's) is the menu or inside it.
fn holds(menu: NodeRef<html::Div>, target: Option<web_sys::EventTarget>) -> bool {
    let node = target.and_then(|target| target.dyn_into::<web_sys::Node>().ok());
    menu.get_untracked()
        .is_some_and(|menu| menu.contains(node.as_ref()))
}
