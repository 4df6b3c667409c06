//! The ARM client: reqwest plus an `azure_identity` credential, one typed method per ARM call
//! the dashboard makes, including one read of a long-running operation's status (following an
//! operation to its end is `provisioning::follower`'s).
//!
//! Plain reqwest rather than an azure_core `Pipeline`: since azure_core 1.0 the bearer-token
//! policy refuses non-TLS URLs, and the sandbox cloud runs on `http://127.0.0.1`
//! (docs/ARM_FACTS.md §7). The same code talks to `https://management.azure.com`; only the base URL
//! and the credential differ.

pub mod models;

use azure_core::credentials::TokenCredential;
use models::{
    ComputeUsage, ManagedCluster, ManagedClusterSpec, RawSku, ResourceGroup, Subscription, VmSku,
};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use shared::arm_error::ArmError;
use shared::operation_status::OperationState;
use shared::permissions::RolePermission;
use shared::region::{RegionInfo, region_name_from_display};
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;
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
    /// The request did not complete (connection refused, timeout, …).
    #[error("could not reach Azure Resource Manager: {0}")]
    Transport(String),
    /// ARM answered 2xx with a body this client cannot read.
    #[error("unexpected response from Azure Resource Manager: {0}")]
    Decode(String),
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
        }
    }
}

/// How requests are retried on throttling (429) and transient server errors (5xx).
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Backoff when ARM sends no `Retry-After`; doubles per attempt.
    pub initial_backoff: Duration,
    /// Longest wait honoured for one retry; a longer `Retry-After` ends the retries.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(60),
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
    /// Where it stands; anything but Succeeded/Failed/Canceled is running.
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
    retry: RetryPolicy,
}

impl std::fmt::Debug for ArmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArmClient")
            .field("base_url", &self.base_url.as_str())
            .finish_non_exhaustive()
    }
}

/// An ARM request before it is sent.
struct Call<'a> {
    method: Method,
    url: Url,
    body: Option<&'a Value>,
    if_none_match: bool,
}

impl ArmClient {
    /// A client for `base_url` (e.g. `https://management.azure.com`) with `credential`.
    pub fn new(
        base_url: Url,
        credential: Arc<dyn TokenCredential>,
        versions: ApiVersions,
    ) -> Result<Self, ArmClientError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(90))
            .user_agent(concat!("aks-dashboard/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| ArmClientError::Transport(error.to_string()))?;
        Ok(Self {
            http,
            base_url,
            credential,
            versions,
            retry: RetryPolicy::default(),
        })
    }

    /// Replaces the retry policy.
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
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
        let response = self.send(&call).await?;
        decode(response).await
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
        let response = self.send(&call).await?;
        let operation = operation_handle(response.headers()).ok_or_else(|| {
            ArmClientError::Decode(
                "create was accepted without an Azure-AsyncOperation or Location header".into(),
            )
        })?;
        let cluster = decode(response).await?;
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
        let response = self.send(&call).await?;
        if response.status() == StatusCode::NO_CONTENT {
            return Ok(None);
        }
        operation_handle(response.headers())
            .map(Some)
            .ok_or_else(|| {
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
            Ok(response) => Ok(match operation_handle(response.headers()) {
                Some(handle) => AbortOutcome::Aborting(handle),
                None => AbortOutcome::Aborted,
            }),
            Err(ArmClientError::Arm(error)) if error.status == 409 => {
                Ok(AbortOutcome::NothingToAbort(*error))
            }
            Err(error) => Err(error),
        }
    }

    // ----- long-running operations ---------------------------------------------------------

    /// Reads an operation's status once. The URL is used as ARM gave it.
    #[tracing::instrument(skip_all, err(level = tracing::Level::WARN))]
    pub async fn poll_operation(
        &self,
        operation: &OperationHandle,
    ) -> Result<OperationPoll, ArmClientError> {
        let url = Url::parse(&operation.status_url)
            .map_err(|error| ArmClientError::Decode(format!("operation URL: {error}")))?;
        let response = self.send(&self.get(url)).await?;
        let retry_after = retry_after(response.headers());
        if response.status() == StatusCode::ACCEPTED {
            // A Location URL answers 202 with no body while the operation runs.
            return Ok(OperationPoll {
                state: OperationState::Running("InProgress".into()),
                error: None,
                percent_complete: None,
                retry_after,
            });
        }
        if response.status() == StatusCode::NO_CONTENT {
            return Ok(OperationPoll {
                state: OperationState::Succeeded,
                error: None,
                percent_complete: None,
                retry_after,
            });
        }
        let body: Value = decode(response).await?;
        let state = OperationState::parse(body["status"].as_str().unwrap_or("Succeeded"));
        let error = body
            .get("error")
            .filter(|e| e.is_object())
            .map(|e| ArmError::from_error_object(200, e, &body.to_string()));
        Ok(OperationPoll {
            state,
            error,
            percent_complete: body["percentComplete"].as_f64(),
            retry_after,
        })
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

    async fn send_json<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T, ArmClientError> {
        decode(self.send(&call).await?).await
    }

    /// Follows `nextLink` until the list ends.
    async fn list_all<T: DeserializeOwned>(&self, first: Url) -> Result<Vec<T>, ArmClientError> {
        let mut items = Vec::new();
        let mut next = Some(first);
        while let Some(url) = next.take() {
            let page: Value = self.send_json(self.get(url)).await?;
            let values = page.get("value").cloned().unwrap_or_else(|| json!([]));
            let mut batch: Vec<T> = serde_json::from_value(values)
                .map_err(|error| ArmClientError::Decode(error.to_string()))?;
            items.append(&mut batch);
            next = page["nextLink"]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(Url::parse)
                .transpose()
                .map_err(|error| ArmClientError::Decode(format!("nextLink: {error}")))?;
        }
        Ok(items)
    }

    /// Sends with a fresh token, retrying 429 and 5xx per the retry policy (honouring
    /// `Retry-After`), and turns error statuses into [`ArmError`].
    async fn send(&self, call: &Call<'_>) -> Result<reqwest::Response, ArmClientError> {
        let mut attempt = 1;
        loop {
            let token = self
                .credential
                .get_token(&[ARM_SCOPE], None)
                .await
                .map_err(|error| ArmClientError::Credential(error.to_string()))?;
            let mut request = self
                .http
                .request(call.method.clone(), call.url.clone())
                .bearer_auth(token.token.secret())
                .header(
                    "x-ms-correlation-request-id",
                    uuid::Uuid::new_v4().to_string(),
                );
            if call.if_none_match {
                request = request.header(reqwest::header::IF_NONE_MATCH, "*");
            }
            if let Some(body) = call.body {
                request = request.json(body);
            }
            let outcome = request.send().await;
            let retryable_transport = matches!(call.method, Method::GET | Method::HEAD);
            let response = match outcome {
                Ok(response) => response,
                Err(error) if retryable_transport && attempt < self.retry.max_attempts => {
                    tracing::warn!(attempt, %error, "ARM request failed in transport; retrying");
                    tokio::time::sleep(self.backoff(attempt)).await;
                    attempt += 1;
                    continue;
                }
                Err(error) => {
                    return Err(ArmClientError::Transport(error.without_url().to_string()));
                }
            };
            let status = response.status();
            if status.is_success() {
                return Ok(response);
            }
            let retryable = status == StatusCode::TOO_MANY_REQUESTS
                || matches!(status.as_u16(), 500 | 502 | 503 | 504);
            let wait = retry_after(response.headers()).unwrap_or_else(|| self.backoff(attempt));
            if retryable && attempt < self.retry.max_attempts && wait <= self.retry.max_wait {
                tracing::warn!(
                    attempt,
                    status = status.as_u16(),
                    wait_ms = wait.as_millis() as u64,
                    "ARM asked to retry"
                );
                tokio::time::sleep(wait).await;
                attempt += 1;
                continue;
            }
            let body = response.text().await.unwrap_or_default();
            return Err(ArmClientError::Arm(Box::new(ArmError::from_response(
                status.as_u16(),
                &body,
            ))));
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        self.retry
            .initial_backoff
            .saturating_mul(1 << (attempt - 1).min(6))
    }
}

async fn decode<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, ArmClientError> {
    let bytes = response
        .bytes()
        .await
        .map_err(|error| ArmClientError::Transport(error.without_url().to_string()))?;
    serde_json::from_slice(&bytes).map_err(|error| ArmClientError::Decode(error.to_string()))
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
