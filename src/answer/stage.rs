//! `stage <stage>`: every claimant's figures for one stage.

use std::collections::{HashMap, HashSet};

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
        if disagree(&standing) {
            notes.push(disagreement_note(data, &standing, &quantity.unit));
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
    // The title already names the stage and its date: the lead is the stage's own notes.
    let mut lead: Vec<String> = stage.notes.iter().cloned().collect();
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

/// Whether the standing figures for quantity `q` at stage `s` cannot all be right: what the
/// stage's "The figures disagree" note and the timeline's "⚠ disagree" both say.
pub(super) fn figures_disagree(data: &Dataset, q: usize, s: usize) -> bool {
    let mut claims: Vec<&Claim> = data
        .claims_with(q, Scope::Stage(s))
        .filter(|c| c.status.stands())
        .collect();
    sort_claims(data, &mut claims);
    disagree(&claims)
}

/// Standing figures, in `sort_claims` order, that cannot all be right.
fn disagree(standing: &[&Claim]) -> bool {
    standing.windows(2).any(|w| !w[0].figure.compatible_with(&w[1].figure))
}

pub(super) fn capitalise_label(label: &str) -> String {
    super::capitalise(label)
}

/// "The figures disagree: Ukraine 1,245 vs Russia 1,248 bodies, a gap of 3." Each figure with
/// who gave it (a party by its side, an outlet by its name: the short reply may leave the entry
/// out), an unconfirmed one flagged in the note itself. The gap is between exact, confirmed
/// figures; one that only an unconfirmed figure opens says so.
fn disagreement_note(data: &Dataset, standing: &[&Claim], unit: &str) -> String {
    use crate::figure::{Figure, Number};
    /// A distinct figure, who gave it, and how firm it is.
    struct Given {
        figure: Figure,
        who: Vec<String>,
        /// Someone gave it without the unconfirmed flag.
        confirmed: bool,
        /// Every claim of it is a less precise report of a statement also reported otherwise
        /// (Medinsky's "1,000" beside his "1,003" of the same day).
        other_report: bool,
    }
    let precision = |c: &Claim| {
        (
            !c.figure.is_exact(),
            super::sentence::trailing_zeros(c.figure.value.micros()),
        )
    };
    // Indexed, as a stage can have thousands of claims: each statement's most precise report.
    let mut best: HashMap<(&[usize], crate::date::Date), (bool, u32)> = HashMap::new();
    for c in standing {
        let kept = best
            .entry((c.claimants.as_slice(), c.said.date))
            .or_insert(precision(c));
        *kept = (*kept).min(precision(c));
    }
    let lesser_report = |c: &Claim| best[&(c.claimants.as_slice(), c.said.date)] < precision(c);
    let mut figures: Vec<Given> = Vec::new();
    let mut slot: HashMap<Figure, usize> = HashMap::new();
    // (figure, giver) pairs already named: one name per figure however many claims repeat it.
    let mut named: HashSet<(usize, String)> = HashSet::new();
    for c in standing {
        let at = *slot.entry(c.figure).or_insert_with(|| {
            figures.push(Given {
                figure: c.figure,
                who: Vec::new(),
                confirmed: false,
                other_report: true,
            });
            figures.len() - 1
        });
        let given = &mut figures[at];
        given.confirmed |= c.status == crate::dataset::Status::Current;
        given.other_report &= lesser_report(c);
        for &k in &c.claimants {
            let name = giver(data, k);
            if named.insert((at, name.clone())) {
                given.who.push(name);
            }
        }
    }
    let last = figures.len().saturating_sub(1);
    let shown: Vec<String> = figures
        .iter()
        .enumerate()
        .map(|(k, g)| {
            let figure = if k == last || unit == "%" {
                g.figure.with_unit(unit)
            } else {
                g.figure.to_string()
            };
            let flag = match (g.other_report, g.confirmed) {
                (true, _) => " (another report of the same statement)",
                (false, false) => " (unconfirmed)",
                (false, true) => "",
            };
            format!("{} {figure}{flag}", crate::dataset::join_and(&g.who))
        })
        .collect();
    let spread = |firm_only: bool| -> Option<Number> {
        let exact = figures
            .iter()
            .filter(|g| g.figure.is_exact() && (!firm_only || (g.confirmed && !g.other_report)))
            .map(|g| g.figure.value);
        let low = exact.clone().min_by_key(|n| n.micros())?;
        let high = exact.max_by_key(|n| n.micros())?;
        (high.micros() > low.micros()).then(|| high - low)
    };
    // What the gap between all the figures counts beyond the firm ones.
    let unconfirmed = figures.iter().any(|g| !g.confirmed && !g.other_report);
    let reports = figures.iter().any(|g| g.other_report);
    let counting = match (unconfirmed, reports) {
        (true, true) => "the unconfirmed figure and the other report",
        (true, false) => "the unconfirmed figure",
        _ => "the other report",
    };
    let (opening, gap) = match (spread(true), spread(false)) {
        (Some(firm), Some(all)) if all.micros() > firm.micros() => (
            "The figures disagree",
            format!(", a gap of {firm} ({all} counting {counting})"),
        ),
        (Some(firm), _) => ("The figures disagree", format!(", a gap of {firm}")),
        // Only a second report of one statement differs: no two sources disagree.
        (None, Some(all)) if !unconfirmed => ("Reports differ", format!(", {all} apart")),
        (None, Some(all)) => ("The figures disagree", format!(", a gap of {all} counting {counting}")),
        (None, None) => ("The figures disagree", String::new()),
    };
    format!("{opening}: {}{gap}.", shown.join(" vs "))
}

/// Who gave a figure, in a note: a party by its side ("Ukraine"), an outlet by its own name
/// ("Example Wire", without "(own tally)"): each outlet counts on its own.
pub(super) fn giver(data: &Dataset, claimant: usize) -> String {
    let claimant = &data.claimants[claimant];
    let side = &data.sides[claimant.side];
    if !side.is_outlet {
        return side.name.clone();
    }
    outlet_name(&claimant.name).to_string()
}

/// An outlet's name without what its claimant entry adds: "Example Wire (own tally)" →
/// "Example Wire".
pub(super) fn outlet_name(name: &str) -> &str {
    name.find(" (").map_or(name, |at| &name[..at])
}
