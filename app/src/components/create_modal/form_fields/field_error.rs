//! The message under a form field. Always rendered (empty when the field is fine) so the
//! input's `aria-describedby` always points at an element.

use leptos::prelude::*;

/// A field's validation message.
#[component]
pub fn FieldError(
    /// Element id, referenced by the input's `aria-describedby`.
    #[prop(into)]
    id: String,
    /// The message, when the field has one to show.
    #[prop(into)]
    message: Signal<Option<String>>,
) -> impl IntoView {
    view! { <p class="field-error" id=id>{move || message.get()}</p> }
}
