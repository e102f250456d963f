//! The stories being served, kept up to date while the bot runs. Knows nothing of Discord or of
//! how changes are noticed (see `watch`): it reloads a file when asked and says what happened.
//!
//! Answers read one `Arc<Library>` snapshot, swapped atomically, so every answer comes from one
//! complete, valid version. A save that does not load leaves the last good version in place.
//!
//! A save whose bytes differ but whose meaning does not (comments, layout) is served as a new
//! version (so `/about`'s checksum matches the file on disk) without a notice: the desk has
//! nothing to act on. If it ends a rejection or a missing file, the notice says so.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwap;

use crate::dataset::Dataset;
use crate::diff::diff;
use crate::error::LoadError;
use crate::library::Library;
use crate::load::sha256_hex;
use crate::notice::{Notice, Outage};

/// How long to wait before reading an invalid or missing file a second time: an editor caught
/// mid-save has usually finished by then.
pub const DEFAULT_RETRY_DELAY: Duration = Duration::from_millis(50);

/// The live stories and what is known about each file.
pub struct Live {
    library: ArcSwap<Library>,
    files: Mutex<Vec<FileStatus>>,
    /// One reload at a time, so versions count up in order and notices follow each other.
    reloading: tokio::sync::Mutex<()>,
    retry_delay: Duration,
    checks: AtomicU64,
    /// Folders named as data (canonical): a new `.toml` file in one is a new story.
    folders: Vec<PathBuf>,
    /// New files that did not load, with the hash of what was rejected: reported once.
    rejected_new: Mutex<HashMap<PathBuf, String>>,
}

/// What `/about` shows for a file besides the story itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStatus {
    pub path: PathBuf,
    pub version: u64,
    pub loaded_at: SystemTime,
    /// SHA-256 of the bytes being served, hex.
    pub checksum: String,
    /// The most recent rejected save, kept after it is fixed.
    pub last_rejection: Option<RejectionRecord>,
    /// Set while the file is gone.
    pub missing_since: Option<SystemTime>,
}

/// A save that was not loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectionRecord {
    /// `file:line:col: message`.
    pub first_error: String,
    pub errors: usize,
    pub at: SystemTime,
    /// SHA-256 of the rejected bytes: the same bad content is reported once.
    pub content_hash: String,
    /// Whether a later version replaced it.
    pub fixed: bool,
}

/// What one reload did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reload {
    pub path: PathBuf,
    pub outcome: Outcome,
    /// What to tell the desk, if anything.
    pub notice: Option<Notice>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Same bytes as the version being served.
    Unchanged { version: u64 },
    /// A new version is served; `changes` counts changes in meaning (0: comments or layout).
    Updated {
        old_version: u64,
        new_version: u64,
        changes: usize,
    },
    /// The file does not load; `version` is still served. `repeated`: this content was
    /// already reported.
    Rejected {
        version: u64,
        errors: usize,
        first_error: String,
        repeated: bool,
    },
    /// The file is gone; `version` is still served.
    Missing { version: u64, repeated: bool },
}

impl Outcome {
    /// One line for `/reload` replies and logs.
    pub fn describe(&self) -> String {
        match self {
            Outcome::Unchanged { version } => format!("unchanged, serving version {version}"),
            Outcome::Updated {
                old_version,
                new_version,
                changes,
            } => format!(
                "updated: version {old_version} → {new_version}, {changes} change{} in meaning",
                plural(*changes)
            ),
            Outcome::Rejected {
                version,
                errors,
                first_error,
                ..
            } => format!(
                "rejected ({errors} error{}, first: {first_error}); still serving version {version}",
                plural(*errors)
            ),
            Outcome::Missing { version, .. } => format!("file missing; still serving version {version}"),
        }
    }
}

impl FileStatus {
    /// Lines for `/about`: version, load time, checksum, and the last rejected save.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![
            format!(
                "Version {} loaded at {}",
                self.version,
                crate::notice::utc_text(self.loaded_at)
            ),
            format!("SHA-256: {}", self.checksum),
        ];
        if let Some(since) = self.missing_since {
            lines.push(format!(
                "File missing since {}; still serving the version above",
                crate::notice::utc_text(since)
            ));
        }
        if let Some(r) = &self.last_rejection {
            // Names, not the server's folders: `/about` is read in Discord.
            let first_error = match self.path.parent() {
                Some(folder) if !folder.as_os_str().is_empty() => {
                    r.first_error.replace(&format!("{}/", folder.display()), "")
                }
                _ => r.first_error.clone(),
            };
            lines.push(format!(
                "Last rejected update: {} ({} error{}{}); first: {first_error}",
                crate::notice::utc_text(r.at),
                r.errors,
                plural(r.errors),
                if r.fixed { ", since fixed" } else { ", not fixed yet" },
            ));
        }
        lines
    }
}

impl FileStatus {
    /// Why the file on disk is not what is being served, if it is not.
    fn outage(&self) -> Option<Outage> {
        if self.missing_since.is_some() {
            Some(Outage::Missing)
        } else if self.last_rejection.as_ref().is_some_and(|r| !r.fixed) {
            Some(Outage::Rejected)
        } else {
            None
        }
    }
}

/// Why `reload_file` could not even try.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("{} is not one of the loaded data files", path.display())]
    UnknownFile { path: PathBuf },
}

/// One read of a file, off the async workers.
enum Attempt {
    Same,
    Valid(Box<Dataset>),
    Invalid {
        problems: Vec<String>,
        content_hash: String,
    },
    Missing,
}

impl Live {
    /// Loads every file (folders: their `.toml` files) as version 1.
    pub fn load(paths: &[PathBuf]) -> Result<Live, Vec<LoadError>> {
        let mut live = Library::load(paths).map(Live::new)?;
        live.folders = paths
            .iter()
            .filter(|p| p.is_dir())
            .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
            .collect();
        Ok(live)
    }

    /// Serves an already loaded library; its files are the ones reloads look at.
    pub fn new(library: Library) -> Live {
        let now = SystemTime::now();
        let files = library
            .stories()
            .iter()
            .map(|d| FileStatus {
                path: d.source.path.clone(),
                version: d.source.version,
                loaded_at: now,
                checksum: d.source.checksum.clone(),
                last_rejection: None,
                missing_since: None,
            })
            .collect();
        Live {
            library: ArcSwap::from_pointee(library),
            files: Mutex::new(files),
            reloading: tokio::sync::Mutex::new(()),
            retry_delay: DEFAULT_RETRY_DELAY,
            checks: AtomicU64::new(0),
            folders: Vec::new(),
            rejected_new: Mutex::new(HashMap::new()),
        }
    }

    /// Sets how long to wait before the second read of an invalid or missing file.
    pub fn with_retry_delay(mut self, delay: Duration) -> Live {
        self.retry_delay = delay;
        self
    }

    /// The current version of every story: take one snapshot per answer.
    pub fn library(&self) -> Arc<Library> {
        self.library.load_full()
    }

    /// The data files, as they were named when loading.
    pub fn paths(&self) -> Vec<PathBuf> {
        self.states().iter().map(|f| f.path.clone()).collect()
    }

    pub fn status(&self, path: &Path) -> Option<FileStatus> {
        self.states().iter().find(|f| f.path == path).cloned()
    }

    /// The status of the file a story (by exact id) is served from.
    pub fn status_of_story(&self, story: &str) -> Option<FileStatus> {
        let library = self.library();
        let path = library.path_of(story)?;
        self.status(path)
    }

    pub fn statuses(&self) -> Vec<FileStatus> {
        self.states().iter().cloned().collect()
    }

    /// How many times a file has been looked at (for tests and metrics: a save was noticed even
    /// when it changed nothing).
    pub fn checks(&self) -> u64 {
        self.checks.load(Ordering::SeqCst)
    }

    /// The folders named as data (canonical): the watcher reports new `.toml` files in them.
    pub fn folders(&self) -> &[PathBuf] {
        &self.folders
    }

    /// Starts serving a data file that appeared in a data folder after loading (a known file is
    /// reloaded instead). Says what the desk should hear: the new story, or why the file does
    /// not load (once per content); nothing if the file is gone again.
    pub async fn add_file(&self, path: &Path) -> Option<Notice> {
        let one_at_a_time = self.reloading.lock().await;
        if self.status(path).is_some() {
            drop(one_at_a_time);
            return self.reload_file(path).await.ok()?.notice;
        }
        let read = || {
            let owned = path.to_path_buf();
            tokio::task::spawn_blocking(move || check(&owned, ""))
        };
        let mut checked = read().await.unwrap_or_else(check_failed);
        if matches!(checked, Attempt::Invalid { .. }) {
            // A file still being copied in: read it again before reporting it.
            tokio::time::sleep(self.retry_delay).await;
            checked = read().await.unwrap_or_else(check_failed);
        }
        let (problems, content_hash) = match checked {
            Attempt::Valid(dataset) => {
                // A renamed file: the story's old file is gone, and this one takes over.
                let library = self.library();
                let moved_from = library
                    .stories()
                    .iter()
                    .find(|d| d.story.id == dataset.story.id && d.source.path != path)
                    .map(|d| d.source.path.clone())
                    .filter(|old| self.status(old).is_some_and(|s| s.missing_since.is_some()));
                let base = match &moved_from {
                    Some(old) => library.without(old),
                    None => Library::clone(&library),
                };
                match base.replacing(*dataset) {
                    Ok(library) => return Some(self.serve_new(path, library, moved_from)),
                    Err(e) => (e.problems(), hash_text(&e.to_string())),
                }
            }
            Attempt::Invalid { problems, content_hash } => (problems, content_hash),
            Attempt::Same | Attempt::Missing => {
                // Gone again: if it comes back with the same bad content, say so again.
                self.rejected_new_files().remove(path);
                return None;
            }
        };
        let mut rejected = self.rejected_new_files();
        if rejected.get(path) == Some(&content_hash) {
            return None;
        }
        rejected.insert(path.to_path_buf(), content_hash);
        self.checks.fetch_add(1, Ordering::SeqCst);
        tracing::warn!(path = %path.display(), errors = problems.len(), "new data file rejected");
        Some(Notice::NewFileRejected {
            path: path.to_path_buf(),
            problems,
        })
    }

    /// Serves `library`, which has the new file's story, as that file's version 1; the file
    /// the story `moved_from`, if any, is no longer followed.
    fn serve_new(&self, path: &Path, library: Library, moved_from: Option<PathBuf>) -> Notice {
        let new = library.stories().iter().find(|d| d.source.path == path).cloned();
        self.library.store(Arc::new(library));
        if let Some(old) = &moved_from {
            self.states().retain(|s| &s.path != old);
        }
        self.rejected_new_files().remove(path);
        let checksum = new.as_ref().map(|d| d.source.checksum.clone()).unwrap_or_default();
        self.states().push(FileStatus {
            path: path.to_path_buf(),
            version: 1,
            loaded_at: SystemTime::now(),
            checksum,
            last_rejection: None,
            missing_since: None,
        });
        self.checks.fetch_add(1, Ordering::SeqCst);
        tracing::info!(path = %path.display(), "new data file served");
        let (story, title, claims, maintainers) = new
            .map(|d| {
                (
                    d.story.id.clone(),
                    d.story.title.clone(),
                    d.claims.len(),
                    d.story.maintainers.clone(),
                )
            })
            .unwrap_or_default();
        Notice::Added {
            story,
            title,
            path: path.to_path_buf(),
            claims,
            maintainers,
            moved_from,
        }
    }

    /// Reloads every file now (`/reload`).
    pub async fn reload_all(&self) -> Vec<Reload> {
        let mut reloads = Vec::new();
        for path in self.paths() {
            match self.reload_file(&path).await {
                Ok(r) => reloads.push(r),
                Err(e) => tracing::warn!("{e}"),
            }
        }
        reloads
    }

    /// Reads the file again and serves it if it is valid and different.
    pub async fn reload_file(&self, path: &Path) -> Result<Reload, LiveError> {
        let _one_at_a_time = self.reloading.lock().await;
        let status = self
            .states()
            .iter()
            .find(|f| f.path == path)
            .cloned()
            .ok_or_else(|| LiveError::UnknownFile {
                path: path.to_path_buf(),
            })?;
        let mut attempt = self.attempt(path, &status.checksum).await;
        if matches!(attempt, Attempt::Invalid { .. } | Attempt::Missing) {
            // An editor caught mid-save has usually finished by the second read.
            tokio::time::sleep(self.retry_delay).await;
            attempt = self.attempt(path, &status.checksum).await;
        }
        let reload = match attempt {
            Attempt::Same => self.unchanged(status),
            Attempt::Valid(mut dataset) => {
                // Number the version before anyone can see it.
                dataset.source.version = status.version + 1;
                match self.library().replacing(*dataset) {
                    Ok(library) => self.serve(status, library).await,
                    Err(e) => self.reject(status, e.problems(), hash_text(&e.to_string())),
                }
            }
            Attempt::Invalid { problems, content_hash } => self.reject(status, problems, content_hash),
            Attempt::Missing => self.missing(status),
        };
        // Counted once the state reflects this look, so a test that waits for it sees the result.
        self.checks.fetch_add(1, Ordering::SeqCst);
        let described = reload.outcome.describe();
        match &reload.outcome {
            Outcome::Unchanged { .. }
            | Outcome::Rejected { repeated: true, .. }
            | Outcome::Missing { repeated: true, .. } => tracing::debug!(path = %path.display(), "{described}"),
            Outcome::Updated { .. } => tracing::info!(path = %path.display(), "{described}"),
            Outcome::Rejected { .. } | Outcome::Missing { .. } => tracing::warn!(path = %path.display(), "{described}"),
        }
        if matches!(reload.outcome, Outcome::Updated { .. } | Outcome::Rejected { .. }) {
            return_freed_memory();
        }
        Ok(reload)
    }

    /// Reads, hashes, parses and validates on a blocking thread: a big file never stalls the
    /// async workers that answer commands.
    async fn attempt(&self, path: &Path, served_checksum: &str) -> Attempt {
        let (path, served) = (path.to_path_buf(), served_checksum.to_string());
        tokio::task::spawn_blocking(move || check(&path, &served))
            .await
            .unwrap_or_else(check_failed)
    }

    fn unchanged(&self, status: FileStatus) -> Reload {
        let outage = status.outage();
        let notice = outage.map(|after| Notice::Restored {
            path: status.path.clone(),
            serving_version: status.version,
            after,
        });
        self.update_state(&status.path, |s| {
            s.missing_since = None;
            if let Some(r) = &mut s.last_rejection {
                r.fixed = true;
            }
        });
        Reload {
            path: status.path.clone(),
            outcome: Outcome::Unchanged {
                version: status.version,
            },
            notice,
        }
    }

    async fn serve(&self, status: FileStatus, library: Library) -> Reload {
        let path = status.path.clone();
        let old_version = status.version;
        let new_version = old_version + 1;
        let old = self.library().stories().iter().find(|d| d.source.path == path).cloned();
        let new = library.stories().iter().find(|d| d.source.path == path).cloned();
        self.library.store(Arc::new(library));
        let checksum = new.as_ref().map(|d| d.source.checksum.clone()).unwrap_or_default();
        self.update_state(&path, |s| {
            s.version = new_version;
            s.loaded_at = SystemTime::now();
            s.checksum = checksum;
            s.missing_since = None;
            if let Some(r) = &mut s.last_rejection {
                r.fixed = true;
            }
        });
        let (Some(old), Some(new)) = (old, new) else {
            return Reload {
                path,
                outcome: Outcome::Updated {
                    old_version,
                    new_version,
                    changes: 0,
                },
                notice: None,
            };
        };
        // Comparing (discrepancies of both versions) can take a while on big files: not on the
        // async workers. The new version is already being served.
        let compared = {
            let (old, new) = (old.clone(), new.clone());
            tokio::task::spawn_blocking(move || diff(&old, &new)).await
        };
        let changes = compared.unwrap_or_else(|e| {
            tracing::error!("comparing versions failed: {e}");
            Default::default()
        });
        let recovered = status.outage();
        let outcome = Outcome::Updated {
            old_version,
            new_version,
            changes: changes.len(),
        };
        let notice = (!changes.is_empty() || recovered.is_some()).then(|| Notice::Updated {
            story: new.story.id.clone(),
            title: new.story.title.clone(),
            path: path.clone(),
            old_version,
            new_version,
            changes,
            maintainers: new.story.maintainers.clone(),
            recovered,
        });
        Reload { path, outcome, notice }
    }

    fn reject(&self, status: FileStatus, problems: Vec<String>, content_hash: String) -> Reload {
        let repeated = status
            .last_rejection
            .as_ref()
            .is_some_and(|r| !r.fixed && r.content_hash == content_hash);
        let first_error = problems.first().cloned().unwrap_or_else(|| "unknown problem".into());
        if !repeated {
            let record = RejectionRecord {
                first_error: first_error.clone(),
                errors: problems.len(),
                at: SystemTime::now(),
                content_hash,
                fixed: false,
            };
            self.update_state(&status.path, |s| {
                s.last_rejection = Some(record);
                s.missing_since = None;
            });
        }
        Reload {
            path: status.path.clone(),
            outcome: Outcome::Rejected {
                version: status.version,
                errors: problems.len(),
                first_error,
                repeated,
            },
            notice: (!repeated).then(|| Notice::Rejected {
                path: status.path.clone(),
                problems,
                serving_version: status.version,
                loaded_at: status.loaded_at,
            }),
        }
    }

    fn missing(&self, status: FileStatus) -> Reload {
        let repeated = status.missing_since.is_some();
        if !repeated {
            self.update_state(&status.path, |s| s.missing_since = Some(SystemTime::now()));
        }
        Reload {
            path: status.path.clone(),
            outcome: Outcome::Missing {
                version: status.version,
                repeated,
            },
            notice: (!repeated).then(|| Notice::Missing {
                path: status.path.clone(),
                serving_version: status.version,
                loaded_at: status.loaded_at,
            }),
        }
    }

    fn rejected_new_files(&self) -> MutexGuard<'_, HashMap<PathBuf, String>> {
        self.rejected_new.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn states(&self) -> MutexGuard<'_, Vec<FileStatus>> {
        // The state is plain data, valid after any panic elsewhere: keep using it.
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn update_state(&self, path: &Path, change: impl FnOnce(&mut FileStatus)) {
        if let Some(status) = self.states().iter_mut().find(|f| f.path == path) {
            change(status);
        }
    }
}

/// Reads and hashes a file; parses and validates it unless it holds the bytes being served.
fn check(path: &Path, served: &str) -> Attempt {
    let bytes = match crate::load::read_data_file(path) {
        Ok(bytes) => bytes,
        Err(LoadError::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return Attempt::Missing;
        }
        Err(error) => {
            return Attempt::Invalid {
                content_hash: hash_text(&error.to_string()),
                problems: error.problems(),
            };
        }
    };
    let content_hash = sha256_hex(&bytes);
    if content_hash == served {
        return Attempt::Same;
    }
    match Dataset::from_bytes_with_checksum(&bytes, path, content_hash.clone()) {
        Ok(dataset) => Attempt::Valid(Box::new(dataset)),
        Err(e) => Attempt::Invalid {
            problems: e.problems(),
            content_hash,
        },
    }
}

/// A panic while checking is a bug, not a reason to stop serving: it is reported as a rejection.
fn check_failed(error: tokio::task::JoinError) -> Attempt {
    let message = format!("internal error while checking the file: {error}");
    Attempt::Invalid {
        content_hash: hash_text(&message),
        problems: vec![message],
    }
}

fn hash_text(text: &str) -> String {
    sha256_hex(text.as_bytes())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Makes every thread allocate from one glibc arena. A reload parses on a blocking thread while
/// the old version was built on another; with an arena per thread, each keeps its own peak, and
/// reloading the 10,000-claim stress file peaked at 174 MB instead of 135 MB. The bot's threads
/// allocate little besides, so the shared lock costs nothing users notice. Call it before the
/// runtime starts its threads.
pub fn use_one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes a setting of the allocator; no memory is touched.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Gives the memory a parse and the old version freed back to the system. glibc keeps freed
/// heap pages, and its per-thread arenas (parses run on blocking threads) keep the peak of
/// every reload resident for the life of the bot.
fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free pages; it touches no memory in use.
    unsafe {
        libc::malloc_trim(0);
    }
}
