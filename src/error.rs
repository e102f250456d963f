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

/// `PATH:LINE:COL: message`, the form editors and their tools understand.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.col,
            self.message
        )
    }
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
    #[error("story `{id}` is loaded twice: {} and {}", first.display(), second.display())]
    DuplicateStory {
        id: String,
        first: PathBuf,
        second: PathBuf,
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

/// A TOML deserialization error as a positioned problem, with "did you mean" for unknown keys.
pub(crate) fn toml_problem(path: &Path, text: &str, error: &toml::de::Error) -> Problem {
    problem_at(
        path,
        text,
        error.span().unwrap_or(0..0),
        explain_toml_error(error.message()),
    )
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

/// Adds a "did you mean" to serde's unknown-field and unknown-variant messages.
fn explain_toml_error(message: &str) -> String {
    let message = message.trim_end();
    let ticked: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    if let Some((found, expected)) = ticked.split_first()
        && message.starts_with("unknown field")
        && let Some(best) = closest(found, expected.iter().copied()).first()
    {
        return format!("{message}; did you mean `{best}`?");
    }
    message.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_field() {
        let msg = explain_toml_error("unknown field `clamants`, expected one of `id`, `quantity`, `claimants`, `said`");
        assert!(msg.ends_with("did you mean `claimants`?"), "{msg}");
    }

    #[test]
    fn positions_count_lines_from_one_and_columns_in_characters() {
        let text = "a = 1\nbé = x\n";
        let p = Locator::new(Path::new("f.toml"), text).problem(10..11, "here".into());
        assert_eq!(p.to_string(), "f.toml:2:4: here");
    }
}
