//! An azure-mode dashboard that trusts a [`HostileProvider`], and the steps of a sign-in with
//! it: start (reading what was sent to the authorize endpoint), then the callback answered with
//! the ID token the test crafted.

use super::browser::{Answer, Browser};
use super::hostile_provider::{HostileProvider, claims};
use super::{TestDashboard, TestResult, ensure, fast_world, start_dashboard_signing_in};
use serde_json::Value;
use server::oidc::settings::parse_scopes;
use server::oidc::{ClientCredential, DEFAULT_SCOPES, OidcSettings};
use server::secret::Secret;
use std::collections::HashMap;
use std::time::Duration;

/// The dashboard's client id at the provider.
pub const CLIENT_ID: &str = "0d1a5b0a-7e57-4c1e-9a11-5a2db0a4d001";
/// Its client secret (a test value).
pub const CLIENT_SECRET: &str = "hostile-test-client-secret";
/// The one allowed tenant.
pub const TENANT: &str = "72f988bf-0000-4000-8000-00000000a0a0";
/// Alice's object id.
pub const OID: &str = "a11ce000-0000-4000-8000-000000000001";

/// A hostile provider and an azure-mode dashboard that trusts it.
pub struct Setup {
    /// The provider.
    pub provider: HostileProvider,
    /// The dashboard.
    pub dashboard: TestDashboard,
}

/// [`setup_with`] the client secret.
pub async fn setup(multi_tenant: bool, key_reread: Duration) -> Setup {
    setup_with(
        multi_tenant,
        key_reread,
        ClientCredential::Secret(Secret::new(CLIENT_SECRET)),
    )
    .await
}

/// A provider (multi-tenant: discovered as `organizations`, with Entra's issuer template) and a
/// dashboard allowing [`TENANT`], re-reading keys at most every `key_reread`, authenticating
/// with `credential`.
pub async fn setup_with(
    multi_tenant: bool,
    key_reread: Duration,
    credential: ClientCredential,
) -> Setup {
    let provider = HostileProvider::start(multi_tenant).await;
    let issuer_url = provider.issuer_url(if multi_tenant {
        "organizations"
    } else {
        TENANT
    });
    let dashboard = start_dashboard_signing_in(
        fast_world(),
        false,
        server::config::Limits::default(),
        |base| {
            let mut settings = OidcSettings::new(
                issuer_url,
                CLIENT_ID,
                credential,
                url::Url::parse(base).expect("base"),
                vec![TENANT.to_owned()],
                parse_scopes(DEFAULT_SCOPES),
            )
            .expect("settings");
            settings.jwks_refetch_interval = key_reread;
            Some(settings)
        },
    )
    .await;
    Setup {
        provider,
        dashboard,
    }
}

/// What `/auth/sign-in` sent the provider.
pub struct Sent {
    query: HashMap<String, String>,
}

impl Sent {
    /// A parameter of the authorize request ("" when absent).
    pub fn get(&self, name: &str) -> &str {
        self.query.get(name).map(String::as_str).unwrap_or_default()
    }
}

/// Starts a sign-in in `browser` and reads the authorize request it was sent with.
pub async fn begin(browser: &mut Browser, base: &str) -> TestResult<Sent> {
    let answer = browser
        .get(&format!("{base}/auth/sign-in?return_to=/clusters"))
        .await?;
    let location = answer.location.ok_or("a redirect to the provider")?;
    ensure(
        location.path().ends_with("/oauth2/v2.0/authorize"),
        location.to_string(),
    )?;
    Ok(Sent {
        query: location.query_pairs().into_owned().collect(),
    })
}

/// The provider's redirect back with a code and `state`.
pub async fn callback(browser: &mut Browser, base: &str, state: &str) -> TestResult<Answer> {
    browser
        .get(&format!("{base}/auth/callback?code=the-code&state={state}"))
        .await
}

/// Signs in with the ID token `forge` makes from the nonce sent, and answers the callback.
pub async fn sign_in_with(
    setup: &Setup,
    browser: &mut Browser,
    forge: impl FnOnce(&str) -> String,
) -> TestResult<Answer> {
    let base = &setup.dashboard.base_url;
    let sent = begin(browser, base).await?;
    setup.provider.answer_with(forge(sent.get("nonce")));
    callback(browser, base, sent.get("state")).await
}

/// The claims of a valid ID token for alice with `nonce`.
pub fn good_claims(setup: &Setup, nonce: &str) -> Value {
    claims(
        &setup.provider.issuer_of(TENANT),
        CLIENT_ID,
        TENANT,
        OID,
        nonce,
        3600,
    )
}
