//! Property tests: the qualifier arithmetic, and a loader that never panics on damaged files.

use std::path::Path;
use std::sync::LazyLock;

use figures_bot::answer::Query;
use figures_bot::figure::{Figure, MixedBounds, Number, Qualifier, thousands};
use figures_bot::render::markdown;
use figures_bot::{Dataset, LoadError, answer};
use proptest::prelude::*;
use proptest::sample::Index;

// ---------------------------------------------------------------------------------------------
// Figures

/// Large enough to mean something, small enough that sums (and the ±10% of "about") cannot
/// overflow: the arithmetic itself is not overflow-checked.
const MAX: i64 = 1_000_000_000_000;

/// `default` cases per property, or `PROPTEST_CASES` when set: CI runs the defaults, a deeper
/// search before a release runs e.g. `PROPTEST_CASES=50000 cargo test --test properties`.
fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default);
    ProptestConfig::with_cases(cases)
}

fn qualifier() -> impl Strategy<Value = Qualifier> {
    prop::sample::select(Qualifier::ALL.map(|(q, _)| q).to_vec())
}

fn make(q: Qualifier, a: i64, b: i64) -> Figure {
    if q == Qualifier::Range {
        Figure::range(a.min(b), a.max(b))
    } else {
        Figure::new(q, a)
    }
}

/// Any figure the loader can produce (ranges have low ≤ high; values are not negative).
fn figure() -> impl Strategy<Value = Figure> {
    (qualifier(), 0..=MAX, 0..=MAX).prop_map(|(q, a, b)| make(q, a, b))
}

/// Small values too, where rounding of the approximation slack matters.
fn small_figure() -> impl Strategy<Value = Figure> {
    (qualifier(), 0..=50i64, 0..=50i64).prop_map(|(q, a, b)| make(q, a, b))
}

/// A decimal as a file writes it: up to 12 whole digits and up to 6 places ("7.8", "0.10").
fn decimal_text() -> impl Strategy<Value = String> {
    decimal_text_places(1..=6)
}

fn decimal_text_places(places: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    (0..=MAX, places, any::<u32>()).prop_map(|(whole, places, fraction)| {
        let fraction = u64::from(fraction) % 10u64.pow(places as u32);
        format!("{whole}.{fraction:0places$}")
    })
}

fn number(text: &str) -> Number {
    Number::parse(text).expect("a plain decimal")
}

/// Figures with decimals, as the loader reads them from the file's text.
fn decimal_figure() -> impl Strategy<Value = Figure> {
    (qualifier(), decimal_text(), decimal_text()).prop_map(|(q, a, b)| {
        let (a, b) = (number(&a), number(&b));
        if q == Qualifier::Range {
            Figure::range(a.min(b), a.max(b))
        } else {
            Figure::new(q, a)
        }
    })
}

fn any_figure() -> impl Strategy<Value = Figure> {
    prop_oneof![figure(), small_figure(), decimal_figure()]
}

/// Figures whose interval is exact about its ends: no "about" or "nearly".
fn bounded_figure() -> impl Strategy<Value = Figure> {
    any_figure().prop_filter("no approximations", |f| {
        !matches!(f.qualifier, Qualifier::About | Qualifier::Nearly)
    })
}

/// A concrete value inside the figure's interval (in millionths), chosen by `t`.
fn pick(f: &Figure, t: u64) -> i128 {
    let t = i128::from(t % 1_000_000_000);
    match f.interval() {
        (Some(lo), Some(hi)) => {
            assert!(lo <= hi, "empty interval for {f:?}");
            lo + t % (hi - lo + 1)
        }
        (Some(lo), None) => lo + t,
        (None, Some(hi)) => hi - t,
        (None, None) => t,
    }
}

fn contains(interval: (Option<i128>, Option<i128>), x: i128) -> bool {
    interval.0.is_none_or(|lo| lo <= x) && interval.1.is_none_or(|hi| x <= hi)
}

fn is_lower(q: Qualifier) -> bool {
    matches!(q, Qualifier::MoreThan | Qualifier::AtLeast)
}

fn is_upper(q: Qualifier) -> bool {
    matches!(q, Qualifier::UpTo | Qualifier::FewerThan)
}

proptest! {
    #![proptest_config(cases(1024))]

    #[test]
    fn addition_is_commutative(a in any_figure(), b in any_figure()) {
        prop_assert_eq!(a.checked_add(b), b.checked_add(a));
    }

    #[test]
    fn exact_plus_exact_is_the_exact_sum(a in 0..=MAX, b in 0..=MAX) {
        let sum = Figure::exact(a).checked_add(Figure::exact(b));
        prop_assert_eq!(sum, Ok(Figure::exact(a + b)));
        prop_assert!(sum.unwrap().is_exact());
    }

    /// Whatever true values lie behind two figures, their sum lies behind the figures' sum.
    #[test]
    fn addition_is_sound(a in bounded_figure(), b in bounded_figure(), s in any::<u64>(), t in any::<u64>()) {
        if let Ok(sum) = a.checked_add(b) {
            let (x, y) = (pick(&a, s), pick(&b, t));
            prop_assert!(contains(a.interval(), x) && contains(b.interval(), y));
            prop_assert!(
                contains(sum.interval(), x + y),
                "{x} (from {a}) + {y} (from {b}) = {} is outside {sum} = {:?}", x + y, sum.interval()
            );
        }
    }

    /// Only a lower bound plus an upper bound is refused.
    #[test]
    fn addition_refuses_only_mixed_bounds(a in bounded_figure(), b in bounded_figure()) {
        let mixed = (is_lower(a.qualifier) && is_upper(b.qualifier)) || (is_upper(a.qualifier) && is_lower(b.qualifier));
        prop_assert_eq!(a.checked_add(b).is_err(), mixed, "{} + {}", a, b);
    }

    #[test]
    fn about_makes_the_sum_about(a in any_figure(), v in 0..=MAX) {
        let about = Figure::new(Qualifier::About, v);
        let sum = a.checked_add(about);
        prop_assert!(matches!(sum, Ok(f) if f.qualifier == Qualifier::About), "{} + {} = {:?}", a, about, sum);
        prop_assert_eq!(sum.unwrap().value, a.value + v.into());
    }

    #[test]
    fn lower_plus_upper_bound_is_refused(
        lower in prop::sample::select(vec![Qualifier::MoreThan, Qualifier::AtLeast]),
        upper in prop::sample::select(vec![Qualifier::UpTo, Qualifier::FewerThan]),
        a in 0..=MAX,
        b in 0..=MAX,
    ) {
        let (lo, hi) = (Figure::new(lower, a), Figure::new(upper, b));
        prop_assert_eq!(lo.checked_add(hi), Err(MixedBounds));
        prop_assert_eq!(hi.checked_add(lo), Err(MixedBounds));
    }

    #[test]
    fn compatibility_is_symmetric(a in any_figure(), b in any_figure()) {
        prop_assert_eq!(a.compatible_with(&b), b.compatible_with(&a), "{} vs {}", a, b);
    }

    #[test]
    fn compatibility_is_reflexive(a in any_figure()) {
        // "nearly 0" has no value at all (from 0 up to, not including, 0): see the report.
        prop_assume!(!(a.qualifier == Qualifier::Nearly && a.value.micros() == 0));
        prop_assert!(a.compatible_with(&a), "{} is not compatible with itself ({:?})", a, a.interval());
    }

    /// Two figures that both allow some true value are compatible; an exact figure is compatible
    /// with exactly the figures whose interval (as read at its written precision) holds it.
    #[test]
    fn compatibility_follows_the_intervals(a in bounded_figure(), v in 0..=MAX) {
        prop_assert_eq!(a.compatible_with(&Figure::exact(v)), contains(a.interval_as_read(), i128::from(v) * 1_000_000), "{} vs {}", a, v);
    }

    /// Decimals add up exactly, and a sum keeps the finer places of its terms.
    #[test]
    fn decimal_sums_are_exact(a in decimal_text(), b in decimal_text()) {
        let (x, y) = (number(&a), number(&b));
        let sum = Figure::exact(x).checked_add(Figure::exact(y)).unwrap();
        prop_assert_eq!(sum.value.micros(), x.micros() + y.micros());
        prop_assert_eq!(sum.value.places(), x.places().max(y.places()));
    }

    /// An exact decimal stands for what rounds to it at its written places: a finer figure that
    /// rounds to it is compatible (a precision difference, 7.8 and 7.81); one a whole last digit
    /// away is not (7.8 and 7.9).
    #[test]
    fn decimals_compare_at_the_coarser_precision(a in decimal_text_places(1..=5), extra in 0..5u32) {
        let x = number(&a);
        let finer = number(&format!("{a}{extra}"));
        prop_assert!(Figure::exact(x).compatible_with(&Figure::exact(finer)), "{} vs {}", x, finer);
        let step = Number::parse(&format!("0.{:0>width$}", 1, width = usize::from(x.places()))).unwrap();
        let next = x + step;
        prop_assert!(!Figure::exact(x).compatible_with(&Figure::exact(next)), "{} vs {}", x, next);
    }

    /// A decimal renders with exactly the digits written, grouped by thousands.
    #[test]
    fn decimals_render_as_written(a in decimal_text()) {
        let (whole, fraction) = a.split_once('.').unwrap();
        let grouped = format!("{}.{fraction}", thousands(whole.parse().unwrap()));
        prop_assert_eq!(number(&a).to_string(), grouped.clone());
        prop_assert_eq!(Figure::new(Qualifier::About, number(&a)).to_string(), format!("about {grouped}"));
    }

    #[test]
    fn thousands_groups_by_three(n in any::<i64>()) {
        let text = thousands(n);
        prop_assert_eq!(text.replace(',', ""), n.to_string());
        let digits = text.trim_start_matches('-');
        let groups: Vec<&str> = digits.split(',').collect();
        prop_assert!((1..=3).contains(&groups[0].len()), "{}", text);
        prop_assert!(groups[1..].iter().all(|g| g.len() == 3), "{}", text);
        prop_assert_eq!(groups.len(), n.unsigned_abs().to_string().len().div_ceil(3));
    }

    #[test]
    fn exact_figures_display_with_thousands(v in 0..=MAX) {
        prop_assert_eq!(Figure::exact(v).to_string(), thousands(v));
        let range = Figure::range(v, v + 1000);
        prop_assert_eq!(range.to_string(), format!("{}–{}", thousands(v), thousands(v + 1000)));
    }
}

// ---------------------------------------------------------------------------------------------
// The loader on damaged files

static VALID: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/invented-ferry-evacuation.toml");
    std::fs::read(path).expect("the test data file")
});

/// Keys of the format, for renames that produce valid-looking but misplaced keys.
const KEYS: &[&str] = &[
    "id",
    "title",
    "name",
    "side",
    "kind",
    "aliases",
    "claimants",
    "quantity",
    "stage",
    "period",
    "said",
    "said_precision",
    "event_date",
    "value",
    "qualifier",
    "high",
    "status",
    "superseded_by",
    "retracted",
    "citation",
    "outlet",
    "url",
    "published",
    "topic",
    "claims",
    "text",
    "date",
    "precision",
    "until",
    "from",
    "to",
    "primary_quantity",
    "last_reviewed",
];

/// Values that exercise the checks (and the arithmetic) rather than the TOML parser.
const VALUES: &[&str] = &[
    "-1",
    "0",
    "9223372036854775807",
    "99999999999999999999",
    "\"\"",
    "\"  \"",
    "\"range\"",
    "\"about\"",
    "\"nearly\"",
    "\"superseded\"",
    "\"retracted\"",
    "\"window\"",
    "\"T-001\"",
    "\"day-1\"",
    "\"ftp://x\"",
    "2031-03-10",
    "2031-03-10T10:00:00",
    "10:00:00",
    "1900-01-01",
    "[]",
    "[\"north-authority\", \"north-authority\"]",
    "{}",
    "{ from = 2031-03-11, to = 2031-03-10 }",
    "{ on = 2031-03-12, reason = \"x\" }",
    "true",
    "1.5",
];

#[derive(Debug, Clone)]
enum Mutation {
    SetByte(Index, u8),
    InsertByte(Index, u8),
    DeleteByte(Index),
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    Truncate(Index),
    RenameKey(Index, String),
    ReplaceValue(Index, &'static str),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let new_key = prop_oneof![
        prop::sample::select(KEYS).prop_map(str::to_string),
        "[a-z_]{1,12}",
        // A typo of a real key: one character dropped.
        (prop::sample::select(KEYS), any::<Index>()).prop_map(|(k, i)| {
            let mut k = k.to_string();
            k.remove(i.index(k.len()));
            k
        }),
    ];
    prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::SetByte(i, b)),
        (
            any::<Index>(),
            prop::sample::select(b"\"'[]{}=,.#\n\\\xff\xc3 0-T:".to_vec())
        )
            .prop_map(|(i, b)| Mutation::InsertByte(i, b)),
        any::<Index>().prop_map(Mutation::DeleteByte),
        any::<Index>().prop_map(Mutation::DeleteLine),
        any::<Index>().prop_map(Mutation::DuplicateLine),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), new_key).prop_map(|(i, k)| Mutation::RenameKey(i, k)),
        (any::<Index>(), prop::sample::select(VALUES)).prop_map(|(i, v)| Mutation::ReplaceValue(i, v)),
    ]
}

fn lines_of(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes.split_inclusive(|&b| b == b'\n').map(<[u8]>::to_vec).collect()
}

/// Indices of the lines that look like `key = value`.
fn assignments(lines: &[Vec<u8>]) -> Vec<usize> {
    (0..lines.len())
        .filter(|&i| {
            let line = &lines[i];
            let key_len = line
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
            key_len > 0 && line[key_len..].starts_with(b" = ")
        })
        .collect()
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let mut lines = lines_of(bytes);
    match m {
        Mutation::SetByte(i, b) if !bytes.is_empty() => {
            let at = i.index(bytes.len());
            bytes[at] = *b;
            return;
        }
        Mutation::InsertByte(i, b) => {
            let at = i.index(bytes.len() + 1);
            bytes.insert(at, *b);
            return;
        }
        Mutation::DeleteByte(i) if !bytes.is_empty() => {
            bytes.remove(i.index(bytes.len()));
            return;
        }
        Mutation::Truncate(i) => {
            bytes.truncate(i.index(bytes.len() + 1));
            return;
        }
        Mutation::DeleteLine(i) if !lines.is_empty() => {
            lines.remove(i.index(lines.len()));
        }
        Mutation::DuplicateLine(i) if !lines.is_empty() => {
            let at = i.index(lines.len());
            lines.insert(at, lines[at].clone());
        }
        Mutation::SwapLines(a, b) if !lines.is_empty() => {
            let (a, b) = (a.index(lines.len()), b.index(lines.len()));
            lines.swap(a, b);
        }
        Mutation::RenameKey(i, key) => {
            let candidates = assignments(&lines);
            if let Some(&at) = candidates.get(i.index(candidates.len().max(1))) {
                let line = &lines[at];
                let eq = line.windows(3).position(|w| w == b" = ").unwrap_or(0);
                let mut renamed = key.as_bytes().to_vec();
                renamed.extend_from_slice(&line[eq..]);
                lines[at] = renamed;
            }
        }
        Mutation::ReplaceValue(i, value) => {
            let candidates = assignments(&lines);
            if let Some(&at) = candidates.get(i.index(candidates.len().max(1))) {
                let line = &lines[at];
                let eq = line.windows(3).position(|w| w == b" = ").unwrap_or(0);
                let mut replaced = line[..eq + 3].to_vec();
                replaced.extend_from_slice(value.as_bytes());
                replaced.push(b'\n');
                lines[at] = replaced;
            }
        }
        _ => return,
    }
    *bytes = lines.concat();
}

/// Every question the answers module can be asked about a dataset, for names that exist.
fn every_query(d: &Dataset) -> Vec<Query> {
    let mut queries = vec![
        Query::Total {
            quantity: None,
            claimant: None,
        },
        Query::Discrepancy {
            quantity: None,
            stage: None,
        },
        Query::Timeline,
        Query::About,
    ];
    for q in &d.quantities {
        queries.push(Query::Total {
            quantity: Some(q.id.clone()),
            claimant: None,
        });
        queries.push(Query::Discrepancy {
            quantity: Some(q.id.clone()),
            stage: None,
        });
    }
    for s in &d.stages {
        queries.push(Query::Stage { stage: s.id.clone() });
        queries.push(Query::Discrepancy {
            quantity: None,
            stage: Some(s.id.clone()),
        });
    }
    for c in &d.claimants {
        queries.push(Query::Source { claimant: c.id.clone() });
        queries.push(Query::Total {
            quantity: None,
            claimant: Some(c.id.clone()),
        });
    }
    queries
}

/// The largest number any claim states.
fn largest_value(d: &Dataset) -> i64 {
    d.claims
        .iter()
        .map(|c| c.figure.value.max(c.figure.high))
        .max()
        .and_then(|n| n.as_i64())
        .unwrap_or(0)
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn loader_never_panics(mutations in prop::collection::vec(mutation(), 1..6)) {
        let mut bytes = VALID.clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
        match Dataset::from_bytes(&bytes, Path::new("mutated.toml")) {
            Ok(d) => {
                // A file that loads must be answerable without panicking, too.
                for q in every_query(&d) {
                    if let Ok(reply) = answer(&d, &q) {
                        let text = markdown::render(&reply);
                        prop_assert!(!text.is_empty());
                    }
                }
            }
            Err(LoadError::Invalid(problems)) => {
                prop_assert!(!problems.is_empty());
                for p in &problems {
                    prop_assert!(p.line >= 1 && p.col >= 1, "{}", p);
                    prop_assert!(p.line <= lines + 1, "{} (the file has {} lines)", p, lines);
                    prop_assert!(!p.message.is_empty(), "{}", p);
                }
                let order: Vec<(usize, usize)> = problems.iter().map(|p| (p.line, p.col)).collect();
                prop_assert!(order.is_sorted(), "problems not in file order: {:?}", order);
            }
            Err(other) => prop_assert!(false, "unexpected error kind: {}", other),
        }
    }

    /// Whole lines of valid keys moved around: the loader gets past the parser more often.
    #[test]
    fn loader_never_panics_on_shuffled_lines(swaps in prop::collection::vec((any::<Index>(), any::<Index>()), 1..4)) {
        let mut bytes = VALID.clone();
        for (a, b) in &swaps {
            apply(&mut bytes, &Mutation::SwapLines(*a, *b));
        }
        if let Err(LoadError::Invalid(problems)) = Dataset::from_bytes(&bytes, Path::new("shuffled.toml")) {
            prop_assert!(problems.iter().all(|p| p.line >= 1 && p.col >= 1));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Answers on edited (mostly still valid) files

/// Every whole quoted value in the valid file: ids, names, words. Swapping one for another
/// makes references point elsewhere while the file usually stays valid.
static STRINGS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let text = std::str::from_utf8(&VALID).unwrap();
    let mut out: Vec<String> = text
        .lines()
        .filter_map(|l| l.split_once(" = ").map(|(_, v)| v.trim()))
        .filter(|v| v.starts_with('"') && v.ends_with('"') && v.len() >= 2)
        .map(str::to_string)
        .collect();
    out.extend(Qualifier::ALL.iter().map(|(_, w)| format!("\"{w}\"")));
    out.extend(["\"unconfirmed\"", "\"current\"", "\"month\"", "\"party\"", "\"outlet\""].map(String::from));
    out.sort();
    out.dedup();
    out
});

const NUMBERS: &[i64] = &[
    0,
    1,
    5,
    12,
    20,
    25,
    350,
    380,
    399,
    400,
    401,
    700,
    750,
    800,
    1000,
    123_456,
    1_000_000_000_000_000,
];

/// Lines inserted after a claim's `value`.
const CLAIM_LINES: &[&str] = &[
    "qualifier = \"about\"",
    "qualifier = \"nearly\"",
    "qualifier = \"more than\"",
    "qualifier = \"at least\"",
    "qualifier = \"up to\"",
    "qualifier = \"fewer than\"",
    "qualifier = \"range\"\nhigh = 900",
    "status = \"unconfirmed\"",
    "status = \"superseded\"\nsuperseded_by = \"T-003\"",
    "status = \"superseded\"\nsuperseded_by = \"T-006\"",
    "status = \"retracted\"\nretracted = { on = 2031-03-20, reason = \"wrong\" }",
    "said_precision = \"month\"",
    "wording = \"some *markdown* [text](x)\"",
];

#[derive(Debug, Clone)]
enum Edit {
    /// Replace an assignment's value with another of the same type.
    Value(Index, Index),
    /// Add a line after some `value = …`.
    Insert(Index, Index),
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::Value(a, b)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::Insert(a, b)),
    ]
}

fn apply_edit(bytes: &mut Vec<u8>, edit: &Edit) {
    let mut lines = lines_of(bytes);
    match edit {
        Edit::Value(at, choice) => {
            let candidates = assignments(&lines);
            let at = candidates[at.index(candidates.len())];
            let line = String::from_utf8(lines[at].clone()).unwrap();
            let (key, value) = line.trim_end().split_once(" = ").unwrap();
            let new = if value.starts_with('"') {
                choice.get(&STRINGS).clone()
            } else if value.starts_with('[') && value.contains('"') {
                format!("[{}]", choice.get(&STRINGS))
            } else if value.len() == 10 && value.as_bytes()[4] == b'-' {
                format!("2031-03-{:02}", 1 + choice.index(31))
            } else if value.starts_with(|c: char| c.is_ascii_digit()) {
                choice.get(NUMBERS).to_string()
            } else {
                value.to_string()
            };
            lines[at] = format!("{key} = {new}\n").into_bytes();
        }
        Edit::Insert(at, choice) => {
            let values: Vec<usize> = (0..lines.len())
                .filter(|&i| lines[i].starts_with(b"value = "))
                .collect();
            let at = values[at.index(values.len())];
            lines.insert(at + 1, format!("{}\n", choice.get(CLAIM_LINES)).into_bytes());
        }
    }
    *bytes = lines.concat();
}

proptest! {
    #![proptest_config(cases(256))]

    /// Whatever a loadable file says, every answer (and its Markdown) comes back without a panic.
    #[test]
    fn answers_never_panic_on_edited_files(edits in prop::collection::vec(edit_strategy(), 1..5)) {
        let mut bytes = VALID.clone();
        for e in &edits {
            apply_edit(&mut bytes, e);
        }
        match Dataset::from_bytes(&bytes, Path::new("edited.toml")) {
            Ok(d) => {
                for q in every_query(&d) {
                    if let Ok(reply) = answer(&d, &q) {
                        prop_assert!(!markdown::render(&reply).is_empty());
                        // The short form, which Discord and `ask` give by default.
                        let short = figures_bot::answer::short(&d, &reply);
                        prop_assert!(!markdown::render(&short).is_empty());
                    }
                }
            }
            Err(LoadError::Invalid(problems)) => {
                prop_assert!(problems.iter().all(|p| p.line >= 1 && p.col >= 1));
            }
            Err(other) => prop_assert!(false, "unexpected error kind: {}", other),
        }
    }
}

#[test]
fn the_unmutated_file_loads_and_answers() {
    let d = Dataset::from_bytes(&VALID, Path::new("valid.toml")).unwrap();
    for q in every_query(&d) {
        answer(&d, &q).unwrap_or_else(|e| panic!("{q:?}: {e}"));
    }
}

/// The largest figure the loader accepts, in every claim at once: every answer still copes (the
/// arithmetic must not overflow on sums of such figures).
#[test]
fn the_largest_accepted_values_do_not_break_answers() {
    let text = std::str::from_utf8(&VALID).unwrap();
    let huge = figures_bot::load::MAX_VALUE.to_string();
    let text: String = text
        .lines()
        .map(|line| match line.split_once(" = ") {
            Some((key @ ("value" | "high"), _)) => format!("{key} = {huge}\n"),
            _ => format!("{line}\n"),
        })
        .collect();
    let d = Dataset::from_bytes(text.as_bytes(), Path::new("huge.toml")).expect("the largest value is accepted");
    assert_eq!(largest_value(&d), figures_bot::load::MAX_VALUE);
    for q in every_query(&d) {
        if let Ok(reply) = answer(&d, &q) {
            assert!(!markdown::render(&reply).is_empty());
            assert!(!markdown::render(&figures_bot::answer::short(&d, &reply)).is_empty());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Sums over tilings and breakdowns

/// A small story: three stages and a part quantity, each stage's figures from one or two
/// claimants on two sides, a stated total over the stages and one per stage for the breakdown.
fn story_text(stage_figures: &[(Figure, Option<Figure>)], part: Figure) -> String {
    let figure = |f: &Figure| {
        let q = f.qualifier.word();
        if f.qualifier == Qualifier::Range {
            format!(
                "value = {}\nhigh = {}\nqualifier = \"range\"\n",
                f.value.micros() / 1_000_000,
                f.high.micros() / 1_000_000
            )
        } else {
            format!("value = {}\nqualifier = \"{q}\"\n", f.value.micros() / 1_000_000)
        }
    };
    let mut text = String::from(
        "[story]\nid = \"p\"\ntitle = \"Property story\"\nperiod = { from = 2030-01-01, to = 2030-01-31 }\n\
         last_reviewed = 2030-02-01\n\n[[side]]\nid = \"a\"\nname = \"A\"\n\n[[side]]\nid = \"b\"\nname = \"B\"\n\n\
         [[claimant]]\nid = \"ca\"\nname = \"Claimant A\"\nside = \"a\"\n\n[[claimant]]\nid = \"cb\"\nname = \"Claimant B\"\nside = \"b\"\n\n\
         [[outlet]]\nid = \"o\"\nname = \"Outlet\"\n\n\
         [[quantity]]\nid = \"n\"\nlabel = \"things\"\nunit = \"things\"\nverb_phrase = \"were counted\"\n\n\
         [[quantity]]\nid = \"part\"\nlabel = \"some things\"\nunit = \"things\"\nverb_phrase = \"were some\"\n\n\
         [[breakdown]]\nid = \"b\"\ntotal = \"n\"\nparts = [\"part\"]\ncomplete = false\n\n",
    );
    for (i, _) in stage_figures.iter().enumerate() {
        text.push_str(&format!(
            "[[stage]]\nid = \"s{i}\"\nname = \"Stage {i}\"\ndate = 2030-01-{:02}\n\n",
            10 + i
        ));
    }
    let cite = "[[claim.citation]]\noutlet = \"o\"\nurl = \"https://example.org/x\"\n\n";
    for (i, (a, b)) in stage_figures.iter().enumerate() {
        text.push_str(&format!(
            "[[claim]]\nid = \"a{i}\"\nquantity = \"n\"\nstage = \"s{i}\"\nclaimants = [\"ca\"]\nsaid = 2030-01-20\n{}{cite}",
            figure(a)
        ));
        if let Some(b) = b {
            text.push_str(&format!(
                "[[claim]]\nid = \"b{i}\"\nquantity = \"n\"\nstage = \"s{i}\"\nclaimants = [\"cb\"]\nsaid = 2030-01-20\n{}{cite}",
                figure(b)
            ));
        }
    }
    text.push_str(&format!(
        "[[claim]]\nid = \"part0\"\nquantity = \"part\"\nstage = \"s0\"\nclaimants = [\"cb\"]\nsaid = 2030-01-20\n{}{cite}",
        figure(&part)
    ));
    // Totals stated by an outlet-less third voice: side B's claimant over all stages.
    text.push_str(&format!(
        "[[claim]]\nid = \"total\"\nquantity = \"n\"\nperiod = {{ from = 2030-01-01, to = 2030-01-31 }}\nclaimants = [\"cb\"]\nsaid = 2030-01-25\nvalue = 1\n{cite}"
    ));
    text
}

fn small_figure_for_sums() -> impl Strategy<Value = Figure> {
    // From 1: the loader refuses "fewer than 0" and "nearly 0".
    (qualifier(), 1..5_000i64, 1..5_000i64).prop_map(|(q, a, b)| make(q, a, b))
}

proptest! {
    #![proptest_config(cases(256))]

    /// Whatever true values the terms' figures allow (for a contested term: any of its
    /// alternatives'), the check's sum interval holds their total.
    #[test]
    fn a_sums_interval_holds_every_possible_true_total(
        stages in prop::collection::vec((small_figure_for_sums(), prop::option::of(small_figure_for_sums())), 1..4),
        part in small_figure_for_sums(),
        picks in prop::collection::vec((any::<u64>(), any::<u64>()), 4),
    ) {
        use figures_bot::analysis::{Choice, analysis};
        let text = story_text(&stages, part);
        let data = Dataset::from_bytes(text.as_bytes(), Path::new("p.toml")).expect("the generated story loads");
        for check in &analysis(&data).checks {
            // In millionths, as `pick` gives values.
            let mut total: i128 = 0;
            for (i, term) in check.terms.iter().enumerate() {
                let (t, which) = picks[i % picks.len()];
                let claim = match &term.choice {
                    Choice::One { claim, .. } => *claim,
                    Choice::Contested { claims } => claims[(which as usize) % claims.len()],
                    Choice::Missing => continue,
                };
                total += pick(&data.claims[claim].figure, t).max(0);
            }
            prop_assert!(check.low.micros() <= total, "{check:?}: {total} below the sum's interval");
            if let Some(high) = check.high {
                prop_assert!(total <= high.micros(), "{check:?}: {total} above the sum's interval");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What the checker accepts in ids and names

/// Characters editors paste by accident, or that attackers choose: controls, invisible and
/// direction characters, Cyrillic and Greek look-alikes, Markdown, and plain letters.
fn tricky_text() -> impl Strategy<Value = String> {
    let chars = prop::sample::select(vec![
        'a', 'c', 'e', 'o', 'p', 'x', 'l', '1', 'I', '0', 'O', '-', '_', '.', ':', ' ', '`', '*', '[', ']', '\u{0430}',
        '\u{0441}', '\u{0435}', '\u{043E}', '\u{0440}', '\u{0445}', '\u{03BF}', '\u{200B}', '\u{200D}', '\u{FEFF}',
        '\u{202E}', '\u{2066}', '\u{00AD}', '\u{1B}', '\u{7}', '\u{0}', '\n', '\r', '\t', '\u{85}',
    ]);
    prop::collection::vec(chars, 1..5).prop_map(|cs| cs.into_iter().collect())
}

/// A TOML basic string holding exactly `text` (every character escaped as \uXXXX).
fn toml_string(text: &str) -> String {
    let escaped: String = text.chars().map(|c| format!("\\U{:08X}", c as u32)).collect();
    format!("\"{escaped}\"")
}

fn two_claimants(id_a: &str, name_a: &str, id_b: &str, name_b: &str, alias: &str) -> String {
    format!(
        "[story]\nid = \"s\"\ntitle = \"t\"\nperiod = {{ from = 2030-01-01, to = 2030-12-31 }}\nlast_reviewed = 2031-01-01\n\n\
         [[side]]\nid = \"a\"\nname = \"A\"\n\n\
         [[claimant]]\nid = {}\nname = {}\nside = \"a\"\naliases = [{}]\n\n\
         [[claimant]]\nid = {}\nname = {}\nside = \"a\"\n",
        toml_string(id_a),
        toml_string(name_a),
        toml_string(alias),
        toml_string(id_b),
        toml_string(name_b),
    )
}

fn skeleton(text: &str) -> String {
    unicode_security::confusable_detection::skeleton(text).collect()
}

proptest! {
    #![proptest_config(cases(4096))]

    #[test]
    fn accepted_ids_and_names_hold_no_control_characters_and_never_read_alike(
        id_a in tricky_text(), name_a in tricky_text(), id_b in tricky_text(), name_b in tricky_text(),
        alias in tricky_text(),
    ) {
        let text = two_claimants(&id_a, &name_a, &id_b, &name_b, &alias);
        if let Ok(data) = Dataset::from_bytes(text.as_bytes(), Path::new("p.toml")) {
            for c in &data.claimants {
                for s in std::iter::once(&c.id).chain([&c.name]).chain(&c.aliases) {
                    prop_assert!(!s.chars().any(char::is_control), "accepted {s:?}");
                }
            }
            let (a, b) = (&data.claimants[0].id, &data.claimants[1].id);
            prop_assert_ne!(skeleton(a), skeleton(b), "accepted {:?} and {:?}", a, b);
        }
    }
}

/// `id` with some letters swapped for look-alikes (Cyrillic, Greek, `I`/`l`, `O`/`0`), a
/// zero-width space slipped in, or the case changed: what an id that reads alike looks like.
fn lookalike_of(id: &str, picks: &[u8]) -> String {
    let mut out = String::new();
    for (c, pick) in id.chars().zip(picks.iter().cycle()) {
        let swapped = match (c, pick % 4) {
            ('a', 0) => "\u{0430}".to_string(),
            ('e', 0) => "\u{0435}".to_string(),
            ('o', 0) => "\u{043E}".to_string(),
            ('o', 1) => "\u{03BF}".to_string(),
            ('o', 2) => "0".to_string(),
            ('p', 0) => "\u{0440}".to_string(),
            ('c', 0) => "\u{0441}".to_string(),
            ('x', 0) => "\u{0445}".to_string(),
            ('l', 0) => "I".to_string(),
            ('l', 1) => "1".to_string(),
            (c, 3) => format!("{c}\u{200B}"),
            (c, 2) => c.to_uppercase().collect(),
            (c, _) => c.to_string(),
        };
        out.push_str(&swapped);
    }
    out
}

proptest! {
    #![proptest_config(cases(2048))]

    #[test]
    fn an_id_that_reads_like_another_is_never_accepted(
        id in "[aeoplcx][aeoplcx0-9-]{0,5}",
        picks in prop::collection::vec(any::<u8>(), 1..6),
    ) {
        let other = lookalike_of(&id, &picks);
        let text = two_claimants(&id, "First", &other, "Second", "first one");
        if let Ok(data) = Dataset::from_bytes(text.as_bytes(), Path::new("p.toml")) {
            let (a, b) = (&data.claimants[0].id, &data.claimants[1].id);
            prop_assert_ne!(skeleton(a), skeleton(b), "accepted {:?} and {:?}", a, b);
            prop_assert_ne!(skeleton(&a.to_lowercase()), skeleton(&b.to_lowercase()), "accepted {:?} and {:?}", a, b);
        }
    }
}

/// The invented quake story, whose main-shock magnitude (`value = 7.8`) the next property edits.
static QUAKE: LazyLock<String> = LazyLock::new(|| {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/invented-quake-toll.toml"))
        .expect("test data")
});

proptest! {
    #![proptest_config(cases(64))]

    /// A decimal written in the file reaches the reply with exactly its digits (never 7.80 for
    /// 7.8, never 7.799999), grouped by thousands.
    #[test]
    fn a_decimal_in_the_file_renders_as_written(a in decimal_text()) {
        // At most the largest figure accepted.
        prop_assume!(number(&a).micros() <= 1_000_000_000_000 * 1_000_000);
        let text = QUAKE.replacen("value = 7.8\n", &format!("value = {a}\n"), 1);
        prop_assert_ne!(&text, &*QUAKE);
        let data = Dataset::from_bytes(text.as_bytes(), Path::new("quake.toml")).expect("loads");
        let (whole, fraction) = a.split_once('.').unwrap();
        let grouped = format!("{}.{fraction}", thousands(whole.parse().unwrap()));
        let claim = &data.claims[data.claim_index("QT-F050").unwrap()];
        prop_assert_eq!(claim.figure.to_string(), grouped.clone());
        let reply = markdown::render(&answer(&data, &Query::Stage { stage: "main-shock".into() }).unwrap());
        prop_assert!(reply.contains(&format!("{grouped} Mw")), "{} not in {}", grouped, reply);
    }
}
