//! `discrepancy [quantity | stage]`: every disagreement in the data, found by computation.
//!
//! Nothing here is typed in by editors: two standing claims about the same quantity and stage
//! (or the same period, or the story as a whole) that no single true value could satisfy are a
//! discrepancy; so are stated totals that do not add up, events dated differently, and
//! different stances on one topic. Editorial notes attach to the discrepancies they explain.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::{CitationRef, Entry, Reply, Section, citation_ref, footer};
use crate::analysis::{CheckKind, Choice, Verdict, analysis, piece_name};
use crate::dataset::{Claim, Dataset, Scope, join_and};
use crate::error::LookupError;
use crate::figure::{Figure, Number};

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

/// What kind of disagreement, most important first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DiscrepancyKind {
    /// Parties to the story give figures that cannot both be right.
    BetweenParties,
    /// Parties describe the same thing in conflicting words.
    Characterisation,
    /// A stated total does not equal the sum of the stage figures it covers.
    TotalVsStages,
    /// A stated total does not equal the sum of its parts (a breakdown).
    BreakdownVsTotal,
    /// Claimants on the same side, or reports of the same claimant, disagree.
    WithinSide,
    /// An outlet's own figure disagrees with the parties'.
    OutletFigure,
    /// The same event is dated differently.
    Dates,
    /// The figures are compatible but stated with different precision ("more than 6,000" vs 6,057).
    Precision,
}

impl DiscrepancyKind {
    pub fn label(self) -> &'static str {
        match self {
            DiscrepancyKind::BetweenParties => "between the parties",
            DiscrepancyKind::WithinSide => "within one side",
            DiscrepancyKind::Characterisation => "characterisation",
            DiscrepancyKind::TotalVsStages => "total vs stage figures",
            DiscrepancyKind::BreakdownVsTotal => "breakdown vs total",
            DiscrepancyKind::OutletFigure => "outlet's own figure",
            DiscrepancyKind::Dates => "dates",
            DiscrepancyKind::Precision => "precision",
        }
    }
}

/// One computed disagreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discrepancy {
    pub kind: DiscrepancyKind,
    pub quantity: Option<usize>,
    pub scope: Option<Scope>,
    pub topic: Option<usize>,
    /// "Stage 5 (final): 1,245 vs 1,248 bodies handed to Ukraine".
    pub headline: String,
    /// Who said what, and where the gap comes from.
    pub details: Vec<String>,
    /// Largest minus smallest, when the figures are exact.
    pub difference: Option<Number>,
    /// Claim indices involved (characterisation indices for `Characterisation`).
    pub claims: Vec<usize>,
    /// Editorial notes attached by the data's editors.
    pub notes: Vec<String>,
    /// Each position in the disagreement: who says what, with sources.
    pub positions: Vec<Arc<Entry>>,
    /// Sources of the editorial notes.
    pub note_citations: Vec<CitationRef>,
}

/// Every discrepancy in the dataset, most important first. Computed once per loaded version.
pub fn discrepancies(data: &Dataset) -> &[Discrepancy] {
    data.derived.discrepancies.get_or_init(|| compute(data))
}

fn compute(data: &Dataset) -> Vec<Discrepancy> {
    let mut found = Vec::new();
    figure_conflicts(data, &mut found);
    totals_that_do_not_add_up(data, &mut found);
    dating_conflicts(data, &mut found);
    characterisation_conflicts(data, &mut found);
    attach_editorial_notes(data, &mut found);
    found.sort_by_key(|d| (d.kind, scope_rank(data, d.scope), d.quantity));
    fold_explained(data, &mut found);
    found
}

/// A stage disagreement that wholly explains the parties' totals gap (the June totals' 3 is
/// stage 5's 3) is shown once: inside the totals item, whose explanation names the stage.
fn fold_explained(data: &Dataset, found: &mut Vec<Discrepancy>) {
    let mut k = 0;
    while k < found.len() {
        let d = &found[k];
        let folded_into = match (d.kind, d.scope, d.difference) {
            (DiscrepancyKind::BetweenParties, Some(Scope::Stage(s)), Some(gap)) => {
                let label = format!("lies entirely in {} ({})", data.stages[s].name, data.stages[s].when);
                found.iter().position(|t| {
                    t.kind == DiscrepancyKind::BetweenParties
                        && matches!(t.scope, Some(Scope::Period(..)))
                        && t.quantity == d.quantity
                        && t.difference == Some(gap)
                        && t.details.iter().any(|l| l.contains(&label))
                })
            }
            _ => None,
        };
        match folded_into {
            Some(t) => {
                let stage = found.remove(k);
                let t = if t > k { t - 1 } else { t };
                let total = &mut found[t];
                total.claims.extend(stage.claims);
                // The stage's positions, each saying which stage it is about.
                let name = match stage.scope {
                    Some(Scope::Stage(s)) => data.stages[s].name.clone(),
                    _ => String::new(),
                };
                total.positions.extend(stage.positions.iter().map(|e| {
                    Arc::new(Entry {
                        what: format!("{} in {name}", e.what),
                        ..(**e).clone()
                    })
                }));
                let new: Vec<String> = stage.notes.into_iter().filter(|n| !total.notes.contains(n)).collect();
                total.notes.extend(new);
            }
            None => k += 1,
        }
    }
}

/// Totals first (they are what copy quotes), then stages in order, then whole-story figures.
fn scope_rank(data: &Dataset, scope: Option<Scope>) -> (u8, usize) {
    match scope {
        Some(Scope::Period(from, _)) => (
            0,
            usize::from(from.year) * 512 + usize::from(from.month) * 32 + usize::from(from.day),
        ),
        Some(Scope::Stage(s)) => (1, s),
        Some(Scope::Whole) => (2, 0),
        None => (3, data.stages.len()),
    }
}

fn claims_by_group(data: &Dataset) -> Vec<((usize, Scope), Vec<usize>)> {
    let mut groups: HashMap<(usize, Scope), Vec<usize>> = HashMap::new();
    let mut order = Vec::new();
    for (i, claim) in data.claims.iter().enumerate() {
        // An earlier figure of a running total is still true for its own period. Never grouped
        // with its own later figures: an update covers a period that ends later.
        if !data.holds_for_its_period(claim) {
            continue;
        }
        let key = (claim.quantity, claim.scope);
        let group = groups.entry(key).or_default();
        if group.is_empty() {
            order.push(key);
        }
        group.push(i);
    }
    order
        .into_iter()
        .map(|k| (k, groups.remove(&k).unwrap_or_default()))
        .collect()
}

/// Different values for the same quantity and scope.
fn figure_conflicts(data: &Dataset, found: &mut Vec<Discrepancy>) {
    for ((q, scope), members) in claims_by_group(data) {
        if members.len() < 2 {
            continue;
        }
        let claims: Vec<&Claim> = members.iter().map(|&i| &data.claims[i]).collect();
        // Distinct figures, in order of first appearance, each with the claims giving it; indexed,
        // as one stage can have thousands of distinct figures.
        let mut distinct: Vec<(Figure, Vec<&Claim>)> = Vec::new();
        let mut slot: HashMap<Figure, usize> = HashMap::new();
        for claim in &claims {
            let at = *slot.entry(claim.figure).or_insert_with(|| {
                distinct.push((claim.figure, Vec::new()));
                distinct.len() - 1
            });
            distinct[at].1.push(claim);
        }
        if distinct.len() < 2 {
            continue;
        }
        let party = |c: &Claim| !data.sides[data.side_of(c)].is_outlet;
        // Exact figures lead, parties' before outlets': a bound that conflicts with nothing
        // should not open the item.
        distinct.sort_by_key(|(f, list)| (!f.is_exact(), !list.iter().any(|c| party(c))));
        // Versions of one statement (one claimant, one day: "1,003" and "1,000") count once,
        // by their most precise figure; if that settles it, the rest is precision.
        let statements = one_version_each(&claims);
        let kind = match conflict_kind(statements.iter().map(|c| (party(c).then(|| data.side_of(c)), c.figure))) {
            DiscrepancyKind::Precision => DiscrepancyKind::Precision,
            _ => conflict_kind(claims.iter().map(|c| (party(c).then(|| data.side_of(c)), c.figure))),
        };
        let quantity = &data.quantities[q];
        let values: Vec<String> = distinct.iter().map(|(f, _)| f.to_string()).collect();
        // The unit after the figures: "15 vs 15–20 boats", never bare numbers.
        let unit = if quantity.unit == "%" {
            "%".to_string()
        } else {
            format!(" {}", quantity.unit)
        };
        let headline = format!(
            "{}: {}{unit} — {}",
            scope_label(data, scope),
            values.join(" vs "),
            quantity.label
        );
        let positions = distinct
            .iter()
            .map(|(f, list)| position(data, f.with_unit(&quantity.unit), list))
            .collect();
        let mut details = Vec::new();
        let difference = gap(data, &claims, kind);
        if let Some(diff) = difference {
            details.push(format!("Difference: {diff}."));
        }
        if kind == DiscrepancyKind::BetweenParties && matches!(scope, Scope::Period(..)) {
            let officials: Vec<&Claim> = claims
                .iter()
                .copied()
                .filter(|c| party(c) && c.figure.is_exact())
                .collect();
            details.extend(explain_total_gap(data, &officials));
        }
        found.push(Discrepancy {
            kind,
            quantity: Some(q),
            scope: Some(scope),
            topic: None,
            headline,
            details,
            difference,
            claims: members,
            notes: Vec::new(),
            positions,
            note_citations: Vec::new(),
        });
    }
}

/// One claim per statement: claims by the same claimants on the same day are versions of one
/// statement, represented by the most precise (exact, fewest trailing zeros).
fn one_version_each<'a>(claims: &[&'a Claim]) -> Vec<&'a Claim> {
    let mut out: Vec<&Claim> = Vec::new();
    for &claim in claims {
        let precision = |c: &Claim| (!c.figure.is_exact(), trailing_zeros(c.figure.value));
        match out
            .iter_mut()
            .find(|o| o.claimants == claim.claimants && o.said.date == claim.said.date)
        {
            Some(kept) if precision(claim) < precision(kept) => *kept = claim,
            Some(_) => {}
            None => out.push(claim),
        }
    }
    out
}

/// The headline gap of a group of conflicting figures. Between the parties: between each party's
/// most precise exact figure (6,057 vs 6,060, not a rounded 6,000 or a "more than"); otherwise
/// between the exact figures. `None` when fewer than two exact figures stand against each other.
fn gap(data: &Dataset, claims: &[&Claim], kind: DiscrepancyKind) -> Option<Number> {
    let exact = claims.iter().filter(|c| c.figure.is_exact());
    let values: Vec<Number> = if kind == DiscrepancyKind::BetweenParties {
        // Per party, the figure with the fewest trailing zeros (rounded renderings have more),
        // the first in the file among equals.
        let mut best: HashMap<usize, Number> = HashMap::new();
        for c in exact.filter(|c| !data.sides[data.side_of(c)].is_outlet) {
            let v = c.figure.value;
            best.entry(data.side_of(c))
                .and_modify(|b| {
                    if trailing_zeros(v) < trailing_zeros(*b) {
                        *b = v;
                    }
                })
                .or_insert(v);
        }
        best.into_values().collect()
    } else {
        exact.map(|c| c.figure.value).collect()
    };
    let min = values.iter().min_by_key(|v| v.micros())?;
    let max = values.iter().max_by_key(|v| v.micros())?;
    (values.len() >= 2 && max.micros() > min.micros()).then(|| *max - *min)
}

/// Trailing zeros of the value in millionths: more means more rounded (6,000 over 6,060; 7.8
/// over 7.81).
fn trailing_zeros(v: Number) -> u32 {
    let mut v = v.micros();
    let mut n = 0;
    while v != 0 && v % 10 == 0 {
        v /= 10;
        n += 1;
    }
    n
}

/// The highest low and the lowest high of some figures' intervals (unbounded ends as the widest
/// values). Two figures conflict exactly when one's low is above the other's high, or when one
/// allows no value at all; so a set of two or more figures holds a conflicting pair exactly when
/// its highest low is above its lowest high. No pair has to be listed.
#[derive(Debug, Clone, Copy)]
struct Extent {
    count: usize,
    low: i128,
    high: i128,
    /// Some figure in the set allows no value (its own low is above its high).
    empty: bool,
}

impl Default for Extent {
    fn default() -> Self {
        Extent {
            count: 0,
            low: i128::MIN,
            high: i128::MAX,
            empty: false,
        }
    }
}

impl Extent {
    fn add(&mut self, (low, high): (i128, i128)) {
        self.count += 1;
        self.low = self.low.max(low);
        self.high = self.high.min(high);
        self.empty |= low > high;
    }

    /// Whether two of the figures cannot both be right.
    fn conflicts(&self) -> bool {
        self.count >= 2 && self.low > self.high
    }
}

/// A figure's interval with unbounded ends as the widest values, so comparisons need no cases.
fn bounds(figure: &Figure) -> (i128, i128) {
    let (low, high) = figure.interval_as_read();
    (low.unwrap_or(i128::MIN), high.unwrap_or(i128::MAX))
}

/// What kind of disagreement a group of figures holds, each given with the party side it speaks
/// for (`None` for an outlet): the most important kind any conflicting pair has, or `Precision`
/// when every pair is compatible. Linear in the figures; `Figure::compatible_with` on every pair
/// says the same.
fn conflict_kind(figures: impl Iterator<Item = (Option<usize>, Figure)>) -> DiscrepancyKind {
    let mut all = Extent::default();
    let mut parties = Extent::default();
    let mut sides: HashMap<usize, Extent> = HashMap::new();
    for (side, figure) in figures {
        let b = bounds(&figure);
        all.add(b);
        if let Some(side) = side {
            parties.add(b);
            sides.entry(side).or_default().add(b);
        }
    }
    if !all.conflicts() {
        DiscrepancyKind::Precision
    } else if conflict_between_sides(&sides) {
        DiscrepancyKind::BetweenParties
    } else if parties.conflicts() {
        DiscrepancyKind::WithinSide
    } else {
        DiscrepancyKind::OutletFigure
    }
}

/// Whether a figure of one side conflicts with a figure of another: some side's highest low is
/// above another side's lowest high, or some figure allows no value at all. Checked against the
/// side with the highest low only, which is enough: any other witness implies one of these two.
fn conflict_between_sides(sides: &HashMap<usize, Extent>) -> bool {
    if sides.len() < 2 {
        return false;
    }
    if sides.values().any(|e| e.empty) {
        return true;
    }
    let Some((&top, top_extent)) = sides.iter().max_by_key(|(_, e)| e.low) else {
        return false;
    };
    let others = sides.iter().filter(|(s, _)| **s != top).map(|(_, e)| e);
    let lowest_high = others.clone().map(|e| e.high).min().unwrap_or(i128::MAX);
    let next_low = others.map(|e| e.low).max().unwrap_or(i128::MIN);
    top_extent.low > lowest_high || next_low > top_extent.high
}

/// Where the gap between two parties' totals for one period comes from: their own sums' terms
/// compared stage by stage (see [`crate::analysis`]).
pub(super) fn explain_total_gap(data: &Dataset, totals: &[&Claim]) -> Vec<String> {
    let mut out = Vec::new();
    let Some(a) = totals.first() else { return out };
    let Some(b) = totals
        .iter()
        .find(|c| data.side_of(c) != data.side_of(a) && c.figure != a.figure)
    else {
        return out;
    };
    let stage_terms = |claim: &Claim| {
        let index = data.index_of(claim);
        analysis(data)
            .checks
            .iter()
            .find(|c| c.stated == index && c.kind == CheckKind::Stages && c.verdict != Verdict::Unchecked)
            .map(|c| c.terms.clone())
    };
    let (Some(terms_a), Some(terms_b)) = (stage_terms(a), stage_terms(b)) else {
        return out;
    };
    let exact = |choice: &Choice| match choice {
        Choice::One { claim, .. } if data.claims[*claim].figure.is_exact() => Some(&data.claims[*claim]),
        _ => None,
    };
    let gap = b.figure.value - a.figure.value;
    let unit = &data.quantities[a.quantity].unit;
    let mut explained = Number::ZERO;
    let mut covered = terms_a.len() == terms_b.len();
    let mut where_: Vec<String> = Vec::new();
    for (ta, tb) in terms_a.iter().zip(&terms_b) {
        match (ta.piece == tb.piece, exact(&ta.choice), exact(&tb.choice)) {
            (true, Some(x), Some(y)) => {
                let d = y.figure.value - x.figure.value;
                if d.micros() != 0 {
                    explained = explained + d;
                    let name = piece_name(data, a.quantity, ta.piece);
                    where_.push(format!("{name} ({} vs {})", x.figure, y.figure));
                }
            }
            _ => covered = false,
        }
    }
    let (side_a, side_b) = (data.side_of(a), data.side_of(b));
    let names = format!(
        "{}'s {} and {}'s {}",
        data.sides[side_a].name, a.figure, data.sides[side_b].name, b.figure
    );
    if covered && explained.micros() == gap.micros() && !where_.is_empty() {
        out.push(format!(
            "The gap of {} {unit} between {names} lies entirely in {}; all other stage figures agree.",
            gap.abs(),
            join_and(&where_)
        ));
    } else if !where_.is_empty() {
        out.push(format!(
            "Of the gap of {} {unit} between {names}, {} comes from {}; the rest is not explained by stage figures.",
            gap.abs(),
            explained.abs(),
            join_and(&where_)
        ));
    } else if covered {
        out.push(format!(
            "The stage figures agree; they do not explain the gap between {names}."
        ));
    }
    out
}

/// Stated totals that contradict the sum of what they cover (their stages and earlier counts,
/// or their parts): only a `contradicts` verdict is a discrepancy.
fn totals_that_do_not_add_up(data: &Dataset, found: &mut Vec<Discrepancy>) {
    for check in analysis(data)
        .checks
        .iter()
        .filter(|c| c.verdict == Verdict::Contradicts)
    {
        let claim = &data.claims[check.stated];
        let unit = &data.quantities[claim.quantity].unit;
        let outlet = data.sides[data.side_of(claim)].is_outlet;
        let kind = match (outlet, check.kind) {
            (true, _) => DiscrepancyKind::OutletFigure,
            (false, CheckKind::Stages) => DiscrepancyKind::TotalVsStages,
            (false, CheckKind::Breakdown(_)) => DiscrepancyKind::BreakdownVsTotal,
        };
        let difference = (check.exact && claim.figure.is_exact()).then(|| (claim.figure.value - check.low).abs());
        let mut involved = vec![check.stated];
        involved.extend(check.term_claims());
        found.push(Discrepancy {
            kind,
            quantity: Some(claim.quantity),
            scope: Some(claim.scope),
            topic: None,
            headline: format!(
                "{}: {} says {}, which {} — {}",
                scope_label(data, claim.scope),
                data.claimant_names(&claim.claimants),
                claim.figure.with_unit(unit),
                crate::analysis::wording::one_line(data, check),
                data.quantities[claim.quantity].label
            ),
            details: super::checks::term_lines(data, check),
            difference,
            claims: involved,
            notes: Vec::new(),
            positions: vec![position(data, claim.figure.with_unit(unit), &[claim])],
            note_citations: Vec::new(),
        });
    }
}

/// Claims that date their stage differently from the stage's own date.
fn dating_conflicts(data: &Dataset, found: &mut Vec<Discrepancy>) {
    // One pass over the claims, in file order, not one per stage.
    let mut by_stage: Vec<Vec<(usize, &Claim)>> = vec![Vec::new(); data.stages.len()];
    for (i, c) in data.claims.iter().enumerate() {
        if let Scope::Stage(s) = c.scope
            && c.event_date.is_some_and(|d| d != data.stages[s].when.date)
        {
            by_stage[s].push((i, c));
        }
    }
    for ((s, stage), off) in data.stages.iter().enumerate().zip(by_stage) {
        if off.is_empty() {
            continue;
        }
        let positions = off
            .iter()
            .map(|(_, c)| {
                let date = c.event_date.map(|d| d.to_string()).unwrap_or_default();
                position(data, format!("dates it {date}"), &[c])
            })
            .collect();
        found.push(Discrepancy {
            kind: DiscrepancyKind::Dates,
            quantity: None,
            scope: Some(Scope::Stage(s)),
            topic: None,
            headline: format!(
                "{}: dated {} in the data, differently by {}",
                stage.name,
                stage.when,
                crate::analysis::wording::counted(off.len(), "claim", "claims")
            ),
            details: Vec::new(),
            difference: None,
            claims: off.iter().map(|(i, _)| *i).collect(),
            notes: Vec::new(),
            positions,
            note_citations: Vec::new(),
        });
    }
}

/// Different stances on one topic.
fn characterisation_conflicts(data: &Dataset, found: &mut Vec<Discrepancy>) {
    // One pass over the characterisations, in file order, not one per topic.
    let mut by_topic: Vec<Vec<usize>> = vec![Vec::new(); data.topics.len()];
    for (i, c) in data.characterisations.iter().enumerate() {
        if c.status.stands() {
            by_topic[c.topic].push(i);
        }
    }
    for ((t, topic), members) in data.topics.iter().enumerate().zip(by_topic) {
        // Stances in order of first appearance, indexed.
        let mut stances: Vec<(&str, Vec<usize>)> = Vec::new();
        let mut slot: HashMap<&str, usize> = HashMap::new();
        for &i in &members {
            let c = &data.characterisations[i];
            let at = *slot.entry(c.stance.as_str()).or_insert_with(|| {
                stances.push((&c.stance, Vec::new()));
                stances.len() - 1
            });
            stances[at].1.push(i);
        }
        if stances.len() < 2 {
            continue;
        }
        let positions = stances
            .iter()
            .map(|(stance, list)| {
                let mut who = Claimants::default();
                let mut details = Vec::new();
                let mut citations = Vec::new();
                for &i in list {
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
                    what: super::capitalise(stance),
                    details,
                    status: None,
                    citations,
                    claim_id: None,
                })
            })
            .collect();
        let labels: Vec<String> = stances
            .iter()
            .map(|(stance, list)| {
                let mut who: Vec<usize> = Vec::new();
                let mut seen = HashSet::new();
                for &i in list {
                    for &c in &data.characterisations[i].claimants {
                        if seen.insert(c) {
                            who.push(c);
                        }
                    }
                }
                format!("{}: {}", data.claimant_names(&who), super::capitalise(stance))
            })
            .collect();
        found.push(Discrepancy {
            kind: DiscrepancyKind::Characterisation,
            quantity: None,
            scope: None,
            topic: Some(t),
            headline: format!("{} {}", topic.question, super::capitalise(&labels.join("; "))),
            details: Vec::new(),
            difference: None,
            claims: members,
            notes: Vec::new(),
            positions,
            note_citations: Vec::new(),
        });
    }
}

/// A note attaches to every discrepancy (other than a characterisation one) that involves all
/// of its claims.
fn attach_editorial_notes(data: &Dataset, found: &mut [Discrepancy]) {
    let eligible = |d: &Discrepancy| d.kind != DiscrepancyKind::Characterisation;
    // Claim → the discrepancies involving it, in order: a note then looks only at those
    // involving its first claim, not at every discrepancy's whole claim list.
    let mut involving: HashMap<usize, Vec<usize>> = HashMap::new();
    for (k, d) in found.iter().enumerate().filter(|(_, d)| eligible(d)) {
        for &c in &d.claims {
            let list = involving.entry(c).or_default();
            if list.last() != Some(&k) {
                list.push(k);
            }
        }
    }
    let involves = |c: usize, k: usize| involving.get(&c).is_some_and(|list| list.binary_search(&k).is_ok());
    for note in &data.editorial_notes {
        let targets: Vec<usize> = match note.claims.first() {
            Some(&first) => involving
                .get(&first)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .copied()
                .filter(|&k| note.claims.iter().all(|&c| involves(c, k)))
                .collect(),
            // A note naming no claims holds for every discrepancy, as "all of none" does.
            None => (0..found.len()).filter(|&k| eligible(&found[k])).collect(),
        };
        for k in targets {
            let d = &mut found[k];
            let mut text = note.text.clone();
            if let Some(c) = &note.citation {
                text.push_str(&format!(" ({})", data.outlets[c.outlet].name));
                d.note_citations.push(citation_ref(data, c));
            }
            d.notes.push(text);
        }
    }
}

/// One side of a disagreement: who gives this figure, in which claims, reported where.
fn position(data: &Dataset, what: String, claims: &[&Claim]) -> Arc<Entry> {
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

fn scope_label(data: &Dataset, scope: Scope) -> String {
    match scope {
        Scope::Stage(s) => format!("{} ({})", data.stages[s].name, data.stages[s].when),
        Scope::Period(from, to) => format!("Total, {}", crate::date::DateSpan(from, to)),
        Scope::Whole => "Overall".to_string(),
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
        .filter(|d| quantity.is_none_or(|q| d.quantity == Some(q)))
        .filter(|d| {
            stage.is_none_or(|s| match d.scope {
                Some(Scope::Stage(x)) => x == s,
                // A total only when its gap is found in that stage, not every count covering it.
                Some(Scope::Period(..)) => {
                    let label = format!("{} ({})", data.stages[s].name, data.stages[s].when);
                    d.details
                        .iter()
                        .any(|l| (l.contains("lies entirely in") || l.contains(" comes from ")) && l.contains(&label))
                }
                _ => false,
            })
        })
        .collect())
}

pub fn answer(data: &Dataset, quantity_name: Option<&str>, stage_name: Option<&str>) -> Result<Reply, LookupError> {
    let selected = selected(data, quantity_name, stage_name)?;
    let quantity = quantity_name.map(|q| data.find_quantity(q)).transpose()?;
    let stage = stage_name.map(|s| data.find_stage(s)).transpose()?;
    let mut sections = Vec::new();
    for d in &selected {
        let mut notes = vec![format!("Kind: {}.", d.kind.label())];
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
            heading: d.headline.clone(),
            entries,
            notes,
        });
    }
    let filter = match (quantity, stage) {
        (Some(q), _) => format!(" — {}", data.quantities[q].label),
        (None, Some(s)) => format!(" — {}", data.stages[s].name),
        _ => String::new(),
    };
    let lead = vec![if selected.is_empty() {
        "No disagreements found: every standing claim agrees.".to_string()
    } else {
        format!(
            "{}, most important first.",
            crate::analysis::wording::counted(selected.len(), "disagreement", "disagreements")
        )
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
    if matches!(d.kind, DiscrepancyKind::Characterisation | DiscrepancyKind::Dates) {
        return None;
    }
    let claims: Vec<&Claim> = d
        .claims
        .iter()
        .map(|&i| &data.claims[i])
        .filter(|c| Some(c.scope) == d.scope && Some(c.quantity) == d.quantity)
        .collect();
    super::attributed_sentence(data, &claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::Qualifier;

    /// The kind as it used to be found: every conflicting pair listed.
    fn kind_by_pairs(figures: &[(Option<usize>, Figure)]) -> DiscrepancyKind {
        let pairs: Vec<_> = figures
            .iter()
            .enumerate()
            .flat_map(|(i, a)| figures[i + 1..].iter().map(move |b| (a, b)))
            .filter(|(a, b)| !a.1.compatible_with(&b.1))
            .collect();
        if pairs.is_empty() {
            DiscrepancyKind::Precision
        } else if pairs.iter().any(|(a, b)| a.0.is_some() && b.0.is_some() && a.0 != b.0) {
            DiscrepancyKind::BetweenParties
        } else if pairs.iter().any(|(a, b)| a.0.is_some() && b.0.is_some()) {
            DiscrepancyKind::WithinSide
        } else {
            DiscrepancyKind::OutletFigure
        }
    }

    #[test]
    fn kind_without_pairs_is_the_kind_of_every_pair() {
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut seen = HashSet::new();
        for _ in 0..50_000 {
            let len = 2 + next(6) as usize;
            let figures: Vec<(Option<usize>, Figure)> = (0..len)
                .map(|_| {
                    let side = [None, Some(0), Some(1), Some(2)][next(4) as usize];
                    // Small values, so intervals often just touch; 0 makes "nearly 0" allow nothing.
                    let value = next(40) as i64 - 5;
                    let figure = match Qualifier::ALL[next(8) as usize].0 {
                        Qualifier::Range => Figure::range(value, value + next(10) as i64),
                        q => Figure::new(q, value),
                    };
                    (side, figure)
                })
                .collect();
            let kind = kind_by_pairs(&figures);
            assert_eq!(conflict_kind(figures.iter().copied()), kind, "{figures:?}");
            seen.insert(kind);
        }
        assert_eq!(seen.len(), 4, "every kind came up: {seen:?}");
    }
}
