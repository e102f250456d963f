//! One small bad file per validation rule: each test edits a minimal valid story ([`BASE`]) in
//! one place and asserts the exact `line:col` and the message of every problem reported.

use std::path::Path;
use std::process::Command;

use figures_bot::{Dataset, LoadError, Problem};

/// A minimal valid story. The line numbers in the comments on the right are what the tests
/// below count from; `base_layout` checks that they still hold.
const BASE: &str = r#"[story]
id = "test-story"
title = "Test story"
period = { from = 2030-01-01, to = 2030-01-31 }
last_reviewed = 2030-02-01

[[side]]
id = "north"
name = "North"

[[side]]
id = "south"
name = "South"

[[claimant]]
id = "north-office"
name = "the North Office"
side = "north"

[[claimant]]
id = "south-office"
name = "the South Office"
side = "south"

[[outlet]]
id = "gazette"
name = "The Gazette"

[[quantity]]
id = "evacuees"
label = "evacuees"
unit = "people"
verb_phrase = "were evacuated"

[[stage]]
id = "day-one"
name = "Day one"
date = 2030-01-10
aliases = ["first day"]

[[stage]]
id = "day-two"
name = "Day two"
date = 2030-01-11

[[claim]]
id = "C-1"
quantity = "evacuees"
stage = "day-one"
claimants = ["north-office"]
said = 2030-01-10
value = 100
[[claim.citation]]
outlet = "gazette"
url = "https://example.org/c1"

[[claim]]
id = "C-2"
quantity = "evacuees"
stage = "day-one"
claimants = ["south-office"]
said = 2030-01-10
value = 120
[[claim.citation]]
outlet = "gazette"
url = "https://example.org/c2"

[[editorial_note]]
claims = ["C-1", "C-2"]
text = "The offices count differently."

[[topic]]
id = "who-counts"
question = "Who counted?"

[[characterisation]]
id = "who-counts-north"
topic = "who-counts"
claimants = ["north-office"]
said = 2030-01-12
stance = "north"
summary = "The North Office says it counted."
[[characterisation.citation]]
outlet = "gazette"
url = "https://example.org/ch1"
"#;

// ---------------------------------------------------------------------------------------------
// Helpers

/// BASE with `old` (which must occur exactly once) replaced by `new`.
fn edit(old: &str, new: &str) -> String {
    edits(&[(old, new)])
}

/// BASE with several one-place replacements, applied in turn.
fn edits(changes: &[(&str, &str)]) -> String {
    let mut text = BASE.to_string();
    for (old, new) in changes {
        assert_eq!(
            text.matches(old).count(),
            1,
            "`{old}` must occur exactly once in the text being edited"
        );
        text = text.replacen(old, new, 1);
    }
    text
}

/// The problems a bad file produces; panics if it loads or fails for another reason.
fn problems_of(text: impl AsRef<[u8]>) -> Vec<Problem> {
    match Dataset::from_bytes(text.as_ref(), Path::new("bad.toml")) {
        Ok(_) => panic!("expected the file to be rejected, but it loaded"),
        Err(LoadError::Invalid(problems)) => {
            assert!(!problems.is_empty(), "LoadError::Invalid with no problems");
            for p in &problems {
                assert_eq!(p.path, Path::new("bad.toml"));
                assert_eq!(p.to_string(), format!("bad.toml:{}:{}: {}", p.line, p.col, p.message));
            }
            problems
        }
        Err(other) => panic!("expected LoadError::Invalid, got {other:?}"),
    }
}

fn listing(problems: &[Problem]) -> String {
    problems.iter().map(|p| format!("\n  {p}")).collect()
}

/// Asserts that the file has exactly one problem, at `line:col`, whose message contains every
/// one of `parts`.
#[track_caller]
fn assert_problem(text: impl AsRef<[u8]>, line: usize, col: usize, parts: &[&str]) {
    let problems = problems_of(text);
    assert_eq!(
        problems.len(),
        1,
        "expected exactly one problem, got:{}",
        listing(&problems)
    );
    assert_at(&problems[0], line, col, parts);
}

#[track_caller]
fn assert_at(p: &Problem, line: usize, col: usize, parts: &[&str]) {
    assert_eq!((p.line, p.col), (line, col), "wrong position for: {p}");
    for part in parts {
        assert!(p.message.contains(part), "message lacks `{part}`: {p}");
    }
}

// ---------------------------------------------------------------------------------------------
// The base itself

#[test]
fn base_is_valid() {
    let d = Dataset::from_bytes(BASE.as_bytes(), Path::new("base.toml"))
        .unwrap_or_else(|e| panic!("BASE must be valid:\n{e}"));
    assert_eq!(d.claims.len(), 2);
    assert_eq!(d.stages.len(), 2);
    assert_eq!(d.characterisations.len(), 1);
}

#[test]
fn base_layout() {
    let lines: Vec<&str> = BASE.lines().collect();
    let line = |n: usize| lines[n - 1];
    assert_eq!(line(2), r#"id = "test-story""#);
    assert_eq!(line(17), r#"name = "the North Office""#);
    assert_eq!(line(36), r#"id = "day-one""#);
    assert_eq!(line(39), r#"aliases = ["first day"]"#);
    assert_eq!(line(47), r#"id = "C-1""#);
    assert_eq!(line(52), "value = 100");
    assert_eq!(line(55), r#"url = "https://example.org/c1""#);
    assert_eq!(line(63), "value = 120");
    assert_eq!(line(69), r#"claims = ["C-1", "C-2"]"#);
    assert_eq!(line(78), r#"topic = "who-counts""#);
}

// ---------------------------------------------------------------------------------------------
// TOML syntax and shape

#[test]
fn toml_syntax_error() {
    assert_problem(
        edit("value = 100\n", "value 100\n"),
        52,
        7,
        &["key with no value, expected `=`"],
    );
}

#[test]
fn unclosed_array_is_reported_where_the_parser_notices() {
    // The parser only notices at the next line's key.
    assert_problem(
        edit(r#"claims = ["C-1", "C-2"]"#, r#"claims = ["C-1", "C-2""#),
        70,
        1,
        &["missing comma between array elements, expected `,`"],
    );
}

#[test]
fn impossible_date_is_a_syntax_error() {
    assert_problem(
        edit("said = 2030-01-10\nvalue = 100", "said = 2030-13-10\nvalue = 100"),
        51,
        8,
        &["invalid date, expected month between 01 and 12"],
    );
    assert_problem(
        edit("date = 2030-01-10", "date = 2030-02-30"),
        38,
        8,
        &["invalid date, expected day between 01 and 28"],
    );
}

#[test]
fn unknown_table_suggests_the_closest() {
    assert_problem(
        edit("[[stage]]\nid = \"day-two\"", "[[stages]]\nid = \"day-two\""),
        41,
        3,
        &["unknown field `stages`", "did you mean `stage`?"],
    );
}

#[test]
fn unknown_key_suggests_the_closest() {
    assert_problem(
        edit(
            "claimants = [\"north-office\"]\nsaid = 2030-01-10",
            "clamants = [\"north-office\"]\nsaid = 2030-01-10",
        ),
        50,
        1,
        &["unknown field `clamants`", "did you mean `claimants`?"],
    );
}

#[test]
fn unknown_key_in_a_nested_table() {
    assert_problem(
        edit(
            r#"url = "https://example.org/c1""#,
            r#"link = "https://example.org/c1""#,
        ),
        55,
        1,
        &["unknown field `link`"],
    );
}

#[test]
fn wrong_type() {
    assert_problem(
        edit("value = 100\n", "value = \"100\"\n"),
        52,
        9,
        &["numbers take no quotes: write 100"],
    );
}

#[test]
fn value_too_large_for_i64() {
    assert_problem(
        edit("value = 100\n", "value = 99999999999999999999\n"),
        52,
        9,
        &["99999999999999999999 is too large for a figure"],
    );
}

#[test]
fn missing_required_field() {
    // Reported at the header of the citation table that lacks it.
    assert_problem(
        edit("url = \"https://example.org/c1\"\n", ""),
        53,
        1,
        &["this table needs `url`; add a line `url = …`"],
    );
}

#[test]
fn empty_file() {
    let problems = problems_of("");
    assert_eq!(problems.len(), 1, "{}", listing(&problems));
    assert_at(
        &problems[0],
        1,
        1,
        &["the file has no [story] table; every data file starts with one"],
    );
}

#[test]
fn invalid_utf8_is_a_problem_not_a_panic() {
    let mut bytes = BASE.replace("the North Office", "Nörth \u{0}").into_bytes();
    let nul = bytes.iter().position(|&b| b == 0).unwrap();
    bytes[nul] = 0xFF;
    // `name = "Nörth ` is 14 characters (15 bytes): the bad byte is in column 15.
    assert_problem(&bytes, 17, 15, &["not valid UTF-8"]);
}

// ---------------------------------------------------------------------------------------------
// References, with suggestions

#[test]
fn unknown_claimant() {
    assert_problem(
        edit(
            "claimants = [\"north-office\"]\nsaid = 2030-01-10",
            "claimants = [\"south-office\", \"north-ofice\"]\nsaid = 2030-01-10",
        ),
        50,
        30,
        &["unknown claimant `north-ofice`", "did you mean `north-office`?"],
    );
}

#[test]
fn unknown_outlet() {
    assert_problem(
        edit(
            "outlet = \"gazette\"\nurl = \"https://example.org/c1\"",
            "outlet = \"gazete\"\nurl = \"https://example.org/c1\"",
        ),
        54,
        10,
        &["unknown outlet `gazete`", "did you mean `gazette`?"],
    );
}

#[test]
fn unknown_quantity() {
    assert_problem(
        edit(
            "quantity = \"evacuees\"\nstage = \"day-one\"\nclaimants = [\"north-office\"]",
            "quantity = \"evacuee\"\nstage = \"day-one\"\nclaimants = [\"north-office\"]",
        ),
        48,
        12,
        &["unknown quantity `evacuee`", "did you mean `evacuees`?"],
    );
}

#[test]
fn unknown_stage() {
    assert_problem(
        edit(
            "stage = \"day-one\"\nclaimants = [\"north-office\"]",
            "stage = \"day-too\"\nclaimants = [\"north-office\"]",
        ),
        49,
        9,
        &["unknown stage `day-too`", "did you mean `day-two`?"],
    );
}

#[test]
fn unknown_side() {
    assert_problem(
        edit("side = \"north\"", "side = \"nort\""),
        18,
        8,
        &["unknown side `nort`", "did you mean `north`?"],
    );
}

#[test]
fn unknown_topic() {
    assert_problem(
        edit("topic = \"who-counts\"", "topic = \"who-count\""),
        78,
        9,
        &["unknown topic `who-count`", "did you mean `who-counts`?"],
    );
}

#[test]
fn unknown_claim_in_superseded_by() {
    assert_problem(
        edit(
            "value = 100\n",
            "value = 100\nstatus = \"superseded\"\nsuperseded_by = \"C-22\"\n",
        ),
        54,
        17,
        &["unknown claim `C-22`", "did you mean `C-2`?"],
    );
}

#[test]
fn unknown_claim_in_editorial_note() {
    assert_problem(
        edit(r#"claims = ["C-1", "C-2"]"#, r#"claims = ["C-1", "C-12"]"#),
        69,
        18,
        &["unknown claim `C-12`", "did you mean `C-1`?"],
    );
}

#[test]
fn empty_reference_list() {
    assert_problem(
        edit(
            "claimants = [\"north-office\"]\nsaid = 2030-01-10",
            "claimants = []\nsaid = 2030-01-10",
        ),
        50,
        13,
        &["empty list: name at least one claimant"],
    );
}

// ---------------------------------------------------------------------------------------------
// Ids and text

#[test]
fn duplicate_id_names_the_first_definition() {
    assert_problem(
        edit(r#"id = "day-two""#, r#"id = "day-one""#),
        42,
        6,
        &["duplicate stage id `day-one` (first defined on line 36)"],
    );
}

#[test]
fn empty_name() {
    assert_problem(
        edit(r#"name = "the North Office""#, r#"name = """#),
        17,
        8,
        &["empty name"],
    );
}

#[test]
fn blank_title() {
    assert_problem(
        edit(r#"title = "Test story""#, r#"title = "   ""#),
        3,
        9,
        &["empty title"],
    );
}

#[test]
fn id_with_white_space() {
    assert_problem(
        edit(r#"id = "test-story""#, r#"id = "test story""#),
        2,
        6,
        &["id `test story` contains white space", "use `-` between words"],
    );
}

#[test]
fn id_too_long() {
    let long = "x".repeat(101);
    assert_problem(
        edit(r#"id = "test-story""#, &format!(r#"id = "{long}""#)),
        2,
        6,
        &["id is 101 bytes long; the limit is 100"],
    );
}

#[test]
fn url_must_be_http() {
    assert_problem(
        edit("https://example.org/c1", "ftp://example.org/c1"),
        55,
        7,
        &["`ftp://example.org/c1` is not an http(s) URL"],
    );
}

#[test]
fn url_without_host() {
    assert_problem(
        edit("https://example.org/c1", "https:///c1"),
        55,
        7,
        &["is not an http(s) URL"],
    );
}

// ---------------------------------------------------------------------------------------------
// Figures

#[test]
fn range_low_above_high() {
    assert_problem(
        edit("value = 100\n", "value = 100\nqualifier = \"range\"\nhigh = 90\n"),
        54,
        8,
        &["range low 100 is greater than high 90"],
    );
}

#[test]
fn high_without_range() {
    assert_problem(
        edit("value = 100\n", "value = 100\nhigh = 150\n"),
        53,
        8,
        &["`high` is only allowed with `qualifier = \"range\"`, not `exact`"],
    );
}

#[test]
fn range_without_high() {
    assert_problem(
        edit("value = 100\n", "value = 100\nqualifier = \"range\"\n"),
        52,
        9,
        &["a `range` needs `high = <upper end>`"],
    );
}

#[test]
fn negative_value() {
    assert_problem(
        edit("value = 100\n", "value = -5\n"),
        52,
        9,
        &["negative value -5: figures are counts"],
    );
}

#[test]
fn unknown_qualifier_suggests_the_closest() {
    assert_problem(
        edit("value = 100\n", "value = 100\nqualifier = \"more then\"\n"),
        53,
        13,
        &[
            "unknown qualifier `more then`",
            "did you mean `more than`?",
            "`fewer than`",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Status and supersession

#[test]
fn unknown_status_suggests_the_closest() {
    assert_problem(
        edit("value = 100\n", "value = 100\nstatus = \"curent\"\n"),
        53,
        10,
        &["unknown status `curent`", "did you mean `current`?"],
    );
}

#[test]
fn superseded_without_superseded_by() {
    assert_problem(
        edit("value = 100\n", "value = 100\nstatus = \"superseded\"\n"),
        53,
        10,
        &["`status = \"superseded\"` needs `superseded_by"],
    );
}

#[test]
fn superseded_by_without_status() {
    assert_problem(
        edit("value = 100\n", "value = 100\nsuperseded_by = \"C-2\"\n"),
        53,
        17,
        &["`superseded_by` needs `status = \"superseded\"`"],
    );
}

#[test]
fn retracted_without_retraction() {
    assert_problem(
        edit("value = 100\n", "value = 100\nstatus = \"retracted\"\n"),
        53,
        10,
        &["`status = \"retracted\"` needs `retracted = {"],
    );
}

#[test]
fn superseded_by_loop() {
    let text = edits(&[
        (
            "value = 100\n",
            "value = 100\nstatus = \"superseded\"\nsuperseded_by = \"C-2\"\n",
        ),
        (
            "value = 120\n",
            "value = 120\nstatus = \"superseded\"\nsuperseded_by = \"C-1\"\n",
        ),
    ]);
    // Reported once, at the first member of the loop.
    assert_problem(text, 47, 6, &["`superseded_by` loops: C-1 → C-2 → C-1"]);
}

#[test]
fn superseded_by_itself() {
    let problems = problems_of(edit(
        "value = 100\n",
        "value = 100\nstatus = \"superseded\"\nsuperseded_by = \"C-1\"\n",
    ));
    assert!(
        problems
            .iter()
            .any(|p| (p.line, p.col) == (54, 17) && p.message.contains("`C-1` is superseded by itself")),
        "{}",
        listing(&problems)
    );
}

// ---------------------------------------------------------------------------------------------
// Citations

#[test]
fn claim_without_citation() {
    assert_problem(
        edit(
            "value = 100\n[[claim.citation]]\noutlet = \"gazette\"\nurl = \"https://example.org/c1\"\n",
            "value = 100\n",
        ),
        47,
        6,
        &["`C-1` has no citation"],
    );
}

#[test]
fn characterisation_without_citation() {
    let text = BASE.replace(
        "[[characterisation.citation]]\noutlet = \"gazette\"\nurl = \"https://example.org/ch1\"\n",
        "",
    );
    assert_ne!(text, BASE);
    assert_problem(text, 77, 6, &["`who-counts-north` has no citation"]);
}

// ---------------------------------------------------------------------------------------------
// Dates

/// Statements come before (deal terms) and after (retrospective totals) the events: `said` may
/// fall outside the story's period, which is what its stages cover.
#[test]
fn said_may_fall_outside_the_period() {
    let data = Dataset::from_bytes(
        edit("said = 2030-01-10\nvalue = 100", "said = 2030-03-10\nvalue = 100").as_bytes(),
        Path::new("bad.toml"),
    )
    .expect("a statement after the period is valid");
    let c1 = &data.claims[data.claim_index("C-1").unwrap()];
    assert_eq!(c1.said.date.iso(), "2030-03-10");
    assert!(!c1.reported);
}

/// No `said`: the earliest `published` of the claim's citations, and replies say "reported".
#[test]
fn said_left_out_is_the_earliest_publication() {
    let text = edit(
        "said = 2030-01-10\nvalue = 100\n[[claim.citation]]\noutlet = \"gazette\"\nurl = \"https://example.org/c1\"\n",
        "value = 100\n[[claim.citation]]\noutlet = \"gazette\"\nurl = \"https://example.org/c1\"\npublished = 2030-01-12\n\
         [[claim.citation]]\noutlet = \"gazette\"\nurl = \"https://example.org/c1b\"\npublished = 2030-01-11\n",
    );
    let data = Dataset::from_bytes(text.as_bytes(), Path::new("ok.toml")).expect("valid");
    let c1 = &data.claims[data.claim_index("C-1").unwrap()];
    assert_eq!((c1.said.date.iso().as_str(), c1.reported), ("2030-01-11", true));
    let reply = figures_bot::answer(
        &data,
        &figures_bot::Query::Stage {
            stage: "day-one".into(),
        },
    )
    .unwrap();
    let entry = reply.sections[0]
        .entries
        .iter()
        .find(|e| e.claim_id.as_deref() == Some("C-1"))
        .unwrap();
    assert_eq!(entry.details[0], "reported 11 January 2030");
}

#[test]
fn said_left_out_needs_a_published_citation() {
    assert_problem(
        edit("said = 2030-01-10\nvalue = 100", "value = 100"),
        47,
        6,
        &["`C-1` has no `said` date and no citation with `published`"],
    );
}

#[test]
fn stage_date_outside_the_period() {
    assert_problem(
        edit("date = 2030-01-10", "date = 2029-12-31"),
        38,
        8,
        &["stage date 2029-12-31 is outside the story's period (2030-01-01 to 2030-01-31)"],
    );
}

#[test]
fn datetime_where_a_date_is_expected() {
    assert_problem(
        edit("date = 2030-01-10", "date = 2030-01-10T09:30:00"),
        38,
        8,
        &["expected a date like 2025-06-16, found `2030-01-10T09:30:00`"],
    );
}

#[test]
fn said_datetime_where_a_date_is_expected() {
    assert_problem(
        edit(
            "said = 2030-01-10\nvalue = 100",
            "said = 2030-01-10T09:30:00Z\nvalue = 100",
        ),
        51,
        8,
        &["expected a date like 2025-06-16, found `2030-01-10T09:30:00Z`"],
    );
}

#[test]
fn time_where_a_date_is_expected() {
    assert_problem(
        edit("last_reviewed = 2030-02-01", "last_reviewed = 09:30:00"),
        5,
        17,
        &["expected a date like 2025-06-16, found `09:30:00`"],
    );
}

#[test]
fn story_period_ends_before_it_starts() {
    // Reported once: the dates inside it are not all reported as outside it too.
    assert_problem(
        edit(
            "period = { from = 2030-01-01, to = 2030-01-31 }",
            "period = { from = 2030-01-31, to = 2030-01-01 }",
        ),
        4,
        10,
        &["the period starts (2030-01-31) after it ends (2030-01-01)"],
    );
}

#[test]
fn claim_period_ends_before_it_starts() {
    assert_problem(
        edit(
            "stage = \"day-one\"\nclaimants = [\"north-office\"]",
            "period = { from = 2030-01-20, to = 2030-01-10 }\nclaimants = [\"north-office\"]",
        ),
        49,
        10,
        &["the period starts (2030-01-20) after it ends (2030-01-10)"],
    );
}

#[test]
fn window_stage_needs_until() {
    assert_problem(
        edit("date = 2030-01-10\n", "date = 2030-01-10\nprecision = \"window\"\n"),
        39,
        13,
        &["a `window` stage needs `until = <last date>`"],
    );
}

#[test]
fn window_ends_before_it_starts() {
    assert_problem(
        edit(
            "date = 2030-01-10\n",
            "date = 2030-01-10\nprecision = \"window\"\nuntil = 2030-01-05\n",
        ),
        40,
        9,
        &["the window ends (2030-01-05) before it starts (2030-01-10)"],
    );
}

#[test]
fn until_without_window() {
    assert_problem(
        edit("date = 2030-01-10\n", "date = 2030-01-10\nuntil = 2030-01-12\n"),
        39,
        9,
        &["`until` is only allowed with `precision = \"window\"`"],
    );
}

// ---------------------------------------------------------------------------------------------
// Scope and aliases

#[test]
fn both_stage_and_period() {
    assert_problem(
        edit(
            "stage = \"day-one\"\nclaimants = [\"north-office\"]",
            "stage = \"day-one\"\nperiod = { from = 2030-01-01, to = 2030-01-10 }\nclaimants = [\"north-office\"]",
        ),
        49,
        9,
        &["either a `stage`", "or a `period`", "not both"],
    );
}

#[test]
fn event_date_needs_a_stage() {
    assert_problem(
        edit(
            "stage = \"day-one\"\nclaimants = [\"north-office\"]",
            "claimants = [\"north-office\"]\nevent_date = 2030-01-10",
        ),
        50,
        14,
        &["`event_date` needs a `stage`"],
    );
}

#[test]
fn alias_that_names_another_stage() {
    // `aliases = ["día uno", ` is 22 characters (23 bytes): columns count characters.
    assert_problem(
        edit(r#"aliases = ["first day"]"#, r#"aliases = ["día uno", "Day two"]"#),
        39,
        23,
        &["alias `Day two` of stage `day-one` already names stage `day-two`"],
    );
}

#[test]
fn unknown_side_kind() {
    assert_problem(
        edit("name = \"North\"\n", "name = \"North\"\nkind = \"partey\"\n"),
        10,
        8,
        &["unknown side kind `partey`; did you mean `party`? (expected `party` or `outlet`)"],
    );
}

// ---------------------------------------------------------------------------------------------
// Several problems at once

#[test]
fn several_problems_are_all_reported_in_file_order() {
    // Edited bottom-up in the list, so the report's order cannot come from the edit order.
    let text = edits(&[
        (r#"claims = ["C-1", "C-2"]"#, r#"claims = ["C-8", "C-9"]"#),
        ("value = 120\n", "value = 120\nqualifier = \"abot\"\n"),
        ("https://example.org/c1", "mailto:desk@example.org"),
        (
            "claimants = [\"north-office\"]\nsaid = 2030-01-10",
            "claimants = [\"nobody\"]\nsaid = 2030-01-10",
        ),
        (r#"title = "Test story""#, r#"title = """#),
    ]);
    let problems = problems_of(text);
    let at: Vec<(usize, usize)> = problems.iter().map(|p| (p.line, p.col)).collect();
    assert_eq!(
        at,
        [(3, 9), (50, 14), (55, 7), (64, 13), (70, 11), (70, 18)],
        "{}",
        listing(&problems)
    );
    assert!(problems[0].message.contains("empty title"));
    assert!(problems[1].message.contains("unknown claimant `nobody`"));
    assert!(problems[2].message.contains("is not an http(s) URL"));
    assert!(
        problems[3]
            .message
            .contains("unknown qualifier `abot`; did you mean `about`?")
    );
    assert!(problems[4].message.contains("unknown claim `C-8`"));
    assert!(problems[5].message.contains("unknown claim `C-9`"));
    // The error's Display is one line per problem.
    let err = Dataset::from_bytes(
        edit(r#"title = "Test story""#, r#"title = """#).as_bytes(),
        Path::new("bad.toml"),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "bad.toml:3:9: empty title");
}

// ---------------------------------------------------------------------------------------------
// Reading files

#[test]
fn missing_file_is_a_read_error_with_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-story.toml");
    match Dataset::load(&path) {
        Err(e @ LoadError::Read { .. }) => {
            let message = e.to_string();
            assert!(message.contains(&path.display().to_string()), "{message}");
            assert!(message.contains("cannot read"), "{message}");
            assert_eq!(e.problems(), vec![message]);
        }
        other => panic!("expected LoadError::Read, got {other:?}"),
    }
}

/// A FIFO at a data path is refused at once: opening it for reading would wait for a writer
/// forever. (Run on a thread, so that a regression fails the test instead of hanging it.)
#[test]
fn a_fifo_at_the_data_path_is_an_error_not_a_hang() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("story.toml");
    let status = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let (tx, rx) = std::sync::mpsc::channel();
    let fifo = path.clone();
    std::thread::spawn(move || tx.send(Dataset::load(&fifo).map(|_| ()).map_err(|e| e.to_string())));
    let result = rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("loading a FIFO blocked");
    assert_eq!(
        result,
        Err(format!(
            "{}: is a named pipe (FIFO), not a data file; only regular files are read",
            path.display()
        ))
    );
}

#[test]
fn bundled_test_file_loads() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/invented-ferry-evacuation.toml");
    let d = Dataset::load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.story.id, "ferry-evacuation-test");
    assert_eq!(d.claims.len(), 9);
}

// ---------------------------------------------------------------------------------------------
// The command line

fn figures_bot() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_figures-bot"));
    cmd.env_remove("RUST_LOG").current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

#[test]
fn cli_check_reports_problems_as_path_line_col() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    let text = edits(&[(
        "claimants = [\"north-office\"]\nsaid = 2030-01-10",
        "clamants = [\"north-office\"]\nsaid = 2030-01-10",
    )]);
    std::fs::write(&path, &text).unwrap();
    let output = figures_bot().arg("check").arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    let p = path.display();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 5, "{stderr}");
    // The list of expected keys in between follows the model; the rest is fixed.
    assert!(
        lines[0].starts_with(&format!("{p}:50:1: unknown field `clamants`, expected one of `id`, ")),
        "{stderr}"
    );
    assert!(lines[0].ends_with("`citation`; did you mean `claimants`?"), "{stderr}");
    // The line, with a caret under the column.
    assert_eq!(lines[1..4], ["   |", "50 | clamants = [\"north-office\"]", "   | ^"]);
    assert_eq!(lines[4], format!("{p}: 1 problem"));
    assert!(output.stdout.is_empty());

    // Several problems: one line each, in file order, then the count.
    let text = edits(&[
        ("value = 100\n", "value = -1\n"),
        (r#"title = "Test story""#, r#"title = """#),
    ]);
    std::fs::write(&path, &text).unwrap();
    let output = figures_bot().arg("check").arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        [
            format!("{p}:3:9: empty title"),
            "  |".to_string(),
            "3 | title = \"\"".to_string(),
            "  |         ^".to_string(),
            format!("{p}:52:9: negative value -1: figures are counts"),
            "   |".to_string(),
            "52 | value = -1".to_string(),
            "   |         ^".to_string(),
            format!("{p}: 2 problems"),
        ],
        "{stderr}"
    );
}

#[test]
fn cli_check_accepts_the_test_file() {
    let output = figures_bot()
        .args(["check", "tests/data/invented-ferry-evacuation.toml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        stdout,
        "tests/data/invented-ferry-evacuation.toml: ok — story `ferry-evacuation-test`, 9 claims, 2 characterisations, 2 stages, 3 claimants, 2 outlets\n"
    );
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
}

/// A warning (a running total revised down) is printed but does not fail the check.
#[test]
fn cli_check_prints_warnings_and_accepts_the_file() {
    let output = figures_bot()
        .args(["check", "tests/data/invented-quake-toll.toml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("tests/data/invented-quake-toll.toml: ok — story `quake-toll-test`, 21 claims"),
        "{stdout}"
    );
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "tests/data/invented-quake-toll.toml:283:9: warning: revised down: `QT-F032` gives 2,090, lower than the 2,100 \
         of `QT-F031` that it updates\n    |\n283 | value = 2090\n    |         ^\n"
    );
}

#[test]
fn cli_check_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.toml");
    let output = figures_bot().arg("check").arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!("{}: cannot read", path.display())),
        "{stderr}"
    );
}

#[test]
fn cli_ask_unknown_command_suggests() {
    let output = figures_bot()
        .args(["ask", "--data", "tests/data/invented-ferry-evacuation.toml", "totl"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("unrecognized subcommand 'totl'"), "{stderr}");
    assert!(stderr.contains("a similar subcommand exists: 'total'"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn cli_ask_answers_from_the_test_file() {
    let output = figures_bot()
        .args([
            "ask",
            "--data",
            "tests/data/invented-ferry-evacuation.toml",
            "stage",
            "day",
            "2",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.starts_with("## Day 2"), "{stdout}");
    assert!(stdout.contains("380 people"), "{stdout}");
}

#[test]
fn values_too_large_and_empty_bounds_are_refused() {
    let text = "[story]\nid = \"s\"\ntitle = \"t\"\nperiod = { from = 2030-01-01, to = 2030-12-31 }\nlast_reviewed = 2031-01-01\n\n[[side]]\nid = \"a\"\nname = \"A\"\n\n[[claimant]]\nid = \"c\"\nname = \"C\"\nside = \"a\"\n\n[[outlet]]\nid = \"o\"\nname = \"O\"\n\n[[quantity]]\nid = \"q\"\nlabel = \"things\"\nunit = \"things\"\nverb_phrase = \"were counted\"\n\n[[claim]]\nid = \"big\"\nquantity = \"q\"\nclaimants = [\"c\"]\nsaid = 2030-02-01\nvalue = 1000000000001\n[[claim.citation]]\noutlet = \"o\"\nurl = \"https://example.org/1\"\n\n[[claim]]\nid = \"none\"\nquantity = \"q\"\nclaimants = [\"c\"]\nsaid = 2030-02-01\nvalue = 0\nqualifier = \"nearly\"\n[[claim.citation]]\noutlet = \"o\"\nurl = \"https://example.org/2\"\n";
    let err = figures_bot::Dataset::from_bytes(text.as_bytes(), std::path::Path::new("v.toml")).unwrap_err();
    let lines = err.problems();
    assert_eq!(
        lines,
        [
            "v.toml:31:9: value 1000000000001 is larger than the largest figure accepted, 1000000000000",
            "v.toml:41:9: `nearly 0` allows no count at all; use `exact` 0 or `up to`",
        ]
    );
}

/// The loader goes on checking a claim after refusing its value, so every later rule must cope
/// with the largest integer TOML can hold (CI once found `about 9223372036854775807` overflowing
/// the wording check).
#[test]
fn the_largest_toml_integers_are_refused_without_a_panic() {
    for (value, qualifier, expected) in [
        (
            "9223372036854775807",
            "about",
            "value 9223372036854775807 is larger than the largest figure accepted, 1000000000000",
        ),
        (
            "9223372036854775807",
            "range\"\nhigh = 9223372036854775807\n#\"",
            "value 9223372036854775807 is larger than the largest figure accepted, 1000000000000",
        ),
        (
            "-9223372036854775808",
            "nearly",
            "negative value -9223372036854775808: figures are counts",
        ),
    ] {
        let text = format!(
            "[story]\nid = \"s\"\ntitle = \"t\"\nperiod = {{ from = 2030-01-01, to = 2030-12-31 }}\nlast_reviewed = 2031-01-01\n\n[[side]]\nid = \"a\"\nname = \"A\"\n\n[[claimant]]\nid = \"c\"\nname = \"C\"\nside = \"a\"\n\n[[outlet]]\nid = \"o\"\nname = \"O\"\n\n[[quantity]]\nid = \"q\"\nlabel = \"things\"\nunit = \"things\"\nverb_phrase = \"were counted\"\n\n[[claim]]\nid = \"big\"\nquantity = \"q\"\nclaimants = [\"c\"]\nsaid = 2030-02-01\nqualifier = \"{qualifier}\"\nwording = \"about 5 things, one hundred hundred hundred hundred hundred hundred hundred hundred hundred hundred hundred\"\nvalue = {value}\n[[claim.citation]]\noutlet = \"o\"\nurl = \"https://example.org/1\"\n"
        );
        let err = figures_bot::Dataset::from_bytes(text.as_bytes(), std::path::Path::new("v.toml")).unwrap_err();
        let problems = err.problems();
        assert!(
            problems.iter().any(|p| p.ends_with(expected)),
            "{value} {qualifier}: {problems:?}"
        );
    }
}

/// A minimal valid story to edit: two sides, three claimants, one stage, one claim.
const SMALL: &str = "[story]\nid = \"s\"\ntitle = \"t\"\nperiod = { from = 2030-01-01, to = 2030-12-31 }\nlast_reviewed = 2031-01-01\n\n[[side]]\nid = \"a\"\nname = \"A\"\n\n[[side]]\nid = \"b\"\nname = \"B\"\n\n[[claimant]]\nid = \"c-1\"\nname = \"C one\"\nside = \"a\"\n\n[[claimant]]\nid = \"c_1\"\nname = \"C two\"\nside = \"a\"\n\n[[claimant]]\nid = \"d\"\nname = \"D\"\nside = \"b\"\n\n[[outlet]]\nid = \"o\"\nname = \"O\"\n\n[[quantity]]\nid = \"q\"\nlabel = \"things\"\nunit = \"things\"\nverb_phrase = \"were counted\"\n\n[[claim]]\nid = \"x\"\nquantity = \"q\"\nclaimants = [\"c-1\", \"d\"]\nsaid = 2030-02-01\nvalue = 5\n[[claim.citation]]\noutlet = \"o\"\nurl = \"https://example.org/1\"\n";

#[test]
fn ids_that_read_alike_and_claims_across_sides_are_refused() {
    let err = figures_bot::Dataset::from_bytes(SMALL.as_bytes(), std::path::Path::new("s.toml")).unwrap_err();
    assert_eq!(
        err.problems(),
        [
            "s.toml:21:6: claimant id `c_1` reads like `c-1` (line 16): readers and lookups could not tell them apart",
            "s.toml:43:13: claimants `c-1` and `d` speak for different sides; record each side's statement as a claim of its own",
        ]
    );
}

#[test]
fn a_period_end_that_is_not_a_date_is_reported_once() {
    let text = SMALL
        .replace("to = 2030-12-31 }", "to = 2030-12-31T00:00:00 }")
        .replace("id = \"c_1\"", "id = \"c-2\"")
        .replace("[\"c-1\", \"d\"]", "[\"c-1\"]");
    let err = figures_bot::Dataset::from_bytes(text.as_bytes(), std::path::Path::new("s.toml")).unwrap_err();
    assert_eq!(
        err.problems(),
        ["s.toml:4:36: expected a date like 2025-06-16, found `2030-12-31T00:00:00`"]
    );
}

// ---------------------------------------------------------------------------------------------
// Editors' mistakes, in their words (issue 11)

/// The one message of a file with exactly one problem, as `line:col: message`.
#[track_caller]
fn only_problem(text: impl AsRef<[u8]>) -> String {
    let problems = problems_of(text);
    assert_eq!(problems.len(), 1, "expected one problem, got:{}", listing(&problems));
    let p = &problems[0];
    format!("{}:{}: {}", p.line, p.col, p.message)
}

#[test]
fn numbers_written_as_text_or_with_spaces() {
    assert_eq!(
        only_problem(edit("value = 100\n", "value = \"1,246\"\n")),
        "52:9: numbers take no quotes: write 1246"
    );
    assert_eq!(
        only_problem(edit("value = 100\n", "value = 12 45\n")),
        "52:9: numbers take no spaces: write 1245"
    );
    assert_eq!(
        only_problem(edit("value = 100\n", "value = \"many\"\n")),
        "52:9: expected a whole number like 1245, found the text \"many\""
    );
}

#[test]
fn dates_written_as_text() {
    assert_eq!(
        only_problem(edit(
            "said = 2030-01-10\nvalue = 100",
            "said = \"16 June 2025\"\nvalue = 100"
        )),
        "51:8: dates are written 2025-06-16, without quotes"
    );
    assert_eq!(
        only_problem(edit("said = 2030-01-10\nvalue = 100", "said = \"soon\"\nvalue = 100")),
        "51:8: dates are written like 2025-06-16, without quotes"
    );
}

#[test]
fn a_repeated_key_is_named_with_where_it_was_first_set() {
    assert_eq!(
        only_problem(edit("value = 100\n", "value = 100\nvalue = 101\n")),
        "53:1: `value` is set twice in this table; first set on line 52"
    );
}

#[test]
fn deep_nesting_is_explained_without_jargon() {
    let deep = format!("x = {}{}\n", "[".repeat(200), "]".repeat(200));
    let message = only_problem(format!("{deep}{BASE}"));
    assert!(
        message
            .ends_with(": lists or tables are nested too deeply here; a data file never nests more than a few levels"),
        "{message}"
    );
}

#[test]
fn an_alias_or_a_name_where_an_id_goes() {
    assert_eq!(
        only_problem(edit(
            "stage = \"day-one\"\nclaimants = [\"north-office\"]",
            "stage = \"first day\"\nclaimants = [\"north-office\"]"
        )),
        "49:9: `first day` is an alias of the stage `day-one`; use the id"
    );
    assert_eq!(
        only_problem(edit(
            "claimants = [\"south-office\"]\nsaid = 2030-01-10",
            "claimants = [\"the South Office\"]\nsaid = 2030-01-10"
        )),
        "61:14: `the South Office` is the name of the claimant `south-office`; use the id"
    );
}

#[test]
fn closed_vocabularies_suggest_what_editors_mean() {
    let q = |word: &str| only_problem(edit("value = 100\n", &format!("value = 100\nqualifier = \"{word}\"\n")));
    let expected =
        "(expected one of `exact`, `more than`, `at least`, `about`, `nearly`, `up to`, `fewer than`, `range`)";
    assert_eq!(
        q("over"),
        format!("53:13: unknown qualifier `over`; did you mean `more than`? {expected}")
    );
    assert_eq!(
        q("approximately"),
        format!("53:13: unknown qualifier `approximately`; did you mean `about`? {expected}")
    );
    assert_eq!(
        only_problem(edit("value = 100\n", "value = 100\nstatus = \"disputed\"\n")),
        "53:10: unknown status `disputed`; did you mean `unconfirmed`? (expected current, unconfirmed, superseded or retracted)"
    );
    assert_eq!(
        only_problem(edit(
            "date = 2030-01-11\n",
            "date = 2030-01-11\nprecision = \"period\"\n"
        )),
        "45:13: unknown precision `period`; did you mean `window`? (expected `day`, `month` or `window`)"
    );
    assert_eq!(
        only_problem(edit(
            "name = \"The Gazette\"\n",
            "name = \"The Gazette\"\nflags = [\"wire\"]\n"
        )),
        "28:10: unknown flag `wire`; did you mean `wire-copy`? (expected `wire-copy`, `mirror` or `aggregator`)"
    );
}

#[test]
fn a_figure_its_own_words_contradict_is_a_warning() {
    let text = edit(
        "value = 100\n",
        "value = 1246\nwording = \"Another 1,245 people evacuated\"\n",
    );
    let data = Dataset::from_bytes(text.as_bytes(), Path::new("w.toml")).expect("warnings do not stop loading");
    let warnings: Vec<String> = data.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["w.toml:52:9: value 1,246 disagrees with its wording, which says 1,245; check the figure against the source"]
    );
    // Number words, quotes, qualifiers and dates: no warning when one stated number fits.
    for (value, words) in [
        (
            "value = 6000\nqualifier = \"more than\"",
            "wording = \"more than six thousand\"",
        ),
        (
            "value = 1200\nqualifier = \"about\"",
            "wording = \"on 16 June, some 1,250 people\"",
        ),
        (
            "value = 20\nqualifier = \"range\"\nhigh = 25",
            "wording = \"between 22 and 30\"",
        ),
        ("value = 100", "wording = \"said on 16 June 2030\""),
    ] {
        let text = edit("value = 100\n", &format!("{value}\n{words}\n"));
        let data = Dataset::from_bytes(text.as_bytes(), Path::new("w.toml")).expect("valid");
        assert!(data.warnings.is_empty(), "{value} / {words}: {:?}", data.warnings);
    }
    let text = edit(
        "url = \"https://example.org/c1\"\n",
        "url = \"https://example.org/c1\"\nquote = \"ninety people left\"\n",
    );
    let data = Dataset::from_bytes(text.as_bytes(), Path::new("w.toml")).expect("valid");
    assert_eq!(
        data.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["w.toml:52:9: value 100 disagrees with its quote, which says 90; check the figure against the source"]
    );
}

#[test]
fn ids_that_read_alike_after_skeletons_and_invisible_characters() {
    // Cyrillic `о` (U+043E) in the second claimant's id.
    assert_eq!(
        only_problem(
            edit("id = \"south-office\"", "id = \"north-\u{043E}ffice\"")
                .replace("[\"south-office\"]", "[\"north-\u{043E}ffice\"]")
        ),
        "21:6: claimant id `north-\u{043E}ffice` reads like `north-office` (line 16): readers and lookups could not tell them apart"
    );
    // A zero-width space is not a letter: refused in an id, and ignored when names are compared.
    assert_eq!(
        only_problem(
            edit("id = \"gazette\"", "id = \"gaz\u{200B}ette\"")
                .replace("outlet = \"gazette\"", "outlet = \"gaz\u{200B}ette\"")
        ),
        "26:6: id `gaz\\u{200b}ette` contains U+200B; ids may contain only letters, digits and `-`, `_`, `.`, `:`"
    );
    assert_eq!(
        only_problem(edit(
            "name = \"the South Office\"",
            "name = \"the North\u{200B} Office\""
        )),
        "22:8: name `the North\\u{200b} Office` of claimant `south-office` reads the same as a name of claimant `north-office`: lookups could not tell them apart"
    );
    assert_eq!(
        only_problem(edit("name = \"The Gazette\"", "name = \"\u{200B}\"")),
        "27:8: empty name: it holds only invisible characters"
    );
    assert_eq!(
        only_problem(edit("id = \"day-two\"", "id = \"day`two`\"")),
        "42:6: id `day`two`` contains ```; ids may contain only letters, digits and `-`, `_`, `.`, `:`"
    );
}

#[test]
fn control_characters_and_line_breaks() {
    assert_eq!(
        only_problem(edit("name = \"The Gazette\"", "name = \"The \\u001b[31mGazette\"")),
        "27:8: `name` holds the control character U+001B; remove it"
    );
    assert_eq!(
        only_problem(edit("name = \"The Gazette\"", "name = \"The\\nGazette\"")),
        "27:8: `name` holds a line break; write it on one line (line breaks are allowed only in `description`, `summary`, `notes`, `quote`)"
    );
    assert_eq!(
        only_problem(edit(
            "text = \"The offices count differently.\"",
            "text = \"The offices \\u202Ecount\""
        )),
        "70:8: `text` holds the direction control U+202E, which reorders the text readers see; remove it"
    );
    // Prose may hold line breaks.
    let text = edit(
        "summary = \"The North Office says it counted.\"",
        "summary = \"\"\"The North Office\nsays it counted.\"\"\"",
    );
    assert!(Dataset::from_bytes(text.as_bytes(), Path::new("ok.toml")).is_ok());
}

#[test]
fn problems_show_their_line_with_a_caret() {
    let text = edit("value = 100\n", "value = \"1,246\"\n");
    let problem = &problems_of(&text)[0];
    assert_eq!(
        problem.with_excerpt(&text),
        "bad.toml:52:9: numbers take no quotes: write 1246\n   |\n52 | value = \"1,246\"\n   |         ^"
    );
}

#[test]
fn cli_check_strict_refuses_warnings_and_names_duplicate_stories() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.toml");
    std::fs::write(
        &a,
        edit("value = 100\n", "value = 1246\nwording = \"Another 1,245 people\"\n"),
    )
    .unwrap();
    let output = figures_bot().arg("check").arg(&a).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    let warning = format!(
        "{}:52:9: warning: value 1,246 disagrees with its wording, which says 1,245; check the figure against the source\n   |\n52 | value = 1246\n   |         ^\n",
        a.display()
    );
    assert_eq!(stderr, warning);
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .ends_with("(1 warning; `check --strict` refuses them)\n")
    );

    let output = figures_bot().args(["check", "--strict"]).arg(&a).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        format!("{warning}{}: 1 problem\n", a.display())
    );

    // Two files with one story id: the second is refused with both positions.
    let b = dir.path().join("b.toml");
    std::fs::write(&a, BASE).unwrap();
    std::fs::write(&b, format!("# a copy\n{BASE}")).unwrap();
    let output = figures_bot().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        format!(
            "{b}:3:6: story `test-story` is already in {a}:2:6; each story must have one file\n  |\n3 | id = \"test-story\"\n  |      ^\n{b}: 1 problem\n",
            a = a.display(),
            b = b.display()
        )
    );
}

#[cfg(unix)]
#[test]
fn cli_check_names_each_folder_entry_it_skips() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.toml"), BASE).unwrap();
    std::fs::create_dir(dir.path().join("folder.toml")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("gone"), dir.path().join("dangling.toml")).unwrap();
    let fifo = std::ffi::CString::new(dir.path().join("pipe.toml").into_os_string().into_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    let output = figures_bot().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let d = dir.path().display();
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        format!(
            "{d}/dangling.toml: skipped: a link to nothing (its target is missing)\n\
             {d}/folder.toml: skipped: a folder, not a data file\n\
             {d}/pipe.toml: skipped: a named pipe (FIFO), not a data file\n"
        )
    );
}

// ---------------------------------------------------------------------------------------------
// Breakdowns

/// BASE with two more quantities (one in another unit) and `breakdowns` appended.
fn with_breakdowns(breakdowns: &str) -> String {
    format!(
        "{BASE}\n[[quantity]]\nid = \"by-sea\"\nlabel = \"evacuees by sea\"\nunit = \"people\"\nverb_phrase = \"left by sea\"\n\n\
         [[quantity]]\nid = \"by-air\"\nlabel = \"evacuees by air\"\nunit = \"people\"\nverb_phrase = \"left by air\"\n\n\
         [[quantity]]\nid = \"boats\"\nlabel = \"boats\"\nunit = \"boats\"\nverb_phrase = \"sailed\"\n\n{breakdowns}"
    )
}

/// 1-based line and column of the first `needle` at or after line `after` of `text`.
fn position_of(text: &str, needle: &str, after: usize) -> (usize, usize) {
    for (i, line) in text.lines().enumerate().skip(after) {
        if let Some(col) = line.find(needle) {
            return (i + 1, line[..col].chars().count() + 1);
        }
    }
    panic!("{needle} not found");
}

#[test]
fn a_valid_breakdown_loads() {
    let text =
        with_breakdowns("[[breakdown]]\nid = \"by-route\"\ntotal = \"evacuees\"\nparts = [\"by-sea\", \"by-air\"]\n");
    let data = Dataset::from_bytes(text.as_bytes(), Path::new("ok.toml")).expect("valid");
    assert_eq!(data.breakdowns.len(), 1);
    assert!(data.breakdowns[0].complete, "complete by default");
}

#[test]
fn breakdown_mistakes_are_reported_where_they_are() {
    let base_lines = BASE.lines().count();
    let cases: [(&str, &str, &str); 4] = [
        (
            "[[breakdown]]\nid = \"b\"\ntotal = \"evacuees\"\nparts = [\"by-sea\", \"by-sae\"]\n",
            "\"by-sae\"",
            "unknown quantity `by-sae`; did you mean `by-sea`?",
        ),
        (
            "[[breakdown]]\nid = \"b\"\ntotal = \"evacuees\"\nparts = [\"by-sea\", \"by-sea\"]\n",
            "\"by-sea\"]",
            "`by-sea` is listed twice in this breakdown",
        ),
        (
            "[[breakdown]]\nid = \"b\"\ntotal = \"evacuees\"\nparts = [\"by-sea\", \"evacuees\"]\n",
            "\"evacuees\"]",
            "`evacuees` is the breakdown's own total, not a part of it",
        ),
        (
            "[[breakdown]]\nid = \"b\"\ntotal = \"evacuees\"\nparts = [\"by-sea\", \"boats\"]\n",
            "\"boats\"]",
            "`boats` is counted in boats, but the total `evacuees` in people: parts must have the total's unit",
        ),
    ];
    for (breakdown, at, message) in cases {
        let text = with_breakdowns(breakdown);
        let (line, col) = position_of(&text, at, base_lines + 16);
        assert_problem(&text, line, col, &[message]);
    }
}

#[test]
fn breakdowns_that_go_round_in_a_circle_are_refused() {
    let text = with_breakdowns(
        "[[breakdown]]\nid = \"one\"\ntotal = \"by-sea\"\nparts = [\"by-air\"]\n\n\
         [[breakdown]]\nid = \"two\"\ntotal = \"by-air\"\nparts = [\"by-sea\"]\n",
    );
    let problems = problems_of(&text);
    assert!(!problems.is_empty());
    let first = &problems[0];
    assert!(
        first
            .message
            .contains("breakdowns go round in a circle: `one` ends up as a part of itself"),
        "{}",
        listing(&problems)
    );
    let (line, col) = position_of(&text, "total = \"by-sea\"", BASE.lines().count());
    assert_eq!((first.line, first.col), (line, col + "total = ".len()));
}

/// A claim that dates its stage after the day it was said is a warning at `event_date`: a
/// statement cannot date what has not happened yet, so one of the two dates is off.
#[test]
fn an_event_dated_after_it_was_said_is_a_warning() {
    let text = edit("value = 100\n", "value = 100\nevent_date = 2030-01-12\n");
    let data = Dataset::from_bytes(text.as_bytes(), Path::new("w.toml")).expect("warnings do not stop loading");
    let warnings: Vec<String> = data.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "w.toml:53:14: `event_date` 12 January 2030 is after the claim was said (10 January 2030): check both dates \
          against the source"
        ]
    );
    let same_day = edit("value = 100\n", "value = 100\nevent_date = 2030-01-10\n");
    let data = Dataset::from_bytes(same_day.as_bytes(), Path::new("w.toml")).unwrap();
    assert!(data.warnings.is_empty(), "{:?}", data.warnings);
}
