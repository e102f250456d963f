//! `discrepancy [quantity | stage]`: every disagreement in the data, most important first.
//!
//! [`crate::analysis::discrepancy`] finds them; this renders them: who says what with sources,
//! where a gap comes from in words, and the editorial notes with theirs.

use std::collections::HashSet;
use std::sync::Arc;

use super::{CitationRef, Entry, Reply, Section, capitalise, citation_ref, footer};
use crate::analysis::discrepancy::{Position, TotalGap};
use crate::analysis::wording::counted;
use crate::analysis::{analysis, piece_name};
use crate::dataset::{Claim, Dataset, Scope, join_and};
use crate::error::LookupError;

pub use crate::analysis::DiscrepancyKind;

// The question: how it is asked on the command line and in Discord.

use super::{Names, OptionSpec, Query, Question};

pub const QUESTION: Question = Question {
    name: "discrepancy",
    description: "Where the figures disagree, most important first",
    options: &QUANTITY_OR_STAGE,
    from_options: |option| Query::Discrepancy {
        quantity: option("quantity"),
        stage: option("stage"),
    },
    narrowing_hint: "the `stage`/`quantity` option",
};

/// The options of `discrepancy` and `checks`: either narrows to a quantity or a stage.
pub(super) const QUANTITY_OR_STAGE: [OptionSpec; 2] = [
    OptionSpec::text("quantity", "Only this quantity", Names::Quantities),
    OptionSpec::text("stage", "Only this stage", Names::Stages),
];

/// `figures-bot ask discrepancy [QUANTITY|STAGE]`
#[derive(Debug, clap::Args)]
#[command(about = QUESTION.description)]
pub struct Args {
    /// Only this quantity or stage ("bodies-offered", "final").
    #[arg(value_name = "QUANTITY|STAGE")]
    words: Vec<String>,
}

impl Args {
    /// The words name a quantity if they can, else a stage.
    pub fn query(self, data: &Dataset) -> Result<Query, String> {
        let (quantity, stage) = quantity_or_stage(data, &self.words)?;
        Ok(Query::Discrepancy { quantity, stage })
    }
}

/// Words that name a quantity if they can, else a stage (`discrepancy` and `checks` take either).
pub(super) fn quantity_or_stage(data: &Dataset, words: &[String]) -> Result<(Option<String>, Option<String>), String> {
    if words.is_empty() {
        return Ok((None, None));
    }
    let words = words.join(" ");
    match (data.find_quantity(&words), data.find_stage(&words)) {
        (Ok(_), _) => Ok((Some(words), None)),
        (_, Ok(_)) => Ok((None, Some(words))),
        (Err(q), Err(s)) => {
            let mut suggestions = q.suggestions().to_vec();
            suggestions.extend(s.suggestions().iter().filter(|n| !q.suggestions().contains(n)).cloned());
            Err(LookupError::Unknown {
                kind: "quantity or stage",
                query: words,
                suggestions,
            }
            .to_string())
        }
    }
}

/// One discrepancy as answers show it: what [`crate::analysis`] found (`kind`, `headline`,
/// `claims`, `difference`…), with its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discrepancy {
    pub found: crate::analysis::Discrepancy,
    /// Who said what, and where the gap comes from.
    pub details: Vec<String>,
    /// Editorial notes attached by the data's editors.
    pub notes: Vec<String>,
    /// Each position in the disagreement: who says what, with sources.
    pub positions: Vec<Arc<Entry>>,
    /// Sources of the editorial notes.
    pub note_citations: Vec<CitationRef>,
}

/// Every discrepancy in the dataset, most important first, as answers show it. Written once per
/// loaded version.
pub fn discrepancies(data: &Dataset) -> &[Discrepancy] {
    data.derived.rendered_discrepancies.get_or_init(|| {
        crate::analysis::discrepancies(data)
            .iter()
            .map(|d| render(data, d))
            .collect()
    })
}

fn render(data: &Dataset, d: &crate::analysis::Discrepancy) -> Discrepancy {
    // A stated total that does not add up shows its sum's terms; a conflict, its gap.
    let details = match d.check {
        Some(check) => super::checks::term_lines(data, &analysis(data).checks[check]),
        None => {
            // Figures that differ only in precision both hold: a "difference" would be false.
            let difference = d
                .difference
                .filter(|_| d.kind != DiscrepancyKind::Precision)
                .map(|diff| format!("Difference: {diff}."));
            difference
                .into_iter()
                .chain(d.gap.as_ref().and_then(|g| gap_sentence(data, g)))
                .collect()
        }
    };
    let mut positions: Vec<Arc<Entry>> = d.positions.iter().map(|p| position(data, p)).collect();
    let mut notes = Vec::new();
    let mut note_citations = Vec::new();
    for &n in &d.editorial_notes {
        let note = &data.editorial_notes[n];
        if let Some(c) = &note.citation {
            note_citations.push(citation_ref(data, c));
        }
        notes.push(note_text(data, n));
    }
    // A folded stage disagreement: its positions, each saying which stage it is about, and its
    // notes not already shown (their sources are not added).
    for stage in &d.folded {
        let name = match stage.scope {
            Some(Scope::Stage(s)) => data.stages[s].name.as_str(),
            _ => "",
        };
        positions.extend(stage.positions.iter().map(|p| {
            let mut entry = position(data, p);
            Arc::make_mut(&mut entry).what = format!("{} in {name}", entry.what);
            entry
        }));
        let new: Vec<String> = stage
            .editorial_notes
            .iter()
            .map(|&n| note_text(data, n))
            .filter(|text| !notes.contains(text))
            .collect();
        notes.extend(new);
    }
    Discrepancy {
        found: d.clone(),
        details,
        notes,
        positions,
        note_citations,
    }
}

/// An editorial note as shown, with the outlet it cites.
fn note_text(data: &Dataset, n: usize) -> String {
    let note = &data.editorial_notes[n];
    match &note.citation {
        Some(c) => format!("{} ({})", note.text, data.outlets[c.outlet].name),
        None => note.text.clone(),
    }
}

/// Where the gap between two parties' totals for one period comes from, in a sentence (see
/// [`crate::analysis::discrepancy::explain_total_gap`]); nothing when no stage figures tell.
pub(super) fn explain_total_gap(data: &Dataset, totals: &[&Claim]) -> Option<String> {
    crate::analysis::discrepancy::explain_total_gap(data, totals).and_then(|g| gap_sentence(data, &g))
}

fn gap_sentence(data: &Dataset, g: &TotalGap) -> Option<String> {
    let (a, b) = (&data.claims[g.totals.0], &data.claims[g.totals.1]);
    let unit = &data.quantities[a.quantity].unit;
    let where_: Vec<String> = g
        .differing
        .iter()
        .map(|&(piece, x, y)| {
            let name = piece_name(data, a.quantity, piece);
            format!("{name} ({} vs {})", data.claims[x].figure, data.claims[y].figure)
        })
        .collect();
    let (side_a, side_b) = (data.side_of(a), data.side_of(b));
    let names = format!(
        "{}'s {} and {}'s {}",
        data.sides[side_a].name, a.figure, data.sides[side_b].name, b.figure
    );
    if g.entirely_explained() {
        Some(format!(
            "The gap of {} {unit} between {names} lies entirely in {}; all other stage figures agree.",
            g.gap.abs(),
            join_and(&where_)
        ))
    } else if !where_.is_empty() {
        Some(format!(
            "Of the gap of {} {unit} between {names}, {} comes from {}; the rest is not explained by stage figures.",
            g.gap.abs(),
            g.explained.abs(),
            join_and(&where_)
        ))
    } else if g.covered {
        Some(format!(
            "The stage figures agree; they do not explain the gap between {names}."
        ))
    } else {
        None
    }
}

/// One side of a disagreement as an entry: who says it, in which claims, reported where.
fn position(data: &Dataset, p: &Position) -> Arc<Entry> {
    match p {
        Position::Figure { figure, claims } => {
            let claims: Vec<&Claim> = claims.iter().map(|&i| &data.claims[i]).collect();
            let unit = &data.quantities[claims[0].quantity].unit;
            figure_position(data, figure.with_unit(unit), &claims)
        }
        Position::Dating { claim } => {
            let c = &data.claims[*claim];
            let date = c.event_date.map(|d| d.to_string()).unwrap_or_default();
            figure_position(data, format!("dates it {date}"), &[c])
        }
        Position::Stance {
            stance,
            characterisations,
        } => {
            let mut who = Claimants::default();
            let mut details = Vec::new();
            let mut citations = Vec::new();
            for &i in characterisations {
                let c = &data.characterisations[i];
                who.extend(&c.claimants);
                details.push(format!(
                    "{} ({}, {}): {}",
                    data.claimant_names(&c.claimants),
                    c.id,
                    c.said,
                    c.summary
                ));
                citations.extend(c.citations.iter().map(|ci| citation_ref(data, ci)));
            }
            Arc::new(Entry {
                who: data.claimant_names(&who.list),
                // A label, not a quotation: stances are the editors' words.
                what: capitalise(stance),
                details,
                status: None,
                citations,
                claim_id: None,
            })
        }
    }
}

/// Who gives this figure (or date), in which claims, reported where.
fn figure_position(data: &Dataset, what: String, claims: &[&Claim]) -> Arc<Entry> {
    let mut who = Claimants::default();
    let mut citations: Vec<CitationRef> = Vec::new();
    // A set beside the list: one figure can be given in thousands of claims.
    let mut urls: HashSet<&str> = HashSet::new();
    for claim in claims {
        who.extend(&claim.claimants);
        for c in &claim.citations {
            if urls.insert(&c.url) {
                citations.push(citation_ref(data, c));
            }
        }
    }
    let ids: Vec<String> = claims
        .iter()
        .map(|c| format!("{} ({} {})", c.id, super::said_or_reported(c.reported), c.said))
        .collect();
    let unconfirmed = claims.iter().all(|c| c.status != crate::dataset::Status::Current);
    // An earlier figure of a running total is not unconfirmed: it says what it was updated to.
    let status = match claims {
        [one] if data.is_update(one) => super::update_note(data, one),
        _ => unconfirmed.then(|| "unconfirmed".to_string()),
    };
    Arc::new(Entry {
        who: data.claimant_names(&who.list),
        what,
        details: vec![ids.join(", ")],
        status,
        citations,
        claim_id: None,
    })
}

/// Claimants in order of first appearance, with a set beside the list to keep adding cheap.
#[derive(Default)]
struct Claimants {
    list: Vec<usize>,
    seen: HashSet<usize>,
}

impl Claimants {
    /// Adds one statement's claimants that earlier statements did not name (all of them, as
    /// written, even if the statement repeats one).
    fn extend(&mut self, claimants: &[usize]) {
        let new: Vec<usize> = claimants.iter().copied().filter(|c| !self.seen.contains(c)).collect();
        self.seen.extend(&new);
        self.list.extend(new);
    }
}

/// The discrepancies a question selects, most important first.
pub fn selected<'a>(
    data: &'a Dataset,
    quantity: Option<&str>,
    stage: Option<&str>,
) -> Result<Vec<&'a Discrepancy>, LookupError> {
    let quantity = quantity.map(|q| data.find_quantity(q)).transpose()?;
    let stage = stage.map(|s| data.find_stage(s)).transpose()?;
    Ok(discrepancies(data)
        .iter()
        .filter(|d| quantity.is_none_or(|q| d.found.quantity == Some(q)))
        .filter(|d| stage.is_none_or(|s| d.found.concerns_stage(s)))
        .collect())
}

pub fn answer(data: &Dataset, quantity_name: Option<&str>, stage_name: Option<&str>) -> Result<Reply, LookupError> {
    let selected = selected(data, quantity_name, stage_name)?;
    let quantity = quantity_name.map(|q| data.find_quantity(q)).transpose()?;
    let stage = stage_name.map(|s| data.find_stage(s)).transpose()?;
    let mut sections = Vec::new();
    for d in &selected {
        let mut notes = vec![format!("Kind: {}.", d.found.kind.label())];
        notes.extend(d.details.iter().cloned());
        notes.extend(d.notes.iter().map(|n| format!("Editor's note: {n}")));
        let mut entries = d.positions.clone();
        if !d.note_citations.is_empty() {
            entries.push(Arc::new(Entry {
                who: "Editor's note sources".to_string(),
                what: String::new(),
                details: Vec::new(),
                status: None,
                citations: d.note_citations.clone(),
                claim_id: None,
            }));
        }
        sections.push(Section {
            heading: d.found.headline.clone(),
            entries,
            notes,
        });
    }
    let filter = match (quantity, stage) {
        (Some(q), _) => format!(" — {}", data.quantities[q].label),
        (None, Some(s)) => format!(" — {}", data.stages[s].name),
        _ => String::new(),
    };
    // Figures that differ only in precision, or versions of one statement of which one adds up,
    // are no disagreement: counted apart, listed last.
    let precision = selected
        .iter()
        .filter(|d| d.found.kind == DiscrepancyKind::Precision)
        .count();
    let disagreements = selected.len() - precision;
    let lead = vec![match (disagreements, precision) {
        (0, 0) => "No disagreements found: every standing claim agrees.".to_string(),
        (n, 0) => format!("{}, most important first.", counted(n, "disagreement", "disagreements")),
        (0, p) => format!(
            "No disagreements; {} only in precision or in how one statement was reported.",
            counted(p, "item differs", "items differ")
        ),
        (n, p) => format!(
            "{}, most important first; then {} only in precision or in how one statement was reported.",
            counted(n, "disagreement", "disagreements"),
            counted(p, "item that differs", "items that differ")
        ),
    }];
    Ok(Reply {
        title: format!("Discrepancies{filter}"),
        lead,
        // Asked about one stage, the stage's own sentence; else the top item's.
        sentence: match (quantity, stage) {
            (None, Some(s)) => super::stage::answer(data, &data.stages[s].id)?.sentence,
            _ => selected.first().and_then(|d| sentence_for(data, d)),
        },
        sections,
        footer: footer(data),
    })
}

/// The paste-ready sentence for the top discrepancy: every figure in it, attributed. Dating
/// and wording disagreements have no single figure to quote.
fn sentence_for(data: &Dataset, d: &Discrepancy) -> Option<String> {
    if matches!(d.found.kind, DiscrepancyKind::Characterisation | DiscrepancyKind::Dates) {
        return None;
    }
    let claims: Vec<&Claim> = d
        .found
        .claims
        .iter()
        .map(|&i| &data.claims[i])
        .filter(|c| Some(c.scope) == d.found.scope && Some(c.quantity) == d.found.quantity)
        .collect();
    super::attributed_sentence(data, &claims)
}
