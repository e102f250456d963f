//! `source <claimant>`: everything one claimant said, in date order.

use std::sync::Arc;

use super::{
    Entry, Names, OptionSpec, Query, Question, Reply, Section, citation_ref, folded_into_series, footer, series_entry,
    status_text,
};
use crate::dataset::Dataset;
use crate::error::LookupError;

pub const QUESTION: Question = Question {
    name: "source",
    description: "Everything one claimant said, in date order",
    options: &[OptionSpec::text("claimant", "Who said it", Names::Claimants).required()],
    from_options: |option| Query::Source {
        claimant: option("claimant").unwrap_or_default(),
    },
    narrowing_hint: "`/stage` or `/discrepancy` and the `stage`/`quantity` option",
};

/// `figures-bot ask source <CLAIMANT>`
#[derive(Debug, clap::Args)]
#[command(about = QUESTION.description)]
pub struct Args {
    /// The claimant: id, name or alias ("medinsky").
    #[arg(required = true)]
    claimant: Vec<String>,
}

impl Args {
    pub fn query(self, _data: &Dataset) -> Result<Query, String> {
        Ok(Query::Source {
            claimant: self.claimant.join(" "),
        })
    }
}

pub fn answer(data: &Dataset, query: &str) -> Result<Reply, LookupError> {
    let c = data.find_claimant(query)?;
    let claimant = &data.claimants[c];
    let mut claims: Vec<_> = data.claims.iter().filter(|cl| cl.claimants.contains(&c)).collect();
    claims.sort_by_key(|cl| cl.said.date);
    // A running total is one entry, its series, where its latest figure falls.
    let listed: Vec<_> = claims.iter().filter(|cl| !folded_into_series(data, cl)).collect();
    let mut sections = Vec::new();
    if !claims.is_empty() {
        sections.push(Section {
            heading: "Figures".to_string(),
            entries: listed.iter().map(|cl| series_entry(data, cl, true)).collect(),
            notes: Vec::new(),
        });
    }
    let mut statements: Vec<_> = data
        .characterisations
        .iter()
        .filter(|ch| ch.claimants.contains(&c))
        .collect();
    statements.sort_by_key(|ch| ch.said.date);
    if !statements.is_empty() {
        sections.push(Section {
            heading: "Characterisations".to_string(),
            entries: statements
                .iter()
                .map(|ch| {
                    Arc::new(Entry {
                        who: data.topics[ch.topic].question.clone(),
                        what: format!("“{}”", ch.stance),
                        details: vec![
                            format!("{} {}", super::said_or_reported(ch.reported), ch.said),
                            ch.summary.clone(),
                        ],
                        status: status_text(data, &ch.status),
                        citations: ch.citations.iter().map(|ci| citation_ref(data, ci)).collect(),
                        claim_id: Some(ch.id.clone()),
                    })
                })
                .collect(),
            notes: Vec::new(),
        });
    }
    let mut about = vec![claimant.name.clone()];
    about.extend(claimant.role.clone());
    about.push(format!("side: {}", data.sides[claimant.side].name));
    let mut lead = vec![about.join(" — ")];
    lead.extend(claimant.notes.clone());
    lead.push(format!(
        "{} figure(s), {} characterisation(s).",
        claims.len(),
        statements.len()
    ));
    Ok(Reply {
        title: format!("What {} said", claimant.name),
        lead,
        sections,
        sentence: None,
        footer: footer(data),
    })
}
