//! Builds the `azure_identity` credential the ARM client uses.

use crate::config::CredentialKind;
use azure_core::credentials::{Secret, TokenCredential};
use azure_identity::{
    ClientSecretCredential, DeveloperToolsCredential, ManagedIdentityCredential,
    WorkloadIdentityCredential,
};
use std::sync::Arc;

/// The credential for `kind`. The client secret is read from `AZURE_CLIENT_SECRET` here and
/// kept only inside the credential, so it never sits in [`crate::config::Config`] or a log.
pub fn build(kind: &CredentialKind) -> azure_core::Result<Arc<dyn TokenCredential>> {
    Ok(match kind {
        CredentialKind::DeveloperTools => DeveloperToolsCredential::new(None)?,
        CredentialKind::ManagedIdentity => ManagedIdentityCredential::new(None)?,
        CredentialKind::WorkloadIdentity => WorkloadIdentityCredential::new(None)?,
        CredentialKind::ClientSecret {
            tenant_id,
            client_id,
        } => {
            let secret = std::env::var("AZURE_CLIENT_SECRET").unwrap_or_default();
            ClientSecretCredential::new(tenant_id, client_id.clone(), Secret::new(secret), None)?
        }
    })
}
