//! Baselines: today's findings recorded, new ones reported, moved ones still absorbed,
//! fixed ones reported as stale entries, and pruning.

mod common;

use common::{f, TestRepo};

fn repo_with_debt() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        "notes.md",
        "# Notes\n\nSee [a](missing-a.md).\n\nSee [b](missing-b.md).\n",
    );
    repo.write("other.md", "# Other\n\n![](diagram.png)\n");
    repo.write("diagram.png", b"\x89PNG");
    repo.commit("old debt");
    repo
}

#[test]
fn a_recorded_finding_is_absorbed_and_a_new_one_reported() {
    let repo = repo_with_debt();
    let out = repo.run(&["baseline"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("Recorded 3 findings"), "{}", out.stdout);
    let text = std::fs::read_to_string(repo.path(".docsteward-baseline.json")).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
    let entries = parsed["findings"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    // Sorted and stable for diffs: writing it again changes nothing.
    repo.run(&["baseline"]);
    assert_eq!(
        std::fs::read_to_string(repo.path(".docsteward-baseline.json")).unwrap(),
        text
    );

    let out = repo.check_json(&[]);
    assert_eq!(out.code, 0);
    assert!(out.findings().is_empty());
    assert_eq!(out.json()["baseline"]["suppressed"], 3);

    repo.write(
        "notes.md",
        "# Notes\n\nSee [a](missing-a.md).\n\nSee [b](missing-b.md).\n\nSee [c](missing-c.md).\n",
    );
    let out = repo.check_json(&[]);
    assert_eq!(out.code, 1);
    assert_eq!(out.findings(), [f("links/missing-file", "notes.md", 7, 9)]);
    let concise = repo.run(&["check", "--format", "concise"]);
    assert!(
        concise.stdout.contains("absorbed 3 known findings"),
        "{}",
        concise.stdout
    );
}

#[test]
fn moving_lines_keeps_a_finding_absorbed() {
    let repo = repo_with_debt();
    repo.run(&["baseline"]);
    repo.write("notes.md", "# Notes\n\nA new paragraph.\n\nAnd another.\n\nSee [b](missing-b.md).\n\nSee [a](missing-a.md).\n");
    let out = repo.check_json(&[]);
    assert!(out.findings().is_empty(), "{:?}", out.findings());
    assert_eq!(out.json()["baseline"]["stale"].as_array().unwrap().len(), 0);
}

#[test]
fn a_fixed_finding_is_a_stale_entry_and_pruning_removes_it() {
    let repo = repo_with_debt();
    repo.run(&["baseline"]);
    repo.write(
        "notes.md",
        "# Notes\n\nSee [a](missing-a.md).\n\nSee b, now written out.\n",
    );
    let out = repo.check_json(&[]);
    assert_eq!(out.code, 0);
    let stale = out.json()["baseline"]["stale"].as_array().unwrap().clone();
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0]["path"], "notes.md");
    assert_eq!(
        stale[0]["message"],
        "link target `missing-b.md` does not exist"
    );
    let human = repo.run(&["check", "--format", "concise"]);
    assert!(
        human
            .stdout
            .contains("baseline entry no longer matches anything: notes.md [links/missing-file]"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("--prune-baseline"));

    assert_eq!(repo.run(&["check", "--prune-baseline"]).code, 0);
    let parsed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.path(".docsteward-baseline.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(parsed["findings"].as_array().unwrap().len(), 2);
    let out = repo.check_json(&[]);
    assert_eq!(out.json()["baseline"]["stale"].as_array().unwrap().len(), 0);
    // Debt only shrinks: reintroducing the fixed problem is reported again.
    repo.write(
        "notes.md",
        "# Notes\n\nSee [a](missing-a.md).\n\nSee [b](missing-b.md).\n",
    );
    assert_eq!(
        repo.check_json(&[]).findings(),
        [f("links/missing-file", "notes.md", 5, 9)]
    );
}

#[test]
fn explicit_and_disabled_baselines() {
    let repo = repo_with_debt();
    assert_eq!(repo.run(&["baseline", "--output", "debt.json"]).code, 0);
    assert!(!repo.path(".docsteward-baseline.json").exists());
    assert_eq!(
        repo.check_json(&[]).findings().len(),
        3,
        "no baseline at the default place"
    );
    assert!(repo
        .check_json(&["--baseline", "debt.json"])
        .findings()
        .is_empty());
    repo.run(&["baseline"]);
    assert_eq!(repo.check_json(&["--no-baseline"]).findings().len(), 3);
    // A damaged baseline is an error naming the file, not silently ignored.
    repo.write(".docsteward-baseline.json", "{ not json");
    let out = repo.check_json(&[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(".docsteward-baseline.json"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_scoped_run_judges_staleness_only_for_what_it_checked() {
    let repo = repo_with_debt();
    repo.run(&["baseline"]);
    // Checking only other.md must not call notes.md's entries stale.
    let out = repo.check_json(&["other.md"]);
    assert!(out.findings().is_empty());
    assert_eq!(out.json()["baseline"]["stale"].as_array().unwrap().len(), 0);
    assert_eq!(out.json()["baseline"]["suppressed"], 1);
}
