//! One-click "Retry with …" suggestions in the browser: the card's buttons (only when someone
//! handles them; the server's words as text), the create form filled with the failed attempt's
//! request (zones and subnet included) and the suggestion's changes, the banner opening the
//! create modal with both from the classification the server put on the task, and the facts a
//! capacity, policy or network card lists.
#![cfg(target_arch = "wasm32")]

use app::components::create_modal::form::CreateForm;
use app::components::error_card::ErrorCard;
use app::components::provisioning::provisioning_banner::ProvisioningBanner;
use app::contexts::create_modal::{CreateModalState, provide_create_modal};
use app::contexts::job_tracking::provide_job_tracking;
use leptos::prelude::*;
use shared::classify::{Action, ActionKind, Category, NetworkFacts, PolicyFacts};
use shared::error_card::FailedAttempt;
use shared::progress::{PoolProgress, ProvisionProgress, TaskFailure, TaskStatus, TaskView};
use shared::provision::{ProvisionRequest, RequestChanges};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

use support::{find, mount, text};

wasm_bindgen_test_configure!(run_in_browser);

const SUBSCRIPTION: &str = "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f";
const ALLOCATION_FAILED: &str = "Allocation failed. We do not have sufficient capacity for the requested VM size in this region.";

fn pool(name: &str, count: i32, vm_size: &str) -> PoolProgress {
    PoolProgress {
        name: name.into(),
        provisioning_state: "Failed".into(),
        count,
        vm_size: vm_size.into(),
    }
}

/// `aks-cap` failed midway in swedencentral: Azure had no Standard_D4as_v5 for the workers.
fn failed_task() -> TaskView {
    let request = ProvisionRequest {
        subscription_id: SUBSCRIPTION.into(),
        cluster_name: "aks-cap".into(),
        region: "swedencentral".into(),
        resource_group: "rg-aks-cap".into(),
        ..ProvisionRequest::default()
    };
    let mut progress = ProvisionProgress::queued("job-1", &request);
    progress.status = TaskStatus::Failure;
    progress.cluster_state = Some("Failed".into());
    progress.pools = vec![
        pool("system", 1, "Standard_D2s_v5"),
        pool("workers", 2, "Standard_D4as_v5"),
    ];
    TaskView {
        task_id: "task-1".into(),
        job_id: "job-1".into(),
        status: TaskStatus::Failure,
        ready: true,
        progress: Some(progress),
        result: None,
        error: Some(TaskFailure::new("AllocationFailed", ALLOCATION_FAILED, "")),
        deletion: None,
        owner_must_sign_in: false,
        stopped_by: None,
    }
}

fn retry_with(label: &str, changes: RequestChanges) -> Action {
    Action {
        kind: ActionKind::RetryWith,
        label: label.into(),
        href: None,
        command: None,
        retry: Some(changes),
    }
}

fn sibling_size() -> RequestChanges {
    RequestChanges {
        node_sku: Some("Standard_D4s_v5".into()),
        ..RequestChanges::default()
    }
}

fn other_zones() -> RequestChanges {
    RequestChanges {
        zones: Some(vec!["2".into(), "3".into()]),
        ..RequestChanges::default()
    }
}

/// The card the server serves for the task: capacity, with its facts and two suggestions.
fn capacity_attempt() -> FailedAttempt {
    let mut attempt = FailedAttempt::of_task(&failed_task()).expect("a failed task has a card");
    let classification = &mut attempt.classification;
    classification.category = Category::Capacity;
    classification.facts.sizes = vec!["Standard_D4as_v5".into()];
    classification.facts.region = Some("swedencentral".into());
    classification.facts.zones = vec!["1".into()];
    classification.facts.pool = Some("workers".into());
    classification.actions.insert(
        0,
        retry_with("Retry with Standard_D4s_v5 <b>now</b>", sibling_size()),
    );
    classification
        .actions
        .insert(1, retry_with("Retry with zones 2, 3", other_zones()));
    attempt
}

fn buttons(host: &web_sys::Element, selector: &str) -> Vec<web_sys::HtmlElement> {
    let list = host.query_selector_all(selector).expect("query");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|node| node.unchecked_into())
        .collect()
}

#[wasm_bindgen_test]
fn a_suggestion_fills_the_form_with_the_attempt_and_its_changes() {
    let attempt = capacity_attempt();
    let draft = attempt.draft.clone();
    let form = CreateForm::new();
    let host = mount(move || {
        let retry_with = Callback::new(move |changes: RequestChanges| {
            form.apply_draft(&draft);
            form.apply_changes(&changes);
        });
        view! { <ErrorCard attempt on_retry_with=Some(retry_with) /> }.into_any()
    });
    let card = find(&host, "section.error-card");
    let retries = buttons(
        &card,
        "ul.error-card-retries[aria-label='Suggested retries'] button",
    );
    let labels: Vec<String> = retries.iter().map(|b| text(b)).collect();
    assert_eq!(
        labels,
        [
            "Retry with Standard_D4s_v5 <b>now</b>",
            "Retry with zones 2, 3"
        ],
        "Azure's words as text"
    );
    assert!(card.query_selector("b").expect("query").is_none());
    assert!(
        retries
            .iter()
            .all(|b| b.get_attribute("type").as_deref() == Some("button")),
        "never a submit of the form around the card"
    );

    retries[0].click();
    let request = form.request();
    assert_eq!(request.cluster_name, "aks-cap");
    assert_eq!(request.resource_group, "rg-aks-cap");
    assert_eq!(request.region, "swedencentral");
    assert_eq!(request.subscription_id, SUBSCRIPTION);
    assert_eq!(request.node_sku, "Standard_D4s_v5", "the suggestion's size");
    assert_eq!(request.system_vm_size, "Standard_D2s_v5", "kept");
    assert_eq!((request.system_node_count, request.node_count), (1, 2));
    assert!(request.zones.is_empty());

    retries[1].click();
    let request = form.request();
    assert_eq!(
        request.node_sku, "Standard_D4as_v5",
        "the attempt's size again"
    );
    assert_eq!(request.zones, ["2", "3"]);
}

#[wasm_bindgen_test]
fn without_a_handler_suggestions_have_no_buttons_but_the_links_stay() {
    let attempt = capacity_attempt();
    let host = mount(move || view! { <ErrorCard attempt /> }.into_any());
    assert!(
        host.query_selector(".error-card-retries")
            .expect("query")
            .is_none()
    );
    assert!(
        host.query_selector("a[data-kind=docs]")
            .expect("query")
            .is_some()
    );
}

const SUBNET: &str = "/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/aks-nodes";

#[wasm_bindgen_test]
fn the_attempt_s_zones_and_subnet_come_back_with_it() {
    let mut task = failed_task();
    if let Some(progress) = task.progress.as_mut() {
        progress.zones = vec!["1".into()];
        progress.subnet_id = Some(SUBNET.into());
    }
    let attempt = FailedAttempt::of_task(&task).expect("a card");
    let form = CreateForm::new();
    form.apply_draft(&attempt.draft);
    let request = form.request();
    assert_eq!(request.zones, ["1"]);
    assert_eq!(request.subnet_id.as_deref(), Some(SUBNET));

    // "Retry with zones 2, 3" replaces the zones and keeps the subnet.
    form.apply_changes(&other_zones());
    let request = form.request();
    assert_eq!(request.zones, ["2", "3"]);
    assert_eq!(request.subnet_id.as_deref(), Some(SUBNET));
}

#[wasm_bindgen_test]
fn the_banner_s_suggestion_opens_the_create_modal_with_the_attempt_and_the_changes() {
    // The task as the server answers it: its error carries the server's classification, with
    // the capacity suggestions only the server can compute.
    let served = capacity_attempt().classification;
    let mut task = failed_task();
    if let Some(error) = task.error.as_mut() {
        error.classification = Some(Box::new(served));
    }
    let modal_state: Rc<Cell<Option<CreateModalState>>> = Rc::new(Cell::new(None));
    let captured = Rc::clone(&modal_state);
    let host = mount(move || {
        let jobs = provide_job_tracking();
        captured.set(Some(provide_create_modal(jobs)));
        view! { <ProvisioningBanner task /> }.into_any()
    });
    let modal = modal_state.get().expect("the modal state");
    let card = find(&host, ".banner-failed section.error-card");
    assert_eq!(
        card.get_attribute("data-category").as_deref(),
        Some("capacity")
    );
    // On the page, under its h1, the card's title is an h2 (in the modal, an h3).
    assert!(card.query_selector("h3").expect("query").is_none());
    find(&card, "h2.error-card-title");
    assert!(!modal.is_open());

    let suggestion = buttons(&card, ".error-card-retries button")
        .into_iter()
        .find(|b| text(b) == "Retry with zones 2, 3")
        .expect("the zones suggestion");
    suggestion.click();
    assert!(modal.is_open());
    let retry = modal.take_retry().expect("what the modal opens with");
    assert!(modal.take_retry().is_none(), "read once");
    assert_eq!(retry.draft.cluster_name, "aks-cap");
    assert_eq!(retry.changes, Some(other_zones()));
    let form = CreateForm::new();
    form.apply_draft(&retry.draft);
    form.apply_changes(&retry.changes.expect("changes"));
    let request = form.request();
    assert_eq!(request.zones, ["2", "3"]);
    assert_eq!(request.node_sku, "Standard_D4as_v5");
    assert_eq!(request.region, "swedencentral");

    // Edit & retry opens it on the attempt alone.
    buttons(&card, ".error-card-buttons button")
        .into_iter()
        .find(|b| text(b) == "Edit & retry")
        .expect("Edit & retry on the banner")
        .click();
    let retry = modal.take_retry().expect("what the modal opens with");
    assert_eq!(retry.changes, None);
}

fn fact_rows(host: &web_sys::Element) -> Vec<(String, String)> {
    let list = host.query_selector_all(".error-card-fact").expect("query");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|node| {
            let row: web_sys::Element = node.unchecked_into();
            (text(&find(&row, "dt")), text(&find(&row, "dd")))
        })
        .collect()
}

fn pairs(rows: &[(&str, &str)]) -> Vec<(String, String)> {
    rows.iter()
        .map(|(l, v)| ((*l).to_owned(), (*v).to_owned()))
        .collect()
}

#[wasm_bindgen_test]
fn capacity_policy_and_network_cards_list_their_facts_as_text() {
    let capacity = capacity_attempt();
    let host = mount(move || view! { <ErrorCard attempt=capacity /> }.into_any());
    assert_eq!(
        fact_rows(&host),
        pairs(&[
            ("VM size", "Standard_D4as_v5"),
            ("Region", "swedencentral"),
            ("Zones", "1"),
            ("Node pool", "workers"),
        ])
    );

    let mut policy = capacity_attempt();
    policy.classification.category = Category::Policy;
    policy.classification.facts.policy = Some(PolicyFacts {
        assignment_name: Some("Allowed locations for AKS <img src=x>".into()),
        definition_name: Some("Allowed locations".into()),
        scope: Some(format!(
            "/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-governed"
        )),
        allowed_locations: vec!["westeurope".into(), "swedencentral".into()],
        ..PolicyFacts::default()
    });
    let host = mount(move || view! { <ErrorCard attempt=policy /> }.into_any());
    let card = find(&host, "section.error-card");
    assert_eq!(
        card.get_attribute("data-category").as_deref(),
        Some("policy")
    );
    assert!(text(&find(&card, "h3")).contains("Blocked by Azure Policy"));
    assert_eq!(
        fact_rows(&host),
        pairs(&[
            ("Policy assignment", "Allowed locations for AKS <img src=x>"),
            ("Policy definition", "Allowed locations"),
            (
                "Scope",
                &format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-governed")
            ),
            ("Allowed locations", "westeurope, swedencentral"),
        ])
    );
    assert!(card.query_selector("img").expect("query").is_none());

    let mut network = capacity_attempt();
    network.classification.category = Category::Network;
    network.classification.facts.network = Some(NetworkFacts {
        subnet: Some("aks-small".into()),
        cidr: Some("10.240.0.0/27".into()),
        ips_needed: Some(124),
        ips_available: Some(27),
        ..NetworkFacts::default()
    });
    let host = mount(move || view! { <ErrorCard attempt=network /> }.into_any());
    assert_eq!(
        fact_rows(&host),
        pairs(&[
            ("Subnet", "aks-small"),
            ("Address range", "10.240.0.0/27"),
            ("IP addresses needed", "124"),
            ("IP addresses free", "27"),
        ])
    );

    let mut quota = capacity_attempt();
    quota.classification.category = Category::Quota;
    let host = mount(move || view! { <ErrorCard attempt=quota /> }.into_any());
    assert!(
        host.query_selector(".error-card-facts")
            .expect("query")
            .is_none(),
        "other categories' summaries carry their figures"
    );
}
