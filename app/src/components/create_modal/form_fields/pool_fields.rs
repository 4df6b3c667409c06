//! The create form's two pools and their availability zones, over the region's VM size
//! catalogue (refetched when the subscription or the region changes). A chosen size the new
//! catalogue cannot deploy is replaced, and the form says so with Undo ([`SizeSwapNoticeView`]).
//! When Azure's catalogue cannot be read the sizes are typed instead of picked and every zone is
//! offered: the user is not stopped, and the create tells the truth.

use super::size_swap_notice::{SizeSwapNotice, SizeSwapNoticeView};
use super::text_field::TextField;
use super::vm_size_picker::VmSizePicker;
use super::zones_field::ZonesField;
use crate::api::catalogue::list_vm_sizes::list_vm_sizes;
use crate::components::create_modal::form::{CreateForm, field};
use leptos::prelude::*;
use shared::provision::MAX_POOL_NODES;
use shared::vm_size::{VmSizeCatalogue, VmSizeOption, region_zones};

/// Azure's zone names, offered when the catalogue cannot say which the region has.
const EVERY_ZONE: [&str; 3] = ["1", "2", "3"];

/// The system and worker pools: VM size and node count each, over the region's catalogue.
#[component]
pub fn PoolFields(
    /// The form.
    form: CreateForm,
) -> impl IntoView {
    let catalogue = Resource::new(
        move || (form.subscription_id.get(), form.region.get()),
        |(subscription_id, region)| async move {
            if subscription_id.is_empty() || region.is_empty() {
                Ok(None)
            } else {
                list_vm_sizes(subscription_id, region).await.map(Some)
            }
        },
    );
    let swap_notice = RwSignal::new(None::<SizeSwapNotice>);
    // The subscription and region of the catalogue applied last: where Undo goes back to.
    let applied_for = StoredValue::new(None::<(String, String)>);
    Effect::new(move |_| {
        if let Some(Ok(Some(catalogue))) = catalogue.get() {
            let now_for = (
                form.subscription_id.get_untracked(),
                form.region.get_untracked(),
            );
            let sizes_before = (
                form.system_vm_size.get_untracked(),
                form.node_sku.get_untracked(),
            );
            let swaps = form.apply_size_defaults(&catalogue.skus, &now_for.1);
            let back_to = applied_for
                .get_value()
                .filter(|previous| *previous != now_for);
            swap_notice.set((!swaps.is_empty()).then_some(SizeSwapNotice {
                swaps,
                back_to,
                sizes_before,
            }));
            applied_for.set_value(Some(now_for));
            form.sizes.set(catalogue.skus.clone());
            if !catalogue.degraded {
                form.keep_offered_zones(&offered_zones(&catalogue));
            }
        }
    });
    let zones = Signal::derive(move || match catalogue.get() {
        Some(Ok(Some(catalogue))) => Some(offered_zones(&catalogue)),
        Some(Err(_)) => Some(EVERY_ZONE.map(String::from).to_vec()),
        _ => None,
    });
    let restricted = Signal::derive(move || {
        let chosen = [form.system_vm_size.get(), form.node_sku.get()];
        match catalogue.get() {
            Some(Ok(Some(catalogue))) => restricted_zones(&catalogue.skus, &chosen),
            _ => Vec::new(),
        }
    });
    let sizes = Signal::derive(move || match catalogue.get() {
        Some(Ok(Some(catalogue))) => Some(catalogue.skus),
        Some(Err(_)) => Some(Vec::new()),
        _ => None,
    });
    let load_error = move || match catalogue.get() {
        Some(Err(error)) => Some(format!("Could not list VM sizes. {error}")),
        _ => None,
    };
    let degraded = move || matches!(catalogue.get(), Some(Ok(Some(c))) if c.degraded);
    let region = Signal::derive(move || form.region.get());
    let usages = Signal::derive(move || match catalogue.get() {
        Some(Ok(Some(catalogue))) => catalogue.usages,
        _ => Vec::new(),
    });
    // The size input of one pool: the picker, or a text field when the catalogue is degraded.
    // `other` is the other pool's size and count, which share the quotas.
    let size_input =
        move |id: &'static str,
              selected: RwSignal<String>,
              size_field: &'static str,
              count: fn(&CreateForm) -> i32,
              (other_size, other_count): (RwSignal<String>, fn(&CreateForm) -> i32)| {
            let error = Signal::derive(move || load_error().or_else(|| form.message(size_field)));
            if degraded() {
                view! {
                    <TextField
                        id
                        label="VM size"
                        value=selected
                        on_input=Callback::new(move |value| {
                            selected.set(value);
                            form.touch(size_field);
                        })
                        error
                        hint="Type a size name, e.g. Standard_D4s_v5."
                    />
                }
                .into_any()
            } else {
                view! {
                    <VmSizePicker
                        id
                        label="VM size"
                        region
                        sizes
                        selected
                        count=Signal::derive(move || count(&form))
                        usages
                        other_pool=Signal::derive(move || {
                            let name = other_size.get();
                            form.sizes
                                .with(|sizes| sizes.iter().find(|size| size.name == name).cloned())
                                .map(|size| (size, other_count(&form)))
                        })
                        error
                        on_pick=Callback::new(move |()| {
                            form.touch(size_field);
                            swap_notice.set(None);
                        })
                    />
                }
                .into_any()
            }
        };
    view! {
        <Show when=degraded>
            <p class="hint">
                "Azure's VM size list could not be read: type the sizes. The create still checks them on Azure."
            </p>
        </Show>
        <SizeSwapNoticeView form notice=swap_notice />
        <div class="pool-grid">
            <fieldset class="pool">
                <legend>"System pool"</legend>
                {move || size_input("create-system-size", form.system_vm_size, field::SYSTEM_VM_SIZE, CreateForm::system_nodes, (form.node_sku, CreateForm::worker_nodes))}
                <TextField
                    id="create-system-count"
                    label="Nodes"
                    input_type="number"
                    min=1
                    max=MAX_POOL_NODES
                    value=form.system_node_count
                    on_input=Callback::new(move |value| {
                        form.system_node_count.set(value);
                        form.touch(field::SYSTEM_NODE_COUNT);
                    })
                    error=Signal::derive(move || form.message(field::SYSTEM_NODE_COUNT))
                />
            </fieldset>
            <fieldset class="pool">
                <legend>"Worker pool"</legend>
                {move || size_input("create-worker-size", form.node_sku, field::WORKER_VM_SIZE, CreateForm::worker_nodes, (form.system_vm_size, CreateForm::system_nodes))}
                <TextField
                    id="create-worker-count"
                    label="Nodes"
                    input_type="number"
                    min=0
                    max=MAX_POOL_NODES
                    value=form.node_count
                    on_input=Callback::new(move |value| {
                        form.node_count.set(value);
                        form.touch(field::WORKER_NODE_COUNT);
                    })
                    error=Signal::derive(move || form.message(field::WORKER_NODE_COUNT))
                />
            </fieldset>
        </div>
        <ZonesField
            offered=zones
            restricted
            selected=form.zones
            error=Signal::derive(move || form.message(field::ZONES))
            on_change=Callback::new(move |zones| {
                form.set_zones(zones);
                form.touch(field::ZONES);
            })
        />
    }
    .into_any()
}

/// The zones the region offers as its catalogue knows them; every zone when it could not be
/// read.
fn offered_zones(catalogue: &VmSizeCatalogue) -> Vec<String> {
    if catalogue.degraded {
        EVERY_ZONE.map(String::from).to_vec()
    } else {
        region_zones(&catalogue.skus)
    }
}

/// The zones where one of the `chosen` sizes is restricted.
fn restricted_zones(sizes: &[VmSizeOption], chosen: &[String]) -> Vec<String> {
    let mut zones: Vec<String> = sizes
        .iter()
        .filter(|size| chosen.contains(&size.name))
        .flat_map(|size| size.restricted_zones.iter().cloned())
        .collect();
    zones.sort_unstable();
    zones.dedup();
    zones
}
