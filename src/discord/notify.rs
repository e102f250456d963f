//! Posting update pings to the newsroom channel, with retries.
//!
//! Channel messages go through their own small HTTP client rather than serenity's: with the
//! rate limiter off (behind a proxy) serenity 0.12.5 neither retries a 429 nor keeps its
//! `retry_after`, and a ping must not be lost to a momentary limit.

use std::future::Future;
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
    /// Where rejected saves go instead of `channel_id`, and whom they mention instead of
    /// `role_id` (no one when unset).
    pub maintainer_channel_id: Option<u64>,
    pub maintainer_role_id: Option<u64>,
    pub max_attempts: u32,
}

/// Who a ping is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The newsroom: what changed in the data they quote.
    Desk,
    /// The data's maintainers: a save that could not be loaded.
    Maintainers,
}

/// A ready-made ping and who it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ping {
    pub text: String,
    pub to: Audience,
}

impl Ping {
    pub fn desk(text: String) -> Ping {
        Ping {
            text,
            to: Audience::Desk,
        }
    }
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
            maintainer_channel_id: None,
            maintainer_role_id: None,
            max_attempts: 6,
        }
    }

    /// The channel and the role for a ping.
    pub fn route(&self, to: Audience) -> (u64, Option<u64>) {
        match to {
            Audience::Desk => (self.channel_id, self.role_id),
            Audience::Maintainers => (
                self.maintainer_channel_id.unwrap_or(self.channel_id),
                self.maintainer_role_id,
            ),
        }
    }

    /// The message body for the desk.
    pub fn body(&self, text: &str) -> serde_json::Value {
        self.body_with_role(text, self.role_id)
    }

    /// The message body: the role mention first, and only that role may be pinged.
    fn body_with_role(&self, text: &str, role: Option<u64>) -> serde_json::Value {
        let (content, roles) = match role {
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
        self.post_to(text, Audience::Desk).await
    }

    /// Posts a ping where its audience reads it (see [`Poster::route`]).
    pub async fn post_to(&self, text: &str, to: Audience) -> Result<(), PostError> {
        let (channel, role) = self.route(to);
        let url = format!("{}/api/v10/channels/{channel}/messages", self.base);
        let body = serde_json::to_vec(&self.body_with_role(text, role)).unwrap_or_default();
        with_retries(self.max_attempts, |attempt| self.attempt(&url, &body, attempt)).await
    }

    async fn attempt(&self, url: &str, body: &[u8], attempt: u32) -> Attempt {
        let sent = self
            .client
            .post(url)
            .header("Authorization", format!("Bot {}", self.token.expose()))
            .header("Content-Type", "application/json")
            .header(
                "User-Agent",
                "DiscordBot (https://github.com/figures-bot, 0.1) figures-bot",
            )
            .body(body.to_vec())
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => {
                info!(channel = self.channel_id, attempt, "update ping posted");
                Attempt::Posted
            }
            Ok(response) if response.status().as_u16() == 429 => {
                let header = retry_after_header(&response);
                let text = response.text().await.unwrap_or_default();
                let wait = retry_after_body(&text).or(header);
                warn!(
                    attempt,
                    wait_ms = wait.map(|w| w.as_millis() as u64),
                    "update ping rate-limited"
                );
                Attempt::Again(wait)
            }
            Ok(response) if response.status().is_server_error() => {
                warn!(
                    attempt,
                    status = response.status().as_u16(),
                    "Discord server error posting update ping"
                );
                Attempt::Again(None)
            }
            Ok(response) => {
                let status = response.status().as_u16();
                let body = response.text().await.unwrap_or_default();
                Attempt::Failed(PostError::Refused { status, body })
            }
            Err(e) => {
                let e = e.without_url();
                warn!(attempt, error = %e, "network error posting update ping");
                if attempt == self.max_attempts {
                    return Attempt::Failed(PostError::Network(e.to_string()));
                }
                Attempt::Again(None)
            }
        }
    }
}

/// What one attempt to post came to.
enum Attempt {
    Posted,
    /// Try again after this long (`None`: after the backoff).
    Again(Option<Duration>),
    Failed(PostError),
}

/// Makes up to `max_attempts` attempts. The backoff starts at 500 ms and doubles after every
/// wait, up to 30 s; no wait is longer than a minute, whatever `retry_after` says.
async fn with_retries<F>(max_attempts: u32, mut attempt: impl FnMut(u32) -> F) -> Result<(), PostError>
where
    F: Future<Output = Attempt>,
{
    let mut backoff = Duration::from_millis(500);
    for n in 1..=max_attempts {
        match attempt(n).await {
            Attempt::Posted => return Ok(()),
            Attempt::Failed(e) => return Err(e),
            // No point waiting after the last attempt.
            Attempt::Again(_) if n == max_attempts => {}
            Attempt::Again(wait) => {
                tokio::time::sleep(wait.unwrap_or(backoff).min(Duration::from_secs(60))).await;
                backoff = (backoff * 2).min(Duration::from_secs(30));
            }
        }
    }
    Err(PostError::GaveUp(max_attempts))
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
    fn rejected_saves_go_to_the_maintainers_never_the_desk_role() {
        let token = super::super::token::parse("a.b.c", "test").unwrap();
        let mut poster = Poster::new(None, token, 1, Some(42));
        assert_eq!(poster.route(Audience::Maintainers), (1, None));
        poster.maintainer_role_id = Some(7);
        assert_eq!(poster.route(Audience::Maintainers), (1, Some(7)));
        poster.maintainer_channel_id = Some(9);
        assert_eq!(poster.route(Audience::Maintainers), (9, Some(7)));
        assert_eq!(poster.route(Audience::Desk), (1, Some(42)));
    }

    #[test]
    fn reads_retry_after() {
        assert_eq!(
            retry_after_body(r#"{"retry_after": 0.25}"#),
            Some(Duration::from_millis(250))
        );
        assert_eq!(retry_after_body("nope"), None);
    }

    /// Runs `with_retries` over scripted attempts on paused time; returns the result and when
    /// (since the start) each attempt was made.
    async fn scripted(max_attempts: u32, script: Vec<Attempt>) -> (Result<(), PostError>, Vec<Duration>) {
        let start = tokio::time::Instant::now();
        let mut script = script.into_iter();
        let mut at = Vec::new();
        let result = with_retries(max_attempts, |_| {
            at.push(start.elapsed());
            let next = script.next().expect("an attempt too many");
            async move { next }
        })
        .await;
        (result, at)
    }

    #[tokio::test(start_paused = true)]
    async fn waits_retry_after_or_a_doubling_backoff_capped_at_a_minute() {
        let (result, at) = scripted(
            6,
            vec![
                Attempt::Again(Some(Duration::from_millis(2500))),
                Attempt::Again(None),
                Attempt::Again(None),
                Attempt::Again(Some(Duration::from_secs(120))),
                Attempt::Posted,
            ],
        )
        .await;
        assert!(result.is_ok());
        let ms = [0, 2500, 3500, 5500, 65_500].map(Duration::from_millis);
        assert_eq!(at, ms, "retry_after, backoff 1 s and 2 s (doubled), then at most 60 s");
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_after_the_last_attempt_without_waiting_again() {
        let start = tokio::time::Instant::now();
        let (result, at) = scripted(3, (0..3).map(|_| Attempt::Again(None)).collect()).await;
        assert!(matches!(result, Err(PostError::GaveUp(3))), "{result:?}");
        assert_eq!(at, [0, 500, 1500].map(Duration::from_millis));
        assert_eq!(start.elapsed(), Duration::from_millis(1500));
    }

    #[tokio::test(start_paused = true)]
    async fn a_refusal_is_final() {
        let refused = PostError::Refused {
            status: 403,
            body: "Missing Access".to_string(),
        };
        let (result, at) = scripted(6, vec![Attempt::Failed(refused)]).await;
        assert!(
            matches!(result, Err(PostError::Refused { status: 403, .. })),
            "{result:?}"
        );
        assert_eq!(at, [Duration::ZERO]);
    }
}
