//! Exit codes: 0 clean (warnings allowed), 1 findings at error level (or warnings under
//! `--deny-warnings`), 2 for usage, configuration and repository errors.

mod common;

use common::{run_in, TestRepo};

/// A repository whose only finding is a schema violation at `level`.
fn repo_with_schema_violation(level: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        format!(
            "[[content]]\nname = \"note\"\npaths = [\"*.md\"]\nschema = \"note.schema.json\"\n\n[rules]\n\"frontmatter/schema\" = \"{level}\"\n"
        ),
    )
    .write("note.schema.json", r#"{"type": "object", "required": ["title"]}"#)
    .write("a.md", "---\nname: no title\n---\n# A\n")
    .commit("c");
    repo
}

#[test]
fn clean_is_0() {
    let repo = TestRepo::new();
    repo.write("a.md", "---\ntitle: A\n---\n# A\n").commit("c");
    assert_eq!(repo.run(&["check"]).code, 0);
    assert_eq!(repo.run(&["check", "--deny-warnings"]).code, 0);
}

#[test]
fn empty_repository_is_0() {
    let repo = TestRepo::new();
    let out = repo.run(&["check"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "No problems found in 0 documents.\n");
}

#[test]
fn warnings_only_is_0() {
    let repo = repo_with_schema_violation("warning");
    let out = repo.run(&["check", "--format", "concise"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout
            .starts_with("a.md:1:1: warning[frontmatter/schema] "),
        "{}",
        out.stdout
    );
}

#[test]
fn warnings_with_deny_warnings_is_1() {
    let repo = repo_with_schema_violation("warning");
    assert_eq!(repo.run(&["check", "--deny-warnings"]).code, 1);
}

#[test]
fn infos_with_deny_warnings_is_0() {
    let repo = repo_with_schema_violation("info");
    assert_eq!(repo.run(&["check", "--deny-warnings"]).code, 0);
}

#[test]
fn errors_are_1() {
    let repo = repo_with_schema_violation("error");
    assert_eq!(repo.run(&["check"]).code, 1);
    assert_eq!(repo.run(&["check", "--format", "json"]).code, 1);
    assert_eq!(repo.run(&["check", "--format", "concise"]).code, 1);
}

#[test]
fn errors_in_unreported_documents_do_not_count() {
    let repo = TestRepo::new();
    repo.write("bad.md", "---\nnever: closed\n")
        .write("good.md", "# Good\n")
        .commit("c");
    assert_eq!(repo.run(&["check"]).code, 1);
    assert_eq!(repo.run(&["check", "good.md"]).code, 0);
}

#[test]
fn configuration_error_is_2() {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", "colour = true\n")
        .write("a.md", "# A\n")
        .commit("c");
    assert_eq!(repo.run(&["check"]).code, 2);
}

#[test]
fn not_a_repository_is_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run_in(dir.path(), &["check"]).code, 2);
}

#[test]
fn bad_usage_is_2() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n").commit("c");
    let out = repo.run(&["check", "--format", "nope"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("nope"), "{}", out.stderr);
    assert_eq!(repo.run(&["check", "--no-such-flag"]).code, 2);
    assert_eq!(repo.run(&["frobnicate"]).code, 2);
    assert_eq!(repo.run(&[]).code, 2);
}

#[test]
fn help_and_version_are_0() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run_in(dir.path(), &["--help"]).code, 0);
    assert_eq!(run_in(dir.path(), &["--version"]).code, 0);
}
