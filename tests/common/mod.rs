//! Builds real git repositories in a temporary folder (with git2; the `git` command only
//! for what git2 cannot do: a shallow clone, and in [`gate`] the commits that hooks guard)
//! and runs the built `docsteward` binary in them.

#![allow(dead_code)]

pub mod gate;
pub mod site;

use std::path::{Path, PathBuf};
use std::process::Command;

use git2::{IndexAddOption, Repository, Signature, Time};
use tempfile::TempDir;

/// A small term schema (draft 2020-12) that several test files validate against.
pub const TERM_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["term", "category"],
  "properties": {
    "term": { "type": "string" },
    "category": { "enum": ["concept", "practice", "pattern"] }
  }
}
"#;

/// A git repository in a temporary folder, removed when dropped.
pub struct TestRepo {
    dir: TempDir,
    repo: Repository,
}

/// What a run of the binary produced.
#[derive(Debug)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Output {
    /// The message of a run that stops with exit 2, never a panic and never silently.
    #[allow(dead_code)]
    pub fn failure(&self) -> &str {
        assert_eq!(
            self.code, 2,
            "expected exit 2:\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
        assert!(!self.stderr.trim().is_empty(), "exit 2 without a message");
        &self.stderr
    }

    /// Parses standard output as the JSON report.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// The JSON report's diagnostics as `(rule, path, line, column)`.
    pub fn findings(&self) -> Vec<(String, String, u64, u64)> {
        diagnostics(&self.json())
            .iter()
            .map(|d| {
                (
                    d["rule"].as_str().unwrap().to_owned(),
                    d["path"].as_str().unwrap().to_owned(),
                    d["line"].as_u64().unwrap(),
                    d["column"].as_u64().unwrap(),
                )
            })
            .collect()
    }
}

/// The `diagnostics` array of a JSON report.
pub fn diagnostics(report: &serde_json::Value) -> &Vec<serde_json::Value> {
    report["diagnostics"].as_array().expect("diagnostics array")
}

/// The files under `dir` (recursively) whose extension is `ext`, sorted.
/// `(rule, path, line)` of each `deliberate defect: RULE — why` marker (an HTML comment in
/// Markdown, an MDX comment in MDX) in the files of `root` with one of `extensions`, sorted:
/// the defect is on the line after the marker. Paths are relative to `root`.
#[allow(dead_code)]
pub fn deliberate_defects(root: &Path, extensions: &[&str]) -> Vec<(String, String, u64)> {
    let mut out = Vec::new();
    for ext in extensions {
        for file in files_with_extension(root, ext) {
            let rel = file
                .strip_prefix(root)
                .expect("inside the root")
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&file).expect("read fixture");
            for (i, line) in text.lines().enumerate() {
                if let Some(rest) = line.split("deliberate defect: ").nth(1) {
                    let rule = rest.split_whitespace().next().expect("a rule").to_owned();
                    out.push((rule, rel.clone(), i as u64 + 2));
                }
            }
        }
    }
    out.sort();
    out
}

pub fn files_with_extension(dir: &Path, ext: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read folder") {
            let path = entry.expect("folder entry").path();
            if path.is_dir() {
                walk(&path, ext, out);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, ext, &mut out);
    out.sort();
    out
}

/// `(rule, path, line, column)` tuples written briefly in assertions.
pub fn f(rule: &str, path: &str, line: u64, column: u64) -> (String, String, u64, u64) {
    (rule.to_owned(), path.to_owned(), line, column)
}

impl TestRepo {
    pub fn new() -> TestRepo {
        let dir = tempfile::tempdir().expect("temporary folder");
        let repo = Repository::init(dir.path()).expect("git init");
        TestRepo { dir, repo }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file, creating its folders.
    pub fn write(&self, path: &str, contents: impl AsRef<[u8]>) -> &Self {
        let full = self.path(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        std::fs::write(full, contents).expect("write file");
        self
    }

    /// Writes a copy of the folder `from` (a fixture) into the repository's root.
    pub fn copy_tree(&self, from: &Path) -> &Self {
        fn copy(from: &Path, rel: &str, repo: &TestRepo) {
            for entry in std::fs::read_dir(from.join(rel)).expect("read fixture folder") {
                let entry = entry.expect("fixture entry");
                let name = entry.file_name().into_string().expect("UTF-8 name");
                let child = if rel.is_empty() {
                    name
                } else {
                    format!("{rel}/{name}")
                };
                if entry.file_type().expect("file type").is_dir() {
                    copy(from, &child, repo);
                } else {
                    repo.write(&child, std::fs::read(entry.path()).expect("read fixture"));
                }
            }
        }
        copy(from, "", self);
        self
    }

    /// Adds every file to the index and commits with a pinned signature.
    pub fn commit(&self, message: &str) -> &Self {
        self.commit_at(message, 1_700_000_000, "Test", &[]);
        self
    }

    /// The underlying repository, for branches and merges.
    pub fn git(&self) -> &Repository {
        &self.repo
    }

    /// Stages every change in the work tree (additions, edits and deletions) and commits it
    /// on `HEAD` at `seconds`, by `author`, with `extra_parents` after `HEAD` (a merge).
    pub fn commit_at(
        &self,
        message: &str,
        seconds: i64,
        author: &str,
        extra_parents: &[git2::Oid],
    ) -> git2::Oid {
        let mut index = self.repo.index().expect("index");
        index
            .add_all(["*"], IndexAddOption::DEFAULT, None)
            .expect("add all");
        index.update_all(["*"], None).expect("stage deletions");
        index.write().expect("write index");
        let tree = self
            .repo
            .find_tree(index.write_tree().expect("write tree"))
            .expect("tree");
        let email = format!("{}@example.com", author.to_lowercase().replace(' ', "."));
        let sig = Signature::new(author, &email, &Time::new(seconds, 0)).expect("signature");
        let mut parents: Vec<git2::Commit<'_>> = self
            .repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .into_iter()
            .collect();
        for oid in extra_parents {
            parents.push(self.repo.find_commit(*oid).expect("parent"));
        }
        let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
        self.repo
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .expect("commit")
    }

    /// Creates branch `name` at `at` and checks it out, work tree included.
    pub fn switch_new(&self, name: &str, at: git2::Oid) {
        let commit = self.repo.find_commit(at).expect("commit");
        self.repo.branch(name, &commit, true).expect("branch");
        self.switch(name);
    }

    /// Checks out the existing branch `name`, work tree included.
    pub fn switch(&self, name: &str) {
        self.repo
            .set_head(&format!("refs/heads/{name}"))
            .expect("set HEAD");
        self.repo
            .checkout_head(Some(
                git2::build::CheckoutBuilder::new()
                    .force()
                    .remove_untracked(true),
            ))
            .expect("checkout");
    }

    /// The name of the branch `HEAD` points to.
    pub fn current_branch(&self) -> String {
        self.repo
            .head()
            .expect("HEAD")
            .shorthand()
            .expect("branch name")
            .to_owned()
    }

    /// Runs docsteward with `args` in the repository root.
    pub fn run(&self, args: &[&str]) -> Output {
        run_in(self.root(), args)
    }

    /// Runs docsteward with `args` in `rel`, a folder of the repository.
    pub fn run_at(&self, rel: &str, args: &[&str]) -> Output {
        run_in(&self.path(rel), args)
    }

    /// A clone of this repository at depth 1 (what `actions/checkout` makes by default),
    /// in a temporary folder kept alive by the returned guard. `git` makes it: git2 cannot
    /// make a shallow clone.
    pub fn shallow_clone(&self) -> (TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("temporary folder");
        let clone = dir.path().join("clone");
        let status = Command::new("git")
            .args(["clone", "--quiet", "--depth", "1"])
            .arg(format!("file://{}", self.root().display()))
            .arg(&clone)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .status()
            .expect("git clone");
        assert!(status.success(), "git clone --depth 1");
        assert!(clone.join(".git/shallow").is_file(), "the clone is shallow");
        (dir, clone)
    }

    /// Makes `link` (relative to the root, folders created) a symbolic link to `target`.
    #[allow(dead_code)]
    pub fn symlink(&self, link: &str, target: impl AsRef<Path>) -> &Self {
        let full = self.path(link);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("folders");
        }
        std::os::unix::fs::symlink(target, full).expect("symlink");
        self
    }

    /// The file of the loose object `oid`.
    pub fn loose_object(&self, oid: git2::Oid) -> PathBuf {
        let hex = oid.to_string();
        self.repo
            .path()
            .join("objects")
            .join(&hex[..2])
            .join(&hex[2..])
    }

    /// `check --format json` with extra arguments, in the repository root.
    pub fn check_json(&self, extra: &[&str]) -> Output {
        let mut args = vec!["check", "--format", "json"];
        args.extend_from_slice(extra);
        self.run(&args)
    }
}

impl Default for TestRepo {
    fn default() -> Self {
        TestRepo::new()
    }
}

/// The built binary, to run in `dir` with `args`, in the environment every test runs it in.
pub fn docsteward(dir: &Path, args: &[&str]) -> Command {
    docsteward_at(Path::new(env!("CARGO_BIN_EXE_docsteward")), dir, args)
}

/// [`docsteward`] with another build of it (the wheel's, say) in the same environment.
pub fn docsteward_at(binary: &Path, dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(binary);
    command
        .args(args)
        .current_dir(dir)
        // Tests that run inside GitHub Actions must not write to the real job summary.
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("NO_COLOR", "1")
        // "Today" for staleness is the commits' pinned day, so no test depends on the date.
        .env("SOURCE_DATE_EPOCH", "1700000000")
        // The history cache of the tests' own, never the user's.
        .env("DOCSTEWARD_CACHE_DIR", cache_dir())
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE");
    command
}

/// The history cache folder of every docsteward a test runs: in the build's own temporary
/// folder, never the user's `~/.cache`. Each repository has its own file in it, so the tests
/// of a binary can share it.
pub fn cache_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("docsteward-cache")
}

/// Runs the built binary in `dir` with `NO_COLOR=1` and no git environment leaking in.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    run_with_env(dir, args, &[])
}

/// [`run_in`] with extra environment variables (`GITHUB_STEP_SUMMARY`, say).
pub fn run_with_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let out = docsteward(dir, args)
        .envs(env.iter().copied())
        .output()
        .expect("run docsteward");
    Output {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().expect("exit code"),
    }
}

/// An index entry for a regular file at `path` with the blob `id` of `size` bytes, for
/// staging or building a tree without a work tree.
pub fn index_entry(path: &str, id: git2::Oid, size: usize) -> git2::IndexEntry {
    git2::IndexEntry {
        ctime: git2::IndexTime::new(0, 0),
        mtime: git2::IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0o100644,
        uid: 0,
        gid: 0,
        file_size: size as u32,
        id,
        flags: 0,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    }
}

/// Makes `file` writable: git writes objects and packs read-only, and a test damages them.
pub fn make_writable(file: &Path) {
    let mut perms = std::fs::metadata(file).expect("metadata").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(file, perms).expect("make writable");
}

/// Whether the external command `name` (a validator, pre-commit, actionlint) is on `PATH`.
/// When it is not, a test may skip with a message, but only outside CI: with `CI` set this
/// panics, so that a missing install step cannot pass unnoticed.
pub fn have_tool(name: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()));
    if !found {
        if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
            panic!("`{name}` is not installed, and CI is set: .ci/run should have installed it");
        }
        eprintln!("skipped: `{name}` is not installed (CI installs it; see .ci/run)");
    }
    found
}

/// The folder `.ci/run` builds the docsteward wheel into (with the setuptools wheel the
/// pre-commit hook's package builds with), named by `DOCSTEWARD_WHEELHOUSE`: the wheel is
/// made once per CI run for every test that needs it. Outside CI, without it, tests that need
/// it skip.
pub fn wheelhouse() -> Option<(PathBuf, PathBuf)> {
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    let Some(dir) = std::env::var_os("DOCSTEWARD_WHEELHOUSE").map(PathBuf::from) else {
        assert!(
            !ci,
            "DOCSTEWARD_WHEELHOUSE is not set, and CI is set: .ci/run sets it"
        );
        eprintln!("skipped: no DOCSTEWARD_WHEELHOUSE (CI builds the wheel; see .ci/run)");
        return None;
    };
    let version = env!("CARGO_PKG_VERSION");
    let wheel = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| Some(entry.ok()?.path()))
        .find(|path| {
            path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with(&format!("docsteward-{version}-")) && n.ends_with(".whl")
            })
        })
        .unwrap_or_else(|| panic!("no docsteward-{version} wheel in {}", dir.display()));
    Some((dir, wheel))
}

/// `PATH` with the folder of the binary under test first, as if it were installed: for
/// scripts and hooks that call `docsteward` by name.
pub fn path_with_binary() -> std::ffi::OsString {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_docsteward"))
        .parent()
        .expect("binary folder")
        .to_owned();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(&rest)))
        .expect("PATH")
}

/// The artifact URI of each result of a SARIF log, in order.
pub fn sarif_uris(log: &serde_json::Value) -> Vec<&str> {
    log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .expect("uri")
        })
        .collect()
}

/// [`run_in`], but the binary is killed once it has run for `limit`: `None` then, with how
/// long it ran. For cases that must finish in bounded time, so a regression fails the test
/// instead of hanging the suite.
pub fn run_within(
    dir: &Path,
    args: &[&str],
    limit: std::time::Duration,
) -> (Option<Output>, std::time::Duration) {
    use std::io::Read;
    use std::process::Stdio;
    let start = std::time::Instant::now();
    let mut child = docsteward(dir, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run docsteward");
    // Drain both pipes while waiting, so a large report cannot block the child.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr")));
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let output = Output {
                stdout: stdout.join().expect("stdout thread"),
                stderr: stderr.join().expect("stderr thread"),
                code: status.code().expect("exit code"),
            };
            return (Some(output), start.elapsed());
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return (None, start.elapsed());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// The SARIF Multitool's `validate` output for `file`. It exits 0 even when it reports
/// errors, so callers read the lines (see [`sarif_errors`]).
pub fn sarif_validate(file: &Path) -> String {
    let out = Command::new("sarif-multitool")
        .arg("validate")
        .arg(file)
        .output()
        .expect("run sarif-multitool");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "sarif-multitool failed:\n{text}");
    text
}

/// The error lines of a [`sarif_validate`] report.
pub fn sarif_errors(report: &str) -> Vec<&str> {
    report.lines().filter(|l| l.contains(": error ")).collect()
}

/// Runs actionlint in `dir` on `files` (every workflow of the project when empty) and
/// asserts that it finds nothing.
pub fn actionlint(dir: &Path, files: &[PathBuf]) {
    let out = Command::new("actionlint")
        .arg("-no-color")
        .args(files)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
