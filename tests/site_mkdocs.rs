//! The MkDocs site model on `fixtures/sites/mkdocs`, a miniature multilingual MkDocs site
//! (mkdocs-static-i18n, folder structure) with redirects, drafts and a `site_url` path:
//! docsteward finds every planted defect and nothing else, with the fixture's own
//! configuration and after `init` alone; and MkDocs itself is the oracle: the fixture is
//! built with the real `mkdocs build`, and docsteward's verdict on each link of each built
//! page agrees with what the built site has at the link's target.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{f, TestRepo};
use docsteward::document::markdown::{self, RefKind};
use percent_encoding::percent_decode_str;

const FIXTURE: &str = "fixtures/sites/mkdocs";
/// `site_url`'s path in the fixture's mkdocs.yml.
const PREFIX: &str = "/handbook/";

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn site() -> TestRepo {
    let repo = TestRepo::new();
    repo.copy_tree(&manifest_dir().join(FIXTURE));
    repo
}

/// The fixture's deliberate defects, read from the `<!-- deliberate defect: RULE -->`
/// comments: each marks the line after it, where the finding is at the link's column.
fn markers() -> Vec<(String, String, u64)> {
    common::deliberate_defects(&manifest_dir().join(FIXTURE), &["md"])
}

/// The findings the fixture must give: one per marker, at the column of the link.
fn expected() -> Vec<(String, String, u64, u64)> {
    vec![
        f("links/missing-anchor", "CONTRIBUTING.md", 6, 24),
        f("links/missing-file", "README.md", 8, 11),
        f("links/missing-anchor", "docs/en/guide/faq.md", 14, 44),
        f("links/missing-anchor", "docs/en/guide/faq.md", 21, 16),
        f("links/missing-file", "docs/en/guide/setup.md", 7, 58),
        f("links/missing-anchor", "docs/en/guide/setup.md", 22, 36),
        f("links/missing-file", "docs/en/index.md", 12, 24),
        f("links/missing-file", "docs/en/index.md", 18, 28),
        f("links/missing-file", "docs/en/reference/index.md", 6, 11),
        f("links/missing-anchor", "docs/fr/guide/setup.md", 10, 12),
        f("links/missing-file", "docs/fr/index.md", 13, 26),
    ]
}

#[test]
fn the_expected_findings_are_the_planted_defects() {
    let mut from_expected: Vec<(String, String, u64)> = expected()
        .into_iter()
        .map(|(r, p, l, _)| (r, p, l))
        .collect();
    from_expected.sort();
    assert_eq!(from_expected, markers());
}

#[test]
fn the_fixture_gives_each_planted_defect_and_nothing_else() {
    let repo = site();
    repo.commit("the site");
    let out = repo.check_json(&["--as-of", "2030-01-01"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.findings(), expected());
}

/// `init` alone detects MkDocs and reads mkdocs.yml; the one difference is the link to
/// `/api/v2/`, another site on the host, which only the hand-written `[links] external`
/// knows about.
#[test]
fn init_detects_mkdocs_and_finds_the_same_defects() {
    let repo = site();
    let (_, found) = common::site::init_then_check(
        &repo,
        &[
            "generator = \"mkdocs\"",
            "i18n folder structure, en (default), fr",
        ],
    );
    let mut want = expected();
    want.push(f("links/missing-file", "docs/en/reference/cli.md", 14, 74));
    want.sort();
    let mut found = found;
    found.sort();
    assert_eq!(found, want);
}

#[test]
fn a_missing_mkdocs_yml_is_a_configuration_error() {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", "[site]\ngenerator = \"mkdocs\"\n")
        .write("docs/index.md", "# Home\n")
        .commit("c");
    let out = repo.run(&["check"]);
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("mkdocs.yml"), "{}", out.stderr);
}

/// A suffix-structured site without directory URLs: `page.de.md` is `/de/page.html`, and a
/// link on it to `other.md` finds `other.de.md` first, else the default language's page.
/// (`mkdocs build` of this site gives `other.html#nur-deutsch`, `../index.html` and a
/// broken `nope.html` on `/de/index.html`.)
#[test]
fn suffix_structure_and_html_urls() {
    let repo = TestRepo::new();
    repo.write(
        "mkdocs.yml",
        "site_name: s\nuse_directory_urls: false\nplugins:\n  - i18n:\n      languages:\n        - locale: en\n          name: English\n          default: true\n        - locale: de\n          name: Deutsch\n",
    )
    .write("docsteward.toml", "[site]\ngenerator = \"mkdocs\"\n")
    .write("docs/index.md", "# Home\n\n[Other](other.md#only-english) [de](de/index.html)\n")
    .write("docs/index.de.md", "# Start\n\n[Other](other.md#nur-deutsch) [back](../index.html) [gone](nope.html)\n")
    .write("docs/other.md", "# Other\n\n## Only English\n")
    .write("docs/other.de.md", "# Andere\n\n## Nur Deutsch\n")
    .commit("c");
    let out = repo.check_json(&[]);
    assert_eq!(
        out.findings(),
        [f("links/missing-file", "docs/index.de.md", 3, 60)]
    );
}

// ---- The oracle: the real `mkdocs build`. ----

/// The MkDocs that .ci/run installs, or `None` (test skipped) when it is absent outside CI.
fn mkdocs() -> Option<PathBuf> {
    let bin = manifest_dir().join("tests/.cache/mkdocs/bin/mkdocs");
    if bin.exists() {
        return Some(bin);
    }
    let install = "python3 -m venv tests/.cache/mkdocs && tests/.cache/mkdocs/bin/pip install -r tests/mkdocs-requirements.txt";
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("MkDocs is not installed, and CI is set: .ci/run should have run `{install}`");
    }
    eprintln!("skipped: MkDocs is not installed (`{install}`; CI installs it)");
    None
}

/// A built page: its ids and, if it is a mkdocs-redirects page, where it leads.
struct Built {
    ids: HashSet<String>,
    redirect: Option<String>,
}

fn unescape(s: &str) -> String {
    let s = s
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    percent_decode_str(&s).decode_utf8_lossy().into_owned()
}

/// Every value of `attr="..."` in `html`.
fn attrs(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        let end = rest.find('"').unwrap_or(rest.len());
        out.push(rest[..end].to_owned());
    }
    out
}

fn read_built(site: &Path, url_path: &str) -> Option<Built> {
    let rel = url_path.trim_start_matches('/');
    let mut file = site.join(rel);
    if rel.is_empty() || rel.ends_with('/') || file.is_dir() {
        file = file.join("index.html");
    }
    let bytes = std::fs::read(&file).ok()?;
    let html = String::from_utf8_lossy(&bytes);
    let redirect = html
        .contains("http-equiv=\"refresh\"")
        .then(|| {
            html.split("rel=\"canonical\" href=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .map(str::to_owned)
        })
        .flatten();
    let mut ids: HashSet<String> = attrs(&html, "id").iter().map(|s| unescape(s)).collect();
    ids.extend(attrs(&html, "name").iter().map(|s| unescape(s)));
    Some(Built { ids, redirect })
}

/// `href` (as built) followed from the page at `page` (a URL path); `None` for another
/// site's URL.
fn join(page: &str, href: &str) -> Option<(String, Option<String>)> {
    if href.contains("://") || href.starts_with("mailto:") || href.starts_with("//") {
        return None;
    }
    let (path, fragment) = match href.split_once('#') {
        Some((p, f)) => (p, Some(unescape(f))),
        None => (href, None),
    };
    let path = unescape(path);
    if path.is_empty() {
        return Some((page.to_owned(), fragment));
    }
    let joined = if path.starts_with('/') {
        path.clone()
    } else {
        format!("{}{path}", &page[..=page.rfind('/').unwrap()])
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let trailing = if joined.ends_with('/') && !parts.is_empty() {
        "/"
    } else {
        ""
    };
    Some((format!("/{}{trailing}", parts.join("/")), fragment))
}

/// Whether the built site has what the link at `href` on `page` names.
fn works(site: &Path, page: &str, href: &str) -> Option<bool> {
    let (mut url, mut fragment) = join(page, href)?;
    for _ in 0..8 {
        let Some(rel) = url
            .strip_prefix(PREFIX)
            .or((url == "/handbook").then_some(""))
        else {
            return Some(false);
        };
        let Some(built) = read_built(site, rel) else {
            return Some(false);
        };
        match built.redirect {
            Some(to) => {
                // mkdocs-redirects' script: location.href = target + (hash ? "#" + hash : "").
                let (next, target_fragment) = join(&url, &to)?;
                fragment = match (target_fragment, fragment) {
                    (Some(t), Some(f)) => Some(format!("{t}#{f}")),
                    (t, f) => f.or(t),
                };
                url = next;
            }
            None => {
                return Some(fragment.is_none_or(|f| built.ids.contains(&f)));
            }
        }
    }
    Some(false)
}

/// The links of a built page's content, in order, without the headings' permalinks.
fn built_links(site: &Path, page: &str) -> Vec<String> {
    let rel = page.strip_prefix(PREFIX).unwrap();
    let html = std::fs::read_to_string(site.join(rel).join("index.html")).unwrap();
    let main = html.split("role=\"main\"").nth(1).unwrap();
    let main = main.split("<footer").next().unwrap();
    let mut out = Vec::new();
    for (i, _) in main.match_indices('<') {
        let tag = &main[i..];
        let end = tag.find('>').unwrap_or(tag.len());
        let tag = &tag[..end];
        let attr = if tag.starts_with("<a ") {
            "href"
        } else if tag.starts_with("<img ") {
            "src"
        } else {
            continue;
        };
        if tag.contains("class=\"headerlink\"") {
            continue;
        }
        if let Some(v) = attrs(tag, attr).into_iter().next() {
            out.push(v);
        }
    }
    out
}

/// 1-based line and column (in characters) of byte `at`.
fn line_col(text: &str, at: usize) -> (u64, u64) {
    let before = &text[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() as u64 + 1)
}

/// Every link on every page MkDocs builds from the fixture: docsteward reports it exactly
/// when the built site lacks its target (or its fragment).
#[test]
fn docsteward_agrees_with_the_mkdocs_build() {
    let Some(mkdocs) = mkdocs() else { return };
    let repo = site();
    repo.commit("the site");
    let out_dir = tempfile::tempdir().unwrap();
    let built = Command::new(&mkdocs)
        .args(["build", "--quiet", "--site-dir"])
        .arg(out_dir.path())
        .current_dir(repo.root())
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "mkdocs build failed:\n{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let site = out_dir.path();
    let report = repo.check_json(&["--as-of", "2030-01-01"]);
    let flagged: HashMap<(String, u64, u64), String> = report
        .findings()
        .into_iter()
        .filter(|x| x.0.starts_with("links/"))
        .map(|(r, p, l, c)| ((p, l, c), r))
        .collect();
    // The pages MkDocs builds from the fixture, each in its own language's build.
    let pages = [
        ("docs/en/index.md", "/handbook/"),
        ("docs/en/guide/setup.md", "/handbook/guide/setup/"),
        ("docs/en/guide/faq.md", "/handbook/guide/faq/"),
        ("docs/en/reference/index.md", "/handbook/reference/"),
        ("docs/en/reference/cli.md", "/handbook/reference/cli/"),
        ("docs/fr/index.md", "/handbook/fr/"),
        ("docs/fr/guide/setup.md", "/handbook/fr/guide/setup/"),
    ];
    let (mut compared, mut agreeing, mut broken) = (0, 0, 0);
    let mut disagreements = Vec::new();
    for (path, url) in pages {
        let text = std::fs::read_to_string(repo.path(path)).unwrap();
        let parsed = markdown::parse(&text, 0);
        let refs: Vec<_> = parsed
            .references
            .iter()
            .filter(|r| matches!(r.kind, RefKind::Link | RefKind::Image))
            .collect();
        let hrefs = built_links(site, url);
        assert_eq!(
            refs.len(),
            hrefs.len(),
            "{path}: docsteward reads {:?}, the built page has {hrefs:?}",
            refs.iter().map(|r| &r.target).collect::<Vec<_>>()
        );
        for (r, href) in refs.iter().zip(&hrefs) {
            let Some(ok) = works(site, url, href) else {
                continue; // another site
            };
            let (line, column) = line_col(&text, r.span.start);
            // `/api/**` is another docset on this host (`[links] external`): not built here.
            if r.target.starts_with("/api/") {
                assert!(!flagged.contains_key(&(path.to_owned(), line, column)));
                continue;
            }
            compared += 1;
            broken += usize::from(!ok);
            let reported = flagged.get(&(path.to_owned(), line, column));
            if reported.is_some() != ok {
                agreeing += 1;
            } else {
                disagreements.push(format!(
                    "{path}:{line}:{column} `{}` (built as `{href}` on {url}): the build says {}, docsteward {}",
                    r.target,
                    if ok { "it works" } else { "it is broken" },
                    reported.map_or("reports nothing".to_owned(), |rule| format!("reports {rule}"))
                ));
            }
        }
    }
    eprintln!(
        "mkdocs oracle: {compared} links compared ({broken} broken on the built site), {agreeing} agree"
    );
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    assert!(
        compared >= 30 && broken >= 8,
        "{compared} compared, {broken} broken"
    );
}
