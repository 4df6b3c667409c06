//! A subscription the dashboard can reach, as the API and the UI show it.

use serde::{Deserialize, Serialize};

/// `GET /api/subscriptions` item; field names follow the earlier product's API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionInfo {
    /// The subscription GUID.
    pub subscription_id: String,
    /// Its display name.
    pub display_name: String,
}
