//! Chooses the subscription the dashboard shows. A plain GET form, so it works before the
//! WASM bundle has loaded and the choice ends up in the URL. The browser submits it as a page
//! load (the bundle comes from its cache), not through the router's `<Form>`, whose code the
//! first load would otherwise carry.

use crate::api::subscriptions::list_subscriptions::list_subscriptions;
use leptos::prelude::*;

/// A subscription `<select>` with a "Show" button.
#[component]
pub fn SubscriptionPicker(
    /// The subscription in the URL, if any (else the first is shown as selected).
    #[prop(into)]
    selected: Signal<Option<String>>,
) -> impl IntoView {
    let subscriptions = Resource::new_blocking(|| (), |_| list_subscriptions());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match subscriptions.await {
                    Ok(list) if list.len() > 1 => {
                        let current = selected.get();
                        Some(
                            view! {
                                <form method="GET" action="">
                                    <label class="subscription-picker">
                                        "Subscription "
                                        <select name="subscription">
                                            {list
                                                .into_iter()
                                                .map(|s| {
                                                    let is_selected = current.as_deref() == Some(s.subscription_id.as_str());
                                                    view! {
                                                        <option value=s.subscription_id.clone() selected=is_selected>
                                                            {s.display_name}
                                                        </option>
                                                    }
                                                })
                                                .collect_view()}
                                        </select>
                                    </label>
                                    <button type="submit" class="button secondary">"Show"</button>
                                </form>
                            }
                                .into_any(),
                        )
                    }
                    Ok(_) => None,
                    Err(error) => Some(view! { <p class="inline-error" role="alert">{error.to_string()}</p> }.into_any()),
                }
            })}
        </Transition>
    }
}
