//! The dashboard's UI (Leptos components and pages) and its API surface (server functions).
//!
//! Compiled twice: with `ssr` into the server, with `hydrate` into the browser bundle.
//! Server-function bodies stay thin and call the [`backend`] port the server provides.

pub mod api;
pub mod backend;
#[cfg(feature = "hydrate")]
pub mod browser_notifications;
pub mod clock;
pub mod components;
pub mod contexts;
pub mod error;
pub mod focus;
#[cfg(feature = "hydrate")]
pub mod last_failure_slot;
pub mod page_assets;
pub mod page_policy;
pub mod pages;
pub mod progress_text;
pub mod split_parts;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, StaticSegment};
use page_assets::{HeadAssets, PageAssets};
use pages::dashboard_page::DashboardPage;
use pages::sign_in_page::SignInPage;
use shared::page_title::PRODUCT_TITLE;

/// The HTML document the server renders around the app, with its Content-Security-Policy;
/// `assets` are the built bundle's, as the server read them once ([`page_assets`]).
pub fn shell(options: LeptosOptions, assets: PageAssets) -> impl IntoView {
    page_policy::set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta
                    name="description"
                    content="Create Azure Kubernetes Service clusters from a form, watch them being built, stop them, and learn in plain words why a create failed."
                />
                // No icon yet; an empty one keeps browsers from requesting /favicon.ico.
                <link rel="icon" href="data:," />
                <AutoReload options />
                <HeadAssets assets />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: metadata and routes.
///
/// Until the browser bundle has loaded and hydrated the page, its buttons have no handlers: the
/// page says so (`aria-busy` on `main`, and `style/base.css` shows those buttons busy) rather
/// than letting a click vanish. The forms that post without JavaScript (Show, Sign out) work
/// all along. The effect that clears it runs only in the browser, once hydrated.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <Title text=PRODUCT_TITLE />
        <Router>
            <main class="app" aria-busy=move || (!hydrated.get()).then_some("true")>
                <Routes fallback=|| view! { <p class="not-found">"Page not found."</p> }>
                    // In-order streaming: each Suspense is awaited where it stands, so the first
                    // HTML is complete without JavaScript. Out-of-order (and PartiallyBlocked, as
                    // measured here) may ship the fallback and swap the content in with a script.
                    <Route path=StaticSegment("") view=DashboardPage ssr=SsrMode::InOrder />
                    <Route path=StaticSegment("sign-in") view=SignInPage ssr=SsrMode::InOrder />
                </Routes>
            </main>
        </Router>
    }
}
