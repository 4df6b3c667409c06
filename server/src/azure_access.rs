//! Who Azure sees (docs/PRODUCT.md "Who Azure sees"): for every ARM call a user's request or
//! job makes, [`AzureAccess`] gives the ARM client carrying the right identity, the key its
//! cached answers are kept under, and the service mode's allow-list check.
//!
//! - **On behalf of users** (the default): the client carries the user's own token
//!   ([`crate::on_behalf`]), so Azure's RBAC decides what each user may do, and cached reads
//!   are kept per user, because two users may see different things.
//! - **Service**: the client carries the dashboard's own identity; what a user may use is the
//!   allow-list of their app roles' subscriptions ([`SubscriptionAllowList`]). Configured
//!   service mode always has one; only the sandbox cloud and the tests run unrestricted.

use crate::arm::ArmClient;
use crate::error::ServiceError;
use crate::on_behalf::{UserKey, UserTokens};
use shared::caller::Caller;
use shared::preflight::ActingIdentity;
use shared::subscription_allow_list::SubscriptionAllowList;
use std::sync::Arc;
use std::time::Duration;

/// Whose identity ARM calls carry.
#[derive(Clone)]
enum Identity {
    /// Each user's own.
    OnBehalfOfUsers(Arc<UserTokens>),
    /// The dashboard's, limited to the allow-list when there is one.
    Service(Option<Arc<SubscriptionAllowList>>),
}

/// The ARM client for a caller, and the key their cached reads are kept under.
#[derive(Clone)]
pub struct CallerArm {
    /// Carries the identity the caller's calls go to Azure with.
    pub client: ArmClient,
    /// Whose answers these are: the user in on-behalf mode, the service otherwise.
    pub principal: Arc<str>,
    /// Whose permissions Azure applies to the calls.
    pub identity: ActingIdentity,
}

/// See the module documentation.
#[derive(Clone)]
pub struct AzureAccess {
    arm: ArmClient,
    identity: Identity,
}

/// The cache key of answers read with the service identity.
const SERVICE_PRINCIPAL: &str = "service";

impl AzureAccess {
    /// Calls on behalf of users: `arm` (whose own credential is then unused) with each user's
    /// token from `tokens`.
    pub fn on_behalf_of_users(arm: ArmClient, tokens: Arc<UserTokens>) -> Self {
        Self {
            arm,
            identity: Identity::OnBehalfOfUsers(tokens),
        }
    }

    /// Calls with `arm`'s own identity, each user limited to `allowed`.
    pub fn service(arm: ArmClient, allowed: SubscriptionAllowList) -> Self {
        Self {
            arm,
            identity: Identity::Service(Some(Arc::new(allowed))),
        }
    }

    /// Calls with `arm`'s own identity and no allow-list: the sandbox cloud's managed identity
    /// and the tests, never a configured deployment.
    pub fn unrestricted(arm: ArmClient) -> Self {
        Self {
            arm,
            identity: Identity::Service(None),
        }
    }

    /// Whether the dashboard's own ARM credential gives a token now: `None` when ARM calls carry
    /// each user's token instead (their sign-in is what must work then).
    pub async fn check_own_credential(&self) -> Option<Result<(), crate::arm::ArmClientError>> {
        match &self.identity {
            Identity::Service(_) => Some(self.arm.check_credential().await),
            Identity::OnBehalfOfUsers(_) => None,
        }
    }

    /// The client and cache key for `caller`.
    pub fn for_caller(&self, caller: &Caller) -> CallerArm {
        match &self.identity {
            Identity::OnBehalfOfUsers(tokens) => CallerArm {
                client: self.arm.acting_as(tokens.credential_for(caller)),
                principal: UserKey::of(caller).to_string().into(),
                identity: ActingIdentity::User,
            },
            Identity::Service(_) => CallerArm {
                client: self.arm.clone(),
                principal: SERVICE_PRINCIPAL.into(),
                identity: ActingIdentity::Dashboard,
            },
        }
    }

    /// `Forbidden` when service mode's allow-list keeps `caller` from `subscription_id`. On
    /// behalf of users, Azure itself decides, so everything passes here.
    pub fn check_subscription(
        &self,
        caller: &Caller,
        subscription_id: &str,
    ) -> Result<(), ServiceError> {
        match &self.identity {
            Identity::Service(Some(allowed)) if !allowed.permits(caller, subscription_id) => {
                Err(ServiceError::Forbidden(format!(
                    "Subscription {subscription_id} is not one this dashboard lets you use; an operator can add it to SERVICE_SUBSCRIPTIONS for one of your app roles."
                )))
            }
            _ => Ok(()),
        }
    }

    /// True when `caller` may use `subscription_id` (see [`AzureAccess::check_subscription`]).
    pub fn permits(&self, caller: &Caller, subscription_id: &str) -> bool {
        self.check_subscription(caller, subscription_id).is_ok()
    }

    /// Waits at most `limit` for a user to sign in again, after which a job that waits for its
    /// owner's sign-in tries again. In service mode nobody signs in for Azure: it just waits.
    pub async fn next_sign_in(&self, limit: Duration) {
        match &self.identity {
            Identity::OnBehalfOfUsers(tokens) => tokens.next_sign_in(limit).await,
            Identity::Service(_) => tokio::time::sleep(limit).await,
        }
    }
}

impl From<ArmClient> for AzureAccess {
    /// [`AzureAccess::unrestricted`].
    fn from(arm: ArmClient) -> Self {
        Self::unrestricted(arm)
    }
}
