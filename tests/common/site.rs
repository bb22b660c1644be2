//! Reading a site a generator built, for the differential tests that compare docsteward's
//! verdict on each source link with what the built site serves.

use std::collections::HashSet;
use std::path::PathBuf;

/// A built site: its output folder, served at `host` under `base` (`/docs/`).
pub struct Built {
    pub out: PathBuf,
    pub host: &'static str,
    pub base: &'static str,
}

impl Built {
    /// The file served at `url` (site-absolute, decoded), redirects followed.
    pub fn file(&self, url: &str) -> Option<PathBuf> {
        let mut url = url.to_owned();
        let bare = self.base.trim_end_matches('/');
        for _ in 0..5 {
            let rel = url
                .strip_prefix(self.base)
                .or_else(|| (url == bare).then_some(""))?;
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
                    url = to.strip_prefix(self.host).unwrap_or(to).to_owned();
                }
                None => return Some(path),
            }
        }
        None
    }

    /// Whether the built site serves what `href`, on the page at `page`, names.
    pub fn works(&self, page: &str, href: &str) -> bool {
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
            percent_decode(&absolute(self.host, page, path))
        };
        let Some(file) = self.file(&url) else {
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
}

/// `href`/`src` of each `<a>` and `<img>` in the page's body, in order.
pub fn links_in(html: &str) -> Vec<String> {
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
pub fn ids_in(html: &str) -> HashSet<String> {
    html.split(" id=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .collect()
}

pub fn percent_decode(s: &str) -> String {
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
pub fn absolute(host: &str, page: &str, href: &str) -> String {
    let href = href.strip_prefix(host).unwrap_or(href);
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

/// 1-based line and character column of byte `at`.
pub fn line_col(text: &str, at: usize) -> (u64, u64) {
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

/// Whether the findings flag a link on `line` of `path` whose span covers `start..=end`.
pub fn flagged(
    findings: &[(String, String, u64, u64)],
    path: &str,
    line: u64,
    (start, end): (u64, u64),
) -> bool {
    findings.iter().any(|(rule, p, l, c)| {
        rule.starts_with("links/") && p == path && *l == line && (start..=end).contains(c)
    })
}

/// A finding as the tests compare them: rule, path, line, column.
pub type Finding = (String, String, u64, u64);

/// `docsteward init` on `repo` with its `docsteward.toml` removed: the configuration it
/// wrote, which must hold each of `says`, and the findings of `check` with it (as of
/// 2030-01-01, `stale/age` aside).
pub fn init_then_check(repo: &super::TestRepo, says: &[&str]) -> (String, Vec<Finding>) {
    std::fs::remove_file(repo.path("docsteward.toml")).unwrap();
    repo.commit("the site without its configuration");
    let out = repo.run(&["init"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let written = std::fs::read_to_string(repo.path("docsteward.toml")).unwrap();
    for said in says {
        assert!(
            written.contains(said),
            "init did not write {said:?}:\n{written}"
        );
    }
    repo.commit("what init wrote");
    let found = repo
        .check_json(&["--as-of", "2030-01-01"])
        .findings()
        .into_iter()
        .filter(|x| x.0 != "stale/age")
        .collect();
    (written, found)
}
