//! Steps of an OpenID sign-in shared by the sign-in tests: who a browser is signed in as (the
//! `current_caller` server function), and the checks that a refused sign-in made no session.

use super::browser::{Answer, Browser};
use super::{TestResult, ensure, http};
use app::api::session::current_caller::CurrentCaller;
use reqwest::StatusCode;
use server_fn::ServerFn;
use shared::caller::Caller;

/// Who `browser` is signed in as at the dashboard `base`, or `None` when the API answers 401.
pub async fn signed_in_as(browser: &Browser, base: &str) -> TestResult<Option<Caller>> {
    let Some(cookie) = browser.session_cookie() else {
        return Ok(None);
    };
    caller_of_cookie(base, &cookie).await
}

/// Who the session cookie pair `cookie` signs in at `base`, or `None` on 401.
pub async fn caller_of_cookie(base: &str, cookie: &str) -> TestResult<Option<Caller>> {
    let response = http()
        .post(format!("{base}{}", CurrentCaller::PATH))
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await?;
    match response.status() {
        StatusCode::UNAUTHORIZED => Ok(None),
        StatusCode::OK => Ok(Some(response.json().await?)),
        other => Err(format!(
            "current_caller answered {other}: {}",
            response.text().await?
        )
        .into()),
    }
}

/// `answer` is the sign-in refusal page with `status` and `words`, and `browser` is not signed
/// in afterwards.
pub async fn refused(
    answer: &Answer,
    status: StatusCode,
    words: &str,
    browser: &Browser,
    base: &str,
) -> TestResult {
    ensure(
        answer.status == status,
        format!(
            "status {} (wanted {status}): {}",
            answer.status, answer.body
        ),
    )?;
    ensure(
        answer.body.contains(words) && answer.body.contains("Back to sign-in"),
        format!("the page says {words:?}: {}", answer.body),
    )?;
    ensure(
        signed_in_as(browser, base).await?.is_none(),
        "no session was made",
    )
}
