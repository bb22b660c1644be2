//! The parse cache: a run that takes its parses from the cache reports exactly what a run
//! that parses everything reports, through edits, renames, the staged index and the
//! staleness report; a damaged cache costs a notice; the cache is never written through a
//! symbolic link.

mod common;

use std::path::{Path, PathBuf};

use common::{run_with_env, TestRepo};

fn parse_files(dir: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(dir.join("parse")) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

/// `args` run with the cache in `dir`, and with no cache: their outputs and exit codes must
/// be the same. Returns the cached run's standard error. The run cache, which answers a check
/// of an unchanged work tree without parsing anything (see `tests/run_cache.rs`), is
/// removed first: here every run parses, from the parse cache.
fn same_as_uncached(repo: &TestRepo, dir: &Path, args: &[&str]) -> String {
    let _ = std::fs::remove_dir_all(dir.join("runs"));
    let env = [("DOCSTEWARD_CACHE_DIR", dir.to_str().unwrap())];
    let cached = run_with_env(repo.root(), args, &env);
    let mut plain = args.to_vec();
    plain.push("--no-cache");
    let uncached = run_with_env(repo.root(), &plain, &env);
    assert!(cached.code < 2, "{args:?}: {}", cached.stderr);
    assert_eq!(cached.stdout, uncached.stdout, "{args:?}");
    assert_eq!(cached.code, uncached.code, "{args:?}");
    cached.stderr
}

const CHECK: &[&str] = &["check", "--format", "json", "--as-of", "2024-01-01"];

#[test]
fn a_run_from_the_cache_reports_what_parsing_everything_reports() {
    let repo = TestRepo::new();
    repo.copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/handbook"))
        .commit("handbook");
    let dir = tempfile::tempdir().unwrap();
    // Cold: every document parsed, the cache written.
    assert_eq!(same_as_uncached(&repo, dir.path(), CHECK), "");
    let files = parse_files(dir.path());
    assert_eq!(files.len(), 1, "{files:?}");
    let written = std::fs::read(&files[0]).unwrap();
    // Warm: nothing parsed, nothing written.
    assert_eq!(same_as_uncached(&repo, dir.path(), CHECK), "");
    assert_eq!(
        std::fs::read(&files[0]).unwrap(),
        written,
        "a warm run rewrote the cache"
    );

    // An edit that breaks a link and a heading, a renamed document, and the same bytes
    // under an MDX name (parsed differently).
    let glossary = repo.path("glossary");
    let term = std::fs::read_dir(&glossary)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .unwrap();
    let text = std::fs::read_to_string(&term).unwrap();
    repo.write(
        "glossary/edited.md",
        text.replace("# ", "## Renamed ") + "\n[gone](nowhere.md#x)\n",
    );
    std::fs::rename(&term, glossary.join("moved.md")).unwrap();
    repo.write("notes/same.mdx", &text)
        .write("notes/same.md", &text);
    assert_eq!(same_as_uncached(&repo, dir.path(), CHECK), "");
    assert_ne!(std::fs::read(&files[0]).unwrap(), written);
    // What a commit and the staged index see.
    repo.commit("edits");
    assert_eq!(same_as_uncached(&repo, dir.path(), CHECK), "");
    repo.write(
        "articles/staged.md",
        "# Staged\n\n[x](../glossary/moved.md#nope)\n",
    );
    let mut index = repo.git().index().unwrap();
    index.add_path(Path::new("articles/staged.md")).unwrap();
    index.write().unwrap();
    let mut staged = CHECK.to_vec();
    staged.push("--staged");
    same_as_uncached(&repo, dir.path(), &staged);
    let mut rev = CHECK.to_vec();
    rev.extend(["--rev", "HEAD~1"]);
    same_as_uncached(&repo, dir.path(), &rev);
    // The staleness report reads titles through the same cache.
    same_as_uncached(
        &repo,
        dir.path(),
        &["stale", "--format", "json", "--as-of", "2024-01-01"],
    );
}

#[test]
fn a_damaged_cache_costs_a_notice_and_is_written_again() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n\n[b](b.md#part) [gone](gone.md)\n")
        .write("b.md", "---\nterm: B\n---\n# B\n\n## Part\n")
        .commit("base");
    let dir = tempfile::tempdir().unwrap();
    same_as_uncached(&repo, dir.path(), CHECK);
    let file = parse_files(dir.path()).pop().unwrap();
    let good = std::fs::read(&file).unwrap();
    let mut flipped = good.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    for damage in [
        &b""[..],
        b"dsparse\n\x00\x00",
        &good[..good.len() / 2],
        &flipped,
    ] {
        std::fs::write(&file, damage).unwrap();
        let stderr = same_as_uncached(&repo, dir.path(), CHECK);
        assert!(
            stderr.starts_with("note: parse cache") && stderr.contains("not used"),
            "{stderr}"
        );
        // Written again whole: the next run reads it without a word.
        assert_eq!(same_as_uncached(&repo, dir.path(), CHECK), "");
    }
    // A folder where the file should be: a notice, never an error.
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir(&file).unwrap();
    let stderr = same_as_uncached(&repo, dir.path(), CHECK);
    assert!(stderr.contains("parse cache"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn the_cache_is_never_written_through_a_symbolic_link() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n").commit("base");
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    same_as_uncached(&repo, dir.path(), CHECK);
    let file = parse_files(dir.path()).pop().unwrap();
    let victim = outside.path().join("victim");
    std::fs::write(&victim, "keep").unwrap();
    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink(&victim, &file).unwrap();
    let stderr = same_as_uncached(&repo, dir.path(), CHECK);
    assert!(stderr.contains("not written"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    // The folder itself a link: not followed either.
    std::fs::remove_file(&file).unwrap();
    std::fs::remove_dir(dir.path().join("parse")).unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("parse")).unwrap();
    let stderr = same_as_uncached(&repo, dir.path(), CHECK);
    assert!(stderr.contains("not written"), "{stderr}");
    assert_eq!(
        std::fs::read_dir(outside.path()).unwrap().count(),
        1,
        "written into the linked folder"
    );
}

#[test]
fn a_file_rewritten_behind_its_stat_data_is_parsed_anew() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n\n[b](b.md#one)\n")
        .write("b.md", "# B\n\n## One\n");
    // Written well before the index, so that the index's stat data is trusted (an entry as
    // new as the index is hashed whatever its stat data says).
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let set_modified = |file: &Path| {
        std::fs::File::options()
            .write(true)
            .open(file)
            .unwrap()
            .set_modified(past)
            .unwrap();
    };
    set_modified(&repo.path("a.md"));
    set_modified(&repo.path("b.md"));
    repo.commit("base");
    let dir = tempfile::tempdir().unwrap();
    same_as_uncached(&repo, dir.path(), CHECK);
    // The same size, and the modification time set back to what the index recorded: only
    // the inode's change time still tells.
    std::fs::write(repo.path("b.md"), "# B\n\n## Two\n").unwrap();
    set_modified(&repo.path("b.md"));
    let env = [("DOCSTEWARD_CACHE_DIR", dir.path().to_str().unwrap())];
    let out = run_with_env(repo.root(), CHECK, &env);
    assert!(
        out.stdout.contains("links/missing-anchor"),
        "{}",
        out.stdout
    );
    same_as_uncached(&repo, dir.path(), CHECK);
}

#[test]
fn a_run_over_a_few_documents_keeps_what_the_others_left() {
    let repo = TestRepo::new();
    // Terms are defined in the glossary only: a run on one article reads that article and
    // the glossary, not the other articles.
    repo.write(
        "docsteward.toml",
        "[terms]\ndefined-by = [\"glossary/*.md\"]\n",
    )
    .write("glossary/term.md", "---\nterm: Term\n---\n# Term\n");
    for i in 0..12 {
        repo.write(
            &format!("articles/doc-{i:02}.md"),
            format!("# Doc {i}\n\n[next](doc-{:02}.md)\n", (i + 1) % 12),
        );
    }
    repo.commit("base");
    let dir = tempfile::tempdir().unwrap();
    same_as_uncached(&repo, dir.path(), CHECK);
    // A hook's run: one edited document, named.
    repo.write(
        "articles/doc-03.md",
        "# Doc 3\n\n[next](doc-04.md) [gone](gone.md)\n",
    );
    let mut one = CHECK.to_vec();
    one.push("articles/doc-03.md");
    same_as_uncached(&repo, dir.path(), &one);
    // The whole knowledge base again: every parse is still in the cache, nothing written.
    let file = parse_files(dir.path()).pop().unwrap();
    let before = std::fs::read(&file).unwrap();
    same_as_uncached(&repo, dir.path(), CHECK);
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "the run on one document dropped the others' entries"
    );
}
