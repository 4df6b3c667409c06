//! The browser entry point: installs the panic hook, loads the code of the page's split parts,
//! then hydrates the server-rendered dashboard. The app logs through `leptos::logging` (the
//! console directly), so no `log` backend is installed.

use wasm_bindgen::prelude::wasm_bindgen;

/// Called by the page once the WASM module is loaded: fetches the chunks of the split parts the
/// server's HTML holds (hydration needs their code; see `app::split_parts`), then hydrates.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        app::split_parts::load_parts_on_page().await;
        leptos::mount::hydrate_body(app::App);
    });
}
