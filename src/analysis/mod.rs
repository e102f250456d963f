//! The story's arithmetic, in one place: which figure stands for each stage, period or part in a
//! sum, the sums that check each stated total, and their verdicts; [`discrepancy`] finds the
//! disagreements. Answers render it and `diff` compares it; nothing else adds figures up, and
//! nothing here knows of either.
//!
//! * **Tiling.** The stages are the complete list of events inside the story's period; outside
//!   it only stated cumulative figures count. A total for a period is checked against every way
//!   of covering that period exactly, with no overlap: the stages inside the story's period, and
//!   cumulative figures for the days before (or after) it. A stage straddling an end of the
//!   period cannot be used.
//! * **Terms.** For each piece: the stating claimant's own figure; else its side's; else anyone's,
//!   if every standing figure for that piece agrees. Figures that disagree make the term (and
//!   the sum) a range, with every alternative named. An earlier figure of a running total that
//!   was since updated still holds for its own period and is used, flagged; corrected
//!   (superseded within the same period) and retracted figures never are; unconfirmed ones are,
//!   flagged.
//! * **Breakdowns.** A total whose parts have figures for the same stage, period or whole story
//!   is checked against their sum; a missing part, or a breakdown that is not `complete`, makes
//!   the sum a lower bound.
//! * **Verdicts.** Intervals decide: `matches` (exact and equal), `consistent` (they overlap),
//!   `contradicts` (they cannot both be right), `unchecked` (with what is missing).

pub mod discrepancy;
pub mod wording;

pub use discrepancy::{Discrepancy, DiscrepancyKind, discrepancies};

use std::collections::HashMap;

use crate::dataset::{Claim, Dataset, Scope, Status};
use crate::date::Date;
use crate::figure::Number;

/// Every check of one story version (computed once per version, see [`analysis`]).
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// In file order of the stated claims.
    pub checks: Vec<Check>,
}

/// What a term of a sum stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Piece {
    Stage(usize),
    /// A cumulative figure's period, outside the stages.
    Period(Date, Date),
    /// A part of a breakdown: this quantity, over the stated total's own scope.
    Part(usize),
}

/// Why a figure was chosen for a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basis {
    /// The stating claimant's own figure.
    Own,
    /// Its side's.
    Side,
    /// The only figure anyone gave, or all agree.
    Agreed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    One {
        claim: usize,
        basis: Basis,
    },
    /// Figures that cannot all be right: the term is a range over them (by value).
    Contested {
        claims: Vec<usize>,
    },
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub piece: Piece,
    pub choice: Choice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckKind {
    /// A cumulative total against the stages (and earlier counts) it covers.
    Stages,
    /// A total against its parts (index into `Dataset::breakdowns`).
    Breakdown(usize),
}

impl CheckKind {
    pub fn name(self) -> &'static str {
        match self {
            CheckKind::Stages => "stages",
            CheckKind::Breakdown(_) => "breakdown",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Cannot both be right: the only verdict that is a discrepancy.
    Contradicts,
    /// Bounds or ranges overlap.
    Consistent,
    /// Exact and equal.
    Matches,
    /// Something is missing (see `Check::missing`).
    Unchecked,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Matches => "matches",
            Verdict::Consistent => "consistent",
            Verdict::Contradicts => "contradicts",
            Verdict::Unchecked => "unchecked",
        }
    }
}

/// One arithmetic check of a stated total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub kind: CheckKind,
    /// The claim whose figure is checked.
    pub stated: usize,
    pub terms: Vec<Term>,
    /// The values the sum allows: `low` up to `high` (`None`: no upper bound), with the finest
    /// places of its terms.
    pub low: Number,
    pub high: Option<Number>,
    /// Every term is one exact figure and nothing is missing: the sum is `low`.
    pub exact: bool,
    pub verdict: Verdict,
    /// What could not be covered or is missing, in words ("no figure for Stage 3").
    pub missing: Vec<String>,
}

impl Check {
    /// Every claim used, all alternatives of a contested term included.
    pub fn term_claims(&self) -> Vec<usize> {
        self.terms
            .iter()
            .flat_map(|t| match &t.choice {
                Choice::One { claim, .. } => vec![*claim],
                Choice::Contested { claims } => claims.clone(),
                Choice::Missing => Vec::new(),
            })
            .collect()
    }
}

/// The checks of a story version, computed on first use and kept with it.
pub fn analysis(data: &Dataset) -> &Analysis {
    data.derived.analysis.get_or_init(|| analyse(data))
}

fn analyse(data: &Dataset) -> Analysis {
    let mut terms = TermChooser::new(data);
    // A quantity nobody gives per stage (a death toll kept as running totals) is not checked
    // against the stages: every such check could only say that nothing covers them.
    let mut per_stage = vec![false; data.quantities.len()];
    for claim in &data.claims {
        if matches!(claim.scope, Scope::Stage(_)) {
            per_stage[claim.quantity] = true;
        }
    }
    // Where the stated counts of each quantity start, with their ends: what can cover days
    // outside the stages. Indexed once, so tiling never scans the claims.
    let mut counts: Counts = HashMap::new();
    for claim in data.claims.iter().filter(|c| data.holds_for_its_period(c)) {
        if let Scope::Period(from, to) = claim.scope {
            counts.entry((claim.quantity, from)).or_default().push(to);
        }
    }
    for ends in counts.values_mut() {
        ends.sort();
        ends.dedup();
    }
    let mut checks = Vec::new();
    for (i, claim) in data.claims.iter().enumerate() {
        // An earlier update of a running total is still true for its own period.
        if !data.holds_for_its_period(claim) {
            continue;
        }
        if let Scope::Period(from, to) = claim.scope
            && per_stage[claim.quantity]
        {
            checks.extend(stage_checks(data, &counts, &mut terms, i, from, to));
        }
        for (b, breakdown) in data.breakdowns.iter().enumerate() {
            if breakdown.total == claim.quantity {
                checks.extend(breakdown_check(data, &mut terms, i, b));
            }
        }
    }
    Analysis { checks }
}

/// The stages inside a period (their whole window within it), in date order. Stages are sorted
/// by date, so binary search finds them.
pub fn stages_in(data: &Dataset, from: Date, to: Date) -> impl Iterator<Item = usize> + '_ {
    let start = data.stages.partition_point(|s| s.when.date < from);
    let end = data.stages.partition_point(|s| s.when.date <= to).max(start);
    (start..end).filter(move |&s| data.stages[s].when.last_day() <= to)
}

/// At most this many ways of covering one period are checked: real stories have one or two.
const MAX_TILINGS: usize = 4;

/// The ends of the stated counts of each (quantity, first day), sorted.
type Counts = HashMap<(usize, Date), Vec<Date>>;

fn stage_checks(
    data: &Dataset,
    counts: &Counts,
    terms: &mut TermChooser,
    stated: usize,
    from: Date,
    to: Date,
) -> Vec<Check> {
    let claim = &data.claims[stated];
    let mut found = Vec::new();
    let mut dead_ends = Vec::new();
    let cover = Cover {
        data,
        counts,
        stated: claim,
        from,
        to,
    };
    tile(&cover, from, &mut Vec::new(), &mut found, &mut dead_ends);
    if found.is_empty() {
        dead_ends.dedup();
        return vec![Check {
            kind: CheckKind::Stages,
            stated,
            terms: Vec::new(),
            low: Number::ZERO,
            high: None,
            exact: false,
            verdict: Verdict::Unchecked,
            missing: dead_ends,
        }];
    }
    found
        .into_iter()
        .map(|pieces| {
            let chosen: Vec<Term> = pieces
                .into_iter()
                .map(|piece| Term {
                    piece,
                    choice: terms.choose(claim, piece),
                })
                .collect();
            let missing: Vec<String> = chosen
                .iter()
                .filter(|t| t.choice == Choice::Missing)
                .map(|t| format!("no figure for {}", piece_name(data, claim.quantity, t.piece)))
                .collect();
            finish(data, CheckKind::Stages, stated, chosen, missing, true)
        })
        .collect()
}

/// What is being covered: a stated count's period.
struct Cover<'a> {
    data: &'a Dataset,
    counts: &'a Counts,
    stated: &'a Claim,
    from: Date,
    to: Date,
}

/// Depth-first over the ways of covering `from..=to` starting at `at`: within the story's period
/// by its stages, outside it by stated counts that start exactly where the cover is.
fn tile(cover: &Cover, at: Date, pieces: &mut Vec<Piece>, found: &mut Vec<Vec<Piece>>, dead_ends: &mut Vec<String>) {
    let Cover {
        data,
        counts,
        stated,
        from,
        to,
    } = *cover;
    if at > to {
        found.push(pieces.clone());
        return;
    }
    if found.len() >= MAX_TILINGS {
        return;
    }
    let (story_from, story_to) = data.story.period;
    if (story_from..=story_to).contains(&at) {
        let end = to.min(story_to);
        if let Some(s) = data
            .stages
            .iter()
            .find(|s| (s.when.date < at && s.when.last_day() >= at) || (s.when.date <= end && s.when.last_day() > end))
        {
            dead_ends.push(format!("{} ({}) straddles an end of the period", s.name, s.when));
            return;
        }
        let before = pieces.len();
        pieces.extend(stages_in(data, at, end).map(Piece::Stage));
        tile(cover, end.next_day(), pieces, found, dead_ends);
        pieces.truncate(before);
        return;
    }
    // Outside the stages: only a stated count starting here can cover these days.
    let ends: Vec<Date> = counts
        .get(&(stated.quantity, at))
        .map(|ends| {
            ends.iter()
                .copied()
                .filter(|&t| t <= to && (at, t) != (from, to))
                .collect()
        })
        .unwrap_or_default();
    if ends.is_empty() {
        let until = if at < story_from {
            story_from.previous_day().min(to)
        } else {
            to
        };
        dead_ends.push(format!(
            "no count covers {} ({} the story's stages)",
            crate::date::DateSpan(at, until),
            if at < story_from { "before" } else { "after" }
        ));
        return;
    }
    for end in ends {
        pieces.push(Piece::Period(at, end));
        tile(cover, end.next_day(), pieces, found, dead_ends);
        pieces.pop();
    }
}

fn breakdown_check(data: &Dataset, terms: &mut TermChooser, stated: usize, b: usize) -> Option<Check> {
    let claim = &data.claims[stated];
    let breakdown = &data.breakdowns[b];
    let chosen: Vec<Term> = breakdown
        .parts
        .iter()
        .map(|&q| Term {
            piece: Piece::Part(q),
            choice: terms.choose(claim, Piece::Part(q)),
        })
        .collect();
    if chosen.iter().all(|t| t.choice == Choice::Missing) {
        return None;
    }
    let mut missing: Vec<String> = chosen
        .iter()
        .filter_map(|t| match (t.choice == Choice::Missing, t.piece) {
            (true, Piece::Part(q)) => Some(format!("no figure for {}", data.quantities[q].label)),
            _ => None,
        })
        .collect();
    if !breakdown.complete {
        missing.push(format!("the parts ({}) are only some of the total", breakdown.id));
    }
    Some(finish(data, CheckKind::Breakdown(b), stated, chosen, missing, false))
}

/// Adds the terms up as intervals and gives the verdict. A missing term leaves a stages check
/// unchecked; in a breakdown it (like an incomplete breakdown) makes the sum a lower bound.
fn finish(
    data: &Dataset,
    kind: CheckKind,
    stated: usize,
    terms: Vec<Term>,
    missing: Vec<String>,
    missing_unchecks: bool,
) -> Check {
    // In millionths, as `Figure::interval` gives them.
    let mut low: i128 = 0;
    let mut high: Option<i128> = Some(0);
    let mut places = 0;
    let mut exact = missing.is_empty();
    for term in &terms {
        let (lo, hi) = term_interval(data, &term.choice);
        low = low.saturating_add(lo);
        high = high.zip(hi).map(|(a, b)| a.saturating_add(b));
        places = places.max(term_places(data, &term.choice));
        exact &= matches!(term.choice, Choice::One { claim, .. } if data.claims[claim].figure.is_exact());
    }
    if !missing.is_empty() {
        high = None;
    }
    let figure = data.claims[stated].figure;
    let (s_lo, s_hi) = figure.interval();
    let s_lo = s_lo.unwrap_or(0);
    let overlap = high.is_none_or(|h| s_lo <= h) && s_hi.is_none_or(|h| low <= h);
    let verdict = if missing_unchecks && !missing.is_empty() {
        Verdict::Unchecked
    } else if !overlap {
        Verdict::Contradicts
    } else if exact && figure.is_exact() && figure.value.micros() == low {
        Verdict::Matches
    } else {
        Verdict::Consistent
    };
    Check {
        kind,
        stated,
        terms,
        low: Number::from_micros(low, places),
        high: high.map(|h| Number::from_micros(h, places)),
        exact,
        verdict,
        missing,
    }
}

/// The values a term allows, in millionths; counts are never negative, so an open lower end
/// is 0.
fn term_interval(data: &Dataset, choice: &Choice) -> (i128, Option<i128>) {
    let one = |c: usize| {
        let (lo, hi) = data.claims[c].figure.interval();
        (lo.unwrap_or(0).max(0), hi)
    };
    match choice {
        Choice::One { claim, .. } => one(*claim),
        Choice::Contested { claims } => claims
            .iter()
            .map(|&c| one(c))
            .fold((i128::MAX, Some(0)), |(lo, hi), (l, h)| {
                (lo.min(l), hi.zip(h).map(|(a, b)| a.max(b)))
            }),
        Choice::Missing => (0, None),
    }
}

/// The decimal places a term's figures are written with.
fn term_places(data: &Dataset, choice: &Choice) -> u8 {
    let places = |c: usize| {
        let f = data.claims[c].figure;
        f.value.places().max(f.high.places())
    };
    match choice {
        Choice::One { claim, .. } => places(*claim),
        Choice::Contested { claims } => claims.iter().map(|&c| places(c)).max().unwrap_or(0),
        Choice::Missing => 0,
    }
}

/// "Stage 3 (14 June 2025)", "1 January – 31 May 2025", "bodies handed to Russia".
pub fn piece_name(data: &Dataset, _quantity: usize, piece: Piece) -> String {
    match piece {
        Piece::Stage(s) => data.stage_label(s),
        Piece::Period(from, to) => crate::date::DateSpan(from, to).to_string(),
        Piece::Part(q) => data.quantities[q].label.clone(),
    }
}

/// Which claims a group of candidates takes in, relative to the stating claim.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Group {
    Own(Vec<usize>),
    Side(usize),
    Anyone,
}

/// Chooses terms, remembering each (piece, group) choice: many totals share their stages.
struct TermChooser<'a> {
    data: &'a Dataset,
    /// By (quantity, scope, group): a part's scope is the stated total's, so the piece alone
    /// would not tell two stages' parts apart.
    chosen: HashMap<(usize, Scope, Group), Option<Choice>>,
}

impl<'a> TermChooser<'a> {
    fn new(data: &'a Dataset) -> Self {
        TermChooser {
            data,
            chosen: HashMap::new(),
        }
    }

    /// The figure for `piece` in a sum checking `stated`: its claimant's own, else its side's,
    /// else anyone's if they agree (a contested term otherwise).
    fn choose(&mut self, stated: &Claim, piece: Piece) -> Choice {
        let data = self.data;
        let side = data.side_of(stated);
        let mut groups = vec![Group::Own(stated.claimants.clone())];
        // Outlets are no side: another outlet's figure is not this one's own.
        if !data.sides[side].is_outlet {
            groups.push(Group::Side(side));
        }
        groups.push(Group::Anyone);
        let (quantity, scope) = match piece {
            Piece::Stage(s) => (stated.quantity, Scope::Stage(s)),
            Piece::Period(from, to) => (stated.quantity, Scope::Period(from, to)),
            Piece::Part(q) => (q, stated.scope),
        };
        for group in groups {
            let key = (quantity, scope, group.clone());
            let choice = self
                .chosen
                .entry(key)
                .or_insert_with(|| {
                    let candidates: Vec<usize> = data
                        .claims_with(quantity, scope)
                        .filter(|c| data.holds_for_its_period(c))
                        .filter(|c| match &group {
                            Group::Own(claimants) => c.claimants.iter().any(|x| claimants.contains(x)),
                            Group::Side(s) => data.side_of(c) == *s,
                            Group::Anyone => true,
                        })
                        .map(|c| data.index_of(c))
                        .collect();
                    pick(data, candidates, &group)
                })
                .clone();
            if let Some(choice) = choice {
                return choice;
            }
        }
        Choice::Missing
    }
}

/// One figure from agreeing candidates (the best: confirmed, then exact, then first in the
/// file), or all of them as a contested term; `None` if there are none.
fn pick(data: &Dataset, mut candidates: Vec<usize>, group: &Group) -> Option<Choice> {
    if candidates.is_empty() {
        return None;
    }
    // Intervals on a line overlap pairwise exactly when they all share a point.
    let (mut lo, mut hi) = (i128::MIN, None::<i128>);
    for &c in &candidates {
        let (l, h) = data.claims[c].figure.interval();
        lo = lo.max(l.unwrap_or(0));
        hi = match (hi, h) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    if hi.is_some_and(|h| lo > h) {
        candidates.sort_by_key(|&c| (data.claims[c].figure.value, data.claims[c].figure.high, c));
        return Some(Choice::Contested { claims: candidates });
    }
    candidates.sort_by_key(|&c| {
        let claim = &data.claims[c];
        (claim.status != Status::Current, !claim.figure.is_exact(), c)
    });
    let basis = match group {
        Group::Own(_) => Basis::Own,
        Group::Side(_) => Basis::Side,
        Group::Anyone => Basis::Agreed,
    };
    Some(Choice::One {
        claim: candidates[0],
        basis,
    })
}
