//! The create form's subnet field, over the subnets of the subscription's virtual networks in
//! the chosen region (refetched when either changes). A chosen subnet the new region does not
//! list is dropped: AKS refuses a subnet in another region than the cluster.

use super::subnet_picker::SubnetPicker;
use crate::api::catalogue::list_subnets::list_subnets;
use crate::components::create_modal::form::{CreateForm, field};
use leptos::prelude::*;

/// The subnet for the nodes, or none (AKS creates a virtual network).
#[component]
pub fn SubnetField(
    /// The form.
    form: CreateForm,
) -> impl IntoView {
    let subnets = Resource::new(
        move || (form.subscription_id.get(), form.region.get()),
        |(subscription_id, region)| async move {
            if subscription_id.is_empty() || region.is_empty() {
                Ok(None)
            } else {
                list_subnets(subscription_id, region).await.map(Some)
            }
        },
    );
    Effect::new(move |_| {
        if let Some(Ok(Some(list))) = subnets.get() {
            let listed = form.subnet_id.with_untracked(|chosen| {
                chosen
                    .as_ref()
                    .is_none_or(|id| list.iter().any(|s| s.id.eq_ignore_ascii_case(id)))
            });
            if !listed {
                form.subnet_id.set(None);
            }
        }
    });
    let list = Signal::derive(move || match subnets.get() {
        Some(Ok(Some(list))) => Some(list),
        Some(Err(_)) => Some(Vec::new()),
        _ => None,
    });
    let error = Signal::derive(move || match subnets.get() {
        Some(Err(error)) => Some(format!("Could not list subnets. {error}")),
        _ => form.message(field::SUBNET),
    });
    view! {
        <SubnetPicker
            id="create-subnet"
            subnets=list
            selected=form.subnet_id
            error
            on_pick=Callback::new(move |subnet| {
                form.subnet_id.set(subnet);
                form.touch(field::SUBNET);
            })
        />
    }
}
