//! Sandbox-only scripted sign-in as a demo user (`curl` users and the sign-in page's demo
//! buttons), so ownership can be tried without an identity provider. The route is mounted only
//! in sandbox mode; it makes its session with [`crate::session::signed_in::establish`], the
//! function the OpenID callback uses, so the session has the same shape.

use crate::session::SessionBinding;
use crate::session::signed_in::establish;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use serde::Deserialize;
use serde_json::json;
use shared::caller::{ADMIN_ROLE, Caller, DemoUser};
use shared::return_to::same_origin_path;
use tower_sessions::Session;

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
    /// Where to go afterwards (a same-origin path; anything else becomes `/`).
    return_to: Option<String>,
}

/// `POST /auth/dev/sign-in`: signs the session in and sends the browser to `return_to`.
pub async fn sign_in(session: Session, Form(form): Form<SignInForm>) -> Response {
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
    match establish(&session, caller, SessionBinding::sandbox_demo(), None).await {
        Ok(()) => Redirect::to(&same_origin_path(form.return_to.as_deref())).into_response(),
        Err(error) => {
            tracing::error!(%error, "cannot save the session");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "code": "session_unavailable", "message": "The session cannot be saved right now; try again shortly." })),
            )
                .into_response()
        }
    }
}
