//! figures-bot: sourced answers about figures that the parties to a story state differently.
//!
//! Editors keep each story in a TOML file (see README.md for the format). This crate loads and
//! checks those files and answers questions about them; the same answers reach reporters on the
//! command line and in Discord.
//!
//! # Layout
//!
//! The core knows nothing about Discord:
//!
//! * [`model`]: the data file exactly as written, deserialized with positions.
//! * [`load`]: reading (regular files only) and parsing (`load/mod.rs`), resolving references
//!   (`load/resolve.rs`) and the rules each value follows (`load/rules.rs`), reporting every
//!   problem as `file:line:col: message` in the editor's words, and warnings (a figure its own
//!   words contradict) that `check --strict` refuses.
//! * [`error`]: every error the core reports, and positions in a TOML text (`line:col`).
//! * [`dataset`]: a loaded, valid story, with every reference resolved.
//! * [`figure`] and [`date`]: stated numbers with their qualifiers ("more than 6,000") and the
//!   arithmetic that carries them through sums; dates as newsroom copy writes them.
//! * [`analysis`]: the story's arithmetic, cached with each version: which figure stands for each
//!   stage, period or part in a sum, the checks of every stated total (stages, earlier counts,
//!   breakdowns), and verdicts; and [`analysis::discrepancy`], which claims conflict, of what
//!   kind, by how much, and where a totals gap comes from, as plain data with a plain-text
//!   headline ([`analysis::wording`]). It imports nothing above it.
//! * [`lookup`] and [`suggest`]: finding a stage, quantity or claimant from what a user typed,
//!   with "did you mean" and autocomplete ranking.
//! * [`answer`]: one module per question (`total`, `stage`, `discrepancy`, `checks`, `source`,
//!   `timeline`, `about`), each owning how it is asked (its `ask` arguments, a clap subcommand, and a
//!   plain-data [`answer::Question`] with its Discord options) and its renderer-neutral
//!   [`answer::Reply`]. [`answer::QUESTIONS`] and [`answer::Ask`] list them; [`answer::json`]
//!   gives the same answers as JSON. Answers render [`analysis`] (`discrepancy` renders the
//!   discrepancies it finds); they add nothing up.
//! * [`library`]: several stories loaded at once.
//! * [`diff`]: what changed in meaning between two versions of a story (computed only), comparing
//!   [`analysis`]'s discrepancies, never [`answer`](mod@answer)'s.
//! * [`live`]: the stories being served, reloaded atomically when a file changes.
//! * [`notice`]: what the desk is told about a reload, as text within Discord's limits: how
//!   each change reads, the most important consequence first.
//! * [`render`]: replies as Markdown.
//!
//! The edges depend on the core, never the reverse:
//!
//! * [`cli`]: `figures-bot check`, `ask`, `watch` and `run`, and the binary's entry point.
//! * [`config`]: the bot's config file.
//! * [`watch`]: noticing saves (file system events or polling).
//! * [`git`]: who saved a data file, when git knows (for update pings).
//! * [`discord`]: the Discord adapter (serenity): commands built from the questions'
//!   descriptions, embeds, update pings.

pub mod analysis;
pub mod answer;
pub mod cli;
pub mod config;
pub mod dataset;
pub mod date;
pub mod diff;
pub mod discord;
pub mod error;
pub mod figure;
pub mod git;
pub mod library;
pub mod live;
pub mod load;
pub mod lookup;
pub mod model;
pub mod notice;
pub mod render;
pub mod suggest;
pub mod watch;

pub use answer::{Query, Reply, answer};
pub use dataset::Dataset;
pub use error::{LoadError, LookupError, Problem};
pub use library::Library;
