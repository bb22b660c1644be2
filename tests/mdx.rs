//! MDX documents (`.mdx`): Markdown links, images, JSX `href`/`src` props and headings are
//! checked; ESM, `{expressions}` and code are not. Each test asserts the exact rule, path,
//! line and column of every finding. The MDX compiler itself (`@mdx-js/mdx`, run by node)
//! is the oracle for what an MDX file holds: on the fixture site `fixtures/mdx`, it must
//! find the same references, with the same spans, anchors and headings as docsteward.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{f, files_with_extension, have_tool, Output, TestRepo};
use docsteward::document::markdown::RefKind;
use docsteward::document::Document;
use serde_json::{json, Value};

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

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_fixture_site_shows_its_three_deliberate_defects() {
    let repo = TestRepo::new();
    repo.copy_tree(&manifest_dir().join("fixtures/mdx"))
        .commit("the site");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "docs/guides/components.mdx", 12, 35),
            f("links/missing-anchor", "docs/guides/install.mdx", 17, 64),
            f("links/missing-file", "docs/guides/install.mdx", 26, 31),
        ]
    );
}

/// The folder that `.ci/run` installs `@mdx-js/mdx` into. `None` (the test skips) when it or
/// node is missing, except under CI, where that fails.
fn mdx_oracle() -> Option<PathBuf> {
    if !have_tool("node") {
        return None;
    }
    let cache = manifest_dir().join("tests/.cache/mdx");
    if cache
        .join("node_modules/@mdx-js/mdx/package.json")
        .is_file()
    {
        return Some(cache);
    }
    let install = "npm install --prefix tests/.cache/mdx @mdx-js/mdx@3.1.1";
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("@mdx-js/mdx is not installed, and CI is set: .ci/run should have run `{install}`");
    }
    eprintln!("skipped: @mdx-js/mdx is not installed (`{install}`; CI installs it)");
    None
}

/// What docsteward reads in `path`, in the oracle's terms.
fn ours(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap();
    let doc = Document::parse(&path.display().to_string(), &bytes);
    let md = &doc.markdown;
    let refs: Vec<Value> = md
        .references
        .iter()
        .map(|r| {
            let kind = match r.kind {
                RefKind::Link => "link",
                RefKind::Image => "image",
                RefKind::Definition => "definition",
                RefKind::HtmlLink => "href",
                RefKind::HtmlImage => "src",
                // Hugo shortcodes are read in Markdown only, never in MDX.
                RefKind::Shortcode => "shortcode",
            };
            json!({"kind": kind, "target": r.target, "span": [r.span.start, r.span.end]})
        })
        .collect();
    json!({"refs": refs, "anchors": md.html_anchors})
}

#[test]
fn the_mdx_compiler_reads_the_fixtures_as_docsteward_does() {
    let Some(cache) = mdx_oracle() else { return };
    let files = files_with_extension(&manifest_dir().join("fixtures/mdx"), "mdx");
    let out = Command::new("node")
        .arg(manifest_dir().join("tests/mdx_oracle.mjs"))
        .arg(&cache)
        .args(&files)
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut compared = 0;
    for (line, file) in stdout.lines().zip(&files) {
        let theirs: Value = serde_json::from_str(line).unwrap();
        assert_eq!(theirs["file"], file.display().to_string());
        assert!(
            theirs["error"].is_null(),
            "the fixture is not MDX: {theirs}"
        );
        let ours = ours(file);
        assert_eq!(
            ours["refs"],
            theirs["refs"],
            "references in {}",
            file.display()
        );
        assert_eq!(
            ours["anchors"],
            theirs["anchors"],
            "anchors in {}",
            file.display()
        );
        let doc = Document::parse(&file.display().to_string(), &std::fs::read(file).unwrap());
        let headings = theirs["headings"].as_array().unwrap();
        assert_eq!(
            doc.markdown.headings.len(),
            headings.len(),
            "{}",
            file.display()
        );
        for (h, t) in doc.markdown.headings.iter().zip(headings) {
            assert_eq!(
                (u64::from(h.level), h.text.as_str()),
                (t["depth"].as_u64().unwrap(), t["text"].as_str().unwrap()),
                "a heading in {}",
                file.display()
            );
            if let Some(id) = t["id"].as_str() {
                assert_eq!(h.anchor, id, "a heading id in {}", file.display());
            }
        }
        compared += theirs["refs"].as_array().unwrap().len() + headings.len();
    }
    assert_eq!(stdout.lines().count(), files.len(), "{stdout}");
    // The fixtures are worth comparing: many references and headings, not a handful.
    assert!(
        compared > 50,
        "only {compared} references and headings compared"
    );
}
