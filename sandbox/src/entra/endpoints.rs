//! The provider's URLs: which request goes to which endpoint, discovery, the key set, end
//! session, and the test-only controls (rotate the signing key, revoke a user's sessions),
//! whose changes a sandbox that keeps its state saves before it answers.

use super::authorize::{authorize, parameter, redirect};
use super::errors::{EntraError, json_no_store};
use super::redirect::is_registered_after_logout;
use super::token::token;
use super::{EntraProvider, html, keys};
use crate::SandboxCloud;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use jsonwebtoken::{Algorithm, Validation};
use serde_json::{Value, json};

/// The answer to a request for one of the provider's URLs; `None` for any other URL.
pub(crate) async fn answer(
    cloud: &SandboxCloud,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Option<Response> {
    let segments: Vec<String> = uri
        .path()
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let lowered: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
    let shape: Vec<&str> = lowered.iter().map(String::as_str).collect();
    let provider = &cloud.entra;
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    let base_url = format!("http://{host}");
    let query = || -> Vec<(String, String)> {
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect()
    };
    let form =
        || -> Vec<(String, String)> { url::form_urlencoded::parse(body).into_owned().collect() };
    let tenant = segments.first().map_or("", String::as_str);
    let response = match (method, shape.as_slice()) {
        (&Method::GET, [_, "v2.0", ".well-known", "openid-configuration"]) => {
            discovery(provider, &base_url, tenant)
        }
        (&Method::GET, [_, "discovery", "v2.0", "keys"]) => {
            key_set(provider, &base_url, tenant).await
        }
        (&Method::GET, [_, "oauth2", "v2.0", "authorize"]) => {
            authorize(provider, uri.path(), tenant, &query(), false)
        }
        (&Method::POST, [_, "oauth2", "v2.0", "authorize"]) => {
            authorize(provider, uri.path(), tenant, &form(), true)
        }
        (&Method::POST, [_, "oauth2", "v2.0", "token"]) => {
            token(provider, &base_url, tenant, headers, body).await
        }
        (&Method::GET, [_, "oauth2", "v2.0", "logout"]) => {
            end_session(provider, tenant, &query()).await
        }
        (&Method::POST, [_, "oauth2", "v2.0", "logout"]) => {
            end_session(provider, tenant, &form()).await
        }
        (&Method::POST, ["sandbox", "entra", "rotate-signing-key"]) => {
            provider.rotate_signing_key();
            match provider.published_keys().await {
                Ok(keys) => saved(
                    cloud,
                    json!({
                        "current_kid": keys[0].kid,
                        "published_kids": keys.iter().map(|k| k.kid.clone()).collect::<Vec<_>>(),
                    }),
                )
                .await,
                Err(error) => internal_error(&error),
            }
        }
        (&Method::POST, ["sandbox", "entra", "users", _, "revoke-sign-in-sessions"]) => {
            match provider.config().user(&segments[3]) {
                Some(user) => {
                    provider.revoke_sign_in_sessions(&user.object_id);
                    // Graph's revokeSignInSessions answers an OData boolean.
                    saved(cloud, json!({ "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean", "value": true })).await
                }
                None => json_no_store(
                    StatusCode::NOT_FOUND,
                    &json!({ "error": { "code": "Request_ResourceNotFound", "message": format!("Resource '{}' does not exist or one of its queried reference-property objects are not present.", segments[3]) } }),
                ),
            }
        }
        (
            _,
            [_, "v2.0", ".well-known", "openid-configuration"]
            | [_, "discovery", "v2.0", "keys"]
            | [_, "oauth2", "v2.0", "authorize" | "token" | "logout"]
            | ["sandbox", "entra", ..],
        ) => StatusCode::METHOD_NOT_ALLOWED.into_response(),
        _ => return None,
    };
    Some(response)
}

/// `body` once the provider's state is saved (a cloud that keeps its state forgets no rotation
/// or revocation it announced).
async fn saved(cloud: &SandboxCloud, body: Value) -> Response {
    match cloud.save_changes().await {
        Ok(()) => json_no_store(StatusCode::OK, &body),
        Err(error) => internal_error(&error),
    }
}

fn internal_error(error: &dyn std::fmt::Display) -> Response {
    tracing::error!(%error, "sandbox entra: request failed");
    json_no_store(
        StatusCode::INTERNAL_SERVER_ERROR,
        &json!({ "error": "server_error", "error_description": "The sandbox's identity provider failed; see its log." }),
    )
}

/// The OpenID discovery document, with Entra v2.0's fields.
fn discovery(provider: &EntraProvider, base_url: &str, tenant: &str) -> Response {
    if !provider.is_tenant(tenant) {
        return EntraError::unknown_tenant("invalid_tenant", tenant).into_response();
    }
    let issuer = provider.issuer(base_url);
    let at = |path: &str| format!("{base_url}/{}/{path}", provider.tenant_id());
    let document = json!({
        "issuer": issuer,
        "authorization_endpoint": at("oauth2/v2.0/authorize"),
        "token_endpoint": at("oauth2/v2.0/token"),
        "jwks_uri": at("discovery/v2.0/keys"),
        "end_session_endpoint": at("oauth2/v2.0/logout"),
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "response_modes_supported": ["query"],
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nbf", "nonce", "name", "oid", "preferred_username", "roles", "tid", "ver"],
        "code_challenge_methods_supported": ["S256"],
        "request_uri_parameter_supported": false,
        "http_logout_supported": true,
        "frontchannel_logout_supported": true,
        "tenant_region_scope": null,
        "cloud_instance_name": "sandbox.local",
    });
    (StatusCode::OK, axum::Json(document)).into_response()
}

/// The JSON Web Key Set: the current key, then the previous one.
async fn key_set(provider: &EntraProvider, base_url: &str, tenant: &str) -> Response {
    if !provider.is_tenant(tenant) {
        return EntraError::unknown_tenant("invalid_tenant", tenant).into_response();
    }
    match provider.published_keys().await {
        Ok(keys) => {
            let issuer = provider.issuer(base_url);
            let keys: Vec<Value> = keys.iter().map(|k| k.jwk(&issuer)).collect();
            (StatusCode::OK, axum::Json(json!({ "keys": keys }))).into_response()
        }
        Err(error) => internal_error(&error),
    }
}

/// End session: back to `post_logout_redirect_uri` (with `state`) when the application it
/// belongs to (named by `client_id` or by the audience of `id_token_hint`) registered it;
/// otherwise the signed-out page. The sandbox keeps no sign-in session of its own to end.
async fn end_session(
    provider: &EntraProvider,
    tenant: &str,
    parameters: &[(String, String)],
) -> Response {
    if !provider.is_tenant(tenant) {
        return html::error_page(&EntraError::unknown_tenant("invalid_request", tenant));
    }
    let Some(target) = parameter(parameters, "post_logout_redirect_uri") else {
        return html::signed_out_page();
    };
    let client_id = match parameter(parameters, "id_token_hint") {
        Some(hint) => match hinted_client(provider, hint).await {
            Some(client_id) => Some(client_id),
            None => return html::error_page(&EntraError::malformed("invalid_request")),
        },
        None => parameter(parameters, "client_id").map(str::to_owned),
    };
    let application = client_id.and_then(|id| provider.config().application(&id));
    match application {
        Some(application) if is_registered_after_logout(application, target) => {
            let state = parameter(parameters, "state").map(str::to_owned);
            let pairs: Vec<(&str, String)> = state.into_iter().map(|s| ("state", s)).collect();
            redirect(target, &pairs)
        }
        _ => html::signed_out_page(),
    }
}

/// The audience of an ID token this provider signed (expired or not).
async fn hinted_client(provider: &EntraProvider, hint: &str) -> Option<String> {
    let keys = provider.published_keys().await.ok()?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let claims: Value = keys::verify(hint, &keys, validation).ok()?;
    claims["aud"].as_str().map(str::to_owned)
}
