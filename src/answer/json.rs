//! Answers as one JSON document (`figures-bot ask --format json`), for scripts and graphics
//! desks. `discrepancy` and `checks` give their items with the ids of every claim involved;
//! every other question gives its reply as data.

use serde_json::{Value, json};

use super::{Query, Reply, answer, checks, discrepancy};
use crate::analysis::{Check, Choice, Piece};
use crate::dataset::Dataset;
use crate::error::LookupError;
use crate::figure::Number;

pub fn json(data: &Dataset, query: &Query) -> Result<Value, LookupError> {
    Ok(match query {
        Query::Checks { quantity, stage } => {
            let checks = checks::selected(data, quantity.as_deref(), stage.as_deref())?;
            json!({ "checks": checks.iter().map(|c| check(data, c)).collect::<Vec<_>>() })
        }
        Query::Discrepancy { quantity, stage } => {
            let found = discrepancy::selected(data, quantity.as_deref(), stage.as_deref())?;
            let items: Vec<Value> = found
                .iter()
                .map(|d| {
                    // Characterisation items index characterisations, the rest claims.
                    let ids: Vec<&str> = if d.found.topic.is_some() {
                        d.found
                            .claims
                            .iter()
                            .map(|&i| data.characterisations[i].id.as_str())
                            .collect()
                    } else {
                        d.found.claims.iter().map(|&i| data.claims[i].id.as_str()).collect()
                    };
                    json!({
                        "kind": format!("{:?}", d.found.kind),
                        "label": d.found.kind.label(),
                        "headline": d.found.headline,
                        "difference": d.found.difference.map(number),
                        "quantity": d.found.quantity.map(|q| data.quantities[q].id.as_str()),
                        "claims": ids,
                        "details": d.details,
                        "editorial_notes": d.notes,
                    })
                })
                .collect();
            json!({ "discrepancies": items })
        }
        other => reply(&answer(data, other)?),
    })
}

fn check(data: &Dataset, c: &Check) -> Value {
    let terms: Vec<&str> = c.term_claims().iter().map(|&i| data.claims[i].id.as_str()).collect();
    let pieces: Vec<Value> = c
        .terms
        .iter()
        .map(|t| {
            let piece = match t.piece {
                Piece::Stage(s) => json!({ "stage": data.stages[s].id }),
                Piece::Period(from, to) => json!({ "period": { "from": from.iso(), "to": to.iso() } }),
                Piece::Part(q) => json!({ "part": data.quantities[q].id }),
            };
            let claims: Vec<&str> = match &t.choice {
                Choice::One { claim, .. } => vec![data.claims[*claim].id.as_str()],
                Choice::Contested { claims } => claims.iter().map(|&i| data.claims[i].id.as_str()).collect(),
                Choice::Missing => Vec::new(),
            };
            json!({ "piece": piece, "claims": claims, "contested": matches!(t.choice, Choice::Contested { .. }) })
        })
        .collect();
    json!({
        "kind": c.kind.name(),
        "stated": data.claims[c.stated].id,
        "terms": terms,
        "pieces": pieces,
        "verdict": c.verdict.name(),
        "sum": { "low": number(c.low), "high": c.high.map(number), "exact": c.exact },
        "missing": c.missing,
    })
}

/// A whole number as a JSON number; a decimal as a string with its written digits ("7.8"), so
/// that no reader turns it into a binary float.
fn number(n: Number) -> Value {
    match n.as_i64() {
        Some(i) if n.places() == 0 => json!(i),
        _ => json!(n.to_string().replace(',', "")),
    }
}

fn reply(r: &Reply) -> Value {
    let sections: Vec<Value> = r
        .sections
        .iter()
        .map(|s| {
            let entries: Vec<Value> = s
                .entries
                .iter()
                .map(|e| {
                    let citations: Vec<Value> = e
                        .citations
                        .iter()
                        .map(|c| json!({ "outlet": &*c.outlet, "url": &*c.url, "published": c.published.map(|d| d.iso()) }))
                        .collect();
                    json!({
                        "who": e.who, "what": e.what, "details": e.details, "status": e.status,
                        "claim": e.claim_id, "citations": citations,
                    })
                })
                .collect();
            json!({ "heading": s.heading, "entries": entries, "notes": s.notes })
        })
        .collect();
    json!({
        "title": r.title, "lead": r.lead, "sections": sections, "sentence": r.sentence, "footer": r.footer,
    })
}
