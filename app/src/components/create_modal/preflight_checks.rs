//! The pre-flight's rows in the create modal: one line per check with an icon and its status in
//! words (for screen readers), "Apply N nodes" on a quota shortfall that fewer workers fix, and
//! the portal's quota page when the quota row fails. Azure's text is rendered as text.
//!
//! A warning (a policy that denies the region, a zone restricted for a size, a subnet that
//! looks too small) never blocks the submit: the dashboard's estimate can be wrong and Azure
//! decides. A line under the rows says so.

use leptos::prelude::*;
use shared::preflight::{CheckStatus, PreflightCheck, PreflightReport};

/// The rows of the newest pre-flight, dimmed while the next one runs.
#[component]
pub fn PreflightChecks(
    /// The newest answer.
    #[prop(into)]
    report: Signal<Option<PreflightReport>>,
    /// A check is waiting for its pause or for the server.
    #[prop(into)]
    checking: Signal<bool>,
    /// Why the newest check could not run.
    #[prop(into)]
    failure: Signal<Option<String>>,
    /// The worker count "Apply N nodes" offers, when lowering the count fixes the quota row.
    #[prop(into)]
    worker_count_fix: Signal<Option<i64>>,
    /// Called with N when the user applies it.
    on_apply: Callback<i64>,
) -> impl IntoView {
    let rows = move || {
        report.with(|report| {
            report
                .as_ref()
                .map(|r| (r.checks.clone(), r.portal_url.clone()))
        })
    };
    let empty = move || report.with(Option::is_none) && failure.with(Option::is_none);
    let warns_only = move || {
        report.with(|report| {
            report
                .as_ref()
                .is_some_and(|r| r.ok && r.checks.iter().any(|c| c.status == CheckStatus::Warn))
        })
    };
    view! {
        <section
            class="preflight"
            class:preflight-stale=move || checking.get()
            aria-labelledby="preflight-title"
            aria-busy=move || checking.get().to_string()
        >
            <h3 id="preflight-title" class="preflight-title">
                "Pre-flight checks"
                <span class="preflight-state">
                    {move || if checking.get() { "Checking…" } else { "" }}
                </span>
            </h3>
            <Show when=empty>
                <p class="hint">"Checks run once the region, sizes and counts are set."</p>
            </Show>
            {move || {
                failure
                    .get()
                    .map(|message| {
                        view! {
                            <p class="check check-warn">
                                <span class="check-icon" aria-hidden="true">"!"</span>
                                {format!("The checks could not run ({message}). The server checks again on submit.")}
                            </p>
                        }
                    })
            }}
            <ul class="check-list" aria-live="polite">
                {move || {
                    rows()
                        .map(|(checks, portal_url)| {
                            checks
                                .into_iter()
                                .map(|check| {
                                    check_row(check, portal_url.clone(), worker_count_fix, on_apply)
                                })
                                .collect_view()
                        })
                }}
            </ul>
            <Show when=warns_only>
                <p class="hint preflight-warn-note">
                    "Warnings do not block the create: Azure decides when it runs."
                </p>
            </Show>
        </section>
    }
    .into_any()
}

/// One row.
fn check_row(
    check: PreflightCheck,
    portal_url: String,
    worker_count_fix: Signal<Option<i64>>,
    on_apply: Callback<i64>,
) -> AnyView {
    let (icon, status_text, tone) = match check.status {
        CheckStatus::Ok => ("✓", "Passed:", "ok"),
        CheckStatus::Warn => ("!", "Warning:", "warn"),
        CheckStatus::Fail => ("✕", "Fails:", "fail"),
    };
    let quota_fails = check.name == "quota" && check.status == CheckStatus::Fail;
    let label = match check.name.as_str() {
        "vm_size" => "VM sizes",
        "quota" => "vCPU quota",
        "resource_group" => "Resource group",
        "policy" => "Azure Policy",
        "zones" => "Availability zones",
        "subnet" => "Subnet",
        _ => "Check",
    };
    view! {
        // Focusable from script only: a refused submit moves the user to the failing row.
        <li
            class=format!("check check-{tone}")
            data-check=check.name.clone()
            tabindex=(check.status == CheckStatus::Fail).then_some("-1")
        >
            <span class="check-icon" aria-hidden="true">{icon}</span>
            <span class="visually-hidden">{status_text}</span>
            <span class="check-body">
                <strong class="check-label">{label}</strong>
                " "
                <span class="check-message">{check.message}</span>
                <Show when=move || quota_fails>
                    <span class="check-actions">
                        {move || {
                            worker_count_fix
                                .get()
                                .map(|nodes| {
                                    let noun = if nodes == 1 { "node" } else { "nodes" };
                                    view! {
                                        <button type="button" class="button small" on:click=move |_| on_apply.run(nodes)>
                                            {format!("Apply {nodes} {noun}")}
                                        </button>
                                    }
                                })
                        }}
                        <a href=portal_url.clone() target="_blank" rel="noopener noreferrer">
                            "View quotas in the Azure portal ↗"
                        </a>
                    </span>
                </Show>
            </span>
        </li>
    }
    .into_any()
}
