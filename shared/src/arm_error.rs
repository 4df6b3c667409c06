//! One typed view of the two error shapes ARM answers with.
//!
//! The ARM front door wraps errors as `{"error": {code, message, target, details, additionalInfo}}`;
//! the AKS resource provider often answers unwrapped `{code, message, subcode, details}`
//! (docs/ARM_FACTS.md §5). Async-operation status resources carry the same object under `error`.
//! Anything else (an HTML gateway page, an empty body) still becomes an [`ArmError`] whose
//! message is the text itself, so callers never need a second error path.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A failed ARM call: HTTP status plus the error object ARM returned, and the raw body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArmError {
    /// HTTP status of the response (or of the operation-status read that carried the error).
    pub status: u16,
    /// ARM error code, PascalCase and not localised (e.g. `OperationNotAllowed`).
    pub code: String,
    /// Localised human text.
    pub message: String,
    /// The property or resource the error is about, when ARM names one.
    pub target: Option<String>,
    /// AKS's `subcode`, when present and non-empty.
    pub subcode: Option<String>,
    /// Nested errors; the innermost usually names the real cause.
    pub details: Vec<ArmErrorDetail>,
    /// `additionalInfo` entries as ARM sent them.
    pub additional_info: Vec<Value>,
    /// The body exactly as received (for the folded "raw Azure text").
    pub raw: String,
}

/// One entry of an ARM error's `details`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArmErrorDetail {
    /// Error code of this detail.
    pub code: String,
    /// Message of this detail.
    pub message: String,
    /// Target of this detail, when named.
    pub target: Option<String>,
    /// Further nested details.
    pub details: Vec<ArmErrorDetail>,
}

impl ArmError {
    /// Parses an HTTP error response body of either ARM shape.
    pub fn from_response(status: u16, body: &str) -> Self {
        let parsed: Option<Value> = serde_json::from_str(body).ok();
        let object = parsed.as_ref().and_then(|value| match value.get("error") {
            Some(inner @ Value::Object(_)) => Some(inner),
            _ if value.get("code").is_some_and(Value::is_string) => Some(value),
            _ => None,
        });
        match object {
            Some(object) => Self::from_error_object(status, object, body),
            None => Self::from_plain_text(status, body),
        }
    }

    /// Builds an error from an ARM error object (`{code, message, target, details, …}`), as found
    /// in an error body or under `error` in a failed async-operation status.
    pub fn from_error_object(status: u16, object: &Value, raw: &str) -> Self {
        let subcode = string_field(object, "subcode").filter(|s| !s.is_empty());
        let additional_info = object
            .get("additionalInfo")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        Self {
            status,
            code: string_field(object, "code").unwrap_or_else(|| fallback_code(status).into()),
            message: string_field(object, "message").unwrap_or_default(),
            target: string_field(object, "target").filter(|s| !s.is_empty()),
            subcode,
            details: parse_details(object),
            additional_info,
            raw: raw.to_owned(),
        }
    }

    /// An error whose body is not an ARM error object (gateway pages, empty bodies, transport
    /// failures described by the caller).
    pub fn from_plain_text(status: u16, text: &str) -> Self {
        let trimmed = text.trim();
        Self {
            status,
            code: fallback_code(status).into(),
            message: if trimmed.is_empty() {
                format!("Azure answered HTTP {status} with no error body.")
            } else {
                trimmed.to_owned()
            },
            target: None,
            subcode: None,
            details: Vec::new(),
            additional_info: Vec::new(),
            raw: text.to_owned(),
        }
    }

    /// The innermost detail's code and message, the usual real cause behind a wrapper.
    pub fn innermost(&self) -> (&str, &str) {
        fn deepest(details: &[ArmErrorDetail]) -> Option<&ArmErrorDetail> {
            details
                .iter()
                .map(|d| deepest(&d.details).unwrap_or(d))
                .next()
        }
        match deepest(&self.details) {
            Some(detail) => (&detail.code, &detail.message),
            None => (&self.code, &self.message),
        }
    }
}

impl std::fmt::Display for ArmError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (HTTP {}): {}", self.code, self.status, self.message)
    }
}

impl std::error::Error for ArmError {}

fn string_field(object: &Value, key: &str) -> Option<String> {
    object.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn parse_details(object: &Value) -> Vec<ArmErrorDetail> {
    object
        .get("details")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter(|item| item.is_object())
                .map(|item| ArmErrorDetail {
                    code: string_field(item, "code").unwrap_or_default(),
                    message: string_field(item, "message").unwrap_or_default(),
                    target: string_field(item, "target").filter(|s| !s.is_empty()),
                    details: parse_details(item),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A code for responses that carry none, named after the HTTP status.
fn fallback_code(status: u16) -> &'static str {
    match status {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        409 => "Conflict",
        412 => "PreconditionFailed",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => "HttpError",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[test]
    fn wrapped_envelope_with_nested_details() {
        let body = r#"{"error":{"code":"InvalidTemplateDeployment","message":"outer","target":"t",
            "details":[{"code":"QuotaExceeded","message":"inner","details":[{"code":"Deepest","message":"d"}]}],
            "additionalInfo":[{"type":"PolicyViolation","info":{}}]}}"#;
        let error = ArmError::from_response(400, body);
        assert_eq!(error.code, "InvalidTemplateDeployment");
        assert_eq!(error.message, "outer");
        assert_eq!(error.target.as_deref(), Some("t"));
        assert_eq!(error.details[0].code, "QuotaExceeded");
        assert_eq!(error.innermost(), ("Deepest", "d"));
        assert_eq!(error.additional_info.len(), 1);
        assert_eq!(error.raw, body);
    }

    #[test]
    fn unwrapped_aks_shape_with_null_details_and_empty_subcode() {
        let body = r#"{"code":"OperationNotAllowed","details":null,"message":"Operation is not allowed","subcode":""}"#;
        let error = ArmError::from_response(409, body);
        assert_eq!(error.code, "OperationNotAllowed");
        assert_eq!(error.message, "Operation is not allowed");
        assert!(error.details.is_empty());
        assert_eq!(error.subcode, None);
        assert_eq!(
            error.innermost(),
            ("OperationNotAllowed", "Operation is not allowed")
        );
    }

    #[rstest]
    #[case(
        503,
        "<html>Service Unavailable</html>",
        "ServiceUnavailable",
        "<html>Service Unavailable</html>"
    )]
    #[case(502, "", "BadGateway", "Azure answered HTTP 502 with no error body.")]
    #[case(418, "{\"unexpected\":true}", "HttpError", "{\"unexpected\":true}")]
    #[case(
        404,
        "{\"error\":\"not an object\"}",
        "NotFound",
        "{\"error\":\"not an object\"}"
    )]
    fn bodies_that_are_not_error_objects(
        #[case] status: u16,
        #[case] body: &str,
        #[case] code: &str,
        #[case] message: &str,
    ) {
        let error = ArmError::from_response(status, body);
        assert_eq!(error.code, code);
        assert_eq!(error.message, message);
        assert_eq!(error.status, status);
    }

    #[test]
    fn display_names_code_status_and_message() {
        let error = ArmError::from_response(
            403,
            r#"{"error":{"code":"AuthorizationFailed","message":"no"}}"#,
        );
        assert_eq!(error.to_string(), "AuthorizationFailed (HTTP 403): no");
    }
}
