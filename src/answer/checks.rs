//! `checks [quantity | stage]`: every arithmetic check of the story, each with its terms and
//! verdict, contradictions first: what a fact sheet's consistency checks do by hand.

use crate::analysis::wording::{counted, one_line, verdict_phrase};
use crate::analysis::{Basis, Check, CheckKind, Choice, Piece, Verdict, analysis, piece_name};
use crate::dataset::{Dataset, Scope, Status};
use crate::error::LookupError;

use super::{Query, Question, Reply, Section, capitalise, footer};

pub const QUESTION: Question = Question {
    name: "checks",
    description: "Whether the stated totals add up: every sum, its terms and its verdict",
    options: &super::discrepancy::QUANTITY_OR_STAGE,
    from_options: |option| Query::Checks {
        quantity: option("quantity"),
        stage: option("stage"),
    },
    narrowing_hint: "the `stage`/`quantity` option",
};

/// `figures-bot ask checks [QUANTITY|STAGE]`
#[derive(Debug, clap::Args)]
#[command(about = QUESTION.description)]
pub struct Args {
    /// Only this quantity or stage ("bodies-to-russia", "final").
    #[arg(value_name = "QUANTITY|STAGE")]
    words: Vec<String>,
}

impl Args {
    /// The words name a quantity if they can, else a stage.
    pub fn query(self, data: &Dataset) -> Result<Query, String> {
        let (quantity, stage) = super::discrepancy::quantity_or_stage(data, &self.words)?;
        Ok(Query::Checks { quantity, stage })
    }
}

/// The checks a question selects, contradictions first (then consistent, matching, unchecked),
/// in file order within each verdict.
pub fn selected<'a>(
    data: &'a Dataset,
    quantity: Option<&str>,
    stage: Option<&str>,
) -> Result<Vec<&'a Check>, LookupError> {
    let checks = &analysis(data).checks;
    Ok(selected_indices(data, quantity, stage)?
        .into_iter()
        .map(|i| &checks[i])
        .collect())
}

/// As [`selected`], by position in [`crate::analysis::Analysis::checks`].
fn selected_indices(data: &Dataset, quantity: Option<&str>, stage: Option<&str>) -> Result<Vec<usize>, LookupError> {
    let quantity = quantity.map(|q| data.find_quantity(q)).transpose()?;
    let stage = stage.map(|s| data.find_stage(s)).transpose()?;
    let checks = &analysis(data).checks;
    let mut chosen: Vec<usize> = (0..checks.len())
        .filter(|&i| {
            let c = &checks[i];
            let stated = &data.claims[c.stated];
            let about_quantity = quantity.is_none_or(|q| {
                stated.quantity == q
                    || matches!(c.kind, CheckKind::Breakdown(b) if data.breakdowns[b].parts.contains(&q))
            });
            let about_stage = stage
                .is_none_or(|s| stated.scope == Scope::Stage(s) || c.terms.iter().any(|t| t.piece == Piece::Stage(s)));
            about_quantity && about_stage
        })
        .collect();
    chosen.sort_by_key(|&i| checks[i].verdict);
    Ok(chosen)
}

pub fn answer(data: &Dataset, quantity: Option<&str>, stage: Option<&str>) -> Result<Reply, LookupError> {
    let chosen = selected_indices(data, quantity, stage)?;
    let all = &analysis(data).checks;
    let checks: Vec<&Check> = chosen.iter().map(|&i| &all[i]).collect();
    let mut lead = vec![count_line(&checks)];
    if checks.is_empty() {
        lead = vec!["No stated total here can be checked against stage figures or parts.".to_string()];
    }
    // Each check's section is written once per loaded version: a reply only picks them.
    let written = data.derived.check_sections.get_or_init(|| {
        all.iter()
            .map(|c| Section {
                heading: heading(data, c),
                entries: Vec::new(),
                notes: lines(data, c),
            })
            .collect()
    });
    let sections = chosen.iter().map(|&i| written[i].clone()).collect();
    Ok(Reply {
        title: "Checks — do the totals add up?".to_string(),
        lead,
        sections,
        sentence: None,
        footer: footer(data),
    })
}

/// "3 checks: 1 contradicts, 1 is consistent, 1 matches.": each verdict with a verb that agrees
/// with its count, in the order the checks are listed; a verdict no check has is left out.
fn count_line(checks: &[&Check]) -> String {
    let verdicts = [
        Verdict::Contradicts,
        Verdict::Consistent,
        Verdict::Matches,
        Verdict::Unchecked,
    ];
    let counts: Vec<String> = verdicts
        .iter()
        .map(|&v| (v, checks.iter().filter(|c| c.verdict == v).count()))
        .filter(|&(_, n)| n > 0)
        .map(|(v, n)| format!("{n} {}", verdict_verb(v, n)))
        .collect();
    format!("{}: {}.", counted(checks.len(), "check", "checks"), counts.join(", "))
}

/// The verdict as a verb for `n` checks: "contradicts" / "contradict", "is consistent" / "are
/// consistent", "cannot be checked" (the same words as a check's own line).
fn verdict_verb(verdict: Verdict, n: usize) -> &'static str {
    let one = n == 1;
    match verdict {
        Verdict::Contradicts if one => "contradicts",
        Verdict::Contradicts => "contradict",
        Verdict::Consistent if one => "is consistent",
        Verdict::Consistent => "are consistent",
        Verdict::Matches if one => "matches",
        Verdict::Matches => "match",
        Verdict::Unchecked => "cannot be checked",
    }
}

/// A check's heading opens with its verdict as the reader knows it: "unchecked" is JSON's word;
/// a reply says "cannot be checked", as the count line and the check's own line do.
fn verdict_heading(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Unchecked => verdict_verb(verdict, 1),
        verdict => verdict.name(),
    }
}

/// "matches — Ukraine's Coordination Headquarters: 6,057 bodies were handed to Ukraine, 11–16 June 2025".
fn heading(data: &Dataset, check: &Check) -> String {
    let stated = &data.claims[check.stated];
    let quantity = &data.quantities[stated.quantity];
    format!(
        "{} — {}: {} {}, {}",
        verdict_heading(check.verdict),
        data.claimant_names(&stated.claimants),
        stated.figure.with_unit(&quantity.unit),
        quantity.verb_phrase,
        data.scope_text(stated.scope)
    )
}

/// A check's line (see [`one_line`]) without its terms, for short replies: "matches the stage
/// figures: 6,057 bodies". `None` for a line that is not a check's.
pub(super) fn short_line(line: &str) -> Option<String> {
    let verdicts = [
        Verdict::Matches,
        Verdict::Consistent,
        Verdict::Contradicts,
        Verdict::Unchecked,
    ];
    if !verdicts.iter().any(|&v| line.starts_with(verdict_phrase(v))) {
        return None;
    }
    // Without the terms, "the sum of" goes too: "matches the stage figures: 6,057 bodies".
    let line = line.replacen(" the sum of ", " ", 1);
    Some(match (line.split_once(": "), line.rsplit_once(" = ")) {
        (Some((what, _)), Some((_, sum))) => format!("{what}: {sum}"),
        _ => line,
    })
}

/// The check's lines: the sum, then each term with who said it.
fn lines(data: &Dataset, check: &Check) -> Vec<String> {
    let mut lines = vec![capitalise(&one_line(data, check))];
    lines.extend(term_lines(data, check));
    lines
}

/// Each term of a check with who said it, for an editor to redo the sum by hand.
pub(super) fn term_lines(data: &Dataset, check: &Check) -> Vec<String> {
    let mut lines = Vec::new();
    for term in &check.terms {
        let stated_quantity = data.claims[check.stated].quantity;
        let piece = piece_name(data, stated_quantity, term.piece);
        lines.push(match &term.choice {
            Choice::One { claim, basis } => {
                let whose = match basis {
                    Basis::Own => "same claimant as the total",
                    Basis::Side => "same side as the total",
                    Basis::Agreed => "the only figure given, or all agree",
                };
                let updated = super::update_note(data, &data.claims[*claim])
                    .map(|n| format!(", {n}"))
                    .unwrap_or_default();
                format!("{piece}: {}{updated}", attributed(data, *claim, Some(whose)))
            }
            Choice::Contested { claims } => {
                let alternatives: Vec<String> = claims.iter().map(|&i| attributed(data, i, None)).collect();
                format!("{piece}: contested — {}", alternatives.join(" or "))
            }
            Choice::Missing => format!("{piece}: no figure"),
        });
    }
    lines
}

/// "1,245 per Ukraine's Coordination Headquarters (RB25-F001)", with why it was chosen when
/// given ("(same claimant as the total; RB25-F001)"), flagged if unconfirmed.
fn attributed(data: &Dataset, claim: usize, whose: Option<&str>) -> String {
    let c = &data.claims[claim];
    let why = whose.map(|w| format!("{w}; ")).unwrap_or_default();
    format!(
        "{} per {} ({why}{}){}",
        c.figure,
        data.claimant_names(&c.claimants),
        c.id,
        unconfirmed(c.status == Status::Unconfirmed)
    )
}

fn unconfirmed(flag: bool) -> &'static str {
    if flag { " ⚠ unconfirmed" } else { "" }
}
