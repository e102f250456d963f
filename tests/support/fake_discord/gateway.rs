//! The gateway: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats, RESUME with replay, closes.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use super::state::{Conn, Outgoing, Session, Shared, State};

pub(super) async fn serve_gateway(shared: Arc<Shared>, listener: TcpListener, mut shutdown: watch::Receiver<bool>) {
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

/// IDENTIFY: a new session, READY then one GUILD_CREATE per guild. `Err(close code)` on a bad token
/// or when `identify_close` is set.
fn identify(st: &mut State, conn_id: u64, tx: &mpsc::UnboundedSender<Outgoing>, d: &Value) -> Result<(), u16> {
    st.identify_attempts += 1;
    if d["token"].as_str() != Some(format!("Bot {}", st.cfg.token).as_str()) {
        return Err(4004);
    }
    if let Some(code) = st.cfg.identify_close {
        return Err(code);
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
