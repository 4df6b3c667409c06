//! ARM lists: `{value: [...], nextLink?}` pages, followed until a page has no `nextLink`
//! (docs/ARM_FACTS.md §1 and §9).
//!
//! A service that keeps answering a `nextLink` would keep a call going forever, so a list ends
//! with [`ArmClientError::Decode`] after [`ArmClientSettings::max_pages`] pages, or at once when
//! a `nextLink` names a page already fetched. Every `nextLink` must also be on the configured ARM
//! endpoint (the `endpoint` module), which `send` checks before a token is fetched.
//!
//! [`ArmClientSettings::max_pages`]: super::ArmClientSettings::max_pages

use super::{ArmClient, ArmClientError};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::collections::HashSet;
use url::Url;

impl ArmClient {
    /// Every item of the list at `first`, following `nextLink`.
    pub(super) async fn list_all<T: DeserializeOwned>(
        &self,
        first: Url,
    ) -> Result<Vec<T>, ArmClientError> {
        let max_pages = self.settings.max_pages;
        let mut items = Vec::new();
        let mut fetched = HashSet::new();
        let mut next = Some(first);
        while let Some(url) = next.take() {
            if fetched.len() >= max_pages {
                return Err(ArmClientError::Decode(format!(
                    "the list did not end after {max_pages} pages"
                )));
            }
            if !fetched.insert(url.clone()) {
                return Err(ArmClientError::Decode(format!(
                    "the list's nextLink repeats a page already read ({})",
                    url.path()
                )));
            }
            let page: Value = self.send_json(self.get(url)).await?;
            let values = page.get("value").cloned().unwrap_or_else(|| json!([]));
            let mut batch: Vec<T> = serde_json::from_value(values)
                .map_err(|error| ArmClientError::Decode(error.to_string()))?;
            items.append(&mut batch);
            next = page["nextLink"]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(Url::parse)
                .transpose()
                .map_err(|error| ArmClientError::Decode(format!("nextLink: {error}")))?;
        }
        Ok(items)
    }
}
