//! The Discord edge: a thin adapter from serenity to the core. Nothing here computes an answer;
//! it turns interactions into [`Query`](crate::answer::Query)s and [`Reply`](crate::answer::Reply)s
//! into embeds that fit Discord's limits.
//!
//! * [`token`]: reading and checking the bot token, never showing it.
//! * [`closes`]: the gateway closes serenity would reconnect after forever.
//! * [`commands`]: the registered slash commands, and options → queries.
//! * [`embeds`]: replies laid out as embeds within Discord's limits.
//! * [`handler`]: serenity's event handler.
//! * [`notify`]: update pings to the newsroom channel, with retries.
//! * [`live`]: what the handler needs from the (possibly live-reloaded) data.

pub mod closes;
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
use tokio::sync::{mpsc, watch};
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
    /// House style for the paste-ready sentence's dates.
    pub dates: crate::date::DateStyle,
}

#[derive(Debug, thiserror::Error)]
pub enum BotError {
    /// Discord closed the gateway with a code after which reconnecting cannot help.
    #[error("{0}")]
    Refused(Refusal),
    #[error(transparent)]
    Watch(#[from] crate::watch::WatchError),
}

/// A gateway close that needs a change of configuration (or of figures-bot), not a reconnect.
/// serenity 0.12.5 returns from `Client::start` on 4004, 4013 and 4014; 4010–4012 it would
/// reconnect after forever, so [`closes`] notices them in its logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("Discord refused the bot token (close 4004): check DISCORD_TOKEN or discord.token_file")]
    Token,
    #[error(
        "Discord refused the gateway intents as invalid (close 4013): figures-bot asks only for \
         GUILDS, so this is a bug in figures-bot, not in your setup"
    )]
    InvalidIntents,
    #[error(
        "Discord refused the gateway intents as not allowed (close 4014): enable the privileged \
         intents figures-bot asks for in the Developer Portal (Bot → Privileged Gateway Intents); \
         this build asks only for GUILDS, which needs none"
    )]
    DisallowedIntents,
    #[error(
        "Discord refused the shard data (close 4010): figures-bot connects as one shard, so this \
         is a bug in figures-bot, not in your setup"
    )]
    InvalidShard,
    #[error(
        "Discord requires sharding (close 4011): the bot is in more servers than one connection \
         may serve (2,500); figures-bot runs one shard, so remove it from servers it does not need"
    )]
    ShardingRequired,
    #[error(
        "Discord refused the gateway API version (close 4012): this build of figures-bot speaks \
         an API version Discord no longer accepts; update figures-bot"
    )]
    ApiVersion,
}

impl Refusal {
    fn of(e: &serenity::Error) -> Option<Refusal> {
        use serenity::gateway::GatewayError;
        match e {
            serenity::Error::Gateway(GatewayError::InvalidAuthentication) => Some(Refusal::Token),
            serenity::Error::Gateway(GatewayError::InvalidGatewayIntents) => Some(Refusal::InvalidIntents),
            serenity::Error::Gateway(GatewayError::DisallowedGatewayIntents) => Some(Refusal::DisallowedIntents),
            _ => None,
        }
    }
}

/// How one run of serenity's client failed.
#[derive(Debug)]
enum Failure {
    /// Worth a restart.
    Client(serenity::Error),
    Refused(Refusal),
}

impl From<serenity::Error> for Failure {
    fn from(e: serenity::Error) -> Self {
        match Refusal::of(&e) {
            Some(refusal) => Failure::Refused(refusal),
            None => Failure::Client(e),
        }
    }
}

/// Pauses between restarts of serenity's client: doubling from `first` up to `max`.
#[derive(Debug, Clone, Copy)]
struct Backoff {
    first: Duration,
    max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            first: Duration::from_secs(1),
            max: Duration::from_secs(300),
        }
    }
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
/// started again with backoff, unless Discord refused the token or the intents. Update pings
/// arrive as ready-made text on `pings`.
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
    let mut handler = Handler::new(live, guild_ids, settings.role_id.map(RoleId::new));
    handler.dates = settings.dates;
    let handler = Arc::new(handler);
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
    let (stop_tx, stop) = watch::channel(false);
    let settings = &settings;
    let supervised = supervise(Backoff::default(), stop, move |mut stop| {
        let handler = handler.clone();
        async move {
            let mut client = ClientBuilder::new_with_http(http(settings), GatewayIntents::GUILDS)
                .event_handler_arc(handler)
                .await?;
            let shards = client.shard_manager.clone();
            info!(proxy = settings.api_proxy.is_some(), "connecting to Discord");
            tokio::select! {
                result = client.start() => result.map_err(Failure::from),
                // No `shutdown_all`: serenity's runner does not answer it after these closes
                // (it waits 5 s in vain); the runtime's shutdown ends the runner instead.
                refusal = closes::refused() => Err(Failure::Refused(refusal)),
                () = stopped(&mut stop) => {
                    info!("shutting down");
                    shards.shutdown_all().await;
                    Ok(())
                }
            }
        }
    });
    tokio::pin!(supervised);
    let ended = tokio::select! {
        result = &mut supervised => Some(result),
        () = shutdown => None,
    };
    let result = match ended {
        Some(result) => result,
        None => {
            // Let the client close its connection cleanly (Discord shows the bot offline at once).
            let _ = stop_tx.send(true);
            supervised.await
        }
    };
    if let Some(pinger) = pinger {
        pinger.abort();
    }
    result
}

/// Runs `client` until `stop` turns true, starting it again with backoff when it returns; a
/// [`Refusal`] ends it, so that systemd's restart limit applies.
async fn supervise<F>(
    backoff: Backoff,
    mut stop: watch::Receiver<bool>,
    mut client: impl FnMut(watch::Receiver<bool>) -> F,
) -> Result<(), BotError>
where
    F: Future<Output = Result<(), Failure>>,
{
    let mut wait = backoff.first;
    loop {
        let result = client(stop.clone()).await;
        if *stop.borrow() {
            return Ok(());
        }
        match result {
            Ok(()) => warn!(
                retry_in_ms = wait.as_millis() as u64,
                "Discord client stopped; restarting"
            ),
            // The caller reports it.
            Err(Failure::Refused(refusal)) => return Err(BotError::Refused(refusal)),
            Err(Failure::Client(e)) => {
                error!(error = %e, retry_in_ms = wait.as_millis() as u64, "Discord client failed; restarting")
            }
        }
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = stopped(&mut stop) => return Ok(()),
        }
        wait = (wait * 2).min(backoff.max);
    }
}

/// Completes when `stop` turns true (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
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

#[cfg(test)]
mod tests {
    use super::*;
    use serenity::gateway::GatewayError;
    use tokio::time::Instant;

    const BACKOFF: Backoff = Backoff {
        first: Duration::from_secs(1),
        max: Duration::from_secs(4),
    };

    fn closed() -> serenity::Error {
        serenity::Error::Gateway(GatewayError::Closed(None))
    }

    /// Supervises a client whose runs end as `script` says; returns the result and when (since
    /// the start) each run began.
    async fn scripted(
        stop: watch::Receiver<bool>,
        script: Vec<Result<(), serenity::Error>>,
    ) -> (Result<(), BotError>, Vec<Duration>) {
        let start = Instant::now();
        let mut script = script.into_iter();
        let mut began = Vec::new();
        let result = supervise(BACKOFF, stop, |mut stop| {
            began.push(start.elapsed());
            let end = script.next();
            async move {
                match end {
                    Some(end) => end.map_err(Failure::from),
                    // Past the script the client runs until stopped, as serenity's does.
                    None => {
                        stopped(&mut stop).await;
                        Ok(())
                    }
                }
            }
        })
        .await;
        (result, began)
    }

    #[tokio::test(start_paused = true)]
    async fn a_stopped_or_failing_client_is_restarted_with_doubling_backoff() {
        let (stop_tx, stop) = watch::channel(false);
        let stopper = async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            stop_tx.send(true).unwrap();
        };
        let script = vec![Ok(()), Err(closed()), Err(closed()), Err(closed())];
        let ((), (result, began)) = tokio::join!(stopper, scripted(stop, script));
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(
            began,
            [0, 1, 3, 7, 11].map(Duration::from_secs),
            "1 s, 2 s, 4 s, then at most 4 s"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_refusal_stops_at_once() {
        for (error, refusal) in [
            (GatewayError::InvalidAuthentication, Refusal::Token),
            (GatewayError::InvalidGatewayIntents, Refusal::InvalidIntents),
            (GatewayError::DisallowedGatewayIntents, Refusal::DisallowedIntents),
        ] {
            let (_stop_tx, stop) = watch::channel(false);
            let script = vec![Err(closed()), Err(serenity::Error::Gateway(error))];
            let (result, began) = scripted(stop, script).await;
            assert!(
                matches!(result, Err(BotError::Refused(r)) if r == refusal),
                "{result:?}"
            );
            assert_eq!(
                began,
                [0, 1].map(Duration::from_secs),
                "one restart, after the non-fatal failure"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn stopping_during_the_backoff_ends_it_at_once() {
        let (stop_tx, stop) = watch::channel(false);
        let start = Instant::now();
        let stopper = async {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            stop_tx.send(true).unwrap();
        };
        let ((), (result, began)) = tokio::join!(stopper, scripted(stop, vec![Ok(()), Ok(()), Ok(())]));
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(began, [0, 1].map(Duration::from_secs));
        assert_eq!(
            start.elapsed(),
            Duration::from_millis(1500),
            "not the whole 2 s backoff"
        );
    }
}
