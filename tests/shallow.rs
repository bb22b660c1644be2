//! Shallow clones (what `actions/checkout` makes by default): `check` runs every rule but
//! `stale/age`, says so once in every format, and exits on the other findings; `stale` and
//! `baseline`, which need every document's age, keep refusing without `--allow-shallow`.
//!
//! `git` is used here only because git2 cannot make a shallow clone.

mod common;

use std::path::{Path, PathBuf};

use common::{run_in, TestRepo};

const T0: i64 = 1_600_000_000;
const DAY: i64 = 86_400;

/// A repository of two commits, 100 days apart, cloned with `--depth 1`: `old.md` is far
/// past the default threshold (at least, as far as the clone can tell) and `index.md` has a
/// broken link (an error). Returns the clone's folder, kept alive by the temporary dirs.
fn shallow_clone(broken: bool) -> (TestRepo, tempfile::TempDir, PathBuf) {
    let repo = TestRepo::new();
    repo.write("old.md", "# Old\n");
    repo.commit_at("old", T0, "Ann", &[]);
    let link = if broken { "nowhere.md" } else { "old.md" };
    repo.write("index.md", format!("# Index\n\n[a link]({link})\n"));
    repo.commit_at("index", T0 + 100 * DAY, "Ann", &[]);
    let (dir, clone) = repo.shallow_clone();
    (repo, dir, clone)
}

fn check(clone: &Path, extra: &[&str]) -> common::Output {
    let mut args = vec!["check", "--as-of", "2023-12-01"];
    args.extend_from_slice(extra);
    run_in(clone, &args)
}

#[test]
fn check_in_a_shallow_clone_skips_staleness_with_a_notice_in_every_format() {
    let (_repo, _dir, clone) = shallow_clone(true);

    let human = check(&clone, &[]);
    assert_eq!(human.code, 1, "the broken link decides:\n{human:#?}");
    assert!(human.stdout.contains("links/missing-file"), "{human:#?}");
    assert!(
        !human.stdout.contains("not changed or reviewed"),
        "{human:#?}"
    );
    let notice: Vec<&str> = human
        .stdout
        .lines()
        .filter(|l| l.contains("stale/age"))
        .collect();
    assert_eq!(notice.len(), 1, "said once:\n{}", human.stdout);
    for needed in ["shallow clone", "fetch-depth: 0", "git fetch --unshallow"] {
        assert!(notice[0].contains(needed), "{needed}: {}", notice[0]);
    }

    let concise = check(&clone, &["--format", "concise"]);
    assert_eq!(concise.code, 1);
    assert!(concise.stdout.contains(notice[0]), "{}", concise.stdout);

    let json = check(&clone, &["--format", "json"]);
    assert_eq!(json.code, 1);
    let report = json.json();
    assert_eq!(
        json.findings(),
        [common::f("links/missing-file", "index.md", 3, 10)]
    );
    let notices = report["notices"].as_array().expect("a notices list");
    assert_eq!(notices.len(), 1, "{report:#}");
    assert_eq!(notices[0]["rule"], "stale/age");
    assert!(notices[0]["message"]
        .as_str()
        .unwrap()
        .contains("shallow clone"));
    assert!(notices[0]["help"]
        .as_str()
        .unwrap()
        .contains("fetch-depth: 0"));

    let github = check(&clone, &["--format", "github"]);
    assert_eq!(github.code, 1);
    let annotations: Vec<&str> = github
        .stdout
        .lines()
        .filter(|l| l.starts_with("::notice title=stale/age::"))
        .collect();
    assert_eq!(annotations.len(), 1, "{}", github.stdout);
    assert!(
        annotations[0].contains("shallow clone") && annotations[0].contains("fetch-depth: 0"),
        "{}",
        annotations[0]
    );

    let sarif = check(&clone, &["--format", "sarif"]);
    assert_eq!(sarif.code, 1);
    let log = sarif.json();
    let notifications = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("toolExecutionNotifications");
    assert_eq!(notifications.len(), 1, "{log:#}");
    assert_eq!(notifications[0]["associatedRule"]["id"], "stale/age");
    assert!(notifications[0]["message"]["text"]
        .as_str()
        .unwrap()
        .contains("shallow clone"));
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
    if common::have_tool("sarif-multitool") {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("docsteward.sarif");
        std::fs::write(&file, &sarif.stdout).unwrap();
        let report = common::sarif_validate(&file);
        assert!(common::sarif_errors(&report).is_empty(), "{report}");
        assert!(!report.contains(": warning "), "{report}");
    }
}

#[test]
fn a_clean_shallow_clone_passes_and_allow_shallow_judges_ages_as_lower_bounds() {
    let (_repo, _dir, clone) = shallow_clone(false);
    let out = check(&clone, &["--format", "json"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.findings().is_empty(), "{out:#?}");
    assert_eq!(out.json()["notices"].as_array().map(Vec::len), Some(1));

    // --allow-shallow: ages at the clone's edge are lower bounds, and nothing was skipped.
    let out = check(&clone, &["--format", "json", "--allow-shallow"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.json().get("notices").is_none(), "{}", out.stdout);
    let rules: Vec<String> = out.findings().into_iter().map(|f| f.0).collect();
    assert!(rules.iter().all(|r| r == "stale/age"), "{rules:?}");
    assert!(
        out.stdout.contains("at least"),
        "a stale document at the clone's edge:\n{}",
        out.stdout
    );

    // With stale/age off there is nothing to skip and nothing to say.
    std::fs::write(
        clone.join("docsteward.toml"),
        "[rules]\n\"stale/age\" = \"off\"\n",
    )
    .unwrap();
    let out = check(&clone, &["--format", "json"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.json().get("notices").is_none(), "{}", out.stdout);
}

#[test]
fn stale_and_baseline_refuse_a_shallow_clone_without_allow_shallow() {
    let (_repo, _dir, clone) = shallow_clone(true);
    let out = run_in(&clone, &["stale", "--as-of", "2023-12-01"]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains("shallow clone"), "{}", out.stderr);
    let out = run_in(&clone, &["baseline", "--as-of", "2023-12-01"]);
    assert_eq!(
        out.code, 2,
        "a baseline must record every finding:\n{out:#?}"
    );
    assert!(out.stderr.contains("shallow clone"), "{}", out.stderr);
    assert!(!clone.join(".docsteward-baseline.json").exists());
    let out = run_in(
        &clone,
        &["stale", "--as-of", "2023-12-01", "--allow-shallow"],
    );
    assert_eq!(out.code, 0, "{out:#?}");
}
