//! Configuration: errors that point at the file (exit 2), severities, `--config`, nested
//! knowledge bases, and running outside a repository.

mod common;

use common::{f, run_in, TestRepo, TERM_SCHEMA};

const TERM_CONFIG: &str = "[[content]]\nname = \"term\"\npaths = [\"glossary/*.md\"]\nschema = \"schemas/term.schema.json\"\n";

/// A repository with one schema violation (`category: pratice` at 3:11).
fn repo_with_violation(extra_config: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", format!("{TERM_CONFIG}{extra_config}"))
        .write("schemas/term.schema.json", TERM_SCHEMA)
        .write(
            "glossary/tacit.md",
            "---\nterm: Tacit knowledge\ncategory: pratice\n---\n# Tacit\n",
        )
        .commit("violation");
    repo
}

/// The configuration reference from issue 2, every key written out.
#[test]
fn the_documented_example_configuration_is_accepted() {
    let config = r#"include = ["**/*.md", "**/*.markdown"]
exclude = []

[[content]]
name = "term"
paths = ["glossary/*.md"]
schema = "schemas/term.schema.json"
stale-after = "180d"

[links]
roots = ["public"]
front-matter-keys = ["cover", "image"]
[[links.routes]]
url = "/glossary/{slug}"
file = "src/content/glossary/{slug}.md"

[terms]
defined-by = ["glossary/*.md"]
reference-keys = ["relatedTerms"]

[rules]
"images/missing-alt" = "warning"
"#;
    let repo = TestRepo::new();
    repo.write("docsteward.toml", config)
        .write("schemas/term.schema.json", TERM_SCHEMA)
        .write(
            "glossary/cop.md",
            "---\nterm: Community of practice\ncategory: practice\n---\n# CoP\n",
        )
        .commit("c");
    let out = repo.check_json(&[]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(out.findings(), []);
}

#[test]
fn unknown_key_exits_2_and_names_the_line() {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "include = [\"**/*.md\"]\nexclude-paths = []\n",
    )
    .write("a.md", "# A\n")
    .commit("c");
    let out = repo.run(&["check"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains("unknown field `exclude-paths`"),
        "{}",
        out.stderr
    );
    // miette's snippet: the file and position, then the numbered line.
    assert!(out.stderr.contains("docsteward.toml:2:1"), "{}", out.stderr);
    assert!(
        out.stderr.contains(" 2 │ exclude-paths = []"),
        "{}",
        out.stderr
    );
}

#[test]
fn unknown_key_in_a_table_exits_2() {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[links]\nroots = [\"public\"]\nfrontmatter-keys = [\"cover\"]\n",
    )
    .write("a.md", "# A\n")
    .commit("c");
    let out = repo.run(&["check"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("frontmatter-keys"), "{}", out.stderr);
    assert!(out.stderr.contains("docsteward.toml:3:1"), "{}", out.stderr);
}

#[test]
fn unknown_key_in_a_content_type_exits_2() {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[[content]]\nname = \"term\"\npaths = [\"glossary/*.md\"]\nschemas = \"s.json\"\n",
    )
    .write("a.md", "# A\n")
    .commit("c");
    let out = repo.run(&["check"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("unknown field `schemas`"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("docsteward.toml:4:1"), "{}", out.stderr);
}

#[test]
fn wrong_type_exits_2_and_points_at_the_value() {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", "exclude = []\ninclude = \"docs/*.md\"\n")
        .write("a.md", "# A\n")
        .commit("c");
    let out = repo.run(&["check"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("invalid type"), "{}", out.stderr);
    assert!(
        out.stderr.contains("docsteward.toml:2:11"),
        "{}",
        out.stderr
    );
}

#[test]
fn unknown_site_generator_exits_2_and_lists_the_known_ones() {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", "[site]\ngenerator = \"wordpress\"\n")
        .write("a.md", "# A\n")
        .commit("c");
    let out = repo.run(&["check"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("unknown generator `wordpress`"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("github, hugo"), "{}", out.stderr);
    assert!(out.stderr.contains("docsteward.toml:2:"), "{}", out.stderr);
}

#[test]
fn invalid_duration_exits_2() {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[[content]]\nname = \"term\"\npaths = [\"glossary/*.md\"]\nstale-after = \"six months\"\n",
    )
    .write("a.md", "# A\n")
    .commit("c");
    let out = repo.run(&["check"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("invalid duration"), "{}", out.stderr);
    assert!(out.stderr.contains("docsteward.toml:4:"), "{}", out.stderr);
}

#[test]
fn unknown_rule_exits_2_with_a_suggestion() {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[rules]\n\"frontmatter/shema\" = \"off\"\n",
    )
    .write("a.md", "# A\n")
    .commit("c");
    let out = repo.run(&["check"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("unknown rule `frontmatter/shema`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("did you mean `frontmatter/schema`?"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("docsteward.toml:2:1"), "{}", out.stderr);
}

#[test]
fn unknown_level_exits_2() {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[rules]\n\"frontmatter/schema\" = \"fatal\"\n",
    )
    .write("a.md", "# A\n")
    .commit("c");
    let out = repo.run(&["check"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("unknown level `fatal`"),
        "{}",
        out.stderr
    );
}

#[test]
fn missing_schema_file_exits_2() {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", TERM_CONFIG)
        .write("a.md", "# A\n")
        .commit("c");
    let out = repo.run(&["check"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("schemas/term.schema.json"),
        "{}",
        out.stderr
    );
}

#[test]
fn default_severity_is_error() {
    let repo = repo_with_violation("");
    let out = repo.check_json(&[]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.findings(),
        [f("frontmatter/schema", "glossary/tacit.md", 3, 11)]
    );
    assert_eq!(out.json()["diagnostics"][0]["severity"], "error");
}

#[test]
fn rule_level_warning_changes_severity_and_exit_code() {
    let repo = repo_with_violation("\n[rules]\n\"frontmatter/schema\" = \"warning\"\n");
    let out = repo.check_json(&[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.findings(),
        [f("frontmatter/schema", "glossary/tacit.md", 3, 11)]
    );
    let report = out.json();
    assert_eq!(report["diagnostics"][0]["severity"], "warning");
    assert_eq!(report["summary"]["errors"], 0);
    assert_eq!(report["summary"]["warnings"], 1);
}

#[test]
fn rule_level_info_is_reported_as_info() {
    let repo = repo_with_violation("\n[rules]\n\"frontmatter/schema\" = \"info\"\n");
    let out = repo.check_json(&["--deny-warnings"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.json();
    assert_eq!(report["diagnostics"][0]["severity"], "info");
    assert_eq!(report["summary"]["infos"], 1);
}

#[test]
fn rule_level_off_silences_it() {
    let repo = repo_with_violation("\n[rules]\n\"frontmatter/schema\" = \"off\"\n");
    let out = repo.check_json(&[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.findings(), []);
}

#[test]
fn outside_a_repository_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), "---\nunclosed: yes\n").unwrap();
    let out = run_in(dir.path(), &["check"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains("not inside a git repository"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("git init"), "{}", out.stderr);
}

#[test]
fn dash_c_points_at_a_folder_outside_a_repository() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n").commit("c");
    let elsewhere = tempfile::tempdir().unwrap();
    let out = repo.run(&["-C", elsewhere.path().to_str().unwrap(), "check"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("not inside a git repository"),
        "{}",
        out.stderr
    );
}

#[test]
fn dash_c_runs_in_another_repository() {
    let repo = TestRepo::new();
    repo.write("bad.md", "---\ntitle: never closed\n")
        .commit("c");
    let elsewhere = tempfile::tempdir().unwrap();
    let out = run_in(
        elsewhere.path(),
        &[
            "-C",
            repo.root().to_str().unwrap(),
            "check",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.findings(), [f("frontmatter/syntax", "bad.md", 1, 1)]);
}

#[test]
fn without_a_config_file_defaults_apply() {
    let repo = TestRepo::new();
    repo.write("docs/open.md", "---\ntitle: never closed\n\n# Body\n")
        .write("docs/readme.markdown", "---\nkey: a: b\n---\n")
        .write("notes.txt", "---\nnot a document\n")
        .commit("c");
    let out = repo.check_json(&[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.findings(),
        [
            f("frontmatter/syntax", "docs/open.md", 1, 1),
            f("frontmatter/syntax", "docs/readme.markdown", 2, 7)
        ]
    );
    assert_eq!(out.json()["summary"]["documents"], 2);
}

#[test]
fn include_and_exclude_choose_the_documents() {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "include = [\"docs/**/*.md\"]\nexclude = [\"docs/drafts/**\"]\n",
    )
    .write("docs/open.md", "---\ntitle: never closed\n")
    .write("docs/drafts/open.md", "---\ntitle: never closed\n")
    .write("other/open.md", "---\ntitle: never closed\n")
    .commit("c");
    let out = repo.check_json(&[]);
    assert_eq!(
        out.findings(),
        [f("frontmatter/syntax", "docs/open.md", 1, 1)]
    );
    assert_eq!(out.json()["summary"]["documents"], 1);
}

#[test]
fn ignored_files_are_never_documents_and_untracked_ones_are() {
    let repo = TestRepo::new();
    repo.write(".gitignore", "build/\n")
        .write("a.md", "# A\n")
        .commit("c");
    repo.write("build/open.md", "---\ntitle: never closed\n")
        .write("new.md", "---\ntitle: never closed\n");
    let out = repo.check_json(&[]);
    assert_eq!(out.findings(), [f("frontmatter/syntax", "new.md", 1, 1)]);
    assert_eq!(out.json()["summary"]["documents"], 2);
}

#[test]
fn explicit_config_flag_is_used_instead_of_docsteward_toml() {
    let repo = repo_with_violation("");
    repo.write(
        "lenient.toml",
        format!("{TERM_CONFIG}\n[rules]\n\"frontmatter/schema\" = \"off\"\n"),
    )
    .commit("lenient");
    let out = repo.check_json(&["--config", "lenient.toml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.findings(), []);
    // Without the flag the root configuration applies.
    assert_eq!(repo.check_json(&[]).code, 1);
}

#[test]
fn explicit_config_flag_errors_name_that_file() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n")
        .write("conf/strict.toml", "includes = []\n")
        .commit("c");
    let out = repo.run(&["check", "--config", "conf/strict.toml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("strict.toml:1:1"), "{}", out.stderr);
}

#[test]
fn missing_explicit_config_file_exits_2() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n").commit("c");
    let out = repo.run(&["check", "--config", "nope.toml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("nope.toml"), "{}", out.stderr);
}

#[test]
fn path_argument_outside_the_repository_exits_2() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n").commit("c");
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("b.md"), "# B\n").unwrap();
    let outside = elsewhere.path().join("b.md");
    let out = repo.run(&["check", outside.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("outside the repository"),
        "{}",
        out.stderr
    );
    let out = repo.run(&["check", "../"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn path_argument_that_does_not_exist_exits_2() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n").commit("c");
    let out = repo.run(&["check", "nope.md"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("nope.md"), "{}", out.stderr);
}

#[test]
fn ignored_path_argument_exits_2_and_says_it_is_ignored() {
    let repo = TestRepo::new();
    repo.write(".gitignore", "build/\n")
        .write("a.md", "# A\n")
        .commit("c");
    repo.write("build/out.md", "# Generated\n");
    let out = repo.run(&["check", "build/out.md"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("ignored by git"), "{}", out.stderr);
}

#[test]
fn path_arguments_limit_what_is_reported() {
    let repo = TestRepo::new();
    repo.write("a/open.md", "---\nx: 1\n")
        .write("b/open.md", "---\nx: 1\n")
        .write("c.md", "---\nx: 1\n")
        .commit("c");
    let out = repo.check_json(&["a", "c.md"]);
    assert_eq!(
        out.findings(),
        [
            f("frontmatter/syntax", "a/open.md", 1, 1),
            f("frontmatter/syntax", "c.md", 1, 1)
        ]
    );
    assert_eq!(out.json()["summary"]["documents"], 2);
    // Relative to the current directory.
    let out = repo.run_at("b", &["check", "--format", "json", "open.md"]);
    assert_eq!(out.findings(), [f("frontmatter/syntax", "b/open.md", 1, 1)]);
}

/// Issue 2, behaviour 2: paths on the command line replace the configuration's `include`
/// for what is reported.
#[test]
fn file_argument_replaces_include() {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", "include = [\"docs/**/*.md\"]\n")
        .write("docs/a.md", "---\nx: 1\n")
        .write("other/b.md", "---\nx: 1\n")
        .commit("c");
    let out = repo.check_json(&[]);
    assert_eq!(out.findings(), [f("frontmatter/syntax", "docs/a.md", 1, 1)]);
    let out = repo.check_json(&["other/b.md"]);
    assert_eq!(
        out.findings(),
        [f("frontmatter/syntax", "other/b.md", 1, 1)]
    );
}

/// Issue 2, behaviour 2, for a folder: its Markdown files are reported even though the
/// configuration's `include` does not cover them.
#[test]
fn folder_argument_replaces_include() {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", "include = [\"docs/**/*.md\"]\n")
        .write("docs/a.md", "---\nx: 1\n")
        .write("other/b.md", "---\nx: 1\n")
        .commit("c");
    let out = repo.check_json(&["other"]);
    assert_eq!(
        out.findings(),
        [f("frontmatter/syntax", "other/b.md", 1, 1)]
    );
    assert_eq!(out.json()["summary"]["documents"], 1);
}

#[test]
fn nested_knowledge_base_uses_its_own_config() {
    let repo = TestRepo::new();
    repo.write("docs/docsteward.toml", TERM_CONFIG)
        .write("docs/schemas/term.schema.json", TERM_SCHEMA)
        .write(
            "docs/glossary/tacit.md",
            "---\nterm: Tacit knowledge\ncategory: pratice\n---\n# Tacit\n",
        )
        // Not under docs/: the nested config's `glossary/*.md` does not reach it.
        .write(
            "glossary/other.md",
            "---\nterm: Other\ncategory: pratice\n---\n",
        )
        .commit("nested");

    let out = repo.check_json(&["docs"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.findings(),
        [f("frontmatter/schema", "docs/glossary/tacit.md", 3, 11)]
    );

    // From inside the folder, the same configuration is found.
    let out = repo.run_at("docs", &["check", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.findings(),
        [f("frontmatter/schema", "docs/glossary/tacit.md", 3, 11)]
    );
}
