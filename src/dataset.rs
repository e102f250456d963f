//! A story's figures after loading: every reference resolved to an index, every date checked.
//!
//! Answers work only on this type, so they never meet an unknown id or an invalid value.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use crate::date::{Date, When};
use crate::figure::Figure;

/// One loaded, valid data file.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub story: Story,
    pub sides: Vec<Side>,
    pub claimants: Vec<Claimant>,
    pub outlets: Vec<Outlet>,
    pub quantities: Vec<Quantity>,
    /// In chronological order.
    pub stages: Vec<Stage>,
    pub claims: Vec<Claim>,
    pub topics: Vec<Topic>,
    pub characterisations: Vec<Characterisation>,
    pub editorial_notes: Vec<EditorialNote>,
    pub breakdowns: Vec<Breakdown>,
    pub source: Source,
    /// What loading doubted without refusing (a figure its own words contradict, a running total
    /// revised down), in file order, for `check` (`--strict` refuses them).
    pub warnings: Vec<crate::error::Problem>,
    /// Indexes and results computed from the above (see [`Dataset::derive`]).
    pub derived: Derived,
}

/// What answers need again and again, computed once per loaded version.
#[derive(Debug, Clone, Default)]
pub struct Derived {
    /// Standing and other claims by (quantity, scope), in file order.
    by_scope: HashMap<(usize, Scope), Vec<usize>>,
    /// Claim id → position.
    claim_ids: HashMap<String, usize>,
    /// Computed on first use: every arithmetic check.
    pub(crate) analysis: OnceLock<crate::analysis::Analysis>,
    /// Computed on first use: each check as `checks` shows it, in the order of `analysis`.
    pub(crate) check_sections: OnceLock<Vec<crate::answer::Section>>,
    /// For each claim, the earlier figure it updated, if any (see [`Dataset::is_update`]).
    updated_from: Vec<Option<usize>>,
    /// For each claim, the latest figure of its running total (itself when not updated).
    latest: Vec<usize>,
    /// Whether a claim is in its latest figure's series (see [`Dataset::series`]).
    in_series: Vec<bool>,
    /// Computed on first use: every discrepancy, most important first.
    pub(crate) discrepancies: OnceLock<Vec<crate::analysis::Discrepancy>>,
    /// Computed on first use: each discrepancy as answers show it, in the order of `discrepancies`.
    pub(crate) rendered_discrepancies: OnceLock<Vec<crate::answer::Discrepancy>>,
    /// Computed on first use: each side's standing figures per (quantity, side, stage), best first.
    pub(crate) side_stage_figures: OnceLock<HashMap<(usize, usize, usize), Vec<usize>>>,
    /// Computed on first use: each claim's reply entry, without and with its scope.
    pub(crate) claim_entries: OnceLock<Vec<[Arc<crate::answer::Entry>; 2]>>,
}

/// Where a dataset came from, and which version of it this is.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    /// SHA-256 of the file's bytes, hex.
    pub checksum: String,
    pub bytes: usize,
    /// Starts at 1; a live reload of a changed file counts up.
    pub version: u64,
}

#[derive(Debug, Clone)]
pub struct Story {
    pub id: String,
    /// Where the id is written (line, column), for "loaded twice" messages.
    pub id_at: (usize, usize),
    pub title: String,
    pub description: String,
    pub period: (Date, Date),
    pub maintainers: Vec<String>,
    pub last_reviewed: Date,
    pub primary_quantity: Option<usize>,
    /// Normalised id, name and aliases, for lookups.
    pub keys: Keys,
}

#[derive(Debug, Clone)]
pub struct Side {
    pub id: String,
    pub name: String,
    /// News outlets speaking for themselves rather than a party to the story.
    pub is_outlet: bool,
    pub aliases: Vec<String>,
    /// Normalised id, name and aliases, for lookups.
    pub keys: Keys,
}

#[derive(Debug, Clone)]
pub struct Claimant {
    pub id: String,
    pub name: String,
    pub organisation: Option<String>,
    pub person: Option<String>,
    pub role: Option<String>,
    pub side: usize,
    pub aliases: Vec<String>,
    pub notes: Option<String>,
    /// Normalised id, name and aliases, for lookups.
    pub keys: Keys,
}

#[derive(Debug, Clone)]
pub struct Outlet {
    pub id: String,
    /// Shared: every citation in every reply names its outlet.
    pub name: Arc<str>,
    pub flags: Vec<String>,
    pub aliases: Vec<String>,
    /// Normalised id, name and aliases, for lookups.
    pub keys: Keys,
}

#[derive(Debug, Clone)]
pub struct Quantity {
    pub id: String,
    pub label: String,
    pub unit: String,
    pub verb_phrase: String,
    pub description: Option<String>,
    pub aliases: Vec<String>,
    /// Normalised id, name and aliases, for lookups.
    pub keys: Keys,
}

#[derive(Debug, Clone)]
pub struct Stage {
    pub id: String,
    pub name: String,
    pub when: When,
    pub aliases: Vec<String>,
    pub notes: Option<String>,
    /// Normalised id, name and aliases, for lookups.
    pub keys: Keys,
}

/// What span of the story a figure covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// A per-stage figure.
    Stage(usize),
    /// A cumulative figure over these dates (inclusive).
    Period(Date, Date),
    /// A figure about the story as a whole: a deal's size, an offer.
    Whole,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Current,
    Unconfirmed,
    /// Replaced by claim `by`: an update of a running total (still true for its own period) or
    /// a correction (never used); [`Dataset::is_update`] tells which.
    Superseded {
        by: usize,
    },
    Retracted {
        on: Date,
        reason: String,
    },
}

impl Status {
    /// Claims that still stand: they take part in sums and discrepancies. An earlier figure of
    /// a running total does too, for its own period: see [`Dataset::holds_for_its_period`].
    pub fn stands(&self) -> bool {
        matches!(self, Status::Current | Status::Unconfirmed)
    }
}

#[derive(Debug, Clone)]
pub struct Claim {
    pub id: String,
    pub quantity: usize,
    pub scope: Scope,
    /// At least one; the first is the one named first in sentences.
    pub claimants: Vec<usize>,
    pub said: When,
    /// `said` is only when the claim was first reported (the data gives no date it was said).
    pub reported: bool,
    /// The date this claim gives for its stage, when it differs from the stage's own date.
    pub event_date: Option<Date>,
    pub figure: Figure,
    pub wording: Option<String>,
    pub status: Status,
    pub notes: Option<String>,
    pub citations: Vec<Citation>,
}

#[derive(Debug, Clone)]
/// Shared strings: replies carry many citations, and cloning them must not copy text.
pub struct Citation {
    pub outlet: usize,
    pub url: Arc<str>,
    pub published: Option<Date>,
    pub published_note: Option<String>,
    pub quote: Option<Arc<str>>,
}

#[derive(Debug, Clone)]
pub struct Topic {
    pub id: String,
    pub question: String,
    pub aliases: Vec<String>,
    /// Normalised id, name and aliases, for lookups.
    pub keys: Keys,
}

#[derive(Debug, Clone)]
pub struct Characterisation {
    pub id: String,
    pub topic: usize,
    pub claimants: Vec<usize>,
    pub said: When,
    /// As for claims: `said` is when it was first reported.
    pub reported: bool,
    pub stance: String,
    pub summary: String,
    pub status: Status,
    pub notes: Option<String>,
    pub citations: Vec<Citation>,
}

/// A quantity made of others: `total` = the sum of `parts` (or at least it, if not `complete`).
#[derive(Debug, Clone)]
pub struct Breakdown {
    pub id: String,
    pub total: usize,
    pub parts: Vec<usize>,
    pub complete: bool,
}

#[derive(Debug, Clone)]
pub struct EditorialNote {
    pub claims: Vec<usize>,
    pub text: String,
    pub citation: Option<Citation>,
}

impl Dataset {
    /// Builds the lookup keys and indexes; called once the data is valid.
    pub(crate) fn derive(&mut self) {
        for x in &mut self.sides {
            x.keys = Keys::new(&x.id, &x.name, &x.aliases);
        }
        for x in &mut self.claimants {
            x.keys = Keys::new(&x.id, &x.name, &x.aliases);
        }
        for x in &mut self.outlets {
            x.keys = Keys::new(&x.id, &x.name, &x.aliases);
        }
        for x in &mut self.quantities {
            x.keys = Keys::new(&x.id, &x.label, &x.aliases);
        }
        for x in &mut self.stages {
            x.keys = Keys::new(&x.id, &x.name, &x.aliases);
        }
        for x in &mut self.topics {
            x.keys = Keys::new(&x.id, &x.question, &x.aliases);
        }
        let mut by_scope: HashMap<(usize, Scope), Vec<usize>> = HashMap::new();
        for (i, claim) in self.claims.iter().enumerate() {
            by_scope.entry((claim.quantity, claim.scope)).or_default().push(i);
        }
        let claim_ids = self.claims.iter().enumerate().map(|(i, c)| (c.id.clone(), i)).collect();
        // Should two figures name the same update, the one covering the later period leads to it.
        let mut updated_from: Vec<Option<usize>> = vec![None; self.claims.len()];
        let end = |c: &Claim| match c.scope {
            Scope::Period(_, to) => Some(to),
            _ => None,
        };
        for (i, claim) in self.claims.iter().enumerate() {
            if let Some(by) = update_in(&self.claims, claim)
                && updated_from[by].is_none_or(|j| end(&self.claims[j]) < end(claim))
            {
                updated_from[by] = Some(i);
            }
        }
        let latest = latest_updates(&self.claims);
        let mut in_series = vec![false; self.claims.len()];
        for (i, &l) in latest.iter().enumerate() {
            if i == l {
                let mut at = Some(i);
                while let Some(a) = at.filter(|&a| !in_series[a]) {
                    in_series[a] = true;
                    at = updated_from[a];
                }
            }
        }
        self.derived = Derived {
            by_scope,
            claim_ids,
            updated_from,
            latest,
            in_series,
            ..Derived::default()
        };
    }

    /// The claims about one quantity with one scope, in file order.
    pub fn claims_with(&self, quantity: usize, scope: Scope) -> impl Iterator<Item = &Claim> {
        let ids = self
            .derived
            .by_scope
            .get(&(quantity, scope))
            .map_or(&[][..], Vec::as_slice);
        ids.iter().map(|&i| &self.claims[i])
    }

    /// The position of a claim in `self.claims`. `claim` must be one of them (every `&Claim`
    /// answers handle is), which the assertion checks.
    pub fn index_of(&self, claim: &Claim) -> usize {
        let base = self.claims.as_ptr() as usize;
        let index = (claim as *const Claim as usize).wrapping_sub(base) / std::mem::size_of::<Claim>().max(1);
        assert!(
            index < self.claims.len() && std::ptr::eq(&self.claims[index], claim),
            "claim of another dataset"
        );
        index
    }

    /// The side a claim speaks for: its first claimant's.
    pub fn side_of(&self, claim: &Claim) -> usize {
        self.claimants[claim.claimants[0]].side
    }

    /// "Vladimir Medinsky and Russia's Defence Ministry".
    pub fn claimant_names(&self, claimants: &[usize]) -> String {
        let names: Vec<&str> = claimants.iter().map(|&c| self.claimants[c].name.as_str()).collect();
        join_and(&names)
    }

    /// A stage with its date: "Stage 5 (final), 16 June 2025"; a name that already says the date
    /// ("Handover of 19 December 2025") is not followed by it again.
    pub fn stage_label(&self, stage: usize) -> String {
        let (name, when) = (&self.stages[stage].name, self.stages[stage].when.to_string());
        if name.contains(&when) {
            name.clone()
        } else {
            format!("{name}, {when}")
        }
    }

    /// The first and last day a scope covers (the story's period for whole-story figures).
    pub fn scope_span(&self, scope: Scope) -> (Date, Date) {
        match scope {
            Scope::Stage(s) => (self.stages[s].when.date, self.stages[s].when.last_day()),
            Scope::Period(from, to) => (from, to),
            Scope::Whole => self.story.period,
        }
    }

    /// Where a claim's figure sits in time, for display.
    pub fn scope_text(&self, scope: Scope) -> String {
        match scope {
            Scope::Stage(s) => self.stage_label(s),
            Scope::Period(from, to) => crate::date::DateSpan(from, to).to_string(),
            Scope::Whole => "whole story".to_string(),
        }
    }

    pub fn claim_index(&self, id: &str) -> Option<usize> {
        self.derived.claim_ids.get(id).copied()
    }

    // Updates of a running total. A claim superseded by a figure of the same claimants for the
    // same quantity over a period that ends later was *updated*, not corrected: it stays true for
    // its own period (the desk checks a 6 February outlet against the 6 February toll). Any other
    // supersession, including one within the same period, is a correction: never used.

    /// Whether `claim` was superseded by an update of its running total (see above).
    pub fn is_update(&self, claim: &Claim) -> bool {
        update_in(&self.claims, claim).is_some()
    }

    /// The figure that updated `claim`, when it was an update.
    pub fn update_of(&self, claim: &Claim) -> Option<&Claim> {
        update_in(&self.claims, claim).map(|i| &self.claims[i])
    }

    /// The earlier figure that `claim` updated, if any.
    pub fn updated_from(&self, claim: &Claim) -> Option<&Claim> {
        let i = self.derived.updated_from.get(self.index_of(claim)).copied().flatten()?;
        Some(&self.claims[i])
    }

    /// The latest figure of `claim`'s running total (`claim` itself when it was not updated).
    pub fn latest_update<'d>(&'d self, claim: &'d Claim) -> &'d Claim {
        match self.derived.latest.get(self.index_of(claim)) {
            Some(&i) => &self.claims[i],
            None => claim,
        }
    }

    /// Every figure of `claim`'s running total, earliest first, ending with the latest: one claim
    /// when it has no updates. (Should an editor point two figures at the same update, the one
    /// covering the later period is in the series; the other is a series of its own.)
    pub fn series<'d>(&'d self, claim: &'d Claim) -> Vec<&'d Claim> {
        if !self.in_latest_series(claim) {
            return vec![claim];
        }
        let mut series = vec![self.latest_update(claim)];
        while let Some(earlier) = series.last().and_then(|c| self.updated_from(c)) {
            series.push(earlier);
        }
        series.reverse();
        series
    }

    /// Whether `claim` is in its latest figure's series (true of every claim but the odd one
    /// out when two figures name the same update). Constant time.
    pub fn in_latest_series(&self, claim: &Claim) -> bool {
        self.derived
            .in_series
            .get(self.index_of(claim))
            .copied()
            .unwrap_or(true)
    }

    /// Whether a claim is true for its own scope: it stands, or it is an earlier figure of a
    /// running total. Checks and discrepancies of a period use exactly these.
    pub fn holds_for_its_period(&self, claim: &Claim) -> bool {
        claim.status.stands() || self.is_update(claim)
    }
}

/// For each claim, the latest figure of its running total: linear, each chain walked once.
fn latest_updates(claims: &[Claim]) -> Vec<usize> {
    const UNKNOWN: usize = usize::MAX;
    let mut latest = vec![UNKNOWN; claims.len()];
    let mut path = Vec::new();
    for start in 0..claims.len() {
        let mut at = start;
        // Chains have no loops (the checker refuses them); bounded all the same.
        while latest[at] == UNKNOWN && path.len() <= claims.len() {
            path.push(at);
            match update_in(claims, &claims[at]) {
                Some(next) => at = next,
                None => {
                    latest[at] = at;
                    break;
                }
            }
        }
        // Only a loop, which the checker refuses, leaves the end unknown.
        let end = if latest[at] == UNKNOWN { at } else { latest[at] };
        for i in path.drain(..) {
            latest[i] = end;
        }
    }
    latest
}

/// The position of the figure that updated `claim`, when its supersession is an update: the same
/// quantity and claimants (in any order), a period that ends later.
pub(crate) fn update_in(claims: &[Claim], claim: &Claim) -> Option<usize> {
    let Status::Superseded { by } = claim.status else {
        return None;
    };
    let newer = claims.get(by)?;
    let same_claimants =
        newer.claimants.len() == claim.claimants.len() && newer.claimants.iter().all(|c| claim.claimants.contains(c));
    match (claim.scope, newer.scope) {
        (Scope::Period(_, old_end), Scope::Period(_, new_end))
            if newer.quantity == claim.quantity && same_claimants && new_end > old_end =>
        {
            Some(by)
        }
        _ => None,
    }
}

/// What people may type for a thing, normalised once at load (lookups run on every keystroke
/// of autocomplete): the id first, then the name and the aliases.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keys(pub Vec<String>);

impl Keys {
    pub fn new(id: &str, name: &str, aliases: &[String]) -> Keys {
        let normalise = crate::suggest::normalise;
        let mut keys = vec![normalise(id), normalise(name)];
        keys.extend(aliases.iter().map(|a| normalise(a)));
        Keys(keys)
    }

    pub fn id(&self) -> &str {
        self.0.first().map_or("", String::as_str)
    }

    /// Name and aliases.
    pub fn names(&self) -> &[String] {
        self.0.get(1..).unwrap_or(&[])
    }
}

/// "a", "a and b", "a, b and c".
pub fn join_and<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", init.join(", "), last.as_ref())
        }
    }
}
