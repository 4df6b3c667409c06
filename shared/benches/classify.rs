//! Prints how long the classifier takes on a ~14 KB error, the size of the longest real texts
//! (an allowed-size list; `arm-errors-NOTES.md` pattern 10), and how its time grows when the
//! input grows 64 times (linear, not quadratic).
//!
//! The input embeds real texts of both corpora: a quota error nested in an escaped JSON string after a
//! long run of other errors, so every rule scans the whole text. Run with
//! `cargo bench -p shared --bench classify`.

use shared::arm_error::ArmError;
use shared::classify::{ErrorContext, classify};
use std::hint::black_box;
use std::time::Instant;

const CORPUS: &str = include_str!("../tests/fixtures/arm-errors.jsonl");
const CORPUS_2: &str = include_str!("../tests/fixtures/arm-errors-2.jsonl");
const TARGET_BYTES: usize = 14 * 1024;
const ITERATIONS: u32 = 200;

fn main() {
    let texts: Vec<String> = CORPUS
        .lines()
        .chain(CORPUS_2.lines())
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|row| row.get("text").and_then(|t| t.as_str()).map(str::to_owned))
        .collect();
    let mut text = String::new();
    for piece in texts.iter().cycle().take(texts.len() * 4) {
        if text.len() + piece.len() > TARGET_BYTES - 1024 {
            break;
        }
        text.push_str(piece);
        text.push('\n');
    }
    let quota = texts
        .iter()
        .find(|t| t.contains("Current Limit"))
        .cloned()
        .unwrap_or_default();
    let embedded = serde_json::to_string(&quota).unwrap_or_default();
    text.push_str(&format!(
        "{{\"error\":{{\"code\":\"DeploymentFailed\",\"message\":{embedded}}}}}"
    ));
    while text.len() < TARGET_BYTES {
        text.push_str(" Standard_D2s_v5,");
    }
    report("corpus mix", &text);

    // The real shape of a 14 KB error: a refused size followed by the allowed-size list.
    let refused = texts
        .iter()
        .find(|t| t.contains("The available VM sizes are '"))
        .cloned()
        .unwrap_or_default();
    let mut sizes = refused;
    let mut n = 0u32;
    while sizes.len() < TARGET_BYTES {
        n += 1;
        sizes.push_str(&format!(",standard_d{n}ps_v5"));
    }
    sizes.push_str("'.");
    report("size list", &sizes);

    // Growth: pathological repetition of quote and label fragments, 64 times longer. A linear
    // classifier takes about 64 times as long; a quadratic rule would take about 4096 times.
    let unit = "Code=\\\"\"message\": \"Current Limit: location '\\\\\\\"requested aka.ms/x object id 'a ERROR CODE: B resource group ' subnet /subscriptions//virtualNetworks/v/subnets/ \"policyAssignment\":{\"name\":\"p' tag \"path\":\"sku.name\" zones '1, Pre-allocated IPs 9 address prefix 10.0.0.0/8 ";
    let small = time_per_call(&unit.repeat(32));
    let large = time_per_call(&unit.repeat(32 * 64));
    println!(
        "classify growth: 64x the input took {:.1}x as long ({small:?} -> {large:?})",
        large.as_secs_f64() / small.as_secs_f64().max(1e-9)
    );
}

/// Mean time of one classification of `text`.
fn time_per_call(text: &str) -> std::time::Duration {
    let context = ErrorContext::default();
    let start = Instant::now();
    for _ in 0..ITERATIONS {
        black_box(classify(black_box(text), None, &context));
    }
    start.elapsed() / ITERATIONS
}

/// Classifies `text` (with its parsed form) repeatedly and prints the time per call.
fn report(name: &str, text: &str) {
    let arm = ArmError::from_response(400, text);
    let context = ErrorContext::default();
    let warm = classify(text, Some(&arm), &context);
    let start = Instant::now();
    for _ in 0..ITERATIONS {
        black_box(classify(black_box(text), Some(&arm), &context));
    }
    let per_call = start.elapsed() / ITERATIONS;
    println!(
        "classify ({name}): {} bytes -> {} in {per_call:?} per call ({ITERATIONS} iterations)",
        text.len(),
        warm.category.as_str()
    );
}
