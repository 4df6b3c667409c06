//! Bad input through real HTTP (docs/PRODUCT.md "Limits and hardening"): oversized bodies,
//! deeply nested JSON, bodies that are not UTF-8, huge query values, unknown fields, and CR/LF
//! in names. Each is answered 4xx with a JSON `{code, message}`, the server stays up, and no
//! job row is written.

use super::support::{
    SUBSCRIPTION, TestDashboard, TestResult, alice_on_a_dashboard, create_body, ensure, http,
};
use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use server::hardening::body_limit::MAX_BODY_BYTES;

/// Sends `request` and checks it is answered with a 4xx `status` JSON `{code, message}`.
async fn refused(
    request: reqwest::RequestBuilder,
    status: StatusCode,
    what: &str,
) -> TestResult<serde_json::Value> {
    let response = request.send().await?;
    let got = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    ensure(got == status, format!("{what}: {got} {body}"))?;
    ensure(
        is_json && body["code"].is_string() && body["message"].is_string(),
        format!("{what}: a JSON error, got {body}"),
    )?;
    Ok(body)
}

/// No job was written, and the server still answers.
async fn nothing_written(dashboard: &TestDashboard) -> TestResult {
    let jobs = dashboard.store.unfinished_jobs().await?;
    ensure(jobs.is_empty(), format!("{} job rows written", jobs.len()))?;
    let health = http()
        .get(format!("{}/healthz", dashboard.base_url))
        .send()
        .await?;
    ensure(health.status() == StatusCode::OK, "the server is still up")
}

/// A create body padded with a `padding` member of `bytes` bytes.
fn padded_create(bytes: usize) -> String {
    let mut body = create_body("aks-big", "eastus", "rg-big");
    body["padding"] = serde_json::json!("x".repeat(bytes));
    body.to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_bodies_are_413_declared_or_chunked() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;
    let post = |path: &str| {
        http()
            .post(format!("{base}{path}"))
            .header("cookie", &cookie)
            .header(CONTENT_TYPE, "application/json")
    };
    let big = padded_create(MAX_BODY_BYTES);
    refused(
        post("/api/aks/provision").body(big.clone()),
        StatusCode::PAYLOAD_TOO_LARGE,
        "declared",
    )
    .await?;
    // No Content-Length: the body arrives in chunks and is cut at the limit.
    let (status, answer) =
        chunked_post(base, "/api/aks/provision", &cookie, big.as_bytes()).await?;
    ensure(
        status == 413 && answer.contains("payload_too_large"),
        format!("chunked: {status} {answer}"),
    )?;
    refused(
        http()
            .post(format!("{base}/api/start_provision"))
            .header("cookie", &cookie)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(format!(
                "request[cluster_name]={}",
                "a".repeat(MAX_BODY_BYTES)
            )),
        StatusCode::PAYLOAD_TOO_LARGE,
        "a server function",
    )
    .await?;
    refused(
        http()
            .post(format!("{base}/auth/dev/sign-in"))
            .body(format!("user={}", "a".repeat(4 * MAX_BODY_BYTES))),
        StatusCode::PAYLOAD_TOO_LARGE,
        "before the session guard",
    )
    .await?;
    nothing_written(&dashboard).await
}

/// POSTs `body` as JSON in 1 KiB chunks (`Transfer-Encoding: chunked`, no `Content-Length`),
/// by hand over TCP since the test client always declares a length; answers the status and
/// the response text.
async fn chunked_post(
    base: &str,
    path: &str,
    cookie: &str,
    body: &[u8],
) -> TestResult<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nCookie: {cookie}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await?;
    for chunk in body.chunks(1024) {
        stream
            .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .await?;
        // The server may answer and close before the whole body is sent.
        if stream.write_all(chunk).await.is_err() || stream.write_all(b"\r\n").await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok((status, answer))
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_json_bodies_are_400_and_write_nothing() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;
    let post = |body: Vec<u8>| {
        http()
            .post(format!("{base}/api/aks/provision"))
            .header("cookie", &cookie)
            .header(CONTENT_TYPE, "application/json")
            .body(body)
    };
    let depth = 3000;
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    ensure(nested.len() < MAX_BODY_BYTES, "under the size limit")?;
    refused(
        post(nested.into_bytes()),
        StatusCode::BAD_REQUEST,
        "deep JSON",
    )
    .await?;
    let mut not_utf8 = create_body("aks-bytes", "eastus", "rg-bytes")
        .to_string()
        .into_bytes();
    not_utf8.splice(20..20, [0xff, 0xfe, 0xc3]);
    refused(post(not_utf8), StatusCode::BAD_REQUEST, "not UTF-8").await?;
    let mut unknown = create_body("aks-unknown", "eastus", "rg-unknown");
    unknown["kubernetes_versoin"] = serde_json::json!("1.33");
    let body = refused(
        post(unknown.to_string().into_bytes()),
        StatusCode::BAD_REQUEST,
        "an unknown field",
    )
    .await?;
    ensure(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("kubernetes_versoin")),
        format!("the unknown field is named: {body}"),
    )?;
    refused(
        http()
            .post(format!("{base}/api/aks/preflight"))
            .header("cookie", &cookie)
            .json(&unknown),
        StatusCode::BAD_REQUEST,
        "an unknown field in a pre-flight",
    )
    .await?;
    nothing_written(&dashboard).await
}

#[tokio::test(flavor = "multi_thread")]
async fn carriage_returns_in_names_are_refused_where_they_would_reach_a_header() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;
    for (field, value) in [
        ("cluster_name", "aks-ok\r\nX-Injected: 1"),
        ("resource_group", "rg\r\nSet-Cookie: a=b"),
        ("region", "eastus\nx"),
        (
            "subscription_id",
            "8c2f9f8e\r\n-3b1d-4c6a-9e5f-1a2b3c4d5e6f",
        ),
    ] {
        let mut body = create_body("aks-crlf", "eastus", "rg-crlf");
        body[field] = serde_json::json!(value);
        let answer = refused(
            http()
                .post(format!("{base}/api/aks/provision"))
                .header("cookie", &cookie)
                .json(&body),
            StatusCode::BAD_REQUEST,
            field,
        )
        .await?;
        ensure(
            answer.to_string().contains("validation"),
            format!("{field}: {answer}"),
        )?;
    }
    // CR/LF percent-encoded into a path segment and a query value.
    refused(
        http()
            .get(format!("{base}/api/tasks/abc%0D%0AX-Injected:%201"))
            .header("cookie", &cookie),
        StatusCode::NOT_FOUND,
        "a task id",
    )
    .await?;
    refused(
        http()
            .get(format!(
                "{base}/api/aks/clusters?subscription_id={SUBSCRIPTION}%0D%0AX-Injected:%201"
            ))
            .header("cookie", &cookie),
        StatusCode::BAD_REQUEST,
        "a query value",
    )
    .await?;
    nothing_written(&dashboard).await
}

#[tokio::test(flavor = "multi_thread")]
async fn huge_query_values_are_400() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;
    let huge = "a".repeat(32 * 1024);
    for path in [
        format!("/api/aks/clusters?subscription_id={huge}"),
        format!("/api/aks/regions?subscription_id={huge}"),
        format!("/api/aks/available-skus?subscription_id={SUBSCRIPTION}&region={huge}"),
        format!("/api/aks/recent-failed-provisions?hours={huge}"),
    ] {
        refused(
            http()
                .get(format!("{base}{path}"))
                .header("cookie", &cookie),
            StatusCode::BAD_REQUEST,
            &path[..40],
        )
        .await?;
    }
    nothing_written(&dashboard).await
}
