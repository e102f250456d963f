//! `total [quantity] [claimant]`: each side's stated totals, each with its check (does it add up
//! to the stages, earlier counts or parts it covers?).

use std::sync::Arc;

use super::stage::capitalise_label;
use super::{Reply, Section, attributed_sentence, claim_entry, folded_into_series, footer, series_entry, sort_claims};
use crate::analysis::analysis;
use crate::analysis::wording::one_line;
use crate::dataset::{Claim, Dataset, Scope};
use crate::error::LookupError;

// The question: how it is asked on the command line and in Discord.

use super::{Names, OptionSpec, Query, Question};

pub const QUESTION: Question = Question {
    name: "total",
    description: "Each side's stated totals, and whether they add up",
    options: &[
        OptionSpec::text(
            "quantity",
            "What is counted (default: the story's main figure)",
            Names::Quantities,
        ),
        OptionSpec::text("claimant", "Only this claimant or side", Names::ClaimantsAndSides),
    ],
    from_options: |option| Query::Total {
        quantity: option("quantity"),
        claimant: option("claimant"),
    },
    narrowing_hint: "the `quantity`/`claimant` option",
};

/// `figures-bot ask total [QUANTITY] [CLAIMANT]`
#[derive(Debug, clap::Args)]
#[command(about = QUESTION.description)]
pub struct Args {
    /// A quantity, a claimant or side, or both ("bodies-to-russia russia", "medinsky").
    #[arg(value_name = "QUANTITY|CLAIMANT")]
    words: Vec<String>,
}

impl Args {
    /// The longest leading run of words that names a quantity is the quantity, the rest the
    /// claimant; either may be several words.
    pub fn query(self, data: &Dataset) -> Result<Query, String> {
        let words = self.words;
        let cut = (1..=words.len())
            .rev()
            .find(|&cut| data.find_quantity(&words[..cut].join(" ")).is_ok());
        let (quantity, claimant) = match cut {
            Some(cut) => (Some(words[..cut].join(" ")), words[cut..].join(" ")),
            None => (None, words.join(" ")),
        };
        let claimant = (!claimant.trim().is_empty()).then_some(claimant);
        Ok(Query::Total { quantity, claimant })
    }
}

/// Whose claims a total is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Who {
    Side(usize),
    Claimant(usize),
}

impl Who {
    fn includes(self, data: &Dataset, claim: &Claim) -> bool {
        match self {
            Who::Side(s) => data.side_of(claim) == s,
            Who::Claimant(c) => claim.claimants.contains(&c),
        }
    }

    fn name(self, data: &Dataset) -> &str {
        match self {
            Who::Side(s) => &data.sides[s].name,
            Who::Claimant(c) => &data.claimants[c].name,
        }
    }
}

/// The figures `who` gives for one stage, best first: standing claims, confirmed before
/// unconfirmed, a precise figure before a rounded rendering of it. A side's list is computed
/// once per loaded version: totals, timelines and gap explanations ask for it again and again.
pub(super) fn stage_figures(data: &Dataset, quantity: usize, who: Who, stage: usize) -> Vec<&Claim> {
    match who {
        Who::Side(side) => {
            let cache = data.derived.side_stage_figures.get_or_init(|| {
                // One pass over the claims, in file order, then each list ranked: never a scan
                // per quantity, stage and side.
                let mut lists: std::collections::HashMap<(usize, usize, usize), Vec<&Claim>> =
                    std::collections::HashMap::new();
                for claim in &data.claims {
                    if let Scope::Stage(st) = claim.scope
                        && claim.status.stands()
                    {
                        lists
                            .entry((claim.quantity, data.side_of(claim), st))
                            .or_default()
                            .push(claim);
                    }
                }
                lists
                    .into_iter()
                    .map(|(key, mut claims)| {
                        rank(data, &mut claims);
                        (key, claims.iter().map(|c| data.index_of(c)).collect())
                    })
                    .collect()
            });
            cache
                .get(&(quantity, side, stage))
                .map_or_else(Vec::new, |ids: &Vec<usize>| {
                    ids.iter().map(|&i| &data.claims[i]).collect()
                })
        }
        Who::Claimant(_) => rank_stage_figures(data, quantity, who, stage),
    }
}

fn rank_stage_figures(data: &Dataset, quantity: usize, who: Who, stage: usize) -> Vec<&Claim> {
    let mut claims: Vec<&Claim> = data
        .claims_with(quantity, Scope::Stage(stage))
        .filter(|c| c.status.stands() && who.includes(data, c))
        .collect();
    rank(data, &mut claims);
    claims
}

/// Best first, keeping file order among equals: confirmed before unconfirmed, precise before
/// rounded.
fn rank(data: &Dataset, claims: &mut [&Claim]) {
    sort_claims(data, claims);
    claims.sort_by_key(|c| (c.status != crate::dataset::Status::Current, !c.figure.is_exact()));
}

pub fn answer(data: &Dataset, quantity: Option<&str>, claimant: Option<&str>) -> Result<Reply, LookupError> {
    let named_quantity = quantity.is_some();
    let quantities: Vec<usize> = match quantity {
        Some(q) => vec![data.find_quantity(q)?],
        None => match data.story.primary_quantity {
            Some(q) => vec![q],
            None => {
                // One pass over the claims, not one per quantity.
                let mut with_totals = vec![false; data.quantities.len()];
                for c in data.claims.iter().filter(|c| c.scope != Scope::Whole) {
                    with_totals[c.quantity] = true;
                }
                (0..data.quantities.len()).filter(|&q| with_totals[q]).collect()
            }
        },
    };
    let filter = match claimant {
        None => None,
        // A side's name ("Russia") is as natural a filter as a claimant's.
        Some(name) => Some(match data.find_side(name) {
            Ok(s) => Who::Side(s),
            Err(_) => Who::Claimant(data.find_claimant(name)?),
        }),
    };
    // Stated totals by quantity, in file order: one pass over the claims, not one per side.
    let mut stated_totals: Vec<Vec<&Claim>> = vec![Vec::new(); data.quantities.len()];
    for c in data.claims.iter().filter(|c| matches!(c.scope, Scope::Period(..))) {
        stated_totals[c.quantity].push(c);
    }
    let mut sections = Vec::new();
    let mut lead = Vec::new();
    let mut sentence = None;
    for &q in &quantities {
        let quantity = &data.quantities[q];
        let whos: Vec<Who> = match filter {
            Some(who) => vec![who],
            None => (0..data.sides.len()).map(Who::Side).collect(),
        };
        let mut side_totals: Vec<(Who, &Claim)> = Vec::new();
        let sections_before = sections.len();
        for who in whos {
            let mut stated: Vec<&Claim> = stated_totals[q]
                .iter()
                .copied()
                .filter(|c| who.includes(data, c))
                .collect();
            if stated.is_empty() {
                continue;
            }
            sort_claims(data, &mut stated);
            let outlets = matches!(who, Who::Side(s) if data.sides[s].is_outlet);
            let mut entries = Vec::new();
            // A running total shows once, as its series, where its latest figure falls.
            for claim in stated.iter().filter(|c| !folded_into_series(data, c)) {
                let mut entry = series_entry(data, claim, true);
                // Under each stated total, its check in one line (the sums are `analysis`'s).
                let index = data.index_of(claim);
                let lines: Vec<String> = analysis(data)
                    .checks
                    .iter()
                    .filter(|c| c.stated == index)
                    .map(|c| one_line(data, c))
                    .collect();
                if !lines.is_empty() {
                    // A copy of the shared entry, with this reply's checks.
                    Arc::make_mut(&mut entry).details.extend(lines);
                }
                if claim.status.stands() && claim.figure.is_exact() && !outlets {
                    side_totals.push((who, claim));
                }
                entries.push(entry);
            }
            sections.push(Section {
                heading: format!("{} — {}", who.name(data), quantity.label),
                entries,
                notes: Vec::new(),
            });
        }
        let no_stated_total = sections.len() == sections_before;
        // A quantity asked about alone with no stated total: its stage figures, each with who
        // gave it, rather than an answer that says nothing is recorded. Listed, not added up:
        // a sum nobody stated is not a total.
        if no_stated_total && quantities.len() == 1 {
            let mut staged: Vec<&Claim> = data
                .claims
                .iter()
                .filter(|c| c.quantity == q && matches!(c.scope, Scope::Stage(_)))
                .filter(|c| filter.is_none_or(|who| who.includes(data, c)))
                .collect();
            sort_claims(data, &mut staged);
            // In stage order; within a stage, as `sort_claims` ranks them.
            staged.sort_by_key(|c| match c.scope {
                Scope::Stage(stage) => stage,
                _ => usize::MAX,
            });
            if !staged.is_empty() {
                let from = filter
                    .map(|who| format!(" from {}", who.name(data)))
                    .unwrap_or_default();
                lead.push(format!(
                    "No stated total for {}{from}; the stage figures follow.",
                    quantity.label
                ));
                sections.push(Section {
                    heading: format!("{} — stage figures", capitalise_label(&quantity.label)),
                    entries: staged.iter().map(|c| claim_entry(data, c, true)).collect(),
                    notes: Vec::new(),
                });
                // One stage's figures make one sentence; several stages' would read as a total.
                if staged.iter().all(|c| c.scope == staged[0].scope) {
                    sentence = sentence.or_else(|| attributed_sentence(data, &staged));
                }
            }
        }
        // A quantity named outright with no stated total that has whole-story figures (a deal's
        // size, an offer): show them too; there is nothing to add up.
        if named_quantity && no_stated_total {
            let mut whole: Vec<&Claim> = data
                .claims_with(q, Scope::Whole)
                .filter(|c| filter.is_none_or(|who| who.includes(data, c)))
                .collect();
            sort_claims(data, &mut whole);
            if !whole.is_empty() {
                sections.push(Section {
                    heading: format!("{} — figures about the story as a whole", capitalise_label(&data.quantities[q].label)),
                    entries: whole.iter().map(|c| claim_entry(data, c, false)).collect(),
                    notes: vec!["Not per-stage or cumulative figures, so nothing is added up; see discrepancy for how they compare.".to_string()],
                });
                sentence = sentence.or_else(|| attributed_sentence(data, &whole));
            }
        }
        // Where two parties state exact totals for the same period, compare them.
        // Each side's first total per period; a set, as there can be thousands of totals.
        let mut official: Vec<&Claim> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (_, claim) in &side_totals {
            if seen.insert((claim.scope, data.side_of(claim))) {
                official.push(claim);
            }
        }
        if let Some(first) = official.first() {
            let same_period: Vec<&Claim> = official.iter().copied().filter(|c| c.scope == first.scope).collect();
            if same_period.len() > 1 {
                lead.extend(super::discrepancy::explain_total_gap(data, &same_period));
            }
            if sentence.is_none() {
                // Every figure given for that period, not just each side's first.
                let all: Vec<&Claim> = data
                    .claims_with(q, first.scope)
                    .filter(|c| filter.is_none_or(|who| who.includes(data, c)))
                    .collect();
                sentence = attributed_sentence(data, &all);
            }
        }
    }
    if sections.is_empty() {
        lead.push("No totals or stage figures are recorded for this selection.".to_string());
    }
    let title = match quantities.as_slice() {
        [q] => format!("Totals — {}", data.quantities[*q].label),
        _ => "Totals".to_string(),
    };
    Ok(Reply {
        title,
        lead,
        sections,
        sentence,
        footer: footer(data),
    })
}
