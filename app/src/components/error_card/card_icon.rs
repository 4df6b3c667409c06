//! The error card's category pictures as inline SVG: line drawings on a 24-unit grid in the
//! text's colour, so they render the same with every font (glyphs such as "⌖" showed as empty
//! boxes with common ones) and in dark mode.

use leptos::prelude::*;
use shared::error_card::CardIcon;

/// The outline of an icon: SVG path data on a 24 × 24 grid, stroked, not filled.
fn outline(icon: CardIcon) -> &'static str {
    match icon {
        CardIcon::Gauge => "M4 17a8 8 0 1 1 16 0M12 17l4.5-4.5",
        CardIcon::Blocked => "M4 12a8 8 0 1 0 16 0a8 8 0 1 0-16 0M6.5 17.5l11-11",
        CardIcon::Cloud => "M7 18h10a4 4 0 0 0 .5-7.97A6 6 0 0 0 6.1 11.2A3.5 3.5 0 0 0 7 18z",
        CardIcon::Pin => {
            "M12 21s-6-5.5-6-11a6 6 0 0 1 12 0c0 5.5-6 11-6 11zM10 10a2 2 0 1 0 4 0a2 2 0 1 0-4 0"
        }
        CardIcon::Shield => "M12 3l7 3v5c0 5-3.5 8.5-7 10c-3.5-1.5-7-5-7-10V6zM9 12l2 2 4-4",
        CardIcon::Lock => "M6 11h12v9H6zM8.5 11V8a3.5 3.5 0 0 1 7 0v3",
        CardIcon::Network => {
            "M4 6a2 2 0 1 0 4 0a2 2 0 1 0-4 0M16 6a2 2 0 1 0 4 0a2 2 0 1 0-4 0M10 18a2 2 0 1 0 4 0a2 2 0 1 0-4 0M8 6h8M7 7.8l4 8.4M17 7.8l-4 8.4"
        }
        CardIcon::Key => "M4 15a4 4 0 1 0 8 0a4 4 0 1 0-8 0M11 12l8-8M16 7l2 2M14 9l2 2",
        CardIcon::Arrows => "M4 8h15M15 4l4 4-4 4M20 16H5M9 12l-4 4 4 4",
        CardIcon::Hourglass => "M7 3h10M7 21h10M8 3v3l4 6-4 6v3M16 3v3l-4 6 4 6v3",
        CardIcon::Sliders => {
            "M4 7h9M17 7h3M4 17h3M11 17h9M13 7a2 2 0 1 0 4 0a2 2 0 1 0-4 0M7 17a2 2 0 1 0 4 0a2 2 0 1 0-4 0"
        }
        CardIcon::Stop => "M7 7h10v10H7z",
        CardIcon::Alert => "M12 6v8M12 18v.01",
    }
}

/// The picture of `icon`, decorative (hidden from assistive technology), 1em square.
#[component]
pub fn CardIconImage(
    /// Which picture.
    icon: CardIcon,
) -> impl IntoView {
    view! {
        <svg
            class="card-icon"
            viewBox="0 0 24 24"
            width="1em"
            height="1em"
            fill="none"
            stroke="currentColor"
            stroke-width="2"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
            focusable="false"
        >
            <path d=outline(icon) />
        </svg>
    }
}
