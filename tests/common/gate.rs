//! Commits that break references held elsewhere (a rename, a deletion, a case-only rename,
//! a renamed heading, a deleted term definition), made with `git commit` through a hook: git2
//! does not run hooks, so `git` (and the pre-commit framework) are the oracles of how a hook
//! is invoked. The repositories are built and staged with git2; only the commits are made by
//! git, with a pinned identity and dates.

use std::path::Path;
use std::process::{Command, Output};

use super::TestRepo;

/// A knowledge base whose index links to a file, a heading, a file named in capitals and an
/// image, and whose glossary relates one term to another.
pub fn knowledge_base() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        "docs/index.md",
        "# Index\n\nStart [here](getting-started.md#install), read the [guide](Guide.md).\n\n![The flow](images/diagram.png)\n",
    )
    .write("docs/getting-started.md", "# Getting started\n\n## Install\n")
    .write("docs/Guide.md", "# Guide\n")
    .write("docs/images/diagram.png", [0x89u8, b'P', b'N', b'G'])
    .write("glossary/tacit.md", "---\nterm: Tacit\n---\n# Tacit\n")
    .write(
        "glossary/cop.md",
        "---\nterm: CoP\nrelatedTerms: [tacit]\n---\n# CoP\n",
    );
    repo
}

/// A change to stage: what it does to the work tree and the index, and the finding (rule and
/// the untouched document it lands in) that must stop the commit.
pub struct Breaking {
    pub name: &'static str,
    pub apply: fn(&TestRepo),
    pub rule: &'static str,
    pub path: &'static str,
}

pub const BREAKING: [Breaking; 5] = [
    Breaking {
        name: "rename",
        apply: |repo| rename(repo, "docs/getting-started.md", "docs/start.md"),
        rule: "links/missing-file",
        path: "docs/index.md",
    },
    Breaking {
        name: "deleted image",
        apply: |repo| remove(repo, "docs/images/diagram.png"),
        rule: "links/missing-file",
        path: "docs/index.md",
    },
    Breaking {
        name: "case-only rename",
        apply: |repo| rename(repo, "docs/Guide.md", "docs/guide.md"),
        rule: "links/case-mismatch",
        path: "docs/index.md",
    },
    Breaking {
        name: "renamed heading",
        apply: |repo| {
            edit(
                repo,
                "docs/getting-started.md",
                "# Getting started\n\n## Installation\n",
            )
        },
        rule: "links/missing-anchor",
        path: "docs/index.md",
    },
    Breaking {
        name: "deleted term definition",
        apply: |repo| {
            edit(
                repo,
                "glossary/tacit.md",
                "---\ntitle: Tacit\n---\n# Tacit\n",
            )
        },
        rule: "terms/unknown",
        path: "glossary/cop.md",
    },
];

pub fn stage(repo: &TestRepo, add: &[&str], remove: &[&str]) {
    let mut index = repo.git().index().unwrap();
    for path in remove {
        index.remove_path(Path::new(path)).unwrap();
    }
    for path in add {
        index.add_path(Path::new(path)).unwrap();
    }
    index.write().unwrap();
}

pub fn rename(repo: &TestRepo, from: &str, to: &str) {
    std::fs::rename(repo.path(from), repo.path(to)).unwrap();
    stage(repo, &[to], &[from]);
}

pub fn remove(repo: &TestRepo, path: &str) {
    std::fs::remove_file(repo.path(path)).unwrap();
    stage(repo, &[], &[path]);
}

pub fn edit(repo: &TestRepo, path: &str, text: &str) {
    repo.write(path, text);
    stage(repo, &[path], &[]);
}

/// An edit that breaks nothing: a new paragraph in a document nobody links into by anchor.
pub fn unrelated(repo: &TestRepo) {
    edit(repo, "docs/Guide.md", "# Guide\n\nOne more paragraph.\n");
}

/// Runs `program` in `dir` as git would be run by a person: identity, dates and
/// configuration pinned, the binary under test on `PATH`, pre-commit's cache in `cache`.
pub fn run(dir: &Path, program: &str, args: &[&str], cache: &Path) -> Output {
    run_with(dir, program, args, cache, &[])
}

/// [`run`] with extra environment variables (pip's, say).
pub fn run_with(
    dir: &Path,
    program: &str,
    args: &[&str],
    cache: &Path,
    env: &[(&str, &std::ffi::OsStr)],
) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("PATH", super::path_with_binary())
        .env("DOCSTEWARD_CACHE_DIR", super::cache_dir())
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_AUTHOR_DATE", "2023-11-14T22:13:20Z")
        .env("GIT_COMMITTER_DATE", "2023-11-14T22:13:20Z")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("PRE_COMMIT_HOME", cache)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"))
}

pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn head(repo: &TestRepo) -> git2::Oid {
    repo.git().head().unwrap().peel_to_commit().unwrap().id()
}

/// Builds the knowledge base, lets `install` set up a hook in it, and commits each breaking
/// change (each in a fresh repository): every one must be refused, naming the finding, and
/// an unrelated change must go through.
pub fn every_breaking_commit_is_refused(install: &dyn Fn(&TestRepo, &Path)) {
    every_breaking_commit_is_refused_with(install, &[]);
}

/// [`every_breaking_commit_is_refused`] with extra environment variables for `git commit`.
pub fn every_breaking_commit_is_refused_with(
    install: &dyn Fn(&TestRepo, &Path),
    env: &[(&str, &std::ffi::OsStr)],
) {
    let cache = tempfile::tempdir().unwrap();
    for case in &BREAKING {
        let repo = knowledge_base();
        repo.commit("base");
        install(&repo, cache.path());
        let before = head(&repo);
        (case.apply)(&repo);
        let out = run_with(
            repo.root(),
            "git",
            &["commit", "-m", case.name],
            cache.path(),
            env,
        );
        let shown = text(&out);
        assert!(
            !out.status.success(),
            "{}: the commit went through:\n{shown}",
            case.name
        );
        assert_eq!(head(&repo), before, "{}", case.name);
        assert!(
            shown.contains(case.rule) && shown.contains(case.path),
            "{}: expected {} in {}:\n{shown}",
            case.name,
            case.rule,
            case.path
        );
    }

    let repo = knowledge_base();
    repo.commit("base");
    install(&repo, cache.path());
    let before = head(&repo);
    unrelated(&repo);
    let out = run_with(
        repo.root(),
        "git",
        &["commit", "-m", "unrelated"],
        cache.path(),
        env,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_ne!(head(&repo), before);
}
