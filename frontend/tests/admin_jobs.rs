//! The administrator's tables rendered by the browser: every user's running jobs with a Stop
//! named after the cluster and its owner, behind the usual confirmation; a job being stopped
//! shows as stopping; and every user's failures with the error card's headline.
#![cfg(target_arch = "wasm32")]

use app::components::admin::failed_jobs_table::FailedJobsTable;
use app::components::admin::running_jobs_table::RunningJobsTable;
use leptos::prelude::*;
use shared::admin::{AdminJob, JobOwner, StoppedBy};
use shared::classify::Category;
use shared::progress::{ProvisionProgress, TaskFailure, TaskStatus, TaskView};
use shared::provision::ProvisionRequest;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

use support::{find, mount, text};

wasm_bindgen_test_configure!(run_in_browser);

/// A job of `owner`'s creating `cluster`, with `status`.
fn job(owner: &str, cluster: &str, status: TaskStatus) -> AdminJob {
    let request = ProvisionRequest {
        cluster_name: cluster.into(),
        region: "eastus".into(),
        resource_group: "rg-demo".into(),
        ..ProvisionRequest::default()
    };
    let mut progress = ProvisionProgress::queued(&format!("job-{cluster}"), &request);
    progress.status = status;
    progress.elapsed_seconds = 252;
    AdminJob {
        owner: JobOwner {
            tenant_id: "t".into(),
            object_id: format!("oid-{owner}"),
            display_name: owner.into(),
        },
        created_at_ms: 1,
        finished_at_ms: None,
        task: TaskView {
            task_id: format!("task-{cluster}"),
            job_id: format!("job-{cluster}"),
            status,
            ready: status.is_finished(),
            progress: Some(progress),
            result: None,
            error: None,
            deletion: None,
            stopped_by: None,
            owner_must_sign_in: false,
        },
        category: None,
    }
}

#[wasm_bindgen_test]
async fn running_jobs_are_a_captioned_table_with_named_stop_buttons() {
    let mut stopping = job("Bob Example", "aks-bob", TaskStatus::Progress);
    stopping.task.stopped_by = Some(StoppedBy {
        display_name: "Dana Admin".into(),
        administrator: true,
    });
    let jobs = vec![
        job("Alice Example", "aks-alice", TaskStatus::Progress),
        stopping,
    ];
    let host = mount(move || {
        view! { <RunningJobsTable jobs on_stopped=Callback::new(|()| ()) /> }.into_any()
    });
    let table = find(&host, "table");
    assert_eq!(text(&find(&table, "caption")), "Running jobs");
    let alice = find(&table, "tr[data-task-id=task-aks-alice]");
    let cells = text(&alice);
    assert!(
        cells.contains("Alice Example") && cells.contains("aks-alice") && cells.contains("eastus"),
        "{cells}"
    );
    assert!(cells.contains("4m 12s ago"), "started: {cells}");
    let stop = find(&alice, "button");
    assert_eq!(
        stop.get_attribute("aria-label").as_deref(),
        Some("Stop aks-alice of Alice Example")
    );
    let bob = find(&table, "tr[data-task-id=task-aks-bob]");
    assert!(bob.query_selector("button").expect("query").is_none());
    assert_eq!(text(&find(&bob, "[role=status]")), "Stopping…");

    // Stop asks first, naming the cluster and its owner; Keep running leaves it.
    stop.unchecked_ref::<web_sys::HtmlElement>().click();
    leptos::task::tick().await;
    let dialog = find(&host, "[role=alertdialog]");
    assert_eq!(
        text(&find(&dialog, "h3")),
        "Stop creating aks-alice for Alice Example?"
    );
    assert!(text(&find(&dialog, "p")).contains("may already exist on Azure"));
    // The confirming button is styled as destructive; the safe choice is the other one.
    assert_eq!(text(&find(&dialog, "button.danger")), "Stop provisioning");
    let keep = find(&dialog, "button.button:not(.danger)");
    assert_eq!(text(&keep), "Keep running");
    keep.unchecked_ref::<web_sys::HtmlElement>().click();
    leptos::task::tick().await;
    assert!(
        host.query_selector("[role=alertdialog]")
            .expect("query")
            .is_none()
    );
}

#[wasm_bindgen_test]
fn failures_show_their_owner_and_headline() {
    let mut failed = job("Carol Example", "aks-carol", TaskStatus::Failure);
    failed.category = Some(Category::Quota);
    failed.task.error = Some(TaskFailure {
        classification: None,
        code: "QuotaExceeded".into(),
        message: "Not enough cores.".into(),
        raw: String::new(),
    });
    let host = mount(move || view! { <FailedJobsTable jobs=vec![failed] /> }.into_any());
    let table = find(&host, "table");
    assert!(text(&find(&table, "caption")).starts_with("Recent failures"));
    let row = text(&find(&table, "tbody tr"));
    assert!(
        row.contains("Carol Example")
            && row.contains("aks-carol")
            && row.contains("Quota too small"),
        "{row}"
    );

    let empty = mount(|| view! { <FailedJobsTable jobs=vec![] /> }.into_any());
    assert!(empty.query_selector("table").expect("query").is_none());
    assert!(text(&empty).contains("No create failed"));
}
