//! What the Discord edge needs from the data it serves: a consistent snapshot per answer, the
//! live-reload details `/about` shows, and a way for `/reload` to reload now.

use std::sync::Arc;

use serenity::async_trait;

use crate::library::Library;

#[async_trait]
pub trait LiveData: Send + Sync {
    /// One consistent snapshot: an answer never mixes two versions.
    fn library(&self) -> Arc<Library>;

    /// Extra lines for `/about`: when loaded, the last rejected update.
    fn about_lines(&self, _story: &str) -> Vec<String> {
        Vec::new()
    }

    /// Reloads every file now; the outcome as text for the admin who asked.
    async fn reload_all(&self) -> String;
}

/// Data loaded once, never reloaded.
pub struct Fixed(pub Arc<Library>);

#[async_trait]
impl LiveData for Fixed {
    fn library(&self) -> Arc<Library> {
        self.0.clone()
    }

    async fn reload_all(&self) -> String {
        "This instance does not reload its data.".to_string()
    }
}

/// The live-reloaded data. `/reload` reloads every file now and sends what changed to the desk
/// like any save would.
pub struct Reloading {
    pub live: Arc<crate::live::Live>,
    pub notices: tokio::sync::mpsc::UnboundedSender<crate::notice::Notice>,
}

#[async_trait]
impl LiveData for Reloading {
    fn library(&self) -> Arc<Library> {
        self.live.library()
    }

    fn about_lines(&self, story: &str) -> Vec<String> {
        // The checksum is already in the core's `about`.
        let lines = self.live.status_of_story(story).map(|s| s.lines()).unwrap_or_default();
        lines.into_iter().filter(|l| !l.starts_with("SHA-256")).collect()
    }

    async fn reload_all(&self) -> String {
        let reloads = self.live.reload_all().await;
        let mut lines = Vec::with_capacity(reloads.len());
        for reload in reloads {
            let name = reload.path.file_name().map_or_else(
                || reload.path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            // The server's folders are no business of the channel: names only.
            let described = match reload.path.parent() {
                Some(folder) if !folder.as_os_str().is_empty() => {
                    reload.outcome.describe().replace(&format!("{}/", folder.display()), "")
                }
                _ => reload.outcome.describe(),
            };
            lines.push(format!("{name}: {described}"));
            if let Some(notice) = reload.notice {
                // The receiver lives as long as the bot; a send can only fail during shutdown.
                let _ = self.notices.send(notice);
            }
        }
        if lines.is_empty() {
            "No data files are loaded.".to_string()
        } else {
            lines.join("\n")
        }
    }
}
