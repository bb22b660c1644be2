//! The DocFX / Microsoft Learn site model on `fixtures/sites/docfx`, a miniature Learn docset
//! written from DocFX's and Learn's documentation: exactly the deliberate defects are found,
//! with the fixture's configuration and after `docsteward init` alone.
//!
//! No build oracle: DocFX is a .NET program, distributed through NuGet, and neither .NET nor
//! NuGet is reachable from the machines docsteward is built on (Debian has no .NET SDK). The
//! heading ids are tested against markdig's and DocFX's own test cases instead (unit tests
//! in `src/site/docfx.rs`).

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{f, TestRepo};

fn fixture() -> TestRepo {
    let repo = TestRepo::new();
    repo.copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sites/docfx"));
    repo
}

/// The fixture's deliberate defects, as the JSON report lists them.
fn expected() -> Vec<(String, String, u64, u64)> {
    let index = "reference/docs-conceptual/index.md";
    let deep = "reference/docs-conceptual/learn/deep-dive.md";
    let overview = "reference/docs-conceptual/overview.md";
    vec![
        f("links/missing-file", "CONTRIBUTING.md", 9, 24),
        f("links/missing-file", "README.md", 10, 20),
        f(
            "links/missing-file",
            "reference/7.4/Microsoft.PowerShell.Core/About/about_Arrays.md",
            19,
            17,
        ),
        f("links/missing-anchor", index, 23, 60),
        f("links/missing-file", index, 26, 31),
        f("links/missing-file", index, 29, 19),
        f("links/missing-anchor", deep, 34, 24),
        f("links/missing-anchor", deep, 37, 21),
        f("links/missing-anchor", overview, 16, 37),
        f("links/missing-file", overview, 19, 23),
    ]
}

#[test]
fn the_expected_findings_are_the_marked_defects() {
    let lines: BTreeSet<_> = expected()
        .into_iter()
        .map(|(rule, path, line, _)| (rule, path, line))
        .collect();
    assert_eq!(
        lines,
        common::deliberate_defects(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sites/docfx"),
            &["md"]
        )
        .into_iter()
        .collect::<BTreeSet<_>>()
    );
}

#[test]
fn the_docset_shows_each_deliberate_defect_and_nothing_else() {
    let repo = fixture();
    repo.commit("the docset");
    let out = repo.check_json(&["--as-of", "2030-01-01"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.findings(), expected());
}

/// Without the hand-written configuration, `init` finds Learn's publishing configuration and
/// the check finds the same defects.
#[test]
fn init_detects_docfx_and_finds_the_same_defects() {
    let repo = fixture();
    let (_, found) = common::site::init_then_check(
        &repo,
        &[
            "[site]\ngenerator = \"docfx\"\n",
            "# .openpublishing.publish.config.json: docset in `reference` published at `/powershell/`",
        ],
    );
    assert_eq!(found, expected());
}

/// The same docset checked as GitHub renders it: Learn's URLs, `xref:` and `~/` links mean
/// nothing there. The model is what turns these into working links.
#[test]
fn without_the_model_learn_urls_are_reported() {
    let repo = fixture();
    repo.write("docsteward.toml", "[rules]\n\"stale/age\" = \"off\"\n")
        .commit("the docset as files");
    let out = repo.check_json(&[]);
    let index_findings = out
        .findings()
        .into_iter()
        .filter(|x| x.1 == "reference/docs-conceptual/index.md")
        .count();
    assert!(index_findings > 5, "{}", out.stdout);
}

/// A plain DocFX site (no Learn configuration): pages are `.html` files under each
/// mapping's `dest`, letter case matters, and `~/` is `docfx.json`'s folder.
#[test]
fn a_plain_docfx_site_publishes_html_pages() {
    let repo = TestRepo::new();
    repo.write(
        "docs/docfx.json",
        r#"{ "build": { "content": [ { "files": ["**.md"], "exclude": ["_drafts/**"] },
              { "src": "../api", "files": "*.md", "dest": "reference" } ],
            "resource": [ { "files": ["images/**"] } ] } }"#,
    )
    .write("api/String.md", "---\nuid: System.String\n---\n# String\n\n## Remarks\n")
    .write("docs/images/a.png", "png")
    .write("docs/_drafts/next.md", "# Next\n")
    .write(
        "docs/articles/intro.md",
        "# Intro\n\n\
         [ok](../index.html) [ok](/reference/String.html#remarks) [ok](xref:System.String#remarks)\n\
         [ok](~/images/a.png) [ok](getting-started.md#first-steps) [ok](<xref:Some.Other.Type>)\n\
         [case](/Reference/String.html) [draft](../_drafts/next.md) [anchor](xref:System.String#gone)\n",
    )
    .write("docs/articles/getting-started.md", "# Getting started\n\n## First steps\n")
    .write("docs/index.md", "# Home\n\nSee the [intro](articles/intro.md).\n")
    .write(
        "docsteward.toml",
        "[site]\ngenerator = \"docfx\"\nroot = \"docs\"\n",
    )
    .commit("a plain DocFX site");
    let out = repo.check_json(&[]);
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "docs/articles/intro.md", 5, 8),
            f("links/missing-file", "docs/articles/intro.md", 5, 40),
            f("links/missing-anchor", "docs/articles/intro.md", 5, 87),
        ],
        "{}",
        out.stdout
    );
    // init finds the docfx.json in its folder.
    std::fs::remove_file(repo.path("docsteward.toml")).unwrap();
    repo.commit("no configuration");
    let out = repo.run(&["init"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = std::fs::read_to_string(repo.path("docsteward.toml")).unwrap();
    assert!(
        written.contains("[site]\ngenerator = \"docfx\"\nroot = \"docs\"\n"),
        "{written}"
    );
}

#[test]
fn an_unreadable_docfx_json_is_a_configuration_error() {
    let repo = TestRepo::new();
    repo.write("docfx.json", "{ \"build\": ")
        .write("index.md", "# Home\n")
        .write("docsteward.toml", "[site]\ngenerator = \"docfx\"\n")
        .commit("broken");
    let out = repo.check_json(&[]);
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("docfx.json"), "{}", out.stderr);
}
