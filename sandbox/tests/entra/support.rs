//! Shared by the Entra tests: a sandbox of the default world on a free port, a client that does
//! not follow redirects, and the steps of a sign-in done as a browser and a relying party would.

use arm_sandbox::RunningSandbox;
use arm_sandbox::world::World;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const TENANT: &str = "72f988bf-0000-4000-8000-00000000a0a0";
pub const CLIENT_ID: &str = "0d1a5b0a-7e57-4c1e-9a11-5a2db0a4d001";
pub const SECRET: &str = "sandbox-dashboard-client-secret";
/// A loopback redirect URI on a port the registration does not name (Entra ignores it).
pub const REDIRECT: &str = "http://127.0.0.1:43123/auth/callback";
pub const SCOPE: &str =
    "openid profile offline_access https://management.azure.com/user_impersonation";
pub const SUB: &str = "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f";
pub const SMALL_SUB: &str = "1f0e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
pub const API: &str = "api-version=2025-10-01";

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The default world with creates that take no time to be accepted.
pub fn fast_world() -> World {
    let mut world = World::default_world().expect("default world");
    world.timings.validation_ms = 0;
    world.timings.create_seconds = 0.2;
    world
}

/// A PKCE pair.
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Self {
        let verifier = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(&verifier));
        Self {
            verifier,
            challenge,
        }
    }
}

/// A running sandbox and a client for it.
pub struct Cloud {
    pub sandbox: RunningSandbox,
    pub http: reqwest::Client,
}

/// An HTTP answer: status, `Location` header, body text.
pub struct Answer {
    pub status: StatusCode,
    pub location: Option<String>,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    /// A query parameter of the `Location` this answer redirects to.
    pub fn redirect_param(&self, name: &str) -> Option<String> {
        let location = url::Url::parse(self.location.as_deref()?).ok()?;
        location
            .query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    }
}

impl Cloud {
    pub async fn start(world: World) -> Self {
        let sandbox = RunningSandbox::on_free_port(world).await.expect("sandbox");
        Self::around(sandbox)
    }

    pub fn around(sandbox: RunningSandbox) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self { sandbox, http }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.base_url)
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("the sandbox answers");
        let status = response.status();
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let text = response.text().await.unwrap_or_default();
        Answer {
            status,
            location,
            text,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(self.http.get(self.url(path))).await
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Answer {
        self.send(with_form(self.http.post(self.url(path)), form))
            .await
    }

    /// The authorization request's parameters for `pkce`.
    pub fn authorize_params<'a>(
        &self,
        pkce: &'a Pkce,
        nonce: &'a str,
    ) -> Vec<(&'static str, &'a str)> {
        vec![
            ("client_id", CLIENT_ID),
            ("response_type", "code"),
            ("redirect_uri", REDIRECT),
            ("scope", SCOPE),
            ("state", "state-123"),
            ("nonce", nonce),
            ("code_challenge", pkce.challenge.as_str()),
            ("code_challenge_method", "S256"),
        ]
    }

    /// `GET authorize` with `params`.
    pub async fn authorize(&self, params: &[(&str, &str)]) -> Answer {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        self.get(&format!("/{TENANT}/oauth2/v2.0/authorize?{query}"))
            .await
    }

    /// Signs `user` in as a browser does: the page, then its form for `user`; answers the code.
    pub async fn code_for(&self, user: &str, pkce: &Pkce, nonce: &str) -> String {
        let params = self.authorize_params(pkce, nonce);
        let page = self.authorize(&params).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(
            page.text
                .contains(&format!(r#"name="user" value="{user}""#)),
            "{}",
            page.text
        );
        let mut form = params.clone();
        form.push(("user", user));
        let done = self
            .post_form(&format!("/{TENANT}/oauth2/v2.0/authorize"), &form)
            .await;
        assert_eq!(done.status, StatusCode::FOUND, "{}", done.text);
        assert!(
            done.location
                .as_deref()
                .is_some_and(|l| l.starts_with(REDIRECT))
        );
        assert_eq!(done.redirect_param("state").as_deref(), Some("state-123"));
        done.redirect_param("code").expect("a code")
    }

    /// The token request redeeming `code`.
    pub async fn redeem(&self, code: &str, verifier: &str) -> Answer {
        self.post_form(
            &format!("/{TENANT}/oauth2/v2.0/token"),
            &[
                ("grant_type", "authorization_code"),
                ("client_id", CLIENT_ID),
                ("client_secret", SECRET),
                ("code", code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", verifier),
            ],
        )
        .await
    }

    /// A refresh-token request.
    pub async fn refresh(&self, refresh_token: &str) -> Answer {
        self.post_form(
            &format!("/{TENANT}/oauth2/v2.0/token"),
            &[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT_ID),
                ("client_secret", SECRET),
                ("refresh_token", refresh_token),
            ],
        )
        .await
    }

    /// Signs `user` in and answers the token response.
    pub async fn sign_in(&self, user: &str) -> Value {
        let pkce = Pkce::new();
        let code = self.code_for(user, &pkce, "nonce-1").await;
        let tokens = self.redeem(&code, &pkce.verifier).await;
        assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.text);
        tokens.json()
    }

    /// An ARM request with `token`.
    pub async fn arm(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> Answer {
        let separator = if path.contains('?') { '&' } else { '?' };
        let mut request = self
            .http
            .request(method, self.url(&format!("{path}{separator}{API}")))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.send(request).await
    }

    /// Alice's, Bob's… ARM access token.
    pub async fn arm_token(&self, user: &str) -> String {
        self.sign_in(user).await["access_token"]
            .as_str()
            .expect("an access token")
            .to_owned()
    }
}

/// `request` with `form` as its urlencoded body.
pub fn with_form(
    request: reqwest::RequestBuilder,
    form: &[(&str, &str)],
) -> reqwest::RequestBuilder {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    request
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(body)
}

/// The claims of a JWT, unverified (what a test reads to see what was issued).
pub fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap_or_default();
    let bytes = URL_SAFE_NO_PAD.decode(payload).unwrap_or_default();
    serde_json::from_slice(&bytes).unwrap_or(Value::Null)
}

/// The header of a JWT.
pub fn header(jwt: &str) -> Value {
    let part = jwt.split('.').next().unwrap_or_default();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap_or_default()).unwrap_or(Value::Null)
}

/// A managed-cluster create body in `location`.
pub fn cluster_body(location: &str) -> Value {
    serde_json::json!({
        "location": location,
        "identity": { "type": "SystemAssigned" },
        "properties": {
            "dnsPrefix": "story",
            "agentPoolProfiles": [
                { "name": "system", "mode": "System", "vmSize": "Standard_D2s_v5", "count": 1 },
            ],
        },
    })
}
