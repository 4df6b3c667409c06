//! The create form's availability zones and subnet in the browser: the zone checkboxes the
//! region offers (a restricted zone named, none checked by default, the choice bound to the
//! request), the subnet picker (AKS's own network first, each subnet with its range and free
//! addresses, the choice bound to the request), focus reaching both from a failure's
//! "Edit & retry", and the new pre-flight warnings reading well without blocking the submit.
#![cfg(target_arch = "wasm32")]

use app::components::create_modal::form::{CreateForm, field};
use app::components::create_modal::form_fields::subnet_picker::SubnetPicker;
use app::components::create_modal::form_fields::zones_field::ZonesField;
use app::components::create_modal::preflight_checks::PreflightChecks;
use app::focus::focus_matching;
use leptos::prelude::*;
use serde_json::json;
use shared::network::SubnetOption;
use shared::preflight::{CheckStatus, PreflightCheck, PreflightReport};
use shared::preflight_advice::SubmitReadiness;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

use support::{document, find, host, text};

wasm_bindgen_test_configure!(run_in_browser);

const SUBSCRIPTION: &str = "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f";

fn click(host: &web_sys::Element, selector: &str) {
    let element: web_sys::HtmlElement = find(host, selector).unchecked_into();
    element.click();
}

fn zones(list: &[&str]) -> Vec<String> {
    list.iter().map(|z| (*z).to_owned()).collect()
}

/// The zones group bound to a form, over `offered` with zone 3 restricted for a chosen size.
fn mount_zones(offered: Option<Vec<String>>) -> (web_sys::HtmlElement, CreateForm) {
    let host = host();
    let form = CreateForm::new();
    let offered = RwSignal::new(offered);
    let handle = leptos::mount::mount_to(host.clone(), move || {
        view! {
            <ZonesField
                offered
                restricted=Signal::stored(zones(&["3"]))
                selected=form.zones
                error=Signal::stored(None::<String>)
                on_change=Callback::new(move |chosen| {
                    form.set_zones(chosen);
                    form.touch(field::ZONES);
                })
            />
        }
    });
    std::mem::forget(handle);
    (host, form)
}

#[wasm_bindgen_test]
async fn zones_are_checkboxes_of_the_region_bound_to_the_request() {
    let (host, form) = mount_zones(Some(zones(&["1", "2", "3"])));
    let group = find(&host, "fieldset#create-zones");
    assert_eq!(text(&find(&group, "legend")), "Availability zones");
    for zone in ["1", "2", "3"] {
        let label = find(&group, &format!("label[for=create-zone-{zone}]"));
        assert!(text(&label).starts_with(&format!("Zone {zone}")));
        let input: web_sys::HtmlInputElement =
            find(&group, &format!("#create-zone-{zone}")).unchecked_into();
        assert_eq!(input.type_(), "checkbox");
        assert!(!input.checked(), "none checked by default");
    }
    assert_eq!(
        text(&find(&group, "label[for=create-zone-3]")),
        "Zone 3 · restricted for a chosen size"
    );
    assert!(
        text(&group).contains("None checked: Azure places the nodes without a zone constraint.")
    );
    assert!(form.request().zones.is_empty());

    click(&group, "#create-zone-3");
    click(&group, "#create-zone-1");
    leptos::task::tick().await;
    assert_eq!(form.request().zones, zones(&["1", "3"]), "ascending");
    let three: web_sys::HtmlInputElement = find(&group, "#create-zone-3").unchecked_into();
    assert!(three.checked());

    click(&group, "#create-zone-3");
    leptos::task::tick().await;
    assert_eq!(form.request().zones, zones(&["1"]));
    assert!(!three.checked());
}

#[wasm_bindgen_test]
fn a_region_without_zones_says_so_and_a_loading_one_waits() {
    let (host, _) = mount_zones(Some(Vec::new()));
    assert!(text(&host).contains("This region has no availability zones."));
    assert!(host.query_selector("input").expect("query").is_none());
    let (host, _) = mount_zones(None);
    assert!(text(&host).contains("Loading zones…"));
}

#[wasm_bindgen_test]
fn zones_the_new_region_does_not_offer_are_dropped() {
    let form = CreateForm::new();
    form.set_zones(zones(&["3", "1", "3"]));
    assert_eq!(form.zones.get_untracked(), zones(&["1", "3"]));
    form.keep_offered_zones(&zones(&["1", "2"]));
    assert_eq!(form.zones.get_untracked(), zones(&["1"]));
    form.keep_offered_zones(&[]);
    assert!(form.zones.get_untracked().is_empty());
}

fn subnet(name: &str, prefix: &str, free_ips: i64) -> SubnetOption {
    SubnetOption {
        id: format!(
            "/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/{name}"
        ),
        name: name.into(),
        vnet: "vnet-spoke".into(),
        resource_group: "rg-network".into(),
        address_prefix: prefix.into(),
        free_ips,
    }
}

fn mount_subnets(subnets: Option<Vec<SubnetOption>>, form: CreateForm) -> web_sys::HtmlElement {
    let host = host();
    let handle = leptos::mount::mount_to(host.clone(), move || {
        view! {
            <SubnetPicker
                id="create-subnet"
                subnets=Signal::stored(subnets.clone())
                selected=form.subnet_id
                error=Signal::stored(None::<String>)
                on_pick=Callback::new(move |chosen| {
                    form.subnet_id.set(chosen);
                    form.touch(field::SUBNET);
                })
            />
        }
    });
    std::mem::forget(handle);
    host
}

fn pick(select: &web_sys::HtmlSelectElement, value: &str) {
    select.set_value(value);
    let change = web_sys::Event::new("change").expect("event");
    select.dispatch_event(&change).expect("dispatch");
}

#[wasm_bindgen_test]
async fn the_subnet_picker_starts_on_aks_s_own_network_and_binds_the_choice() {
    let small = subnet("aks-small", "10.240.0.0/27", 27);
    let nodes = subnet("aks-nodes", "10.240.4.0/22", 1019);
    let form = CreateForm::new();
    let host = mount_subnets(Some(vec![small.clone(), nodes]), form);
    assert_eq!(text(&find(&host, "label[for=create-subnet]")), "Subnet");
    let select: web_sys::HtmlSelectElement = find(&host, "select#create-subnet").unchecked_into();
    let options = select.query_selector_all("option").expect("query");
    let texts: Vec<String> = (0..options.length())
        .filter_map(|i| options.item(i))
        .map(|o| o.text_content().unwrap_or_default())
        .collect();
    assert_eq!(
        texts,
        [
            "Let AKS create a virtual network",
            "vnet-spoke / aks-small — 10.240.0.0/27, 27 free",
            "vnet-spoke / aks-nodes — 10.240.4.0/22, 1019 free",
        ]
    );
    assert_eq!(select.value(), "");
    assert_eq!(form.request().subnet_id, None);

    pick(&select, &small.id);
    leptos::task::tick().await;
    assert_eq!(form.request().subnet_id.as_deref(), Some(small.id.as_str()));
    assert!(text(&host).contains("Azure CNI"));

    pick(&select, "");
    leptos::task::tick().await;
    assert_eq!(form.request().subnet_id, None);
}

#[wasm_bindgen_test]
fn a_subnet_from_a_failed_attempt_shows_chosen() {
    let small = subnet("aks-small", "10.240.0.0/27", 27);
    let form = CreateForm::new();
    form.subnet_id.set(Some(small.id.clone()));
    let host = mount_subnets(Some(vec![small.clone()]), form);
    let select: web_sys::HtmlSelectElement = find(&host, "select#create-subnet").unchecked_into();
    assert_eq!(select.value(), small.id);

    let loading = mount_subnets(None, CreateForm::new());
    assert!(text(&loading).contains("Looking for subnets in this region…"));
    assert_eq!(
        loading
            .query_selector_all("option")
            .expect("query")
            .length(),
        1,
        "AKS's own network is a choice while the list loads"
    );
}

#[wasm_bindgen_test]
fn edit_and_retry_can_focus_the_zones_and_the_subnet() {
    let (zones_host, _) = mount_zones(Some(zones(&["1", "2", "3"])));
    assert!(focus_matching(&zones_host, field::selector(field::ZONES)));
    let active = document().active_element().map(|e| e.id());
    assert_eq!(active.as_deref(), Some("create-zone-1"));

    let subnet_host = mount_subnets(Some(Vec::new()), CreateForm::new());
    assert!(focus_matching(&subnet_host, field::selector(field::SUBNET)));
    let active = document().active_element().map(|e| e.id());
    assert_eq!(active.as_deref(), Some("create-subnet"));
}

fn warn(name: &str, message: &str) -> PreflightCheck {
    PreflightCheck {
        name: name.into(),
        status: CheckStatus::Warn,
        message: message.into(),
        details: json!({}),
    }
}

#[wasm_bindgen_test]
fn policy_zone_and_subnet_warnings_read_well_and_do_not_block() {
    let report = PreflightReport::new(
        vec![
            PreflightCheck {
                name: "quota".into(),
                status: CheckStatus::Ok,
                message: "Quota fits.".into(),
                details: json!({}),
            },
            warn(
                "policy",
                "The policy assignment 'Allowed locations for AKS' allows westeurope, swedencentral; eastus will be denied.",
            ),
            warn("zones", "Standard_DC2s_v2 is restricted in zone 3."),
            warn(
                "subnet",
                "Subnet aks-small has 27 free addresses; the cluster needs 124.",
            ),
        ],
        "https://aka.ms/quotas/view-quotas".into(),
    );
    assert_eq!(
        SubmitReadiness::of(false, Some(&report)),
        SubmitReadiness::Ready
    );
    let host = host();
    let shown = report.clone();
    let handle = leptos::mount::mount_to(host.clone(), move || {
        view! {
            <PreflightChecks
                report=Signal::stored(Some(shown.clone()))
                checking=Signal::stored(false)
                failure=Signal::stored(None::<String>)
                worker_count_fix=Signal::stored(None::<i64>)
                on_apply=Callback::new(|_: i64| {})
            />
        }
    });
    std::mem::forget(handle);
    for (name, label) in [
        ("policy", "Azure Policy"),
        ("zones", "Availability zones"),
        ("subnet", "Subnet"),
    ] {
        let row = find(&host, &format!("li.check-warn[data-check={name}]"));
        assert_eq!(text(&find(&row, ".check-label")), label);
        assert!(
            text(&row).starts_with(&format!("!Warning:{label} ")),
            "{}",
            text(&row)
        );
        assert!(
            row.get_attribute("tabindex").is_none(),
            "not a row a refused submit points at"
        );
    }
    assert_eq!(
        text(&find(&host, ".preflight-warn-note")),
        "Warnings do not block the create: Azure decides when it runs."
    );
}
