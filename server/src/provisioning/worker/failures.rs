//! How the worker words a failure: ARM's innermost code and message with its raw text, a
//! Failed or Canceled operation, an interrupted follow, and a name another cluster holds.

use super::Stop;
use crate::arm::{ArmClientError, OperationPoll};
use crate::provisioning::follower::Interrupted;
use shared::arm_error::ArmError;
use shared::operation_status::OperationState;
use shared::progress::TaskFailure;
use shared::provision::ProvisionRequest;

/// The failure of a create whose own cluster is gone from Azure.
pub(super) fn vanished() -> TaskFailure {
    TaskFailure {
        classification: None,
        code: "ResourceNotFound".into(),
        message: "The cluster disappeared from Azure while it was being created.".into(),
        raw: String::new(),
    }
}

/// The failure of a create whose name another cluster, not created by this job, holds.
pub(super) fn name_taken(request: &ProvisionRequest) -> TaskFailure {
    TaskFailure {
        classification: None,
        code: "ResourceAlreadyExists".into(),
        message: format!(
            "A cluster named {} already exists in resource group {} and was not created by this attempt; the dashboard never overwrites or touches an existing cluster.",
            request.cluster_name, request.resource_group
        ),
        raw: String::new(),
    }
}

impl From<Interrupted> for Stop {
    fn from(interrupted: Interrupted) -> Self {
        match interrupted {
            Interrupted::Stopped => Self::Cancelled,
            Interrupted::TimedOut(limit) => Self::Failed(TaskFailure {
                classification: None,
                code: "ProvisioningTimedOut".into(),
                message: format!(
                    "The create did not finish within {} minutes; check the cluster in the Azure portal.",
                    limit.as_secs() / 60
                ),
                raw: String::new(),
            }),
            Interrupted::Unreadable(error) => azure_failure(error),
        }
    }
}

/// A failed call as the job's failure: ARM's innermost code and message, and its raw text.
pub(super) fn azure_failure(error: ArmClientError) -> Stop {
    Stop::Failed(match error {
        ArmClientError::SignInRequired(required) => return Stop::SignInRequired(required),
        ArmClientError::Arm(error) => arm_failure(&error),
        other => {
            let text = crate::error::shown_to_users(&other);
            TaskFailure {
                classification: None,
                code: "AzureUnavailable".into(),
                message: text.clone(),
                raw: text,
            }
        }
    })
}

fn arm_failure(error: &ArmError) -> TaskFailure {
    let (code, message) = error.innermost();
    TaskFailure {
        classification: None,
        code: code.to_owned(),
        message: message.to_owned(),
        raw: error.raw.clone(),
    }
}

/// The failure of a Failed or Canceled operation.
pub(super) fn operation_failure(poll: &OperationPoll) -> TaskFailure {
    match &poll.error {
        Some(error) => arm_failure(error),
        None if poll.state == OperationState::Canceled => TaskFailure {
            classification: None,
            code: "OperationCanceled".into(),
            message: "Azure reports that the create was canceled.".into(),
            raw: String::new(),
        },
        None => TaskFailure {
            classification: None,
            code: "OperationFailed".into(),
            message: "Azure reports that the create failed, without saying why.".into(),
            raw: String::new(),
        },
    }
}
