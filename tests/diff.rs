//! What a reload tells the desk: changes in meaning between two versions of the invented test
//! story, and the notices built from them.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use figures_bot::Dataset;
use figures_bot::diff::{Change, ChangeKind, diff};
use figures_bot::notice::{DISCORD_MESSAGE_LIMIT, Notice, Outage, change_lines, utc_text};
use proptest::prelude::*;

const BASE: &str = "tests/data/invented-ferry-evacuation.toml";

fn base() -> String {
    std::fs::read_to_string(BASE).expect("the test dataset")
}

fn load(text: &str) -> Dataset {
    Dataset::from_bytes(text.as_bytes(), Path::new(BASE)).expect("valid test data")
}

/// Replaces `from` (which must occur) once.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "the test data has no `{from}`");
    text.replacen(from, to, 1)
}

/// A fixed time for snapshots: 2031-04-01 12:00:00 UTC.
fn loaded_at() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_932_811_200)
}

const NEW_CLAIM: &str = r#"[[claim]]
id = "T-010"
quantity = "evacuees"
stage = "day-1"
claimants = ["daily-gull"]
said = 2031-03-13
value = 1250
[[claim.citation]]
outlet = "gull"
url = "https://example.org/gull/recount"

[[topic]]"#;

/// T-003 changes, T-008 becomes unconfirmed, a new claim T-010 contradicts Day 1.
fn figures_edit() -> String {
    let text = edit(&base(), "value = 350\n", "value = 380\n");
    let text = edit(
        &text,
        "value = 12\nqualifier = \"about\"\n",
        "value = 12\nqualifier = \"about\"\nstatus = \"unconfirmed\"\n",
    );
    edit(&text, "[[topic]]", NEW_CLAIM)
}

fn update_notice(old: &Dataset, new: &Dataset) -> Notice {
    Notice::Updated {
        story: new.story.id.clone(),
        title: new.story.title.clone(),
        path: new.source.path.clone(),
        old_version: 3,
        new_version: 4,
        changes: diff(old, new),
        maintainers: new.story.maintainers.clone(),
        recovered: None,
    }
}

#[test]
fn changed_value_status_added_claim_and_discrepancies() {
    let changes = diff(&load(&base()), &load(&figures_edit()));
    assert_eq!(
        change_lines(&changes),
        [
            "T-003: 350 → 380 people — the North Harbour Authority; evacuees ferried to the mainland, \
             Day 2, 11 March 2031 · The Daily Gull <https://example.org/gull/day-2>",
            "T-008 (about 12 boats — the North Harbour Authority): now unconfirmed (was current)",
            "+ T-010: 1,250 people — The Daily Gull; evacuees ferried to the mainland, Day 1, 10 March 2031 \
             · The Daily Gull <https://example.org/gull/recount>",
            "new: Total, 10–11 March 2031: the North Harbour Authority says 750 people, which contradicts the sum \
             of the stage figures: 400 + 380 = 780 people, 30 apart — evacuees ferried to the mainland",
            "new: Day 1, 10 March 2031: 400 vs 1,250 people — evacuees ferried to the mainland",
            "resolved: Day 2, 11 March 2031: 350 vs 380 people — evacuees ferried to the mainland",
        ]
    );
    assert_eq!(changes.count(ChangeKind::Discrepancy), 3);
    assert!(!changes.is_empty());
}

#[test]
fn thousands_change_names_claimant_period_and_citation() {
    let old = edit(&base(), "value = 750\n", "value = 1245\n");
    let new = edit(&base(), "value = 750\n", "value = 1250\n");
    let changes = diff(&load(&old), &load(&new));
    assert_eq!(
        change_lines(&changes)[0],
        "T-005: 1,245 → 1,250 people — the North Harbour Authority; evacuees ferried to the mainland, \
         10–11 March 2031 · The Daily Gull <https://example.org/gull/total>"
    );
    let Change::ClaimChanged { old, new } = &changes.items[0] else {
        panic!("{:?}", changes.items[0]);
    };
    assert_eq!((old.figure.as_str(), new.figure.as_str()), ("1,245", "1,250"));
}

#[test]
fn statuses_citations_characterisations_and_metadata() {
    let text = edit(
        &base(),
        "high = 25\nstatus = \"unconfirmed\"\n",
        "high = 25\nstatus = \"retracted\"\nretracted = { on = 2031-03-13, reason = \"The mayor withdrew the figure.\" }\n",
    );
    let text = edit(
        &text,
        "claimants = [\"south-mayor\"]\nsaid = 2031-03-10\nvalue = 400\n",
        "claimants = [\"south-mayor\"]\nsaid = 2031-03-10\nvalue = 400\nstatus = \"superseded\"\nsuperseded_by = \"T-001\"\n",
    );
    let text = edit(&text, "stance = \"joint operation\"", "stance = \"south-led\"");
    let text = edit(
        &text,
        "maintainers = [\"test fixture\"]",
        "maintainers = [\"test fixture\", \"night desk\"]",
    );
    let text = edit(&text, "last_reviewed = 2031-04-01", "last_reviewed = 2031-04-02");
    let text = edit(
        &text,
        "url = \"https://example.org/gull/day-2\"\npublished = 2031-03-11\n",
        "url = \"https://example.org/gull/day-2\"\npublished = 2031-03-11\n\
         [[claim.citation]]\noutlet = \"wire\"\nurl = \"https://example.org/wire/day-2-north\"\n",
    );
    let text = edit(
        &text,
        "[[stage]]\nid = \"day-2\"",
        "[[stage]]\nid = \"day-3\"\nname = \"Day 3\"\ndate = 2031-03-12\n\n[[stage]]\nid = \"day-2\"",
    );
    let changes = diff(&load(&base()), &load(&text));
    assert_eq!(
        change_lines(&changes),
        [
            "T-002 (400 people — Mayor Ana Ruiz): now superseded by T-001 (was current)",
            "T-009 (20–25 boats — Mayor Ana Ruiz): now retracted on 13 March 2031: The mayor withdrew the figure. \
             (was unconfirmed)",
            "T-003: 1 citation added (now 2)",
            "changed: Who organised the evacuation? The North Harbour Authority: North-led; Mayor Ana Ruiz: South-led \
             (was Who organised the evacuation? The North Harbour Authority: North-led; Mayor Ana Ruiz: Joint \
             operation)",
            "resolved: Overall: about 12 vs 20–25 boats — boats used",
            "who-led-south (Who organised the evacuation?): Mayor Ana Ruiz — “south-led” (was “joint operation”)",
            "maintainers: test fixture → test fixture, night desk",
            "last reviewed: 1 April 2031 → 2 April 2031",
            "+ stage day-3 (Day 3)",
        ]
    );
}

#[test]
fn removed_claim_and_characterisation() {
    let text = edit(
        &base(),
        "[[claim]]\nid = \"T-008\"\nquantity = \"boats\"\nclaimants = [\"north-authority\"]\nsaid = 2031-03-12\n\
         value = 12\nqualifier = \"about\"\n[[claim.citation]]\noutlet = \"gull\"\nurl = \"https://example.org/gull/boats\"\n",
        "",
    );
    let at = text
        .find("[[characterisation]]\nid = \"who-led-south\"")
        .expect("characterisation");
    let end = text[at..].find("[[editorial_note]]").expect("note") + at;
    let text = format!("{}{}", &text[..at], &text[end..]);
    let lines = change_lines(&diff(&load(&base()), &load(&text)));
    assert_eq!(
        lines,
        [
            "− T-008: about 12 boats — the North Harbour Authority; boats used, whole story",
            "resolved: Overall: about 12 vs 20–25 boats — boats used",
            "resolved: Who organised the evacuation? The North Harbour Authority: North-led; Mayor Ana Ruiz: Joint \
             operation",
            "− who-led-south (Who organised the evacuation?): Mayor Ana Ruiz — “joint operation”",
        ]
    );
}

#[test]
fn comments_layout_and_order_are_no_change() {
    let base = base();
    // Move the last claim block in front of the first, and add comments.
    let first = base.find("[[claim]]").expect("claims");
    let last = base.rfind("[[claim]]").expect("claims");
    let end = base.find("[[topic]]").expect("topics");
    let moved = format!(
        "# a comment\n{}{}\n# another\n{}{}",
        &base[..first],
        &base[last..end],
        &base[first..last],
        &base[end..]
    );
    let changes = diff(&load(&base), &load(&moved));
    assert!(changes.is_empty(), "{:#?}", change_lines(&changes));
}

#[test]
fn updated_notice_snapshot() {
    let notice = update_notice(&load(&base()), &load(&figures_edit()));
    insta::assert_snapshot!("updated_notice", notice.render(DISCORD_MESSAGE_LIMIT));
}

#[test]
fn fixed_notice_says_so() {
    let mut notice = update_notice(&load(&base()), &load(&base()));
    if let Notice::Updated { recovered, .. } = &mut notice {
        *recovered = Some(Outage::Rejected);
    }
    let text = notice.render(DISCORD_MESSAGE_LIMIT);
    assert!(
        text.contains("Fixed: the earlier rejected update is resolved."),
        "{text}"
    );
    assert!(text.contains("No change in meaning"), "{text}");
}

#[test]
fn rejected_notice_snapshot() {
    let bad = edit(&base(), "value = 350\n", "value = 380\nqualifier = \"abuot\"\n");
    let bad = edit(
        &bad,
        "outlet = \"wire\"\nurl = \"https://example.org/wire/boats\"",
        "outlet = \"wyre\"\nurl = \"https://example.org/wire/boats\"",
    );
    let problems = match Dataset::from_bytes(bad.as_bytes(), Path::new(BASE)) {
        Ok(_) => panic!("the edit is invalid"),
        Err(e) => e.problems(),
    };
    assert_eq!(problems.len(), 2);
    let notice = Notice::Rejected {
        path: BASE.into(),
        problems,
        serving_version: 3,
        loaded_at: loaded_at(),
    };
    let text = notice.render(DISCORD_MESSAGE_LIMIT);
    assert!(text.contains("2 errors in total. Still serving version 3 loaded at 2031-04-01 12:00:00 UTC."));
    insta::assert_snapshot!("rejected_notice", text);
}

#[test]
fn missing_and_restored_notices() {
    let missing = Notice::Missing {
        path: BASE.into(),
        serving_version: 2,
        loaded_at: loaded_at(),
    };
    assert_eq!(
        missing.render(DISCORD_MESSAGE_LIMIT),
        format!(
            "**Data file missing**: `invented-ferry-evacuation.toml`. Still serving version 2 loaded at 2031-04-01 12:00:00 UTC; \
             the file will be picked up again when it comes back."
        )
    );
    let back = Notice::Restored {
        path: BASE.into(),
        serving_version: 2,
        after: Outage::Missing,
    };
    assert_eq!(
        back.render(DISCORD_MESSAGE_LIMIT),
        "**Data file back**: `invented-ferry-evacuation.toml`, unchanged. Still serving version 2."
    );
    assert_eq!(utc_text(loaded_at()), "2031-04-01 12:00:00 UTC");
}

/// 400 new claims, each with its own discrepancy-free figure.
fn huge_edit() -> String {
    let mut text = base();
    for i in 0..400 {
        text.push_str(&format!(
            "\n[[claim]]\nid = \"X-{i:03}\"\nquantity = \"boats\"\nstage = \"day-1\"\nclaimants = [\"daily-gull\"]\n\
             said = 2031-03-12\nvalue = 12\nqualifier = \"about\"\nnotes = \"{}\"\n[[claim.citation]]\noutlet = \"gull\"\n\
             url = \"https://example.org/gull/x-{i}\"\n",
            "a long note ".repeat(20)
        ));
    }
    text
}

#[test]
fn a_huge_diff_is_summarised_within_discords_limit() {
    let notice = update_notice(&load(&base()), &load(&huge_edit()));
    let Notice::Updated { changes, .. } = &notice else {
        unreachable!()
    };
    let total = changes.len();
    assert!(total >= 400);
    let text = notice.render(DISCORD_MESSAGE_LIMIT);
    assert!(
        text.chars().count() <= DISCORD_MESSAGE_LIMIT,
        "{} chars",
        text.chars().count()
    );
    assert!(text.encode_utf16().count() <= DISCORD_MESSAGE_LIMIT);
    let shown = text
        .lines()
        .filter(|l| ["• ", "+ ", "− "].iter().any(|m| l.starts_with(m)))
        .count();
    let more = format!("… and {} more changes", total - shown);
    assert!(text.contains(&more), "expected `{more}` in\n{text}");
    assert!(text.contains("Claims added: 400"), "the counts line survives: {text}");
    assert!(text.ends_with("Maintainers: test fixture"), "{text}");
}

#[test]
fn a_rejection_with_many_errors_shows_the_first_and_the_total() {
    let problems: Vec<String> = (1..=250)
        .map(|i| format!("{BASE}:{i}:1: unknown field `x{i}`, expected one of `id`, `quantity`, `stage`"))
        .collect();
    let notice = Notice::Rejected {
        path: BASE.into(),
        problems,
        serving_version: 7,
        loaded_at: loaded_at(),
    };
    let text = notice.render(DISCORD_MESSAGE_LIMIT);
    assert!(text.chars().count() <= DISCORD_MESSAGE_LIMIT);
    // The file's name, never the server's path to it.
    assert!(
        text.contains("• invented-ferry-evacuation.toml:1:1: unknown field `x1`"),
        "{text}"
    );
    assert!(!text.contains("tests/data"), "{text}");
    assert!(text.contains("more errors"), "{text}");
    assert!(text.ends_with("250 errors in total. Still serving version 7 loaded at 2031-04-01 12:00:00 UTC."));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn render_never_exceeds_the_limit(max in 0usize..2500) {
        let notice = update_notice(&load(&base()), &load(&figures_edit()));
        let text = notice.render(max);
        prop_assert!(text.encode_utf16().count() <= max);
    }
}
