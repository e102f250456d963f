//! The paste-ready sentence, in wire style: one clause per side's figure, parties first, each
//! figure with its own claimant; titles from the claimant's role; past tense; unconfirmed
//! figures flagged in the sentence itself.

use std::collections::HashSet;

use super::{capitalise, scope_phrase};
use crate::dataset::{Claim, Dataset, Status};
use crate::date::Date;
use crate::figure::Figure;

/// One clause: a figure, who gave it, and whether it needs a date or a flag.
struct Clause {
    figure: Figure,
    claimants: Vec<usize>,
    said: Date,
    unconfirmed: bool,
}

/// "Ukraine's Coordination Headquarters … said 6,057 bodies were handed to Ukraine between 11
/// and 16 June 2025; Vladimir Medinsky, aide to the Russian president, and Russia's Defence
/// Ministry put it at 6,060."
///
/// Per party side: its confirmed exact figures (a rounding of one of them left out); only when
/// it has none, its bounds and roundings. A party's unconfirmed figure is kept only with the
/// flag. Outlets' own figures are added when no party gives a confirmed exact figure, and lead
/// when no party gives any.
pub(super) fn attributed_sentence(data: &Dataset, claims: &[&Claim]) -> Option<String> {
    let standing: Vec<&Claim> = claims.iter().copied().filter(|c| c.status.stands()).collect();
    let first = standing.first()?;
    let quantity = &data.quantities[first.quantity];
    let is_outlet = |c: &Claim| data.sides[data.side_of(c)].is_outlet;
    let mut sides: Vec<usize> = standing.iter().map(|c| data.side_of(c)).collect();
    sides.sort_by_key(|&s| (data.sides[s].is_outlet, s));
    sides.dedup();
    let party_exact = standing
        .iter()
        .any(|c| !is_outlet(c) && c.status == Status::Current && c.figure.is_exact());
    let any_party = standing.iter().any(|c| !is_outlet(c));
    let mut clauses: Vec<Clause> = Vec::new();
    for side in sides {
        let own: Vec<&Claim> = standing.iter().copied().filter(|c| data.side_of(c) == side).collect();
        if data.sides[side].is_outlet && party_exact {
            continue;
        }
        let confirmed: Vec<&Claim> = own.iter().copied().filter(|c| c.status == Status::Current).collect();
        let exact: Vec<&Claim> = confirmed.iter().copied().filter(|c| c.figure.is_exact()).collect();
        // Each outlet counts on its own, so only a party's figures can be another's rounding.
        let mut chosen: Vec<&Claim> = if exact.is_empty() {
            confirmed.clone()
        } else if data.sides[side].is_outlet {
            exact
        } else {
            exact
                .iter()
                .copied()
                .filter(|c| !is_rounding(c.figure, &exact))
                .collect()
        };
        // A party's unconfirmed figures go in flagged; an outlet's only when nothing else does.
        if !data.sides[side].is_outlet || !any_party {
            let flagged: Vec<&Claim> = own
                .iter()
                .copied()
                .filter(|c| c.status != Status::Current && !chosen.iter().any(|k| k.figure == c.figure))
                .collect();
            chosen.extend(flagged);
        }
        for claim in chosen {
            let unconfirmed = claim.status != Status::Current;
            match clauses
                .iter_mut()
                .find(|k| k.figure == claim.figure && k.unconfirmed == unconfirmed && same_side(data, k, claim))
            {
                Some(clause) => {
                    for &c in &claim.claimants {
                        if !clause.claimants.contains(&c) {
                            clause.claimants.push(c);
                        }
                    }
                    clause.said = clause.said.min(claim.said.date);
                }
                None => clauses.push(Clause {
                    figure: claim.figure,
                    claimants: claim.claimants.clone(),
                    said: claim.said.date,
                    unconfirmed,
                }),
            }
        }
    }
    // Parties first; within a side, confirmed figures before flagged ones.
    clauses.sort_by_key(|k| {
        let side = data.claimants[k.claimants[0]].side;
        (data.sides[side].is_outlet, k.unconfirmed)
    });
    let lead = clauses.first()?;
    // A claimant in two clauses gave two figures: each is dated.
    let mut seen = HashSet::new();
    let mut twice = HashSet::new();
    for clause in &clauses {
        for &c in &clause.claimants {
            if !seen.insert(c) {
                twice.insert(c);
            }
        }
    }
    let today = Date::today();
    let mut titled = HashSet::new();
    let mut parts = Vec::new();
    for (i, clause) in clauses.iter().enumerate() {
        let who = names(data, &clause.claimants, &mut titled);
        let dated = clause.claimants.iter().any(|c| twice.contains(c));
        let on = if dated {
            format!(" on {}", short_date(clause.said, lead.said))
        } else {
            String::new()
        };
        let past = clause.said < today;
        let figure = if i == 0 {
            format!(
                "{} {}{}",
                clause.figure.with_unit(&quantity.unit),
                quantity.verb_phrase,
                scope_phrase(data, first.scope)
            )
        } else if quantity.unit == "%" {
            // "at about 15%", never "at about 15": a bare percentage reads as a count.
            clause.figure.with_unit(&quantity.unit)
        } else {
            clause.figure.to_string()
        };
        let that = if dated && i == 0 { " that" } else { "" };
        parts.push(match (i == 0, clause.unconfirmed) {
            (true, false) => format!("{who} {}{on}{that} {figure}", if past { "said" } else { "says" }),
            // The other side agreeing is news too, but its own clause.
            (false, false) if clauses[..i].iter().any(|k| k.figure == clause.figure && !k.unconfirmed) => {
                format!("{who} {} the same figure{on}", if past { "gave" } else { "gives" })
            }
            (false, false) => format!("{who} {} it at {figure}{on}", if past { "put" } else { "puts" }),
            (true, true) => {
                format!("reports quoted {who} as saying{on}{that} {figure}, which could not be confirmed")
            }
            (false, true) => {
                format!("reports quoted {who} as putting it at {figure}{on}, which could not be confirmed")
            }
        });
    }
    Some(capitalise(&format!("{}.", parts.join("; "))))
}

fn same_side(data: &Dataset, clause: &Clause, claim: &Claim) -> bool {
    data.claimants[clause.claimants[0]].side == data.side_of(claim)
}

/// 6,000 beside 6,060 from the same side: a rounding of a more precise figure.
/// (In millionths, so decimals compare too: 7.8 beside 7.81.)
pub(super) fn is_rounding(figure: Figure, exact: &[&Claim]) -> bool {
    let value = figure.value.micros();
    let zeros = trailing_zeros(value);
    let step = 10_i128.pow(zeros);
    exact.iter().any(|c| {
        let other = c.figure.value.micros();
        trailing_zeros(other) < zeros && zeros > 6 && (other - value).abs() < step
    })
}

pub(super) fn trailing_zeros(mut v: i128) -> u32 {
    let mut n = 0;
    while v != 0 && v % 10 == 0 {
        v /= 10;
        n += 1;
    }
    n
}

/// Names for a clause, each person titled from their role at first mention:
/// "Vladimir Medinsky, aide to the Russian president,". Outlets lose their "(own tally)".
fn names(data: &Dataset, claimants: &[usize], titled: &mut HashSet<usize>) -> String {
    let parts: Vec<String> = claimants
        .iter()
        .map(|&c| {
            let claimant = &data.claimants[c];
            // Clauses are split by semicolons; a name's own become commas.
            let name = if data.sides[claimant.side].is_outlet {
                super::stage::outlet_name(&claimant.name)
            } else {
                &claimant.name
            };
            let name = name.replace("; ", ", ");
            // "Mayor Ana Ruiz" carries her title already.
            let has_title = |title: &str| {
                let word = title.split(' ').next().unwrap_or_default();
                name.to_lowercase().split(' ').any(|w| w == word)
            };
            match claimant.role.as_deref().and_then(title) {
                Some(title) if !has_title(&title) && titled.insert(c) => format!("{name}, {title},"),
                _ => name,
            }
        })
        .collect();
    crate::dataset::join_and(&parts)
}

/// A role's first part as an appositive title, lower case up to its "of" or "to", as wire copy
/// writes titles after a name: "Defence Minister of Ukraine" → "defence minister of Ukraine".
fn title(role: &str) -> Option<String> {
    let first = role.split(';').next()?.trim();
    if first.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    let mut lower = true;
    for word in first.split(' ') {
        if word == "of" || word == "to" {
            lower = false;
        }
        out.push(if lower { word.to_lowercase() } else { word.to_string() });
    }
    Some(out.join(" "))
}

/// "19 June", with the year only when it differs from the lead's.
fn short_date(date: Date, lead: Date) -> String {
    if date.year == lead.year {
        format!("{} {}", date.day, date.month_name())
    } else {
        date.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_read_as_wire_copy_writes_them() {
        assert_eq!(
            title("Defence Minister of Ukraine; head of the delegation").as_deref(),
            Some("defence minister of Ukraine")
        );
        assert_eq!(
            title("Aide to the Russian president").as_deref(),
            Some("aide to the Russian president")
        );
        assert_eq!(title("Lieutenant General").as_deref(), Some("lieutenant general"));
    }
}
