//! The slash commands as registered with Discord, and how their options become a core query.

use serenity::all::{
    CommandDataOption, CommandDataOptionValue, CommandOptionType, CreateCommand, CreateCommandOption, Permissions,
};

use crate::answer::{Names, OptionKind, OptionSpec, QUESTIONS, Query, Question};

/// Options every lookup takes after its own.
const COMMON: [OptionSpec; 3] = [
    OptionSpec::text(
        "story",
        "Which story (needed only when several are loaded)",
        Names::Stories,
    ),
    OptionSpec {
        name: "private",
        description: "Show the answer only to you",
        kind: OptionKind::Boolean,
        required: false,
        autocomplete: None,
    },
    OptionSpec {
        name: "detail",
        description: "The full answer: every figure and source, with claim ids",
        kind: OptionKind::Boolean,
        required: false,
        autocomplete: None,
    },
];

fn option(spec: &OptionSpec) -> CreateCommandOption {
    match spec.kind {
        OptionKind::Text => CreateCommandOption::new(CommandOptionType::String, spec.name, spec.description)
            .required(spec.required)
            .set_autocomplete(spec.autocomplete.is_some())
            .max_length(100),
        OptionKind::Boolean => {
            CreateCommandOption::new(CommandOptionType::Boolean, spec.name, spec.description).required(spec.required)
        }
    }
}

fn lookup(question: &Question) -> CreateCommand {
    CreateCommand::new(question.name)
        .description(question.description)
        .set_options(question.options.iter().chain(&COMMON).map(option).collect())
}

/// The options of a lookup command, its own then the common ones; `None` for other commands.
pub fn options_of(command: &str) -> Option<impl Iterator<Item = &'static OptionSpec>> {
    let question = QUESTIONS.into_iter().find(|q| q.name == command)?;
    Some(question.options.iter().chain(&COMMON))
}

/// Every command the bot registers, in one bulk overwrite (restarts never duplicate them).
pub fn all() -> Vec<CreateCommand> {
    let mut commands: Vec<CreateCommand> = QUESTIONS.into_iter().map(lookup).collect();
    commands.extend([
        CreateCommand::new("reload")
            .description("Reload the data files now (admins)")
            .default_member_permissions(Permissions::MANAGE_GUILD),
        CreateCommand::new("subscribe").description("Get pinged when the data changes"),
        CreateCommand::new("unsubscribe").description("Stop getting pinged when the data changes"),
    ]);
    commands
}

/// What a lookup command asked, with the options common to all lookups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    pub query: Query,
    pub story: Option<String>,
    pub private: bool,
    /// The full answer rather than the short one.
    pub detail: bool,
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
    let question = QUESTIONS.into_iter().find(|q| q.name == name)?;
    Some(Lookup {
        query: (question.from_options)(&|option| string(options, option)),
        story: string(options, "story"),
        private: boolean(options, "private"),
        detail: boolean(options, "detail"),
    })
}

/// How to narrow a reply that was too long for one message.
pub fn narrowing_hint(query: &Query) -> &'static str {
    query.question().narrowing_hint
}
