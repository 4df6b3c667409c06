//! The lines the banner and the modal's live panel write from a job's progress, so both say
//! the same thing the same way.

use shared::progress::{ProvisionProgress, format_elapsed};

/// The progress with `extra_seconds` (counted in the browser since the numbers were read) added
/// to its clocks. Finished jobs keep their numbers.
pub fn ticked(progress: &ProvisionProgress, extra_seconds: i64) -> ProvisionProgress {
    let mut progress = progress.clone();
    if !progress.status.is_finished() && extra_seconds > 0 {
        progress.elapsed_seconds = progress.elapsed_seconds.saturating_add(extra_seconds);
        progress.arm_elapsed_seconds = progress
            .arm_elapsed_seconds
            .map(|seconds| seconds.saturating_add(extra_seconds));
    }
    progress
}

/// "Step 3/5 · Creating AKS cluster · 4m 12s"; without the step while the job is queued.
pub fn step_line(progress: &ProvisionProgress) -> String {
    let elapsed = format_elapsed(progress.elapsed_seconds);
    if progress.step >= 1 {
        format!(
            "Step {}/{} · {} · {}",
            progress.step, progress.total_steps, progress.label, elapsed
        )
    } else {
        format!("{} · {}", progress.label, elapsed)
    }
}

/// "AKS state: Creating · ARM 1m 40s", once Azure reported a state for the cluster.
pub fn state_line(progress: &ProvisionProgress) -> Option<String> {
    let state = progress.cluster_state.as_deref()?;
    Some(match progress.arm_elapsed_seconds {
        Some(seconds) => format!("AKS state: {state} · ARM {}", format_elapsed(seconds)),
        None => format!("AKS state: {state}"),
    })
}

/// The progress bar's value in whole percent (0–100).
pub fn percent(progress: &ProvisionProgress) -> u8 {
    // fraction() is 0.0–1.0 by contract; the clamp keeps a bad value from overflowing.
    (progress.fraction().clamp(0.0, 1.0) * 100.0).round() as u8
}
