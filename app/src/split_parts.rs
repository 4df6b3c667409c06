//! Parts of the dashboard whose code is a chunk of the browser bundle of its own (`cargo leptos
//! --split`), fetched only when the page shows them (issue 18): a provisioning banner, the
//! "Last attempt failed" card and an administrator's every-user tables. The create modal is
//! another, handled where it opens ([`crate::components::create_modal`]).
//!
//! The server renders these parts like any other, each inside a `<div class="split-part"
//! data-split-part="…">` (the stylesheet gives it no box). Hydration must find a part's code
//! already loaded, because a part still waiting for it would not match the server's HTML: so
//! the browser entry point first calls [`load_parts_on_page`], which fetches the chunks of the
//! parts the server's HTML holds, all at once, and only then hydrates. A part that appears
//! later (a new banner, a failure) renders as soon as its chunk arrives, and nothing shows
//! meanwhile.

use futures_util::FutureExt;
use leptos::prelude::*;
use std::future::Future;

/// A part of the page whose code is a chunk of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplitPart {
    /// One provisioning banner ([`crate::components::provisioning::provisioning_banner`]).
    Banner,
    /// The "Last attempt failed" card's content.
    LastFailure,
    /// An administrator's "All users' jobs" section.
    EveryUsersJobs,
}

impl SplitPart {
    /// Every part, for the entry point's look at the page.
    pub const ALL: [Self; 3] = [Self::Banner, Self::LastFailure, Self::EveryUsersJobs];

    /// The part's `data-split-part` mark.
    pub fn mark(self) -> &'static str {
        match self {
            Self::Banner => "banner",
            Self::LastFailure => "last-failure",
            Self::EveryUsersJobs => "every-users-jobs",
        }
    }

    /// Fetches the part's chunk (nothing to fetch in a build without split points).
    pub async fn load(self) {
        #[cfg(all(feature = "hydrate", feature = "split"))]
        match self {
            Self::Banner => {
                crate::components::provisioning::provisioning_banner::__preload_banner_view().await
            }
            Self::LastFailure => {
                crate::components::error_card::last_failure_card::__preload_last_failure_view()
                    .await
            }
            Self::EveryUsersJobs => {
                crate::components::admin::every_users_jobs::__preload_every_users_jobs_view().await
            }
        }
    }
}

/// The view a split point's function makes, if its code is here: its future is ready at its
/// first poll then (always on the server and in a build without split points).
pub fn ready_now<V>(view: impl Future<Output = V>) -> Option<V> {
    view.now_or_never()
}

/// Renders `build`'s view inside `part`'s mark once the part's code is here: at once when it
/// is, else after fetching it (with nothing in its place meanwhile). `build` answers `None`
/// while the code is missing ([`ready_now`] of the part's split point).
pub fn split_part(
    part: SplitPart,
    build: impl Fn() -> Option<AnyView> + Send + Sync + 'static,
) -> impl IntoView {
    let arrived = RwSignal::new(false);
    move || {
        arrived.track();
        let view = build();
        if view.is_none() && !arrived.get_untracked() {
            leptos::task::spawn_local(async move {
                part.load().await;
                arrived.set(true);
            });
        }
        view.map(|view| view! { <div class="split-part" data-split-part=part.mark()>{view}</div> })
    }
}

/// Fetches, in parallel, the chunks of the parts the server's HTML holds, so that hydration
/// finds their code; see the module documentation.
#[cfg(feature = "hydrate")]
pub async fn load_parts_on_page() {
    let Some(document) = leptos::prelude::window().document() else {
        return;
    };
    let on_page = SplitPart::ALL.into_iter().filter(|part| {
        document
            .query_selector(&format!("[data-split-part=\"{}\"]", part.mark()))
            .ok()
            .flatten()
            .is_some()
    });
    futures_util::future::join_all(on_page.map(SplitPart::load)).await;
}
