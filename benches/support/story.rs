//! A deterministic generator of big, valid data files, shared by the benchmarks.

use std::fmt::Write;

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

/// How the claims of a generated story are spread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // not every benchmark generates every shape
pub enum Shape {
    /// Over 3 quantities, 50 stages and periods; every 17th claim is superseded by the next.
    Spread,
    /// Every claim gives the same quantity at the same stage: one group of that many figures,
    /// from both sides, most of them conflicting.
    OneStage,
    /// Every claim is superseded by the next: one valid chain, ending at a claim that stands.
    Chain,
}

/// A valid story with `claims` claims: 2 sides, 10 claimants, 20 outlets, 3 quantities,
/// 50 stages; each claim has 1–3 citations with quotes. The same `claims` gives the same text.
pub fn generate(claims: usize) -> String {
    generate_shaped(claims, Shape::Spread)
}

/// A story like [`generate`]'s with its claims spread as `shape` says.
pub fn generate_shaped(claims: usize, shape: Shape) -> String {
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
    // Injured evacuees are some of the evacuees: a breakdown to check on every scope.
    let _ = writeln!(
        w,
        "[[breakdown]]\nid = \"injured-among-evacuees\"\ntotal = \"evacuees\"\nparts = [\"injured\"]\ncomplete = false\n"
    );
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
        let quantity = if shape == Shape::OneStage {
            QUANTITIES[0].0
        } else {
            quantity
        };
        let claimant = rng.below(CLAIMANTS);
        let _ = write!(w, "[[claim]]\nid = \"C-{i:06}\"\nquantity = \"{quantity}\"\n");
        let said;
        if rng.chance(80) || shape == Shape::OneStage {
            let s = rng.below(STAGES);
            let s = if shape == Shape::OneStage { 0 } else { s };
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
        // Superseded by the next claim, which is never superseded itself (no chains, no loops),
        // except in a chain, where each claim is.
        if (i % 17 == 0 || shape == Shape::Chain) && i + 1 < claims {
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
