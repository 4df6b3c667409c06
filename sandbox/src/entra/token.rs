//! The token endpoint: client authentication (client_secret_post or client_secret_basic), the
//! `authorization_code` grant (single use, PKCE S256, same redirect URI) and the rotating
//! `refresh_token` grant (refused after the user's sessions were revoked), answering Entra's
//! token response or its error bodies (docs/ARM_FACTS.md §10).

use super::authorize::is_arm_scope;
use super::claims::{
    ARM_AUDIENCE, AccessTokenClaims, GRAPH_AUDIENCE, IdTokenClaims, REFRESH_TYPE, RefreshClaims,
    pairwise_subject,
};
use super::errors::{EntraError, json_no_store};
use super::{EntraProvider, now_ms};
use crate::world::{Application, DemoUser};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
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
struct Form(Vec<(String, String)>);

impl Form {
    /// The first non-empty value of `name`.
    fn get(&self, name: &str) -> Option<&str> {
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
    let application = authenticate_client(provider, headers, &form)?;
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
    issue(provider, base_url, application, &grant).await
}

/// The client, authenticated by its secret in the form or in `Authorization: Basic`.
fn authenticate_client<'p>(
    provider: &'p EntraProvider,
    headers: &HeaderMap,
    form: &Form,
) -> Result<&'p Application, EntraError> {
    let get = |name| form.get(name);
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .map(|encoded| {
            basic_credentials(encoded.trim())
                .ok_or_else(|| EntraError::malformed("invalid_request"))
        })
        .transpose()?;
    let (client_id, secret) = match &basic {
        Some((id, secret)) => {
            if get("client_id").is_some_and(|form_id| form_id != id)
                || get("client_secret").is_some()
            {
                // Two ways of authenticating at once (RFC 6749 §2.3).
                return Err(EntraError::malformed("invalid_request"));
            }
            (id.as_str(), Some(secret.as_str()))
        }
        None => (
            get("client_id").ok_or_else(|| EntraError::missing("client_id"))?,
            get("client_secret"),
        ),
    };
    let application = provider.config().application(client_id).ok_or_else(|| {
        EntraError::new(
            "unauthorized_client",
            700_016,
            format!(
                "Application with identifier '{client_id}' was not found in the directory '{}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
                provider.tenant_id()
            ),
        )
    })?;
    if get("client_assertion").is_some() {
        // No federated credential is registered in the sandbox's directory.
        return Err(EntraError::invalid_client(
            700_027,
            "Client assertion contains an invalid signature. [Reason - The key was not found.]",
        ));
    }
    let Some(secret) = secret else {
        return Err(EntraError::invalid_client(
            7_000_218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        ));
    };
    if !same_secret(secret, &application.client_secret) {
        return Err(EntraError::invalid_client(
            7_000_215,
            format!(
                "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{}'.",
                application.client_id
            ),
        ));
    }
    Ok(application)
}

/// `id:secret` of a Basic header, each form-urlencoded first (RFC 6749 §2.3.1).
fn basic_credentials(encoded: &str) -> Option<(String, String)> {
    let decoded = String::from_utf8(STANDARD.decode(encoded).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |part: &str| {
        url::form_urlencoded::parse(format!("x={part}").as_bytes())
            .next()
            .map(|(_, value)| value.into_owned())
    };
    Some((unescape(id)?, unescape(secret)?))
}

/// Compares two secrets in time independent of where they differ.
fn same_secret(presented: &str, registered: &str) -> bool {
    let (a, b) = (Sha256::digest(presented), Sha256::digest(registered));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
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
fn entra_time(epoch_ms: i64) -> String {
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
        exp: now + access_lifetime,
        appid: application.client_id.clone(),
        appidacr: "1".into(),
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
            exp: now + lifetime(config.refresh_token_lifetime_seconds),
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
            exp: now + lifetime(config.id_token_lifetime_seconds),
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
    fn basic_credentials_are_form_decoded() {
        let header = STANDARD.encode("my%20app:s%3Acret+x");
        assert_eq!(
            basic_credentials(&header),
            Some(("my app".into(), "s:cret x".into()))
        );
        assert_eq!(basic_credentials("%%%"), None);
        assert_eq!(basic_credentials(&STANDARD.encode("no-colon")), None);
    }

    #[test]
    fn times_in_messages_look_like_entras() {
        assert_eq!(
            entra_time(1_722_412_826_448),
            "2024-07-31T08:00:26.4480000Z"
        );
        assert!(same_secret("a", "a") && !same_secret("a", "b"));
    }
}
