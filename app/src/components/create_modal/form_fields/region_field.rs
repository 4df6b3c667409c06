//! The create form's region field: the regions where AKS is offered to the subscription, the
//! recommended one first in a group of its own and chosen at the start.

use super::field_error::FieldError;
use crate::api::catalogue::list_regions::list_regions;
use crate::components::create_modal::form::{CreateForm, field};
use leptos::prelude::*;
use shared::region::{RegionInfo, starting_region};

/// The region: AKS's locations for the subscription.
#[component]
pub fn RegionField(
    /// The form.
    form: CreateForm,
) -> impl IntoView {
    let regions = Resource::new(
        move || form.subscription_id.get(),
        |subscription_id| async move {
            if subscription_id.is_empty() {
                Ok(None)
            } else {
                list_regions(subscription_id).await.map(Some)
            }
        },
    );
    // A region the new list does not offer (or none yet) becomes its recommended region.
    Effect::new(move |_| {
        if let Some(Ok(Some(list))) = regions.get() {
            let current = form.region.get_untracked();
            if !list.iter().any(|region| region.name == current) {
                form.region.set(
                    starting_region(&list)
                        .map(|r| r.name.clone())
                        .unwrap_or_default(),
                );
            }
        }
    });
    let option = move |region: RegionInfo| {
        let name = region.name.clone();
        view! {
            <option value=region.name prop:selected=move || form.region.with(|r| *r == name)>
                {region.display_name}
            </option>
        }
    };
    let load_error = move || match regions.get() {
        Some(Err(error)) => Some(format!("Could not list regions. {error}")),
        _ => None,
    };
    view! {
        <div class="field">
            <label for="create-region">"Region"</label>
            <select
                id="create-region"
                aria-describedby="create-region-error"
                disabled=move || !matches!(regions.get(), Some(Ok(Some(_))))
                on:change=move |ev| {
                    form.region.set(event_target_value(&ev));
                    form.touch(field::REGION);
                }
            >
                {move || match regions.get() {
                    Some(Ok(Some(list))) => {
                        let (recommended, others): (Vec<_>, Vec<_>) = list
                            .into_iter()
                            .partition(|region| region.recommended);
                        if recommended.is_empty() {
                            others.into_iter().map(option).collect_view().into_any()
                        } else {
                            view! {
                                <optgroup label="Recommended">
                                    {recommended.into_iter().map(option).collect_view()}
                                </optgroup>
                                <optgroup label="Other regions">
                                    {others.into_iter().map(option).collect_view()}
                                </optgroup>
                            }
                                .into_any()
                        }
                    }
                    _ => view! { <option value="">"Loading regions…"</option> }.into_any(),
                }}
            </select>
            <FieldError
                id="create-region-error"
                message=Signal::derive(move || load_error().or_else(|| form.message(field::REGION)))
            />
        </div>
    }
    .into_any()
}
