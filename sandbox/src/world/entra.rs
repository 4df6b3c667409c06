//! The world's directory and who may do what: the `[entra]` section (demo users, registered
//! applications, token lifetimes) that the sandbox's Entra-shaped OpenID provider serves, and the
//! `[[role_assignments]]` (Azure RBAC built-in roles at subscription or resource-group scope)
//! that its ARM checks every request against (docs/ARM_FACTS.md §10–§11).

use serde::Deserialize;
use url::Url;

/// The directory the provider signs users in from.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntraConfig {
    /// Users listed on the sign-in page.
    #[serde(default)]
    pub users: Vec<DemoUser>,
    /// Registered applications (OpenID relying parties).
    #[serde(default)]
    pub applications: Vec<Application>,
    /// Lifetime of ID tokens (Entra: one hour).
    #[serde(default = "one_hour")]
    pub id_token_lifetime_seconds: u64,
    /// Lifetime of access tokens (Entra: 60–90 minutes; one hour here).
    #[serde(default = "one_hour")]
    pub access_token_lifetime_seconds: u64,
    /// Inactivity lifetime of refresh tokens (Entra: 90 days).
    #[serde(default = "ninety_days")]
    pub refresh_token_lifetime_seconds: u64,
    /// Lifetime of authorization codes (Entra: about ten minutes).
    #[serde(default = "ten_minutes")]
    pub authorization_code_lifetime_seconds: u64,
}

impl Default for EntraConfig {
    fn default() -> Self {
        Self {
            users: Vec::new(),
            applications: Vec::new(),
            id_token_lifetime_seconds: one_hour(),
            access_token_lifetime_seconds: one_hour(),
            refresh_token_lifetime_seconds: ninety_days(),
            authorization_code_lifetime_seconds: ten_minutes(),
        }
    }
}

fn one_hour() -> u64 {
    3600
}

fn ninety_days() -> u64 {
    90 * 24 * 3600
}

fn ten_minutes() -> u64 {
    600
}

/// A user of the sandbox's directory.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoUser {
    /// Short name used by the sign-in page, `login_hint` and the control routes (`alice`).
    pub key: String,
    /// Display name (`name` claim).
    pub display_name: String,
    /// Object id (`oid` claim), what ARM's role assignments name.
    pub object_id: String,
    /// User principal name (`preferred_username`, `upn`), e.g. `alice@contoso.example`.
    pub username: String,
    /// App role values assigned to the user (in the `roles` claim of apps that define them).
    #[serde(default)]
    pub app_roles: Vec<String>,
}

/// A registered application (a confidential web client).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    /// Name shown on the sign-in page.
    pub display_name: String,
    /// Application (client) id.
    pub client_id: String,
    /// Its client secret (client_secret_post or client_secret_basic).
    pub client_secret: String,
    /// Registered redirect URIs. As in Entra, the port of a loopback (`localhost`, `127.0.0.1`)
    /// URI is ignored when a request's `redirect_uri` is matched against it.
    pub redirect_uris: Vec<String>,
    /// App role values the application defines.
    #[serde(default)]
    pub app_roles: Vec<String>,
    /// Federated identity credentials: tokens of another issuer (a Kubernetes service account's,
    /// for workload identity on AKS) that authenticate the application as a `client_assertion`.
    #[serde(default)]
    pub federated_credentials: Vec<FederatedCredential>,
}

/// A federated identity credential of an application.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FederatedCredential {
    /// The assertion's `iss` (e.g. the AKS cluster's OIDC issuer URL), compared case-sensitively.
    pub issuer: String,
    /// The assertion's `sub` (e.g. `system:serviceaccount:{namespace}:{name}`).
    pub subject: String,
    /// Accepted `aud` values; Entra's default is `api://AzureADTokenExchange`.
    #[serde(default = "token_exchange_audiences")]
    pub audiences: Vec<String>,
    /// The issuer's RS256 public key (Entra fetches it from the issuer's JWKS; the sandbox, which
    /// fetches nothing, is given it).
    pub key: PublicKey,
}

/// An RSA public key as a JWK's members.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicKey {
    /// Modulus, base64url.
    pub n: String,
    /// Exponent, base64url (`AQAB`).
    pub e: String,
}

fn token_exchange_audiences() -> Vec<String> {
    vec!["api://AzureADTokenExchange".to_owned()]
}

/// An Azure built-in role the sandbox knows.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub enum BuiltInRole {
    /// Everything, including role assignments.
    Owner,
    /// Everything except granting access (`*` with Contributor's notActions).
    Contributor,
    /// `*/read`.
    Reader,
}

/// A role assignment: `principal_id` holds `role` at `scope` and everything below it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleAssignment {
    /// Object id of the user or managed identity.
    pub principal_id: String,
    /// The role.
    pub role: BuiltInRole,
    /// `/subscriptions/{id}` or `/subscriptions/{id}/resourceGroups/{name}`.
    pub scope: String,
}

impl EntraConfig {
    /// The user whose key, username or object id is `hint` (case-insensitive).
    pub fn user(&self, hint: &str) -> Option<&DemoUser> {
        let hint = hint.trim();
        self.users.iter().find(|u| {
            u.key.eq_ignore_ascii_case(hint)
                || u.username.eq_ignore_ascii_case(hint)
                || u.object_id.eq_ignore_ascii_case(hint)
        })
    }

    /// The application of this client id (case-insensitive, as Entra compares GUIDs).
    pub fn application(&self, client_id: &str) -> Option<&Application> {
        self.applications
            .iter()
            .find(|a| a.client_id.eq_ignore_ascii_case(client_id.trim()))
    }

    /// Why this directory cannot be served, if it cannot.
    pub(super) fn problem(&self) -> Option<String> {
        for (i, user) in self.users.iter().enumerate() {
            if self.users[..i]
                .iter()
                .any(|u| u.key.eq_ignore_ascii_case(&user.key))
            {
                return Some(format!("entra user key {} is used twice", user.key));
            }
            if let Some(role) = user
                .app_roles
                .iter()
                .find(|r| !self.applications.iter().any(|a| a.app_roles.contains(r)))
            {
                return Some(format!(
                    "entra user {} holds app role {role}, which no application defines",
                    user.key
                ));
            }
        }
        for app in &self.applications {
            if let Some(bad) = app.redirect_uris.iter().find(|u| Url::parse(u).is_err()) {
                return Some(format!(
                    "application {} has a redirect URI that is not a URL: {bad}",
                    app.client_id
                ));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::{DEFAULT_WORLD_TOML, World};

    #[test]
    fn the_default_directory_tells_each_persons_story() {
        let world = World::default_world().expect("default world");
        let holds = |user: &str, role: BuiltInRole, scope_end: &str| {
            let oid = &world.entra.user(user).expect("user").object_id;
            world
                .role_assignments
                .iter()
                .any(|a| a.principal_id == *oid && a.role == role && a.scope.ends_with(scope_end))
        };
        assert!(holds(
            "alice",
            BuiltInRole::Contributor,
            "1f0e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
        ));
        assert!(holds(
            "bob",
            BuiltInRole::Reader,
            "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f"
        ));
        assert!(holds(
            "carol",
            BuiltInRole::Contributor,
            "/resourceGroups/rg-carol"
        ));
        assert_eq!(
            world.entra.user("dana").expect("dana").app_roles,
            ["Dashboard.Admin"]
        );
        assert!(
            world
                .role_assignments
                .iter()
                .filter(|a| a.principal_id == world.identity.principal_object_id)
                .count()
                == 2,
            "the managed identity on both subscriptions"
        );
    }

    #[test]
    fn assignments_and_app_roles_must_name_what_exists() {
        let broken = DEFAULT_WORLD_TOML.replace(
            "scope = \"/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/rg-carol\"",
            "scope = \"/subscriptions/00000000-0000-0000-0000-000000000000\"",
        );
        let error = World::from_toml(&broken).unwrap_err();
        assert!(
            error.to_string().contains("unknown subscription"),
            "{error}"
        );
        let broken = DEFAULT_WORLD_TOML.replacen(
            "app_roles = [\"Dashboard.Admin\"]\n\n#",
            "app_roles = [\"Nobody.Defines\"]\n\n#",
            1,
        );
        let error = World::from_toml(&broken).unwrap_err();
        assert!(error.to_string().contains("Nobody.Defines"), "{error}");
    }
}
