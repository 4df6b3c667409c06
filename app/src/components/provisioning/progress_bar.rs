//! A thin progress bar with the ARIA progressbar role (styled, so not a `<progress>`).

use leptos::prelude::*;

/// A bar filled to `percent`.
#[component]
pub fn ProgressBar(
    /// How far, 0–100.
    #[prop(into)]
    percent: Signal<u8>,
    /// Accessible name of the bar.
    #[prop(into)]
    label: String,
) -> impl IntoView {
    view! {
        <div
            class="progress"
            role="progressbar"
            aria-label=label
            aria-valuemin="0"
            aria-valuemax="100"
            aria-valuenow=move || percent.get().to_string()
        >
            <div class="progress-fill" style:width=move || format!("{}%", percent.get())></div>
        </div>
    }
}
