//! Live reload latency: a file is saved (temp file renamed over it) → the new version is served
//! (the `ArcSwap` holds the new checksum), and saved → the desk's ping is posted (a fake Discord
//! on 127.0.0.1 has answered the channel message). With the real watcher and the default 300 ms
//! debounce, on the bundled dataset and on a generated 10,000-claim file.
//!
//! Targets: the bundled file served within the debounce plus 25 ms, the 10,000-claim stress
//! file within the debounce plus 400 ms; while the real binary (`figures-bot watch`) reloads the
//! stress file, its peak resident memory stays under 150 MB, and it is given back afterwards.
//!
//! `cargo bench --bench reload`. Besides criterion's summary, prints median and p99 of every
//! save measured.

#[path = "../tests/support/fake_discord/mod.rs"]
#[allow(dead_code)]
mod fake_discord;
#[path = "support/story.rs"]
mod story;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use fake_discord::{FakeConfig, FakeDiscord};
use figures_bot::Dataset;
use figures_bot::diff::diff;
use figures_bot::discord::notify::Poster;
use figures_bot::discord::{PING_TEXT_LIMIT, token};
use figures_bot::live::Live;
use figures_bot::notice::Notice;
use figures_bot::watch::{WatchConfig, Watcher};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc::UnboundedReceiver;

const TOKEN: &str = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.bench.token-for-the-fake-discord";
const CHANNEL: u64 = 1_400_000_000_000_000_001;
const ROLE: u64 = 1_500_000_000_000_000_001;

/// The value of the claim each save changes, in every generated text: replaced per save.
const MARKER: &str = "value = 424242\n";

/// The benchmarks' generated story with `claims` claims, the value of its first plain claim (no
/// qualifier, so any value is valid) replaced by `MARKER`.
fn generate_with_marker(claims: usize) -> String {
    let text = story::generate(claims);
    let mut at = text.find("[[claim]]").expect("claims");
    loop {
        let end = text[at + 1..].find("[[claim]]").map_or(text.len(), |i| at + 1 + i);
        let block = &text[at..end];
        if !block.contains("qualifier") {
            let value = at + block.find("\nvalue = ").expect("a value") + 1;
            let line_end = value + text[value..].find('\n').expect("line end") + 1;
            return format!("{}{MARKER}{}", &text[..value], &text[line_end..]);
        }
        at = end;
    }
}

fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A watched copy of one data file, and every latency measured on it.
struct Rig {
    runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
    path: PathBuf,
    live: Arc<Live>,
    _watcher: Watcher,
    notices: UnboundedReceiver<Notice>,
    /// Posts each notice to the fake Discord, as the bot's update pings do.
    poster: Poster,
    _discord: FakeDiscord,
    /// The text with `MARKER` in it; each save puts another value there.
    template: String,
    saves: usize,
    served: Vec<Duration>,
    pinged: Vec<Duration>,
}

impl Rig {
    fn new(text: &str, config: WatchConfig) -> Rig {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("story.toml");
        std::fs::write(&path, text).expect("write");
        let live = Arc::new(Live::load(std::slice::from_ref(&path)).expect("valid data"));
        let (watcher, notices) = {
            let _inside = runtime.enter();
            Watcher::start(live.clone(), config).expect("watcher")
        };
        let discord = runtime.block_on(FakeDiscord::start(FakeConfig {
            token: TOKEN.to_string(),
            ..FakeConfig::default()
        }));
        let token = token::parse(TOKEN, "bench").expect("token");
        let poster = Poster::new(Some(&discord.rest_url()), token, CHANNEL, Some(ROLE));
        Rig {
            runtime,
            _dir: dir,
            path,
            live,
            _watcher: watcher,
            notices,
            poster,
            _discord: discord,
            template: text.to_string(),
            saves: 0,
            served: Vec::new(),
            pinged: Vec::new(),
        }
    }

    /// One save; returns the time until the new version is served.
    fn save_once(&mut self) -> Duration {
        self.saves += 1;
        let text = self
            .template
            .replacen(MARKER, &format!("value = {}\n", 100_000 + self.saves), 1);
        let checksum = sha256(&text);
        let temp = self.path.with_file_name(".story.toml.tmp");
        std::fs::write(&temp, &text).expect("write temp");
        let saved = Instant::now();
        std::fs::rename(&temp, &self.path).expect("rename over");
        while self.live.library().stories()[0].source.checksum != checksum {
            assert!(saved.elapsed() < Duration::from_secs(30), "the save was never served");
            std::thread::sleep(Duration::from_micros(200));
        }
        let served = saved.elapsed();
        // Wait for this save's notice, so one save's diff never delays the next save's reload.
        let notice = self
            .runtime
            .block_on(async { tokio::time::timeout(Duration::from_secs(30), self.notices.recv()).await })
            .expect("a notice in time")
            .expect("notice channel open");
        assert!(matches!(notice, Notice::Updated { .. }), "{notice:?}");
        let text = notice.render(PING_TEXT_LIMIT);
        self.runtime
            .block_on(self.poster.post(&text))
            .expect("the ping is posted");
        self.pinged.push(saved.elapsed());
        self.served.push(served);
        served
    }

    /// `allowance`: how long after the debounce a save may take to be served.
    fn report(&self, name: &str, debounce: Duration, allowance: Duration) {
        let (median, p99) = percentiles(&self.served);
        let (n_median, n_p99) = percentiles(&self.pinged);
        let target = debounce + allowance;
        println!(
            "{name}: {} saves; saved → served: median {median:.1?}, p99 {p99:.1?} (target ≤ {target:?}: {}); \
             saved → ping posted: median {n_median:.1?}, p99 {n_p99:.1?}",
            self.served.len(),
            if p99 <= target { "met" } else { "MISSED" },
        );
    }
}

/// Median and 99th percentile (nearest rank).
fn percentiles(samples: &[Duration]) -> (Duration, Duration) {
    let mut sorted = samples.to_vec();
    sorted.sort();
    if sorted.is_empty() {
        return (Duration::ZERO, Duration::ZERO);
    }
    let rank = |p: f64| sorted[((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1];
    (rank(0.5), rank(0.99))
}

fn reload(c: &mut Criterion) {
    let config = WatchConfig::default();
    // Each save changes Ukraine's figure for the final stage (1,245).
    let bundled = std::fs::read_to_string("data/repatriation-2025.toml")
        .expect("the bundled dataset")
        .replacen("value = 1245\n", MARKER, 1);
    assert!(bundled.contains(MARKER));
    let files = [("bundled", bundled), ("generated-10000", generate_with_marker(10_000))];
    // For reading the results: how much of a reload is parsing and validating, and comparing.
    for (name, text) in &files {
        let started = Instant::now();
        let old = Dataset::from_bytes(text.as_bytes(), Path::new("story.toml")).expect("valid");
        let parsed = started.elapsed();
        let new = Dataset::from_bytes(
            text.replacen(MARKER, "value = 1\n", 1).as_bytes(),
            Path::new("story.toml"),
        )
        .expect("valid");
        let started = Instant::now();
        let changes = diff(&old, &new);
        println!(
            "{name}: {} bytes; parse and validate {parsed:.1?}; diff {:.1?} ({} changes)",
            text.len(),
            started.elapsed(),
            changes.len()
        );
    }

    let mut group = c.benchmark_group("save_to_served");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(20)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1));
    let mut rigs = Vec::new();
    for (name, text) in &files {
        let rig = Arc::new(Mutex::new(Rig::new(text, config)));
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter_custom(|iters| {
                let mut rig = rig.lock().expect("rig");
                (0..iters).map(|_| rig.save_once()).sum()
            })
        });
        rigs.push((name, rig));
    }
    group.finish();
    for (name, rig) in rigs {
        // The bundled story within the debounce + 25 ms, the stress file within + 400 ms.
        let allowance = Duration::from_millis(if *name == "bundled" { 25 } else { 400 });
        rig.lock().expect("rig").report(name, config.debounce, allowance);
    }
}

/// A value from `/proc/PID/status` in KiB (`VmRSS`: now; `VmHWM`: the peak so far).
fn proc_kib(pid: u32, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// Memory of the real binary watching the stress file through 10 saves: resident after loading,
/// peak during the reloads, and resident once they are over.
fn reload_memory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("story.toml");
    let text = generate_with_marker(10_000);
    std::fs::write(&path, &text).expect("write");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_figures-bot"))
        .arg("watch")
        .arg("--data")
        .arg(&path)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("figures-bot watch starts");
    let pid = child.id();
    std::thread::sleep(Duration::from_secs(3));
    let loaded = proc_kib(pid, "VmRSS:");
    for i in 0..10 {
        let temp = dir.path().join(".story.toml.tmp");
        std::fs::write(&temp, text.replacen(MARKER, &format!("value = {}\n", 500_000 + i), 1)).expect("write");
        std::fs::rename(&temp, &path).expect("rename");
        std::thread::sleep(Duration::from_millis(1500));
    }
    std::thread::sleep(Duration::from_secs(2));
    let (peak, after) = (proc_kib(pid, "VmHWM:"), proc_kib(pid, "VmRSS:"));
    let _ = child.kill();
    let _ = child.wait();
    let mb = |kib: Option<u64>| kib.map_or("?".to_string(), |k| format!("{:.1} MB", k as f64 / 1024.0));
    println!(
        "figures-bot watch, 10,000 claims, 10 saves: resident after loading {}, peak {}, resident after the reloads {}",
        mb(loaded),
        mb(peak),
        mb(after)
    );
}

fn memory(_: &mut Criterion) {
    reload_memory();
}

criterion_group!(benches, reload, memory);
criterion_main!(benches);
