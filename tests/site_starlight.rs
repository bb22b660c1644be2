//! The `starlight` site model on `fixtures/sites/starlight`, a miniature Starlight site: the
//! check finds every deliberate defect and nothing else, with the fixture's configuration and
//! after `docsteward init` alone. The oracle is a real build (`astro build`, installed by
//! `.ci/run` in `tests/.cache/starlight`): every link docsteward checks on a published page
//! must be broken in the built site exactly when docsteward reports it.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{f, have_tool, TestRepo};
use docsteward::document::markdown::RefKind;
use docsteward::document::Document;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sites/starlight")
}

fn fixture() -> TestRepo {
    let repo = TestRepo::new();
    repo.copy_tree(&fixture_dir());
    repo
}

/// The fixture's deliberate defects, as the JSON report lists them.
fn expected() -> Vec<(String, String, u64, u64)> {
    let docs = "src/content/docs";
    let mut out = vec![
        f("links/missing-anchor", "CONTRIBUTING.md", 6, 22),
        f("links/missing-file", "README.md", 8, 21),
        f(
            "links/missing-anchor",
            &format!("{docs}/es/index.md"),
            11,
            36,
        ),
        f(
            "links/missing-anchor",
            &format!("{docs}/getting-started.md"),
            35,
            15,
        ),
        f(
            "links/missing-file",
            &format!("{docs}/getting-started.md"),
            38,
            24,
        ),
        f(
            "links/missing-file",
            &format!("{docs}/guides/Install Guide.md"),
            12,
            25,
        ),
        f(
            "links/missing-file",
            &format!("{docs}/guides/Install Guide.md"),
            15,
            19,
        ),
        f(
            "links/missing-anchor",
            &format!("{docs}/guides/Install Guide.md"),
            20,
            51,
        ),
        f("links/missing-file", &format!("{docs}/index.mdx"), 16, 29),
        f("links/missing-file", &format!("{docs}/index.mdx"), 19, 20),
        f(
            "links/missing-file",
            &format!("{docs}/reference/configuration.mdx"),
            15,
            31,
        ),
    ];
    out.sort();
    out
}

#[test]
fn the_expected_findings_are_the_marked_defects() {
    let from_findings: Vec<_> = expected()
        .into_iter()
        .map(|(rule, path, line, _)| (rule, path, line))
        .collect();
    let mut from_findings = from_findings;
    from_findings.sort();
    assert_eq!(
        from_findings,
        common::deliberate_defects(&fixture_dir(), &["md", "mdx"])
    );
}

#[test]
fn the_check_finds_each_deliberate_defect_and_nothing_else() {
    let repo = fixture();
    repo.commit("the fixture site");
    let out = repo.check_json(&["--as-of", "2030-01-01"]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    let mut found = out.findings();
    found.sort();
    assert_eq!(found, expected(), "{}", out.stdout);
}

/// `init` detects Starlight and writes what it read; the check then finds the same defects.
/// `init` does not yet propose `[links] external`, so the link to the blog on the same host
/// (`/blog/**` in the hand-written configuration) is reported too.
#[test]
fn init_alone_detects_starlight_and_finds_the_same_defects() {
    let repo = fixture();
    let (written, mut found) =
        common::site::init_then_check(&repo, &["generator = \"starlight\"", "**/*.mdx"]);
    assert!(
        written.contains("locales root, es (default root)") && written.contains("2 redirects"),
        "init wrote:\n{written}"
    );
    found.sort();
    let mut want = expected();
    want.push(f(
        "links/missing-file",
        "src/content/docs/guides/Install Guide.md",
        22,
        12,
    ));
    want.sort();
    assert_eq!(found, want, "init wrote:\n{written}");
}

// ---------------------------------------------------------------------------------------
// The oracle: a real build.

/// What the built site has: each output file, and for each HTML page its ids, the links and
/// image sources it contains, its language and its title.
struct Built {
    dir: PathBuf,
}

struct Page {
    ids: BTreeSet<String>,
    urls: BTreeSet<String>,
    lang: String,
    title: String,
    /// `<meta http-equiv="refresh">` target: Astro's static redirect pages.
    refresh: Option<String>,
}

fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .filter_map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest.find('"').map(|end| decode_html(&rest[..end]))
        })
        .collect()
}

fn decode_html(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn read_page(html: &str) -> Page {
    let title = html
        .find("id=\"_top\"")
        .and_then(|i| {
            let rest = &html[i..];
            let start = rest.find('>')? + 1;
            let end = rest.find("</h1>")?;
            Some(decode_html(rest[start..end].trim()))
        })
        .unwrap_or_default();
    let lang = attr_values(html, "lang")
        .into_iter()
        .next()
        .unwrap_or_default();
    let refresh = html.find("http-equiv=\"refresh\"").and_then(|_| {
        attr_values(html, "content")
            .into_iter()
            .find_map(|c| c.split_once("url=").map(|(_, u)| u.to_owned()))
    });
    let mut urls: BTreeSet<String> = attr_values(html, "href").into_iter().collect();
    urls.extend(attr_values(html, "src"));
    Page {
        ids: attr_values(html, "id").into_iter().collect(),
        urls: urls.iter().map(|u| percent_decode(u)).collect(),
        lang,
        title,
        refresh,
    }
}

impl Built {
    /// The output file a site-absolute URL path is served from.
    fn file(&self, path: &str) -> Option<PathBuf> {
        let rel = path.trim_start_matches('/');
        let direct = self.dir.join(rel);
        if !rel.is_empty() && direct.is_file() {
            return Some(direct);
        }
        let index = direct.join("index.html");
        index.is_file().then_some(index)
    }

    /// The URL path a built HTML file is read at.
    fn url_of(&self, file: &Path) -> String {
        let rel = file
            .strip_prefix(&self.dir)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        match rel.strip_suffix("index.html") {
            Some(dir) => format!("/{dir}"),
            None => format!("/{rel}"),
        }
    }

    /// Whether `url` (site-absolute, decoded, maybe with `#fragment`) leads somewhere in the
    /// build, following Astro's redirect pages; the fragment must be an id on an HTML target.
    fn works(&self, url: &str) -> Result<(), String> {
        let (mut path, fragment) = match url.split_once('#') {
            Some((p, f)) => (p.to_owned(), Some(f.to_owned())),
            None => (url.to_owned(), None),
        };
        for _ in 0..8 {
            let Some(file) = self.file(&path) else {
                return Err(format!("nothing is built at {path}"));
            };
            if file.extension().is_none_or(|e| e != "html") {
                return Ok(());
            }
            let page = read_page(&std::fs::read_to_string(&file).unwrap());
            if let Some(to) = page.refresh {
                path = join(&path, &percent_decode(&to));
                continue;
            }
            return match fragment {
                Some(f) if !f.is_empty() && !page.ids.contains(&f) => {
                    Err(format!("{path} has no id {f:?}"))
                }
                _ => Ok(()),
            };
        }
        Err(format!("redirect loop at {path}"))
    }
}

/// `target` (decoded, no fragment) resolved against the page URL `base`, as a browser does.
fn join(base: &str, target: &str) -> String {
    if target.starts_with('/') {
        return normalize(target);
    }
    let dir = &base[..=base.rfind('/').unwrap_or(0)];
    normalize(&format!("{dir}{target}"))
}

fn normalize(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i == segments.len() - 1;
        match *seg {
            "." => {
                if last {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > 1 {
                    out.pop();
                }
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    if joined.starts_with('/') {
        joined
    } else {
        format!("/{joined}")
    }
}

/// Builds the fixture with the pinned Astro and Starlight, in a folder beside their
/// `node_modules` (Vite resolves Starlight's components only from a real path under it).
fn build() -> Option<(Built, tempfile::TempDir)> {
    let cache = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/.cache/starlight");
    let astro = cache.join("node_modules/astro/astro.js");
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    if !have_tool("node") {
        return None;
    }
    if !astro.is_file() {
        assert!(
            !ci,
            "Astro is not in {}, and CI is set: .ci/run installs it",
            cache.display()
        );
        eprintln!(
            "skipped: Astro is not installed in {} (see .ci/run)",
            cache.display()
        );
        return None;
    }
    let site = tempfile::Builder::new()
        .prefix("site-")
        .tempdir_in(&cache)
        .unwrap();
    let repo = TestRepo::new();
    repo.copy_tree(&fixture_dir());
    copy(repo.root(), site.path());
    let out = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let status = Command::new("node")
        .arg(&astro)
        .args(["build", "--outDir"])
        .arg(out.path())
        .current_dir(site.path())
        .env("ASTRO_TELEMETRY_DISABLED", "1")
        .output()
        .expect("run astro build");
    assert!(
        status.status.success(),
        "astro build failed:\n{}\n{}",
        String::from_utf8_lossy(&status.stdout),
        String::from_utf8_lossy(&status.stderr)
    );
    eprintln!("astro build: {:.1}s", started.elapsed().as_secs_f64());
    Some((
        Built {
            dir: out.path().to_owned(),
        },
        out,
    ))
}

fn copy(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == ".git" {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every link docsteward checks on a page the build publishes: broken in the build exactly
/// when docsteward reports it.
#[test]
fn the_real_build_agrees_with_every_verdict() {
    let Some((built, _guard)) = build() else {
        return;
    };
    // Built pages by (title, language).
    let mut pages: HashMap<(String, String), (String, Page)> = HashMap::new();
    for file in common::files_with_extension(&built.dir, "html") {
        let page = read_page(&std::fs::read_to_string(&file).unwrap());
        if page.title.is_empty() {
            continue;
        }
        let url = built.url_of(&file);
        let key = (page.title.clone(), page.lang.clone());
        // A translated page's own URL wins over another locale's fallback of the same title.
        pages.entry(key).or_insert((url, page));
    }

    let repo = fixture();
    repo.commit("the fixture site");
    let out = repo.check_json(&["--as-of", "2030-01-01"]);
    let reported: BTreeSet<(String, u64, u64)> = out
        .findings()
        .into_iter()
        .filter(|x| x.0.starts_with("links/"))
        .map(|(_, path, line, column)| (path, line, column))
        .collect();

    let root = fixture_dir();
    let docs = root.join("src/content/docs");
    let mut compared = 0;
    let mut disagreements = Vec::new();
    let mut unpublished = BTreeMap::new();
    for ext in ["md", "mdx"] {
        for file in common::files_with_extension(&docs, ext) {
            let rel = file
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let bytes = std::fs::read(&file).unwrap();
            let doc = Document::parse(&rel, &bytes);
            let text = String::from_utf8(bytes).unwrap();
            let title = doc
                .data()
                .and_then(|d| d.get("title"))
                .and_then(|e| e.value.as_str())
                .unwrap_or_default()
                .to_owned();
            let lang = if rel.starts_with("src/content/docs/es/") {
                "es"
            } else {
                "en"
            };
            let Some((url, page)) = pages.get(&(title, lang.to_owned())) else {
                unpublished.insert(rel.clone(), doc.markdown.references.len());
                continue;
            };
            for r in &doc.markdown.references {
                let target = r.target.as_str();
                if target.contains(':') || target.starts_with("//") || target.starts_with("/blog/")
                {
                    continue; // Another site: docsteward does not check it.
                }
                let before = &text[..r.span.start];
                let line = before.matches('\n').count() as u64 + 1;
                let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
                    .chars()
                    .count() as u64
                    + 1;
                // A missing anchor is reported at its `#fragment`, inside the target.
                let end = column + target.chars().count() as u64;
                let docsteward_broken = reported
                    .range((rel.clone(), line, column)..(rel.clone(), line, end))
                    .next()
                    .is_some();
                let decoded = percent_decode(target);
                let built_verdict = if r.kind == RefKind::Image && !target.starts_with('/') {
                    // Astro imports it from the file's folder (a missing one fails the build)
                    // and publishes it under a hashed name.
                    if page.urls.iter().any(|u| u.starts_with("/_astro/")) {
                        Ok(())
                    } else {
                        Err("no imported image on the page".to_owned())
                    }
                } else if !page.urls.contains(&decoded) {
                    Err(format!("the page's HTML has no link {decoded:?}"))
                } else {
                    let (path, fragment) = match decoded.split_once('#') {
                        Some((p, f)) => (p, Some(f)),
                        None => (decoded.as_str(), None),
                    };
                    let absolute = if path.is_empty() {
                        url.clone()
                    } else {
                        join(url, path)
                    };
                    let with_fragment = match fragment {
                        Some(f) => format!("{absolute}#{f}"),
                        None => absolute,
                    };
                    built.works(&with_fragment)
                };
                compared += 1;
                if built_verdict.is_err() != docsteward_broken {
                    disagreements.push(format!(
                        "{rel}:{line}:{column} `{target}` on {url}: build says {built_verdict:?}, docsteward {}",
                        if docsteward_broken { "reports it" } else { "does not" }
                    ));
                }
            }
        }
    }
    eprintln!(
        "oracle: {compared} links compared, {} agree; not built: {unpublished:?}",
        compared - disagreements.len()
    );
    assert!(compared >= 30, "only {compared} links compared");
    assert!(
        disagreements.is_empty(),
        "docsteward and the build disagree:\n{}",
        disagreements.join("\n")
    );
    // Drafts and `_` files are not built; everything else is.
    let not_built: Vec<&String> = unpublished.keys().collect();
    assert_eq!(
        not_built,
        [
            "src/content/docs/_partial.md",
            "src/content/docs/drafts/wip.md"
        ]
    );
}

#[test]
fn urls_resolve_like_a_browser() {
    assert_eq!(
        join("/guides/install-guide/", "../reference/x/"),
        "/guides/reference/x/"
    );
    assert_eq!(join("/api/custom-slug/", "../../"), "/");
    assert_eq!(join("/", "getting-started/"), "/getting-started/");
    assert_eq!(join("/es/", "/es/x/"), "/es/x/");
    assert_eq!(percent_decode("#configuraci%C3%B3n"), "#configuración");
}
