//! Replies as Discord messages: embeds that always fit Discord's limits.
//!
//! The layout is computed as plain data ([`MessageSpec`]) so the limits can be tested without a
//! connection; only [`MessageSpec::to_interaction`] and friends touch serenity's builders.

use serenity::all::{CreateAllowedMentions, CreateEmbed, CreateEmbedFooter, CreateInteractionResponseMessage};

use crate::answer::{Entry, Reply};
use crate::render::escape_markdown;
use crate::render::markdown::citation_text;

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
    text.encode_utf16().count()
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

/// Lays a reply out as embeds: an opening embed with the title and lead, one embed per section
/// with a field per figure, the paste-ready sentence as the message text (easy to copy), and the
/// footer last. What does not fit is cut with "… and N more: {narrow}".
pub fn reply_message(reply: &Reply, narrow: &str) -> MessageSpec {
    let mut embeds = vec![EmbedSpec {
        title: truncate(&escape_markdown(&reply.title), limits::TITLE),
        description: truncate(&lead_text(&reply.lead), limits::DESCRIPTION),
        ..EmbedSpec::default()
    }];
    for section in &reply.sections {
        let notes: Vec<String> = section
            .notes
            .iter()
            .map(|n| format!("*{}*", escape_markdown(n)))
            .collect();
        let mut fields = section.entries.iter().map(entry_field).peekable();
        let mut first = true;
        // A section with more than 25 figures continues in further embeds.
        while fields.peek().is_some() || first {
            let chunk: Vec<(String, String)> = fields.by_ref().take(limits::FIELDS).collect();
            embeds.push(EmbedSpec {
                title: truncate(
                    &escape_markdown(&if first {
                        section.heading.clone()
                    } else {
                        format!("{} (continued)", section.heading)
                    }),
                    limits::TITLE,
                ),
                description: if first {
                    truncate(&notes.join("\n"), limits::DESCRIPTION)
                } else {
                    String::new()
                },
                fields: chunk,
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
    fit(embeds, footer, narrow, content)
}

fn lead_text(lead: &[String]) -> String {
    let paragraphs: Vec<String> = lead.iter().map(|p| escape_markdown(p)).collect();
    paragraphs.join("\n\n")
}

/// One figure as a field: who and what in the name; when, status and sources in the value.
fn entry_field(entry: &Entry) -> (String, String) {
    let mut name = if entry.what.is_empty() {
        entry.who.clone()
    } else {
        format!("{} — {}", entry.who, entry.what)
    };
    if let Some(status) = &entry.status {
        name.push_str(&format!(" ⚠ {status}"));
    }
    let mut value = String::new();
    let mut details: Vec<String> = entry.details.iter().map(|d| escape_markdown(d)).collect();
    if let Some(id) = &entry.claim_id {
        details.push(format!("`{id}`"));
    }
    if !details.is_empty() {
        value.push_str(&truncate(&details.join(" · "), limits::FIELD_VALUE / 2));
    }
    if let Some(quote) = entry.citations.iter().find_map(|c| c.quote.as_ref()) {
        value.push_str(&format!("\n> “{}”", truncate(&escape_markdown(quote), 200)));
    }
    // Sources go in whole, one by one, while they fit; the rest are counted.
    let mut shown = 0;
    for citation in &entry.citations {
        let link = citation_text(citation);
        let separator = if shown == 0 { "\nSources: " } else { " · " };
        let remaining = entry.citations.len() - shown - 1;
        let reserve = if remaining > 0 { 24 } else { 0 };
        if length(&value) + length(separator) + length(&link) + reserve > limits::FIELD_VALUE {
            break;
        }
        value.push_str(separator);
        value.push_str(&link);
        shown += 1;
    }
    if shown < entry.citations.len() {
        value.push_str(&format!(" … +{} more sources", entry.citations.len() - shown));
    }
    if value.trim().is_empty() {
        value = "—".to_string();
    }
    (
        truncate(&escape_markdown(&name), limits::FIELD_NAME),
        truncate(&value, limits::FIELD_VALUE),
    )
}

/// Keeps embeds and fields in order while they fit in one message, then says what was left out.
fn fit(embeds: Vec<EmbedSpec>, footer: String, narrow: &str, content: String) -> MessageSpec {
    // Room kept for the "… and N more" line and the footer.
    let reserve = 200 + length(&footer);
    let mut kept: Vec<EmbedSpec> = Vec::new();
    let mut used = 0;
    let mut omitted = 0;
    for embed in embeds {
        if omitted > 0 || kept.len() == limits::EMBEDS {
            omitted += embed.fields.len().max(1);
            continue;
        }
        let head = length(&embed.title) + length(&embed.description);
        if used + head + reserve > limits::TOTAL {
            omitted += embed.fields.len().max(1);
            continue;
        }
        used += head;
        let mut fields = Vec::new();
        for (i, field) in embed.fields.iter().enumerate() {
            let size = length(&field.0) + length(&field.1);
            if used + size + reserve > limits::TOTAL {
                omitted += embed.fields.len() - i;
                break;
            }
            used += size;
            fields.push(field.clone());
        }
        kept.push(EmbedSpec { fields, ..embed });
    }
    if let Some(last) = kept.last_mut() {
        if omitted > 0 {
            let more = format!("… and {omitted} more: narrow it with {narrow}");
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
    MessageSpec { content, embeds: kept }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_by_utf16_units() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 3), "abc");
        assert!(length(&truncate(&"😀".repeat(100), 11)) <= 11);
    }
}
