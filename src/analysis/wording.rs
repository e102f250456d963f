//! Checks in plain words (no Markdown): the one line that `total`, `checks` and discrepancy
//! headlines quote. Here, not in `answer`, because `diff` reports headlines and must not depend
//! on the answers.

use super::{Check, CheckKind, Choice, Piece, Verdict, piece_name};
use crate::dataset::{Dataset, Status, join_and};

/// The check in one line, as `total` shows it under a stated total: "matches the sum of the
/// stage figures: 1,212 + 1,200 + 1,200 + 1,200 + 1,245 = 6,057 bodies".
pub fn one_line(data: &Dataset, check: &Check) -> String {
    let what = match check.kind {
        CheckKind::Stages if check.terms.iter().any(|t| matches!(t.piece, Piece::Period(..))) => {
            "the counts and stage figures for its period".to_string()
        }
        // "The stage figures", not "its stages": the terms are often other claimants' figures.
        CheckKind::Stages => "the stage figures".to_string(),
        CheckKind::Breakdown(b) => {
            let parts: Vec<&str> = data.breakdowns[b]
                .parts
                .iter()
                .map(|&q| data.quantities[q].label.as_str())
                .collect();
            format!("the parts ({})", join_and(&parts))
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
            // A match that rests on an unconfirmed figure says so in the line itself.
            // Pieces by their short names: the terms, with dates, are listed in full elsewhere.
            let unconfirmed: Vec<String> = check
                .terms
                .iter()
                .filter(|t| matches!(t.choice, Choice::One { claim, .. } if data.claims[claim].status == Status::Unconfirmed))
                .map(|t| match t.piece {
                    Piece::Stage(s) => data.stages[s].name.clone(),
                    piece => piece_name(data, data.claims[check.stated].quantity, piece),
                })
                .collect();
            match unconfirmed.as_slice() {
                [] => {}
                [one] => line.push_str(&format!(" (the figure for {one} is unconfirmed)")),
                many => line.push_str(&format!(" (the figures for {} are unconfirmed)", join_and(many))),
            }
            line
        }
    }
}

/// How a check's line opens for each verdict.
pub fn verdict_phrase(verdict: Verdict) -> &'static str {
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
        Choice::Missing => "(no figure)".to_string(),
    }
}

/// "3 claims", "1 claim".
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The first letter in upper case.
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
