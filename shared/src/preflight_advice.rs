//! What the create modal does with a pre-flight answer (docs/PRODUCT.md §3): the worker count that
//! "Apply N nodes" offers, when the smart default applies it without a click, and what the
//! submit button reads.

use crate::preflight::{CheckStatus, PreflightReport};

/// Name of the quota row.
const QUOTA_ROW: &str = "quota";

/// The worker count that makes a failing quota row pass, when lowering the worker count is the
/// fix: the row fails, at least one worker fits, and fewer than `requested` do. `None` when the
/// quota row passes, when not even one worker fits (a smaller size or more quota is the fix),
/// or when the shortfall lies elsewhere (the system pool's own family), where fewer workers
/// would not help.
pub fn worker_count_fix(report: &PreflightReport, requested: i64) -> Option<i64> {
    let row = report
        .checks
        .iter()
        .find(|c| c.name == QUOTA_ROW && c.status == CheckStatus::Fail)?;
    let fit = row.details.get("max_worker_nodes_fit")?.as_i64()?;
    (1..requested).contains(&fit).then_some(fit)
}

/// The smart default: the first failing pre-flight of an opened modal applies the fit by itself
/// while the user has not chosen a worker count. `already_applied` is true once it did (it acts
/// once; after that "Apply N nodes" is the user's choice).
pub fn automatic_worker_count(
    report: &PreflightReport,
    requested: i64,
    count_chosen_by_user: bool,
    already_applied: bool,
) -> Option<i64> {
    if count_chosen_by_user || already_applied {
        return None;
    }
    worker_count_fix(report, requested)
}

/// What the submit button offers before anything is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubmitReadiness {
    /// A pre-flight is waiting for its debounce or for the server: "Validating…".
    Validating,
    /// A pre-flight row fails: "Fix errors above", and the submit refuses.
    FixErrors,
    /// Nothing known stands in the way: "Create cluster".
    Ready,
}

impl SubmitReadiness {
    /// From the pre-flight's state. Without an answer (no check ran, or the check itself failed
    /// to run) the button is ready: the server runs the same pre-flight on submit.
    pub fn of(checking: bool, report: Option<&PreflightReport>) -> Self {
        if checking {
            Self::Validating
        } else if report.is_some_and(|r| !r.ok) {
            Self::FixErrors
        } else {
            Self::Ready
        }
    }

    /// The button's text.
    pub fn label(self) -> &'static str {
        match self {
            Self::Validating => "Validating…",
            Self::FixErrors => "Fix errors above",
            Self::Ready => "Create cluster",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preflight::PreflightCheck;
    use rstest::rstest;
    use serde_json::json;

    fn report(quota: CheckStatus, fit: i64) -> PreflightReport {
        PreflightReport::new(
            vec![
                PreflightCheck {
                    name: "vm_size".into(),
                    status: CheckStatus::Ok,
                    message: "ok".into(),
                    details: json!({}),
                },
                PreflightCheck {
                    name: "quota".into(),
                    status: quota,
                    message: "quota".into(),
                    details: json!({ "max_worker_nodes_fit": fit }),
                },
            ],
            "https://aka.ms/quotas/view-quotas".into(),
        )
    }

    #[rstest]
    #[case::seed_case_fits_six(CheckStatus::Fail, 6, 10, Some(6))]
    #[case::one_fits(CheckStatus::Fail, 1, 3, Some(1))]
    #[case::none_fits(CheckStatus::Fail, 0, 3, None)]
    #[case::fewer_workers_would_not_help(CheckStatus::Fail, 5, 3, None)]
    #[case::fit_equals_request(CheckStatus::Fail, 3, 3, None)]
    #[case::quota_passes(CheckStatus::Ok, 6, 3, None)]
    #[case::quota_unknown(CheckStatus::Warn, 6, 10, None)]
    fn apply_offers_the_fit_only_when_fewer_workers_fix_the_row(
        #[case] status: CheckStatus,
        #[case] fit: i64,
        #[case] requested: i64,
        #[case] offered: Option<i64>,
    ) {
        assert_eq!(worker_count_fix(&report(status, fit), requested), offered);
    }

    #[test]
    fn a_quota_row_without_a_fit_offers_nothing() {
        let mut report = report(CheckStatus::Fail, 2);
        report.checks[1].details = json!({ "degraded": true });
        assert_eq!(worker_count_fix(&report, 10), None);
    }

    #[rstest]
    #[case::untouched_first_time(false, false, Some(6))]
    #[case::user_chose_a_count(true, false, None)]
    #[case::applied_once_already(false, true, None)]
    fn the_smart_default_acts_once_and_never_over_the_users_count(
        #[case] chosen: bool,
        #[case] applied: bool,
        #[case] expected: Option<i64>,
    ) {
        let failing = report(CheckStatus::Fail, 6);
        assert_eq!(
            automatic_worker_count(&failing, 10, chosen, applied),
            expected
        );
    }

    #[rstest]
    #[case::checking_wins(true, Some(CheckStatus::Fail), SubmitReadiness::Validating)]
    #[case::failing_row(false, Some(CheckStatus::Fail), SubmitReadiness::FixErrors)]
    #[case::warning_row_does_not_block(false, Some(CheckStatus::Warn), SubmitReadiness::Ready)]
    #[case::all_ok(false, Some(CheckStatus::Ok), SubmitReadiness::Ready)]
    #[case::no_answer_server_decides(false, None, SubmitReadiness::Ready)]
    fn the_submit_button_follows_the_check(
        #[case] checking: bool,
        #[case] quota: Option<CheckStatus>,
        #[case] expected: SubmitReadiness,
    ) {
        let answer = quota.map(|status| report(status, 1));
        assert_eq!(SubmitReadiness::of(checking, answer.as_ref()), expected);
    }

    #[test]
    fn labels_match_the_product_text() {
        assert_eq!(SubmitReadiness::Validating.label(), "Validating…");
        assert_eq!(SubmitReadiness::FixErrors.label(), "Fix errors above");
        assert_eq!(SubmitReadiness::Ready.label(), "Create cluster");
    }
}
