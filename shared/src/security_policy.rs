//! The Content-Security-Policy the dashboard answers with (docs/PRODUCT.md "Limits and
//! hardening"), kept here so its rules are tested natively.
//!
//! Pages carry [`page_policy`]: scripts only from the site itself or inline with the
//! response's nonce (Leptos puts it on its hydration and resource scripts), WebAssembly
//! compiled from the fetched bundle (`'wasm-unsafe-eval'`, never `'unsafe-eval'`), no framing.
//! `style-src-attr 'unsafe-inline'` admits `style="…"` attributes only (the progress bar's
//! width is rendered on the server), never a script; the one `<style>` element a page may
//! have is the dashboard's own stylesheet, inlined with the response's nonce. Every other
//! answer (JSON, redirects, files) carries [`OTHER_RESPONSES_POLICY`], which allows nothing.

/// The policy of everything that is not a page: JSON, redirects, static files.
pub const OTHER_RESPONSES_POLICY: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The policy of an HTML page whose inline scripts and stylesheet carry `nonce`.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; \
         script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{nonce}'; style-src-attr 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directive<'a>(policy: &'a str, name: &str) -> Option<&'a str> {
        policy
            .split(';')
            .map(str::trim)
            .find(|d| d.split_whitespace().next() == Some(name))
    }

    #[test]
    fn page_scripts_need_the_nonce_and_nothing_unsafe_runs() {
        let policy = page_policy("abc123");
        let scripts = directive(&policy, "script-src").unwrap_or_default();
        assert!(scripts.contains("'nonce-abc123'"), "{scripts}");
        assert!(scripts.contains("'wasm-unsafe-eval'"), "{scripts}");
        assert!(!scripts.contains("'unsafe-inline'"), "{scripts}");
        assert!(!scripts.contains("'unsafe-eval'"), "{scripts}");
        assert_eq!(
            policy.matches("'unsafe-inline'").count(),
            1,
            "only style attributes are inline"
        );
        assert_eq!(
            directive(&policy, "style-src-attr"),
            Some("style-src-attr 'unsafe-inline'")
        );
        assert_eq!(
            directive(&policy, "style-src"),
            Some("style-src 'self' 'nonce-abc123'"),
            "only the nonced stylesheet is an inline <style> element"
        );
    }

    #[test]
    fn nothing_may_frame_the_dashboard() {
        for policy in [page_policy("n"), OTHER_RESPONSES_POLICY.to_owned()] {
            assert_eq!(
                directive(&policy, "frame-ancestors"),
                Some("frame-ancestors 'none'"),
                "{policy}"
            );
            assert_eq!(directive(&policy, "base-uri"), Some("base-uri 'none'"));
        }
    }
}
