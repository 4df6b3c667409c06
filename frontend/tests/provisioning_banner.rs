//! The provisioning banner rendered by the browser: the step line, Azure's state, the bar, pool
//! chips coloured by state and the portal link; the clock moving between polls; and the success,
//! failure and cancelled lines, with Azure's text kept as text.
#![cfg(target_arch = "wasm32")]

use app::components::provisioning::provisioning_banner::ProvisioningBanner;
use leptos::prelude::*;
use shared::cluster::ClusterSummary;
use shared::progress::{
    CANCELLED_CODE, CANCELLED_MESSAGE, PoolProgress, ProvisionPhase, ProvisionProgress,
    ProvisionResult, TOTAL_STEPS, TaskFailure, TaskStatus, TaskView,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

use support::{find, mount, text};

wasm_bindgen_test_configure!(run_in_browser);

fn pool(name: &str, state: &str, count: i32, vm_size: &str) -> PoolProgress {
    PoolProgress {
        name: name.into(),
        provisioning_state: state.into(),
        count,
        vm_size: vm_size.into(),
    }
}

fn creating() -> TaskView {
    let phase = ProvisionPhase::CreatingCluster;
    TaskView {
        task_id: "task-1".into(),
        job_id: "job-1".into(),
        status: TaskStatus::Progress,
        ready: false,
        progress: Some(ProvisionProgress {
            job_id: "job-1".into(),
            status: TaskStatus::Progress,
            step: 3,
            total_steps: TOTAL_STEPS,
            phase,
            label: phase.label().into(),
            message: "Waiting for Azure to finish the create.".into(),
            elapsed_seconds: 252,
            arm_elapsed_seconds: Some(100),
            cluster_state: Some("Creating".into()),
            pools: vec![
                pool("system", "Succeeded", 1, "Standard_D2s_v5"),
                pool("workers", "Creating", 3, "Standard_D4s_v5"),
            ],
            portal_url: Some(
                "https://portal.azure.com/#resource/subscriptions/s/resourceGroups/rg-demo/providers/Microsoft.ContainerService/managedClusters/aks-demo".into(),
            ),
            percent_complete: None,
            cluster_name: "aks-demo".into(),
            resource_group: "rg-demo".into(),
            region: "eastus".into(),
            subscription_id: "s".into(),
            zones: Vec::new(),
            subnet_id: None,
            requested: None,
        }),
        result: None,
        error: None,
        deletion: None,
        owner_must_sign_in: false,
        stopped_by: None,
    }
}

#[wasm_bindgen_test]
fn a_running_create_shows_step_state_bar_chips_and_portal_link() {
    let task = creating();
    let expected_percent = (task.progress.as_ref().expect("progress").fraction() * 100.0).round();
    let host = mount(move || view! { <ProvisioningBanner task=task /> }.into_any());

    let banner = find(&host, "section.banner");
    assert_eq!(
        banner.get_attribute("aria-labelledby").as_deref(),
        Some("banner-task-1")
    );
    assert_eq!(text(&find(&host, "#banner-task-1")), "Creating aks-demo");
    assert_eq!(
        text(&find(&host, ".banner-step")),
        "Step 3/5 · Creating AKS cluster · 4m 12s"
    );
    assert_eq!(
        text(&find(&host, ".banner-state")),
        "AKS state: Creating · ARM 1m 40s"
    );

    let bar = find(&host, "[role=progressbar]");
    assert_eq!(
        bar.get_attribute("aria-valuenow"),
        Some(format!("{expected_percent}"))
    );
    let fill: web_sys::HtmlElement = find(&host, ".progress-fill").unchecked_into();
    assert_eq!(
        fill.style().get_property_value("width").expect("width"),
        format!("{expected_percent}%")
    );

    let system = find(&host, "ul.chips li.chip-good");
    assert_eq!(text(&system), "system · Succeeded · 1 × Standard_D2s_v5");
    let workers = find(&host, "ul.chips li.chip-busy");
    assert_eq!(text(&workers), "workers · Creating · 3 × Standard_D4s_v5");

    let portal = find(&host, "a.chip-link");
    assert_eq!(text(&portal), "Open in Azure portal ↗");
    assert_eq!(portal.get_attribute("target").as_deref(), Some("_blank"));
    assert_eq!(
        portal.get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
    assert!(
        portal
            .get_attribute("href")
            .unwrap_or_default()
            .ends_with("/managedClusters/aks-demo")
    );
}

#[wasm_bindgen_test]
async fn the_clock_moves_between_polls_and_the_bar_with_it() {
    let extra = RwSignal::new(0_i64);
    // No pool finished yet, so the bar moves with ARM's elapsed time alone.
    let mut task = creating();
    if let Some(progress) = task.progress.as_mut() {
        for pool in &mut progress.pools {
            pool.provisioning_state = "Creating".into();
        }
    }
    let host =
        mount(move || view! { <ProvisioningBanner task=task extra_seconds=extra /> }.into_any());
    let bar = find(&host, "[role=progressbar]");
    let before: f64 = bar
        .get_attribute("aria-valuenow")
        .unwrap_or_default()
        .parse()
        .expect("a number");

    extra.set(65);
    leptos::task::tick().await;

    assert_eq!(
        text(&find(&host, ".banner-step")),
        "Step 3/5 · Creating AKS cluster · 5m 17s"
    );
    assert_eq!(
        text(&find(&host, ".banner-state")),
        "AKS state: Creating · ARM 2m 45s"
    );
    let after: f64 = bar
        .get_attribute("aria-valuenow")
        .unwrap_or_default()
        .parse()
        .expect("a number");
    assert!(after > before, "{before} → {after}");
}

#[wasm_bindgen_test]
fn a_queued_job_has_no_step_yet_and_no_state_line() {
    let mut task = creating();
    if let Some(progress) = task.progress.as_mut() {
        progress.phase = ProvisionPhase::Queued;
        progress.step = 0;
        progress.label = ProvisionPhase::Queued.label().into();
        progress.elapsed_seconds = 3;
        progress.arm_elapsed_seconds = None;
        progress.cluster_state = None;
        progress.pools.clear();
        progress.portal_url = None;
    }
    let host = mount(move || view! { <ProvisioningBanner task=task /> }.into_any());
    assert_eq!(
        text(&find(&host, ".banner-step")),
        "Waiting for the worker · 3s"
    );
    assert!(
        host.query_selector(".banner-state")
            .expect("query")
            .is_none()
    );
    assert!(host.query_selector("a").expect("query").is_none());
    assert!(host.query_selector("li").expect("query").is_none());
}

#[wasm_bindgen_test]
fn azure_text_in_the_banner_stays_text() {
    let mut task = creating();
    if let Some(progress) = task.progress.as_mut() {
        progress.cluster_state = Some("<img src=x onerror=alert(1)>".into());
        progress.message = "<b>bold</b>".into();
        progress.pools = vec![pool("<i>p</i>", "Creating", 1, "Standard_D2s_v5")];
    }
    let host = mount(move || view! { <ProvisioningBanner task=task /> }.into_any());
    for tag in ["img", "b", "i"] {
        assert!(host.query_selector(tag).expect("query").is_none(), "{tag}");
    }
    assert!(text(&host).contains("AKS state: <img src=x onerror=alert(1)>"));
    assert!(text(&host).contains("<b>bold</b>"));
}

#[wasm_bindgen_test]
fn a_success_becomes_one_dismissable_line() {
    let mut task = creating();
    task.status = TaskStatus::Success;
    task.ready = true;
    task.result = Some(ProvisionResult {
        cluster: ClusterSummary {
            name: "aks-demo".into(),
            resource_group: "rg-demo".into(),
            region: "eastus".into(),
            kubernetes_version: Some("1.33.5".into()),
            provisioning_state: "Succeeded".into(),
            power_state: Some("Running".into()),
            pools: vec![],
            portal_url: "https://portal.azure.com/".into(),
        },
    });
    let dismissed = RwSignal::new(false);
    let host = mount(move || {
        view! { <ProvisioningBanner task=task on_dismiss=move |()| dismissed.set(true) /> }
            .into_any()
    });
    assert_eq!(
        text(&find(&host, "[role=status] p")),
        "Cluster aks-demo is ready."
    );
    assert!(
        host.query_selector("[role=progressbar]")
            .expect("query")
            .is_none()
    );
    let button: web_sys::HtmlElement = find(&host, "button[aria-label=Dismiss]").unchecked_into();
    button.click();
    assert!(dismissed.get_untracked());
}

#[wasm_bindgen_test]
fn a_failure_shows_the_message_and_the_raw_text_folded_as_text() {
    let mut task = creating();
    task.status = TaskStatus::Failure;
    task.ready = true;
    task.error = Some(TaskFailure {
        classification: None,
        code: "ZonalAllocationFailed".into(),
        message: "Allocation failed in eastus.".into(),
        raw: r#"{"error":{"code":"ZonalAllocationFailed","message":"<script>alert(1)</script>"}}"#
            .into(),
    });
    let host = mount(move || view! { <ProvisioningBanner task=task /> }.into_any());
    let notice = find(&host, ".error-card[role=alert]");
    assert_eq!(
        notice.get_attribute("data-category").as_deref(),
        Some("capacity")
    );
    assert_eq!(
        text(&find(&host, ".error-card-lead")),
        "Provisioning aks-demo failed."
    );
    // A zone without room is capacity (issue 16), not the region's fault; the text names no
    // pool, so the job's sizes stand in.
    assert_eq!(
        text(&find(&host, ".error-card-summary")),
        "No capacity for Standard_D2s_v5, Standard_D4s_v5 in eastus right now."
    );
    let details = find(&host, "details.raw-error");
    assert!(details.get_attribute("open").is_none(), "folded");
    let raw = find(&host, "details.raw-error pre");
    assert!(text(&raw).contains("<script>alert(1)</script>"));
    assert!(notice.query_selector("script").expect("query").is_none());
    // No callbacks and no provisioning context: no Edit & retry, no Dismiss.
    assert!(
        notice
            .query_selector(".error-card-buttons")
            .expect("query")
            .is_none()
    );
}

#[wasm_bindgen_test]
fn a_stopped_create_says_so_and_links_what_azure_may_have_left() {
    let mut task = creating();
    task.status = TaskStatus::Revoked;
    task.ready = true;
    task.error = Some(TaskFailure {
        classification: None,
        code: CANCELLED_CODE.into(),
        message: CANCELLED_MESSAGE.into(),
        raw: String::new(),
    });
    let portal = task
        .progress
        .as_ref()
        .and_then(|p| p.portal_url.clone())
        .expect("the fixture's cluster is visible on Azure");
    let host = mount(move || view! { <ProvisioningBanner task=task /> }.into_any());
    let notice = find(&host, ".error-card.cancelled-notice[role=status]");
    assert_eq!(
        notice.get_attribute("data-category").as_deref(),
        Some("cancelled")
    );
    // One headline, the lead itself, with the stop picture drawn in SVG.
    let title = find(&host, ".error-card-title");
    assert_eq!(text(&title), "Provisioning aks-demo was cancelled.");
    assert!(title.query_selector("svg path").expect("query").is_some());
    assert!(
        host.query_selector(".error-card-lead")
            .expect("query")
            .is_none()
    );
    assert_eq!(text(&find(&host, ".error-card-summary")), CANCELLED_MESSAGE);
    let link = find(&host, "a.leftover-link");
    assert_eq!(text(&link), "Open cluster in Azure portal ↗");
    assert_eq!(link.get_attribute("href").as_deref(), Some(portal.as_str()));
    assert_eq!(
        link.get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
    assert!(
        notice.query_selector("details").expect("query").is_none(),
        "no raw text"
    );
}

#[wasm_bindgen_test]
fn a_create_stopped_before_azure_saw_it_leaves_nothing_to_open() {
    let mut task = creating();
    task.status = TaskStatus::Revoked;
    task.ready = true;
    if let Some(progress) = task.progress.as_mut() {
        progress.portal_url = None;
        progress.cluster_state = None;
    }
    task.error = Some(TaskFailure {
        classification: None,
        code: CANCELLED_CODE.into(),
        message: CANCELLED_MESSAGE.into(),
        raw: String::new(),
    });
    let host = mount(move || view! { <ProvisioningBanner task=task /> }.into_any());
    find(&host, ".cancelled-notice");
    assert!(
        host.query_selector("a.leftover-link")
            .expect("query")
            .is_none()
    );
}

#[wasm_bindgen_test]
fn a_create_an_administrator_stopped_names_them_on_the_owner_s_banner() {
    let by_dana = shared::admin::StoppedBy {
        display_name: "Dana Admin".into(),
        administrator: true,
    };
    let mut task = creating();
    task.status = TaskStatus::Revoked;
    task.ready = true;
    task.error = Some(TaskFailure {
        classification: None,
        code: CANCELLED_CODE.into(),
        message: shared::admin::cancelled_message(Some(&by_dana)),
        raw: String::new(),
    });
    task.stopped_by = Some(by_dana);
    let host = mount(move || view! { <ProvisioningBanner task=task /> }.into_any());
    find(&host, ".error-card.cancelled-notice[role=status]");
    let summary = text(&find(&host, ".error-card-summary"));
    assert!(
        summary.contains("Stopped by an administrator, Dana Admin"),
        "{summary}"
    );
    assert_eq!(
        summary.matches("Stopped by").count(),
        1,
        "said once: {summary}"
    );
}
