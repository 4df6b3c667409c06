//! The sign-in routes: `GET /auth/sign-in?return_to=/path[&login_hint=…]` (to the provider),
//! `GET /auth/callback` (back from it), `POST /auth/sign-out` (ends the server-side session, then
//! the provider's). Thin: the work is [`RelyingParty`](super::RelyingParty)'s, the session's is
//! [`crate::session::signed_in`]'s.

use super::pending::{self, Taken};
use super::refusal::{SignInRefusal, error_code};
use super::{RelyingParty, SignedInUser};
use crate::AppState;
use crate::session::SessionBinding;
use crate::session::signed_in::{self, establish};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shared::return_to::same_origin_path;
use tower_sessions::Session;

/// The query of `/auth/sign-in`.
#[derive(Deserialize)]
pub struct SignInQuery {
    /// Where to go afterwards; anything but a same-origin path becomes `/`.
    return_to: Option<String>,
    /// A user name the provider may pre-fill (Entra's `login_hint`).
    login_hint: Option<String>,
}

/// `GET /auth/sign-in`: keeps a pending sign-in in the session and sends the browser to the
/// provider.
pub async fn sign_in(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<SignInQuery>,
) -> Result<Redirect, SignInRefusal> {
    let relying_party = state.oidc.as_ref().ok_or(SignInRefusal::NotConfigured)?;
    let return_to = same_origin_path(query.return_to.as_deref());
    let (url, pending) = relying_party
        .begin(return_to, query.login_hint.as_deref())
        .await?;
    pending::remember(&session, pending).await?;
    Ok(Redirect::to(url.as_str()))
}

/// The query of `/auth/callback`. No `Debug`: it holds the code.
#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    iss: Option<String>,
}

/// `GET /auth/callback`: takes the pending sign-in the `state` names (single use), exchanges
/// the code, validates the ID token, keeps the tokens in the vault, and makes the session a
/// signed-in one under a new id; then sends the browser to the page it came from.
pub async fn callback(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<CallbackQuery>,
) -> Result<Redirect, SignInRefusal> {
    let relying_party = state.oidc.as_ref().ok_or(SignInRefusal::NotConfigured)?;
    let taken = match query.state.as_deref() {
        Some(sent) => pending::take(&session, sent).await?,
        None => Taken::Unknown,
    };
    if let Some(error) = query.error.as_deref() {
        // The description is the provider's (or a forger's) text: logged escaped, never shown.
        tracing::info!(description = ?query.error_description, "the provider's error description");
        return Err(SignInRefusal::ProviderError {
            code: error_code(error),
        });
    }
    let pending = match taken {
        Taken::Found(pending) => pending,
        Taken::Expired => return Err(SignInRefusal::Expired),
        Taken::Unknown => return Err(SignInRefusal::UnknownState),
    };
    let code = query.code.ok_or(SignInRefusal::NoCode)?;
    relying_party
        .check_response_issuer(query.iss.as_deref())
        .await?;
    let user = relying_party.finish(&pending, &code).await?;
    complete(&state, &session, relying_party, user).await?;
    Ok(Redirect::to(&pending.return_to))
}

/// What every finished sign-in does, whichever way it came (the callback, or sandbox mode's
/// scripted sign-in): keeps the tokens in the vault, tells the ARM tokens of the person's jobs
/// that a new sign-in is there (a job waiting for it continues), and makes the session a
/// signed-in one under a new id.
pub async fn complete(
    state: &AppState,
    session: &Session,
    relying_party: &RelyingParty,
    user: SignedInUser,
) -> Result<(), SignInRefusal> {
    // Without the vault's copy the sign-in still works; work on the person's behalf will ask
    // them to sign in again.
    match state.vault.store(&user.caller, user.tokens).await {
        Ok(()) => {
            if let Some(tokens) = &state.user_tokens {
                tokens.signed_in(&user.caller);
            }
            // Jobs of this person waiting on other replicas continue too.
            let (tenant_id, object_id) = (&user.caller.tenant_id, &user.caller.object_id);
            if let Err(error) = state.store.announce_sign_in(tenant_id, object_id).await {
                tracing::warn!(%error, "cannot announce the sign-in to other replicas");
            }
        }
        Err(error) => tracing::error!(%error, "cannot keep the signed-in person's tokens"),
    }
    tracing::info!(
        tenant_id = %user.caller.tenant_id,
        object_id = %user.caller.object_id,
        roles = ?user.caller.roles,
        "signed in"
    );
    let binding = SessionBinding::openid(state.session.cloud, &relying_party.issuer_label());
    establish(session, user.caller, binding, Some(user.id_token)).await?;
    Ok(())
}

/// `POST /auth/sign-out`: deletes the session record (every copy of the cookie is dead), then
/// sends the browser to the provider's end-session endpoint with `id_token_hint` and
/// `post_logout_redirect_uri` = our `/sign-in`, or straight to `/sign-in` (the sandbox's demo
/// sessions, a provider without end-session).
pub async fn sign_out(State(state): State<AppState>, session: Session) -> Response {
    let ended = match signed_in::end(&session).await {
        Ok(ended) => ended,
        Err(error) => {
            tracing::error!(%error, "cannot delete the session");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "Signing out failed; please try again.",
            )
                .into_response();
        }
    };
    let provider_sign_out = match (&ended, &state.oidc) {
        (Some(record), Some(relying_party)) if record.binding.is_openid() => {
            relying_party
                .end_session_url(record.id_token_hint.as_ref())
                .await
        }
        _ => None,
    };
    if let Some(record) = &ended {
        tracing::info!(object_id = %record.caller.object_id, "signed out");
    }
    match provider_sign_out {
        Some(url) => Redirect::to(url.as_str()).into_response(),
        None => Redirect::to("/sign-in").into_response(),
    }
}
