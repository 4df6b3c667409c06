//! Sandbox-only sign-in as a demo user, so ownership can be tried without Entra ID. The routes
//! are mounted only in sandbox mode; they issue sessions through [`crate::session::issue`].

use crate::session::{self, SessionSettings};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use axum_extra::extract::SignedCookieJar;
use serde::Deserialize;
use serde_json::json;
use shared::caller::{ADMIN_ROLE, Caller, DemoUser};

/// The tenant of the sandbox world's demo users (`[identity].tenant_id` of the default world).
const DEMO_TENANT: &str = "72f988bf-0000-4000-8000-00000000a0a0";

/// The demo users: (form value, display name, object id).
const DEMO_USERS: [(&str, &str, &str); 4] = [
    (
        "alice",
        "Alice Example",
        "a11ce000-0000-4000-8000-000000000001",
    ),
    ("bob", "Bob Example", "b0b00000-0000-4000-8000-000000000002"),
    (
        "carol",
        "Carol Example",
        "ca201000-0000-4000-8000-000000000003",
    ),
    ("dana", "Dana Admin", "da7a0000-0000-4000-8000-000000000004"),
];

/// The demo users who hold the dashboard's admin app role.
const DEMO_ADMINS: [&str; 1] = ["dana"];

/// The users the sign-in page offers.
pub fn demo_users() -> Vec<DemoUser> {
    DEMO_USERS
        .iter()
        .map(|(user, name, _)| DemoUser {
            user: (*user).into(),
            display_name: (*name).into(),
        })
        .collect()
}

/// The form of `POST /auth/dev/sign-in`.
#[derive(Deserialize)]
pub struct SignInForm {
    /// A demo user's form value, e.g. `alice`.
    user: String,
}

/// `POST /auth/dev/sign-in`: sets the session cookie and sends the browser to the dashboard.
pub async fn sign_in(
    State(settings): State<SessionSettings>,
    jar: SignedCookieJar,
    Form(form): Form<SignInForm>,
) -> Response {
    let Some((user, name, oid)) = DEMO_USERS
        .iter()
        .find(|(user, _, _)| user.eq_ignore_ascii_case(form.user.trim()))
    else {
        let known: Vec<&str> = DEMO_USERS.iter().map(|(user, _, _)| *user).collect();
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "code": "unknown_user", "message": format!("No demo user '{}'. Try one of: {}.", form.user, known.join(", ")) })),
        )
            .into_response();
    };
    let caller = Caller {
        tenant_id: DEMO_TENANT.into(),
        object_id: (*oid).into(),
        display_name: (*name).into(),
        roles: if DEMO_ADMINS.contains(user) {
            vec![ADMIN_ROLE.into()]
        } else {
            Vec::new()
        },
    };
    tracing::info!(object_id = %caller.object_id, "demo sign-in");
    (session::issue(jar, &caller, &settings), Redirect::to("/")).into_response()
}
