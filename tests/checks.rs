//! The arithmetic (`analysis`, the `checks` question and `--format json`) on the bundled data,
//! where the fact sheet's consistency checks give the expected verdicts, and on an invented story
//! of another shape (stage figures scattered across claimants, outlets' running totals, a
//! contested stage, counts that reach back before the stages, breakdowns).

use std::collections::BTreeMap;
use std::path::Path;

use figures_bot::Dataset;
use figures_bot::analysis::{Verdict, analysis};
use figures_bot::answer::{DiscrepancyKind, Query, discrepancies, json};
use figures_bot::figure::Number;

fn load(path: &str) -> Dataset {
    Dataset::load(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).expect("loads")
}

/// "stated claim id [kind]" → verdict, for every check of the story.
/// The `checks` answer for the whole story.
fn all_checks(data: &Dataset) -> figures_bot::answer::Reply {
    let all = Query::Checks {
        quantity: None,
        stage: None,
    };
    figures_bot::answer(data, &all).unwrap()
}

fn verdicts(data: &Dataset) -> BTreeMap<String, Vec<&'static str>> {
    let mut out: BTreeMap<String, Vec<&'static str>> = BTreeMap::new();
    for c in &analysis(data).checks {
        out.entry(format!("{} {}", data.claims[c.stated].id, c.kind.name()))
            .or_default()
            .push(c.verdict.name());
    }
    out
}

fn verdict(data: &Dataset, key: &str) -> Vec<&'static str> {
    verdicts(data)
        .get(key)
        .cloned()
        .unwrap_or_else(|| panic!("no check for {key}: {:?}", verdicts(data)))
}

#[test]
fn the_fact_sheets_consistency_checks_are_reproduced() {
    let data = load("data/repatriation-2025.toml");
    // RB25-C01, C02: each side's stage figures add up to its own June total.
    assert_eq!(verdict(&data, "RB25-F060 stages"), ["matches"]);
    assert_eq!(verdict(&data, "RB25-F061 stages"), ["matches"]);
    // C03: Umerov's weekly total; C04: the two-stage tallies (the Kyiv Independent's stage 1
    // term is contested by an outlet's "more than 1,212", so it is consistent, not exact).
    assert_eq!(verdict(&data, "RB25-F051 stages"), ["matches"]);
    assert_eq!(verdict(&data, "RB25-F043 stages"), ["matches"]);
    assert_eq!(verdict(&data, "RB25-F033 stages"), ["consistent"]);
    // C05: 78 adds up; 57 and 79 do not.
    assert_eq!(verdict(&data, "RB25-F007 stages"), ["matches"]);
    assert_eq!(verdict(&data, "RB25-F071 stages"), ["contradicts"]);
    assert_eq!(verdict(&data, "RB25-F074 stages"), ["contradicts"]);
    // C07: Euromaidan's 15,801 = its own 9,744 to May + the June stages (stage 5 contested
    // between 1,245 and 1,248, so a range that holds 15,801).
    assert_eq!(verdict(&data, "RB25-F062.total stages"), ["consistent"]);
    // C08: Lavrov's "more than 11,000" fits 11,060 (Ukraine's 1,000 for 18 September, for
    // which Russia gave no figure); his 201 received matches exactly.
    assert_eq!(verdict(&data, "RB25-F096.handed-more-than stages"), ["consistent"]);
    // C09: 1,003 + 26 = 1,029 exchanged (the breakdown by direction; other versions of the
    // Medinsky post make both terms contested, and the range holds 1,029).
    assert_eq!(verdict(&data, "RB25-F095 breakdown"), ["consistent"]);
    // C10: the seed's 51 + 27 earlier = 78.
    let f007 = analysis(&data)
        .checks
        .iter()
        .find(|c| data.claims[c.stated].id == "RB25-F007")
        .unwrap();
    assert_eq!(
        (f007.low, f007.high, f007.exact),
        (Number::int(78), Some(Number::int(78)), true)
    );
    // A count that nothing before the stages covers says so, and is no discrepancy.
    let early = analysis(&data)
        .checks
        .iter()
        .find(|c| data.claims[c.stated].id == "RB25-F062.before-june")
        .unwrap();
    assert_eq!(early.verdict, Verdict::Unchecked);
    assert_eq!(
        early.missing,
        ["no count covers 24 February 2022 – 31 May 2025 (before the story's stages)"]
    );
}

#[test]
fn c11_the_final_stage_gap_is_the_total_gap() {
    let data = load("data/repatriation-2025.toml");
    let totals = &discrepancies(&data)[0];
    assert_eq!(totals.found.kind, DiscrepancyKind::BetweenParties);
    assert_eq!(totals.found.difference, Some(Number::int(3)));
    assert!(
        totals
            .details
            .iter()
            .any(|d| d.contains("lies entirely in Stage 5 (final)"))
    );
}

#[test]
fn every_verdict_of_the_invented_ceasefire_story() {
    let data = load("tests/data/invented-ceasefire-exchanges.toml");
    let expected: BTreeMap<String, Vec<&str>> = [
        // The official phase total: three stages from the prison service, stage 4 from an
        // outlet and stage 5 from the other side (each the only figure), stage 6 the side's own.
        ("C-201 stages", vec!["matches"]),
        // Outlets' running totals get checked too.
        ("C-202 stages", vec!["matches"]),
        ("C-203 stages", vec!["consistent"]),
        ("C-204 stages", vec!["matches"]),
        ("C-205 stages", vec!["contradicts"]),
        // Counts reaching back before the first stage: covered by the earlier count, or not.
        ("C-301 stages", vec!["unchecked"]),
        ("C-302 stages", vec!["consistent"]),
        ("C-303 stages", vec!["unchecked"]),
        // Breakdowns: by destination adds up on stage 3 and contradicts every stage 6 figure;
        // by sentence adds up; the hostages' one is incomplete, so a lower bound.
        ("C-103 breakdown", vec!["matches"]),
        ("C-106 breakdown", vec!["contradicts"]),
        ("C-107 breakdown", vec!["contradicts"]),
        ("C-108 breakdown", vec!["contradicts"]),
        ("C-104 breakdown", vec!["matches"]),
        ("C-601 breakdown", vec!["consistent"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(verdicts(&data), expected);

    // The contested stage makes a sum a range, each end attributed.
    let c302 = analysis(&data)
        .checks
        .iter()
        .find(|c| data.claims[c.stated].id == "C-302")
        .unwrap();
    assert_eq!((c302.low, c302.high), (Number::int(3053), Some(Number::int(3100))));
    let text = figures_bot::render::markdown::render(&all_checks(&data));
    assert!(
        text.contains(
            "1,505 + 90 + 200 + 110 + 183 + 369 + (596 per The Example Herald (own count) or 643 per the Valorian \
         Prison Service) = 3,053–3,100 prisoners"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "Stage 6, 23 February 2032: contested — 596 per The Example Herald (own count) (C-108) or 600 per Example \
         Wire (own tally) (C-107) or 643 per the Valorian Prison Service (C-106) ⚠ unconfirmed"
        ),
        "{text}"
    );
    assert!(text.contains("no count covers 1 October 2030 – 14 January 2032 (before the story's stages)"));

    // Only contradictions become discrepancies; nothing that merely cannot be checked does.
    let found = discrepancies(&data);
    let from_checks: Vec<(DiscrepancyKind, &str)> = found
        .iter()
        .filter(|d| {
            matches!(
                d.found.kind,
                DiscrepancyKind::TotalVsStages | DiscrepancyKind::BreakdownVsTotal | DiscrepancyKind::OutletFigure
            )
        })
        .filter(|d| d.found.headline.contains("which contradicts"))
        .map(|d| (d.found.kind, data.claims[d.found.claims[0]].id.as_str()))
        .collect();
    assert_eq!(
        from_checks,
        [
            (DiscrepancyKind::BreakdownVsTotal, "C-106"),
            (DiscrepancyKind::OutletFigure, "C-205"),
            (DiscrepancyKind::OutletFigure, "C-107"),
            (DiscrepancyKind::OutletFigure, "C-108"),
        ]
    );
    assert!(
        !found
            .iter()
            .any(|d| d.found.headline.contains("1,505") || d.found.headline.contains("2,000"))
    );
}

#[test]
fn checks_and_discrepancies_as_json() {
    let data = load("data/repatriation-2025.toml");
    let doc = json(
        &data,
        &Query::Checks {
            quantity: Some("bodies-exchanged".into()),
            stage: None,
        },
    )
    .unwrap();
    let check = &doc["checks"][0];
    assert_eq!(check["kind"], "breakdown");
    assert_eq!(check["stated"], "RB25-F095");
    assert_eq!(check["verdict"], "consistent");
    let terms: Vec<&str> = check["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(
        terms.contains(&"RB25-F091") && terms.contains(&"RB25-F094"),
        "{terms:?}"
    );

    let doc = json(
        &data,
        &Query::Discrepancy {
            quantity: None,
            stage: None,
        },
    )
    .unwrap();
    let first = &doc["discrepancies"][0];
    assert_eq!(first["difference"], 3);
    let ids: Vec<&str> = first["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(ids.contains(&"RB25-F060") && ids.contains(&"RB25-F061"), "{ids:?}");
}

/// A total covering one stage is compared with that stage's figure, never shown as a "sum".
#[test]
fn a_one_term_check_is_no_sum() {
    let data = load("tests/data/invented-ceasefire-exchanges.toml");
    let c601 = analysis(&data)
        .checks
        .iter()
        .find(|c| data.claims[c.stated].id == "C-601")
        .unwrap();
    assert_eq!(
        figures_bot::answer::checks_line(&data, c601),
        "is consistent with the figure for women among the hostages freed: at least 19 hostages (the parts (hostages-by-group) are only some of the total)"
    );
}

/// Running totals that were since updated still hold for their own day: the checks of an early
/// day use them, flagged, and a same-period correction is never used.
#[test]
fn early_days_are_checked_with_the_updates_of_their_own_day() {
    let data = load("tests/data/invented-quake-toll.toml");
    let v = verdicts(&data);
    let ledger_810 = analysis(&data)
        .checks
        .iter()
        .find(|c| data.claims[c.stated].figure.value == Number::int(810))
        .expect("the outlet's 810 on 6 February is checked");
    assert_eq!(ledger_810.verdict, Verdict::Matches);
    let ids: Vec<&str> = ledger_810
        .term_claims()
        .iter()
        .map(|&i| data.claims[i].id.as_str())
        .collect();
    assert_eq!(ids, ["QT-F001", "QT-F010"], "430 + 380, both since updated");
    let text = figures_bot::render::markdown::render(&all_checks(&data));
    assert!(text.contains("Matches the sum of the parts (deaths in government-held areas and deaths in the north): 430 + 380 = 810 deaths"), "{text}");
    assert!(text.contains("430 per Veridia's Health Ministry (the only figure given, or all agree; QT-F001), since updated to 1,414 deaths on 12 February 2032 (QT-F003)"), "{text}");
    // 7 February: 1,262 + 790 = 2,052, the agency's figure; QT-F004 (1,226, a typo corrected
    // the same day) is never a term.
    assert!(text.contains("1,262 + 790 = 2,052 deaths"), "{text}");
    assert!(!text.contains("QT-F004"), "{text}");
    assert_eq!(
        v.values().flatten().filter(|&&x| x == "contradicts").count(),
        0,
        "{v:?}"
    );
}

#[test]
fn the_count_line_is_plain_english() {
    let lead = |path: &str| all_checks(&load(path)).lead;
    assert_eq!(
        lead("data/repatriation-2025.toml"),
        ["24 checks: 6 contradict, 10 are consistent, 7 match, 1 cannot be checked."]
    );
    // A verb agrees with its count; a verdict no check has is left out.
    assert_eq!(
        lead("tests/data/invented-ferry-evacuation.toml"),
        ["3 checks: 1 contradicts, 1 is consistent, 1 matches."]
    );
    assert_eq!(
        lead("tests/data/invented-quake-toll.toml"),
        ["4 checks: 2 are consistent, 2 match."]
    );
    // A check that cannot be checked is headed in the same words, never "unchecked".
    let data = load("tests/data/invented-ceasefire-exchanges.toml");
    let reply = all_checks(&data);
    assert_eq!(
        reply.lead,
        ["14 checks: 4 contradict, 3 are consistent, 5 match, 2 cannot be checked."]
    );
    let unchecked: Vec<&str> = reply
        .sections
        .iter()
        .map(|s| s.heading.as_str())
        .filter(|h| {
            !["contradicts", "consistent", "matches"]
                .iter()
                .any(|v| h.starts_with(v))
        })
        .collect();
    assert_eq!(unchecked.len(), 2);
    assert!(
        unchecked.iter().all(|h| h.starts_with("cannot be checked — ")),
        "{unchecked:?}"
    );
}
