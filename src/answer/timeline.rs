//! `timeline`: the stages in order, with each side's figure.

use std::collections::HashMap;
use std::sync::Arc;

use super::total::{Who, stage_figures};
use super::{CitationRef, Entry, Query, Question, Reply, Section, citation_ref, footer};
use crate::dataset::{Claim, Dataset, Scope};

pub const QUESTION: Question = Question {
    name: "timeline",
    description: "The stages in order, with each side's figure",
    options: &[],
    from_options: |_| Query::Timeline,
    narrowing_hint: "`/stage` or `/discrepancy` and the `stage`/`quantity` option",
};

/// `figures-bot ask timeline`: no arguments.
#[derive(Debug, clap::Args)]
#[command(about = QUESTION.description)]
pub struct Args {}

impl Args {
    pub fn query(self, _data: &Dataset) -> Result<Query, String> {
        Ok(Query::Timeline)
    }
}

pub fn answer(data: &Dataset) -> Reply {
    let mut entries = Vec::new();
    for (s, stage) in data.stages.iter().enumerate() {
        let mut details = Vec::new();
        let mut citations = Vec::new();
        for q in 0..data.quantities.len() {
            if let Some(figures) = side_figures(data, q, s, &mut citations) {
                details.push(format!("{}: {figures}", data.quantities[q].label));
            }
        }
        if details.is_empty() {
            details.push("no figures recorded".to_string());
        }
        entries.push(Arc::new(Entry {
            who: stage.name.clone(),
            what: stage.when.to_string(),
            details,
            status: None,
            citations,
            claim_id: None,
        }));
    }
    Reply {
        title: title(data),
        lead: vec![format!(
            "{} in order.",
            crate::analysis::wording::counted(data.stages.len(), "stage", "stages")
        )],
        sections: vec![Section {
            heading: "Stages".to_string(),
            entries,
            notes: Vec::new(),
        }],
        sentence: None,
        footer: footer(data),
    }
}

/// The timeline's title: the short form knows a timeline by it.
pub(super) fn title(data: &Dataset) -> String {
    format!("Timeline — {}", data.story.title)
}

/// One quantity's figures for one stage, each side's best first, with its other figures and
/// flags: "Ukraine 1,245 · Russia 1,248 ⚠ disagree". `None` when nobody gave one. The first
/// figure's source of each side is added to `citations`, each link once (two sides' figures
/// often come from one report).
fn side_figures(data: &Dataset, q: usize, s: usize, citations: &mut Vec<CitationRef>) -> Option<String> {
    data.claims_with(q, Scope::Stage(s)).next()?;
    let mut per_side = Vec::new();
    // A party by its side; outlets each by name, since each counts on its own.
    let mut givers: Vec<(String, Vec<&Claim>)> = Vec::new();
    for side in 0..data.sides.len() {
        let figures = stage_figures(data, q, Who::Side(side), s);
        if !data.sides[side].is_outlet {
            givers.push((data.sides[side].name.clone(), figures));
            continue;
        }
        // Indexed: a stage can have many outlets.
        let mut slot: HashMap<String, usize> = HashMap::new();
        for claim in figures {
            let name = super::stage::giver(data, claim.claimants[0]);
            let at = *slot.entry(name.clone()).or_insert_with(|| {
                givers.push((name, Vec::new()));
                givers.len() - 1
            });
            givers[at].1.push(claim);
        }
    }
    for (name, figures) in givers {
        let Some(first) = figures.first() else { continue };
        let mut text = format!("{name} {}{}", first.figure, flag(first));
        if figures.iter().any(|c| c.figure != first.figure) {
            let others: Vec<String> = figures
                .iter()
                .filter(|c| c.figure != first.figure)
                .map(|c| format!("{}{}", c.figure, flag(c)))
                .collect();
            text.push_str(&format!(" (also {})", others.join(", ")));
        }
        per_side.push(text);
        if let Some(c) = first.citations.first().map(|c| citation_ref(data, c))
            && !citations.iter().any(|o| o.url == c.url)
        {
            citations.push(c);
        }
    }
    if per_side.is_empty() {
        return None;
    }
    let mut line = per_side.join(" · ");
    // The same test as the stage's own "The figures disagree" note.
    if super::stage::figures_disagree(data, q, s) {
        line.push_str(" ⚠ disagree");
    }
    Some(line)
}

/// The timeline in one line per stage, for the short reply: "**Stage 5 (final), 16 June
/// 2025**: Ukraine 1,245 · Russia 1,248 ⚠ disagree". Only `quantity`'s figures when given (its
/// label is then left to the heading); else every quantity's, each named.
pub(super) fn stage_lines(data: &Dataset, quantity: Option<usize>) -> Vec<Arc<Entry>> {
    (0..data.stages.len())
        .map(|s| {
            let mut citations = Vec::new();
            let figures: Vec<String> = (0..data.quantities.len())
                .filter(|&q| quantity.is_none_or(|only| only == q))
                .filter_map(|q| {
                    let figures = side_figures(data, q, s, &mut citations)?;
                    Some(match quantity {
                        Some(_) => figures,
                        None => format!("{}: {figures}", data.quantities[q].label),
                    })
                })
                .collect();
            Arc::new(Entry {
                who: data.stage_label(s),
                what: if figures.is_empty() {
                    "no figures recorded".to_string()
                } else {
                    figures.join("; ")
                },
                details: Vec::new(),
                status: None,
                citations: Vec::new(),
                claim_id: None,
            })
        })
        .collect()
}

/// " ⚠ unconfirmed" after a figure nobody could confirm: a timeline row is read alone.
fn flag(claim: &crate::dataset::Claim) -> &'static str {
    if matches!(claim.status, crate::dataset::Status::Unconfirmed) {
        " ⚠ unconfirmed"
    } else {
        ""
    }
}
