//! The `jekyll` site model on `fixtures/sites/jekyll`, a Jekyll site served under the
//! baseurl `/docs` with posts, a collection, redirects and Liquid link tags: the check finds
//! its deliberate defects and nothing else, with its hand-written configuration and after
//! `init` alone; and Jekyll itself is the oracle: the fixture is built with the Jekyll that
//! `.ci/run` installs (Debian's, with jekyll-relative-links and jekyll-redirect-from), and
//! docsteward's verdict on every link of every rendered page must match what the built site
//! serves.

mod common;

use std::path::Path;
use std::process::Command;

use common::site::{flagged, line_col, links_in, Built};
use common::{f, TestRepo};
use docsteward::document::markdown::RefKind;
use docsteward::document::Document;

const FIXTURE: &str = "fixtures/sites/jekyll";

fn fixture() -> TestRepo {
    let repo = TestRepo::new();
    repo.copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE));
    repo
}

/// The fixture's deliberate defects, as the JSON report lists them.
fn expected() -> Vec<(String, String, u64, u64)> {
    vec![
        f("links/missing-file", "README.md", 7, 17),
        f("links/missing-anchor", "_guides/install.md", 13, 32),
        f(
            "links/missing-file",
            "_posts/2024-03-05-release-notes.md",
            15,
            18,
        ),
        f("links/missing-anchor", "about.md", 24, 23),
        f("links/missing-file", "handbook.md", 14, 18),
        f("links/missing-file", "index.md", 25, 18),
        f("links/missing-anchor", "index.md", 28, 20),
        f("links/missing-file", "index.md", 31, 12),
        f("links/missing-file", "index.md", 34, 21),
        f("links/missing-file", "index.md", 37, 12),
        f("links/missing-file", "index.md", 40, 21),
        f("links/missing-file", "index.md", 43, 19),
        f(
            "links/missing-anchor",
            "news/_posts/2024-04-01-launch.md",
            11,
            56,
        ),
        f("links/missing-file", "sub/page.md", 10, 20),
    ]
}

#[test]
fn the_fixture_shows_each_deliberate_defect_and_nothing_else() {
    let repo = fixture();
    repo.commit("the jekyll site");
    let out = repo.check_json(&["--as-of", "2030-01-01"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.findings(), expected(), "{}", out.stdout);
    let mut found: Vec<(String, String, u64)> = expected()
        .into_iter()
        .map(|(r, p, l, _)| (r, p, l))
        .collect();
    found.sort();
    assert_eq!(
        found,
        common::deliberate_defects(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE),
            &["md"]
        ),
        "every marker has its finding, and only those"
    );
}

/// Without a site model (GitHub's reading, the default), links are file paths: the same
/// fixture reads very differently.
#[test]
fn without_the_model_links_are_file_paths() {
    let repo = fixture();
    repo.write("docsteward.toml", "[rules]\n\"stale/age\" = \"off\"\n");
    repo.commit("the jekyll site read as GitHub renders it");
    let out = repo.check_json(&["--as-of", "2030-01-01"]);
    assert_ne!(out.findings(), expected());
}

#[test]
fn init_detects_jekyll_and_finds_the_same_defects() {
    let repo = fixture();
    let (_, found) = common::site::init_then_check(
        &repo,
        &[
            "generator = \"jekyll\"",
            "Jekyll: read _config.yml (Gemfile names jekyll); baseurl `/docs`, permalink `date`, collections guides, plugins jekyll-relative-links, jekyll-redirect-from",
        ],
    );
    assert_eq!(found, expected());
}

/// The `pretty` style, `categories`, a collection, front matter defaults (a page takes their
/// `permalink` but not their `published: false`, as Jekyll 4.3 does), `_config.toml`, and
/// kramdown's own ids with a prefix; each URL as Jekyll builds it.
#[test]
fn permalinks_defaults_and_kramdown_ids() {
    let repo = TestRepo::new();
    repo.write(
        "_config.toml",
        "permalink = \"pretty\"\n[kramdown]\ninput = \"kramdown\"\nauto_id_prefix = \"id-\"\n[collections.api]\noutput = true\n[[defaults]]\nscope = { path = \"legacy\" }\nvalues = { published = false, permalink = \"/old/\" }\n",
    )
    .write("Gemfile", "gem 'jekyll'\n")
    .write("docsteward.toml", "[site]\ngenerator = \"jekyll\"\n[rules]\n\"stale/age\" = \"off\"\n")
    .write("_posts/2021-01-01-new-year.md", "---\ncategories: a b\n---\n# 1. Happy\n")
    .write("_api/ref.md", "---\n---\n# Ref\n")
    .write("legacy/old.md", "---\n---\n# Old\n")
    .write("about.md", "---\n---\n# About\n")
    .write(
        "index.md",
        "---\n---\n# Home\n\n[post](/a/b/2021/01/01/new-year/#id-happy) [about](/about/) [api](/api/ref.html) [old](/legacy/old/) [moved](/old/) [bad](/a/b/2021/01/01/new-year/#happy) [x]({% post_url 2021-01-01-new-year %}) [y]({% post_url 2021-01-02-nope %}) [z]({% link legacy/old.md %})\n",
    )
    .commit("c");
    let out = repo.check_json(&[]);
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "index.md", 5, 88),
            f("links/missing-anchor", "index.md", 5, 148),
            f("links/missing-file", "index.md", 5, 200),
        ],
        "{}",
        out.stdout
    );
}

/// A GitHub Pages site (the `github-pages` gem turns on jekyll-relative-links and
/// jekyll-optional-front-matter) built from `site/`, with an `exclude` glob and kramdown's
/// automatic ids turned off: as Jekyll 4.3.1 with those plugins builds it.
#[test]
fn github_pages_source_folder_globs_and_no_auto_ids() {
    let repo = TestRepo::new();
    repo.write("Gemfile", "gem \"github-pages\", group: :jekyll_plugins\n")
        .write(
            "_config.yml",
            "source: site\nexclude: [\"*.txt\"]\nkramdown:\n  auto_ids: false\n",
        )
        .write("site/plain.md", "# Plain\n\n[g](guide.md#g) [raw](/plain.md)\n")
        .write(
            "site/guide.md",
            "---\n---\n# Guide {#g}\n\n## Auto\n\n[a](#g) [b](#auto) [c](plain.md) [d](notes.txt) [e](other/) [f](other/notes.txt) [h](plain.html)\n",
        )
        .write("site/notes.txt", "hi\n")
        .write("site/other/notes.txt", "hi\n")
        .write("site/other/index.md", "---\n---\n# Other\n")
        .commit("c");
    let out = repo.run(&["init"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let written = std::fs::read_to_string(repo.path("docsteward.toml")).unwrap();
    assert!(
        written.contains("Jekyll: read _config.yml (Gemfile names github-pages); baseurl `/`, permalink `date`, source `site`, plugins jekyll-relative-links, jekyll-optional-front-matter"),
        "{written}"
    );
    repo.commit("init");
    let out = repo.check_json(&["--as-of", "2030-01-01"]);
    let found: Vec<_> = out
        .findings()
        .into_iter()
        .filter(|x| x.0 != "stale/age")
        .collect();
    assert_eq!(
        found,
        [
            f("links/missing-anchor", "site/guide.md", 7, 13),
            f("links/missing-file", "site/guide.md", 7, 38),
            f("links/missing-file", "site/guide.md", 7, 65),
        ],
        "{}",
        out.stdout
    );
}

/// `init` recognises Jekyll by a `_posts/` folder beside `_config.yml` without a Gemfile,
/// and leaves a lone `_config.yml` (a tool's, say) alone.
#[test]
fn init_recognises_jekyll_by_its_folders() {
    let repo = TestRepo::new();
    repo.write("_config.yml", "baseurl: /blog\npermalink: pretty\n")
        .write("_posts/2020-01-01-hi.md", "---\n---\n# Hi\n")
        .write(
            "index.md",
            "---\n---\n[hi](/blog/2020/01/01/hi/) [no](/2020/01/01/hi/)\n",
        )
        .commit("c");
    let out = repo.run(&["init"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let written = std::fs::read_to_string(repo.path("docsteward.toml")).unwrap();
    assert!(
        written.contains(
            "Jekyll: read _config.yml (_posts/ exists); baseurl `/blog`, permalink `pretty`"
        ),
        "{written}"
    );
    repo.commit("init");
    let out = repo.check_json(&["--as-of", "2030-01-01"]);
    let found: Vec<_> = out
        .findings()
        .into_iter()
        .filter(|x| x.0 != "stale/age")
        .collect();
    assert_eq!(
        found,
        [f("links/missing-file", "index.md", 3, 33)],
        "{}",
        out.stdout
    );
    let lone = TestRepo::new();
    lone.write("_config.yml", "key: value\n")
        .write("a.md", "# A\n")
        .commit("c");
    let out = lone.run(&["init"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let written = std::fs::read_to_string(lone.path("docsteward.toml")).unwrap();
    assert!(!written.contains("jekyll"), "{written}");
}

/// Odd configuration and front matter values are read as Jekyll would or ignored, never a
/// crash; a configuration that is not a table of keys is a configuration error (exit 2).
#[test]
fn odd_values_never_crash() {
    let repo = TestRepo::new();
    repo.write(
        "_config.yml",
        "baseurl: 5\npermalink: \":::/:\"\ncollections: 7\ndefaults: [1, {values: 2}, {scope: 3, values: {permalink: 4}}]\nexclude: \"[\"\nkramdown: x\nplugins: {a: b}\n",
    )
    .write("docsteward.toml", "[site]\ngenerator = \"jekyll\"\n[rules]\n\"stale/age\" = \"off\"\n")
    .write("_posts/2020-01-0\u{e9}-x.md", "---\ndate: 2020-01-0\u{e9}\n---\n")
    .write("_posts/2147483647-01-01-x.md", "---\ncategories: [[1], {a: 2}]\nslug: 9\n---\n")
    .write("b/_posts", "a file named _posts")
    .write("a/_posts", "another")
    .write(
        "index.md",
        "---\npermalink: [1]\nredirect_from: {a: 1}\n---\n{% link %} {% post_url %} {% post_url / %} [x]({{ }}) [y]({{ | relative_url }}) {%- link -%}\n",
    )
    .commit("c");
    let out = repo.check_json(&[]);
    assert!(matches!(out.code, 0 | 1), "{}\n{}", out.stdout, out.stderr);
    repo.write("_config.yml", "- a list\n").commit("a list");
    let out = repo.check_json(&[]);
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
}

/// Jekyll with the two plugins the fixture uses, if they are installed.
fn jekyll() -> bool {
    let found = Command::new("ruby")
        .args([
            "-e",
            "require 'jekyll'; require 'jekyll-relative-links'; require 'jekyll-redirect-from'",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
            panic!(
                "Jekyll and its plugins are not installed, and CI is set: .ci/run installs them"
            );
        }
        eprintln!("skipped: Jekyll is not installed (CI installs it; see .ci/run)");
    }
    found
}

/// Builds `source` into `dest` with Jekyll and lists each rendered page and document:
/// `(source path, URL, output file)`.
const BUILD_AND_LIST: &str = r#"
require "jekyll"
src, dest = ARGV
site = Jekyll::Site.new(Jekyll.configuration("source" => src, "destination" => dest, "quiet" => true))
site.process
(site.pages + site.docs_to_write).each do |p|
  next unless File.file?(File.join(src, p.relative_path))
  puts [p.relative_path, p.url, p.destination(dest)].join("\t")
end
"#;

fn build(source: &Path, dest: &Path) -> std::process::Output {
    Command::new("ruby")
        .args(["-e", BUILD_AND_LIST])
        .arg(source)
        .arg(dest)
        // The fixture's Gemfile names the plugins; they are loaded from `plugins:` without
        // asking Bundler, which would want to resolve them.
        .env("JEKYLL_NO_BUNDLER_REQUIRE", "true")
        .output()
        .expect("run ruby")
}

const HOST: &str = "https://example.org";
const BASE: &str = "/docs/";

#[test]
fn jekyll_builds_what_docsteward_expects() {
    if !jekyll() {
        return;
    }
    let repo = fixture();
    repo.commit("the jekyll site");
    let report = repo.check_json(&["--as-of", "2030-01-01"]);
    let findings = report.findings();
    let out_dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let built = build(repo.root(), out_dir.path());
    assert!(
        built.status.success(),
        "jekyll build failed:\n{}",
        String::from_utf8_lossy(&built.stderr)
    );
    eprintln!("jekyll built the fixture in {:?}", started.elapsed());
    let site = Built {
        out: out_dir.path().to_owned(),
        host: HOST,
        base: BASE,
    };
    let list = String::from_utf8_lossy(&built.stdout).into_owned();
    let mut pages: Vec<(&str, &str, &str)> = list
        .lines()
        .filter_map(|l| {
            let mut it = l.split('\t');
            Some((it.next()?, it.next()?, it.next()?))
        })
        .collect();
    pages.sort();
    let mut compared = 0;
    let mut disagreements = Vec::new();
    for (path, url, output) in pages {
        if !path.ends_with(".md") {
            continue;
        }
        let url = format!("{}{url}", BASE.trim_end_matches('/'));
        let html = std::fs::read_to_string(output).unwrap();
        let text = std::fs::read_to_string(repo.path(path)).unwrap();
        let doc = Document::parse(path, text.as_bytes());
        // A Liquid link is an HTML link where it is a Markdown link's destination; a tag
        // elsewhere (in code) renders as text.
        let refs: Vec<_> = doc
            .markdown
            .references
            .iter()
            .filter(|r| match r.kind {
                RefKind::Link | RefKind::Image => true,
                RefKind::Liquid => text[..r.span.start].ends_with("]("),
                _ => false,
            })
            .collect();
        let hrefs = links_in(&html);
        assert_eq!(
            refs.len(),
            hrefs.len(),
            "{path}: docsteward reads {:?}, Jekyll rendered {hrefs:?}",
            refs.iter().map(|r| &r.target).collect::<Vec<_>>()
        );
        for (r, href) in refs.iter().zip(&hrefs) {
            compared += 1;
            let (line, start) = line_col(&text, r.span.start);
            let (_, end) = line_col(&text, r.span.end);
            let flagged = flagged(&findings, path, line, (start, end));
            let ok = site.works(&url, href);
            if flagged == ok {
                disagreements.push(format!(
                    "{path}:{line}:{start} `{}` rendered as `{href}`: the built site {}, docsteward {}",
                    r.target,
                    if ok { "serves it" } else { "does not serve it" },
                    if flagged { "reports it" } else { "does not" },
                ));
            }
        }
    }
    eprintln!(
        "jekyll oracle: {compared} links compared, {} agree",
        compared - disagreements.len()
    );
    assert!(compared >= 40, "only {compared} links compared");
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// A `link` or `post_url` tag naming nothing fails Jekyll's build, in a code block too;
/// docsteward reports it before the build, and leaves `{% raw %}` alone.
#[test]
fn a_broken_link_tag_fails_jekyll_and_is_reported() {
    const BROKEN: &str = "---\ntitle: Broken\n---\n\n{% raw %}{% link nowhere.md %}{% endraw %}\n\n```\n{% link no-such-page.md %}\n```\n";
    const BROKEN_POST: &str = "---\n---\n\n[x]({% post_url 2024-03-05-no-such-post %})\n";
    let repo = fixture();
    repo.write("broken.md", BROKEN)
        .write("broken-post.md", BROKEN_POST);
    repo.commit("broken tags");
    let report = repo.check_json(&["--as-of", "2030-01-01"]);
    let findings = report.findings();
    assert!(
        findings.contains(&f("links/missing-file", "broken.md", 8, 1))
            && findings.contains(&f("links/missing-file", "broken-post.md", 4, 5))
            && !findings.iter().any(|x| x.1 == "broken.md" && x.2 == 5),
        "{}",
        report.stdout
    );
    if !jekyll() {
        return;
    }
    for (file, text, says) in [
        (
            "broken.md",
            BROKEN,
            "Could not find document 'no-such-page.md'",
        ),
        ("broken-post.md", BROKEN_POST, "Could not find post"),
    ] {
        std::fs::remove_file(repo.path("broken.md")).unwrap();
        std::fs::remove_file(repo.path("broken-post.md")).unwrap();
        std::fs::write(repo.path(file), text).unwrap();
        let out_dir = tempfile::tempdir().unwrap();
        let built = build(repo.root(), out_dir.path());
        assert!(!built.status.success(), "jekyll built a site with {file}");
        let said = String::from_utf8_lossy(&built.stderr);
        assert!(said.contains(says), "{said}");
        std::fs::write(repo.path("broken.md"), "").unwrap();
        std::fs::write(repo.path("broken-post.md"), "").unwrap();
    }
}
