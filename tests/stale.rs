//! Staleness from history: last-change semantics (edits, renames, ignore-revs, merges),
//! review dates, thresholds, owners, exemptions, shallow clones, and every report format.

mod common;

use common::TestRepo;
use serde_json::Value;

const DAY: i64 = 86_400;
/// 2023-01-01T00:00:00Z.
const T0: i64 = 1_672_531_200;

fn stale_json(repo: &TestRepo, extra: &[&str]) -> Value {
    let mut args = vec!["stale", "--format", "json"];
    args.extend_from_slice(extra);
    let out = repo.run(&args);
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    out.json()
}

/// The report entry for `path`.
fn entry<'a>(report: &'a Value, path: &str) -> &'a Value {
    report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in report"))
}

fn last_commit(report: &Value, path: &str) -> String {
    entry(report, path)["last_change"]["commit"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn plain_edit_moves_the_last_change() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n");
    repo.write("b.md", "# B\n");
    let first = repo.commit_at("add", T0, "Ann", &[]);
    repo.write("a.md", "# A\n\nMore.\n");
    let edit = repo.commit_at("edit a", T0 + 10 * DAY, "Bob", &[]);
    let report = stale_json(&repo, &["--as-of", "2023-03-01"]);
    assert_eq!(last_commit(&report, "a.md"), edit.to_string());
    assert_eq!(last_commit(&report, "b.md"), first.to_string());
    let a = entry(&report, "a.md");
    assert_eq!(a["last_change"]["date"], "2023-01-11");
    assert_eq!(a["last_change"]["author"], "Bob");
    assert_eq!(a["age_days"], 49);
    assert_eq!(
        a["owner"], "Bob",
        "owner falls back to the last change's author"
    );
}

#[test]
fn pure_rename_keeps_the_age_and_a_rename_with_an_edit_does_not() {
    let repo = TestRepo::new();
    repo.write("old.md", "# Same content\n");
    repo.write("edited-old.md", "# Will change\n");
    let first = repo.commit_at("add", T0, "Ann", &[]);
    std::fs::rename(repo.path("old.md"), repo.path("new.md")).unwrap();
    std::fs::remove_file(repo.path("edited-old.md")).unwrap();
    repo.write("edited-new.md", "# Will change\n\nAnd did.\n");
    let rename = repo.commit_at("rename", T0 + 5 * DAY, "Bob", &[]);
    let report = stale_json(&repo, &["--as-of", "2023-02-01"]);
    assert_eq!(last_commit(&report, "new.md"), first.to_string());
    assert_eq!(last_commit(&report, "edited-new.md"), rename.to_string());
}

#[test]
fn bot_commits_are_not_changes_and_bots_own_nothing() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\ntext\n").write("b.md", "# B\n");
    let first = repo.commit_at("add", T0, "Ann", &[]);
    repo.write("a.md", "# A\ntext, reformatted\n");
    repo.commit_at("bump", T0 + 10 * DAY, "github-actions[bot]", &[]);
    repo.write("b.md", "# B\nbumped\n");
    repo.commit_at("bump", T0 + 10 * DAY, "renovate-bot", &[]);
    // A document a bot created is the bot's change, but not the bot's to own.
    repo.write("generated.md", "# Generated\n");
    let created = repo.commit_at("generate", T0 + 11 * DAY, "dependabot[bot]", &[]);
    let report = stale_json(&repo, &["--as-of", "2023-02-01"]);
    assert_eq!(last_commit(&report, "a.md"), first.to_string());
    assert_eq!(last_commit(&report, "b.md"), first.to_string());
    assert_eq!(entry(&report, "a.md")["owner"], "Ann");
    assert_eq!(last_commit(&report, "generated.md"), created.to_string());
    assert_eq!(entry(&report, "generated.md")["owner"], Value::Null);

    // Configured patterns replace the default: `*` is any text, `[` is a letter.
    repo.write(
        "docsteward.toml",
        "[stale]\nignore-authors = [\"release-*\"]\n",
    );
    repo.commit_at("config", T0 + 12 * DAY, "Ann", &[]);
    repo.write("b.md", "# B\nmore\n");
    repo.commit_at("release", T0 + 13 * DAY, "release-robot", &[]);
    let report = stale_json(&repo, &["--as-of", "2023-02-01"]);
    // The release robot's edit is not a change; the defaults no longer apply, so the
    // bumps are changes again.
    assert_eq!(entry(&report, "b.md")["owner"], "renovate-bot");
    assert_eq!(entry(&report, "a.md")["owner"], "github-actions[bot]");
}

#[test]
fn codeowners_own_what_front_matter_does_not_and_mailmap_folds_aliases() {
    let repo = TestRepo::new();
    repo.write(
        ".github/CODEOWNERS",
        "*.md @docs-team\n/glossary/ @lexicographers\n/glossary/drafts/\n",
    )
    .write("guide.md", "# Guide\n")
    .write("glossary/tacit.md", "---\nowner: \"@ann\"\n---\n# Tacit\n")
    .write("glossary/cop.md", "# CoP\n")
    .write("glossary/drafts/x.md", "# X\n")
    .write("notes/a.md", "# Notes\n");
    repo.commit_at("add", T0, "J Doe", &[]);
    let report = stale_json(&repo, &["--as-of", "2023-02-01"]);
    assert_eq!(entry(&report, "guide.md")["owner"], "@docs-team");
    assert_eq!(entry(&report, "glossary/tacit.md")["owner"], "@ann");
    assert_eq!(
        entry(&report, "glossary/cop.md")["owner"],
        "@lexicographers"
    );
    // A pattern without owners: the last change's author owns it.
    assert_eq!(entry(&report, "glossary/drafts/x.md")["owner"], "J Doe");

    // A line with two owners: the document counts under each of them.
    repo.write(
        ".github/CODEOWNERS",
        "*.md @docs-team\n/glossary/ @lexicographers\n/glossary/cop.md @lexicographers @ann\n",
    );
    repo.commit_at("co-owned", T0 + DAY, "J Doe", &[]);
    let report = stale_json(&repo, &["--as-of", "2023-02-01"]);
    assert_eq!(
        entry(&report, "glossary/cop.md")["owner"],
        "@lexicographers @ann"
    );
    let by_owner = &report["summary"]["by_owner"];
    assert_eq!(by_owner["@ann"]["documents"], 2, "{by_owner}");
    assert_eq!(by_owner["@lexicographers"]["documents"], 2, "{by_owner}");
    assert_eq!(by_owner["@docs-team"]["documents"], 2, "{by_owner}");
    assert!(by_owner.get("@lexicographers @ann").is_none(), "{by_owner}");

    // `.mailmap` names the author as they want to be named.
    std::fs::remove_file(repo.path(".github/CODEOWNERS")).unwrap();
    repo.write(
        ".mailmap",
        "Jane Doe <jane@example.com> <j.doe@example.com>\n",
    );
    repo.commit_at("mailmap", T0 + DAY, "Jane Doe", &[]);
    let report = stale_json(&repo, &["--as-of", "2023-02-01"]);
    assert_eq!(entry(&report, "notes/a.md")["owner"], "Jane Doe");
    assert_eq!(
        entry(&report, "notes/a.md")["last_change"]["author"],
        "Jane Doe"
    );
}

#[test]
fn ignore_revs_commits_are_not_changes() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\ntext  \n");
    let first = repo.commit_at("add", T0, "Ann", &[]);
    repo.write("a.md", "# A\ntext\n");
    let reformat = repo.commit_at("reformat", T0 + DAY, "Bot", &[]);
    repo.write(
        ".git-blame-ignore-revs",
        format!("# formatting\n{reformat}\n"),
    );
    repo.commit_at("ignore the reformat", T0 + 2 * DAY, "Ann", &[]);
    let report = stale_json(&repo, &["--as-of", "2023-02-01"]);
    assert_eq!(last_commit(&report, "a.md"), first.to_string());

    // A configured file name is honoured too.
    std::fs::rename(repo.path(".git-blame-ignore-revs"), repo.path("revs.txt")).unwrap();
    repo.write(
        "docsteward.toml",
        "[stale]\nignore-revs-file = \"revs.txt\"\n",
    );
    repo.commit_at("move the file", T0 + 3 * DAY, "Ann", &[]);
    let report = stale_json(&repo, &["--as-of", "2023-02-01"]);
    assert_eq!(last_commit(&report, "a.md"), first.to_string());
}

#[test]
fn merges_follow_the_side_that_changed_the_document() {
    let repo = TestRepo::new();
    repo.write("main.md", "# Main\n");
    repo.write("side.md", "# Side\n");
    let base = repo.commit_at("base", T0, "Ann", &[]);
    let main_branch = repo.current_branch();
    repo.switch_new("side", base);
    repo.write("side.md", "# Side\n\nEdited on the branch.\n");
    let side_edit = repo.commit_at("edit on side", T0 + 3 * DAY, "Bob", &[]);
    repo.switch(&main_branch);
    repo.write("other.md", "# Other\n");
    repo.commit_at("unrelated on main", T0 + 4 * DAY, "Ann", &[]);
    // The merge takes the side's version of side.md and main's version of main.md.
    repo.write("side.md", "# Side\n\nEdited on the branch.\n");
    repo.commit_at("merge side", T0 + 5 * DAY, "Ann", &[side_edit]);
    let report = stale_json(&repo, &["--as-of", "2023-02-01"]);
    assert_eq!(
        last_commit(&report, "side.md"),
        side_edit.to_string(),
        "the branch's change, not the merge"
    );
    assert_eq!(
        last_commit(&report, "main.md"),
        base.to_string(),
        "a merge taking one side is no change"
    );
}

#[test]
fn reviewed_dates_thresholds_owners_and_exemptions() {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[[content]]\nname = \"term\"\npaths = [\"glossary/*.md\"]\nstale-after = \"90d\"\n\n[stale]\nexempt = [\"archive/**\"]\ndue-within = \"10d\"\n",
    );
    repo.write(
        "glossary/reviewed-later.md",
        "---\nterm: A\nreviewed: 2023-06-01\n---\n",
    );
    repo.write(
        "glossary/reviewed-earlier.md",
        "---\nterm: B\nreviewed: 12/01/2022\nowner: \"@docs-team\"\n---\n",
    );
    repo.write(
        "glossary/interval.md",
        "---\nterm: C\nreview_interval: 2y\n---\n",
    );
    repo.write(
        "glossary/bad-date.md",
        "---\nterm: D\nreviewed: someday\n---\n",
    );
    repo.write("archive/old.md", "# Old\n");
    repo.write("notes/default.md", "# Default threshold\n");
    repo.commit_at("add", T0, "Ann", &[]);
    let report = stale_json(&repo, &["--as-of", "2023-07-01"]);
    let later = entry(&report, "glossary/reviewed-later.md");
    assert_eq!(later["reviewed"], "2023-06-01");
    assert_eq!(later["age_days"], 30, "fresh since the review");
    assert_eq!(later["threshold_days"], 90);
    assert_eq!(later["status"], "fresh");
    let earlier = entry(&report, "glossary/reviewed-earlier.md");
    assert_eq!(
        earlier["age_days"], 181,
        "the last change is newer than the review"
    );
    assert_eq!(earlier["review_lag_days"], 31);
    assert_eq!(earlier["owner"], "@docs-team");
    assert_eq!(earlier["status"], "stale");
    let interval = entry(&report, "glossary/interval.md");
    assert_eq!(interval["threshold_days"], 730);
    assert_eq!(interval["status"], "fresh");
    assert_eq!(entry(&report, "archive/old.md")["status"], "exempt");
    let default = entry(&report, "notes/default.md");
    assert_eq!(default["threshold_days"], 365);
    assert_eq!(default["status"], "fresh");
    // Due: within 10 days of the 365-day default.
    let report = stale_json(&repo, &["--as-of", "2023-12-25"]);
    assert_eq!(entry(&report, "notes/default.md")["status"], "due");
    // Most overdue first, exempt last.
    let order: Vec<&str> = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(order.last(), Some(&"archive/old.md"));
    // Equally overdue documents (268 days past 90) are ordered by path.
    assert_eq!(
        order[..2],
        ["glossary/bad-date.md", "glossary/reviewed-earlier.md"]
    );
    assert_eq!(report["summary"]["by_status"]["exempt"], 1);
    assert_eq!(report["summary"]["by_owner"]["@docs-team"]["documents"], 1);

    // The unreadable date is a diagnostic of stale/age in `check`, at the value.
    let out = repo.check_json(&["--as-of", "2023-07-01"]);
    let findings = out.findings();
    assert!(
        findings.contains(&common::f("stale/age", "glossary/bad-date.md", 3, 11)),
        "{findings:?}"
    );
    assert!(
        findings.contains(&common::f(
            "stale/age",
            "glossary/reviewed-earlier.md",
            1,
            1
        )),
        "{findings:?}"
    );
}

#[test]
fn stale_age_rule_names_age_threshold_and_last_change() {
    let repo = TestRepo::new();
    repo.write("a.md", "# Old article\n");
    let first = repo.commit_at("add", T0, "Ann Author", &[]);
    let out = repo.check_json(&["--as-of", "2024-06-01"]);
    let report = out.json();
    let d = &common::diagnostics(&report)[0];
    assert_eq!(d["rule"], "stale/age");
    assert_eq!(d["severity"], "warning");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(1))
    );
    let message = d["message"].as_str().unwrap();
    let short = &first.to_string()[..7];
    assert_eq!(
        message,
        format!("not changed or reviewed for 517 days (threshold 365 days); last change {short} on 2023-01-01 by Ann Author")
    );
    assert_eq!(out.code, 0, "a warning alone does not fail the run");
    // --as-of moves "today": the same document is fresh a month after its change.
    assert!(repo
        .check_json(&["--as-of", "2023-02-01"])
        .findings()
        .is_empty());
}

#[test]
fn uncommitted_changes_are_fresh() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n");
    repo.commit_at("add", T0, "Ann", &[]);
    repo.write("a.md", "# A\n\nBeing edited.\n");
    repo.write("new.md", "# New\n");
    let report = stale_json(&repo, &["--as-of", "2025-01-01"]);
    assert_eq!(entry(&report, "a.md")["age_days"], 0);
    assert_eq!(entry(&report, "a.md")["last_change"], Value::Null);
    assert_eq!(entry(&report, "new.md")["status"], "fresh");
}

/// `git` is used here only because git2 cannot make a shallow clone.
#[test]
fn shallow_clone_refuses_unless_allowed() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n");
    repo.commit_at("add", T0, "Ann", &[]);
    repo.write("b.md", "# B\n");
    repo.commit_at("add b", T0 + 100 * DAY, "Ann", &[]);
    let (_clone_dir, clone) = repo.shallow_clone();
    let out = common::run_in(
        &clone,
        &["stale", "--format", "json", "--as-of", "2023-12-01"],
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("shallow clone"), "{}", out.stderr);
    assert!(
        out.stderr.contains("fetch-depth: 0") && out.stderr.contains("git fetch --unshallow"),
        "{}",
        out.stderr
    );
    // `check` skips stale/age there instead, with a notice: see tests/shallow.rs.
    let out = common::run_in(
        &clone,
        &[
            "stale",
            "--format",
            "json",
            "--as-of",
            "2023-12-01",
            "--allow-shallow",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.json();
    let a = entry(&report, "a.md");
    assert_eq!(a["age_is_lower_bound"], true);
    assert_eq!(a["age_days"], 234, "at least the boundary commit's age");
    let table = common::run_in(
        &clone,
        &["stale", "--as-of", "2023-12-01", "--allow-shallow"],
    );
    assert!(table.stdout.contains("≥234"), "{}", table.stdout);
}

/// Every output format, on one small history.
#[test]
fn report_formats() {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[[content]]\nname = \"term\"\npaths = [\"glossary/*.md\"]\nstale-after = \"180d\"\n",
    );
    repo.write(
        "glossary/cop.md",
        "---\nterm: Communities of Practice\nowner: \"@kb <team>\"\n---\n",
    );
    repo.write("guide.md", "# Contributor | guide\n");
    repo.commit_at("add", T0, "Ann", &[]);
    repo.write("guide.md", "# Contributor | guide\n\nUpdated.\n");
    repo.commit_at("edit", T0 + 200 * DAY, "Bob", &[]);
    let run = |format: &str| {
        let out = repo.run(&["stale", "--format", format, "--as-of", "2023-09-01"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        // Commit ids depend on nothing but the pinned content, but keep snapshots readable.
        out.stdout
    };
    insta::assert_snapshot!("stale_table", run("table"));
    insta::assert_snapshot!("stale_markdown", run("markdown"));
    insta::assert_snapshot!("stale_csv", run("csv"));
    insta::assert_snapshot!("stale_json", run("json"));
    let html = run("html");
    // Structure: one document, self-contained, escaped, with the chart and the sortable table.
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("<html").count(), 1);
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "no network requests"
    );
    assert!(html.contains("<svg") && html.contains("</svg>"));
    assert!(
        html.contains("&quot;@kb &lt;team&gt;&quot;") || html.contains("@kb &lt;team&gt;"),
        "owner escaped"
    );
    assert!(!html.contains("<team>"));
    assert!(html.contains("<table id=\"documents\">"));
    insta::assert_snapshot!("stale_html", html);
}

/// docsteward's last change against `git log -1 --format=%H -- PATH` (the oracle; `git` only
/// here) on a generated history with branches and merges and no renames.
#[test]
fn last_change_matches_git_log_on_merged_history() {
    let repo = TestRepo::new();
    // Root-level files, a folder and a nested folder, so subtrees are compared at every depth.
    let files: Vec<String> = (0..12)
        .map(|i| match i % 3 {
            0 => format!("docs/sub/d{i}.md"),
            1 => format!("d{i}.md"),
            _ => format!("docs/d{i}.md"),
        })
        .collect();
    for f in &files {
        repo.write(f, format!("# {f}\n"));
    }
    let mut t = T0;
    let base = repo.commit_at("base", t, "Ann", &[]);
    let main_branch = repo.current_branch();
    // Deterministic pseudo-random edits on two branches, merged three times.
    let mut seed = 7u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let mut side_tip = base;
    for round in 0..3 {
        repo.switch_new(&format!("side{round}"), side_tip);
        for k in 0..4 {
            let f = &files[next() % files.len()];
            repo.write(f, format!("# {f}\n\nside {round} {k}\n"));
            t += 3600;
            side_tip = repo.commit_at(&format!("side {round} {k}"), t, "Bob", &[]);
        }
        repo.switch(&main_branch);
        for k in 0..3 {
            let f = &files[next() % files.len()];
            // Main edits only files the side did not touch, so the merge is clean.
            let side_tree = repo.git().find_commit(side_tip).unwrap().tree().unwrap();
            let theirs = side_tree
                .get_path(std::path::Path::new(f))
                .map(|e| e.id())
                .ok();
            let head_tree = repo.git().head().unwrap().peel_to_tree().unwrap();
            let ours = head_tree
                .get_path(std::path::Path::new(f))
                .map(|e| e.id())
                .ok();
            if theirs != ours {
                continue;
            }
            repo.write(f, format!("# {f}\n\nmain {round} {k}\n"));
            t += 3600;
            repo.commit_at(&format!("main {round} {k}"), t, "Ann", &[]);
        }
        // Merge: take the side's version of every file the side changed.
        let side_tree = repo.git().find_commit(side_tip).unwrap().tree().unwrap();
        let merge_base = repo
            .git()
            .merge_base(side_tip, repo.git().head().unwrap().target().unwrap())
            .unwrap();
        let base_tree = repo.git().find_commit(merge_base).unwrap().tree().unwrap();
        for f in &files {
            let p = std::path::Path::new(f);
            let theirs = side_tree.get_path(p).unwrap().id();
            if base_tree.get_path(p).unwrap().id() != theirs {
                let blob = repo.git().find_blob(theirs).unwrap();
                repo.write(f, blob.content());
            }
        }
        t += 3600;
        repo.commit_at(&format!("merge {round}"), t, "Ann", &[side_tip]);
    }
    let report = stale_json(&repo, &["--as-of", "2024-01-01"]);
    for f in &files {
        let oracle = std::process::Command::new("git")
            .args(["log", "-1", "--format=%H", "--", f])
            .current_dir(repo.root())
            .output()
            .expect("git log");
        let expected = String::from_utf8(oracle.stdout).unwrap().trim().to_owned();
        assert_eq!(last_commit(&report, f), expected, "{f}");
    }
}

/// The walk diffs commits in batches (16, then 32, ...), each while the one before it is
/// processed. A rename found in the first batch makes a path pending that the second was not
/// diffed for, in a folder no other pending document is in: the second batch's change to it
/// must still count.
#[test]
fn a_rename_found_while_the_next_batch_is_diffed_keeps_the_older_change() {
    let repo = TestRepo::new();
    repo.write("drafts/moving.md", "# Moving\n\nfirst\n")
        .write("published/busy.md", "# Busy\n");
    let mut t = T0;
    repo.commit_at("add", t, "Ann", &[]);
    let edit_busy = |n: usize, t: &mut i64| {
        for i in 0..n {
            repo.write("published/busy.md", format!("# Busy\n\n{t} {i}\n"));
            *t += 3600;
            repo.commit_at(&format!("busy {i}"), *t, "Bob", &[]);
        }
    };
    edit_busy(5, &mut t);
    repo.write("drafts/moving.md", "# Moving\n\nsecond\n");
    t += 3600;
    let changed = repo.commit_at("the last change of moving.md", t, "Cid", &[]);
    // Behind the rename by more than the first batch, within the second.
    edit_busy(14, &mut t);
    std::fs::create_dir_all(repo.path("published")).unwrap();
    std::fs::rename(
        repo.path("drafts/moving.md"),
        repo.path("published/moving.md"),
    )
    .unwrap();
    t += 3600;
    repo.commit_at("publish moving.md", t, "Ann", &[]);
    edit_busy(8, &mut t);
    let report = stale_json(&repo, &["--as-of", "2024-01-01", "--no-cache"]);
    assert_eq!(
        last_commit(&report, "published/moving.md"),
        changed.to_string()
    );
}

#[test]
fn pure_renames_across_folders_keep_the_age() {
    let repo = TestRepo::new();
    repo.write("drafts/lonely.md", "# Moves out, folder emptied\n");
    repo.write("archive/kept.md", "# Stays\n");
    repo.write("archive/moving.md", "# Moves out, folder kept\n");
    let first = repo.commit_at("add", T0, "Ann", &[]);
    std::fs::create_dir_all(repo.path("published")).unwrap();
    std::fs::rename(
        repo.path("drafts/lonely.md"),
        repo.path("published/lonely.md"),
    )
    .unwrap();
    std::fs::rename(
        repo.path("archive/moving.md"),
        repo.path("published/moving.md"),
    )
    .unwrap();
    repo.commit_at("publish", T0 + 9 * DAY, "Bob", &[]);
    let report = stale_json(&repo, &["--as-of", "2023-02-01"]);
    assert_eq!(
        last_commit(&report, "published/lonely.md"),
        first.to_string()
    );
    assert_eq!(
        last_commit(&report, "published/moving.md"),
        first.to_string()
    );
    assert_eq!(last_commit(&report, "archive/kept.md"), first.to_string());
}

/// The walk diffs commits in parallel batches against the paths pending when a batch starts;
/// the old path of a rename found during the batch, in a folder no pending path is in, was
/// not among them. The edit made to it before the rename must still be found.
#[test]
fn an_edit_before_a_rename_out_of_an_emptied_folder_is_the_last_change() {
    let repo = TestRepo::new();
    repo.write("old/a.md", "# A\n").write("kept.md", "# Kept\n");
    repo.commit_at("add", T0, "Ann", &[]);
    repo.write("old/a.md", "# A\n\nEdited.\n");
    let edit = repo.commit_at("edit", T0 + DAY, "Bob", &[]);
    repo.write("kept.md", "# Kept\n\nOnce.\n");
    repo.commit_at("unrelated", T0 + 2 * DAY, "Ann", &[]);
    std::fs::create_dir_all(repo.path("new")).unwrap();
    std::fs::rename(repo.path("old/a.md"), repo.path("new/a.md")).unwrap();
    repo.commit_at("move", T0 + 3 * DAY, "Cy", &[]);
    let report = stale_json(&repo, &["--as-of", "2023-02-01"]);
    assert_eq!(last_commit(&report, "new/a.md"), edit.to_string());
    assert_eq!(entry(&report, "new/a.md")["owner"], "Bob");
}

/// Commit dates need not follow the graph (a rebase, a wrong clock): a parent dated after
/// its child must still come after it in the walk, or the child's documents would be
/// judged without it.
#[test]
fn a_parent_dated_after_its_child_is_still_walked_after_it() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n").write("b.md", "# B\n");
    repo.commit_at("add", T0, "Ann", &[]);
    repo.write("a.md", "# A\n\nEdited on a clock running fast.\n");
    let fast = repo.commit_at("edit a", T0 + 300 * DAY, "Bob", &[]);
    repo.write("b.md", "# B\n\nEdited later, dated earlier.\n");
    let slow = repo.commit_at("edit b", T0 + 10 * DAY, "Cy", &[]);
    let report = stale_json(&repo, &["--as-of", "2024-01-01"]);
    assert_eq!(last_commit(&report, "a.md"), fast.to_string());
    assert_eq!(last_commit(&report, "b.md"), slow.to_string());
}

/// The report reads a body only when the front matter names no title: the title is the
/// front matter's `title`, else its `term`, else the first heading.
#[test]
fn titles_come_from_front_matter_then_the_first_heading() {
    let repo = TestRepo::new();
    repo.write(
        "titled.md",
        "---\ntitle: From front matter\n---\n# From the heading\n",
    )
    .write("term.md", "---\nterm: A term\n---\n# Its heading\n")
    .write(
        "untitled.md",
        "---\nowner: ann\n---\nIntro.\n\nHeading *with* `code`\n===\n",
    )
    .write("bare.md", "No heading at all.\n");
    repo.commit_at("add", T0, "Ann", &[]);
    let report = stale_json(&repo, &["--as-of", "2023-02-01"]);
    assert_eq!(entry(&report, "titled.md")["title"], "From front matter");
    assert_eq!(entry(&report, "term.md")["title"], "A term");
    assert_eq!(entry(&report, "untitled.md")["title"], "Heading with code");
    assert!(entry(&report, "bare.md")["title"].is_null());
}
