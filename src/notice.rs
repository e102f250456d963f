//! What the desk is told when a data file changes: one notice per reload that matters, as text
//! that fits one Discord message. `figures-bot watch` prints the same text.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::diff::{Change, ChangeKind, Changes, ClaimView};
use crate::render::escape_markdown;

/// Discord's limit on a message's content.
pub const DISCORD_MESSAGE_LIMIT: usize = 2000;

/// Longest single line a notice shows: one long quote or reason must not crowd out the rest.
const MAX_LINE: usize = 300;

/// Something the desk should know about a data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A valid new version is being served.
    Updated {
        /// Story id.
        story: String,
        title: String,
        path: PathBuf,
        old_version: u64,
        new_version: u64,
        changes: Changes,
        maintainers: Vec<String>,
        /// Set when this version ends a rejection ("fixed") or a missing file ("back").
        recovered: Option<Outage>,
    },
    /// A save could not be loaded; the last good version is still served.
    Rejected {
        path: PathBuf,
        /// Every problem, as `file:line:col: message`.
        problems: Vec<String>,
        serving_version: u64,
        loaded_at: SystemTime,
    },
    /// The file disappeared; the last good version is still served.
    Missing {
        path: PathBuf,
        serving_version: u64,
        loaded_at: SystemTime,
    },
    /// A new data file appeared in a watched folder and is now served as a story.
    Added {
        story: String,
        title: String,
        path: PathBuf,
        claims: usize,
        maintainers: Vec<String>,
        /// The story's previous file, now missing: the file was renamed or moved.
        moved_from: Option<PathBuf>,
    },
    /// A new data file appeared in a watched folder but does not load; it is served once it
    /// does.
    NewFileRejected {
        path: PathBuf,
        /// Every problem, as `file:line:col: message`.
        problems: Vec<String>,
    },
    /// The file is back with exactly the content being served (a deleted file restored, or a
    /// rejected save reverted): nothing changed, the outage is over.
    Restored {
        path: PathBuf,
        serving_version: u64,
        after: Outage,
    },
}

/// Why a file was not being followed until now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    Rejected,
    Missing,
}

impl Notice {
    pub fn path(&self) -> &Path {
        match self {
            Notice::Updated { path, .. }
            | Notice::Rejected { path, .. }
            | Notice::Missing { path, .. }
            | Notice::Restored { path, .. }
            | Notice::Added { path, .. }
            | Notice::NewFileRejected { path, .. } => path,
        }
    }

    /// An update that ends a rejection: "the problem is fixed".
    pub fn is_fix(&self) -> bool {
        matches!(
            self,
            Notice::Updated {
                recovered: Some(Outage::Rejected),
                ..
            } | Notice::Restored {
                after: Outage::Rejected,
                ..
            }
        )
    }

    /// The notice as Discord-flavoured Markdown, never longer than `max_chars` (counted in UTF-16
    /// code units, which is never fewer than characters). Long lists end with "… and N more".
    pub fn render(&self, max_chars: usize) -> String {
        let message = match self {
            Notice::Updated {
                story,
                title,
                path,
                old_version,
                new_version,
                changes,
                maintainers,
                recovered,
            } => {
                // The most important consequence leads; the others come first in the list.
                let (mut consequences, rest): (Vec<&Change>, Vec<&Change>) =
                    changes.items.iter().partition(|c| is_consequence(c));
                // Disagreements first, then figures newly in doubt.
                consequences.sort_by_key(|c| matches!(c, Change::StatusChanged { .. }));
                let mut head = Vec::new();
                if let Some(lead) = consequences.first() {
                    head.push(clip(&lead_line(lead), MAX_LINE));
                }
                head.push(format!(
                    "**Data updated**: {} (`{story}`), version {old_version} → {new_version}",
                    escape_markdown(title)
                ));
                head.push(format!("File: `{}`", file_name(path)));
                match recovered {
                    Some(Outage::Rejected) => head.push("Fixed: the earlier rejected update is resolved.".into()),
                    Some(Outage::Missing) => head.push("The file is back.".into()),
                    None => {}
                }
                if changes.is_empty() {
                    head.push("No change in meaning (only comments or layout).".into());
                } else {
                    head.push(counts_line(changes));
                }
                let mut items: Vec<(Option<String>, String)> = consequences
                    .iter()
                    .skip(1)
                    .enumerate()
                    .map(|(i, c)| ((i == 0).then(|| "**Also**".to_string()), bullet(c)))
                    .collect();
                items.extend(change_items(&rest));
                Message {
                    head,
                    items,
                    noun: ("change", "changes"),
                    tail: vec![format!("Maintainers: {}", maintainers_text(maintainers))],
                }
            }
            Notice::Rejected {
                path,
                problems,
                serving_version,
                loaded_at,
            } => Message::problems(
                format!("**Update rejected**: `{}`", file_name(path)),
                &without_folder(path, problems),
                &format!(
                    "Still serving version {serving_version} loaded at {}.",
                    utc_text(*loaded_at)
                ),
            ),
            Notice::Added {
                story,
                title,
                path,
                claims,
                maintainers,
                moved_from,
            } => Message::fixed(format!(
                "**{}**: {} (`{story}`), {claims} claim{}, now served as version 1.\n\
                 File: `{}`{}\nMaintainers: {}",
                if moved_from.is_some() {
                    "Story file moved"
                } else {
                    "New story"
                },
                escape_markdown(title),
                if *claims == 1 { "" } else { "s" },
                file_name(path),
                moved_from
                    .as_ref()
                    .map(|old| format!(" (was `{}`)", file_name(old)))
                    .unwrap_or_default(),
                maintainers_text(maintainers)
            )),
            Notice::NewFileRejected { path, problems } => Message::problems(
                format!("**New data file rejected**: `{}`", file_name(path)),
                &without_folder(path, problems),
                "Not served until it loads.",
            ),
            Notice::Missing {
                path,
                serving_version,
                loaded_at,
            } => Message::fixed(format!(
                "**Data file missing**: `{}`. Still serving version {serving_version} loaded at {}; \
                 the file will be picked up again when it comes back.",
                file_name(path),
                utc_text(*loaded_at)
            )),
            Notice::Restored {
                path,
                serving_version,
                after: Outage::Missing,
            } => Message::fixed(format!(
                "**Data file back**: `{}`, unchanged. Still serving version {serving_version}.",
                file_name(path)
            )),
            Notice::Restored {
                path,
                serving_version,
                after: Outage::Rejected,
            } => Message::fixed(format!(
                "**Fixed**: `{}` is back to the content of version {serving_version}; the rejected update is gone.",
                file_name(path)
            )),
        };
        message.fit(max_chars)
    }
}

fn maintainers_text(maintainers: &[String]) -> String {
    if maintainers.is_empty() {
        "none listed".to_string()
    } else {
        escape_markdown(&maintainers.join(", "))
    }
}

/// "Figures changed: 2 · Discrepancies: 3": the whole diff at a glance, even when cut short.
fn counts_line(changes: &Changes) -> String {
    let mut kinds: Vec<ChangeKind> = changes.items.iter().map(|c| c.kind()).collect();
    kinds.dedup();
    let parts: Vec<String> = kinds
        .iter()
        .map(|&k| format!("{}: {}", k.heading(), changes.count(k)))
        .collect();
    parts.join(" · ")
}

/// Each change as a bullet, with its group's heading in front of the group's first bullet.
fn change_items(changes: &[&Change]) -> Vec<(Option<String>, String)> {
    let mut previous = None;
    changes
        .iter()
        .map(|change| {
            let kind = change.kind();
            let heading = (previous != Some(kind)).then(|| format!("**{}**", kind.heading()));
            previous = Some(kind);
            (heading, bullet(change))
        })
        .collect()
}

/// Added and removed things carry their own "+" / "−" marker instead of a bullet.
fn bullet(change: &Change) -> String {
    let line = markdown_line(change);
    if line.starts_with("+ ") || line.starts_with("− ") {
        line
    } else {
        format!("• {line}")
    }
}

/// What a reader of the answers notices first: a disagreement that appeared or went away (a
/// total that no longer adds up is one), or a figure newly unconfirmed or retracted.
fn is_consequence(change: &Change) -> bool {
    match change {
        Change::DiscrepancyAppeared(_) | Change::DiscrepancyResolved(_) => true,
        Change::StatusChanged { new, .. } => {
            new.status.starts_with("unconfirmed") || new.status.starts_with("retracted")
        }
        _ => false,
    }
}

/// The first line of a notice whose change has consequences.
fn lead_line(change: &Change) -> String {
    match change {
        Change::DiscrepancyAppeared(h) => format!("**New discrepancy**: {}", escape_markdown(h)),
        Change::DiscrepancyResolved(h) => format!("**Discrepancy resolved**: {}", escape_markdown(h)),
        other => format!("**Status**: {}", markdown_line(other)),
    }
}

/// A change's line as Markdown: the data's words escaped (a name may hold `*` or `[`), its
/// links (`<https://…>`) kept as they are, so that they still work.
fn markdown_line(change: &Change) -> String {
    let line = change_line(change);
    let mut out = String::with_capacity(line.len());
    let mut rest = line.as_str();
    while let Some(open) = rest.find("<http") {
        let end = rest[open..].find('>').map_or(rest.len(), |e| open + e + 1);
        out.push_str(&escape_markdown(&rest[..open]));
        out.push_str(&rest[open..end]);
        rest = &rest[end..];
    }
    out.push_str(&escape_markdown(rest));
    out
}

/// The file's name as the desk knows it: data folders are flat, so the name within the folder
/// is the file name. Server paths are no business of a Discord channel.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// Problems as `name:line:col: message`, without the folder in front.
fn without_folder(path: &Path, problems: &[String]) -> Vec<String> {
    let full = path.display().to_string();
    let name = file_name(path);
    problems
        .iter()
        .map(|p| match p.strip_prefix(&full) {
            Some(rest) => format!("{name}{rest}"),
            None => p.replace(&full, &name),
        })
        .collect()
}

/// One change as one line of a notice.
pub fn change_line(change: &Change) -> String {
    ChangeLine(change).to_string()
}

/// Every change as one line, in order.
pub fn change_lines(changes: &Changes) -> Vec<String> {
    changes.items.iter().map(change_line).collect()
}

struct ChangeLine<'a>(&'a Change);

/// "350 people", "15–20%".
fn figure_with_unit(claim: &ClaimView) -> String {
    with_unit(&claim.figure, &claim.unit)
}

fn with_unit(figure: &str, unit: &str) -> String {
    if unit == "%" {
        format!("{figure}%")
    } else {
        format!("{figure} {unit}")
    }
}

/// `new (was old)` when it changed, else `new`.
fn was(old: &str, new: &str) -> String {
    if old == new {
        new.to_string()
    } else {
        format!("{new} (was {old})")
    }
}

fn was_optional(label: &str, old: &Option<String>, new: &Option<String>) -> Option<String> {
    match (old, new) {
        _ if old == new => None,
        (_, Some(new)) => Some(format!("{label} {}", was(old.as_deref().unwrap_or("none"), new))),
        (Some(old), None) => Some(format!("{label} removed (was {old})")),
        (None, None) => None,
    }
}

/// One line per change. Claims read "id: figure — who; what, when · source".
impl fmt::Display for ChangeLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Change::ClaimAdded(c) => {
                write!(
                    f,
                    "+ {}: {} — {}; {}, {}",
                    c.id,
                    figure_with_unit(c),
                    c.claimants,
                    c.quantity,
                    c.scope
                )?;
                if c.status != "current" {
                    write!(f, " ({})", c.status)?;
                }
                if let Some(citation) = &c.citation {
                    write!(f, " · {citation}")?;
                }
                Ok(())
            }
            Change::ClaimRemoved(c) => write!(
                f,
                "− {}: {} — {}; {}, {}",
                c.id,
                figure_with_unit(c),
                c.claimants,
                c.quantity,
                c.scope
            ),
            Change::ClaimChanged { old, new } => {
                let figure = if old.unit == new.unit {
                    if old.figure == new.figure {
                        figure_with_unit(new)
                    } else {
                        with_unit(&format!("{} → {}", old.figure, new.figure), &new.unit)
                    }
                } else {
                    format!("{} → {}", figure_with_unit(old), figure_with_unit(new))
                };
                write!(
                    f,
                    "{}: {} — {}; {}, {}",
                    new.id,
                    figure,
                    was(&old.claimants, &new.claimants),
                    was(&old.quantity, &new.quantity),
                    was(&old.scope, &new.scope)
                )?;
                if old.said != new.said {
                    write!(f, "; said {}", was(&old.said, &new.said))?;
                }
                let optional = [
                    was_optional("event date", &old.event_date, &new.event_date),
                    was_optional("wording", &old.wording, &new.wording),
                    (old.notes != new.notes).then(|| "notes changed".to_string()),
                ];
                for part in optional.into_iter().flatten() {
                    write!(f, "; {part}")?;
                }
                if let Some(citation) = &new.citation {
                    write!(f, " · {citation}")?;
                }
                Ok(())
            }
            Change::StatusChanged { old, new } => write!(
                f,
                "{} ({} — {}): now {} (was {})",
                new.id,
                figure_with_unit(new),
                new.claimants,
                new.status,
                old.status
            ),
            Change::CitationsChanged {
                claim,
                added,
                removed,
                now,
            } => {
                let mut parts = Vec::new();
                if *added > 0 {
                    parts.push(format!("{added} citation{} added", plural(*added)));
                }
                if *removed > 0 {
                    parts.push(format!("{removed} citation{} removed", plural(*removed)));
                }
                write!(f, "{claim}: {} (now {now})", parts.join(", "))
            }
            Change::CharacterisationAdded(c) => {
                write!(f, "+ {} ({}): {} — “{}”", c.id, c.topic, c.claimants, c.stance)
            }
            Change::CharacterisationRemoved(c) => {
                write!(f, "− {} ({}): {} — “{}”", c.id, c.topic, c.claimants, c.stance)
            }
            Change::CharacterisationChanged { old, new } => {
                write!(
                    f,
                    "{} ({}): {} — “{}”",
                    new.id,
                    new.topic,
                    was(&old.claimants, &new.claimants),
                    new.stance
                )?;
                if old.stance != new.stance {
                    write!(f, " (was “{}”)", old.stance)?;
                }
                if old.said != new.said {
                    write!(f, "; said {}", was(&old.said, &new.said))?;
                }
                if old.status != new.status {
                    write!(f, "; now {} (was {})", new.status, old.status)?;
                }
                if old.summary != new.summary {
                    write!(f, "; summary changed")?;
                }
                let added = new
                    .citation_urls
                    .iter()
                    .filter(|u| !old.citation_urls.contains(u))
                    .count();
                let removed = old
                    .citation_urls
                    .iter()
                    .filter(|u| !new.citation_urls.contains(u))
                    .count();
                if added + removed > 0 {
                    write!(f, "; citations +{added} −{removed}")?;
                }
                Ok(())
            }
            Change::DiscrepancyAppeared(h) => write!(f, "new: {h}"),
            Change::DiscrepancyResolved(h) => write!(f, "resolved: {h}"),
            Change::DiscrepancyChanged { old, new } => write!(f, "changed: {new} (was {old})"),
            Change::StoryField { field, old, new } => {
                let show = |s: &str| {
                    if s.is_empty() {
                        "none".to_string()
                    } else {
                        s.to_string()
                    }
                };
                if *field == "description" {
                    write!(f, "description changed")
                } else {
                    write!(f, "{field}: {} → {}", show(old), show(new))
                }
            }
            Change::ReferenceAdded { kind, id, name } => write!(f, "+ {kind} {id} ({name})"),
            Change::ReferenceRemoved { kind, id, name } => write!(f, "− {kind} {id} ({name})"),
            Change::ReferenceChanged {
                kind,
                id,
                field,
                old,
                new,
            } => write!(f, "{kind} {id}: {field} {old} → {new}"),
            Change::EditorialNotes { added, removed } => {
                write!(f, "editorial notes: {added} added, {removed} removed")
            }
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A message in three parts: `head` and `tail` always show; `items` show while they fit.
struct Message {
    head: Vec<String>,
    /// Each item with the heading that must precede it, if any.
    items: Vec<(Option<String>, String)>,
    noun: (&'static str, &'static str),
    tail: Vec<String>,
}

impl Message {
    /// A heading, one bullet per problem, and their count followed by `after`.
    fn problems(head: String, problems: &[String], after: &str) -> Message {
        Message {
            head: vec![head],
            items: problems.iter().map(|p| (None, format!("• {p}"))).collect(),
            noun: ("error", "errors"),
            tail: vec![format!(
                "{} error{} in total. {after}",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
            )],
        }
    }

    fn fixed(line: String) -> Message {
        Message {
            head: vec![line],
            items: Vec::new(),
            noun: ("item", "items"),
            tail: Vec::new(),
        }
    }

    fn fit(self, max: usize) -> String {
        let more = |n: usize| {
            let noun = if n == 1 { self.noun.0 } else { self.noun.1 };
            format!("… and {n} more {noun}")
        };
        let fixed_len: usize = self.head.iter().chain(&self.tail).map(|l| width(l) + 1).sum();
        let mut body: Vec<String> = Vec::new();
        let mut body_len = 0;
        let mut shown = 0;
        for (i, (heading, line)) in self.items.iter().enumerate() {
            let line = clip(line, MAX_LINE);
            let added = heading.as_ref().map_or(0, |h| width(h) + 1) + width(&line) + 1;
            let remaining = self.items.len() - i - 1;
            let reserve = if remaining > 0 { width(&more(remaining)) + 1 } else { 0 };
            if fixed_len + body_len + added + reserve > max + 1 {
                break;
            }
            body.extend(heading.clone());
            body.push(line);
            body_len += added;
            shown += 1;
        }
        let hidden = self.items.len() - shown;
        if hidden > 0 {
            body.push(more(hidden));
        }
        let lines: Vec<String> = self.head.into_iter().chain(body).chain(self.tail).collect();
        clip(&lines.join("\n"), max)
    }
}

/// Length as Discord counts it, or more: UTF-16 code units.
fn width(s: &str) -> usize {
    s.encode_utf16().count()
}

/// `s` cut to at most `max` code units, ending in "…" when cut. A link (`<https://…>`) is never
/// cut: a cut link is a dead link, so one that does not fit is left out whole, with the source's
/// name before it.
fn clip(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        if used + c.len_utf16() + 1 > max {
            break;
        }
        used += c.len_utf16();
        out.push(c);
    }
    // A source (from the " · " that introduces it to the link's `>`) that the cut falls in.
    let cut_source = s.match_indices("<http").find_map(|(open, _)| {
        let end = s[open..].find('>').map_or(s.len(), |e| open + e + 1);
        let start = s[..open].rfind(" · ").unwrap_or(open);
        (start < out.len() && out.len() < end).then_some(start)
    });
    if let Some(start) = cut_source {
        out.truncate(start);
        out.push_str(" · source left out");
        if width(&out) + 1 > max {
            out.truncate(start);
        }
    }
    if max > 0 {
        out.push('…');
    }
    out
}

/// "2031-04-01 12:00:00 UTC", without a date-time dependency.
pub fn utc_text(time: SystemTime) -> String {
    let seconds: i64 = match time.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs_f64().ceil() as u64).unwrap_or(i64::MAX),
    };
    let (days, of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn formats_utc() {
        assert_eq!(utc_text(UNIX_EPOCH), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc_text(at(951_782_400)), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc_text(at(1_750_075_199)), "2025-06-16 11:59:59 UTC");
        assert_eq!(utc_text(at(4_102_444_800)), "2100-01-01 00:00:00 UTC");
        assert_eq!(utc_text(UNIX_EPOCH - Duration::from_secs(1)), "1969-12-31 23:59:59 UTC");
    }

    #[test]
    fn clips_by_utf16_units() {
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("😀😀😀", 4), "😀…");
        assert_eq!(clip("abc", 0), "");
    }

    #[test]
    fn escapes_the_datas_markdown_but_not_links() {
        let change = Change::DiscrepancyAppeared("**Gull** [x](https://example.org) <https://example.org/a_b>".into());
        assert_eq!(
            markdown_line(&change),
            "new: \\*\\*Gull\\*\\* \\[x\\](https://example.org) <https://example.org/a_b>"
        );
    }

    #[test]
    fn never_cuts_a_link() {
        let line = "T-001: 12 → 13 boats · The Gull <https://example.org/a/very/long/path>";
        assert_eq!(clip(line, 50), "T-001: 12 → 13 boats · source left out…");
        assert_eq!(clip(line, 30), "T-001: 12 → 13 boats…");
    }

    #[test]
    fn tiny_limits_still_hold() {
        let notice = Notice::Missing {
            path: "x.toml".into(),
            serving_version: 3,
            loaded_at: UNIX_EPOCH,
        };
        for max in [0, 1, 10, 50] {
            assert!(width(&notice.render(max)) <= max);
        }
    }
}
