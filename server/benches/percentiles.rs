//! How the benchmarks print a set of timings.

use std::time::Duration;

/// "p50 … ms; p95 … ms; max … ms" of `timings` (not empty).
pub fn summary(mut timings: Vec<Duration>) -> String {
    timings.sort();
    let percentile = |p: f64| timings[((timings.len() as f64 - 1.0) * p).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "p50 {:.1} ms; p95 {:.1} ms; max {:.1} ms",
        ms(percentile(0.50)),
        ms(percentile(0.95)),
        ms(percentile(1.0)),
    )
}
