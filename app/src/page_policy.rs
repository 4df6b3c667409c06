//! The page's Content-Security-Policy header, set while the server renders the shell, because
//! only then is the response's nonce known (Leptos generates one per response and puts it on
//! its own inline scripts). The policy itself is `shared::security_policy::page_policy`.

/// Sets the response's `Content-Security-Policy` to the page policy with this response's
/// nonce. Does nothing in the browser.
pub fn set_content_security_policy() {
    #[cfg(feature = "ssr")]
    ssr::set_content_security_policy();
}

#[cfg(feature = "ssr")]
mod ssr {
    use http::header::{CONTENT_SECURITY_POLICY, HeaderValue};
    use leptos::nonce::use_nonce;
    use leptos::prelude::use_context;
    use leptos_axum::ResponseOptions;
    use shared::security_policy::page_policy;

    pub(super) fn set_content_security_policy() {
        let (Some(nonce), Some(response)) = (use_nonce(), use_context::<ResponseOptions>()) else {
            tracing::error!("no nonce or response options while rendering a page: no page CSP");
            return;
        };
        match HeaderValue::from_str(&page_policy(&nonce)) {
            Ok(value) => response.insert_header(CONTENT_SECURITY_POLICY, value),
            Err(error) => tracing::error!(%error, "the page CSP is not a header value"),
        }
    }
}
