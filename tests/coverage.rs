//! The curated dataset covers the fact sheet: every RB25-F record is a claim (or a split of one,
//! `RB25-F052.handed`), or is listed with a reason in `tests/data/coverage-exclusions.txt`.
//!
//! The sheet lives outside the repository (`../shared/sources/`, present where the data is
//! curated and in CI). Where it is absent, as on a user's machine, the test says so and skips;
//! with `FIGURES_BOT_REQUIRE_SOURCES=1` (set by `.ci/run`) its absence is a failure, so CI
//! cannot lose this test without noticing.

use std::collections::BTreeSet;
use std::path::Path;

use figures_bot::Dataset;

fn record_ids(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("### "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|id| id.starts_with("RB25-F"))
        .map(str::to_string)
        .collect()
}

/// The fact sheet's text; `None` (with a visible message) where it is absent and not required.
fn fact_sheet() -> Option<String> {
    let sheet = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/sources/repatriation-2025.md");
    match std::fs::read_to_string(&sheet) {
        Ok(text) => Some(text),
        Err(e) if std::env::var("FIGURES_BOT_REQUIRE_SOURCES").is_ok_and(|v| v == "1") => {
            panic!(
                "FIGURES_BOT_REQUIRE_SOURCES=1 but the fact sheet {} cannot be read: {e}",
                sheet.display()
            )
        }
        Err(_) => {
            eprintln!(
                "SKIPPED: fact sheet not found at {} (set FIGURES_BOT_REQUIRE_SOURCES=1 to make this a failure)",
                sheet.display()
            );
            None
        }
    }
}

#[test]
fn every_fact_sheet_record_is_in_the_data_or_excluded_with_a_reason() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(text) = fact_sheet() else { return };
    let records = record_ids(&text);
    assert_eq!(records.len(), 68, "the sheet has 68 figure records");

    let exclusions = std::fs::read_to_string(root.join("tests/data/coverage-exclusions.txt")).unwrap();
    let mut excluded = BTreeSet::new();
    for line in exclusions
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let (id, reason) = line.split_once(' ').unwrap_or((line, ""));
        assert!(!reason.trim().is_empty(), "exclusion of {id} needs a reason");
        excluded.insert(id.to_string());
    }

    let data = Dataset::load(root.join("data/repatriation-2025.toml")).unwrap();
    let record_of = |claim_id: &str| claim_id.split('.').next().unwrap_or(claim_id).to_string();
    let covered: BTreeSet<String> = data.claims.iter().map(|c| record_of(&c.id)).collect();

    let missing: Vec<&String> = records
        .iter()
        .filter(|r| !covered.contains(*r) && !excluded.contains(*r))
        .collect();
    assert!(
        missing.is_empty(),
        "records neither in the data nor excluded: {missing:?}"
    );
    let both: Vec<&String> = excluded.iter().filter(|r| covered.contains(*r)).collect();
    assert!(
        both.is_empty(),
        "excluded records that are in the data anyway: {both:?}"
    );
    let unknown: Vec<&String> = covered.iter().filter(|c| !records.contains(*c)).collect();
    assert!(
        unknown.is_empty(),
        "claims that match no record of the sheet: {unknown:?}"
    );
}

/// Every URL in the data appears in the fact sheet: nothing was invented.
#[test]
fn every_url_comes_from_the_fact_sheet() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(sheet) = fact_sheet() else { return };
    let data = Dataset::load(root.join("data/repatriation-2025.toml")).unwrap();
    let urls = data
        .claims
        .iter()
        .flat_map(|c| &c.citations)
        .chain(data.characterisations.iter().flat_map(|c| &c.citations))
        .chain(data.editorial_notes.iter().filter_map(|n| n.citation.as_ref()))
        .map(|c| &*c.url);
    let invented: Vec<&str> = urls.filter(|u| !sheet.contains(u)).collect();
    assert!(invented.is_empty(), "URLs not in the fact sheet: {invented:?}");
}
