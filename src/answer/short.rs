//! The short form of a reply, for a quick lookup: the headline, a few figures per section with
//! at most two sources each (an original report or a wire before mirrors and aggregators), and
//! the paste-ready sentence. No claim ids, cited ids or side tags: those are for the full answer.

use std::sync::Arc;

use super::{CitationRef, Entry, Reply, Section};
use crate::analysis::wording::counted;
use crate::dataset::{Claim, Dataset};

/// Sources per figure in the short form.
const SOURCES: usize = 2;
/// Figures per section in the short form, at most.
const ENTRIES: usize = 3;

/// The short form's size as Markdown, without the sentence (sent as the message text).
pub const BUDGET: usize = 1_200;

/// The short form of `full`, within [`BUDGET`] characters of Markdown.
pub fn short(data: &Dataset, full: &Reply) -> Reply {
    // Already short (`about`, a small stage): nothing to leave out.
    if size(full) <= BUDGET {
        return full.clone();
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
            .filter(|n| n.starts_with("The figures disagree"))
            .take(1)
            .cloned(),
    );
    let sections: Vec<Section> = full
        .sections
        .iter()
        .map(|section| Section {
            heading: section.heading.clone(),
            entries: one_per_side(data, &section.entries)
                .into_iter()
                .map(|e| Arc::new(short_entry(data, e)))
                .collect(),
            // A section made only of notes (a check and its terms) keeps them: they are its content.
            notes: if section.entries.is_empty() {
                section.notes.clone()
            } else {
                Vec::new()
            },
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
    // Whole sections go, from the end, until it fits; the first always stays.
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
                    "All {} (the first {} in full below; More or --full for the rest)",
                    full.sections.len(),
                    reply.sections.len()
                ),
                entries: Vec::new(),
                notes: index,
            },
        );
    }
    reply
}

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

/// The first standing figure of each side (by the side tags of the full answer); entries
/// without tags (a discrepancy's positions) each count as their own. A side's later figure is
/// kept only when it contradicts what the side already shows for the same stage or period (two
/// outlets' own counts, 600 and 596): that is news. A bound, a party's rounding (Putin's 6,000
/// beside 6,060) or another period is not.
fn one_per_side<'a>(data: &Dataset, entries: &'a [Arc<Entry>]) -> Vec<&'a Entry> {
    let mut shown: Vec<(usize, Option<&Claim>)> = Vec::new();
    let mut out = Vec::new();
    for entry in entries {
        if entry.status.as_deref().is_some_and(|s| s != "unconfirmed") {
            continue;
        }
        let claim = entry
            .claim_id
            .as_deref()
            .and_then(|id| data.claim_index(id))
            .map(|i| &data.claims[i]);
        let sides: Vec<usize> = (0..data.sides.len())
            .filter(|&s| entry.who.contains(&format!(" ({})", data.sides[s].id)))
            .collect();
        let adds_news = |side: usize| {
            let theirs: Vec<Option<&Claim>> = shown.iter().filter(|(s, _)| *s == side).map(|(_, c)| *c).collect();
            match claim {
                _ if theirs.is_empty() => true,
                Some(claim) => {
                    let theirs: Vec<&Claim> = theirs.into_iter().flatten().collect();
                    theirs.iter().all(|c| contradicts(claim, c))
                        && (data.sides[side].is_outlet || !super::sentence::is_rounding(claim.figure, &theirs))
                }
                None => false,
            }
        };
        if !sides.is_empty() && !sides.iter().any(|&s| adds_news(s)) {
            continue;
        }
        shown.extend(sides.iter().map(|&s| (s, claim)));
        out.push(&**entry);
        if out.len() == ENTRIES {
            break;
        }
    }
    out
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

fn short_entry(data: &Dataset, entry: &Entry) -> Entry {
    let mut who = entry.who.clone();
    for side in &data.sides {
        who = who.replace(&format!(" ({})", side.id), "");
    }
    // The figure without its original wording; the full answer quotes it.
    let what = match entry.what.find(" (“") {
        Some(at) => entry.what[..at].to_string(),
        None => entry.what.clone(),
    };
    let mut citations: Vec<&CitationRef> = entry.citations.iter().collect();
    citations.sort_by_key(|c| rank(data, c));
    Entry {
        who,
        what,
        // When it was said, and whether a stated total adds up (its check, without the terms).
        details: entry
            .details
            .iter()
            .take(1)
            .cloned()
            .chain(entry.details.iter().filter_map(|d| super::checks::short_line(d)))
            .collect(),
        status: entry.status.clone(),
        citations: citations
            .into_iter()
            .take(SOURCES)
            .map(|c| CitationRef {
                quote: None,
                ..c.clone()
            })
            .collect(),
        claim_id: None,
    }
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
