//! The short form of a reply, for a quick lookup: the headline, a few figures per section with
//! at most two sources each (an original report or a wire before mirrors and aggregators), and
//! the paste-ready sentence. No claim ids, cited ids or side tags: those are for the full answer.

use std::sync::Arc;

use super::{CitationRef, Entry, Reply, Section};
use std::cmp::Reverse;
use std::collections::HashMap;

use crate::analysis::wording::counted;
use crate::dataset::{Claim, Dataset, Scope};
use crate::date::Date;

/// Sources per figure in the short form.
const SOURCES: usize = 2;
/// Figures per section in the short form, at most.
const ENTRIES: usize = 3;

/// The short form's size as Markdown, without the sentence (sent as the message text).
pub const BUDGET: usize = 1_200;

/// The short form of `full`, within [`BUDGET`] characters of Markdown.
pub fn short(data: &Dataset, full: &Reply) -> Reply {
    // Already short (`about`, a small stage): nothing to leave out but the codes.
    if size(full) <= BUDGET {
        let mut reply = full.clone();
        for section in &mut reply.sections {
            section.entries = section
                .entries
                .iter()
                .map(|e| Arc::new(without_codes(data, e)))
                .collect();
        }
        return reply;
    }
    if full.title == super::timeline::title(data) {
        return short_timeline(data, full);
    }
    let mut lead: Vec<String> = full.lead.iter().take(1).map(|l| without_ids(l)).collect();
    // The gap as the stage's note states it, in the headline.
    lead.extend(
        full.sections
            .iter()
            .flat_map(|s| &s.notes)
            .filter(|n| n.starts_with("The figures disagree") || n.starts_with("Reports differ"))
            .take(1)
            .cloned(),
    );
    let parties = parties_per_scope(data, full);
    let sections: Vec<Section> = full
        .sections
        .iter()
        .map(|section| {
            let (shown, left_out) = per_side(data, &section.entries, &parties);
            Section {
                heading: section.heading.clone(),
                entries: shown
                    .into_iter()
                    .map(|e| Arc::new(short_entry(data, e, &section.heading)))
                    .collect(),
                // A section made only of notes (a check and its terms) keeps them: they are its
                // content. Otherwise the notes are for the full answer, which also has what was
                // left out.
                notes: if section.entries.is_empty() {
                    section.notes.clone()
                } else if left_out > 0 {
                    vec![format!(
                        "{MORE_PREFIX}{left_out} more in the full answer (More or --full)."
                    )]
                } else {
                    Vec::new()
                },
            }
        })
        .filter(|s| !s.entries.is_empty() || !s.notes.is_empty())
        .collect();
    let mut reply = Reply {
        title: full.title.clone(),
        lead,
        sections,
        sentence: full.sentence.clone(),
        footer: full.footer.clone(),
    };
    // What does not fit goes: first the "+N more" notes, then whole sections from the end (the
    // first always stays), so that a side's section is not lost to a note about the others.
    if size(&reply) > BUDGET {
        for section in &mut reply.sections {
            section.notes.retain(|n| !n.starts_with(MORE_PREFIX));
        }
    }
    while reply.sections.len() > 1 && size(&reply) > BUDGET {
        reply.sections.pop();
    }
    // A side's section never goes unnoticed: the lead names what the cut left out.
    if reply.sections.len() < full.sections.len() && full.sections.len() <= INDEXED_FROM {
        let left_out: Vec<&str> = full.sections[reply.sections.len()..]
            .iter()
            .map(|s| s.heading.as_str())
            .collect();
        reply
            .lead
            .push(format!("Left out here (More or --full): {}.", left_out.join("; ")));
    }
    // A list that lost items (every discrepancy, every check) opens with an index of all of
    // them, one line each, so that nothing is hidden by the cut.
    if reply.sections.len() < full.sections.len() && full.sections.len() > INDEXED_FROM {
        let index = full
            .sections
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{}. {}", i + 1, index_line(&s.heading)))
            .collect();
        reply.sections.insert(
            0,
            Section {
                heading: format!(
                    "All {} (the first {}in full below; More or --full for the rest)",
                    full.sections.len(),
                    match reply.sections.len() {
                        1 => String::new(),
                        n => format!("{n} "),
                    }
                ),
                entries: Vec::new(),
                notes: index,
            },
        );
    }
    reply
}

/// How a section's note on the figures it left out begins.
const MORE_PREFIX: &str = "+";

/// The short timeline: every stage on one line, so that none goes missing unnoticed. Every
/// quantity's figures when they fit; else the story's main figure only; should even that not
/// fit, the first stages, and the lead says how many of how many.
fn short_timeline(data: &Dataset, full: &Reply) -> Reply {
    let with_lines = |heading: String, lines: Vec<Arc<Entry>>| Reply {
        title: full.title.clone(),
        lead: full.lead.clone(),
        sections: vec![Section {
            heading,
            entries: lines,
            notes: Vec::new(),
        }],
        sentence: full.sentence.clone(),
        footer: full.footer.clone(),
    };
    let every_quantity = with_lines("Stages".to_string(), super::timeline::stage_lines(data, None));
    let Some(main) = data.story.primary_quantity else {
        return cut_to_budget(every_quantity);
    };
    if size(&every_quantity) <= BUDGET {
        return every_quantity;
    }
    // The heading says what the lead did, and what is left out, in fewer characters: a line
    // saved is a stage kept.
    let heading = format!(
        "{} — {} only",
        counted(data.stages.len(), "stage", "stages"),
        data.quantities[main].label
    );
    let main_only = Reply {
        lead: Vec::new(),
        ..with_lines(heading, super::timeline::stage_lines(data, Some(main)))
    };
    cut_to_budget(main_only)
}

/// The timeline's stage lines go from the end until the reply fits; the lead says how many are
/// left.
fn cut_to_budget(mut reply: Reply) -> Reply {
    let stages = reply.sections[0].entries.len();
    let lead = reply.lead.clone();
    while size(&reply) > BUDGET && reply.sections[0].entries.len() > 1 {
        reply.sections[0].entries.pop();
        reply.lead = lead.clone();
        reply.lead.push(format!(
            "First {} of {stages} shown; More or --full for the rest.",
            reply.sections[0].entries.len()
        ));
    }
    reply
}

/// A lead without the ids it cites in parentheses (a stage's notes: "differ (1,245 vs 1,248;
/// RB25-D01, RB25-C11)" → "differ (1,245 vs 1,248)"): ids are for the full answer.
fn without_ids(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find(" (") {
        let Some(close) = rest[open..].find(')').map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        let kept: Vec<String> = rest[open + 2..close]
            .split("; ")
            .map(|part| {
                let words: Vec<&str> = part.split(", ").filter(|w| !is_id(w)).collect();
                words.join(", ")
            })
            .filter(|part| !part.is_empty())
            .collect();
        if !kept.is_empty() {
            out.push_str(&format!(" ({})", kept.join("; ")));
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// "RB25-D01", "C-601": capitals and digits around a hyphen, with a digit after it.
fn is_id(word: &str) -> bool {
    let id_part = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    word.split_once('-')
        .is_some_and(|(a, b)| id_part(a) && id_part(b) && b.chars().any(|c| c.is_ascii_digit()))
}

/// Lists with more items than this get an index when cut (a side per section is no list).
const INDEXED_FROM: usize = 3;

/// Longest line of the index: a heading is cut at a word, never inside one.
const INDEX_LINE: usize = 120;

fn index_line(heading: &str) -> String {
    if heading.chars().count() <= INDEX_LINE {
        return heading.to_string();
    }
    let cut: String = heading.chars().take(INDEX_LINE).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut} …")
}

/// What a short section shows: for each side and quantity, its lead figure (the widest, latest
/// period: a running total's newest figure, not its first; then confirmed before unconfirmed,
/// exact before bounds, the latest statement), and a figure of that side only when it
/// contradicts what the side already shows for the same stage or period (two outlets' own
/// counts, 600 and 596): that is news; a bound, a party's rounding (Putin's 6,000 beside 6,060)
/// or another period is not. Corrected and retracted figures never show; entries that are not
/// figures (a discrepancy's stances) each count as their own. At most [`ENTRIES`]; also returns
/// how many standing entries were left out.
fn per_side<'a>(data: &'a Dataset, entries: &'a [Arc<Entry>], parties: &Parties) -> (Vec<&'a Entry>, usize) {
    let standing: Vec<Member> = entries
        .iter()
        .map(|e| (&**e, claim_of(data, e)))
        .filter(|(_, c)| c.is_none_or(|c| data.holds_for_its_period(c)))
        .collect();
    // Groups in order of first appearance: one per side and quantity, one per other entry.
    let mut groups: Vec<Group> = Vec::new();
    for &(entry, claim) in &standing {
        let sides: Vec<usize> = (0..data.sides.len())
            .filter(|&s| entry.who.contains(&format!(" ({})", data.sides[s].id)))
            .collect();
        let quantity = claim.map(|c| c.quantity);
        let same =
            |g: &&mut Group| !sides.is_empty() && quantity.is_some() && g.sides == sides && g.quantity == quantity;
        match groups.iter_mut().find(same) {
            Some(group) => group.members.push((entry, claim)),
            None => groups.push(Group {
                sides,
                quantity,
                members: vec![(entry, claim)],
            }),
        }
    }
    // One claimant's or one side's figures of many kinds (a `source` reply): the latest
    // statements first. Several sides keep the full answer's order, parties first.
    let single_side = groups.iter().all(|g| g.sides == groups[0].sides);
    if single_side {
        groups.sort_by_key(|g| Reverse(g.members.iter().filter_map(|(_, c)| Some(c.as_ref()?.said.date)).max()));
    }
    let mut shown: Vec<&Entry> = Vec::new();
    for group in &groups {
        let rank = |c: Option<&Claim>| c.map(|c| lead_rank(data, c, parties));
        // The best-ranked; among equals, the first in the full answer's order.
        let best = group.members.iter().map(|&(_, c)| rank(c)).max();
        let Some(&(lead, lead_claim)) = group.members.iter().find(|&&(_, c)| Some(rank(c)) == best) else {
            continue;
        };
        shown.push(lead);
        let outlet = group.sides.iter().any(|&s| data.sides[s].is_outlet);
        let mut theirs: Vec<&Claim> = lead_claim.into_iter().collect();
        for &(entry, claim) in &group.members {
            let Some(claim) = claim.filter(|_| !std::ptr::eq(entry, lead)) else {
                continue;
            };
            let news = theirs.iter().all(|c| contradicts(claim, c))
                && (outlet || !super::sentence::is_rounding(claim.figure, &theirs));
            if news {
                theirs.push(claim);
                shown.push(entry);
            }
        }
    }
    // Shown in the full answer's order (parties first, as it sorts them).
    if !single_side {
        shown.sort_by_key(|e| entries.iter().position(|x| std::ptr::eq(&**x, *e)));
    }
    shown.truncate(ENTRIES);
    let left_out = standing.len() - shown.len();
    (shown, left_out)
}

/// The claim an entry shows, when it shows one (not a stance or a note).
fn claim_of<'d>(data: &'d Dataset, entry: &Entry) -> Option<&'d Claim> {
    let i = data.claim_index(entry.claim_id.as_deref()?)?;
    Some(&data.claims[i])
}

/// An entry and, when it is a figure, its claim.
type Member<'a> = (&'a Entry, Option<&'a Claim>);

/// A side's figures of one quantity, as a short section weighs them.
struct Group<'a> {
    sides: Vec<usize>,
    quantity: Option<usize>,
    members: Vec<Member<'a>>,
}

/// How many parties (sides that are not outlets) give a figure for each quantity and scope, over
/// the whole reply: a side's short line leads with the period the parties compare.
type Parties = HashMap<(usize, Scope), usize>;

fn parties_per_scope(data: &Dataset, reply: &Reply) -> Parties {
    let mut sides: HashMap<(usize, Scope), Vec<usize>> = HashMap::new();
    let claims = reply
        .sections
        .iter()
        .flat_map(|s| &s.entries)
        .filter_map(|e| claim_of(data, e));
    for claim in claims {
        let side = data.side_of(claim);
        let seen = sides.entry((claim.quantity, claim.scope)).or_default();
        if !data.sides[side].is_outlet && !seen.contains(&side) {
            seen.push(side);
        }
    }
    sides.into_iter().map(|(k, v)| (k, v.len())).collect()
}

/// Which of a side's figures leads its short line: the period most parties give figures for
/// (6,057 and 6,060 for June, not a later all-year count only one side gave), then the widest,
/// latest period (a running total's newest figure); then confirmed, exact, the most precise
/// (6,060 before a rounding to 6,000), and the latest statement.
type Rank = (usize, Date, Reverse<Date>, bool, bool, Reverse<u32>, Date);

fn lead_rank(data: &Dataset, claim: &Claim, parties: &Parties) -> Rank {
    let (from, to) = data.scope_span(claim.scope);
    (
        parties.get(&(claim.quantity, claim.scope)).copied().unwrap_or(0),
        to,
        Reverse(from),
        claim.status == crate::dataset::Status::Current || data.is_update(claim),
        claim.figure.is_exact(),
        Reverse(super::sentence::trailing_zeros(claim.figure.value.micros())),
        claim.said.date,
    )
}

/// Two figures for the same stage or period that cannot both be right.
fn contradicts(a: &Claim, b: &Claim) -> bool {
    a.quantity == b.quantity && a.scope == b.scope && !a.figure.compatible_with(&b.figure)
}

fn size(reply: &Reply) -> usize {
    let without_sentence = Reply {
        sentence: None,
        ..reply.clone()
    };
    crate::render::markdown::render(&without_sentence).chars().count()
}

fn short_entry(data: &Dataset, entry: &Entry, heading: &str) -> Entry {
    let plain = without_codes(data, entry);
    // The figure without its original wording; the full answer quotes it.
    let what = match plain.what.find(" (“") {
        Some(at) => plain.what[..at].to_string(),
        None => plain.what.clone(),
    };
    let mut citations: Vec<&CitationRef> = plain.citations.iter().collect();
    citations.sort_by_key(|c| rank(data, c));
    Entry {
        what,
        // When it was said, what it counts (where the full answer says so), and whether a stated
        // total adds up (its check, without the terms).
        details: plain
            .details
            .iter()
            .take(1)
            .cloned()
            .chain(scope_detail(data, entry, heading))
            .chain(plain.details.iter().filter_map(|d| super::checks::short_line(d)))
            .collect(),
        citations: citations
            .into_iter()
            .take(SOURCES)
            .map(|c| CitationRef {
                quote: None,
                ..c.clone()
            })
            .collect(),
        ..plain
    }
}

/// An entry without the codes that are for the full answer: side tags ("(UA)"), claim ids, and
/// ids in its details and status ("QT-F031 (said 8 February 2032)", "since updated to … (QT-F032)").
fn without_codes(data: &Dataset, entry: &Entry) -> Entry {
    let mut who = entry.who.clone();
    for side in &data.sides {
        who = who.replace(&format!(" ({})", side.id), "");
    }
    let is_id = |text: &str| data.claim_index(text).is_some();
    let details = entry
        .details
        .iter()
        .map(|d| match d.split_once(" (") {
            Some((id, rest)) if is_id(id) && rest.ends_with(')') => rest[..rest.len() - 1].to_string(),
            _ => d.clone(),
        })
        .collect();
    let status = entry.status.as_ref().map(|s| match s.rsplit_once(" (") {
        Some((text, id)) if id.strip_suffix(')').is_some_and(is_id) => text.to_string(),
        _ => s.clone(),
    });
    Entry {
        who,
        details,
        status,
        claim_id: None,
        ..entry.clone()
    }
}

/// What the figure counts and when, where the full entry says so and the heading does not (a
/// `source` reply mixes quantities; a `total` section is one quantity, its lead the widest period).
fn scope_detail(data: &Dataset, entry: &Entry, heading: &str) -> Option<String> {
    let claim = claim_of(data, entry)?;
    let detail = super::scope_detail(data, claim);
    let named = heading.contains(data.quantities[claim.quantity].label.as_str());
    (entry.details.get(1) == Some(&detail) && !named).then_some(detail)
}

/// Original reports first, then wire copy, then mirrors, aggregators and the like.
fn rank(data: &Dataset, c: &CitationRef) -> u8 {
    let flags = data
        .outlets
        .iter()
        .find(|o| *o.name == *c.outlet)
        .map_or(&[][..], |o| o.flags.as_slice());
    match flags {
        [] => 0,
        f if f.iter().all(|f| f == "wire-copy") => 1,
        _ => 2,
    }
}
