//! The `hugo` site model on `fixtures/sites/hugo`, a multilingual Hugo site (English at the
//! root, Turkish under `/tr/`, baseURL path `/docs/`): the check finds its deliberate
//! defects and nothing else, with its hand-written configuration and after `init` alone; and
//! Hugo itself is the oracle: the fixture is built with the pinned Hugo that `.ci/run`
//! installs in `tests/.cache/hugo`, and docsteward's verdict on every link of every published
//! page must match what the built site serves.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::site::{flagged, line_col, links_in, Built};
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
    let (_, found) = common::site::init_then_check(
        &repo,
        &[
            "generator = \"hugo\"",
            "hugo.toml, config/_default/languages.yaml; baseURL path `/docs`",
        ],
    );
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
        host: HOST,
        base: BASE,
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
            let flagged = flagged(&findings, path, line, (start, end));
            let ok = built.works(url, href);
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
