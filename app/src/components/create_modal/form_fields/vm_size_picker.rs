//! A VM size `<select>` over a region's catalogue, with the cores and memory the pool adds up
//! to. Sizes the subscription cannot deploy in the region stay visible but disabled, with ARM's
//! reason code as their tooltip. A size restricted in some zones only stays selectable (the
//! dashboard asks for no zones) and names those zones.

use super::field_error::FieldError;
use leptos::prelude::*;
use shared::vm_size::VmSizeOption;

/// A labelled VM size picker and its "16 cores, 128 GB RAM · 10 × 16 = 160 cores total" line.
#[component]
pub fn VmSizePicker(
    /// Id of the `<select>`; its summary line and message use it as a prefix.
    id: &'static str,
    /// Label text.
    label: &'static str,
    /// The region the catalogue belongs to (for "not available in <region>").
    #[prop(into)]
    region: Signal<String>,
    /// The region's catalogue; `None` while it loads.
    #[prop(into)]
    sizes: Signal<Option<Vec<VmSizeOption>>>,
    /// The chosen size's name.
    selected: RwSignal<String>,
    /// The pool's node count, for the summary line.
    #[prop(into)]
    count: Signal<i32>,
    /// The field's message, when it has one to show.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Called when the user picks a size.
    #[prop(optional)]
    on_pick: Option<Callback<()>>,
) -> impl IntoView {
    let summary_id = format!("{id}-summary");
    let error_id = format!("{id}-error");
    let summary = move || {
        let name = selected.get();
        sizes.with(|sizes| {
            sizes
                .iter()
                .flatten()
                .find(|size| size.name == name)
                .map(|size| size.summary_for(count.get()))
        })
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select
                id=id
                disabled=move || sizes.with(Option::is_none)
                aria-describedby=format!("{summary_id} {error_id}")
                aria-invalid=move || error.with(Option::is_some).to_string()
                on:change=move |ev| {
                    selected.set(event_target_value(&ev));
                    if let Some(on_pick) = on_pick {
                        on_pick.run(());
                    }
                }
            >
                {move || match sizes.get() {
                    None => view! { <option value="">"Loading VM sizes…"</option> }.into_any(),
                    Some(sizes) => {
                        sizes
                            .into_iter()
                            .map(|size| {
                                let text = option_text(&size, &region.get());
                                let reason = tooltip(&size);
                                let name = size.name.clone();
                                view! {
                                    <option
                                        value=size.name
                                        disabled=!size.available
                                        title=reason
                                        prop:selected=move || selected.with(|s| *s == name)
                                    >
                                        {text}
                                    </option>
                                }
                            })
                            .collect_view()
                            .into_any()
                    }
                }}
            </select>
            <p class="hint" id=summary_id>
                {summary}
            </p>
            <FieldError id=error_id message=error />
        </div>
    }
    .into_any()
}

/// An option's text: "Standard_D4s_v5 (4 vCPUs, 16 GB)", "… · not in zone 3", or
/// "Standard_D16s_v5 — not available in uksouth".
fn option_text(size: &VmSizeOption, region: &str) -> String {
    if !size.available {
        return format!("{} — not available in {region}", size.name);
    }
    let text = format!(
        "{} ({} vCPUs, {} GB)",
        size.name, size.vcpus, size.memory_gb
    );
    match size.restricted_zones.as_slice() {
        [] => text,
        [zone] => format!("{text} · not in zone {zone}"),
        zones => format!("{text} · not in zones {}", zones.join(", ")),
    }
}

/// ARM's reason code for a blocked size or a zone restriction.
fn tooltip(size: &VmSizeOption) -> Option<String> {
    if !size.available {
        Some(
            size.reason
                .clone()
                .unwrap_or_else(|| "Not available for this subscription".into()),
        )
    } else if size.restricted_zones.is_empty() {
        None
    } else {
        size.reason.clone()
    }
}
