//! The create modal (docs/PRODUCT.md §3) and everything only it uses: the "Create cluster" button
//! that opens it, the form (subscription, name, region, resource group, the two pools and an
//! optional Kubernetes version, validated as the user types with ARM's own rules), the live
//! pre-flight and its rows, the review of what the create will make and consume, and the live
//! panel of the job it starts.
//!
//! After the submit the modal stays open with the live panel until the job first reports a
//! cluster state (Azure accepted the create); then it closes and the banner takes over. A job
//! that fails before that leaves the modal open with every value and the failure notice, ready
//! to edit and submit again. Closing while the job runs, or after the user filled in the form
//! since it was last sent, asks first (a click on the backdrop included).
//!
//! Whether the modal is open, what it opens with and which task it shows live in
//! [`crate::contexts::create_modal`]; the task itself in [`crate::contexts::job_tracking`].
//!
//! The modal only ever renders in the browser (it opens on a click), so its resources load
//! there and its keyboard handling can use the window.

mod close_question;
pub mod create_cluster_button;
pub mod form;
pub mod form_fields;
mod keyboard;
mod live_panel;
mod live_preflight;
pub mod opening_modal;
pub mod preflight_checks;
mod review_section;

use crate::api::provision::start_provision::StartProvision;
use crate::api::subscriptions::list_subscriptions::list_subscriptions;
use crate::components::error_card::{CARD_TITLE, ErrorCard};
use crate::components::provisioning::partial_cluster_deletion::PartialClusterDeletion;
use crate::contexts::create_modal::{CreateModalState, use_create_modal};
use crate::contexts::job_tracking::{JobTracking, use_job_tracking};
use crate::contexts::last_failure_memory::use_last_failure_memory;
use crate::error::AppError;
use crate::focus::{focus_first, focus_matching, rescue_focus};
use crate::split_parts::ready_now;
use close_question::{CloseQuestion, CloseReason};
use form::CreateForm;
use form_fields::FormFields;
use keyboard::{focus_applied_count, focus_first_failing_check, focus_first_invalid, handle_keys};
use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use live_panel::LivePanel;
use live_preflight::LivePreflight;
use preflight_checks::PreflightChecks;
use review_section::ReviewSection;
use shared::error_card::FailedAttempt;
use shared::preflight_advice::SubmitReadiness;
use shared::progress::{TaskStatus, TaskView};
use shared::provision::{ProvisionRequest, RequestChanges};
use shared::subscription::SubscriptionInfo;

/// Id of the modal's heading (its accessible name).
const TITLE_ID: &str = "provision-modal-title";
/// The form's submit button, where a one-click retry leaves the user.
const SUBMIT_SELECTOR: &str = "button[type=submit]";

/// The create modal as a split point of the browser bundle: its code (the form, the pre-flight,
/// their error card) loads the first time the modal opens, not with the dashboard. The server
/// never renders the modal, so hydration never waits for it.
#[cfg_attr(any(feature = "ssr", feature = "split"), lazy)]
pub async fn create_modal_view(default_subscription: Signal<Option<String>>) -> AnyView {
    view! { <CreateModal default_subscription /> }.into_any()
}

/// Fetches the modal's code (its chunk, in the split build; nothing to fetch otherwise).
pub async fn load_create_modal_code() {
    #[cfg(all(feature = "hydrate", feature = "split"))]
    __preload_create_modal_view().await;
}

/// The modal, built at once if its code is here (after [`load_create_modal_code`]; always in a
/// build without split points), else `None`. Built synchronously, like any component, so it
/// is made once and its effects run as it mounts.
pub fn create_modal_if_loaded(default_subscription: Signal<Option<String>>) -> Option<AnyView> {
    ready_now(create_modal_view(default_subscription))
}

/// The create modal. Render it while the create modal context says it is open.
#[component]
pub fn CreateModal(
    /// The subscription the dashboard shows; the form starts with it.
    #[prop(into)]
    default_subscription: Signal<Option<String>>,
) -> impl IntoView {
    let (Some(modal), Some(jobs)) = (use_create_modal(), use_job_tracking()) else {
        return ().into_any();
    };
    let form = CreateForm::new();
    let start = ServerAction::<StartProvision>::new();
    let sent = StoredValue::new(None::<ProvisionRequest>);
    let submit_error = RwSignal::new(None::<String>);
    let close_reason = RwSignal::new(None::<CloseReason>);
    // The user typed or chose something since the modal opened or the form was last sent.
    let filled = RwSignal::new(false);
    let dialog = NodeRef::<html::Div>::new();
    let first_field = NodeRef::<html::Input>::new();

    let task = Memo::new(move |_| modal.task());
    // Running from the submit until the job ends, including the moment between the server's
    // answer and the modal following the task it names.
    let running = Memo::new(move |_| {
        let followed = task.with(|t| t.as_ref().map(|t| t.task_id.clone()));
        let answered_unfollowed = start.value().with(|value| match value {
            Some(Ok(accepted)) => followed.as_ref() != Some(&accepted.task_id),
            _ => false,
        });
        start.pending().get()
            || answered_unfollowed
            || task.with(|t| t.as_ref().is_some_and(|t| !t.status.is_finished()))
    });
    let failure = Memo::new(move |_| task.with(|t| t.as_ref().and_then(FailedAttempt::of_task)));
    // The card replaces the live panel and its Stop control: focus that went with them moves to
    // the card's title.
    Effect::new(move |had_failure: Option<bool>| {
        let has_failure = failure.with(Option::is_some);
        if had_failure == Some(false) && has_failure {
            request_animation_frame(move || {
                if let Some(dialog) = dialog.get_untracked() {
                    rescue_focus(&dialog, CARD_TITLE);
                }
            });
        }
        has_failure
    });
    // Opened by "Edit & retry" on a failure card: the form starts from that attempt, on the
    // field the failure points at. Opened by a "Retry with …": with the suggestion's changes
    // made too, on the submit button (the user reviews, then creates).
    let retry_focus = modal.take_retry().map(|retry| {
        form.apply_draft(&retry.draft);
        match &retry.changes {
            Some(changes) => {
                form.apply_changes(changes);
                SUBMIT_SELECTOR
            }
            None => form::field::selector(retry.draft.focus_field),
        }
    });

    let subscriptions = Resource::new(|| (), |_| list_subscriptions());
    load_choices(form, subscriptions, default_subscription);
    let preflight = live_preflight::watch(form);
    follow_submit(modal, jobs, form, preflight, start, sent, submit_error);
    // Azure accepted the create (or it already finished well): the banner takes over. Not while
    // the user decides whether to stop it, or waits for the stop: the modal shows how it ends.
    // (Each poll re-runs this, so a "Keep running" answer hands over at the next read.)
    Effect::new(move |_| {
        let Some(task_id) = task.with(|t| {
            t.as_ref()
                .filter(|t| handed_over(t))
                .map(|t| t.task_id.clone())
        }) else {
            return;
        };
        let deciding = dialog
            .get_untracked()
            .and_then(|d| {
                d.query_selector(".stop-control [role=alertdialog]")
                    .ok()
                    .flatten()
            })
            .is_some();
        if !deciding && !jobs.cancel_pending(&task_id) {
            modal.close();
        }
    });
    Effect::new(move |_| {
        if let Some(input) = first_field.get() {
            // Keyboard convenience only; nothing to recover if the browser refuses.
            let focused_retry_field = retry_focus.is_some_and(|selector| {
                dialog
                    .get_untracked()
                    .is_some_and(|dialog| focus_matching(&dialog, selector))
            });
            if !focused_retry_field {
                let _ = input.focus();
            }
        }
    });
    // The failed job leaves the modal, and with the submit's answer forgotten too nothing
    // counts as running: the form is editable again.
    let release_form = move || {
        start.value().set(None);
        modal.forget_task();
    };
    // The card's "Edit & retry": the form is the user's again, on the field the failure points
    // at; "Dismiss" puts them on the first field.
    let edit_and_retry = Callback::new(move |()| {
        let field = failure.with_untracked(|f| f.as_ref().map(|f| f.draft.focus_field));
        release_form();
        request_animation_frame(move || {
            if let Some(dialog) = dialog.get_untracked() {
                let selector = form::field::selector(field.unwrap_or(form::field::CLUSTER_NAME));
                if !focus_matching(&dialog, selector) {
                    focus_first(&dialog);
                }
            }
        });
    });
    // The card's "Retry with …": the form is the user's again, with the suggestion's changes
    // made, on the submit button.
    let retry_with = Callback::new(move |changes: RequestChanges| {
        release_form();
        form.apply_changes(&changes);
        request_animation_frame(move || {
            if let Some(dialog) = dialog.get_untracked()
                && !focus_matching(&dialog, SUBMIT_SELECTOR)
            {
                focus_first(&dialog);
            }
        });
    });
    let memory = use_last_failure_memory();
    let dismiss_failure = Callback::new(move |()| {
        if let (Some(task), Some(memory)) = (task.get_untracked(), memory) {
            memory.dismiss_if_failed(&task);
        }
        release_form();
        request_animation_frame(move || {
            if let Some(dialog) = dialog.get_untracked() {
                focus_first(&dialog);
            }
        });
    });

    let request_close = move || {
        if running.get_untracked() {
            close_reason.set(Some(CloseReason::CreateRunning));
        } else if filled.get_untracked() {
            close_reason.set(Some(CloseReason::FormFilled));
        } else {
            modal.close();
        }
    };
    let keep_open = Callback::new(move |()| {
        request_animation_frame(move || {
            if let Some(dialog) = dialog.get_untracked() {
                focus_first(&dialog);
            }
        });
    });
    handle_keys(dialog, request_close);

    let on_submit = move |event: ev::SubmitEvent| {
        event.prevent_default();
        if running.get_untracked() {
            return;
        }
        // A failing row refuses and points at it. A check still running does not: the server
        // runs the same pre-flight before it creates anything.
        if preflight.readiness() == SubmitReadiness::FixErrors {
            request_animation_frame(move || focus_first_failing_check(dialog));
            return;
        }
        form.mark_submitted();
        submit_error.set(None);
        if !form.is_valid() {
            // After the messages render, put the user on the first field to fix.
            request_animation_frame(move || focus_first_invalid(dialog));
            return;
        }
        // What was sent is kept by the job (and by the failure memory, should it fail).
        filled.set(false);
        // The user's first create is when the dashboard may ask to tell them how it ends; in
        // the submit's own handler, as browsers want the user's gesture for it.
        #[cfg(feature = "hydrate")]
        crate::browser_notifications::ask_once();
        let request = form.request();
        sent.set_value(Some(request.clone()));
        start.dispatch(StartProvision { request });
    };
    // Only a press that starts and ends on the backdrop closes: a text selection that ends
    // outside the dialog does not.
    let pressed_on_backdrop = StoredValue::new(false);

    // The view is built in parts, each type-erased, to keep the nested view type shallow.
    let job_status = view! {
        <Show when=move || running.get() || (task.with(Option::is_some) && failure.with(Option::is_none))>
            <LivePanel
                task=Signal::derive(move || task.get())
                extra_seconds=Signal::derive(move || modal.extra_seconds())
            />
        </Show>
        {move || {
            failure
                .get()
                .map(|attempt| {
                    view! {
                        <ErrorCard
                            attempt
                            on_retry=Some(edit_and_retry)
                            on_retry_with=Some(retry_with)
                            on_dismiss=Some(dismiss_failure)
                        />
                    }
                })
        }}
        <Show when=move || failure.with(Option::is_some)>
            <PartialClusterDeletion task=Signal::derive(move || task.get()) />
        </Show>
        {move || submit_error.get().map(|message| view! { <p class="inline-error" role="alert">{message}</p> })}
    }
    .into_any();
    let actions = view! {
        <div class="dialog-actions">
            <button type="button" class="button secondary" on:click=move |_| request_close()>
                "Close"
            </button>
            <button
                type="submit"
                class="button"
                disabled=move || running.get()
                aria-disabled=move || (preflight.readiness() == SubmitReadiness::FixErrors).to_string()
            >
                {move || submit_label(start.pending().get(), running.get(), preflight.readiness())}
            </button>
        </div>
    }
    .into_any();
    let confirm = view! {
        <CloseQuestion reason=close_reason on_close=Callback::new(move |()| modal.close()) on_keep=keep_open />
    }
    .into_any();

    view! {
        <div
            class="modal-backdrop"
            on:mousedown=move |event| pressed_on_backdrop.set_value(event.target() == event.current_target())
            on:click=move |event| {
                if pressed_on_backdrop.get_value() && event.target() == event.current_target() {
                    request_close();
                }
            }
        >
            <div class="modal" role="dialog" aria-modal="true" aria-labelledby=TITLE_ID node_ref=dialog>
                <h2 id=TITLE_ID class="modal-title">
                    "Create cluster"
                </h2>
                <form
                    class="create-form"
                    novalidate
                    on:submit=on_submit
                    on:input=move |_| filled.set(true)
                    on:change=move |_| filled.set(true)
                >
                    {job_status}
                    <fieldset class="form-fields" disabled=move || running.get()>
                        <FormFields form subscriptions first_field />
                    </fieldset>
                    <Show when=move || !running.get()>
                        <PreflightChecks
                            report=preflight.report
                            checking=preflight.checking
                            failure=preflight.failure
                            worker_count_fix=Signal::derive(move || preflight.worker_count_fix(form))
                            on_apply=Callback::new(move |nodes| {
                                filled.set(true);
                                preflight.apply(form, nodes);
                                request_animation_frame(move || focus_applied_count(dialog));
                            })
                        />
                        <ReviewSection form />
                    </Show>
                    {actions}
                </form>
                {confirm}
            </div>
        </div>
    }
    .into_any()
}

/// Starts the form on the dashboard's subscription (else the first one reachable).
fn load_choices(
    form: CreateForm,
    subscriptions: Resource<Result<Vec<SubscriptionInfo>, AppError>>,
    default_subscription: Signal<Option<String>>,
) {
    Effect::new(move |_| {
        let Some(Ok(list)) = subscriptions.get() else {
            return;
        };
        if !form.subscription_id.with_untracked(String::is_empty) {
            return;
        }
        let wanted = default_subscription.get_untracked();
        let chosen = list
            .iter()
            .find(|s| Some(&s.subscription_id) == wanted.as_ref())
            .or_else(|| list.first());
        if let Some(subscription) = chosen {
            form.subscription_id
                .set(subscription.subscription_id.clone());
        }
    });
}

/// Reacts to the server's answer to a submit: follow the job, or show why it was refused (a
/// field's message under that field, the server's pre-flight rows in place of the live ones,
/// anything else above the form).
fn follow_submit(
    modal: CreateModalState,
    jobs: JobTracking,
    form: CreateForm,
    preflight: LivePreflight,
    start: ServerAction<StartProvision>,
    sent: StoredValue<Option<ProvisionRequest>>,
    submit_error: RwSignal<Option<String>>,
) {
    Effect::new(move |_| match start.value().get() {
        None => {}
        Some(Ok(accepted)) => {
            if let Some(request) = sent.get_value() {
                jobs.follow(&accepted, &request);
            }
            modal.set_task(&accepted.task_id);
        }
        Some(Err(AppError::Validation { field, message })) => {
            form.set_server_error(field, message);
        }
        Some(Err(AppError::PreflightFailed(report))) => preflight.show_server_answer(*report),
        Some(Err(error)) => submit_error.set(Some(error.to_string())),
    });
}

/// True once the banner should show the job instead of the modal.
/// A job that failed or was stopped stays in the modal, even when Azure had started the create.
fn handed_over(task: &TaskView) -> bool {
    task.status == TaskStatus::Success
        || (!task.status.is_finished()
            && task
                .progress
                .as_ref()
                .is_some_and(|p| p.cluster_state.is_some()))
}

/// The submit button's text.
fn submit_label(sending: bool, running: bool, readiness: SubmitReadiness) -> &'static str {
    if sending {
        "Submitting…"
    } else if running {
        "Creating…"
    } else {
        readiness.label()
    }
}
