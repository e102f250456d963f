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
//!
//! Here: the API tests call. `state` holds what the fake saw and builds its payloads; `rest` and
//! `gateway` serve the two ports; `validation` checks bodies against Discord's limits.

mod gateway;
mod rest;
mod state;
mod validation;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

use gateway::serve_gateway;
use rest::{pattern_matches, serve_rest};
use state::{Fault, Outgoing, Shared, State, check_dispatch, parse_id};

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
    /// Closes every IDENTIFY with this code instead of answering READY (e.g. 4014, disallowed
    /// intents); a wrong token always gets 4004.
    pub identify_close: Option<u16>,
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
            identify_close: None,
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

    /// IDENTIFYs received, refused ones included.
    pub fn identify_attempts(&self) -> usize {
        self.shared.lock().identify_attempts
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

    /// Dispatches a click (MESSAGE_COMPONENT, type 3) on a button with this `custom_id`, under a
    /// message of the bot's in the channel, as Discord sends it.
    pub fn send_component(&self, custom_id: &str, guild_id: Option<u64>, user_id: u64) -> InteractionHandle {
        let payload = {
            let mut st = self.shared.lock();
            let mut p = st.interaction_payload(3, "", Value::Null, guild_id, user_id);
            let channel_id = parse_id(&p["channel_id"]).unwrap_or(0);
            let button = serde_json::json!({"type": 2, "style": 2, "label": "button", "custom_id": custom_id});
            let shown = serde_json::json!({"content": "", "components": [{"type": 1, "components": [button]}]});
            let mut message = st.message_object(channel_id, &shown, true);
            message["components"] = shown["components"].clone();
            p["message"] = message;
            p["data"] = serde_json::json!({"custom_id": custom_id, "component_type": 2});
            p
        };
        self.send_interaction(payload)
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
