//! The error every server function returns: typed for expected failures, generic for internal
//! ones (which the server logs and never shows).

use crate::api::text_json::TextJsonEncoding;
use serde::{Deserialize, Serialize};
use server_fn::error::{FromServerFnError, ServerFnErrorErr};
use shared::arm_error::ArmError;
use thiserror::Error;

/// An error a server function can return to the browser.
#[derive(Clone, Debug, PartialEq, Error, Serialize, Deserialize)]
pub enum AppError {
    /// Azure answered with an error; shown to the user as Azure said it.
    #[error("Azure returned {}: {}", .0.code, .0.message)]
    Azure(Box<ArmError>),
    /// Azure could not be reached, or no token could be obtained.
    #[error("Azure is unavailable right now: {0}")]
    AzureUnavailable(String),
    /// A request field is missing or malformed.
    #[error("{message}")]
    Validation {
        /// The field, as the API names it.
        field: String,
        /// What is wrong, for the person who sent it.
        message: String,
    },
    /// The thing asked for does not exist (or was never visible to this caller).
    #[error("{0}")]
    NotFound(String),
    /// The thing exists but belongs to someone else.
    #[error("{0}")]
    Forbidden(String),
    /// The server's pre-flight found a row that fails: the create would fail on Azure.
    #[error("{}", .0.checks.iter().find(|c| c.status == shared::preflight::CheckStatus::Fail).map_or("The pre-flight checks failed.", |c| c.message.as_str()))]
    PreflightFailed(Box<shared::preflight::PreflightReport>),
    /// The request collides with something already in progress.
    #[error("{0}")]
    Conflict(String),
    /// The caller asked for more than the server allows at once (running creates, or requests
    /// in a short time); `retry_after_seconds` says when to try again.
    #[error("{message}")]
    TooManyRequests {
        /// What limit was reached, for the person who hit it.
        message: String,
        /// When to try again.
        retry_after_seconds: i64,
    },
    /// No signed-in caller (the session guard normally answers before this is reached).
    #[error("Sign in first.")]
    Unauthenticated,
    /// Azure no longer accepts the caller's sign-in (their refresh token was revoked or
    /// expired): they must sign in to the dashboard again before it can act for them.
    #[error("Your Azure sign-in has ended. Sign in again to continue.")]
    SignInAgain,
    /// Something failed on the server; details are in the server log only.
    #[error("Something went wrong on the server. Please try again.")]
    Internal,
    /// The call did not reach the server function or its answer could not be read.
    #[error("The request failed: {0}")]
    Request(String),
}

impl AppError {
    /// The HTTP status this error answers with.
    pub fn status_code(&self) -> u16 {
        match self {
            // ARM's own status where it names the caller's problem; 502 for the rest.
            Self::Azure(error) if matches!(error.status, 400 | 403 | 404 | 409 | 412 | 429) => {
                error.status
            }
            Self::Azure(_) => 502,
            Self::AzureUnavailable(_) => 503,
            Self::Validation { .. } => 400,
            Self::Unauthenticated | Self::SignInAgain => 401,
            Self::Forbidden(_) => 403,
            Self::NotFound(_) => 404,
            Self::Conflict(_) => 409,
            Self::PreflightFailed(_) => 422,
            Self::TooManyRequests { .. } => 429,
            Self::Internal | Self::Request(_) => 500,
        }
    }

    /// A stable machine-readable code for API answers (`{code, message}`).
    pub fn code(&self) -> String {
        match self {
            Self::Azure(error) => error.code.clone(),
            Self::AzureUnavailable(_) => "azure_unavailable".into(),
            Self::Validation { .. } => "validation".into(),
            Self::NotFound(_) => "not_found".into(),
            Self::Forbidden(_) => "forbidden".into(),
            Self::Conflict(_) => "conflict".into(),
            Self::PreflightFailed(_) => "preflight_failed".into(),
            Self::TooManyRequests { .. } => "too_many_requests".into(),
            Self::Unauthenticated => "unauthenticated".into(),
            Self::SignInAgain => "sign_in_again".into(),
            Self::Internal => "internal".into(),
            Self::Request(_) => "request_failed".into(),
        }
    }
}

impl From<shared::provision::FieldError> for AppError {
    fn from(error: shared::provision::FieldError) -> Self {
        Self::Validation {
            field: error.field,
            message: error.message,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = TextJsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Request(value.to_string())
    }
}
