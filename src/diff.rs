//! What changed in meaning between two versions of a story: figures, statuses, sources,
//! discrepancies and the story's own details, never lines of TOML.
//!
//! Things are matched by id, so moving a claim around the file or reformatting it is no change.
//! Each change is kept as display-ready text taken from its own version (indices differ between
//! versions, so nothing here points back into a dataset). How a change reads is [`crate::notice`]'s
//! business.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::analysis::{Discrepancy, DiscrepancyKind, discrepancies};
use crate::dataset::{Characterisation, Citation, Claim, Dataset, Scope, Status};
use crate::date::DateSpan;

/// Everything that changed, most newsworthy kind first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub items: Vec<Change>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// How many changes of one kind.
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.items.iter().filter(|c| c.kind() == kind).count()
    }
}

/// Groups of changes, in the order a notice lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    ClaimChanged,
    Status,
    ClaimAdded,
    ClaimRemoved,
    Citations,
    Discrepancy,
    Characterisation,
    Story,
}

impl ChangeKind {
    /// The heading a notice puts above this group.
    pub fn heading(self) -> &'static str {
        match self {
            ChangeKind::ClaimChanged => "Figures changed",
            ChangeKind::Status => "Status changes",
            ChangeKind::ClaimAdded => "Claims added",
            ChangeKind::ClaimRemoved => "Claims removed",
            ChangeKind::Citations => "Citations",
            ChangeKind::Discrepancy => "Discrepancies",
            ChangeKind::Characterisation => "Characterisations",
            ChangeKind::Story => "Story and references",
        }
    }
}

/// One change in meaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    ClaimAdded(ClaimView),
    ClaimRemoved(ClaimView),
    /// Same id, different figure, quantity, scope, claimants, dates, wording or notes.
    ClaimChanged {
        old: ClaimView,
        new: ClaimView,
    },
    /// Now unconfirmed, superseded, retracted, or current again.
    StatusChanged {
        old: ClaimView,
        new: ClaimView,
    },
    /// Citations of one claim added or removed (matched by URL).
    CitationsChanged {
        claim: String,
        added: usize,
        removed: usize,
        now: usize,
    },
    CharacterisationAdded(CharacterisationView),
    CharacterisationRemoved(CharacterisationView),
    CharacterisationChanged {
        old: CharacterisationView,
        new: CharacterisationView,
    },
    /// A computed discrepancy (its headline) that the old version did not have.
    DiscrepancyAppeared(String),
    DiscrepancyResolved(String),
    /// The same disagreement (kind, quantity, scope or topic) with other figures.
    DiscrepancyChanged {
        old: String,
        new: String,
    },
    /// Title, period, maintainers, review date, primary quantity.
    StoryField {
        field: &'static str,
        old: String,
        new: String,
    },
    /// A side, claimant, outlet, quantity, stage or topic that appeared or went.
    ReferenceAdded {
        kind: &'static str,
        id: String,
        name: String,
    },
    ReferenceRemoved {
        kind: &'static str,
        id: String,
        name: String,
    },
    /// A reference kept its id but its name, date, side or unit changed.
    ReferenceChanged {
        kind: &'static str,
        id: String,
        field: &'static str,
        old: String,
        new: String,
    },
    EditorialNotes {
        added: usize,
        removed: usize,
    },
}

impl Change {
    pub fn kind(&self) -> ChangeKind {
        match self {
            Change::ClaimChanged { .. } => ChangeKind::ClaimChanged,
            Change::StatusChanged { .. } => ChangeKind::Status,
            Change::ClaimAdded(_) => ChangeKind::ClaimAdded,
            Change::ClaimRemoved(_) => ChangeKind::ClaimRemoved,
            Change::CitationsChanged { .. } => ChangeKind::Citations,
            Change::DiscrepancyAppeared(_) | Change::DiscrepancyResolved(_) | Change::DiscrepancyChanged { .. } => {
                ChangeKind::Discrepancy
            }
            Change::CharacterisationAdded(_)
            | Change::CharacterisationRemoved(_)
            | Change::CharacterisationChanged { .. } => ChangeKind::Characterisation,
            Change::StoryField { .. }
            | Change::ReferenceAdded { .. }
            | Change::ReferenceRemoved { .. }
            | Change::ReferenceChanged { .. }
            | Change::EditorialNotes { .. } => ChangeKind::Story,
        }
    }
}

/// A claim as a reader sees it, taken from one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimView {
    pub id: String,
    /// "more than 700", "20–25".
    pub figure: String,
    pub unit: String,
    /// The quantity's label.
    pub quantity: String,
    /// "Day 2, 11 March 2031", "10–11 March 2031", "whole story".
    pub scope: String,
    pub claimants: String,
    pub said: String,
    pub event_date: Option<String>,
    pub wording: Option<String>,
    pub notes: Option<String>,
    /// "current", "unconfirmed", "superseded by T-010", "retracted on 1 April 2031: reason".
    pub status: String,
    /// The first citation: "The Daily Gull <https://…>".
    pub citation: Option<String>,
    pub citation_urls: Vec<String>,
}

impl ClaimView {
    pub fn new(data: &Dataset, claim: &Claim) -> ClaimView {
        ClaimView {
            id: claim.id.clone(),
            figure: claim.figure.to_string(),
            unit: data.quantities[claim.quantity].unit.clone(),
            quantity: data.quantities[claim.quantity].label.clone(),
            scope: match claim.scope {
                Scope::Whole => "whole story".to_string(),
                scope => data.scope_text(scope),
            },
            claimants: data.claimant_names(&claim.claimants),
            said: claim.said.to_string(),
            event_date: claim.event_date.map(|d| d.to_string()),
            wording: claim.wording.clone(),
            notes: claim.notes.clone(),
            status: status_text(&claim.status, |i| &data.claims[i].id),
            citation: claim.citations.first().map(|c| citation_text(data, c)),
            citation_urls: claim.citations.iter().map(|c| c.url.to_string()).collect(),
        }
    }
}

/// A characterisation as a reader sees it, taken from one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharacterisationView {
    pub id: String,
    pub topic: String,
    pub claimants: String,
    pub said: String,
    pub stance: String,
    pub summary: String,
    pub status: String,
    pub citation_urls: Vec<String>,
}

impl CharacterisationView {
    pub fn new(data: &Dataset, c: &Characterisation) -> CharacterisationView {
        CharacterisationView {
            id: c.id.clone(),
            topic: data.topics[c.topic].question.clone(),
            claimants: data.claimant_names(&c.claimants),
            said: c.said.to_string(),
            stance: c.stance.clone(),
            summary: c.summary.clone(),
            status: status_text(&c.status, |i| &data.characterisations[i].id),
            citation_urls: c.citations.iter().map(|c| c.url.to_string()).collect(),
        }
    }
}

/// What changed in meaning from `old` to `new`.
pub fn diff(old: &Dataset, new: &Dataset) -> Changes {
    let mut items = Vec::new();
    claim_changes(old, new, &mut items);
    discrepancy_changes(old, new, &mut items);
    characterisation_changes(old, new, &mut items);
    story_changes(old, new, &mut items);
    reference_changes(old, new, &mut items);
    // Stable: within a kind, the order the comparisons found them (file order of the new version).
    items.sort_by_key(Change::kind);
    Changes { items }
}

fn claim_changes(old: &Dataset, new: &Dataset, items: &mut Vec<Change>) {
    let old_by_id: HashMap<&str, &Claim> = old.claims.iter().map(|c| (c.id.as_str(), c)).collect();
    for claim in &new.claims {
        let after = ClaimView::new(new, claim);
        let Some(before) = old_by_id.get(claim.id.as_str()).map(|c| ClaimView::new(old, c)) else {
            items.push(Change::ClaimAdded(after));
            continue;
        };
        let meaning = |v: &ClaimView| {
            (
                v.figure.clone(),
                v.unit.clone(),
                v.quantity.clone(),
                v.scope.clone(),
                v.claimants.clone(),
                v.said.clone(),
                v.event_date.clone(),
                v.wording.clone(),
                v.notes.clone(),
            )
        };
        if meaning(&before) != meaning(&after) {
            items.push(Change::ClaimChanged {
                old: before.clone(),
                new: after.clone(),
            });
        }
        if before.status != after.status {
            items.push(Change::StatusChanged {
                old: before.clone(),
                new: after.clone(),
            });
        }
        let added = after
            .citation_urls
            .iter()
            .filter(|u| !before.citation_urls.contains(u))
            .count();
        let removed = before
            .citation_urls
            .iter()
            .filter(|u| !after.citation_urls.contains(u))
            .count();
        if added + removed > 0 {
            items.push(Change::CitationsChanged {
                claim: after.id.clone(),
                added,
                removed,
                now: after.citation_urls.len(),
            });
        }
    }
    for claim in &old.claims {
        if new.claim_index(&claim.id).is_none() {
            items.push(Change::ClaimRemoved(ClaimView::new(old, claim)));
        }
    }
}

/// Headlines carry the figures, so the same disagreement with new figures is matched by what
/// it is about (kind, quantity, scope or topic) and reported as changed, not as gone and new.
/// Headlines also list figures in file order, so "unchanged" is decided on the claims and
/// figures involved, never on the headline's wording.
fn discrepancy_changes(old: &Dataset, new: &Dataset, items: &mut Vec<Change>) {
    let keyed = |data: &Dataset| -> Vec<(String, String, String)> {
        discrepancies(data)
            .iter()
            .map(|d| (discrepancy_key(data, d), fingerprint(data, d), d.headline.clone()))
            .collect()
    };
    let before = keyed(old);
    let after = keyed(new);
    // Indexed, so a story with thousands of discrepancies is compared in linear time.
    let mut exact: HashMap<(&str, &str), VecDeque<usize>> = HashMap::new();
    for (i, (key, print, _)) in before.iter().enumerate() {
        exact.entry((key.as_str(), print.as_str())).or_default().push_back(i);
    }
    let mut consumed = vec![false; before.len()];
    let mut remaining = Vec::new();
    for (key, print, headline) in &after {
        match exact
            .get_mut(&(key.as_str(), print.as_str()))
            .and_then(VecDeque::pop_front)
        {
            Some(i) => consumed[i] = true,
            None => remaining.push((key, headline)),
        }
    }
    let mut by_key: HashMap<&str, VecDeque<usize>> = HashMap::new();
    for (i, (key, _, _)) in before.iter().enumerate() {
        if !consumed[i] {
            by_key.entry(key.as_str()).or_default().push_back(i);
        }
    }
    for (key, headline) in remaining {
        match by_key.get_mut(key.as_str()).and_then(VecDeque::pop_front) {
            Some(i) => {
                consumed[i] = true;
                // Other figures behind the same words (a sum's term now from another claim):
                // nothing the desk would read differently.
                if before[i].2 != *headline {
                    items.push(Change::DiscrepancyChanged {
                        old: before[i].2.clone(),
                        new: headline.clone(),
                    });
                }
            }
            None => items.push(Change::DiscrepancyAppeared(headline.clone())),
        }
    }
    items.extend(
        before
            .into_iter()
            .zip(consumed)
            .filter(|(_, used)| !used)
            .map(|((_, _, h), _)| Change::DiscrepancyResolved(h)),
    );
}

fn discrepancy_key(data: &Dataset, d: &Discrepancy) -> String {
    format!(
        "{:?}|{}|{}|{}",
        d.kind,
        d.quantity.map_or("", |q| data.quantities[q].id.as_str()),
        d.scope.map(|s| data.scope_text(s)).unwrap_or_default(),
        d.topic.map_or("", |t| data.topics[t].id.as_str()),
    )
}

/// The members of a discrepancy and what each says, in id order.
fn fingerprint(data: &Dataset, d: &Discrepancy) -> String {
    let mut members: Vec<String> = if d.kind == DiscrepancyKind::Characterisation {
        d.claims
            .iter()
            .filter_map(|&i| data.characterisations.get(i))
            .map(|c| format!("{}={}", c.id, c.stance))
            .collect()
    } else {
        d.claims
            .iter()
            .filter_map(|&i| data.claims.get(i))
            .map(|c| {
                format!(
                    "{}={}@{:?}/{:?}",
                    c.id,
                    c.figure,
                    data.scope_text(c.scope),
                    c.event_date
                )
            })
            .collect()
    };
    members.sort();
    members.join("|")
}

fn characterisation_changes(old: &Dataset, new: &Dataset, items: &mut Vec<Change>) {
    let old_by_id: HashMap<&str, &Characterisation> =
        old.characterisations.iter().map(|c| (c.id.as_str(), c)).collect();
    for c in &new.characterisations {
        let after = CharacterisationView::new(new, c);
        match old_by_id.get(c.id.as_str()) {
            None => items.push(Change::CharacterisationAdded(after)),
            Some(before) => {
                let before = CharacterisationView::new(old, before);
                if before != after {
                    items.push(Change::CharacterisationChanged {
                        old: before,
                        new: after,
                    });
                }
            }
        }
    }
    let new_ids: HashSet<&str> = new.characterisations.iter().map(|c| c.id.as_str()).collect();
    for c in &old.characterisations {
        if !new_ids.contains(&c.id.as_str()) {
            items.push(Change::CharacterisationRemoved(CharacterisationView::new(old, c)));
        }
    }
}

fn story_changes(old: &Dataset, new: &Dataset, items: &mut Vec<Change>) {
    let (a, b) = (&old.story, &new.story);
    let mut field = |field: &'static str, old: String, new: String| {
        if old != new {
            items.push(Change::StoryField { field, old, new });
        }
    };
    field("story id", a.id.clone(), b.id.clone());
    field("title", a.title.clone(), b.title.clone());
    field(
        "period",
        DateSpan(a.period.0, a.period.1).to_string(),
        DateSpan(b.period.0, b.period.1).to_string(),
    );
    field("maintainers", a.maintainers.join(", "), b.maintainers.join(", "));
    field(
        "last reviewed",
        a.last_reviewed.to_string(),
        b.last_reviewed.to_string(),
    );
    let primary = |d: &Dataset| {
        d.story
            .primary_quantity
            .map(|q| d.quantities[q].id.clone())
            .unwrap_or_default()
    };
    field("primary quantity", primary(old), primary(new));
    field("description", a.description.clone(), b.description.clone());

    let texts = |d: &Dataset| -> Vec<String> { d.editorial_notes.iter().map(|n| n.text.clone()).collect() };
    let (before, after) = (texts(old), texts(new));
    // Sets: a big story has thousands of notes.
    let (before_set, after_set): (HashSet<&String>, HashSet<&String>) =
        (before.iter().collect(), after.iter().collect());
    let added = after.iter().filter(|t| !before_set.contains(t)).count();
    let removed = before.iter().filter(|t| !after_set.contains(t)).count();
    if added + removed > 0 {
        items.push(Change::EditorialNotes { added, removed });
    }
}

/// A reference as compared: id, name, and the other fields that change what answers say.
struct Reference {
    id: String,
    name: String,
    details: Vec<(&'static str, String)>,
}

fn reference_changes(old: &Dataset, new: &Dataset, items: &mut Vec<Change>) {
    let sides = |d: &Dataset| -> Vec<Reference> {
        d.sides
            .iter()
            .map(|s| Reference {
                id: s.id.clone(),
                name: s.name.clone(),
                details: vec![("kind", if s.is_outlet { "outlet" } else { "party" }.to_string())],
            })
            .collect()
    };
    let claimants = |d: &Dataset| -> Vec<Reference> {
        d.claimants
            .iter()
            .map(|c| Reference {
                id: c.id.clone(),
                name: c.name.clone(),
                details: vec![("side", d.sides[c.side].id.clone())],
            })
            .collect()
    };
    let outlets = |d: &Dataset| -> Vec<Reference> {
        d.outlets
            .iter()
            .map(|o| Reference {
                id: o.id.clone(),
                name: o.name.to_string(),
                details: vec![("flags", o.flags.join(", "))],
            })
            .collect()
    };
    let quantities = |d: &Dataset| -> Vec<Reference> {
        d.quantities
            .iter()
            .map(|q| Reference {
                id: q.id.clone(),
                name: q.label.clone(),
                details: vec![("unit", q.unit.clone())],
            })
            .collect()
    };
    let stages = |d: &Dataset| -> Vec<Reference> {
        d.stages
            .iter()
            .map(|s| Reference {
                id: s.id.clone(),
                name: s.name.clone(),
                details: vec![("date", s.when.to_string())],
            })
            .collect()
    };
    let topics = |d: &Dataset| -> Vec<Reference> {
        d.topics
            .iter()
            .map(|t| Reference {
                id: t.id.clone(),
                name: t.question.clone(),
                details: Vec::new(),
            })
            .collect()
    };
    compare_references("side", sides(old), sides(new), items);
    compare_references("claimant", claimants(old), claimants(new), items);
    compare_references("outlet", outlets(old), outlets(new), items);
    compare_references("quantity", quantities(old), quantities(new), items);
    compare_references("stage", stages(old), stages(new), items);
    compare_references("topic", topics(old), topics(new), items);
}

fn compare_references(kind: &'static str, old: Vec<Reference>, new: Vec<Reference>, items: &mut Vec<Change>) {
    // Ids are unique within a kind; indexed, as a story can have thousands of stages.
    let old_by_id: HashMap<&str, &Reference> = old.iter().map(|r| (r.id.as_str(), r)).collect();
    let new_ids: HashSet<&str> = new.iter().map(|r| r.id.as_str()).collect();
    for after in &new {
        let Some(before) = old_by_id.get(after.id.as_str()) else {
            items.push(Change::ReferenceAdded {
                kind,
                id: after.id.clone(),
                name: after.name.clone(),
            });
            continue;
        };
        let fields = std::iter::once(("name", &before.name, &after.name)).chain(
            before
                .details
                .iter()
                .zip(&after.details)
                .map(|((field, old), (_, new))| (*field, old, new)),
        );
        for (field, old, new) in fields {
            if old != new {
                items.push(Change::ReferenceChanged {
                    kind,
                    id: after.id.clone(),
                    field,
                    old: old.clone(),
                    new: new.clone(),
                });
            }
        }
    }
    for before in old.iter().filter(|r| !new_ids.contains(r.id.as_str())) {
        items.push(Change::ReferenceRemoved {
            kind,
            id: before.id.clone(),
            name: before.name.clone(),
        });
    }
}

fn status_text<'a>(status: &Status, id_of: impl Fn(usize) -> &'a str) -> String {
    match status {
        Status::Current => "current".to_string(),
        Status::Unconfirmed => "unconfirmed".to_string(),
        Status::Superseded { by } => format!("superseded by {}", id_of(*by)),
        Status::Retracted { on, reason } => format!("retracted on {on}: {reason}"),
    }
}

/// "The Daily Gull <https://…>": angle brackets keep Discord from unfurling the link.
fn citation_text(data: &Dataset, c: &Citation) -> String {
    format!("{} <{}>", data.outlets[c.outlet].name, c.url)
}
