//! The real bot (serenity client, handler, embeds, pings) against a fake Discord on 127.0.0.1
//! that speaks Discord's REST and gateway wire format.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::support::fake_discord::{FakeConfig, FakeDiscord, RecordedRequest};
use figures_bot::Library;
use figures_bot::discord::live::Fixed;
use figures_bot::discord::{BotError, BotSettings, Refusal, run, run_live, token};
use figures_bot::live::Live;
use figures_bot::watch::WatchConfig;
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

const GUILD: u64 = 1_200_000_000_000_000_001;
const USER: u64 = 1_300_000_000_000_000_001;
const ROLE: u64 = 1_400_000_000_000_000_001;
const CHANNEL: u64 = 1_500_000_000_000_000_001;
const TOKEN: &str = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.fake.e2e-token-for-the-fake-discord";

struct Bot {
    fake: FakeDiscord,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
    pings: mpsc::Sender<String>,
}

fn settings(fake: &FakeDiscord) -> BotSettings {
    BotSettings {
        token: token::parse(TOKEN, "test").unwrap(),
        api_proxy: Some(fake.rest_url()),
        guild_ids: vec![GUILD],
        channel_id: Some(CHANNEL),
        role_id: Some(ROLE),
        maintainer_channel_id: None,
        maintainer_role_id: None,
        dates: Default::default(),
    }
}

async fn fake_discord() -> FakeDiscord {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("warn")
        .with_test_writer()
        .try_init();
    FakeDiscord::start(FakeConfig {
        token: TOKEN.to_string(),
        guild_ids: vec![GUILD],
        ..FakeConfig::default()
    })
    .await
}

impl Bot {
    /// The bot on the bundled data, loaded once; pings are sent through `Bot::pings`.
    async fn start() -> Bot {
        let fake = fake_discord().await;
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/repatriation-2025.toml");
        let library = Library::load(&[data]).expect("bundled data");
        let settings = settings(&fake);
        let (stop, stopped) = oneshot::channel::<()>();
        let (pings, pings_rx) = mpsc::channel(8);
        let live = Arc::new(Fixed(Arc::new(library)));
        let task = tokio::spawn(async move {
            run(settings, live, Some(pings_rx), async {
                let _ = stopped.await;
            })
            .await
            .expect("bot runs");
        });
        Bot::connected(fake, stop, task, pings).await
    }

    /// The bot as `figures-bot run` runs it: live data, watched, with pings to the desk.
    async fn start_live(data: &Path) -> Bot {
        let fake = fake_discord().await;
        let live = Arc::new(Live::load(&[data.to_path_buf()]).expect("valid data"));
        let settings = settings(&fake);
        let (stop, stopped) = oneshot::channel::<()>();
        let watch = WatchConfig {
            debounce: Duration::from_millis(100),
            poll_interval: None,
        };
        let task = tokio::spawn(async move {
            run_live(settings, live, watch, async {
                let _ = stopped.await;
            })
            .await
            .expect("bot runs");
        });
        let (pings, _unused) = mpsc::channel(1);
        Bot::connected(fake, stop, task, pings).await
    }

    async fn connected(
        fake: FakeDiscord,
        stop: oneshot::Sender<()>,
        task: JoinHandle<()>,
        pings: mpsc::Sender<String>,
    ) -> Bot {
        fake.ready().await;
        // Commands are registered on READY; wait for them so every test starts from the same place.
        fake.wait_request(|r| r.method == "PUT" && r.path.ends_with("/commands"))
            .await;
        Bot {
            fake,
            stop: Some(stop),
            task,
            pings,
        }
    }

    async fn command(&self, name: &str, options: Value) -> Value {
        let handle = self.fake.send_command(name, options, Some(GUILD), USER);
        self.fake.wait_callback(&handle.id).await
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(Duration::from_secs(10), &mut self.task)
            .await
            .expect("bot shuts down")
            .expect("bot task");
        self.fake.assert_no_violations();
    }
}

fn string_option(name: &str, value: &str) -> Value {
    json!({ "name": name, "type": 3, "value": value })
}

/// `detail: true`: the full answer rather than the short one.
fn detail() -> Value {
    json!({ "name": "detail", "type": 5, "value": true })
}

/// Everything the user sees in a callback: content, titles, descriptions, fields, footers.
fn visible_text(callback: &Value) -> String {
    let data = &callback["data"];
    let mut out = data["content"].as_str().unwrap_or_default().to_string();
    for embed in data["embeds"].as_array().into_iter().flatten() {
        for key in ["title", "description"] {
            out.push('\n');
            out.push_str(embed[key].as_str().unwrap_or_default());
        }
        for field in embed["fields"].as_array().into_iter().flatten() {
            out.push('\n');
            out.push_str(field["name"].as_str().unwrap_or_default());
            out.push('\n');
            out.push_str(field["value"].as_str().unwrap_or_default());
        }
        out.push('\n');
        out.push_str(embed["footer"]["text"].as_str().unwrap_or_default());
    }
    out
}

fn ephemeral(callback: &Value) -> bool {
    callback["data"]["flags"].as_u64().is_some_and(|f| f & 64 != 0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registers_every_command_with_described_options() {
    let bot = Bot::start().await;
    let commands = bot.fake.registered_commands(Some(GUILD));
    let names: Vec<&str> = commands.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "total",
            "stage",
            "discrepancy",
            "checks",
            "source",
            "timeline",
            "about",
            "reload",
            "subscribe",
            "unsubscribe"
        ]
    );
    let registration = bot
        .fake
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT" && r.path.ends_with(&format!("/guilds/{GUILD}/commands")))
        .expect("guild bulk overwrite");
    let sent = registration.body.unwrap();
    for command in sent.as_array().unwrap() {
        assert!(!command["description"].as_str().unwrap().is_empty());
        let options = command["options"].as_array().cloned().unwrap_or_default();
        for option in &options {
            assert!(!option["description"].as_str().unwrap().is_empty(), "{option}");
        }
        let name = command["name"].as_str().unwrap();
        if ["total", "stage", "discrepancy", "checks", "source", "timeline", "about"].contains(&name) {
            let names: Vec<&str> = options.iter().map(|o| o["name"].as_str().unwrap()).collect();
            assert!(names.ends_with(&["story", "private", "detail"]), "{name}: {names:?}");
        }
    }
    let stage = &sent.as_array().unwrap()[1];
    let option = &stage["options"][0];
    let expected = json!({
        "type": 3, "name": "stage", "description": "The stage: name, date or number",
        "required": true, "autocomplete": true, "max_length": 100
    });
    for (key, value) in expected.as_object().unwrap() {
        assert_eq!(&option[key], value, "stage option {key}");
    }
    let reload = sent.as_array().unwrap().iter().find(|c| c["name"] == "reload").unwrap();
    assert_eq!(reload["default_member_permissions"], "32", "Manage Server only");
    // Global commands were not touched: guild registration was configured.
    assert!(
        !bot.fake
            .requests()
            .iter()
            .any(|r| r.method == "PUT"
                && r.path == format!("/applications/{}/commands", bot.fake.config().application_id))
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stage_reply_carries_both_figures_their_sources_and_mentions_no_one() {
    let bot = Bot::start().await;
    let callback = bot
        .command("stage", json!([string_option("stage", "final"), detail()]))
        .await;
    assert_eq!(callback["type"], 4);
    assert!(!ephemeral(&callback));
    assert_eq!(callback["data"]["allowed_mentions"]["parse"], json!([]));
    let text = visible_text(&callback);
    assert!(
        text.contains("Ukraine's Coordination Headquarters for the Treatment of Prisoners of War (UA) — 1,245 bodies"),
        "{text}"
    );
    assert!(text.contains("Russia's Defence Ministry (RU) — 1,248 bodies"), "{text}");
    assert!(text.contains("[The Moscow Times](https://www.themoscowtimes.com/2025/06/16/russia-returns-12k-bodies-to-ukraine-in-final-stage-of-repatriation-deal-a89457) (16 June 2025)"));
    assert!(text.contains("[Sputnik](https://sputnikglobe.com/20250616/russia-completes-transfer-of-6060-ukrainian-soldiers-bodies-under-istanbul-deal-1122261732.html)"));
    assert!(
        callback["data"]["content"]
            .as_str()
            .unwrap()
            .starts_with("**Paste-ready:** Ukraine's Coordination Headquarters")
    );
    assert!(text.contains("version 1 · last reviewed 26 November 2026"), "footer");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_lookup_answers_within_limits_and_private_is_ephemeral() {
    let bot = Bot::start().await;
    let total = bot.command("total", json!([detail()])).await;
    let text = visible_text(&total);
    assert!(text.contains("6,057") && text.contains("6,060"));
    assert!(
        text.contains("lies entirely in Stage 5 (final), 16 June 2025 (1,245 vs 1,248)"),
        "{text}"
    );

    let offers = bot
        .command(
            "discrepancy",
            json!([string_option("quantity", "bodies-offered"), detail()]),
        )
        .await;
    let text = visible_text(&offers);
    assert!(
        text.contains("2,239") && text.contains("about 3,000") && text.contains("2,000"),
        "{text}"
    );

    // Every disagreement does not fit one message: the reply continues in follow-ups.
    let handle = bot
        .fake
        .send_command("discrepancy", json!([detail()]), Some(GUILD), USER);
    let first = bot.fake.wait_callback(&handle.id).await;
    assert!(visible_text(&first).starts_with("**Paste-ready:**"));
    let followup = bot
        .fake
        .wait_request(|r| {
            r.method == "POST"
                && r.path.ends_with(&handle.token)
                && r.body
                    .as_ref()
                    .is_some_and(|b| b.to_string().contains("Mutual exchange"))
        })
        .await;
    assert_eq!(followup.status, 200);
    let record = bot.fake.interaction(&handle.id).unwrap();
    let all: String = std::iter::once(visible_text(&first))
        .chain(record.followups.iter().map(|f| visible_text(&json!({ "data": f }))))
        .collect();
    assert!(
        all.contains("Rustem Umerov and Volodymyr Zelensky: Mutual exchange"),
        "{all}"
    );
    for followup in &record.followups {
        assert_eq!(followup["allowed_mentions"]["parse"], json!([]));
    }

    let medinsky = bot
        .command(
            "source",
            json!([string_option("claimant", "medinsky"), {"name": "private", "type": 5, "value": true}]),
        )
        .await;
    assert!(ephemeral(&medinsky));
    assert!(visible_text(&medinsky).contains("What Vladimir Medinsky said"));

    let checks = bot
        .command("checks", json!([string_option("quantity", "bodies-exchanged")]))
        .await;
    let text = visible_text(&checks);
    assert!(
        text.contains("consistent — The Moscow Times (own framing): 1,029 bodies"),
        "{text}"
    );
    assert!(
        text.contains(
            "(1,000 per Vladimir Medinsky or 1,003 per Vladimir Medinsky) + (26 per Vladimir Medinsky or 29 per \
             NEWS.ru (own sentence)) = 1,026–1,032 bodies"
        ),
        "{text}"
    );

    for name in ["timeline", "about"] {
        let callback = bot.command(name, json!([])).await;
        assert_eq!(callback["type"], 4, "{name}");
        assert!(!ephemeral(&callback));
    }
    bot.stop().await; // asserts the fake saw no body breaking a Discord limit
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autocomplete_offers_ranked_choices() {
    let bot = Bot::start().await;
    let handle = bot.fake.send_autocomplete(
        "stage",
        json!([{ "name": "stage", "type": 3, "value": "fin", "focused": true }]),
        Some(GUILD),
        USER,
    );
    let callback = bot.fake.wait_callback(&handle.id).await;
    assert_eq!(callback["type"], 8);
    let choices = callback["data"]["choices"].as_array().unwrap();
    assert_eq!(
        choices[0],
        json!({ "name": "Stage 5 (final) — 16 June 2025", "value": "stage-5" })
    );

    let handle = bot.fake.send_autocomplete(
        "source",
        json!([{ "name": "claimant", "type": 3, "value": "med", "focused": true }]),
        Some(GUILD),
        USER,
    );
    let callback = bot.fake.wait_callback(&handle.id).await;
    let first = &callback["data"]["choices"][0];
    assert_eq!(first["value"], "medinsky");

    let handle = bot.fake.send_autocomplete(
        "stage",
        json!([{ "name": "stage", "type": 3, "value": "", "focused": true }]),
        Some(GUILD),
        USER,
    );
    let callback = bot.fake.wait_callback(&handle.id).await;
    assert_eq!(
        callback["data"]["choices"].as_array().unwrap().len(),
        11,
        "every stage, at most 25"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_stage_gets_a_private_reply_with_the_closest_matches() {
    let bot = Bot::start().await;
    let callback = bot.command("stage", json!([string_option("stage", "finall")])).await;
    assert!(ephemeral(&callback));
    assert_eq!(
        callback["data"]["content"],
        "⚠️ no stage matches `finall`; did you mean Stage 5 (final) — 16 June 2025?"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_again_after_the_connection_drops() {
    let bot = Bot::start().await;
    for code in [1001, 4000] {
        let resumes = bot.fake.resume_count();
        bot.fake.drop_connection(code);
        let callback = bot.command("stage", json!([string_option("stage", "16 june")])).await;
        assert!(visible_text(&callback).contains("1,248 bodies"), "after close {code}");
        assert!(bot.fake.resume_count() > resumes, "resumed after close {code}");
    }
    assert_eq!(bot.fake.identify_count(), 1, "resumed, never re-identified");
    bot.stop().await;
}

/// A message posted to `channel`.
fn posted_to(r: &RecordedRequest, channel: u64) -> bool {
    r.method == "POST" && r.path == format!("/channels/{channel}/messages")
}

fn channel_posts(fake: &FakeDiscord) -> Vec<RecordedRequest> {
    fake.requests().into_iter().filter(|r| posted_to(r, CHANNEL)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_pings_honour_retry_after_and_ping_only_the_role() {
    let bot = Bot::start().await;
    bot.fake.fail_next(
        "POST /channels/*/messages",
        429,
        json!({ "message": "You are being rate limited.", "retry_after": 0.3, "global": false }),
    );
    bot.pings
        .send("Data updated: @everyone <@&999> see RB25-F001".to_string())
        .await
        .unwrap();
    let posted = bot
        .fake
        .wait_request(|r| posted_to(r, CHANNEL) && r.status == 200)
        .await;
    let posts = channel_posts(&bot.fake);
    assert_eq!(posts.len(), 2, "one refused with 429, one retried");
    assert_eq!(posts[0].status, 429);
    let waited = posts[1].at.duration_since(posts[0].at);
    assert!(
        waited >= Duration::from_millis(300),
        "honoured retry_after: waited {waited:?}"
    );
    let body = posted.body.unwrap();
    assert_eq!(
        body["allowed_mentions"],
        json!({ "parse": [], "roles": [ROLE.to_string()] })
    );
    assert!(
        body["content"]
            .as_str()
            .unwrap()
            .starts_with(&format!("<@&{ROLE}> Data updated"))
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribe_gives_the_role_and_reload_is_for_admins() {
    let bot = Bot::start().await;
    let callback = bot.command("subscribe", json!([])).await;
    assert!(ephemeral(&callback));
    let put = bot
        .fake
        .wait_request(|r| r.method == "PUT" && r.path == format!("/guilds/{GUILD}/members/{USER}/roles/{ROLE}"))
        .await;
    assert_eq!(put.status, 204);
    assert_eq!(callback["data"]["allowed_mentions"]["parse"], json!([]));

    let refused = bot.command("reload", json!([])).await;
    assert!(ephemeral(&refused));
    assert_eq!(
        refused["data"]["content"],
        "Only members with Manage Server can reload the data."
    );

    let mut payload = bot.fake.interaction_payload(2, "reload", json!([]), Some(GUILD), USER);
    payload["member"]["permissions"] = json!("32");
    let handle = bot.fake.send_interaction(payload);
    let deferred = bot.fake.wait_callback(&handle.id).await;
    assert_eq!(deferred["type"], 5, "deferred first: reloading may be slow");
    let edit = bot
        .fake
        .wait_request(|r| r.method == "PATCH" && r.path.ends_with("/messages/@original"))
        .await;
    assert_eq!(edit.body.unwrap()["content"], "This instance does not reload its data.");
    bot.stop().await;
}

/// Saves `text` the way editors' tools do: a temporary file renamed over the data file.
fn save(path: &Path, text: &str) {
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_edit_is_served_and_the_desk_is_pinged_with_what_changed() {
    let (_dir, path, original) = bundled_copy();
    let bot = Bot::start_live(&path).await;

    let edited = original.replacen("value = 1245", "value = 1250", 1);
    assert_ne!(edited, original);
    save(&path, &edited);
    let ping = bot.fake.wait_request(|r| posted_to(r, CHANNEL)).await;
    let body = ping.body.unwrap();
    let content = body["content"].as_str().unwrap();
    assert!(content.starts_with(&format!("<@&{ROLE}> ")), "{content}");
    assert!(content.contains("1,245 → 1,250"), "{content}");
    assert!(content.encode_utf16().count() <= 2000);
    assert_eq!(
        body["allowed_mentions"],
        json!({ "parse": [], "roles": [ROLE.to_string()] })
    );
    let callback = bot.command("stage", json!([string_option("stage", "final")])).await;
    assert!(
        visible_text(&callback).contains("1,250 bodies"),
        "the new version is served"
    );

    // A broken save: the old version stays, the desk hears exactly what is wrong.
    save(&path, &edited.replacen("value = 1250", "value = -1250", 1));
    let rejected = bot
        .fake
        .wait_request(|r| r.method == "POST" && r.body.as_ref().is_some_and(|b| b.to_string().contains("rejected")))
        .await;
    let text = rejected.body.unwrap()["content"].as_str().unwrap().to_string();
    assert!(text.contains("repatriation-2025.toml:"), "{text}");
    assert!(text.contains("negative value -1250"), "{text}");
    let callback = bot.command("stage", json!([string_option("stage", "final")])).await;
    assert!(
        visible_text(&callback).contains("1,250 bodies"),
        "still serving the last good version"
    );
    let about = visible_text(&bot.command("about", json!([])).await);
    assert!(about.contains("Version 2 loaded at"), "{about}");
    assert!(
        about.contains("Last rejected update:") && about.contains("negative value -1250"),
        "{about}"
    );
    assert_eq!(about.matches("SHA-256").count(), 1);
    bot.stop().await;
}

/// Runs the bot on the bundled data with `settings` until it returns by itself.
async fn run_until_it_stops(settings: BotSettings) -> Result<(), BotError> {
    let library = Library::load(&[Path::new(env!("CARGO_MANIFEST_DIR")).join("data/repatriation-2025.toml")]).unwrap();
    let run = run(
        settings,
        Arc::new(Fixed(Arc::new(library))),
        None,
        std::future::pending(),
    );
    tokio::time::timeout(Duration::from_secs(10), run)
        .await
        .expect("the bot stops by itself")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_stops_the_bot_saying_what_to_fix() {
    let fake = fake_discord().await;
    let mut settings = settings(&fake);
    settings.token = token::parse("MTE.wrong.token-the-fake-refuses", "test").unwrap();
    // The fake closes the IDENTIFY with 4004 (authentication failed): retrying cannot help.
    let error = run_until_it_stops(settings).await.expect_err("refused");
    assert!(matches!(error, BotError::Refused(Refusal::Token)), "{error:?}");
    assert_eq!(
        error.to_string(),
        "Discord refused the bot token (close 4004): check DISCORD_TOKEN or discord.token_file"
    );
    let gateway_calls = fake.requests().iter().filter(|r| r.path == "/gateway").count();
    assert_eq!(gateway_calls, 1, "no second client was started");
}

/// A fake Discord that closes every IDENTIFY with `close`.
async fn fake_closing_identify(close: u16) -> FakeDiscord {
    FakeDiscord::start(FakeConfig {
        token: TOKEN.to_string(),
        guild_ids: vec![GUILD],
        identify_close: Some(close),
        ..FakeConfig::default()
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_intents_stop_the_bot_saying_what_to_fix() {
    for (close, refusal, advice) in [
        (4013, Refusal::InvalidIntents, "figures-bot asks only for GUILDS"),
        (4014, Refusal::DisallowedIntents, "in the Developer Portal"),
    ] {
        let fake = fake_closing_identify(close).await;
        let error = run_until_it_stops(settings(&fake)).await.expect_err("refused");
        assert!(
            matches!(&error, BotError::Refused(r) if *r == refusal),
            "{close}: {error:?}"
        );
        let message = error.to_string();
        assert!(message.contains(&format!("(close {close})")), "{message}");
        assert!(message.contains(advice), "{message}");
    }
}

/// `figures-bot run` against `fake` with `token` and `RUST_LOG=rust_log`, until it exits by
/// itself: its exit code and standard error.
async fn run_binary_until_it_exits(fake: &FakeDiscord, token: &str, rust_log: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("figures-bot.toml");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/repatriation-2025.toml");
    let text = format!(
        "data = {:?}\n[discord]\nguild_ids = [{GUILD}]\napi_proxy = {:?}\n",
        data.display().to_string(),
        fake.rest_url()
    );
    std::fs::write(&config, text).unwrap();
    // Standard error goes to a file, so that a bot that does not exit still shows what it said.
    let log = dir.path().join("stderr.log");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_figures-bot"))
        .args(["run", "--config"])
        .arg(&config)
        .env("DISCORD_TOKEN", token)
        .env("RUST_LOG", rust_log)
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let status = tokio::time::timeout(Duration::from_secs(15), child.wait()).await;
    let stderr = std::fs::read_to_string(&log).unwrap();
    let status = status.unwrap_or_else(|_| panic!("the bot did not exit by itself; it said:\n{stderr}"));
    (status.unwrap().code(), stderr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_exits_1_when_discord_refuses_the_token() {
    let fake = fake_discord().await;
    let (code, stderr) = run_binary_until_it_exits(&fake, "MTE.wrong.token-the-fake-refuses", "warn").await;
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("check DISCORD_TOKEN or discord.token_file"), "{stderr}");
}

/// serenity 0.12.5 would reconnect after these forever; the binary notices them in serenity's
/// logs, even when `RUST_LOG` hides serenity's warnings from the terminal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_exits_1_on_the_closes_serenity_would_retry_forever() {
    for (close, advice) in [
        (4010, "figures-bot connects as one shard"),
        (4011, "remove it from servers it does not need"),
        (4012, "update figures-bot"),
    ] {
        let fake = fake_closing_identify(close).await;
        let (code, stderr) = run_binary_until_it_exits(&fake, TOKEN, "error").await;
        assert_eq!(code, Some(1), "{close}: {stderr}");
        assert!(stderr.contains(&format!("(close {close})")), "{close}: {stderr}");
        assert!(stderr.contains(advice), "{close}: {stderr}");
        assert_eq!(
            fake.identify_attempts(),
            1,
            "{close}: stopped after the first refusal, not retried"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Pings that lead with what matters, for the right people (issue 11). Self-contained: each test
// starts its own bot.

const MAINTAINER_CHANNEL: u64 = 1_500_000_000_000_000_777;
const MAINTAINER_ROLE: u64 = 1_400_000_000_000_000_777;

/// `figures-bot run` on `data`, with the maintainers' channel and role set when asked.
async fn live_bot_with(data: &Path, maintainers: bool) -> (FakeDiscord, oneshot::Sender<()>, JoinHandle<()>) {
    let fake = fake_discord().await;
    let live = Arc::new(Live::load(&[data.to_path_buf()]).expect("valid data"));
    let mut settings = settings(&fake);
    if maintainers {
        settings.maintainer_channel_id = Some(MAINTAINER_CHANNEL);
        settings.maintainer_role_id = Some(MAINTAINER_ROLE);
    }
    let (stop, stopped) = oneshot::channel::<()>();
    let watch = WatchConfig {
        debounce: Duration::from_millis(100),
        poll_interval: None,
    };
    let task = tokio::spawn(async move {
        run_live(settings, live, watch, async {
            let _ = stopped.await;
        })
        .await
        .expect("bot runs");
    });
    fake.ready().await;
    fake.wait_request(|r| r.method == "PUT" && r.path.ends_with("/commands"))
        .await;
    (fake, stop, task)
}

async fn stop_live_bot(fake: FakeDiscord, stop: oneshot::Sender<()>, task: JoinHandle<()>) {
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("bot shuts down")
        .expect("bot task");
    fake.assert_no_violations();
}

fn bundled_text() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/repatriation-2025.toml")).unwrap()
}

/// The bundled story copied into a fresh folder, to be saved over: the folder (kept alive by the
/// caller), the file, and its text.
fn bundled_copy() -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("repatriation-2025.toml");
    let original = bundled_text();
    std::fs::write(&path, &original).unwrap();
    (dir, path, original)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_saves_go_to_the_maintainers_and_never_ping_the_desk_role() {
    let (dir, path, original) = bundled_copy();
    let (fake, stop, task) = live_bot_with(&path, true).await;

    save(&path, &original.replacen("value = 1245", "value = 12 45", 1));
    let rejected = fake.wait_request(|r| posted_to(r, MAINTAINER_CHANNEL)).await;
    let body = rejected.body.unwrap();
    let content = body["content"].as_str().unwrap();
    assert_eq!(
        content.lines().take(2).collect::<Vec<_>>(),
        [
            format!("<@&{MAINTAINER_ROLE}> **Update rejected**: `repatriation-2025.toml`"),
            "• repatriation-2025.toml:832:9: numbers take no spaces: write 1245".to_string(),
        ]
    );
    assert_eq!(
        body["allowed_mentions"],
        json!({ "parse": [], "roles": [MAINTAINER_ROLE.to_string()] })
    );
    assert!(
        !content.contains(&dir.path().display().to_string()),
        "no server path: {content}"
    );
    assert!(channel_posts(&fake).is_empty(), "nothing went to the desk's channel");

    // The fix is news for the desk: their channel, their role.
    save(&path, &original.replacen("value = 1245", "value = 1250", 1));
    let fixed = fake.wait_request(|r| posted_to(r, CHANNEL)).await;
    let content = fixed.body.unwrap()["content"].as_str().unwrap().to_string();
    assert!(content.starts_with(&format!("<@&{ROLE}> ")), "{content}");
    assert!(
        content.contains("Fixed: the earlier rejected update is resolved."),
        "{content}"
    );
    stop_live_bot(fake, stop, task).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_maintainer_settings_a_rejection_goes_to_the_update_channel_without_the_role() {
    let (_dir, path, original) = bundled_copy();
    let (fake, stop, task) = live_bot_with(&path, false).await;
    save(&path, &original.replacen("value = 1245", "value = \"1,246\"", 1));
    let rejected = fake.wait_request(|r| posted_to(r, CHANNEL)).await;
    let body = rejected.body.unwrap();
    let content = body["content"].as_str().unwrap();
    assert!(
        content.starts_with("**Update rejected**: `repatriation-2025.toml`"),
        "{content}"
    );
    assert_eq!(body["allowed_mentions"], json!({ "parse": [], "roles": [] }));
    stop_live_bot(fake, stop, task).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ping_leads_with_the_consequence_and_never_cuts_a_link() {
    let (_dir, path, original) = bundled_copy();
    let (fake, stop, task) = live_bot_with(&path, false).await;

    // 1,245 → 1,246, with a first citation whose link is too long for one line of a ping.
    let long_url = format!("https://example.org/{}", "very-long-path/".repeat(20));
    let citation = format!("[[claim.citation]]\noutlet = \"moscow-times\"\nurl = \"{long_url}\"\n");
    let edited = original
        .replacen("value = 1245\n", "value = 1246\n", 1)
        .replacen("[[claim.citation]]\n", &citation, 1)
        .replacen(&citation, &format!("{citation}[[claim.citation]]\n"), 1);
    save(&path, &edited);
    let ping = fake.wait_request(|r| posted_to(r, CHANNEL)).await;
    let content = ping.body.unwrap()["content"].as_str().unwrap().to_string();
    let first = content.lines().next().unwrap();
    // The consequence leads: the parties' new disagreement first, the total that no longer adds up
    // among the consequences, before the change itself.
    assert!(
        first.starts_with(&format!(
            "<@&{ROLE}> **New discrepancy**: Stage 5 (final), 16 June 2025: 1,246 vs 1,248 bodies"
        )),
        "the first line is the new disagreement between the parties: {content}"
    );
    let total = content
        .find("contradicts the sum of the stage figures: 1,212 + 1,200 + 1,200 + 1,200 + 1,246 = 6,058 bodies")
        .expect("the total that no longer adds up is named");
    assert!(total < content.find("1,245 → 1,246").expect("the change"), "{content}");
    assert!(content.contains("1,245 → 1,246"), "{content}");
    assert!(
        !content.contains("example.org/very-long-path"),
        "the long link is left out whole: {content}"
    );
    assert!(content.contains("source left out"), "{content}");
    for (at, _) in content.match_indices("<http") {
        let rest = &content[at..];
        let end = rest.find(['\n', ' ']).unwrap_or(rest.len());
        assert!(rest[..end].ends_with('>'), "a cut link: {}", &rest[..end]);
    }
    stop_live_bot(fake, stop, task).await;
}

/// git in `dir`, as a known author, with no user or system configuration.
fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Ann Editor",
            "-c",
            "user.email=ann@example.org",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_committed_save_names_its_author_and_an_uncommitted_one_names_no_one() {
    let (dir, path, original) = bundled_copy();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "repatriation-2025.toml"]);
    git(dir.path(), &["commit", "-q", "-m", "Start"]);
    // The edit is committed on a branch, then brought in as `git pull` would: the file and the
    // commit arrive together.
    git(dir.path(), &["checkout", "-q", "-b", "edit"]);
    std::fs::write(&path, original.replacen("value = 1245", "value = 1250", 1)).unwrap();
    git(dir.path(), &["commit", "-q", "-am", "Fix the final-stage figure"]);
    git(dir.path(), &["checkout", "-q", "main"]);
    let (fake, stop, task) = live_bot_with(&path, false).await;

    git(dir.path(), &["merge", "-q", "--ff-only", "edit"]);
    let ping = fake.wait_request(|r| posted_to(r, CHANNEL)).await;
    let content = ping.body.unwrap()["content"].as_str().unwrap().to_string();
    assert!(content.contains("1,245 → 1,250"), "{content}");
    assert!(
        content.ends_with("\nSaved by Ann Editor: “Fix the final-stage figure”"),
        "{content}"
    );

    // Saved but not committed: nobody is named.
    save(&path, &original.replacen("value = 1245", "value = 1260", 1));
    let second = fake
        .wait_request(|r| {
            r.method == "POST" && r.body.as_ref().is_some_and(|b| b.to_string().contains("1,250 → 1,260"))
        })
        .await;
    let content = second.body.unwrap()["content"].as_str().unwrap().to_string();
    assert!(!content.contains("Saved by"), "{content}");
    stop_live_bot(fake, stop, task).await;
}

/// Issue 10, point 2: by default a reply is one short message (at most 1,500 characters): the
/// gap, one line per side, at most two sources per figure, the sentence as the message text, no
/// claim ids or side tags; `detail` gives everything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_reply_is_one_short_message() {
    let bot = Bot::start().await;
    for (command, options, sides) in [
        (
            "stage",
            json!([string_option("stage", "final")]),
            ["1,245 bodies", "1,248 bodies"],
        ),
        ("total", json!([]), ["6,057 bodies", "6,060 bodies"]),
    ] {
        let handle = bot.fake.send_command(command, options, Some(GUILD), USER);
        let callback = bot.fake.wait_callback(&handle.id).await;
        let text = visible_text(&callback);
        assert!(
            text.chars().count() <= 1_500,
            "{command}: {} characters\n{text}",
            text.chars().count()
        );
        assert_eq!(callback["data"]["allowed_mentions"]["parse"], json!([]));
        assert!(
            callback["data"]["content"]
                .as_str()
                .unwrap()
                .contains("Ukraine's Coordination Headquarters for the Treatment of Prisoners of War said"),
            "{text}"
        );
        assert!(
            !text.contains("RB25-") && !text.contains("(UA)") && !text.contains("(RU)"),
            "{text}"
        );
        assert!(!text.contains("more sources"), "{text}");
        for field in callback["data"]["embeds"][0]["fields"].as_array().into_iter().flatten() {
            assert!(field["value"].as_str().unwrap().matches("](").count() <= 2, "{field}");
        }
        // One line per side, each side's figure.
        for figure in sides {
            assert!(text.contains(figure), "{command}: {figure}\n{text}");
        }
        // One message: nothing follows.
        assert!(
            bot.fake.interaction(&handle.id).unwrap().followups.is_empty(),
            "{command}"
        );
    }
    bot.stop().await;
}

/// Issue 10, point 2: under the short reply, More gives the full answer and Copy the
/// paste-ready sentence alone as plain text, both privately and within Discord's limits and
/// deadline (the fake refuses anything else).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_and_copy_buttons_answer_privately() {
    let bot = Bot::start().await;
    let short = bot.command("stage", json!([string_option("stage", "final")])).await;
    let rows = short["data"]["components"].as_array().expect("an action row");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["type"], 1);
    let buttons = rows[0]["components"].as_array().unwrap();
    let labels: Vec<&str> = buttons.iter().map(|b| b["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["More", "Copy"]);
    for b in buttons {
        assert_eq!((b["type"].as_u64(), b["style"].as_u64()), (Some(2), Some(2)), "{b}");
        assert!(b["custom_id"].as_str().unwrap().chars().count() <= 100, "{b}");
    }
    let id = |i: usize| buttons[i]["custom_id"].as_str().unwrap().to_string();

    let more = bot.fake.send_component(&id(0), Some(GUILD), USER);
    let full = bot.fake.wait_callback(&more.id).await;
    assert_eq!(full["type"], 4);
    assert!(ephemeral(&full), "{full}");
    assert_eq!(full["data"]["allowed_mentions"]["parse"], json!([]));
    assert!(
        full["data"]["components"].as_array().is_none_or(Vec::is_empty),
        "{full}"
    );
    let mut text = visible_text(&full);
    for followup in bot.fake.interaction(&more.id).unwrap().followups {
        assert_eq!(followup["flags"].as_u64().unwrap_or(0) & 64, 64, "{followup}");
        text.push_str(&visible_text(&json!({ "data": followup })));
    }
    assert!(text.contains("RB25-F001"), "{text}");

    let copy = bot.fake.send_component(&id(1), Some(GUILD), USER);
    let plain = bot.fake.wait_callback(&copy.id).await;
    assert_eq!(plain["type"], 4);
    assert!(ephemeral(&plain), "{plain}");
    assert_eq!(plain["data"]["allowed_mentions"]["parse"], json!([]));
    assert!(plain["data"]["embeds"].as_array().is_none_or(Vec::is_empty), "{plain}");
    let sentence = short["data"]["content"]
        .as_str()
        .unwrap()
        .strip_prefix("**Paste-ready:** ")
        .unwrap();
    assert_eq!(plain["data"]["content"].as_str().unwrap(), sentence);

    // A button from an older build, or for a command that is gone: ask again.
    let stale = bot.fake.send_component("more:nosuchcommand|x", Some(GUILD), USER);
    let again = bot.fake.wait_callback(&stale.id).await;
    assert!(ephemeral(&again));
    assert!(
        again["data"]["content"]
            .as_str()
            .unwrap()
            .contains("ask the question again"),
        "{again}"
    );

    bot.fake.assert_no_violations();
    bot.stop().await;
}
