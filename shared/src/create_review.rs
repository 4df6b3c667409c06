//! The create form's review (issue 19, point 2): before the submit, what the create will make
//! and what it will consume, in one short list the user reads above the button. It is a
//! section of the form rather than a second step: the live pre-flight already checks the same
//! request as it is typed, so a separate page would only add a click.

use crate::provision::ProvisionRequest;
use crate::vm_size::{VmSizeOption, format_memory};

/// One line of the review: a label and what the create does about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewLine {
    /// "Cluster", "System pool", …
    pub label: &'static str,
    /// What will be made or used.
    pub value: String,
}

/// The review of `request`, with the sizes' figures from the region's catalogue `sizes` (a
/// size it does not list is named without figures, and its vCPUs are not counted).
pub fn create_review(request: &ProvisionRequest, sizes: &[VmSizeOption]) -> Vec<ReviewLine> {
    let find = |name: &str| sizes.iter().find(|size| size.name == name);
    let pool = |size_name: &str, count: i32| {
        if count <= 0 {
            return "none".to_owned();
        }
        match find(size_name) {
            Some(size) => format!(
                "{count} × {size_name} ({} vCPUs, {} GB each)",
                size.vcpus,
                format_memory(size.memory_gb)
            ),
            None => format!("{count} × {size_name}"),
        }
    };
    let vcpus = |size_name: &str, count: i32| {
        find(size_name).map(|size| i64::from(size.vcpus) * i64::from(count.max(0)))
    };
    let system_vcpus = vcpus(&request.system_vm_size, request.system_node_count);
    let worker_vcpus = vcpus(&request.node_sku, request.node_count);
    let mut lines = vec![
        line(
            "Cluster",
            format!(
                "{} in {}",
                or_dash(&request.cluster_name),
                or_dash(&request.region)
            ),
        ),
        line("Resource group", or_dash(&request.resource_group)),
        line(
            "System pool",
            pool(&request.system_vm_size, request.system_node_count),
        ),
        line("Worker pool", pool(&request.node_sku, request.node_count)),
    ];
    if let (Some(system), Some(workers)) = (system_vcpus, worker_vcpus) {
        lines.push(line(
            "Quota used",
            format!(
                "{} vCPUs in {} ({system} system + {workers} workers)",
                system + workers,
                or_dash(&request.region)
            ),
        ));
    }
    let version = request
        .kubernetes_version
        .as_deref()
        .map(str::trim)
        .filter(|version| !version.is_empty())
        .map_or_else(|| "AKS's default".to_owned(), str::to_owned);
    lines.push(line("Kubernetes", version));
    lines.push(line(
        "Zones",
        if request.zones.is_empty() {
            "none asked for (Azure places the nodes)".to_owned()
        } else {
            request.zones.join(", ")
        },
    ));
    lines.push(line(
        "Network",
        match request.subnet_id.as_deref() {
            Some(subnet) => format!("subnet {}", subnet.rsplit('/').next().unwrap_or(subnet)),
            None => "a virtual network AKS creates".to_owned(),
        },
    ));
    lines
}

fn line(label: &'static str, value: String) -> ReviewLine {
    ReviewLine { label, value }
}

fn or_dash(text: &str) -> String {
    if text.trim().is_empty() {
        "—".to_owned()
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::vm_size as size;

    fn request() -> ProvisionRequest {
        ProvisionRequest {
            subscription_id: "s".into(),
            resource_group: "rg-prod".into(),
            region: "eastus".into(),
            cluster_name: "aks-prod".into(),
            node_sku: "Standard_D4as_v5".into(),
            node_count: 3,
            system_vm_size: "Standard_D2s_v5".into(),
            system_node_count: 1,
            kubernetes_version: None,
            zones: Vec::new(),
            subnet_id: None,
        }
    }

    fn value(lines: &[ReviewLine], label: &str) -> Option<String> {
        lines
            .iter()
            .find(|line| line.label == label)
            .map(|line| line.value.clone())
    }

    #[test]
    fn the_review_lists_what_is_made_and_the_vcpus_it_takes() {
        let sizes = [
            size("Standard_D2s_v5", 2, 8.0),
            size("Standard_D4as_v5", 4, 16.0),
        ];
        let lines = create_review(&request(), &sizes);
        assert_eq!(
            value(&lines, "Cluster").as_deref(),
            Some("aks-prod in eastus")
        );
        assert_eq!(
            value(&lines, "System pool").as_deref(),
            Some("1 × Standard_D2s_v5 (2 vCPUs, 8 GB each)")
        );
        assert_eq!(
            value(&lines, "Worker pool").as_deref(),
            Some("3 × Standard_D4as_v5 (4 vCPUs, 16 GB each)")
        );
        assert_eq!(
            value(&lines, "Quota used").as_deref(),
            Some("14 vCPUs in eastus (2 system + 12 workers)")
        );
        assert_eq!(
            value(&lines, "Kubernetes").as_deref(),
            Some("AKS's default")
        );
        assert_eq!(
            value(&lines, "Network").as_deref(),
            Some("a virtual network AKS creates")
        );
    }

    #[test]
    fn unknown_sizes_and_empty_fields_say_so_without_guessing() {
        let mut request = request();
        request.cluster_name = String::new();
        request.node_count = 0;
        request.kubernetes_version = Some(" 1.33 ".into());
        request.zones = vec!["1".into(), "2".into()];
        request.subnet_id = Some("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/aks-nodes".into());
        let lines = create_review(&request, &[]);
        assert_eq!(value(&lines, "Cluster").as_deref(), Some("— in eastus"));
        assert_eq!(
            value(&lines, "System pool").as_deref(),
            Some("1 × Standard_D2s_v5")
        );
        assert_eq!(value(&lines, "Worker pool").as_deref(), Some("none"));
        assert_eq!(value(&lines, "Quota used"), None);
        assert_eq!(value(&lines, "Kubernetes").as_deref(), Some("1.33"));
        assert_eq!(value(&lines, "Zones").as_deref(), Some("1, 2"));
        assert_eq!(
            value(&lines, "Network").as_deref(),
            Some("subnet aks-nodes")
        );
    }
}
