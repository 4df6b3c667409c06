//! How answers travel (issue 18): compressed as `Accept-Encoding` asks, and a public
//! `robots.txt`.

use super::support::{TestResult, alice_on_a_dashboard, ensure, http};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_ENCODING, VARY};

#[tokio::test]
async fn pages_and_json_are_compressed_as_the_browser_asks() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;
    // Brotli only: the test's HTTP client decodes gzip itself and drops the header (the
    // Playwright journey checks gzip as a browser sees it).
    for (path, encoding) in [("/", "br"), ("/api/subscriptions", "br")] {
        let answer = http()
            .get(format!("{base}{path}"))
            .header("cookie", &cookie)
            .header("accept-encoding", encoding)
            .send()
            .await?;
        ensure(
            answer.status() == StatusCode::OK,
            format!("{path}: {}", answer.status()),
        )?;
        ensure(
            answer
                .headers()
                .get(CONTENT_ENCODING)
                .is_some_and(|v| v == encoding),
            format!("{path} in {encoding}: {:?}", answer.headers()),
        )?;
        ensure(
            answer.headers().get_all(VARY).iter().any(|v| {
                v.to_str()
                    .is_ok_and(|v| v.to_ascii_lowercase().contains("accept-encoding"))
            }),
            format!("{path}: caches keep the encodings apart"),
        )?;
    }
    let plain = http()
        .get(format!("{base}/api/subscriptions"))
        .header("cookie", &cookie)
        .header("accept-encoding", "identity")
        .send()
        .await?;
    ensure(
        plain.headers().get(CONTENT_ENCODING).is_none(),
        "identity asked, nothing encoded",
    )?;
    ensure(
        plain.text().await?.contains("subscription_id"),
        "and readable as it is",
    )?;
    Ok(())
}

#[tokio::test]
async fn robots_txt_is_public_and_keeps_crawlers_out_of_the_api() -> TestResult {
    let (dashboard, _cookie) = alice_on_a_dashboard().await?;
    let answer = http()
        .get(format!("{}/robots.txt", dashboard.base_url))
        .send()
        .await?;
    ensure(answer.status() == StatusCode::OK, "public")?;
    let text = answer.text().await?;
    ensure(
        text.starts_with("User-agent: *\n") && text.contains("Disallow: /api/\n"),
        text,
    )
}
