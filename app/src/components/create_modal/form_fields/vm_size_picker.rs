//! A VM size `<select>` over a region's catalogue, with a search box that narrows it (by name,
//! vCPUs or memory) and the cores and memory the pool adds up to. Every option says in words
//! what limits it: sizes the subscription cannot deploy in the region stay visible but disabled
//! with the reason ("not offered to this subscription in uksouth"), a size restricted in some
//! zones only stays selectable and names those zones, and each size that can be picked says
//! whether it fits the subscription's vCPU quotas with the pool's count beside the other pool
//! (`shared::size_choice`).

use super::field_error::FieldError;
use leptos::prelude::*;
use shared::preflight::QuotaUsage;
use shared::size_choice::{option_label, quota_note, searched};
use shared::vm_size::VmSizeOption;

/// A labelled VM size picker with its search box and its "16 cores, 128 GB RAM · 10 × 16 = 160
/// cores total" line.
#[component]
pub fn VmSizePicker(
    /// Id of the `<select>`; its search box, summary line and message use it as a prefix.
    id: &'static str,
    /// Label text.
    label: &'static str,
    /// The region the catalogue belongs to (for "not offered … in <region>").
    #[prop(into)]
    region: Signal<String>,
    /// The region's catalogue; `None` while it loads.
    #[prop(into)]
    sizes: Signal<Option<Vec<VmSizeOption>>>,
    /// The chosen size's name.
    selected: RwSignal<String>,
    /// The pool's node count, for the summary line and the quota notes.
    #[prop(into)]
    count: Signal<i32>,
    /// The subscription's vCPU usages in the region (empty: unknown, no quota notes).
    #[prop(into, optional)]
    usages: Signal<Vec<QuotaUsage>>,
    /// The other pool's chosen size and count, which shares the quotas.
    #[prop(into, optional)]
    other_pool: Signal<Option<(VmSizeOption, i32)>>,
    /// The field's message, when it has one to show.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Called when the user picks a size.
    #[prop(optional)]
    on_pick: Option<Callback<()>>,
) -> impl IntoView {
    let search_id = format!("{id}-search");
    let summary_id = format!("{id}-summary");
    let error_id = format!("{id}-error");
    let query = RwSignal::new(String::new());
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
    let listed = move || {
        sizes.with(|sizes| {
            sizes.as_ref().map(|sizes| {
                let shown: Vec<VmSizeOption> = searched(sizes, &query.get(), &selected.get())
                    .into_iter()
                    .cloned()
                    .collect();
                (shown, sizes.len())
            })
        })
    };
    // "Showing 3 of 15 sizes" while a search narrows the list.
    let narrowed = move || {
        if query.with(|q| q.trim().is_empty()) {
            return None;
        }
        listed().map(|(shown, all)| format!("Showing {} of {all} sizes.", shown.len()))
    };
    view! {
        <div class="field size-picker">
            <label for=id>{label}</label>
            <input
                id=search_id.clone()
                class="size-search"
                type="search"
                aria-label="Search sizes"
                aria-controls=id
                placeholder="Search: name, vCPUs or GB"
                autocomplete="off"
                disabled=move || sizes.with(Option::is_none)
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
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
                {move || match listed() {
                    None => view! { <option value="">"Loading VM sizes…"</option> }.into_any(),
                    Some((shown, _)) => {
                        let region = region.get();
                        let count = count.get();
                        let other = other_pool.get();
                        let other = other.as_ref().map(|(size, count)| (size, *count));
                        let usages = usages.get();
                        shown
                            .into_iter()
                            .map(|size| {
                                let quota = quota_note(&size, count, other, &usages);
                                let text = option_label(&size, &region, quota.as_deref());
                                let name = size.name.clone();
                                view! {
                                    <option
                                        value=size.name
                                        disabled=!size.available
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
                {move || [summary(), narrowed()].into_iter().flatten().collect::<Vec<_>>().join(" ")}
            </p>
            <FieldError id=error_id message=error />
        </div>
    }
    .into_any()
}
