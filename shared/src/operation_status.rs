//! The status of an ARM long-running operation.
//!
//! ARM defines three terminal states (Succeeded, Failed, Canceled); every other value, including
//! AKS's non-standard ones such as `ProvisionControlPlane`, means "still running"
//! (docs/ARM_FACTS.md §1, "ARM generic LRO rules").

use serde::{Deserialize, Serialize};

/// Where a long-running operation (or a resource's provisioningState) stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OperationState {
    /// Finished successfully.
    Succeeded,
    /// Finished with an error.
    Failed,
    /// Stopped before it finished (for AKS: after "abort latest operation").
    Canceled,
    /// Any other value: the operation is still running. Holds the value ARM sent.
    Running(String),
}

impl OperationState {
    /// Reads a status string; terminal values match case-insensitively.
    pub fn parse(value: &str) -> Self {
        let trimmed = value.trim();
        if trimmed.eq_ignore_ascii_case("Succeeded") {
            Self::Succeeded
        } else if trimmed.eq_ignore_ascii_case("Failed") {
            Self::Failed
        } else if trimmed.eq_ignore_ascii_case("Canceled")
            || trimmed.eq_ignore_ascii_case("Cancelled")
        {
            Self::Canceled
        } else {
            Self::Running(trimmed.to_owned())
        }
    }

    /// True for Succeeded, Failed and Canceled.
    pub fn is_terminal(&self) -> bool {
        !matches!(self, Self::Running(_))
    }

    /// The value as ARM spells it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Succeeded => "Succeeded",
            Self::Failed => "Failed",
            Self::Canceled => "Canceled",
            Self::Running(value) => value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("Succeeded", OperationState::Succeeded)]
    #[case("succeeded", OperationState::Succeeded)]
    #[case("Failed", OperationState::Failed)]
    #[case("Canceled", OperationState::Canceled)]
    #[case("Cancelled", OperationState::Canceled)]
    #[case("InProgress", OperationState::Running("InProgress".into()))]
    #[case("ProvisionControlPlane", OperationState::Running("ProvisionControlPlane".into()))]
    #[case("Canceling", OperationState::Running("Canceling".into()))]
    #[case("", OperationState::Running(String::new()))]
    fn parses_terminal_and_running_values(#[case] raw: &str, #[case] expected: OperationState) {
        let state = OperationState::parse(raw);
        assert_eq!(
            state.is_terminal(),
            !matches!(expected, OperationState::Running(_))
        );
        assert_eq!(state, expected);
    }
}
