//! The `figures-bot` binary: parses the command line and hands over to the library.

use std::process::ExitCode;

use clap::Parser;
use figures_bot::cli::{Cli, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Unlocked handles: `watch` and `run` log from other threads, which would wait forever on a
    // stderr lock held here for the whole run.
    run(cli.command, &mut std::io::stdout(), &mut std::io::stderr())
}
