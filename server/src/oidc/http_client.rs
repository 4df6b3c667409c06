//! The relying party's HTTP: `openidconnect`'s async client trait over the dashboard's reqwest
//! 0.13 (the crate's own reqwest feature would pull a second reqwest). Redirects are not
//! followed (a provider's endpoint that redirects is refused, as the OAuth 2.0 security BCP
//! advises against following them), answers are capped at [`MAX_BODY_BYTES`], and a provider on
//! loopback (tests, the sandbox) is reached without any proxy from the environment.

use openidconnect::{AsyncHttpClient, HttpRequest, HttpResponse};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use thiserror::Error;
use url::Url;

/// The largest answer read from the provider (discovery, keys, tokens are a few KiB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Why a request to the provider failed. Messages carry no request bodies (codes, secrets).
#[derive(Debug, Error)]
pub enum HttpError {
    /// Connecting, sending or reading failed.
    #[error("request to the identity provider failed: {0}")]
    Transport(String),
    /// The answer is larger than [`MAX_BODY_BYTES`].
    #[error("the identity provider's answer is larger than {MAX_BODY_BYTES} bytes")]
    TooLarge,
    /// A JSON answer (discovery, keys) does not parse or is not 200.
    #[error("the identity provider's {what} is not usable: {problem}")]
    Unusable {
        /// Which document.
        what: &'static str,
        /// What is wrong.
        problem: String,
    },
}

/// The HTTP client of the relying party.
#[derive(Clone, Debug)]
pub struct OidcHttp {
    client: reqwest::Client,
}

impl OidcHttp {
    /// A client for a provider at `issuer`.
    pub fn new(issuer: &Url) -> Result<Self, HttpError> {
        let builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("aks-dashboard/", env!("CARGO_PKG_VERSION")));
        let builder = if super::settings::is_loopback(issuer) {
            builder.no_proxy()
        } else {
            builder
        };
        let client = builder
            .build()
            .map_err(|error| HttpError::Transport(error.to_string()))?;
        Ok(Self { client })
    }

    /// Sends `request` and reads the whole answer.
    pub async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let request = reqwest::Request::try_from(request)
            .map_err(|error| HttpError::Transport(error.without_url().to_string()))?;
        let mut response = self
            .client
            .execute(request)
            .await
            .map_err(|error| HttpError::Transport(error.to_string()))?;
        let mut answer = http::Response::builder().status(response.status());
        if let Some(headers) = answer.headers_mut() {
            *headers = response.headers().clone();
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| HttpError::Transport(error.to_string()))?
        {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(HttpError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        answer
            .body(body)
            .map_err(|error| HttpError::Transport(error.to_string()))
    }

    /// GETs `url` and parses its JSON `what` (discovery, keys).
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        url: &Url,
        what: &'static str,
    ) -> Result<T, HttpError> {
        let request = http::Request::get(url.as_str())
            .header(http::header::ACCEPT, "application/json")
            .body(Vec::new())
            .map_err(|error| HttpError::Transport(error.to_string()))?;
        let response = self.send(request).await?;
        if !response.status().is_success() {
            return Err(HttpError::Unusable {
                what,
                problem: format!("{url} answered {}", response.status()),
            });
        }
        serde_json::from_slice(response.body()).map_err(|error| HttpError::Unusable {
            what,
            problem: error.to_string(),
        })
    }
}

impl<'c> AsyncHttpClient<'c> for OidcHttp {
    type Error = HttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}
