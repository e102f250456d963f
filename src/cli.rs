//! The command line: `check` for editors before they publish, `ask` for the same answers the
//! bot gives, as Markdown (each question's arguments come from its module in `answer`), `watch`
//! to see what saves change, and `run` for the bot.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::answer::{Ask, answer};
use crate::config::Config;
use crate::dataset::Dataset;
use crate::discord::{BotSettings, shutdown_signal};
use crate::error::{LoadError, Problem};
use crate::library::Library;
use crate::live::Live;
use crate::notice::DISCORD_MESSAGE_LIMIT;
use crate::render::markdown;
use crate::watch::{WatchConfig, WatchMode, Watcher};

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
    /// Validate data files; print each problem as `PATH:LINE:COL: message` with its line.
    Check {
        /// Data files or folders of .toml files.
        #[arg(default_value = DEFAULT_DATA)]
        paths: Vec<PathBuf>,
        /// Refuse warnings too (a figure its own words contradict): for CI and pre-commit hooks.
        #[arg(long)]
        strict: bool,
    },
    /// Answer a question on the command line, as Markdown.
    #[command(subcommand_value_name = "QUESTION", subcommand_help_heading = "Questions")]
    Ask {
        /// A data file or folder; may be repeated.
        #[arg(long = "data", default_value = DEFAULT_DATA, global = true)]
        data: Vec<PathBuf>,
        /// Which story, when more than one is loaded (id or unique prefix).
        #[arg(long, global = true)]
        story: Option<String>,
        /// `text` (Markdown, as in Discord) or `json` (one document, for scripts and graphics).
        #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
        format: Format,
        /// How the paste-ready sentence writes dates: "16 June 2025" or "June 16, 2025".
        #[arg(long, default_value = "16 June 2025", global = true)]
        style: crate::date::DateStyle,
        /// Everything: every figure with every source, claim ids and notes (default: the short
        /// answer, as the bot first shows it).
        #[arg(long, global = true)]
        full: bool,
        #[command(subcommand)]
        question: Ask,
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

/// How `ask` prints its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
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
        Command::Check { paths, strict } => check(&paths, strict, out, err),
        Command::Ask {
            data,
            story,
            format,
            style,
            full,
            question,
        } => ask(&data, story.as_deref(), (format, style, full), question, out, err),
        Command::Run { config } => {
            crate::live::use_one_malloc_arena();
            run_bot(config, err)
        }
        Command::Watch {
            data,
            debounce_ms,
            poll_interval_s,
        } => {
            crate::live::use_one_malloc_arena();
            init_logging(false);
            let config = WatchConfig {
                debounce: Duration::from_millis(debounce_ms),
                poll_interval: poll_interval_s.map(Duration::from_secs),
            };
            watch(&data, config, out, err)
        }
    }
}

/// Logs to stderr; `RUST_LOG` filters (serenity's own chatter is kept to warnings by default).
/// Also installs [`closes::layer`](crate::discord::closes::layer), which must see serenity's
/// gateway warnings whatever `RUST_LOG` says.
pub fn init_logging(json: bool) {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::{EnvFilter, Layer, fmt};
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,serenity=warn,tracing::span=warn"));
    let terminal = if json {
        fmt::layer().json().with_writer(std::io::stderr).boxed()
    } else {
        fmt::layer().with_writer(std::io::stderr).boxed()
    };
    let _ = tracing_subscriber::registry()
        .with(terminal.with_filter(filter))
        .with(crate::discord::closes::layer())
        .try_init();
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
        maintainer_channel_id: config.notify.maintainer_channel_id,
        maintainer_role_id: config.notify.maintainer_role_id,
        dates: config.style.dates,
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
    let result = runtime.block_on(crate::discord::run_live(
        settings,
        live,
        config.watch,
        shutdown_signal(),
    ));
    // serenity's tasks can outlive a refused connection (its shard runner keeps going after a
    // 4010); they must not keep the process from exiting.
    runtime.shutdown_timeout(Duration::from_secs(2));
    match result {
        Ok(()) => ExitCode::from(exit::OK),
        Err(e) => {
            tracing::error!(error = %e, "bot stopped");
            ExitCode::from(exit::INVALID_DATA)
        }
    }
}

fn check(paths: &[PathBuf], strict: bool, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
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
    // Files loaded so far, to apply what loading them together applies: one file per story.
    let mut stories: Vec<(PathBuf, String, (usize, usize))> = Vec::new();
    for file in &listed.files {
        // The text is read again only to show the lines of problems.
        let text = || {
            crate::load::read_data_file(file)
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                .unwrap_or_default()
        };
        let data = match Dataset::load(file) {
            Ok(d) => d,
            Err(e) => {
                failed = true;
                let count = match &e {
                    LoadError::Invalid(problems) => {
                        let text = text();
                        for problem in problems {
                            let _ = writeln!(err, "{}", problem.with_excerpt(&text));
                        }
                        problems.len()
                    }
                    other => {
                        let _ = writeln!(err, "{other}");
                        1
                    }
                };
                let _ = writeln!(err, "{}: {}", file.display(), count_of(count, "problem", "problems"));
                continue;
            }
        };
        let mut problems = 0;
        if !data.warnings.is_empty() {
            let text = text();
            for warning in &data.warnings {
                let shown = Problem {
                    message: format!("warning: {}", warning.message),
                    ..warning.clone()
                };
                let _ = writeln!(err, "{}", shown.with_excerpt(&text));
            }
            if strict {
                problems += data.warnings.len();
            }
        }
        if let Some((first, _, at)) = stories.iter().find(|(_, id, _)| *id == data.story.id) {
            let (line, col) = data.story.id_at;
            let duplicate = Problem {
                path: file.clone(),
                line,
                col,
                message: format!(
                    "story `{}` is already in {}:{}:{}; each story must have one file",
                    data.story.id,
                    first.display(),
                    at.0,
                    at.1
                ),
            };
            let _ = writeln!(err, "{}", duplicate.with_excerpt(&text()));
            problems += 1;
        }
        stories.push((file.clone(), data.story.id.clone(), data.story.id_at));
        if problems > 0 {
            failed = true;
            let _ = writeln!(err, "{}: {}", file.display(), count_of(problems, "problem", "problems"));
            continue;
        }
        let warned = match data.warnings.len() {
            0 => String::new(),
            n => format!(
                " ({}; `check --strict` refuses them)",
                count_of(n, "warning", "warnings")
            ),
        };
        let _ = writeln!(
            out,
            "{}: ok — story `{}`, {} claims, {} characterisations, {} stages, {} claimants, {} outlets{warned}",
            file.display(),
            data.story.id,
            data.claims.len(),
            data.characterisations.len(),
            data.stages.len(),
            data.claimants.len(),
            data.outlets.len()
        );
    }
    ExitCode::from(if failed { exit::INVALID_DATA } else { exit::OK })
}

/// "1 problem", "2 problems".
fn count_of(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn ask(
    data: &[PathBuf],
    story: Option<&str>,
    (format, style, full): (Format, crate::date::DateStyle, bool),
    question: Ask,
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
        .and_then(|d| question.query(d).map(|q| (d, q)))
        .and_then(|(d, q)| {
            match format {
                Format::Text => answer(d, &q).map(|mut reply| {
                    reply.sentence = reply.sentence.map(|s| style.restyle(&s));
                    if !full {
                        reply = crate::answer::short(d, &reply);
                    }
                    markdown::render(&reply)
                }),
                Format::Json => crate::answer::json(d, &q).map(|doc| format!("{doc:#}\n")),
            }
            .map_err(|e| e.to_string())
        });
    match result {
        Ok(text) => {
            let _ = write!(out, "{text}");
            ExitCode::from(exit::OK)
        }
        Err(message) => {
            let _ = writeln!(err, "figures-bot: {message}");
            ExitCode::from(exit::USAGE)
        }
    }
}

/// `figures-bot watch`: load, then print each notice as the desk would see it, until Ctrl-C.
fn watch(data: &[PathBuf], config: WatchConfig, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let live = match Live::load(data) {
        Ok(live) => Arc::new(live),
        Err(errors) => {
            for e in errors {
                for line in e.problems() {
                    let _ = writeln!(err, "{line}");
                }
            }
            return ExitCode::from(exit::INVALID_DATA);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            let _ = writeln!(err, "figures-bot: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let (watcher, mut notices) = match Watcher::start(live.clone(), config) {
            Ok(started) => started,
            Err(e) => {
                let _ = writeln!(err, "figures-bot: {e}");
                return ExitCode::FAILURE;
            }
        };
        let files: Vec<String> = live.paths().iter().map(|p| p.display().to_string()).collect();
        let how = match watcher.mode() {
            WatchMode::Events => format!("debounce {} ms", config.debounce.as_millis()),
            WatchMode::Polling(every) => format!(
                "polling every {} s, debounce {} ms",
                every.as_secs_f64(),
                config.debounce.as_millis()
            ),
        };
        let _ = writeln!(out, "watching {} ({how}); Ctrl-C to stop", files.join(", "));
        let _ = out.flush();
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        loop {
            tokio::select! {
                notice = notices.recv() => match notice {
                    Some(notice) => {
                        let _ = writeln!(out, "{}", notice.render(DISCORD_MESSAGE_LIMIT));
                        // Who saved, as the desk's ping says it (when git knows).
                        if let crate::notice::Notice::Updated { path, .. } = &notice
                            && let Some(line) = crate::git::saved_by(path, Duration::from_secs(2)).await
                        {
                            let _ = writeln!(out, "{line}");
                        }
                        let _ = writeln!(out);
                        let _ = out.flush();
                    }
                    None => return ExitCode::FAILURE,
                },
                _ = &mut ctrl_c => return ExitCode::SUCCESS,
            }
        }
    })
}
