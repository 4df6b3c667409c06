//! `server classify`: the ARM error classifier for operators and scripts.
//!
//! Reads JSON Lines on stdin, one error per line: `{"text": "…", "context"?: {subscription_id,
//! region, resource_group, vm_sizes}, "status"?: 409, "id"?: any}`, and writes one JSON line per
//! input line: the [`Classification`] (with `id` echoed when given), or `{"error": "…"}` for a
//! line that is not such an object, so output line N always answers input line N. Blank lines
//! are skipped. A text that is itself an ARM error body is also parsed into an [`ArmError`], so
//! its structured codes are read first, as the server does.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use shared::arm_error::ArmError;
use shared::classify::{Classification, ErrorContext, classify};
use std::io::{BufRead, Write};

/// One input line.
#[derive(Deserialize)]
struct Request {
    text: String,
    #[serde(default)]
    context: ErrorContext,
    status: Option<u16>,
    id: Option<Value>,
}

/// One output line for a well-formed input line.
#[derive(Serialize)]
struct Answer {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<Value>,
    #[serde(flatten)]
    classification: Classification,
}

/// What a run did: lines classified and lines rejected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClassifyStats {
    /// Lines answered with a classification.
    pub classified: usize,
    /// Lines answered with `{"error": …}`.
    pub rejected: usize,
}

/// Classifies every line of `input` and writes the answers to `output`. Fails only when reading
/// or writing fails; malformed lines get an error line instead.
pub fn run(input: impl BufRead, mut output: impl Write) -> std::io::Result<ClassifyStats> {
    let mut stats = ClassifyStats::default();
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let answer = match serde_json::from_str::<Request>(&line) {
            Ok(request) => {
                stats.classified += 1;
                serde_json::to_string(&answer(request))
            }
            Err(error) => {
                stats.rejected += 1;
                serde_json::to_string(&serde_json::json!({
                    "error": format!("expected {{\"text\": …, \"context\"?: …}}: {error}")
                }))
            }
        }
        .map_err(std::io::Error::other)?;
        writeln!(output, "{answer}")?;
    }
    output.flush()?;
    Ok(stats)
}

fn answer(request: Request) -> Answer {
    let arm = request
        .text
        .trim_start()
        .starts_with('{')
        .then(|| ArmError::from_response(request.status.unwrap_or(0), &request.text));
    Answer {
        id: request.id,
        classification: classify(&request.text, arm.as_ref(), &request.context),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &str) -> (Vec<Value>, ClassifyStats) {
        let mut out = Vec::new();
        let stats = run(input.as_bytes(), &mut out).expect("in-memory I/O");
        let text = String::from_utf8(out).expect("UTF-8 output");
        let values = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
            .collect();
        (values, stats)
    }

    #[test]
    fn one_answer_per_line_with_context_and_ids() {
        let input = concat!(
            r#"{"id": 1, "text": "Operation could not be completed as it results in exceeding approved Total Regional Cores quota. Current Limit: 100, Current Usage: 0, Additional Required: 162.", "context": {"subscription_id": "sub-1", "region": "koreacentral"}}"#,
            "\n\n",
            "not json\n",
            r#"{"text": "{\"error\":{\"code\":\"InvalidTemplateDeployment\",\"message\":\"outer\",\"details\":[{\"code\":\"SkuNotAvailable\",\"message\":\"inner\"}]}}", "status": 400}"#,
            "\n",
        );
        let (values, stats) = lines(input);
        assert_eq!(
            stats,
            ClassifyStats {
                classified: 2,
                rejected: 1
            }
        );
        assert_eq!(values.len(), 3);
        assert_eq!(values[0]["id"], 1);
        assert_eq!(values[0]["category"], "quota");
        assert_eq!(
            values[0]["summary"],
            "Quota too small in koreacentral — needs 162 vCPUs, you have 100 free."
        );
        assert_eq!(
            values[0]["actions"][0]["href"],
            "https://aka.ms/quotas/view-quotas?subscriptionId=sub-1&location=koreacentral"
        );
        assert!(values[1]["error"].is_string());
        assert_eq!(values[2]["category"], "sku_blocked");
        assert!(values[2].get("id").is_none());
    }
}
