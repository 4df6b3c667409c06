//! A button that writes a text to the clipboard and says, in a status line, whether that worked
//! (the text itself stays on screen to copy by hand). Used by the copyable command and the raw
//! error of the error card.

use leptos::prelude::*;

/// What the last click on the copy button achieved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CopyState {
    Idle,
    Copied,
    Refused,
}

/// The button and its status line.
#[component]
pub fn CopyButton(
    /// Button text.
    #[prop(into)]
    label: String,
    /// What a click copies.
    #[prop(into)]
    text: String,
) -> impl IntoView {
    let state = RwSignal::new(CopyState::Idle);
    let text = StoredValue::new(text);
    let copy = move |_| {
        state.set(CopyState::Idle);
        let text = text.get_value();
        leptos::task::spawn_local(async move {
            let copied = write_to_clipboard(&text).await;
            state.set(if copied {
                CopyState::Copied
            } else {
                CopyState::Refused
            });
        });
    };
    view! {
        <button type="button" class="button secondary" on:click=copy>
            {label}
        </button>
        <span class="copy-state" role="status">
            {move || match state.get() {
                CopyState::Idle => "",
                CopyState::Copied => "Copied to the clipboard.",
                CopyState::Refused => "The browser refused the clipboard; select the text and copy it.",
            }}
        </span>
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
