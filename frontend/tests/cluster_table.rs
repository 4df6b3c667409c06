//! The clusters table rendered by the browser: text from Azure stays text, and portal links
//! open in a new tab without handing the opener to the portal.
#![cfg(target_arch = "wasm32")]

use app::components::clusters::cluster_table::ClusterTable;
use leptos::prelude::*;
use shared::cluster::{ClusterSummary, NodePoolSummary};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

wasm_bindgen_test_configure!(run_in_browser);

fn mount_table(clusters: Vec<ClusterSummary>) -> web_sys::HtmlElement {
    let host = support::host();
    let handle = leptos::mount::mount_to(
        host.clone(),
        move || view! { <ClusterTable subscription_id=None clusters=clusters /> },
    );
    // Keep the view mounted for the rest of the test run.
    std::mem::forget(handle);
    host
}

fn cluster(name: &str, state: &str) -> ClusterSummary {
    ClusterSummary {
        name: name.into(),
        resource_group: "rg-platform".into(),
        region: "eastus".into(),
        kubernetes_version: Some("1.33.5".into()),
        provisioning_state: state.into(),
        power_state: Some("Running".into()),
        pools: vec![NodePoolSummary {
            name: "system".into(),
            mode: "System".into(),
            vm_size: "Standard_D2s_v5".into(),
            count: 2,
            provisioning_state: state.into(),
        }],
        portal_url: "https://portal.azure.com/#resource/subscriptions/s/resourceGroups/rg-platform/providers/Microsoft.ContainerService/managedClusters/x".into(),
    }
}

#[wasm_bindgen_test]
fn markup_in_azure_text_is_shown_as_text() {
    let host = mount_table(vec![cluster(
        "<img src=x onerror=alert(1)>",
        "<b>Failed</b>",
    )]);
    assert!(
        host.query_selector("img").expect("query").is_none(),
        "no element was created from the text"
    );
    assert!(host.query_selector("td b").expect("query").is_none());
    let text = host.text_content().unwrap_or_default();
    assert!(text.contains("<img src=x onerror=alert(1)>"), "{text}");
    assert!(
        text.contains("system · 2 × Standard_D2s_v5 · System"),
        "{text}"
    );
}

#[wasm_bindgen_test]
fn portal_links_open_in_a_new_tab_without_opener() {
    let host = mount_table(vec![
        cluster("aks-one", "Succeeded"),
        cluster("aks-two", "Creating"),
    ]);
    let links = host.query_selector_all("a").expect("links");
    assert_eq!(links.length(), 2);
    for index in 0..links.length() {
        let link: web_sys::Element = links.item(index).expect("link").unchecked_into();
        assert_eq!(link.get_attribute("target").as_deref(), Some("_blank"));
        assert_eq!(
            link.get_attribute("rel").as_deref(),
            Some("noopener noreferrer")
        );
        assert!(
            link.get_attribute("href")
                .unwrap_or_default()
                .starts_with("https://portal.azure.com/#resource/")
        );
    }
    let state = host
        .query_selector(".state.state-busy")
        .expect("query")
        .expect("state badge");
    assert_eq!(state.text_content().as_deref(), Some("Creating"));
}
