//! `stage <stage>`: every claimant's figures for one stage.

use super::{
    Names, OptionSpec, Query, Question, Reply, Section, attributed_sentence, claim_entry, footer, sort_claims,
};
use crate::dataset::{Claim, Dataset, Scope};
use crate::error::LookupError;

pub const QUESTION: Question = Question {
    name: "stage",
    description: "Every claimant's figures for one stage, with sources",
    options: &[OptionSpec::text("stage", "The stage: name, date or number", Names::Stages).required()],
    from_options: |option| Query::Stage {
        stage: option("stage").unwrap_or_default(),
    },
    narrowing_hint: "the `stage`/`quantity` option",
};

/// `figures-bot ask stage <STAGE>`
#[derive(Debug, clap::Args)]
#[command(about = QUESTION.description)]
pub struct Args {
    /// The stage: name, date or number ("final", "16 june", "stage 5").
    #[arg(required = true)]
    stage: Vec<String>,
}

impl Args {
    pub fn query(self, _data: &Dataset) -> Result<Query, String> {
        Ok(Query::Stage {
            stage: self.stage.join(" "),
        })
    }
}

pub fn answer(data: &Dataset, query: &str) -> Result<Reply, LookupError> {
    let s = data.find_stage(query)?;
    let stage = &data.stages[s];
    let mut sections = Vec::new();
    let mut sentence = None;
    for (q, quantity) in data.quantities.iter().enumerate() {
        let mut claims: Vec<&Claim> = data.claims_with(q, Scope::Stage(s)).collect();
        if claims.is_empty() {
            continue;
        }
        sort_claims(data, &mut claims);
        let standing: Vec<&Claim> = claims.iter().copied().filter(|c| c.status.stands()).collect();
        let mut notes = Vec::new();
        let values: Vec<_> = standing.iter().map(|c| c.figure).collect();
        if values.windows(2).any(|w| !w[0].compatible_with(&w[1])) {
            notes.push(disagreement_note(&standing, &quantity.unit));
        }
        // The primary quantity's sentence leads; otherwise the first quantity with figures.
        let primary = data.story.primary_quantity == Some(q);
        if sentence.is_none() || primary {
            sentence = attributed_sentence(data, &standing);
        }
        sections.push(Section {
            heading: capitalise_label(&quantity.label),
            entries: claims.iter().map(|c| claim_entry(data, c, false)).collect(),
            notes,
        });
    }
    let mut lead = vec![format!("{}: {}.", stage.name, stage.when)];
    if let Some(notes) = &stage.notes {
        lead.push(notes.clone());
    }
    if sections.is_empty() {
        lead.push("No figures are recorded for this stage.".to_string());
    }
    Ok(Reply {
        title: format!("{} — {}", stage.name, stage.when),
        lead,
        sections,
        sentence,
        footer: footer(data),
    })
}

pub(super) fn capitalise_label(label: &str) -> String {
    super::capitalise(label)
}

/// "The figures disagree: 1,245 vs 1,248 bodies, a gap of 3." An unconfirmed figure is flagged
/// in the note itself. The gap is between exact, confirmed figures; one that only an
/// unconfirmed figure opens says so.
fn disagreement_note(standing: &[&Claim], unit: &str) -> String {
    use crate::figure::{Figure, Number};
    // Each distinct figure, and whether anyone gave it without the unconfirmed flag.
    let mut figures: Vec<(Figure, bool)> = Vec::new();
    for c in standing {
        let confirmed = c.status == crate::dataset::Status::Current;
        match figures.iter_mut().find(|(f, _)| *f == c.figure) {
            Some((_, any_confirmed)) => *any_confirmed |= confirmed,
            None => figures.push((c.figure, confirmed)),
        }
    }
    let shown: Vec<String> = figures
        .iter()
        .map(|(f, confirmed)| {
            if *confirmed {
                f.to_string()
            } else {
                format!("{f} (unconfirmed)")
            }
        })
        .collect();
    let unit = if unit == "%" {
        "%".to_string()
    } else {
        format!(" {unit}")
    };
    let spread = |confirmed_only: bool| -> Option<Number> {
        let exact = figures
            .iter()
            .filter(|(f, confirmed)| f.is_exact() && (*confirmed || !confirmed_only))
            .map(|(f, _)| f.value);
        let low = exact.clone().min_by_key(|n| n.micros())?;
        let high = exact.max_by_key(|n| n.micros())?;
        (high.micros() > low.micros()).then(|| high - low)
    };
    let gap = match (spread(true), spread(false)) {
        (Some(confirmed), Some(all)) if all.micros() > confirmed.micros() => {
            format!(", a gap of {confirmed} ({all} counting the unconfirmed figure)")
        }
        (Some(confirmed), _) => format!(", a gap of {confirmed}"),
        (None, Some(all)) => format!(", a gap of {all} counting the unconfirmed figure"),
        (None, None) => String::new(),
    };
    format!("The figures disagree: {}{unit}{gap}.", shown.join(" vs "))
}
