//! The create form's review above its buttons: what the create will make and what it will
//! consume (`shared::create_review`), following the form as it is edited.

use crate::components::create_modal::form::CreateForm;
use leptos::prelude::*;
use shared::create_review::create_review;

/// The review of what the form holds now.
#[component]
pub fn ReviewSection(
    /// The form.
    form: CreateForm,
) -> impl IntoView {
    let lines = move || {
        form.sizes
            .with(|sizes| create_review(&form.request(), sizes))
    };
    view! {
        <section class="create-review" aria-labelledby="create-review-title">
            <h3 id="create-review-title">"Review"</h3>
            <dl>
                {move || {
                    lines()
                        .into_iter()
                        .map(|line| {
                            view! {
                                <div class="create-review-line">
                                    <dt>{line.label}</dt>
                                    <dd>{line.value}</dd>
                                </div>
                            }
                        })
                        .collect_view()
                }}
            </dl>
        </section>
    }
    // Type-erased: it sits deep inside the create modal's view.
    .into_any()
}
