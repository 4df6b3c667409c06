//! Who is using the dashboard: the signed-in person every page, server function and API route
//! acts for.

use serde::{Deserialize, Serialize};

/// The signed-in caller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caller {
    /// Stable id of the person (Entra object id; a fixed GUID for sandbox demo users).
    pub object_id: String,
    /// Name shown in the UI.
    pub display_name: String,
}

/// A user the sandbox's sign-in page offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoUser {
    /// What scripts send as the `user` form field (e.g. `alice`).
    pub user: String,
    /// Name shown on the button.
    pub display_name: String,
}
