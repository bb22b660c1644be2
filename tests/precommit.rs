//! The pre-commit framework: the hook this repository offers (.pre-commit-hooks.yaml), run by
//! the real `pre-commit` as a `repo: local` hook with the same file selection: it refuses
//! commits that stage a broken link or break references held by documents the commit does
//! not touch, lets clean commits through, and `pre-commit run --all-files` (how CI runs
//! pre-commit) reports what `docsteward check` reports.

mod common;

use std::path::Path;
use std::process::Command;

use common::gate::{self, knowledge_base, run, text};
use common::{have_tool, TestRepo};
use yaml_rust2::{Yaml, YamlLoader};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_offered_hook_runs_on_every_commit_and_on_all_files() {
    let hook = manifest_hook();
    assert_eq!(hook["id"].as_str(), Some("docsteward"));
    assert_eq!(hook["language"].as_str(), Some("rust"));
    assert_eq!(hook["entry"].as_str(), Some("docsteward check --staged"));
    // Deleting an image stages no Markdown file, yet can break a document.
    assert_eq!(hook["always_run"].as_bool(), Some(true));
    // The file names scope the report (every document under --all-files); one run sees
    // them all.
    assert_eq!(hook["pass_filenames"].as_bool(), Some(true));
    assert_eq!(hook["require_serial"].as_bool(), Some(true));
    let types: Vec<&str> = hook["types_or"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    assert_eq!(types, ["markdown", "mdx"]);

    if have_tool("pre-commit") {
        let out = Command::new("pre-commit")
            .args(["validate-manifest", ".pre-commit-hooks.yaml"])
            .current_dir(manifest_dir())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

fn manifest_hook() -> Yaml {
    let path = manifest_dir().join(".pre-commit-hooks.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    let mut docs = YamlLoader::load_from_str(&text).unwrap();
    let hooks = docs.remove(0);
    assert_eq!(hooks.as_vec().map(Vec::len), Some(1));
    hooks[0].clone()
}

/// A `.pre-commit-config.yaml` (JSON, which is YAML) with the hook of
/// .pre-commit-hooks.yaml as a `repo: local` hook: the same file selection, `always_run`,
/// `pass_filenames` and `require_serial`, with the built binary as `language: system`
/// where users get `language: rust` (which builds docsteward from source, minutes per run).
fn local_config(args: &[&str]) -> String {
    let hook = manifest_hook();
    let entry = hook["entry"].as_str().unwrap();
    let rest = entry
        .strip_prefix("docsteward")
        .expect("the entry runs docsteward");
    let binary = env!("CARGO_BIN_EXE_docsteward").replace('\'', r"'\''");
    let mut local = serde_json::json!({
        "id": hook["id"].as_str().unwrap(),
        "name": hook["name"].as_str().unwrap(),
        "entry": format!("'{binary}'{rest}"),
        "language": "system",
        "args": args,
    });
    for key in ["types", "types_or", "exclude_types"] {
        if let Some(list) = hook[key].as_vec() {
            let list: Vec<&str> = list.iter().filter_map(Yaml::as_str).collect();
            local[key] = serde_json::json!(list);
        }
    }
    for key in ["files", "exclude"] {
        if let Some(pattern) = hook[key].as_str() {
            local[key] = serde_json::json!(pattern);
        }
    }
    for key in ["always_run", "pass_filenames", "require_serial"] {
        if let Some(flag) = hook[key].as_bool() {
            local[key] = serde_json::json!(flag);
        }
    }
    serde_json::json!({ "repos": [{ "repo": "local", "hooks": [local] }] }).to_string()
}

/// `pre-commit install`s the hook in `repo`, whose configuration it commits first.
fn install(repo: &TestRepo, cache: &Path, args: &[&str]) {
    repo.write(".pre-commit-config.yaml", local_config(args));
    gate::stage(repo, &[".pre-commit-config.yaml"], &[]);
    repo.commit_at("pre-commit", 1_700_000_000, "Test", &[]);
    let out = run(repo.root(), "pre-commit", &["install"], cache);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn pre_commit_refuses_a_broken_image_link_and_accepts_a_clean_commit() {
    if !have_tool("pre-commit") || !have_tool("git") {
        return;
    }
    let repo = TestRepo::new();
    repo.write("docs/index.md", "# Index\n").commit("init");
    let cache = tempfile::tempdir().unwrap();
    install(&repo, cache.path(), &[]);
    let before = gate::head(&repo);

    // `git add PATH`, then `git commit`, which runs the hook.
    let commit = |path: &str| {
        gate::stage(&repo, &[path], &[]);
        run(
            repo.root(),
            "git",
            &["commit", "-m", "Add the diagram"],
            cache.path(),
        )
    };

    repo.write("docs/diagram.md", "# Diagram\n\n![The flow](flow.png)\n");
    let out = commit("docs/diagram.md");
    let shown = text(&out);
    assert!(!out.status.success(), "the commit went through:\n{shown}");
    assert!(
        shown.contains("links/missing-file") && shown.contains("flow.png"),
        "{shown}"
    );
    assert_eq!(gate::head(&repo), before);

    repo.write("docs/flow.png", [0x89u8, b'P', b'N', b'G']);
    let out = commit("docs/flow.png");
    assert!(out.status.success(), "{}", text(&out));
    assert_ne!(gate::head(&repo), before);
}

#[test]
fn pre_commit_refuses_commits_that_break_references_elsewhere() {
    if !have_tool("pre-commit") || !have_tool("git") {
        return;
    }
    gate::every_breaking_commit_is_refused(&|repo, cache| install(repo, cache, &[]));
}

/// `pre-commit run --all-files` is how CI runs pre-commit: it must report what
/// `docsteward check` reports, every document of the knowledge base, and nothing from
/// files the configuration leaves out.
#[test]
fn pre_commit_all_files_finds_what_check_finds() {
    if !have_tool("pre-commit") || !have_tool("git") {
        return;
    }
    let repo = knowledge_base();
    repo.write(
        "docsteward.toml",
        "exclude = [\"vendor/**\"]\n\n[rules]\n\"assets/unused\" = \"warning\"\n",
    )
    .write("docs/images/unused.png", [0x89u8, b'P', b'N', b'G'])
    .write("docs/broken.md", "# Broken\n\n[gone](nowhere.md)\n")
    .write("docs/anchor.md", "# Anchor\n\n[x](Guide.md#no-such-part)\n")
    .write("vendor/lib/notes.md", "# Vendored\n\n[x](missing.md)\n")
    .write(
        ".pre-commit-config.yaml",
        local_config(&["--format", "concise"]),
    );
    repo.commit("base");
    let cache = tempfile::tempdir().unwrap();

    let check = repo.run(&["check", "--format", "concise"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    let expected = finding_lines(&check.stdout);
    // Two broken references, and an image no document uses (a rule on the whole snapshot).
    assert_eq!(expected.len(), 3, "{}", check.stdout);

    let out = run(
        repo.root(),
        "pre-commit",
        &["run", "--all-files"],
        cache.path(),
    );
    let shown = text(&out);
    assert!(!out.status.success(), "{shown}");
    assert_eq!(finding_lines(&shown), expected, "{shown}");
    let documents = repo.check_json(&[]).json()["summary"]["documents"].clone();
    assert!(
        shown.contains(&format!("in {documents} documents.")),
        "every document is checked once:\n{shown}"
    );
}

/// The `path:line:column: severity[rule] message` lines of concise output, sorted.
fn finding_lines(output: &str) -> Vec<String> {
    let mut lines: Vec<String> = output
        .lines()
        .filter(|l| l.contains(": error[") || l.contains(": warning["))
        .map(str::to_owned)
        .collect();
    lines.sort();
    lines
}

/// The convention README documents for fixers: the hook's entry overridden to
/// `check --fix`; the hook rewrites the staged document in the work tree, pre-commit fails
/// it because it modified files, and the commit goes through once the fix is staged.
#[test]
fn pre_commit_with_fix_repairs_the_files_and_fails_until_they_are_restaged() {
    if !have_tool("pre-commit") || !have_tool("git") {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("CI must have pre-commit and git");
        }
        return;
    }
    let repo = TestRepo::new();
    repo.write("docs/getting-started.md", "# Start\n")
        .commit("init");
    std::fs::rename(
        repo.path("docs/getting-started.md"),
        repo.path("docs/start.md"),
    )
    .unwrap();
    repo.commit("rename");
    let binary = env!("CARGO_BIN_EXE_docsteward").replace('\'', r"'\''");
    let hook = manifest_hook();
    let config = serde_json::json!({ "repos": [{ "repo": "local", "hooks": [{
        "id": hook["id"].as_str().unwrap(),
        "name": "docsteward --fix",
        "entry": format!("'{binary}' check --fix"),
        "language": "system",
        "types_or": ["markdown", "mdx"],
        "pass_filenames": true,
        "require_serial": true,
    }]}]});
    repo.write(".pre-commit-config.yaml", config.to_string());
    gate::stage(&repo, &[".pre-commit-config.yaml"], &[]);
    repo.commit_at("pre-commit", 1_700_000_000, "Test", &[]);
    let cache = tempfile::tempdir().unwrap();
    let out = run(repo.root(), "pre-commit", &["install"], cache.path());
    assert!(out.status.success(), "{}", text(&out));
    let before = gate::head(&repo);
    let commit = || {
        gate::stage(&repo, &["docs/new.md"], &[]);
        run(
            repo.root(),
            "git",
            &["commit", "-m", "Add a page"],
            cache.path(),
        )
    };

    repo.write("docs/new.md", "See [start](getting-started.md).\n");
    let out = commit();
    let shown = text(&out);
    assert!(!out.status.success(), "the commit went through:\n{shown}");
    assert!(
        shown.contains("files were modified by this hook"),
        "{shown}"
    );
    assert_eq!(gate::head(&repo), before);
    assert_eq!(
        std::fs::read_to_string(repo.path("docs/new.md")).unwrap(),
        "See [start](start.md).\n"
    );

    let out = commit();
    assert!(out.status.success(), "{}", text(&out));
    assert_ne!(gate::head(&repo), before);
}
