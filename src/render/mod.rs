//! Turning a [`Reply`](crate::answer::Reply) into text. The Discord embeds live in the Discord
//! adapter; the Markdown here serves the terminal and anything that pastes text.

pub mod markdown;

/// Escapes text so Markdown shows it as written (no stray bold, links or headings).
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '~' | '|' | '[' | ']' | '>' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `[text](url)` with both parts made safe: brackets in the text escaped, and the characters
/// that would end the link percent-encoded in the URL.
pub fn link(text: &str, url: &str) -> String {
    let url: String = url
        .chars()
        .map(|c| match c {
            '(' => "%28".to_string(),
            ')' => "%29".to_string(),
            ' ' => "%20".to_string(),
            '<' => "%3C".to_string(),
            '>' => "%3E".to_string(),
            c => c.to_string(),
        })
        .collect();
    format!("[{}]({url})", escape_markdown(text))
}
