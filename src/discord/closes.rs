//! Gateway closes that serenity 0.12.5 reconnects after although reconnecting cannot help.
//!
//! serenity returns from `Client::start` on 4004, 4013 and 4014 (see [`Refusal::of`]). On 4010
//! (invalid shard), 4011 (sharding required) and 4012 (invalid API version) it logs the close and
//! reconnects forever, so systemd's restart limit would never apply. Its log event is the only
//! signal it gives: [`layer`] watches serenity's gateway events for those three, and
//! [`refused`] completes when one was seen. The binary installs the layer with its logging
//! (`cli::init_logging`); the end-to-end tests run the binary, so a serenity upgrade that words
//! these events differently fails them.

use std::sync::LazyLock;

use tokio::sync::watch;
use tracing::field::{Field, Visit};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{LevelFilter, Targets};

use super::Refusal;

/// The first fatal close seen by the layer in this process.
static SEEN: LazyLock<watch::Sender<Option<Refusal>>> = LazyLock::new(|| watch::Sender::new(None));

/// A tracing layer that notices the fatal closes in serenity's gateway logs, whatever `RUST_LOG`
/// lets through to the terminal.
pub fn layer<S>() -> impl Layer<S>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    CloseWatch.with_filter(Targets::new().with_target("serenity::gateway", LevelFilter::WARN))
}

/// Completes with the refusal once the layer has seen a fatal close; never, if it has not.
pub async fn refused() -> Refusal {
    let mut seen = SEEN.subscribe();
    // The sender is a static, never dropped, so the wait ends only with a refusal.
    let refusal = seen.wait_for(Option::is_some).await.ok().and_then(|seen| *seen);
    match refusal {
        Some(refusal) => refusal,
        None => std::future::pending().await,
    }
}

/// What serenity 0.12.5's `Shard::handle_gateway_closed` logs for each close.
fn refusal_in(message: &str) -> Option<Refusal> {
    if message.contains("Sent invalid shard data") {
        Some(Refusal::InvalidShard)
    } else if message.contains("Shard has too many guilds") {
        Some(Refusal::ShardingRequired)
    } else if message.contains("Unknown unclean close 4012") {
        Some(Refusal::ApiVersion)
    } else {
        None
    }
}

struct CloseWatch;

impl<S: tracing::Subscriber> Layer<S> for CloseWatch {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let mut message = Message(String::new());
        event.record(&mut message);
        if let Some(refusal) = refusal_in(&message.0) {
            // The first one wins: it is what the bot stops for.
            SEEN.send_if_modified(|seen| {
                let first = seen.is_none();
                if first {
                    *seen = Some(refusal);
                }
                first
            });
        }
    }
}

/// The event's formatted message.
struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_serenity_0_12_5s_close_messages() {
        let shard = "[ShardInfo { id: ShardId(0), total: 1 }]";
        assert_eq!(
            refusal_in(&format!("{shard} Sent invalid shard data.")),
            Some(Refusal::InvalidShard)
        );
        assert_eq!(
            refusal_in(&format!("{shard} Shard has too many guilds.")),
            Some(Refusal::ShardingRequired)
        );
        assert_eq!(
            refusal_in(&format!("{shard} Unknown unclean close 4012: Some(\"bad version\")")),
            Some(Refusal::ApiVersion)
        );
        assert_eq!(refusal_in(&format!("{shard} Unknown unclean close 4000: None")), None);
        assert_eq!(refusal_in(&format!("{shard} Gateway ratelimited.")), None);
    }
}
