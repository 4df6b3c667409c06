//! The browser entry point: installs the panic hook and console logging, then hydrates the
//! server-rendered dashboard.

use wasm_bindgen::prelude::wasm_bindgen;

/// Called by the generated JS glue once the WASM module is loaded.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Logging is a convenience; the app works without it.
    let _ = console_log::init_with_level(log::Level::Info);
    leptos::mount::hydrate_body(app::App);
}
