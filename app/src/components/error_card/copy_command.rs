//! A command line the user can copy: shown as text (selectable, so copying by hand always
//! works) with a button that writes it to the clipboard and says whether that worked.

use leptos::prelude::*;

/// What the last click on the copy button achieved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CopyState {
    Idle,
    Copied,
    Refused,
}

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
    let state = RwSignal::new(CopyState::Idle);
    let text = StoredValue::new(command.clone());
    let copy = move |_| {
        state.set(CopyState::Idle);
        let command = text.get_value();
        leptos::task::spawn_local(async move {
            let copied = write_to_clipboard(&command).await;
            state.set(if copied {
                CopyState::Copied
            } else {
                CopyState::Refused
            });
        });
    };
    view! {
        <div class="copy-command">
            <code class="command-line">{command}</code>
            <button type="button" class="button secondary" on:click=copy>
                {label}
            </button>
            <span class="copy-state" role="status">
                {move || match state.get() {
                    CopyState::Idle => "",
                    CopyState::Copied => "Copied to the clipboard.",
                    CopyState::Refused => "The browser refused the clipboard; select the command and copy it.",
                }}
            </span>
        </div>
    }
}

/// Writes `text` with the asynchronous Clipboard API; false when the browser has none here
/// (an insecure origin) or refuses.
async fn write_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}
