//! Benchmarks of the Discord-free core: loading and validating big files, and answering.
//!
//! Targets, at the sizes users meet plus stress files for how cost grows: the bundled story
//! loaded and checked in under 5 ms, a generated 10,000-claim stress file in under 300 ms
//! (`toml_only`, plain `toml` deserialization, for comparison); each answer on the bundled
//! dataset (`checks` and `discrepancy` included) under 50 µs once cached; every check and
//! discrepancy of a 10,000-claim story with a breakdown under 200 ms. Valid data never blows up:
//! `discrepancy` on 30,000 claims of one stage, and loading a 10,000-long `superseded_by` chain,
//! each under 1 s.
//!
//! `cargo bench --bench core`; `cargo bench --bench core -- load` for one group.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use figures_bot::answer::Query;
use figures_bot::render::markdown;
use figures_bot::{Dataset, answer};

#[path = "support/story.rs"]
mod story;
use story::{Shape, generate, generate_shaped};

// ---------------------------------------------------------------------------------------------
// Benchmarks

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    let claims = 10_000;
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

/// The bundled dataset, or the test story if the bundled one does not load, with the questions
/// to time on it (the story's own final stage and a claimant of it).
fn bundled() -> (Dataset, Vec<(&'static str, Query)>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (data, stage, claimant) = match Dataset::load(root.join("data/repatriation-2025.toml")) {
        Ok(d) => (d, "final", "medinsky"),
        Err(e) => {
            eprintln!("data/repatriation-2025.toml does not load; benchmarking the test story instead:\n{e}");
            let d = Dataset::load(root.join("tests/data/invented-ferry-evacuation.toml")).expect("the test story");
            (d, "last day", "ruiz")
        }
    };
    let queries = vec![
        (
            "total",
            Query::Total {
                quantity: None,
                claimant: None,
            },
        ),
        ("stage_final", Query::Stage { stage: stage.into() }),
        (
            "discrepancy",
            Query::Discrepancy {
                quantity: None,
                stage: None,
            },
        ),
        (
            "checks",
            Query::Checks {
                quantity: None,
                stage: None,
            },
        ),
        (
            "source",
            Query::Source {
                claimant: claimant.into(),
            },
        ),
        ("timeline", Query::Timeline),
        ("about", Query::About),
    ];
    (data, queries)
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

/// The shapes that used to blow up: one stage with 30,000 figures (every conflicting pair was
/// listed) and a 10,000-long supersession chain (each claim walked the rest of it).
fn scale(c: &mut Criterion) {
    let mut group = c.benchmark_group("scale");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    let text = generate_shaped(30_000, Shape::OneStage);
    let load = |text: &str| Dataset::from_bytes(text.as_bytes(), Path::new("generated.toml")).unwrap();
    let query = Query::Discrepancy {
        quantity: None,
        stage: None,
    };
    // Discrepancies are computed once per loaded version: each iteration gets a fresh one.
    group.bench_function(BenchmarkId::new("discrepancy_one_stage", 30_000), |b| {
        b.iter_batched(
            || load(&text),
            // Returned, so dropping the dataset is not timed.
            |dataset| {
                let reply = answer(&dataset, black_box(&query)).unwrap();
                (dataset, reply)
            },
            BatchSize::LargeInput,
        )
    });
    // Every check and discrepancy of a generated 10,000-claim story with a breakdown, computed
    // from scratch (a fresh version each iteration).
    let text = generate(10_000);
    group.bench_function(BenchmarkId::new("checks_and_discrepancies", 10_000), |b| {
        b.iter_batched(
            || load(&text),
            |dataset| {
                let checks = figures_bot::analysis::analysis(&dataset).checks.len();
                let found = figures_bot::answer::discrepancies(&dataset).len();
                (dataset, checks, found)
            },
            BatchSize::LargeInput,
        )
    });
    let text = generate_shaped(10_000, Shape::Chain);
    group.bench_function(BenchmarkId::new("load_chain", 10_000), |b| {
        b.iter(|| load(black_box(&text)))
    });
    group.finish();
}

criterion_group!(benches, load, answers, scale);
criterion_main!(benches);
