//! Why a sign-in did not happen, and the page that says so.
//!
//! Every refusal is logged (`tracing`, without tokens, codes, states or secrets) and answered
//! with a small server-rendered page: a sentence of our own for the person and a link to try
//! again. Nothing the provider or the URL supplied is rendered except a provider error code
//! reduced to `[a-z0-9_]`, and a verified tenant id, both HTML-escaped.

use super::http_client::HttpError;
use super::id_token::IdTokenRejection;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use thiserror::Error;

/// A refused or failed sign-in.
#[derive(Debug, Error)]
pub enum SignInRefusal {
    /// No relying party is configured in this mode.
    #[error("sign-in with an OpenID provider is not configured")]
    NotConfigured,
    /// The callback's `state` matches no pending sign-in of this browser.
    #[error(
        "the callback's state matches no pending sign-in (forged, replayed or another browser's)"
    )]
    UnknownState,
    /// The pending sign-in is older than ten minutes.
    #[error("the pending sign-in expired")]
    Expired,
    /// The callback has neither `code` nor `error`.
    #[error("the callback has no authorization code")]
    NoCode,
    /// The provider sent the browser back with an error.
    #[error("the provider answered the sign-in with error {code:?}")]
    ProviderError {
        /// The `error` parameter, reduced to `[a-z0-9_]`.
        code: String,
    },
    /// The provider cannot be reached or its documents are unusable.
    #[error("the identity provider is unavailable: {0}")]
    Unavailable(#[from] HttpError),
    /// The token endpoint refused the code (used already, expired, another client's, PKCE).
    #[error("the token endpoint refused the code: {0}")]
    CodeRefused(String),
    /// The authorization response names another issuer (RFC 9207 `iss`).
    #[error("the authorization response names issuer {found:?}, not this provider")]
    WrongResponseIssuer {
        /// The `iss` parameter (at most 200 characters).
        found: String,
    },
    /// The token endpoint's answer has no ID token.
    #[error("the token endpoint's answer has no ID token")]
    NoIdToken,
    /// The ID token fails validation.
    #[error("the ID token was refused: {0}")]
    IdToken(#[from] IdTokenRejection),
    /// The client credential (federated token file) cannot be read.
    #[error("the client credential cannot be read: {0}")]
    Credential(String),
    /// The person's tenant is not in the allow-list.
    #[error("tenant {tenant_id} is not allowed to sign in")]
    TenantNotAllowed {
        /// The verified `tid`.
        tenant_id: String,
    },
    /// The session store failed.
    #[error("the session cannot be saved: {0}")]
    Session(#[from] tower_sessions::session::Error),
}

impl SignInRefusal {
    /// The answer's status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotConfigured => StatusCode::NOT_FOUND,
            Self::TenantNotAllowed { .. } => StatusCode::FORBIDDEN,
            Self::Unavailable(_) | Self::Credential(_) => StatusCode::BAD_GATEWAY,
            Self::Session(_) => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// The sentence the person reads (plain text; escaped when rendered).
    pub fn message(&self) -> String {
        match self {
            Self::NotConfigured => "Sign-in with Microsoft is not configured on this server.".into(),
            Self::UnknownState | Self::NoCode => "This sign-in link is not valid in this browser: it was already used, or it was not started here. Please sign in again.".into(),
            Self::Expired => "The sign-in took longer than ten minutes. Please sign in again.".into(),
            Self::ProviderError { code } if code == "access_denied" => {
                "The sign-in was cancelled, or you are not allowed to use this application.".into()
            }
            Self::ProviderError { code } => format!("Microsoft did not sign you in (error {code})."),
            Self::Unavailable(_) | Self::Credential(_) => "The sign-in service cannot be reached right now. Please try again in a moment.".into(),
            Self::CodeRefused(_)
            | Self::NoIdToken
            | Self::IdToken(_)
            | Self::WrongResponseIssuer { .. } => {
                "The answer from the sign-in service could not be verified, so you were not signed in. Please sign in again.".into()
            }
            Self::TenantNotAllowed { tenant_id } => format!(
                "Your organisation (tenant {tenant_id}) is not allowed to use this dashboard. Ask its administrators to add it."
            ),
            Self::Session(_) => "Your session cannot be saved right now. Please try again in a moment.".into(),
        }
    }
}

/// A provider's `error` value reduced to what may be shown: lowercase letters, digits, `_`.
pub fn error_code(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(64)
        .collect::<String>()
        .to_ascii_lowercase()
}

impl IntoResponse for SignInRefusal {
    fn into_response(self) -> Response {
        match self.status() {
            status if status.is_server_error() => {
                tracing::error!(reason = %self, "sign-in failed");
            }
            _ => tracing::warn!(reason = %self, "sign-in refused"),
        }
        (self.status(), Html(page("Sign-in failed", &self.message()))).into_response()
    }
}

/// A minimal page with `title` and `message`, both escaped, and a way back to sign-in, styled by
/// the site's stylesheet (the name `app`'s shell links).
pub fn page(title: &str, message: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title} · AKS Provisioning Dashboard</title><link rel=\"stylesheet\" href=\"/pkg/aks-dashboard.css\"></head>\n<body><main class=\"card sign-in\"><h1>{title}</h1><p role=\"alert\">{message}</p><p><a href=\"/sign-in\">Back to sign-in</a></p></main></body></html>\n",
        title = escape(title),
        message = escape(message),
    )
}

/// HTML-escapes text for element content and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_text_is_reduced_and_escaped() {
        assert_eq!(error_code("access_denied"), "access_denied");
        assert_eq!(
            error_code("<script>alert(1)</script>"),
            "scriptalert1script"
        );
        let html = page("Sign-in failed", "a <b> & \"c\"");
        assert!(html.contains("a &lt;b&gt; &amp; &quot;c&quot;"), "{html}");
        let refusal = SignInRefusal::TenantNotAllowed {
            tenant_id: "t<1>".into(),
        };
        assert_eq!(refusal.status(), StatusCode::FORBIDDEN);
        assert!(page("x", &refusal.message()).contains("t&lt;1&gt;"));
    }
}
