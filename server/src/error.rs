//! The services' error type, and the one place that turns it into what the UI sees.
//!
//! Services (provisioning, catalogue, pre-flight) return [`ServiceError`]; ARM, store and
//! request-validation failures convert into it with `From`, so call sites use `?`. The backend
//! adapter hands it to the UI's [`AppError`] through the single `From` impl below, which decides
//! what a caller may learn: Azure's own errors reach the user as Azure said them, an unreachable
//! Azure says so, and everything internal (the database, an unreadable ARM answer) is logged
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

impl From<ArmClientError> for AppError {
    /// ARM's own errors reach the user; transport and credential failures say Azure is
    /// unavailable; an unreadable answer or a refused URL is logged and hidden.
    fn from(error: ArmClientError) -> Self {
        match error {
            ArmClientError::Arm(error) => Self::Azure(error),
            ArmClientError::Credential(_) | ArmClientError::Transport(_) => {
                Self::AzureUnavailable(error.to_string())
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
