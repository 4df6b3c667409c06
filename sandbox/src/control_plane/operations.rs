//! Long-running operations: the async-operation status and operation-result resources, the
//! 202 that starts one, and time moving operations (and their clusters) forward.

use super::ControlPlane;
use super::model::{Operation, OperationKind, OperationStatus, lower, since};
use super::{Origin, rfc3339, seconds};
use crate::reply::{Reply, headers};
use axum::http::{StatusCode, header};
use serde_json::{Value, json};
use std::time::Duration;
use time::OffsetDateTime;

impl ControlPlane {
    /// 202 with `Azure-AsyncOperation`, `Location` and `Retry-After`.
    pub(super) fn accepted(
        &self,
        origin: &Origin<'_>,
        subscription: &str,
        location: &str,
        operation_id: &str,
    ) -> Reply {
        Reply::empty(StatusCode::ACCEPTED)
            .with_header(
                headers::AZURE_ASYNC_OPERATION,
                operation_url(origin, subscription, location, "operations", operation_id),
            )
            .with_header(
                header::LOCATION,
                operation_url(
                    origin,
                    subscription,
                    location,
                    "operationresults",
                    operation_id,
                ),
            )
            .with_header(
                header::RETRY_AFTER,
                self.world.timings.retry_after_seconds.to_string(),
            )
    }

    /// `GET …/locations/{loc}/operations/{id}`: the async-operation status resource.
    pub fn operation_status(&mut self, subscription: &str, location: &str, id: &str) -> Reply {
        let now = OffsetDateTime::now_utc();
        self.advance(now);
        let Some(op) = self.operation_of(subscription, location, id) else {
            return operation_not_found(id);
        };
        let mut body = json!({
            "id": format!("/subscriptions/{}/providers/Microsoft.ContainerService/locations/{}/operations/{}", op.subscription, op.location, op.id),
            "name": op.id,
            "status": op.status.as_str(),
            "startTime": rfc3339(op.started_at),
        });
        if let Some(ended) = op.ended_at {
            body["endTime"] = json!(rfc3339(ended));
        }
        if op.kind == OperationKind::Create && !op.status.is_terminal() {
            let fraction =
                since(now, op.started_at).as_secs_f64() / op.duration.as_secs_f64().max(0.001);
            body["percentComplete"] = json!((fraction * 100.0).clamp(0.0, 99.0).floor());
        }
        if let Some(error) = &op.error {
            body["error"] = error.clone();
        }
        let reply = Reply::json(StatusCode::OK, body);
        if op.status.is_terminal() {
            reply
        } else {
            reply.with_header(
                header::RETRY_AFTER,
                self.world.timings.retry_after_seconds.to_string(),
            )
        }
    }

    /// `GET …/locations/{loc}/operationresults/{id}`: 202 while running, then the final answer.
    pub fn operation_result(
        &mut self,
        origin: &Origin<'_>,
        subscription: &str,
        location: &str,
        id: &str,
    ) -> Reply {
        self.advance(OffsetDateTime::now_utc());
        let Some(op) = self.operation_of(subscription, location, id) else {
            return operation_not_found(id);
        };
        match op.status {
            OperationStatus::InProgress | OperationStatus::Canceling => {
                Reply::empty(StatusCode::ACCEPTED)
                    .with_header(
                        header::LOCATION,
                        operation_url(origin, subscription, location, "operationresults", id),
                    )
                    .with_header(
                        header::RETRY_AFTER,
                        self.world.timings.retry_after_seconds.to_string(),
                    )
            }
            OperationStatus::Succeeded => Reply::empty(StatusCode::NO_CONTENT),
            OperationStatus::Failed | OperationStatus::Canceled => Reply::json(
                StatusCode::BAD_REQUEST,
                json!({ "error": op.error.clone().unwrap_or(Value::Null) }),
            ),
        }
    }

    fn operation_of(&self, subscription: &str, location: &str, id: &str) -> Option<&Operation> {
        self.operations.get(&lower(id)).filter(|op| {
            op.subscription.eq_ignore_ascii_case(subscription)
                && op.location.eq_ignore_ascii_case(location)
        })
    }

    /// Moves every running operation forward to `now`. Each one that ends by then ends at the
    /// moment it would have, however late it is read (after a restart, say).
    pub fn advance(&mut self, now: OffsetDateTime) {
        let running: Vec<String> = self
            .operations
            .values()
            .filter(|op| !op.status.is_terminal())
            .map(|op| op.id.clone())
            .collect();
        for id in running {
            let Some(op) = self.operations.get(&id).cloned() else {
                continue;
            };
            let elapsed = since(now, op.started_at);
            match op.kind {
                OperationKind::Create => self.advance_create(&op, now, elapsed),
                OperationKind::Delete => {
                    if elapsed >= op.duration {
                        self.clusters.remove(&op.cluster);
                        let ended = op.started_at + op.duration;
                        self.finish(&op.id, OperationStatus::Succeeded, None, ended);
                    }
                }
                OperationKind::Abort => {
                    let target = op.aborts.as_ref().and_then(|t| self.operations.get(t));
                    if target.is_none_or(|t| t.status.is_terminal()) {
                        let ended = target.and_then(|t| t.ended_at).unwrap_or(now);
                        self.finish(&op.id, OperationStatus::Succeeded, None, ended);
                    }
                }
            }
        }
    }

    fn advance_create(&mut self, op: &Operation, now: OffsetDateTime, elapsed: Duration) {
        // System pools come up halfway through, as the control plane needs them, unless the
        // create was aborted or failed before that point, or their size or zones have no
        // capacity here.
        // Checked first so a reader who arrives after a later milestone still sees this one.
        let system_ready = op.duration / 2;
        let stopped_before = op.abort_requested.map(|at| since(at, op.started_at));
        let failed_before = op.hazard_at;
        if elapsed >= system_ready
            && stopped_before.is_none_or(|at| at >= system_ready)
            && failed_before.is_none_or(|at| at >= system_ready)
            && let Some(cluster) = self.clusters.get_mut(&op.cluster)
        {
            let region = self.world.region(&op.location);
            for pool in cluster.pools.iter_mut().filter(|p| {
                p.mode == "System" && !region.is_some_and(|r| r.blocks_pool(&p.vm_size, &p.zones))
            }) {
                pool.provisioning_state = "Succeeded".into();
            }
        }
        let abort_seconds = seconds(self.world.timings.abort_seconds);
        if let Some(requested) = op.abort_requested {
            if since(now, requested) >= abort_seconds {
                // Code and text unverified: AKS docs name the state (Canceled), not the error body.
                let error = json!({
                    "code": "OperationCancelled",
                    "message": "The operation was cancelled by an abort request (az aks operation-abort). Nothing was rolled back; the cluster stopped at the step it had reached."
                });
                let ended = requested + abort_seconds;
                self.finish(&op.id, OperationStatus::Canceled, Some(error), ended);
            }
            return;
        }
        if let Some(hazard_at) = op.hazard_at
            && elapsed >= hazard_at
        {
            // Met once: a create that survives them runs on to the end.
            if let Some(stored) = self.operations.get_mut(&op.id) {
                stored.hazard_at = None;
            }
            if let Some(failure) = self.meet_hazards(op) {
                if let Some(cluster) = self.clusters.get_mut(&op.cluster)
                    && let Some(failed) = cluster.pools.iter_mut().find(|p| p.name == failure.pool)
                {
                    failed.provisioning_error = Some(failure.detail);
                }
                let ended = op.started_at + hazard_at;
                self.finish(&op.id, OperationStatus::Failed, Some(failure.error), ended);
                return;
            }
        }
        if elapsed >= op.duration {
            let ended = op.started_at + op.duration;
            self.finish(&op.id, OperationStatus::Succeeded, None, ended);
        }
    }

    /// Ends an operation at `ended` and brings its cluster to the matching state.
    pub(super) fn finish(
        &mut self,
        id: &str,
        status: OperationStatus,
        error: Option<Value>,
        ended: OffsetDateTime,
    ) {
        let Some(op) = self.operations.get_mut(id) else {
            return;
        };
        op.status = status;
        op.ended_at = Some(ended);
        op.error = error;
        let (kind, cluster_key) = (op.kind, op.cluster.clone());
        if kind == OperationKind::Abort {
            return;
        }
        let Some(cluster) = self.clusters.get_mut(&cluster_key) else {
            return;
        };
        if cluster.running_operation.as_deref() == Some(id) {
            cluster.running_operation = None;
        }
        let state = status.as_str();
        cluster.provisioning_state = state.into();
        for pool in &mut cluster.pools {
            let pool_done =
                pool.provisioning_state == "Succeeded" && status != OperationStatus::Succeeded;
            if !pool_done {
                pool.provisioning_state = state.into();
            }
        }
    }
}

pub(super) fn operation_url(
    origin: &Origin<'_>,
    subscription: &str,
    location: &str,
    kind: &str,
    id: &str,
) -> String {
    format!(
        "{}/subscriptions/{subscription}/providers/Microsoft.ContainerService/locations/{location}/{kind}/{id}?api-version={}",
        origin.base_url, origin.api_version
    )
}

fn operation_not_found(id: &str) -> Reply {
    Reply::arm_error(
        StatusCode::NOT_FOUND,
        "NotFound",
        format!("Operation '{id}' was not found."),
    )
}
