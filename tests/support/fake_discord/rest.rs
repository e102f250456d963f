//! The REST side: a hyper server under `/api/v10`, routing, Discord's answers and errors.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Instant;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::RecordedRequest;
use super::state::{Fault, Shared, State, check_model};
use super::validation::{FormErrors, validate_choices, validate_commands, validate_message};

pub(super) struct ReqInfo {
    pub(super) method: String,
    pub(super) path: String,
    pub(super) query: Option<String>,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Option<Value>,
    /// The body was present but not JSON.
    pub(super) bad_json: bool,
    /// When the last byte of the request arrived, before the fake parsed or checked anything.
    pub(super) received_at: Instant,
}

pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Option<Value>,
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

pub(super) async fn serve_rest(shared: Arc<Shared>, listener: TcpListener, mut shutdown: watch::Receiver<bool>) {
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

pub(super) fn pattern_matches(pattern: &str, method: &str, path: &str) -> bool {
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
