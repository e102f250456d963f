//! Noticing saves: watches each data file's folder and asks [`Live`] to reload the file when
//! something happens to it; what the reload says goes out as [`Notice`]s on a channel.
//!
//! The folder, not the file, is watched: editors and tools replace files rather than write into
//! them (vim, VS Code, JetBrains, `sed -i` and git write a new file and rename it over the old
//! one; Kubernetes swaps a `..data` symlink), and a watch on the old file would go quiet after
//! the first such save. Events are filtered to the file's name, and to `..data` for ConfigMaps.
//!
//! The debouncer gathers the events of one save (a short window: a rename and its create); a
//! long burst of saves therefore arrives as a stream of batches. The reload waits until the
//! stream has been quiet for the rest of the debounce time: one reload, one notice, the combined
//! diff from the version served before the burst, in `figures-bot watch` as in the bot; a single
//! save is served about one debounce after it happened.
//!
//! A data file that is a symlink is watched in its target's folder too (an edit of the target
//! touches nothing in the link's folder), and the link is resolved again after every batch of
//! events, so a link pointed elsewhere is followed to its new target's folder.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use notify_debouncer_full::notify::event::{AccessKind, AccessMode};
use notify_debouncer_full::notify::{self, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, FileIdCache, NoCache, RecommendedCache, new_debouncer_opt,
};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::live::Live;
use crate::notice::Notice;

/// Default quiet time before a save is acted on.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(300);

/// Poll interval used when the native watcher cannot be started and none was configured.
pub const FALLBACK_POLL_INTERVAL: Duration = Duration::from_secs(2);

const MIN_DEBOUNCE: Duration = Duration::from_millis(1);
const MIN_POLL_INTERVAL: Duration = Duration::from_millis(100);

/// Kubernetes mounts a ConfigMap's files as symlinks through this one; an update swaps it.
const CONFIGMAP_LINK: &str = "..data";

/// How changes are noticed: the config file's `[watch]` table (`debounce_ms`,
/// `poll_interval_s`), and the options of `figures-bot watch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WatchConfig {
    /// Events are acted on this long after they happen; a burst within it gives one reload.
    #[serde(rename = "debounce_ms", deserialize_with = "millis")]
    pub debounce: Duration,
    /// Poll the folders at this interval instead of using file system events (NFS, some
    /// container mounts deliver none).
    #[serde(rename = "poll_interval_s", deserialize_with = "seconds")]
    pub poll_interval: Option<Duration>,
}

fn millis<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    <u64 as serde::Deserialize>::deserialize(d).map(Duration::from_millis)
}

fn seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    <u64 as serde::Deserialize>::deserialize(d).map(|s| Some(Duration::from_secs(s)))
}

impl Default for WatchConfig {
    fn default() -> Self {
        WatchConfig {
            debounce: DEFAULT_DEBOUNCE,
            poll_interval: None,
        }
    }
}

/// How the running watcher learns of changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchMode {
    Events,
    /// Polling, because it was asked for or because events could not be set up.
    Polling(Duration),
}

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("watching needs a running tokio runtime")]
    NoRuntime,
    #[error("cannot watch {}: {source}", dir.display())]
    Watch {
        dir: PathBuf,
        #[source]
        source: notify::Error,
    },
}

/// A running watch; dropping it stops watching (answers keep being served from [`Live`]).
pub struct Watcher {
    mode: WatchMode,
    watched: Arc<Watched>,
    worker: tokio::task::JoinHandle<()>,
}

/// What is being watched. Shared by the event handler (which reads the targets) and the reload
/// loop (which follows symlinks to new folders).
struct Watched {
    targets: Mutex<Vec<Target>>,
    dirs: Mutex<BTreeSet<PathBuf>>,
    /// `None` once the watch has stopped.
    backend: Mutex<Option<Backend>>,
}

impl Watched {
    fn targets(&self) -> MutexGuard<'_, Vec<Target>> {
        self.targets.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Resolves every data file's path again: a symlink pointed at a file in another folder
    /// gets that folder watched.
    fn refresh(&self, paths: &[PathBuf]) {
        let targets = targets(paths);
        let mut dirs = self.dirs.lock().unwrap_or_else(PoisonError::into_inner);
        for target in &targets {
            if dirs.contains(&target.dir) {
                continue;
            }
            let mut backend = self.backend.lock().unwrap_or_else(PoisonError::into_inner);
            let Some(backend) = backend.as_mut() else { return };
            match backend.watch(&target.dir) {
                Ok(()) => {
                    tracing::info!(dir = %target.dir.display(), "watching a data file's new folder");
                    dirs.insert(target.dir.clone());
                }
                Err(e) => tracing::warn!("cannot watch {}: {e}", target.dir.display()),
            }
        }
        *self.targets() = targets;
    }
}

/// The debouncer, kept alive for as long as the watch runs.
enum Backend {
    Events(Debouncer<RecommendedWatcher, RecommendedCache>),
    Polling(Debouncer<PollWatcher, NoCache>),
}

impl Backend {
    /// Stops the debouncer's thread without waiting for its current tick.
    fn stop(self) {
        match self {
            Backend::Events(debouncer) => debouncer.stop_nonblocking(),
            Backend::Polling(debouncer) => debouncer.stop_nonblocking(),
        }
    }

    /// Adds a folder to the watch (a symlink's new target folder).
    fn watch(&mut self, dir: &Path) -> notify::Result<()> {
        match self {
            Backend::Events(debouncer) => debouncer.watch(dir, RecursiveMode::NonRecursive),
            Backend::Polling(debouncer) => debouncer.watch(dir, RecursiveMode::NonRecursive),
        }
    }
}

/// A data file as the watcher recognises it in events.
#[derive(Debug, Clone)]
struct Target {
    /// The folder as watched (canonical), which event paths start with.
    dir: PathBuf,
    name: OsString,
    /// The path `Live` knows the file by.
    path: PathBuf,
}

impl Watcher {
    /// Starts watching every file `live` serves. Call from within a tokio runtime. Notices come
    /// out of the returned channel; reloading goes on even if nobody reads them.
    pub fn start(live: Arc<Live>, config: WatchConfig) -> Result<(Watcher, UnboundedReceiver<Notice>), WatchError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| WatchError::NoRuntime)?;
        // Zero would make the debouncer (and a poller) spin.
        let config = WatchConfig {
            debounce: config.debounce.max(MIN_DEBOUNCE),
            poll_interval: config.poll_interval.map(|i| i.max(MIN_POLL_INTERVAL)),
        };
        // The debouncer only gathers the events of one save (a rename and its create); the
        // reload loop waits for the rest of the debounce to pass quietly, so a burst gives one
        // reload and a single save is served about `debounce` after it happened.
        let event_window = (config.debounce / 4).clamp(MIN_DEBOUNCE, Duration::from_millis(25));
        let targets = targets(&live.paths());
        let dirs: BTreeSet<PathBuf> = targets.iter().map(|t| t.dir.clone()).collect();
        let watched = Arc::new(Watched {
            targets: Mutex::new(targets),
            dirs: Mutex::new(dirs.clone()),
            backend: Mutex::new(None),
        });
        let (trigger_tx, trigger_rx) = unbounded_channel::<Vec<PathBuf>>();
        let handler = {
            let watched = watched.clone();
            let folders = live.folders().to_vec();
            move |result: DebounceEventResult| match result {
                Ok(events) => {
                    tracing::trace!(?events, "file events");
                    let touched = touched_files(&watched.targets(), &folders, &events);
                    if !touched.is_empty() {
                        let _ = trigger_tx.send(touched);
                    }
                }
                Err(errors) => errors.iter().for_each(|e| tracing::warn!("file watcher: {e}")),
            }
        };
        let (backend, mode) = match config.poll_interval {
            Some(interval) => (
                polling(&dirs, event_window, interval, handler)?,
                WatchMode::Polling(interval),
            ),
            None => match events(&dirs, event_window, handler.clone()) {
                Ok(debouncer) => (Backend::Events(debouncer), WatchMode::Events),
                Err(e) => {
                    tracing::warn!("{e}; polling every {:?} instead", FALLBACK_POLL_INTERVAL);
                    let backend = polling(&dirs, event_window, FALLBACK_POLL_INTERVAL, handler)?;
                    (backend, WatchMode::Polling(FALLBACK_POLL_INTERVAL))
                }
            },
        };
        *watched.backend.lock().unwrap_or_else(PoisonError::into_inner) = Some(backend);
        let (notice_tx, notice_rx) = unbounded_channel();
        let worker = runtime.spawn(reload_loop(
            live,
            watched.clone(),
            trigger_rx,
            notice_tx,
            config.debounce.saturating_sub(event_window).max(MIN_DEBOUNCE),
        ));
        tracing::info!(?mode, folders = dirs.len(), "watching data files");
        Ok((Watcher { mode, watched, worker }, notice_rx))
    }

    pub fn mode(&self) -> WatchMode {
        self.mode
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let backend = self
            .watched
            .backend
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(backend) = backend {
            backend.stop();
        }
        self.worker.abort();
    }
}

/// A tick well under the debounce, so events go out close to `debounce` after they happen
/// (the debouncer's own default is a quarter of it).
fn tick(debounce: Duration) -> Duration {
    (debounce / 10)
        .clamp(MIN_DEBOUNCE, Duration::from_millis(25))
        .min(debounce)
}

fn events<F>(
    dirs: &BTreeSet<PathBuf>,
    debounce: Duration,
    handler: F,
) -> Result<Debouncer<RecommendedWatcher, RecommendedCache>, WatchError>
where
    F: FnMut(DebounceEventResult) + Send + 'static,
{
    let config = notify::Config::default();
    watch_dirs(dirs, debounce, handler, RecommendedCache::new(), config)
}

fn polling<F>(
    dirs: &BTreeSet<PathBuf>,
    debounce: Duration,
    interval: Duration,
    handler: F,
) -> Result<Backend, WatchError>
where
    F: FnMut(DebounceEventResult) + Send + 'static,
{
    // Comparing contents, not just modification times: coarse timestamps on network file
    // systems would otherwise hide a quick second save.
    let config = notify::Config::default()
        .with_poll_interval(interval)
        .with_compare_contents(true);
    watch_dirs(dirs, debounce, handler, NoCache, config).map(Backend::Polling)
}

/// A debouncer of watcher kind `W` on each folder (not recursively).
fn watch_dirs<W, C, F>(
    dirs: &BTreeSet<PathBuf>,
    debounce: Duration,
    handler: F,
    cache: C,
    config: notify::Config,
) -> Result<Debouncer<W, C>, WatchError>
where
    W: notify::Watcher,
    C: FileIdCache + Send + 'static,
    F: FnMut(DebounceEventResult) + Send + 'static,
{
    let failed = |dir: &Path, source| WatchError::Watch {
        dir: dir.to_path_buf(),
        source,
    };
    let first = dirs.first().map(PathBuf::as_path).unwrap_or(Path::new("."));
    let mut debouncer = new_debouncer_opt::<_, W, C>(debounce, Some(tick(debounce)), handler, cache, config)
        .map_err(|e| failed(first, e))?;
    for dir in dirs {
        debouncer
            .watch(dir, RecursiveMode::NonRecursive)
            .map_err(|e| failed(dir, e))?;
    }
    Ok(debouncer)
}

/// Where events about each data file show: its own folder, and for a symlink also the folder
/// of the file it points to (an edit there changes nothing in the link's folder).
fn targets(paths: &[PathBuf]) -> Vec<Target> {
    let mut targets = Vec::new();
    for path in paths {
        let Some(name) = path.file_name() else { continue };
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        // Canonical, so that the folder of two differently spelled paths is watched once and
        // event paths (built from the watched folder) compare equal.
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let own = Target {
            dir,
            name: name.to_os_string(),
            path: path.clone(),
        };
        let resolved = std::fs::canonicalize(path).ok().and_then(|real| {
            let (dir, name) = (real.parent()?.to_path_buf(), real.file_name()?.to_os_string());
            let elsewhere = dir != own.dir || name != own.name;
            elsewhere.then(|| Target {
                dir,
                name,
                path: path.clone(),
            })
        });
        targets.push(own);
        targets.extend(resolved);
    }
    targets
}

/// The data files a batch of events concerns: their own name, or the ConfigMap link, in their
/// folder; and other `.toml` files in a data folder, new stories perhaps. A rescan request
/// (events were lost) concerns every file.
fn touched_files(
    targets: &[Target],
    folders: &[PathBuf],
    events: &[notify_debouncer_full::DebouncedEvent],
) -> Vec<PathBuf> {
    let mut touched: Vec<PathBuf> = Vec::new();
    for event in events.iter().filter(|e| may_change_content(&e.kind) || e.need_rescan()) {
        for target in targets {
            let concerned = event.need_rescan() || concerns(target, &event.paths);
            if concerned && !touched.contains(&target.path) {
                touched.push(target.path.clone());
            }
        }
        let mut candidates = event.paths.clone();
        // Lost events, or a ConfigMap update (which swaps the whole folder): look at every file.
        let swapped: Vec<&PathBuf> = event
            .paths
            .iter()
            .filter(|p| p.file_name().is_some_and(|n| n == CONFIGMAP_LINK))
            .filter_map(|p| folders.iter().find(|f| p.parent() == Some(f.as_path())))
            .collect();
        let rescan: Vec<&PathBuf> = if event.need_rescan() {
            folders.iter().collect()
        } else {
            swapped
        };
        for folder in rescan {
            if let Ok(entries) = std::fs::read_dir(folder) {
                candidates.extend(entries.filter_map(Result::ok).map(|e| folder.join(e.file_name())));
            }
        }
        for path in &candidates {
            let known = targets.iter().any(|t| concerns(t, std::slice::from_ref(path)));
            if !known && is_story_file_in(folders, path) && !touched.contains(path) {
                touched.push(path.clone());
            }
        }
    }
    touched
}

/// A visible `.toml` file directly in one of the data folders (editors' temporary and backup
/// files are hidden or have other extensions).
fn is_story_file_in(folders: &[PathBuf], path: &Path) -> bool {
    let visible_toml = path.extension().is_some_and(|e| e == "toml")
        && path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| !n.starts_with('.'));
    visible_toml && !path.is_dir() && path.parent().is_some_and(|dir| folders.iter().any(|f| f == dir))
}

/// Whether an event on `paths` may concern the target: its own name, or the ConfigMap link, in
/// its folder.
fn concerns(target: &Target, paths: &[PathBuf]) -> bool {
    paths.iter().any(|p| {
        p.parent() == Some(target.dir.as_path())
            && p.file_name()
                .is_some_and(|n| n == target.name.as_os_str() || n == CONFIGMAP_LINK)
    })
}

/// Opening and reading a file are events too (our own reloads cause them): only writes,
/// creations, removals, renames and attribute changes can change what the file says.
fn may_change_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Reloads what the watcher reports, one batch at a time. Batches that arrive during a reload
/// are merged, so a file is read once for all of them.
async fn reload_loop(
    live: Arc<Live>,
    watched: Arc<Watched>,
    mut triggers: UnboundedReceiver<Vec<PathBuf>>,
    notices: UnboundedSender<Notice>,
    quiet: Duration,
) {
    while let Some(mut pending) = triggers.recv().await {
        // The debouncer lets events through as they age, so a long burst of saves arrives as a
        // stream of triggers. The burst is over once none came for `quiet`: then one reload,
        // and one notice comparing the version served before the burst with the one after it
        // (or one rejection, if the burst ended on bad content).
        while let Ok(Some(more)) = tokio::time::timeout(quiet, triggers.recv()).await {
            for path in more {
                if !pending.contains(&path) {
                    pending.push(path);
                }
            }
        }
        let mut told = Vec::new();
        for path in pending {
            let notice = if live.status(&path).is_some() {
                match live.reload_file(&path).await {
                    Ok(reload) => reload.notice,
                    Err(e) => {
                        tracing::warn!("{e}");
                        None
                    }
                }
            } else {
                live.add_file(&path).await
            };
            told.extend(notice);
        }
        // Before anyone hears of the new version: a link's new target folder is watched by the
        // time an editor could save there.
        watched.refresh(&live.paths());
        for notice in told {
            // Nobody listening is fine: answers are served from `live` regardless.
            let _ = notices.send(notice);
        }
    }
}
