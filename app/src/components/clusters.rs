//! The clusters of the selected subscription: the card that lists them (with "Refresh" and
//! "Create cluster" in its header), the table inside it, and the picker in the page header that
//! chooses the subscription (kept in the URL).

pub mod cluster_table;
pub mod clusters_card;
pub mod subscription_picker;
