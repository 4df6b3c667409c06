//! Pieces of the create modal in the browser: the VM size picker (unavailable sizes disabled
//! with their reason, the cores summary, picking a size), the focus trap, and the question
//! asked before closing while a create runs.
#![cfg(target_arch = "wasm32")]

use app::components::confirm_dialog::ConfirmDialog;
use app::components::vm_size_picker::VmSizePicker;
use app::focus::trap_tab;
use leptos::prelude::*;
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
fn unavailable_sizes_are_listed_but_disabled_with_their_reason() {
    let picker = mount_picker(Some(catalogue()));
    let blocked = option(&picker.host, "Standard_E16s_v5");
    assert!(blocked.has_attribute("disabled"));
    assert_eq!(
        blocked.text_content().as_deref(),
        Some("Standard_E16s_v5 — not available in uksouth")
    );
    assert_eq!(blocked.get_attribute("title").as_deref(), Some("QuotaId"));
    let other = option(&picker.host, "Standard_D16s_v5");
    assert_eq!(
        other.get_attribute("title").as_deref(),
        Some("NotAvailableForSubscription")
    );

    let open = option(&picker.host, "Standard_D4s_v5");
    assert!(!open.has_attribute("disabled"));
    assert!(open.get_attribute("title").is_none());
    assert_eq!(
        open.text_content().as_deref(),
        Some("Standard_D4s_v5 (4 vCPUs, 16 GB)")
    );
    let label = picker
        .host
        .query_selector("label[for=picker]")
        .expect("query")
        .expect("a label for the select");
    assert_eq!(label.text_content().as_deref(), Some("VM size"));
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
}
