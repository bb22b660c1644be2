//! Snapshot modes: the staged index, a revision's tree (also in a bare repository), and
//! change-scoped runs that widen to documents a change broke; and that no mode writes to the
//! repository.

mod common;

use std::path::Path;

use common::{f, TestRepo};

/// Every file under the work tree and `.git/index`, with contents: what must not change.
fn state(root: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if rel == ".git" {
                out.push((
                    ".git/index".into(),
                    std::fs::read(p.join("index")).unwrap_or_default(),
                ));
            } else if p.is_dir() {
                walk(&p, root, out);
            } else {
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// Stages `path` with `contents` in the index only (the work tree keeps what it has).
fn stage(repo: &TestRepo, path: &str, contents: &str) {
    let git = repo.git();
    let oid = git.blob(contents.as_bytes()).unwrap();
    let mut index = git.index().unwrap();
    index
        .add(&common::index_entry(path, oid, contents.len()))
        .unwrap();
    index.write().unwrap();
}

/// Sets the modification time of the work tree's `file`.
fn set_modified(repo: &TestRepo, file: &str, time: std::time::SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(repo.path(file))
        .unwrap()
        .set_modified(time)
        .unwrap();
}

/// Each document's last change date as `stale` reports it (null: uncommitted changes).
fn last_change_dates(repo: &TestRepo) -> Vec<(String, serde_json::Value)> {
    let out = repo.run(&["stale", "--format", "json", "--as-of", "2024-06-01"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.json()["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let date = d["last_change"]["date"].clone();
            (d["path"].as_str().unwrap().to_owned(), date)
        })
        .collect()
}

#[test]
fn staged_defect_is_found_even_when_the_work_tree_fixed_it() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n")
        .write("b.md", "# B\n")
        .commit("base");
    stage(&repo, "a.md", "# A\n\n[broken](missing.md)\n");
    // The work tree has a fix that is not staged.
    repo.write("a.md", "# A\n\n[fine](b.md)\n");
    let out = repo.check_json(&["--staged"]);
    assert_eq!(out.findings(), [f("links/missing-file", "a.md", 3, 10)]);
    assert_eq!(
        out.json()["summary"]["documents"],
        1,
        "only the staged change is in scope"
    );
    assert!(
        repo.check_json(&[]).findings().is_empty(),
        "the work tree is clean"
    );
}

#[test]
fn work_tree_defect_that_is_not_staged_does_not_fail_the_commit() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n")
        .write("b.md", "# B\n")
        .commit("base");
    stage(&repo, "a.md", "# A\n\n[fine](b.md)\n");
    repo.write("a.md", "# A\n\n[broken](missing.md)\n");
    assert!(repo.check_json(&["--staged"]).findings().is_empty());
    assert_eq!(
        repo.check_json(&[]).findings(),
        [f("links/missing-file", "a.md", 3, 10)]
    );
}

#[test]
fn staged_link_to_an_unstaged_file_says_to_add_it() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n").commit("base");
    stage(&repo, "a.md", "# A\n\n![Diagram](diagram.png)\n");
    repo.write("diagram.png", b"\x89PNG");
    let out = repo.check_json(&["--staged"]);
    let d = &common::diagnostics(&out.json())[0].clone();
    assert_eq!(d["rule"], "links/missing-file");
    assert_eq!(
        d["help"],
        "exists in the work tree but is not staged: git add diagram.png"
    );
}

#[test]
fn staged_scope_before_the_first_commit_is_everything_staged() {
    let repo = TestRepo::new();
    stage(&repo, "a.md", "# A\n\n[x](missing.md)\n");
    stage(&repo, "b.md", "# B\n");
    let out = repo.check_json(&["--staged"]);
    assert_eq!(out.findings(), [f("links/missing-file", "a.md", 3, 5)]);
    assert_eq!(out.json()["summary"]["documents"], 2);
}

#[test]
fn a_scoped_staged_run_still_resolves_anchors_and_terms_in_unchanged_documents() {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[terms]\nreference-keys = [\"relatedTerms\"]\n",
    );
    repo.write(
        "glossary/tacit.md",
        "---\nterm: Tacit\n---\n# Tacit\n\n## Three elements\n",
    );
    repo.write(
        "glossary/cop.md",
        "---\nterm: CoP\nrelatedTerms: [tacit]\n---\n# CoP\n",
    );
    repo.commit("base");
    stage(
        &repo,
        "glossary/cop.md",
        "---\nterm: CoP\nrelatedTerms: [tacit, nowhere]\n---\n# CoP\n\nSee [elements](tacit.md#three-elements) and [none](tacit.md#four).\n",
    );
    let out = repo.check_json(&["--staged"]);
    assert_eq!(
        out.findings(),
        [
            f("terms/unknown", "glossary/cop.md", 3, 23),
            f("links/missing-anchor", "glossary/cop.md", 7, 60)
        ]
    );
}

/// A scoped run parses the front matter of the documents it does not report only when the
/// block's text holds a key the index reads (`term`, `slug`, a reference or link key) or a
/// backslash; every way of spelling such a key must still count.
#[test]
fn a_scoped_run_finds_terms_defined_in_any_spelling_of_the_key() {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[terms]\nreference-keys = [\"relatedTerms\"]\n",
    );
    repo.write("glossary/plain.md", "---\nterm: Plain\n---\n# Plain\n")
        // An escape that spells `term` without the word.
        .write(
            "glossary/escaped.md",
            "---\n\"\\x74erm\": Escaped\n---\n# Escaped\n",
        )
        .write(
            "glossary/toml.md",
            "+++\n\"te\\u0072m\" = \"Toml\"\n+++\n# Toml\n",
        )
        .write(
            "glossary/slugged.md",
            "---\nterm: Slugged\nslug: by-slug\n---\n# Slugged\n",
        )
        .write(
            "notes/other.md",
            "---\ntitle: No terms here\n---\n# Other\n",
        );
    repo.commit("base");
    stage(
        &repo,
        "article.md",
        "---\nrelatedTerms: [plain, escaped, toml, by-slug, slugged, other, nowhere]\n---\n# A\n",
    );
    let out = repo.check_json(&["--staged"]);
    let unknown: Vec<String> = out.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "terms/unknown")
        .map(|d| d["message"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(unknown.len(), 3, "{unknown:?}");
    for (slug, message) in ["slugged", "other", "nowhere"].iter().zip(&unknown) {
        assert!(message.contains(&format!("`{slug}`")), "{message}");
    }
}

#[test]
fn rev_checks_a_revision_even_in_a_bare_repository() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n\n[x](gone.md)\n")
        .write("gone.md", "# Gone\n")
        .commit("first");
    std::fs::remove_file(repo.path("gone.md")).unwrap();
    repo.commit_at("delete", 1_700_000_100, "Test", &[]);
    assert!(repo.check_json(&["--rev", "HEAD~1"]).findings().is_empty());
    assert_eq!(
        repo.check_json(&["--rev", "HEAD"]).findings(),
        [f("links/missing-file", "a.md", 3, 5)]
    );

    // A bare clone made with git2: no work tree at all.
    let bare_dir = tempfile::tempdir().unwrap();
    let bare = git2::Repository::init_bare(bare_dir.path()).unwrap();
    let mut remote = repo
        .git()
        .remote_anonymous(bare_dir.path().to_str().unwrap())
        .unwrap();
    let head = repo.git().head().unwrap().name().unwrap().to_owned();
    remote.push(&[format!("{head}:{head}")], None).unwrap();
    bare.set_head(&head).unwrap();
    let out = common::run_in(
        bare_dir.path(),
        &["check", "--rev", "HEAD", "--format", "json"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.findings(), [f("links/missing-file", "a.md", 3, 5)]);
    let out = common::run_in(bare_dir.path(), &["check"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("bare repository") && out.stderr.contains("--rev"),
        "{}",
        out.stderr
    );
}

/// A base commit with a glossary and an article that links into it.
fn base_repo() -> (TestRepo, String) {
    let repo = TestRepo::new();
    repo.write(
        "glossary/tacit.md",
        "---\nterm: Tacit\n---\n# Tacit\n\n## Three elements\n",
    );
    repo.write(
        "glossary/cop.md",
        "---\nterm: CoP\nrelatedTerms: [tacit]\n---\n# CoP\n",
    );
    repo.write(
        "articles/intro.md",
        "# Intro\n\nSee [tacit](../glossary/tacit.md#three-elements).\n",
    );
    repo.write("articles/other.md", "# Other\n\n[broken](nowhere.md)\n");
    let base = repo.commit_at("base", 1_700_000_000, "Test", &[]);
    (repo, base.to_string())
}

#[test]
fn changed_since_reports_changed_documents_only() {
    let (repo, base) = base_repo();
    repo.write("articles/new.md", "# New\n\n[x](missing.md)\n");
    repo.commit_at("add", 1_700_000_100, "Test", &[]);
    let out = repo.check_json(&["--changed-since", &base]);
    // articles/other.md's old defect is outside the change.
    assert_eq!(
        out.findings(),
        [f("links/missing-file", "articles/new.md", 3, 5)]
    );
}

#[test]
fn changed_since_widens_to_links_broken_by_a_rename_or_delete() {
    let (repo, base) = base_repo();
    std::fs::rename(
        repo.path("glossary/tacit.md"),
        repo.path("glossary/tacit-knowledge.md"),
    )
    .unwrap();
    repo.commit_at("rename", 1_700_000_100, "Test", &[]);
    let out = repo.check_json(&["--changed-since", &base]);
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "articles/intro.md", 3, 13),
            f("terms/unknown", "glossary/cop.md", 3, 16)
        ]
    );
}

#[test]
fn changed_since_widens_to_anchors_broken_by_a_renamed_heading() {
    let (repo, base) = base_repo();
    repo.write(
        "glossary/tacit.md",
        "---\nterm: Tacit\n---\n# Tacit\n\n## The three elements\n",
    );
    repo.commit_at("heading", 1_700_000_100, "Test", &[]);
    let out = repo.check_json(&["--changed-since", &base]);
    assert_eq!(
        out.findings(),
        [f("links/missing-anchor", "articles/intro.md", 3, 33)]
    );
}

#[test]
fn changed_since_combines_with_staged_and_rev() {
    let (repo, base) = base_repo();
    stage(
        &repo,
        "glossary/cop.md",
        "---\nterm: CoP\nrelatedTerms: [tacit, ghost]\n---\n# CoP\n",
    );
    let out = repo.check_json(&["--staged", "--changed-since", &base]);
    assert_eq!(
        out.findings(),
        [f("terms/unknown", "glossary/cop.md", 3, 23)]
    );
    assert!(repo
        .check_json(&["--rev", "HEAD", "--changed-since", &base])
        .findings()
        .is_empty());
    let out = repo.check_json(&["--changed-since", "no-such-branch"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no-such-branch"), "{}", out.stderr);
}

/// Stages the removal of `path` from the index (the work tree keeps it).
fn unstage(repo: &TestRepo, path: &str) {
    let mut index = repo.git().index().unwrap();
    index.remove_path(Path::new(path)).unwrap();
    index.write().unwrap();
}

#[test]
fn staged_widens_to_documents_the_commit_breaks() {
    let (repo, _) = base_repo();
    let text = std::fs::read_to_string(repo.path("glossary/tacit.md")).unwrap();
    unstage(&repo, "glossary/tacit.md");
    stage(&repo, "glossary/tacit-knowledge.md", &text);
    let out = repo.check_json(&["--staged"]);
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "articles/intro.md", 3, 13),
            f("terms/unknown", "glossary/cop.md", 3, 16)
        ]
    );
    // Unchanged documents that the commit does not break stay out of the report.
    assert_eq!(out.json()["summary"]["documents"], 3);
    // Years later, the documents it breaks are reported for what it broke, not for their
    // age: the commit did not make them stale, and judging it would read their history.
    let later = repo.check_json(&["--staged", "--as-of", "2030-01-01"]);
    assert_eq!(later.findings(), out.findings());
}

#[test]
fn staged_paths_scope_the_report_and_the_widening_still_applies() {
    let (repo, _) = base_repo();
    repo.write("docsteward.toml", "exclude = [\"vendor/**\"]\n")
        .write("vendor/notes.md", "# Vendored\n\n[x](missing.md)\n");
    repo.commit_at("vendor", 1_700_000_050, "Test", &[]);
    unstage(&repo, "glossary/tacit.md");
    // A hook names the files it was given: the knowledge base's documents among them are
    // reported (a file the configuration excludes is not one), and so is whatever the
    // staged change breaks.
    let out = repo.check_json(&["--staged", "articles/other.md", "vendor/notes.md"]);
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "articles/intro.md", 3, 13),
            f("links/missing-file", "articles/other.md", 3, 10),
            f("terms/unknown", "glossary/cop.md", 3, 16)
        ]
    );
    // Named without --staged, a file is checked as given.
    assert_eq!(
        repo.check_json(&["vendor/notes.md"]).findings(),
        [f("links/missing-file", "vendor/notes.md", 3, 5)]
    );
}

#[test]
fn a_reference_already_broken_is_not_the_changes_doing() {
    let (repo, base) = base_repo();
    repo.write(
        "articles/intro.md",
        "# Intro\n\nSee [tacit](../glossary/tacit.md#three-elements) and [four](../glossary/tacit.md#four).\n",
    );
    repo.commit_at("a broken anchor", 1_700_000_050, "Test", &[]);
    let base2 = repo.git().head().unwrap().peel_to_commit().unwrap().id();
    // An edit to the linked document that keeps its headings.
    repo.write(
        "glossary/tacit.md",
        "---\nterm: Tacit\n---\n# Tacit\n\nMore text.\n\n## Three elements\n",
    );
    repo.commit_at("edit", 1_700_000_100, "Test", &[]);
    let out = repo.check_json(&["--changed-since", &base2.to_string()]);
    assert!(out.findings().is_empty(), "{}", out.stdout);
    assert_eq!(out.json()["summary"]["documents"], 1);
    // Against the first base, intro.md changed too, and reports its own defect.
    let out = repo.check_json(&["--changed-since", &base]);
    assert_eq!(
        out.findings(),
        [f("links/missing-anchor", "articles/intro.md", 3, 81)]
    );
}

#[test]
fn changed_since_widens_to_links_into_an_emptied_folder_and_to_renamed_slugs() {
    let repo = TestRepo::new();
    repo.write(
        "glossary/tacit.md",
        "---\nterm: Tacit\nslug: tk\n---\n# Tacit\n",
    )
    .write("notes/a.md", "# A\n")
    .write(
        "index.md",
        "---\nrelatedTerms: [tk]\n---\n# Index\n\nSee [the notes](notes/).\n",
    );
    let base = repo.commit_at("base", 1_700_000_000, "Test", &[]);
    std::fs::remove_dir_all(repo.path("notes")).unwrap();
    repo.write(
        "glossary/tacit.md",
        "---\nterm: Tacit\nslug: tacit\n---\n# Tacit\n",
    );
    repo.commit_at("change", 1_700_000_100, "Test", &[]);
    let out = repo.check_json(&["--changed-since", &base.to_string()]);
    assert_eq!(
        out.findings(),
        [
            f("terms/unknown", "index.md", 2, 16),
            f("links/missing-file", "index.md", 6, 17)
        ]
    );
}

#[test]
fn no_mode_writes_to_the_repository() {
    let (repo, base) = base_repo();
    stage(&repo, "articles/intro.md", "# Intro\n\nStaged.\n");
    repo.write("articles/other.md", "# Other\n\nIn the work tree only.\n");
    repo.write("untracked.md", "# Untracked\n");
    let before = state(repo.root());
    for args in [
        vec!["check"],
        vec!["check", "--staged"],
        vec!["check", "--rev", "HEAD"],
        vec!["check", "--changed-since", base.as_str()],
        vec!["check", "--staged", "--changed-since", base.as_str()],
        vec!["check", "--format", "sarif"],
        vec!["stale", "--format", "html"],
        vec!["rules"],
    ] {
        let out = repo.run(&args);
        assert!(out.code <= 1, "{args:?}: {}", out.stderr);
        assert_eq!(
            state(repo.root()),
            before,
            "{args:?} changed the repository"
        );
    }
}

#[test]
fn a_work_tree_whose_every_file_looks_touched_is_read_as_it_is() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n\n[b](b.md) [c](c.md) [gone](gone.md)\n")
        .write("b.md", "# B\n")
        .write("gone.md", "# Gone\n")
        .commit("base");
    repo.write("b.md", "# B\n\n[a](a.md#nowhere)\n");
    std::fs::remove_file(repo.path("gone.md")).unwrap();
    repo.write("c.md", "# C\n");
    // Every file's stat data now differs from what the index holds (as after a copy of the
    // repository, or `touch`): git would hash each file to learn whether it changed.
    let later = std::time::UNIX_EPOCH + std::time::Duration::from_secs(4_000_000_000);
    for file in ["a.md", "b.md", "c.md"] {
        set_modified(&repo, file, later);
    }
    let before = state(repo.root());
    for _ in 0..2 {
        let out = repo.check_json(&[]);
        assert_eq!(
            out.findings(),
            [
                f("links/untracked", "a.md", 3, 15),
                f("links/missing-file", "a.md", 3, 28),
                f("links/missing-anchor", "b.md", 3, 9),
            ],
            "{}",
            out.stderr
        );
        assert_eq!(state(repo.root()), before, "the index was written");
    }
    // Age: the touched file is as old as its commit; the edited one and the new one have
    // uncommitted changes (no last commit: as fresh as the day of the report).
    assert_eq!(
        last_change_dates(&repo),
        [
            ("a.md".to_owned(), serde_json::json!("2023-11-14")),
            ("b.md".to_owned(), serde_json::Value::Null),
            ("c.md".to_owned(), serde_json::Value::Null),
        ]
    );
}

#[test]
fn a_file_rewritten_behind_its_stat_data_has_uncommitted_changes() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n").write("b.md", "# B\n");
    // Written well before the index, so that the index's stat data is trusted (an entry as
    // new as the index is hashed whatever its stat data says).
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    set_modified(&repo, "a.md", past);
    set_modified(&repo, "b.md", past);
    repo.commit("base");
    let committed = serde_json::json!("2023-11-14");
    assert_eq!(
        last_change_dates(&repo),
        [
            ("a.md".to_owned(), committed.clone()),
            ("b.md".to_owned(), committed.clone())
        ]
    );
    // The same size, and the modification time set back to what the index recorded: only
    // the inode's change time tells that the file is no longer what was committed.
    std::fs::write(repo.path("b.md"), "# C\n").unwrap();
    set_modified(&repo, "b.md", past);
    assert_eq!(
        last_change_dates(&repo),
        [
            ("a.md".to_owned(), committed),
            ("b.md".to_owned(), serde_json::Value::Null)
        ]
    );
}
