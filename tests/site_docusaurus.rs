//! The Docusaurus site model on `fixtures/sites/docusaurus`: docsteward reports the fixture's
//! deliberate defects and nothing else, with its hand-written configuration and with the
//! one `docsteward init` writes; and a real Docusaurus build of the fixture (installed by
//! `.ci/run` into `tests/.cache/docusaurus`) agrees with docsteward's verdict on every
//! source link of every published page.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{f, TestRepo};
use docsteward::document::markdown::RefKind;
use docsteward::document::Document;
use percent_encoding::percent_decode_str;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sites/docusaurus")
}

fn site() -> TestRepo {
    let repo = TestRepo::new();
    repo.copy_tree(&fixture());
    repo
}

/// The fixture's deliberate defects, as the JSON report lists them.
fn expected() -> Vec<(String, String, u64, u64)> {
    vec![
        f("links/missing-file", "README.md", 6, 19),
        f("links/missing-anchor", "handbook/01-intro.md", 30, 29),
        f("links/missing-anchor", "handbook/01-intro.md", 33, 25),
        f("links/missing-file", "handbook/01-intro.md", 38, 12),
        f(
            "links/missing-file",
            "handbook/02-tutorial/01-setup.md",
            14,
            16,
        ),
        f(
            "links/missing-file",
            "handbook/02-tutorial/deploy.mdx",
            19,
            15,
        ),
        f("links/missing-file", "handbook/index.md", 18, 24),
        f("links/missing-file", "handbook/index.md", 21, 20),
        f("links/missing-file", "handbook/index.md", 24, 22),
        f("links/missing-anchor", "handbook/index.md", 27, 49),
        f(
            "links/missing-file",
            "i18n/fr/docusaurus-plugin-content-docs/current/01-intro.md",
            12,
            16,
        ),
        f("links/missing-file", "news/2024-03-15-welcome.md", 12, 22),
        f("links/missing-anchor", "src/pages/about.md", 10, 47),
    ]
}

/// The files of `dir` (recursively), repository-relative, sorted.
fn files_under(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("read folder") {
            let path = entry.expect("folder entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("under root");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// `(rule, path, line)` of each `deliberate defect: RULE` marker (an HTML comment, or an
/// MDX comment in `.mdx`): the defect is on the next line.
fn markers() -> Vec<(String, String, u64)> {
    common::deliberate_defects(&fixture(), &["md", "mdx"])
}

#[test]
fn the_fixture_shows_each_deliberate_defect_and_nothing_else() {
    let repo = site();
    repo.commit("the docusaurus fixture");
    let out = repo.check_json(&["--as-of", "2030-01-01"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.findings(), expected());
    let mut found: Vec<_> = out
        .findings()
        .into_iter()
        .map(|(rule, path, line, _)| (rule, path, line))
        .collect();
    found.sort();
    assert_eq!(found, markers(), "every marked defect, and only those");
}

#[test]
fn init_detects_docusaurus_and_finds_the_same_defects() {
    let repo = site();
    let (written, found) = common::site::init_then_check(
        &repo,
        &[
            "[site]\ngenerator = \"docusaurus\"\n",
            "# docusaurus.config.js: baseUrl `/`, docs `handbook/` at `/guide`, blog `news/` at `/news`, pages `src/pages/` at `/`, locales en (default), fr, 3 redirects",
        ],
    );
    assert_eq!(found, expected(), "{written}");
}

#[test]
fn init_lists_what_code_computes() {
    let repo = TestRepo::new();
    repo.write(
        "website/docusaurus.config.ts",
        "import type {Config} from '@docusaurus/types';\n\
         const config: Config = {\n  title: 'T',\n  baseUrl: process.env.BASE_URL ?? '/',\n  \
         presets: [['classic', {docs: {routeBasePath: '/'}, blog: false} satisfies Preset.Options]],\n  \
         plugins: [myPlugin(), ['@docusaurus/plugin-client-redirects', {createRedirects(path) { return undefined; }}]],\n};\n\
         export default config;\n",
    )
    .write("website/docs/a.md", "# A\n\nSee [b](./b.md) and [gone](./gone.md).\n")
    .write("website/docs/b.md", "# B\n")
    .commit("a site in website/");
    let out = repo.run(&["init"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let written = std::fs::read_to_string(repo.path("docsteward.toml")).unwrap();
    for line in [
        "# website/docusaurus.config.ts: baseUrl `/`, docs `docs/` at `/`, pages `src/pages/` at `/`\n",
        "root = \"website\"\n",
        "# not read (set by code, not a literal): baseUrl = process.env.BASE_URL ?? '/'\n",
        "# not read (set by code, not a literal): plugins[0] = myPlugin()\n",
        "# not read (set by code, not a literal): plugins[1].createRedirects = createRedirects(path) { return undefined; }\n",
    ] {
        assert!(written.contains(line), "{line:?} missing from:\n{written}");
    }
    repo.commit("init");
    let out = repo.check_json(&["--as-of", "2030-01-01"]);
    let found: Vec<_> = out
        .findings()
        .into_iter()
        .filter(|x| x.0 != "stale/age")
        .collect();
    assert_eq!(found, [f("links/missing-file", "website/docs/a.md", 3, 28)]);
}

#[test]
fn an_unreadable_configuration_is_an_error() {
    let repo = TestRepo::new();
    repo.write(
        "docusaurus.config.js",
        "module.exports = require('./real-config');\n",
    )
    .write("docs/a.md", "# A\n")
    .write("docsteward.toml", "[site]\ngenerator = \"docusaurus\"\n")
    .commit("c");
    let out = repo.check_json(&[]);
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("docusaurus.config.js"),
        "{}",
        out.stderr
    );
}

// ---------------------------------------------------------------------------------------
// The oracle: a real Docusaurus build.

/// Where `.ci/run` installs Docusaurus.
fn docusaurus_cache() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/.cache/docusaurus")
}

/// The Docusaurus command line, if installed; skips (outside CI only) when it is not.
fn docusaurus_cli() -> Option<PathBuf> {
    let cli = docusaurus_cache().join("node_modules/@docusaurus/core/bin/docusaurus.mjs");
    let node = common::have_tool("node");
    if node && cli.is_file() {
        return Some(cli);
    }
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("Docusaurus is not installed in tests/.cache/docusaurus, and CI is set: .ci/run installs it");
    }
    eprintln!("skipped: Docusaurus is not installed in tests/.cache/docusaurus (see .ci/run)");
    None
}

/// The values of attribute `name` in the tag that starts at `tag` (up to its `>`).
fn attr<'h>(tag: &'h str, name: &str) -> Option<&'h str> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// Every opening tag of `html` named `name`, as text up to its `>`.
fn tags<'h>(html: &'h str, name: &str) -> Vec<(usize, &'h str)> {
    let open = format!("<{name}");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = html[from..].find(&open) {
        let start = from + i;
        let after = html[start + open.len()..].chars().next();
        from = start + open.len();
        if !matches!(after, Some(' ' | '>' | '\n')) {
            continue;
        }
        let end = html[start..].find('>').map_or(html.len(), |e| start + e);
        out.push((start, &html[start..end]));
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// The built site: its files, and the ids of each HTML page.
struct Build {
    files: HashSet<String>,
    ids: HashMap<String, HashSet<String>>,
    html: HashMap<String, String>,
}

impl Build {
    fn read(out: &Path) -> Build {
        let mut build = Build {
            files: HashSet::new(),
            ids: HashMap::new(),
            html: HashMap::new(),
        };
        for file in files_under(out) {
            if file.ends_with(".html") {
                let html = std::fs::read_to_string(out.join(&file)).expect("read page");
                let ids = html
                    .match_indices(" id=\"")
                    .filter_map(|(i, _)| attr(&html[i..], "id"))
                    .map(unescape)
                    .collect();
                build.ids.insert(file.clone(), ids);
                build.html.insert(file.clone(), html);
            }
            build.files.insert(file);
        }
        build
    }

    /// The output file serving the site path `path` (decoded, no fragment).
    fn file(&self, path: &str) -> Option<String> {
        let p = path.trim_start_matches('/');
        let dir = if p.is_empty() || p.ends_with('/') {
            p.to_owned()
        } else {
            format!("{p}/")
        };
        [
            p.to_owned(),
            format!("{dir}index.html"),
            format!("{}.html", p.trim_end_matches('/')),
        ]
        .into_iter()
        .find(|c| !c.is_empty() && self.files.contains(c))
    }

    /// Whether `href`, on the page at `page` (a site path), leads to something the build
    /// has, its `#fragment` included. Follows the redirect pages the client-redirects
    /// plugin writes.
    fn works(&self, page: &str, href: &str) -> Result<(), String> {
        if href.starts_with("data:") {
            // A small asset inlined by the bundler: the file was there.
            return Ok(());
        }
        let (path, fragment) = match href.split_once('#') {
            Some((p, f)) => (p, Some(decode(f))),
            None => (href, None),
        };
        let path = path.split('?').next().unwrap_or("");
        let mut target = if path.is_empty() {
            page.to_owned()
        } else if path.starts_with('/') {
            decode(path)
        } else {
            // Relative to the page's folder, as a browser resolves it.
            let dir = &page[..=page.rfind('/').unwrap_or(0)];
            let joined = docsteward::paths::join(dir, &decode(path)).ok_or("above the root")?;
            format!("/{joined}")
        };
        for _ in 0..5 {
            let Some(file) = self.file(&target) else {
                return Err(format!("the build has nothing at `{target}`"));
            };
            let Some(html) = self.html.get(&file) else {
                return match fragment {
                    Some(_) => Err(format!("`{target}` is not a page: no fragment")),
                    None => Ok(()),
                };
            };
            if let Some(i) = html.find("http-equiv=\"refresh\"") {
                let content = attr(&html[html[..i].rfind('<').unwrap_or(0)..], "content")
                    .expect("a refresh has content");
                let to = content.split_once("url=").expect("refresh url").1;
                target = decode(to.split('#').next().unwrap_or(""));
                continue;
            }
            return match &fragment {
                Some(frag) if !self.ids[&file].contains(frag) => {
                    Err(format!("`{target}` has no id `{frag}`"))
                }
                _ => Ok(()),
            };
        }
        Err(format!("redirect loop at `{target}`"))
    }

    /// Each source file's page: the page whose "edit this page" link names it (the shortest
    /// such path: the default locale's, for a file every locale publishes).
    fn pages(&self) -> BTreeMap<String, String> {
        let mut pages: BTreeMap<String, String> = BTreeMap::new();
        for (file, html) in &self.html {
            let Some((_, tag)) = tags(html, "a")
                .into_iter()
                .find(|(_, t)| t.contains("theme-edit-this-page"))
            else {
                continue;
            };
            let source = attr(tag, "href")
                .and_then(|h| h.strip_prefix("https://example.com/edit/"))
                .expect("edit link")
                .to_owned();
            let url = format!("/{}", file.strip_suffix("index.html").unwrap_or(file));
            let shorter = pages.get(&source).is_none_or(|u| url.len() < u.len());
            if shorter {
                pages.insert(source, url);
            }
        }
        pages
    }

    /// The links and images of a page's content, in order: `(href or src, is an image)`.
    /// Heading permalinks (`hash-link`) are Docusaurus's own.
    fn content_links(&self, url: &str) -> Vec<String> {
        let file = self.file(url).expect("page file");
        let html = &self.html[&file];
        let start = html
            .find("class=\"theme-doc-markdown markdown\"")
            .or_else(|| html.find("id=\"__blog-post-container\""))
            .or_else(|| {
                html.find("<main")
                    .and_then(|m| html[m..].find("<article").map(|a| m + a))
            })
            .expect("page content");
        let end = [
            html[start..].find("</article>"),
            html[start..].find("theme-edit-this-page"),
        ]
        .into_iter()
        .flatten()
        .min()
        .map_or(html.len(), |e| start + e);
        let region = &html[start..end];
        let mut links: Vec<(usize, String)> = tags(region, "a")
            .into_iter()
            .filter(|(_, t)| !t.contains("hash-link") && !t.contains("theme-edit-this-page"))
            .filter_map(|(i, t)| attr(t, "href").map(|h| (i, unescape(h))))
            // The region ends inside the "edit this page" link's tag.
            .filter(|(_, h)| !h.starts_with("https://example.com/edit/"))
            .chain(
                tags(region, "img")
                    .into_iter()
                    .filter_map(|(i, t)| attr(t, "src").map(|s| (i, unescape(s)))),
            )
            .collect();
        links.sort();
        links.into_iter().map(|(_, l)| l).collect()
    }
}

fn line_column(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count() as u64
        + 1;
    (line, column)
}

#[test]
fn a_real_docusaurus_build_agrees_with_every_verdict() {
    let Some(cli) = docusaurus_cli() else {
        return;
    };
    // The site is built inside the cache folder, so that Node finds Docusaurus's packages.
    let sites = docusaurus_cache().join("sites");
    std::fs::create_dir_all(&sites).unwrap();
    let built = tempfile::tempdir_in(&sites).unwrap();
    let site_dir = built.path().join("site");
    let out_dir = built.path().join("out");
    let source = site();
    source.commit("the docusaurus fixture");
    let report = source.check_json(&["--as-of", "2030-01-01"]);
    assert_eq!(report.code, 1, "{}", report.stderr);
    let findings: HashSet<(String, u64, u64)> = report
        .findings()
        .into_iter()
        .filter(|(rule, ..)| rule.starts_with("links/"))
        .map(|(_, path, line, column)| (path, line, column))
        .collect();
    for file in files_under(&fixture()) {
        let to = site_dir.join(&file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(fixture().join(&file), to).unwrap();
    }
    let started = std::time::Instant::now();
    let status = Command::new("node")
        .arg(&cli)
        .args(["build", "--no-minify", "--out-dir"])
        .arg(&out_dir)
        .arg(&site_dir)
        .current_dir(&site_dir)
        .status()
        .expect("run docusaurus build");
    assert!(status.success(), "docusaurus build failed");
    eprintln!("docusaurus build: {:.0?}", started.elapsed());
    let build = Build::read(&out_dir);

    let pages = build.pages();
    let mut compared = 0;
    let mut disagreements = Vec::new();
    for (path, url) in &pages {
        let bytes = std::fs::read(fixture().join(path)).expect("source of a page");
        let doc = Document::parse(path, &bytes);
        let mut refs: Vec<_> = doc
            .markdown
            .references
            .iter()
            .filter(|r| r.kind != RefKind::Definition)
            .collect();
        refs.sort_by_key(|r| r.span.start);
        let hrefs = build.content_links(url);
        assert_eq!(
            refs.len(),
            hrefs.len(),
            "{path} ({url}): the source's links {:?} and the page's {hrefs:?} differ in number",
            refs.iter().map(|r| &r.target).collect::<Vec<_>>()
        );
        for (r, href) in refs.iter().zip(&hrefs) {
            let target = r.target.trim();
            let external = target.contains("://") || target.starts_with("mailto:");
            if external {
                // `https:`, and `pathname://`, which Docusaurus leaves alone: neither checks it.
                continue;
            }
            compared += 1;
            let (line, column) = line_column(doc.text(), r.span.start);
            let (_, last) = line_column(doc.text(), r.span.end);
            // A missing anchor is reported at its `#fragment`, inside the link's target.
            let flagged = (column..=last).any(|c| findings.contains(&(path.clone(), line, c)));
            let site = build.works(url, href);
            if flagged == site.is_ok() {
                disagreements.push(format!(
                    "{path}:{line}:{column} `{target}` (built as `{href}` on `{url}`): docsteward {}, the build {}",
                    if flagged { "reports it" } else { "accepts it" },
                    match &site {
                        Ok(()) => "serves it".to_owned(),
                        Err(why) => why.clone(),
                    }
                ));
            }
        }
    }
    eprintln!(
        "docusaurus oracle: {compared} source links on {} pages compared, {} agree",
        pages.len(),
        compared - disagreements.len()
    );
    assert!(
        pages.len() >= 12,
        "pages found by their edit links: {pages:?}"
    );
    assert!(compared >= 40, "only {compared} links compared");
    assert!(
        disagreements.is_empty(),
        "docsteward and the built site disagree:\n{}",
        disagreements.join("\n")
    );
}
