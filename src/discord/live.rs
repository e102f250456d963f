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
