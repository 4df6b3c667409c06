//! An ARM request as the routing table sees it: its path split into percent-decoded segments
//! (and their lower-cased shape for matching), its query parameters, the origin that absolute
//! URLs in answers point to, and ARM's `{value, nextLink}` paging of lists.

use crate::control_plane::Origin;
use crate::reply::Reply;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use serde_json::{Value, json};

/// An admitted ARM request.
pub(super) struct ArmRequest<'a> {
    /// The HTTP method.
    pub(super) method: &'a Method,
    /// The path as sent (still percent-encoded).
    pub(super) path: &'a str,
    /// The api-version the caller used.
    pub(super) api_version: &'a str,
    query: &'a [(String, String)],
    /// `http://` + the request's `Host`.
    base_url: String,
    /// Percent-decoded path segments, as sent.
    segments: Vec<String>,
    /// The same, lower-cased, for matching.
    lowered: Vec<String>,
}

impl<'a> ArmRequest<'a> {
    /// Splits the request's path and notes where it was sent.
    pub(super) fn new(
        method: &'a Method,
        uri: &'a Uri,
        query: &'a [(String, String)],
        request_headers: &HeaderMap,
        api_version: &'a str,
    ) -> Self {
        let host = request_headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("127.0.0.1");
        let segments: Vec<String> = uri
            .path()
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .collect();
        let lowered = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
        Self {
            method,
            path: uri.path(),
            api_version,
            query,
            base_url: format!("http://{host}"),
            segments,
            lowered,
        }
    }

    /// The lower-cased segments, for matching against the routing table.
    pub(super) fn shape(&self) -> Vec<&str> {
        self.lowered.iter().map(String::as_str).collect()
    }

    /// Segment `index` as sent. Only called for indices the matched shape has.
    pub(super) fn at(&self, index: usize) -> &str {
        self.segments[index].as_str()
    }

    /// True for the resource-group form of a list (`…/resourcegroups/{rg}/providers/…`).
    pub(super) fn is_in_resource_group(&self) -> bool {
        self.lowered.get(2).is_some_and(|s| s == "resourcegroups")
    }

    /// A query parameter, its name matched case-insensitively as ARM does.
    pub(super) fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    /// Where operation URLs handed out in headers point.
    pub(super) fn origin(&self) -> Origin<'_> {
        Origin {
            base_url: &self.base_url,
            api_version: self.api_version,
        }
    }

    /// The page of `items` that `$skiptoken` asks for, with ARM's `{value, nextLink}`.
    pub(super) fn page(&self, items: Vec<Value>, page_size: usize) -> Reply {
        let skip = self
            .param("$skiptoken")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0);
        let total = items.len();
        let value: Vec<Value> = items.into_iter().skip(skip).take(page_size).collect();
        let mut body = json!({ "value": value });
        if skip + page_size < total {
            let mut next = url::form_urlencoded::Serializer::new(String::new());
            for (key, value) in self.query.iter().filter(|(k, _)| k != "$skiptoken") {
                next.append_pair(key, value);
            }
            next.append_pair("$skiptoken", &(skip + page_size).to_string());
            body["nextLink"] = json!(format!("{}{}?{}", self.base_url, self.path, next.finish()));
        }
        Reply::json(StatusCode::OK, body)
    }
}

/// `answer()` when `method` is one of `allowed`; 405 otherwise.
pub(super) fn only(method: &Method, allowed: &[Method], answer: impl FnOnce() -> Reply) -> Reply {
    if allowed.contains(method) {
        answer()
    } else {
        method_not_allowed(method)
    }
}

/// ARM's 405 `MethodNotAllowed`.
pub(super) fn method_not_allowed(method: &Method) -> Reply {
    Reply::arm_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        format!("The requested resource does not support http method '{method}'."),
    )
}

/// The JSON body, or ARM's 400 `InvalidRequestContent`.
pub(super) fn parse_body(body: &Bytes) -> Result<Value, Reply> {
    serde_json::from_slice(body).map_err(|error| {
        Reply::arm_error(
            StatusCode::BAD_REQUEST,
            "InvalidRequestContent",
            format!("The request content was invalid and could not be deserialized: '{error}'."),
        )
    })
}

/// The location of `location eq 'westus'`; `None` for any other filter.
pub(super) fn location_filter(filter: &str) -> Option<String> {
    let mut words = filter.split_whitespace();
    let (field, op, value) = (words.next()?, words.next()?, words.next()?);
    if words.next().is_some()
        || !field.eq_ignore_ascii_case("location")
        || !op.eq_ignore_ascii_case("eq")
    {
        return None;
    }
    let value = value.strip_prefix('\'')?.strip_suffix('\'')?;
    Some(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_location_filters_are_understood() {
        assert_eq!(
            location_filter("location eq 'westus'").as_deref(),
            Some("westus")
        );
        assert_eq!(
            location_filter("Location EQ 'koreacentral'").as_deref(),
            Some("koreacentral")
        );
        assert_eq!(location_filter("name eq 'x'"), None);
        assert_eq!(location_filter("location eq westus"), None);
    }
}
