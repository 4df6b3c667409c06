//! The token endpoint: client authentication ([`client_auth`]), the `authorization_code` grant (single use, PKCE S256, same redirect URI) and the rotating
//! `refresh_token` grant (refused after the user's sessions were revoked), answering Entra's
//! token response or its error bodies (docs/ARM_FACTS.md §10).

use super::authorize::is_arm_scope;
use super::claims::{
    ARM_AUDIENCE, AccessTokenClaims, GRAPH_AUDIENCE, IdTokenClaims, REFRESH_TYPE, RefreshClaims,
    pairwise_subject,
};
use super::client_auth::authenticate_client;
use super::errors::{EntraError, json_no_store};
use super::{EntraProvider, now_ms};
use crate::world::{Application, DemoUser};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::json;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// What a grant gives, whichever way it was redeemed.
struct Grant {
    user: DemoUser,
    scopes: Vec<String>,
    nonce: Option<String>,
    /// When the sign-in that began the grant happened, epoch milliseconds.
    grant_ms: i64,
}

/// A token request's form.
pub(super) struct Form(Vec<(String, String)>);

impl Form {
    /// The first non-empty value of `name`.
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .filter(|value| !value.is_empty())
    }
}

/// Answers a token request (`body` is the form).
pub(super) async fn token(
    provider: &EntraProvider,
    base_url: &str,
    tenant: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    match exchange(provider, base_url, tenant, headers, body).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn exchange(
    provider: &EntraProvider,
    base_url: &str,
    tenant: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, EntraError> {
    if !provider.is_tenant(tenant) {
        return Err(EntraError::unknown_tenant("invalid_request", tenant));
    }
    let form = Form(url::form_urlencoded::parse(body).into_owned().collect());
    let grant_type = form
        .get("grant_type")
        .ok_or_else(|| EntraError::missing("grant_type"))?;
    let (application, method) = authenticate_client(provider, headers, &form)?;
    let grant = match grant_type {
        "authorization_code" => redeem_code(provider, application, &form)?,
        "refresh_token" => redeem_refresh_token(provider, application, &form)?,
        other => {
            return Err(EntraError::new(
                "unsupported_grant_type",
                70_003,
                format!("The app requested an unsupported grant type '{other}'."),
            ));
        }
    };
    issue(provider, base_url, application, method, &grant).await
}

fn redeem_code(
    provider: &EntraProvider,
    application: &Application,
    form: &Form,
) -> Result<Grant, EntraError> {
    let get = |name| form.get(name);
    let code = get("code").ok_or_else(|| EntraError::missing("code"))?;
    let pending = provider.redeem_code(code).map_err(|redeemed| {
        if redeemed {
            EntraError::new(
                "invalid_grant",
                54_005,
                "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
            )
        } else {
            EntraError::new(
                "invalid_grant",
                70_008,
                "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
            )
        }
    })?;
    if !pending
        .client_id
        .eq_ignore_ascii_case(&application.client_id)
    {
        return Err(invalid_or_malformed());
    }
    let redirect_uri = get("redirect_uri").ok_or_else(|| EntraError::missing("redirect_uri"))?;
    if redirect_uri != pending.redirect_uri {
        return Err(EntraError::new(
            "invalid_grant",
            50_011,
            format!(
                "The redirect URI '{redirect_uri}' specified in the request does not match the redirect URI used to obtain the authorization code."
            ),
        ));
    }
    let verifier = get("code_verifier").unwrap_or_default();
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    if !well_formed || URL_SAFE_NO_PAD.encode(Sha256::digest(verifier)) != pending.code_challenge {
        return Err(EntraError::new(
            "invalid_grant",
            501_481,
            "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
        ));
    }
    let user = provider
        .config()
        .user(&pending.user_key)
        .cloned()
        .ok_or_else(invalid_or_malformed)?;
    Ok(Grant {
        user,
        scopes: pending.scopes,
        nonce: pending.nonce,
        grant_ms: pending.signed_in_ms,
    })
}

fn redeem_refresh_token(
    provider: &EntraProvider,
    application: &Application,
    form: &Form,
) -> Result<Grant, EntraError> {
    let get = |name| form.get(name);
    let token = get("refresh_token").ok_or_else(|| EntraError::missing("refresh_token"))?;
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<RefreshClaims>(
        token,
        &DecodingKey::from_secret(&refresh_key(&provider.secret)),
        &validation,
    )
    .map(|data| data.claims)
    .ok()
    .filter(|claims| claims.typ == REFRESH_TYPE)
    .ok_or_else(|| EntraError::malformed("invalid_grant"))?;
    if !claims.cid.eq_ignore_ascii_case(&application.client_id) {
        return Err(invalid_or_malformed());
    }
    if claims.exp <= OffsetDateTime::now_utc().unix_timestamp() {
        let days = provider.config().refresh_token_lifetime_seconds / 86_400;
        return Err(EntraError::new(
            "invalid_grant",
            700_082,
            format!(
                "The refresh token has expired due to inactivity. The token was issued on {} and was inactive for {days}.00:00:00.",
                entra_time(claims.iat_ms)
            ),
        ));
    }
    if let Some(valid_from) = provider.tokens_valid_from(&claims.oid)
        && claims.grant_ms <= valid_from
    {
        return Err(EntraError::new(
            "invalid_grant",
            50_173,
            format!(
                "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '{}' and the TokensValidFrom date (before which tokens are not valid) for this user is '{}'.",
                entra_time(claims.grant_ms),
                entra_time(valid_from)
            ),
        ));
    }
    let user = provider
        .config()
        .user(&claims.oid)
        .cloned()
        .ok_or_else(invalid_or_malformed)?;
    Ok(Grant {
        user,
        scopes: claims.scp.split_whitespace().map(str::to_owned).collect(),
        nonce: None,
        grant_ms: claims.grant_ms,
    })
}

fn invalid_or_malformed() -> EntraError {
    EntraError::new(
        "invalid_grant",
        70_000,
        "Provided grant is invalid or malformed.",
    )
}

/// The key refresh tokens are signed with, derived from the world's signing key.
fn refresh_key(secret: &str) -> Vec<u8> {
    let mut hash = Sha256::new();
    hash.update(b"arm-sandbox entra refresh token\0");
    hash.update(secret.as_bytes());
    hash.finalize().to_vec()
}

/// Entra's time format in messages: `2024-07-31T08:00:26.4486159Z`.
pub(super) fn entra_time(epoch_ms: i64) -> String {
    let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(epoch_ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let text = at.format(&Rfc3339).unwrap_or_default();
    let seconds = text.get(..19).unwrap_or(&text);
    format!("{seconds}.{:07}Z", at.nanosecond() / 100)
}

/// The token response for `grant`.
async fn issue(
    provider: &EntraProvider,
    base_url: &str,
    application: &Application,
    method: &str,
    grant: &Grant,
) -> Result<Response, EntraError> {
    let key = provider.current_key().await.map_err(|error| {
        tracing::error!(%error, "sandbox entra: no signing key");
        EntraError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            ..EntraError::new(
                "server_error",
                50_000,
                "There was an error issuing a token.",
            )
        }
    })?;
    let signing = |error: jsonwebtoken::errors::Error| {
        tracing::error!(%error, "sandbox entra: token signing failed");
        EntraError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            ..EntraError::new(
                "server_error",
                50_000,
                "There was an error issuing a token.",
            )
        }
    };
    let config = provider.config();
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let lifetime = |seconds: u64| i64::try_from(seconds).unwrap_or(3600);
    let has = |scope: &str| grant.scopes.iter().any(|s| s == scope);
    let user = &grant.user;
    let arm = grant.scopes.iter().any(|s| is_arm_scope(s));
    let (audience, scp, scope) = if arm {
        (
            ARM_AUDIENCE,
            "user_impersonation",
            "https://management.azure.com/user_impersonation".to_owned(),
        )
    } else {
        let mut granted = vec!["User.Read"];
        granted.extend(
            ["openid", "profile", "email"]
                .into_iter()
                .filter(|s| has(s)),
        );
        (GRAPH_AUDIENCE, "User.Read", granted.join(" "))
    };
    let sts = format!("https://sts.windows.net/{}/", provider.tenant_id());
    let access_lifetime = lifetime(config.access_token_lifetime_seconds);
    let access = AccessTokenClaims {
        aud: audience.to_owned(),
        iss: sts.clone(),
        iat: now,
        nbf: now,
        exp: now.saturating_add(access_lifetime),
        appid: application.client_id.clone(),
        appidacr: method.into(),
        idp: sts,
        idtyp: "user".into(),
        name: user.display_name.clone(),
        oid: user.object_id.clone(),
        scp: scp.into(),
        sub: pairwise_subject(&user.object_id, audience),
        tid: provider.tenant_id().to_owned(),
        unique_name: user.username.clone(),
        upn: user.username.clone(),
        ver: "1.0".into(),
    };
    let mut body = json!({
        "token_type": "Bearer",
        "scope": scope,
        "expires_in": access_lifetime,
        "ext_expires_in": access_lifetime,
        "access_token": key.sign(&access).map_err(signing)?,
    });
    if has("offline_access") {
        let refresh = RefreshClaims {
            typ: REFRESH_TYPE.into(),
            oid: user.object_id.clone(),
            cid: application.client_id.clone(),
            scp: grant.scopes.join(" "),
            grant_ms: grant.grant_ms,
            iat_ms: now_ms(),
            exp: now.saturating_add(lifetime(config.refresh_token_lifetime_seconds)),
            jti: uuid::Uuid::new_v4().to_string(),
        };
        let encoded = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &refresh,
            &EncodingKey::from_secret(&refresh_key(&provider.secret)),
        )
        .map_err(signing)?;
        body["refresh_token"] = json!(encoded);
    }
    if has("openid") {
        let id = IdTokenClaims {
            aud: application.client_id.clone(),
            iss: provider.issuer(base_url),
            iat: now,
            nbf: now,
            exp: now.saturating_add(lifetime(config.id_token_lifetime_seconds)),
            name: user.display_name.clone(),
            nonce: grant.nonce.clone(),
            oid: user.object_id.clone(),
            preferred_username: user.username.clone(),
            roles: user
                .app_roles
                .iter()
                .filter(|role| application.app_roles.contains(role))
                .cloned()
                .collect(),
            sub: pairwise_subject(&user.object_id, &application.client_id),
            tid: provider.tenant_id().to_owned(),
            ver: "2.0".into(),
        };
        body["id_token"] = json!(key.sign(&id).map_err(signing)?);
    }
    tracing::info!(user = %user.key, client = %application.client_id, "sandbox entra: tokens issued");
    Ok(json_no_store(StatusCode::OK, &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_messages_look_like_entras() {
        assert_eq!(
            entra_time(1_722_412_826_448),
            "2024-07-31T08:00:26.4480000Z"
        );
    }
}
