//! Errors the core reports. Each one a user can cause says what is wrong and where.

use std::cell::OnceCell;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::suggest::closest;

/// One problem in a data file, at a position editors can jump to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    pub message: String,
}

/// `PATH:LINE:COL: message`, the form editors and their tools understand. Control characters
/// quoted from the file are shown escaped, never sent to a terminal or Discord raw.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.path.display(), self.line, self.col)?;
        write_escaped(f, &self.message)
    }
}

impl Problem {
    /// The problem, then the line it is on with a caret under the column, as rustc shows it:
    ///
    /// ```text
    /// data/story.toml:12:9: numbers take no quotes: write 1246
    ///    |
    /// 12 | value = "1,246"
    ///    |         ^
    /// ```
    pub fn with_excerpt(&self, text: &str) -> String {
        let Some(line) = text.lines().nth(self.line.saturating_sub(1)) else {
            return self.to_string();
        };
        // Tabs become one space and control characters a visible mark, so the caret lines up.
        let shown: String = line
            .chars()
            .map(|c| match c {
                '\t' => ' ',
                c if c.is_control() => '\u{FFFD}',
                c => c,
            })
            .collect();
        let number = self.line.to_string();
        let gutter = " ".repeat(number.len());
        let pad = " ".repeat(self.col.saturating_sub(1));
        format!("{self}\n{gutter} |\n{number} | {shown}\n{gutter} | {pad}^")
    }
}

fn write_escaped(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    for c in text.chars() {
        if c.is_control() {
            write!(f, "{}", c.escape_default())?;
        } else {
            fmt::Write::write_char(f, c)?;
        }
    }
    Ok(())
}

/// Why a data file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: is {kind}, not a data file; only regular files are read", path.display())]
    NotAFile { path: PathBuf, kind: &'static str },
    #[error("{}: no .toml data files in this folder", path.display())]
    EmptyFolder { path: PathBuf },
    #[error("{}", problems_text(.0))]
    Invalid(Vec<Problem>),
    #[error(
        "story `{id}` is loaded twice: {}:{}:{} and {}:{}:{}",
        first.display(), first_at.0, first_at.1, second.display(), second_at.0, second_at.1
    )]
    DuplicateStory {
        id: String,
        first: PathBuf,
        /// Line and column of the story's id in each file.
        first_at: (usize, usize),
        second: PathBuf,
        second_at: (usize, usize),
    },
}

impl LoadError {
    /// The individual problems, one per line of output (a read error is one problem at 1:1).
    pub fn problems(&self) -> Vec<String> {
        match self {
            LoadError::Invalid(problems) => problems.iter().map(ToString::to_string).collect(),
            other => vec![other.to_string()],
        }
    }
}

fn problems_text(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    lines.join("\n")
}

/// A name typed by a user that matches nothing, or more than one thing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    #[error("no {kind} matches `{query}`{}", suggestion_text(.suggestions))]
    Unknown {
        kind: &'static str,
        query: String,
        suggestions: Vec<String>,
    },
    #[error("`{query}` could be more than one {kind}: {}; type more of it", .candidates.join(", "))]
    Ambiguous {
        kind: &'static str,
        query: String,
        candidates: Vec<String>,
    },
    #[error("{count} stories are loaded ({}); name one with `story`", .ids.join(", "))]
    StoryNeeded { count: usize, ids: Vec<String> },
}

impl LookupError {
    /// The closest valid names, for a "did you mean" reply.
    pub fn suggestions(&self) -> &[String] {
        match self {
            LookupError::Unknown { suggestions, .. } => suggestions,
            LookupError::Ambiguous { candidates, .. } => candidates,
            LookupError::StoryNeeded { ids, .. } => ids,
        }
    }
}

fn suggestion_text(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", suggestions.join(", "))
    }
}

// --- Positions in a TOML text (data files and the config file) ------------------------------

/// A problem at a byte span of a TOML text (used for config files too).
pub(crate) fn problem_at(path: &Path, text: &str, span: Range<usize>, message: String) -> Problem {
    Locator::new(path, text).problem(span, message)
}

/// A TOML deserialization error as a positioned problem, in the editor's words.
pub(crate) fn toml_problem(path: &Path, text: &str, error: &toml::de::Error) -> Problem {
    let span = error.span().unwrap_or(0..0);
    let message = explain_toml_error(error.message(), text, span.clone());
    problem_at(path, text, span, message)
}

/// Turns byte offsets into `line:col`.
pub(crate) struct Locator<'a> {
    path: PathBuf,
    text: &'a str,
    /// Worked out on the first problem: valid files never need it.
    line_starts: OnceCell<Vec<usize>>,
}

impl<'a> Locator<'a> {
    pub(crate) fn new(path: &Path, text: &'a str) -> Locator<'a> {
        Locator {
            path: path.to_path_buf(),
            text,
            line_starts: OnceCell::new(),
        }
    }

    /// The file's text.
    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    pub(crate) fn problem(&self, span: Range<usize>, message: String) -> Problem {
        let line_starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let offset = span.start.min(self.text.len());
        let line = line_starts.partition_point(|&s| s <= offset) - 1;
        let start = line_starts[line];
        let col = self.text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        Problem {
            path: self.path.clone(),
            line: line + 1,
            col,
            message,
        }
    }
}

/// The parser's and serde's messages in an editor's words: what to write instead, with "did
/// you mean" for unknown keys; no "i64", "literal string" or "recursion".
fn explain_toml_error(message: &str, text: &str, span: Range<usize>) -> String {
    let message = message.trim_end();
    let ticked: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    if let Some((found, expected)) = ticked.split_first()
        && message.starts_with("unknown field")
        && let Some(best) = closest(found, expected.iter().copied()).first()
    {
        return format!("{message}; did you mean `{best}`?");
    }
    // What is written where the error points, up to a comment or the end of the line.
    let written = text.get(span.start..).unwrap_or("").lines().next().unwrap_or("");
    let written = written.split('#').next().unwrap_or("").trim();
    if let Some(key) = message
        .strip_prefix("missing field `")
        .and_then(|k| k.strip_suffix('`'))
    {
        return if key == "story" {
            "the file has no [story] table; every data file starts with one".to_string()
        } else {
            format!("this table needs `{key}`; add a line `{key} = …`")
        };
    }
    if message.starts_with("duplicate key") {
        return duplicate_key(text, span.start);
    }
    if message.contains("recursion") || message.contains("recurse") {
        return "lists or tables are nested too deeply here; a data file never nests more than a few levels"
            .to_string();
    }
    if message.contains("must be quoted") || message.contains("literal string") {
        return match as_number(written) {
            Some(digits) => format!("numbers take no spaces: write {digits}"),
            None => format!("text goes in double quotes: write \"{written}\""),
        };
    }
    if let Some((found, expected)) = invalid_type(message) {
        let quoted = found.strip_prefix("string \"").and_then(|f| f.strip_suffix('"'));
        if expected.contains("datetime") {
            return match quoted.and_then(as_date) {
                Some(date) => format!("dates are written {date}, without quotes"),
                None => "dates are written like 2025-06-16, without quotes".to_string(),
            };
        }
        if is_number_type(expected) {
            return match quoted.and_then(as_number) {
                Some(digits) => format!("numbers take no quotes: write {digits}"),
                None if found.starts_with("integer") => {
                    format!(
                        "{} is too large for a figure",
                        found_words(found).trim_start_matches("the number ")
                    )
                }
                None => format!("expected a whole number like 1245, found {}", found_words(found)),
            };
        }
        return format!("expected {}, found {}", expected_words(expected), found_words(found));
    }
    message.to_string()
}

/// `invalid type: string "1,246", expected i64` → (`string "1,246"`, `i64`).
fn invalid_type(message: &str) -> Option<(&str, &str)> {
    let rest = message.strip_prefix("invalid type: ")?;
    rest.rsplit_once(", expected ")
}

fn is_number_type(expected: &str) -> bool {
    [
        "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64", "integer", "number",
    ]
    .iter()
    .any(|t| expected == *t || expected.ends_with(&format!(" {t}")))
        // The figures' own deserializer: "a number, like 1245 or 7.8".
        || expected.starts_with("a number")
}

fn expected_words(expected: &str) -> String {
    match expected {
        e if is_number_type(e) => "a whole number like 1245".to_string(),
        "a string" | "a borrowed string" | "string" => "text in double quotes".to_string(),
        "a boolean" => "true or false".to_string(),
        "a sequence" => "a list in brackets, like [\"a\", \"b\"]".to_string(),
        e if e.starts_with("struct ") || e == "a map" => "a table".to_string(),
        e if e.contains("datetime") => "a date like 2025-06-16".to_string(),
        other => other.to_string(),
    }
}

fn found_words(found: &str) -> String {
    let (kind, value) = found.split_once(' ').unwrap_or((found, ""));
    // "`99999999999999999999` as i128": the value is between the backticks.
    let value = value.split('`').nth(1).unwrap_or(value);
    match kind {
        "string" => format!("the text {value}"),
        "integer" | "float" => format!("the number {value}"),
        "boolean" => value.to_string(),
        "sequence" => "a list".to_string(),
        "map" => "a table".to_string(),
        _ => found.to_string(),
    }
}

/// "1,246", "12 45", "1_246" → "1246": a number written with separators or spaces.
fn as_number(written: &str) -> Option<String> {
    let digits: String = written
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '_' | '\u{00A0}' | '\u{202F}' | '\u{2009}'))
        .collect();
    let digits = digits.strip_prefix('-').map_or(digits.as_str(), |d| d);
    (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())).then(|| {
        let sign = if written.trim_start().starts_with('-') { "-" } else { "" };
        format!("{sign}{}", digits.trim_start_matches('0').max("0"))
    })
}

/// "16 June 2025", "June 16, 2025", "2025-06-16" → "2025-06-16".
fn as_date(written: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let words: Vec<String> = written
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if let [one] = &words[..] {
        let parts: Vec<u32> = one.split('-').filter_map(|p| p.parse().ok()).collect();
        if let [y, m, d] = parts[..] {
            return crate::date::Date::new(u16::try_from(y).ok()?, u8::try_from(m).ok()?, u8::try_from(d).ok()?)
                .map(|d| d.iso());
        }
        return None;
    }
    let month = |w: &str| MONTHS.iter().position(|m| w.starts_with(m)).map(|i| i as u8 + 1);
    let (day, month, year) = match &words[..] {
        [d, m, y] if month(m).is_some() => (d.parse().ok()?, month(m)?, y.parse().ok()?),
        [m, d, y] if month(m).is_some() => (d.parse().ok()?, month(m)?, y.parse().ok()?),
        _ => return None,
    };
    crate::date::Date::new(year, month, day).map(|d| d.iso())
}

/// "`value` is set twice; first set on line 825": the key at `at`, and where the same table set
/// it before.
fn duplicate_key(text: &str, at: usize) -> String {
    let rest = text.get(at..).unwrap_or("");
    let key: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '"' | '.'))
        .collect();
    let key = key.trim_matches('"');
    let at = at.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    // Back through the lines of the same table, up to its header.
    let before: Vec<&str> = text[..line_start].lines().collect();
    let first = before
        .iter()
        .enumerate()
        .rev()
        .take_while(|(_, l)| !l.trim_start().starts_with('['))
        .find(|(_, l)| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map(|(i, _)| i + 1);
    match first {
        Some(line) => format!("`{key}` is set twice in this table; first set on line {line}"),
        None => format!("`{key}` is set twice in this table"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_field() {
        let msg = explain_toml_error(
            "unknown field `clamants`, expected one of `id`, `quantity`, `claimants`, `said`",
            "",
            0..0,
        );
        assert!(msg.ends_with("did you mean `claimants`?"), "{msg}");
    }

    #[test]
    fn reads_numbers_and_dates_written_as_text() {
        assert_eq!(as_number("1,246").as_deref(), Some("1246"));
        assert_eq!(as_number("12 45").as_deref(), Some("1245"));
        assert_eq!(as_number("abc"), None);
        assert_eq!(as_date("16 June 2025").as_deref(), Some("2025-06-16"));
        assert_eq!(as_date("June 16, 2025").as_deref(), Some("2025-06-16"));
        assert_eq!(as_date("2025-06-16").as_deref(), Some("2025-06-16"));
        assert_eq!(as_date("31 June 2025"), None);
    }

    #[test]
    fn positions_count_lines_from_one_and_columns_in_characters() {
        let text = "a = 1\nbé = x\n";
        let p = Locator::new(Path::new("f.toml"), text).problem(10..11, "here".into());
        assert_eq!(p.to_string(), "f.toml:2:4: here");
    }
}
