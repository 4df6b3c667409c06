//! Process configuration from the environment.
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `DASHBOARD_CLOUD` | `sandbox` (built-in simulator) or `azure` | `sandbox` |
//! | `ARM_BASE_URL` | ARM endpoint in `azure` mode (https, or http on loopback: the ARM client refuses others) | `https://management.azure.com` |
//! | `AZURE_CREDENTIAL` | `developer-tools`, `managed-identity`, `workload-identity`, `client-secret` | `developer-tools` |
//! | `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET` | for `client-secret` | — |
//! | `ARM_API_VERSION_AKS`, `…_RESOURCES`, `…_SUBSCRIPTIONS`, `…_SKUS`, `…_USAGES`, `…_AUTHORIZATION`, `…_NETWORK`, `…_POLICY` | api-versions | see [`ApiVersions`] |
//! | `DATABASE_URL` | the job store: `sqlite://…` (one process) or `postgres://…` (several replicas; `?sslmode=require` for a managed server) | `sqlite://data/dashboard.db` |
//! | `POLL_INTERVAL_SECONDS` | wait between reads of a create or delete when ARM sends no `Retry-After` | `30` (azure_core's default) |
//! | `SANDBOX_URL` | sandbox mode: a standalone sandbox (`server sandbox --listen …`, its `ARM_BASE_URL`) to use instead of one in this process; several replicas share it | — |
//! | `LOG_FORMAT` | `json`: one JSON object per log line (read by `main`) | text |
//! | `METRICS_TOKEN` | a bearer token `/metrics` then requires (a secret, read by `main`) | — (public) |
//! | `LEASE_TTL_SECONDS` | how long a replica's lease on a running job or deletion lasts unless its sweep (every third of it) renews it: a replica that dies loses its work to another after about this long | `10` |
//! | `SHUTDOWN_GRACE_SECONDS` | how long a shutdown waits for open requests (`shutdown` module) | 20 |
//! | `DEFAULT_REGION` | the region the create form starts on, where the subscription is offered AKS there (`shared::region::mark_recommended`) | the first offered of eastus, eastus2, westus2, westeurope, … |
//! | `MAX_RUNNING_JOBS_PER_USER` | running creates one caller may have | 10 |
//! | `RATE_LIMIT_WRITES_PER_MINUTE` | creates, cancels, deletes and dismisses per caller per minute (also the burst) | 30 |
//! | `RATE_LIMIT_PREFLIGHTS_PER_MINUTE` | pre-flights per caller per minute (also the burst) | 120 |
//! | `ENTRA_AUTHORITY` | azure mode: the Entra ID authority; discovery is `{authority}/{tenant}/v2.0/.well-known/openid-configuration` | `https://login.microsoftonline.com` |
//! | `ENTRA_TENANT_ID` | azure mode, required: the tenant GUID, or `organizations` / `common` for any work or school tenant | — |
//! | `ENTRA_CLIENT_ID` | azure mode, required: the dashboard's application (client) id | — |
//! | `ENTRA_CLIENT_SECRET` | azure mode: the application's client secret (this or the next is required) | — |
//! | `AZURE_FEDERATED_TOKEN_FILE` | azure mode without a secret: the federated token file AKS workload identity mounts, sent as the client assertion (read again for every token request) | — |
//! | `ENTRA_ALLOWED_TENANTS` | comma-separated tenant ids whose users may sign in; others get a 403 page; required for `organizations` / `common` | the configured tenant |
//! | `ENTRA_SCOPES` | scopes asked for at sign-in (space-separated) | `openid profile offline_access https://management.azure.com/user_impersonation` |
//! | `DASHBOARD_PUBLIC_URL` | azure mode, required: the dashboard's public origin; the redirect URI is `{url}/auth/callback`, the post-logout URI `{url}/sign-in` | — |
//! | `SESSION_SECRET` | 64 random bytes, base64: the token vault's key is derived from it (HKDF-SHA256) when `TOKEN_ENCRYPTION_KEY` is not set | — |
//! | `TOKEN_ENCRYPTION_KEY` | 32 random bytes, base64: the AES-256-GCM key of the refresh-token vault; without it or `SESSION_SECRET`, a random key (stored tokens die at restart) | — |
//! | `ARM_IDENTITY` | `user` (ARM calls on each user's behalf) or `service` (the dashboard's own identity); docs/PRODUCT.md "Who Azure sees" | `user` |
//! | `SERVICE_SUBSCRIPTIONS` | service mode's allow-list, `role=subscription,…;*=subscription` (required with `ARM_IDENTITY=service`) | — |
//!
//! `SESSION_SECRET` and `TOKEN_ENCRYPTION_KEY` are read by `main` (they are secrets and stay out
//! of [`Config`]'s `Debug`); the Entra settings become [`Config::oidc`].
//!
//! Sandbox mode keeps its cloud's state beside the database file: see [`Config::sandbox_state`].

mod entra;

use crate::arm::ApiVersions;
use crate::oidc::OidcSettings;
use crate::secret::Secret;
use shared::subscription_allow_list::{AllowListError, SubscriptionAllowList};
use std::path::PathBuf;
use std::time::Duration;
use thiserror::Error;
use url::Url;

/// Which cloud the ARM client talks to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CloudMode {
    /// The built-in sandbox cloud on a loopback port; nothing leaves the machine.
    Sandbox,
    /// Real ARM (or any ARM-compatible endpoint) with an `azure_identity` credential.
    Azure {
        /// ARM base URL.
        base_url: Url,
        /// Which credential to build.
        credential: CredentialKind,
    },
}

/// The `azure_identity` credential used in Azure mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialKind {
    /// `az login` / `azd auth login` on a developer machine.
    DeveloperTools,
    /// Managed identity (App Service protocol or IMDS).
    ManagedIdentity,
    /// Workload identity federation (AKS pods).
    WorkloadIdentity,
    /// A service principal's client secret.
    ClientSecret {
        /// Tenant id.
        tenant_id: String,
        /// Application (client) id.
        client_id: String,
    },
}

/// Per-caller limits (docs/PRODUCT.md "Limits and hardening"); each is at least 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Running (unfinished) creates one caller may have; one more is refused with 429.
    pub max_running_jobs: u32,
    /// Writes (create, cancel, delete partial cluster, dismiss) per caller per minute, which is
    /// also the burst allowed at once.
    pub writes_per_minute: u32,
    /// Pre-flights per caller per minute, also the burst (the modal runs one per settled edit).
    pub preflights_per_minute: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_running_jobs: 10,
            writes_per_minute: 30,
            preflights_per_minute: 120,
        }
    }
}

/// Whose identity ARM calls carry (docs/PRODUCT.md "Who Azure sees").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArmIdentity {
    /// Each user's own, from their sign-in.
    OnBehalfOfUsers,
    /// The dashboard's own, each user limited to their app roles' subscriptions.
    Service(SubscriptionAllowList),
}

/// The server's configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// Whose identity ARM calls carry.
    pub arm_identity: ArmIdentity,
    /// Sandbox or Azure.
    pub cloud: CloudMode,
    /// api-versions for ARM calls.
    pub api_versions: ApiVersions,
    /// sqlx database URL; a secret, as a PostgreSQL URL may carry the password.
    pub database_url: Secret,
    /// Wait between reads of an operation or cluster when ARM sends no `Retry-After`.
    pub poll_interval: Duration,
    /// How long a shutdown waits for open requests before the process exits.
    pub shutdown_grace: Duration,
    /// How long a replica's lease on a job lasts unless renewed (`store::LeaseTerms`).
    pub lease_ttl: Duration,
    /// Sandbox mode: a standalone sandbox cloud (`server sandbox --listen …`) to use instead of
    /// starting one in this process, so several replicas share one cloud.
    pub sandbox_url: Option<Url>,
    /// The region the create form starts on when the subscription is offered AKS there.
    pub default_region: Option<String>,
    /// Per-caller limits.
    pub limits: Limits,
    /// Sign-in with Microsoft Entra ID: required, and always set, in azure mode; `None` in
    /// sandbox mode.
    pub oidc: Option<OidcSettings>,
}

/// A configuration value that cannot be used.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// A variable has a value outside its allowed set.
    #[error("{name}={value:?} is not valid: {expected}")]
    Invalid {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
        /// What is allowed.
        expected: &'static str,
    },
    /// A variable that the chosen mode needs is not set.
    #[error("{name} must be set when {because}")]
    Missing {
        /// The variable.
        name: &'static str,
        /// Why it is needed.
        because: &'static str,
    },
    /// `SERVICE_SUBSCRIPTIONS` cannot be read.
    #[error(transparent)]
    AllowList(#[from] AllowListError),
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads the configuration through `lookup` (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut oidc = None;
        let cloud = match lookup("DASHBOARD_CLOUD")
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("sandbox") => CloudMode::Sandbox,
            Some("azure") => {
                let raw =
                    lookup("ARM_BASE_URL").unwrap_or_else(|| "https://management.azure.com".into());
                let base_url = Url::parse(&raw).map_err(|_| ConfigError::Invalid {
                    name: "ARM_BASE_URL",
                    value: raw.clone(),
                    expected: "an absolute URL such as https://management.azure.com",
                })?;
                let credential = credential_kind(&lookup)?;
                oidc = Some(entra::settings(&lookup)?);
                CloudMode::Azure {
                    base_url,
                    credential,
                }
            }
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "DASHBOARD_CLOUD",
                    value: other.into(),
                    expected: "sandbox or azure",
                });
            }
        };
        let defaults = ApiVersions::default();
        let version = |name: &str, default: String| lookup(name).unwrap_or(default);
        let database_url = Secret::new(
            lookup("DATABASE_URL").unwrap_or_else(|| "sqlite://data/dashboard.db".into()),
        );
        let sandbox_url = sandbox_url(&lookup)?;
        let shared_database = crate::store::EngineKind::of_url(database_url.expose())
            == Some(crate::store::EngineKind::Postgres);
        if cloud == CloudMode::Sandbox && shared_database && sandbox_url.is_none() {
            // Each replica would start a cloud of its own, in memory: a job taken over by
            // another replica would not find its cluster.
            return Err(ConfigError::Missing {
                name: "SANDBOX_URL",
                because: "sandbox mode keeps its jobs in PostgreSQL: start one standalone sandbox \
                          (`server sandbox --listen ADDR`) and give every replica its ARM_BASE_URL",
            });
        }
        Ok(Self {
            cloud,
            arm_identity: arm_identity(&lookup)?,
            api_versions: ApiVersions {
                container_service: version("ARM_API_VERSION_AKS", defaults.container_service),
                resources: version("ARM_API_VERSION_RESOURCES", defaults.resources),
                subscriptions: version("ARM_API_VERSION_SUBSCRIPTIONS", defaults.subscriptions),
                compute_skus: version("ARM_API_VERSION_SKUS", defaults.compute_skus),
                compute_usages: version("ARM_API_VERSION_USAGES", defaults.compute_usages),
                authorization: version("ARM_API_VERSION_AUTHORIZATION", defaults.authorization),
                network: version("ARM_API_VERSION_NETWORK", defaults.network),
                policy_insights: version("ARM_API_VERSION_POLICY", defaults.policy_insights),
            },
            database_url,
            poll_interval: poll_interval(&lookup)?,
            shutdown_grace: shutdown_grace(&lookup)?,
            lease_ttl: lease_ttl(&lookup)?,
            sandbox_url,
            default_region: default_region(&lookup)?,
            limits: limits(&lookup)?,
            oidc,
        })
    }

    /// The file sandbox mode keeps its cloud's state in: beside the database file and named
    /// after it (`data/dashboard.db` → `data/dashboard.db-sandbox-cloud.json`, as SQLite names
    /// its `-wal`), so the two are kept, moved and deleted together, and two databases in one
    /// directory get two clouds. `None` for an in-memory database: the cloud stays in memory too.
    pub fn sandbox_state(&self) -> Option<PathBuf> {
        let database = crate::store::database_file(self.database_url.expose())?;
        let mut name = database.file_name()?.to_owned();
        name.push("-sandbox-cloud.json");
        Some(database.with_file_name(name))
    }
}

fn default_region(lookup: &impl Fn(&str) -> Option<String>) -> Result<Option<String>, ConfigError> {
    let Some(raw) = lookup("DEFAULT_REGION") else {
        return Ok(None);
    };
    let name = raw.trim().to_ascii_lowercase();
    shared::naming::validate_region_name(&name).map_err(|_| ConfigError::Invalid {
        name: "DEFAULT_REGION",
        value: raw.clone(),
        expected: "a programmatic region name such as eastus or westeurope",
    })?;
    Ok(Some(name))
}

fn arm_identity(lookup: &impl Fn(&str) -> Option<String>) -> Result<ArmIdentity, ConfigError> {
    match lookup("ARM_IDENTITY")
        .map(|v| v.trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("user") => Ok(ArmIdentity::OnBehalfOfUsers),
        Some("service") => {
            let list = lookup("SERVICE_SUBSCRIPTIONS").ok_or(ConfigError::Missing {
                name: "SERVICE_SUBSCRIPTIONS",
                because: "ARM_IDENTITY=service: name the subscriptions each app role may use",
            })?;
            Ok(ArmIdentity::Service(SubscriptionAllowList::parse(&list)?))
        }
        Some(other) => Err(ConfigError::Invalid {
            name: "ARM_IDENTITY",
            value: other.into(),
            expected: "user or service",
        }),
    }
}

fn shutdown_grace(lookup: &impl Fn(&str) -> Option<String>) -> Result<Duration, ConfigError> {
    match lookup("SHUTDOWN_GRACE_SECONDS") {
        None => Ok(Duration::from_secs(20)),
        Some(value) => value
            .trim()
            .parse::<u64>()
            .map(Duration::from_secs)
            .map_err(|_| ConfigError::Invalid {
                name: "SHUTDOWN_GRACE_SECONDS",
                value,
                expected: "a whole number of seconds",
            }),
    }
}

fn limits(lookup: &impl Fn(&str) -> Option<String>) -> Result<Limits, ConfigError> {
    let defaults = Limits::default();
    let positive = |name: &'static str, default: u32| match lookup(name) {
        None => Ok(default),
        Some(raw) => match raw.trim().parse::<u32>() {
            Ok(value) if value > 0 => Ok(value),
            _ => Err(ConfigError::Invalid {
                name,
                value: raw,
                expected: "a whole number of at least 1",
            }),
        },
    };
    Ok(Limits {
        max_running_jobs: positive("MAX_RUNNING_JOBS_PER_USER", defaults.max_running_jobs)?,
        writes_per_minute: positive("RATE_LIMIT_WRITES_PER_MINUTE", defaults.writes_per_minute)?,
        preflights_per_minute: positive(
            "RATE_LIMIT_PREFLIGHTS_PER_MINUTE",
            defaults.preflights_per_minute,
        )?,
    })
}

fn credential_kind(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<CredentialKind, ConfigError> {
    match lookup("AZURE_CREDENTIAL")
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("developer-tools") => Ok(CredentialKind::DeveloperTools),
        Some("managed-identity") => Ok(CredentialKind::ManagedIdentity),
        Some("workload-identity") => Ok(CredentialKind::WorkloadIdentity),
        Some("client-secret") => {
            let because = "AZURE_CREDENTIAL=client-secret";
            let tenant_id = lookup("AZURE_TENANT_ID").ok_or(ConfigError::Missing {
                name: "AZURE_TENANT_ID",
                because,
            })?;
            let client_id = lookup("AZURE_CLIENT_ID").ok_or(ConfigError::Missing {
                name: "AZURE_CLIENT_ID",
                because,
            })?;
            if lookup("AZURE_CLIENT_SECRET").is_none() {
                return Err(ConfigError::Missing {
                    name: "AZURE_CLIENT_SECRET",
                    because,
                });
            }
            Ok(CredentialKind::ClientSecret {
                tenant_id,
                client_id,
            })
        }
        Some(other) => Err(ConfigError::Invalid {
            name: "AZURE_CREDENTIAL",
            value: other.into(),
            expected: "developer-tools, managed-identity, workload-identity or client-secret",
        }),
    }
}

/// `POLL_INTERVAL_SECONDS`: whole seconds from 1 to 300 (the follower never waits longer).
fn sandbox_url(lookup: &impl Fn(&str) -> Option<String>) -> Result<Option<Url>, ConfigError> {
    let Some(raw) = lookup("SANDBOX_URL").filter(|raw| !raw.trim().is_empty()) else {
        return Ok(None);
    };
    match Url::parse(raw.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(Some(url)),
        _ => Err(ConfigError::Invalid {
            name: "SANDBOX_URL",
            value: raw,
            expected: "the http:// address a standalone sandbox printed as ARM_BASE_URL",
        }),
    }
}

fn lease_ttl(lookup: &impl Fn(&str) -> Option<String>) -> Result<Duration, ConfigError> {
    let Some(raw) = lookup("LEASE_TTL_SECONDS") else {
        return Ok(crate::store::LeaseTerms::DEFAULT_TTL);
    };
    match raw.trim().parse::<u64>() {
        // At least 3 s: the sweep renews every third of it, and a renewal takes a round trip.
        Ok(seconds @ 3..=600) => Ok(Duration::from_secs(seconds)),
        _ => Err(ConfigError::Invalid {
            name: "LEASE_TTL_SECONDS",
            value: raw,
            expected: "whole seconds from 3 to 600",
        }),
    }
}

fn poll_interval(lookup: &impl Fn(&str) -> Option<String>) -> Result<Duration, ConfigError> {
    let Some(raw) = lookup("POLL_INTERVAL_SECONDS") else {
        return Ok(Duration::from_secs(30));
    };
    match raw.trim().parse::<u64>() {
        Ok(seconds @ 1..=300) => Ok(Duration::from_secs(seconds)),
        _ => Err(ConfigError::Invalid {
            name: "POLL_INTERVAL_SECONDS",
            value: raw,
            expected: "whole seconds from 1 to 300",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Azure mode's sign-in settings, added to every test's variables (sandbox mode ignores them).
    const ENTRA: [(&str, &str); 4] = [
        ("ENTRA_TENANT_ID", "72f988bf-0000-4000-8000-00000000a0a0"),
        ("ENTRA_CLIENT_ID", "0d1a5b0a-7e57-4c1e-9a11-5a2db0a4d001"),
        ("ENTRA_CLIENT_SECRET", "secret"),
        ("DASHBOARD_PUBLIC_URL", "https://dash.example"),
    ];

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = ENTRA
            .iter()
            .chain(pairs)
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn the_database_password_stays_out_of_debug_output() {
        let config = config(&[
            (
                "DATABASE_URL",
                "postgres://dashboard:hunter2-pw@db.internal/dashboard",
            ),
            ("SANDBOX_URL", "http://127.0.0.1:4000"),
        ])
        .expect("config");
        assert!(!format!("{config:?}").contains("hunter2-pw"));
        assert!(config.database_url.expose().contains("hunter2-pw"));
    }

    #[test]
    fn sandbox_is_the_default() {
        let config = config(&[]).expect("config");
        assert_eq!(config.cloud, CloudMode::Sandbox);
        assert_eq!(config.database_url.expose(), "sqlite://data/dashboard.db");
        assert_eq!(config.api_versions.container_service, "2025-10-01");
        assert_eq!(config.poll_interval, Duration::from_secs(30));
        assert_eq!(config.shutdown_grace, Duration::from_secs(20));
        assert_eq!(config.lease_ttl, Duration::from_secs(10));
        assert_eq!(config.limits, Limits::default());
        assert_eq!(config.limits.max_running_jobs, 10);
        assert_eq!(config.default_region, None);
        assert!(config.oidc.is_none(), "sandbox mode has no Entra sign-in");
    }

    #[test]
    fn azure_mode_without_entra_settings_refuses_to_start() {
        let error =
            Config::from_lookup(|name| (name == "DASHBOARD_CLOUD").then(|| "azure".to_owned()))
                .unwrap_err();
        assert_eq!(
            error.to_string(),
            "ENTRA_TENANT_ID must be set when DASHBOARD_CLOUD=azure (users sign in with Microsoft Entra ID)"
        );
        let config = config(&[("DASHBOARD_CLOUD", "azure")]).expect("config");
        assert!(config.oidc.is_some());
    }

    #[test]
    fn calls_go_on_behalf_of_users_unless_service_mode_is_asked_for_with_its_list() {
        assert_eq!(
            config(&[]).expect("config").arm_identity,
            ArmIdentity::OnBehalfOfUsers
        );
        let missing = config(&[("ARM_IDENTITY", "service")]).expect_err("no list");
        assert!(
            missing
                .to_string()
                .contains("SERVICE_SUBSCRIPTIONS must be set"),
            "{missing}"
        );
        let sub = "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f";
        let listed = config(&[
            ("ARM_IDENTITY", "Service"),
            ("SERVICE_SUBSCRIPTIONS", &format!("*={sub}")),
        ])
        .expect("config");
        assert!(matches!(listed.arm_identity, ArmIdentity::Service(_)));
        let bad = config(&[
            ("ARM_IDENTITY", "service"),
            ("SERVICE_SUBSCRIPTIONS", "*=nope"),
        ]);
        assert!(matches!(bad, Err(ConfigError::AllowList(_))));
        assert!(config(&[("ARM_IDENTITY", "robot")]).is_err());
    }

    #[test]
    fn the_poll_interval_is_whole_seconds_within_the_followers_limit() {
        let set = |value: &str| config(&[("POLL_INTERVAL_SECONDS", value)]);
        assert_eq!(
            set("2").expect("config").poll_interval,
            Duration::from_secs(2)
        );
        for bad in ["0", "301", "1.5", "soon"] {
            let error = set(bad).unwrap_err();
            assert!(
                error.to_string().contains("POLL_INTERVAL_SECONDS"),
                "{error}"
            );
        }
    }

    #[test]
    fn the_sandbox_cloud_is_kept_beside_the_database() {
        let state = |url: &str| {
            config(&[("DATABASE_URL", url)])
                .expect("config")
                .sandbox_state()
        };
        assert_eq!(
            config(&[]).expect("config").sandbox_state(),
            Some(PathBuf::from("data/dashboard.db-sandbox-cloud.json"))
        );
        assert_eq!(
            state("sqlite:///var/lib/dash/jobs.db?mode=rwc"),
            Some(PathBuf::from("/var/lib/dash/jobs.db-sandbox-cloud.json"))
        );
        assert_eq!(state("sqlite::memory:"), None);
        assert_eq!(state("sqlite://jobs.db?mode=memory"), None);
    }

    #[test]
    fn sandbox_mode_on_postgres_needs_a_shared_sandbox() {
        let postgres = ("DATABASE_URL", "postgres://u@h/dashboard");
        let error = config(&[postgres]).unwrap_err();
        assert!(error.to_string().contains("SANDBOX_URL"), "{error}");
        let shared = config(&[postgres, ("SANDBOX_URL", "http://127.0.0.1:4000")]);
        assert!(shared.is_ok());
    }

    #[test]
    fn a_shared_sandbox_is_an_http_url() {
        let shared = |value| config(&[("SANDBOX_URL", value)]).map(|c| c.sandbox_url);
        assert_eq!(
            shared("http://127.0.0.1:4000").expect("valid"),
            Some(Url::parse("http://127.0.0.1:4000").expect("url"))
        );
        assert_eq!(shared(" ").expect("blank"), None);
        assert!(shared("127.0.0.1:4000").is_err());
        assert!(shared("ftp://sandbox").is_err());
    }

    #[test]
    fn the_lease_time_is_whole_seconds_within_bounds() {
        let ttl = |value| config(&[("LEASE_TTL_SECONDS", value)]).map(|c| c.lease_ttl);
        assert_eq!(ttl("30").expect("valid"), Duration::from_secs(30));
        for refused in ["2", "601", "ten", "-5"] {
            assert!(ttl(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn the_shutdown_grace_is_whole_seconds() {
        let grace = |value| config(&[("SHUTDOWN_GRACE_SECONDS", value)]).map(|c| c.shutdown_grace);
        assert_eq!(grace("5").expect("config"), Duration::from_secs(5));
        let error = grace("soon").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("SHUTDOWN_GRACE_SECONDS=\"soon\""),
            "{error}"
        );
    }

    #[test]
    fn limits_are_positive_whole_numbers() {
        let config = config(&[
            ("MAX_RUNNING_JOBS_PER_USER", "3"),
            ("RATE_LIMIT_WRITES_PER_MINUTE", "5"),
            ("RATE_LIMIT_PREFLIGHTS_PER_MINUTE", " 7 "),
        ])
        .expect("config");
        assert_eq!(
            config.limits,
            Limits {
                max_running_jobs: 3,
                writes_per_minute: 5,
                preflights_per_minute: 7
            }
        );
        for bad in ["0", "-1", "ten"] {
            let error = super::Config::from_lookup(|name| {
                (name == "RATE_LIMIT_WRITES_PER_MINUTE").then(|| bad.to_owned())
            })
            .unwrap_err();
            assert!(
                error.to_string().contains("RATE_LIMIT_WRITES_PER_MINUTE"),
                "{error}"
            );
        }
    }

    #[test]
    fn azure_mode_reads_url_credential_and_versions() {
        let config = config(&[
            ("DASHBOARD_CLOUD", "Azure"),
            ("AZURE_CREDENTIAL", "managed-identity"),
            ("ARM_API_VERSION_AKS", "2026-01-01"),
        ])
        .expect("config");
        let CloudMode::Azure {
            base_url,
            credential,
        } = config.cloud
        else {
            panic!("azure mode")
        };
        assert_eq!(base_url.as_str(), "https://management.azure.com/");
        assert_eq!(credential, CredentialKind::ManagedIdentity);
        assert_eq!(config.api_versions.container_service, "2026-01-01");
    }

    #[test]
    fn bad_values_name_the_variable() {
        let error = config(&[("DASHBOARD_CLOUD", "moon")]).unwrap_err();
        assert!(
            error.to_string().starts_with("DASHBOARD_CLOUD=\"moon\""),
            "{error}"
        );
        let error = config(&[
            ("DASHBOARD_CLOUD", "azure"),
            ("AZURE_CREDENTIAL", "client-secret"),
            ("AZURE_TENANT_ID", "t"),
        ])
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "AZURE_CLIENT_ID must be set when AZURE_CREDENTIAL=client-secret"
        );
        let error =
            config(&[("DASHBOARD_CLOUD", "azure"), ("ARM_BASE_URL", "not a url")]).unwrap_err();
        assert!(error.to_string().contains("ARM_BASE_URL"), "{error}");
    }

    #[test]
    fn a_default_region_is_a_programmatic_name() {
        let configured = config(&[("DEFAULT_REGION", " WestEurope ")]).expect("config");
        assert_eq!(configured.default_region.as_deref(), Some("westeurope"));
        for bad in ["West Europe", "east-us", "eastus/../x"] {
            let refused = config(&[("DEFAULT_REGION", bad)]);
            assert!(
                matches!(
                    refused,
                    Err(ConfigError::Invalid {
                        name: "DEFAULT_REGION",
                        ..
                    })
                ),
                "{bad}"
            );
        }
    }
}
