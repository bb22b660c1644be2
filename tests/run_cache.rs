//! The run cache: a check of a work tree where nothing changed since the last check answers
//! from what that check found, and any change to what the findings depend on (a document,
//! the configuration, a file git ignores that a link leads to, `HEAD`, `--as-of`, a new
//! file) makes the next check find everything anew. Each run is compared with a run that
//! uses no cache.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use common::{run_with_env, TestRepo};

const CHECK: &[&str] = &["check", "--format", "json", "--as-of", "2024-01-01"];

/// The run cache's one file in `dir`.
fn runs_file(dir: &Path) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(dir.join("runs"))
        .expect("a run cache folder")
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files.into_iter().next().unwrap()
}

/// Which file the run cache is now: a check that stores its findings replaces the file
/// (written beside it and renamed over it), one answered from it leaves it be.
#[cfg(unix)]
fn written(dir: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(runs_file(dir)).unwrap().ino()
}

/// `args` run with the cache in `dir` and without any: the same output and exit code.
fn same_as_uncached(repo: &TestRepo, dir: &Path, args: &[&str]) -> String {
    let env = [("DOCSTEWARD_CACHE_DIR", dir.to_str().unwrap())];
    let cached = run_with_env(repo.root(), args, &env);
    let mut plain = args.to_vec();
    plain.push("--no-cache");
    let uncached = run_with_env(repo.root(), &plain, &env);
    assert!(cached.code < 2, "{args:?}: {}", cached.stderr);
    assert_eq!(cached.stdout, uncached.stdout, "{args:?}");
    assert_eq!(cached.code, uncached.code, "{args:?}");
    assert_eq!(cached.stderr, "", "{args:?}");
    cached.stdout
}

/// Sets every file of the work tree's modification time a year back, as files checked out
/// long ago have it; committed afterwards, their index entries vouch for them.
fn age_files(root: &Path) {
    let then = SystemTime::now() - Duration::from_secs(365 * 24 * 3600);
    for entry in walk(root) {
        std::fs::File::options()
            .write(true)
            .open(&entry)
            .unwrap()
            .set_modified(then)
            .unwrap();
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == ".git" {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            files.extend(walk(&entry.path()));
        } else {
            files.push(entry.path());
        }
    }
    files
}

/// Files written just now are not trusted by their stat data (a second write within the
/// same tick of the file system's clock would not show in it): past that, they are.
fn let_the_clock_move() {
    std::thread::sleep(Duration::from_millis(2200));
}

#[cfg(unix)]
#[test]
fn only_a_check_of_an_unchanged_work_tree_is_answered_from_the_last_one() {
    let repo = TestRepo::new();
    repo.copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/handbook"))
        .write(".gitignore", "build/\n")
        .write(
            "articles/release-notes.md",
            "---\ntitle: Release notes\n---\n# Release notes\n\nThe [site](../build/index.html).\n",
        );
    age_files(repo.root());
    repo.commit("handbook");
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();

    // Cold: found and stored. Warm: answered from the store, which stays as it was.
    let first = same_as_uncached(&repo, dir, CHECK);
    assert!(first.contains("build/index.html"), "{first}");
    let stored = written(dir);
    assert_eq!(same_as_uncached(&repo, dir, CHECK), first);
    assert_eq!(
        written(dir),
        stored,
        "an unchanged work tree was checked anew"
    );

    // A file git ignores appears where a link leads: the finding is now another, and the
    // stored one must not be served.
    repo.write("build/index.html", "<html></html>");
    let now = same_as_uncached(&repo, dir, CHECK);
    assert_ne!(now, first);
    assert!(now.contains("ignored by git"), "{now}");
    let stored = written(dir);
    assert_eq!(same_as_uncached(&repo, dir, CHECK), now);
    assert_eq!(written(dir), stored);

    // Another day, another answer: each is stored in turn.
    same_as_uncached(
        &repo,
        dir,
        &["check", "--format", "json", "--as-of", "2030-01-01"],
    );
    assert_ne!(written(dir), stored);
    let stored = written(dir);

    // A new commit of the same files: HEAD is part of what findings depend on.
    let head = repo.git().head().unwrap().peel_to_commit().unwrap();
    let sig = git2::Signature::new(
        "Test",
        "test@example.com",
        &git2::Time::new(1_700_000_100, 0),
    )
    .unwrap();
    repo.git()
        .commit(
            Some("HEAD"),
            &sig,
            &sig,
            "again",
            &head.tree().unwrap(),
            &[&head],
        )
        .unwrap();
    same_as_uncached(&repo, dir, CHECK);
    assert_ne!(written(dir), stored);

    // A document rewritten in place with its size and modification time as they were: only
    // its inode change time tells, and a check right after the write trusts nothing.
    let article = "articles/release-notes.md";
    let before = std::fs::metadata(repo.path(article)).unwrap();
    let text = std::fs::read_to_string(repo.path(article)).unwrap();
    let edited = text.replace("../build/index.html", "../build/ondex.html");
    assert_eq!(edited.len(), text.len());
    std::fs::write(repo.path(article), &edited).unwrap();
    std::fs::File::options()
        .write(true)
        .open(repo.path(article))
        .unwrap()
        .set_modified(before.modified().unwrap())
        .unwrap();
    let stored = written(dir);
    let changed = same_as_uncached(&repo, dir, CHECK);
    assert!(changed.contains("ondex.html"), "{changed}");
    assert_eq!(
        written(dir),
        stored,
        "a file changed this moment was trusted"
    );
    let_the_clock_move();
    assert_eq!(same_as_uncached(&repo, dir, CHECK), changed);
    let stored = written(dir);
    assert_eq!(same_as_uncached(&repo, dir, CHECK), changed);
    assert_eq!(written(dir), stored);

    // The configuration: a rule turned off.
    let config = std::fs::read_to_string(repo.path("docsteward.toml")).unwrap();
    repo.write(
        "docsteward.toml",
        config.replace("[rules]\n", "[rules]\n\"links/missing-file\" = \"off\"\n"),
    );
    let_the_clock_move();
    let quiet = same_as_uncached(&repo, dir, CHECK);
    assert!(!quiet.contains("ondex.html"), "{quiet}");
    assert_ne!(written(dir), stored);

    // A new untracked document, and one removed.
    repo.write("articles/new.md", "# New\n\n[gone](missing.md)\n");
    std::fs::remove_file(repo.path("articles/release-notes.md")).unwrap();
    let_the_clock_move();
    let stored = written(dir);
    let last = same_as_uncached(&repo, dir, CHECK);
    assert!(last.contains("articles/new.md"), "{last}");
    assert!(!last.contains("release-notes"), "{last}");
    assert_ne!(written(dir), stored);

    // A report of only some documents is not the whole check's.
    let scoped = same_as_uncached(&repo, dir, &[CHECK, &["articles/new.md"][..]].concat());
    assert_ne!(scoped, last);
    assert_eq!(same_as_uncached(&repo, dir, CHECK), last);
}

#[cfg(unix)]
#[test]
fn a_damaged_run_cache_costs_a_notice_and_is_written_again() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n\n[b](b.md)\n");
    age_files(repo.root());
    repo.commit("a");
    let dir = tempfile::tempdir().unwrap();
    let env = [("DOCSTEWARD_CACHE_DIR", dir.path().to_str().unwrap())];
    let first = run_with_env(repo.root(), CHECK, &env);
    assert_eq!(first.code, 1, "{}", first.stderr);
    let file = runs_file(dir.path());
    let mut bytes = std::fs::read(&file).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    std::fs::write(&file, bytes).unwrap();
    let again = run_with_env(repo.root(), CHECK, &env);
    assert_eq!(again.stdout, first.stdout);
    assert!(
        again.stderr.contains("run cache") && again.stderr.contains("not used"),
        "{}",
        again.stderr
    );
    let third = run_with_env(repo.root(), CHECK, &env);
    assert_eq!(third.stdout, first.stdout);
    assert_eq!(third.stderr, "");
}
