//! Why a create failed, in one line, with Azure's raw text folded below it; or that its owner
//! stopped it, with the portal link when part of the cluster may be left on Azure. The error
//! card of a later issue (classification, actions, Edit & retry) replaces this component.

use leptos::prelude::*;
use shared::progress::{CANCELLED_CODE, TaskFailure};

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
    /// The portal page of the cluster resource, once Azure had accepted the create (a stopped
    /// create may leave part of it).
    #[prop(optional, into)]
    portal_url: MaybeProp<String>,
) -> impl IntoView {
    let dismiss_button = move || {
        on_dismiss.map(|dismiss| {
            view! {
                <button type="button" class="button secondary" on:click=move |_| dismiss.run(())>
                    "Dismiss"
                </button>
            }
        })
    };
    if failure.with_untracked(|f| f.code == CANCELLED_CODE) {
        return view! {
            <div class="failure-notice cancelled-notice" role="status">
                <p class="failure-headline">
                    <strong>{move || format!("Provisioning {} was cancelled.", cluster_name.get())}</strong>
                    " "
                    {move || failure.with(|f| f.message.clone())}
                </p>
                {move || {
                    portal_url
                        .get()
                        .map(|href| {
                            view! {
                                <p class="leftover">
                                    "Part of the cluster may exist on Azure and may need deleting. "
                                    <a class="leftover-link" href=href target="_blank" rel="noopener noreferrer">
                                        "Open cluster in Azure portal ↗"
                                    </a>
                                </p>
                            }
                        })
                }}
                {dismiss_button()}
            </div>
        }
        .into_any();
    }
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
            {dismiss_button()}
        </div>
    }
    .into_any()
}
