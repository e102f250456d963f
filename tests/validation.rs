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
        &["invalid type: string \"100\", expected a number, like 1245 or 7.8"],
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
        &["missing field `url`"],
    );
}

#[test]
fn empty_file() {
    let problems = problems_of("");
    assert_eq!(problems.len(), 1, "{}", listing(&problems));
    assert_at(&problems[0], 1, 1, &["missing field `story`"]);
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

#[test]
fn said_outside_the_period() {
    assert_problem(
        edit("said = 2030-01-10\nvalue = 100", "said = 2030-03-10\nvalue = 100"),
        51,
        8,
        &["`said` date 2030-03-10 is outside the story's period (2030-01-01 to 2030-01-31)"],
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
        &["unknown side kind `partey`; expected `party` or `outlet`"],
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
    assert_eq!(lines.len(), 2, "{stderr}");
    // The list of expected keys in between follows the model; the rest is fixed.
    assert!(
        lines[0].starts_with(&format!("{p}:50:1: unknown field `clamants`, expected one of `id`, ")),
        "{stderr}"
    );
    assert!(lines[0].ends_with("`citation`; did you mean `claimants`?"), "{stderr}");
    assert_eq!(lines[1], format!("{p}: 1 problem(s)"));
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
            format!("{p}:52:9: negative value -1: figures are counts"),
            format!("{p}: 2 problem(s)"),
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
        "tests/data/invented-quake-toll.toml:278:9: warning: revised down: `QT-F032` gives 2,090, lower than the 2,100 of `QT-F031` that it updates\n"
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

/// A minimal valid story to edit: two sides, three claimants, one stage, one claim.
const SMALL: &str = "[story]\nid = \"s\"\ntitle = \"t\"\nperiod = { from = 2030-01-01, to = 2030-12-31 }\nlast_reviewed = 2031-01-01\n\n[[side]]\nid = \"a\"\nname = \"A\"\n\n[[side]]\nid = \"b\"\nname = \"B\"\n\n[[claimant]]\nid = \"c-1\"\nname = \"C one\"\nside = \"a\"\n\n[[claimant]]\nid = \"c_1\"\nname = \"C two\"\nside = \"a\"\n\n[[claimant]]\nid = \"d\"\nname = \"D\"\nside = \"b\"\n\n[[outlet]]\nid = \"o\"\nname = \"O\"\n\n[[quantity]]\nid = \"q\"\nlabel = \"things\"\nunit = \"things\"\nverb_phrase = \"were counted\"\n\n[[claim]]\nid = \"x\"\nquantity = \"q\"\nclaimants = [\"c-1\", \"d\"]\nsaid = 2030-02-01\nvalue = 5\n[[claim.citation]]\noutlet = \"o\"\nurl = \"https://example.org/1\"\n";

#[test]
fn ids_that_read_alike_and_claims_across_sides_are_refused() {
    let err = figures_bot::Dataset::from_bytes(SMALL.as_bytes(), std::path::Path::new("s.toml")).unwrap_err();
    assert_eq!(
        err.problems(),
        [
            "s.toml:21:6: id `c_1` of claimant `c_1` reads the same as a name of claimant `c-1`: lookups could not tell them apart",
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

#[test]
fn decimals_are_refused_when_not_plain_figures() {
    let cases = [
        ("value = nan\n", "value `nan` is not a number; figures are finite"),
        ("value = +inf\n", "value `+inf` is not a number; figures are finite"),
        (
            "value = 7.1234567\n",
            "value `7.1234567` has 7 decimal places; the limit is 6",
        ),
        ("value = 7.8e3\n", "value `7.8e3`: write the number out in digits"),
        (
            "value = 1000000000000.5\n",
            "value 1000000000000.5 is larger than the largest figure accepted, 1000000000000",
        ),
        ("value = -0.5\n", "negative value -0.5: figures are counts"),
    ];
    for (line, message) in cases {
        assert_problem(edit("value = 100\n", line), 52, 9, &[message]);
    }
}

#[test]
fn a_decimal_range_is_checked_as_written() {
    let text = edit("value = 100\n", "value = 17.9\nqualifier = \"range\"\nhigh = 17.85\n");
    assert_problem(text, 54, 8, &["range low 17.9 is greater than high 17.85"]);
}
