//! `source <claimant>`: everything one claimant said, in date order.

use std::sync::Arc;

use super::{
    Entry, Names, OptionSpec, Query, Question, Reply, Section, citation_refs, folded_into_series, footer, series_entry,
    status_text,
};
use crate::analysis::wording::counted;
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
    // A side's own words ("kyiv", "russia") mean the side, not a claimant whose name starts so
    // (the Kyiv Independent); a claimant's exact name still wins.
    let c = match crate::lookup::exact(&data.claimants, query) {
        Some(c) => c,
        None => match crate::lookup::exact(&data.sides, query) {
            Some(side) => return Ok(side_answer(data, side)),
            None => data.find_claimant(query)?,
        },
    };
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
                        what: super::capitalise(&ch.stance),
                        details: vec![
                            format!("{} {}", super::said_or_reported(ch.reported), ch.said),
                            ch.summary.clone(),
                        ],
                        status: status_text(data, &ch.status),
                        citations: citation_refs(data, &ch.citations),
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
        "{} and {}.",
        counted(claims.len(), "figure", "figures"),
        counted(statements.len(), "characterisation", "characterisations")
    ));
    Ok(Reply {
        title: format!("What {} said", claimant.name),
        lead,
        sections,
        sentence: None,
        footer: footer(data),
    })
}

/// Who spoke for one side: its claimants by name, the most-cited first.
fn side_answer(data: &Dataset, side: usize) -> Reply {
    let mut people: Vec<(usize, usize, usize, usize)> = Vec::new();
    for (c, claimant) in data.claimants.iter().enumerate() {
        if claimant.side != side {
            continue;
        }
        let claims: Vec<_> = data.claims.iter().filter(|cl| cl.claimants.contains(&c)).collect();
        let statements: Vec<_> = data
            .characterisations
            .iter()
            .filter(|ch| ch.claimants.contains(&c))
            .collect();
        let cited = claims.iter().map(|cl| cl.citations.len()).sum::<usize>()
            + statements.iter().map(|ch| ch.citations.len()).sum::<usize>();
        if claims.len() + statements.len() > 0 {
            people.push((c, cited, claims.len(), statements.len()));
        }
    }
    people.sort_by_key(|&(c, cited, _, _)| (std::cmp::Reverse(cited), c));
    let entries = people
        .iter()
        .map(|&(c, cited, figures, statements)| {
            let claimant = &data.claimants[c];
            let mut details = Vec::new();
            details.extend(claimant.role.clone());
            details.push(format!(
                "{}, {}; cited {}",
                counted(figures, "figure", "figures"),
                counted(statements, "characterisation", "characterisations"),
                counted(cited, "time", "times")
            ));
            Arc::new(Entry {
                who: claimant.name.clone(),
                what: String::new(),
                details,
                status: None,
                citations: Vec::new(),
                claim_id: None,
            })
        })
        .collect();
    let name = &data.sides[side].name;
    Reply {
        title: format!("Who spoke for {name}"),
        lead: vec![format!(
            "{} for {name}, the most-cited first. For what one of them said, ask source with the name.",
            counted(people.len(), "claimant speaks", "claimants speak")
        )],
        sections: vec![Section {
            heading: "Claimants".to_string(),
            entries,
            notes: Vec::new(),
        }],
        sentence: None,
        footer: footer(data),
    }
}
