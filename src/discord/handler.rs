//! Serenity's event handler: registers the commands when connected and answers interactions
//! from the live data.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serenity::all::{
    AutocompleteChoice, ButtonStyle, CommandDataOption, CommandDataOptionValue, CommandInteraction,
    ComponentInteraction, Context, CreateActionRow, CreateAllowedMentions, CreateAutocompleteResponse, CreateButton,
    CreateInteractionResponse, CreateInteractionResponseMessage, EditInteractionResponse, EventHandler, GuildId,
    Interaction, Permissions, Ready, ResumedEvent, RoleId,
};
use serenity::async_trait;
use tracing::{error, info, warn};

use super::commands::{self, Button, Lookup};
use super::embeds::{self, MessageSpec, limits};
use super::live::LiveData;
use crate::answer::{Names, answer};
use crate::dataset::Dataset;
use crate::library::Library;
use crate::lookup::{Named, rank};

/// Replies rendered for one data version and one question, kept for the next asker: answers
/// are pure functions of both, and newsrooms ask the same things again and again.
type ReplyCache = HashMap<(String, u64, crate::answer::Query, bool), Arc<Vec<MessageSpec>>>;

/// How many rendered replies are kept.
const REPLY_CACHE_SIZE: usize = 256;

pub struct Handler {
    pub live: Arc<dyn LiveData>,
    replies: Mutex<ReplyCache>,
    /// Register commands in these guilds; empty: globally.
    pub guild_ids: Vec<GuildId>,
    /// The role `/subscribe` gives and update pings mention.
    pub role_id: Option<RoleId>,
    registered: AtomicBool,
    /// House style for the paste-ready sentence's dates.
    pub dates: crate::date::DateStyle,
}

impl Handler {
    pub fn new(live: Arc<dyn LiveData>, guild_ids: Vec<GuildId>, role_id: Option<RoleId>) -> Handler {
        Handler {
            live,
            replies: Mutex::new(HashMap::new()),
            guild_ids,
            role_id,
            registered: AtomicBool::new(false),
            dates: crate::date::DateStyle::default(),
        }
    }

    async fn register(&self, ctx: &Context) {
        let commands = commands::all();
        let count = commands.len();
        if self.guild_ids.is_empty() {
            match serenity::all::Command::set_global_commands(&ctx.http, commands).await {
                Ok(_) => info!(count, "registered global commands"),
                Err(e) => error!(error = %e, "could not register global commands"),
            }
        } else {
            for guild in &self.guild_ids {
                match guild.set_commands(&ctx.http, commands.clone()).await {
                    Ok(_) => info!(count, guild = %guild, "registered guild commands"),
                    Err(e) => error!(error = %e, guild = %guild, "could not register guild commands"),
                }
            }
        }
    }

    async fn command(&self, ctx: &Context, cmd: &CommandInteraction) {
        let started = Instant::now();
        let name = cmd.data.name.as_str();
        let result = match name {
            "reload" => self.reload(ctx, cmd).await,
            "subscribe" | "unsubscribe" => {
                let (message, _) = self.subscription(ctx, cmd, name == "subscribe").await;
                respond(ctx, cmd, &message, true, None).await
            }
            _ => {
                let (messages, ephemeral, buttons) = match commands::lookup_from(name, &cmd.data.options) {
                    Some(lookup) => {
                        let (messages, ephemeral) = self.lookup(&lookup);
                        // Only an answer (embeds, not an error's text) in short form has more to give.
                        let answered = messages.first().is_some_and(|m| !m.embeds.is_empty());
                        let buttons = (answered && !lookup.detail)
                            .then(|| buttons(name, &cmd.data.options))
                            .flatten();
                        (messages, ephemeral, buttons)
                    }
                    None => (
                        Arc::new(vec![MessageSpec::text(&format!("Unknown command `/{name}`."))]),
                        true,
                        None,
                    ),
                };
                respond_all(ctx, cmd, &messages, ephemeral, buttons).await
            }
        };
        let latency_us = started.elapsed().as_micros() as u64;
        match result {
            Ok(()) => info!(command = name, user = %cmd.user.id, latency_us, "answered"),
            Err(e) => error!(command = name, user = %cmd.user.id, latency_us, error = %e, "could not answer"),
        }
    }

    /// The reply to a lookup (one or more messages), and whether only the asker sees it. User
    /// mistakes are private.
    pub fn lookup(&self, lookup: &Lookup) -> (Arc<Vec<MessageSpec>>, bool) {
        let library = self.live.library();
        let data = match library.select(lookup.story.as_deref()) {
            Ok(data) => data,
            Err(e) => return (Arc::new(vec![MessageSpec::text(&format!("⚠️ {e}"))]), true),
        };
        // `/about` shows live state (load time, rejected saves) that changes within a version.
        let cacheable = !matches!(lookup.query, crate::answer::Query::About);
        let key = (
            data.source.checksum.clone(),
            data.source.version,
            lookup.query.clone(),
            lookup.detail,
        );
        if cacheable && let Some(hit) = self.replies.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return (hit, lookup.private);
        }
        match answer(data, &lookup.query) {
            Ok(mut reply) => {
                reply.sentence = reply.sentence.map(|s| self.dates.restyle(&s));
                // The short answer first; `detail` asks for everything.
                if !lookup.detail {
                    reply = crate::answer::short(data, &reply);
                }
                if !cacheable {
                    reply.lead.extend(self.live.about_lines(&data.story.id));
                }
                let messages = Arc::new(embeds::reply_messages(&reply, commands::narrowing_hint(&lookup.query)));
                if cacheable && let Ok(mut cache) = self.replies.lock() {
                    // Old versions' replies are never asked for again; a full cache starts over.
                    if cache.len() >= REPLY_CACHE_SIZE {
                        cache.clear();
                    }
                    cache.insert(key, messages.clone());
                }
                (messages, lookup.private)
            }
            Err(e) => (Arc::new(vec![MessageSpec::text(&format!("⚠️ {e}"))]), true),
        }
    }

    /// The paste-ready sentence of a lookup, in house style; `Err` with a message for the asker.
    pub fn sentence(&self, lookup: &Lookup) -> Result<String, String> {
        let library = self.live.library();
        let data = library.select(lookup.story.as_deref()).map_err(|e| format!("⚠️ {e}"))?;
        let reply = answer(data, &lookup.query).map_err(|e| format!("⚠️ {e}"))?;
        reply
            .sentence
            .map(|s| self.dates.restyle(&s))
            .ok_or_else(|| "This answer has no paste-ready sentence.".to_string())
    }

    /// A click on More or Copy under a short reply: answered privately, to the clicker only.
    async fn component(&self, ctx: &Context, click: &ComponentInteraction) {
        let started = Instant::now();
        let result = match commands::lookup_from_button(&click.data.custom_id) {
            Some((Button::More, lookup)) => {
                let (messages, _) = self.lookup(&lookup);
                respond_all(ctx, click, &messages, true, None).await
            }
            Some((Button::Copy, lookup)) => {
                // Plain text alone, unescaped: what a phone's "copy text" should pick up.
                let text = self.sentence(&lookup).unwrap_or_else(|e| e);
                respond(ctx, click, &MessageSpec::text(&text), true, None).await
            }
            None => {
                let text = "This button no longer matches the data: ask the question again.";
                respond(ctx, click, &MessageSpec::text(text), true, None).await
            }
        };
        let latency_us = started.elapsed().as_micros() as u64;
        let button = click.data.custom_id.split(':').next().unwrap_or_default();
        match result {
            Ok(()) => info!(button, user = %click.user.id, latency_us, "answered"),
            Err(e) => error!(button, user = %click.user.id, latency_us, error = %e, "could not answer"),
        }
    }

    async fn reload(&self, ctx: &Context, cmd: &CommandInteraction) -> serenity::Result<()> {
        let allowed = cmd
            .member
            .as_ref()
            .and_then(|m| m.permissions)
            .is_some_and(|p| p.contains(Permissions::MANAGE_GUILD) || p.contains(Permissions::ADMINISTRATOR));
        if !allowed {
            let message = MessageSpec::text("Only members with Manage Server can reload the data.");
            return respond(ctx, cmd, &message, true, None).await;
        }
        // Reading and validating a large file can take longer than Discord's 3 seconds.
        cmd.defer_ephemeral(&ctx.http).await?;
        let outcome = self.live.reload_all().await;
        let edit = EditInteractionResponse::new()
            .content(embeds::truncate(&outcome, limits::CONTENT))
            .allowed_mentions(CreateAllowedMentions::new());
        cmd.edit_response(&ctx.http, edit).await.map(|_| ())
    }

    async fn subscription(&self, ctx: &Context, cmd: &CommandInteraction, subscribe: bool) -> (MessageSpec, bool) {
        let Some(role) = self.role_id else {
            return (
                MessageSpec::text("No update role is configured (`notify.role_id`)."),
                true,
            );
        };
        let Some(member) = cmd.member.as_ref() else {
            return (
                MessageSpec::text("Use this command in a server, not in a direct message."),
                true,
            );
        };
        let result = if subscribe {
            member.add_role(&ctx.http, role).await
        } else {
            member.remove_role(&ctx.http, role).await
        };
        let text = match result {
            Ok(()) if subscribe => format!("You will be pinged (<@&{role}>) when the data changes."),
            Ok(()) => "You will no longer be pinged when the data changes.".to_string(),
            Err(e) => {
                warn!(error = %e, role = %role, "could not change the update role");
                "I could not change your roles: I need the Manage Roles permission, and my own role must be above the update role.".to_string()
            }
        };
        (MessageSpec::text(&text), true)
    }

    async fn autocomplete(&self, ctx: &Context, cmd: &CommandInteraction) {
        let Some(focused) = cmd.data.autocomplete() else { return };
        let story = cmd
            .data
            .options
            .iter()
            .find(|o| o.name == "story")
            .and_then(|o| match &o.value {
                CommandDataOptionValue::Autocomplete { value, .. } | CommandDataOptionValue::String(value) => {
                    Some(value.clone())
                }
                _ => None,
            });
        let library = self.live.library();
        let choices = choices(&library, story.as_deref(), &cmd.data.name, focused.name, focused.value);
        let response = CreateAutocompleteResponse::new().set_choices(choices);
        if let Err(e) = cmd
            .create_response(&ctx.http, CreateInteractionResponse::Autocomplete(response))
            .await
        {
            warn!(error = %e, "could not send autocomplete choices");
        }
    }
}

/// More and Copy under a short reply; `None` if the question does not fit in a `custom_id`.
fn buttons(name: &str, options: &[CommandDataOption]) -> Option<CreateActionRow> {
    let more = commands::button_id(Button::More, name, options)?;
    let copy = commands::button_id(Button::Copy, name, options)?;
    Some(CreateActionRow::Buttons(vec![
        CreateButton::new(more).label("More").style(ButtonStyle::Secondary),
        CreateButton::new(copy).label("Copy").style(ButtonStyle::Secondary),
    ]))
}

/// A command or a button click: both are answered the same way.
trait Answerable {
    async fn answer(&self, ctx: &Context, response: CreateInteractionResponseMessage) -> serenity::Result<()>;
    async fn follow(&self, ctx: &Context, message: &MessageSpec, ephemeral: bool) -> serenity::Result<()>;
}

// serenity's two interaction types have the same methods but no trait in common: one body
// serves both.
macro_rules! answerable {
    ($($interaction:ty),*) => {$(
        impl Answerable for $interaction {
            async fn answer(&self, ctx: &Context, response: CreateInteractionResponseMessage) -> serenity::Result<()> {
                self.create_response(&ctx.http, CreateInteractionResponse::Message(response))
                    .await
            }
            async fn follow(&self, ctx: &Context, message: &MessageSpec, ephemeral: bool) -> serenity::Result<()> {
                self.create_followup(&ctx.http, message.to_followup(ephemeral))
                    .await
                    .map(|_| ())
            }
        }
    )*};
}

answerable!(CommandInteraction, ComponentInteraction);

/// The first message answers the interaction (with the buttons, if any); the rest follow as
/// follow-up messages.
async fn respond_all(
    ctx: &Context,
    to: &impl Answerable,
    messages: &[MessageSpec],
    ephemeral: bool,
    buttons: Option<CreateActionRow>,
) -> serenity::Result<()> {
    let Some((first, rest)) = messages.split_first() else {
        return respond(ctx, to, &MessageSpec::text("Nothing to show."), true, None).await;
    };
    respond(ctx, to, first, ephemeral, buttons).await?;
    for message in rest {
        to.follow(ctx, message, ephemeral).await?;
    }
    Ok(())
}

async fn respond(
    ctx: &Context,
    to: &impl Answerable,
    message: &MessageSpec,
    ephemeral: bool,
    buttons: Option<CreateActionRow>,
) -> serenity::Result<()> {
    let mut response = message.to_interaction(ephemeral);
    if let Some(row) = buttons {
        response = response.components(vec![row]);
    }
    to.answer(ctx, response).await
}

/// Autocomplete choices for one option, at most 25, best first, within Discord's 100 characters.
pub fn choices(
    library: &Library,
    story: Option<&str>,
    command: &str,
    option: &str,
    typed: &str,
) -> Vec<AutocompleteChoice> {
    let names = commands::options_of(command)
        .and_then(|mut options| options.find(|o| o.name == option))
        .and_then(|o| o.autocomplete);
    let Some(names) = names else { return Vec::new() };
    if names == Names::Stories {
        let stories = library.stories();
        return rank(stories, typed, limits::CHOICES)
            .into_iter()
            .map(|i| choice(&stories[i].story.title, &stories[i].story.id))
            .collect();
    }
    // With a story chosen, or only one loaded, offer its names; otherwise every story's.
    let datasets: Vec<&Dataset> = match library.select(story) {
        Ok(one) => vec![one.as_ref()],
        Err(_) => library.stories().iter().map(AsRef::as_ref).collect(),
    };
    let mut out = Vec::new();
    for data in datasets {
        let picked: Vec<(String, String)> = match names {
            Names::Stories => Vec::new(),
            Names::Stages => named(&data.stages, typed, |s| format!("{} — {}", s.name, s.when)),
            Names::Quantities => named(&data.quantities, typed, |q| q.label.clone()),
            Names::Claimants => named(&data.claimants, typed, |c| c.name.clone()),
            Names::ClaimantsAndSides => {
                let mut both = named(&data.claimants, typed, |c| c.name.clone());
                both.extend(named(&data.sides, typed, |s| format!("{} (side)", s.name)));
                both
            }
        };
        out.extend(picked.into_iter().map(|(name, value)| choice(&name, &value)));
    }
    out.truncate(limits::CHOICES);
    out
}

fn named<T: Named>(items: &[T], typed: &str, label: impl Fn(&T) -> String) -> Vec<(String, String)> {
    rank(items, typed, limits::CHOICES)
        .into_iter()
        .map(|i| (label(&items[i]), items[i].id().to_string()))
        .collect()
}

fn choice(name: &str, value: &str) -> AutocompleteChoice {
    AutocompleteChoice::new(
        embeds::truncate(name, limits::CHOICE_TEXT),
        embeds::truncate(value, limits::CHOICE_TEXT),
    )
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        info!(user = %ready.user.name, guilds = ready.guilds.len(), "connected to Discord");
        // READY comes again after every re-identify; the bulk overwrite needs doing once.
        if !self.registered.swap(true, Ordering::SeqCst) {
            self.register(&ctx).await;
        }
    }

    async fn resume(&self, _ctx: Context, _event: ResumedEvent) {
        info!("gateway session resumed");
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        match interaction {
            Interaction::Command(cmd) => self.command(&ctx, &cmd).await,
            Interaction::Autocomplete(cmd) => self.autocomplete(&ctx, &cmd).await,
            Interaction::Component(click) => self.component(&ctx, &click).await,
            _ => {}
        }
    }
}
