//! Azure mode's sign-in settings from `ENTRA_*`, `DASHBOARD_PUBLIC_URL` and
//! `AZURE_FEDERATED_TOKEN_FILE` (see the table in [`crate::config`]). A missing one stops the
//! start with a message naming it.

use super::ConfigError;
use crate::oidc::settings::{
    ClientCredential, DEFAULT_SCOPES, OidcSettings, OidcSettingsError, is_multi_tenant,
    parse_scopes,
};
use crate::secret::Secret;
use std::path::PathBuf;
use url::Url;

/// Why the settings are needed, for the messages.
const BECAUSE: &str = "DASHBOARD_CLOUD=azure (users sign in with Microsoft Entra ID)";

/// The relying party's settings of azure mode.
pub fn settings(lookup: &impl Fn(&str) -> Option<String>) -> Result<OidcSettings, ConfigError> {
    let required = |name: &'static str| {
        lookup(name).ok_or(ConfigError::Missing {
            name,
            because: BECAUSE,
        })
    };
    let url = |name: &'static str, value: String| {
        Url::parse(value.trim()).map_err(|_| ConfigError::Invalid {
            name,
            value,
            expected: "an absolute https URL",
        })
    };
    let authority = url(
        "ENTRA_AUTHORITY",
        lookup("ENTRA_AUTHORITY").unwrap_or_else(|| "https://login.microsoftonline.com".into()),
    )?;
    let tenant = required("ENTRA_TENANT_ID")?.trim().to_owned();
    let client_id = required("ENTRA_CLIENT_ID")?.trim().to_owned();
    let credential = match (
        lookup("ENTRA_CLIENT_SECRET"),
        lookup("AZURE_FEDERATED_TOKEN_FILE"),
    ) {
        (Some(secret), _) => ClientCredential::Secret(Secret::new(secret.trim())),
        (None, Some(file)) => ClientCredential::FederatedTokenFile(PathBuf::from(file)),
        (None, None) => {
            return Err(ConfigError::Missing {
                name: "ENTRA_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE",
                because: BECAUSE,
            });
        }
    };
    let public_url = url("DASHBOARD_PUBLIC_URL", required("DASHBOARD_PUBLIC_URL")?)?;
    let allowed_tenants = match lookup("ENTRA_ALLOWED_TENANTS") {
        Some(list) => Some(
            list.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
        None if is_multi_tenant(&tenant) => {
            return Err(ConfigError::Missing {
                name: "ENTRA_ALLOWED_TENANTS",
                because: "ENTRA_TENANT_ID is organizations or common (any tenant could sign in)",
            });
        }
        None => None,
    };
    let scopes = parse_scopes(&lookup("ENTRA_SCOPES").unwrap_or_else(|| DEFAULT_SCOPES.into()));
    OidcSettings::entra(
        &authority,
        &tenant,
        client_id,
        credential,
        public_url,
        allowed_tenants,
        scopes,
    )
    .map_err(|error| match error {
        OidcSettingsError::Url { name, value } => ConfigError::Invalid {
            name,
            value,
            expected: "an https URL (http only on loopback)",
        },
        OidcSettingsError::NoTenants => ConfigError::Invalid {
            name: "ENTRA_ALLOWED_TENANTS",
            value: String::new(),
            expected: "a comma-separated list of at least one tenant id",
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(pairs: &[(&str, &str)]) -> Result<OidcSettings, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        settings(&|name: &str| map.get(name).cloned())
    }

    const BASE: [(&str, &str); 4] = [
        ("ENTRA_TENANT_ID", "72f988bf-0000-4000-8000-00000000a0a0"),
        ("ENTRA_CLIENT_ID", "0d1a5b0a-7e57-4c1e-9a11-5a2db0a4d001"),
        ("ENTRA_CLIENT_SECRET", "s3cret"),
        ("DASHBOARD_PUBLIC_URL", "https://dash.example"),
    ];

    #[test]
    fn a_single_tenant_needs_no_allow_list() {
        let settings = read(&BASE).expect("settings");
        assert_eq!(
            settings.issuer_url.as_str(),
            "https://login.microsoftonline.com/72f988bf-0000-4000-8000-00000000a0a0/v2.0"
        );
        assert_eq!(settings.allowed_tenants, vec![BASE[0].1.to_owned()]);
        assert_eq!(settings.scopes.len(), 4);
        assert!(
            !format!("{settings:?}").contains("s3cret"),
            "the secret is not printed"
        );
    }

    #[test]
    fn each_missing_setting_is_named() {
        for (skipped, (missing, _)) in BASE.iter().enumerate() {
            let pairs: Vec<_> = BASE
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skipped)
                .map(|(_, p)| *p)
                .collect();
            let error = read(&pairs).unwrap_err().to_string();
            let name = if *missing == "ENTRA_CLIENT_SECRET" {
                "ENTRA_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE"
            } else {
                missing
            };
            assert!(error.starts_with(name), "{error}");
        }
    }

    #[test]
    fn a_multi_tenant_authority_needs_an_allow_list_and_a_federated_file_will_do() {
        let mut pairs = BASE.to_vec();
        pairs[0] = ("ENTRA_TENANT_ID", "organizations");
        pairs.remove(2);
        pairs.push(("AZURE_FEDERATED_TOKEN_FILE", "/var/run/secrets/token"));
        let error = read(&pairs).unwrap_err().to_string();
        assert!(
            error.starts_with("ENTRA_ALLOWED_TENANTS must be set"),
            "{error}"
        );
        pairs.push(("ENTRA_ALLOWED_TENANTS", "t1, t2,"));
        pairs.push(("ENTRA_SCOPES", "openid profile"));
        let settings = read(&pairs).expect("settings");
        assert_eq!(
            settings.allowed_tenants,
            vec!["t1".to_owned(), "t2".to_owned()]
        );
        assert_eq!(
            settings.scopes,
            vec!["openid".to_owned(), "profile".to_owned()]
        );
        assert_eq!(
            settings.credential,
            ClientCredential::FederatedTokenFile("/var/run/secrets/token".into())
        );
    }
}
