//! Azure's raw error text made readable for the error card's "Raw error from Azure" (issue 19,
//! point 8): a text that is JSON, or that ends in a JSON object or array after a prefix (`Code:
//! … Details: [{…}]`), is shown indented (an object's keys in alphabetical order, as
//! `serde_json` keeps them); any other text as it came. The card shows it as text, never as
//! HTML, and copies exactly what it shows.

use serde_json::Value;

/// `raw` indented where it is JSON (see the module documentation), else unchanged.
pub fn readable_raw_error(raw: &str) -> String {
    let text = raw.trim();
    if let Some(pretty) = pretty_json(text) {
        return pretty;
    }
    // A prefix, then JSON to the end: the first `{` or `[` from which the rest parses.
    text.char_indices()
        .filter(|(_, c)| matches!(c, '{' | '['))
        .find_map(|(at, _)| {
            pretty_json(&text[at..]).map(|pretty| format!("{}\n{pretty}", text[..at].trim_end()))
        })
        .unwrap_or_else(|| raw.to_owned())
}

/// `text` indented when it is a JSON object or array.
fn pretty_json(text: &str) -> Option<String> {
    match serde_json::from_str::<Value>(text) {
        Ok(value @ (Value::Object(_) | Value::Array(_))) => {
            serde_json::to_string_pretty(&value).ok()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_body_is_indented() {
        let raw = r#"{"error":{"code":"QuotaExceeded","message":"Operation could not be completed as it results in exceeding approved Total Regional Cores quota."}}"#;
        let shown = readable_raw_error(raw);
        assert!(
            shown.starts_with("{\n  \"error\": {\n    \"code\": \"QuotaExceeded\""),
            "{shown}"
        );
        assert_eq!(
            serde_json::from_str::<Value>(&shown).ok(),
            serde_json::from_str::<Value>(raw).ok(),
            "the same JSON"
        );
    }

    #[test]
    fn json_after_a_prefix_is_indented_below_it() {
        let raw = r#"Code="DeploymentFailed" Message="At least one resource deployment operation failed." Details=[{"code":"Conflict","message":"Busy"}]"#;
        let shown = readable_raw_error(raw);
        let (prefix, json) = shown.split_once('\n').expect("two parts");
        assert_eq!(
            prefix,
            r#"Code="DeploymentFailed" Message="At least one resource deployment operation failed." Details="#
        );
        assert!(json.starts_with("[\n  {\n"), "{json}");
    }

    #[test]
    fn other_text_stays_as_it_came() {
        for raw in [
            "The resource operation completed with terminal provisioning state 'Failed'.",
            "Message with braces {not json} inside",
            "42",
            "",
            "<script>alert(1)</script>",
        ] {
            assert_eq!(readable_raw_error(raw), raw);
        }
    }
}
