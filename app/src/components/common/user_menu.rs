//! The signed-in person and a sign-out button.

use crate::api::session::current_caller::current_caller;
use leptos::prelude::*;

/// "Signed in as Alice Example · Sign out".
#[component]
pub fn UserMenu() -> impl IntoView {
    let caller = Resource::new_blocking(|| (), |_| current_caller());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                caller
                    .await
                    .ok()
                    .map(|caller| {
                        view! {
                            <form class="user-menu" method="post" action="/auth/sign-out">
                                <span class="muted">"Signed in as "</span>
                                <strong>{caller.display_name}</strong>
                                <button type="submit" class="button secondary">"Sign out"</button>
                            </form>
                        }
                    })
            })}
        </Transition>
    }
}
