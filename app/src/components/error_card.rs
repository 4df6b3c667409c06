//! The error card (docs/PRODUCT.md §6): why a create failed, in the classifier's words. A category
//! icon and headline, the one-line summary with the figures, the explanation, the actions
//! (portal and docs links open in a new tab; a command copies to the clipboard), Azure's raw
//! text folded away as text (indented where it is JSON, with a Copy button), and Edit & retry /
//! Dismiss. A create that was stopped shows in
//! the same card, calmer: neutral colours, a status rather than an alert, one headline ("Provisioning
//! … was cancelled."), and the portal link to what may be left on Azure until it is deleted.
//!
//! A policy, capacity or network failure also lists the facts Azure stated (the policy
//! assignment and allowed locations; the size, zone and pool; the subnet and its addresses), and
//! the server's suggestions show as one-click "Retry with …" buttons that open the create form
//! with the failed attempt's request changed as they say.
//!
//! The folder holds the card's facts list and copyable command, and the dashboard's "Last
//! attempt failed" card, which shows a remembered failure in this card with the same actions.

pub mod card_facts;
pub mod card_icon;
pub mod copy_button;
pub mod copy_command;
pub mod last_failure_card;
pub mod remembered_deletion;

use card_facts::CardFacts;
use card_icon::CardIconImage;
use copy_button::CopyButton;
use copy_command::CopyCommand;
use leptos::prelude::*;
use shared::classify::{Action, ActionKind};
use shared::error_card::{CardIcon, FailedAttempt, headline, icon};
use shared::provision::RequestChanges;
use shared::raw_error::readable_raw_error;

/// A selector of the card's title, which takes focus when the card replaces the control that
/// had it (`tabindex=-1`: focusable by script, not a Tab stop).
pub const CARD_TITLE: &str = ".error-card-title";

/// The card of one failed or stopped create (in the create modal, in a banner, or as "Last
/// attempt failed").
#[component]
pub fn ErrorCard(
    /// The attempt to explain.
    #[prop(into)]
    attempt: Signal<FailedAttempt>,
    /// Replaces the line above the summary ("Provisioning <name> failed.").
    #[prop(optional, into)]
    lead: MaybeProp<String>,
    /// Announces the card as it appears (`role="alert"`, or `status` for a stop). A remembered
    /// failure shown on page load passes false: it is a labelled region, not news.
    #[prop(default = true)]
    live: bool,
    /// Shows "Edit & retry", which calls this.
    #[prop(optional_no_strip)]
    on_retry: Option<Callback<()>>,
    /// Shows "Dismiss", which calls this.
    #[prop(optional_no_strip)]
    on_dismiss: Option<Callback<()>>,
    /// Shows the suggestions' "Retry with …" buttons, which call this with their changes.
    #[prop(optional_no_strip)]
    on_retry_with: Option<Callback<RequestChanges>>,
    /// The card stands on the page (a banner, "Last attempt failed"): its title is an `h2`
    /// under the page's `h1`. Without it (in the create modal) the title is an `h3` under the
    /// dialog's `h2`.
    #[prop(optional)]
    on_page: bool,
) -> impl IntoView {
    move || {
        let attempt = attempt.get();
        let lead = lead.get().unwrap_or_else(|| attempt.lead());
        let classification = attempt.classification;
        let category = classification.category;
        let (role, class) = if attempt.stopped {
            ("status", "error-card cancelled-notice")
        } else {
            ("alert", "error-card")
        };
        let role = live.then_some(role);
        let leftover = attempt.portal_url.clone().filter(|_| attempt.stopped).map(|href| {
            view! {
                <p class="leftover">
                    "Part of the cluster may exist on Azure and may need deleting. "
                    <a class="leftover-link" href=href target="_blank" rel="noopener noreferrer">
                        "Open cluster in Azure portal ↗"
                    </a>
                </p>
            }
        });
        let cluster_link = attempt.portal_url.clone().filter(|_| !attempt.stopped).map(|href| {
            view! {
                <li>
                    <a class="button secondary action-link" data-kind="portal" href=href target="_blank" rel="noopener noreferrer">
                        "Open cluster in Azure portal ↗"
                    </a>
                </li>
            }
        });
        let (suggestions, actions): (Vec<Action>, Vec<Action>) = classification
            .actions
            .into_iter()
            .partition(|action| action.kind == ActionKind::RetryWith);
        let suggestions = on_retry_with.and_then(|retry_with| {
            let buttons: Vec<_> = suggestions
                .into_iter()
                .filter_map(|action| suggestion_view(action, retry_with))
                .collect();
            (!buttons.is_empty()).then(|| {
                view! { <ul class="error-card-retries" aria-label="Suggested retries">{buttons}</ul> }
            })
        });
        let actions = actions.into_iter().filter_map(action_view).collect_view();
        let facts = view! { <CardFacts category facts=classification.facts /> };
        let raw = (!attempt.raw.is_empty()).then(|| {
            let shown = readable_raw_error(&attempt.raw);
            view! {
                <details class="raw-error">
                    <summary>"Raw error from Azure"</summary>
                    // It may scroll: focusable, so a keyboard can scroll it too.
                    <pre tabindex="0" role="region" aria-label="Raw error text">
                        {shown.clone()}
                    </pre>
                    <div class="raw-error-copy">
                        <CopyButton label="Copy raw error" text=shown />
                    </div>
                </details>
            }
        });
        let buttons = (on_retry.is_some() || on_dismiss.is_some()).then(|| {
            view! {
                <div class="error-card-buttons">
                    {on_retry.map(|retry| view! {
                        <button type="button" class="button" on:click=move |_| retry.run(())>
                            "Edit & retry"
                        </button>
                    })}
                    {on_dismiss.map(|dismiss| view! {
                        <button type="button" class="button secondary" on:click=move |_| dismiss.run(())>
                            "Dismiss"
                        </button>
                    })}
                </div>
            }
        });
        // A stop has one headline, the lead itself; a failure has the category's and the lead.
        let (title, lead) = if attempt.stopped {
            (lead, None)
        } else {
            (headline(category).to_owned(), Some(lead))
        };
        let lead =
            lead.map(|lead| view! { <p class="error-card-lead"><strong>{lead}</strong></p> });
        view! {
            <section class=class role=role data-category=category.as_str() aria-label=headline(category)>
                {card_title(on_page, icon(category), title)}
                {lead}
                <p class="error-card-summary">{classification.summary}</p>
                <p class="error-card-details">{classification.details}</p>
                {facts}
                {suggestions}
                {leftover}
                <ul class="error-card-actions">{cluster_link}{actions}</ul>
                {raw}
                {buttons}
            </section>
        }
        // Type-erased: the card sits deep inside the create modal's view, whose type would
        // otherwise outgrow the compiler's limits.
        .into_any()
    }
}

/// A suggestion's one-click "Retry with …" button (none without its changes).
fn suggestion_view(action: Action, retry_with: Callback<RequestChanges>) -> Option<AnyView> {
    let changes = action.retry?;
    Some(
        view! {
            <li>
                <button
                    type="button"
                    class="button retry-with"
                    data-kind="retry_with"
                    on:click=move |_| retry_with.run(changes.clone())
                >
                    {action.label}
                </button>
            </li>
        }
        .into_any(),
    )
}

/// A link for portal and docs actions, a copy button for commands. Retry actions are what
/// "Edit & retry" does, so they have no button of their own, and one-click retries are
/// [`suggestion_view`]'s; a link that is not https is never rendered.
fn action_view(action: Action) -> Option<AnyView> {
    match action.kind {
        ActionKind::Portal | ActionKind::Docs => {
            let href = action.href.filter(|href| href.starts_with("https://"))?;
            let kind = if action.kind == ActionKind::Portal {
                "portal"
            } else {
                "docs"
            };
            Some(
                view! {
                    <li>
                        <a class="button secondary action-link" data-kind=kind href=href target="_blank" rel="noopener noreferrer">
                            {action.label} " ↗"
                        </a>
                    </li>
                }
                .into_any(),
            )
        }
        ActionKind::Command => {
            let command = action.command?;
            Some(view! { <li class="command-action"><CopyCommand label=action.label command /></li> }.into_any())
        }
        ActionKind::Retry | ActionKind::RetryWith => None,
    }
}

/// The card's title, `h2` or `h3` as [`ErrorCard`]'s `on_page` says, with the category's icon.
fn card_title(on_page: bool, icon: CardIcon, title: String) -> AnyView {
    let content = view! {
        <span class="error-card-icon" aria-hidden="true">
            <CardIconImage icon />
        </span>
        {title}
    };
    if on_page {
        view! { <h2 class="error-card-title" tabindex="-1">{content}</h2> }.into_any()
    } else {
        view! { <h3 class="error-card-title" tabindex="-1">{content}</h3> }.into_any()
    }
}
