//! Discord round trip on loopback: interaction dispatched by a fake Discord → callback
//! received, p50 and p99 over 1,000 interactions, for figures-bot answering `/stage final` and
//! for a minimal serenity bot answering a fixed string (the floor), in alternating blocks. Then the idle resident
//! memory of the real `figures-bot run` process after READY.
//!
//! `cargo bench --bench discord`. Prints a small table; it is a measurement, not a test.

#[path = "../tests/support/fake_discord/mod.rs"]
#[allow(dead_code)]
mod fake_discord;

use std::sync::Arc;
use std::time::Duration;

use fake_discord::{FakeConfig, FakeDiscord};
use figures_bot::Library;
use figures_bot::discord::live::Fixed;
use figures_bot::discord::{BotSettings, run, token};
use serde_json::json;
use serenity::all::{
    ClientBuilder, Context, CreateInteractionResponse, CreateInteractionResponseMessage, EventHandler, GatewayIntents,
    Interaction,
};

const ROUNDS: usize = 1_000;
const WARMUP: usize = 50;
/// Blocks of `ROUNDS / BLOCKS` rounds, each bot in turn.
const BLOCKS: usize = 20;
const GUILD: u64 = 1_200_000_000_000_000_001;
const USER: u64 = 1_300_000_000_000_000_001;
const TOKEN: &str = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.bench.token-for-the-fake-discord";

fn fake_config() -> FakeConfig {
    FakeConfig {
        token: TOKEN.to_string(),
        guild_ids: vec![GUILD],
        wait_timeout: Duration::from_secs(30),
        ..FakeConfig::default()
    }
}

/// Sends `rounds` commands one after another; returns dispatch → callback latencies.
async fn measure(rig: &Rig, rounds: usize) -> Vec<Duration> {
    let mut latencies = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let handle = rig
            .fake
            .send_command(rig.command, rig.options.clone(), Some(GUILD), USER);
        rig.fake.wait_callback(&handle.id).await;
        let record = rig.fake.interaction(&handle.id).expect("recorded");
        latencies.push(record.callback_at.expect("answered") - record.dispatched_at);
    }
    latencies
}

/// A bot answering one command on its own fake Discord, kept running while the others are
/// measured, so that rounds can alternate between them.
struct Rig {
    fake: FakeDiscord,
    command: &'static str,
    options: serde_json::Value,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// A minimal serenity bot that answers every command with one fixed message, built once.
struct Floor(CreateInteractionResponseMessage);

#[serenity::async_trait]
impl EventHandler for Floor {
    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        if let Interaction::Command(cmd) = interaction {
            let _ = cmd
                .create_response(&ctx.http, CreateInteractionResponse::Message(self.0.clone()))
                .await;
        }
    }
}

/// figures-bot's `/stage final` reply, rendered once, for a floor that sends as many bytes.
fn same_size_reply() -> CreateInteractionResponseMessage {
    use figures_bot::answer::{Query, answer};
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/repatriation-2025.toml");
    let data = figures_bot::Dataset::load(path).expect("bundled data");
    let reply = answer(&data, &Query::Stage { stage: "final".into() }).unwrap();
    figures_bot::discord::embeds::reply_messages(&reply, "x")[0].to_interaction(false)
}

/// figures-bot answering `/stage final`; the sender stops it.
async fn figures_bot_rig() -> (Rig, tokio::sync::oneshot::Sender<()>) {
    let fake = FakeDiscord::start(fake_config()).await;
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/repatriation-2025.toml");
    let library = Library::load(&[data]).expect("bundled data");
    let settings = BotSettings {
        token: token::parse(TOKEN, "bench").unwrap(),
        api_proxy: Some(fake.rest_url()),
        guild_ids: vec![GUILD],
        channel_id: None,
        role_id: None,
        maintainer_channel_id: None,
        maintainer_role_id: None,
        dates: Default::default(),
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(run(settings, Arc::new(Fixed(Arc::new(library))), None, async {
        let _ = stopped.await;
    }));
    fake.ready().await;
    let rig = Rig {
        fake,
        command: "stage",
        options: json!([{ "name": "stage", "type": 3, "value": "final" }]),
    };
    (rig, stop)
}

/// A minimal serenity bot answering `message` to every command.
async fn floor_rig(message: CreateInteractionResponseMessage) -> (Rig, Arc<serenity::gateway::ShardManager>) {
    let fake = FakeDiscord::start(fake_config()).await;
    let mut client = ClientBuilder::new_with_http(fake.http(), GatewayIntents::GUILDS)
        .event_handler(Floor(message))
        .await
        .expect("client");
    let shards = client.shard_manager.clone();
    tokio::spawn(async move {
        let _ = client.start().await;
    });
    fake.ready().await;
    let rig = Rig {
        fake,
        command: "ping",
        options: json!([]),
    };
    (rig, shards)
}

/// Resident memory of the real binary, idle after READY.
async fn idle_rss_kib() -> Option<u64> {
    let fake = FakeDiscord::start(fake_config()).await;
    let dir = tempfile::tempdir().ok()?;
    let config = dir.path().join("figures-bot.toml");
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/repatriation-2025.toml");
    let text = format!(
        "data = {:?}\n[discord]\nguild_ids = [{GUILD}]\napi_proxy = {:?}\n",
        data.display().to_string(),
        fake.rest_url()
    );
    std::fs::write(&config, text).ok()?;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_figures-bot"))
        .args(["run", "--config"])
        .arg(&config)
        .env("DISCORD_TOKEN", TOKEN)
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .spawn()
        .ok()?;
    fake.ready().await;
    fake.wait_request(|r| r.method == "PUT" && r.path.ends_with("/commands"))
        .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id()?)).ok()?;
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok());
    let _ = child.kill().await;
    rss
}

/// Where figures-bot's own time goes, per `/stage final`: answer, layout, JSON body.
fn own_work() -> (Duration, Duration, Duration, usize) {
    use figures_bot::answer::{Query, answer};
    use figures_bot::discord::embeds::reply_messages;
    let data = figures_bot::Dataset::load(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/repatriation-2025.toml"),
    )
    .expect("bundled data");
    let query = Query::Stage { stage: "final".into() };
    let n = 1_000u32;
    let started = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(answer(&data, &query).unwrap());
    }
    let answering = started.elapsed() / n;
    let reply = answer(&data, &query).unwrap();
    let started = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(reply_messages(&reply, "x"));
    }
    let layout = started.elapsed() / n;
    let messages = reply_messages(&reply, "x");
    let started = std::time::Instant::now();
    let mut bytes = 0;
    for _ in 0..n {
        bytes = serde_json::to_vec(&messages[0].to_interaction(false)).unwrap().len();
    }
    (answering, layout, started.elapsed() / n, bytes)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: run only under bench.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let (ours_rig, stop_ours) = figures_bot_rig().await;
        let (floor_rig_, floor_shards) = floor_rig(CreateInteractionResponseMessage::new().content("fixed")).await;
        let (same_rig, same_shards) = floor_rig(same_size_reply()).await;
        let rigs = [&ours_rig, &floor_rig_, &same_rig];
        // Rounds alternate between the three bots in blocks, so that the machine's drift (other
        // work, frequency) falls on all of them alike.
        let mut latencies: [Vec<Duration>; 3] = Default::default();
        for rig in rigs {
            measure(rig, WARMUP).await;
        }
        for _ in 0..BLOCKS {
            for (k, rig) in rigs.iter().enumerate() {
                latencies[k].extend(measure(rig, ROUNDS / BLOCKS).await);
            }
        }
        for l in &mut latencies {
            l.sort();
        }
        let [ours, floor, same_size] = latencies;
        let _ = stop_ours.send(());
        floor_shards.shutdown_all().await;
        same_shards.shutdown_all().await;
        let (p50, p99) = (percentile(&ours, 0.5), percentile(&ours, 0.99));
        let (f50, f99) = (percentile(&floor, 0.5), percentile(&floor, 0.99));
        let (s50, s99) = (percentile(&same_size, 0.5), percentile(&same_size, 0.99));
        println!("interaction dispatched → callback received, {ROUNDS} rounds on loopback");
        println!("  figures-bot /stage final                 p50 {p50:>9.1?}   p99 {p99:>9.1?}");
        println!("  minimal serenity bot, fixed string       p50 {f50:>9.1?}   p99 {f99:>9.1?}");
        println!("  minimal serenity bot, same 4 KB embeds   p50 {s50:>9.1?}   p99 {s99:>9.1?}");
        println!("  ratio at p50: {:.2} against the fixed string (target ≤ 1.20), {:.2} against the same-size reply",
            p50.as_secs_f64() / f50.as_secs_f64(), p50.as_secs_f64() / s50.as_secs_f64());
        let (answering, layout, json, bytes) = own_work();
        println!("  figures-bot's own work per reply: answer {answering:.1?}, embeds {layout:.1?}, JSON {json:.1?} ({bytes} bytes)");
        match idle_rss_kib().await {
            Some(kib) => println!("idle resident memory after READY: {:.1} MB (target < 30 MB)", kib as f64 / 1024.0),
            None => println!("idle resident memory: could not be measured (no /proc?)"),
        }
    });
}
