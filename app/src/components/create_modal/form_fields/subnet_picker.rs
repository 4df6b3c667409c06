//! A subnet `<select>` over the subnets of a region's virtual networks, with the figures that
//! matter for a cluster (address range and free addresses). Its first option lets AKS create a
//! virtual network of its own, which is the default.

use super::field_error::FieldError;
use leptos::prelude::*;
use shared::network::SubnetOption;

/// A labelled subnet picker.
#[component]
pub fn SubnetPicker(
    /// Id of the `<select>`; its hint and message use it as a prefix.
    id: &'static str,
    /// The region's subnets; `None` while they load.
    #[prop(into)]
    subnets: Signal<Option<Vec<SubnetOption>>>,
    /// The chosen subnet's ARM id (`None`: AKS creates a virtual network).
    #[prop(into)]
    selected: Signal<Option<String>>,
    /// The field's message, when it has one to show.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Called with the subnet the user picks.
    on_pick: Callback<Option<String>>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let hint = move || match (subnets.get(), selected.get()) {
        (None, _) => "Looking for subnets in this region…",
        (Some(list), None) if list.is_empty() => {
            "No virtual network of this subscription is in this region."
        }
        (_, None) => "AKS creates a virtual network for the cluster.",
        (_, Some(_)) => "Azure CNI: every node and every pod takes an address from this subnet.",
    };
    view! {
        // The whole row: its options are long ("vnet-spoke / aks-small — 10.240.0.0/27, 27 free").
        <div class="field field-wide">
            <label for=id>"Subnet"</label>
            <select
                id=id
                aria-describedby=format!("{hint_id} {error_id}")
                aria-invalid=move || error.with(Option::is_some).to_string()
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    on_pick.run((!value.is_empty()).then_some(value));
                }
            >
                <option value="" prop:selected=move || selected.with(Option::is_none)>
                    "Let AKS create a virtual network"
                </option>
                {move || {
                    subnets
                        .get()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|subnet| {
                            let text = option_text(&subnet);
                            let chosen = subnet.id.clone();
                            view! {
                                <option
                                    value=subnet.id
                                    prop:selected=move || {
                                        selected.with(|s| s.as_ref().is_some_and(|s| s.eq_ignore_ascii_case(&chosen)))
                                    }
                                >
                                    {text}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
            <p class="hint" id=hint_id>
                {hint}
            </p>
            <FieldError id=error_id message=error />
        </div>
    }
    .into_any()
}

/// An option's text: "vnet-spoke / aks-small — 10.240.0.0/27, 27 free".
fn option_text(subnet: &SubnetOption) -> String {
    format!(
        "{} / {} — {}, {} free",
        subnet.vnet, subnet.name, subnet.address_prefix, subnet.free_ips
    )
}
