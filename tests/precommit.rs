//! The pre-commit framework: the hook this repository offers (.pre-commit-hooks.yaml), and a
//! real `pre-commit` run in a temporary repository that refuses a commit staging a broken
//! image link and lets a clean one through.
//!
//! This is the one test that runs the `git` command: pre-commit itself drives git, so the
//! commits it guards have to be made by git too (with a pinned identity and dates).

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{have_tool, TestRepo};
use yaml_rust2::YamlLoader;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_offered_hook_checks_staged_markdown() {
    let text = std::fs::read_to_string(manifest_dir().join(".pre-commit-hooks.yaml")).unwrap();
    let docs = YamlLoader::load_from_str(&text).unwrap();
    let hooks = docs[0].as_vec().expect("a list of hooks");
    assert_eq!(hooks.len(), 1);
    let hook = &hooks[0];
    assert_eq!(hook["id"].as_str(), Some("docsteward"));
    assert_eq!(hook["language"].as_str(), Some("rust"));
    assert_eq!(hook["entry"].as_str(), Some("docsteward check --staged"));
    let types: Vec<&str> = hook["types_or"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    assert_eq!(types, ["markdown", "mdx"]);
    assert_eq!(hook["pass_filenames"].as_bool(), Some(false));

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

/// Runs `program` in `dir` with git's identity, dates and configuration pinned, and
/// pre-commit's cache kept inside the temporary folder.
fn run(dir: &Path, program: &str, args: &[&str], cache: &Path) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
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
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"))
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn pre_commit_refuses_a_broken_image_link_and_accepts_a_clean_commit() {
    if !have_tool("pre-commit") || !have_tool("git") {
        return;
    }
    // `language: system` with the built binary, where users get `language: rust` from
    // .pre-commit-hooks.yaml: that builds docsteward from source, minutes per run.
    let entry = format!(
        "'{}' check --staged",
        env!("CARGO_BIN_EXE_docsteward").replace('\'', r"'\''")
    );
    let config = format!(
        "repos:\n  - repo: local\n    hooks:\n      - id: docsteward\n        name: docsteward\n        entry: {entry:?}\n        language: system\n        types_or: [markdown, mdx]\n        pass_filenames: false\n"
    );
    let repo = TestRepo::new();
    repo.write(".pre-commit-config.yaml", config)
        .write("docs/index.md", "# Index\n")
        .commit("init");
    let cache = tempfile::tempdir().unwrap();
    let root = repo.root();
    let out = run(root, "pre-commit", &["install"], cache.path());
    assert!(out.status.success(), "{}", text(&out));
    let head = || repo.git().head().unwrap().peel_to_commit().unwrap().id();
    let before = head();

    // `git add PATH`, then `git commit`, which runs the hook.
    let commit = |path: &str| {
        assert!(run(root, "git", &["add", path], cache.path())
            .status
            .success());
        run(
            root,
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
    assert_eq!(head(), before);

    repo.write("docs/flow.png", [0x89u8, b'P', b'N', b'G']);
    let out = commit("docs/flow.png");
    assert!(out.status.success(), "{}", text(&out));
    assert_ne!(head(), before);

    // A commit of MDX alone runs the hook too.
    let before = head();
    repo.write("docs/cards.mdx", "<Card href=\"./gone.mdx\" />\n");
    let out = commit("docs/cards.mdx");
    let shown = text(&out);
    assert!(!out.status.success(), "the commit went through:\n{shown}");
    assert!(shown.contains("gone.mdx"), "{shown}");
    assert_eq!(head(), before);
}
