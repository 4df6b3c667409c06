//! How patient the ARM client is: its time bounds, its retries and its list cap.
//!
//! Every bound exists so that no ARM call can hold a worker, a request handler or a shutdown
//! forever: the per-request timeout bounds one HTTP exchange (body included), the token timeout
//! bounds the credential, and the call timeout bounds all of it together with the retries. The
//! defaults suit Azure; tests shorten them.

use std::time::Duration;

/// How requests are retried on throttling (429) and, for reads only, on transient server and
/// transport errors (the rule is in the `arm` module documentation).
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

/// The ARM client's settings.
#[derive(Clone, Debug)]
pub struct ArmClientSettings {
    /// Time to open a connection.
    pub connect_timeout: Duration,
    /// One HTTP exchange, from connecting until the body is read. ARM gives a resource provider
    /// 60 s before it answers 504 itself (docs/ARM_FACTS.md §5), so 90 s leaves ARM room.
    pub request_timeout: Duration,
    /// One token from the credential (the Azure CLI behind `DeveloperToolsCredential` can be
    /// slow, an unreachable IMDS hangs).
    pub token_timeout: Duration,
    /// A whole call: tokens, every attempt, the waits between them and the body. A retry whose
    /// wait would end past it is not attempted.
    pub call_timeout: Duration,
    /// Pages a list may have before the client gives up on it (a `nextLink` that never ends).
    pub max_pages: usize,
    /// Retries.
    pub retry: RetryPolicy,
}

impl Default for ArmClientSettings {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(90),
            token_timeout: Duration::from_secs(30),
            call_timeout: Duration::from_secs(300),
            max_pages: 1000,
            retry: RetryPolicy::default(),
        }
    }
}
