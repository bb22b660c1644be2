//! Suppression comments in Markdown, each form, applied by the sink to every rule.

mod common;

use common::{f, TestRepo, TERM_SCHEMA};

const TERM_CONFIG: &str = "[[content]]\nname = \"term\"\npaths = [\"glossary/*.md\"]\nschema = \"schemas/term.schema.json\"\n";

fn findings(repo: &TestRepo) -> Vec<(String, String, u64, u64)> {
    let out = repo.check_json(&[]);
    assert!(
        out.code == 0 || out.code == 1,
        "exit {}:\n{}",
        out.code,
        out.stderr
    );
    out.findings()
}

#[test]
fn disable_file_silences_a_schema_violation() {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", TERM_CONFIG)
        .write("schemas/term.schema.json", TERM_SCHEMA)
        .write(
            "glossary/tacit.md",
            "---\nterm: Tacit knowledge\ncategory: pratice\n---\n<!-- docsteward-disable-file frontmatter/schema -->\n# Tacit\n",
        )
        .commit("c");
    let out = repo.check_json(&[]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(out.findings(), []);
}

#[test]
fn disable_file_for_another_rule_does_not_silence() {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", TERM_CONFIG)
        .write("schemas/term.schema.json", TERM_SCHEMA)
        .write(
            "glossary/tacit.md",
            "---\nterm: Tacit knowledge\ncategory: pratice\n---\n<!-- docsteward-disable-file frontmatter/syntax -->\n# Tacit\n",
        )
        .commit("c");
    assert_eq!(
        findings(&repo),
        [f("frontmatter/schema", "glossary/tacit.md", 3, 11)]
    );
}

#[test]
fn disable_file_without_a_rule_silences_everything() {
    let repo = TestRepo::new();
    repo.write("dup.md", "---\ntitle: a\ntitle: b\n---\n# Dup\n\n[x](missing.md)\n\n<!-- docsteward-disable-file -->\n")
        .commit("c");
    assert_eq!(findings(&repo), []);
}

#[test]
fn disable_next_line_silences_only_the_next_line() {
    let repo = TestRepo::new();
    repo.write(
        "a.md",
        "# A\n\n<!-- docsteward-disable-next-line links/missing-file -->\nSee [x](missing.md).\nSee [y](missing2.md).\n",
    )
    .commit("c");
    assert_eq!(findings(&repo), [f("links/missing-file", "a.md", 5, 9)]);
}

#[test]
fn disable_next_line_names_several_rules_and_only_those() {
    let repo = TestRepo::new();
    repo.write("present.png", [0x89u8, b'P', b'N', b'G'])
        .write(
            "a.md",
            "# A\n\n<!-- docsteward-disable-next-line links/missing-file, images/missing-alt -->\n![](gone.png) [x](missing.md)\n\n<!-- docsteward-disable-next-line images/missing-alt -->\n![](present.png) [y](missing2.md)\n",
        )
        .commit("c");
    assert_eq!(findings(&repo), [f("links/missing-file", "a.md", 7, 22)]);
}

#[test]
fn disable_next_line_without_a_rule_silences_all_rules_on_that_line() {
    let repo = TestRepo::new();
    repo.write(
        "a.md",
        "# A\n\n<!-- docsteward-disable-next-line -->\n![](gone.png)\n![](gone2.png)\n",
    )
    .commit("c");
    assert_eq!(
        findings(&repo),
        [
            f("images/missing-alt", "a.md", 5, 1),
            f("links/missing-file", "a.md", 5, 5)
        ]
    );
}

#[test]
fn disable_and_enable_bound_a_range() {
    let repo = TestRepo::new();
    repo.write(
        "a.md",
        "# A\n\n[a](m1.md)\n\n<!-- docsteward-disable links/missing-file -->\n[b](m2.md)\n\n[c](m3.md)\n<!-- docsteward-enable links/missing-file -->\n[d](m4.md)\n",
    )
    .commit("c");
    assert_eq!(
        findings(&repo),
        [
            f("links/missing-file", "a.md", 3, 5),
            f("links/missing-file", "a.md", 10, 5)
        ]
    );
}

#[test]
fn disable_without_enable_lasts_to_the_end_of_the_file() {
    let repo = TestRepo::new();
    repo.write(
        "a.md",
        "# A\n\n[a](m1.md)\n\n<!-- docsteward-disable -->\n[b](m2.md)\n\n![](m3.png)\n",
    )
    .commit("c");
    assert_eq!(findings(&repo), [f("links/missing-file", "a.md", 3, 5)]);
}

#[test]
fn a_range_for_one_rule_leaves_others_reported() {
    let repo = TestRepo::new();
    repo.write(
        "a.md",
        "# A\n\n<!-- docsteward-disable images/missing-alt -->\n![](gone.png)\n<!-- docsteward-enable images/missing-alt -->\n",
    )
    .commit("c");
    assert_eq!(findings(&repo), [f("links/missing-file", "a.md", 4, 5)]);
}

#[test]
fn an_explanation_after_double_dash_is_not_a_rule() {
    let repo = TestRepo::new();
    repo.write(
        "a.md",
        "# A\n\n<!-- docsteward-disable-next-line links/missing-file -- generated later by the build -->\n[x](later.md)\n",
    )
    .commit("c");
    assert_eq!(findings(&repo), []);
}

#[test]
fn comments_inside_code_are_not_suppressions() {
    let repo = TestRepo::new();
    repo.write(
        "a.md",
        "# A\n\n```html\n<!-- docsteward-disable-file -->\n```\n\n`<!-- docsteward-disable-next-line -->`\n[x](missing.md)\n",
    )
    .commit("c");
    assert_eq!(findings(&repo), [f("links/missing-file", "a.md", 8, 5)]);
}

#[test]
fn suppressed_findings_do_not_count_for_the_exit_code() {
    let repo = TestRepo::new();
    repo.write(
        "a.md",
        "# A\n\n<!-- docsteward-disable-next-line links/missing-file -->\n[x](missing.md)\n",
    )
    .commit("c");
    let out = repo.check_json(&[]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(out.json()["summary"]["errors"], 0);
}
