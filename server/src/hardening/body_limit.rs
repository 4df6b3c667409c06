//! Request bodies are at most [`MAX_BODY_BYTES`]; a larger one is refused with 413 and a JSON
//! error before any handler, server function or the session guard reads it.
//!
//! The largest legitimate body is a create request with every field at its longest: a
//! 90-character resource group of 4-byte UTF-8 letters, a 63-character cluster name, two
//! 64-character VM sizes, a region, a version, both counts, the three zones and a subnet id at
//! its 512-byte bound. As JSON it is 1,357 bytes (2,565 with every non-ASCII letter
//! `\u`-escaped), and as the server function's URL-encoded form 2,708 bytes (the test below
//! measures all three). 8 KiB leaves three times that.
//!
//! The body is read here, up to the limit, and handed on whole: every body this server
//! accepts is that small, and reading it here is the one way a chunked body (no
//! `Content-Length`) is answered with the same 413 as a declared one.

use super::refusal;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

/// The largest request body accepted, in bytes (8 KiB).
pub const MAX_BODY_BYTES: usize = 8 * 1024;

/// Refuses a body over [`MAX_BODY_BYTES`] with 413 `{code: "payload_too_large", message}`.
pub async fn limit_body(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return too_large();
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(error) => {
            let limit_hit = std::error::Error::source(&error)
                .is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
            if limit_hit {
                return too_large();
            }
            tracing::info!(%error, "request body unreadable");
            return refusal(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "The request body could not be read.".into(),
            );
        }
    };
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn too_large() -> Response {
    refusal(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!(
            "The request body is larger than the {} KiB this API accepts.",
            MAX_BODY_BYTES / 1024
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::provision::ProvisionRequest;

    /// A create request with every field at its longest.
    fn largest_request() -> ProvisionRequest {
        ProvisionRequest {
            subscription_id: "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f".into(),
            // U+1D538 MATHEMATICAL DOUBLE-STRUCK CAPITAL A: a letter, 4 bytes in UTF-8.
            resource_group: "\u{1D538}".repeat(90),
            region: "a".repeat(40),
            cluster_name: "c".repeat(63),
            node_sku: "S".repeat(64),
            node_count: 1000,
            system_vm_size: "S".repeat(64),
            system_node_count: 1000,
            kubernetes_version: Some("1.1000.1000".into()),
            zones: vec!["1".into(), "2".into(), "3".into()],
            // At the subnet id's 512-byte bound: 61 four-byte letters in its group name.
            subnet_id: Some(format!(
                "/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/{}/providers/Microsoft.Network/virtualNetworks/{}/subnets/{}",
                "\u{1D538}".repeat(61),
                "v".repeat(64),
                "s".repeat(80)
            )),
        }
    }

    #[test]
    fn the_largest_legitimate_body_fits_with_a_wide_margin() {
        let request = largest_request();
        assert!(
            request.field_errors().is_empty(),
            "{:?}",
            request.field_errors()
        );
        let json = serde_json::to_vec(&request).expect("json");
        let escaped: String = String::from_utf8(json.clone())
            .expect("utf-8")
            .chars()
            .map(|c| {
                if c.is_ascii() {
                    c.to_string()
                } else {
                    c.encode_utf16(&mut [0; 2])
                        .iter()
                        .map(|unit| format!("\\u{unit:04x}"))
                        .collect()
                }
            })
            .collect();
        let value = serde_json::to_value(&request).expect("value");
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (field, value) in value.as_object().expect("object") {
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            form.append_pair(&format!("request[{field}]"), &text);
        }
        let form = form.finish();
        let sizes = [json.len(), escaped.len(), form.len()];
        assert_eq!(
            sizes,
            [1357, 2565, 2708],
            "the figures in the module documentation"
        );
        assert!(sizes.iter().all(|size| size * 3 < MAX_BODY_BYTES));
    }
}
