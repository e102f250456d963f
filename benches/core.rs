//! Benchmarks of the Discord-free core: loading and validating big files, and answering.
//!
//! Targets: load+validate of a generated 10,000-claim file under 100 ms, of 100,000 claims under
//! 1 s, and at most 2× the plain `toml` deserialization of the same text (`toml_only`); each
//! answer on the bundled dataset takes under 50 µs.
//!
//! `cargo bench --bench core`; `cargo bench --bench core -- load` for one group.

use std::fmt::Write;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

/// The binary's allocator, so the benchmark measures what it does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use figures_bot::answer::Query;
use figures_bot::render::markdown;
use figures_bot::{Dataset, answer};

// ---------------------------------------------------------------------------------------------
// A deterministic generator of big, valid data files

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const SIDES: [(&str, &str); 2] = [("east", "East"), ("west", "West")];
const CLAIMANTS: usize = 10;
const OUTLETS: usize = 20;
const QUANTITIES: [(&str, &str, &str, &str); 3] = [
    ("evacuees", "evacuees ferried out", "people", "were ferried out"),
    ("boats", "boats used", "boats", "were used"),
    ("injured", "injured evacuees", "people", "were injured"),
];
const STAGES: usize = 50;
const WORDS: [&str; 16] = [
    "officials",
    "said",
    "the",
    "harbour",
    "counted",
    "evacuees",
    "on",
    "board",
    "ferries",
    "crossed",
    "overnight",
    "according",
    "to",
    "figures",
    "released",
    "today",
];

/// Day `n` (0-based) of the generated story's year, 2030, as an ISO date.
fn day(n: usize) -> String {
    const LENGTHS: [usize; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut n = n % 365;
    let mut month = 0;
    while n >= LENGTHS[month] {
        n -= LENGTHS[month];
        month += 1;
    }
    format!("2030-{:02}-{:02}", month + 1, n + 1)
}

/// A valid story with `claims` claims: 2 sides, 10 claimants, 20 outlets, 3 quantities,
/// 50 stages; each claim has 1–3 citations with quotes. The same `claims` gives the same text.
pub fn generate(claims: usize) -> String {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ claims as u64);
    let mut out = String::with_capacity(claims * 560);
    let w = &mut out;
    let _ = writeln!(
        w,
        "[story]\nid = \"generated-{claims}\"\ntitle = \"Generated story with {claims} claims\"\n\
         description = \"Benchmark data.\"\nperiod = {{ from = 2030-01-01, to = 2030-12-31 }}\n\
         maintainers = [\"bench\"]\nlast_reviewed = 2031-01-01\nprimary_quantity = \"evacuees\"\n"
    );
    for (id, name) in SIDES {
        let _ = writeln!(
            w,
            "[[side]]\nid = \"{id}\"\nname = \"{name}\"\naliases = [\"{id}ern\"]\n"
        );
    }
    for c in 0..CLAIMANTS {
        let (side, side_name) = SIDES[c % 2];
        let _ = writeln!(
            w,
            "[[claimant]]\nid = \"claimant-{c}\"\nname = \"{side_name} official {c}\"\nside = \"{side}\"\n\
             role = \"Spokesperson\"\naliases = [\"speaker {c}\"]\n"
        );
    }
    for o in 0..OUTLETS {
        let flags = if o % 5 == 0 { "\nflags = [\"wire-copy\"]" } else { "" };
        let _ = writeln!(
            w,
            "[[outlet]]\nid = \"outlet-{o}\"\nname = \"Outlet number {o}\"{flags}\n"
        );
    }
    for (id, label, unit, verb) in QUANTITIES {
        let _ = writeln!(
            w,
            "[[quantity]]\nid = \"{id}\"\nlabel = \"{label}\"\nunit = \"{unit}\"\nverb_phrase = \"{verb}\"\n"
        );
    }
    // Stages a week apart from 7 January; every fifth is a three-day window.
    let stage_day = |s: usize| 6 + s * 7;
    for s in 0..STAGES {
        let _ = write!(
            w,
            "[[stage]]\nid = \"stage-{s}\"\nname = \"Stage {s}\"\ndate = {}\naliases = [\"round {s}\"]\n",
            day(stage_day(s))
        );
        if s % 5 == 4 {
            let _ = write!(w, "precision = \"window\"\nuntil = {}\n", day(stage_day(s) + 2));
        }
        w.push('\n');
    }
    for i in 0..claims {
        let quantity = QUANTITIES[if rng.chance(70) { 0 } else { 1 + rng.below(2) }].0;
        let claimant = rng.below(CLAIMANTS);
        let _ = write!(w, "[[claim]]\nid = \"C-{i:06}\"\nquantity = \"{quantity}\"\n");
        let said;
        if rng.chance(80) {
            let s = rng.below(STAGES);
            said = stage_day(s) + rng.below(3);
            let _ = writeln!(w, "stage = \"stage-{s}\"");
        } else {
            let from = rng.below(200);
            let to = from + rng.below(100);
            said = to + rng.below(30);
            let _ = writeln!(w, "period = {{ from = {}, to = {} }}", day(from), day(to));
        }
        let _ = write!(w, "claimants = [\"claimant-{claimant}\"");
        if rng.chance(10) {
            let _ = write!(w, ", \"claimant-{}\"", (claimant + 2) % CLAIMANTS);
        }
        let _ = writeln!(w, "]\nsaid = {}", day(said.min(364)));
        let value = 10 + rng.below(5000);
        let _ = writeln!(w, "value = {value}");
        match rng.below(10) {
            0 => {
                let _ = writeln!(w, "qualifier = \"more than\"\nwording = \"more than {value}\"");
            }
            1 => {
                let _ = writeln!(w, "qualifier = \"about\"");
            }
            2 => {
                let _ = writeln!(w, "qualifier = \"range\"\nhigh = {}", value + rng.below(500));
            }
            _ => {}
        }
        // Superseded by the next claim, which is never superseded itself: no chains, no loops.
        if i % 17 == 0 && i + 1 < claims {
            let _ = writeln!(w, "status = \"superseded\"\nsuperseded_by = \"C-{:06}\"", i + 1);
        } else if rng.chance(5) {
            let _ = writeln!(w, "status = \"unconfirmed\"");
        }
        if rng.chance(20) {
            let _ = writeln!(w, "notes = \"Generated note for claim {i}.\"");
        }
        for c in 0..1 + rng.below(3) {
            let outlet = rng.below(OUTLETS);
            let _ = write!(
                w,
                "[[claim.citation]]\noutlet = \"outlet-{outlet}\"\nurl = \"https://example.org/{outlet}/{i}/{c}\"\n"
            );
            if rng.chance(70) {
                let _ = writeln!(w, "published = {}", day(said.min(364)));
            }
            let quote: Vec<&str> = (0..8 + rng.below(12)).map(|_| WORDS[rng.below(WORDS.len())]).collect();
            let _ = writeln!(w, "quote = \"{} {value}\"", quote.join(" "));
        }
        w.push('\n');
    }
    for n in 0..claims / 100 {
        let a = n * 100;
        let _ = writeln!(
            w,
            "[[editorial_note]]\nclaims = [\"C-{a:06}\", \"C-{:06}\"]\ntext = \"The counts differ in method.\"\n",
            a + 1
        );
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Benchmarks

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    for claims in [10_000, 100_000] {
        let text = generate(claims);
        group.throughput(Throughput::Bytes(text.len() as u64));
        let mut checked = false; // once, and only when this benchmark is selected
        group.bench_with_input(BenchmarkId::new("validate", claims), &text, |b, text| {
            if !std::mem::replace(&mut checked, true) {
                let dataset = Dataset::from_bytes(text.as_bytes(), Path::new("generated.toml"))
                    .unwrap_or_else(|e| panic!("the generated file must be valid:\n{e}"));
                assert_eq!(dataset.claims.len(), claims);
            }
            b.iter(|| Dataset::from_bytes(black_box(text.as_bytes()), Path::new("generated.toml")).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("toml_only", claims), &text, |b, text| {
            b.iter(|| toml::from_str::<figures_bot::model::File>(black_box(text)).unwrap())
        });
    }
    // The size real stories have: the bundled dataset (about 90 claims).
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/repatriation-2025.toml");
    if let Ok(bytes) = std::fs::read(&path)
        && Dataset::from_bytes(&bytes, &path).is_ok()
    {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::new("validate", "bundled"), &bytes, |b, bytes| {
            b.iter(|| Dataset::from_bytes(black_box(bytes), &path).unwrap())
        });
    }
    group.finish();
}

/// The bundled dataset, or the test story if the bundled one does not load.
fn bundled() -> (Dataset, Vec<(&'static str, Query)>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    match Dataset::load(root.join("data/repatriation-2025.toml")) {
        Ok(d) => (
            d,
            vec![
                (
                    "total",
                    Query::Total {
                        quantity: None,
                        claimant: None,
                    },
                ),
                ("stage_final", Query::Stage { stage: "final".into() }),
                (
                    "discrepancy",
                    Query::Discrepancy {
                        quantity: None,
                        stage: None,
                    },
                ),
                (
                    "source",
                    Query::Source {
                        claimant: "medinsky".into(),
                    },
                ),
                ("timeline", Query::Timeline),
                ("about", Query::About),
            ],
        ),
        Err(e) => {
            eprintln!("data/repatriation-2025.toml does not load; benchmarking the test story instead:\n{e}");
            let d = Dataset::load(root.join("tests/data/invented-ferry-evacuation.toml")).expect("the test story");
            let queries = vec![
                (
                    "total",
                    Query::Total {
                        quantity: None,
                        claimant: None,
                    },
                ),
                (
                    "stage_final",
                    Query::Stage {
                        stage: "last day".into(),
                    },
                ),
                (
                    "discrepancy",
                    Query::Discrepancy {
                        quantity: None,
                        stage: None,
                    },
                ),
                (
                    "source",
                    Query::Source {
                        claimant: "ruiz".into(),
                    },
                ),
                ("timeline", Query::Timeline),
                ("about", Query::About),
            ];
            (d, queries)
        }
    }
}

fn answers(c: &mut Criterion) {
    let (dataset, queries) = bundled();
    let mut group = c.benchmark_group("answer");
    for (name, query) in &queries {
        answer(&dataset, query).unwrap_or_else(|e| panic!("{name}: {e}"));
        group.bench_function(*name, |b| {
            b.iter(|| answer(black_box(&dataset), black_box(query)).unwrap())
        });
    }
    group.finish();

    let mut group = c.benchmark_group("markdown");
    for (name, query) in &queries {
        let reply = answer(&dataset, query).unwrap();
        group.bench_function(*name, |b| b.iter(|| markdown::render(black_box(&reply))));
    }
    group.finish();
}

criterion_group!(benches, load, answers);
criterion_main!(benches);
