//! The `figures-bot` binary: parses the command line and hands over to the library.

use std::process::ExitCode;

use clap::Parser;
use figures_bot::cli::{Cli, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    run(
        cli.command,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    )
}
