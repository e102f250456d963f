//! The fake's state behind one mutex: sessions, recorded requests, interactions; and the
//! payloads it sends, each checked against serenity's model types.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc};

use super::rest::{Reply, ReqInfo};
use super::{FakeConfig, FakeDiscord, InteractionRecord, RecordedRequest, Violation};

const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;
/// `APPLICATION_COMMAND_BADGE`, a flag real bots with slash commands carry.
const APP_FLAGS: u64 = 1 << 23;
/// Every permission bit Discord has as of 2025, as Discord writes it: a decimal string.
const ALL_PERMISSIONS: &str = "2251799813685247";
const EVERYONE_PERMISSIONS: &str = "1071698660929";
const OWNER_ID: u64 = 100_000_000_000_000_001;
const ATTACHMENT_SIZE_LIMIT: u64 = 10_485_760;

pub(super) struct Shared {
    pub(super) config: FakeConfig,
    pub(super) state: Mutex<State>,
    pub(super) changed: Notify,
}

impl Shared {
    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not hide the fake's state from others.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the state, then wakes waiters.
    pub(super) fn update<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let out = f(&mut self.lock());
        self.changed.notify_waiters();
        out
    }
}

pub(super) struct Fault {
    pub(super) pattern: String,
    pub(super) status: u16,
    pub(super) body: Value,
}

pub(super) enum Outgoing {
    Frame(String),
    Close(u16),
}

pub(super) struct Conn {
    pub(super) id: u64,
    pub(super) tx: mpsc::UnboundedSender<Outgoing>,
}

pub(super) struct Session {
    pub(super) id: String,
    pub(super) seq: u64,
    /// Every dispatch of the session, for replay on RESUME.
    pub(super) log: Vec<(u64, String)>,
}

pub(super) struct State {
    pub(super) cfg: FakeConfig,
    pub(super) ws_url: String,
    pub(super) requests: Vec<RecordedRequest>,
    pub(super) violations: Vec<Violation>,
    pub(super) faults: Vec<Fault>,
    pub(super) identifies: Vec<Value>,
    /// Every IDENTIFY received, refused ones included.
    pub(super) identify_attempts: usize,
    pub(super) resumes: usize,
    pub(super) heartbeats: usize,
    pub(super) session: Option<Session>,
    pub(super) conn: Option<Conn>,
    pub(super) next_conn_id: u64,
    pub(super) live: bool,
    pub(super) interactions: HashMap<String, InteractionRecord>,
    pub(super) commands: HashMap<Option<u64>, Vec<Value>>,
    pub(super) last_snowflake: u64,
}

impl State {
    pub(super) fn new(cfg: FakeConfig, ws_url: String) -> Self {
        Self {
            cfg,
            ws_url,
            requests: Vec::new(),
            violations: Vec::new(),
            faults: Vec::new(),
            identifies: Vec::new(),
            identify_attempts: 0,
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
    pub(super) fn snowflake(&mut self) -> u64 {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        self.last_snowflake = (ms.saturating_sub(DISCORD_EPOCH_MS) << 22).max(self.last_snowflake + 1);
        self.last_snowflake
    }

    pub(super) fn dispatch(&mut self, event: &str, data: Value) -> Option<u64> {
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

    pub(super) fn violation(&mut self, kind: &'static str, req: &ReqInfo, reply: &Reply) {
        self.violations.push(Violation {
            kind,
            method: req.method.clone(),
            path: req.path.clone(),
            status: reply.status,
            detail: reply.body.clone().unwrap_or(Value::Null),
        });
    }

    // ---- payloads ----

    pub(super) fn bot_user(&self) -> Value {
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

    pub(super) fn test_user(user_id: u64) -> Value {
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

    pub(super) fn member(user: Value, roles: &[u64]) -> Value {
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

    pub(super) fn app_info(&self) -> Value {
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

    pub(super) fn ready_payload(&self, session_id: &str, shard: &Value) -> Value {
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

    pub(super) fn role(id: u64, name: &str, position: u64, permissions: &str, tags: Value) -> Value {
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

    pub(super) fn guild_payload(&self, guild_id: u64) -> Value {
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

    pub(super) fn interaction_payload(
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

    pub(super) fn command_id(&self, guild: Option<u64>, name: &str) -> Option<String> {
        self.commands
            .get(&guild)?
            .iter()
            .find(|c| c["name"] == name)
            .and_then(|c| c["id"].as_str().map(str::to_owned))
    }

    pub(super) fn message_object(&mut self, channel_id: u64, data: &Value, interaction: bool) -> Value {
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
    pub(super) fn self_check(&self) {
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

    pub(super) fn bot_gateway(&self) -> Value {
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
pub(super) fn check_dispatch(t: &str, d: &Value) -> Result<(), String> {
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

pub(super) fn check_model<T: serde::de::DeserializeOwned>(what: &str, v: &Value) -> Result<(), String> {
    serde_json::from_value::<T>(v.clone())
        .map(|_| ())
        .map_err(|e| format!("serenity rejects the fake's {what} ({e}): {v}"))
}

fn now_iso() -> String {
    serenity::model::Timestamp::now().to_string()
}

pub(super) fn parse_id(v: &Value) -> Option<u64> {
    v.as_str().and_then(|s| s.parse().ok()).or_else(|| v.as_u64())
}
