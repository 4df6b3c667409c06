//! The ARM client: reqwest plus an `azure_identity` credential, one typed method per ARM call
//! the dashboard makes, including one read of a long-running operation's status (following an
//! operation to its end is `provisioning::follower`'s).
//!
//! Plain reqwest rather than an azure_core `Pipeline`: since azure_core 1.0 the bearer-token
//! policy refuses non-TLS URLs, and the sandbox cloud runs on `http://127.0.0.1`
//! (docs/ARM_FACTS.md §7). The same code talks to `https://management.azure.com`; only the base URL
//! and the credential differ.
//!
//! The rules every call follows (docs/ARM_FACTS.md §9), each in its own module:
//! - **retries** (`transport`): reads are retried on 429, 5xx and transport failures; writes
//!   (PUT, POST, DELETE, PATCH) on 429 only, because ARM did not process a throttled request,
//!   while after a 5xx or a lost answer the write may have taken effect. So a write's 5xx
//!   reaches the caller as [`ArmClientError::Arm`] and a lost answer or a timeout as
//!   [`ArmClientError::Transport`], and the caller reads the resource to learn what happened;
//! - **time bounds** (`transport`, [`ArmClientSettings`]): per request, per token, per call;
//! - **where the token goes** (`endpoint`): only to the configured endpoint's origin, over https
//!   unless it is a loopback address; operation and `nextLink` URLs elsewhere are refused;
//! - **lists** (`paging`): capped in pages, and a `nextLink` that repeats ends the list;
//! - **operation reads** (`operation`): only a `status` field says how an operation went.

mod endpoint;
pub mod models;
pub mod network;
mod operation;
mod paging;
mod settings;
mod transport;

use azure_core::credentials::TokenCredential;
use endpoint::TrustedOrigin;
use models::{
    ComputeUsage, ManagedCluster, ManagedClusterSpec, RawSku, ResourceGroup, Subscription, VmSku,
};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
pub use settings::{ArmClientSettings, RetryPolicy};
use shared::arm_error::ArmError;
use shared::operation_status::OperationState;
use shared::permissions::RolePermission;
use shared::region::{RegionInfo, region_name_from_display};
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;
use transport::Call;
use url::Url;

/// Token scope for ARM.
pub const ARM_SCOPE: &str = "https://management.azure.com/.default";

/// Why an ARM call failed.
#[derive(Debug, Error)]
pub enum ArmClientError {
    /// ARM answered with an error status; both envelopes are parsed into [`ArmError`].
    #[error("{0}")]
    Arm(Box<ArmError>),
    /// No token could be obtained.
    #[error("could not obtain an Azure access token: {0}")]
    Credential(String),
    /// The user the client acts for must sign in again: Entra refused their refresh token
    /// (revoked, expired, consent withdrawn). Nothing was sent.
    #[error("{0}")]
    SignInRequired(crate::on_behalf::SignInRequired),
    /// No complete answer came (connection refused or reset, a timeout, …). A write may have
    /// reached ARM all the same.
    #[error("could not reach Azure Resource Manager: {0}")]
    Transport(String),
    /// ARM answered 2xx with a body this client cannot read, or a list that never ends.
    #[error("unexpected response from Azure Resource Manager: {0}")]
    Decode(String),
    /// A URL the token may not go to: a base URL that is neither https nor loopback, or an
    /// operation or `nextLink` URL off the configured endpoint. Nothing was sent.
    #[error("refused an Azure Resource Manager URL: {0}")]
    UntrustedUrl(String),
}

impl ArmClientError {
    /// A credential's failure: [`ArmClientError::SignInRequired`] when the user the client acts
    /// for must sign in again, else [`ArmClientError::Credential`] with its text.
    fn from_credential(error: azure_core::Error) -> Self {
        match error.downcast_ref::<crate::on_behalf::SignInRequired>() {
            Some(required) => Self::SignInRequired(required.clone()),
            None => Self::Credential(error.to_string()),
        }
    }
}

/// api-versions per resource provider; new versions reach regions gradually, so each is
/// configurable (docs/ARM_FACTS.md §0).
#[derive(Clone, Debug)]
pub struct ApiVersions {
    /// Microsoft.ContainerService (managed clusters, operations).
    pub container_service: String,
    /// Microsoft.Resources (resource groups, providers).
    pub resources: String,
    /// Subscriptions list.
    pub subscriptions: String,
    /// Microsoft.Compute/skus.
    pub compute_skus: String,
    /// Microsoft.Compute/locations/usages.
    pub compute_usages: String,
    /// Microsoft.Authorization/permissions.
    pub authorization: String,
    /// Microsoft.Network (virtual networks and subnets).
    pub network: String,
    /// Microsoft.PolicyInsights (the policy restrictions check).
    pub policy_insights: String,
}

impl Default for ApiVersions {
    fn default() -> Self {
        Self {
            container_service: "2025-10-01".into(),
            resources: "2025-04-01".into(),
            subscriptions: "2022-12-01".into(),
            compute_skus: "2021-07-01".into(),
            compute_usages: "2024-07-01".into(),
            // The version learn.microsoft.com documents for Permissions - List For Resource Group.
            authorization: "2022-04-01".into(),
            network: "2024-05-01".into(),
            // The stable version of "Policy Restrictions - Check At Resource Group Scope".
            policy_insights: "2022-03-01".into(),
        }
    }
}

/// A started long-running operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationHandle {
    /// `Azure-AsyncOperation` URL (or `Location` when ARM sent only that). Opaque, absolute.
    pub status_url: String,
    /// `Retry-After` of the answer that started it.
    pub retry_after: Option<Duration>,
}

/// A create ARM accepted: the resource as ARM returned it and the operation to poll.
#[derive(Clone, Debug)]
pub struct CreateAccepted {
    /// The cluster body of the 201 (provisioningState Creating).
    pub cluster: ManagedCluster,
    /// The async operation.
    pub operation: OperationHandle,
}

/// One read of an operation's status.
#[derive(Clone, Debug)]
pub struct OperationPoll {
    /// Where it stands: Succeeded, Failed, Canceled, running, or `Unknown` when the answer
    /// carried no status (read the resource to decide).
    pub state: OperationState,
    /// `error` of a Failed or Canceled operation.
    pub error: Option<ArmError>,
    /// `percentComplete`, when sent.
    pub percent_complete: Option<f64>,
    /// How long to wait before the next read.
    pub retry_after: Option<Duration>,
}

/// What "abort latest operation" did.
#[derive(Clone, Debug)]
pub enum AbortOutcome {
    /// 202: the abort is itself an operation to poll.
    Aborting(OperationHandle),
    /// 204: accepted with nothing to poll.
    Aborted,
    /// 409: nothing was running; the latest operation had already finished.
    NothingToAbort(ArmError),
}

/// The ARM client.
#[derive(Clone)]
pub struct ArmClient {
    http: reqwest::Client,
    base_url: Url,
    credential: Arc<dyn TokenCredential>,
    versions: ApiVersions,
    settings: ArmClientSettings,
    origin: TrustedOrigin,
}

impl std::fmt::Debug for ArmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArmClient")
            .field("base_url", &self.base_url.as_str())
            .finish_non_exhaustive()
    }
}

impl ArmClient {
    /// A client for `base_url` (e.g. `https://management.azure.com`) with `credential` and the
    /// default settings.
    pub fn new(
        base_url: Url,
        credential: Arc<dyn TokenCredential>,
        versions: ApiVersions,
    ) -> Result<Self, ArmClientError> {
        Self::with_settings(base_url, credential, versions, ArmClientSettings::default())
    }

    /// A client with `settings`. A `base_url` that is not https is refused unless its host is a
    /// loopback address.
    pub fn with_settings(
        base_url: Url,
        credential: Arc<dyn TokenCredential>,
        versions: ApiVersions,
        settings: ArmClientSettings,
    ) -> Result<Self, ArmClientError> {
        let origin = TrustedOrigin::of(&base_url)?;
        let http = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.request_timeout)
            // A redirect would take the request to a URL the endpoint check never saw; a 3xx is
            // answered to the caller as an error instead (docs/ARM_FACTS.md §9).
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("aks-dashboard/", env!("CARGO_PKG_VERSION")));
        // Plain http is allowed only on loopback: a proxy from the environment must not carry
        // that token off the machine.
        let http = if base_url.scheme() == "http" {
            http.no_proxy()
        } else {
            http
        }
        .build()
        .map_err(|error| ArmClientError::Transport(error.to_string()))?;
        Ok(Self {
            http,
            base_url,
            credential,
            versions,
            settings,
            origin,
        })
    }

    /// The same client carrying `credential`'s tokens instead: the user a call acts for
    /// (docs/PRODUCT.md "Who Azure sees"). Cheap: the connection pool is shared.
    pub fn acting_as(&self, credential: Arc<dyn TokenCredential>) -> Self {
        Self {
            credential,
            ..self.clone()
        }
    }

    /// Replaces the retry policy.
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.settings.retry = retry;
        self
    }

    // ----- reads ---------------------------------------------------------------------------

    /// `GET /subscriptions`.
    #[tracing::instrument(skip_all, err(level = tracing::Level::WARN))]
    pub async fn list_subscriptions(&self) -> Result<Vec<Subscription>, ArmClientError> {
        let url = self.url("/subscriptions", &self.versions.subscriptions, &[]);
        self.list_all(url).await
    }

    /// Regions where AKS is offered to the subscription (from the provider's resource types).
    #[tracing::instrument(skip_all, err(level = tracing::Level::WARN))]
    pub async fn list_aks_regions(
        &self,
        subscription_id: &str,
    ) -> Result<Vec<RegionInfo>, ArmClientError> {
        let path = format!(
            "/subscriptions/{}/providers/Microsoft.ContainerService",
            segment(subscription_id)
        );
        let provider: Value = self
            .send_json(self.get(self.url(&path, &self.versions.resources, &[])))
            .await?;
        let locations = provider["resourceTypes"]
            .as_array()
            .and_then(|types| {
                types.iter().find(|t| {
                    t["resourceType"]
                        .as_str()
                        .is_some_and(|r| r.eq_ignore_ascii_case("managedClusters"))
                })
            })
            .and_then(|t| t["locations"].as_array())
            .cloned()
            .unwrap_or_default();
        Ok(locations
            .iter()
            .filter_map(Value::as_str)
            .map(|display| RegionInfo {
                name: region_name_from_display(display),
                display_name: display.to_owned(),
                recommended: false,
            })
            .collect())
    }

    /// `GET` a resource group; `None` when it does not exist.
    #[tracing::instrument(skip_all, err(level = tracing::Level::WARN))]
    pub async fn get_resource_group(
        &self,
        subscription_id: &str,
        name: &str,
    ) -> Result<Option<ResourceGroup>, ArmClientError> {
        let url = self.url(
            &group_path(subscription_id, name),
            &self.versions.resources,
            &[],
        );
        not_found_as_none(self.send_json(self.get(url)).await)
    }

    /// The caller's permissions at a resource group, one entry per role that applies there
    /// ("Permissions - List For Resource Group", follows `nextLink`); `None` when the group does
    /// not exist (ARM's 404 `ResourceGroupNotFound`, expected when a create will make it).
    #[tracing::instrument(skip_all, err(level = tracing::Level::WARN))]
    pub async fn list_resource_group_permissions(
        &self,
        subscription_id: &str,
        resource_group: &str,
    ) -> Result<Option<Vec<RolePermission>>, ArmClientError> {
        let path = format!(
            "{}/providers/Microsoft.Authorization/permissions",
            group_path(subscription_id, resource_group)
        );
        not_found_as_none(
            self.list_all(self.url(&path, &self.versions.authorization, &[]))
                .await,
        )
    }

    /// `PUT` a resource group (create, or no-op when it exists in the same region).
    #[tracing::instrument(skip_all, err(level = tracing::Level::WARN))]
    pub async fn create_resource_group(
        &self,
        subscription_id: &str,
        name: &str,
        location: &str,
    ) -> Result<ResourceGroup, ArmClientError> {
        let url = self.url(
            &group_path(subscription_id, name),
            &self.versions.resources,
            &[],
        );
        let body = json!({ "location": location });
        let call = Call {
            method: Method::PUT,
            url,
            body: Some(&body),
            if_none_match: false,
        };
        self.send(&call).await?.json()
    }

    /// `GET` a managed cluster; `None` when it does not exist.
    #[tracing::instrument(skip_all, err(level = tracing::Level::WARN))]
    pub async fn get_cluster(
        &self,
        subscription_id: &str,
        resource_group: &str,
        name: &str,
    ) -> Result<Option<ManagedCluster>, ArmClientError> {
        let url = self.url(
            &cluster_path(subscription_id, resource_group, name),
            &self.versions.container_service,
            &[],
        );
        not_found_as_none(self.send_json(self.get(url)).await)
    }

    /// Every managed cluster of a subscription (follows `nextLink`).
    #[tracing::instrument(skip_all, err(level = tracing::Level::WARN))]
    pub async fn list_clusters(
        &self,
        subscription_id: &str,
    ) -> Result<Vec<ManagedCluster>, ArmClientError> {
        let path = format!(
            "/subscriptions/{}/providers/Microsoft.ContainerService/managedClusters",
            segment(subscription_id)
        );
        self.list_all(self.url(&path, &self.versions.container_service, &[]))
            .await
    }

    /// VM sizes of a region with their restrictions for this subscription (follows `nextLink`).
    #[tracing::instrument(skip_all, err(level = tracing::Level::WARN))]
    pub async fn list_vm_skus(
        &self,
        subscription_id: &str,
        region: &str,
    ) -> Result<Vec<VmSku>, ArmClientError> {
        let path = format!(
            "/subscriptions/{}/providers/Microsoft.Compute/skus",
            segment(subscription_id)
        );
        let filter = format!("location eq '{region}'");
        let url = self.url(&path, &self.versions.compute_skus, &[("$filter", &filter)]);
        let raw: Vec<RawSku> = self.list_all(url).await?;
        Ok(raw.into_iter().filter_map(RawSku::into_vm_sku).collect())
    }

    /// Compute usages (vCPU quota) of a region: `cores` and one row per family.
    #[tracing::instrument(skip_all, err(level = tracing::Level::WARN))]
    pub async fn list_compute_usages(
        &self,
        subscription_id: &str,
        region: &str,
    ) -> Result<Vec<ComputeUsage>, ArmClientError> {
        let path = format!(
            "/subscriptions/{}/providers/Microsoft.Compute/locations/{}/usages",
            segment(subscription_id),
            segment(region)
        );
        self.list_all(self.url(&path, &self.versions.compute_usages, &[]))
            .await
    }

    // ----- writes --------------------------------------------------------------------------

    /// Starts a create with `If-None-Match: *`, so an existing cluster answers 412 and is never
    /// overwritten (docs/PRODUCT.md §4).
    #[tracing::instrument(skip_all, err(level = tracing::Level::WARN))]
    pub async fn create_cluster(
        &self,
        subscription_id: &str,
        resource_group: &str,
        name: &str,
        spec: &ManagedClusterSpec,
    ) -> Result<CreateAccepted, ArmClientError> {
        let url = self.url(
            &cluster_path(subscription_id, resource_group, name),
            &self.versions.container_service,
            &[],
        );
        let body = spec.to_request_body();
        let call = Call {
            method: Method::PUT,
            url,
            body: Some(&body),
            if_none_match: true,
        };
        let answer = self.send(&call).await?;
        let operation = operation_handle(&answer.headers).ok_or_else(|| {
            ArmClientError::Decode(
                "create was accepted without an Azure-AsyncOperation or Location header".into(),
            )
        })?;
        let cluster = answer.json()?;
        Ok(CreateAccepted { cluster, operation })
    }

    /// Starts a delete; `None` when the cluster did not exist (204).
    #[tracing::instrument(skip_all, err(level = tracing::Level::WARN))]
    pub async fn delete_cluster(
        &self,
        subscription_id: &str,
        resource_group: &str,
        name: &str,
    ) -> Result<Option<OperationHandle>, ArmClientError> {
        let url = self.url(
            &cluster_path(subscription_id, resource_group, name),
            &self.versions.container_service,
            &[],
        );
        let call = Call {
            method: Method::DELETE,
            url,
            body: None,
            if_none_match: false,
        };
        let answer = self.send(&call).await?;
        if answer.status == StatusCode::NO_CONTENT {
            return Ok(None);
        }
        operation_handle(&answer.headers).map(Some).ok_or_else(|| {
            ArmClientError::Decode("delete was accepted without an operation URL".into())
        })
    }

    /// AKS "abort latest operation". A 409 means nothing was running and is an outcome, not an
    /// error.
    #[tracing::instrument(skip_all, err(level = tracing::Level::WARN))]
    pub async fn abort_latest_operation(
        &self,
        subscription_id: &str,
        resource_group: &str,
        name: &str,
    ) -> Result<AbortOutcome, ArmClientError> {
        let path = format!(
            "{}/abort",
            cluster_path(subscription_id, resource_group, name)
        );
        let url = self.url(&path, &self.versions.container_service, &[]);
        let call = Call {
            method: Method::POST,
            url,
            body: None,
            if_none_match: false,
        };
        match self.send(&call).await {
            Ok(answer) => Ok(match operation_handle(&answer.headers) {
                Some(handle) => AbortOutcome::Aborting(handle),
                None => AbortOutcome::Aborted,
            }),
            Err(ArmClientError::Arm(error)) if error.status == 409 => {
                Ok(AbortOutcome::NothingToAbort(*error))
            }
            Err(error) => Err(error),
        }
    }

    // ----- plumbing ------------------------------------------------------------------------

    fn url(&self, path: &str, api_version: &str, extra: &[(&str, &str)]) -> Url {
        let mut url = self.base_url.clone();
        url.set_path(path);
        url.query_pairs_mut()
            .append_pair("api-version", api_version)
            .extend_pairs(extra);
        url
    }

    fn get(&self, url: Url) -> Call<'static> {
        Call {
            method: Method::GET,
            url,
            body: None,
            if_none_match: false,
        }
    }
}

fn not_found_as_none<T>(result: Result<T, ArmClientError>) -> Result<Option<T>, ArmClientError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(ArmClientError::Arm(error)) if error.status == 404 => Ok(None),
        Err(error) => Err(error),
    }
}

/// `Retry-After` in whole seconds (ARM never sends an HTTP date).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// `Azure-AsyncOperation` first, `Location` only when it is absent (ARM's LRO rule).
fn operation_handle(headers: &HeaderMap) -> Option<OperationHandle> {
    let header_text = |value: &HeaderValue| value.to_str().ok().map(str::to_owned);
    let status_url = headers
        .get("azure-asyncoperation")
        .and_then(header_text)
        .or_else(|| headers.get(reqwest::header::LOCATION).and_then(header_text))?;
    Some(OperationHandle {
        status_url,
        retry_after: retry_after(headers),
    })
}

/// Characters escaped in a path segment: everything but RFC 3986 unreserved characters and
/// the parentheses ARM allows in resource group names.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'(')
    .remove(b')');

/// Percent-encodes one path segment (names come from users).
fn segment(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, PATH_SEGMENT).to_string()
}

fn group_path(subscription_id: &str, resource_group: &str) -> String {
    format!(
        "/subscriptions/{}/resourcegroups/{}",
        segment(subscription_id),
        segment(resource_group)
    )
}

fn cluster_path(subscription_id: &str, resource_group: &str, name: &str) -> String {
    format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ContainerService/managedClusters/{}",
        segment(subscription_id),
        segment(resource_group),
        segment(name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn async_operation_header_wins_over_location() {
        let mut headers = HeaderMap::new();
        headers.insert("location", HeaderValue::from_static("https://x/location"));
        headers.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(
            operation_handle(&headers).map(|h| h.status_url),
            Some("https://x/location".to_owned())
        );
        headers.insert(
            "azure-asyncoperation",
            HeaderValue::from_static("https://x/async"),
        );
        let handle = operation_handle(&headers).expect("handle");
        assert_eq!(handle.status_url, "https://x/async");
        assert_eq!(handle.retry_after, Some(Duration::from_secs(7)));
    }

    #[test]
    fn retry_after_is_whole_seconds_only() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), None);
        headers.insert("retry-after", HeaderValue::from_static(" 3 "));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
    }

    #[test]
    fn user_names_are_encoded_in_paths() {
        assert_eq!(segment("rg (1)"), "rg%20(1)");
        assert_eq!(segment("8c2f-9f8e"), "8c2f-9f8e");
        assert_eq!(
            cluster_path("s", "rg", "a/b"),
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/a%2Fb"
        );
    }
}
