//! The history cache: a run that starts from a cached commit, or from a descendant of one,
//! finds exactly what a walk over the whole history finds (random histories of edits,
//! renames, copies, side branches, rewrites, ignored revisions and bots); and on the command
//! line, `--no-cache`, `--cache-dir`, `DOCSTEWARD_CACHE_DIR`, and a damaged cache file.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use common::{run_with_env, TestRepo};
use docsteward::history_cache::{self, HistoryCache};
use docsteward::repo::{Ignore, LastChange, Reach, Repo};
use git2::{Oid, Repository, Signature, Time};
use proptest::prelude::*;

const DAY: i64 = 86_400;
/// 2023-01-01T00:00:00Z.
const T0: i64 = 1_672_531_200;

/// One step of a generated history. Indexes pick among the files there are (modulo).
#[derive(Clone, Debug)]
enum Op {
    Edit(usize),
    Add,
    Delete(usize),
    /// A pure rename: the same blob at a new path.
    Rename(usize),
    /// The file renamed to two new paths at once (both the same blob): one history for two
    /// documents from there back.
    Copy(usize),
    /// An edit in a commit the ignore-revs list names.
    Reformat(usize),
    /// An edit by a bot.
    Bot(usize),
    /// A side branch from `back` commits ago, with these steps, merged back; where both
    /// sides changed a file, the merge takes the side's version when `theirs`.
    Side {
        back: usize,
        ops: Vec<Op>,
        theirs: bool,
    },
    /// A commit dated before its parent.
    Skewed(usize),
}

fn leaf() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => any::<usize>().prop_map(Op::Edit),
        2 => Just(Op::Add),
        1 => any::<usize>().prop_map(Op::Delete),
        2 => any::<usize>().prop_map(Op::Rename),
        1 => any::<usize>().prop_map(Op::Copy),
        1 => any::<usize>().prop_map(Op::Reformat),
        1 => any::<usize>().prop_map(Op::Bot),
        1 => any::<usize>().prop_map(Op::Skewed),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => leaf(),
        1 => (0usize..4, prop::collection::vec(leaf(), 1..4), any::<bool>())
            .prop_map(|(back, ops, theirs)| Op::Side { back, ops, theirs }),
    ]
}

type Files = BTreeMap<String, String>;

/// Builds commits straight into an object database, with pinned dates.
struct History {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    repo: Repository,
    /// Every commit on the line being built, oldest first, with its files.
    line: Vec<(Oid, Files)>,
    time: i64,
    names: usize,
    versions: usize,
    ignored: HashSet<Oid>,
}

impl History {
    fn new() -> History {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_owned();
        let repo = Repository::init(&path).unwrap();
        let mut h = History {
            _dir: dir,
            path,
            repo,
            line: Vec::new(),
            time: T0,
            names: 0,
            versions: 0,
            ignored: HashSet::new(),
        };
        let mut files = Files::new();
        for _ in 0..3 {
            let name = h.name();
            files.insert(name.clone(), h.content(&name));
        }
        let root = h.commit(&files, &[], "Ann", 0);
        h.line.push((root, files));
        h
    }

    fn name(&mut self) -> String {
        self.names += 1;
        let folder = ["", "docs/", "docs/deep/"][self.names % 3];
        format!("{folder}f{}.md", self.names)
    }

    fn content(&mut self, name: &str) -> String {
        self.versions += 1;
        format!("# {name}\n\nversion {}\n", self.versions)
    }

    fn head(&self) -> Oid {
        self.line.last().unwrap().0
    }

    fn commit(&mut self, files: &Files, parents: &[Oid], author: &str, skew: i64) -> Oid {
        let mut index = git2::Index::new().unwrap();
        for (path, text) in files {
            let blob = self.repo.blob(text.as_bytes()).unwrap();
            index
                .add(&common::index_entry(path, blob, text.len()))
                .unwrap();
        }
        let tree = self
            .repo
            .find_tree(index.write_tree_to(&self.repo).unwrap())
            .unwrap();
        self.time += DAY;
        let email = format!("{}@example.com", author.to_lowercase());
        let sig = Signature::new(author, &email, &Time::new(self.time - skew, 0)).unwrap();
        let parents: Vec<git2::Commit<'_>> = parents
            .iter()
            .map(|p| self.repo.find_commit(*p).unwrap())
            .collect();
        let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
        self.repo
            .commit(None, &sig, &sig, "change", &tree, &parents)
            .unwrap()
    }

    fn pick(files: &Files, i: usize) -> Option<String> {
        (!files.is_empty()).then(|| files.keys().nth(i % files.len()).unwrap().clone())
    }

    /// Applies `op` to the line (a side branch's steps to a line of its own).
    fn apply(&mut self, op: &Op) {
        let (head, mut files) = self.line.last().unwrap().clone();
        let mut author = "Ann";
        let mut skew = 0;
        let mut ignore = false;
        match op {
            Op::Edit(i) | Op::Reformat(i) | Op::Bot(i) | Op::Skewed(i) => {
                let Some(path) = Self::pick(&files, *i) else {
                    return;
                };
                let text = self.content(&path);
                files.insert(path, text);
                match op {
                    Op::Reformat(_) => ignore = true,
                    Op::Bot(_) => author = "renovate-bot",
                    Op::Skewed(_) => {
                        author = "Bob";
                        skew = 3 * DAY;
                    }
                    _ => {}
                }
            }
            Op::Add => {
                let name = self.name();
                let text = self.content(&name);
                files.insert(name, text);
            }
            Op::Delete(i) => {
                let Some(path) = Self::pick(&files, *i) else {
                    return;
                };
                files.remove(&path);
            }
            Op::Rename(i) | Op::Copy(i) => {
                let Some(path) = Self::pick(&files, *i) else {
                    return;
                };
                let text = files.remove(&path).unwrap();
                let copies = if matches!(op, Op::Copy(_)) { 2 } else { 1 };
                for _ in 0..copies {
                    let name = self.name();
                    files.insert(name, text.clone());
                }
            }
            Op::Side { back, ops, theirs } => {
                let at = self.line.len().saturating_sub(1 + back);
                let forked = self.line[at].clone();
                let fork = forked.1.clone();
                let main = std::mem::replace(&mut self.line, vec![forked]);
                for op in ops {
                    self.apply(op);
                }
                let side = std::mem::replace(&mut self.line, main);
                let (side_head, side_files) = side.last().unwrap().clone();
                let paths: HashSet<&String> = fork.keys().chain(side_files.keys()).collect();
                for path in paths {
                    let (f, s, m) = (fork.get(path), side_files.get(path), files.get(path));
                    if s != f && (m == f || *theirs) {
                        match s {
                            Some(text) => files.insert(path.clone(), text.clone()),
                            None => files.remove(path),
                        };
                    }
                }
                let merge = self.commit(&files, &[head, side_head], "Cat", 0);
                self.line.push((merge, files));
                return;
            }
        }
        let oid = self.commit(&files, &[head], author, skew);
        if ignore {
            self.ignored.insert(oid);
        }
        self.line.push((oid, files));
    }

    /// Forgets the last `n` commits of the line (a reset before new commits: history
    /// rewritten).
    fn rewind(&mut self, n: usize) {
        let keep = self.line.len().saturating_sub(n).max(1);
        self.line.truncate(keep);
    }

    fn documents(&self) -> Vec<String> {
        self.line.last().unwrap().1.keys().cloned().collect()
    }
}

fn bots(name: &str, _email: &str) -> bool {
    name.ends_with("-bot")
}

fn ignore(revs: &HashSet<Oid>) -> Ignore<'static> {
    Ignore {
        revs: revs.clone(),
        author: Some(&bots),
        author_key: "*-bot".to_owned(),
        mailmap: None,
    }
}

fn reach(since: Option<u8>) -> Reach {
    since.map_or(Reach::LastChange, |days| {
        Reach::Since(T0 + i64::from(days) * DAY)
    })
}

/// The walk, through `cache` when given (a cold walk without), and how many commits it
/// read.
fn walk(
    repo: &Repo,
    cache: Option<&HistoryCache>,
    start: Oid,
    documents: &[String],
    ignore: &Ignore<'_>,
    reach: Reach,
) -> (Vec<Option<LastChange>>, usize) {
    let mut read = 0;
    let mut notices = Vec::new();
    let found = history_cache::last_changes(
        repo,
        cache,
        start,
        documents,
        ignore,
        reach,
        &mut |n| read = n,
        &mut notices,
    )
    .unwrap();
    assert!(notices.is_empty(), "{notices:?}");
    (found, read)
}

fn cached(
    repo: &Repo,
    cache: &HistoryCache,
    start: Oid,
    documents: &[String],
    ignore: &Ignore<'_>,
    reach: Reach,
) -> (Vec<Option<LastChange>>, usize) {
    walk(repo, Some(cache), start, documents, ignore, reach)
}

fn cold(
    repo: &Repo,
    start: Oid,
    documents: &[String],
    ignore: &Ignore<'_>,
    reach: Reach,
) -> (Vec<Option<LastChange>>, usize) {
    walk(repo, None, start, documents, ignore, reach)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_warm_walk_finds_what_a_cold_one_does(
        before in prop::collection::vec(op(), 1..14),
        after in prop::collection::vec(op(), 0..10),
        rewind in prop_oneof![3 => Just(0usize), 1 => 1usize..6],
        cached_reach in prop::option::of(0u8..40),
        asked_reach in prop::option::of(0u8..40),
        cached_share in 1usize..4,
        ignore_changes in any::<bool>(),
    ) {
        let mut h = History::new();
        for op in &before {
            h.apply(op);
        }
        let repo = Repo::discover(&h.path).unwrap();
        let cache_dir = tempfile::tempdir().unwrap();
        let cache = HistoryCache::new(cache_dir.path().to_owned());
        // The earlier run: part of the documents (a run given PATHS), some reach.
        let at_cache = h.head();
        let earlier: Vec<String> = h
            .documents()
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % cached_share == 0)
            .map(|(_, d)| d)
            .collect();
        let first_ignore = ignore(&h.ignored);
        let (first, _) = cached(&repo, &cache, at_cache, &earlier, &first_ignore, reach(cached_reach));
        prop_assert_eq!(&first, &cold(&repo, at_cache, &earlier, &first_ignore, reach(cached_reach)).0);

        h.rewind(rewind);
        for op in &after {
            h.apply(op);
        }
        let mut revs = h.ignored.clone();
        if ignore_changes {
            // A commit of the cached history joins the ignore-revs list.
            revs.insert(h.line[h.line.len() / 2].0);
        }
        let now = ignore(&revs);
        let start = h.head();
        let mut documents = h.documents();
        // A path with no file (an uncommitted document's) walks the whole history.
        documents.push("docs/never.md".to_owned());
        let asked = reach(asked_reach);
        let (expected, cold_read) = cold(&repo, start, &documents, &now, asked);
        let (warm, warm_read) = cached(&repo, &cache, start, &documents, &now, asked);
        prop_assert_eq!(&warm, &expected);
        // A document's walk never reads a commit a cold walk would not.
        prop_assert!(warm_read <= cold_read, "{} > {}", warm_read, cold_read);
        // And again, now that the start commit itself is cached: no commit is read.
        let (again, again_read) = cached(&repo, &cache, start, &documents, &now, asked);
        prop_assert_eq!(&again, &expected);
        prop_assert_eq!(again_read, 0);
    }
}

#[test]
fn a_warm_walk_on_a_line_reads_only_the_new_commits() {
    // One file edited again and again: the others' last change is the first commit, and a
    // cold walk reads the whole history for them.
    let mut h = History::new();
    for _ in 0..30 {
        h.apply(&Op::Edit(0));
    }
    let repo = Repo::discover(&h.path).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cache = HistoryCache::new(dir.path().to_owned());
    let none = ignore(&HashSet::new());
    let documents = h.documents();
    let first = h.head();
    cached(&repo, &cache, first, &documents, &none, Reach::LastChange);
    for _ in 0..5 {
        h.apply(&Op::Edit(0));
    }
    let (warm, read) = cached(
        &repo,
        &cache,
        h.head(),
        &documents,
        &none,
        Reach::LastChange,
    );
    assert_eq!(read, 5, "the five new commits only");
    let (expected, cold_read) = cold(&repo, h.head(), &documents, &none, Reach::LastChange);
    assert_eq!(warm, expected);
    assert_eq!(cold_read, 36);
    // Other ignored authors: the cache no longer holds, and the whole history is read.
    let other = Ignore {
        author_key: "*[bot]".to_owned(),
        ..ignore(&HashSet::new())
    };
    let (_, read) = cached(
        &repo,
        &cache,
        h.head(),
        &documents,
        &other,
        Reach::LastChange,
    );
    assert!(read > 5, "{read}");
}

#[test]
fn a_copied_file_keeps_a_history_for_both_copies() {
    // Before the walk let two documents share a path, the second replaced the first and
    // one of them read as never committed.
    let mut h = History::new();
    h.apply(&Op::Edit(0));
    h.apply(&Op::Copy(0));
    let repo = Repo::discover(&h.path).unwrap();
    let documents = h.documents();
    let (found, _) = cold(
        &repo,
        h.head(),
        &documents,
        &ignore(&HashSet::new()),
        Reach::LastChange,
    );
    assert!(found.iter().all(Option::is_some), "{found:?}");
}

// The command line.

fn stale(repo: &TestRepo, args: &[&str], env: &[(&str, &str)]) -> common::Output {
    let mut all = vec!["stale", "--format", "json", "--as-of", "2023-06-01"];
    all.extend_from_slice(args);
    let out = run_with_env(repo.root(), &all, env);
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    out
}

fn cache_files(dir: &Path) -> Vec<std::path::PathBuf> {
    match std::fs::read_dir(dir.join("history")) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

fn small_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n").write("docs/b.md", "# B\n");
    repo.commit_at("add", T0, "Ann", &[]);
    repo.write("a.md", "# A\n\nMore.\n");
    repo.commit_at("edit", T0 + 10 * DAY, "Bob", &[]);
    repo
}

#[test]
fn the_variable_names_the_cache_and_no_cache_writes_none() {
    let repo = small_repo();
    let env_dir = tempfile::tempdir().unwrap();
    let env = [("DOCSTEWARD_CACHE_DIR", env_dir.path().to_str().unwrap())];
    let off = stale(&repo, &["--no-cache"], &env);
    assert!(cache_files(env_dir.path()).is_empty(), "--no-cache wrote");
    let cold = stale(&repo, &[], &env);
    assert_eq!(cache_files(env_dir.path()).len(), 1);
    assert_eq!(cold.stdout, off.stdout);
    let warm = stale(&repo, &[], &env);
    assert_eq!(warm.stdout, off.stdout);
    assert_eq!(warm.stderr, "");
    // New commits: the cached commit is an ancestor, and the answer is a full walk's.
    repo.write("docs/b.md", "# B\n\nNews.\n");
    repo.commit_at("news", T0 + 20 * DAY, "Cat", &[]);
    let after = stale(&repo, &[], &env);
    assert_eq!(after.stdout, stale(&repo, &["--no-cache"], &env).stdout);
    assert!(after.stdout.contains("Cat"));
    // check reads the same cache.
    let check = run_with_env(repo.root(), &["check", "--format", "json"], &env);
    let check_cold = run_with_env(
        repo.root(),
        &["check", "--format", "json", "--no-cache"],
        &env,
    );
    assert_eq!(check.stdout, check_cold.stdout);
    assert_eq!(check.code, check_cold.code);
}

#[test]
fn the_flag_wins_over_the_variable() {
    let repo = small_repo();
    let env_dir = tempfile::tempdir().unwrap();
    let flag_dir = tempfile::tempdir().unwrap();
    let env = [("DOCSTEWARD_CACHE_DIR", env_dir.path().to_str().unwrap())];
    // A folder that does not exist yet is made.
    let nested = flag_dir.path().join("made/here");
    stale(&repo, &["--cache-dir", nested.to_str().unwrap()], &env);
    assert_eq!(cache_files(&nested).len(), 1);
    assert!(cache_files(env_dir.path()).is_empty());
    // Neither flag with the other.
    let both = run_with_env(
        repo.root(),
        &["stale", "--no-cache", "--cache-dir", "x"],
        &env,
    );
    assert_eq!(both.code, 2);
}

#[test]
fn a_damaged_cache_file_costs_a_notice_and_a_full_walk() {
    let repo = small_repo();
    let dir = tempfile::tempdir().unwrap();
    let env = [("DOCSTEWARD_CACHE_DIR", dir.path().to_str().unwrap())];
    let expected = stale(&repo, &["--no-cache"], &env).stdout;
    stale(&repo, &[], &env);
    let file = cache_files(dir.path()).pop().unwrap();
    for damage in [
        &b"{\"format\": 1, \"truncated"[..],
        b"\x00\xff not json",
        b"{\"format\":1,\"docsteward\":\"x\"}",
    ] {
        std::fs::write(&file, damage).unwrap();
        let out = stale(&repo, &[], &env);
        assert_eq!(out.stdout, expected);
        assert!(
            out.stderr.starts_with("note: history cache") && out.stderr.contains("not used"),
            "{}",
            out.stderr
        );
        // Written again whole: the next run reads it without a word.
        let next = stale(&repo, &[], &env);
        assert_eq!(next.stdout, expected);
        assert_eq!(next.stderr, "");
    }
    // A file that is valid but wrong (a chain naming a commit that is not in the table)
    // is not half read either.
    let text = std::fs::read_to_string(&file).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["commits"] = serde_json::json!([]);
    std::fs::write(&file, json.to_string()).unwrap();
    let out = stale(&repo, &[], &env);
    assert_eq!(out.stdout, expected);
    assert!(out.stderr.contains("malformed"), "{}", out.stderr);
    // check survives it the same way.
    std::fs::write(&file, "garbage").unwrap();
    let check = run_with_env(repo.root(), &["check", "--format", "json"], &env);
    assert_ne!(check.code, 2, "{}", check.stderr);
    assert!(check.stderr.contains("not used"), "{}", check.stderr);
}

#[cfg(unix)]
#[test]
fn the_cache_is_never_read_or_written_through_a_symbolic_link() {
    let repo = small_repo();
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let env = [("DOCSTEWARD_CACHE_DIR", dir.path().to_str().unwrap())];
    let expected = stale(&repo, &["--no-cache"], &env).stdout;
    stale(&repo, &[], &env);
    let file = cache_files(dir.path()).pop().unwrap();
    let victim = outside.path().join("victim");
    std::fs::write(&victim, "keep").unwrap();
    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink(&victim, &file).unwrap();
    let out = stale(&repo, &[], &env);
    assert_eq!(out.stdout, expected);
    assert!(out.stderr.contains("not written"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
}

#[test]
fn everything_besides_the_commits_that_decides_an_answer_is_in_the_key() {
    let h = History::new();
    let repo = Repo::discover(&h.path).unwrap();
    let none = ignore(&HashSet::new());
    let base = repo.history_key(&none);
    assert_eq!(base, repo.history_key(&ignore(&HashSet::new())));
    let mailmap = Ignore {
        mailmap: Some("Ann <ann@example.com> <old@example.com>\n".to_owned()),
        ..ignore(&HashSet::new())
    };
    let revs = ignore(&HashSet::from([h.head()]));
    let authors = Ignore {
        author_key: "*[bot]".to_owned(),
        ..ignore(&HashSet::new())
    };
    for other in [&mailmap, &revs, &authors] {
        let key = repo.history_key(other);
        assert_ne!(key.settings, base.settings);
        assert_eq!(key.file_stem, base.file_stem, "one file per repository");
    }
}

#[test]
fn a_shallow_clone_deepened_since_is_walked_again() {
    let repo = small_repo();
    for day in 30..34 {
        repo.write(&format!("docs/n{day}.md"), "# N\n");
        repo.commit_at("more", T0 + day * DAY, "Dan", &[]);
    }
    let (_guard, clone) = repo.shallow_clone();
    let dir = tempfile::tempdir().unwrap();
    let env = [("DOCSTEWARD_CACHE_DIR", dir.path().to_str().unwrap())];
    let run = |extra: &[&str]| {
        let mut args = vec![
            "stale",
            "--format",
            "json",
            "--as-of",
            "2023-06-01",
            "--allow-shallow",
        ];
        args.extend_from_slice(extra);
        let out = run_with_env(&clone, &args, &env);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let shallow = run(&["--no-cache"]);
    assert_eq!(run(&[]), shallow);
    assert_eq!(run(&[]), shallow, "read from the cache");
    // A fetch moves the boundary: what was "at least" is now known, cache or not.
    let status = std::process::Command::new("git")
        .args(["fetch", "--quiet", "--deepen", "3"])
        .current_dir(&clone)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .unwrap();
    assert!(status.success());
    let deeper = run(&["--no-cache"]);
    assert_ne!(deeper, shallow);
    assert_eq!(run(&[]), deeper);
}
