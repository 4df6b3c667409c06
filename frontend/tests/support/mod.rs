//! What every browser test needs: the page's document and a fresh element to mount into.
//! (A directory module, so cargo does not take it for a test target of its own.)
#![allow(
    dead_code,
    reason = "each test binary compiles this module and uses a different part of it"
)]

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
