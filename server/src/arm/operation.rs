//! One read of a long-running operation's status URL, as ARM's LRO rules say to read it
//! (docs/ARM_FACTS.md §1, "ARM generic LRO rules" and "A status read without a status").
//!
//! - 202 (a `Location` URL while the operation runs): running.
//! - Any other 2xx whose body has a string `status` (the `Azure-AsyncOperation` resource, where
//!   `status` is required): that status.
//! - Any other 2xx without one: a `Location` URL's final answer (the resource, or no body) or a
//!   malformed status resource. It is [`OperationState::Unknown`], never a success: the caller
//!   reads the resource to decide.
//!
//! Following the operation to its end is `provisioning::follower`'s.

use super::transport::Answer;
use super::{ArmClient, ArmClientError, OperationHandle, OperationPoll, retry_after};
use reqwest::StatusCode;
use serde_json::Value;
use shared::arm_error::ArmError;
use shared::operation_status::OperationState;
use url::Url;

impl ArmClient {
    /// Reads an operation's status once. The URL is used as ARM gave it, if it is on the
    /// configured ARM endpoint.
    #[tracing::instrument(skip_all, err(level = tracing::Level::WARN))]
    pub async fn poll_operation(
        &self,
        operation: &OperationHandle,
    ) -> Result<OperationPoll, ArmClientError> {
        let url = Url::parse(&operation.status_url)
            .map_err(|error| ArmClientError::Decode(format!("operation URL: {error}")))?;
        read_poll(&self.send(&self.get(url)).await?)
    }
}

fn read_poll(answer: &Answer) -> Result<OperationPoll, ArmClientError> {
    let retry_after = retry_after(&answer.headers);
    let running = answer.status == StatusCode::ACCEPTED;
    let body: Value = if answer.body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        answer.json()?
    };
    let state = match body.get("status").and_then(Value::as_str) {
        _ if running => OperationState::Running("InProgress".into()),
        Some(status) => OperationState::parse(status),
        None => OperationState::Unknown,
    };
    let error = body
        .get("error")
        .filter(|e| e.is_object())
        .map(|e| ArmError::from_error_object(200, e, &body.to_string()));
    Ok(OperationPoll {
        state,
        error,
        percent_complete: body.get("percentComplete").and_then(Value::as_f64),
        retry_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderMap;

    fn poll(status: u16, body: &str) -> OperationPoll {
        read_poll(&Answer {
            status: StatusCode::from_u16(status).expect("status"),
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
        })
        .expect("poll")
    }

    #[test]
    fn only_a_status_field_says_how_the_operation_went() {
        assert_eq!(
            poll(200, r#"{"status":"Succeeded"}"#).state,
            OperationState::Succeeded
        );
        assert_eq!(
            poll(
                200,
                r#"{"status":"ProvisionControlPlane","percentComplete":40}"#
            )
            .state,
            OperationState::Running("ProvisionControlPlane".into())
        );
        let failed = poll(
            200,
            r#"{"status":"Failed","error":{"code":"X","message":"m"}}"#,
        );
        assert_eq!(failed.state, OperationState::Failed);
        assert_eq!(failed.error.map(|e| e.code), Some("X".to_owned()));
        assert_eq!(
            poll(202, "").state,
            OperationState::Running("InProgress".into())
        );
    }

    #[test]
    fn an_answer_without_a_status_is_unknown_never_succeeded() {
        for (status, body) in [
            (
                200,
                r#"{"name":"aks","properties":{"provisioningState":"Creating"}}"#,
            ),
            (200, ""),
            (200, r#"{"status":7}"#),
            (201, "{}"),
            (204, ""),
        ] {
            assert_eq!(
                poll(status, body).state,
                OperationState::Unknown,
                "{status} {body}"
            );
        }
    }
}
