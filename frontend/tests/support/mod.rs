//! What every browser test needs: the page's document and a fresh element to mount into.
//! (A directory module, so cargo does not take it for a test target of its own.)
#![allow(
    dead_code,
    reason = "each test binary compiles this module and uses a different part of it"
)]

use leptos::prelude::AnyView;
use wasm_bindgen::JsCast;

/// The test page's document.
pub fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

/// A new empty `<div>` appended to the body.
pub fn host() -> web_sys::HtmlElement {
    let host: web_sys::HtmlElement = document()
        .create_element("div")
        .expect("div")
        .unchecked_into();
    document()
        .body()
        .expect("body")
        .append_child(&host)
        .expect("append");
    host
}

/// Mounts `view` into a fresh host and keeps it mounted for the rest of the test run.
pub fn mount(view: impl FnOnce() -> AnyView + 'static) -> web_sys::HtmlElement {
    let host = host();
    std::mem::forget(leptos::mount::mount_to(host.clone(), view));
    host
}

/// The first element under `host` that `selector` matches (the test fails with the host's
/// HTML when there is none).
pub fn find(host: &web_sys::Element, selector: &str) -> web_sys::Element {
    host.query_selector(selector)
        .expect("query")
        .unwrap_or_else(|| panic!("{selector} in {}", host.inner_html()))
}

/// An element's text.
pub fn text(element: &web_sys::Element) -> String {
    element.text_content().unwrap_or_default()
}
