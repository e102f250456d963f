//! `checks [quantity | stage]`: every arithmetic check of the story, each with its terms and
//! verdict, contradictions first: what a fact sheet's consistency checks do by hand.

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
    let count = |v: Verdict| checks.iter().filter(|c| c.verdict == v).count();
    let mut lead = vec![format!(
        "{} — {} contradict, {} consistent, {} match, {} cannot be checked.",
        plural(checks.len(), "check", "checks"),
        count(Verdict::Contradicts),
        count(Verdict::Consistent),
        count(Verdict::Matches),
        count(Verdict::Unchecked)
    )];
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

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "matches — Ukraine's Coordination Headquarters: 6,057 bodies were handed to Ukraine, 11–16 June 2025".
fn heading(data: &Dataset, check: &Check) -> String {
    let stated = &data.claims[check.stated];
    let quantity = &data.quantities[stated.quantity];
    format!(
        "{} — {}: {} {}, {}",
        check.verdict.name(),
        data.claimant_names(&stated.claimants),
        stated.figure.with_unit(&quantity.unit),
        quantity.verb_phrase,
        data.scope_text(stated.scope)
    )
}

/// The check in one line, as `total` shows it under a stated total: "matches the sum of its 5
/// stages: 1,212 + 1,200 + 1,200 + 1,200 + 1,245 = 6,057".
pub fn one_line(data: &Dataset, check: &Check) -> String {
    let what = match check.kind {
        CheckKind::Stages if check.terms.iter().any(|t| matches!(t.piece, Piece::Period(..))) => {
            "the counts and stages it covers".to_string()
        }
        CheckKind::Stages => "its stages".to_string(),
        CheckKind::Breakdown(b) => {
            let parts: Vec<&str> = data.breakdowns[b]
                .parts
                .iter()
                .map(|&q| data.quantities[q].label.as_str())
                .collect();
            format!("its parts ({})", crate::dataset::join_and(&parts))
        }
    };
    let sum = sum_text(data, check);
    match check.verdict {
        Verdict::Unchecked => format!("cannot be checked against {what}: {}", check.missing.join("; ")),
        verdict => {
            let mut line = match check.terms.as_slice() {
                // One term is no sum: name the figure it is compared with.
                [term] => format!(
                    "{} the figure for {}: {}",
                    verdict_phrase(verdict),
                    piece_name(data, data.claims[check.stated].quantity, term.piece),
                    sum.rsplit(" = ").next().unwrap_or(&sum)
                ),
                _ => format!("{} the sum of {what}: {sum}", verdict_phrase(verdict)),
            };
            let stated = data.claims[check.stated].figure;
            if verdict == Verdict::Contradicts && check.exact && stated.is_exact() {
                line.push_str(&format!(", {} apart", (stated.value - check.low).abs()));
            }
            if !check.missing.is_empty() {
                line.push_str(&format!(" ({})", check.missing.join("; ")));
            }
            line
        }
    }
}

/// A check's line (see [`one_line`]) without its terms, for short replies: "matches the sum of
/// its stages: 6,057 bodies". `None` for a line that is not a check's.
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
    Some(match (line.split_once(": "), line.rsplit_once(" = ")) {
        (Some((what, _)), Some((_, sum))) => format!("{what}: {sum}"),
        _ => line.to_string(),
    })
}

fn verdict_phrase(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Matches => "matches",
        Verdict::Consistent => "is consistent with",
        Verdict::Contradicts => "contradicts",
        Verdict::Unchecked => "cannot be checked against",
    }
}

/// "1,212 + 1,200 = 2,412", terms named; a contested term shows its alternatives.
fn sum_text(data: &Dataset, check: &Check) -> String {
    let unit = &data.quantities[data.claims[check.stated].quantity].unit;
    let terms: Vec<String> = check.terms.iter().map(|t| term_value(data, &t.choice)).collect();
    let total = match (check.exact, check.high) {
        (true, _) => check.low.to_string(),
        (false, Some(high)) if high == check.low => high.to_string(),
        (false, Some(high)) => format!("{}–{}", check.low, high),
        (false, None) => format!("at least {}", check.low),
    };
    let total = if unit == "%" {
        format!("{total}%")
    } else {
        format!("{total} {unit}")
    };
    if terms.len() > 12 {
        return format!("{} terms = {total}", terms.len());
    }
    format!("{} = {total}", terms.join(" + "))
}

/// A term's value; a contested one as its two ends, each attributed ("(1,245 per … or 1,248
/// per …)").
fn term_value(data: &Dataset, choice: &Choice) -> String {
    match choice {
        Choice::One { claim, .. } => data.claims[*claim].figure.to_string(),
        Choice::Contested { claims } => {
            let end = |i: usize| {
                let c = &data.claims[i];
                format!("{} per {}", c.figure, data.claimant_names(&c.claimants))
            };
            let (first, last) = (claims[0], *claims.last().unwrap_or(&claims[0]));
            format!("({} or {})", end(first), end(last))
        }
        Choice::Missing => "?".to_string(),
    }
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
                    Basis::Own => "its own figure",
                    Basis::Side => "its side's figure",
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
/// given ("(its own figure; RB25-F001)"), flagged if unconfirmed.
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
