//! Errors the core reports. Each one a user can cause says what is wrong and where.

use std::fmt;
use std::path::PathBuf;

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
