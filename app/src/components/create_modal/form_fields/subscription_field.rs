//! The create form's subscription field.

use super::field_error::FieldError;
use crate::components::create_modal::form::{CreateForm, field};
use crate::error::AppError;
use leptos::prelude::*;
use shared::subscription::SubscriptionInfo;

/// The subscription: a select when the identity reaches several, else its name.
#[component]
pub fn SubscriptionField(
    /// The form.
    form: CreateForm,
    /// The subscriptions the identity reaches.
    subscriptions: Resource<Result<Vec<SubscriptionInfo>, AppError>>,
) -> impl IntoView {
    move || match subscriptions.get() {
        None => view! { <p class="field muted">"Loading subscriptions…"</p> }.into_any(),
        Some(Ok(list)) if list.len() > 1 => view! {
            <div class="field">
                <label for="create-subscription">"Subscription"</label>
                <select
                    id="create-subscription"
                    aria-describedby="create-subscription-error"
                    on:change=move |ev| {
                        form.subscription_id.set(event_target_value(&ev));
                        form.touch(field::SUBSCRIPTION);
                    }
                >
                    {list
                        .into_iter()
                        .map(|subscription| {
                            let id = subscription.subscription_id.clone();
                            view! {
                                <option
                                    value=subscription.subscription_id
                                    prop:selected=move || form.subscription_id.with(|s| *s == id)
                                >
                                    {subscription.display_name}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <FieldError
                    id="create-subscription-error"
                    message=Signal::derive(move || form.message(field::SUBSCRIPTION))
                />
            </div>
        }
        .into_any(),
        Some(Ok(list)) => {
            let name = list.into_iter().next().map_or_else(
                || "No subscription is reachable.".to_owned(),
                |s| s.display_name,
            );
            view! {
                <div class="field">
                    <span class="field-label">"Subscription"</span>
                    <p class="field-value">{name}</p>
                </div>
            }
            .into_any()
        }
        Some(Err(error)) => view! {
            <p class="field inline-error" role="alert">
                "Could not list subscriptions. "
                {error.to_string()}
            </p>
        }
        .into_any(),
    }
}
