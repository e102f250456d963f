//! The bot token: read from `DISCORD_TOKEN` or a file, checked for shape before any network
//! call, and never printed.

use std::fmt;
use std::path::{Path, PathBuf};

/// A bot token. `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl Token {
    /// The secret itself, only for handing to the HTTP client.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("no bot token: set DISCORD_TOKEN or `discord.token_file` in the config")]
    Missing,
    #[error("cannot read the token file {}: {reason}", path.display())]
    Unreadable { path: PathBuf, reason: String },
    #[error("the bot token from {origin} is malformed: {reason} (copy it again from the Developer Portal's Bot page)")]
    Malformed { origin: String, reason: &'static str },
}

/// The token from `token_file` if set, else from the `DISCORD_TOKEN` value given.
pub fn load(token_file: Option<&Path>, env_value: Option<String>) -> Result<Token, TokenError> {
    let (raw, origin) = match token_file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| TokenError::Unreadable {
                path: path.to_path_buf(),
                reason: e.kind().to_string(),
            })?;
            (text, format!("{}", path.display()))
        }
        None => (env_value.ok_or(TokenError::Missing)?, "DISCORD_TOKEN".to_string()),
    };
    parse(&raw, &origin)
}

/// Checks the shape Discord bot tokens have: three dot-separated base64url parts.
pub fn parse(raw: &str, origin: &str) -> Result<Token, TokenError> {
    let malformed = |reason| TokenError::Malformed {
        origin: origin.to_string(),
        reason,
    };
    let token = raw.trim();
    let token = token.strip_prefix("Bot ").unwrap_or(token);
    if token.is_empty() {
        return Err(TokenError::Missing);
    }
    if token.chars().any(char::is_whitespace) {
        return Err(malformed("it contains white space"));
    }
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
        return Err(malformed("a bot token has three parts separated by dots"));
    }
    let base64url = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '=';
    if !parts.iter().all(|p| p.chars().all(base64url)) {
        return Err(malformed("it contains characters a token never has"));
    }
    Ok(Token(token.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB";

    #[test]
    fn accepts_a_token_and_never_shows_it() {
        let token = parse(&format!("  {SAMPLE}\n"), "DISCORD_TOKEN").unwrap();
        assert_eq!(token.expose(), SAMPLE);
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
    }

    #[test]
    fn malformed_tokens_are_refused_without_echoing_them() {
        let err = parse("not-a-token", "DISCORD_TOKEN").unwrap_err();
        assert!(!err.to_string().contains("not-a-token"));
        assert!(matches!(err, TokenError::Malformed { .. }));
        assert_eq!(load(None, None), Err(TokenError::Missing));
        assert_eq!(parse("   ", "x"), Err(TokenError::Missing));
    }
}
