//! Unit tests of the parent module.

use super::*;
use rstest::rstest;

fn progress(phase: ProvisionPhase) -> ProvisionProgress {
    ProvisionProgress {
        status: TaskStatus::Progress,
        step: phase.step().unwrap_or(0),
        phase,
        label: phase.label().into(),
        ..ProvisionProgress::queued("j", &ProvisionRequest::default())
    }
}

fn pool(state: &str) -> PoolProgress {
    PoolProgress {
        name: "p".into(),
        provisioning_state: state.into(),
        count: 1,
        vm_size: "v".into(),
    }
}

#[rstest]
#[case(0, "0s")]
#[case(-5, "0s")]
#[case(59, "59s")]
#[case(60, "1m 0s")]
#[case(252, "4m 12s")]
#[case(3600, "1h 00m")]
#[case(3900, "1h 05m")]
fn elapsed_reads_like_the_banner(#[case] seconds: i64, #[case] text: &str) {
    assert_eq!(format_elapsed(seconds), text);
}

#[test]
fn statuses_and_phases_round_trip_their_wire_spelling() {
    for status in [
        TaskStatus::Pending,
        TaskStatus::Started,
        TaskStatus::Progress,
        TaskStatus::Success,
        TaskStatus::Failure,
        TaskStatus::Revoked,
    ] {
        assert_eq!(TaskStatus::parse(status.as_str()), Some(status));
        assert_eq!(
            serde_json::to_value(status).expect("serialize"),
            serde_json::json!(status.as_str())
        );
    }
    for phase in ProvisionPhase::ALL {
        assert_eq!(ProvisionPhase::parse(phase.as_str()), Some(phase));
        assert_eq!(
            serde_json::to_value(phase).expect("serialize"),
            serde_json::json!(phase.as_str())
        );
    }
    assert_eq!(TaskStatus::parse("queued"), None);
    assert_eq!(ProvisionPhase::parse("Creating"), None);
}

#[test]
fn only_terminal_statuses_are_finished() {
    assert!(!TaskStatus::Pending.is_finished());
    assert!(!TaskStatus::Progress.is_finished());
    assert!(TaskStatus::Success.is_finished());
    assert!(TaskStatus::Revoked.is_finished());
}

#[test]
fn a_queued_job_names_its_cluster_and_has_not_started() {
    let request = ProvisionRequest {
        cluster_name: "aks-a".into(),
        region: "eastus".into(),
        ..ProvisionRequest::default()
    };
    let queued = ProvisionProgress::queued("job-1", &request);
    assert_eq!((queued.step, queued.phase), (0, ProvisionPhase::Queued));
    assert_eq!(queued.status, TaskStatus::Pending);
    assert_eq!(queued.cluster_name, "aks-a");
    assert_eq!(queued.fraction(), 0.0);
}

#[test]
fn steps_run_one_to_five() {
    let steps: Vec<Option<i32>> = ProvisionPhase::ALL.iter().map(|p| p.step()).collect();
    assert_eq!(
        steps,
        [
            None,
            Some(1),
            Some(2),
            Some(3),
            Some(4),
            Some(5),
            None,
            None
        ]
    );
}

#[test]
fn a_cancelled_job_spells_its_phase_as_its_error_code() {
    assert_eq!(ProvisionPhase::CancelledByUser.as_str(), CANCELLED_CODE);
    assert_eq!(
        ProvisionPhase::parse(CANCELLED_CODE),
        Some(ProvisionPhase::CancelledByUser)
    );
    let mut stopped = progress(ProvisionPhase::CancelledByUser);
    stopped.step = 2;
    assert!(
        (stopped.fraction() - 0.4).abs() < 1e-9,
        "stays where it stopped"
    );
}

#[test]
fn the_bar_moves_within_the_long_step_and_never_reaches_the_end_early() {
    let mut creating = progress(ProvisionPhase::CreatingCluster);
    let start = creating.fraction();
    assert!((start - 0.10).abs() < 1e-9);
    creating.arm_elapsed_seconds = Some(100);
    let after_100s = creating.fraction();
    creating.arm_elapsed_seconds = Some(100_000);
    let much_later = creating.fraction();
    assert!(start < after_100s && after_100s < much_later, "moves");
    assert!(much_later < progress(ProvisionPhase::VerifyingCluster).fraction());
    assert_eq!(progress(ProvisionPhase::Done).fraction(), 1.0);
}

#[test]
fn percent_complete_and_finished_pools_lead_the_bar() {
    let mut creating = progress(ProvisionPhase::CreatingCluster);
    creating.percent_complete = Some(50.0);
    assert!((creating.fraction() - 0.5).abs() < 1e-9);
    creating.percent_complete = Some(f64::NAN);
    creating.pools = vec![pool("Succeeded"), pool("Creating")];
    assert!((creating.fraction() - (0.10 + 0.80 * 0.45)).abs() < 1e-9);
}

#[test]
fn a_failure_keeps_the_bar_where_it_stopped() {
    let mut failed = progress(ProvisionPhase::Failed);
    failed.step = 2;
    assert!((failed.fraction() - 0.4).abs() < 1e-9);
    failed.step = 99;
    assert_eq!(failed.fraction(), 1.0);
}

#[rstest]
#[case("Succeeded", StateTone::Good)]
#[case("running", StateTone::Good)]
#[case("Creating", StateTone::Busy)]
#[case("ProvisionControlPlane", StateTone::Busy)]
#[case("Canceling", StateTone::Warning)]
#[case("Canceled", StateTone::Warning)]
#[case("Failed", StateTone::Bad)]
fn chips_take_the_tone_of_their_state(#[case] state: &str, #[case] tone: StateTone) {
    assert_eq!(StateTone::of(state), tone);
    assert!(!tone.css_class().is_empty());
}

/// A REVOKED task whose create Azure had accepted, its cluster now `state`.
fn stopped_task(status: TaskStatus, state: Option<&str>) -> TaskView {
    let mut progress = progress(ProvisionPhase::CancelledByUser);
    progress.cluster_state = state.map(str::to_owned);
    progress.portal_url = Some("https://portal.azure.com/#resource/x".into());
    crate::test_support::task_view(status, progress)
}

fn deletion(state: DeletionState) -> Option<ClusterDeletion> {
    Some(ClusterDeletion {
        state,
        message: "m".into(),
        elapsed_seconds: 3,
    })
}

#[rstest]
#[case(TaskStatus::Revoked, Some("Canceled"), true)]
#[case(TaskStatus::Revoked, Some("canceled"), true)]
#[case(TaskStatus::Revoked, Some("Succeeded"), true)]
#[case(TaskStatus::Failure, Some("Failed"), true)]
#[case(TaskStatus::Failure, Some(" FAILED "), true)]
#[case(TaskStatus::Revoked, Some("Canceling"), false)]
#[case(TaskStatus::Revoked, Some("Creating"), false)]
#[case(TaskStatus::Failure, Some("Deleting"), false)]
#[case(TaskStatus::Failure, Some("Updating"), false)]
#[case(TaskStatus::Revoked, Some("ProvisionControlPlane"), false)]
#[case(TaskStatus::Revoked, None, false)]
#[case(TaskStatus::Success, Some("Succeeded"), false)]
#[case(TaskStatus::Progress, Some("Canceled"), false)]
#[case(TaskStatus::Pending, Some("Failed"), false)]
fn a_partial_cluster_can_be_deleted_once_its_create_stopped_and_azure_settled(
    #[case] status: TaskStatus,
    #[case] state: Option<&str>,
    #[case] expected: bool,
) {
    assert_eq!(
        can_delete_partial_cluster(&stopped_task(status, state)),
        expected
    );
}

#[test]
fn a_partial_cluster_needs_a_portal_page_and_no_deletion_under_way() {
    let mut task = stopped_task(TaskStatus::Revoked, Some("Canceled"));
    assert!(can_delete_partial_cluster(&task));
    task.deletion = deletion(DeletionState::Failed);
    assert!(
        can_delete_partial_cluster(&task),
        "a failed deletion may be retried"
    );
    task.deletion = deletion(DeletionState::Deleting);
    assert!(!can_delete_partial_cluster(&task), "one is running");
    task.deletion = deletion(DeletionState::Deleted);
    assert!(!can_delete_partial_cluster(&task), "it is gone");
    task.deletion = None;
    if let Some(progress) = task.progress.as_mut() {
        progress.portal_url = None;
    }
    assert!(
        !can_delete_partial_cluster(&task),
        "no cluster resource seen"
    );
    task.progress = None;
    assert!(!can_delete_partial_cluster(&task));
}

#[rstest]
#[case::canceling_after_an_abort(TaskStatus::Revoked, Some("Canceling"), None, true)]
#[case::settled(TaskStatus::Revoked, Some("Canceled"), None, false)]
#[case::never_reached_azure(TaskStatus::Revoked, None, None, false)]
#[case::still_running(TaskStatus::Progress, Some("Creating"), None, false)]
#[case::deleting(
    TaskStatus::Revoked,
    Some("Canceled"),
    Some(DeletionState::Deleting),
    true
)]
#[case::deleted(
    TaskStatus::Revoked,
    Some("Canceled"),
    Some(DeletionState::Deleted),
    false
)]
#[case::deletion_failed(
    TaskStatus::Failure,
    Some("Failed"),
    Some(DeletionState::Failed),
    false
)]
fn a_stopped_task_is_read_again_until_azure_settles(
    #[case] status: TaskStatus,
    #[case] state: Option<&str>,
    #[case] deletion_state: Option<DeletionState>,
    #[case] expected: bool,
) {
    let mut task = stopped_task(status, state);
    task.deletion = deletion_state.and_then(deletion);
    assert_eq!(settling_on_azure(&task), expected);
}

#[test]
fn a_deletion_is_absent_from_the_wire_until_there_is_one() {
    let mut task = stopped_task(TaskStatus::Revoked, Some("Canceled"));
    let json = serde_json::to_value(&task).expect("serialize");
    assert!(json.get("deletion").is_none(), "{json}");
    let read: TaskView = serde_json::from_value(json).expect("an older answer still reads");
    assert_eq!(read.deletion, None);
    task.deletion = deletion(DeletionState::Deleting);
    let json = serde_json::to_value(&task).expect("serialize");
    assert_eq!(
        json["deletion"],
        serde_json::json!({"state": "deleting", "message": "m", "elapsed_seconds": 3})
    );
    for state in [
        DeletionState::Deleting,
        DeletionState::Deleted,
        DeletionState::Failed,
    ] {
        assert_eq!(DeletionState::parse(state.as_str()), Some(state));
        assert_eq!(
            serde_json::to_value(state).expect("serialize"),
            serde_json::json!(state.as_str())
        );
    }
    assert_eq!(DeletionState::parse("Deleted"), None);
}

#[test]
fn pool_keys_are_snake_case_and_older_rows_still_read() {
    let json = serde_json::to_value(pool("Creating")).expect("serialize");
    assert_eq!(json["provisioning_state"], "Creating");
    assert_eq!(json["vm_size"], "v");
    let stored: PoolProgress = serde_json::from_value(serde_json::json!(
        {"name": "p", "provisioningState": "Creating", "count": 1, "vmSize": "v"}
    ))
    .expect("a row written before the rename");
    assert_eq!(stored, pool("Creating"));
}

#[test]
fn the_accepted_answer_is_snake_case() {
    let accepted = ProvisionAccepted {
        job_id: "j".into(),
        task_id: "t".into(),
        status: "queued".into(),
        status_query_get_uri: "/api/tasks/t".into(),
        reused: false,
    };
    let json = serde_json::to_value(&accepted).expect("serialize");
    assert_eq!(json["status_query_get_uri"], "/api/tasks/t");
    assert!(json.get("statusQueryGetUri").is_none());
}

fn classified() -> crate::classify::Classification {
    crate::error_card::classify_failure(
        &TaskFailure::new(
            "QuotaExceeded",
            "Insufficient regional vcpu quota left for location koreacentral. left regional vcpu quota 20, requested quota 162.",
            "",
        ),
        &crate::classify::ErrorContext::default(),
    )
}

#[test]
fn a_classified_failure_is_flat_on_the_wire_and_reads_back() {
    let failure = TaskFailure {
        classification: Some(Box::new(classified())),
        ..TaskFailure::new("QuotaExceeded", "m", "raw text")
    };
    let json = serde_json::to_value(&failure).expect("serialize");
    for key in [
        "code", "message", "raw", "category", "summary", "details", "facts", "actions",
    ] {
        assert!(json.get(key).is_some(), "{key} in {json}");
    }
    assert_eq!(json["category"], "quota");
    assert!(json.get("classification").is_none(), "flattened: {json}");
    let back: TaskFailure = serde_json::from_value(json.clone()).expect("deserialize");
    assert_eq!(back, failure);
    let read_as_text: TaskFailure =
        serde_json::from_str(&json.to_string()).expect("deserialize from text");
    assert_eq!(read_as_text, failure);
}

/// A classified failure as the server sends it.
fn classified_failure_json() -> serde_json::Value {
    serde_json::to_value(TaskFailure {
        classification: Some(Box::new(classified())),
        ..TaskFailure::new("QuotaExceeded", "m", "raw text")
    })
    .expect("serialize")
}

#[test]
fn a_category_this_version_does_not_know_reads_as_unknown() {
    let mut json = classified_failure_json();
    json["category"] = serde_json::json!("a_newer_servers_category");
    let failure: TaskFailure = serde_json::from_str(&json.to_string()).expect("deserialize");
    let classification = failure.classification.expect("still classified");
    assert_eq!(classification.category, crate::classify::Category::Unknown);
}

#[test]
fn a_partial_classification_reads_as_none() {
    let mut json = classified_failure_json();
    if let Some(object) = json.as_object_mut() {
        object.remove("facts");
        object.insert("extra".into(), serde_json::json!("a newer server's field"));
    }
    let failure: TaskFailure = serde_json::from_value(json).expect("deserialize");
    assert_eq!(failure, TaskFailure::new("QuotaExceeded", "m", "raw text"));
}

#[test]
fn an_old_failure_without_a_classification_still_reads() {
    let old = serde_json::json!({"code": "QuotaExceeded", "message": "m", "raw": ""});
    let failure: TaskFailure = serde_json::from_value(old.clone()).expect("deserialize");
    assert_eq!(failure, TaskFailure::new("QuotaExceeded", "m", ""));
    assert_eq!(serde_json::to_value(&failure).expect("serialize"), old);
}

#[test]
fn progress_carries_zones_and_subnet_and_older_answers_read() {
    let request = ProvisionRequest {
        zones: vec!["2".into(), "3".into()],
        subnet_id: Some("/subscriptions/s/x".into()),
        ..ProvisionRequest::default()
    };
    let progress = ProvisionProgress::queued("j", &request);
    assert_eq!(progress.zones, request.zones);
    assert_eq!(progress.subnet_id, request.subnet_id);
    let mut json = serde_json::to_value(&progress).expect("serialize");
    if let Some(object) = json.as_object_mut() {
        object.remove("zones");
        object.remove("subnet_id");
    }
    let old: ProvisionProgress = serde_json::from_value(json).expect("older answer");
    assert!(old.zones.is_empty() && old.subnet_id.is_none());
}
