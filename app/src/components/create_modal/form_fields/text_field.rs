//! A labelled text or number input with its hint and validation message.

use super::field_error::FieldError;
use leptos::html;
use leptos::prelude::*;

/// One form field: `<label>`, `<input>`, optional hint, message.
#[component]
pub fn TextField(
    /// Id of the input; the hint and message ids derive from it.
    id: &'static str,
    /// Label text.
    label: &'static str,
    /// The value shown.
    #[prop(into)]
    value: Signal<String>,
    /// Called with the new text on every keystroke.
    on_input: Callback<String>,
    /// The field's message, when it has one to show.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// A line of help under the input.
    #[prop(optional, into)]
    hint: MaybeProp<String>,
    /// `text` (default) or `number`.
    #[prop(default = "text")]
    input_type: &'static str,
    /// Smallest value of a number input.
    #[prop(optional)]
    min: Option<i32>,
    /// Largest value of a number input.
    #[prop(optional)]
    max: Option<i32>,
    /// Placeholder text.
    #[prop(optional)]
    placeholder: Option<&'static str>,
    /// Binds the input element (e.g. to focus it).
    #[prop(optional)]
    node_ref: NodeRef<html::Input>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let numeric = input_type == "number";
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                type=input_type
                min=min.map(|m| m.to_string())
                max=max.map(|m| m.to_string())
                step=numeric.then_some("1")
                inputmode=numeric.then_some("numeric")
                placeholder=placeholder
                autocomplete="off"
                spellcheck="false"
                aria-describedby=format!("{hint_id} {error_id}")
                aria-invalid=move || error.with(Option::is_some).to_string()
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
                node_ref=node_ref
            />
            <p class="hint" id=hint_id>
                {move || hint.get()}
            </p>
            <FieldError id=error_id message=error />
        </div>
    }
    .into_any()
}
