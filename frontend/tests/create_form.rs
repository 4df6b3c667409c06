//! Pieces of the create modal in the browser: the VM size picker (unavailable sizes disabled
//! with their reason, zone-only restrictions, whether each size fits the quota, the cores
//! summary, picking a size), the pre-flight
//! rows ("Apply N nodes", Azure text as text, the busy state), the focus trap, and the question
//! asked before closing while a create runs.
#![cfg(target_arch = "wasm32")]

use app::components::common::confirm_dialog::ConfirmDialog;
use app::components::create_modal::form_fields::vm_size_picker::VmSizePicker;
use app::components::create_modal::preflight_checks::PreflightChecks;
use app::focus::trap_tab;
use leptos::prelude::*;
use serde_json::json;
use shared::preflight::{CheckStatus, PreflightCheck, PreflightReport, QuotaUsage};
use shared::vm_size::VmSizeOption;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

use support::{document, host};

wasm_bindgen_test_configure!(run_in_browser);

fn size(name: &str, vcpus: i32, memory_gb: f64, reason: Option<&str>) -> VmSizeOption {
    VmSizeOption {
        name: name.into(),
        vcpus,
        memory_gb,
        family: "standardDSv5Family".into(),
        available: reason.is_none(),
        reason: reason.map(Into::into),
        restricted_zones: Vec::new(),
        zones: Vec::new(),
    }
}

fn catalogue() -> Vec<VmSizeOption> {
    vec![
        size("Standard_D2s_v5", 2, 8.0, None),
        size("Standard_D4s_v5", 4, 16.0, None),
        size(
            "Standard_D16s_v5",
            16,
            64.0,
            Some("NotAvailableForSubscription"),
        ),
        size("Standard_E16s_v5", 16, 128.0, Some("QuotaId")),
        VmSizeOption {
            reason: Some("NotAvailableForSubscription".into()),
            restricted_zones: vec!["3".into()],
            ..size("Standard_DC2s_v2", 2, 8.0, None)
        },
    ]
}

struct Picker {
    host: web_sys::HtmlElement,
    selected: RwSignal<String>,
    count: RwSignal<i32>,
}

fn mount_picker(sizes: Option<Vec<VmSizeOption>>) -> Picker {
    let host = host();
    let selected = RwSignal::new("Standard_D4s_v5".to_owned());
    let count = RwSignal::new(3);
    let no_message = Signal::stored(None::<String>);
    let handle = leptos::mount::mount_to(host.clone(), move || {
        view! {
            <VmSizePicker
                id="picker"
                label="VM size"
                region="uksouth"
                sizes=sizes
                selected
                count
                error=no_message
            />
        }
    });
    std::mem::forget(handle);
    Picker {
        host,
        selected,
        count,
    }
}

fn option(host: &web_sys::HtmlElement, value: &str) -> web_sys::Element {
    host.query_selector(&format!("option[value='{value}']"))
        .expect("query")
        .unwrap_or_else(|| panic!("option {value} in {}", host.inner_html()))
}

#[wasm_bindgen_test]
fn unavailable_sizes_are_listed_but_disabled_with_their_reason_in_words() {
    let picker = mount_picker(Some(catalogue()));
    let blocked = option(&picker.host, "Standard_E16s_v5");
    assert!(blocked.has_attribute("disabled"));
    // The reason is in the option's own text (a touch screen shows no tooltip), in words.
    assert_eq!(
        blocked.text_content().as_deref(),
        Some(
            "Standard_E16s_v5 · 16 vCPUs, 128 GB · not offered to this subscription's offer type in uksouth"
        )
    );
    let other = option(&picker.host, "Standard_D16s_v5");
    assert!(
        other
            .text_content()
            .unwrap_or_default()
            .ends_with("not offered to this subscription in uksouth")
    );
    assert!(blocked.get_attribute("title").is_none());

    let open = option(&picker.host, "Standard_D4s_v5");
    assert!(!open.has_attribute("disabled"));
    assert_eq!(
        open.text_content().as_deref(),
        Some("Standard_D4s_v5 · 4 vCPUs, 16 GB")
    );
    let label = picker
        .host
        .query_selector("label[for=picker]")
        .expect("query")
        .expect("a label for the select");
    assert_eq!(label.text_content().as_deref(), Some("VM size"));
}

#[wasm_bindgen_test]
async fn each_size_says_whether_it_fits_the_quota_and_follows_the_counts() {
    let host = host();
    let selected = RwSignal::new("Standard_D4s_v5".to_owned());
    let count = RwSignal::new(2);
    let other_count = RwSignal::new(1);
    // 12 vCPUs free in the family, 20 in the region; the other pool takes 2 of them.
    let usages = vec![
        QuotaUsage {
            name: "cores".into(),
            current: 80,
            limit: 100,
        },
        QuotaUsage {
            name: "standardDSv5Family".into(),
            current: 38,
            limit: 50,
        },
    ];
    let other_pool =
        Signal::derive(move || Some((size("Standard_D2s_v5", 2, 8.0, None), other_count.get())));
    let handle = leptos::mount::mount_to(host.clone(), move || {
        view! {
            <VmSizePicker
                id="quota-picker"
                label="VM size"
                region="eastus"
                sizes=Some(catalogue())
                selected
                count
                usages
                other_pool
                error=Signal::stored(None::<String>)
            />
        }
    });
    std::mem::forget(handle);
    let text = |value: &str| option(&host, value).text_content().unwrap_or_default();
    assert_eq!(
        text("Standard_D4s_v5"),
        "Standard_D4s_v5 · 4 vCPUs, 16 GB · fits your quota"
    );
    assert!(
        text("Standard_E16s_v5").ends_with("offer type in eastus"),
        "a size that cannot be picked says only why"
    );
    count.set(3);
    other_count.set(2);
    leptos::task::tick().await;
    assert_eq!(
        text("Standard_D4s_v5"),
        "Standard_D4s_v5 · 4 vCPUs, 16 GB · over quota: needs 16 vCPUs of standardDSv5Family, 12 free"
    );
}

#[wasm_bindgen_test]
fn a_size_restricted_in_some_zones_stays_selectable_and_names_them() {
    let picker = mount_picker(Some(catalogue()));
    let zoned = option(&picker.host, "Standard_DC2s_v2");
    assert!(!zoned.has_attribute("disabled"));
    assert_eq!(
        zoned.text_content().as_deref(),
        Some("Standard_DC2s_v2 · 2 vCPUs, 8 GB · not in zone 3")
    );
}

#[wasm_bindgen_test]
async fn the_search_narrows_the_list_and_keeps_the_chosen_size() {
    let picker = mount_picker(Some(catalogue()));
    let search: web_sys::HtmlInputElement = picker
        .host
        .query_selector("#picker-search")
        .expect("query")
        .expect("a search box")
        .unchecked_into();
    search.set_value("e16");
    let input = web_sys::Event::new("input").expect("event");
    search.dispatch_event(&input).expect("dispatch");
    leptos::task::tick().await;
    let options = picker.host.query_selector_all("option").expect("query");
    let listed: Vec<String> = (0..options.length())
        .filter_map(|index| options.item(index))
        .filter_map(|node| {
            node.unchecked_into::<web_sys::Element>()
                .get_attribute("value")
        })
        .collect();
    assert_eq!(
        listed,
        ["Standard_D4s_v5", "Standard_E16s_v5"],
        "the chosen size stays"
    );
    assert!(
        picker
            .host
            .text_content()
            .unwrap_or_default()
            .contains("Showing 2 of ")
    );
}

#[wasm_bindgen_test]
async fn the_summary_follows_the_size_and_the_count() {
    let picker = mount_picker(Some(catalogue()));
    let select: web_sys::HtmlSelectElement = picker
        .host
        .query_selector("select#picker")
        .expect("query")
        .expect("select")
        .unchecked_into();
    assert_eq!(select.value(), "Standard_D4s_v5");
    let summary = picker
        .host
        .query_selector("#picker-summary")
        .expect("query")
        .expect("summary");
    assert_eq!(
        summary.text_content().as_deref(),
        Some("4 cores, 16 GB RAM · 3 × 4 = 12 cores total")
    );

    picker.count.set(10);
    leptos::task::tick().await;
    assert_eq!(
        summary.text_content().as_deref(),
        Some("4 cores, 16 GB RAM · 10 × 4 = 40 cores total")
    );

    // The user picks another size.
    select.set_value("Standard_D2s_v5");
    let change = web_sys::Event::new("change").expect("event");
    select.dispatch_event(&change).expect("dispatch");
    leptos::task::tick().await;
    assert_eq!(picker.selected.get_untracked(), "Standard_D2s_v5");
    assert_eq!(
        summary.text_content().as_deref(),
        Some("2 cores, 8 GB RAM · 10 × 2 = 20 cores total")
    );
}

#[wasm_bindgen_test]
fn the_picker_waits_for_its_catalogue() {
    let picker = mount_picker(None);
    let select = picker
        .host
        .query_selector("select#picker")
        .expect("query")
        .expect("select");
    assert!(select.has_attribute("disabled"));
    assert_eq!(select.text_content().as_deref(), Some("Loading VM sizes…"));
}

fn tab(shift: bool) -> web_sys::KeyboardEvent {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Tab");
    init.set_shift_key(shift);
    init.set_cancelable(true);
    web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event")
}

fn active_id() -> String {
    document()
        .active_element()
        .map(|element| element.id())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
fn tab_cycles_inside_a_dialog_and_skips_disabled_controls() {
    let container = host();
    container.set_inner_html(
        r#"<input id="first"><button id="off" disabled>off</button>
           <fieldset disabled><input id="in-disabled-fieldset"></fieldset>
           <select id="middle"><option>a</option></select><button id="last">ok</button>"#,
    );
    let focus = |id: &str| {
        let element: web_sys::HtmlElement = document()
            .get_element_by_id(id)
            .expect("element")
            .unchecked_into();
        element.focus().expect("focus");
    };

    focus("last");
    let forward = tab(false);
    trap_tab(&forward, &container);
    assert!(forward.default_prevented());
    assert_eq!(
        active_id(),
        "first",
        "Tab on the last control wraps to the first"
    );

    trap_tab(&tab(false), &container);
    assert_eq!(active_id(), "middle", "disabled controls are skipped");

    focus("first");
    trap_tab(&tab(true), &container);
    assert_eq!(
        active_id(),
        "last",
        "Shift+Tab on the first wraps to the last"
    );

    // Focus outside the dialog comes back in.
    document()
        .body()
        .expect("body")
        .focus()
        .expect("focus body");
    trap_tab(&tab(false), &container);
    assert_eq!(active_id(), "first");
}

#[wasm_bindgen_test]
async fn the_close_question_starts_on_the_safe_choice_and_reports_the_answer() {
    let container = host();
    let answer = RwSignal::new(None::<&'static str>);
    let handle = leptos::mount::mount_to(container.clone(), move || {
        view! {
            <ConfirmDialog
                title="Close while the create runs?"
                message="The create keeps running; you can follow it in the banner."
                confirm_label="Close"
                cancel_label="Keep open"
                on_confirm=Callback::new(move |()| answer.set(Some("close")))
                on_cancel=Callback::new(move |()| answer.set(Some("keep")))
            />
        }
    });
    std::mem::forget(handle);
    // The focus moves in an Effect, after the first render.
    leptos::task::tick().await;

    let dialog = container
        .query_selector("[role=alertdialog]")
        .expect("query")
        .expect("an alertdialog");
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    let described = dialog
        .get_attribute("aria-describedby")
        .and_then(|id| document().get_element_by_id(&id))
        .and_then(|element| element.text_content());
    assert_eq!(
        described.as_deref(),
        Some("The create keeps running; you can follow it in the banner.")
    );
    let focused = document().active_element().and_then(|e| e.text_content());
    assert_eq!(focused.as_deref(), Some("Keep open"));

    let buttons = dialog.query_selector_all("button").expect("buttons");
    let close: web_sys::HtmlElement = buttons.item(0).expect("close").unchecked_into();
    assert_eq!(close.text_content().as_deref(), Some("Close"));
    close.click();
    assert_eq!(answer.get_untracked(), Some("close"));
    let keep: web_sys::HtmlElement = buttons.item(1).expect("keep").unchecked_into();
    keep.click();
    assert_eq!(answer.get_untracked(), Some("keep"));

    // Its own keys: ESC is the safe choice, Tab stays on its two buttons.
    answer.set(None);
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    init.set_cancelable(true);
    let escape =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event");
    keep.dispatch_event(&escape).expect("dispatch");
    assert_eq!(answer.get_untracked(), Some("keep"));
    assert!(escape.default_prevented());
    keep.focus().expect("focus");
    init.set_key("Tab");
    let forward =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event");
    keep.dispatch_event(&forward).expect("dispatch");
    assert_eq!(
        document()
            .active_element()
            .and_then(|e| e.text_content())
            .as_deref(),
        Some("Close"),
        "from the last button Tab wraps to the first"
    );
}

fn check(name: &str, status: CheckStatus, message: &str) -> PreflightCheck {
    PreflightCheck {
        name: name.into(),
        status,
        message: message.into(),
        details: json!({}),
    }
}

/// The seed's case: the quota row fails, 6 workers fit.
fn failing_report() -> PreflightReport {
    PreflightReport::new(
        vec![
            check(
                "vm_size",
                CheckStatus::Ok,
                "Standard_D2s_v5 and Standard_E16s_v5 can deploy in koreacentral.",
            ),
            check(
                "quota",
                CheckStatus::Fail,
                "Quota too small in koreacentral: needs 162 vCPUs of Total Regional vCPUs, 100 free; 6 worker nodes fit.",
            ),
            check(
                "resource_group",
                CheckStatus::Warn,
                "Resource group <b>rg-x</b> could not be read",
            ),
        ],
        "https://aka.ms/quotas/view-quotas".into(),
    )
}

struct Rows {
    host: web_sys::HtmlElement,
    checking: RwSignal<bool>,
    fix: RwSignal<Option<i64>>,
    applied: RwSignal<Option<i64>>,
}

fn mount_rows(report: Option<PreflightReport>) -> Rows {
    let host = host();
    let checking = RwSignal::new(false);
    let fix = RwSignal::new(Some(6));
    let applied = RwSignal::new(None);
    let handle = leptos::mount::mount_to(host.clone(), move || {
        view! {
            <PreflightChecks
                report=Signal::stored(report.clone())
                checking
                failure=Signal::stored(None::<String>)
                worker_count_fix=fix
                on_apply=Callback::new(move |nodes| applied.set(Some(nodes)))
            />
        }
    });
    std::mem::forget(handle);
    Rows {
        host,
        checking,
        fix,
        applied,
    }
}

fn text_of(host: &web_sys::HtmlElement, selector: &str) -> String {
    host.query_selector(selector)
        .expect("query")
        .unwrap_or_else(|| panic!("{selector} in {}", host.inner_html()))
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
fn rows_show_status_in_icon_and_words() {
    let rows = mount_rows(Some(failing_report()));
    let items = rows.host.query_selector_all("li.check").expect("rows");
    assert_eq!(items.length(), 3);
    assert_eq!(text_of(&rows.host, "li.check-ok .check-icon"), "✓");
    assert_eq!(text_of(&rows.host, "li.check-fail .check-icon"), "✕");
    assert_eq!(text_of(&rows.host, "li.check-warn .check-icon"), "!");
    assert!(
        text_of(&rows.host, "li[data-check=quota]")
            .starts_with("✕Fails:vCPU quota Quota too small")
    );
}

#[wasm_bindgen_test]
fn azure_text_in_a_row_is_text_not_markup() {
    let rows = mount_rows(Some(failing_report()));
    assert!(rows.host.query_selector("li b").expect("query").is_none());
    assert!(text_of(&rows.host, "li[data-check=resource_group]").contains("<b>rg-x</b>"));
}

#[wasm_bindgen_test]
async fn apply_offers_the_fit_and_hands_it_over() {
    let rows = mount_rows(Some(failing_report()));
    let button: web_sys::HtmlElement = rows
        .host
        .query_selector("li[data-check=quota] button")
        .expect("query")
        .expect("an Apply button on the quota row")
        .unchecked_into();
    assert_eq!(button.text_content().as_deref(), Some("Apply 6 nodes"));
    button.click();
    assert_eq!(rows.applied.get_untracked(), Some(6));
    let link = rows
        .host
        .query_selector("li[data-check=quota] a")
        .expect("query")
        .expect("the portal's quota page");
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("https://aka.ms/quotas/view-quotas")
    );
    assert_eq!(
        link.get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );

    // No count fits: no button, the link stays.
    rows.fix.set(None);
    leptos::task::tick().await;
    assert!(
        rows.host
            .query_selector("li button")
            .expect("query")
            .is_none()
    );
    assert!(
        rows.host
            .query_selector("li[data-check=quota] a")
            .expect("query")
            .is_some()
    );
}

#[wasm_bindgen_test]
async fn a_running_check_marks_the_rows_busy() {
    let rows = mount_rows(Some(failing_report()));
    let section = rows
        .host
        .query_selector("section.preflight")
        .expect("query")
        .expect("section");
    assert_eq!(section.get_attribute("aria-busy").as_deref(), Some("false"));
    rows.checking.set(true);
    leptos::task::tick().await;
    assert_eq!(section.get_attribute("aria-busy").as_deref(), Some("true"));
    assert!(section.class_list().contains("preflight-stale"));
    assert_eq!(text_of(&rows.host, ".preflight-state"), "Checking…");
}

#[wasm_bindgen_test]
fn before_any_check_the_rows_say_when_checks_run() {
    let rows = mount_rows(None);
    assert!(
        text_of(&rows.host, "section.preflight")
            .contains("Checks run once the region, sizes and counts are set.")
    );
    assert_eq!(
        rows.host.query_selector_all("li").expect("rows").length(),
        0
    );
}
