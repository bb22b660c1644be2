//! examples/stale-documentation.yml for real: its `run:` steps, in order, in a simulated
//! runner with the binary under test and a fake `gh` on PATH that records every call and
//! answers `gh issue list` from the issues it has "created" (through `jq`, as gh's `--jq`
//! does). The first run must create the issue; the next must edit that same issue.

mod common;

use std::path::Path;
use std::process::Command;

use common::{have_tool, TestRepo};
use yaml_rust2::YamlLoader;

const DAY: i64 = 86_400;
/// 2023-01-01T00:00:00Z.
const T0: i64 = 1_672_531_200;

/// A fake `gh`: `issue list` prints the issues in `$FAKE_GH/issues.json` through the `--jq`
/// filter; `issue create` adds one (number 41, then 42...) with its title and body;
/// `issue edit N` replaces issue N's body. Every call is logged, one argument per line.
const FAKE_GH: &str = r#"#!/usr/bin/env bash
set -euo pipefail
state=$FAKE_GH/issues.json
[ -f "$state" ] || echo '[{"number": 40, "title": "Stale documentation (2022)"}]' > "$state"
{ echo "--- gh"; printf '%s\n' "$@"; } >> "$FAKE_GH/calls.log"
[ "${GH_TOKEN:-}" = "fake-token" ] || { echo "gh: no GH_TOKEN" >&2; exit 4; }
flag() { local name=$1; shift; while [ $# -gt 0 ]; do [ "$1" = "$name" ] && { echo "$2"; return; }; shift; done; return 1; }
case "$1 $2" in
  "issue list")
    jq -r "$(flag --jq "$@")" "$state" ;;
  "issue create")
    title=$(flag --title "$@"); body=$(flag --body-file "$@")
    number=$(jq 'map(.number) | max + 1' "$state")
    jq --arg t "$title" --rawfile b "$body" --argjson n "$number" '. + [{number: $n, title: $t, body: $b}]' "$state" > "$state.new"
    mv "$state.new" "$state"
    echo "https://github.com/octo/handbook/issues/$number" ;;
  "issue edit")
    body=$(flag --body-file "$@")
    jq --rawfile b "$body" --argjson n "$3" 'map(if .number == $n then .body = $b else . end)' "$state" > "$state.new"
    mv "$state.new" "$state" ;;
  *) echo "fake gh: unexpected $*" >&2; exit 3 ;;
esac
"#;

fn repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", "[stale]\ndefault-after = \"90d\"\n");
    repo.write("old.md", "---\nowner: Ann\n---\n# Old\n");
    repo.commit_at("old", T0, "Ann", &[]);
    repo.write("new.md", "# New\n");
    repo.commit_at("new", T0 + 300 * DAY, "Bob", &[]);
    repo
}

/// Runs the workflow's steps (all but checkout and the install) in `workspace`; returns the
/// job summary.
fn run_workflow(workspace: &Path, runner: &Path) -> String {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/stale-documentation.yml"),
    )
    .unwrap();
    let workflow = YamlLoader::load_from_str(&text).unwrap().remove(0);
    let summary = runner.join("step_summary.md");
    std::fs::write(&summary, "").unwrap();
    let bin = runner.join("bin");
    let path = std::env::join_paths(
        std::iter::once(bin.clone()).chain(std::env::split_paths(&common::path_with_binary())),
    )
    .unwrap();
    for step in workflow["jobs"]["report"]["steps"].as_vec().unwrap() {
        let Some(script) = step["run"].as_str() else {
            assert_eq!(step["uses"].as_str(), Some("actions/checkout@v5"));
            continue;
        };
        if script.starts_with("cargo install") {
            continue; // the binary under test is on PATH already
        }
        let mut command = Command::new("bash");
        command
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
            .current_dir(workspace)
            .env("PATH", &path)
            .env("DOCSTEWARD_CACHE_DIR", common::cache_dir())
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("FAKE_GH", runner)
            .env("SOURCE_DATE_EPOCH", (T0 + 400 * DAY).to_string())
            .env("NO_COLOR", "1")
            .env_remove("GIT_DIR");
        if let Some(env) = step["env"].as_hash() {
            for (k, v) in env {
                let v = v.as_str().unwrap_or_default();
                // The only expression the workflow uses.
                let v = v.replace("${{ github.token }}", "fake-token");
                assert!(!v.contains("${{"), "unexpanded expression {v}");
                command.env(k.as_str().unwrap(), v);
            }
        }
        let out = command.output().expect("run bash");
        assert!(
            out.status.success(),
            "step {:?} failed:\n{}{}",
            step["name"],
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::read_to_string(&summary).unwrap()
}

#[test]
fn the_workflow_creates_the_issue_then_edits_it() {
    if !have_tool("jq") {
        return;
    }
    let repo = repo();
    let runner = tempfile::tempdir().unwrap();
    let bin = runner.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(bin.join("gh"), FAKE_GH).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(bin.join("gh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let issues = || -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(runner.path().join("issues.json")).unwrap())
            .unwrap()
    };
    let calls = || std::fs::read_to_string(runner.path().join("calls.log")).unwrap();

    let summary = run_workflow(repo.root(), runner.path());
    assert!(
        summary.contains("## Staleness report, 2024-02-05"),
        "{summary}"
    );
    assert!(summary.contains("| stale |"), "{summary}");
    let report = std::fs::read_to_string(repo.path("stale.md")).unwrap();
    assert_eq!(summary, report);
    // A look-alike title is not the issue: a new one is created, with the report as body.
    let after_first = issues();
    assert_eq!(after_first.as_array().unwrap().len(), 2, "{after_first}");
    assert_eq!(after_first[1]["number"], 41);
    assert_eq!(after_first[1]["title"], "Stale documentation");
    assert_eq!(after_first[1]["body"], report.as_str());
    assert!(
        calls().contains(
            "--- gh\nissue\ncreate\n--title\nStale documentation\n--body-file\nstale.md\n"
        ),
        "{}",
        calls()
    );

    // A week later, in a fresh checkout: the same issue is edited, none created.
    std::fs::remove_file(repo.path("stale.md")).unwrap();
    repo.write("old.md", "---\nowner: Ann\n---\n# Old\n\nReviewed.\n");
    repo.commit_at("review", T0 + 399 * DAY, "Ann", &[]);
    run_workflow(repo.root(), runner.path());
    let after_second = issues();
    assert_eq!(after_second.as_array().unwrap().len(), 2, "{after_second}");
    let body = after_second[1]["body"].as_str().unwrap();
    assert_ne!(body, report, "the body is the new report");
    assert_eq!(
        body,
        std::fs::read_to_string(repo.path("stale.md")).unwrap()
    );
    let log = calls();
    assert_eq!(log.matches("--- gh\nissue\ncreate\n").count(), 1, "{log}");
    assert!(
        log.contains("--- gh\nissue\nedit\n41\n--body-file\nstale.md\n"),
        "{log}"
    );
}

#[test]
fn the_workflow_passes_actionlint() {
    if !have_tool("actionlint") {
        return;
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    common::actionlint(
        manifest,
        &[manifest.join("examples/stale-documentation.yml")],
    );
}
