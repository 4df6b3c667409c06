//! What the sign-in page offers.

use crate::error::AppError;
use leptos::prelude::*;
use shared::caller::DemoUser;

/// Demo users to sign in as (sandbox mode). Public, so its endpoint is fixed rather than
/// hashed: the session guard lets exactly this path through without a session.
#[server(endpoint = "sign_in_options")]
pub async fn sign_in_options() -> Result<Vec<DemoUser>, AppError> {
    Ok(crate::backend::use_backend()?.demo_users())
}
