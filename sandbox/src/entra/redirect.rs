//! Matching a request's `redirect_uri` (or `post_logout_redirect_uri`) against an application's
//! registered redirect URIs, as Entra does: exactly, except that the port of a loopback URI
//! (`http://localhost`, `http://127.0.0.1`, `http://[::1]`) is ignored, so a native or local app
//! may listen on any port (docs/ARM_FACTS.md §10).

use crate::world::Application;
use url::Url;

/// True when `candidate` is one of `application`'s redirect URIs.
pub fn is_registered(application: &Application, candidate: &str) -> bool {
    let Ok(candidate) = Url::parse(candidate) else {
        return false;
    };
    application
        .redirect_uris
        .iter()
        .filter_map(|registered| Url::parse(registered).ok())
        .any(|registered| same_ignoring_loopback_port(&registered, &candidate, true))
}

/// True when `candidate` may receive the user after sign-out: a registered redirect URI, or
/// (the sandbox's one relaxation, so a relying party chooses its own signed-out page) any path
/// on the origin of a registered loopback redirect URI.
pub fn is_registered_after_logout(application: &Application, candidate: &str) -> bool {
    let Ok(candidate) = Url::parse(candidate) else {
        return false;
    };
    application
        .redirect_uris
        .iter()
        .filter_map(|registered| Url::parse(registered).ok())
        .any(|registered| {
            same_ignoring_loopback_port(&registered, &candidate, !is_loopback(&registered))
        })
}

fn is_loopback(url: &Url) -> bool {
    matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"))
}

fn same_ignoring_loopback_port(registered: &Url, candidate: &Url, compare_path: bool) -> bool {
    if candidate.fragment().is_some() || !candidate.username().is_empty() {
        return false;
    }
    let origin = registered.scheme() == candidate.scheme()
        && registered.host_str() == candidate.host_str()
        && (is_loopback(registered)
            || registered.port_or_known_default() == candidate.port_or_known_default());
    let rest = !compare_path
        || (registered.path() == candidate.path() && registered.query() == candidate.query());
    origin && rest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> Application {
        Application {
            display_name: "app".into(),
            client_id: "c".into(),
            client_secret: "s".into(),
            redirect_uris: vec![
                "http://127.0.0.1/auth/callback".into(),
                "https://dashboard.example/auth/callback".into(),
            ],
            app_roles: Vec::new(),
            federated_credentials: Vec::new(),
        }
    }

    #[test]
    fn loopback_ports_are_ignored_and_nothing_else_is() {
        let app = app();
        for ok in [
            "http://127.0.0.1/auth/callback",
            "http://127.0.0.1:3000/auth/callback",
            "http://127.0.0.1:51234/auth/callback",
            "https://dashboard.example/auth/callback",
            "https://dashboard.example:443/auth/callback",
        ] {
            assert!(is_registered(&app, ok), "{ok}");
        }
        for refused in [
            "http://127.0.0.1:3000/auth/callback/",
            "http://127.0.0.1:3000/other",
            "http://localhost:3000/auth/callback",
            "https://127.0.0.1:3000/auth/callback",
            "https://dashboard.example:8443/auth/callback",
            "https://evil.example/auth/callback",
            "http://127.0.0.1:3000/auth/callback#x",
            "http://user@127.0.0.1:3000/auth/callback",
            "not a url",
        ] {
            assert!(!is_registered(&app, refused), "{refused}");
        }
    }

    #[test]
    fn after_logout_any_path_of_a_loopback_origin_is_accepted() {
        let app = app();
        assert!(is_registered_after_logout(&app, "http://127.0.0.1:3000/"));
        assert!(is_registered_after_logout(
            &app,
            "http://127.0.0.1:3000/signed-out?x=1"
        ));
        assert!(is_registered_after_logout(
            &app,
            "https://dashboard.example/auth/callback"
        ));
        assert!(!is_registered_after_logout(
            &app,
            "https://dashboard.example/"
        ));
        assert!(!is_registered_after_logout(&app, "https://evil.example/"));
        assert!(!is_registered_after_logout(&app, "http://localhost:3000/"));
    }
}
