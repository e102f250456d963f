//! A fake Discord on 127.0.0.1 that speaks the real REST and gateway wire format, so the real
//! serenity 0.12.5 client can run against it in tests.
//!
//! ```ignore
//! let fake = FakeDiscord::start(FakeConfig::default()).await;
//! // `fake.http()` is `HttpBuilder::new(token).proxy(fake.rest_url()).ratelimiter_disabled(true).build()`.
//! let client = ClientBuilder::new_with_http(fake.http(), GatewayIntents::GUILDS).event_handler(MyBot).await?;
//! fake.ready().await;
//! let cmd = fake.send_command("figure", json!([{"name": "query", "type": 3, "value": "x"}]), Some(guild), user);
//! let body = fake.wait_callback(&cmd.id).await;
//! assert!(fake.violations().is_empty());
//! ```
//!
//! What it does:
//! - REST under `/api/v10` (see [`FakeDiscord`] for the routes). Every request is recorded;
//!   bodies are checked against Discord's limits, and a body that breaks one gets Discord's
//!   400 and is recorded as a [`Violation`].
//! - Gateway: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeat acks, RESUME with replay.
//!   Every payload the fake builds is first deserialized with serenity's own model types, so a
//!   field serenity needs cannot silently go missing (serenity drops such payloads with a log line).
//! - Waits use a `Notify` and panic after `FakeConfig::wait_timeout`, so tests never hang.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, mpsc, watch};
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;
/// `APPLICATION_COMMAND_BADGE`, a flag real bots with slash commands carry.
const APP_FLAGS: u64 = 1 << 23;
/// Every permission bit Discord has as of 2025, as Discord writes it: a decimal string.
const ALL_PERMISSIONS: &str = "2251799813685247";
const EVERYONE_PERMISSIONS: &str = "1071698660929";
const OWNER_ID: u64 = 100_000_000_000_000_001;
const ATTACHMENT_SIZE_LIMIT: u64 = 10_485_760;

/// What the fake pretends to be.
#[derive(Clone, Debug)]
pub struct FakeConfig {
    /// The bare bot token; clients must send `Authorization: Bot <token>`.
    pub token: String,
    pub application_id: u64,
    pub bot_user_id: u64,
    /// One GUILD_CREATE per guild after READY; each guild has one text channel, [`FakeDiscord::channel_for`].
    pub guild_ids: Vec<u64>,
    /// Sent in HELLO. Discord's value by default; serenity heartbeats once per interval.
    pub heartbeat_interval: Duration,
    /// A first callback later than this after dispatch gets 404 10062, as on Discord.
    pub callback_deadline: Duration,
    /// How long `ready`, `wait_*` wait before panicking.
    pub wait_timeout: Duration,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            token: "fake-bot-token".to_owned(),
            application_id: 1_100_000_000_000_000_001,
            bot_user_id: 1_100_000_000_000_000_001,
            guild_ids: vec![1_200_000_000_000_000_001],
            heartbeat_interval: Duration::from_millis(41_250),
            callback_deadline: Duration::from_secs(3),
            wait_timeout: Duration::from_secs(10),
        }
    }
}

/// One REST request as the fake saw it, with the status it answered.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    /// Path without the `/api/v10` prefix, e.g. `/channels/1/messages`.
    pub path: String,
    pub query: Option<String>,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    /// JSON body (for multipart requests: the `payload_json` part); `None` if empty or not JSON.
    pub body: Option<Value>,
    pub status: u16,
    pub at: Instant,
}

impl RecordedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Same pattern syntax as [`FakeDiscord::fail_next`].
    pub fn matches(&self, pattern: &str) -> bool {
        pattern_matches(pattern, &self.method, &self.path)
    }
}

/// Something the client did that real Discord would have refused.
#[derive(Clone, Debug)]
pub struct Violation {
    /// `invalid_form_body`, `empty_message`, `invalid_json`, `already_acknowledged`,
    /// `unknown_interaction`, `late_callback`, `unknown_webhook`, `unknown_message`,
    /// `missing_access` (another application or an unknown guild), `unknown_route`, or `fake_bug`
    /// (the fake built a response serenity cannot read). Faults and 401s are not violations.
    pub kind: &'static str,
    pub method: String,
    pub path: String,
    pub status: u16,
    /// The error body that was returned (or a description for `fake_bug`).
    pub detail: Value,
}

/// Identifies a dispatched interaction; `id` is what `wait_callback` and `interaction` take.
#[derive(Clone, Debug)]
pub struct InteractionHandle {
    pub id: String,
    pub token: String,
}

/// What happened to one dispatched interaction.
#[derive(Clone, Debug)]
pub struct InteractionRecord {
    pub id: String,
    pub token: String,
    /// Interaction type: 2 application command, 4 autocomplete.
    pub kind: u64,
    pub name: String,
    pub channel_id: u64,
    /// When the fake queued INTERACTION_CREATE on the gateway.
    pub dispatched_at: Instant,
    /// When the first accepted callback arrived (its last byte, before the fake looked at it).
    pub callback_at: Option<Instant>,
    pub callback: Option<Value>,
    /// Current data of the original response (type 4 data or a deferred placeholder, then edits).
    pub original: Option<Value>,
    pub followups: Vec<Value>,
}

impl InteractionRecord {
    /// Dispatch to accepted callback.
    pub fn latency(&self) -> Option<Duration> {
        self.callback_at.map(|t| t - self.dispatched_at)
    }
}

/// The running fake; shuts its servers down when dropped.
pub struct FakeDiscord {
    shared: Arc<Shared>,
    rest_port: u16,
    shutdown: watch::Sender<bool>,
}

impl FakeDiscord {
    /// Binds REST and gateway listeners on random 127.0.0.1 ports and starts serving.
    ///
    /// Panics if a payload the fake would send is not accepted by serenity's model types.
    pub async fn start(config: FakeConfig) -> FakeDiscord {
        let rest = TcpListener::bind("127.0.0.1:0").await.expect("bind fake REST port");
        let gateway = TcpListener::bind("127.0.0.1:0").await.expect("bind fake gateway port");
        let rest_port = rest.local_addr().expect("REST addr").port();
        let ws_url = format!("ws://127.0.0.1:{}", gateway.local_addr().expect("gateway addr").port());
        let state = State::new(config.clone(), ws_url);
        state.self_check();
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            changed: Notify::new(),
            config,
        });
        let (shutdown, rx) = watch::channel(false);
        tokio::spawn(serve_rest(shared.clone(), rest, rx.clone()));
        tokio::spawn(serve_gateway(shared.clone(), gateway, rx));
        FakeDiscord {
            shared,
            rest_port,
            shutdown,
        }
    }

    /// For `HttpBuilder::proxy`: `http://127.0.0.1:PORT`.
    pub fn rest_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.rest_port)
    }

    /// `ws://127.0.0.1:PORT`, what `GET /gateway` answers.
    pub fn gateway_url(&self) -> String {
        self.shared.lock().ws_url.clone()
    }

    /// The bare bot token (without `Bot `).
    pub fn token(&self) -> &str {
        &self.shared.config.token
    }

    pub fn config(&self) -> &FakeConfig {
        &self.shared.config
    }

    /// A serenity `Http` pointed at the fake, rate limiter off (it would bypass the proxy), with
    /// the application id set (serenity otherwise learns it from READY).
    pub fn http(&self) -> serenity::http::Http {
        serenity::http::HttpBuilder::new(self.token())
            .application_id(self.shared.config.application_id.into())
            .proxy(self.rest_url())
            .ratelimiter_disabled(true)
            .build()
    }

    /// The id of the one text channel of a configured guild.
    pub fn channel_for(guild_id: u64) -> u64 {
        guild_id + 1_000
    }

    // ---- recording -------------------------------------------------------------------------

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    pub fn violations(&self) -> Vec<Violation> {
        self.shared.lock().violations.clone()
    }

    /// Panics listing the violations, if any.
    pub fn assert_no_violations(&self) {
        let v = self.violations();
        assert!(v.is_empty(), "fake Discord saw {} violation(s): {v:#?}", v.len());
    }

    /// Waits for a recorded request (earlier ones included) matching `pred`; panics on timeout.
    pub async fn wait_request(&self, pred: impl Fn(&RecordedRequest) -> bool) -> RecordedRequest {
        let timeout = self.shared.config.wait_timeout;
        match self.try_wait_request(timeout, pred).await {
            Some(r) => r,
            None => panic!(
                "no matching request within {timeout:?}; requests: {}",
                self.request_summary()
            ),
        }
    }

    /// Like `wait_request`, but `None` on timeout (to assert that something did not happen).
    pub async fn try_wait_request(
        &self,
        timeout: Duration,
        pred: impl Fn(&RecordedRequest) -> bool,
    ) -> Option<RecordedRequest> {
        self.wait_until(timeout, |st| st.requests.iter().find(|r| pred(r)).cloned())
            .await
    }

    /// The next request matching `pattern` gets `status` with `body` instead of its normal answer.
    ///
    /// `pattern` is `"[METHOD ]/path"`, without or with `/api/v10`; `*` matches one segment,
    /// e.g. `"POST /channels/*/messages"`. A 429 also gets `Retry-After` (from `retry_after`)
    /// and `X-RateLimit-*` headers, like Discord's.
    pub fn fail_next(&self, pattern: &str, status: u16, body: Value) {
        self.shared.lock().faults.push(Fault {
            pattern: pattern.to_owned(),
            status,
            body,
        });
    }

    // ---- gateway ---------------------------------------------------------------------------

    /// Waits until a gateway session is live (READY or RESUMED sent on an open connection).
    pub async fn ready(&self) {
        let timeout = self.shared.config.wait_timeout;
        if self.wait_until(timeout, |st| st.live.then_some(())).await.is_none() {
            let st = self.shared.lock();
            panic!(
                "gateway not ready within {timeout:?} (identifies: {}, resumes: {}); requests: {}",
                st.identifies.len(),
                st.resumes,
                summary(&st.requests)
            );
        }
    }

    pub fn identify_count(&self) -> usize {
        self.shared.lock().identifies.len()
    }

    pub fn resume_count(&self) -> usize {
        self.shared.lock().resumes
    }

    pub fn heartbeat_count(&self) -> usize {
        self.shared.lock().heartbeats
    }

    /// Waits until the client sent `n` heartbeats in total (set a short `heartbeat_interval`).
    pub async fn wait_heartbeats(&self, n: usize) {
        let timeout = self.shared.config.wait_timeout;
        if self
            .wait_until(timeout, |st| (st.heartbeats >= n).then_some(()))
            .await
            .is_none()
        {
            panic!(
                "fewer than {n} heartbeats within {timeout:?}: {}",
                self.heartbeat_count()
            );
        }
    }

    /// Intents of the last IDENTIFY.
    pub fn intents(&self) -> Option<u64> {
        self.shared.lock().identifies.last().and_then(|d| d["intents"].as_u64())
    }

    /// Closes the live gateway connection with `close_code` (e.g. 1001, 4000). Events dispatched
    /// until the client resumes are kept and replayed, as Discord does. Panics if none is live.
    pub fn drop_connection(&self, close_code: u16) {
        let mut st = self.shared.lock();
        let conn = st.conn.take().expect("drop_connection: no live gateway connection");
        st.live = false;
        let _ = conn.tx.send(Outgoing::Close(close_code));
        drop(st);
        self.shared.changed.notify_waiters();
    }

    /// Dispatches any gateway event (op 0); returns its sequence number. Panics if no session was
    /// ever established, or if serenity would drop an event the fake knows (READY, GUILD_CREATE,
    /// RESUMED, INTERACTION_CREATE); other events are sent unchecked.
    pub fn dispatch(&self, event: &str, data: Value) -> u64 {
        if let Err(e) = check_dispatch(event, &data) {
            panic!("serenity would drop this {event}: {e}");
        }
        let seq = self.shared.lock().dispatch(event, data);
        seq.expect("dispatch before READY: call fake.ready().await first")
    }

    // ---- interactions ----------------------------------------------------------------------

    /// A complete INTERACTION_CREATE payload (type 2 command or 4 autocomplete) in a guild's
    /// text channel, or in the user's DM with the bot when `guild_id` is `None`. Tests may edit
    /// it (roles, locale...) before `send_interaction`.
    pub fn interaction_payload(
        &self,
        kind: u64,
        name: &str,
        options: Value,
        guild_id: Option<u64>,
        user_id: u64,
    ) -> Value {
        self.shared
            .lock()
            .interaction_payload(kind, name, options, guild_id, user_id)
    }

    /// Dispatches INTERACTION_CREATE and tracks its callback. Panics if serenity 0.12.5 would
    /// not deserialize the payload (it would drop it with a log line only).
    pub fn send_interaction(&self, payload: Value) -> InteractionHandle {
        if let Err(e) = check_dispatch("INTERACTION_CREATE", &payload) {
            panic!("serenity would drop this INTERACTION_CREATE: {e}");
        }
        let id = payload["id"].as_str().expect("interaction id").to_owned();
        let token = payload["token"].as_str().expect("interaction token").to_owned();
        let mut st = self.shared.lock();
        st.interactions.insert(
            id.clone(),
            InteractionRecord {
                id: id.clone(),
                token: token.clone(),
                kind: payload["type"].as_u64().unwrap_or(0),
                name: payload["data"]["name"].as_str().unwrap_or_default().to_owned(),
                channel_id: parse_id(&payload["channel_id"]).unwrap_or(0),
                dispatched_at: Instant::now(),
                callback_at: None,
                callback: None,
                original: None,
                followups: Vec::new(),
            },
        );
        st.dispatch("INTERACTION_CREATE", payload)
            .expect("send_interaction before READY: call fake.ready().await first");
        InteractionHandle { id, token }
    }

    /// Dispatches a slash command. `options` is Discord's `data.options` array (or `null`).
    pub fn send_command(&self, name: &str, options: Value, guild_id: Option<u64>, user_id: u64) -> InteractionHandle {
        self.send_interaction(self.interaction_payload(2, name, options, guild_id, user_id))
    }

    /// Dispatches an autocomplete interaction; one option should have `"focused": true` and a
    /// string `value`, as Discord sends them.
    pub fn send_autocomplete(
        &self,
        name: &str,
        options: Value,
        guild_id: Option<u64>,
        user_id: u64,
    ) -> InteractionHandle {
        self.send_interaction(self.interaction_payload(4, name, options, guild_id, user_id))
    }

    /// Waits for the first accepted callback body of an interaction. Panics on timeout, or at
    /// once if a callback was rejected (the violation is in the message).
    pub async fn wait_callback(&self, interaction_id: &str) -> Value {
        let timeout = self.shared.config.wait_timeout;
        let prefix = format!("/interactions/{interaction_id}/");
        let found = self
            .wait_until(timeout, |st| {
                if let Some(body) = st.interactions.get(interaction_id).and_then(|r| r.callback.clone()) {
                    return Some(Ok(body));
                }
                st.violations
                    .iter()
                    .find(|v| v.path.starts_with(&prefix))
                    .map(|v| Err(v.clone()))
            })
            .await;
        match found {
            Some(Ok(body)) => body,
            Some(Err(v)) => panic!("callback for interaction {interaction_id} was rejected: {v:#?}"),
            None => panic!(
                "no callback for interaction {interaction_id} within {timeout:?}; requests: {}",
                self.request_summary()
            ),
        }
    }

    /// Timings and responses of a dispatched interaction.
    pub fn interaction(&self, interaction_id: &str) -> Option<InteractionRecord> {
        self.shared.lock().interactions.get(interaction_id).cloned()
    }

    /// Commands as last bulk-overwritten (`None`: global), with the ids the fake gave them.
    pub fn registered_commands(&self, guild_id: Option<u64>) -> Vec<Value> {
        self.shared.lock().commands.get(&guild_id).cloned().unwrap_or_default()
    }

    // ---- internals -------------------------------------------------------------------------

    fn request_summary(&self) -> String {
        summary(&self.shared.lock().requests)
    }

    /// Re-evaluates `check` on every state change until it yields or `timeout` passes.
    async fn wait_until<T>(&self, timeout: Duration, mut check: impl FnMut(&State) -> Option<T>) -> Option<T> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.changed.notified();
            tokio::pin!(notified);
            // Register before checking so a change in between is not missed.
            notified.as_mut().enable();
            let found = {
                let st = self.shared.lock();
                check(&st)
            };
            if found.is_some() {
                return found;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return None;
            }
        }
    }
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        // Accept loops stop; gateway connections send close 1001 first.
        let _ = self.shutdown.send(true);
    }
}

fn summary(requests: &[RecordedRequest]) -> String {
    let lines: Vec<String> = requests
        .iter()
        .map(|r| format!("{} {} -> {}", r.method, r.path, r.status))
        .collect();
    format!("[{}]", lines.join(", "))
}

// ---- shared state ----------------------------------------------------------------------------

struct Shared {
    config: FakeConfig,
    state: Mutex<State>,
    changed: Notify,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not hide the fake's state from others.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the state, then wakes waiters.
    fn update<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let out = f(&mut self.lock());
        self.changed.notify_waiters();
        out
    }
}

struct Fault {
    pattern: String,
    status: u16,
    body: Value,
}

enum Outgoing {
    Frame(String),
    Close(u16),
}

struct Conn {
    id: u64,
    tx: mpsc::UnboundedSender<Outgoing>,
}

struct Session {
    id: String,
    seq: u64,
    /// Every dispatch of the session, for replay on RESUME.
    log: Vec<(u64, String)>,
}

struct State {
    cfg: FakeConfig,
    ws_url: String,
    requests: Vec<RecordedRequest>,
    violations: Vec<Violation>,
    faults: Vec<Fault>,
    identifies: Vec<Value>,
    resumes: usize,
    heartbeats: usize,
    session: Option<Session>,
    conn: Option<Conn>,
    next_conn_id: u64,
    live: bool,
    interactions: HashMap<String, InteractionRecord>,
    commands: HashMap<Option<u64>, Vec<Value>>,
    last_snowflake: u64,
}

impl State {
    fn new(cfg: FakeConfig, ws_url: String) -> Self {
        Self {
            cfg,
            ws_url,
            requests: Vec::new(),
            violations: Vec::new(),
            faults: Vec::new(),
            identifies: Vec::new(),
            resumes: 0,
            heartbeats: 0,
            session: None,
            conn: None,
            next_conn_id: 0,
            live: false,
            interactions: HashMap::new(),
            commands: HashMap::new(),
            last_snowflake: 0,
        }
    }

    /// Monotonic ids that are valid snowflakes (their timestamp is now).
    fn snowflake(&mut self) -> u64 {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        self.last_snowflake = (ms.saturating_sub(DISCORD_EPOCH_MS) << 22).max(self.last_snowflake + 1);
        self.last_snowflake
    }

    fn dispatch(&mut self, event: &str, data: Value) -> Option<u64> {
        let session = self.session.as_mut()?;
        session.seq += 1;
        let seq = session.seq;
        let frame = json!({"op": 0, "s": seq, "t": event, "d": data}).to_string();
        session.log.push((seq, frame.clone()));
        if let Some(conn) = &self.conn {
            let _ = conn.tx.send(Outgoing::Frame(frame));
        }
        Some(seq)
    }

    fn violation(&mut self, kind: &'static str, req: &ReqInfo, reply: &Reply) {
        self.violations.push(Violation {
            kind,
            method: req.method.clone(),
            path: req.path.clone(),
            status: reply.status,
            detail: reply.body.clone().unwrap_or(Value::Null),
        });
    }

    // ---- payloads ----

    fn bot_user(&self) -> Value {
        json!({
            "id": self.cfg.bot_user_id.to_string(),
            "username": "figures-bot",
            "global_name": null,
            "discriminator": "4821",
            "avatar": null,
            "banner": null,
            "accent_color": null,
            "bot": true,
            "verified": true,
            "mfa_enabled": true,
            "email": null,
            "flags": 0,
            "public_flags": 0,
            "premium_type": 0,
            "locale": "en-US",
            "avatar_decoration_data": null,
            "collectibles": null,
            "primary_guild": null,
            "clan": null,
        })
    }

    fn test_user(user_id: u64) -> Value {
        json!({
            "id": user_id.to_string(),
            "username": format!("user{user_id}"),
            "global_name": format!("Test User {user_id}"),
            "discriminator": "0",
            "avatar": null,
            "public_flags": 0,
            "flags": 0,
            "avatar_decoration_data": null,
            "collectibles": null,
            "primary_guild": null,
            "clan": null,
        })
    }

    fn member(user: Value, roles: &[u64]) -> Value {
        let roles: Vec<String> = roles.iter().map(u64::to_string).collect();
        json!({
            "user": user,
            "nick": null,
            "avatar": null,
            "banner": null,
            "roles": roles,
            "joined_at": "2024-01-01T00:00:00.000000+00:00",
            "premium_since": null,
            "deaf": false,
            "mute": false,
            "flags": 0,
            "pending": false,
            "communication_disabled_until": null,
            "unusual_dm_activity_until": null,
        })
    }

    fn app_info(&self) -> Value {
        let bot = self.bot_user();
        json!({
            "id": self.cfg.application_id.to_string(),
            "name": "figures-bot",
            "icon": null,
            "description": "",
            "summary": "",
            "type": null,
            "hook": true,
            "bot_public": true,
            "bot_require_code_grant": false,
            "verify_key": "0".repeat(64),
            "owner": State::test_user(OWNER_ID),
            "team": null,
            "flags": APP_FLAGS,
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": null,
            "role_connections_verification_url": null,
            "approximate_guild_count": self.cfg.guild_ids.len(),
            "approximate_user_install_count": 0,
            "bot": bot,
        })
    }

    fn ready_payload(&self, session_id: &str, shard: &Value) -> Value {
        let guilds: Vec<Value> = self
            .cfg
            .guild_ids
            .iter()
            .map(|g| json!({"id": g.to_string(), "unavailable": true}))
            .collect();
        json!({
            "v": 10,
            "user": self.bot_user(),
            "guilds": guilds,
            "session_id": session_id,
            "session_type": "normal",
            "resume_gateway_url": self.ws_url,
            "shard": shard,
            "application": {"id": self.cfg.application_id.to_string(), "flags": APP_FLAGS},
            "private_channels": [],
            "presences": [],
            "relationships": [],
            "guild_join_requests": [],
            "user_settings": {},
            "auth": {},
            "geo_ordered_rtc_regions": ["us-east"],
            "_trace": ["[\"fake-gateway\"]"],
        })
    }

    fn role(id: u64, name: &str, position: u64, permissions: &str, tags: Value) -> Value {
        json!({
            "id": id.to_string(),
            "name": name,
            "description": null,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
            "hoist": false,
            "icon": null,
            "unicode_emoji": null,
            "position": position,
            "permissions": permissions,
            "managed": !tags.as_object().is_none_or(|t| t.is_empty()),
            "mentionable": false,
            "flags": 0,
            "tags": tags,
        })
    }

    fn guild_payload(&self, guild_id: u64) -> Value {
        let channel_id = FakeDiscord::channel_for(guild_id);
        let bot_role = guild_id + 2_000;
        let roles = [
            State::role(guild_id, "@everyone", 0, EVERYONE_PERMISSIONS, json!({})),
            State::role(
                bot_role,
                "figures-bot",
                1,
                ALL_PERMISSIONS,
                json!({"bot_id": self.cfg.bot_user_id.to_string()}),
            ),
        ];
        let mut bot_member = State::member(self.bot_user(), &[bot_role]);
        bot_member["joined_at"] = json!(now_iso());
        let mut guild = json!({
            "id": guild_id.to_string(),
            "name": format!("Fake Guild {guild_id}"),
            "icon": null,
            "icon_hash": null,
            "splash": null,
            "discovery_splash": null,
            "owner_id": OWNER_ID.to_string(),
            "afk_channel_id": null,
            "afk_timeout": 300,
            "widget_enabled": false,
            "widget_channel_id": null,
            "verification_level": 1,
            "default_message_notifications": 1,
            "explicit_content_filter": 2,
            "roles": roles,
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": null,
            "system_channel_id": channel_id.to_string(),
            "system_channel_flags": 0,
            "rules_channel_id": null,
            "max_presences": null,
            "max_members": 500_000,
            "vanity_url_code": null,
            "description": null,
            "banner": null,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": null,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "nsfw_level": 0,
            "nsfw": false,
            "premium_progress_bar_enabled": false,
        });
        // Two `json!` calls: one would exceed the macro recursion limit.
        let extra = json!({
            "safety_alerts_channel_id": null,
            "incidents_data": null,
            "hub_type": null,
            "latest_onboarding_question_id": null,
            "home_header": null,
            "region": "deprecated",
            "lazy": true,
            "joined_at": now_iso(),
            "large": false,
            "unavailable": false,
            "member_count": 2,
            "voice_states": [],
            "members": [bot_member],
            "channels": [{
                "id": channel_id.to_string(),
                "type": 0,
                "name": "general",
                "position": 0,
                "parent_id": null,
                "topic": null,
                "nsfw": false,
                "last_message_id": null,
                "rate_limit_per_user": 0,
                "permission_overwrites": [],
                "flags": 0,
                "icon_emoji": null,
                "theme_color": null,
            }],
            "threads": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "embedded_activities": [],
            "activity_instances": [],
            "application_command_counts": {},
        });
        for (k, v) in extra.as_object().into_iter().flatten() {
            guild[k] = v.clone();
        }
        guild
    }

    fn interaction_payload(
        &mut self,
        kind: u64,
        name: &str,
        options: Value,
        guild_id: Option<u64>,
        user_id: u64,
    ) -> Value {
        let id = self.snowflake();
        let user = State::test_user(user_id);
        // The id Discord gave the command at registration, guild commands first.
        let registered = guild_id
            .and_then(|g| self.command_id(Some(g), name).map(|id| (id, Some(g))))
            .or_else(|| self.command_id(None, name).map(|id| (id, None)));
        let (command_id, command_guild) = match registered {
            Some(found) => found,
            None => (self.snowflake().to_string(), None),
        };
        let mut data = json!({
            "id": command_id,
            "name": name,
            "type": 1,
            "options": if options.is_null() { json!([]) } else { options },
        });
        if let Some(g) = command_guild {
            data["guild_id"] = json!(g.to_string());
        }
        let mut p = json!({
            "id": id.to_string(),
            "application_id": self.cfg.application_id.to_string(),
            "type": kind,
            "token": format!("fake-interaction-token-{id}"),
            "version": 1,
            "locale": "en-US",
            "app_permissions": ALL_PERMISSIONS,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "data": data,
        });
        match guild_id {
            Some(g) => {
                let channel_id = FakeDiscord::channel_for(g).to_string();
                let mut member = State::member(user, &[]);
                member["permissions"] = json!(EVERYONE_PERMISSIONS);
                p["guild_id"] = json!(g.to_string());
                p["guild"] = json!({"id": g.to_string(), "locale": "en-US", "features": []});
                p["guild_locale"] = json!("en-US");
                p["member"] = member;
                p["channel_id"] = json!(channel_id);
                p["channel"] = json!({
                    "id": channel_id,
                    "type": 0,
                    "name": "general",
                    "guild_id": g.to_string(),
                    "parent_id": null,
                    "position": 0,
                    "topic": null,
                    "nsfw": false,
                    "last_message_id": null,
                    "rate_limit_per_user": 0,
                    "flags": 0,
                    "permissions": EVERYONE_PERMISSIONS,
                });
                p["context"] = json!(0);
                p["authorizing_integration_owners"] = json!({"0": g.to_string()});
            }
            None => {
                let channel_id = (user_id + 3_000).to_string();
                p["user"] = user.clone();
                p["channel_id"] = json!(channel_id);
                p["channel"] = json!({
                    "id": channel_id,
                    "type": 1,
                    "last_message_id": null,
                    "flags": 0,
                    "recipients": [user],
                });
                p["context"] = json!(1);
                p["authorizing_integration_owners"] = json!({"0": "0"});
            }
        }
        p
    }

    fn command_id(&self, guild: Option<u64>, name: &str) -> Option<String> {
        self.commands
            .get(&guild)?
            .iter()
            .find(|c| c["name"] == name)
            .and_then(|c| c["id"].as_str().map(str::to_owned))
    }

    fn message_object(&mut self, channel_id: u64, data: &Value, interaction: bool) -> Value {
        let id = self.snowflake();
        let app_id = self.cfg.application_id.to_string();
        json!({
            "id": id.to_string(),
            "type": if interaction { 20 } else { 0 },
            "channel_id": channel_id.to_string(),
            "author": self.bot_user(),
            "content": data["content"].as_str().unwrap_or_default(),
            "embeds": if data["embeds"].is_array() { data["embeds"].clone() } else { json!([]) },
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": false,
            "pinned": false,
            "tts": data["tts"].as_bool().unwrap_or(false),
            "timestamp": now_iso(),
            "edited_timestamp": null,
            "flags": data["flags"].as_u64().unwrap_or(0),
            "components": [],
            "webhook_id": if interaction { json!(app_id) } else { Value::Null },
            "application_id": if interaction { json!(app_id) } else { Value::Null },
        })
    }

    /// Panics if serenity cannot read what the fake sends on its own (READY, GUILD_CREATE, ...).
    fn self_check(&self) {
        let ready = self.ready_payload("0123456789abcdef0123456789abcdef", &json!([0, 1]));
        let mut frames = vec![("READY", ready)];
        for g in &self.cfg.guild_ids {
            frames.push(("GUILD_CREATE", self.guild_payload(*g)));
        }
        frames.push(("RESUMED", json!({"_trace": ["[\"fake-gateway\"]"]})));
        for (t, d) in frames {
            check_dispatch(t, &d).expect("fake bug");
        }
        for (what, v) in [
            (
                "HELLO",
                json!({"op": 10, "s": null, "t": null, "d": {"heartbeat_interval": 1}}),
            ),
            ("ACK", json!({"op": 11, "s": null, "t": null, "d": null})),
        ] {
            if let Err(e) = serde_json::from_value::<serenity::model::event::GatewayEvent>(v) {
                panic!("fake bug: serenity rejects the fake's {what} ({e})");
            }
        }
        check_model::<serenity::model::user::CurrentUser>("user", &self.bot_user()).expect("fake bug");
        check_model::<serenity::model::application::CurrentApplicationInfo>("application", &self.app_info())
            .expect("fake bug");
        check_model::<serenity::model::gateway::BotGateway>("gateway/bot", &self.bot_gateway()).expect("fake bug");
    }

    fn bot_gateway(&self) -> Value {
        json!({
            "url": self.ws_url,
            "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1},
        })
    }
}

/// Err if serenity would not hand this dispatch to a handler. For the events the fake knows,
/// the specific model type must accept it: a known event that fails to parse only becomes
/// `Event::Unknown` (serenity's untagged fallback), i.e. it is dropped silently.
fn check_dispatch(t: &str, d: &Value) -> Result<(), String> {
    use serenity::model::event::{
        Event, GatewayEvent, GuildCreateEvent, InteractionCreateEvent, ReadyEvent, ResumedEvent,
    };
    match t {
        "READY" => check_model::<ReadyEvent>(t, d)?,
        "GUILD_CREATE" => {
            // serenity skips a malformed channel with only a warning.
            let parsed: GuildCreateEvent = serde_json::from_value(d.clone()).map_err(|e| format!("{t}: {e}"))?;
            let sent = d["channels"].as_array().map_or(0, Vec::len);
            if parsed.guild.channels.len() != sent {
                return Err(format!(
                    "serenity kept {} of {sent} channels of GUILD_CREATE",
                    parsed.guild.channels.len()
                ));
            }
        }
        "RESUMED" => check_model::<ResumedEvent>(t, d)?,
        "INTERACTION_CREATE" => check_model::<InteractionCreateEvent>(t, d)?,
        _ => return Ok(()),
    }
    let frame = json!({"op": 0, "s": 1, "t": t, "d": d});
    match serde_json::from_value::<GatewayEvent>(frame) {
        Ok(GatewayEvent::Dispatch(_, Event::Unknown(_))) => Err(format!("serenity reads {t} as an unknown event")),
        Ok(_) => Ok(()),
        Err(e) => Err(format!("serenity rejects {t} ({e})")),
    }
}

fn check_model<T: serde::de::DeserializeOwned>(what: &str, v: &Value) -> Result<(), String> {
    serde_json::from_value::<T>(v.clone())
        .map(|_| ())
        .map_err(|e| format!("serenity rejects the fake's {what} ({e}): {v}"))
}

fn now_iso() -> String {
    serenity::model::Timestamp::now().to_string()
}

fn parse_id(v: &Value) -> Option<u64> {
    v.as_str().and_then(|s| s.parse().ok()).or_else(|| v.as_u64())
}

// ---- REST ------------------------------------------------------------------------------------

struct ReqInfo {
    method: String,
    path: String,
    query: Option<String>,
    headers: Vec<(String, String)>,
    body: Option<Value>,
    /// The body was present but not JSON.
    bad_json: bool,
    /// When the last byte of the request arrived, before the fake parsed or checked anything.
    received_at: Instant,
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Option<Value>,
}

impl Reply {
    fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Some(body),
        }
    }

    fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: None,
        }
    }

    fn error(status: u16, code: u64, message: &str) -> Self {
        Self::json(status, json!({"message": message, "code": code}))
    }

    fn form(errors: &FormErrors) -> Self {
        Self::json(
            400,
            json!({"code": 50035, "message": "Invalid Form Body", "errors": errors.to_json()}),
        )
    }

    fn empty_message() -> Self {
        Self::error(400, 50006, "Cannot send an empty message")
    }
}

async fn serve_rest(shared: Arc<Shared>, listener: TcpListener, mut shutdown: watch::Receiver<bool>) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let shared = shared.clone();
                conns.spawn(async move {
                    let svc = hyper::service::service_fn(move |req| {
                        let shared = shared.clone();
                        async move { Ok::<_, Infallible>(handle_http(&shared, req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
                });
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            _ = shutdown.changed() => break,
        }
    }
    // Dropping `conns` aborts keep-alive connections.
}

async fn handle_http(shared: &Shared, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let bytes = body.collect().await.map(|c| c.to_bytes()).unwrap_or_default();
    let received_at = Instant::now();
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let content_type = headers
        .iter()
        .find(|(k, _)| k == "content-type")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let json_bytes = if content_type.starts_with("multipart/form-data") {
        multipart_payload_json(&content_type, &bytes).unwrap_or_default()
    } else {
        bytes.to_vec()
    };
    let body = if json_bytes.is_empty() {
        None
    } else {
        serde_json::from_slice::<Value>(&json_bytes).ok()
    };
    let full_path = parts.uri.path();
    let info = ReqInfo {
        method: parts.method.as_str().to_owned(),
        path: strip_api(full_path).to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers,
        bad_json: !json_bytes.is_empty() && body.is_none(),
        body,
        received_at,
    };
    let reply = shared.update(|st| {
        let reply = route(st, &info);
        st.requests.push(RecordedRequest {
            method: info.method.clone(),
            path: info.path.clone(),
            query: info.query.clone(),
            headers: info.headers.clone(),
            body: info.body.clone(),
            status: reply.status,
            at: Instant::now(),
        });
        reply
    });
    let mut builder = Response::builder().status(reply.status);
    for (k, v) in &reply.headers {
        builder = builder.header(k, v);
    }
    let response = match reply.body {
        Some(v) => builder
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(v.to_string()))),
        None => builder.body(Full::new(Bytes::new())),
    };
    response.expect("valid response")
}

fn strip_api(path: &str) -> &str {
    match path.strip_prefix("/api/v10") {
        Some("") => "/",
        Some(rest) => rest,
        None => path,
    }
}

fn pattern_matches(pattern: &str, method: &str, path: &str) -> bool {
    let (want_method, want_path) = match pattern.split_once(' ') {
        Some((m, p)) => (Some(m), p),
        None => (None, pattern),
    };
    if want_method.is_some_and(|m| !m.eq_ignore_ascii_case(method)) {
        return false;
    }
    let want: Vec<&str> = strip_api(want_path.split('?').next().unwrap_or_default())
        .split('/')
        .collect();
    let got: Vec<&str> = path.split('/').collect();
    want.len() == got.len() && want.iter().zip(&got).all(|(w, g)| *w == "*" || w == g)
}

/// The `payload_json` part of a multipart body (serenity sends one when files are attached).
fn multipart_payload_json(content_type: &str, body: &[u8]) -> Option<Vec<u8>> {
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))?
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let mut parts = split_bytes(body, delimiter.as_bytes());
    parts.find_map(|part| {
        let split = find_bytes(part, b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&part[..split]);
        head.contains("name=\"payload_json\"").then(|| {
            let data = &part[split + 4..];
            data.strip_suffix(b"\r\n").unwrap_or(data).to_vec()
        })
    })
}

fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn split_bytes<'a>(mut hay: &'a [u8], delimiter: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    std::iter::from_fn(move || {
        if hay.is_empty() {
            return None;
        }
        match find_bytes(hay, delimiter) {
            Some(i) => {
                let part = &hay[..i];
                hay = &hay[i + delimiter.len()..];
                Some(part)
            }
            None => Some(std::mem::take(&mut hay)),
        }
    })
}

fn route(st: &mut State, req: &ReqInfo) -> Reply {
    if let Some(i) = st
        .faults
        .iter()
        .position(|f| pattern_matches(&f.pattern, &req.method, &req.path))
    {
        let fault = st.faults.remove(i);
        return injected(fault);
    }
    let segs: Vec<&str> = req.path.trim_matches('/').split('/').collect();
    let method = req.method.as_str();
    let is_webhook = matches!(segs.as_slice(), ["interactions", ..] | ["webhooks", ..]);
    // Interaction and webhook routes authenticate by their token, the rest by the bot token.
    let needs_auth = !is_webhook && segs.as_slice() != ["gateway"];
    if needs_auth
        && req
            .headers
            .iter()
            .find(|(k, _)| k == "authorization")
            .map(|(_, v)| v.as_str())
            != Some(format!("Bot {}", st.cfg.token).as_str())
    {
        return Reply::error(401, 0, "401: Unauthorized");
    }
    if req.bad_json {
        let reply = Reply::error(400, 50109, "The request body contains invalid JSON.");
        st.violation("invalid_json", req, &reply);
        return reply;
    }
    let body = req.body.clone().unwrap_or(Value::Null);
    let app = st.cfg.application_id.to_string();
    let reply = match (method, segs.as_slice()) {
        ("GET", ["gateway"]) => Ok(Reply::json(200, json!({"url": st.ws_url}))),
        ("GET", ["gateway", "bot"]) => Ok(Reply::json(200, st.bot_gateway())),
        ("GET", ["users", "@me"]) => Ok(Reply::json(200, st.bot_user())),
        ("GET", ["oauth2", "applications", "@me"] | ["applications", "@me"]) => Ok(Reply::json(200, st.app_info())),
        (_, ["applications", a, ..]) if *a != app => {
            Err(("missing_access", Reply::error(403, 50001, "Missing Access")))
        }
        ("PUT", ["applications", _, "commands"]) => put_commands(st, None, &body),
        ("GET", ["applications", _, "commands"]) => Ok(Reply::json(
            200,
            json!(st.commands.get(&None).cloned().unwrap_or_default()),
        )),
        (_, ["applications", _, "guilds", g, "commands"]) => {
            match g.parse::<u64>().ok().filter(|g| st.cfg.guild_ids.contains(g)) {
                None => Err(("missing_access", Reply::error(403, 50001, "Missing Access"))),
                Some(g) if method == "PUT" => put_commands(st, Some(g), &body),
                Some(g) if method == "GET" => Ok(Reply::json(
                    200,
                    json!(st.commands.get(&Some(g)).cloned().unwrap_or_default()),
                )),
                Some(_) => Err(("unknown_route", not_found())),
            }
        }
        ("POST", ["interactions", id, token, "callback"]) => {
            interaction_callback(st, id, token, &body, req.received_at)
        }
        ("POST", ["webhooks", a, token]) if *a == app => followup(st, token, &body),
        (_, ["webhooks", a, token, "messages", "@original"]) if *a == app => original(st, method, token, &body),
        ("POST", ["channels", channel, "messages"]) => match channel.parse::<u64>() {
            Ok(channel) => channel_message(st, channel, &body),
            Err(_) => Err(("unknown_route", not_found())),
        },
        ("PUT" | "DELETE", ["guilds", _, "members", _, "roles", _]) => Ok(Reply::empty(204)),
        // Another application's id or a route the fake does not serve.
        (_, ["webhooks", ..]) => Err(("unknown_webhook", Reply::error(404, 10015, "Unknown Webhook"))),
        _ => Err(("unknown_route", not_found())),
    };
    match reply {
        Ok(reply) => reply,
        Err((kind, reply)) => {
            st.violation(kind, req, &reply);
            reply
        }
    }
}

type Routed = Result<Reply, (&'static str, Reply)>;

fn not_found() -> Reply {
    Reply::error(404, 0, "404: Not Found")
}

fn injected(fault: Fault) -> Reply {
    let mut reply = Reply::json(fault.status, fault.body);
    if fault.status == 429 {
        let body = reply.body.as_ref().expect("fault body");
        let retry_after = body["retry_after"].as_f64().unwrap_or(1.0);
        let global = body["global"].as_bool().unwrap_or(false);
        reply.headers = vec![
            ("retry-after".to_owned(), (retry_after.ceil() as u64).to_string()),
            (
                "x-ratelimit-scope".to_owned(),
                if global { "global" } else { "user" }.to_owned(),
            ),
            ("x-ratelimit-limit".to_owned(), "5".to_owned()),
            ("x-ratelimit-remaining".to_owned(), "0".to_owned()),
            ("x-ratelimit-reset-after".to_owned(), format!("{retry_after:.3}")),
            ("x-ratelimit-bucket".to_owned(), "fakebucket".to_owned()),
        ];
        if global {
            reply.headers.push(("x-ratelimit-global".to_owned(), "true".to_owned()));
        }
    }
    reply
}

fn put_commands(st: &mut State, guild: Option<u64>, body: &Value) -> Routed {
    let mut errors = FormErrors::default();
    validate_commands(body, &mut errors);
    if !errors.is_empty() {
        return Err(("invalid_form_body", Reply::form(&errors)));
    }
    let mut echoed = Vec::new();
    for c in body.as_array().into_iter().flatten() {
        let kind = c["type"].as_u64().unwrap_or(1);
        let name = c["name"].as_str().unwrap_or_default();
        // Discord keeps a command's id across overwrites.
        let id = match st.command_id(guild, name) {
            Some(id) => id,
            None => st.snowflake().to_string(),
        };
        let mut out = c.clone();
        out["id"] = json!(id);
        out["type"] = json!(kind);
        out["application_id"] = json!(st.cfg.application_id.to_string());
        out["version"] = json!(st.snowflake().to_string());
        out["guild_id"] = guild.map_or(Value::Null, |g| json!(g.to_string()));
        // Fields Discord always returns (serenity requires `description`).
        if out.get("description").is_none_or(Value::is_null) {
            out["description"] = json!("");
        }
        if out.get("nsfw").is_none_or(Value::is_null) {
            out["nsfw"] = json!(false);
        }
        if out.get("default_member_permissions").is_none() {
            out["default_member_permissions"] = Value::Null;
        }
        if out.get("integration_types").is_none_or(Value::is_null) {
            out["integration_types"] = json!([0]);
        }
        if out.get("contexts").is_none() {
            out["contexts"] = Value::Null;
        }
        echoed.push(out);
    }
    let list = Value::Array(echoed.clone());
    if let Err(e) = check_model::<Vec<serenity::model::application::Command>>("commands", &list) {
        return Err(("fake_bug", Reply::error(500, 0, &e)));
    }
    st.commands.insert(guild, echoed);
    Ok(Reply::json(200, list))
}

fn interaction_callback(st: &mut State, id: &str, token: &str, body: &Value, received_at: Instant) -> Routed {
    let deadline = st.cfg.callback_deadline;
    let Some(rec) = st.interactions.get(id).filter(|r| r.token == token) else {
        return Err(("unknown_interaction", Reply::error(404, 10062, "Unknown interaction")));
    };
    if rec.callback.is_some() {
        return Err((
            "already_acknowledged",
            Reply::error(400, 40060, "Interaction has already been acknowledged."),
        ));
    }
    if received_at - rec.dispatched_at > deadline {
        return Err(("late_callback", Reply::error(404, 10062, "Unknown interaction")));
    }
    let interaction_kind = rec.kind;
    let mut errors = FormErrors::default();
    let kind = body["type"].as_u64();
    let data = &body["data"];
    // Which response types Discord accepts per interaction type.
    let allowed: &[u64] = match interaction_kind {
        4 => &[8],
        3 => &[4, 5, 6, 7, 9],
        5 => &[4, 5, 6, 7],
        _ => &[4, 5, 9],
    };
    let mut original = None;
    match kind {
        None => errors.push("type", "BASE_TYPE_REQUIRED", "This field is required".to_owned()),
        Some(k) if !allowed.contains(&k) => errors.push(
            "type",
            "INTERACTION_RESPONSE_TYPE_INVALID",
            format!("Value must be one of {allowed:?}."),
        ),
        Some(4) => {
            if !validate_message(data, "data", &mut errors) && errors.is_empty() {
                return Err(("empty_message", Reply::empty_message()));
            }
            original = Some(data.clone());
        }
        Some(5) => original = Some(json!({"content": "", "flags": data["flags"]})),
        Some(7) => {
            validate_message(data, "data", &mut errors);
        }
        Some(8) => validate_choices(&data["choices"], "data.choices", &mut errors),
        Some(9) => validate_modal(data, &mut errors),
        Some(_) => {}
    }
    if !errors.is_empty() {
        return Err(("invalid_form_body", Reply::form(&errors)));
    }
    let rec = st.interactions.get_mut(id).expect("checked above");
    rec.callback = Some(body.clone());
    // The bot's latency ends when its request arrived, not after the fake's own checks.
    rec.callback_at = Some(received_at);
    rec.original = original;
    Ok(Reply::empty(204))
}

fn followup(st: &mut State, token: &str, body: &Value) -> Routed {
    let Some(channel) = st
        .interactions
        .values()
        .find(|r| r.token == token && r.callback.is_some())
        .map(|r| r.channel_id)
    else {
        // Discord knows the webhook only once the interaction is acknowledged.
        return Err(("unknown_webhook", Reply::error(404, 10015, "Unknown Webhook")));
    };
    check_message_body(body)?;
    let message = st.message_object(channel, body, true);
    let reply = checked_message(message)?;
    let rec = st
        .interactions
        .values_mut()
        .find(|r| r.token == token)
        .expect("checked above");
    rec.followups.push(body.clone());
    Ok(reply)
}

fn original(st: &mut State, method: &str, token: &str, body: &Value) -> Routed {
    let Some(rec) = st
        .interactions
        .values()
        .find(|r| r.token == token && r.callback.is_some())
    else {
        return Err(("unknown_webhook", Reply::error(404, 10015, "Unknown Webhook")));
    };
    let channel = rec.channel_id;
    let Some(mut current) = rec.original.clone() else {
        return Err(("unknown_message", Reply::error(404, 10008, "Unknown Message")));
    };
    match method {
        "GET" => {
            let message = st.message_object(channel, &current, true);
            checked_message(message)
        }
        "DELETE" => {
            st.interactions
                .values_mut()
                .find(|r| r.token == token)
                .expect("checked above")
                .original = None;
            Ok(Reply::empty(204))
        }
        "PATCH" => {
            let mut errors = FormErrors::default();
            validate_message(body, "", &mut errors);
            if !errors.is_empty() {
                return Err(("invalid_form_body", Reply::form(&errors)));
            }
            for (k, v) in body.as_object().into_iter().flatten() {
                current[k] = v.clone();
            }
            if !validate_message(&current, "", &mut FormErrors::default()) {
                return Err(("empty_message", Reply::empty_message()));
            }
            st.interactions
                .values_mut()
                .find(|r| r.token == token)
                .expect("checked above")
                .original = Some(current.clone());
            let message = st.message_object(channel, &current, true);
            checked_message(message)
        }
        _ => Err(("unknown_route", not_found())),
    }
}

/// Discord's checks on a message body: every limit, and not empty.
fn check_message_body(body: &Value) -> Result<(), (&'static str, Reply)> {
    let mut errors = FormErrors::default();
    let non_empty = validate_message(body, "", &mut errors);
    if !errors.is_empty() {
        return Err(("invalid_form_body", Reply::form(&errors)));
    }
    if !non_empty {
        return Err(("empty_message", Reply::empty_message()));
    }
    Ok(())
}

fn channel_message(st: &mut State, channel: u64, body: &Value) -> Routed {
    check_message_body(body)?;
    let message = st.message_object(channel, body, false);
    checked_message(message)
}

/// Answers 200 with `message` if serenity can read it back; otherwise records a fake bug.
fn checked_message(message: Value) -> Routed {
    match check_model::<serenity::model::channel::Message>("message", &message) {
        Ok(()) => Ok(Reply::json(200, message)),
        Err(e) => Err(("fake_bug", Reply::error(500, 0, &e))),
    }
}

fn validate_modal(data: &Value, errors: &mut FormErrors) {
    errors.bad_len("data.custom_id", &data["custom_id"], 1, 100);
    errors.bad_len("data.title", &data["title"], 1, 45);
    let n = data["components"].as_array().map_or(0, Vec::len);
    if !(1..=5).contains(&n) {
        errors.push(
            "data.components",
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 1 and 5 in length.".to_owned(),
        );
    }
}

// ---- validation --------------------------------------------------------------------------------

/// Discord's nested `errors` object, built from dotted paths.
#[derive(Default)]
struct FormErrors(Vec<(String, &'static str, String)>);

impl FormErrors {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn push(&mut self, path: &str, code: &'static str, message: String) {
        self.0.push((path.to_owned(), code, message));
    }

    /// A string of at most `max` characters, if present.
    fn max_len(&mut self, path: &str, v: &Value, max: usize) {
        if let Some(s) = v.as_str() {
            if chars(s) > max {
                self.push(
                    path,
                    "BASE_TYPE_MAX_LENGTH",
                    format!("Must be {max} or fewer in length."),
                );
            }
        }
    }

    /// A required string of `min..=max` characters.
    fn bad_len(&mut self, path: &str, v: &Value, min: usize, max: usize) {
        match v.as_str() {
            None => self.push(path, "BASE_TYPE_REQUIRED", "This field is required".to_owned()),
            Some(s) if !(min..=max).contains(&chars(s)) => self.push(
                path,
                "BASE_TYPE_BAD_LENGTH",
                format!("Must be between {min} and {max} in length."),
            ),
            Some(_) => {}
        }
    }

    fn max_items(&mut self, path: &str, v: &Value, max: usize) {
        if v.as_array().is_some_and(|a| a.len() > max) {
            self.push(
                path,
                "BASE_TYPE_MAX_LENGTH",
                format!("Must be {max} or fewer in length."),
            );
        }
    }

    fn to_json(&self) -> Value {
        let mut root = json!({});
        for (path, code, message) in &self.0 {
            let mut node = &mut root;
            for seg in path.split('.').filter(|s| !s.is_empty()) {
                node = node
                    .as_object_mut()
                    .expect("object")
                    .entry(seg)
                    .or_insert_with(|| json!({}));
            }
            let list = node
                .as_object_mut()
                .expect("object")
                .entry("_errors")
                .or_insert_with(|| json!([]));
            list.as_array_mut()
                .expect("array")
                .push(json!({"code": code, "message": message}));
        }
        root
    }
}

/// Discord counts characters (code points), as serenity does.
fn chars(s: &str) -> usize {
    s.chars().count()
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

/// Checks a message body (create, edit, followup, callback data). Returns whether it has
/// anything to show; an empty message is Discord's 50006, not a form error.
fn validate_message(body: &Value, prefix: &str, errors: &mut FormErrors) -> bool {
    errors.max_len(&join(prefix, "content"), &body["content"], 2000);
    let embeds = body["embeds"].as_array().map(Vec::as_slice).unwrap_or_default();
    errors.max_items(&join(prefix, "embeds"), &body["embeds"], 10);
    let mut total = 0;
    for (i, e) in embeds.iter().enumerate() {
        let p = join(prefix, &format!("embeds.{i}"));
        errors.max_len(&format!("{p}.title"), &e["title"], 256);
        errors.max_len(&format!("{p}.description"), &e["description"], 4096);
        errors.max_items(&format!("{p}.fields"), &e["fields"], 25);
        for (j, f) in e["fields"].as_array().into_iter().flatten().enumerate() {
            errors.bad_len(&format!("{p}.fields.{j}.name"), &f["name"], 1, 256);
            errors.bad_len(&format!("{p}.fields.{j}.value"), &f["value"], 1, 1024);
            total += f["name"].as_str().map_or(0, chars) + f["value"].as_str().map_or(0, chars);
        }
        if !e["footer"].is_null() {
            errors.max_len(&format!("{p}.footer.text"), &e["footer"]["text"], 2048);
        }
        if !e["author"].is_null() {
            errors.max_len(&format!("{p}.author.name"), &e["author"]["name"], 256);
        }
        for text in [
            &e["title"],
            &e["description"],
            &e["footer"]["text"],
            &e["author"]["name"],
        ] {
            total += text.as_str().map_or(0, chars);
        }
    }
    if total > 6000 {
        errors.push(
            &join(prefix, "embeds"),
            "MAX_EMBED_SIZE_EXCEEDED",
            "Embed size exceeds maximum size of 6000".to_owned(),
        );
    }
    let has = |key: &str| body[key].as_array().is_some_and(|a| !a.is_empty());
    body["content"].as_str().is_some_and(|s| !s.trim().is_empty())
        || !embeds.is_empty()
        || has("components")
        || has("attachments")
        || has("sticker_ids")
        || body["poll"].is_object()
}

fn validate_choices(choices: &Value, path: &str, errors: &mut FormErrors) {
    let Some(list) = choices.as_array() else {
        errors.push(path, "BASE_TYPE_REQUIRED", "This field is required".to_owned());
        return;
    };
    errors.max_items(path, choices, 25);
    for (i, c) in list.iter().enumerate() {
        errors.bad_len(&format!("{path}.{i}.name"), &c["name"], 1, 100);
        match &c["value"] {
            Value::String(_) => errors.max_len(&format!("{path}.{i}.value"), &c["value"], 100),
            Value::Number(_) => {}
            _ => errors.push(
                &format!("{path}.{i}.value"),
                "BASE_TYPE_REQUIRED",
                "This field is required".to_owned(),
            ),
        }
    }
}

/// Bulk-overwrite body: an array of commands.
fn validate_commands(body: &Value, errors: &mut FormErrors) {
    let Some(list) = body.as_array() else {
        errors.push(
            "",
            "LIST_TYPE_CONVERT",
            "Only iterables may be used in a ListType".to_owned(),
        );
        return;
    };
    if list.iter().filter(|c| c["type"].as_u64().unwrap_or(1) == 1).count() > 100 {
        errors.push("", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.".to_owned());
    }
    let mut seen = Vec::new();
    for (i, c) in list.iter().enumerate() {
        let key = (
            c["type"].as_u64().unwrap_or(1),
            c["name"].as_str().unwrap_or_default().to_owned(),
        );
        if seen.contains(&key) {
            errors.push(
                &i.to_string(),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                "Application command names must be unique".to_owned(),
            );
        }
        seen.push(key);
        validate_command(c, &i.to_string(), errors);
    }
}

fn validate_command(c: &Value, p: &str, errors: &mut FormErrors) {
    let kind = c["type"].as_u64().unwrap_or(1);
    if kind == 1 {
        check_name(&c["name"], &format!("{p}.name"), errors);
        errors.bad_len(&format!("{p}.description"), &c["description"], 1, 100);
        validate_options(&c["options"], &format!("{p}.options"), 0, errors);
    } else {
        errors.bad_len(&format!("{p}.name"), &c["name"], 1, 32);
        if c["description"].as_str().is_some_and(|d| !d.is_empty()) {
            errors.push(
                &format!("{p}.description"),
                "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                "Context menu commands cannot have description".to_owned(),
            );
        }
        if c["options"].as_array().is_some_and(|o| !o.is_empty()) {
            errors.push(
                &format!("{p}.options"),
                "APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS",
                "Context menu commands cannot have options".to_owned(),
            );
        }
    }
    for (key, min, max) in [("name_localizations", 1, 32), ("description_localizations", 1, 100)] {
        for (locale, v) in c[key].as_object().into_iter().flatten() {
            errors.bad_len(&format!("{p}.{key}.{locale}"), v, min, max);
        }
    }
    if command_size(c) > 8000 {
        errors.push(
            p,
            "APPLICATION_COMMAND_TOO_LARGE",
            "Command exceeds maximum size (8000)".to_owned(),
        );
    }
}

/// `^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$`, lower case where a letter has one.
fn check_name(v: &Value, path: &str, errors: &mut FormErrors) {
    errors.bad_len(path, v, 1, 32);
    let Some(s) = v.as_str() else { return };
    let allowed = |c: char| {
        c.is_alphanumeric()
            || matches!(c, '-' | '_' | '\'')
            || ('\u{0900}'..='\u{097F}').contains(&c)
            || ('\u{0E00}'..='\u{0E7F}').contains(&c)
    };
    let lower = |c: char| c.to_lowercase().eq(std::iter::once(c));
    if !s.chars().all(|c| allowed(c) && lower(c)) {
        errors.push(
            path,
            "APPLICATION_COMMAND_INVALID_NAME",
            format!("Command name is invalid: {s:?}"),
        );
    }
}

fn validate_options(options: &Value, p: &str, depth: u32, errors: &mut FormErrors) {
    let Some(list) = options.as_array() else { return };
    errors.max_items(p, options, 25);
    let is_sub = |o: &Value| matches!(o["type"].as_u64(), Some(1 | 2));
    if list.iter().any(is_sub) && !list.iter().all(is_sub) {
        errors.push(
            p,
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Sub-command and sub-command group option types are mutually exclusive to all other types".to_owned(),
        );
    }
    let mut names = Vec::new();
    let mut optional_seen = false;
    for (i, o) in list.iter().enumerate() {
        let op = format!("{p}.{i}");
        let kind = o["type"].as_u64().unwrap_or(0);
        if !(1..=11).contains(&kind) {
            errors.push(
                &format!("{op}.type"),
                "BASE_TYPE_CHOICES",
                "Value must be one of (1..=11).".to_owned(),
            );
        }
        check_name(&o["name"], &format!("{op}.name"), errors);
        errors.bad_len(&format!("{op}.description"), &o["description"], 1, 100);
        let name = o["name"].as_str().unwrap_or_default();
        if names.contains(&name) {
            errors.push(
                &format!("{op}.name"),
                "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                "Option names must be unique".to_owned(),
            );
        }
        names.push(name);
        let required = o["required"].as_bool().unwrap_or(false);
        if kind > 2 {
            if required && optional_seen {
                errors.push(
                    &format!("{op}.required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options".to_owned(),
                );
            }
            optional_seen |= !required;
        }
        match kind {
            1 if depth > 1 => errors.push(
                &op,
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                "Sub-commands nest at most two levels".to_owned(),
            ),
            2 if depth > 0 => errors.push(
                &op,
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                "Sub-command groups must be top level".to_owned(),
            ),
            1 => {
                if o["options"].as_array().is_some_and(|sub| sub.iter().any(is_sub)) {
                    errors.push(
                        &format!("{op}.options"),
                        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                        "Sub-commands cannot contain sub-commands".to_owned(),
                    );
                }
                validate_options(&o["options"], &format!("{op}.options"), depth + 1, errors);
            }
            2 => {
                if !o["options"]
                    .as_array()
                    .is_some_and(|sub| !sub.is_empty() && sub.iter().all(|s| s["type"] == 1))
                {
                    errors.push(
                        &format!("{op}.options"),
                        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                        "Sub-command groups need 1 to 25 sub-commands".to_owned(),
                    );
                }
                validate_options(&o["options"], &format!("{op}.options"), depth + 1, errors);
            }
            _ => {}
        }
        let has_choices = o["choices"].as_array().is_some_and(|c| !c.is_empty());
        if has_choices {
            validate_choices(&o["choices"], &format!("{op}.choices"), errors);
            if !matches!(kind, 3 | 4 | 10) {
                errors.push(
                    &format!("{op}.choices"),
                    "APPLICATION_COMMAND_OPTION_CHOICES_INVALID",
                    "Only string, integer and number options have choices".to_owned(),
                );
            }
        }
        if has_choices && o["autocomplete"].as_bool() == Some(true) {
            errors.push(
                &format!("{op}.autocomplete"),
                "APPLICATION_COMMAND_AUTOCOMPLETE_AND_CHOICES",
                "Autocomplete cannot be used with choices".to_owned(),
            );
        }
        for key in ["min_length", "max_length"] {
            if o[key].as_u64().is_some_and(|n| n > 6000) {
                errors.push(
                    &format!("{op}.{key}"),
                    "NUMBER_TYPE_MAX",
                    "int value should be less than or equal to 6000.".to_owned(),
                );
            }
        }
    }
}

/// Name, description and choice values of a command and all its options; for localized
/// fields only the longest variant counts (Discord's rule).
fn command_size(c: &Value) -> usize {
    let longest = |key: &str, loc: &str| {
        let base = c[key].as_str().map_or(0, chars);
        c[loc]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(_, v)| v.as_str())
            .map(chars)
            .fold(base, usize::max)
    };
    let mut size = longest("name", "name_localizations") + longest("description", "description_localizations");
    for o in c["options"].as_array().into_iter().flatten() {
        size += command_size(o);
    }
    for choice in c["choices"].as_array().into_iter().flatten() {
        size += choice["name"].as_str().map_or(0, chars);
        size += match &choice["value"] {
            Value::String(s) => chars(s),
            v => v.to_string().len(),
        };
    }
    size
}

// ---- gateway -----------------------------------------------------------------------------------

async fn serve_gateway(shared: Arc<Shared>, listener: TcpListener, mut shutdown: watch::Receiver<bool>) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                conns.spawn(gateway_conn(shared.clone(), stream, shutdown.clone()));
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            _ = shutdown.changed() => break,
        }
    }
    // Give connections a moment to send their close frames.
    let _ = tokio::time::timeout(Duration::from_millis(300), async {
        while conns.join_next().await.is_some() {}
    })
    .await;
}

type WsSink = futures_util::stream::SplitSink<tokio_tungstenite::WebSocketStream<TcpStream>, Message>;
type WsSource = futures_util::stream::SplitStream<tokio_tungstenite::WebSocketStream<TcpStream>>;

async fn gateway_conn(shared: Arc<Shared>, stream: TcpStream, mut shutdown: watch::Receiver<bool>) {
    let Ok(ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let (mut sink, mut source) = ws.split();
    let hello = json!({
        "op": 10, "s": null, "t": null,
        "d": {"heartbeat_interval": shared.config.heartbeat_interval.as_millis() as u64, "_trace": ["[\"fake-gateway\"]"]},
    });
    if sink.send(Message::Text(hello.to_string())).await.is_err() {
        return;
    }
    let (tx, mut rx) = mpsc::unbounded_channel();
    let conn_id = shared.update(|st| {
        st.next_conn_id += 1;
        st.next_conn_id
    });
    let mut authenticated = false;
    loop {
        tokio::select! {
            incoming = source.next() => {
                let text = match incoming {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Close(_))) => {
                        // Flushes tungstenite's queued close reply; serenity waits for it on shutdown.
                        let _ = sink.close().await;
                        break;
                    },
                    Some(Err(_)) | None => break,
                    Some(Ok(_)) => continue,
                };
                let Ok(payload) = serde_json::from_str::<Value>(&text) else {
                    close(&mut sink, &mut source, 4002).await;
                    break;
                };
                let d = &payload["d"];
                let close_code = match payload["op"].as_u64() {
                    Some(1) => {
                        shared.update(|st| st.heartbeats += 1);
                        let ack = json!({"op": 11, "s": null, "t": null, "d": null}).to_string();
                        if sink.send(Message::Text(ack)).await.is_err() {
                            break;
                        }
                        None
                    },
                    Some(2) if authenticated => Some(4005),
                    Some(2) => {
                        let r = shared.update(|st| identify(st, conn_id, &tx, d));
                        authenticated = r.is_ok();
                        r.err()
                    },
                    Some(6) => {
                        match shared.update(|st| resume(st, conn_id, &tx, d)) {
                            Ok(()) => authenticated = true,
                            Err(None) => {
                                // Unknown session: op 9, the client must IDENTIFY again.
                                let invalid = json!({"op": 9, "s": null, "t": null, "d": false}).to_string();
                                let _ = sink.send(Message::Text(invalid)).await;
                            },
                            Err(Some(code)) => {
                                close(&mut sink, &mut source, code).await;
                                break;
                            },
                        }
                        None
                    },
                    Some(_) if !authenticated => Some(4003),
                    Some(_) => None,
                    None => Some(4002),
                };
                if let Some(code) = close_code {
                    close(&mut sink, &mut source, code).await;
                    break;
                }
            }
            out = rx.recv() => match out {
                Some(Outgoing::Frame(frame)) => {
                    if sink.send(Message::Text(frame)).await.is_err() {
                        break;
                    }
                },
                Some(Outgoing::Close(code)) => {
                    close(&mut sink, &mut source, code).await;
                    break;
                },
                None => break,
            },
            _ = shutdown.changed() => {
                close(&mut sink, &mut source, 1001).await;
                break;
            }
        }
    }
    shared.update(|st| {
        if st.conn.as_ref().is_some_and(|c| c.id == conn_id) {
            st.conn = None;
            st.live = false;
        }
    });
}

/// Sends a close frame, then waits briefly for the client's close reply.
async fn close(sink: &mut WsSink, source: &mut WsSource, code: u16) {
    let frame = CloseFrame {
        code: CloseCode::from(code),
        reason: "fake Discord closed the connection".into(),
    };
    if sink.send(Message::Close(Some(frame))).await.is_ok() {
        let _ = tokio::time::timeout(Duration::from_millis(500), async {
            while let Some(Ok(_)) = source.next().await {}
        })
        .await;
    }
}

/// IDENTIFY: a new session, READY then one GUILD_CREATE per guild. `Err(close code)` on a bad token.
fn identify(st: &mut State, conn_id: u64, tx: &mpsc::UnboundedSender<Outgoing>, d: &Value) -> Result<(), u16> {
    if d["token"].as_str() != Some(format!("Bot {}", st.cfg.token).as_str()) {
        return Err(4004);
    }
    st.identifies.push(d.clone());
    let session_id = format!("{:032x}", st.snowflake());
    st.session = Some(Session {
        id: session_id.clone(),
        seq: 0,
        log: Vec::new(),
    });
    st.conn = Some(Conn {
        id: conn_id,
        tx: tx.clone(),
    });
    let ready = st.ready_payload(&session_id, &d["shard"]);
    st.dispatch("READY", ready);
    for g in st.cfg.guild_ids.clone() {
        let guild = st.guild_payload(g);
        st.dispatch("GUILD_CREATE", guild);
    }
    st.live = true;
    Ok(())
}

/// RESUME: replays what the client missed, then RESUMED. `Err(None)` for an unknown session
/// (answered with op 9), `Err(Some(code))` to close.
fn resume(st: &mut State, conn_id: u64, tx: &mpsc::UnboundedSender<Outgoing>, d: &Value) -> Result<(), Option<u16>> {
    if d["token"].as_str() != Some(format!("Bot {}", st.cfg.token).as_str()) {
        return Err(Some(4004));
    }
    let seq = d["seq"].as_u64().unwrap_or(0);
    let session = st
        .session
        .as_ref()
        .filter(|s| d["session_id"].as_str() == Some(s.id.as_str()) && seq <= s.seq);
    let Some(session) = session else { return Err(None) };
    for (_, frame) in session.log.iter().filter(|(s, _)| *s > seq) {
        let _ = tx.send(Outgoing::Frame(frame.clone()));
    }
    st.resumes += 1;
    st.conn = Some(Conn {
        id: conn_id,
        tx: tx.clone(),
    });
    st.dispatch("RESUMED", json!({"_trace": ["[\"fake-gateway\"]"]}));
    st.live = true;
    Ok(())
}
