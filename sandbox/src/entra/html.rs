//! The provider's pages: the sign-in page (one plain POST form per demo user, no script), the
//! error page shown when a redirect cannot be trusted, and the signed-out page. Everything put
//! into them is escaped; a strict Content-Security-Policy allows no script at all (and no `form-action`, which browsers
//! also apply to the redirect that answers a form).

use super::errors::EntraError;
use crate::world::{Application, DemoUser};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use std::fmt::Write;

/// `text` with the five HTML-significant characters escaped (safe in text and quoted attributes).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The sign-in page: who is signing in to `application`, one form per user. Each form posts the
/// authorization request's own `parameters` back to `action` with the chosen `user`.
pub fn sign_in_page(
    action: &str,
    application: &Application,
    users: &[DemoUser],
    parameters: &[(String, String)],
    login_hint: Option<&str>,
) -> Response {
    let mut hidden = String::new();
    for (name, value) in parameters.iter().filter(|(name, _)| name != "user") {
        let _ = write!(
            hidden,
            r#"<input type="hidden" name="{}" value="{}">"#,
            escape(name),
            escape(value)
        );
    }
    let mut forms = String::new();
    for user in users {
        let hinted = login_hint.is_some_and(|hint| {
            hint.eq_ignore_ascii_case(&user.key) || hint.eq_ignore_ascii_case(&user.username)
        });
        let _ = write!(
            forms,
            r#"<li><form method="post" action="{action}">{hidden}<input type="hidden" name="user" value="{key}"><button type="submit"{autofocus}>Sign in as {name}</button> <span class="who">{username}</span></form></li>"#,
            action = escape(action),
            key = escape(&user.key),
            autofocus = if hinted { " autofocus" } else { "" },
            name = escape(&user.display_name),
            username = escape(&user.username),
        );
    }
    let body = format!(
        r#"<h1>Sign in</h1><p>to continue to <strong>{app}</strong> (sandbox directory; no password: pick a demo user).</p><ul class="users">{forms}</ul>"#,
        app = escape(&application.display_name),
    );
    page(StatusCode::OK, "Sign in to your account", &body)
}

/// The page Entra shows when it cannot send the user back to the application.
pub fn error_page(error: &EntraError) -> Response {
    tracing::info!(
        error = error.error,
        code = error.code,
        "sandbox entra: sign-in refused with a page"
    );
    let body = format!(
        r#"<h1>Sorry, but we’re having trouble signing you in.</h1><p class="error" role="alert">{}</p>"#,
        escape(&error.description())
    );
    page(StatusCode::BAD_REQUEST, "Sign in to your account", &body)
}

/// The page shown after sign-out when there is nowhere to go back to.
pub fn signed_out_page() -> Response {
    page(
        StatusCode::OK,
        "Signed out",
        "<h1>You signed out of your account</h1><p>It’s a good idea to close all browser windows.</p>",
    )
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title><style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}}ul{{list-style:none;padding:0}}li{{margin:.75rem 0}}button{{font-size:1rem;padding:.5rem 1rem}}.who{{color:#555}}.error{{color:#a4262c}}</style></head><body>{body}</body></html>"#,
        title = escape(title),
    );
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_significant_is_escaped() {
        assert_eq!(
            escape(r#"<script>alert('x') & "y"</script>"#),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }
}
