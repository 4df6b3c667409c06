//! Where the bearer token may go: only to the configured ARM endpoint's origin (scheme, host and
//! port), and only over https unless that host is a loopback address (the sandbox cloud on
//! `http://127.0.0.1`).
//!
//! ARM hands the client absolute URLs to follow (`Azure-AsyncOperation`, `Location`, `nextLink`,
//! docs/ARM_FACTS.md §1 and §9). A token sent to whatever host such a URL names would give that
//! host the dashboard's whole ARM access, so each URL is checked before a token is even fetched,
//! and a URL elsewhere is refused with [`ArmClientError::UntrustedUrl`]. azure_core's bearer
//! policy refuses non-TLS URLs for the same reason (§7); the loopback exception keeps the
//! sandbox usable and lets nothing leave the machine unencrypted.

use super::ArmClientError;
use url::{Host, Origin, Url};

/// The one origin ARM calls may go to.
#[derive(Clone, Debug)]
pub(super) struct TrustedOrigin(Origin);

impl TrustedOrigin {
    /// The origin of `base`, refused unless it is https, or http on a loopback address.
    pub(super) fn of(base: &Url) -> Result<Self, ArmClientError> {
        let secure = match base.scheme() {
            "https" => base.host().is_some(),
            "http" => is_loopback(base),
            _ => false,
        };
        if !secure {
            return Err(ArmClientError::UntrustedUrl(format!(
                "the ARM base URL {} must use https (plain http only on a loopback address)",
                base.origin().ascii_serialization()
            )));
        }
        Ok(Self(base.origin()))
    }

    /// `url` when it is on the trusted origin; otherwise the refusal naming only its origin (a
    /// `nextLink` may carry a skip token worth keeping out of logs).
    pub(super) fn check(&self, url: &Url) -> Result<(), ArmClientError> {
        if url.origin() == self.0 {
            return Ok(());
        }
        Err(ArmClientError::UntrustedUrl(format!(
            "ARM answered with a URL on {}, not on the configured endpoint {}; the token is sent nowhere else",
            url.origin().ascii_serialization(),
            self.0.ascii_serialization()
        )))
    }
}

/// A loopback IP literal, or `localhost` (which resolves only to loopback, RFC 6761 §6.3).
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("url")
    }

    #[test]
    fn https_anywhere_and_http_only_on_loopback() {
        for allowed in [
            "https://management.azure.com",
            "https://arm.example.test:8443/",
            "http://127.0.0.1:4100",
            "http://127.8.9.10",
            "http://[::1]:4100",
            "http://localhost:4100",
        ] {
            assert!(TrustedOrigin::of(&url(allowed)).is_ok(), "{allowed}");
        }
        for refused in [
            "http://management.azure.com",
            "http://10.0.0.5:4100",
            "http://localhost.example.com",
            "ftp://127.0.0.1",
        ] {
            assert!(
                matches!(
                    TrustedOrigin::of(&url(refused)),
                    Err(ArmClientError::UntrustedUrl(_))
                ),
                "{refused}"
            );
        }
    }

    #[test]
    fn only_the_same_scheme_host_and_port_are_trusted() {
        let trusted = TrustedOrigin::of(&url("https://management.azure.com")).expect("origin");
        assert!(
            trusted
                .check(&url(
                    "https://MANAGEMENT.azure.com:443/subscriptions/s/operations/1?x=y"
                ))
                .is_ok()
        );
        for foreign in [
            "https://evil.example.com/subscriptions/s/operations/1",
            "http://management.azure.com/subscriptions",
            "https://management.azure.com:8443/subscriptions",
            "https://management.azure.com.evil.example/subscriptions",
        ] {
            let refused = trusted.check(&url(foreign));
            assert!(
                matches!(&refused, Err(ArmClientError::UntrustedUrl(m)) if !m.contains("/subscriptions")),
                "{foreign}: {refused:?}"
            );
        }
    }
}
