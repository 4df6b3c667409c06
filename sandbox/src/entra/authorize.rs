//! The authorize endpoint: checks an authorization request in Entra's order, then shows the
//! sign-in page (GET), or signs the chosen user in and redirects to the client with `code` and
//! `state` (POST from the page, or a GET with `prompt=none` and a `login_hint`, which lets
//! scripted sign-ins use the same flow without a page).
//!
//! Until the client and its redirect URI are known good, refusals are an error page and never a
//! redirect (an unregistered `redirect_uri` must not receive anything); afterwards they redirect
//! with `error` and `error_description`, as OAuth 2.0 and Entra do.

use super::errors::EntraError;
use super::redirect::is_registered;
use super::{EntraProvider, PendingCode, html, now_ms};
use crate::world::{Application, DemoUser};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use url::Url;

/// Scopes the sandbox's applications may be granted.
const OPENID_SCOPES: &[&str] = &["openid", "profile", "email", "offline_access"];

/// ARM's delegated scope, and the `.default` form that asks for the same.
const ARM_SCOPES: &[&str] = &[
    "https://management.azure.com/user_impersonation",
    "https://management.azure.com/.default",
];

/// True when `scope` names ARM's delegated permission.
pub(super) fn is_arm_scope(scope: &str) -> bool {
    ARM_SCOPES.iter().any(|s| s.eq_ignore_ascii_case(scope))
}

/// A request that passed every check.
struct Checked<'a> {
    application: &'a Application,
    redirect_uri: String,
    state: Option<String>,
    scopes: Vec<String>,
    nonce: Option<String>,
    code_challenge: String,
    silent: bool,
    login_hint: Option<String>,
}

/// Where a refusal goes.
enum Refusal {
    /// An error page: the client or its redirect URI cannot be trusted.
    Page(EntraError),
    /// Back to the (registered) redirect URI.
    Redirect(String, Option<String>, EntraError),
}

/// Answers an authorization request; `posted` is true for the sign-in page's POST.
pub(super) fn authorize(
    provider: &EntraProvider,
    action: &str,
    tenant: &str,
    parameters: &[(String, String)],
    posted: bool,
) -> Response {
    let checked = match check(provider, tenant, parameters) {
        Ok(checked) => checked,
        Err(refusal) => return refuse(refusal),
    };
    let chosen = if posted {
        parameter(parameters, "user")
    } else if checked.silent {
        checked.login_hint.as_deref()
    } else {
        None
    };
    let Some(chosen) = chosen else {
        if checked.silent {
            return refuse(Refusal::Redirect(
                checked.redirect_uri,
                checked.state,
                EntraError::new(
                    "login_required",
                    50_058,
                    "A silent sign-in request was sent but no user is signed in.",
                ),
            ));
        }
        return html::sign_in_page(
            action,
            checked.application,
            &provider.config().users,
            parameters,
            checked.login_hint.as_deref(),
        );
    };
    let Some(user) = provider.config().user(chosen) else {
        let error = EntraError::new(
            "invalid_request",
            50_034,
            format!(
                "The user account {chosen} does not exist in the {} directory. To sign into this application, the account must be added to the directory.",
                provider.tenant_id()
            ),
        );
        return if checked.silent && !posted {
            refuse(Refusal::Redirect(
                checked.redirect_uri,
                checked.state,
                error,
            ))
        } else {
            html::error_page(&error)
        };
    };
    sign_in(provider, checked, user)
}

/// Records the code and redirects to the client with it.
fn sign_in(provider: &EntraProvider, checked: Checked<'_>, user: &DemoUser) -> Response {
    let now = now_ms();
    let lifetime_ms = i64::try_from(provider.config().authorization_code_lifetime_seconds)
        .unwrap_or(600)
        .saturating_mul(1000);
    let code = provider.store_code(PendingCode {
        client_id: checked.application.client_id.clone(),
        redirect_uri: checked.redirect_uri.clone(),
        user_key: user.key.clone(),
        scopes: checked.scopes,
        nonce: checked.nonce,
        code_challenge: checked.code_challenge,
        signed_in_ms: now,
        expires_ms: now.saturating_add(lifetime_ms),
        redeemed: false,
    });
    tracing::info!(user = %user.key, client = %checked.application.client_id, "sandbox entra: user signed in");
    let mut pairs = vec![("code", code)];
    if let Some(state) = checked.state {
        pairs.push(("state", state));
    }
    redirect(&checked.redirect_uri, &pairs)
}

fn refuse(refusal: Refusal) -> Response {
    match refusal {
        Refusal::Page(error) => html::error_page(&error),
        Refusal::Redirect(uri, state, error) => {
            tracing::info!(
                error = error.error,
                code = error.code,
                "sandbox entra: authorization refused"
            );
            let mut pairs = vec![
                ("error", error.error.to_owned()),
                ("error_description", error.description()),
            ];
            if let Some(state) = state {
                pairs.push(("state", state));
            }
            redirect(&uri, &pairs)
        }
    }
}

/// A 302 to `uri` with `pairs` added to its query.
pub(super) fn redirect(uri: &str, pairs: &[(&str, String)]) -> Response {
    let Ok(mut url) = Url::parse(uri) else {
        return html::error_page(&EntraError::malformed("invalid_request"));
    };
    // Nothing to add leaves the URI as registered: no empty `?` (Entra's logout goes back to
    // the exact `post_logout_redirect_uri`).
    if !pairs.is_empty() {
        let mut query = url.query_pairs_mut();
        for (name, value) in pairs {
            query.append_pair(name, value);
        }
    }
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(location) = HeaderValue::from_str(url.as_str()) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The first value of `name`.
pub(super) fn parameter<'p>(parameters: &'p [(String, String)], name: &str) -> Option<&'p str> {
    parameters
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
        .filter(|value| !value.is_empty())
}

/// Entra's checks, in its order: tenant, client, redirect URI (all three refused with a page),
/// then response type and mode, scopes, PKCE and prompt (refused through the redirect).
fn check<'a>(
    provider: &'a EntraProvider,
    tenant: &str,
    parameters: &[(String, String)],
) -> Result<Checked<'a>, Refusal> {
    let get = |name| parameter(parameters, name);
    if !provider.is_tenant(tenant) {
        return Err(Refusal::Page(EntraError::unknown_tenant(
            "invalid_request",
            tenant,
        )));
    }
    let client_id =
        get("client_id").ok_or_else(|| Refusal::Page(EntraError::missing("client_id")))?;
    let application = provider.config().application(client_id).ok_or_else(|| {
        Refusal::Page(EntraError::new(
            "unauthorized_client",
            700_016,
            format!(
                "Application with identifier '{client_id}' was not found in the directory '{}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
                provider.tenant_id()
            ),
        ))
    })?;
    let redirect_uri =
        get("redirect_uri").ok_or_else(|| Refusal::Page(EntraError::missing("redirect_uri")))?;
    if !is_registered(application, redirect_uri) {
        return Err(Refusal::Page(EntraError::new(
            "invalid_request",
            50_011,
            format!(
                "The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.",
                application.client_id
            ),
        )));
    }
    let state = get("state").map(str::to_owned);
    let back = |error| Refusal::Redirect(redirect_uri.to_owned(), state.clone(), error);
    match get("response_type") {
        None => return Err(back(EntraError::missing("response_type"))),
        Some("code") => {}
        Some(other) => {
            return Err(back(EntraError::new(
                "unsupported_response_type",
                700_054,
                format!("response_type '{other}' is not enabled for the application."),
            )));
        }
    }
    if get("response_mode").is_some_and(|mode| mode != "query") {
        // The sandbox answers in the query only (Entra also offers fragment and form_post).
        return Err(back(EntraError::malformed("invalid_request")));
    }
    let silent = get("prompt") == Some("none");
    let scopes: Vec<String> = get("scope")
        .ok_or_else(|| back(EntraError::missing("scope")))?
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    if let Some(unknown) = scopes
        .iter()
        .find(|s| !OPENID_SCOPES.contains(&s.as_str()) && !is_arm_scope(s))
    {
        return Err(back(if silent {
            EntraError::new(
                "consent_required",
                65_001,
                format!(
                    "The user or administrator has not consented to use the application with ID '{}' named '{}'. Send an interactive authorization request for this user and resource.",
                    application.client_id, application.display_name
                ),
            )
        } else {
            EntraError::new(
                "invalid_scope",
                70_011,
                format!(
                    "The provided value for the input parameter 'scope' isn't valid. The scope {unknown} isn't valid."
                ),
            )
        }));
    }
    // PKCE is required here (Entra requires it of single-page apps only), and only S256.
    let code_challenge =
        get("code_challenge").ok_or_else(|| back(EntraError::missing("code_challenge")))?;
    if get("code_challenge_method") != Some("S256") {
        return Err(back(EntraError::malformed("invalid_request")));
    }
    if code_challenge.len() != 43 {
        return Err(back(EntraError::new(
            "invalid_request",
            501_491,
            "Invalid size of Code_Challenge parameter.",
        )));
    }
    Ok(Checked {
        application,
        redirect_uri: redirect_uri.to_owned(),
        state,
        scopes,
        nonce: get("nonce").map(str::to_owned),
        code_challenge: code_challenge.to_owned(),
        silent,
        login_hint: get("login_hint").map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(response: &Response) -> Option<&str> {
        response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }

    #[test]
    fn a_redirect_adds_its_pairs_and_nothing_when_there_are_none() {
        let bare = redirect("http://127.0.0.1:3000/sign-in", &[]);
        assert_eq!(bare.status(), StatusCode::FOUND);
        assert_eq!(location(&bare), Some("http://127.0.0.1:3000/sign-in"));
        let with_code = redirect(
            "http://127.0.0.1:3000/auth/callback",
            &[("code", "c 1".to_owned()), ("state", "s".to_owned())],
        );
        assert_eq!(
            location(&with_code),
            Some("http://127.0.0.1:3000/auth/callback?code=c+1&state=s")
        );
    }
}
