//! The Astro site that seed 002 comes from: a glossary under `src/content/glossary/` whose
//! terms keep `relatedTerms`, slides under `src/content/slides/` that keep `glossaryTerms`
//! and a root-absolute `bookCover` served from `public/`, and body links to the site's
//! `/glossary/{slug}` pages. A clean layout reports nothing; three planted defects report
//! exactly three findings.

mod common;

use common::{diagnostics, f, TestRepo};

const CONFIG: &str = r#"[links]
roots = ["public"]
front-matter-keys = ["bookCover"]

[[links.routes]]
url = "/glossary/{slug}"
file = "src/content/glossary/{slug}.md"

[terms]
reference-keys = ["relatedTerms", "glossaryTerms"]
"#;

/// Shaped like the seed: quoted `term`, a quoted flow list of related slugs.
const COMMUNITIES: &str = r#"---
term: "Communities of Practice"
category: "practice"
difficulty: "intermediate"
relatedTerms: ["organizational-learning", "tacit-knowledge"]
tags: ["organizational-learning", "practice"]
---

Communities of Practice are groups of people who share a concern or passion for something
they do. Much of what they know is [tacit](/glossary/tacit-knowledge).

## Knowledge Lives in Communities

Knowledge doesn't primarily live in documents or databases.
"#;

const TACIT: &str = r#"---
term: "Tacit Knowledge"
category: "knowledge"
relatedTerms:
  - communities-of-practice
  - organizational-learning
---

Knowledge that is hard to write down; it lives in
[communities of practice](/glossary/communities-of-practice/).
"#;

const LEARNING: &str = r#"---
term: "Organizational Learning"
category: "practice"
relatedTerms: ["communities-of-practice", "tacit-knowledge"]
---

How an organization gets better at what it does.
"#;

/// A slide deck with no defects.
const SLIDES: &str = r#"---
title: "Communities of Practice in the Workplace"
bookCover: /covers/book.jpg
glossaryTerms:
  - communities-of-practice
  - tacit-knowledge
---

# Communities of Practice

Members share [tacit knowledge](/glossary/tacit-knowledge) and learn together, see
[organizational learning](/glossary/organizational-learning/).

![The book's cover](/covers/book.jpg)
"#;

/// The same deck with one unknown glossary slug, one missing cover and one broken
/// `/glossary/...` link.
const BROKEN_SLIDES: &str = r#"---
title: "Communities of Practice in the Workplace"
bookCover: /covers/missing-book.jpg
glossaryTerms:
  - communities-of-practice
  - tacit-knowlege
---

# Communities of Practice

Members share [tacit knowledge](/glossary/tacit-knowledge) and learn together, see
[organizational learning](/glossary/organisational-learning/).

![The book's cover](/covers/book.jpg)
"#;

fn astro_site(slides: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", CONFIG)
        .write(
            "package.json",
            "{ \"name\": \"km-site\", \"private\": true }\n",
        )
        .write(
            "astro.config.mjs",
            "import { defineConfig } from 'astro/config';\nexport default defineConfig({});\n",
        )
        .write(
            "src/pages/glossary/[slug].astro",
            "---\nconst { slug } = Astro.params;\n---\n<h1>{slug}</h1>\n",
        )
        .write(
            "src/content/glossary/communities-of-practice.md",
            COMMUNITIES,
        )
        .write("src/content/glossary/tacit-knowledge.md", TACIT)
        .write("src/content/glossary/organizational-learning.md", LEARNING)
        .write("src/content/slides/communities-of-practice.md", slides)
        .write("public/covers/book.jpg", [0xFF, 0xD8, 0xFF, 0xE0])
        .commit("Astro knowledge base");
    repo
}

#[test]
fn clean_astro_layout_reports_nothing() {
    let repo = astro_site(SLIDES);
    let out = repo.check_json(&[]);
    assert_eq!(
        out.code, 0,
        "stdout:\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
    assert_eq!(out.findings(), []);
    assert_eq!(out.json()["summary"]["documents"], 4);
}

#[test]
fn planted_defects_are_exactly_three_findings() {
    let repo = astro_site(BROKEN_SLIDES);
    let out = repo.check_json(&[]);
    assert_eq!(
        out.code, 1,
        "stdout:\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
    let slides = "src/content/slides/communities-of-practice.md";
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", slides, 3, 12),
            f("terms/unknown", slides, 6, 5),
            f("links/missing-file", slides, 12, 27),
        ]
    );
    let report = out.json();
    let d = diagnostics(&report);

    let cover = &d[0];
    assert_eq!(cover["end_column"], 36);
    assert!(
        cover["message"]
            .as_str()
            .unwrap()
            .contains("covers/missing-book.jpg"),
        "{cover:#}"
    );

    let term = &d[1];
    assert_eq!(term["end_column"], 19);
    assert!(
        term["message"]
            .as_str()
            .unwrap()
            .contains("`glossaryTerms`"),
        "{term:#}"
    );
    assert_eq!(term["help"], "did you mean `tacit-knowledge`?");

    let link = &d[2];
    assert_eq!(link["end_column"], 61);
    let message = link["message"].as_str().unwrap();
    assert!(
        message.contains("src/content/glossary/organisational-learning.md"),
        "{link:#}"
    );
    assert!(message.contains("/glossary/{slug}"), "{link:#}");
}

#[test]
fn related_terms_in_the_glossary_are_checked_too() {
    let repo = astro_site(SLIDES);
    repo.write(
        "src/content/glossary/tacit-knowledge.md",
        TACIT.replace("organizational-learning", "org-learning"),
    )
    .commit("typo in relatedTerms");
    let out = repo.check_json(&[]);
    assert_eq!(
        out.findings(),
        [f(
            "terms/unknown",
            "src/content/glossary/tacit-knowledge.md",
            6,
            5
        )]
    );
}
