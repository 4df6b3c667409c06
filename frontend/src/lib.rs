//! The browser entry point: installs the panic hook, then hydrates the server-rendered
//! dashboard. The app logs through `leptos::logging` (the console directly), so no `log`
//! backend is installed.

use wasm_bindgen::prelude::wasm_bindgen;

/// Called by the generated JS glue once the WASM module is loaded.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
