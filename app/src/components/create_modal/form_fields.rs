//! Every input of the create form, laid out in a grid, and the field components they are built
//! from: the labelled text input, the VM size and subnet pickers, the zone checkboxes and the
//! message under a field (general), and the subscription, region, pool and subnet fields and
//! the notice of a replaced size (bound to the form's state).

pub mod field_error;
mod pool_fields;
mod region_field;
mod size_swap_notice;
mod subnet_field;
pub mod subnet_picker;
mod subscription_field;
pub mod text_field;
pub mod vm_size_picker;
pub mod zones_field;

use crate::components::create_modal::form::{CreateForm, field};
use crate::error::AppError;
use leptos::html;
use leptos::prelude::*;
use pool_fields::PoolFields;
use region_field::RegionField;
use shared::subscription::SubscriptionInfo;
use subnet_field::SubnetField;
use subscription_field::SubscriptionField;
use text_field::TextField;

/// Every input of the form: cluster, subscription, region, resource group, pools and zones,
/// subnet, version.
#[component]
pub fn FormFields(
    /// The form.
    form: CreateForm,
    /// The subscriptions the identity reaches.
    subscriptions: Resource<Result<Vec<SubscriptionInfo>, AppError>>,
    /// The first field, which takes focus when the modal opens.
    first_field: NodeRef<html::Input>,
) -> impl IntoView {
    view! {
        <div class="form-grid">
            <TextField
                id="create-cluster-name"
                label="Cluster name"
                value=form.cluster_name
                on_input=Callback::new(move |value| {
                    form.cluster_name.set(value);
                    form.touch(field::CLUSTER_NAME);
                })
                error=Signal::derive(move || form.message(field::CLUSTER_NAME))
                hint=Signal::derive(move || {
                    let request = form.request();
                    if request.cluster_name.is_empty() {
                        "Letters, digits, '-' and '_'; up to 63 characters.".to_owned()
                    } else {
                        format!("DNS prefix: {}", request.dns_prefix())
                    }
                })
                node_ref=first_field
            />
            <SubscriptionField form subscriptions />
            <RegionField form />
            <TextField
                id="create-resource-group"
                label="Resource group"
                value=Signal::derive(move || form.resource_group())
                on_input=Callback::new(move |value| {
                    form.set_resource_group(value);
                    form.touch(field::RESOURCE_GROUP);
                })
                error=Signal::derive(move || form.message(field::RESOURCE_GROUP))
                hint="An existing group is reused; a new one is created."
            />
        </div>
        <PoolFields form />
        <div class="form-grid">
            <SubnetField form />
            <TextField
                id="create-kubernetes-version"
                label="Kubernetes version (optional)"
                value=form.kubernetes_version
                on_input=Callback::new(move |value| {
                    form.kubernetes_version.set(value);
                    form.touch(field::KUBERNETES_VERSION);
                })
                error=Signal::derive(move || form.message(field::KUBERNETES_VERSION))
                hint="Empty: AKS's default version."
                placeholder="e.g. 1.33"
            />
        </div>
    }
    .into_any()
}
