//! ARM's naming rules for the resources the dashboard creates (docs/PRODUCT.md §3, docs/ARM_FACTS.md §1, §4).
//!
//! Checked by hand rather than with a regex: the rules are short, and keeping `regex` out of the
//! WASM bundle saves size.

use thiserror::Error;

/// Why a name is not acceptable to ARM. The message is written for the person typing it.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum NameError {
    /// Nothing typed.
    #[error("{what} is required.")]
    Empty {
        /// What is being named.
        what: &'static str,
    },
    /// Longer than ARM allows.
    #[error("{what} must be at most {max} characters (it has {actual}).")]
    TooLong {
        /// What is being named.
        what: &'static str,
        /// The limit.
        max: usize,
        /// The length typed.
        actual: usize,
    },
    /// A character outside the allowed set, or in a position where it is not allowed.
    #[error("{what} {rule}")]
    BadCharacters {
        /// What is being named.
        what: &'static str,
        /// The rule, as a sentence fragment.
        rule: &'static str,
    },
}

/// Cluster names: 1–63 characters, letters, digits, `-` and `_`, starting and ending with a
/// letter or digit (`^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$`).
pub fn validate_cluster_name(name: &str) -> Result<(), NameError> {
    const WHAT: &str = "Cluster name";
    check_length(WHAT, name, 63)?;
    let inner_ok = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let ends_ok = starts_and_ends_alphanumeric(name);
    if inner_ok && ends_ok {
        Ok(())
    } else {
        Err(NameError::BadCharacters {
            what: WHAT,
            rule: "may contain only letters, digits, '-' and '_', and must start and end with a letter or digit.",
        })
    }
}

/// Resource group names: 1–90 characters of letters, digits, `-_.()`, not ending in `.`.
/// ARM also allows non-ASCII letters and digits (`\w`), so those are accepted too.
pub fn validate_resource_group_name(name: &str) -> Result<(), NameError> {
    const WHAT: &str = "Resource group name";
    check_length(WHAT, name, 90)?;
    let chars_ok = name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '(' | ')'));
    if !chars_ok {
        return Err(NameError::BadCharacters {
            what: WHAT,
            rule: "may contain only letters, digits, '-', '_', '.', '(' and ')'.",
        });
    }
    if name.ends_with('.') {
        return Err(NameError::BadCharacters {
            what: WHAT,
            rule: "must not end with '.'.",
        });
    }
    Ok(())
}

/// Node pool names: `^[a-z][a-z0-9]{0,11}$`.
pub fn validate_pool_name(name: &str) -> Result<(), NameError> {
    const WHAT: &str = "Node pool name";
    check_length(WHAT, name, 12)?;
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if first_ok && rest_ok {
        Ok(())
    } else {
        Err(NameError::BadCharacters {
            what: WHAT,
            rule: "must start with a lower-case letter and contain only lower-case letters and digits.",
        })
    }
}

/// Subscription ids: a GUID (`8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f`).
pub fn validate_subscription_id(id: &str) -> Result<(), NameError> {
    const WHAT: &str = "Subscription id";
    check_length(WHAT, id, 36)?;
    let groups: Vec<&str> = id.split('-').collect();
    let shape_ok = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()));
    if shape_ok {
        Ok(())
    } else {
        Err(NameError::BadCharacters {
            what: WHAT,
            rule: "must be a GUID such as 8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f.",
        })
    }
}

/// Region names as ARM spells them in URLs: lower-case letters and digits (`koreacentral`).
pub fn validate_region_name(name: &str) -> Result<(), NameError> {
    const WHAT: &str = "Region";
    check_length(WHAT, name, 40)?;
    if name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        Ok(())
    } else {
        Err(NameError::BadCharacters {
            what: WHAT,
            rule: "must be a region name such as koreacentral (lower-case letters and digits).",
        })
    }
}

fn check_length(what: &'static str, name: &str, max: usize) -> Result<(), NameError> {
    let actual = name.chars().count();
    if actual == 0 {
        Err(NameError::Empty { what })
    } else if actual > max {
        Err(NameError::TooLong { what, max, actual })
    } else {
        Ok(())
    }
}

fn starts_and_ends_alphanumeric(name: &str) -> bool {
    let first = name.chars().next();
    let last = name.chars().last();
    first.is_some_and(|c| c.is_ascii_alphanumeric())
        && last.is_some_and(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("a", true)]
    #[case("aks-prod_01", true)]
    #[case("A1", true)]
    #[case("", false)]
    #[case("-aks", false)]
    #[case("aks-", false)]
    #[case("aks.prod", false)]
    #[case("aks prod", false)]
    #[case("ä", false)]
    #[case(&"a".repeat(63), true)]
    #[case(&"a".repeat(64), false)]
    fn cluster_names(#[case] name: &str, #[case] valid: bool) {
        assert_eq!(validate_cluster_name(name).is_ok(), valid, "{name:?}");
    }

    #[rstest]
    #[case("rg-platform", true)]
    #[case("My.RG_(1)", true)]
    #[case("rg.", false)]
    #[case("rg/x", false)]
    #[case("", false)]
    #[case(&"r".repeat(90), true)]
    #[case(&"r".repeat(91), false)]
    fn resource_group_names(#[case] name: &str, #[case] valid: bool) {
        assert_eq!(
            validate_resource_group_name(name).is_ok(),
            valid,
            "{name:?}"
        );
    }

    #[rstest]
    #[case("system", true)]
    #[case("workers1", true)]
    #[case("a", true)]
    #[case("1pool", false)]
    #[case("Pool", false)]
    #[case("pool-a", false)]
    #[case("abcdefghijkl", true)]
    #[case("abcdefghijklm", false)]
    fn pool_names(#[case] name: &str, #[case] valid: bool) {
        assert_eq!(validate_pool_name(name).is_ok(), valid, "{name:?}");
    }

    #[rstest]
    #[case("8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f", true)]
    #[case("8C2F9F8E-3B1D-4C6A-9E5F-1A2B3C4D5E6F", true)]
    #[case("8c2f9f8e3b1d4c6a9e5f1a2b3c4d5e6f", false)]
    #[case("8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6g", false)]
    #[case("../../providers", false)]
    #[case("", false)]
    fn subscription_ids(#[case] id: &str, #[case] valid: bool) {
        assert_eq!(validate_subscription_id(id).is_ok(), valid, "{id:?}");
    }

    #[rstest]
    #[case("koreacentral", true)]
    #[case("eastus2", true)]
    #[case("East US", false)]
    #[case("eastus/../x", false)]
    #[case("", false)]
    fn region_names(#[case] name: &str, #[case] valid: bool) {
        assert_eq!(validate_region_name(name).is_ok(), valid, "{name:?}");
    }

    #[test]
    fn messages_name_the_field_and_the_numbers() {
        let error = validate_cluster_name(&"a".repeat(70)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "Cluster name must be at most 63 characters (it has 70)."
        );
        assert_eq!(
            validate_resource_group_name("").unwrap_err().to_string(),
            "Resource group name is required."
        );
    }
}
