//! The services' error type, and the one place that turns it into what the UI sees.
//!
//! Services (provisioning, catalogue, pre-flight) return [`ServiceError`]; ARM, store and
//! request-validation failures convert into it with `From`, so call sites use `?`. The backend
//! adapter hands it to the UI's [`AppError`] through the single `From` impl below, which decides
//! what a caller may learn: Azure's own errors reach the user as Azure said them, an unreachable
//! Azure says so, a credential failure says only that no token could be had, and everything internal (the database, an unreadable ARM answer) is logged
//! here and answered as a generic [`AppError::Internal`].

use crate::arm::ArmClientError;
use crate::store::StoreError;
use app::error::AppError;
use shared::naming::NameError;
use shared::preflight::PreflightReport;
use shared::provision::FieldError;
use thiserror::Error;

/// Why a service call failed.
#[derive(Debug, Error)]
pub enum ServiceError {
    /// A request field is missing or malformed.
    #[error("{}: {}", .0.field, .0.message)]
    Validation(FieldError),
    /// The thing asked for does not exist (or was never visible to this caller).
    #[error("{0}")]
    NotFound(String),
    /// The thing exists but belongs to someone else.
    #[error("{0}")]
    Forbidden(String),
    /// The request collides with something in progress, or with the thing's state.
    #[error("{0}")]
    Conflict(String),
    /// The server's own pre-flight failed a row: the create would fail on Azure.
    #[error("the pre-flight checks failed")]
    PreflightFailed(Box<PreflightReport>),
    /// An ARM call failed.
    #[error(transparent)]
    Arm(#[from] ArmClientError),
    /// The job store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The row of a task the service had just read is gone: a store invariant broke.
    #[error("the job row of task {0} vanished")]
    Vanished(String),
}

impl From<FieldError> for ServiceError {
    fn from(error: FieldError) -> Self {
        Self::Validation(error)
    }
}

/// `value` when `validate` accepts it, else the validation error naming `field`.
pub fn checked<'a>(
    value: &'a str,
    field: &str,
    validate: fn(&str) -> Result<(), NameError>,
) -> Result<&'a str, ServiceError> {
    validate(value).map_err(|error| {
        ServiceError::Validation(FieldError {
            field: field.to_owned(),
            message: error.to_string(),
        })
    })?;
    Ok(value)
}

/// What a user is told when no access token could be had (the reason is in the server log).
pub const CREDENTIAL_FAILURE: &str = "the dashboard could not obtain an Azure access token; an operator can find details in the server log";

/// What a user may read of an ARM client failure (an error card, a job's failure, a pre-flight
/// row): the error's own words, except a credential failure's, which are logged here and
/// replaced by [`CREDENTIAL_FAILURE`].
pub fn shown_to_users(error: &ArmClientError) -> String {
    match error {
        ArmClientError::Credential(detail) => {
            tracing::error!(%detail, "could not obtain an Azure access token");
            CREDENTIAL_FAILURE.to_owned()
        }
        other => other.to_string(),
    }
}

impl From<ArmClientError> for AppError {
    /// ARM's own errors reach the user; a transport failure says Azure is unavailable; a
    /// credential failure says so in general words, because its text can name tenants, client
    /// ids, token endpoints or a developer's `az` output: the detail goes to the log only. An
    /// unreadable answer or a refused URL is logged and hidden.
    fn from(error: ArmClientError) -> Self {
        match error {
            ArmClientError::Arm(error) => Self::Azure(error),
            ArmClientError::Credential(_) | ArmClientError::Transport(_) => {
                Self::AzureUnavailable(shown_to_users(&error))
            }
            ArmClientError::SignInRequired(required) => {
                tracing::info!(%required, "the caller must sign in again");
                Self::SignInAgain
            }
            ArmClientError::Decode(_) => {
                tracing::error!(%error, "unreadable ARM response");
                Self::Internal
            }
            ArmClientError::UntrustedUrl(_) => {
                tracing::error!(%error, "ARM URL refused");
                Self::Internal
            }
        }
    }
}

impl From<ServiceError> for AppError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Validation(error) => error.into(),
            ServiceError::NotFound(message) => Self::NotFound(message),
            ServiceError::Forbidden(message) => Self::Forbidden(message),
            ServiceError::Conflict(message) => Self::Conflict(message),
            ServiceError::PreflightFailed(report) => Self::PreflightFailed(report),
            ServiceError::Arm(error) => error.into(),
            ServiceError::Store(error) => {
                tracing::error!(%error, "job store failed");
                Self::Internal
            }
            ServiceError::Vanished(task_id) => {
                tracing::error!(%task_id, "job row vanished while it was being changed");
                Self::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::arm_error::ArmError;

    #[test]
    fn azure_errors_keep_their_code_and_internal_ones_say_nothing() {
        let arm = ArmError::from_response(
            409,
            r#"{"error":{"code":"OperationNotAllowed","message":"busy"}}"#,
        );
        let shown = AppError::from(ServiceError::from(ArmClientError::Arm(Box::new(arm))));
        assert_eq!(
            (shown.code(), shown.status_code()),
            ("OperationNotAllowed".into(), 409)
        );
        let unreachable = AppError::from(ServiceError::from(ArmClientError::Transport(
            "connection refused".into(),
        )));
        assert_eq!(unreachable.status_code(), 503);
        let credential = AppError::from(ServiceError::from(ArmClientError::Credential(
            "AADSTS7000215: Invalid client secret provided for app 0d1e…".into(),
        )));
        assert_eq!(
            credential,
            AppError::AzureUnavailable(CREDENTIAL_FAILURE.to_owned()),
            "the credential's own words stay in the log"
        );
        let decode = AppError::from(ServiceError::from(ArmClientError::Decode("x".into())));
        assert_eq!(decode, AppError::Internal);
        let store = AppError::from(ServiceError::from(StoreError::UnsupportedUrl("x".into())));
        assert_eq!(store, AppError::Internal);
    }

    #[test]
    fn a_bad_name_names_its_field() {
        let error = checked(
            "not a guid",
            "subscription_id",
            shared::naming::validate_subscription_id,
        )
        .map(str::to_owned)
        .map_err(AppError::from);
        assert!(
            matches!(&error, Err(AppError::Validation { field, .. }) if field == "subscription_id"),
            "{error:?}"
        );
    }
}
