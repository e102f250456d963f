//! The command line: `check` for editors before they publish, `ask` for the same answers the
//! bot gives, as Markdown.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::answer::{COMMANDS, Query, answer};
use crate::config::Config;
use crate::dataset::Dataset;
use crate::discord::{BotSettings, shutdown_signal};
use crate::error::LookupError;
use crate::library::Library;
use crate::render::markdown;
use crate::suggest::closest;

/// The bundled dataset, used when no path is given.
pub const DEFAULT_DATA: &str = "data/repatriation-2025.toml";

#[derive(Debug, Parser)]
#[command(name = "figures-bot", version, about = "Sourced answers about contested figures")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate data files; print one `PATH:LINE:COL: message` line per problem.
    Check {
        /// Data files or folders of .toml files.
        #[arg(default_value = DEFAULT_DATA)]
        paths: Vec<PathBuf>,
    },
    /// Answer a question on the command line, as Markdown.
    ///
    /// Commands: total [QUANTITY] [CLAIMANT], stage STAGE, discrepancy [QUANTITY|STAGE],
    /// source CLAIMANT, timeline, about.
    Ask {
        /// A data file or folder; may be repeated.
        #[arg(long = "data", default_value = DEFAULT_DATA)]
        data: Vec<PathBuf>,
        /// Which story, when more than one is loaded (id or unique prefix).
        #[arg(long)]
        story: Option<String>,
        /// total, stage, discrepancy, source, timeline or about.
        command: String,
        /// The command's arguments; words are joined ("16 june").
        args: Vec<String>,
    },
    /// Run the Discord bot (token from DISCORD_TOKEN or `discord.token_file`).
    Run {
        /// The config file [default: $FIGURES_BOT_CONFIG, else figures-bot.toml]
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Watch data files and print what each save changes, as the desk's ping would say it.
    /// Runs until Ctrl-C.
    Watch {
        /// A data file or folder; may be repeated.
        #[arg(long = "data", default_value = DEFAULT_DATA)]
        data: Vec<PathBuf>,
        /// Act on a save once this many milliseconds have passed.
        #[arg(long, default_value_t = crate::watch::DEFAULT_DEBOUNCE.as_millis() as u64)]
        debounce_ms: u64,
        /// Poll every N seconds instead of using file system events (NFS, some container mounts).
        #[arg(long)]
        poll_interval_s: Option<u64>,
    },
}

/// Exit codes: what scripts and editors' tools can rely on.
pub mod exit {
    pub const OK: u8 = 0;
    pub const INVALID_DATA: u8 = 1;
    pub const USAGE: u8 = 2;
}

/// Runs `check` or `ask`, writing to the given streams.
pub fn run(command: Command, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    match command {
        Command::Check { paths } => check(&paths, out, err),
        Command::Ask {
            data,
            story,
            command,
            args,
        } => ask(&data, story.as_deref(), &command, &args, out, err),
        Command::Run { config } => run_bot(config, err),
        Command::Watch {
            data,
            debounce_ms,
            poll_interval_s,
        } => {
            init_logging(false);
            let config = crate::watch::WatchConfig {
                debounce: std::time::Duration::from_millis(debounce_ms),
                poll_interval: poll_interval_s.map(std::time::Duration::from_secs),
            };
            crate::watch::run_terminal(&data, config, out, err)
        }
    }
}

/// Logs to stderr; `RUST_LOG` filters (serenity's own chatter is kept to warnings by default).
pub fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,serenity=warn,tracing::span=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Everything that can be checked before connecting is checked first: a crash loop must not
/// burn Discord's daily IDENTIFY budget.
fn run_bot(config: Option<PathBuf>, err: &mut dyn Write) -> ExitCode {
    let path = Config::locate(config);
    let config = match Config::load(&path) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(err, "{e}");
            return ExitCode::from(exit::INVALID_DATA);
        }
    };
    init_logging(config.log.json);
    let token = match crate::discord::token::load(
        config.discord.token_file.as_deref(),
        std::env::var("DISCORD_TOKEN").ok(),
    ) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(err, "figures-bot: {e}");
            return ExitCode::from(exit::INVALID_DATA);
        }
    };
    let live = match crate::live::Live::load(&config.data.to_vec()) {
        Ok(l) => std::sync::Arc::new(l),
        Err(errors) => {
            for e in errors {
                for line in e.problems() {
                    let _ = writeln!(err, "{line}");
                }
            }
            let _ = writeln!(err, "figures-bot: the data is invalid; not connecting");
            return ExitCode::from(exit::INVALID_DATA);
        }
    };
    let settings = BotSettings {
        token,
        api_proxy: config.discord.api_proxy.clone(),
        guild_ids: config.discord.guild_ids.clone(),
        channel_id: config.notify.channel_id,
        role_id: config.notify.role_id,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "figures-bot: cannot start the async runtime: {e}");
            return ExitCode::from(exit::INVALID_DATA);
        }
    };
    for story in live.library().stories() {
        tracing::info!(story = %story.story.id, claims = story.claims.len(), path = %story.source.path.display(), "data loaded");
    }
    match runtime.block_on(crate::discord::run_live(
        settings,
        live,
        config.watch,
        shutdown_signal(),
    )) {
        Ok(()) => ExitCode::from(exit::OK),
        Err(e) => {
            tracing::error!(error = %e, "bot stopped");
            ExitCode::from(exit::INVALID_DATA)
        }
    }
}

fn check(paths: &[PathBuf], out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let listed = match crate::library::data_files(paths) {
        Ok(listed) => listed,
        Err(e) => {
            let _ = writeln!(err, "{e}");
            return ExitCode::from(exit::INVALID_DATA);
        }
    };
    for skipped in &listed.skipped {
        let _ = writeln!(err, "{skipped}");
    }
    let mut failed = false;
    for file in &listed.files {
        match Dataset::load(file) {
            Ok(d) => {
                let _ = writeln!(
                    out,
                    "{}: ok — story `{}`, {} claims, {} characterisations, {} stages, {} claimants, {} outlets",
                    file.display(),
                    d.story.id,
                    d.claims.len(),
                    d.characterisations.len(),
                    d.stages.len(),
                    d.claimants.len(),
                    d.outlets.len()
                );
            }
            Err(e) => {
                failed = true;
                let problems = e.problems();
                for line in &problems {
                    let _ = writeln!(err, "{line}");
                }
                let _ = writeln!(err, "{}: {} problem(s)", file.display(), problems.len());
            }
        }
    }
    ExitCode::from(if failed { exit::INVALID_DATA } else { exit::OK })
}

fn ask(
    data: &[PathBuf],
    story: Option<&str>,
    command: &str,
    args: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    let library = match Library::load(data) {
        Ok(l) => l,
        Err(errors) => {
            for e in errors {
                for line in e.problems() {
                    let _ = writeln!(err, "{line}");
                }
            }
            return ExitCode::from(exit::INVALID_DATA);
        }
    };
    let result = library
        .select(story)
        .map_err(|e| e.to_string())
        .and_then(|d| parse_query(d, command, args).map(|q| (d, q)))
        .and_then(|(d, q)| answer(d, &q).map_err(|e| e.to_string()));
    match result {
        Ok(reply) => {
            let _ = write!(out, "{}", markdown::render(&reply));
            ExitCode::from(exit::OK)
        }
        Err(message) => {
            let _ = writeln!(err, "figures-bot: {message}");
            ExitCode::from(exit::USAGE)
        }
    }
}

/// Turns `stage 16 june` into a query. Where an argument could be one of two kinds
/// (`total medinsky`, `discrepancy final`), the kinds are tried in turn.
pub fn parse_query(data: &Dataset, command: &str, args: &[String]) -> Result<Query, String> {
    let joined = args.join(" ");
    let arg = (!joined.trim().is_empty()).then(|| joined.clone());
    let required = |what: &str| {
        arg.clone()
            .ok_or_else(|| format!("`{command}` needs a {what}, e.g. `figures-bot ask {command} <{what}>`"))
    };
    match command.to_lowercase().as_str() {
        "total" => {
            let (mut quantity, mut claimant) = (None, None);
            for word in split_total_args(data, args) {
                if quantity.is_none() && data.find_quantity(&word).is_ok() {
                    quantity = Some(word);
                } else if claimant.is_none() {
                    claimant = Some(word);
                } else {
                    return Err(format!(
                        "`total` takes at most a quantity and a claimant; `{word}` is one too many"
                    ));
                }
            }
            Ok(Query::Total { quantity, claimant })
        }
        "stage" => Ok(Query::Stage {
            stage: required("stage")?,
        }),
        "discrepancy" | "discrepancies" => Ok(match arg {
            None => Query::Discrepancy {
                quantity: None,
                stage: None,
            },
            Some(a) => match (data.find_quantity(&a), data.find_stage(&a)) {
                (Ok(_), _) => Query::Discrepancy {
                    quantity: Some(a),
                    stage: None,
                },
                (_, Ok(_)) => Query::Discrepancy {
                    quantity: None,
                    stage: Some(a),
                },
                (Err(q), Err(s)) => return Err(combine("quantity or stage", &a, &[q, s])),
            },
        }),
        "source" => Ok(Query::Source {
            claimant: required("claimant")?,
        }),
        "timeline" | "about" if arg.is_some() => Err(format!("`{command}` takes no arguments")),
        "timeline" => Ok(Query::Timeline),
        "about" => Ok(Query::About),
        _ => {
            let hint = closest(command, COMMANDS)
                .first()
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            Err(format!(
                "unknown command `{command}`{hint} (commands: {})",
                COMMANDS.join(", ")
            ))
        }
    }
}

/// `total` accepts a quantity and a claimant, each possibly several words: the longest leading
/// run of words that names a quantity is the quantity, the rest the claimant.
fn split_total_args(data: &Dataset, args: &[String]) -> Vec<String> {
    for cut in (1..=args.len()).rev() {
        let head = args[..cut].join(" ");
        if data.find_quantity(&head).is_ok() {
            let mut parts = vec![head];
            if cut < args.len() {
                parts.push(args[cut..].join(" "));
            }
            return parts;
        }
    }
    if args.is_empty() {
        Vec::new()
    } else {
        vec![args.join(" ")]
    }
}

fn combine(kind: &str, query: &str, errors: &[LookupError]) -> String {
    let mut suggestions: Vec<String> = Vec::new();
    for s in errors.iter().flat_map(|e| e.suggestions()) {
        if !suggestions.contains(s) {
            suggestions.push(s.clone());
        }
    }
    let hint = if suggestions.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", suggestions.join(", "))
    };
    format!("no {kind} matches `{query}`{hint}")
}
