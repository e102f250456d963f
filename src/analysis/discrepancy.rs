//! Every disagreement in the data, found by computation, as plain data (the answers render it).
//!
//! Nothing here is typed in by editors: two standing claims about the same quantity and stage
//! (or the same period, or the story as a whole) that no single true value could satisfy are a
//! discrepancy; so are stated totals that do not add up, events dated differently, and
//! different stances on one topic. Editorial notes attach to the discrepancies they explain.

use std::collections::{HashMap, HashSet};

use super::wording::{capitalise, counted, one_line};
use super::{Check, CheckKind, Choice, Piece, Verdict, analysis};
use crate::dataset::{Claim, Dataset, Scope};
use crate::figure::{Figure, Number};

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
    /// "Stage 5 (final): 1,245 vs 1,248 bodies handed to Ukraine", in plain text: answers head
    /// the item with it and `diff` reports it.
    pub headline: String,
    /// Largest minus smallest, when the figures are exact.
    pub difference: Option<Number>,
    /// Claim indices involved (characterisation indices for `Characterisation`), those of the
    /// stage disagreements in `folded` included.
    pub claims: Vec<usize>,
    /// Each position in the disagreement: what is said, and by which claims.
    pub positions: Vec<Position>,
    /// Between the parties' totals for one period: where the gap comes from, stage by stage.
    pub gap: Option<TotalGap>,
    /// For a stated total that does not add up: its check (an index into
    /// [`super::Analysis::checks`]).
    pub check: Option<usize>,
    /// Editorial notes (indices into `Dataset::editorial_notes`) that hold for it.
    pub editorial_notes: Vec<usize>,
    /// Stage disagreements that wholly explain this total's gap, shown inside it, not apart.
    pub folded: Vec<Discrepancy>,
}

/// One side of a disagreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// A figure, given in these claims (in file order).
    Figure { figure: Figure, claims: Vec<usize> },
    /// A claim that dates its stage differently from the stage's own date.
    Dating { claim: usize },
    /// A stance on the topic, taken in these characterisations (in file order).
    Stance {
        stance: String,
        characterisations: Vec<usize>,
    },
}

/// Where the gap between two parties' totals for one period comes from: their own sums' terms
/// compared stage by stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotalGap {
    /// The two totals compared (claim indices): the first, and the first of another side with
    /// another figure.
    pub totals: (usize, usize),
    /// The second total minus the first.
    pub gap: Number,
    /// The pieces whose exact figures differ between the two sums, with those figures' claims,
    /// in term order.
    pub differing: Vec<(Piece, usize, usize)>,
    /// The differences of `differing`, added up.
    pub explained: Number,
    /// Both sums have the same pieces, each with an exact figure: nothing else can make a gap.
    pub covered: bool,
}

impl TotalGap {
    /// The differing figures account for the whole gap.
    pub fn entirely_explained(&self) -> bool {
        self.covered && self.explained.micros() == self.gap.micros() && !self.differing.is_empty()
    }
}

impl Discrepancy {
    /// Whether the disagreement is about a stage: its own, or a total whose gap is found in it
    /// (not every count covering it).
    pub fn concerns_stage(&self, stage: usize) -> bool {
        match self.scope {
            Some(Scope::Stage(s)) => s == stage,
            Some(Scope::Period(..)) => self
                .gap
                .as_ref()
                .is_some_and(|g| g.differing.iter().any(|(piece, _, _)| *piece == Piece::Stage(stage))),
            _ => false,
        }
    }
}

/// Every discrepancy in the dataset, most important first. Computed once per loaded version.
pub fn discrepancies(data: &Dataset) -> &[Discrepancy] {
    data.derived.discrepancies.get_or_init(|| detect(data))
}

fn detect(data: &Dataset) -> Vec<Discrepancy> {
    let mut found = Vec::new();
    figure_conflicts(data, &mut found);
    totals_that_do_not_add_up(data, &mut found);
    dating_conflicts(data, &mut found);
    characterisation_conflicts(data, &mut found);
    attach_editorial_notes(data, &mut found);
    found.sort_by_key(|d| (d.kind, scope_rank(data, d.scope), d.quantity));
    fold_explained(&mut found);
    found
}

/// A stage disagreement that wholly explains the parties' totals gap (the June totals' 3 is
/// stage 5's 3) is shown once: inside the totals item, whose explanation names the stage first.
fn fold_explained(found: &mut Vec<Discrepancy>) {
    let mut k = 0;
    while k < found.len() {
        let d = &found[k];
        let folded_into = match (d.kind, d.scope, d.difference) {
            (DiscrepancyKind::BetweenParties, Some(Scope::Stage(s)), Some(gap)) => found.iter().position(|t| {
                t.kind == DiscrepancyKind::BetweenParties
                    && matches!(t.scope, Some(Scope::Period(..)))
                    && t.quantity == d.quantity
                    && t.difference == Some(gap)
                    && t.gap.as_ref().is_some_and(|g| {
                        g.entirely_explained()
                            && g.differing.first().map(|(piece, _, _)| *piece) == Some(Piece::Stage(s))
                    })
            }),
            _ => None,
        };
        match folded_into {
            Some(t) => {
                let stage = found.remove(k);
                let t = if t > k { t - 1 } else { t };
                let total = &mut found[t];
                total.claims.extend(&stage.claims);
                total.folded.push(stage);
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
        let mut distinct: Vec<(Figure, Vec<usize>)> = Vec::new();
        let mut slot: HashMap<Figure, usize> = HashMap::new();
        for &i in &members {
            let figure = data.claims[i].figure;
            let at = *slot.entry(figure).or_insert_with(|| {
                distinct.push((figure, Vec::new()));
                distinct.len() - 1
            });
            distinct[at].1.push(i);
        }
        if distinct.len() < 2 {
            continue;
        }
        let party = |c: &Claim| !data.sides[data.side_of(c)].is_outlet;
        // Exact figures lead, parties' before outlets': a bound that conflicts with nothing
        // should not open the item.
        distinct.sort_by_key(|(f, list)| (!f.is_exact(), !list.iter().any(|&i| party(&data.claims[i]))));
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
        let gap = (kind == DiscrepancyKind::BetweenParties && matches!(scope, Scope::Period(..)))
            .then(|| {
                let officials: Vec<&Claim> = claims
                    .iter()
                    .copied()
                    .filter(|c| party(c) && c.figure.is_exact())
                    .collect();
                explain_total_gap(data, &officials)
            })
            .flatten();
        found.push(Discrepancy {
            kind,
            quantity: Some(q),
            scope: Some(scope),
            topic: None,
            headline,
            difference: difference(data, &claims, kind),
            claims: members,
            positions: distinct
                .into_iter()
                .flat_map(|(figure, claims)| {
                    per_giver(data, claims).map(move |claims| Position::Figure { figure, claims })
                })
                .collect(),
            gap,
            check: None,
            editorial_notes: Vec::new(),
            folded: Vec::new(),
        });
    }
}

/// The claims giving one figure, split by who gave it: a party by its side, an outlet by itself
/// (each counts on its own), in order of first appearance. Two sides giving the same figure are
/// two positions, never one line.
fn per_giver(data: &Dataset, claims: Vec<usize>) -> impl Iterator<Item = Vec<usize>> {
    // Indexed: one figure can have thousands of givers.
    let mut givers: Vec<Vec<usize>> = Vec::new();
    let mut slot: HashMap<Result<usize, &[usize]>, usize> = HashMap::new();
    for i in claims {
        let claim = &data.claims[i];
        let side = data.side_of(claim);
        let giver = if data.sides[side].is_outlet {
            Err(claim.claimants.as_slice())
        } else {
            Ok(side)
        };
        let at = *slot.entry(giver).or_insert_with(|| {
            givers.push(Vec::new());
            givers.len() - 1
        });
        givers[at].push(i);
    }
    givers.into_iter()
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
fn difference(data: &Dataset, claims: &[&Claim], kind: DiscrepancyKind) -> Option<Number> {
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
/// compared stage by stage (see [`super::analysis`]). `None` without two sides' different
/// totals, each checked against its stages.
pub fn explain_total_gap(data: &Dataset, totals: &[&Claim]) -> Option<TotalGap> {
    let a = totals.first()?;
    let b = totals
        .iter()
        .find(|c| data.side_of(c) != data.side_of(a) && c.figure != a.figure)?;
    let stage_terms = |claim: &Claim| {
        let index = data.index_of(claim);
        analysis(data)
            .checks
            .iter()
            .find(|c| c.stated == index && c.kind == CheckKind::Stages && c.verdict != Verdict::Unchecked)
            .map(|c| &c.terms)
    };
    let (terms_a, terms_b) = (stage_terms(a)?, stage_terms(b)?);
    let exact = |choice: &Choice| match choice {
        Choice::One { claim, .. } if data.claims[*claim].figure.is_exact() => Some(*claim),
        _ => None,
    };
    let mut explained = Number::ZERO;
    let mut covered = terms_a.len() == terms_b.len();
    let mut differing = Vec::new();
    for (ta, tb) in terms_a.iter().zip(terms_b) {
        match (ta.piece == tb.piece, exact(&ta.choice), exact(&tb.choice)) {
            (true, Some(x), Some(y)) => {
                let d = data.claims[y].figure.value - data.claims[x].figure.value;
                if d.micros() != 0 {
                    explained = explained + d;
                    differing.push((ta.piece, x, y));
                }
            }
            _ => covered = false,
        }
    }
    Some(TotalGap {
        totals: (data.index_of(a), data.index_of(b)),
        gap: b.figure.value - a.figure.value,
        differing,
        explained,
        covered,
    })
}

/// Stated totals that contradict the sum of what they cover (their stages and earlier counts,
/// or their parts): only a `contradicts` verdict is a discrepancy.
fn totals_that_do_not_add_up(data: &Dataset, found: &mut Vec<Discrepancy>) {
    let checks = &analysis(data).checks;
    // Versions of one statement (same claimants, same day: Putin's "6,000" and "more than
    // 6,000"): when another version adds up, the rendering is in doubt, not the count.
    type Statement<'d> = (&'d [usize], usize, Scope, crate::date::Date, CheckKind);
    let statement = |c: &Check| {
        let claim = &data.claims[c.stated];
        (
            claim.claimants.as_slice(),
            claim.quantity,
            claim.scope,
            claim.said.date,
            c.kind,
        )
    };
    let mut fitting: HashMap<Statement, usize> = HashMap::new();
    for check in checks
        .iter()
        .filter(|c| matches!(c.verdict, Verdict::Matches | Verdict::Consistent))
    {
        fitting.entry(statement(check)).or_insert(check.stated);
    }
    for (index, check) in checks
        .iter()
        .enumerate()
        .filter(|(_, c)| c.verdict == Verdict::Contradicts)
    {
        let claim = &data.claims[check.stated];
        let unit = &data.quantities[claim.quantity].unit;
        let outlet = data.sides[data.side_of(claim)].is_outlet;
        let version = fitting.get(&statement(check)).map(|&i| &data.claims[i]);
        let kind = match (outlet, check.kind) {
            _ if version.is_some() => DiscrepancyKind::Precision,
            (true, _) => DiscrepancyKind::OutletFigure,
            (false, CheckKind::Stages) => DiscrepancyKind::TotalVsStages,
            (false, CheckKind::Breakdown(_)) => DiscrepancyKind::BreakdownVsTotal,
        };
        let other_version = version
            .map(|v| format!("; the same statement was also reported as {}, which adds up", v.figure))
            .unwrap_or_default();
        let difference = (check.exact && claim.figure.is_exact()).then(|| (claim.figure.value - check.low).abs());
        let mut involved = vec![check.stated];
        involved.extend(check.term_claims());
        found.push(Discrepancy {
            kind,
            quantity: Some(claim.quantity),
            scope: Some(claim.scope),
            topic: None,
            headline: format!(
                "{}: {} {} {}, which {}{other_version} — {}",
                scope_label(data, claim.scope),
                data.claimant_names(&claim.claimants),
                // Past statements in the past tense (wire style).
                if claim.said.date < crate::date::Date::today() {
                    "said"
                } else {
                    "says"
                },
                claim.figure.with_unit(unit),
                one_line(data, check),
                data.quantities[claim.quantity].label
            ),
            difference,
            claims: involved,
            positions: vec![Position::Figure {
                figure: claim.figure,
                claims: vec![check.stated],
            }],
            gap: None,
            check: Some(index),
            editorial_notes: Vec::new(),
            folded: Vec::new(),
        });
    }
}

/// Claims that date their stage differently from the stage's own date.
fn dating_conflicts(data: &Dataset, found: &mut Vec<Discrepancy>) {
    // One pass over the claims, in file order, not one per stage.
    let mut by_stage: Vec<Vec<usize>> = vec![Vec::new(); data.stages.len()];
    for (i, c) in data.claims.iter().enumerate() {
        if let Scope::Stage(s) = c.scope
            && c.event_date.is_some_and(|d| d != data.stages[s].when.date)
        {
            by_stage[s].push(i);
        }
    }
    for (s, off) in by_stage.into_iter().enumerate() {
        if off.is_empty() {
            continue;
        }
        found.push(Discrepancy {
            kind: DiscrepancyKind::Dates,
            quantity: None,
            scope: Some(Scope::Stage(s)),
            topic: None,
            headline: dating_headline(data, s, &off),
            difference: None,
            positions: off.iter().map(|&claim| Position::Dating { claim }).collect(),
            claims: off,
            gap: None,
            check: None,
            editorial_notes: Vec::new(),
            folded: Vec::new(),
        });
    }
}

/// "Day 2: 11 March 2031 in the data; 12 March 2031 per Mayor Ana Ruiz": each other date with
/// who gives it, the first three dates named.
fn dating_headline(data: &Dataset, stage: usize, off: &[usize]) -> String {
    const NAMED: usize = 3;
    // In date order; each date's claimants once, in file order.
    let mut dates: std::collections::BTreeMap<crate::date::Date, Vec<usize>> = Default::default();
    for &i in off {
        let claim = &data.claims[i];
        if let Some(date) = claim.event_date {
            dates.entry(date).or_default().extend(&claim.claimants);
        }
    }
    let mut parts: Vec<String> = dates
        .iter_mut()
        .take(NAMED)
        .map(|(date, who)| {
            who.sort_unstable();
            who.dedup();
            format!("{date} per {}", data.claimant_names(who))
        })
        .collect();
    if dates.len() > NAMED {
        parts.push(format!("{} more", counted(dates.len() - NAMED, "date", "dates")));
    }
    let stage = &data.stages[stage];
    format!("{}: {} in the data; {}", stage.name, stage.when, parts.join("; "))
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
                format!("{}: {}", data.claimant_names(&who), capitalise(stance))
            })
            .collect();
        found.push(Discrepancy {
            kind: DiscrepancyKind::Characterisation,
            quantity: None,
            scope: None,
            topic: Some(t),
            headline: format!("{} {}", topic.question, capitalise(&labels.join("; "))),
            difference: None,
            claims: members,
            positions: stances
                .into_iter()
                .map(|(stance, characterisations)| Position::Stance {
                    stance: stance.to_string(),
                    characterisations,
                })
                .collect(),
            gap: None,
            check: None,
            editorial_notes: Vec::new(),
            folded: Vec::new(),
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
    for (n, note) in data.editorial_notes.iter().enumerate() {
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
            found[k].editorial_notes.push(n);
        }
    }
}

fn scope_label(data: &Dataset, scope: Scope) -> String {
    match scope {
        Scope::Stage(s) => data.stage_label(s),
        Scope::Period(from, to) => format!("Total, {}", crate::date::DateSpan(from, to)),
        Scope::Whole => "Overall".to_string(),
    }
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
