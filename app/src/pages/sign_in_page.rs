//! `/sign-in`: "Sign in with Microsoft" (to `/auth/sign-in`, the OpenID sign-in) or, in sandbox
//! mode, a demo user's button. Both carry on the page's `return_to`. Plain links and forms, so
//! it works without JavaScript.

use crate::api::session::sign_in_options::sign_in_options;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::return_to::{encode_query_value, same_origin_path};

/// The sign-in page.
#[component]
pub fn SignInPage() -> impl IntoView {
    let users = Resource::new_blocking(|| (), |_| sign_in_options());
    let query = use_query_map();
    // Checked here too, so the page never links on to another site; the server checks again.
    let return_to = move || same_origin_path(query.read().get("return_to").as_deref());
    view! {
        <section class="card sign-in" aria-labelledby="sign-in-heading">
            <h1 id="sign-in-heading">"Sign in"</h1>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match users.await {
                        Ok(users) if users.is_empty() => {
                            let href = format!(
                                "/auth/sign-in?return_to={}",
                                encode_query_value(&return_to()),
                            );
                            view! {
                                <p class="muted">"Sign in with your work or school account."</p>
                                <a class="button" rel="external" href=href>
                                    "Sign in with Microsoft"
                                </a>
                            }
                                .into_any()
                        }
                        Ok(users) => {
                            view! {
                                <p class="muted">
                                    "This dashboard runs on the sandbox cloud. Pick a demo user; each sees only their own jobs."
                                </p>
                                <form method="post" action="/auth/dev/sign-in" class="demo-users">
                                    <input type="hidden" name="return_to" value=return_to() />
                                    {users
                                        .into_iter()
                                        .map(|user| {
                                            view! {
                                                <button type="submit" name="user" value=user.user class="button">
                                                    {format!("Continue as {}", user.display_name)}
                                                </button>
                                            }
                                        })
                                        .collect_view()}
                                </form>
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
