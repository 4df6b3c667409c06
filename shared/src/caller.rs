//! Who is using the dashboard: the signed-in person every page, server function and API route
//! acts for, and the app role that lets an administrator see and stop everyone's jobs.

use serde::{Deserialize, Serialize};

/// The app role (its `value` in the Entra app registration, carried in the ID token's `roles`)
/// that lets a user see every user's running and failed jobs and stop any of them.
pub const ADMIN_ROLE: &str = "Dashboard.Admin";

/// The signed-in caller. A person is their tenant and object id together (`tid` + `oid`): an
/// object id is only unique within its tenant.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caller {
    /// The Entra tenant the person signed in from (`tid`). Empty only on jobs written before
    /// tenants were recorded.
    pub tenant_id: String,
    /// Stable id of the person within the tenant (`oid`).
    pub object_id: String,
    /// Name shown in the UI.
    pub display_name: String,
    /// App roles granted to the person in the dashboard's app registration.
    pub roles: Vec<String>,
}

impl Caller {
    /// True when the caller holds [`ADMIN_ROLE`].
    pub fn is_admin(&self) -> bool {
        self.roles.iter().any(|role| role == ADMIN_ROLE)
    }

    /// True when `owner` (as a job recorded it) is this caller. A job recorded before tenants
    /// were (empty tenant) is matched by object id alone, so its owner keeps it.
    pub fn is(&self, owner: &Caller) -> bool {
        self.object_id == owner.object_id
            && (owner.tenant_id.is_empty() || owner.tenant_id == self.tenant_id)
    }
}

/// What the sign-in page offers: one way in, the OpenID sign-in, whose provider is the sandbox
/// cloud's Entra-shaped one (listing its demo users) in sandbox mode and Entra ID otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInChoice {
    /// The provider is the sandbox cloud's.
    pub sandbox: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(tenant: &str, oid: &str) -> Caller {
        Caller {
            tenant_id: tenant.into(),
            object_id: oid.into(),
            ..Caller::default()
        }
    }

    #[test]
    fn a_person_is_their_tenant_and_object_id() {
        let alice = person("t1", "o1");
        assert!(alice.is(&person("t1", "o1")));
        assert!(!alice.is(&person("t2", "o1")), "same oid, other tenant");
        assert!(!alice.is(&person("t1", "o2")));
        assert!(alice.is(&person("", "o1")), "a job from before tenants");
    }

    #[test]
    fn only_the_admin_role_makes_an_administrator() {
        let mut dana = person("t1", "o4");
        assert!(!dana.is_admin());
        dana.roles = vec!["Dashboard.Reader".into(), ADMIN_ROLE.into()];
        assert!(dana.is_admin());
        dana.roles = vec!["dashboard.admin".into()];
        assert!(
            !dana.is_admin(),
            "role values are compared exactly, as Entra issues them"
        );
    }
}
