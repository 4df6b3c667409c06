//! [`SignInRequired`]: the user an ARM call acts for must sign in again before Azure accepts
//! calls on their behalf. It travels inside an `azure_core::Error` from the credential to the
//! ARM client, which turns it back into [`crate::arm::ArmClientError::SignInRequired`].

use super::UserKey;
use thiserror::Error;

/// Why a user's calls cannot go to Azure until they sign in again. The text names no token and
/// no secret: it reaches the user (a job's banner) and the log.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error(
    "Azure no longer accepts the sign-in of {user}; they must sign in to the dashboard again ({reason})"
)]
pub struct SignInRequired {
    /// The user, `tid/oid`.
    pub user: String,
    /// Why, in words.
    pub reason: String,
}

impl SignInRequired {
    /// Nothing is stored for the user (they signed in before tokens were kept, or in service
    /// mode, or their tokens were forgotten).
    pub fn no_token(user: &UserKey) -> Self {
        Self {
            user: user.to_string(),
            reason: "no sign-in of theirs is kept".into(),
        }
    }

    /// Entra refused the stored refresh token just now. `description` is Entra's
    /// `error_description`, whose first line holds the AADSTS code and its meaning (its trace
    /// and correlation lines are dropped).
    pub fn refused(user: &UserKey, description: &str) -> Self {
        let first_line = description.lines().next().unwrap_or_default().trim();
        Self {
            user: user.to_string(),
            reason: if first_line.is_empty() {
                "Entra refused their refresh token".into()
            } else {
                first_line.chars().take(300).collect()
            },
        }
    }

    /// Entra refused this very refresh token before; it is not sent again.
    pub fn refused_before(user: &UserKey) -> Self {
        Self {
            user: user.to_string(),
            reason: "Entra refused their refresh token earlier".into(),
        }
    }
}

impl From<SignInRequired> for azure_core::Error {
    fn from(error: SignInRequired) -> Self {
        azure_core::Error::new(azure_core::error::ErrorKind::Credential, error)
    }
}
