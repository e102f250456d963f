//! Several stories at once: a newsroom follows more than one. Answers take a story by id or
//! unique prefix; with a single story loaded, nobody has to name it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::dataset::Dataset;
use crate::error::{LoadError, LookupError};
use crate::lookup::{Named, find};

/// The loaded stories, in the order they were named.
#[derive(Debug, Clone, Default)]
pub struct Library {
    stories: Vec<Arc<Dataset>>,
}

impl Named for Arc<Dataset> {
    const KIND: &'static str = "story";
    fn id(&self) -> &str {
        &self.story.id
    }
    fn name(&self) -> &str {
        &self.story.title
    }
    fn aliases(&self) -> &[String] {
        &[]
    }
    fn keys(&self) -> &crate::dataset::Keys {
        &self.story.keys
    }
}

/// The data files a list of paths names, and the folder entries that look like story files but
/// cannot be read as one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataFiles {
    pub files: Vec<PathBuf>,
    pub skipped: Vec<Skipped>,
}

/// A `.toml` entry of a data folder that is not read, and why (in the editor's words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: skipped: {}", self.path.display(), self.reason)
    }
}

/// The data files a list of paths names: files as they are, folders by their visible `.toml`
/// entries (sorted, not recursive). Such an entry that is not a regular file (a folder, a FIFO,
/// a dangling link) is skipped and named, never opened: a FIFO would block the read.
pub fn data_files(paths: &[PathBuf]) -> Result<DataFiles, LoadError> {
    let mut listed = DataFiles::default();
    for path in paths {
        if !path.is_dir() {
            listed.files.push(path.clone());
            continue;
        }
        let entries = std::fs::read_dir(path).map_err(|source| LoadError::Read {
            path: path.clone(),
            source,
        })?;
        let mut found = Vec::new();
        for entry in entries.filter_map(Result::ok) {
            let file = entry.path();
            if !is_story_file_name(&file) {
                continue;
            }
            // `metadata` follows links: a link to a regular file is read like one.
            match std::fs::metadata(&file) {
                Ok(meta) if meta.is_file() => found.push(file),
                Ok(meta) => listed.skipped.push(Skipped {
                    reason: format!("{}, not a data file", crate::load::file_kind(&meta.file_type())),
                    path: file,
                }),
                Err(e) => listed.skipped.push(Skipped {
                    reason: if e.kind() == std::io::ErrorKind::NotFound {
                        "a link to nothing (its target is missing)".to_string()
                    } else {
                        format!("cannot be read: {e}")
                    },
                    path: file,
                }),
            }
        }
        if found.is_empty() {
            return Err(LoadError::EmptyFolder { path: path.clone() });
        }
        found.sort();
        listed.files.extend(found);
    }
    listed.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(listed)
}

/// A visible `.toml` name: editors' temporary and backup files are hidden or end otherwise.
pub fn is_story_file_name(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "toml")
        && path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| !n.starts_with('.'))
}

impl Library {
    /// Loads every file (folders: their `.toml` files). Reports the problems of all files.
    pub fn load(paths: &[PathBuf]) -> Result<Library, Vec<LoadError>> {
        let listed = data_files(paths).map_err(|e| vec![e])?;
        for skipped in &listed.skipped {
            tracing::warn!("{skipped}");
        }
        let mut datasets = Vec::new();
        let mut errors = Vec::new();
        for file in &listed.files {
            match Dataset::load(file) {
                Ok(d) => {
                    // Warnings never stop loading; `check` shows them with their lines.
                    for warning in &d.warnings {
                        tracing::warn!("{warning}");
                    }
                    datasets.push(d);
                }
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Library::new(datasets).map_err(|e| vec![e])
    }

    /// Builds a library, refusing two files that claim the same story id.
    pub fn new(datasets: Vec<Dataset>) -> Result<Library, LoadError> {
        let mut stories: Vec<Arc<Dataset>> = Vec::with_capacity(datasets.len());
        for d in datasets {
            if let Some(first) = stories.iter().find(|s| s.story.id == d.story.id) {
                return Err(LoadError::DuplicateStory {
                    id: d.story.id.clone(),
                    first: first.source.path.clone(),
                    first_at: first.story.id_at,
                    second: d.source.path.clone(),
                    second_at: d.story.id_at,
                });
            }
            stories.push(Arc::new(d));
        }
        Ok(Library { stories })
    }

    pub fn stories(&self) -> &[Arc<Dataset>] {
        &self.stories
    }

    /// The same library with the story from `dataset`'s file replaced by it (appended when no
    /// story came from that file); the other stories are shared, not copied. Refuses a story id
    /// that another file already has.
    pub fn replacing(&self, dataset: Dataset) -> Result<Library, LoadError> {
        let path = dataset.source.path.clone();
        if let Some(other) = self
            .stories
            .iter()
            .find(|s| s.source.path != path && s.story.id == dataset.story.id)
        {
            return Err(LoadError::DuplicateStory {
                id: dataset.story.id.clone(),
                first: other.source.path.clone(),
                first_at: other.story.id_at,
                second: path,
                second_at: dataset.story.id_at,
            });
        }
        let mut stories = self.stories.clone();
        let dataset = Arc::new(dataset);
        match stories.iter().position(|s| s.source.path == path) {
            Some(i) => stories[i] = dataset,
            None => stories.push(dataset),
        }
        Ok(Library { stories })
    }

    /// The same library without the story from `path`'s file.
    pub fn without(&self, path: &Path) -> Library {
        Library {
            stories: self.stories.iter().filter(|s| s.source.path != path).cloned().collect(),
        }
    }

    /// The story a question is about: the named one, or the only one loaded.
    pub fn select(&self, story: Option<&str>) -> Result<&Arc<Dataset>, LookupError> {
        match (story, self.stories.as_slice()) {
            (Some(query), stories) => find(stories, query).map(|i| &stories[i]),
            (None, [only]) => Ok(only),
            (None, stories) => Err(LookupError::StoryNeeded {
                count: stories.len(),
                ids: stories.iter().map(|s| s.story.id.clone()).collect(),
            }),
        }
    }

    /// The file a story was loaded from.
    pub fn path_of(&self, story: &str) -> Option<&Path> {
        self.stories
            .iter()
            .find(|s| s.story.id == story)
            .map(|s| s.source.path.as_path())
    }
}
