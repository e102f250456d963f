//! What every string of a data file may hold, whatever its key: no control characters (they
//! reach terminals and Discord raw), no direction overrides (they reorder what readers see),
//! and newlines only in prose. Also the key under which ids and names are compared, so that
//! two that read alike are caught.

use toml::Spanned;
use toml::de::{DeTable, DeValue};
use unicode_security::confusable_detection::skeleton;

use crate::error::{Locator, Problem};

/// The keys whose strings are prose, where a line break is part of the text.
const MULTI_LINE_KEYS: [&str; 4] = ["description", "summary", "notes", "quote"];

/// Every string value in the parsed document that holds a character it may not.
pub(super) fn check_strings(locator: &Locator, root: &Spanned<DeTable>) -> Vec<Problem> {
    let mut problems = Vec::new();
    walk_table(locator, root.get_ref(), &mut problems);
    problems
}

fn walk_table(locator: &Locator, table: &DeTable, problems: &mut Vec<Problem>) {
    for (key, value) in table {
        walk_value(locator, key.get_ref(), value, problems);
    }
}

fn walk_value(locator: &Locator, key: &str, value: &Spanned<DeValue>, problems: &mut Vec<Problem>) {
    match value.get_ref() {
        DeValue::String(text) => {
            if let Some(message) = string_problem(key, text) {
                problems.push(locator.problem(value.span(), message));
            }
        }
        DeValue::Array(items) => {
            for item in items {
                walk_value(locator, key, item, problems);
            }
        }
        DeValue::Table(table) => walk_table(locator, table, problems),
        _ => {}
    }
}

/// What is wrong with the string under `key`, if anything.
fn string_problem(key: &str, text: &str) -> Option<String> {
    let multi_line = MULTI_LINE_KEYS.contains(&key);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let line_break = c == '\n' || (c == '\r' && chars.peek() == Some(&'\n'));
        if line_break {
            if multi_line {
                continue;
            }
            return Some(format!(
                "`{key}` holds a line break; write it on one line (line breaks are allowed only in {})",
                MULTI_LINE_KEYS.map(|k| format!("`{k}`")).join(", ")
            ));
        }
        if c.is_control() {
            return Some(format!(
                "`{key}` holds the control character {}; remove it",
                code_point(c)
            ));
        }
        if is_direction_override(c) {
            return Some(format!(
                "`{key}` holds the direction control {}, which reorders the text readers see; remove it",
                code_point(c)
            ));
        }
    }
    None
}

/// "U+200B", how editors' tools name a character they cannot see.
pub(crate) fn code_point(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the Arabic letter mark.
fn is_direction_override(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
}

/// Unicode's Default_Ignorable_Code_Point: characters that show nothing (zero-width spaces and
/// joiners, soft hyphens, variation selectors, …).
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// The text without the characters that show nothing.
pub(crate) fn visible(text: &str) -> String {
    text.chars().filter(|&c| !is_invisible(c)).collect()
}

/// Two ids or names with the same key read alike: case, spacing, `-`/`_`, invisible characters
/// and look-alike letters (UTS #39 confusable skeletons: Cyrillic `а` and Latin `a`) aside.
pub(crate) fn lookalike_key(text: &str) -> String {
    let plain = crate::suggest::normalise(&visible(text));
    skeleton(&plain).collect()
}

/// The skeleton with case kept: `I` reads like `l`, which lowercasing first would hide.
pub(crate) fn cased_lookalike_key(text: &str) -> String {
    skeleton(&visible(text)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookalikes_share_a_key() {
        assert_eq!(lookalike_key("ua-chq"), lookalike_key("u\u{0430}-chq"));
        assert_eq!(lookalike_key("ua-chq"), lookalike_key("ua\u{200B}-chq"));
        assert_ne!(lookalike_key("ua-chq"), lookalike_key("ru-chq"));
    }

    #[test]
    fn line_breaks_only_in_prose() {
        assert_eq!(string_problem("notes", "a\nb"), None);
        assert_eq!(string_problem("quote", "a\r\nb"), None);
        assert_eq!(
            string_problem("name", "a\u{1b}[31m"),
            Some("`name` holds the control character U+001B; remove it".into())
        );
        assert!(string_problem("name", "a\nb").is_some_and(|m| m.starts_with("`name` holds a line break")));
        assert!(string_problem("notes", "a\u{202E}b").is_some());
    }
}
