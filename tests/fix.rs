//! `check --fix`, `--diff` and `--unsafe-fixes` on real histories: the exact bytes written,
//! nothing else touched, and a second run that changes nothing.

mod common;

use common::TestRepo;

fn rename(repo: &TestRepo, from: &str, to: &str) {
    let to_full = repo.path(to);
    std::fs::create_dir_all(to_full.parent().unwrap()).unwrap();
    std::fs::rename(repo.path(from), to_full).unwrap();
}

fn read(repo: &TestRepo, path: &str) -> Vec<u8> {
    std::fs::read(repo.path(path)).unwrap()
}

/// A second `--fix` writes nothing and reports nothing fixed.
fn assert_idempotent(repo: &TestRepo, paths: &[&str]) {
    let before: Vec<Vec<u8>> = paths.iter().map(|p| read(repo, p)).collect();
    let again = repo.run(&["check", "--fix"]);
    assert!(!again.stderr.contains("fixed "), "{}", again.stderr);
    let after: Vec<Vec<u8>> = paths.iter().map(|p| read(repo, p)).collect();
    assert_eq!(before, after);
    let diff = repo.run(&["check", "--diff"]);
    assert_eq!(diff.stdout, "", "{}", diff.stderr);
}

#[test]
fn a_renamed_file_is_relinked_and_every_other_byte_is_kept() {
    let repo = TestRepo::new();
    repo.write("docs/getting-started.md", "# Start\n\n## Install\n")
        .write("img/old.png", b"\x89PNG\r\n")
        .write(
            "index.md",
            "\u{feff}# Home\r\n\r\nSee\t[start](docs/getting-started.md#install \"Start\").\r\n\r\n- [again](./docs/getting-started.md)\r\n- ![logo](<img/old.png>)\r\n\t\r\nend without newline",
        )
        .commit("first");
    rename(&repo, "docs/getting-started.md", "docs/start.md");
    rename(&repo, "img/old.png", "img/logo.png");
    repo.commit("rename");

    let json = repo.check_json(&[]).json();
    let fixes: Vec<&serde_json::Value> = common::diagnostics(&json)
        .iter()
        .map(|d| &d["fix"])
        .collect();
    assert_eq!(fixes.len(), 3, "{json:#}");
    assert!(fixes.iter().all(|f| f["safety"] == "safe"), "{json:#}");
    assert_eq!(fixes[0]["edits"][0]["replacement"], "docs/start.md");

    let diff = repo.run(&["check", "--diff"]);
    assert_eq!(diff.code, 1, "{}", diff.stderr);
    assert!(
        diff.stdout.starts_with("--- a/index.md\n+++ b/index.md\n"),
        "{}",
        diff.stdout
    );
    // --diff writes nothing.
    assert!(read(&repo, "index.md").starts_with("\u{feff}# Home".as_bytes()));
    assert!(String::from_utf8(read(&repo, "index.md"))
        .unwrap()
        .contains("getting-started"));

    let fixed = repo.run(&["check", "--fix"]);
    assert_eq!(fixed.code, 0, "{}\n{}", fixed.stdout, fixed.stderr);
    assert!(
        fixed.stderr.contains("fixed 3 findings in index.md"),
        "{}",
        fixed.stderr
    );
    assert!(
        fixed.stderr.contains("0 findings remain"),
        "{}",
        fixed.stderr
    );
    assert_eq!(
        read(&repo, "index.md"),
        "\u{feff}# Home\r\n\r\nSee\t[start](docs/start.md#install \"Start\").\r\n\r\n- [again](./docs/start.md)\r\n- ![logo](<img/logo.png>)\r\n\t\r\nend without newline".as_bytes()
    );
    assert_idempotent(&repo, &["index.md"]);
}

#[test]
fn a_file_renamed_twice_and_into_another_folder_is_followed_to_its_path_today() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n")
        .write("notes/x.md", "[a](../a.md) and [root](/a.md)\n")
        .commit("first");
    rename(&repo, "a.md", "b.md");
    repo.commit("rename once");
    rename(&repo, "b.md", "guide/deep/c.md");
    repo.commit("rename into another folder");

    let fixed = repo.run(&["check", "--fix"]);
    assert_eq!(fixed.code, 0, "{}\n{}", fixed.stdout, fixed.stderr);
    assert_eq!(
        String::from_utf8(read(&repo, "notes/x.md")).unwrap(),
        "[a](../guide/deep/c.md) and [root](/guide/deep/c.md)\n"
    );
    assert_idempotent(&repo, &["notes/x.md"]);
}

#[test]
fn a_deleted_file_is_not_relinked_even_if_it_was_once_renamed() {
    let repo = TestRepo::new();
    repo.write("chapter-one.md", "# A\n")
        .write("x.md", "[a](chapter-one.md)\n")
        .commit("first");
    rename(&repo, "chapter-one.md", "chapter-two.md");
    repo.commit("rename");
    std::fs::remove_file(repo.path("chapter-two.md")).unwrap();
    repo.commit("delete");
    let json = repo.check_json(&[]).json();
    let d = &common::diagnostics(&json)[0];
    assert_eq!(d["rule"], "links/missing-file");
    assert!(d.get("fix").is_none(), "{json:#}");
    let fixed = repo.run(&["check", "--fix"]);
    assert_eq!(fixed.code, 1);
    assert_eq!(read(&repo, "x.md"), b"[a](chapter-one.md)\n");
}

#[test]
fn a_case_only_rename_is_fixed_to_the_path_git_has() {
    let repo = TestRepo::new();
    repo.write("Guide.md", "# Guide\n")
        .write("index.md", "Read [the guide](Guide.md#guide).\r\n")
        .commit("first");
    rename(&repo, "Guide.md", "guide.md");
    repo.commit("lower case");
    let json = repo.check_json(&[]).json();
    assert_eq!(common::diagnostics(&json)[0]["rule"], "links/case-mismatch");
    let fixed = repo.run(&["check", "--fix"]);
    assert_eq!(fixed.code, 0, "{}\n{}", fixed.stdout, fixed.stderr);
    assert_eq!(
        read(&repo, "index.md"),
        b"Read [the guide](guide.md#guide).\r\n"
    );
    assert_idempotent(&repo, &["index.md"]);
}

#[test]
fn term_slugs_differing_by_case_or_naming_a_renamed_term_file_are_fixed() {
    let repo = TestRepo::new();
    repo.write("glossary/api-gateway.md", "---\nterm: API gateway\n---\n")
        .write("glossary/old-name.md", "---\nterm: Service mesh\n---\n")
        .write(
            "page.md",
            "---\nrelatedTerms:\n  - API-Gateway\n  - \"old-name\"\n---\n# Page\n",
        )
        .commit("first");
    rename(&repo, "glossary/old-name.md", "glossary/service-mesh.md");
    repo.commit("rename the term");
    let fixed = repo.run(&["check", "--fix"]);
    assert_eq!(fixed.code, 0, "{}\n{}", fixed.stdout, fixed.stderr);
    assert_eq!(
        String::from_utf8(read(&repo, "page.md")).unwrap(),
        "---\nrelatedTerms:\n  - api-gateway\n  - \"service-mesh\"\n---\n# Page\n"
    );
    assert_idempotent(&repo, &["page.md"]);
}

#[test]
fn a_single_did_you_mean_is_applied_only_with_unsafe_fixes() {
    let repo = TestRepo::new();
    repo.write("setup.md", "# Setup\n\n## Installation\n")
        .write("index.md", "[s](setpu.md) and [i](setup.md#instalation)\n")
        .commit("first");
    let json = repo.check_json(&[]).json();
    let all = common::diagnostics(&json);
    assert_eq!(all.len(), 2, "{json:#}");
    assert!(
        all.iter().all(|d| d["fix"]["safety"] == "unsafe"),
        "{json:#}"
    );
    // JSON keeps the rule's help; the human report says how to fix.
    assert_eq!(
        all[0]["help"],
        "did you mean `setup.md`? (`setup.md` exists)"
    );
    let human = repo.run(&["check"]);
    assert!(
        human
            .stdout
            .contains("(fixable with `docsteward check --fix --unsafe-fixes`)"),
        "{}",
        human.stdout
    );

    let safe_only = repo.run(&["check", "--fix"]);
    assert_eq!(safe_only.code, 1);
    assert!(
        safe_only.stderr.contains("2 fixable with --unsafe-fixes"),
        "{}",
        safe_only.stderr
    );
    assert_eq!(
        read(&repo, "index.md"),
        b"[s](setpu.md) and [i](setup.md#instalation)\n"
    );

    let fixed = repo.run(&["check", "--fix", "--unsafe-fixes"]);
    assert_eq!(fixed.code, 0, "{}\n{}", fixed.stdout, fixed.stderr);
    assert_eq!(
        read(&repo, "index.md"),
        b"[s](setup.md) and [i](setup.md#installation)\n"
    );
}

#[test]
fn fixes_refuse_snapshots_that_are_not_the_work_tree() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n").commit("first");
    for args in [
        &["check", "--fix", "--staged"][..],
        &["check", "--diff", "--rev", "HEAD"],
    ] {
        let out = repo.run(args);
        assert!(
            out.failure().contains("cannot be used with"),
            "{}",
            out.stderr
        );
    }
}

#[cfg(unix)]
#[test]
fn a_document_that_is_a_symbolic_link_is_never_written_through() {
    let repo = TestRepo::new();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.md");
    std::fs::write(&victim, "[a](a.md)\n").unwrap();
    repo.write("a.md", "# A\n")
        .write("x.md", "[a](a.md)\n")
        .commit("first");
    rename(&repo, "a.md", "b.md");
    repo.commit("rename");
    repo.symlink("link.md", &victim);
    let out = repo.run(&["check", "--fix"]);
    assert!(
        out.stderr.contains("fixed 1 finding in x.md"),
        "{}",
        out.stderr
    );
    assert_eq!(read(&repo, "x.md"), b"[a](b.md)\n");
    assert_eq!(std::fs::read(&victim).unwrap(), b"[a](a.md)\n");
    assert!(std::fs::symlink_metadata(repo.path("link.md"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn an_anchor_to_a_rewritten_heading_follows_it_to_its_new_id() {
    let repo = TestRepo::new();
    repo.write(
        "setup.md",
        "# Setup\n\n## Install the tools\n\ntext\n\n## Configure\n",
    )
    .write(
        "index.md",
        "[i](setup.md#install-the-tools) and [c](setup.md#configure)\n",
    )
    .commit("first");
    repo.write(
        "setup.md",
        "# Setup\n\n## Installing everything you need\n\ntext\n\n## Configure\n",
    )
    .commit("rewrite the heading");
    let json = repo.check_json(&[]).json();
    let d = &common::diagnostics(&json)[0];
    assert_eq!(d["rule"], "links/missing-anchor", "{json:#}");
    assert_eq!(d["fix"]["safety"], "safe", "{json:#}");
    let fixed = repo.run(&["check", "--fix"]);
    assert_eq!(fixed.code, 0, "{}\n{}", fixed.stdout, fixed.stderr);
    assert_eq!(
        String::from_utf8(read(&repo, "index.md")).unwrap(),
        "[i](setup.md#installing-everything-you-need) and [c](setup.md#configure)\n"
    );
    assert_idempotent(&repo, &["index.md"]);
}

#[test]
fn an_anchor_whose_heading_moved_elsewhere_is_not_fixed_for_certain() {
    let repo = TestRepo::new();
    repo.write("setup.md", "# Setup\n\n## Install\n")
        .write("index.md", "[i](setup.md#install)\n")
        .commit("first");
    // A heading added before it: the place changed, so the old id's heading is not known.
    repo.write("setup.md", "# Setup\n\n## Before\n\n## Installing\n")
        .commit("rewrite");
    let json = repo.check_json(&[]).json();
    let d = &common::diagnostics(&json)[0];
    assert_eq!(d["rule"], "links/missing-anchor", "{json:#}");
    assert_ne!(d["fix"]["safety"], "safe", "{json:#}");
}

#[test]
fn mojibake_is_decoded_safely_when_long_and_only_on_request_when_short() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\r\n\r\nshort â€“ long and cafÃ© `Ã©`\r\n")
        .commit("first");
    let fixed = repo.run(&["check", "--fix"]);
    assert_eq!(fixed.code, 0, "{}\n{}", fixed.stdout, fixed.stderr);
    assert_eq!(
        String::from_utf8(read(&repo, "a.md")).unwrap(),
        "# A\r\n\r\nshort – long and cafÃ© `Ã©`\r\n"
    );
    repo.run(&["check", "--fix", "--unsafe-fixes"]);
    assert_eq!(
        String::from_utf8(read(&repo, "a.md")).unwrap(),
        "# A\r\n\r\nshort – long and café `Ã©`\r\n"
    );
    assert_idempotent(&repo, &["a.md"]);
}

/// A plain `check` (a pre-commit hook among them) searches only the recent history for where
/// a file went, since a link to a file that never existed makes it read every commit;
/// `--diff` and `--fix` search all of it.
#[test]
fn a_rename_older_than_the_recent_commits_is_found_by_fix_only() {
    let repo = TestRepo::new();
    repo.write("docs/getting-started.md", "# Start\n")
        .write("index.md", "# Home\n")
        .commit("first");
    rename(&repo, "docs/getting-started.md", "docs/start.md");
    repo.commit("rename");
    for n in 0..100 {
        repo.write("notes.md", format!("# Notes\n\n{n}\n"))
            .commit("note");
    }
    repo.write("index.md", "# Home\n\n[start](docs/getting-started.md)\n")
        .commit("link");

    let json = repo.check_json(&[]).json();
    let missing: Vec<&serde_json::Value> = common::diagnostics(&json)
        .iter()
        .filter(|d| d["rule"] == "links/missing-file")
        .collect();
    assert_eq!(missing.len(), 1, "{json:#}");
    assert!(missing[0]["fix"].is_null(), "{json:#}");

    let diff = repo.run(&["check", "--diff"]);
    assert_eq!(diff.code, 1, "{}", diff.stderr);
    assert!(
        diff.stdout.contains("+[start](docs/start.md)"),
        "{}",
        diff.stdout
    );
    let fixed = repo.run(&["check", "--fix"]);
    assert_eq!(fixed.code, 0, "{}\n{}", fixed.stdout, fixed.stderr);
    assert_eq!(
        read(&repo, "index.md"),
        b"# Home\n\n[start](docs/start.md)\n"
    );
}

/// `check --staged`, the pre-commit hook, reads no history for repairs: a rename one commit
/// ago is offered by the plain check of the same files, not by the staged one.
#[test]
fn a_staged_check_offers_no_repair_that_needs_history() {
    let repo = TestRepo::new();
    repo.write("docs/getting-started.md", "# Start\n")
        .commit("first");
    rename(&repo, "docs/getting-started.md", "docs/start.md");
    repo.commit("rename");
    repo.write("index.md", "# Home\n\n[start](docs/getting-started.md)\n");
    common::gate::stage(&repo, &["index.md"], &[]);
    let fixes = |args: &[&str]| -> usize {
        let json = repo.check_json(args).json();
        let missing: Vec<&serde_json::Value> = common::diagnostics(&json)
            .iter()
            .filter(|d| d["rule"] == "links/missing-file")
            .collect();
        assert_eq!(missing.len(), 1, "{json:#}");
        missing.iter().filter(|d| !d["fix"].is_null()).count()
    };
    assert_eq!(fixes(&[]), 1);
    assert_eq!(fixes(&["--staged"]), 0);
}
