//! Why a create failed, in one line, with Azure's raw text folded below it. The error card of a
//! later issue (classification, actions, Edit & retry) replaces this component.

use leptos::prelude::*;
use shared::progress::TaskFailure;

/// "Provisioning aks-demo failed: <message>" and the raw text in a `<details>`, as text.
#[component]
pub fn ProvisionFailureNotice(
    /// The cluster the job was creating.
    #[prop(into)]
    cluster_name: Signal<String>,
    /// What went wrong.
    #[prop(into)]
    failure: Signal<TaskFailure>,
    /// Shows a "Dismiss" button that calls this (`None`: no button).
    #[prop(optional_no_strip)]
    on_dismiss: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <div class="failure-notice" role="alert">
            <p class="failure-headline">
                <strong>{move || format!("Provisioning {} failed.", cluster_name.get())}</strong>
                " "
                {move || failure.with(|f| f.message.clone())}
            </p>
            <Show when=move || failure.with(|f| !f.raw.is_empty())>
                <details class="raw-error">
                    <summary>"Raw error from Azure"</summary>
                    <pre>{move || failure.with(|f| f.raw.clone())}</pre>
                </details>
            </Show>
            {on_dismiss
                .map(|dismiss| {
                    view! {
                        <button type="button" class="button secondary" on:click=move |_| dismiss.run(())>
                            "Dismiss"
                        </button>
                    }
                })}
        </div>
    }
}
