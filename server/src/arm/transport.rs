//! Sending one ARM call: the URL check, the bearer token, the retry rule and the time bounds.
//!
//! **Retry rule** (docs/ARM_FACTS.md §9):
//! - reads (GET, HEAD) are retried on 429, on 500/502/503/504 and on transport failures: a read
//!   changes nothing, so sending it again is always safe;
//! - writes (PUT, POST, DELETE, PATCH) are retried on 429 only, after its `Retry-After`: ARM
//!   did not process a throttled request. A 5xx or a lost answer may come after the write took
//!   effect (a 504 says only that ARM stopped waiting for the resource provider), so it goes back
//!   to the caller, who reads the resource to learn what happened. A create-only PUT sent again
//!   would meet its own cluster and answer 412.
//!
//! **Time bounds** ([`ArmClientSettings`](super::ArmClientSettings)): each HTTP exchange has
//! reqwest's per-request timeout (body included), each token the token timeout, and the whole
//! call the call timeout; no retry starts whose wait would end past the call's deadline. A call
//! that runs out of time is a [`ArmClientError::Transport`] failure: for a write, it may have
//! reached ARM, exactly like a lost answer.

use super::{ARM_SCOPE, ArmClient, ArmClientError, retry_after};
use crate::metrics::{ArmOutcome, metrics};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use shared::arm_error::ArmError;
use std::time::Duration;
use tokio::time::Instant;
use url::Url;

/// An ARM request before it is sent.
pub(super) struct Call<'a> {
    pub method: Method,
    pub url: Url,
    pub body: Option<&'a Value>,
    pub if_none_match: bool,
}

/// A 2xx answer, its body read.
pub(super) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as JSON.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ArmClientError> {
        serde_json::from_slice(&self.body)
            .map_err(|error| ArmClientError::Decode(error.to_string()))
    }
}

/// Why one attempt did not give a 2xx answer.
enum Miss {
    /// ARM answered with an error status.
    Status {
        status: StatusCode,
        headers: HeaderMap,
        body: String,
    },
    /// No complete answer came.
    Transport(String),
}

impl Miss {
    fn into_error(self) -> ArmClientError {
        match self {
            Self::Status { status, body, .. } => {
                ArmClientError::Arm(Box::new(ArmError::from_response(status.as_u16(), &body)))
            }
            Self::Transport(message) => ArmClientError::Transport(message),
        }
    }
}

/// Whether `miss` may be sent again for `method` (the rule in the module documentation).
fn may_retry(method: &Method, miss: &Miss) -> bool {
    let read = matches!(*method, Method::GET | Method::HEAD);
    match miss {
        Miss::Status { status, .. } if *status == StatusCode::TOO_MANY_REQUESTS => true,
        Miss::Status { status, .. } => read && matches!(status.as_u16(), 500 | 502 | 503 | 504),
        Miss::Transport(_) => read,
    }
}

impl ArmClient {
    /// Sends `call` under the rules of the module documentation; answers its 2xx answer with
    /// the body read, or why there is none.
    pub(super) async fn send(&self, call: &Call<'_>) -> Result<Answer, ArmClientError> {
        // Before a token is fetched: a foreign URL never sees one.
        self.origin.check(&call.url)?;
        let limit = self.settings.call_timeout;
        let deadline = Instant::now() + limit;
        match tokio::time::timeout_at(deadline, self.send_with_retries(call, deadline)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(ArmClientError::Transport(format!(
                "no complete answer within {} s",
                limit.as_secs_f64()
            ))),
        }
    }

    /// Sends `call` and decodes its JSON body.
    pub(super) async fn send_json<T: DeserializeOwned>(
        &self,
        call: Call<'_>,
    ) -> Result<T, ArmClientError> {
        self.send(&call).await?.json()
    }

    async fn send_with_retries(
        &self,
        call: &Call<'_>,
        deadline: Instant,
    ) -> Result<Answer, ArmClientError> {
        let retry = &self.settings.retry;
        let mut attempt = 1;
        loop {
            let miss = match self.attempt(call).await? {
                Ok(answer) => return Ok(answer),
                Err(miss) => miss,
            };
            let wait = match &miss {
                Miss::Status { headers, .. } => retry_after(headers),
                Miss::Transport(_) => None,
            }
            .unwrap_or_else(|| self.backoff(attempt));
            let retried = may_retry(&call.method, &miss)
                && attempt < retry.max_attempts
                && wait <= retry.max_wait
                && Instant::now() + wait < deadline;
            if !retried {
                return Err(miss.into_error());
            }
            match &miss {
                Miss::Status { status, .. } => tracing::warn!(
                    attempt,
                    method = %call.method,
                    status = status.as_u16(),
                    wait_ms = wait.as_millis() as u64,
                    "ARM asked to retry"
                ),
                Miss::Transport(error) => tracing::warn!(
                    attempt,
                    method = %call.method,
                    %error,
                    "ARM request failed in transport; retrying"
                ),
            }
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// A token for ARM from this client's credential, within its token timeout.
    async fn token(&self) -> Result<azure_core::credentials::AccessToken, ArmClientError> {
        let limit = self.settings.token_timeout;
        tokio::time::timeout(limit, self.credential.get_token(&[ARM_SCOPE], None))
            .await
            .map_err(|_| {
                ArmClientError::Credential(format!("no token within {} s", limit.as_secs_f64()))
            })?
            .map_err(ArmClientError::from_credential)
    }

    /// Whether this client's own credential gives a token for ARM now (readiness).
    pub async fn check_credential(&self) -> Result<(), ArmClientError> {
        self.token().await.map(drop)
    }

    /// One exchange with a fresh token. The outer error is the credential's (never retried).
    async fn attempt(&self, call: &Call<'_>) -> Result<Result<Answer, Miss>, ArmClientError> {
        let token = self.token().await?;
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
        let started = std::time::Instant::now();
        let observe =
            |outcome| metrics().observe_arm(call.method.as_str(), outcome, started.elapsed());
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                observe(ArmOutcome::Transport);
                return Ok(Err(self.transport_miss(error)));
            }
        };
        let status = response.status();
        let headers = response.headers().clone();
        let body = match response.bytes().await {
            Ok(body) => body.to_vec(),
            Err(error) => {
                observe(ArmOutcome::Transport);
                return Ok(Err(self.transport_miss(error)));
            }
        };
        observe(ArmOutcome::Status(status.as_u16()));
        Ok(if status.is_success() {
            Ok(Answer {
                status,
                headers,
                body,
            })
        } else {
            Err(Miss::Status {
                status,
                headers,
                body: String::from_utf8_lossy(&body).into_owned(),
            })
        })
    }

    fn transport_miss(&self, error: reqwest::Error) -> Miss {
        Miss::Transport(if error.is_timeout() {
            format!(
                "no answer within {} s",
                self.settings.request_timeout.as_secs_f64()
            )
        } else {
            error.without_url().to_string()
        })
    }

    fn backoff(&self, attempt: u32) -> Duration {
        self.settings
            .retry
            .initial_backoff
            .saturating_mul(1 << (attempt - 1).min(6))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16) -> Miss {
        Miss::Status {
            status: StatusCode::from_u16(code).expect("status"),
            headers: HeaderMap::new(),
            body: String::new(),
        }
    }

    #[test]
    fn reads_retry_throttling_server_errors_and_transport() {
        for method in [Method::GET, Method::HEAD] {
            for code in [429, 500, 502, 503, 504] {
                assert!(may_retry(&method, &status(code)), "{method} {code}");
            }
            assert!(may_retry(&method, &Miss::Transport("reset".into())));
            for code in [400, 401, 403, 404, 409, 412, 501] {
                assert!(!may_retry(&method, &status(code)), "{method} {code}");
            }
        }
    }

    #[test]
    fn writes_retry_only_throttling() {
        for method in [Method::PUT, Method::POST, Method::DELETE, Method::PATCH] {
            assert!(may_retry(&method, &status(429)), "{method} 429");
            for code in [500, 502, 503, 504, 409, 412] {
                assert!(!may_retry(&method, &status(code)), "{method} {code}");
            }
            assert!(!may_retry(&method, &Miss::Transport("reset".into())));
        }
    }
}
