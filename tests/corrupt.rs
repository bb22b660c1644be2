//! A damaged object database stops the run with exit 2 and names the damage: a loose object
//! cut short (on which libgit2 once spun forever), a pack that no longer matches its index
//! (whose objects libgit2 silently took for missing, so the history read as empty), and a
//! `HEAD` whose commit is gone. Never a hang, and never "uncommitted".
//!
//! Every run is killed after [`BOUND`], so a hang fails the test instead of the suite.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{Output, TestRepo};
use git2::Oid;

const BOUND: Duration = Duration::from_secs(20);

/// The commands that read history or objects: `check` (for `stale/age`), `check --rev`, and
/// `stale`.
const COMMANDS: [&[&str]; 3] = [
    &["check", "--format", "json"],
    &["check", "--format", "json", "--rev", "HEAD"],
    &["stale", "--format", "json"],
];

/// Runs `args` in the repository, failing the test if it is still running after [`BOUND`].
fn run(repo: &TestRepo, args: &[&str]) -> Output {
    let (out, took) = common::run_within(repo.root(), args, BOUND);
    out.unwrap_or_else(|| panic!("{args:?}: still running after {took:?}, killed"))
}

/// Asserts that every command stops with exit 2 and a message holding each of `named`.
fn assert_stops(repo: &TestRepo, commands: &[&[&str]], named: &[&str]) {
    for args in commands {
        let out = run(repo, args);
        assert_eq!(
            out.code, 2,
            "{args:?}: expected exit 2\nstdout:\n{}\nstderr:\n{}",
            out.stdout, out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        for name in named {
            assert!(
                out.stderr.contains(name),
                "{args:?}: {name} in\n{}",
                out.stderr
            );
        }
    }
}

/// Two commits of a few documents, one in a folder; returns the repository and `HEAD`.
fn history() -> (TestRepo, Oid) {
    let repo = TestRepo::new();
    repo.write("a.md", "---\ntitle: A\n---\n# A\n")
        .write("docs/b.md", "# B\n\n[A](../a.md)\n");
    repo.commit_at("first", 1_700_000_000, "Ann", &[]);
    repo.write("c.md", "# C\n");
    let head = repo.commit_at("second", 1_700_086_400, "Bob", &[]);
    (repo, head)
}

/// Cuts `file` to half its length.
fn truncate_to_half(file: &Path) {
    common::make_writable(file);
    let len = std::fs::metadata(file).expect("metadata").len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(file)
        .and_then(|f| f.set_len(len / 2))
        .expect("truncate");
}

#[test]
fn a_truncated_loose_commit_stops_every_command_naming_it() {
    let (repo, head) = history();
    truncate_to_half(&repo.loose_object(head));
    assert_stops(&repo, &COMMANDS, &[&head.to_string(), "truncated"]);
}

#[test]
fn a_truncated_loose_tree_stops_every_command_naming_it() {
    let (repo, head) = history();
    let tree = repo.git().find_commit(head).unwrap().tree_id();
    truncate_to_half(&repo.loose_object(tree));
    assert_stops(&repo, &COMMANDS, &[&tree.to_string(), "truncated"]);
}

#[test]
fn a_truncated_loose_blob_stops_the_commands_that_read_objects() {
    let (repo, head) = history();
    // Long enough that half of its compressed form is more than the zlib header.
    repo.write("long.md", format!("# Long\n\n{}\n", "text ".repeat(2_000)));
    repo.commit_at("third", 1_700_172_800, "Ann", &[]);
    let blob = repo
        .git()
        .head()
        .unwrap()
        .peel_to_tree()
        .unwrap()
        .get_path(Path::new("long.md"))
        .unwrap()
        .id();
    assert_ne!(blob, head);
    truncate_to_half(&repo.loose_object(blob));
    let mut commands = COMMANDS.to_vec();
    commands.push(&["check", "--format", "json", "--staged"]);
    assert_stops(&repo, &commands, &[&blob.to_string(), "truncated"]);
}

#[test]
fn a_loose_object_damaged_after_a_run_that_kept_the_checks_still_stops_the_next() {
    let (repo, head) = history();
    let cache = tempfile::tempdir().unwrap();
    let cache_dir = cache.path().to_str().unwrap();
    let commands: Vec<Vec<&str>> = COMMANDS
        .iter()
        .map(|args| [*args, &["--cache-dir", cache_dir]].concat())
        .collect();
    let commands: Vec<&[&str]> = commands.iter().map(Vec::as_slice).collect();
    // Objects written in the last two seconds are not remembered: they could change again
    // within their timestamps.
    std::thread::sleep(std::time::Duration::from_millis(2_200));
    for args in &commands {
        let out = run(&repo, args);
        assert_eq!(out.code, 0, "{args:?}\n{}", out.stderr);
        assert!(!out.stderr.contains("note:"), "{}", out.stderr);
    }
    let kept: Vec<_> = std::fs::read_dir(cache.path().join("loose"))
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let written = std::fs::metadata(&kept[0]).unwrap().modified().unwrap();
    // Read, and left as it was, by the runs after the first.
    let out = run(&repo, commands[0]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        std::fs::metadata(&kept[0]).unwrap().modified().unwrap(),
        written
    );
    truncate_to_half(&repo.loose_object(head));
    assert_stops(&repo, &commands, &[&head.to_string(), "truncated"]);
}

/// Moves every object into one pack written by libgit2's pack builder, and returns the pack.
fn pack_everything(repo: &TestRepo) -> PathBuf {
    let git = repo.git();
    let objects = git.path().join("objects");
    let mut builder = git.packbuilder().unwrap();
    let mut walk = git.revwalk().unwrap();
    walk.push_head().unwrap();
    builder.insert_walk(&mut walk).unwrap();
    builder.write(&objects.join("pack"), 0).unwrap();
    for entry in std::fs::read_dir(&objects).unwrap() {
        let path = entry.unwrap().path();
        let fanout = path.file_name().unwrap().len() == 2;
        if fanout {
            std::fs::remove_dir_all(path).unwrap();
        }
    }
    std::fs::read_dir(objects.join("pack"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "pack"))
        .expect("a pack")
}

#[test]
fn a_pack_truncated_to_half_stops_every_command_naming_it() {
    let (repo, _) = history();
    let pack = pack_everything(&repo);
    // Whole, the pack serves every command.
    for args in COMMANDS {
        let out = run(&repo, args);
        assert!(out.code == 0 || out.code == 1, "{args:?}: {}", out.stderr);
    }
    let stale = run(&repo, &["stale", "--format", "json"]).json();
    let authors: Vec<(&str, &str)> = stale["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let author = d["last_change"]["author"].as_str().unwrap_or("uncommitted");
            (d["path"].as_str().unwrap(), author)
        })
        .collect();
    assert_eq!(authors.len(), 3);
    for expected in [("a.md", "Ann"), ("c.md", "Bob"), ("docs/b.md", "Ann")] {
        assert!(authors.contains(&expected), "{authors:?}");
    }
    truncate_to_half(&pack);
    let name = pack.file_name().unwrap().to_str().unwrap();
    assert_stops(&repo, &COMMANDS, &[name, "does not match its index"]);
}

#[test]
fn a_missing_head_commit_is_an_error_not_an_empty_history() {
    let (repo, head) = history();
    std::fs::remove_file(repo.loose_object(head)).unwrap();
    let mut commands = vec![COMMANDS[0], COMMANDS[2]];
    commands.push(&["check", "--format", "json", "--staged"]);
    assert_stops(&repo, &commands, &[&head.to_string()]);
}
