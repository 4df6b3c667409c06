//! A command line the user can copy: shown as text (selectable, so copying by hand always
//! works) with a button that writes it to the clipboard and says whether that worked.

use super::copy_button::CopyButton;
use leptos::prelude::*;

/// The command and its copy button.
#[component]
pub fn CopyCommand(
    /// Button text.
    #[prop(into)]
    label: String,
    /// The command line.
    #[prop(into)]
    command: String,
) -> impl IntoView {
    view! {
        <div class="copy-command">
            <code class="command-line">{command.clone()}</code>
            <CopyButton label text=command />
        </div>
    }
}
