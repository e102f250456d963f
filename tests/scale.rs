//! Big valid stories are answered in linear or n log n time: 30,000 claims about one stage, and
//! a supersession chain 10,000 claims long. Before, `discrepancy` on the first listed every
//! conflicting pair (over 20 s and 6.9 GB) and loading the second walked the rest of the chain
//! from every claim (over 20 s); a test run survived neither. The times themselves are measured
//! by `cargo bench --bench core -- scale`, not asserted here.

use std::collections::HashSet;
use std::path::Path;

use figures_bot::answer::{DiscrepancyKind, Query, discrepancies};
use figures_bot::dataset::{Scope, Status};
use figures_bot::{Dataset, LoadError, answer, diff};

#[path = "../benches/support/story.rs"]
#[allow(dead_code)] // the benchmarks' generator; not every function of it is used here
mod story;
use story::{Shape, generate_shaped};

fn load(text: &str) -> Dataset {
    Dataset::from_bytes(text.as_bytes(), Path::new("generated.toml"))
        .unwrap_or_else(|e| panic!("the generated file must be valid:\n{e}"))
}

#[test]
fn discrepancy_on_30000_claims_of_one_stage() {
    let data = load(&generate_shaped(30_000, Shape::OneStage));
    assert_eq!(data.claims.len(), 30_000);
    let stage = data.stages.iter().position(|s| s.id == "stage-0").expect("stage-0");
    let standing: Vec<usize> = (0..data.claims.len())
        .filter(|&i| data.claims[i].status.stands())
        .collect();

    let found = discrepancies(&data);
    // Nothing but the one group: no periods, no event dates, no characterisations.
    assert_eq!(
        found.len(),
        1,
        "{:#?}",
        found.iter().map(|d| &d.found.headline).collect::<Vec<_>>()
    );
    let d = &found[0];
    assert_eq!(d.found.kind, DiscrepancyKind::BetweenParties);
    assert_eq!((d.found.quantity, d.found.scope), (Some(0), Some(Scope::Stage(stage))));
    assert_eq!(d.found.claims, standing, "every standing claim, in file order");

    // Distinct figures, in order of first appearance, exact figures first and parties' before
    // outlets'.
    let mut distinct = Vec::new();
    let mut seen = HashSet::new();
    for &i in &standing {
        if seen.insert(data.claims[i].figure) {
            distinct.push(data.claims[i].figure);
        }
    }
    let by_party = |f: &figures_bot::figure::Figure| {
        standing
            .iter()
            .any(|&i| data.claims[i].figure == *f && !data.sides[data.side_of(&data.claims[i])].is_outlet)
    };
    distinct.sort_by_key(|f| (!f.is_exact(), !by_party(f)));
    // One position per figure and giver: a party by its side, an outlet by itself.
    let givers: HashSet<_> = standing
        .iter()
        .map(|&i| {
            let c = &data.claims[i];
            let side = data.side_of(c);
            let giver = if data.sides[side].is_outlet {
                c.claimants.clone()
            } else {
                vec![usize::MAX, side]
            };
            (c.figure, giver)
        })
        .collect();
    assert_eq!(d.positions.len(), givers.len());
    let values: Vec<String> = distinct.iter().map(|f| f.to_string()).collect();
    assert!(d.found.headline.starts_with("Stage 0, "), "{}", d.found.headline);
    assert!(d.found.headline.contains(&values.join(" vs ")));
    // The gap is between the parties' most precise exact figures (fewest trailing zeros, the
    // first in the file among equals), one per side.
    let zeros = |v: figures_bot::figure::Number| {
        let mut v = v.micros();
        let mut n = 0;
        while v != 0 && v % 10 == 0 {
            v /= 10;
            n += 1;
        }
        n
    };
    let mut best: std::collections::HashMap<usize, figures_bot::figure::Number> = std::collections::HashMap::new();
    for &i in &standing {
        let c = &data.claims[i];
        if c.figure.is_exact() && !data.sides[data.side_of(c)].is_outlet {
            let b = best.entry(data.side_of(c)).or_insert(c.figure.value);
            if zeros(c.figure.value) < zeros(*b) {
                *b = c.figure.value;
            }
        }
    }
    let (low, high) = (best.values().min().unwrap(), best.values().max().unwrap());
    assert_eq!(d.found.difference, Some(*high - *low));

    // The notes whose claims all stand attach, in file order.
    let noted: Vec<&str> = data
        .editorial_notes
        .iter()
        .filter(|n| n.claims.iter().all(|c| data.claims[*c].status.stands()))
        .map(|n| n.text.as_str())
        .collect();
    assert!(!noted.is_empty());
    assert_eq!(d.notes, noted);

    let reply = answer(
        &data,
        &Query::Discrepancy {
            quantity: None,
            stage: None,
        },
    )
    .unwrap();
    assert_eq!(reply.lead, ["1 disagreement, most important first."]);
    assert_eq!(reply.sections.len(), 1);
    assert!(reply.sentence.is_some());

    // A diff computes the discrepancies of both versions.
    let again = load(&generate_shaped(30_000, Shape::OneStage));
    assert!(diff::diff(&data, &again).is_empty());
}

#[test]
fn chain_of_10000_supersessions_loads() {
    let n = 10_000;
    let data = load(&generate_shaped(n, Shape::Chain));
    assert_eq!(data.claims.len(), n);
    for (i, claim) in data.claims.iter().enumerate().take(n - 1) {
        assert_eq!(claim.status, Status::Superseded { by: i + 1 }, "{}", claim.id);
    }
    assert!(data.claims[n - 1].status.stands());
    // One standing claim: nothing to disagree with.
    assert!(discrepancies(&data).is_empty());
}

#[test]
fn chain_of_10000_closed_into_a_loop_is_reported_once_at_its_first_member() {
    let n = 10_000;
    let text = generate_shaped(n, Shape::Chain);
    // The last claim, which stands, is made superseded by the middle one: C-005000 → … →
    // C-009999 → C-005000 is a loop, and C-000000 … C-004999 lead into it.
    let last = text.find("id = \"C-009999\"\n").expect("the last claim");
    let end = text[last..].find("[[claim.citation]]").expect("its citations") + last;
    let block = text[last..end].replace("status = \"unconfirmed\"\n", "").replacen(
        '\n',
        "\nstatus = \"superseded\"\nsuperseded_by = \"C-005000\"\n",
        1,
    );
    let text = format!("{}{block}{}", &text[..last], &text[end..]);

    let problems = match Dataset::from_bytes(text.as_bytes(), Path::new("generated.toml")) {
        Err(LoadError::Invalid(problems)) => problems,
        other => panic!(
            "expected the loop to be reported, got {:?}",
            other.map(|d| d.claims.len())
        ),
    };
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let members: Vec<String> = (5_000..n).chain([5_000]).map(|i| format!("C-{i:06}")).collect();
    assert_eq!(
        problems[0].message,
        format!("`superseded_by` loops: {}", members.join(" → "))
    );
    let first = text.find("id = \"C-005000\"").unwrap();
    let line = text[..first].matches('\n').count() + 1;
    assert_eq!((problems[0].line, problems[0].col), (line, 6));
}
