//! `/sign-in`: choose a demo user (sandbox mode). Plain forms, so it works without JavaScript.

use crate::api::session::sign_in_options::sign_in_options;
use leptos::prelude::*;

/// The sign-in page.
#[component]
pub fn SignInPage() -> impl IntoView {
    let users = Resource::new_blocking(|| (), |_| sign_in_options());
    view! {
        <section class="card sign-in" aria-labelledby="sign-in-heading">
            <h1 id="sign-in-heading">"Sign in"</h1>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match users.await {
                        Ok(users) if users.is_empty() => {
                            view! {
                                <p>
                                    "Sign-in with Microsoft Entra ID is not configured on this server yet."
                                </p>
                            }
                                .into_any()
                        }
                        Ok(users) => {
                            view! {
                                <p class="muted">
                                    "This dashboard runs on the sandbox cloud. Pick a demo user; each sees only their own jobs."
                                </p>
                                <form method="post" action="/auth/dev/sign-in" class="demo-users">
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
