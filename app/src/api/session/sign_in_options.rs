//! What the sign-in page offers.

use crate::api::text_json::TextJson;
use crate::error::AppError;
use leptos::prelude::*;
use shared::caller::SignInChoice;

/// What the sign-in page offers. Public, so its endpoint is fixed rather than
/// hashed: the session guard lets exactly this path through without a session.
#[server(endpoint = "sign_in_options", output = TextJson)]
pub async fn sign_in_options() -> Result<SignInChoice, AppError> {
    Ok(crate::backend::use_backend()?.sign_in_options())
}
