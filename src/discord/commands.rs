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

/// What a button under a short reply asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    /// The full answer, privately.
    More,
    /// The paste-ready sentence alone, privately.
    Copy,
}

impl Button {
    fn prefix(self) -> &'static str {
        match self {
            Button::More => "more",
            Button::Copy => "copy",
        }
    }
}

/// Discord's limit on a button's `custom_id`.
pub const CUSTOM_ID_MAX: usize = 100;

/// The `custom_id` that lets a button rebuild the question: `more:<command>|<story>|<own
/// options...>`, empty for a missing value. `None` if it would not fit in 100 characters or a
/// value holds the separator: no button beats a wrong one.
pub fn button_id(button: Button, name: &str, options: &[CommandDataOption]) -> Option<String> {
    let question = QUESTIONS.into_iter().find(|q| q.name == name)?;
    let values: Vec<String> = std::iter::once("story")
        .chain(question.options.iter().map(|o| o.name))
        .map(|option| string(options, option).unwrap_or_default())
        .collect();
    if values.iter().any(|v| v.contains('|')) {
        return None;
    }
    let id = format!("{}:{name}|{}", button.prefix(), values.join("|"));
    (id.chars().count() <= CUSTOM_ID_MAX).then_some(id)
}

/// The button and the question a `custom_id` from [`button_id`] encodes; `None` if it is not
/// one (an older build's, or a command that no longer exists).
pub fn lookup_from_button(custom_id: &str) -> Option<(Button, Lookup)> {
    let (prefix, rest) = custom_id.split_once(':')?;
    let button = [Button::More, Button::Copy]
        .into_iter()
        .find(|b| b.prefix() == prefix)?;
    let mut parts = rest.split('|');
    let name = parts.next()?;
    let question = QUESTIONS.into_iter().find(|q| q.name == name)?;
    let values: Vec<&str> = parts.collect();
    if values.len() != question.options.len() + 1 {
        return None;
    }
    let value = |i: usize| Some(values[i].to_string()).filter(|v| !v.is_empty());
    let own = |option: &str| {
        let i = question.options.iter().position(|o| o.name == option)?;
        value(i + 1)
    };
    Some((
        button,
        Lookup {
            query: (question.from_options)(&own),
            story: value(0),
            private: true,
            detail: button == Button::More,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(name: &str, value: &str) -> CommandDataOption {
        serde_json::from_value(serde_json::json!({"name": name, "type": 3, "value": value})).unwrap()
    }

    #[test]
    fn a_button_rebuilds_the_question() {
        let options = [text("stage", "final"), text("story", "repatriation-2025")];
        let asked = lookup_from("stage", &options).unwrap();
        let id = button_id(Button::More, "stage", &options).unwrap();
        assert_eq!(id, "more:stage|repatriation-2025|final");
        let (button, lookup) = lookup_from_button(&id).unwrap();
        assert_eq!(button, Button::More);
        assert_eq!(lookup.query, asked.query);
        assert_eq!(lookup.story, asked.story);
        assert!(lookup.private && lookup.detail);
        let (button, lookup) = lookup_from_button(&button_id(Button::Copy, "stage", &options).unwrap()).unwrap();
        assert_eq!(button, Button::Copy);
        assert_eq!(lookup.query, asked.query);
    }

    #[test]
    fn no_button_rather_than_a_wrong_one() {
        assert_eq!(
            button_id(Button::More, "stage", &[text("stage", &"x".repeat(95))]),
            None
        );
        assert_eq!(button_id(Button::Copy, "stage", &[text("stage", "a|b")]), None);
        for stale in ["more:gone|", "more:stage|x", "nope:stage||final", "more", ""] {
            assert_eq!(lookup_from_button(stale), None, "{stale}");
        }
    }
}
