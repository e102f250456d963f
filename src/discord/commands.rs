//! The slash commands as registered with Discord, and how their options become a core query.

use serenity::all::{
    CommandDataOption, CommandDataOptionValue, CommandOptionType, CreateCommand, CreateCommandOption, Permissions,
};

use crate::answer::Query;

/// Lookup commands answer from the data; every one takes `story` and `private`.
pub const LOOKUPS: [&str; 6] = ["total", "stage", "discrepancy", "source", "timeline", "about"];

fn text_option(name: &str, description: &str, required: bool) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::String, name, description)
        .required(required)
        .set_autocomplete(true)
        .max_length(100)
}

fn lookup(name: &str, description: &str, options: Vec<CreateCommandOption>) -> CreateCommand {
    let common = [
        text_option("story", "Which story (needed only when several are loaded)", false),
        CreateCommandOption::new(CommandOptionType::Boolean, "private", "Show the answer only to you"),
    ];
    CreateCommand::new(name)
        .description(description)
        .set_options(options.into_iter().chain(common).collect())
}

/// Every command the bot registers, in one bulk overwrite (restarts never duplicate them).
pub fn all() -> Vec<CreateCommand> {
    vec![
        lookup(
            "total",
            "Each side's stated totals and the sum of its stage figures",
            vec![
                text_option("quantity", "What is counted (default: the story's main figure)", false),
                text_option("claimant", "Only this claimant or side", false),
            ],
        ),
        lookup(
            "stage",
            "Every claimant's figures for one stage, with sources",
            vec![text_option("stage", "The stage: name, date or number", true)],
        ),
        lookup(
            "discrepancy",
            "Where the figures disagree, most important first",
            vec![
                text_option("quantity", "Only this quantity", false),
                text_option("stage", "Only this stage", false),
            ],
        ),
        lookup(
            "source",
            "Everything one claimant said, in date order",
            vec![text_option("claimant", "Who said it", true)],
        ),
        lookup("timeline", "The stages in order, with each side's figure", Vec::new()),
        lookup(
            "about",
            "What data is loaded: version, review date, checksum",
            Vec::new(),
        ),
        CreateCommand::new("reload")
            .description("Reload the data files now (admins)")
            .default_member_permissions(Permissions::MANAGE_GUILD),
        CreateCommand::new("subscribe").description("Get pinged when the data changes"),
        CreateCommand::new("unsubscribe").description("Stop getting pinged when the data changes"),
    ]
}

/// What a lookup command asked, with the options common to all lookups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    pub query: Query,
    pub story: Option<String>,
    pub private: bool,
}

fn string(options: &[CommandDataOption], name: &str) -> Option<String> {
    options.iter().find(|o| o.name == name).and_then(|o| match &o.value {
        CommandDataOptionValue::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    })
}

fn boolean(options: &[CommandDataOption], name: &str) -> bool {
    options
        .iter()
        .find(|o| o.name == name)
        .is_some_and(|o| matches!(o.value, CommandDataOptionValue::Boolean(true)))
}

/// The query a lookup command's options describe; `None` for other commands.
pub fn lookup_from(name: &str, options: &[CommandDataOption]) -> Option<Lookup> {
    let required = |n: &str| string(options, n).unwrap_or_default();
    let query = match name {
        "total" => Query::Total {
            quantity: string(options, "quantity"),
            claimant: string(options, "claimant"),
        },
        "stage" => Query::Stage {
            stage: required("stage"),
        },
        "discrepancy" => Query::Discrepancy {
            quantity: string(options, "quantity"),
            stage: string(options, "stage"),
        },
        "source" => Query::Source {
            claimant: required("claimant"),
        },
        "timeline" => Query::Timeline,
        "about" => Query::About,
        _ => return None,
    };
    Some(Lookup {
        query,
        story: string(options, "story"),
        private: boolean(options, "private"),
    })
}

/// How to narrow a reply that was too long for one message.
pub fn narrowing_hint(query: &Query) -> &'static str {
    match query {
        Query::Total { .. } => "the `quantity`/`claimant` option",
        Query::Source { .. } | Query::Timeline => "`/stage` or `/discrepancy` and the `stage`/`quantity` option",
        _ => "the `stage`/`quantity` option",
    }
}
