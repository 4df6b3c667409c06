//! Turns whatever a client printed into one line of plain text the rules can read.
//!
//! Real error texts arrive with JSON escaped one to three times (`\"`, `\\\"`, literal `\n`),
//! terminal hard-wraps that split words and numbers (`C\nurrent in use`), Terraform's `│` gutter
//! and PowerShell's indented continuations (`arm-errors-NOTES.md`, patterns 2, 6 and 12). Every
//! step here is a single left-to-right pass, so normalising is linear in the input length.

/// Longest line (in chars) that may still be a terminal hard-wrap candidate's predecessor.
/// Shorter lines end where the author ended them, so they are never joined to the next one.
const MIN_WRAP_WIDTH: usize = 60;

/// The normalised text: escapes resolved, hard-wraps joined, whitespace collapsed to single
/// spaces. Character for character, `lower` is its ASCII-lowercased twin, so a byte offset
/// found in `lower` slices `text` at the same place.
#[derive(Debug, Clone)]
pub(crate) struct Normalized {
    /// Readable text (original case).
    pub text: String,
    /// The same text, ASCII-lowercased, for case-insensitive matching.
    pub lower: String,
}

impl Normalized {
    /// Normalises `raw`.
    pub fn new(raw: &str) -> Self {
        let unescaped = unescape(raw);
        let joined = join_hard_wraps(&unescaped);
        let text = collapse_whitespace(&joined);
        let lower = text.to_ascii_lowercase();
        Self { text, lower }
    }

    /// The same text with every URL replaced by a space: quota-request links carry
    /// percent-encoded JSON with `"limit":N` (the *new* limit), which must never be read as the
    /// user's figures.
    pub fn without_urls(&self) -> Self {
        let mut text = String::with_capacity(self.text.len());
        let mut from = 0;
        let mut links = UrlFinder::new(&self.lower);
        while let Some(start) = links.next_from(from) {
            text.push_str(self.text.get(from..start).unwrap_or_default());
            text.push(' ');
            let tail = self.text.get(start..).unwrap_or_default();
            let end = tail
                .char_indices()
                .find(|&(_, c)| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>'))
                .map_or(tail.len(), |(i, _)| i);
            from = start + end.max(1);
        }
        text.push_str(self.text.get(from..).unwrap_or_default());
        let lower = text.to_ascii_lowercase();
        Self { text, lower }
    }
}

/// Finds link starts (`https://`, `http://`, bare `aka.ms/`) left to right. Each marker's next
/// position is remembered and searched again only once passed, so the whole walk is linear.
struct UrlFinder<'a> {
    lower: &'a str,
    next: [Option<usize>; 3],
}

impl<'a> UrlFinder<'a> {
    const MARKERS: [&'static str; 3] = ["https://", "http://", "aka.ms/"];

    fn new(lower: &'a str) -> Self {
        let next = Self::MARKERS.map(|marker| lower.find(marker));
        Self { lower, next }
    }

    /// The first link start at or after `from`.
    fn next_from(&mut self, from: usize) -> Option<usize> {
        for (slot, marker) in self.next.iter_mut().zip(Self::MARKERS) {
            if slot.is_some_and(|at| at < from) {
                *slot = self
                    .lower
                    .get(from..)
                    .and_then(|rest| rest.find(marker))
                    .map(|at| from + at);
            }
        }
        self.next.iter().flatten().min().copied()
    }
}

/// Resolves JSON/string escapes at any nesting depth in one pass: a run of backslashes before a
/// quote, `n`, `r`, `t`, `/` or `uXXXX` stands for that one character (doubling only records how
/// many times the text was escaped, which does not matter for reading it). Newline escapes become
/// real newlines so [`join_hard_wraps`] and [`collapse_whitespace`] treat them like any other.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(if c == '│' { ' ' } else { c });
            continue;
        }
        while chars.peek() == Some(&'\\') {
            chars.next();
        }
        match chars.peek().copied() {
            Some(q @ ('"' | '\'' | '/')) => {
                chars.next();
                out.push(q);
            }
            // Escaped line breaks come from JSON, not from a terminal: mark them with a space
            // first so they are never mistaken for a hard-wrap.
            Some('n' | 'r') => {
                chars.next();
                out.push_str(" \n");
            }
            Some('t') => {
                chars.next();
                out.push(' ');
            }
            Some('u') => {
                chars.next();
                let hex: String = chars.clone().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(decoded)
                        if hex.len() == 4 && hex.chars().all(|h| h.is_ascii_hexdigit()) =>
                    {
                        for _ in 0..4 {
                            chars.next();
                        }
                        out.push(decoded);
                    }
                    _ => out.push_str("\\u"),
                }
            }
            _ => out.push('\\'),
        }
    }
    out
}

/// Joins lines that a terminal broke mid-word. A break is taken for a hard-wrap only when the
/// line before it is as long as the longest line of the text (terminals wrap at one width),
/// reasonably long, and the break falls between two letters or digits. Other breaks become spaces.
fn join_hard_wraps(text: &str) -> String {
    let width = text
        .split('\n')
        .map(|line| line.trim_end_matches('\r').chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::with_capacity(text.len());
    let mut previous: Option<&str> = None;
    for line in text.split('\n') {
        let line = line.trim_end_matches('\r');
        if let Some(prev) = previous {
            let wrapped = width >= MIN_WRAP_WIDTH
                && prev.chars().count() == width
                && prev.chars().last().is_some_and(char::is_alphanumeric)
                && line.chars().next().is_some_and(char::is_alphanumeric);
            if !wrapped {
                out.push(' ');
            }
        }
        out.push_str(line);
        previous = Some(line);
    }
    out
}

/// Collapses every run of whitespace to one space, drops the `-----` rules clients draw between
/// sections, and trims the ends.
fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if word.len() >= 5 && word.bytes().all(|b| b == b'-') {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(r#"Code=\"X\""#, r#"Code="X""#)]
    #[case(r#"Code=\\\"X\\\""#, r#"Code="X""#)]
    #[case(r#"a\\nb\r\nc"#, "a b c")]
    #[case(r#"it\u0027s"#, "it's")]
    #[case(r#"bad \u00zz escape"#, r#"bad \u00zz escape"#)]
    #[case("│ Error: x\n│   y", "Error: x y")]
    #[case("C:\\Temp\\x", "C:\\Temp\\x")]
    #[case("trailing \\", "trailing \\")]
    fn unescapes_and_collapses(#[case] raw: &str, #[case] expected: &str) {
        assert_eq!(Normalized::new(raw).text, expected);
    }

    #[test]
    fn joins_terminal_wraps_only_at_the_wrap_width() {
        let line1 = format!("{} Maximum allowed: 20, C", "x".repeat(60));
        let raw = format!("{line1}\nurrent in use: 20.\nshort\nline");
        let normalized = Normalized::new(&raw);
        assert!(
            normalized.text.contains("Current in use: 20"),
            "{}",
            normalized.text
        );
        assert!(normalized.text.contains("short line"));
    }

    #[test]
    fn urls_are_removed_for_fact_reading() {
        let n = Normalized::new(
            "Current Limit: 4. See https://aka.ms/x/%7B%22limit%22:99%7D and aka.ms/cpu-quota now",
        );
        let stripped = n.without_urls();
        assert!(!stripped.text.contains("99"));
        assert!(!stripped.lower.contains("cpu-quota"));
        assert!(stripped.text.ends_with("now"));
    }
}
