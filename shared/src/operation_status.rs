//! The status of an ARM long-running operation.
//!
//! ARM defines three terminal states (Succeeded, Failed, Canceled); every other value, including
//! AKS's non-standard ones such as `ProvisionControlPlane`, means "still running"
//! (docs/ARM_FACTS.md §1, "ARM generic LRO rules"). An operation read whose answer carries no
//! `status` at all is [`OperationState::Unknown`]: it says nothing of the outcome, so only the
//! resource itself can (docs/ARM_FACTS.md §1, "A status read without a status").

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
    /// The status URL answered 2xx without a `status` (a `Location` URL's final answer carries
    /// the resource, or nothing): neither running nor finished as far as this read tells, so the
    /// caller reads the resource to decide. [`OperationState::parse`] never returns it.
    Unknown,
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
        matches!(self, Self::Succeeded | Self::Failed | Self::Canceled)
    }

    /// The value as ARM spells it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Succeeded => "Succeeded",
            Self::Failed => "Failed",
            Self::Canceled => "Canceled",
            Self::Running(value) => value,
            Self::Unknown => "Unknown",
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

    #[test]
    fn unknown_is_neither_running_nor_terminal() {
        assert!(!OperationState::Unknown.is_terminal());
        assert_ne!(OperationState::parse("Unknown"), OperationState::Unknown);
    }
}
