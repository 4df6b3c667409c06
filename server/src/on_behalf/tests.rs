//! [`UserTokens`] against a scripted grant and an in-memory store.

use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A grant that answers with numbered tokens, or refuses the tokens listed as revoked.
#[derive(Default)]
struct ScriptedGrant {
    calls: AtomicUsize,
    revoked: Mutex<Vec<String>>,
    lifetime_seconds: i64,
}

#[async_trait::async_trait]
impl RefreshGrant for ScriptedGrant {
    async fn refresh(
        &self,
        refresh_token: &str,
        _scope: &str,
    ) -> Result<GrantedTokens, GrantError> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        // Long enough for concurrent callers to pile up behind the one refresh.
        tokio::time::sleep(Duration::from_millis(20)).await;
        if self
            .revoked
            .lock()
            .expect("lock")
            .iter()
            .any(|t| t == refresh_token)
        {
            return Err(GrantError::Refused {
                code: "invalid_grant".into(),
                description: "AADSTS50173: The provided grant has expired due to it being revoked.\r\nTrace ID: 1".into(),
            });
        }
        Ok(GrantedTokens {
            access_token: format!("access-{call}"),
            expires_on: OffsetDateTime::now_utc() + time::Duration::seconds(self.lifetime_seconds),
            refresh_token: Some(format!("refresh-{call}")),
        })
    }
}

#[derive(Default)]
struct MemoryStore {
    tokens: Mutex<HashMap<UserKey, (String, i64)>>,
}

impl MemoryStore {
    fn put(&self, user: &UserKey, token: &str) {
        let mut tokens = self.tokens.lock().expect("lock");
        let version = tokens.get(user).map_or(1, |(_, v)| v + 1);
        tokens.insert(user.clone(), (token.into(), version));
    }

    fn token(&self, user: &UserKey) -> Option<String> {
        self.tokens
            .lock()
            .expect("lock")
            .get(user)
            .map(|(t, _)| t.clone())
    }
}

#[async_trait::async_trait]
impl RefreshTokenStore for MemoryStore {
    async fn refresh_token(&self, user: &UserKey) -> Result<Option<StoredRefreshToken>, String> {
        Ok(self
            .tokens
            .lock()
            .expect("lock")
            .get(user)
            .map(|(token, version)| StoredRefreshToken {
                token: token.clone(),
                version: version.to_be_bytes().to_vec(),
            }))
    }

    async fn replace_refresh_token(
        &self,
        user: &UserKey,
        version: &[u8],
        token: &str,
    ) -> Result<(), String> {
        let mut tokens = self.tokens.lock().expect("lock");
        let current = tokens.get(user).map(|(_, v)| *v);
        if let Some(current) = current.filter(|v| v.to_be_bytes() == version) {
            tokens.insert(user.clone(), (token.into(), current + 1));
        }
        Ok(())
    }
}

fn alice() -> Caller {
    Caller {
        tenant_id: "t".into(),
        object_id: "alice".into(),
        ..Caller::default()
    }
}

fn setup(lifetime_seconds: i64) -> (Arc<ScriptedGrant>, Arc<MemoryStore>, Arc<UserTokens>) {
    let grant = Arc::new(ScriptedGrant {
        lifetime_seconds,
        ..ScriptedGrant::default()
    });
    let store = Arc::new(MemoryStore::default());
    let tokens = UserTokens::new(
        grant.clone(),
        store.clone(),
        "https://management.azure.com/user_impersonation",
    );
    (grant, store, tokens)
}

async fn token(tokens: &Arc<UserTokens>, user: &Caller) -> azure_core::Result<String> {
    let credential = tokens.credential_for(user);
    let token = credential
        .get_token(&["https://management.azure.com/.default"], None)
        .await?;
    Ok(token.token.secret().to_owned())
}

#[tokio::test]
async fn one_refresh_serves_concurrent_calls_and_the_rotated_token_is_kept() {
    let (grant, store, tokens) = setup(3600);
    store.put(&UserKey::of(&alice()), "refresh-0");
    let caller = alice();
    let (a, b, c) = tokio::join!(
        token(&tokens, &caller),
        token(&tokens, &caller),
        token(&tokens, &caller)
    );
    assert_eq!(
        [a.ok(), b.ok(), c.ok()],
        [
            Some("access-1".to_owned()),
            Some("access-1".into()),
            Some("access-1".into())
        ]
    );
    assert_eq!(grant.calls.load(Ordering::SeqCst), 1);
    assert_eq!(
        store.token(&UserKey::of(&alice())).as_deref(),
        Some("refresh-1"),
        "rotated"
    );
}

#[tokio::test]
async fn a_token_is_kept_for_half_its_life_at_most_then_refreshed() {
    let (grant, store, tokens) = setup(2);
    store.put(&UserKey::of(&alice()), "refresh-0");
    let first = token(&tokens, &alice()).await.ok();
    assert_eq!(first.as_deref(), Some("access-1"));
    let again = token(&tokens, &alice()).await.ok();
    assert_eq!(
        again.as_deref(),
        Some("access-1"),
        "kept for about a second"
    );
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let later = token(&tokens, &alice()).await.ok();
    assert_eq!(later.as_deref(), Some("access-2"), "past half its life");
    assert_eq!(grant.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_refused_token_asks_for_a_sign_in_once_and_a_new_sign_in_resumes() {
    let (grant, store, tokens) = setup(3600);
    let user = UserKey::of(&alice());
    store.put(&user, "refresh-old");
    grant
        .revoked
        .lock()
        .expect("lock")
        .push("refresh-old".into());
    let refused = token(&tokens, &alice()).await.expect_err("revoked");
    let required = refused.downcast_ref::<SignInRequired>().expect("typed");
    assert!(required.reason.starts_with("AADSTS50173"), "{required}");
    assert!(!required.reason.contains("Trace ID"), "{required}");
    let again = token(&tokens, &alice()).await.expect_err("still revoked");
    assert!(again.downcast_ref::<SignInRequired>().is_some());
    assert_eq!(
        grant.calls.load(Ordering::SeqCst),
        1,
        "the refused token is not sent again"
    );

    let waiter = {
        let tokens = Arc::clone(&tokens);
        tokio::spawn(async move { tokens.next_sign_in(Duration::from_secs(5)).await })
    };
    tokio::task::yield_now().await;
    store.put(&user, "refresh-new");
    tokens.signed_in(&alice());
    tokio::time::timeout(Duration::from_secs(1), waiter)
        .await
        .expect("woken")
        .expect("joined");
    assert_eq!(
        token(&tokens, &alice()).await.ok().as_deref(),
        Some("access-2")
    );
}

#[tokio::test]
async fn a_user_with_nothing_stored_must_sign_in_and_users_do_not_share_tokens() {
    let (_grant, store, tokens) = setup(3600);
    store.put(&UserKey::of(&alice()), "refresh-0");
    let bob = Caller {
        object_id: "bob".into(),
        ..alice()
    };
    let missing = token(&tokens, &bob).await.expect_err("nothing stored");
    assert_eq!(
        missing
            .downcast_ref::<SignInRequired>()
            .map(|e| e.reason.as_str()),
        Some("no sign-in of theirs is kept")
    );
    let same_oid_other_tenant = Caller {
        tenant_id: "other".into(),
        ..alice()
    };
    assert!(token(&tokens, &same_oid_other_tenant).await.is_err());
    assert!(token(&tokens, &alice()).await.is_ok());
}
