//! Posting update pings to the newsroom channel, with retries.
//!
//! Channel messages go through their own small HTTP client rather than serenity's: with the
//! rate limiter off (behind a proxy) serenity 0.12.5 neither retries a 429 nor keeps its
//! `retry_after`, and a ping must not be lost to a momentary limit.

use std::time::Duration;

use serde_json::json;
use tracing::{info, warn};

use super::embeds::{limits, truncate};
use super::token::Token;

/// Where and how pings are posted.
pub struct Poster {
    client: reqwest::Client,
    /// `https://discord.com` or the configured proxy.
    base: String,
    token: Token,
    pub channel_id: u64,
    pub role_id: Option<u64>,
    pub max_attempts: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum PostError {
    #[error("Discord refused the message ({status}): {body}")]
    Refused { status: u16, body: String },
    #[error("could not reach Discord: {0}")]
    Network(String),
    #[error("gave up after {0} attempts")]
    GaveUp(u32),
}

impl Poster {
    pub fn new(base: Option<&str>, token: Token, channel_id: u64, role_id: Option<u64>) -> Poster {
        Poster {
            client: reqwest::Client::new(),
            base: base.unwrap_or("https://discord.com").trim_end_matches('/').to_string(),
            token,
            channel_id,
            role_id,
            max_attempts: 6,
        }
    }

    /// The message body: the role mention first, and only that role may be pinged.
    pub fn body(&self, text: &str) -> serde_json::Value {
        let (content, roles) = match self.role_id {
            Some(role) => {
                let mention = format!("<@&{role}> ");
                let room = limits::CONTENT - mention.len();
                (format!("{mention}{}", truncate(text, room)), vec![role.to_string()])
            }
            None => (truncate(text, limits::CONTENT), Vec::new()),
        };
        json!({ "content": content, "allowed_mentions": { "parse": [], "roles": roles } })
    }

    /// Posts `text`, retrying rate limits (honouring `retry_after`) and server errors with
    /// backoff. Client errors other than 429 are final.
    pub async fn post(&self, text: &str) -> Result<(), PostError> {
        let url = format!("{}/api/v10/channels/{}/messages", self.base, self.channel_id);
        let body = serde_json::to_vec(&self.body(text)).unwrap_or_default();
        let mut backoff = Duration::from_millis(500);
        for attempt in 1..=self.max_attempts {
            let sent = self
                .client
                .post(&url)
                .header("Authorization", format!("Bot {}", self.token.expose()))
                .header("Content-Type", "application/json")
                .header(
                    "User-Agent",
                    "DiscordBot (https://github.com/figures-bot, 0.1) figures-bot",
                )
                .body(body.clone())
                .send()
                .await;
            let wait = match sent {
                Ok(response) if response.status().is_success() => {
                    info!(channel = self.channel_id, attempt, "update ping posted");
                    return Ok(());
                }
                Ok(response) if response.status().as_u16() == 429 => {
                    let header = retry_after_header(&response);
                    let text = response.text().await.unwrap_or_default();
                    let wait = retry_after_body(&text).or(header).unwrap_or(backoff);
                    warn!(attempt, wait_ms = wait.as_millis() as u64, "update ping rate-limited");
                    wait
                }
                Ok(response) if response.status().is_server_error() => {
                    warn!(
                        attempt,
                        status = response.status().as_u16(),
                        "Discord server error posting update ping"
                    );
                    backoff
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    let body = response.text().await.unwrap_or_default();
                    return Err(PostError::Refused { status, body });
                }
                Err(e) => {
                    let e = e.without_url();
                    warn!(attempt, error = %e, "network error posting update ping");
                    if attempt == self.max_attempts {
                        return Err(PostError::Network(e.to_string()));
                    }
                    backoff
                }
            };
            tokio::time::sleep(wait.min(Duration::from_secs(60))).await;
            backoff = (backoff * 2).min(Duration::from_secs(30));
        }
        Err(PostError::GaveUp(self.max_attempts))
    }
}

fn retry_after_header(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get("retry-after")?.to_str().ok()?;
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
}

/// Discord's 429 body: `{"message": "...", "retry_after": 0.25, "global": false}` (seconds).
fn retry_after_body(body: &str) -> Option<Duration> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let seconds = value.get("retry_after")?.as_f64()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_configured_role_may_be_pinged() {
        let token = super::super::token::parse("a.b.c", "test").unwrap();
        let poster = Poster::new(None, token, 1, Some(42));
        let body = poster.body("@everyone <@&7> changed");
        assert_eq!(body["allowed_mentions"], json!({ "parse": [], "roles": ["42"] }));
        assert!(body["content"].as_str().unwrap().starts_with("<@&42> "));
        let long = poster.body(&"x".repeat(5000));
        assert!(long["content"].as_str().unwrap().chars().count() <= 2000);
    }

    #[test]
    fn reads_retry_after() {
        assert_eq!(
            retry_after_body(r#"{"retry_after": 0.25}"#),
            Some(Duration::from_millis(250))
        );
        assert_eq!(retry_after_body("nope"), None);
    }
}
