//! Answers as plain data: what `/stage final` and `figures-bot ask stage final` both show.
//!
//! One file per question says how it is asked (its `figures-bot ask` arguments and its Discord
//! options, as plain data) and computes its [`Reply`] from a [`Dataset`]; renderers (Markdown
//! here, Discord embeds in the bot) only lay it out.

mod about;
mod checks;
mod discrepancy;
mod json;
mod sentence;
mod short;
mod source;
mod stage;
mod timeline;
mod total;

pub use crate::analysis::wording::one_line as checks_line;
pub use discrepancy::{Discrepancy, DiscrepancyKind, discrepancies};
pub use json::json;
pub use short::short;

use std::sync::Arc;

use crate::analysis::wording::capitalise;
use crate::dataset::{Citation, Claim, Dataset, Scope, Status};
use crate::date::Date;
use crate::error::LookupError;

/// A question, with the names exactly as the user typed them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Query {
    Total {
        quantity: Option<String>,
        claimant: Option<String>,
    },
    Stage {
        stage: String,
    },
    Discrepancy {
        quantity: Option<String>,
        stage: Option<String>,
    },
    Checks {
        quantity: Option<String>,
        stage: Option<String>,
    },
    Source {
        claimant: String,
    },
    Timeline,
    About,
}

/// The questions, in the order Discord lists them. Adding one: a module with its `QUESTION`,
/// `Args` and `answer`, a line here, in [`Ask`] and in [`Query`]; the compiler points at the
/// `match`es left.
pub const QUESTIONS: [&Question; 7] = [
    &total::QUESTION,
    &stage::QUESTION,
    &discrepancy::QUESTION,
    &checks::QUESTION,
    &source::QUESTION,
    &timeline::QUESTION,
    &about::QUESTION,
];

/// `figures-bot ask <QUESTION>`: each question's own arguments, so clap does the dispatch, the
/// help and the "did you mean".
#[derive(Debug, clap::Subcommand)]
pub enum Ask {
    Total(total::Args),
    Stage(stage::Args),
    #[command(alias = "discrepancies")]
    Discrepancy(discrepancy::Args),
    Checks(checks::Args),
    Source(source::Args),
    Timeline(timeline::Args),
    About(about::Args),
}

impl Ask {
    /// The query these arguments make about `data` (some words could name one of two kinds of
    /// thing, and the data decides which).
    pub fn query(self, data: &Dataset) -> Result<Query, String> {
        match self {
            Ask::Total(args) => args.query(data),
            Ask::Stage(args) => args.query(data),
            Ask::Discrepancy(args) => args.query(data),
            Ask::Checks(args) => args.query(data),
            Ask::Source(args) => args.query(data),
            Ask::Timeline(args) => args.query(data),
            Ask::About(args) => args.query(data),
        }
    }
}

impl Query {
    /// The question asked.
    pub fn question(&self) -> &'static Question {
        match self {
            Query::Total { .. } => &total::QUESTION,
            Query::Stage { .. } => &stage::QUESTION,
            Query::Discrepancy { .. } => &discrepancy::QUESTION,
            Query::Checks { .. } => &checks::QUESTION,
            Query::Source { .. } => &source::QUESTION,
            Query::Timeline => &timeline::QUESTION,
            Query::About => &about::QUESTION,
        }
    }

    /// The command's name, as on the command line and in Discord.
    pub fn command(&self) -> &'static str {
        self.question().name
    }
}

/// A question as the front ends present it; plain data, so the core stays free of Discord types.
#[derive(Debug)]
pub struct Question {
    /// The command's name, as on the command line and in Discord.
    pub name: &'static str,
    pub description: &'static str,
    /// Its Discord options (`story` and `private`, common to all, are added by the bot).
    pub options: &'static [OptionSpec],
    /// The query the Discord options describe.
    pub from_options: fn(OptionValues) -> Query,
    /// How to narrow a reply that was too long for one message.
    pub narrowing_hint: &'static str,
}

/// Each option's value by name: trimmed, and `None` when missing or empty.
pub type OptionValues<'a> = &'a dyn Fn(&str) -> Option<String>;

/// One option of a Discord command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionSpec {
    pub name: &'static str,
    pub description: &'static str,
    pub kind: OptionKind,
    pub required: bool,
    /// What autocomplete offers while the option is typed; `None`: no autocomplete.
    pub autocomplete: Option<Names>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    Text,
    Boolean,
}

/// The names autocomplete can offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    Stories,
    Stages,
    Quantities,
    Claimants,
    /// Claimants first, then sides ("Russia").
    ClaimantsAndSides,
}

impl OptionSpec {
    /// An optional text option offering `names` as the user types.
    pub const fn text(name: &'static str, description: &'static str, names: Names) -> OptionSpec {
        OptionSpec {
            name,
            description,
            kind: OptionKind::Text,
            required: false,
            autocomplete: Some(names),
        }
    }

    pub const fn required(self) -> OptionSpec {
        OptionSpec { required: true, ..self }
    }
}

/// A reply, ready for any renderer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub title: String,
    /// Short paragraphs under the title.
    pub lead: Vec<String>,
    pub sections: Vec<Section>,
    /// One attributed sentence an editor can paste into copy.
    pub sentence: Option<String>,
    /// Story title, version and review date.
    pub footer: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    /// Shared: a claim's entry is built once per loaded version and reused by every reply.
    pub entries: Vec<Arc<Entry>>,
    pub notes: Vec<String>,
}

/// One figure (or statement) with who said it, when, and where it was reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Who: "Vladimir Medinsky (RU)".
    pub who: String,
    /// What: "1,248 bodies", or a stance for characterisations.
    pub what: String,
    /// When and what it covers: "said 16 June 2025 · Stage 5 (final), 16 June 2025".
    pub details: Vec<String>,
    /// "unconfirmed", "superseded by RB25-F093", "retracted 1 July 2025: …".
    pub status: Option<String>,
    pub citations: Vec<CitationRef>,
    pub claim_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitationRef {
    pub outlet: Arc<str>,
    pub url: Arc<str>,
    pub published: Option<Date>,
    pub quote: Option<Arc<str>>,
}

/// Answers a query about one dataset. User mistakes (unknown names) come back as errors.
pub fn answer(data: &Dataset, query: &Query) -> Result<Reply, LookupError> {
    match query {
        Query::Total { quantity, claimant } => total::answer(data, quantity.as_deref(), claimant.as_deref()),
        Query::Stage { stage } => stage::answer(data, stage),
        Query::Discrepancy { quantity, stage } => discrepancy::answer(data, quantity.as_deref(), stage.as_deref()),
        Query::Checks { quantity, stage } => checks::answer(data, quantity.as_deref(), stage.as_deref()),
        Query::Source { claimant } => source::answer(data, claimant),
        Query::Timeline => Ok(timeline::answer(data)),
        Query::About => Ok(about::answer(data)),
    }
}

// Shared pieces the commands build replies from.

fn footer(data: &Dataset) -> String {
    format!(
        "{} · version {} · last reviewed {}",
        data.story.title, data.source.version, data.story.last_reviewed
    )
}

fn citation_ref(data: &Dataset, c: &Citation) -> CitationRef {
    CitationRef {
        outlet: data.outlets[c.outlet].name.clone(),
        url: c.url.clone(),
        published: c.published,
        quote: c.quote.clone(),
    }
}

fn status_text(data: &Dataset, status: &Status) -> Option<String> {
    match status {
        Status::Current => None,
        Status::Unconfirmed => Some("unconfirmed".to_string()),
        Status::Superseded { by } => Some(format!("superseded by {}", data.claims[*by].id)),
        Status::Retracted { on, reason } => Some(format!("retracted {on}: {reason}")),
    }
}

/// The figure with its unit and, where it differs, the original wording.
fn figure_text(data: &Dataset, claim: &Claim) -> String {
    let unit = &data.quantities[claim.quantity].unit;
    let mut text = claim.figure.with_unit(unit);
    if let Some(wording) = &claim.wording {
        text.push_str(&format!(" (“{wording}”)"));
    }
    text
}

fn side_tag(data: &Dataset, claimant: usize) -> String {
    let side = &data.sides[data.claimants[claimant].side];
    format!("{} ({})", data.claimants[claimant].name, side.id)
}

/// The entry for one claim, built once per loaded version. `show_scope` adds what the figure
/// covers (left out when the section heading already says so).
fn claim_entry(data: &Dataset, claim: &Claim, show_scope: bool) -> Arc<Entry> {
    let cache = data.derived.claim_entries.get_or_init(|| {
        data.claims
            .iter()
            .map(|c| {
                [
                    Arc::new(build_claim_entry(data, c, false)),
                    Arc::new(build_claim_entry(data, c, true)),
                ]
            })
            .collect()
    });
    cache[data.index_of(claim)][usize::from(show_scope)].clone()
}

/// What a figure counts and when: "bodies handed to Ukraine: Stage 5 (final), 16 June 2025";
/// a whole-story figure by its label alone ("size of the June deal").
fn scope_detail(data: &Dataset, claim: &Claim) -> String {
    let label = &data.quantities[claim.quantity].label;
    match claim.scope {
        crate::dataset::Scope::Whole => label.clone(),
        scope => format!("{label}: {}", data.scope_text(scope)),
    }
}

fn build_claim_entry(data: &Dataset, claim: &Claim, show_scope: bool) -> Entry {
    let who: Vec<String> = claim.claimants.iter().map(|&c| side_tag(data, c)).collect();
    let mut details = vec![format!("{} {}", said_or_reported(claim.reported), claim.said)];
    if show_scope {
        details.push(scope_detail(data, claim));
    }
    if let Some(event) = claim.event_date {
        details.push(format!("dates it {event}"));
    }
    if let Some(notes) = &claim.notes {
        details.push(notes.clone());
    }
    Entry {
        who: crate::dataset::join_and(&who),
        what: figure_text(data, claim),
        details,
        status: update_note(data, claim).or_else(|| status_text(data, &claim.status)),
        citations: citation_refs(data, &claim.citations),
        claim_id: Some(claim.id.clone()),
    }
}

/// For an earlier figure of a running total, "since updated to 1,414 deaths on 12 February
/// 2032 (QT-F003)": it is true for its own period, and this says it is no longer the latest.
/// Checks and breakdowns that use an earlier figure as a term flag it with this.
pub fn update_note(data: &Dataset, claim: &Claim) -> Option<String> {
    if !data.is_update(claim) {
        return None;
    }
    let latest = data.latest_update(claim);
    let unit = &data.quantities[latest.quantity].unit;
    Some(format!(
        "since updated to {} on {} ({})",
        latest.figure.with_unit(unit),
        latest.said,
        latest.id
    ))
}

/// A running total as one compact series, each figure with the last day it covers:
/// "430 (6 Feb) → 1,262 (7 Feb) → 1,414 (12 Feb) deaths".
pub fn series_text(data: &Dataset, series: &[&Claim]) -> String {
    let Some(first) = series.first() else {
        return String::new();
    };
    let unit = &data.quantities[first.quantity].unit;
    let end = |c: &Claim| match c.scope {
        Scope::Period(_, to) => Some(to),
        _ => None,
    };
    let years: std::collections::BTreeSet<u16> = series.iter().filter_map(|c| end(c)).map(|d| d.year).collect();
    let steps: Vec<String> = series
        .iter()
        .map(|c| {
            let figure = if unit == "%" {
                c.figure.with_unit(unit)
            } else {
                c.figure.to_string()
            };
            match end(c) {
                Some(d) if years.len() > 1 => format!("{figure} ({} {} {})", d.day, &d.month_name()[..3], d.year),
                Some(d) => format!("{figure} ({} {})", d.day, &d.month_name()[..3]),
                None => figure,
            }
        })
        .collect();
    let mut text = steps.join(" → ");
    if unit != "%" {
        text.push(' ');
        text.push_str(unit);
    }
    text
}

/// Whether an earlier figure of a running total is shown within its latest figure's series
/// rather than on its own. Only one earlier figure leads to each update; should an editor point
/// two at the same one, the other keeps its own entry, so that no figure goes missing.
fn folded_into_series(data: &Dataset, claim: &Claim) -> bool {
    data.is_update(claim) && data.in_latest_series(claim)
}

/// The entry for the latest figure of a running total, showing the whole series in one line
/// and citing every figure in it (latest first); a claim without updates gets its own entry.
fn series_entry(data: &Dataset, claim: &Claim, show_scope: bool) -> Arc<Entry> {
    let mut entry = claim_entry(data, claim, show_scope);
    // Most figures were never updated: no series to build.
    if data.updated_from(claim).is_none() {
        return entry;
    }
    let series = data.series(claim);
    if series.len() < 2 || !std::ptr::eq(series[series.len() - 1], claim) {
        return entry;
    }
    let earlier: Vec<String> = series[..series.len() - 1]
        .iter()
        .map(|c| format!("{} said {}", c.id, c.said))
        .collect();
    let e = Arc::make_mut(&mut entry);
    e.what = series_text(data, &series);
    e.details
        .push(format!("a running total, updated; earlier: {}", earlier.join(", ")));
    for c in series[..series.len() - 1].iter().rev() {
        for citation in &c.citations {
            if !e.citations.iter().any(|r| r.url == citation.url) {
                e.citations.push(citation_ref(data, citation));
            }
        }
    }
    entry
}

/// A figure's sources, each link once (a report can be cited twice for two quotes).
fn citation_refs(data: &Dataset, citations: &[Citation]) -> Vec<CitationRef> {
    let mut out: Vec<CitationRef> = Vec::new();
    for c in citations {
        if !out.iter().any(|o| o.url == c.url) {
            out.push(citation_ref(data, c));
        }
    }
    out
}

/// "on 16 June 2025", "in July 2025", "between 11 and 16 June 2025", or nothing for
/// whole-story figures.
fn scope_phrase(data: &Dataset, scope: Scope) -> String {
    match scope {
        Scope::Stage(s) => {
            let when = data.stages[s].when;
            match when.precision {
                crate::date::Precision::Day => format!(" on {when}"),
                crate::date::Precision::Month => format!(" in {when}"),
                crate::date::Precision::Window(until) => span_phrase(when.date, until),
            }
        }
        Scope::Period(from, to) => span_phrase(from, to),
        Scope::Whole => String::new(),
    }
}

fn span_phrase(from: Date, to: Date) -> String {
    if from == to {
        format!(" on {from}")
    } else if (from.year, from.month) == (to.year, to.month) {
        format!(" between {} and {to}", from.day)
    } else if from.year == to.year {
        // The year once: "between 19 January and 23 February 2032".
        format!(" between {} {} and {to}", from.day, from.month_name())
    } else {
        format!(" between {from} and {to}")
    }
}

use sentence::attributed_sentence;

/// Standing claims first, then by the order their sides and claimants appear in the file.
fn sort_claims(data: &Dataset, claims: &mut [&Claim]) {
    claims.sort_by_key(|c| (!c.status.stands(), data.side_of(c), c.claimants[0], c.said.date));
}

/// "said 16 June 2025", or "reported 20 January 2025" when only the report's date is known.
fn said_or_reported(reported: bool) -> &'static str {
    if reported { "reported" } else { "said" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_question_is_asked_by_its_name_on_the_command_line() {
        let ask = <Ask as clap::Subcommand>::augment_subcommands(clap::Command::new("ask"));
        let names: Vec<&str> = ask.get_subcommands().map(|c| c.get_name()).collect();
        assert_eq!(names, QUESTIONS.map(|q| q.name));
    }
}
