//! Service mode's allow-list (docs/PRODUCT.md "Who Azure sees"): when the dashboard acts with
//! its own Azure identity instead of each user's, Azure's RBAC no longer tells users apart, so
//! an operator names, per app role, the subscriptions its holders may use. Without a list the
//! dashboard refuses to start in service mode.
//!
//! Written as `SERVICE_SUBSCRIPTIONS` in one line: `role=subscription,subscription;role=…`,
//! where the role is an app role value from the ID token's `roles` (`Dashboard.Admin`) or `*`
//! for every signed-in user; a user may use the union of their roles' subscriptions.

use crate::caller::Caller;
use crate::naming::validate_subscription_id;
use std::collections::BTreeSet;
use thiserror::Error;

/// The role name that stands for every signed-in user.
pub const EVERY_USER: &str = "*";

/// Subscriptions per app role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscriptionAllowList {
    /// (role, lower-case subscription ids), in the order written.
    grants: Vec<(String, BTreeSet<String>)>,
}

/// Why an allow-list does not parse.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum AllowListError {
    /// Nothing was written.
    #[error(
        "SERVICE_SUBSCRIPTIONS is empty: name the subscriptions each app role may use, e.g. `*=<subscription id>;Dashboard.Admin=<id>,<id>`"
    )]
    Empty,
    /// An entry is not `role=ids`.
    #[error("SERVICE_SUBSCRIPTIONS entry {0:?} is not `role=subscription,…`")]
    Malformed(String),
    /// A subscription id is not a GUID.
    #[error(
        "SERVICE_SUBSCRIPTIONS names {id:?} for {role}, which is not a subscription id: {reason}"
    )]
    BadSubscription {
        /// The role it was listed for.
        role: String,
        /// What was written.
        id: String,
        /// Why it is refused.
        reason: String,
    },
}

impl SubscriptionAllowList {
    /// Parses `role=id,id;role=id` (whitespace around parts ignored).
    pub fn parse(text: &str) -> Result<Self, AllowListError> {
        let mut grants: Vec<(String, BTreeSet<String>)> = Vec::new();
        for entry in text.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let (role, ids) = entry
                .split_once('=')
                .map(|(role, ids)| (role.trim(), ids))
                .filter(|(role, _)| !role.is_empty())
                .ok_or_else(|| AllowListError::Malformed(entry.to_owned()))?;
            let mut subscriptions = BTreeSet::new();
            for id in ids.split(',').map(str::trim).filter(|id| !id.is_empty()) {
                validate_subscription_id(id).map_err(|reason| AllowListError::BadSubscription {
                    role: role.to_owned(),
                    id: id.to_owned(),
                    reason: reason.to_string(),
                })?;
                subscriptions.insert(id.to_ascii_lowercase());
            }
            if subscriptions.is_empty() {
                return Err(AllowListError::Malformed(entry.to_owned()));
            }
            match grants.iter_mut().find(|(known, _)| known == role) {
                Some((_, known)) => known.extend(subscriptions),
                None => grants.push((role.to_owned(), subscriptions)),
            }
        }
        if grants.is_empty() {
            return Err(AllowListError::Empty);
        }
        Ok(Self { grants })
    }

    /// True when `caller` may use `subscription_id` (any case).
    pub fn permits(&self, caller: &Caller, subscription_id: &str) -> bool {
        let id = subscription_id.to_ascii_lowercase();
        self.grants_of(caller).any(|ids| ids.contains(&id))
    }

    fn grants_of<'a>(&'a self, caller: &'a Caller) -> impl Iterator<Item = &'a BTreeSet<String>> {
        self.grants
            .iter()
            .filter(|(role, _)| role == EVERY_USER || caller.roles.iter().any(|r| r == role))
            .map(|(_, ids)| ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUB_A: &str = "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f";
    const SUB_B: &str = "1f0e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

    fn with_roles(roles: &[&str]) -> Caller {
        Caller {
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            ..Caller::default()
        }
    }

    #[test]
    fn each_role_reaches_its_own_subscriptions_and_everyone_the_shared_ones() {
        let list = SubscriptionAllowList::parse(&format!(
            " *={SUB_A} ; Dashboard.Admin={},{SUB_A} ",
            SUB_B.to_uppercase()
        ))
        .expect("parses");
        let user = with_roles(&[]);
        let admin = with_roles(&["Dashboard.Admin"]);
        assert!(list.permits(&user, SUB_A));
        assert!(!list.permits(&user, SUB_B));
        assert!(list.permits(&admin, SUB_B), "ids compare in any case");
        assert!(list.permits(&admin, &SUB_A.to_uppercase()));
    }

    #[test]
    fn without_an_every_user_entry_a_user_without_roles_reaches_nothing() {
        let list =
            SubscriptionAllowList::parse(&format!("Dashboard.Admin={SUB_A}")).expect("parses");
        assert!(!list.permits(&with_roles(&[]), SUB_A));
        assert!(
            !list.permits(&with_roles(&["dashboard.admin"]), SUB_A),
            "roles compare exactly"
        );
    }

    #[test]
    fn malformed_lists_are_refused_with_what_is_wrong() {
        assert_eq!(
            SubscriptionAllowList::parse(" ; "),
            Err(AllowListError::Empty)
        );
        assert!(matches!(
            SubscriptionAllowList::parse(SUB_A),
            Err(AllowListError::Malformed(_))
        ));
        assert!(matches!(
            SubscriptionAllowList::parse("*="),
            Err(AllowListError::Malformed(_))
        ));
        assert!(matches!(
            SubscriptionAllowList::parse(&format!("={SUB_A}")),
            Err(AllowListError::Malformed(_))
        ));
        let bad = SubscriptionAllowList::parse("*=not-a-guid").expect_err("refused");
        assert!(bad.to_string().contains("not-a-guid"), "{bad}");
    }
}
