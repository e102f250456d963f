//! The bot's config file (`figures-bot.toml`): where the data is, how to reach Discord, where
//! update pings go. Unknown keys are errors with `file:line:col`, like the data files.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::Problem;
use crate::error::toml_problem;

/// Used when neither `--config` nor `FIGURES_BOT_CONFIG` names a file.
pub const DEFAULT_CONFIG: &str = "figures-bot.toml";

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// One data file or folder, or a list of them. Relative paths are relative to the config file.
    pub data: DataPaths,
    #[serde(default)]
    pub discord: DiscordConfig,
    #[serde(default)]
    pub notify: NotifyConfig,
    #[serde(default)]
    pub watch: crate::watch::WatchConfig,
    #[serde(default)]
    pub log: LogConfig,
    #[serde(default)]
    pub style: StyleConfig,
}

/// House style: `[style] dates = "June 16, 2025"` (default "16 June 2025").
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StyleConfig {
    #[serde(default)]
    pub dates: crate::date::DateStyle,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum DataPaths {
    One(PathBuf),
    Many(Vec<PathBuf>),
}

impl DataPaths {
    pub fn to_vec(&self) -> Vec<PathBuf> {
        match self {
            DataPaths::One(p) => vec![p.clone()],
            DataPaths::Many(ps) => ps.clone(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscordConfig {
    /// Register commands in these guilds (instant); absent: global commands.
    #[serde(default)]
    pub guild_ids: Vec<u64>,
    /// Send REST calls to this base instead of https://discord.com (a rate-limiting proxy, or a
    /// fake Discord in tests).
    #[serde(default)]
    pub api_proxy: Option<String>,
    /// Read the token from this file instead of `DISCORD_TOKEN`.
    #[serde(default)]
    pub token_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyConfig {
    /// Where update pings go; absent: no pings.
    #[serde(default)]
    pub channel_id: Option<u64>,
    /// Role mentioned in update pings, and given by `/subscribe`.
    #[serde(default)]
    pub role_id: Option<u64>,
    /// Where rejected saves go (a broken file is the maintainers' business, not the desk's);
    /// absent: the update channel.
    #[serde(default)]
    pub maintainer_channel_id: Option<u64>,
    /// Role mentioned when a save is rejected; absent: no one (never the desk's role).
    #[serde(default)]
    pub maintainer_role_id: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    /// Log as JSON lines (for log collectors) instead of text.
    #[serde(default)]
    pub json: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: cannot read the config file: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(Problem),
}

impl Config {
    /// Reads a config file; relative data paths become relative to its folder.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut config = Config::parse(&text, path)?;
        let base = path.parent().unwrap_or(Path::new(""));
        let resolve = |p: &PathBuf| if p.is_relative() { base.join(p) } else { p.clone() };
        config.data = match &config.data {
            DataPaths::One(p) => DataPaths::One(resolve(p)),
            DataPaths::Many(ps) => DataPaths::Many(ps.iter().map(resolve).collect()),
        };
        Ok(config)
    }

    /// Parses config text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Invalid(toml_problem(path, text, &e)))
    }

    /// `--config`, else `FIGURES_BOT_CONFIG`, else `figures-bot.toml`.
    pub fn locate(flag: Option<PathBuf>) -> PathBuf {
        flag.or_else(|| std::env::var_os("FIGURES_BOT_CONFIG").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let text = include_str!("../figures-bot.example.toml");
        let config = Config::parse(text, Path::new("figures-bot.example.toml")).unwrap();
        assert_eq!(config.data, DataPaths::One("data/repatriation-2025.toml".into()));
        assert_eq!(config.discord.guild_ids, vec![123456789012345678]);
        assert_eq!(config.notify.role_id, Some(123456789012345678));
        assert_eq!(config.watch.debounce, crate::watch::DEFAULT_DEBOUNCE);
        assert_eq!(config.style.dates, crate::date::DateStyle::DayMonth);
    }

    #[test]
    fn house_style_for_dates() {
        let text = "data = \"d.toml\"\n[style]\ndates = \"June 16, 2025\"\n";
        let config = Config::parse(text, Path::new("bot.toml")).unwrap();
        assert_eq!(config.style.dates, crate::date::DateStyle::MonthDay);
        let err = Config::parse("data = \"d.toml\"\n[style]\ndates = \"16/6\"\n", Path::new("bot.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("bot.toml:3:9: unknown date style `16/6`"), "{err}");
    }

    #[test]
    fn unknown_keys_are_positioned_errors() {
        let text = "data = \"d.toml\"\n[discord]\nguild_id = [1]\n";
        let err = Config::parse(text, Path::new("bot.toml")).unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with("bot.toml:3:1: unknown field `guild_id`"),
            "{message}"
        );
        assert!(message.contains("did you mean `guild_ids`?"), "{message}");
    }
}
