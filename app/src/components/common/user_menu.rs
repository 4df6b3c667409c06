//! The signed-in person and a sign-out button. Signing out also empties the browser's "Last
//! attempt failed" slot, so the next person on this browser starts without it (the slot's owner
//! rule covers a sign-out without JavaScript).

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
                            <form
                                class="user-menu"
                                method="post"
                                action="/auth/sign-out"
                                on:submit=|_| forget_last_failure()
                            >
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

/// Empties the browser's last-failure slot (the form then submits as usual).
fn forget_last_failure() {
    #[cfg(feature = "hydrate")]
    crate::last_failure_slot::clear();
}
