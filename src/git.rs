//! Who saved a data file, when the data folder is a git work tree and the saved content is
//! committed: the author and subject of the last commit that touched it. Otherwise nothing:
//! a ping must never name the wrong person.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

/// "Saved by Ann Editor: “Fix CHQ's final-stage figure”", or `None` when git cannot say within
/// `timeout` (not a work tree, git missing, the file has uncommitted changes or no commit).
pub async fn saved_by(path: &Path, timeout: Duration) -> Option<String> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name()?;
    // Changes not committed yet: the last commit is not this save.
    let status = git(
        folder,
        &["status".as_ref(), "--porcelain".as_ref(), "--".as_ref(), name],
        timeout,
    )
    .await?;
    if !status.trim().is_empty() {
        return None;
    }
    let format = "--format=%an%x1f%s";
    let log = git(
        folder,
        &["log".as_ref(), "-1".as_ref(), format.as_ref(), "--".as_ref(), name],
        timeout,
    )
    .await?;
    let (author, subject) = log.trim_end().split_once('\u{1f}')?;
    let clean = |s: &str| -> String { s.chars().filter(|c| !c.is_control()).collect() };
    Some(format!(
        "Saved by {}: “{}”",
        crate::render::escape_markdown(&clean(author)),
        crate::render::escape_markdown(&clean(subject))
    ))
}

/// Runs git in `folder`; its output if it succeeds in time. The child is killed on timeout.
async fn git(folder: &Path, args: &[&std::ffi::OsStr], timeout: Duration) -> Option<String> {
    let mut command = tokio::process::Command::new("git");
    command
        .arg("-C")
        .arg(folder)
        // Never take the index lock: an editor's own `git commit` must not fail because of us.
        .arg("--no-optional-locks")
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let output = tokio::time::timeout(timeout, command.output()).await.ok()?.ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}
