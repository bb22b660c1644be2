//! MDX documents (`.mdx`): Markdown links, images, JSX `href`/`src` props and headings are
//! checked; ESM, `{expressions}` and code are not. Each test asserts the exact rule, path,
//! line and column of every finding.

mod common;

use common::{f, Output, TestRepo};

/// `check --format json` in the repository root; the run itself must succeed (exit 0 or 1).
fn check(repo: &TestRepo, extra: &[&str]) -> Output {
    let out = repo.check_json(extra);
    assert!(
        out.code == 0 || out.code == 1,
        "exit {}:\nstdout:\n{}\nstderr:\n{}",
        out.code,
        out.stdout,
        out.stderr
    );
    out
}

#[test]
fn a_broken_markdown_link_in_mdx_is_reported() {
    let repo = TestRepo::new();
    repo.write("docs/guide.mdx", "# Guide\n")
        .write(
            "docs/page.mdx",
            "---\ntitle: Page\n---\nimport Card from '@site/src/components/Card';\n\n# Page\n\nSee [the guide](./guide.mdx) and [nothing](./missing.mdx).\n",
        )
        .commit("c");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [f("links/missing-file", "docs/page.mdx", 8, 44)]
    );
}

#[test]
fn a_broken_href_prop_of_a_component_is_reported() {
    let repo = TestRepo::new();
    repo.write("docs/guides/setup.mdx", "# Setup\n")
        .write(
            "docs/index.mdx",
            "import {Card, LinkCard} from '@astrojs/starlight/components';\n\n<Card href=\"./guides/setup.mdx\" title=\"Setup\" />\n<LinkCard title=\"Gone\"\n  description=\"a multi-line tag\"\n  href='./guides/gone.mdx' />\n\nText <Card href=\"./nope.mdx\">inline</Card> and <a href=\"./also-nope.mdx\">HTML</a>.\n",
        )
        .commit("c");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "docs/index.mdx", 6, 9),
            f("links/missing-file", "docs/index.mdx", 8, 18),
            f("links/missing-file", "docs/index.mdx", 8, 57),
        ]
    );
}

#[test]
fn broken_images_in_mdx_are_reported() {
    let repo = TestRepo::new();
    repo.write("img/ok.png", "png")
        .write(
            "page.mdx",
            "![Fine](./img/ok.png) ![Diagram](./img/diagram.png)\n\n<img src=\"./img/photo.png\" alt=\"A photo\" />\n<Figure src=\"img/chart.svg\" caption={`Q${1}`} />\n",
        )
        .commit("c");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "page.mdx", 1, 34),
            f("links/missing-file", "page.mdx", 3, 11),
            f("links/missing-file", "page.mdx", 4, 14),
        ]
    );
}

#[test]
fn import_and_export_lines_are_not_links() {
    let repo = TestRepo::new();
    repo.write(
        "page.mdx",
        "import Diagram from './missing-diagram.png'\nexport const see = {\n  text: '[x](./missing.md)',\n\n  image: \"![y](./missing.png)\",\n}\n\n# Page\nIn a paragraph,\nexport is a word: [this](./gone.md) is checked.\n",
    )
    .commit("c");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [f("links/missing-file", "page.mdx", 10, 26)]
    );
}

#[test]
fn markdown_inside_jsx_children_is_checked() {
    let repo = TestRepo::new();
    repo.write(
        "page.mdx",
        "import Tabs from '@theme/Tabs';\nimport TabItem from '@theme/TabItem';\n\n<Tabs>\n  <TabItem value=\"npm\">\n    Read [the setup](./setup.mdx) first.\n  </TabItem>\n  <TabItem value=\"yarn\">\n\n    ![Yarn](./yarn.png)\n\n  </TabItem>\n</Tabs>\n\n> <Note>\n> Quoted [link](./quoted.md).\n> </Note>\n\n- <Card href=\"./listed.mdx\" /> and [a link](./listed.md)\n",
    )
    .commit("c");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "page.mdx", 6, 22),
            f("links/missing-file", "page.mdx", 10, 13),
            f("links/missing-file", "page.mdx", 16, 17),
            f("links/missing-file", "page.mdx", 19, 15),
            f("links/missing-file", "page.mdx", 19, 45),
        ]
    );
}

#[test]
fn jsx_in_code_and_expressions_is_not_checked() {
    let repo = TestRepo::new();
    repo.write(
        "page.mdx",
        "# Code\n\n```jsx\n<a href=\"nope\">x</a>\n<Card href=\"nope\" />\n```\n\n- ~~~html\n  <img src=\"nope.png\">\n  ~~~\n\nInline `<a href=\"nope\">` and ``<Card href=\"nope\" />``.\n\n{\"[x](./nope.md)\"} {`${\"{\"} [y](./nope.md) <a href=\"nope\">`}\n\n{/* [z](./nope.md) */}\n",
    )
    .commit("c");
    let out = check(&repo, &[]);
    assert_eq!(out.findings(), []);
}

#[test]
fn anchors_into_an_mdx_document_are_its_headings() {
    let repo = TestRepo::new();
    repo.write(
        "guide.mdx",
        "import Badge from './Badge';\n\n# Guide\n\n## Setup steps <Badge text=\"beta\" />\n\n## Install {#custom-id}\n\n<div id=\"extra\" />\n",
    )
    .write(
        "README.md",
        "# Home\n\n[a](guide.mdx#setup-steps) [b](guide.mdx#custom-id) [c](guide.mdx#extra) [d](guide.mdx#setup)\n",
    )
    .write("other.mdx", "# Other\n\n[back](./README.md#hom) [here](#other)\n")
    .commit("c");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [
            f("links/missing-anchor", "README.md", 3, 87),
            f("links/missing-anchor", "other.mdx", 3, 19),
        ]
    );
}

#[test]
fn an_mdx_comment_suppresses_the_next_line() {
    let repo = TestRepo::new();
    repo.write(
        "page.mdx",
        "{/* docsteward-disable-next-line links/missing-file */}\n[x](./a.md)\n[y](./b.md)\n\n{/* docsteward-disable images/missing-alt */}\n![](./c.png)\n",
    )
    .commit("c");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "page.mdx", 3, 5),
            f("links/missing-file", "page.mdx", 6, 5),
        ]
    );
}

#[test]
fn mdx_is_included_by_default_and_can_be_left_out() {
    let repo = TestRepo::new();
    repo.write("docs/a.mdx", "[x](./gone.md)\n")
        .write("docs/b.md", "[y](./gone.md)\n")
        .commit("c");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "docs/a.mdx", 1, 5),
            f("links/missing-file", "docs/b.md", 1, 5)
        ]
    );
    // A folder on the command line takes its MDX documents too.
    let out = check(&repo, &["docs"]);
    assert_eq!(out.findings().len(), 2, "{}", out.stdout);

    repo.write("docsteward.toml", "include = [\"**/*.md\"]\n")
        .commit("only Markdown");
    let out = check(&repo, &[]);
    assert_eq!(out.findings(), [f("links/missing-file", "docs/b.md", 1, 5)]);
}

#[test]
fn an_mdx_landing_page_is_never_an_orphan() {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[rules]\n\"graph/orphan\" = \"warning\"\n",
    )
    .write(
        "docs/index.mdx",
        "# Docs\n\n<Card href=\"./setup.mdx\" />\n",
    )
    .write("docs/setup.mdx", "# Setup\n")
    .write("docs/lonely.mdx", "# Lonely\n")
    .commit("c");
    let out = check(&repo, &[]);
    assert_eq!(out.findings(), [f("graph/orphan", "docs/lonely.mdx", 1, 1)]);
}
