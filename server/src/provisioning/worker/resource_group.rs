//! The worker's step 2: the resource group the cluster goes into, found or created. A group
//! that another create made between this worker's look and its PUT (ARM refuses a second PUT in
//! another region) is used as if it had been there at the first look; the job records whether
//! it created the group, and nothing ever deletes a group on a job's behalf.

use super::{JobRun, Stop, azure_failure};
use crate::arm::ArmClientError;
use crate::arm::models::ResourceGroup;
use shared::progress::ProvisionPhase;

impl JobRun {
    /// Finds or creates the job's resource group.
    pub(super) async fn ensure_resource_group(&mut self) -> Result<(), Stop> {
        let request = self.job.request.clone();
        self.enter(
            ProvisionPhase::EnsuringResourceGroup,
            &format!("Looking for resource group {}.", request.resource_group),
        )
        .await?;
        let existing = self
            .unless_cancelled(
                self.arm
                    .get_resource_group(&request.subscription_id, &request.resource_group),
            )
            .await?
            .map_err(azure_failure)?;
        let message = match existing {
            Some(group) => format!(
                "Using the existing resource group {} ({}).",
                group.name, group.location
            ),
            None => {
                // Safe to drop on a cancel: at worst the group exists and the row says this job
                // did not create it, so nothing will ever delete it on the job's behalf.
                let created = self
                    .unless_cancelled(self.arm.create_resource_group(
                        &request.subscription_id,
                        &request.resource_group,
                        &request.region,
                    ))
                    .await?;
                match created {
                    Ok(_) => {
                        self.job.resource_group_created = true;
                        format!(
                            "Created resource group {} in {}.",
                            request.resource_group, request.region
                        )
                    }
                    // Another create made the group meanwhile (ARM refuses a second PUT in
                    // another region): use it, as if it had been there at the first look.
                    Err(error) => {
                        let group = self.existing_group_after(error).await?;
                        format!(
                            "Using the resource group {} ({}) another create just made.",
                            group.name, group.location
                        )
                    }
                }
            }
        };
        self.note(&message).await
    }

    /// The resource group, when a PUT of it failed with `error` because it appeared meanwhile;
    /// otherwise `error` is the job's failure.
    async fn existing_group_after(&self, error: ArmClientError) -> Result<ResourceGroup, Stop> {
        let request = &self.job.request;
        let again = self
            .unless_cancelled(
                self.arm
                    .get_resource_group(&request.subscription_id, &request.resource_group),
            )
            .await?;
        match again {
            Ok(Some(group)) => Ok(group),
            Ok(None) | Err(_) => Err(azure_failure(error)),
        }
    }
}
