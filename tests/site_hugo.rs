//! The `hugo` site model on `fixtures/sites/hugo`, a multilingual Hugo site (English at the
//! root, Turkish under `/tr/`, baseURL path `/docs/`): the check finds its deliberate
//! defects and nothing else, with its hand-written configuration and after `init` alone; and
//! Hugo itself is the oracle: the fixture is built with the pinned Hugo that `.ci/run`
//! installs in `tests/.cache/hugo`, and docsteward's verdict on every link of every published
//! page must match what the built site serves.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{f, TestRepo};
use docsteward::document::markdown::RefKind;
use docsteward::document::Document;

const FIXTURE: &str = "fixtures/sites/hugo";

fn fixture() -> TestRepo {
    let repo = TestRepo::new();
    repo.copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE));
    repo
}

/// The fixture's deliberate defects, as the JSON report lists them.
fn expected() -> Vec<(String, String, u64, u64)> {
    vec![
        f("links/missing-anchor", "CONTRIBUTING.md", 7, 28),
        f("links/missing-file", "README.md", 8, 20),
        f("links/missing-file", "content/en/_index.md", 15, 9),
        f("links/missing-file", "content/en/_index.md", 18, 26),
        f("links/missing-file", "content/en/guides/_index.md", 13, 35),
        f(
            "links/missing-file",
            "content/en/guides/bundle/index.md",
            11,
            10,
        ),
        f(
            "links/missing-anchor",
            "content/en/guides/shortcodes.md",
            11,
            33,
        ),
        f("links/missing-anchor", "content/en/setup.md", 25, 17),
        f("links/missing-file", "content/en/setup.md", 30, 15),
        f("links/missing-anchor", "content/en/setup.md", 33, 32),
        f("links/missing-file", "content/en/setup.md", 36, 21),
        f("links/missing-anchor", "content/tr/kubernetes.md", 11, 51),
        f("links/missing-file", "content/tr/kubernetes.md", 14, 12),
    ]
}

#[test]
fn the_fixture_shows_each_deliberate_defect_and_nothing_else() {
    let repo = fixture();
    repo.commit("the hugo site");
    let out = repo.check_json(&["--as-of", "2030-01-01"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.findings(), expected());
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

#[test]
fn init_detects_hugo_and_finds_the_same_defects() {
    let repo = fixture();
    std::fs::remove_file(repo.path("docsteward.toml")).unwrap();
    repo.commit("the hugo site without its configuration");
    let out = repo.run(&["init"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let written = std::fs::read_to_string(repo.path("docsteward.toml")).unwrap();
    assert!(written.contains("generator = \"hugo\""), "{written}");
    assert!(
        written.contains("hugo.toml, config/_default/languages.yaml; baseURL path `/docs`"),
        "{written}"
    );
    repo.commit("what init wrote");
    let out = repo.check_json(&["--as-of", "2030-01-01"]);
    let found: Vec<_> = out
        .findings()
        .into_iter()
        .filter(|x| x.0 != "stale/age")
        .collect();
    assert_eq!(found, expected());
}

/// `hugo.yaml` at the root, `uglyURLs`, the default language in its subfolder and a
/// `ref` that names no page.
#[test]
fn yaml_config_ugly_urls_and_a_broken_ref() {
    let repo = TestRepo::new();
    repo.write(
        "hugo.yaml",
        "baseURL: https://example.org/\nuglyURLs: true\ndefaultContentLanguageInSubdir: true\nlanguages:\n  en: {weight: 1}\n  fr: {weight: 2}\n",
    )
    .write("docsteward.toml", "[site]\ngenerator = \"hugo\"\n[rules]\n\"stale/age\" = \"off\"\n")
    .write("content/b.md", "# B\n")
    .write("content/b.fr.md", "# B fr\n")
    .write(
        "content/a.md",
        "# A\n\n[b](/en/b.html) [fr](/fr/b.html) [dir](/en/b/) [ref]({{< ref \"b\" >}}) [gone]({{< ref \"c.md\" >}})\n",
    )
    .commit("c");
    let out = repo.check_json(&[]);
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "content/a.md", 3, 40),
            f("links/missing-file", "content/a.md", 3, 87),
        ],
        "{}",
        out.stdout
    );
}

/// The pinned Hugo that `.ci/run` installs, if it is there.
fn hugo() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/.cache/hugo/hugo/binaries");
    let found = std::fs::read_dir(&dir).ok().and_then(|entries| {
        entries.filter_map(Result::ok).map(|e| e.path()).find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("hugo-"))
        })
    });
    if found.is_none() {
        if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
            panic!("Hugo is not in tests/.cache/hugo, and CI is set: .ci/run installs it");
        }
        eprintln!("skipped: Hugo is not in tests/.cache/hugo (CI installs it; see .ci/run)");
    }
    found
}

fn run_hugo(hugo: &Path, source: &Path, args: &[&str]) -> std::process::Output {
    Command::new(hugo)
        .args(args)
        .arg("--source")
        .arg(source)
        .env("HUGO_CACHEDIR", source.join(".hugo-cache"))
        .output()
        .expect("run hugo")
}

const HOST: &str = "https://example.org";
const BASE: &str = "/docs/";

/// The built site: the file each URL serves.
struct Built {
    out: PathBuf,
}

impl Built {
    /// The file served at `url` (site-absolute, decoded), redirects followed.
    fn file(&self, url: &str) -> Option<PathBuf> {
        let mut url = url.to_owned();
        for _ in 0..5 {
            let rel = url
                .strip_prefix(BASE)
                .or_else(|| (url == "/docs").then_some(""))?;
            let mut path = self.out.join(rel);
            // A folder URL (`/a/`, or `/a` without the slash) serves its index.html.
            if rel.is_empty() || rel.ends_with('/') || !path.is_file() {
                path = path.join("index.html");
            }
            if !path.is_file() {
                return None;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            match text.split_once("http-equiv=\"refresh\" content=\"0; url=") {
                Some((_, rest)) => {
                    let to = rest.split('"').next().unwrap_or("");
                    url = to.strip_prefix(HOST).unwrap_or(to).to_owned();
                }
                None => return Some(path),
            }
        }
        None
    }
}

/// `href`/`src` of each `<a>` and `<img>` in the page's body, in order.
fn links_in(html: &str) -> Vec<String> {
    let body = html.split_once("<body>").map_or(html, |(_, b)| b);
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let attr = if rest.starts_with("<a ") {
            Some("href=\"")
        } else if rest.starts_with("<img ") {
            Some("src=\"")
        } else {
            None
        };
        let end = rest.find('>').unwrap_or(rest.len());
        if let Some(attr) = attr {
            let tag = &rest[..end];
            if let Some(v) = tag
                .split_once(attr)
                .map(|(_, v)| v.split('"').next().unwrap())
            {
                out.push(v.replace("&amp;", "&"));
            }
        }
        rest = &rest[end.max(1)..];
    }
    out
}

/// Every `id="..."` of a page.
fn ids_in(html: &str) -> HashSet<String> {
    html.split(" id=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `href` as written on the page at `page` (a site-absolute URL), made site-absolute.
fn absolute(page: &str, href: &str) -> String {
    let href = href.strip_prefix(HOST).unwrap_or(href);
    if href.starts_with('/') {
        return href.to_owned();
    }
    let mut parts: Vec<&str> = page.split('/').filter(|s| !s.is_empty()).collect();
    if !page.ends_with('/') {
        parts.pop();
    }
    for seg in href.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let trailing = if href.ends_with('/') { "/" } else { "" };
    format!("/{}{trailing}", parts.join("/"))
}

/// Whether the built site serves what `href`, on the page at `page`, names.
fn works(built: &Built, page: &str, href: &str) -> bool {
    if href.is_empty() {
        return false;
    }
    let (path, fragment) = match href.split_once('#') {
        Some((p, f)) => (p, Some(percent_decode(f))),
        None => (href, None),
    };
    let url = if path.is_empty() {
        page.to_owned()
    } else {
        percent_decode(&absolute(page, path))
    };
    let Some(file) = built.file(&url) else {
        return false;
    };
    match fragment {
        None => true,
        Some(f) => {
            let html = std::fs::read_to_string(&file).unwrap_or_default();
            ids_in(&html).contains(&f) || f == "top"
        }
    }
}

/// 1-based line and character column of byte `at`.
fn line_col(text: &str, at: usize) -> (u64, u64) {
    let before = &text[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before
        .rsplit_once('\n')
        .map_or(before, |(_, l)| l)
        .chars()
        .count() as u64
        + 1;
    (line, col)
}

#[test]
fn hugo_builds_what_docsteward_expects() {
    let Some(hugo) = hugo() else { return };
    let repo = fixture();
    repo.commit("the hugo site");
    let report = repo.check_json(&["--as-of", "2030-01-01"]);
    let findings: Vec<(String, String, u64, u64)> = report.findings();
    let out_dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let build = run_hugo(
        &hugo,
        repo.root(),
        &["--quiet", "--destination", out_dir.path().to_str().unwrap()],
    );
    assert!(
        build.status.success(),
        "hugo build failed:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
    eprintln!("hugo built the fixture in {:?}", started.elapsed());
    let built = Built {
        out: out_dir.path().to_owned(),
    };
    // Published pages and their URLs, as Hugo lists them.
    let list = run_hugo(&hugo, repo.root(), &["list", "all"]);
    let list = String::from_utf8_lossy(&list.stdout).into_owned();
    let mut pages: HashMap<String, String> = HashMap::new();
    for line in list.lines().skip(1) {
        let path = line.split(',').next().unwrap().to_owned();
        let Some(url) = line.split(',').find(|f| f.starts_with(HOST)) else {
            continue;
        };
        pages.insert(path, url.strip_prefix(HOST).unwrap().to_owned());
    }
    let mut compared = 0;
    let mut disagreements = Vec::new();
    let mut sorted: Vec<_> = pages.iter().collect();
    sorted.sort();
    for (path, url) in sorted {
        let Some(html_file) = built.file(url) else {
            continue; // headless: listed, never rendered
        };
        let html = std::fs::read_to_string(&html_file).unwrap();
        let text = std::fs::read_to_string(repo.path(path)).unwrap();
        let doc = Document::parse(path, text.as_bytes());
        let refs: Vec<_> = doc
            .markdown
            .references
            .iter()
            .filter(|r| matches!(r.kind, RefKind::Link | RefKind::Image | RefKind::Shortcode))
            .collect();
        let hrefs = links_in(&html);
        assert_eq!(
            refs.len(),
            hrefs.len(),
            "{path}: docsteward reads {:?}, Hugo rendered {hrefs:?}",
            refs.iter().map(|r| &r.target).collect::<Vec<_>>()
        );
        for (r, href) in refs.iter().zip(&hrefs) {
            compared += 1;
            let (line, start) = line_col(&text, r.span.start);
            let (_, end) = line_col(&text, r.span.end);
            let flagged = findings.iter().any(|(rule, p, l, c)| {
                rule.starts_with("links/") && p == path && *l == line && (start..=end).contains(c)
            });
            let ok = works(&built, url, href);
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
        "hugo oracle: {compared} links compared, {} agree",
        compared - disagreements.len()
    );
    assert!(compared >= 40, "only {compared} links compared");
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// A `ref` that names no page fails Hugo's build; docsteward reports it before the build.
#[test]
fn a_broken_ref_fails_hugo_and_is_reported() {
    let Some(hugo) = hugo() else { return };
    let repo = fixture();
    repo.write(
        "content/en/broken.md",
        "---\ntitle: Broken\n---\n\nSee [the page]({{< ref \"no-such-page\" >}}).\n",
    );
    repo.commit("a broken ref");
    let out_dir = tempfile::tempdir().unwrap();
    let build = run_hugo(
        &hugo,
        repo.root(),
        &["--destination", out_dir.path().to_str().unwrap()],
    );
    assert!(
        !build.status.success(),
        "hugo built a site with a broken ref"
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&build.stdout),
        String::from_utf8_lossy(&build.stderr)
    );
    assert!(said.contains("REF_NOT_FOUND"), "{said}");
    let report = repo.check_json(&["--as-of", "2030-01-01"]);
    assert!(
        report
            .findings()
            .contains(&f("links/missing-file", "content/en/broken.md", 5, 25)),
        "{}",
        report.stdout
    );
}
