//! Sandbox mode's scripted sign-in for `curl` users and tests: `POST /auth/dev/sign-in` with
//! `user=alice` (a key, user name or object id of the world's directory) runs the very OpenID
//! code flow the browser runs — PKCE, `state`, `nonce`, the code exchanged and the ID token
//! validated — against the sandbox's provider, silently (`prompt=none` with a `login_hint`), and
//! finishes it as the callback does ([`crate::oidc::routes::complete`]), so the session, the
//! vault entry and the Azure rights are exactly those of a sign-in on the provider's page. The
//! route is mounted only in sandbox mode.

use crate::AppState;
use crate::oidc::refusal::SignInRefusal;
use crate::oidc::routes::complete;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use serde::Deserialize;
use serde_json::json;
use shared::return_to::same_origin_path;
use tower_sessions::Session;
use url::Url;

/// The form of `POST /auth/dev/sign-in`.
#[derive(Deserialize)]
pub struct SignInForm {
    /// A user of the sandbox's directory, e.g. `alice`.
    user: String,
    /// Where to go afterwards; anything but a same-origin path becomes `/`.
    return_to: Option<String>,
}

/// `POST /auth/dev/sign-in`: signs `user` in and sends the browser to `return_to`.
pub async fn sign_in(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<SignInForm>,
) -> Result<Response, SignInRefusal> {
    let relying_party = state.oidc.as_ref().ok_or(SignInRefusal::NotConfigured)?;
    let user = form.user.trim();
    let (mut authorize, pending) = relying_party
        .begin(same_origin_path(form.return_to.as_deref()), Some(user))
        .await?;
    authorize.query_pairs_mut().append_pair("prompt", "none");
    let Some(answer) = silent_authorize(&authorize).await? else {
        return Ok(unknown_user(user));
    };
    let (code, sent_state) = answer;
    if sent_state != pending.state.expose() {
        return Err(SignInRefusal::UnknownState);
    }
    let signed_in = relying_party.finish(&pending, &code).await?;
    complete(&state, &session, relying_party, signed_in).await?;
    Ok(Redirect::to(&pending.return_to).into_response())
}

/// Follows the provider's silent answer to `authorize`: the `code` and `state` it redirects
/// back with, or `None` when it redirects back with an error (no such user).
async fn silent_authorize(authorize: &Url) -> Result<Option<(String, String)>, SignInRefusal> {
    let unavailable = |error: reqwest::Error| {
        SignInRefusal::Unavailable(crate::oidc::http_client::HttpError::Transport(
            error.to_string(),
        ))
    };
    // The sandbox is on loopback: no proxy from the environment may see the code.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .map_err(unavailable)?;
    let answer = client
        .get(authorize.clone())
        .send()
        .await
        .map_err(unavailable)?;
    let location = answer
        .headers()
        .get(header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| Url::parse(value).ok())
        .ok_or(SignInRefusal::NoCode)?;
    let value = |name: &str| {
        location
            .query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };
    Ok(value("code").zip(value("state")))
}

fn unknown_user(user: &str) -> Response {
    let shown: String = user.chars().take(64).collect();
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "code": "unknown_user", "message": format!("The sandbox's directory has no user '{shown}'. Try alice, bob, carol or dana.") })),
    )
        .into_response()
}
