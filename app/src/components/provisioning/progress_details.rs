//! What the live panel and the banner both show of a running job: Azure's state and ARM time,
//! the progress bar and the worker's latest message.

use crate::components::provisioning::progress_bar::ProgressBar;
use crate::progress_text::{percent, state_line};
use leptos::prelude::*;
use shared::progress::ProvisionProgress;

/// State line, bar and message of `progress` (nothing but an empty bar before the first report).
#[component]
pub fn ProgressDetails(
    /// The job's progress, with locally ticked elapsed times.
    #[prop(into)]
    progress: Signal<Option<ProvisionProgress>>,
    /// Accessible name of the bar.
    bar_label: &'static str,
) -> impl IntoView {
    view! {
        {move || {
            progress
                .with(|p| p.as_ref().and_then(state_line))
                .map(|line| view! { <p class="banner-state">{line}</p> })
        }}
        <ProgressBar
            percent=Signal::derive(move || progress.with(|p| p.as_ref().map_or(0, percent)))
            label=bar_label
        />
        <p class="banner-message muted">
            {move || progress.with(|p| p.as_ref().map(|p| p.message.clone()).unwrap_or_default())}
        </p>
    }
}
