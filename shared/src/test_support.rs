//! Builders the unit tests share (compiled for tests only).

use crate::progress::{ProvisionProgress, TaskStatus, TaskView};
use crate::vm_size::VmSizeOption;

/// A task of `status` with `progress` (its status set to match), and nothing else known.
pub fn task_view(status: TaskStatus, mut progress: ProvisionProgress) -> TaskView {
    progress.status = status;
    TaskView {
        task_id: "t".into(),
        job_id: "j".into(),
        status,
        ready: status.is_finished(),
        progress: Some(progress),
        result: None,
        error: None,
        deletion: None,
        owner_must_sign_in: false,
        stopped_by: None,
    }
}

/// An available VM size with no zone information.
pub fn vm_size(name: &str, vcpus: i32, memory_gb: f64) -> VmSizeOption {
    VmSizeOption {
        name: name.into(),
        vcpus,
        memory_gb,
        family: "standardDSv5Family".into(),
        available: true,
        reason: None,
        restricted_zones: Vec::new(),
        zones: Vec::new(),
    }
}
