//! Turning a [`Reply`](crate::answer::Reply) into text. The Discord embeds live in the Discord
//! adapter; the Markdown here serves the terminal and anything that pastes text.

pub mod markdown;

/// Escapes text so Markdown shows it as written (no stray bold, links or headings).
pub fn escape_markdown(text: &str) -> String {
    let special = |b: u8| matches!(b, b'\\' | b'*' | b'_' | b'`' | b'~' | b'|' | b'[' | b']' | b'>' | b'#');
    // Most text needs no escaping: copy it whole.
    let Some(first) = text.bytes().position(special) else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        if c.is_ascii() && special(c as u8) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Text as inline code. Escapes do not work inside code, so a text with a backtick (never a
/// valid id, but rendering must not trust that) goes in a double-backtick span, which a single
/// backtick cannot close.
pub fn code_span(text: &str) -> String {
    if text.contains('`') {
        format!("`` {} ``", text.replace("``", "`\u{200B}`"))
    } else {
        format!("`{text}`")
    }
}

/// `[text](url)` with both parts made safe: brackets in the text escaped, and the characters
/// that would end the link percent-encoded in the URL.
pub fn link(text: &str, url: &str) -> String {
    let mut out = String::with_capacity(text.len() + url.len() + 8);
    out.push('[');
    out.push_str(&escape_markdown(text));
    out.push_str("](");
    for c in url.chars() {
        match c {
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            ' ' => out.push_str("%20"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            c => out.push(c),
        }
    }
    out.push(')');
    out
}
