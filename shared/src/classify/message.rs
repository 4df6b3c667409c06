//! The innermost human message of an error, without the wrappers around it.
//!
//! Clients print Azure's message after `Message="`, `"message": "`, `Message: `, `Error Message: `
//! and nest one message inside another (`… failed. Message: Operation could not be completed …`).
//! The last such marker is the innermost message; it ends at its closing quote or where the
//! client's next field (`Code:`, `Target:`, `Inner Errors:`) starts.

use super::rules::floor_boundary;

/// Longest message kept, in chars; longer ones are cut with an ellipsis.
pub(crate) const MAX_MESSAGE_CHARS: usize = 400;

/// Markers after which a message starts, with the quote that ends it (if any).
const MARKERS: &[(&str, Option<char>)] = &[
    ("\"message\": \"", Some('"')),
    ("\"message\":\"", Some('"')),
    ("'message': '", Some('\'')),
    ("message=\"", Some('"')),
    ("message: ", None),
    ("message - ", None),
    ("message : ", None),
    // go-azure-sdk (Terraform azurerm ≥ 3): `unexpected status 400 (400 Bad Request) with error:
    // Code: message`.
    ("with error: ", None),
];

/// Fields that follow a message in client printouts and so end an unquoted one.
const FIELD_STARTS: &[&str] = &[
    " code: ",
    " code=",
    " target: ",
    " target=",
    " inner errors:",
    " additional information:",
    " exception details:",
    " status: ",
    " errorcode: ",
    " details=[",
    "\",",
    "\"}",
];

/// Prefixes clients put in front of the whole text.
const PREFIXES: &[&str] = &[
    "error: ",
    "cli.azure.cli.core.azclierror: ",
    "azure.core.exceptions.httpresponseerror: ",
    "operation failed with status: 'bad request'. details: ",
    "azure.requestfailedexception: ",
];

/// The innermost message of the normalised `text` (`lower` is its lowercase twin), cleaned.
pub(crate) fn innermost(text: &str, lower: &str) -> String {
    // The last message marker, skipping the messages of wrappers (a JSON serialiser may print
    // a wrapper's `message` after its `details`).
    let mut markers: Vec<(usize, Option<char>)> = MARKERS
        .iter()
        .flat_map(|&(marker, quote)| last_starts(lower, marker).map(move |at| (at, quote)))
        .collect();
    markers.sort_unstable_by_key(|&(start, _)| std::cmp::Reverse(start));
    let chosen = markers
        .iter()
        .take(MAX_CANDIDATES)
        .map(|&(start, quote)| cut_message(text, lower, start, quote))
        .find(|message| !is_wrapper_message(message));
    let candidate = match chosen {
        Some(message) => message,
        None if !markers.is_empty() => markers
            .first()
            .map(|&(start, quote)| cut_message(text, lower, start, quote))
            .unwrap_or_default(),
        None => match after_error_code(lower).or_else(|| after_label(lower, "details: ")) {
            Some(start) => cut_message(text, lower, start, None),
            None => String::new(),
        },
    };
    let chosen = if candidate.chars().filter(|c| c.is_alphanumeric()).count() >= 3 {
        candidate
    } else {
        let start = prefixes_end(lower);
        cut_message(text, lower, start, None)
    };
    let cleaned = strip_code_prefix(&chosen);
    let cleaned = cleaned.trim_start_matches(['#', '>', ' ', '"', '\'']);
    truncate(cleaned.trim_end_matches(['"', '\'']), MAX_MESSAGE_CHARS)
}

/// Most message markers looked at, latest first, when skipping wrapper messages.
const MAX_CANDIDATES: usize = 8;

/// Messages that only say "something inside failed" (their details hold the cause).
const WRAPPER_MESSAGES: &[&str] = &[
    "terminal provisioning state",
    "long running operation failed with status",
    "at least one resource deployment operation failed",
    "see inner errors for details",
    "please see details for more information",
    "please list deployment operations for details",
];

fn is_wrapper_message(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    WRAPPER_MESSAGES.iter().any(|w| lower.contains(w))
}

/// Ends of the last few occurrences of `marker` (each search starts after the previous find,
/// so the walk is linear).
fn last_starts<'a>(lower: &'a str, marker: &'a str) -> impl Iterator<Item = usize> + 'a {
    let mut found = std::collections::VecDeque::with_capacity(MAX_CANDIDATES);
    let mut from = 0;
    while let Some(at) = lower.get(from..).and_then(|rest| rest.find(marker)) {
        let end = from + at + marker.len();
        if found.len() == MAX_CANDIDATES {
            found.pop_front();
        }
        found.push_back(end);
        from = end;
    }
    found.into_iter()
}

/// Where the message starts in go-azure-sdk's `ERROR CODE: X ---- … X: message` printout.
fn after_error_code(lower: &str) -> Option<usize> {
    let code_start = after_label(lower, "error code: ")?;
    let rest = lower.get(code_start..)?;
    let code_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let code = rest.get(..code_len).filter(|c| !c.is_empty())?;
    let needle = format!("{code}: ");
    let found = rest.get(code_len..)?.find(&needle)?;
    Some(code_start + code_len + found + needle.len())
}

/// Offset just after the last occurrence of `label`.
fn after_label(lower: &str, label: &str) -> Option<usize> {
    lower.rfind(label).map(|at| at + label.len())
}

/// The message starting at `start`: up to its closing quote, or the next client field.
fn cut_message(text: &str, lower: &str, start: usize, quote: Option<char>) -> String {
    let Some(rest_lower) = lower.get(start..) else {
        return String::new();
    };
    let mut end = rest_lower.len();
    if let Some(q) = quote
        && let Some(close) = rest_lower.find(q)
    {
        end = close;
    }
    for field in FIELD_STARTS {
        if let Some(at) = rest_lower.get(..end).and_then(|r| r.find(field)) {
            end = end.min(at);
        }
    }
    let end = floor_boundary(rest_lower, end);
    text.get(start..start + end)
        .unwrap_or_default()
        .trim()
        .trim_end_matches(['"', '\'', ',', '}', ']'])
        .trim()
        .to_owned()
}

/// Offset where the text starts once the client prefixes at its start are skipped.
fn prefixes_end(lower: &str) -> usize {
    let mut start = 0;
    loop {
        let rest = lower.get(start..).unwrap_or_default();
        let skipped = rest.len() - rest.trim_start().len();
        match PREFIXES.iter().find(|p| rest.trim_start().starts_with(*p)) {
            Some(prefix) => start += skipped + prefix.len(),
            None => return start + skipped,
        }
    }
}

/// Drops a leading `(Code) ` that azure-core puts before the message, or the `Code: ` that
/// go-azure-sdk does.
fn strip_code_prefix(message: &str) -> String {
    let trimmed = message.trim();
    if let Some((code, rest)) = trimmed.split_once(": ")
        && code.len() >= 6
        && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && code.starts_with(|c: char| c.is_ascii_uppercase())
        && code.chars().skip(1).any(|c| c.is_ascii_uppercase())
        && !rest.trim().is_empty()
    {
        return rest.trim().to_owned();
    }
    if let Some(rest) = trimmed.strip_prefix('(')
        && let Some(close) = rest.find(") ")
        && rest.get(..close).is_some_and(|code| {
            !code.is_empty() && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
    {
        return rest.get(close + 2..).unwrap_or_default().trim().to_owned();
    }
    trimmed.to_owned()
}

/// `s` cut to at most `max` chars, with an ellipsis when cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", s[..at].trim_end()),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn run(text: &str) -> String {
        innermost(text, &text.to_ascii_lowercase())
    }

    #[rstest]
    #[case(
        "(ResourceGroupNotFound) Resource group 'test1' could not be found. Code: ResourceGroupNotFound Message: Resource group 'test1' could not be found.",
        "Resource group 'test1' could not be found."
    )]
    #[case(
        "Status=404 Code=\"DeploymentNotFound\" Message=\"Deployment 'x' could not be found.\"",
        "Deployment 'x' could not be found."
    )]
    #[case(
        "Operation failed with status: 'Bad Request'. Details: Internal server error",
        "Internal server error"
    )]
    #[case("ERROR: (Foo) Something broke", "Something broke")]
    #[case(
        "{\"error\":{\"code\":\"X\",\"message\":\"outer. Message: inner text\"}}",
        "inner text"
    )]
    #[case("Message: ", "Message:")]
    #[case(
        "RESPONSE 400: 400 Bad Request ERROR CODE: SubnetIsFull SubnetIsFull: Subnet one is full",
        "Subnet one is full"
    )]
    #[case(
        "Azure.RequestFailedException: 'The subscription is not registered.' Status: 409 (Conflict) ErrorCode: X",
        "The subscription is not registered."
    )]
    #[case(
        "Failed to complete operation. Message: # Internal server error.",
        "Internal server error."
    )]
    #[case(
        "│ Error: creating Bastion Host (Subscription: \"e4\"): performing CreateOrUpdate: unexpected status 400 (400 Bad Request) with error: BastionHostVirtualNetworkNotFound: The virtual network x was not found",
        "The virtual network x was not found"
    )]
    #[case("ERROR: SubnetIsFull: Subnet one is full", "Subnet one is full")]
    fn messages(#[case] text: &str, #[case] expected: &str) {
        assert_eq!(run(text), expected);
    }

    #[test]
    fn long_messages_are_cut_on_a_char_boundary() {
        let long = "é".repeat(MAX_MESSAGE_CHARS + 10);
        let out = truncate(&long, MAX_MESSAGE_CHARS);
        assert_eq!(out.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(out.ends_with('…'));
    }
}
