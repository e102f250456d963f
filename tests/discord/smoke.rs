//! The fake Discord works with the real serenity 0.12.5 client: a minimal bot connects,
//! registers a command, answers interactions, survives a dropped gateway connection, and the
//! fake's REST faults, auth and limit checks reach the caller.

use std::sync::Arc;
use std::time::Duration;

use crate::support::fake_discord::{FakeConfig, FakeDiscord};
use serde_json::{Value, json};
use serenity::all::{
    ChannelId, Client, ClientBuilder, Command, CommandOptionType, Context, CreateAutocompleteResponse, CreateCommand,
    CreateCommandOption, CreateInteractionResponse, CreateInteractionResponseMessage, EventHandler, GatewayIntents,
    Guild, Interaction, Ready, ResumedEvent, ShardManager,
};
use serenity::http::{HttpBuilder, HttpError, LightMethod, Request, Route};
use tokio::sync::watch;
use tokio::task::JoinHandle;

const REPLY: &str = "fixed reply from the smoke bot";
/// Interactions with this name are left unanswered, for tests to answer by hand.
const IGNORED: &str = "ignored";
const USER: u64 = 1_300_000_000_000_000_001;
/// Bound for anything that should take milliseconds; tests must never hang.
const LIMIT: Duration = Duration::from_secs(15);

/// Answers every command with `REPLY`; logs gateway events it saw into `events`.
struct SmokeBot {
    events: watch::Sender<Vec<String>>,
}

impl SmokeBot {
    fn saw(&self, event: String) {
        self.events.send_modify(|e| e.push(event));
    }
}

#[serenity::async_trait]
impl EventHandler for SmokeBot {
    async fn guild_create(&self, _ctx: Context, guild: Guild, _is_new: Option<bool>) {
        self.saw(format!(
            "guild_create {} channels={} roles={}",
            guild.id,
            guild.channels.len(),
            guild.roles.len()
        ));
    }

    async fn resume(&self, _ctx: Context, _event: ResumedEvent) {
        self.saw("resume".to_owned());
    }

    async fn ready(&self, ctx: Context, ready: Ready) {
        self.saw(format!(
            "ready app={} guilds={}",
            ready.application.id,
            ready.guilds.len()
        ));
        let query = CreateCommandOption::new(CommandOptionType::String, "query", "What to look up")
            .required(true)
            .set_autocomplete(true);
        let command = CreateCommand::new("figure")
            .description("Look up a figure")
            .add_option(query);
        if let Err(e) = Command::set_global_commands(&ctx.http, vec![command]).await {
            tracing::warn!("registering commands failed: {e}");
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let result = match interaction {
            Interaction::Command(cmd) | Interaction::Autocomplete(cmd) if cmd.data.name == IGNORED => Ok(()),
            Interaction::Command(cmd) => {
                let message = CreateInteractionResponseMessage::new().content(REPLY);
                cmd.create_response(&ctx.http, CreateInteractionResponse::Message(message))
                    .await
            }
            Interaction::Autocomplete(ac) => {
                let choices = CreateAutocompleteResponse::new().add_string_choice("Alpha", "alpha");
                ac.create_response(&ctx.http, CreateInteractionResponse::Autocomplete(choices))
                    .await
            }
            _ => Ok(()),
        };
        if let Err(e) = result {
            tracing::warn!("answering an interaction failed: {e}");
        }
    }
}

fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("warn")
        .with_test_writer()
        .try_init();
}

/// A fake plus a real serenity client connected to it.
struct Running {
    fake: FakeDiscord,
    shards: Arc<ShardManager>,
    client: JoinHandle<()>,
    events: watch::Receiver<Vec<String>>,
}

impl Running {
    async fn start() -> Running {
        Running::start_with(FakeConfig::default()).await
    }

    async fn start_with(config: FakeConfig) -> Running {
        init_tracing();
        let fake = FakeDiscord::start(config).await;
        let (events_tx, events) = watch::channel(Vec::new());
        let mut client: Client = ClientBuilder::new_with_http(fake.http(), GatewayIntents::GUILDS)
            .event_handler(SmokeBot { events: events_tx })
            .await
            .expect("build client");
        let shards = client.shard_manager.clone();
        let client = tokio::spawn(async move {
            if let Err(e) = client.start().await {
                tracing::warn!("client stopped: {e}");
            }
        });
        fake.ready().await;
        Running {
            fake,
            shards,
            client,
            events,
        }
    }

    /// Waits until the bot's handlers saw `count` events equal to `event`.
    async fn saw(&mut self, event: &str, count: usize) {
        let seen = self
            .events
            .wait_for(|e| e.iter().filter(|x| *x == event).count() >= count);
        let ok = matches!(tokio::time::timeout(LIMIT, seen).await, Ok(Ok(_)));
        assert!(
            ok,
            "handler never saw {count}x {event:?}; saw {:?}",
            *self.events.borrow()
        );
    }

    fn guild(&self) -> u64 {
        self.fake.config().guild_ids[0]
    }

    async fn stop(self) {
        self.shards.shutdown_all().await;
        tokio::time::timeout(LIMIT, self.client)
            .await
            .expect("client stops")
            .expect("client task");
    }
}

/// Sends a command and returns its callback body.
async fn command_round_trip(bot: &Running) -> Value {
    let options = json!([{"name": "query", "type": 3, "value": "total"}]);
    let cmd = bot.fake.send_command("figure", options, Some(bot.guild()), USER);
    bot.fake.wait_callback(&cmd.id).await
}

fn status_and_code(err: serenity::Error) -> (u16, isize) {
    match err {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(resp)) => (resp.status_code.as_u16(), resp.error.code),
        other => panic!("expected an unsuccessful request, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bot_registers_commands_and_answers_interactions() {
    let mut bot = Running::start().await;
    let (app, guild) = (bot.fake.config().application_id, bot.guild());
    // READY and GUILD_CREATE reached the handlers, fully parsed.
    bot.saw(&format!("ready app={app} guilds=1"), 1).await;
    bot.saw(&format!("guild_create {guild} channels=1 roles=2"), 1).await;
    let fake = &bot.fake;
    assert_eq!(fake.identify_count(), 1);
    assert_eq!(fake.intents(), Some(GatewayIntents::GUILDS.bits()));

    let put = fake
        .wait_request(|r| r.method == "PUT" && r.path == format!("/applications/{app}/commands"))
        .await;
    assert_eq!(put.status, 200);
    assert_eq!(put.body.as_ref().expect("body")[0]["name"], "figure");
    assert_eq!(
        put.header("authorization"),
        Some(format!("Bot {}", fake.token()).as_str())
    );
    let registered = fake.registered_commands(None);
    assert_eq!(registered.len(), 1);

    let options = json!([{"name": "query", "type": 3, "value": "total"}]);
    let cmd = fake.send_command("figure", options, Some(bot.guild()), USER);
    let callback = fake.wait_callback(&cmd.id).await;
    assert_eq!(callback["type"], 4);
    assert_eq!(callback["data"]["content"], REPLY);
    let record = fake.interaction(&cmd.id).expect("record");
    assert!(record.latency().expect("answered") < LIMIT);

    // The interaction carries the id Discord gave the command at registration.
    let sent = fake.interaction_payload(2, "figure", json!([]), Some(bot.guild()), USER);
    assert_eq!(sent["data"]["id"], registered[0]["id"]);

    let focused = json!([{"name": "query", "type": 3, "value": "to", "focused": true}]);
    let ac = fake.send_autocomplete("figure", focused, Some(bot.guild()), USER);
    let choices = fake.wait_callback(&ac.id).await;
    assert_eq!(choices["type"], 8);
    assert_eq!(choices["data"]["choices"][0]["value"], "alpha");

    // A command in a DM works too (user instead of member).
    let dm = fake.send_command(
        "figure",
        json!([{"name": "query", "type": 3, "value": "x"}]),
        None,
        USER,
    );
    assert_eq!(fake.wait_callback(&dm.id).await["data"]["content"], REPLY);
    fake.assert_no_violations();

    // A second callback for the same interaction: Discord's 40060, recorded as a violation.
    let err = fake
        .http()
        .create_interaction_response(
            cmd.id.parse::<u64>().expect("id").into(),
            &cmd.token,
            &json!({"type": 4, "data": {"content": "again"}}),
            vec![],
        )
        .await
        .expect_err("second callback");
    assert_eq!(status_and_code(err), (400, 40060));
    let kinds: Vec<&str> = fake.violations().iter().map(|v| v.kind).collect();
    assert_eq!(kinds, ["already_acknowledged"]);

    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_resumes_after_dropped_connection() {
    let mut bot = Running::start().await;
    assert_eq!(command_round_trip(&bot).await["data"]["content"], REPLY);
    let fake = &bot.fake;

    fake.drop_connection(4000);
    // Dispatched while the client is away: must be replayed after RESUME.
    let missed = fake.send_command(
        "figure",
        json!([{"name": "query", "type": 3, "value": "x"}]),
        Some(bot.guild()),
        USER,
    );
    fake.ready().await;
    assert_eq!(fake.wait_callback(&missed.id).await["data"]["content"], REPLY);
    assert_eq!(command_round_trip(&bot).await["data"]["content"], REPLY);

    fake.drop_connection(1001);
    fake.ready().await;
    assert_eq!(command_round_trip(&bot).await["data"]["content"], REPLY);

    assert_eq!(fake.resume_count(), 2);
    assert_eq!(fake.identify_count(), 1, "a resume must not fall back to IDENTIFY");
    fake.assert_no_violations();
    bot.saw("resume", 2).await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeats_are_acknowledged() {
    // serenity checks its heartbeat timer about every 500 ms; a missing ack would make it reconnect.
    let config = FakeConfig {
        heartbeat_interval: Duration::from_millis(500),
        ..FakeConfig::default()
    };
    let bot = Running::start_with(config).await;
    bot.fake.wait_heartbeats(2).await;
    assert_eq!(command_round_trip(&bot).await["data"]["content"], REPLY);
    assert_eq!(
        (bot.fake.identify_count(), bot.fake.resume_count()),
        (1, 0),
        "no reconnect"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_faults_auth_and_limits_reach_the_caller() {
    init_tracing();
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let http = fake.http();
    let channel = ChannelId::new(FakeDiscord::channel_for(fake.config().guild_ids[0]));

    // 429: with the rate limiter off serenity does not retry; the caller gets the error.
    let limited = json!({"message": "You are being rate limited.", "retry_after": 0.2, "global": false});
    fake.fail_next("POST /channels/*/messages", 429, limited);
    let err = channel.say(&http, "hello").await.expect_err("rate limited");
    assert!(matches!(status_and_code(err), (429, _)));
    let limited_request = fake.wait_request(|r| r.status == 429).await;
    assert_eq!(limited_request.path, format!("/channels/{channel}/messages"));
    // The fault is used up: the retry goes through.
    let message = channel.say(&http, "hello").await.expect("second try");
    assert_eq!(message.content, "hello");

    fake.fail_next(
        "/users/@me",
        500,
        json!({"message": "500: Internal Server Error", "code": 0}),
    );
    assert_eq!(
        status_and_code(http.get_current_user().await.expect_err("500")),
        (500, 0)
    );

    // Wrong token: 401.
    let wrong = HttpBuilder::new("not-the-token")
        .proxy(fake.rest_url())
        .ratelimiter_disabled(true)
        .build();
    assert_eq!(
        status_and_code(wrong.get_current_user().await.expect_err("401")),
        (401, 0)
    );
    assert_eq!(
        http.get_current_user().await.expect("right token").id.get(),
        fake.config().bot_user_id
    );
    assert!(fake.violations().is_empty(), "faults and 401s are not violations");

    // Over Discord's limits (serenity's builders would refuse, so send raw bodies).
    let raw = |route: Route<'static>, method: LightMethod, body: Value| {
        http.request(Request::new(route, method).body(Some(serde_json::to_vec(&body).expect("json"))))
    };
    let too_long = json!({"content": "x".repeat(2001)});
    let err = raw(
        Route::ChannelMessages { channel_id: channel },
        LightMethod::Post,
        too_long,
    )
    .await
    .expect_err("2001");
    let (status, code) = match err {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(resp)) => {
            assert_eq!(resp.error.errors[0].path, "content");
            (resp.status_code.as_u16(), resp.error.code)
        }
        other => panic!("expected 400, got {other:?}"),
    };
    assert_eq!((status, code), (400, 50035));
    let violations = fake.violations();
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].kind, "invalid_form_body");
    assert_eq!(violations[0].path, format!("/channels/{channel}/messages"));

    let fields: Vec<Value> = (0..7)
        .map(|i| json!({"name": format!("f{i}"), "value": "v".repeat(1000)}))
        .collect();
    let big_embed = json!({"embeds": [{"title": "t", "fields": fields}]});
    let err = raw(
        Route::ChannelMessages { channel_id: channel },
        LightMethod::Post,
        big_embed,
    )
    .await
    .expect_err("6000");
    assert_eq!(status_and_code(err), (400, 50035));

    let empty = json!({"content": "  "});
    let err = raw(Route::ChannelMessages { channel_id: channel }, LightMethod::Post, empty)
        .await
        .expect_err("empty");
    assert_eq!(status_and_code(err), (400, 50006));

    let app = fake.config().application_id.into();
    let bad_name = json!([{"name": "Figure", "description": "d"}]);
    let err = raw(Route::Commands { application_id: app }, LightMethod::Put, bad_name)
        .await
        .expect_err("name");
    assert_eq!(status_and_code(err), (400, 50035));
    let kinds: Vec<&str> = fake.violations().iter().map(|v| v.kind).collect();
    assert_eq!(
        kinds,
        [
            "invalid_form_body",
            "invalid_form_body",
            "empty_message",
            "invalid_form_body"
        ]
    );

    // Unknown route: Discord's 404 shape, recorded so a missing fake route is noticed.
    let err = http
        .get_guild(fake.config().guild_ids[0].into())
        .await
        .expect_err("404");
    assert_eq!(status_and_code(err), (404, 0));
    assert_eq!(fake.violations().last().expect("violation").kind, "unknown_route");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callbacks_follow_discords_rules() {
    let config = FakeConfig {
        callback_deadline: Duration::from_secs(1),
        ..FakeConfig::default()
    };
    let bot = Running::start_with(config).await;
    let (fake, guild) = (&bot.fake, bot.guild());
    let http = fake.http();
    let callback = |handle: &crate::support::fake_discord::InteractionHandle, body: Value| {
        let id = handle.id.parse::<u64>().expect("id").into();
        let token = handle.token.clone();
        let http = &http;
        async move { http.create_interaction_response(id, &token, &body, vec![]).await }
    };
    let focused = json!([{"name": "query", "type": 3, "value": "a", "focused": true}]);

    // Autocomplete: at most 25 choices, names of 1..=100 characters.
    let ac = fake.send_autocomplete(IGNORED, focused.clone(), Some(guild), USER);
    let choices: Vec<Value> = (0..26)
        .map(|i| json!({"name": format!("c{i}"), "value": format!("v{i}")}))
        .collect();
    let err = callback(&ac, json!({"type": 8, "data": {"choices": choices}}))
        .await
        .expect_err("26 choices");
    assert_eq!(status_and_code(err), (400, 50035));
    let long_name = json!([{"name": "n".repeat(101), "value": "v"}]);
    let err = callback(&ac, json!({"type": 8, "data": {"choices": long_name}}))
        .await
        .expect_err("long name");
    assert_eq!(status_and_code(err), (400, 50035));
    // A message is not an answer to autocomplete.
    let err = callback(&ac, json!({"type": 4, "data": {"content": "hi"}}))
        .await
        .expect_err("type 4");
    assert_eq!(status_and_code(err), (400, 50035));
    callback(
        &ac,
        json!({"type": 8, "data": {"choices": [{"name": "ok", "value": "ok"}]}}),
    )
    .await
    .expect("valid");
    assert_eq!(
        fake.interaction(&ac.id).expect("record").callback.expect("accepted")["type"],
        8
    );

    // Follow-up before the interaction is acknowledged: Discord does not know the webhook yet.
    let cmd = fake.send_command(IGNORED, json!([]), Some(guild), USER);
    let err = http
        .create_followup_message(&cmd.token, &json!({"content": "early"}), vec![])
        .await
        .expect_err("early");
    assert_eq!(status_and_code(err), (404, 10015));
    // Deferred, then the original edited, then a follow-up.
    callback(&cmd, json!({"type": 5})).await.expect("defer");
    let edited = http
        .edit_original_interaction_response(&cmd.token, &json!({"content": "done"}), vec![])
        .await;
    assert_eq!(edited.expect("edit").content, "done");
    let followup = http
        .create_followup_message(&cmd.token, &json!({"content": "more"}), vec![])
        .await;
    assert_eq!(followup.expect("followup").content, "more");
    let record = fake.interaction(&cmd.id).expect("record");
    assert_eq!(
        (
            record.original.expect("original")["content"].clone(),
            record.followups.len()
        ),
        (json!("done"), 1)
    );

    // Too late (deadline 1 s here, 3 s on Discord): 404 Unknown interaction.
    let late = fake.send_command(IGNORED, json!([]), Some(guild), USER);
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let err = callback(&late, json!({"type": 4, "data": {"content": "late"}}))
        .await
        .expect_err("late");
    assert_eq!(status_and_code(err), (404, 10062));

    let kinds: Vec<&str> = fake.violations().iter().map(|v| v.kind).collect();
    assert_eq!(
        kinds,
        [
            "invalid_form_body",
            "invalid_form_body",
            "invalid_form_body",
            "unknown_webhook",
            "late_callback"
        ]
    );
    bot.stop().await;
}
