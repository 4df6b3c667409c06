//! The create form's availability zones: one checkbox per zone the region offers, for both
//! pools. None checked asks for no zone (AKS's default). A zone where a chosen size is
//! restricted stays selectable and says so: the pre-flight warns, and Azure decides.

use super::field_error::FieldError;
use leptos::prelude::*;

/// The "Availability zones" group.
#[component]
pub fn ZonesField(
    /// The zones the region offers (`"1"`, `"2"`, `"3"`); `None` while its catalogue loads.
    #[prop(into)]
    offered: Signal<Option<Vec<String>>>,
    /// Offered zones where a chosen VM size is restricted.
    #[prop(into)]
    restricted: Signal<Vec<String>>,
    /// The chosen zones.
    #[prop(into)]
    selected: Signal<Vec<String>>,
    /// The field's message, when it has one to show.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Called with the chosen zones after every click.
    on_change: Callback<Vec<String>>,
) -> impl IntoView {
    let toggle = move |zone: String, checked: bool| {
        let mut zones = selected.get_untracked();
        zones.retain(|z| *z != zone);
        if checked {
            zones.push(zone);
        }
        on_change.run(zones);
    };
    let choices = move || {
        match offered.get() {
        None => view! { <p class="hint">"Loading zones…"</p> }.into_any(),
        Some(zones) if zones.is_empty() => {
            view! { <p class="hint">"This region has no availability zones."</p> }.into_any()
        }
        Some(zones) => zones
            .into_iter()
            .map(|zone| {
                let id = format!("create-zone-{zone}");
                let label_for = id.clone();
                let text = format!("Zone {zone}");
                let value = zone.clone();
                let checked = zone.clone();
                let note = zone.clone();
                view! {
                    <label class="zone-choice" for=label_for>
                        <input
                            id=id
                            type="checkbox"
                            value=zone
                            prop:checked=move || selected.with(|s| s.contains(&checked))
                            on:change=move |ev| toggle(value.clone(), event_target_checked(&ev))
                        />
                        {text}
                        {move || {
                            restricted
                                .with(|r| r.contains(&note))
                                .then_some(view! { <span class="zone-note">" · restricted for a chosen size"</span> })
                        }}
                    </label>
                }
            })
            .collect_view()
            .into_any(),
    }
    };
    view! {
        <fieldset class="zones" id="create-zones" aria-describedby="create-zones-hint create-zones-error">
            <legend>"Availability zones"</legend>
            <div class="zone-choices">{choices}</div>
            <p class="hint" id="create-zones-hint">
                "Both pools spread over the checked zones. None checked: Azure places the nodes without a zone constraint."
            </p>
            <FieldError id="create-zones-error" message=error />
        </fieldset>
    }
    .into_any()
}
