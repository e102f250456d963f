//! Noticing saves: watches each data file's folder and asks [`Live`] to reload the file when
//! something happens to it; what the reload says goes out as [`Notice`]s on a channel.
//!
//! The folder, not the file, is watched: editors and tools replace files rather than write into
//! them (vim, VS Code, JetBrains, `sed -i` and git write a new file and rename it over the old
//! one; Kubernetes swaps a `..data` symlink), and a watch on the old file would go quiet after
//! the first such save. Events are filtered to the file's name, and to `..data` for ConfigMaps.
//!
//! The debouncer delivers an event once the debounce time has passed since it happened; by then
//! a burst of saves is over, so the first reload reads the final content and later events of the
//! same burst find nothing new (same checksum): one reload, one notice, the combined diff. Saves
//! spread over longer than the debounce may be served in steps, each a complete valid version.
//!
//! With file system events, a second, undebounced watcher starts reading and checking a save as
//! soon as it happens ([`Live::prepare`]): the debounce then hides the parse of a big file, and
//! the reload finds the work done if the bytes are still the same.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
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

/// How changes are noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchConfig {
    /// Events are acted on this long after they happen; a burst within it gives one reload.
    pub debounce: Duration,
    /// Poll the folders at this interval instead of using file system events (NFS, some
    /// container mounts deliver none).
    pub poll_interval: Option<Duration>,
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
    backend: Option<Backend>,
    worker: tokio::task::JoinHandle<()>,
}

/// The debouncer, kept alive for as long as the watch runs; with events, also the watcher that
/// starts preparing a save before the debounce is over.
enum Backend {
    Events(Debouncer<RecommendedWatcher, RecommendedCache>, Option<Early>),
    Polling(Debouncer<PollWatcher, NoCache>),
}

/// The undebounced watcher and the task preparing what it reports.
struct Early {
    _watcher: RecommendedWatcher,
    preparing: tokio::task::JoinHandle<()>,
}

impl Backend {
    /// Stops the debouncer's thread without waiting for its current tick, and the preparations.
    fn stop(self) {
        match self {
            Backend::Events(debouncer, early) => {
                debouncer.stop_nonblocking();
                if let Some(early) = early {
                    early.preparing.abort();
                }
            }
            Backend::Polling(debouncer) => debouncer.stop_nonblocking(),
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
        let targets = targets(&live.paths());
        let dirs: BTreeSet<PathBuf> = targets.iter().map(|t| t.dir.clone()).collect();
        let (trigger_tx, trigger_rx) = unbounded_channel::<Vec<PathBuf>>();
        let handler = {
            let targets = targets.clone();
            let folders = live.folders().to_vec();
            move |result: DebounceEventResult| match result {
                Ok(events) => {
                    tracing::trace!(?events, "file events");
                    let touched = touched_files(&targets, &folders, &events);
                    if !touched.is_empty() {
                        let _ = trigger_tx.send(touched);
                    }
                }
                Err(errors) => errors.iter().for_each(|e| tracing::warn!("file watcher: {e}")),
            }
        };
        let (backend, mode) = match config.poll_interval {
            Some(interval) => (
                polling(&dirs, config.debounce, interval, handler)?,
                WatchMode::Polling(interval),
            ),
            None => match events(&dirs, config.debounce, handler.clone()) {
                Ok(debouncer) => {
                    let early = early_watcher(&dirs, &targets, live.clone(), &runtime);
                    (Backend::Events(debouncer, early), WatchMode::Events)
                }
                Err(e) => {
                    tracing::warn!("{e}; polling every {:?} instead", FALLBACK_POLL_INTERVAL);
                    let backend = polling(&dirs, config.debounce, FALLBACK_POLL_INTERVAL, handler)?;
                    (backend, WatchMode::Polling(FALLBACK_POLL_INTERVAL))
                }
            },
        };
        let (notice_tx, notice_rx) = unbounded_channel();
        let worker = runtime.spawn(reload_loop(live, trigger_rx, notice_tx));
        tracing::info!(?mode, folders = dirs.len(), "watching data files");
        Ok((
            Watcher {
                mode,
                backend: Some(backend),
                worker,
            },
            notice_rx,
        ))
    }

    pub fn mode(&self) -> WatchMode {
        self.mode
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        if let Some(backend) = self.backend.take() {
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

/// A second, undebounced watcher on the same folders: the first event of a save starts reading
/// and checking the file ([`Live::prepare`]) while the debouncer waits for the burst to end, so a
/// big file is ready to serve when the debounce is over. Only an optimisation: if it cannot be
/// set up, reloads simply do the work themselves.
fn early_watcher(
    dirs: &BTreeSet<PathBuf>,
    targets: &[Target],
    live: Arc<Live>,
    runtime: &tokio::runtime::Handle,
) -> Option<Early> {
    let (hint_tx, hint_rx) = unbounded_channel::<PathBuf>();
    let targets = targets.to_vec();
    let handler = move |result: notify::Result<notify::Event>| {
        let Ok(event) = result else { return };
        if !may_change_content(&event.kind) {
            return;
        }
        for target in targets.iter().filter(|t| concerns(t, &event.paths)) {
            let _ = hint_tx.send(target.path.clone());
        }
    };
    let mut watcher = match notify::recommended_watcher(handler) {
        Ok(watcher) => watcher,
        Err(e) => {
            tracing::warn!("saves will be checked only after the debounce: {e}");
            return None;
        }
    };
    for dir in dirs {
        if let Err(e) = notify::Watcher::watch(&mut watcher, dir, RecursiveMode::NonRecursive) {
            tracing::warn!(
                "saves in {} will be checked only after the debounce: {e}",
                dir.display()
            );
            return None;
        }
    }
    let preparing = runtime.spawn(prepare_loop(live, hint_rx));
    Some(Early {
        _watcher: watcher,
        preparing,
    })
}

/// Prepares each file a save touched; hints that arrive meanwhile are merged, so during a burst
/// one preparation runs at a time and the last one starts after the last save.
async fn prepare_loop(live: Arc<Live>, mut hints: UnboundedReceiver<PathBuf>) {
    while let Some(first) = hints.recv().await {
        let mut pending = vec![first];
        while let Ok(path) = hints.try_recv() {
            if !pending.contains(&path) {
                pending.push(path);
            }
        }
        for path in pending {
            live.prepare(&path).await;
        }
    }
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

fn targets(paths: &[PathBuf]) -> Vec<Target> {
    paths
        .iter()
        .filter_map(|path| {
            let name = path.file_name()?.to_os_string();
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            // Canonical, so that the folder of two differently spelled paths is watched once and
            // event paths (built from the watched folder) compare equal.
            let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
            Some(Target {
                dir,
                name,
                path: path.clone(),
            })
        })
        .collect()
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
async fn reload_loop(live: Arc<Live>, mut triggers: UnboundedReceiver<Vec<PathBuf>>, notices: UnboundedSender<Notice>) {
    while let Some(mut pending) = triggers.recv().await {
        while let Ok(more) = triggers.try_recv() {
            for path in more {
                if !pending.contains(&path) {
                    pending.push(path);
                }
            }
        }
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
            if let Some(notice) = notice {
                // Nobody listening is fine: answers are served from `live` regardless.
                let _ = notices.send(notice);
            }
        }
    }
}
