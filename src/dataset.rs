//! A story's figures after loading: every reference resolved to an index, every date checked.
//!
//! Answers work only on this type, so they never meet an unknown id or an invalid value.

use std::path::PathBuf;

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
    pub source: Source,
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
    pub title: String,
    pub description: String,
    pub period: (Date, Date),
    pub maintainers: Vec<String>,
    pub last_reviewed: Date,
    pub primary_quantity: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Side {
    pub id: String,
    pub name: String,
    /// News outlets speaking for themselves rather than a party to the story.
    pub is_outlet: bool,
    pub aliases: Vec<String>,
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
}

#[derive(Debug, Clone)]
pub struct Outlet {
    pub id: String,
    pub name: String,
    pub flags: Vec<String>,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Quantity {
    pub id: String,
    pub label: String,
    pub unit: String,
    pub verb_phrase: String,
    pub description: Option<String>,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Stage {
    pub id: String,
    pub name: String,
    pub when: When,
    pub aliases: Vec<String>,
    pub notes: Option<String>,
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
    Superseded { by: usize },
    Retracted { on: Date, reason: String },
}

impl Status {
    /// Claims that still stand: they take part in sums and discrepancies.
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
    /// The date this claim gives for its stage, when it differs from the stage's own date.
    pub event_date: Option<Date>,
    pub figure: Figure,
    pub wording: Option<String>,
    pub status: Status,
    pub notes: Option<String>,
    pub citations: Vec<Citation>,
}

#[derive(Debug, Clone)]
pub struct Citation {
    pub outlet: usize,
    pub url: String,
    pub published: Option<Date>,
    pub published_note: Option<String>,
    pub quote: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Topic {
    pub id: String,
    pub question: String,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Characterisation {
    pub id: String,
    pub topic: usize,
    pub claimants: Vec<usize>,
    pub said: When,
    pub stance: String,
    pub summary: String,
    pub status: Status,
    pub notes: Option<String>,
    pub citations: Vec<Citation>,
}

#[derive(Debug, Clone)]
pub struct EditorialNote {
    pub claims: Vec<usize>,
    pub text: String,
    pub citation: Option<Citation>,
}

impl Dataset {
    /// The side a claim speaks for: its first claimant's.
    pub fn side_of(&self, claim: &Claim) -> usize {
        self.claimants[claim.claimants[0]].side
    }

    /// "Vladimir Medinsky and Russia's Defence Ministry".
    pub fn claimant_names(&self, claimants: &[usize]) -> String {
        let names: Vec<&str> = claimants.iter().map(|&c| self.claimants[c].name.as_str()).collect();
        join_and(&names)
    }

    /// Where a claim's figure sits in time, for display.
    pub fn scope_text(&self, scope: Scope) -> String {
        match scope {
            Scope::Stage(s) => format!("{}, {}", self.stages[s].name, self.stages[s].when),
            Scope::Period(from, to) => crate::date::DateSpan(from, to).to_string(),
            Scope::Whole => "whole story".to_string(),
        }
    }

    pub fn claim_index(&self, id: &str) -> Option<usize> {
        self.claims.iter().position(|c| c.id == id)
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
