//! A scripted browser for sign-in flows over real HTTP: it keeps cookies (one jar for every
//! loopback port; the dashboard's and the provider's cookie names differ) and follows redirects
//! one hop at a time, so a test can stop at the provider's redirect back to the dashboard and
//! replay or alter it.

use super::{TestResult, ensure, http};
use reqwest::StatusCode;
use reqwest::header::{LOCATION, SET_COOKIE};
use std::collections::BTreeMap;
use url::Url;

/// The most redirects one navigation follows.
const MAX_HOPS: usize = 20;

/// A browser: a cookie jar and a client that does not follow redirects by itself.
#[derive(Clone, Debug, Default)]
pub struct Browser {
    /// Cookies by name.
    pub cookies: BTreeMap<String, String>,
}

/// One answer: status, `Location` resolved against the request URL, body.
pub struct Answer {
    /// Status.
    pub status: StatusCode,
    /// Where a redirect goes.
    pub location: Option<Url>,
    /// The body as text.
    pub body: String,
    /// Its `Set-Cookie` headers.
    pub set_cookies: Vec<String>,
}

impl Browser {
    /// A browser with no cookies.
    pub fn new() -> Self {
        Self::default()
    }

    /// The `Cookie` header value.
    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The dashboard's session cookie pair, if the jar has one.
    pub fn session_cookie(&self) -> Option<String> {
        self.cookies
            .get(server::session::SESSION_COOKIE)
            .map(|value| format!("{}={value}", server::session::SESSION_COOKIE))
    }

    /// GETs `url` (no redirect followed), keeping the cookies it sets.
    pub async fn get(&mut self, url: &str) -> TestResult<Answer> {
        let request = http().get(url);
        self.send(url, request).await
    }

    /// POSTs an empty form to `url` (same-origin, as a form in the page would).
    pub async fn post(&mut self, url: &str) -> TestResult<Answer> {
        let request = http()
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded");
        self.send(url, request).await
    }

    async fn send(&mut self, url: &str, request: reqwest::RequestBuilder) -> TestResult<Answer> {
        let request = if self.cookies.is_empty() {
            request
        } else {
            request.header("cookie", self.cookie_header())
        };
        let response = request.send().await?;
        let mut set_cookies = Vec::new();
        for set in response.headers().get_all(SET_COOKIE) {
            self.keep(set.to_str()?);
            set_cookies.push(set.to_str()?.to_owned());
        }
        let status = response.status();
        let base = Url::parse(url)?;
        let location = match response.headers().get(LOCATION) {
            Some(value) => Some(base.join(value.to_str()?)?),
            None => None,
        };
        let body = response.text().await?;
        Ok(Answer {
            status,
            location,
            body,
            set_cookies,
        })
    }

    /// Keeps (or, when it expires it, drops) the cookie of one `Set-Cookie`.
    fn keep(&mut self, set_cookie: &str) {
        let mut parts = set_cookie.split(';');
        let Some((name, value)) = parts.next().and_then(|pair| pair.split_once('=')) else {
            return;
        };
        let expired = parts.any(|attribute| {
            let attribute = attribute.trim().to_ascii_lowercase();
            attribute == "max-age=0" || attribute.starts_with("expires=thu, 01 jan 1970")
        });
        if expired || value.is_empty() {
            self.cookies.remove(name.trim());
        } else {
            self.cookies
                .insert(name.trim().to_owned(), value.to_owned());
        }
    }

    /// Follows redirects from `url` until one leads to a URL `stop` accepts, which is answered
    /// without being requested; fails on an answer that is not a redirect.
    pub async fn follow_until(
        &mut self,
        url: &str,
        stop: impl Fn(&Url) -> bool,
    ) -> TestResult<Url> {
        let mut next = url.to_owned();
        for _ in 0..MAX_HOPS {
            let answer = self.get(&next).await?;
            let Some(location) = answer.location else {
                return Err(format!(
                    "{next} answered {} without a redirect: {}",
                    answer.status, answer.body
                )
                .into());
            };
            ensure(
                answer.status.is_redirection(),
                format!("{next} answered {}", answer.status),
            )?;
            if stop(&location) {
                return Ok(location);
            }
            next = location.to_string();
        }
        Err(format!("more than {MAX_HOPS} redirects from {url}").into())
    }
}
