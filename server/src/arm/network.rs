//! The reads behind the create modal's subnet picker and the pre-flight's network and policy
//! rows: the subscription's virtual networks with their subnets, one subnet, and ARM's policy
//! check (`Microsoft.PolicyInsights/checkPolicyRestrictions`, docs/ARM_FACTS.md).
//!
//! The policy check is a POST that changes nothing; like every POST it is retried on 429 only
//! (the transport's rule for writes), which costs nothing here: the pre-flight treats any failure
//! as "could not check".

use super::transport::Call;
use super::{ArmClient, ArmClientError, group_path, not_found_as_none, segment};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

/// The resource type the policy check is asked about.
const CLUSTER_TYPE: &str = "Microsoft.ContainerService/managedClusters";

/// A virtual network from `GET …/providers/Microsoft.Network/virtualNetworks`.
#[derive(Clone, Debug, Deserialize)]
pub struct VirtualNetwork {
    /// Resource id.
    #[serde(default)]
    pub id: String,
    /// Name.
    pub name: String,
    /// Region.
    #[serde(default)]
    pub location: String,
    /// Properties.
    #[serde(default)]
    pub properties: VirtualNetworkProperties,
}

/// `properties` of a virtual network.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct VirtualNetworkProperties {
    /// Its subnets.
    pub subnets: Vec<Subnet>,
}

/// A subnet, inside a virtual network or read on its own.
#[derive(Clone, Debug, Deserialize)]
pub struct Subnet {
    /// Resource id.
    #[serde(default)]
    pub id: String,
    /// Name.
    pub name: String,
    /// Properties.
    #[serde(default)]
    pub properties: SubnetProperties,
}

/// `properties` of a subnet.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SubnetProperties {
    /// The address prefix (`10.240.0.0/22`).
    pub address_prefix: Option<String>,
    /// The prefixes of a subnet with several (the first is used).
    pub address_prefixes: Vec<String>,
    /// The IP configurations that hold addresses in it (only their number matters).
    pub ip_configurations: Vec<Value>,
}

impl Subnet {
    /// Its (first) address prefix.
    pub fn prefix(&self) -> Option<&str> {
        self.properties
            .address_prefix
            .as_deref()
            .or_else(|| self.properties.address_prefixes.first().map(String::as_str))
    }

    /// IP configurations already in it.
    pub fn used_ips(&self) -> i64 {
        i64::try_from(self.properties.ip_configurations.len()).unwrap_or(i64::MAX)
    }
}

/// The answer of `checkPolicyRestrictions` (api-version 2022-03-01), the parts the pre-flight reads.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PolicyRestrictions {
    /// Restrictions per pending field.
    pub field_restrictions: Vec<FieldRestrictions>,
    /// The evaluation of the partial resource content.
    pub content_evaluation_result: ContentEvaluation,
}

/// One field's restrictions.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct FieldRestrictions {
    /// `location`, `tags.x`, an alias.
    pub field: String,
    /// What policies do to it.
    pub restrictions: Vec<FieldRestriction>,
}

/// One restriction: `Required` (the values the field must take), `Deny` (the values, or with
/// none the field, that are denied) or `Removed`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct FieldRestriction {
    /// `Required`, `Deny`, `Removed`.
    pub result: String,
    /// The values required or denied.
    pub values: Vec<String>,
    /// The policy behind it.
    pub policy: Option<PolicyReference>,
}

/// Ids of the policy behind a restriction or an evaluation.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PolicyReference {
    /// The definition's id.
    pub policy_definition_id: Option<String>,
    /// The assignment's id.
    pub policy_assignment_id: Option<String>,
}

/// `contentEvaluationResult`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContentEvaluation {
    /// One evaluation per assignment that applies.
    pub policy_evaluations: Vec<PolicyEvaluation>,
}

/// One assignment's evaluation of the resource content.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PolicyEvaluation {
    /// The policy.
    pub policy_info: PolicyReference,
    /// `Compliant`, `NonCompliant`, …
    pub evaluation_result: String,
    /// `{policyEffect}` when ARM states the effect.
    pub effect_details: Option<Value>,
}

impl ArmClient {
    /// Every virtual network of the subscription with its subnets (follows `nextLink`).
    #[tracing::instrument(skip_all, err(level = tracing::Level::WARN))]
    pub async fn list_virtual_networks(
        &self,
        subscription_id: &str,
    ) -> Result<Vec<VirtualNetwork>, ArmClientError> {
        let path = format!(
            "/subscriptions/{}/providers/Microsoft.Network/virtualNetworks",
            segment(subscription_id)
        );
        self.list_all(self.url(&path, &self.versions.network, &[]))
            .await
    }

    /// One subnet; `None` when it (or its network or group) does not exist.
    #[tracing::instrument(skip_all, err(level = tracing::Level::WARN))]
    pub async fn get_subnet(
        &self,
        subscription_id: &str,
        resource_group: &str,
        vnet: &str,
        name: &str,
    ) -> Result<Option<Subnet>, ArmClientError> {
        let path = format!(
            "{}/providers/Microsoft.Network/virtualNetworks/{}/subnets/{}",
            group_path(subscription_id, resource_group),
            segment(vnet),
            segment(name)
        );
        not_found_as_none(
            self.send_json(self.get(self.url(&path, &self.versions.network, &[])))
                .await,
        )
    }

    /// What Azure Policy says of a managed cluster in `location`: at the resource group when
    /// one is given, else at the subscription; `None` when the group does not exist (ARM's 404),
    /// an expected answer for a create that will make its group, so it is not logged.
    #[tracing::instrument(skip_all, err(level = tracing::Level::WARN))]
    pub async fn check_policy_restrictions(
        &self,
        subscription_id: &str,
        resource_group: Option<&str>,
        location: &str,
    ) -> Result<Option<PolicyRestrictions>, ArmClientError> {
        let scope = match resource_group {
            Some(group) => group_path(subscription_id, group),
            None => format!("/subscriptions/{}", segment(subscription_id)),
        };
        let path = format!("{scope}/providers/Microsoft.PolicyInsights/checkPolicyRestrictions");
        let body = json!({
            "resourceDetails": {
                "resourceContent": { "type": CLUSTER_TYPE, "location": location },
                "apiVersion": self.versions.container_service,
            },
            "pendingFields": [{ "field": "location", "values": [location] }],
        });
        let call = Call {
            method: Method::POST,
            url: self.url(&path, &self.versions.policy_insights, &[]),
            body: Some(&body),
            if_none_match: false,
        };
        not_found_as_none(async { self.send(&call).await?.json() }.await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subnet_reads_its_prefix_and_its_used_addresses() {
        let subnet: Subnet = serde_json::from_value(json!({
            "id": "/x/subnets/aks-nodes", "name": "aks-nodes",
            "properties": {"addressPrefix": "10.240.4.0/22", "ipConfigurations": [{"id": "a"}, {"id": "b"}]}
        }))
        .expect("subnet");
        assert_eq!(subnet.prefix(), Some("10.240.4.0/22"));
        assert_eq!(subnet.used_ips(), 2);
        let several: Subnet = serde_json::from_value(json!({
            "name": "s", "properties": {"addressPrefixes": ["10.0.0.0/24", "fd00::/64"]}
        }))
        .expect("subnet");
        assert_eq!(several.prefix(), Some("10.0.0.0/24"));
        assert_eq!(several.used_ips(), 0);
    }

    #[test]
    fn the_policy_answer_of_the_spec_reads() {
        let answer: PolicyRestrictions = serde_json::from_value(json!({
            "fieldRestrictions": [{"field": "location", "restrictions": [
                {"result": "Required", "values": ["westeurope"], "policy": {"policyAssignmentId": "/a/allowed"}},
            ]}],
            "contentEvaluationResult": {"policyEvaluations": [
                {"policyInfo": {"policyAssignmentId": "/a/allowed"}, "evaluationResult": "NonCompliant",
                 "effectDetails": {"policyEffect": "Deny"}},
            ]},
        }))
        .expect("answer");
        assert_eq!(
            answer.field_restrictions[0].restrictions[0].values,
            ["westeurope"]
        );
        assert_eq!(
            answer.content_evaluation_result.policy_evaluations[0].evaluation_result,
            "NonCompliant"
        );
    }
}
