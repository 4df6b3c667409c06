//! The error card in the browser: a quota failure with its figures and the aka.ms action, every
//! link opening in a new tab without an opener, a refused write with its copyable role
//! assignment command, Azure's raw text folded away as text, and the Edit & retry and Dismiss
//! buttons calling back.
#![cfg(target_arch = "wasm32")]

use app::components::error_card::ErrorCard as ProvisionErrorCard;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use shared::error_card::FailedAttempt;
use shared::progress::{ProvisionProgress, TaskFailure, TaskStatus, TaskView};
use shared::provision::ProvisionRequest;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

use support::{find, mount, text};

wasm_bindgen_test_configure!(run_in_browser);

const SUBSCRIPTION: &str = "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f";

/// A failed task of `aks-demo` in `region` with Azure's `raw` text.
fn failed(region: &str, code: &str, message: &str, raw: &str) -> FailedAttempt {
    let request = ProvisionRequest {
        subscription_id: SUBSCRIPTION.into(),
        cluster_name: "aks-demo".into(),
        region: region.into(),
        resource_group: "rg-demo".into(),
        ..ProvisionRequest::default()
    };
    let view = TaskView {
        task_id: "task-1".into(),
        job_id: "job-1".into(),
        status: TaskStatus::Failure,
        ready: true,
        progress: Some(ProvisionProgress::queued("job-1", &request)),
        result: None,
        error: Some(TaskFailure {
            classification: None,
            code: code.into(),
            message: message.into(),
            raw: raw.into(),
        }),
        deletion: None,
        owner_must_sign_in: false,
        stopped_by: None,
    };
    FailedAttempt::of_task(&view).expect("a failed task has a card")
}

fn links(host: &web_sys::Element) -> Vec<web_sys::Element> {
    let list = host.query_selector_all("a").expect("query");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<web_sys::Element>().ok())
        .collect()
}

const QUOTA_MESSAGE: &str = "Operation could not be completed as it results in exceeding approved Total Regional Cores quota. Additional details - Deployment Model: Resource Manager, Location: koreacentral, Current Limit: 100, Current Usage: 90, Additional Required: 40, (Minimum) New Limit Required: 130.";

#[wasm_bindgen_test]
fn a_quota_failure_names_the_figures_and_offers_the_quota_page() {
    let raw = format!(
        r#"{{"error":{{"code":"QuotaExceeded","message":"{QUOTA_MESSAGE} <script>alert(1)</script>"}}}}"#
    );
    let attempt = failed("koreacentral", "QuotaExceeded", QUOTA_MESSAGE, &raw);
    let host = mount(move || view! { <ProvisionErrorCard attempt /> }.into_any());
    let card = find(&host, "section.error-card[role=alert]");
    assert_eq!(
        card.get_attribute("data-category").as_deref(),
        Some("quota")
    );
    assert!(text(&find(&card, "h3")).contains("Quota too small"));
    assert_eq!(
        text(&find(&card, ".error-card-lead")),
        "Provisioning aks-demo failed."
    );
    let summary = text(&find(&card, ".error-card-summary"));
    assert!(
        summary.contains("koreacentral") && summary.contains("40"),
        "{summary}"
    );

    let quota_link = find(&card, "a[data-kind=portal]");
    assert_eq!(
        quota_link.get_attribute("href").as_deref(),
        Some(
            format!("https://aka.ms/quotas/view-quotas?subscriptionId={SUBSCRIPTION}&location=koreacentral")
                .as_str()
        )
    );
    let all = links(&card);
    assert!(all.len() >= 3, "portal, blade and docs links");
    for link in &all {
        let href = link.get_attribute("href").unwrap_or_default();
        assert!(href.starts_with("https://"), "{href}");
        assert_eq!(
            link.get_attribute("target").as_deref(),
            Some("_blank"),
            "{href}"
        );
        assert_eq!(
            link.get_attribute("rel").as_deref(),
            Some("noopener noreferrer"),
            "{href}"
        );
    }
    assert!(
        all.iter()
            .any(|a| a.get_attribute("data-kind").as_deref() == Some("docs"))
    );

    let details = find(&card, "details.raw-error");
    assert!(details.get_attribute("open").is_none(), "folded");
    assert!(text(&find(&details, "pre")).contains("<script>alert(1)</script>"));
    assert!(card.query_selector("script").expect("query").is_none());
    assert!(
        card.query_selector(".error-card-buttons")
            .expect("query")
            .is_none(),
        "no callbacks given"
    );
}

#[wasm_bindgen_test]
async fn a_refused_write_offers_the_role_assignment_command_to_copy() {
    let message = format!(
        "The client '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f' with object id '5d3f1e2a-7b9c-4d8e-a1f0-3c2b4a5d6e7f' does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/write' over scope '/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-platform/providers/Microsoft.ContainerService/managedClusters/aks-locked' or the scope is invalid. If access was recently granted, please refresh your credentials."
    );
    let attempt = failed("eastus", "AuthorizationFailed", &message, "");
    let host = mount(move || view! { <ProvisionErrorCard attempt /> }.into_any());
    let card = find(&host, "section.error-card");
    assert_eq!(
        card.get_attribute("data-category").as_deref(),
        Some("rg_permission")
    );
    assert_eq!(
        text(&find(&card, "code.command-line")),
        format!(
            "az role assignment create --assignee 5d3f1e2a-7b9c-4d8e-a1f0-3c2b4a5d6e7f --role Contributor --scope /subscriptions/{SUBSCRIPTION}/resourceGroups/rg-platform"
        )
    );
    assert!(
        card.query_selector("details").expect("query").is_none(),
        "no raw text to fold"
    );

    let button: web_sys::HtmlElement = find(&card, ".copy-command button").unchecked_into();
    button.click();
    // The clipboard answers asynchronously; granted or refused, the card says which.
    let state = find(&card, ".copy-command [role=status]");
    for _ in 0..50 {
        if !text(&state).is_empty() {
            break;
        }
        TimeoutFuture::new(20).await;
    }
    let said = text(&state);
    assert!(
        said == "Copied to the clipboard."
            || said == "The browser refused the clipboard; select the text and copy it.",
        "{said:?}"
    );
}

#[wasm_bindgen_test]
fn edit_and_retry_and_dismiss_call_back() {
    let retried = RwSignal::new(0);
    let dismissed = RwSignal::new(0);
    let attempt = failed(
        "eastus",
        "K8sVersionNotSupported",
        "Version 1.20 is not supported in this region.",
        "",
    );
    let host = mount(move || {
        view! {
            <ProvisionErrorCard
                attempt
                lead="Last attempt failed: aks-demo"
                on_retry=Some(Callback::new(move |()| retried.update(|n| *n += 1)))
                on_dismiss=Some(Callback::new(move |()| dismissed.update(|n| *n += 1)))
            />
        }
        .into_any()
    });
    assert_eq!(
        text(&find(&host, ".error-card-lead")),
        "Last attempt failed: aks-demo"
    );
    let buttons = host
        .query_selector_all(".error-card-buttons button")
        .expect("query");
    assert_eq!(buttons.length(), 2);
    let retry: web_sys::HtmlElement = buttons.item(0).expect("retry").unchecked_into();
    let dismiss: web_sys::HtmlElement = buttons.item(1).expect("dismiss").unchecked_into();
    assert_eq!(retry.text_content().as_deref(), Some("Edit & retry"));
    assert_eq!(dismiss.text_content().as_deref(), Some("Dismiss"));
    retry.click();
    assert_eq!((retried.get_untracked(), dismissed.get_untracked()), (1, 0));
    dismiss.click();
    assert_eq!((retried.get_untracked(), dismissed.get_untracked()), (1, 1));
}
