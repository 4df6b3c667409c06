//! Helpers for tests that drive the ARM client directly.

use super::TestResult;
use server::arm::ArmClientError;
use server::arm::models::{ManagedClusterSpec, NodePoolSpec};
use shared::arm_error::ArmError;

/// A cluster in `location` with a system pool of one Standard_D2s_v5 and `workers` nodes of
/// `worker_size`.
pub fn spec(location: &str, worker_size: &str, workers: i32) -> ManagedClusterSpec {
    ManagedClusterSpec {
        location: location.into(),
        dns_prefix: "aks-test".into(),
        kubernetes_version: None,
        pools: vec![
            NodePoolSpec {
                name: "system".into(),
                mode: "System".into(),
                vm_size: "Standard_D2s_v5".into(),
                count: 1,
            },
            NodePoolSpec {
                name: "workers".into(),
                mode: "User".into(),
                vm_size: worker_size.into(),
                count: workers,
            },
        ],
    }
}

/// The ARM error of a call that must have failed with one.
pub fn arm_error(result: Result<impl std::fmt::Debug, ArmClientError>) -> TestResult<ArmError> {
    match result {
        Err(ArmClientError::Arm(error)) => Ok(*error),
        other => Err(format!("expected an ARM error, got {other:?}").into()),
    }
}
