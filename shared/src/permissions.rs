//! Whether Azure RBAC permissions grant an action, as ARM's "Permissions - List For Resource
//! Group" answers them (`GET …/resourcegroups/{rg}/providers/Microsoft.Authorization/permissions`,
//! <https://learn.microsoft.com/rest/api/authorization/permissions/list-for-resource-group>).
//!
//! The answer holds one entry per role that applies at the scope. Roles add up: an action is
//! granted when some entry grants it, and an entry grants it when one of its `actions` patterns
//! matches and none of its `notActions` patterns does. A `notActions` pattern only narrows its own
//! entry, so it never takes away what another role grants. Patterns are case-insensitive and `*`
//! matches any run of characters, `/` included (`*/read`, `Microsoft.Authorization/*/Write`).
//!
//! Deny assignments are not part of this answer, so a granted action can still be refused at
//! create; the pre-flight only catches the common case of a role that lacks the action.

use serde::{Deserialize, Serialize};

/// The control-plane part of one role's permissions. `dataActions`/`notDataActions` are data-plane
/// rights and play no part in creating a cluster, so they are not read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RolePermission {
    /// Patterns of the actions the role grants.
    pub actions: Vec<String>,
    /// Patterns taken out of this role's `actions`.
    pub not_actions: Vec<String>,
}

impl RolePermission {
    /// True when this role alone grants `action`.
    pub fn grants(&self, action: &str) -> bool {
        self.actions.iter().any(|p| pattern_matches(p, action))
            && !self.not_actions.iter().any(|p| pattern_matches(p, action))
    }
}

/// True when any of `permissions` grants `action` (an empty list grants nothing).
pub fn permits(permissions: &[RolePermission], action: &str) -> bool {
    permissions.iter().any(|role| role.grants(action))
}

/// Case-insensitive match of `action` against `pattern`, where `*` matches any run of
/// characters (possibly empty). Greedy with one backtrack point, so linear in practice.
fn pattern_matches(pattern: &str, action: &str) -> bool {
    let pattern = pattern.as_bytes();
    let action = action.as_bytes();
    let (mut p, mut a) = (0, 0);
    // The last `*` seen and the action position it was tried against.
    let mut star: Option<(usize, usize)> = None;
    while a < action.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, a));
            p += 1;
        } else if p < pattern.len() && pattern[p].eq_ignore_ascii_case(&action[a]) {
            p += 1;
            a += 1;
        } else if let Some((star_p, star_a)) = star {
            // Let the last `*` swallow one more character and retry from there.
            p = star_p + 1;
            a = star_a + 1;
            star = Some((star_p, star_a + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&b| b == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const WRITE: &str = "Microsoft.ContainerService/managedClusters/write";

    fn role(actions: &[&str], not_actions: &[&str]) -> RolePermission {
        RolePermission {
            actions: actions.iter().map(|s| (*s).to_owned()).collect(),
            not_actions: not_actions.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// The built-in Contributor role's shape (learn.microsoft.com, built-in roles, Privileged).
    fn contributor() -> RolePermission {
        role(
            &["*"],
            &[
                "Microsoft.Authorization/*/Delete",
                "Microsoft.Authorization/*/Write",
                "Microsoft.Authorization/elevateAccess/Action",
            ],
        )
    }

    fn reader() -> RolePermission {
        role(&["*/read"], &[])
    }

    #[rstest]
    #[case::contributor_writes_clusters(vec![contributor()], WRITE, true)]
    #[case::contributor_cannot_assign_roles(
        vec![contributor()],
        "Microsoft.Authorization/roleAssignments/write",
        false
    )]
    #[case::contributor_reads(vec![contributor()], "Microsoft.Resources/subscriptions/resourceGroups/read", true)]
    #[case::reader_reads(vec![reader()], "Microsoft.ContainerService/managedClusters/read", true)]
    #[case::reader_cannot_write(vec![reader()], WRITE, false)]
    #[case::provider_wildcard(vec![role(&["Microsoft.ContainerService/*"], &[])], WRITE, true)]
    #[case::provider_wildcard_is_not_another_provider(
        vec![role(&["Microsoft.ContainerService/*"], &[])],
        "Microsoft.Compute/virtualMachines/write",
        false
    )]
    #[case::wildcard_in_the_middle(vec![role(&["Microsoft.ContainerService/*/write"], &[])], WRITE, true)]
    #[case::wildcard_in_the_middle_needs_the_suffix(
        vec![role(&["Microsoft.ContainerService/*/write"], &[])],
        "Microsoft.ContainerService/managedClusters/delete",
        false
    )]
    #[case::case_insensitive(vec![role(&["microsoft.containerservice/MANAGEDCLUSTERS/Write"], &[])], WRITE, true)]
    #[case::case_insensitive_not_actions(vec![role(&["*"], &["MICROSOFT.CONTAINERSERVICE/*"])], WRITE, false)]
    #[case::exact_action_only(vec![role(&[WRITE], &[])], "Microsoft.ContainerService/managedClusters/writeX", false)]
    #[case::no_roles(vec![], WRITE, false)]
    #[case::empty_role(vec![role(&[], &[])], WRITE, false)]
    #[case::not_actions_do_not_cancel_another_role(
        vec![role(&["*"], &["Microsoft.ContainerService/*"]), role(&["Microsoft.ContainerService/managedClusters/*"], &[])],
        WRITE,
        true
    )]
    #[case::reader_plus_contributor(vec![reader(), contributor()], WRITE, true)]
    fn permissions_grant_actions(
        #[case] permissions: Vec<RolePermission>,
        #[case] action: &str,
        #[case] granted: bool,
    ) {
        assert_eq!(permits(&permissions, action), granted);
    }

    #[rstest]
    #[case("*", "", true)]
    #[case("", "", true)]
    #[case("", "a", false)]
    #[case("a*", "a", true)]
    #[case("*a*b*", "xxaYYbzz", true)]
    #[case("*a*b", "xxaYYbzz", false)]
    #[case("a**b", "a/b/c/b", true)]
    #[case("*/read", "read", false)]
    fn wildcards_match_any_run_of_characters(
        #[case] pattern: &str,
        #[case] action: &str,
        #[case] matches: bool,
    ) {
        assert_eq!(pattern_matches(pattern, action), matches);
    }

    #[test]
    fn arm_answers_deserialise_without_data_actions() {
        let answer: Vec<RolePermission> = serde_json::from_value(serde_json::json!([
            { "actions": ["*/read"], "notActions": [], "dataActions": [], "notDataActions": [] },
            { "actions": ["*"] },
        ]))
        .expect("permissions");
        assert_eq!(answer, vec![reader(), role(&["*"], &[])]);
    }
}
