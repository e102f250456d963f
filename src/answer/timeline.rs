//! `timeline`: the stages in order, with each side's figure.

use std::sync::Arc;

use super::total::{Who, stage_figures};
use super::{Entry, Query, Question, Reply, Section, citation_ref, footer};
use crate::dataset::{Dataset, Scope};

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
        for (q, quantity) in data.quantities.iter().enumerate() {
            if data.claims_with(q, Scope::Stage(s)).next().is_none() {
                continue;
            }
            let mut per_side = Vec::new();
            for side in 0..data.sides.len() {
                let figures = stage_figures(data, q, Who::Side(side), s);
                let Some(first) = figures.first() else { continue };
                let mut text = format!("{} {}{}", data.sides[side].name, first.figure, flag(first));
                if figures.iter().any(|c| c.figure != first.figure) {
                    let others: Vec<String> = figures
                        .iter()
                        .filter(|c| c.figure != first.figure)
                        .map(|c| format!("{}{}", c.figure, flag(c)))
                        .collect();
                    text.push_str(&format!(" (also {})", others.join(", ")));
                }
                per_side.push(text);
                // One link per source: two sides' figures often come from one report.
                if let Some(c) = first.citations.first().map(|c| citation_ref(data, c))
                    && !citations.iter().any(|o: &super::CitationRef| o.url == c.url)
                {
                    citations.push(c);
                }
            }
            if !per_side.is_empty() {
                details.push(format!("{}: {}", quantity.label, per_side.join(" · ")));
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
        title: format!("Timeline — {}", data.story.title),
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

/// " ⚠ unconfirmed" after a figure nobody could confirm: a timeline row is read alone.
fn flag(claim: &crate::dataset::Claim) -> &'static str {
    if matches!(claim.status, crate::dataset::Status::Unconfirmed) {
        " ⚠ unconfirmed"
    } else {
        ""
    }
}
