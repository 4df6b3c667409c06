//! Where the browser goes after signing in: only a path on this dashboard.
//!
//! `return_to` arrives from the URL (`/auth/sign-in?return_to=…`), so anyone can craft it; an
//! open redirect would let a phishing link borrow the dashboard's sign-in to land the user on
//! another site. A value is kept only when it is an absolute path of this origin: it starts with
//! exactly one `/`, and has no `\` (browsers read `/\evil.example` as `//evil.example`), no
//! control characters (browsers drop tabs and newlines, so `/\t/evil.example` would become
//! `//evil.example`), and no scheme. Anything else becomes `/`.

/// The longest `return_to` kept; longer ones are not paths a user navigated to.
pub const MAX_RETURN_TO_LEN: usize = 2048;

/// `raw` when it is a same-origin path (see the module documentation), else `/`.
pub fn same_origin_path(raw: Option<&str>) -> String {
    match raw {
        Some(path) if is_same_origin_path(path) => path.to_owned(),
        _ => "/".to_owned(),
    }
}

/// True when `path` is a path on this origin that a redirect may safely name.
pub fn is_same_origin_path(path: &str) -> bool {
    let mut chars = path.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && path.len() <= MAX_RETURN_TO_LEN
        && !path.chars().any(|c| c.is_control() || c == '\\')
}

/// `value` percent-encoded for a URL query (everything but RFC 3986's unreserved characters),
/// for links that carry `return_to` on.
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::root("/", "/")]
    #[case::page("/clusters", "/clusters")]
    #[case::query("/jobs?task=abc&x=%2F%2Fy", "/jobs?task=abc&x=%2F%2Fy")]
    #[case::fragment("/clusters#top", "/clusters#top")]
    #[case::colon_in_path("/a:b", "/a:b")]
    #[case::encoded_slashes("/%2F%2Fevil.example", "/%2F%2Fevil.example")]
    #[case::absolute("https://evil.example/", "/")]
    #[case::absolute_http("http://127.0.0.1:3000/", "/")]
    #[case::protocol_relative("//evil.example/path", "/")]
    #[case::backslash_relative("/\\evil.example", "/")]
    #[case::backslash_later("/ok\\..\\x", "/")]
    #[case::tab("/\t/evil.example", "/")]
    #[case::newline("/a\r\nSet-Cookie: x=y", "/")]
    #[case::nul("/a\0", "/")]
    #[case::scheme_javascript("javascript:alert(1)", "/")]
    #[case::relative("clusters", "/")]
    #[case::empty("", "/")]
    #[case::leading_space(" /clusters", "/")]
    fn only_same_origin_paths_are_kept(#[case] raw: &str, #[case] kept: &str) {
        assert_eq!(same_origin_path(Some(raw)), kept, "{raw:?}");
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(
            encode_query_value("/jobs?a=b&c=d é"),
            "%2Fjobs%3Fa%3Db%26c%3Dd%20%C3%A9"
        );
        assert_eq!(encode_query_value("a-b.c_d~"), "a-b.c_d~");
    }

    #[test]
    fn missing_and_overlong_values_go_home() {
        assert_eq!(same_origin_path(None), "/");
        let long = format!("/{}", "a".repeat(MAX_RETURN_TO_LEN));
        assert_eq!(same_origin_path(Some(&long)), "/");
    }
}
