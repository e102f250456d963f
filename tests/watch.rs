//! Live reload end to end: real files in a temp dir, the real watcher, every way editors and
//! tools save. Waits are on the notice channel (with generous timeouts); "no second notice" is
//! checked over a quiet window after the watcher has demonstrably looked at the file.

use std::collections::HashMap;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use figures_bot::live::{Live, Outcome};
use figures_bot::notice::{DISCORD_MESSAGE_LIMIT, Notice, Outage};
use figures_bot::render::markdown;
use figures_bot::watch::{WatchConfig, WatchMode, Watcher};
use figures_bot::{Query, answer};
use sha2::{Digest, Sha256};
use tempfile::TempDir;
use tokio::sync::mpsc::UnboundedReceiver;

const BASE: &str = "tests/data/invented-ferry-evacuation.toml";
const DEBOUNCE: Duration = Duration::from_millis(100);
/// How long a notice may take under load; only a failing test waits this long.
const TIMEOUT: Duration = Duration::from_secs(15);
/// After the watcher has acted: a second notice would have come well within this.
const QUIET: Duration = Duration::from_millis(800);

struct Fixture {
    _tmp: TempDir,
    dir: PathBuf,
    /// The data file as the bot was told its path.
    path: PathBuf,
    base: String,
    live: Arc<Live>,
    watcher: Watcher,
    notices: UnboundedReceiver<Notice>,
}

fn base_text() -> String {
    fs::read_to_string(BASE).expect("the test dataset")
}

/// The base story with T-003 (North Harbour, Day 2) saying `value` instead of 350.
fn with_day2_north(value: i64) -> String {
    base_text().replacen("value = 350\n", &format!("value = {value}\n"), 1)
}

async fn start_with(config: WatchConfig) -> Fixture {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().to_path_buf();
    let path = dir.join("ferry.toml");
    fs::write(&path, base_text()).expect("write data");
    start_at(tmp, dir, path, config).await
}

async fn start() -> Fixture {
    start_with(WatchConfig {
        debounce: DEBOUNCE,
        poll_interval: None,
    })
    .await
}

async fn start_at(tmp: TempDir, dir: PathBuf, path: PathBuf, config: WatchConfig) -> Fixture {
    let live = Arc::new(Live::load(std::slice::from_ref(&path)).expect("valid base data"));
    let (watcher, notices) = Watcher::start(live.clone(), config).expect("watcher starts");
    Fixture {
        _tmp: tmp,
        dir,
        path,
        base: base_text(),
        live,
        watcher,
        notices,
    }
}

impl Fixture {
    async fn next_notice(&mut self) -> Notice {
        match tokio::time::timeout(TIMEOUT, self.notices.recv()).await {
            Ok(Some(notice)) => notice,
            Ok(None) => panic!("notice channel closed"),
            Err(_) => panic!("no notice within {TIMEOUT:?} (checks so far: {})", self.live.checks()),
        }
    }

    async fn assert_quiet(&mut self) {
        if let Ok(Some(notice)) = tokio::time::timeout(QUIET, self.notices.recv()).await {
            panic!("unexpected second notice:\n{}", notice.render(DISCORD_MESSAGE_LIMIT));
        }
    }

    /// Waits until the file has been looked at `n` times in all (a save that changed nothing
    /// still gets looked at).
    async fn wait_for_checks(&self, n: u64) {
        let deadline = Instant::now() + TIMEOUT;
        while self.live.checks() < n {
            assert!(Instant::now() < deadline, "the watcher never looked at the file again");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    fn served_value(&self, claim: &str) -> i64 {
        let library = self.live.library();
        let data = library.select(None).expect("one story");
        let index = data.claim_index(claim).expect("claim exists");
        data.claims[index].figure.value.as_i64().expect("a whole number")
    }

    /// What `stage day 2` answers now, as Markdown.
    fn stage_answer(&self) -> String {
        let library = self.live.library();
        let data = library.select(None).expect("one story");
        let reply = answer(data, &Query::Stage { stage: "day-2".into() }).expect("answer");
        markdown::render(&reply)
    }

    fn served_version(&self) -> u64 {
        self.live.library().select(None).expect("one story").source.version
    }

    /// Saves `text` with `save`, then expects exactly one notice: an update to T-003 = 380.
    async fn expect_single_update(&mut self, save: impl FnOnce(&Path, &str)) -> Notice {
        assert_eq!(self.served_value("T-003"), 350);
        save(&self.path, &with_day2_north(380));
        let notice = self.next_notice().await;
        assert!(
            matches!(
                notice,
                Notice::Updated {
                    old_version: 1,
                    new_version: 2,
                    ..
                }
            ),
            "expected an update, got {notice:?}"
        );
        assert_eq!(self.served_value("T-003"), 380);
        assert!(self.stage_answer().contains("380"), "{}", self.stage_answer());
        assert_eq!(self.served_version(), 2);
        self.assert_quiet().await;
        notice
    }
}

// --- How editors and tools save -------------------------------------------------------------

/// Writes into the existing file without truncating first, then cuts it to length.
fn in_place_write(path: &Path, text: &str) {
    let mut file = OpenOptions::new().write(true).open(path).expect("open");
    file.write_all(text.as_bytes()).expect("write");
    file.set_len(text.len() as u64).expect("set_len");
    file.sync_all().expect("sync");
}

/// `O_TRUNC` then write: most simple editors, `>` in a shell, VS Code's default save.
fn truncate_and_write(path: &Path, text: &str) {
    fs::write(path, text).expect("write");
}

/// Writes a temp file next to the target and renames it over (atomic save).
fn temp_and_rename(path: &Path, text: &str) {
    let temp = path.with_file_name(".ferry.toml.tmp-12345");
    fs::write(&temp, text).expect("write temp");
    fs::rename(&temp, path).expect("rename over");
}

/// vim with `backup` / `writebackup`: probe file "4913", move the original to `name~`, write a
/// new file, delete the backup.
fn vim_save(path: &Path, text: &str) {
    let dir = path.parent().expect("dir");
    let probe = dir.join("4913");
    fs::write(&probe, "").expect("probe");
    fs::remove_file(&probe).expect("remove probe");
    let backup = dir.join("ferry.toml~");
    fs::rename(path, &backup).expect("backup");
    fs::write(path, text).expect("write");
    fs::remove_file(&backup).expect("remove backup");
}

/// JetBrains "safe write": write `___jb_tmp___`, move the original to `___jb_old___`, move the
/// new one in, delete the old.
fn jetbrains_save(path: &Path, text: &str) {
    let tmp = path.with_file_name("ferry.toml___jb_tmp___");
    let old = path.with_file_name("ferry.toml___jb_old___");
    fs::write(&tmp, text).expect("write tmp");
    fs::rename(path, &old).expect("move old");
    fs::rename(&tmp, path).expect("move new");
    fs::remove_file(&old).expect("remove old");
}

/// git checkout / pull: unlink the file and create it afresh.
fn git_checkout(path: &Path, text: &str) {
    fs::remove_file(path).expect("unlink");
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .expect("create");
    file.write_all(text.as_bytes()).expect("write");
}

/// `mv` from another folder (rsync --delay-updates, deploy scripts): only a "moved in" event.
fn move_in_from_elsewhere(path: &Path, text: &str) {
    let elsewhere = tempfile::tempdir_in(path.parent().expect("dir").parent().expect("parent")).expect("dir");
    let staged = elsewhere.path().join("ferry.toml");
    fs::write(&staged, text).expect("write staged");
    fs::rename(&staged, path).expect("move in");
}

fn touch(path: &Path) {
    let file = OpenOptions::new().write(true).open(path).expect("open");
    file.set_modified(std::time::SystemTime::now()).expect("touch");
}

// --- One test per save pattern --------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_place_write_is_served_with_one_notice() {
    let mut f = start().await;
    f.expect_single_update(in_place_write).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncate_and_write_is_served_with_one_notice() {
    let mut f = start().await;
    f.expect_single_update(truncate_and_write).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn temp_file_renamed_over_is_served_with_one_notice() {
    let mut f = start().await;
    f.expect_single_update(temp_and_rename).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vim_backup_and_probe_save_is_served_with_one_notice() {
    let mut f = start().await;
    f.expect_single_update(vim_save).await;
    assert!(!f.dir.join("ferry.toml~").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jetbrains_safe_write_is_served_with_one_notice() {
    let mut f = start().await;
    f.expect_single_update(jetbrains_save).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sed_in_place_is_served_with_one_notice() {
    let mut f = start().await;
    f.expect_single_update(|path, _| {
        let status = std::process::Command::new("sed")
            .args(["-i", "s/^value = 350$/value = 380/"])
            .arg(path)
            .status()
            .expect("sed runs");
        assert!(status.success());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_delete_and_recreate_is_one_update_not_missing() {
    let mut f = start().await;
    f.expect_single_update(|path, text| {
        fs::remove_file(path).expect("delete");
        fs::write(path, text).expect("re-create");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn git_checkout_is_served_with_one_notice() {
    let mut f = start().await;
    f.expect_single_update(git_checkout).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_moved_in_from_another_folder_is_served_with_one_notice() {
    let mut f = start().await;
    f.expect_single_update(move_in_from_elsewhere).await;
}

/// Kubernetes mounts a ConfigMap as `name -> ..data/name`, `..data -> ..<timestamp>`; an update
/// writes a new timestamped folder and swaps the `..data` link. The file itself never changes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configmap_symlink_swap_is_served_with_one_notice() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().to_path_buf();
    fs::create_dir(dir.join("..2031_03_01_00_00_00.1")).expect("mkdir");
    fs::write(dir.join("..2031_03_01_00_00_00.1/ferry.toml"), base_text()).expect("write");
    symlink("..2031_03_01_00_00_00.1", dir.join("..data")).expect("..data");
    symlink("..data/ferry.toml", dir.join("ferry.toml")).expect("file link");
    let path = dir.join("ferry.toml");
    let mut f = start_at(
        tmp,
        dir.clone(),
        path,
        WatchConfig {
            debounce: DEBOUNCE,
            poll_interval: None,
        },
    )
    .await;
    f.expect_single_update(|_, text| {
        fs::create_dir(dir.join("..2031_03_02_00_00_00.2")).expect("mkdir");
        fs::write(dir.join("..2031_03_02_00_00_00.2/ferry.toml"), text).expect("write");
        symlink("..2031_03_02_00_00_00.2", dir.join("..data_tmp")).expect("..data_tmp");
        fs::rename(dir.join("..data_tmp"), dir.join("..data")).expect("swap");
        fs::remove_dir_all(dir.join("..2031_03_01_00_00_00.1")).expect("remove old");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polling_notices_saves_without_file_system_events() {
    let mut f = start_with(WatchConfig {
        debounce: DEBOUNCE,
        poll_interval: Some(Duration::from_millis(100)),
    })
    .await;
    assert_eq!(f.watcher.mode(), WatchMode::Polling(Duration::from_millis(100)));
    f.expect_single_update(truncate_and_write).await;
}

// --- What gets reported ---------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_saves_gives_one_notice_with_the_combined_diff() {
    let mut f = start_with(WatchConfig::default()).await;
    let steps = [360, 370, 380, 390];
    for (i, value) in steps.iter().enumerate() {
        let mut text = with_day2_north(*value);
        if i >= 2 {
            text = text.replacen("value = 400\n", "value = 410\n", 1); // T-001 too, mid-burst
        }
        truncate_and_write(&f.path, &text);
        std::thread::sleep(Duration::from_millis(5)); // an editor's autosave, not an assertion
    }
    let notice = f.next_notice().await;
    let Notice::Updated {
        changes, new_version, ..
    } = &notice
    else {
        panic!("expected an update, got {notice:?}");
    };
    assert_eq!(*new_version, 2, "one reload for the whole burst");
    let lines = figures_bot::notice::change_lines(changes);
    assert!(
        lines.iter().any(|l| l.starts_with("T-003: 350 → 390 people")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("T-001: 400 → 410 people")),
        "{lines:#?}"
    );
    assert_eq!(f.served_value("T-003"), 390);
    f.assert_quiet().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unchanged_save_and_touch_give_no_notice() {
    let mut f = start().await;
    let before = f.live.checks();
    truncate_and_write(&f.path, &f.base.clone());
    f.wait_for_checks(before + 1).await;
    f.assert_quiet().await;
    let before = f.live.checks();
    touch(&f.path);
    f.wait_for_checks(before + 1).await;
    f.assert_quiet().await;
    assert_eq!(f.served_version(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comment_only_change_is_served_silently_as_a_new_version() {
    let mut f = start().await;
    let before = f.live.checks();
    let text = format!("# reviewed again, nothing changed\n{}", f.base);
    truncate_and_write(&f.path, &text);
    f.wait_for_checks(before + 1).await;
    f.assert_quiet().await;
    assert_eq!(f.served_version(), 2);
    let status = f.live.status(&f.path).expect("status");
    assert_eq!(status.checksum, sha256(&text));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_save_keeps_old_data_is_reported_once_and_fixed() {
    let mut f = start().await;
    // An unknown qualifier right after T-003's value: the error points at the string.
    let bad = f
        .base
        .replacen("value = 350\n", "value = 380\nqualifier = \"abuot\"\n", 1);
    let line = bad.lines().position(|l| l == "qualifier = \"abuot\"").expect("line") + 1;
    truncate_and_write(&f.path, &bad);

    let notice = f.next_notice().await;
    let Notice::Rejected {
        problems,
        serving_version,
        ..
    } = &notice
    else {
        panic!("expected a rejection, got {notice:?}");
    };
    assert_eq!(*serving_version, 1);
    let at = format!("{}:{line}:13: unknown qualifier `abuot`", f.path.display());
    assert!(problems[0].starts_with(&at), "{} does not start with {at}", problems[0]);
    let text = notice.render(DISCORD_MESSAGE_LIMIT);
    assert!(text.contains("Update rejected"), "{text}");
    // The desk sees the file's name, not the server's path.
    assert!(
        text.contains(&format!("• ferry.toml:{line}:13: unknown qualifier `abuot`")),
        "{text}"
    );
    assert!(!text.contains(&f.path.display().to_string()), "{text}");
    assert!(
        text.contains("1 error in total. Still serving version 1 loaded at "),
        "{text}"
    );
    assert_eq!(f.served_value("T-003"), 350, "the old data is still served");
    f.assert_quiet().await;

    // The same bad content again: looked at, not reported again.
    let before = f.live.checks();
    truncate_and_write(&f.path, &bad);
    f.wait_for_checks(before + 1).await;
    f.assert_quiet().await;

    let status = f.live.status(&f.path).expect("status");
    let rejection = status.last_rejection.expect("recorded for /about");
    assert!(rejection.first_error.starts_with(&at));
    assert!(!rejection.fixed);

    // Fixed: the next valid version says so.
    truncate_and_write(&f.path, &with_day2_north(380));
    let notice = f.next_notice().await;
    assert!(notice.is_fix(), "{notice:?}");
    assert!(notice.render(DISCORD_MESSAGE_LIMIT).contains("Fixed"));
    assert!(matches!(
        notice,
        Notice::Updated {
            old_version: 1,
            new_version: 2,
            recovered: Some(Outage::Rejected),
            ..
        }
    ));
    assert_eq!(f.served_value("T-003"), 380);
    assert!(
        f.live
            .status(&f.path)
            .expect("status")
            .last_rejection
            .expect("kept")
            .fixed
    );
    f.assert_quiet().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reverting_a_rejected_save_says_it_is_fixed() {
    let mut f = start().await;
    truncate_and_write(&f.path, "this is not toml = = =");
    assert!(matches!(f.next_notice().await, Notice::Rejected { .. }));
    truncate_and_write(&f.path, &f.base.clone());
    let notice = f.next_notice().await;
    assert!(
        matches!(
            notice,
            Notice::Restored {
                serving_version: 1,
                after: Outage::Rejected,
                ..
            }
        ),
        "{notice:?}"
    );
    assert!(notice.is_fix());
    f.assert_quiet().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleted_file_keeps_serving_and_is_picked_up_when_back() {
    let mut f = start().await;
    fs::remove_file(&f.path).expect("delete");
    let notice = f.next_notice().await;
    assert!(
        matches!(notice, Notice::Missing { serving_version: 1, .. }),
        "{notice:?}"
    );
    assert!(notice.render(DISCORD_MESSAGE_LIMIT).contains("Still serving version 1"));
    assert_eq!(f.served_value("T-003"), 350);
    assert!(f.live.status(&f.path).expect("status").missing_since.is_some());
    f.assert_quiet().await;

    // Back as it was: nothing changed, the outage is over.
    fs::write(&f.path, &f.base).expect("re-create");
    let notice = f.next_notice().await;
    assert!(
        matches!(
            notice,
            Notice::Restored {
                after: Outage::Missing,
                ..
            }
        ),
        "{notice:?}"
    );

    // Gone again, then back with new figures.
    fs::remove_file(&f.path).expect("delete");
    assert!(matches!(f.next_notice().await, Notice::Missing { .. }));
    fs::write(&f.path, with_day2_north(380)).expect("re-create");
    let notice = f.next_notice().await;
    assert!(
        matches!(
            notice,
            Notice::Updated {
                recovered: Some(Outage::Missing),
                ..
            }
        ),
        "{notice:?}"
    );
    assert_eq!(f.served_value("T-003"), 380);
    assert!(f.live.status(&f.path).expect("status").missing_since.is_none());
    f.assert_quiet().await;
}

/// 200 rapid saves (half of them truncate-and-write, so half-written files exist on disk) while
/// a reader answers in a loop: every snapshot it sees is one complete, valid version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_torn_reads_during_rapid_saves() {
    let mut f = start().await;
    let version_text = |k: usize| {
        with_day2_north(10_000 + k as i64).replacen(
            "title = \"Invented test story: ferry evacuation of Isla Verde, 2031\"",
            &format!("title = \"Ferry test, save #{k}\""),
            1,
        )
    };
    let texts: Vec<String> = (1..=200).map(version_text).collect();
    let mut valid: HashMap<String, Option<usize>> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| (sha256(t), Some(i + 1)))
        .collect();
    valid.insert(sha256(&f.base), None);
    let valid = Arc::new(valid);

    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (live, valid, stop) = (f.live.clone(), valid.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut seen = std::collections::HashSet::new();
            let mut answers = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let library = live.library();
                let data = library.select(None).expect("one story");
                let k = match valid.get(&data.source.checksum) {
                    Some(k) => *k,
                    None => panic!(
                        "served a version that was never written whole: {}",
                        data.source.checksum
                    ),
                };
                let value = data.claims[data.claim_index("T-003").expect("T-003")]
                    .figure
                    .value
                    .as_i64();
                let reply = answer(data, &Query::Stage { stage: "day-2".into() }).expect("answer");
                let text = markdown::render(&reply);
                match k {
                    Some(k) => {
                        assert_eq!(data.story.title, format!("Ferry test, save #{k}"));
                        assert_eq!(value, Some(10_000 + k as i64), "value and title from one version");
                        let shown = format!("{},{:03}", (10_000 + k) / 1000, (10_000 + k) % 1000);
                        assert!(text.contains(&shown), "answer shows {shown}: {text}");
                    }
                    None => assert_eq!(value, Some(350)),
                }
                seen.insert(data.source.checksum.clone());
                answers += 1;
            }
            (seen.len(), answers)
        })
    };

    for (i, text) in texts.iter().enumerate() {
        if i % 2 == 0 {
            temp_and_rename(&f.path, text);
        } else {
            truncate_and_write(&f.path, text);
        }
        // Pacing, not an assertion: mostly rapid, with a pause longer than the debounce every
        // 20 saves, so that reloads land in the middle of the run too.
        let pause = if i % 20 == 19 {
            DEBOUNCE * 2
        } else {
            Duration::from_millis(2)
        };
        std::thread::sleep(pause);
    }
    let last = sha256(texts.last().expect("200 versions"));
    let deadline = Instant::now() + TIMEOUT;
    while f.live.library().select(None).expect("one story").source.checksum != last {
        assert!(Instant::now() < deadline, "the last save was never served");
        // Keep draining notices so nothing backs up.
        while f.notices.try_recv().is_ok() {}
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let (distinct, answers) = reader.join().expect("the reader saw only whole versions");
    assert!(
        distinct >= 3,
        "the reader saw versions come and go ({distinct} versions, {answers} answers)"
    );
}

// --- Reloading on request -------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_all_reports_each_file_and_about_shows_the_last_rejection() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let first = tmp.path().join("a.toml");
    let second = tmp.path().join("b.toml");
    fs::write(&first, base_text()).expect("write");
    fs::write(
        &second,
        base_text().replacen("id = \"ferry-evacuation-test\"", "id = \"second-story\"", 1),
    )
    .expect("write");
    let live = Live::load(&[first.clone(), second.clone()]).expect("valid");

    fs::write(&first, with_day2_north(380)).expect("edit first");
    // The second file claims the first one's story id: refused, the old version stays.
    fs::write(&second, base_text()).expect("edit second");
    let reloads = live.reload_all().await;
    assert_eq!(reloads.len(), 2);
    assert!(matches!(
        reloads[0].outcome,
        Outcome::Updated {
            old_version: 1,
            new_version: 2,
            ..
        }
    ));
    let Outcome::Rejected { first_error, .. } = &reloads[1].outcome else {
        panic!("{:?}", reloads[1].outcome);
    };
    assert!(
        first_error.contains("story `ferry-evacuation-test` is loaded twice"),
        "{first_error}"
    );
    assert_eq!(live.library().stories()[1].story.id, "second-story");

    let about = live.status_of_story("second-story").expect("status");
    assert_eq!(about.version, 1);
    let lines = about.lines().join("\n");
    assert!(lines.contains("Version 1 loaded at "), "{lines}");
    assert!(lines.contains(&format!("SHA-256: {}", about.checksum)), "{lines}");
    assert!(lines.contains("Last rejected update: "), "{lines}");
    assert!(
        lines.contains(
            "(1 error, not fixed yet); first: story `ferry-evacuation-test` is loaded twice: a.toml:6:6 and b.toml:6:6"
        ),
        "{lines}"
    );
    assert!(
        !lines.contains(&tmp.path().display().to_string()),
        "no server path: {lines}"
    );

    // Nothing changed since: every file unchanged, nothing to report.
    fs::write(
        &second,
        base_text().replacen("id = \"ferry-evacuation-test\"", "id = \"second-story\"", 1),
    )
    .expect("revert second");
    let reloads = live.reload_all().await;
    assert!(matches!(reloads[0].outcome, Outcome::Unchanged { version: 2 }));
    assert!(matches!(reloads[1].outcome, Outcome::Unchanged { version: 1 }));
    assert!(reloads[1].notice.as_ref().is_some_and(Notice::is_fix));
    assert_eq!(reloads[1].outcome.describe(), "unchanged, serving version 1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_written_file_is_read_again_before_it_is_rejected() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let path = tmp.path().join("ferry.toml");
    fs::write(&path, base_text()).expect("write");
    let live = Arc::new(
        Live::load(std::slice::from_ref(&path))
            .expect("valid")
            // Far longer than the finisher needs, even on a loaded machine.
            .with_retry_delay(Duration::from_millis(1000)),
    );
    let full = with_day2_north(380);
    // Cut inside a quoted URL: certainly invalid.
    let cut = full.find("https://example.org/gull/day-2").expect("url") + 10;
    fs::write(&path, &full[..cut]).expect("half written");
    let finisher = {
        let (path, full) = (path.clone(), full.clone());
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            fs::write(path, full).expect("finish");
        })
    };
    let reload = live.reload_file(&path).await.expect("known file");
    finisher.join().expect("finisher");
    assert!(
        matches!(reload.outcome, Outcome::Updated { .. }),
        "{:?}",
        reload.outcome
    );
    assert!(matches!(reload.notice, Some(Notice::Updated { .. })));
}

// --- New files in a data folder -------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_story_file_in_a_data_folder_is_announced_and_served_once_valid() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().to_path_buf();
    fs::write(dir.join("ferry.toml"), base_text()).expect("write");
    let live = Arc::new(Live::load(std::slice::from_ref(&dir)).expect("valid folder"));
    let config = WatchConfig {
        debounce: DEBOUNCE,
        poll_interval: None,
    };
    let (_watcher, mut notices) = Watcher::start(live.clone(), config).expect("watcher starts");
    let second = base_text()
        .replacen("id = \"ferry-evacuation-test\"", "id = \"ferry-second\"", 1)
        .replacen("title = \"Invented test story", "title = \"Second invented story", 1);

    // Editors' scratch files in the folder are no stories.
    fs::write(dir.join(".ferry.toml.swp"), "not toml").expect("write");
    fs::write(dir.join("notes.txt"), "not toml").expect("write");

    // A new file that does not load is reported with its position, and not served.
    let broken = second.replacen("value = 350\n", "value = -350\n", 1);
    temp_and_rename(&dir.join("second.toml"), &broken);
    match next(&mut notices).await {
        Notice::NewFileRejected { path, problems } => {
            assert!(path.ends_with("second.toml"), "{}", path.display());
            assert!(
                problems[0].contains("second.toml:") && problems[0].contains("negative"),
                "{problems:?}"
            );
            let text = Notice::NewFileRejected { path, problems }.render(DISCORD_MESSAGE_LIMIT);
            assert!(text.contains("Not served until it loads"), "{text}");
        }
        other => panic!("expected the new file's rejection, got {other:?}"),
    }
    assert_eq!(live.library().stories().len(), 1);

    // Fixed: the desk hears of the new story, and it answers.
    temp_and_rename(&dir.join("second.toml"), &second);
    let added = next(&mut notices).await;
    let text = added.render(DISCORD_MESSAGE_LIMIT);
    assert!(text.starts_with("**New story**: Second invented story"), "{text}");
    match added {
        Notice::Added {
            story, title, claims, ..
        } => {
            assert_eq!(story, "ferry-second");
            assert!(title.starts_with("Second invented story"), "{title}");
            assert!(claims > 0);
        }
        other => panic!("expected the new story, got {other:?}"),
    }
    let library = live.library();
    assert_eq!(library.stories().len(), 2);
    let data = library.select(Some("ferry-second")).expect("the new story answers");
    assert_eq!(data.source.version, 1);

    // From then on it is reloaded like any other file.
    temp_and_rename(
        &dir.join("second.toml"),
        &second.replacen("value = 350\n", "value = 380\n", 1),
    );
    match next(&mut notices).await {
        Notice::Updated {
            story,
            old_version: 1,
            new_version: 2,
            ..
        } => assert_eq!(story, "ferry-second"),
        other => panic!("expected an update of the new story, got {other:?}"),
    }
    // Renamed (as `git mv` does): the story follows its file, after saying the old one is gone.
    let renamed = dir.join("renamed.toml");
    fs::rename(dir.join("second.toml"), &renamed).expect("rename");
    let moved = loop {
        match next(&mut notices).await {
            Notice::Missing { path, .. } => assert!(path.ends_with("second.toml"), "{}", path.display()),
            notice @ Notice::Added { .. } => break notice,
            other => panic!("expected the moved story, got {other:?}"),
        }
    };
    let text = moved.render(DISCORD_MESSAGE_LIMIT);
    assert!(
        text.starts_with("**Story file moved**: Second invented story"),
        "{text}"
    );
    assert!(text.contains("renamed.toml") && text.contains("(was `"), "{text}");
    let library = live.library();
    assert_eq!(library.stories().len(), 2);
    let data = library.select(Some("ferry-second")).expect("still answers");
    assert!(data.source.path.ends_with("renamed.toml"));
    assert!(live.statuses().iter().all(|s| !s.path.ends_with("second.toml")));

    // A copy of an existing story (same id) is refused, naming both files.
    temp_and_rename(&dir.join("copy.toml"), &base_text());
    match next(&mut notices).await {
        Notice::NewFileRejected { problems, .. } => {
            assert!(problems[0].contains("ferry-evacuation-test"), "{problems:?}")
        }
        other => panic!("expected the copy's rejection, got {other:?}"),
    }
    assert_eq!(live.library().stories().len(), 2);
}

async fn next(notices: &mut UnboundedReceiver<Notice>) -> Notice {
    tokio::time::timeout(TIMEOUT, notices.recv())
        .await
        .expect("a notice in time")
        .expect("channel open")
}

fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

// --- Symlinks and files that are not regular files -------------------------------------------

/// Points `link` at `target` atomically (a new link renamed over the old), as deploy tools do.
fn repoint(link: &Path, target: &Path) {
    let tmp = link.with_file_name(".ferry.toml.link-tmp");
    std::os::unix::fs::symlink(target, &tmp).expect("new link");
    fs::rename(&tmp, link).expect("swap link");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_symlinked_data_file_follows_edits_of_its_target_and_a_repointed_link() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (data, first, second) = (
        tmp.path().join("data"),
        tmp.path().join("first"),
        tmp.path().join("second"),
    );
    for dir in [&data, &first, &second] {
        fs::create_dir(dir).expect("mkdir");
    }
    fs::write(first.join("ferry.toml"), base_text()).expect("write");
    let link = data.join("ferry.toml");
    std::os::unix::fs::symlink(first.join("ferry.toml"), &link).expect("link");
    let mut f = start_at(
        tmp,
        data,
        link.clone(),
        WatchConfig {
            debounce: DEBOUNCE,
            poll_interval: None,
        },
    )
    .await;

    // An edit of the target, in its own folder: nothing happens in the link's folder.
    truncate_and_write(&first.join("ferry.toml"), &with_day2_north(380));
    assert!(matches!(f.next_notice().await, Notice::Updated { new_version: 2, .. }));
    assert_eq!(f.served_value("T-003"), 380);

    // The link now points into another folder: served, and that folder is watched from now on.
    fs::write(second.join("ferry.toml"), with_day2_north(390)).expect("write");
    repoint(&link, &second.join("ferry.toml"));
    assert!(matches!(f.next_notice().await, Notice::Updated { new_version: 3, .. }));
    assert_eq!(f.served_value("T-003"), 390);
    truncate_and_write(&second.join("ferry.toml"), &with_day2_north(400));
    assert!(matches!(f.next_notice().await, Notice::Updated { new_version: 4, .. }));
    assert_eq!(f.served_value("T-003"), 400);
    f.assert_quiet().await;
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifo_saved_over_the_data_file_is_rejected_without_blocking_reloads() {
    let mut f = start().await;
    let fifo = f.dir.join(".ferry.fifo");
    mkfifo(&fifo);
    fs::rename(&fifo, &f.path).expect("FIFO over the data file");
    match f.next_notice().await {
        Notice::Rejected { problems, .. } => {
            assert!(
                problems[0].contains("ferry.toml") && problems[0].contains("named pipe (FIFO)"),
                "{problems:?}"
            )
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert_eq!(f.served_value("T-003"), 350, "the last good version is still served");
    // Reloads go on: a real save afterwards is served.
    temp_and_rename(&f.path.clone(), &with_day2_north(380));
    assert!(matches!(f.next_notice().await, Notice::Updated { new_version: 2, .. }));
    assert_eq!(f.served_value("T-003"), 380);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifo_or_folder_named_toml_in_a_data_folder_is_skipped_and_named() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().to_path_buf();
    fs::write(dir.join("ferry.toml"), base_text()).expect("write");
    mkfifo(&dir.join("pipe.toml"));
    fs::create_dir(dir.join("folder.toml")).expect("mkdir");
    std::os::unix::fs::symlink(dir.join("gone.txt"), dir.join("dangling.toml")).expect("link");
    let listed = figures_bot::library::data_files(std::slice::from_ref(&dir)).expect("listed");
    assert_eq!(listed.files, vec![dir.join("ferry.toml")]);
    let skipped: Vec<String> = listed.skipped.iter().map(ToString::to_string).collect();
    assert_eq!(
        skipped,
        vec![
            format!(
                "{}: skipped: a link to nothing (its target is missing)",
                dir.join("dangling.toml").display()
            ),
            format!(
                "{}: skipped: a folder, not a data file",
                dir.join("folder.toml").display()
            ),
            format!(
                "{}: skipped: a named pipe (FIFO), not a data file",
                dir.join("pipe.toml").display()
            ),
        ]
    );
    // Loading the folder reads the one story and never opens the FIFO.
    let live = Live::load(std::slice::from_ref(&dir)).expect("the folder loads");
    assert_eq!(live.paths(), vec![dir.join("ferry.toml")]);
}

// --- One notice per burst (issue 11) ----------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_saves_in_two_seconds_give_one_notice_from_before_to_after() {
    let mut f = start().await;
    for value in 351..=550 {
        in_place_write(&f.path, &with_day2_north(value));
        std::thread::sleep(Duration::from_millis(10)); // an editor's autosave, not an assertion
    }
    let notice = f.next_notice().await;
    let Notice::Updated {
        changes,
        old_version,
        new_version,
        ..
    } = &notice
    else {
        panic!("expected an update, got {notice:?}");
    };
    assert_eq!((*old_version, *new_version), (1, 2), "one reload for the whole burst");
    let lines = figures_bot::notice::change_lines(changes);
    assert!(
        lines.iter().any(|l| l.starts_with("T-003: 350 → 550 people")),
        "{lines:#?}"
    );
    assert_eq!(f.served_value("T-003"), 550);
    f.assert_quiet().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_alternating_bad_and_good_saves_gives_one_notice() {
    let mut f = start().await;
    let good = with_day2_north(360);
    let bad = good.replacen("value = 360\n", "value = 360\nqualifier = \"abuot\"\n", 1);
    // Ends on bad content: one rejection, and the version before the burst is still served.
    for i in 0..100 {
        in_place_write(&f.path, if i % 2 == 0 { &good } else { &bad });
        std::thread::sleep(Duration::from_millis(10)); // an editor's autosave, not an assertion
    }
    let notice = f.next_notice().await;
    assert!(
        matches!(notice, Notice::Rejected { serving_version: 1, .. }),
        "{notice:?}"
    );
    f.assert_quiet().await;
    assert_eq!(f.served_value("T-003"), 350);

    // Ends on good content: one update from the version served before, which says it is fixed.
    for i in 0..100 {
        in_place_write(&f.path, if i % 2 == 0 { &bad } else { &good });
        std::thread::sleep(Duration::from_millis(10)); // an editor's autosave, not an assertion
    }
    let notice = f.next_notice().await;
    let Notice::Updated {
        old_version,
        new_version,
        recovered,
        ..
    } = &notice
    else {
        panic!("expected an update, got {notice:?}");
    };
    assert_eq!((*old_version, *new_version), (1, 2));
    assert_eq!(*recovered, Some(figures_bot::notice::Outage::Rejected));
    assert!(notice.render(DISCORD_MESSAGE_LIMIT).contains("Fixed"));
    f.assert_quiet().await;
    assert_eq!(f.served_value("T-003"), 360);
}
