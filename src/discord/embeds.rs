//! Replies as Discord messages: embeds that always fit Discord's limits.
//!
//! The layout is computed as plain data ([`MessageSpec`]) so the limits can be tested without a
//! connection; only [`MessageSpec::to_interaction`] and friends touch serenity's builders.

use serenity::all::{
    CreateAllowedMentions, CreateEmbed, CreateEmbedFooter, CreateInteractionResponseFollowup,
    CreateInteractionResponseMessage,
};

use crate::answer::{Entry, Reply};
use crate::render::markdown::citation_text;
use crate::render::{code_span, escape_markdown};

/// Discord's documented limits on a message.
pub mod limits {
    pub const CONTENT: usize = 2000;
    pub const EMBEDS: usize = 10;
    pub const TITLE: usize = 256;
    pub const DESCRIPTION: usize = 4096;
    pub const FIELDS: usize = 25;
    pub const FIELD_NAME: usize = 256;
    pub const FIELD_VALUE: usize = 1024;
    pub const FOOTER: usize = 2048;
    /// Across all embeds of one message.
    pub const TOTAL: usize = 6000;
    pub const CHOICES: usize = 25;
    pub const CHOICE_TEXT: usize = 100;
}

/// Discord counts in UTF-16 units at most as often as in characters; counting UTF-16 units is
/// the safe side.
pub fn length(text: &str) -> usize {
    // Most text is ASCII, where units and bytes agree; the check is much cheaper than counting.
    if text.is_ascii() {
        text.len()
    } else {
        text.encode_utf16().count()
    }
}

/// How a title that goes on in another embed ends.
const CONTINUED: &str = " (continued)";

/// `title` marked as continued: the mark survives however long the title (it is cut instead).
fn continued(title: &str) -> String {
    format!("{}{CONTINUED}", truncate(title, limits::TITLE - CONTINUED.len()))
}

/// `text` cut to at most `max` units, with an ellipsis when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if length(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.len_utf16();
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    // Do not leave a dangling escape or half a Markdown link behind.
    while out.ends_with('\\') || out.ends_with('[') {
        out.pop();
    }
    out.push('…');
    out
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EmbedSpec {
    pub title: String,
    pub description: String,
    pub fields: Vec<(String, String)>,
    pub footer: Option<String>,
}

impl EmbedSpec {
    fn size(&self) -> usize {
        length(&self.title)
            + length(&self.description)
            + self.fields.iter().map(|(n, v)| length(n) + length(v)).sum::<usize>()
            + self.footer.as_deref().map_or(0, length)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MessageSpec {
    pub content: String,
    pub embeds: Vec<EmbedSpec>,
}

impl MessageSpec {
    /// A plain text message (errors, confirmations).
    pub fn text(content: &str) -> MessageSpec {
        MessageSpec {
            content: truncate(content, limits::CONTENT),
            embeds: Vec::new(),
        }
    }

    /// Characters across all embeds, as Discord counts them for its 6,000 limit.
    pub fn embed_size(&self) -> usize {
        self.embeds.iter().map(EmbedSpec::size).sum()
    }

    /// The interaction response. Mentions nobody, whatever the data says.
    pub fn to_interaction(&self, ephemeral: bool) -> CreateInteractionResponseMessage {
        let mut message = CreateInteractionResponseMessage::new()
            .allowed_mentions(CreateAllowedMentions::new())
            .ephemeral(ephemeral)
            .embeds(self.embeds.iter().map(to_embed).collect());
        if !self.content.is_empty() {
            message = message.content(self.content.clone());
        }
        message
    }

    /// A follow-up message (the second and later parts of a long reply). Mentions nobody.
    pub fn to_followup(&self, ephemeral: bool) -> CreateInteractionResponseFollowup {
        let mut message = CreateInteractionResponseFollowup::new()
            .allowed_mentions(CreateAllowedMentions::new())
            .ephemeral(ephemeral)
            .embeds(self.embeds.iter().map(to_embed).collect());
        if !self.content.is_empty() {
            message = message.content(self.content.clone());
        }
        message
    }
}

fn to_embed(spec: &EmbedSpec) -> CreateEmbed {
    let mut embed = CreateEmbed::new().title(spec.title.clone());
    if !spec.description.is_empty() {
        embed = embed.description(spec.description.clone());
    }
    for (name, value) in &spec.fields {
        embed = embed.field(name.clone(), value.clone(), false);
    }
    if let Some(footer) = &spec.footer {
        embed = embed.footer(CreateEmbedFooter::new(footer.clone()));
    }
    embed
}

/// At most this many messages per reply: the answer, then follow-ups. More would flood the channel.
pub const MAX_MESSAGES: usize = 4;

/// Sources listed per figure when a reply needs more than one message; the rest are counted.
/// One link per figure always stays.
const SOURCES_WHEN_CROWDED: usize = 3;

/// Lays a reply out as messages of embeds: an opening embed with the title and lead, one embed
/// per section with a field per figure, the paste-ready sentence as the first message's text
/// (easy to copy), and the footer last. A long reply is split over up to [`MAX_MESSAGES`]
/// messages; what still does not fit is cut with a last line that says how much is left and
/// names the next heading not shown ("… and 17 more not shown, the next: “…”; narrow it with
/// {narrow}").
pub fn reply_messages(reply: &Reply, narrow: &str) -> Vec<MessageSpec> {
    let roomy = lay_out(reply, narrow, usize::MAX);
    if roomy.len() == 1 {
        return roomy;
    }
    // Too long for one message: list fewer sources per figure so more figures fit.
    lay_out(reply, narrow, SOURCES_WHEN_CROWDED)
}

fn lay_out(reply: &Reply, narrow: &str, max_sources: usize) -> Vec<MessageSpec> {
    let mut embeds = vec![EmbedSpec {
        title: truncate(&escape_markdown(&reply.title), limits::TITLE),
        description: truncate(&lead_text(&reply.lead), limits::DESCRIPTION),
        ..EmbedSpec::default()
    }];
    // Which section each embed shows (none for the opening one), to count what is left out.
    let mut sections = vec![None];
    for (index, section) in reply.sections.iter().enumerate() {
        let notes: Vec<String> = section
            .notes
            .iter()
            .map(|n| format!("*{}*", escape_markdown(n)))
            .collect();
        let mut fields = section.entries.iter().map(|e| entry_field(e, max_sources)).peekable();
        let mut first = true;
        // A section with more than 25 figures continues in further embeds.
        while fields.peek().is_some() || first {
            let heading = escape_markdown(&section.heading);
            sections.push(Some(index));
            embeds.push(EmbedSpec {
                title: if first {
                    truncate(&heading, limits::TITLE)
                } else {
                    continued(&heading)
                },
                description: if first {
                    truncate(&notes.join("\n"), limits::DESCRIPTION)
                } else {
                    String::new()
                },
                fields: fields.by_ref().take(limits::FIELDS).collect(),
                footer: None,
            });
            first = false;
        }
    }
    let footer = truncate(&reply.footer, limits::FOOTER);
    let content = reply
        .sentence
        .as_ref()
        .map(|s| truncate(&format!("**Paste-ready:** {}", escape_markdown(s)), limits::CONTENT))
        .unwrap_or_default();
    pack(embeds.into_iter().zip(sections).collect(), footer, narrow, content)
}

fn lead_text(lead: &[String]) -> String {
    let paragraphs: Vec<String> = lead.iter().map(|p| escape_markdown(p)).collect();
    paragraphs.join("\n\n")
}

/// One figure as a field: who and what in the name; when, status and sources in the value.
fn entry_field(entry: &Entry, max_sources: usize) -> (String, String) {
    let mut name = if entry.what.is_empty() {
        entry.who.clone()
    } else {
        format!("{} — {}", entry.who, entry.what)
    };
    if let Some(status) = &entry.status {
        name.push_str(&format!(" ⚠ {status}"));
    }
    let mut value = String::new();
    // The claim id first: long notes may be cut, the id must not be.
    let mut details: Vec<String> = entry.claim_id.iter().map(|id| code_span(id)).collect();
    details.extend(entry.details.iter().map(|d| escape_markdown(d)));
    if !details.is_empty() {
        value.push_str(&truncate(&details.join(" · "), limits::FIELD_VALUE / 2));
    }
    if let Some(quote) = entry.citations.iter().find_map(|c| c.quote.as_ref()) {
        value.push_str(&format!("\n> “{}”", truncate(&escape_markdown(quote), 200)));
    }
    // Sources go in whole, one by one, while they fit; the rest are counted.
    let mut shown = 0;
    let mut used = length(&value);
    for citation in entry.citations.iter().take(max_sources) {
        let link = citation_text(citation);
        let separator = if shown == 0 { "\nSources: " } else { " · " };
        let remaining = entry.citations.len() - shown - 1;
        let reserve = if remaining > 0 { 24 } else { 0 };
        let added = length(separator) + length(&link);
        if used + added + reserve > limits::FIELD_VALUE {
            break;
        }
        value.push_str(separator);
        value.push_str(&link);
        used += added;
        shown += 1;
    }
    if shown < entry.citations.len() {
        let more = entry.citations.len() - shown;
        value.push_str(&format!(
            " … +{more} more {}",
            if more == 1 { "source" } else { "sources" }
        ));
    }
    if value.trim().is_empty() {
        value = "—".to_string();
    }
    (
        truncate(&escape_markdown(&name), limits::FIELD_NAME),
        truncate(&value, limits::FIELD_VALUE),
    )
}

/// Fills messages in order with embeds and fields while each message stays within Discord's
/// limits, starting a new message (a follow-up) when one is full; after [`MAX_MESSAGES`] it
/// says what was left out. The footer goes on the very last embed.
fn pack(embeds: Vec<(EmbedSpec, Option<usize>)>, footer: String, narrow: &str, content: String) -> Vec<MessageSpec> {
    // Room kept in every message for the footer and the longest line saying what was cut.
    let longest_cut = sections_left(usize::MAX, &"x".repeat(NEXT_HEADING));
    let reserve = length(&overflow_line(&longest_cut, narrow)) + 1 + length(&footer);
    let budget = limits::TOTAL - reserve;
    let mut messages = vec![MessageSpec {
        content,
        embeds: Vec::new(),
    }];
    let mut used = 0;
    let mut left_out = LeftOut::default();
    for (embed, section) in embeds {
        if left_out.cut {
            // Once something is left out, everything after it is too: replies keep their order.
            left_out.embed(&embed, section);
            continue;
        }
        let mut pending = embed.fields.into_iter().peekable();
        let mut title = embed.title;
        let mut description = embed.description;
        loop {
            let head = length(&title) + length(&description);
            let full = messages.last().is_some_and(|m| m.embeds.len() == limits::EMBEDS);
            let next_fits = pending
                .peek()
                .is_none_or(|(n, v)| length(n) + length(v) + head <= budget - used);
            if full || used + head > budget || !next_fits {
                if messages.len() == MAX_MESSAGES || messages.last().is_some_and(|m| m.embeds.is_empty()) {
                    left_out.cut = true;
                    if section.is_some_and(|s| left_out.shown.contains(&s)) {
                        left_out.figures += pending.len();
                    } else {
                        left_out.section(&title, section, pending.len());
                    }
                    break;
                }
                messages.push(MessageSpec::default());
                used = 0;
                continue;
            }
            used += head;
            left_out.shown.extend(section);
            let mut fields = Vec::new();
            while let Some((name, value)) = pending.next_if(|(n, v)| used + length(n) + length(v) <= budget) {
                used += length(&name) + length(&value);
                fields.push((name, value));
            }
            let more = pending.peek().is_some();
            if let Some(message) = messages.last_mut() {
                message.embeds.push(EmbedSpec {
                    title: title.clone(),
                    description,
                    fields,
                    footer: None,
                });
            }
            if !more {
                break;
            }
            // Once: a title already marked as continued stays as it is.
            if !title.ends_with(CONTINUED) {
                title = continued(&title);
            }
            description = String::new();
        }
    }
    messages.retain(|m| !m.embeds.is_empty() || !m.content.is_empty());
    if let Some(last) = messages.last_mut().and_then(|m| m.embeds.last_mut()) {
        if let Some(said) = left_out.say() {
            let more = overflow_line(&said, narrow);
            // The notice must survive: cut the description before it, not the notice.
            last.description = if last.description.is_empty() {
                more
            } else {
                let room = limits::DESCRIPTION - length(&more) - 1;
                format!("{}\n{more}", truncate(&last.description, room))
            };
        }
        last.footer = Some(footer);
    }
    messages
}

/// How much of the next heading not shown the last line quotes (UTF-16 units).
const NEXT_HEADING: usize = 80;

fn overflow_line(said: &str, narrow: &str) -> String {
    format!("{said}; narrow it with {narrow}")
}

fn sections_left(count: usize, next: &str) -> String {
    format!("… and {count} more not shown, the next: “{next}”")
}

/// What a reply had to leave out, in words a reader can act on.
#[derive(Default)]
struct LeftOut {
    /// Something did not fit: everything after it is left out too.
    cut: bool,
    /// Sections with at least their heading shown.
    shown: Vec<usize>,
    /// Sections not shown at all, and the heading of the first of them.
    sections: Vec<usize>,
    next: Option<String>,
    /// Figures not shown, in sections shown or not.
    figures: usize,
}

impl LeftOut {
    /// An embed not shown at all.
    fn embed(&mut self, embed: &EmbedSpec, section: Option<usize>) {
        match section {
            Some(s) if !self.shown.contains(&s) => self.section(&embed.title, Some(s), embed.fields.len()),
            _ => self.figures += embed.fields.len(),
        }
    }

    fn section(&mut self, title: &str, section: Option<usize>, figures: usize) {
        self.figures += figures;
        if let Some(s) = section.filter(|s| !self.sections.contains(s)) {
            self.sections.push(s);
            self.next.get_or_insert_with(|| truncate(title, NEXT_HEADING));
        }
    }

    fn say(&self) -> Option<String> {
        match (self.sections.len(), &self.next) {
            (n, Some(next)) if n > 0 => Some(sections_left(n, next)),
            _ if self.figures == 1 => Some("… and 1 more figure not shown".to_string()),
            _ if self.figures > 1 => Some(format!("… and {} more figures not shown", self.figures)),
            _ if self.cut => Some("… and more not shown".to_string()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_reply_says_how_many_items_are_left_and_names_the_next() {
        let data = crate::Dataset::load("data/repatriation-2025.toml").expect("bundled data");
        let query = crate::answer::Query::Discrepancy {
            quantity: None,
            stage: None,
        };
        let reply = crate::answer::answer(&data, &query).expect("answer");
        let messages = reply_messages(&reply, "the `quantity` or `stage` option");
        assert_eq!(messages.len(), MAX_MESSAGES);
        let shown: usize = messages
            .iter()
            .flat_map(|m| &m.embeds)
            .filter(|e| e.title != "Discrepancies" && !e.title.ends_with("(continued)"))
            .count();
        let last = messages.last().and_then(|m| m.embeds.last()).expect("an embed");
        let expected = format!("… and {} more not shown, the next: “", reply.sections.len() - shown);
        assert!(last.description.contains(&expected), "{}", last.description);
        let next = &reply.sections[shown].heading;
        assert!(
            last.description.contains(&truncate(&escape_markdown(next), 80)),
            "{}",
            last.description
        );
        assert!(
            last.description
                .ends_with("”; narrow it with the `quantity` or `stage` option")
        );
    }

    #[test]
    fn truncates_by_utf16_units() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 3), "abc");
        assert!(length(&truncate(&"😀".repeat(100), 11)) <= 11);
    }
}
