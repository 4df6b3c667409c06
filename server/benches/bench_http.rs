//! The HTTP the benchmarks send: a client that does not follow redirects, and alice's sign-in.

/// Why a benchmark stopped.
pub type BenchError = Box<dyn std::error::Error + Send + Sync>;

/// `POST /auth/dev/sign-in` as `user`; answers the `name=value` cookie pair to send back.
pub async fn sign_in(base_url: &str, user: &str) -> Result<String, BenchError> {
    let response = http()?
        .post(format!("{base_url}/auth/dev/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("user={user}"))
        .send()
        .await?;
    let set_cookie = response
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| format!("sign-in answers {} without a cookie", response.status()))?;
    Ok(set_cookie.split(';').next().unwrap_or_default().to_owned())
}

/// A client that does not follow redirects.
pub fn http() -> Result<reqwest::Client, BenchError> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}
