//! The Discord edge: a thin adapter from serenity to the core. Nothing here computes an answer;
//! it turns interactions into [`Query`](crate::answer::Query)s and [`Reply`](crate::answer::Reply)s
//! into embeds that fit Discord's limits.
//!
//! * [`token`]: reading and checking the bot token, never showing it.
//! * [`commands`]: the registered slash commands, and options → queries.
//! * [`embeds`]: replies laid out as embeds within Discord's limits.
//! * [`handler`]: serenity's event handler.
//! * [`notify`]: update pings to the newsroom channel, with retries.
//! * [`live`]: what the handler needs from the (possibly live-reloaded) data.

pub mod commands;
pub mod embeds;
pub mod handler;
pub mod live;
pub mod notify;
pub mod token;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serenity::all::{ClientBuilder, GatewayIntents, GuildId, HttpBuilder, RoleId};
use tokio::sync::mpsc;
use tracing::{error, info, warn};

use crate::notice::Notice;
use handler::Handler;
use live::LiveData;
use token::Token;

/// Everything the bot needs to connect, from the config file and the environment.
#[derive(Debug, Clone)]
pub struct BotSettings {
    pub token: Token,
    /// REST base instead of https://discord.com (a proxy, or a fake Discord in tests).
    pub api_proxy: Option<String>,
    pub guild_ids: Vec<u64>,
    pub channel_id: Option<u64>,
    pub role_id: Option<u64>,
    /// Where rejected saves go, and whom they mention (see `[notify]` in README).
    pub maintainer_channel_id: Option<u64>,
    pub maintainer_role_id: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum BotError {
    #[error("could not set up the Discord client: {0}")]
    Setup(#[from] serenity::Error),
    #[error(transparent)]
    Watch(#[from] crate::watch::WatchError),
}

/// Room left in a ping for the role mention in front of the notice.
pub const PING_TEXT_LIMIT: usize = embeds::limits::CONTENT - 32;

/// How long a ping waits for git to say who saved.
const GIT_TIMEOUT: Duration = Duration::from_secs(2);

/// Runs the bot on live data: watches the data files, tells the desk what each save changed
/// (or why it was rejected), and answers commands from the newest valid version.
pub async fn run_live(
    settings: BotSettings,
    live: Arc<crate::live::Live>,
    watch: crate::watch::WatchConfig,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), BotError> {
    let (notice_tx, mut notices) = mpsc::unbounded_channel::<crate::notice::Notice>();
    let (watcher, mut watched) = crate::watch::Watcher::start(live.clone(), watch)?;
    info!(mode = ?watcher.mode(), files = live.paths().len(), "watching the data files");
    let forward = notice_tx.clone();
    let from_watcher = tokio::spawn(async move {
        while let Some(notice) = watched.recv().await {
            if forward.send(notice).is_err() {
                break;
            }
        }
    });
    let (ping_tx, ping_rx) = mpsc::channel::<notify::Ping>(64);
    let channel = settings.channel_id;
    let to_desk = tokio::spawn(async move {
        while let Some(notice) = notices.recv().await {
            let to = match notice {
                Notice::Rejected { .. } | Notice::NewFileRejected { .. } => notify::Audience::Maintainers,
                _ => notify::Audience::Desk,
            };
            // Who saved, when git can say (a committed change); never more than a moment's wait.
            let saved_by = match &notice {
                Notice::Updated { path, .. } => crate::git::saved_by(path, GIT_TIMEOUT).await,
                _ => None,
            };
            let text = match saved_by {
                Some(line) => {
                    let line = embeds::truncate(&line, 300);
                    let room = PING_TEXT_LIMIT.saturating_sub(line.encode_utf16().count() + 1);
                    format!("{}\n{line}", notice.render(room))
                }
                None => notice.render(PING_TEXT_LIMIT),
            };
            info!(notice = %text, "data notice");
            if channel.is_some() && ping_tx.send(notify::Ping { text, to }).await.is_err() {
                break;
            }
        }
    });
    let data = Arc::new(live::Reloading {
        live,
        notices: notice_tx,
    });
    let result = run_with_pings(settings, data, Some(ping_rx), shutdown).await;
    drop(watcher);
    from_watcher.abort();
    to_desk.abort();
    result
}

fn http(settings: &BotSettings) -> serenity::http::Http {
    let builder = HttpBuilder::new(settings.token.expose());
    match &settings.api_proxy {
        // serenity 0.12.5's rate limiter would send straight to discord.com, bypassing the
        // proxy; the proxy does the rate limiting instead.
        Some(proxy) => builder
            .proxy(proxy.trim_end_matches('/'))
            .ratelimiter_disabled(true)
            .build(),
        None => builder.build(),
    }
}

/// Connects and serves until `shutdown` completes. If serenity's client stops or fails, it is
/// started again with backoff. Update pings arrive as ready-made text on `pings`.
pub async fn run(
    settings: BotSettings,
    live: Arc<dyn LiveData>,
    pings: Option<mpsc::Receiver<String>>,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), BotError> {
    let pings = pings.map(|mut texts| {
        let (tx, rx) = mpsc::channel(64);
        tokio::spawn(async move {
            while let Some(text) = texts.recv().await {
                if tx.send(notify::Ping::desk(text)).await.is_err() {
                    break;
                }
            }
        });
        rx
    });
    run_with_pings(settings, live, pings, shutdown).await
}

/// [`run`], with pings that say who they are for.
pub async fn run_with_pings(
    settings: BotSettings,
    live: Arc<dyn LiveData>,
    pings: Option<mpsc::Receiver<notify::Ping>>,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), BotError> {
    let guild_ids = settings.guild_ids.iter().copied().map(GuildId::new).collect();
    let handler = Arc::new(Handler::new(live, guild_ids, settings.role_id.map(RoleId::new)));
    let pinger = match (pings, settings.channel_id) {
        (Some(mut pings), Some(channel)) => {
            let mut poster = notify::Poster::new(
                settings.api_proxy.as_deref(),
                settings.token.clone(),
                channel,
                settings.role_id,
            );
            poster.maintainer_channel_id = settings.maintainer_channel_id;
            poster.maintainer_role_id = settings.maintainer_role_id;
            Some(tokio::spawn(async move {
                while let Some(ping) = pings.recv().await {
                    if let Err(e) = poster.post_to(&ping.text, ping.to).await {
                        error!(error = %e, channel, "could not post update ping");
                    }
                }
            }))
        }
        _ => None,
    };
    tokio::pin!(shutdown);
    let mut backoff = Duration::from_secs(1);
    loop {
        let mut client = ClientBuilder::new_with_http(http(&settings), GatewayIntents::GUILDS)
            .event_handler_arc(handler.clone())
            .await?;
        let shards = client.shard_manager.clone();
        info!(proxy = settings.api_proxy.is_some(), "connecting to Discord");
        tokio::select! {
            result = client.start() => {
                match result {
                    Ok(()) => warn!(retry_in_s = backoff.as_secs(), "Discord client stopped; restarting"),
                    Err(e) => error!(error = %e, retry_in_s = backoff.as_secs(), "Discord client failed; restarting"),
                }
            }
            () = &mut shutdown => {
                info!("shutting down");
                shards.shutdown_all().await;
                break;
            }
        }
        tokio::select! {
            () = tokio::time::sleep(backoff) => {}
            () = &mut shutdown => break,
        }
        backoff = (backoff * 2).min(Duration::from_secs(300));
    }
    if let Some(pinger) = pinger {
        pinger.abort();
    }
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM (systemd's stop).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
