//! `figures-bot run` checks everything it can before connecting: a crash loop must not burn
//! Discord's daily IDENTIFY budget, and the token must never be printed. `figures-bot ask`
//! reads each question's arguments as the README documents them.

use std::process::Command;

fn run_with(config: &str, token: Option<&str>) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("figures-bot.toml");
    std::fs::write(&path, config).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_figures-bot"));
    command
        .arg("run")
        .arg("--config")
        .arg(&path)
        .env_remove("DISCORD_TOKEN")
        .env_remove("FIGURES_BOT_CONFIG");
    if let Some(token) = token {
        command.env("DISCORD_TOKEN", token);
    }
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).replace(&dir.path().display().to_string(), "DIR");
    (output.status.code().unwrap_or(-1), stderr)
}

fn bundled() -> String {
    format!(
        "data = {:?}\n[discord]\napi_proxy = \"http://127.0.0.1:9\"\n",
        concat!(env!("CARGO_MANIFEST_DIR"), "/data/repatriation-2025.toml")
    )
}

#[test]
fn a_missing_token_stops_before_connecting() {
    let (code, stderr) = run_with(&bundled(), None);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("no bot token: set DISCORD_TOKEN or `discord.token_file` in the config"),
        "{stderr}"
    );
}

#[test]
fn a_malformed_token_is_refused_and_never_printed() {
    let secret = "not a token at all SECRET123";
    let (code, stderr) = run_with(&bundled(), Some(secret));
    assert_eq!(code, 1);
    assert!(
        stderr.contains("the bot token from DISCORD_TOKEN is malformed"),
        "{stderr}"
    );
    assert!(!stderr.contains("SECRET123"));
}

#[test]
fn invalid_data_at_start_prints_positions_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/repatriation-2025.toml"))
        .unwrap()
        .replacen("claimants = [\"ua-chq\"]", "claimants = [\"ua-cqh\"]", 1);
    std::fs::write(&data, &text).unwrap();
    let line = text.lines().position(|l| l.contains("ua-cqh")).unwrap() + 1;
    let config = format!("data = {:?}\n", data.display().to_string());
    let (code, stderr) = run_with(&config, Some("MTE.fake.token"));
    assert_eq!(code, 1);
    let expected = format!("bad.toml:{line}:14: unknown claimant `ua-cqh`; did you mean `ua-chq`?");
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(stderr.contains("the data is invalid; not connecting"));
}

#[test]
fn an_unknown_config_key_is_a_positioned_error() {
    let config = format!("{}[notify]\nchanel_id = 1\n", bundled());
    let (code, stderr) = run_with(&config, Some("MTE.fake.token"));
    assert_eq!(code, 1);
    assert!(
        stderr.contains("figures-bot.toml:5:1: unknown field `chanel_id`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `channel_id`?"), "{stderr}");
}

/// `ask` in-process: the exit code, stdout and stderr.
fn ask(args: &[&str]) -> (u8, String, String) {
    use clap::Parser;
    use figures_bot::cli::{Cli, run};
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/data/repatriation-2025.toml");
    let argv = ["figures-bot", "ask", "--data", data]
        .into_iter()
        .chain(args.iter().copied());
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(e) => return (e.exit_code() as u8, String::new(), e.to_string()),
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(cli.command, &mut out, &mut err);
    let code = if code == std::process::ExitCode::SUCCESS { 0 } else { 2 };
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

/// What `query` answers, as `ask` prints it: the short answer by default.
fn expected(query: figures_bot::Query) -> String {
    let data = figures_bot::Dataset::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/repatriation-2025.toml"
    )))
    .unwrap();
    let full = figures_bot::answer(&data, &query).unwrap();
    figures_bot::render::markdown::render(&figures_bot::answer::short(&data, &full))
}

/// Issue 10, point 2: `ask` is short by default (no claim ids, side tags or more than two
/// sources per figure); `--full` gives everything.
#[test]
fn ask_is_short_by_default_and_full_on_request() {
    let (code, out, _) = ask(&["stage", "final"]);
    assert_eq!(code, 0);
    assert!(
        !out.contains("RB25-") && !out.contains("(UA)") && !out.contains("(RU)"),
        "{out}"
    );
    assert!(out.chars().count() <= 1_500, "{}", out.chars().count());
    for line in out.lines().filter(|l| l.trim_start().starts_with("Sources:")) {
        assert!(line.matches("](").count() <= 2, "{line}");
    }
    let (code, full, _) = ask(&["stage", "final", "--full"]);
    assert_eq!(code, 0);
    let data = figures_bot::Dataset::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/repatriation-2025.toml"
    )))
    .unwrap();
    let query = figures_bot::Query::Stage { stage: "final".into() };
    assert_eq!(
        full,
        figures_bot::render::markdown::render(&figures_bot::answer(&data, &query).unwrap())
    );
}

#[test]
fn ask_total_tells_a_quantity_from_a_claimant() {
    let (code, out, err) = ask(&["total", "bodies-to-russia", "russia"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let both = figures_bot::Query::Total {
        quantity: Some("bodies-to-russia".into()),
        claimant: Some("russia".into()),
    };
    assert_eq!(out, expected(both));
    let (_, out, _) = ask(&["total", "medinsky"]);
    let claimant = figures_bot::Query::Total {
        quantity: None,
        claimant: Some("medinsky".into()),
    };
    assert_eq!(out, expected(claimant));
}

#[test]
fn ask_joins_words_and_tells_a_stage_from_a_quantity() {
    let (code, out, _) = ask(&["stage", "16", "june"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        expected(figures_bot::Query::Stage {
            stage: "16 june".into()
        })
    );
    let (code, out, _) = ask(&["discrepancies", "final", "--story", "repatriation"]);
    assert_eq!(code, 0);
    let stage = figures_bot::Query::Discrepancy {
        quantity: None,
        stage: Some("final".into()),
    };
    assert_eq!(out, expected(stage));
}

#[test]
fn ask_usage_mistakes_exit_2_with_clap_messages() {
    let (code, _, err) = ask(&["stage"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("required arguments were not provided:\n  <STAGE>..."),
        "{err}"
    );
    let (code, _, err) = ask(&["timeline", "extra"]);
    assert_eq!(code, 2);
    assert!(err.contains("unexpected argument 'extra' found"), "{err}");
    let (code, _, err) = ask(&["discrepancy", "finall"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("figures-bot: no quantity or stage matches `finall`; did you mean"),
        "{err}"
    );
}

/// Issue 10, point 1: `--style` writes the paste-ready sentence's dates in house style.
#[test]
fn the_sentence_takes_the_house_style_for_dates() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_figures-bot"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["ask", "total", "--style", "June 16, 2025"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains(
            "**Paste-ready:** Ukraine's Coordination Headquarters for the Treatment of Prisoners of War said 6,057 \
             bodies were handed to Ukraine between June 11 and 16, 2025; "
        ),
        "{stdout}"
    );
}
