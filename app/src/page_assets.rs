//! What each page's `<head>` loads (issue 18): the stylesheet, inline, and the script that
//! loads the browser bundle once the page has painted.
//!
//! - **The stylesheet** is inlined with the response's nonce, so the first paint waits for the
//!   HTML alone, not for one more round trip (the sheet is about 3 KB brotli). Where the server
//!   could not read it, the page links it.
//! - **The bundle** starts loading once the browser reports the first contentful paint (at once
//!   in a hidden tab, which paints nothing): the WASM is fetched while the JS glue loads, not
//!   after it.
//!   Nothing of it is named in the `<head>`: a `<link rel="preload">` or `"modulepreload"` there
//!   fetches at high priority while the page itself still loads. Leptos's own
//!   `HydrationScripts` preloads the 400 KB WASM from the `<head>`, where it competes with the
//!   page's own HTML for the network: on Lighthouse's mobile profile that held the largest
//!   paint back to 3.0 s, against 1.0 s without it. Until the bundle has hydrated the page, its
//!   controls say they are busy ([`crate::App`]); the forms that post work all along.
//!
//! The server reads the built files' names and the sheet once (its `delivery` module).

use leptos::nonce::use_nonce;
use leptos::prelude::*;
use std::sync::Arc;

/// The stylesheet of the pages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageStylesheet {
    /// The sheet's text, to inline (never one containing `</`, which could end its element).
    Inline(Arc<str>),
    /// The sheet's URL, to link when its text could not be read.
    Linked(String),
}

/// The built bundle's URLs and the stylesheet, as the server found them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageAssets {
    /// The stylesheet.
    pub stylesheet: PageStylesheet,
    /// The JS glue's URL (`/pkg/<output>.<hash>.js`).
    pub glue_url: String,
    /// The WASM's URL (`/pkg/<output>.<hash>.wasm`).
    pub wasm_url: String,
}

/// The stylesheet and the bundle's loader, for the document's `<head>`.
#[component]
pub fn HeadAssets(assets: PageAssets) -> impl IntoView {
    let nonce = use_nonce();
    let stylesheet = match assets.stylesheet {
        PageStylesheet::Inline(sheet) => {
            view! { <style nonce=nonce.clone() inner_html=sheet></style> }.into_any()
        }
        PageStylesheet::Linked(href) => view! { <link rel="stylesheet" href=href /> }.into_any(),
    };
    view! {
        {stylesheet}
        <script type="module" nonce=nonce>
            {bundle_loader(&assets.glue_url, &assets.wasm_url)}
        </script>
    }
}

/// The inline module that fetches the WASM and imports the glue once the page's first contentful
/// paint is reported (at once in a hidden tab, which paints nothing, and after a second at the
/// latest), then hydrates; the glue's `default` takes the WASM's response as it comes. The URLs
/// are the server's own file names, written as JSON string literals.
fn bundle_loader(glue_url: &str, wasm_url: &str) -> String {
    let glue = serde_json::to_string(glue_url).unwrap_or_default();
    let wasm = serde_json::to_string(wasm_url).unwrap_or_default();
    format!(
        "let started = false;\n\
         const load = () => {{\n\
         if (started) return;\n\
         started = true;\n\
         const wasm = fetch({wasm});\n\
         import({glue}).then((glue) => glue.default({{ module_or_path: wasm }}).then(() => glue.hydrate()));\n\
         }};\n\
         if (document.visibilityState === \"hidden\" || !(\"PerformanceObserver\" in window)) load();\n\
         else {{\n\
         new PerformanceObserver((paints) => {{\n\
         if (paints.getEntriesByName(\"first-contentful-paint\").length) load();\n\
         }}).observe({{ type: \"paint\", buffered: true }});\n\
         setTimeout(load, 1000);\n\
         }}"
    )
}
