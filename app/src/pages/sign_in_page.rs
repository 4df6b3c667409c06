//! `/sign-in`: one way in, the OpenID sign-in (`/auth/sign-in`), carrying on the page's
//! `return_to`. In sandbox mode its provider is the sandbox cloud's Entra-shaped one, whose page
//! lists the demo users; otherwise Entra ID. A plain link, so it works without JavaScript.

use crate::api::session::sign_in_options::sign_in_options;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::return_to::{encode_query_value, same_origin_path};

/// The sign-in page.
#[component]
pub fn SignInPage() -> impl IntoView {
    let options = Resource::new_blocking(|| (), |_| sign_in_options());
    let query = use_query_map();
    // Checked here too, so the page never links on to another site; the server checks again.
    let href = move || {
        let return_to = same_origin_path(query.read().get("return_to").as_deref());
        format!("/auth/sign-in?return_to={}", encode_query_value(&return_to))
    };
    view! {
        <section class="card sign-in" aria-labelledby="sign-in-heading">
            <h1 id="sign-in-heading">"Sign in"</h1>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match options.await {
                        Ok(options) if options.sandbox => {
                            view! {
                                <p class="muted">
                                    "This dashboard runs on the sandbox cloud. Its sign-in page lists the demo users; each sees only their own jobs, with the Azure rights the sandbox gives them."
                                </p>
                                <a class="button" rel="external" href=href()>
                                    "Sign in with the sandbox's Entra ID"
                                </a>
                            }
                                .into_any()
                        }
                        Ok(_) => {
                            view! {
                                <p class="muted">"Sign in with your work or school account."</p>
                                <a class="button" rel="external" href=href()>
                                    "Sign in with Microsoft"
                                </a>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <p class="inline-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
