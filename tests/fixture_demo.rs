//! The README's demo, `docsteward check fixtures/handbook`, prints the handbook's deliberate
//! defects and nothing else. The handbook is copied into a fresh repository so the result
//! depends neither on this checkout's state nor on its history.

mod common;

use std::path::Path;

use common::{f, TestRepo};

fn handbook() -> TestRepo {
    let repo = TestRepo::new();
    repo.copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/handbook"));
    repo
}

#[test]
fn the_demo_shows_each_deliberate_defect_once() {
    let repo = handbook();
    repo.commit("the handbook");
    let out = repo.check_json(&[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let expected = expected();
    assert_eq!(out.findings(), expected);
    // Each default-on rule that a fresh clone can show is demonstrated.
    let shown: std::collections::HashSet<&str> = expected.iter().map(|e| e.0.as_str()).collect();
    for rule in docsteward::rules::RULES {
        let on = rule.default_level() != docsteward::config::Level::Off;
        // An untracked or unreadable file cannot survive a clone, a file over the size limit
        // or with over 10,000 findings of one rule is too large to keep here, and stale/age
        // depends on dates.
        let cannot = [
            "links/untracked",
            "io/unreadable",
            "limits/file-too-large",
            "limits/too-many-findings",
            "stale/age",
            // Only a vault model (`fixtures/vault`) has names that several notes share.
            "links/ambiguous",
        ];
        if on && !cannot.contains(&rule.id()) {
            assert!(
                shown.contains(rule.id()),
                "the demo does not show {}",
                rule.id()
            );
        }
    }
}

/// Without its hand-written configuration, `init` infers one under which the check finds
/// every deliberate defect and nothing else, but the enum typo: six glossary entries with
/// front matter use each category once or twice, too few for init to call it a closed list.
#[test]
fn init_on_the_handbook_finds_the_deliberate_defects() {
    let repo = handbook();
    std::fs::remove_file(repo.path("docsteward.toml")).unwrap();
    repo.commit("the handbook without its configuration");
    let out = repo.run(&["init"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    repo.commit("what init wrote");
    let out = repo.check_json(&["--as-of", "2024-06-01"]);
    let found: Vec<_> = out
        .findings()
        .into_iter()
        .filter(|x| x.0 != "stale/age")
        .collect();
    let expected: Vec<_> = expected()
        .into_iter()
        .filter(|x| x.0 != "frontmatter/schema")
        .collect();
    assert_eq!(found, expected);
}

/// The handbook's deliberate defects, as the JSON report lists them.
fn expected() -> Vec<(String, String, u64, u64)> {
    vec![
        f(
            "links/missing-file",
            "articles/running-a-community.md",
            12,
            21,
        ),
        f(
            "links/missing-anchor",
            "articles/running-a-community.md",
            17,
            82,
        ),
        f(
            "footnotes/undefined",
            "articles/running-a-community.md",
            26,
            65,
        ),
        f("footnotes/unused", "articles/running-a-community.md", 35, 1),
        f("encoding/mojibake", "decks/community-kickoff.md", 19, 18),
        f("links/case-mismatch", "decks/community-kickoff.md", 37, 36),
        f("images/missing-alt", "decks/community-kickoff.md", 51, 1),
        f("links/outside-repo", "decks/community-kickoff.md", 54, 51),
        f("terms/duplicate", "glossary/community-of-practice.md", 3, 7),
        f("terms/duplicate", "glossary/cop.md", 3, 7),
        f(
            "terms/unknown",
            "glossary/legitimate-peripheral-participation.md",
            9,
            5,
        ),
        f("frontmatter/syntax", "glossary/lunch-and-learn.md", 3, 22),
        f("frontmatter/schema", "glossary/working-out-loud.md", 4, 11),
        f("encoding/invalid-utf8", "notes/2024-03-meetup.md", 3, 18),
        f("encoding/not-text", "notes/whiteboard-scan.md", 1, 1),
    ]
}
