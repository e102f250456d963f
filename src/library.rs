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

/// The data files a list of paths names: files as they are, folders by their `.toml` files
/// (sorted, not recursive).
pub fn data_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|source| LoadError::Read {
                path: path.clone(),
                source,
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
                .collect();
            if found.is_empty() {
                return Err(LoadError::EmptyFolder { path: path.clone() });
            }
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

impl Library {
    /// Loads every file (folders: their `.toml` files). Reports the problems of all files.
    pub fn load(paths: &[PathBuf]) -> Result<Library, Vec<LoadError>> {
        let files = data_files(paths).map_err(|e| vec![e])?;
        let mut datasets = Vec::new();
        let mut errors = Vec::new();
        for file in &files {
            match Dataset::load(file) {
                Ok(d) => datasets.push(d),
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
                    second: d.source.path.clone(),
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
                second: path,
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
