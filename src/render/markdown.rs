//! Markdown for the terminal (`figures-bot ask`) and for pasting: every figure with who said
//! it, when, and links to where it was reported.

use std::fmt::Write;

use super::{escape_markdown, link};
use crate::answer::{CitationRef, Entry, Reply};

pub fn render(reply: &Reply) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## {}\n", escape_markdown(&reply.title));
    for paragraph in &reply.lead {
        let _ = writeln!(out, "{}\n", escape_markdown(paragraph));
    }
    for section in &reply.sections {
        let _ = writeln!(out, "### {}\n", escape_markdown(&section.heading));
        for entry in &section.entries {
            out.push_str(&entry_text(entry));
        }
        // An index (a short reply's list of every item) is a numbered list, not notes.
        let index = section.entries.is_empty() && section.notes.iter().all(|n| is_numbered(n));
        for note in &section.notes {
            if index {
                let _ = writeln!(out, "{}", escape_markdown(note));
            } else {
                let _ = writeln!(out, "- *Note:* {}", escape_markdown(note));
            }
        }
        out.push('\n');
    }
    if let Some(sentence) = &reply.sentence {
        let _ = writeln!(out, "**Paste-ready:** {}\n", escape_markdown(sentence));
    }
    let _ = writeln!(out, "_{}_", escape_markdown(&reply.footer));
    out
}

/// "12. Total, 11–16 June 2025: …": a line of an index.
fn is_numbered(line: &str) -> bool {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && line[digits..].starts_with(". ")
}

fn entry_text(entry: &Entry) -> String {
    let mut out = format!("- **{}**", escape_markdown(&entry.who));
    if !entry.what.is_empty() {
        let _ = write!(out, ": {}", escape_markdown(&entry.what));
    }
    if let Some(status) = &entry.status {
        let _ = write!(out, " — ⚠ *{}*", escape_markdown(status));
    }
    if let Some(id) = &entry.claim_id {
        let _ = write!(out, " {}", super::code_span(id));
    }
    out.push('\n');
    if !entry.details.is_empty() {
        let details: Vec<String> = entry.details.iter().map(|d| escape_markdown(d)).collect();
        let _ = writeln!(out, "  {}", details.join(" · "));
    }
    if !entry.citations.is_empty() {
        let _ = writeln!(out, "  Sources: {}", citations_text(&entry.citations));
    }
    if let Some(quote) = entry.citations.iter().find_map(|c| c.quote.as_ref()) {
        let _ = writeln!(out, "  > “{}”", escape_markdown(quote));
    }
    out
}

/// `[The Moscow Times](url) (16 June 2025); [TASS](url) (date not shown)`.
pub fn citations_text(citations: &[CitationRef]) -> String {
    let parts: Vec<String> = citations.iter().map(citation_text).collect();
    parts.join("; ")
}

pub fn citation_text(c: &CitationRef) -> String {
    let date = c
        .published
        .map_or_else(|| "date not shown".to_string(), |d| d.to_string());
    format!("{} ({date})", link(&c.outlet, &c.url))
}
