//! `docfx`: DocFX, and Microsoft Learn, which builds DocFX docsets.
//!
//! Read from the generator's documentation:
//! - `docfx.json` (<https://dotnet.github.io/docfx/reference/docfx-json-reference.html>):
//!   `build.content[]` and `build.resource[]` are file mappings, `files` globs (and `exclude`)
//!   relative to `src` (itself relative to `docfx.json`'s folder), published under `dest`.
//!   A Markdown or YAML page `a/b.md` becomes `a/b.html`; a resource keeps its name.
//! - `.openpublishing.publish.config.json` (Learn,
//!   <https://learn.microsoft.com/en-us/contribute/>): `docsets_to_publish[]` names each
//!   docset's `build_source_folder` (where its `docfx.json` is) and `build_output_subfolder`,
//!   the docset's URL prefix (`/powershell/`). Learn serves pages without an extension, an
//!   `index` page at its folder's URL, and ignores letter case in URLs.
//! - `.openpublishing.redirection*.json` (Learn): `redirections[]` with `source_path` (or
//!   `source_path_from_root`), the file that used to be published, and `redirect_url`.
//! - Links (<https://dotnet.github.io/docfx/docs/links-and-cross-references.html>): a relative
//!   link to a source file (`../a.md`) becomes that file's URL; `~/` starts at the docset's
//!   folder; `xref:UID` (and `<xref:UID>`) names the document whose front matter has `uid:`
//!   UID, and a UID no document here defines is resolved by the host (another docset's API
//!   reference): not docsteward's to check.
//! - Heading ids: DocFX's Markdown engine is markdig with `UseAutoIdentifiers(GitHub)`
//!   (`Docfx.MarkdigEngine.Extensions/MarkdownExtensions.cs`); see [`heading_id`].
//!   `{#id}` is not an attribute unless `build.markdownEngineProperties.markdigExtensions`
//!   turns on markdig's `attributes`: the text `{#id}` is then part of the heading.

use std::collections::HashSet;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde_json::Value;
use unicode_general_category::{get_general_category, GeneralCategory};

use super::{Detection, Model};
use crate::document::markdown::Heading;
use crate::document::Node;
use crate::error::Error;
use crate::paths;
use crate::repo::Snapshot;

const PUBLISH_CONFIG: &str = ".openpublishing.publish.config.json";

pub struct Docfx {
    docsets: Vec<Docset>,
    /// Learn serves extensionless, case-insensitive URLs; a plain DocFX site `.html` files.
    learn: bool,
    redirects: Vec<(String, String)>,
}

/// One `docfx.json`.
struct Docset {
    /// Repository-relative folder of `docfx.json`, with a trailing `/` (or `""`).
    folder: String,
    /// URL prefix: `/powershell` on Learn, `""` for a plain DocFX site.
    prefix: String,
    content: Vec<Mapping>,
    resource: Vec<Mapping>,
    /// markdig's generic attributes are on: `{#id}` sets a heading's id.
    attributes: bool,
}

/// A `build.content[]` or `build.resource[]` file mapping.
struct Mapping {
    /// Repository-relative source folder, with a trailing `/` (or `""`).
    src: String,
    /// Output folder under the docset, with a trailing `/` (or `""`).
    dest: String,
    files: GlobSet,
    exclude: GlobSet,
}

impl Mapping {
    /// `path` relative to the mapping's source folder, when the mapping takes it.
    fn take<'p>(&self, path: &'p str) -> Option<&'p str> {
        let rel = path.strip_prefix(self.src.as_str())?;
        (self.files.is_match(rel) && !self.exclude.is_match(rel)).then_some(rel)
    }
}

impl Docfx {
    /// Reads the Learn publishing configuration in `root` if there is one, else `root`'s
    /// `docfx.json`.
    pub fn load(root: &str, snapshot: &Snapshot) -> Result<Docfx, Error> {
        let root = paths::as_dir(root);
        let publish = format!("{root}{PUBLISH_CONFIG}");
        let mut model = if snapshot.contains(&publish) {
            let config = read_json(snapshot, &publish)?;
            let mut docsets = Vec::new();
            for d in publish_docsets(&config) {
                let folder = paths::as_dir(&paths::join(&root, &d.folder).unwrap_or_default());
                let prefix = match d.subfolder.trim_matches('/') {
                    "" => String::new(),
                    s => format!("/{s}"),
                };
                docsets.push(docset(snapshot, &folder, prefix)?);
            }
            Docfx {
                docsets,
                learn: true,
                redirects: Vec::new(),
            }
        } else {
            Docfx {
                docsets: vec![docset(snapshot, &root, String::new())?],
                learn: false,
                redirects: Vec::new(),
            }
        };
        model.redirects = model.read_redirects(snapshot, &root)?;
        Ok(model)
    }

    /// `redirections[]` of every `.openpublishing.redirection*.json` in `root`.
    fn read_redirects(
        &self,
        snapshot: &Snapshot,
        root: &str,
    ) -> Result<Vec<(String, String)>, Error> {
        let mut out = Vec::new();
        for file in snapshot.files() {
            let Some(name) = file.strip_prefix(root) else {
                continue;
            };
            if name.contains('/')
                || !name.starts_with(".openpublishing.redirection")
                || !name.ends_with(".json")
            {
                continue;
            }
            let config = read_json(snapshot, file)?;
            let entries = config
                .get("redirections")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            for entry in entries {
                let source = match (
                    entry.get("source_path").and_then(Value::as_str),
                    entry.get("source_path_from_root").and_then(Value::as_str),
                ) {
                    (Some(s), _) => paths::join(root, s),
                    (None, Some(s)) => paths::join("", s),
                    (None, None) => None,
                };
                let (Some(source), Some(to)) =
                    (source, entry.get("redirect_url").and_then(Value::as_str))
                else {
                    continue;
                };
                let Some(from) = self.urls(&source, None).into_iter().next() else {
                    continue;
                };
                let to = if to.starts_with('/') || to.contains("://") {
                    to.to_owned()
                } else {
                    match super::Site::join(&from, to) {
                        Some(t) => t,
                        None => continue,
                    }
                };
                out.push((from, to));
            }
        }
        Ok(out)
    }

    fn page_url(&self, docset: &Docset, dest: &str, rel: &str) -> String {
        let (dir, name) = match rel.rfind('/') {
            Some(i) => (&rel[..=i], &rel[i + 1..]),
            None => ("", rel),
        };
        let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
        let prefix = &docset.prefix;
        if self.learn {
            if stem.eq_ignore_ascii_case("index") {
                format!("{prefix}/{dest}{dir}")
            } else {
                format!("{prefix}/{dest}{dir}{stem}")
            }
        } else {
            format!("{prefix}/{dest}{dir}{stem}.html")
        }
    }

    fn docset_of(&self, path: &str) -> Option<&Docset> {
        self.docsets
            .iter()
            .filter(|d| path.starts_with(d.folder.as_str()))
            .max_by_key(|d| d.folder.len())
    }
}

/// A docset named in the publishing configuration.
struct PublishedDocset {
    folder: String,
    subfolder: String,
}

fn publish_docsets(config: &Value) -> Vec<PublishedDocset> {
    config
        .get("docsets_to_publish")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|d| PublishedDocset {
            folder: d
                .get("build_source_folder")
                .and_then(Value::as_str)
                .unwrap_or(".")
                .to_owned(),
            subfolder: d
                .get("build_output_subfolder")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
        })
        .collect()
}

fn read_json(snapshot: &Snapshot, file: &str) -> Result<Value, Error> {
    let error = |message: String| Error::SiteConfig {
        file: file.to_owned(),
        message,
    };
    let bytes = snapshot.read(file).map_err(|e| error(e.to_string()))?;
    // Learn's files are often written with a byte order mark.
    let text = String::from_utf8_lossy(&bytes);
    serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| error(e.to_string()))
}

/// The `docfx.json` in `folder`, published under `prefix`.
fn docset(snapshot: &Snapshot, folder: &str, prefix: String) -> Result<Docset, Error> {
    let file = format!("{folder}docfx.json");
    let config = read_json(snapshot, &file)?;
    let build = config.get("build").unwrap_or(&Value::Null);
    let mappings = |key: &str| -> Result<Vec<Mapping>, Error> {
        let list = match build.get(key) {
            Some(Value::Array(list)) => list.as_slice(),
            Some(one @ Value::Object(_)) => std::slice::from_ref(one),
            _ => &[],
        };
        list.iter()
            .map(|m| {
                mapping(folder, m).map_err(|message| Error::SiteConfig {
                    file: file.clone(),
                    message,
                })
            })
            .collect()
    };
    let extensions = build
        .pointer("/markdownEngineProperties/markdigExtensions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let attributes = extensions
        .iter()
        .filter_map(Value::as_str)
        .any(|e| e.eq_ignore_ascii_case("attributes") || e.eq_ignore_ascii_case("advanced"));
    Ok(Docset {
        folder: folder.to_owned(),
        prefix,
        content: mappings("content")?,
        resource: mappings("resource")?,
        attributes,
    })
}

fn mapping(folder: &str, m: &Value) -> Result<Mapping, String> {
    let src = m.get("src").and_then(Value::as_str).unwrap_or(".");
    let src = paths::join(folder, src)
        .map(|s| paths::as_dir(&s))
        .ok_or_else(|| format!("`src` `{src}` leads outside the repository"))?;
    let dest = m.get("dest").and_then(Value::as_str).unwrap_or("");
    let dest = paths::join("", dest)
        .map(|d| paths::as_dir(&d))
        .unwrap_or_default();
    Ok(Mapping {
        src,
        dest,
        files: globs(m.get("files"))?,
        exclude: globs(m.get("exclude"))?,
    })
}

/// A mapping's `files` or `exclude`: one glob or a list, `**` any number of folders.
fn globs(value: Option<&Value>) -> Result<GlobSet, String> {
    let patterns: Vec<&str> = match value {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let mut set = GlobSetBuilder::new();
    for p in patterns {
        // `**.md` is DocFX's shorthand for `**/*.md`.
        let p = p.trim_start_matches("./").replace("**.", "**/*.");
        let glob = GlobBuilder::new(&p)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("invalid glob `{p}`: {}", e.kind()))?;
        set.add(glob);
    }
    set.build().map_err(|e| e.to_string())
}

fn is_page(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    lower.ends_with(".md") || lower.ends_with(".yml") || lower.ends_with(".yaml")
}

fn is_toc(rel: &str) -> bool {
    let name = paths::file_name(rel).to_ascii_lowercase();
    matches!(name.as_str(), "toc.md" | "toc.yml" | "toc.yaml")
}

impl Model for Docfx {
    fn name(&self) -> &'static str {
        "docfx"
    }

    fn urls(&self, path: &str, _front: Option<&Node>) -> Vec<String> {
        let mut out = Vec::new();
        for docset in &self.docsets {
            for m in &docset.content {
                let Some(rel) = m.take(path) else { continue };
                if is_toc(rel) {
                    continue;
                }
                let url = if is_page(rel) {
                    self.page_url(docset, &m.dest, rel)
                } else {
                    format!("{}/{}{rel}", docset.prefix, m.dest)
                };
                if !out.contains(&url) {
                    out.push(url);
                }
            }
            for m in &docset.resource {
                if let Some(rel) = m.take(path) {
                    let url = format!("{}/{}{rel}", docset.prefix, m.dest);
                    if !out.contains(&url) {
                        out.push(url);
                    }
                }
            }
        }
        out
    }

    fn site_redirects(&self) -> Vec<(String, String)> {
        self.redirects.clone()
    }

    fn rewrites_file_links(&self) -> bool {
        true
    }

    fn front_matter_keys(&self) -> &'static [&'static str] {
        &["uid"]
    }

    fn owns(&self, url: &str) -> bool {
        if !self.learn {
            return true;
        }
        let url = url.to_lowercase();
        self.docsets.iter().any(|d| {
            let prefix = d.prefix.to_lowercase();
            prefix.is_empty()
                || url
                    .strip_prefix(prefix.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }

    fn case_insensitive(&self) -> bool {
        self.learn
    }

    fn names(&self, _path: &str, front: Option<&Node>) -> Vec<String> {
        front
            .and_then(|f| f.get("uid"))
            .and_then(|e| e.value.as_str())
            .map(|uid| vec![uid.trim().to_owned()])
            .unwrap_or_default()
    }

    fn link_name(&self, target: &str) -> Option<(String, Option<String>)> {
        let rest = target.strip_prefix("xref:")?;
        let (uid, fragment) = match rest.split_once('#') {
            Some((u, f)) => (u, Some(decode(f))),
            None => (rest, None),
        };
        // `?displayProperty=fullName` and friends choose the link text.
        let uid = uid.split('?').next().unwrap_or("");
        Some((decode(uid), fragment))
    }

    fn source_root(&self, from: &str) -> Option<String> {
        self.docset_of(from).map(|d| d.folder.clone())
    }

    fn heading_ids(&self, headings: &[Heading]) -> Vec<Option<String>> {
        // Every docset of one configuration shares the engine; `attributes` is per docset,
        // but the pages passed here carry no path: any docset turning it on keeps `{#id}`.
        let attributes = self.docsets.iter().any(|d| d.attributes);
        let mut taken = HashSet::new();
        headings
            .iter()
            .map(|h| {
                if h.custom && attributes {
                    // markdig leaves an id that is set alone, and does not reserve it.
                    return Some(h.anchor.clone());
                }
                let text = if h.custom {
                    format!("{} {{#{}}}", h.text, h.anchor)
                } else {
                    h.text.clone()
                };
                Some(heading_id(&text, &mut taken))
            })
            .collect()
    }
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// markdig's auto-identifier with `AutoIdentifierOptions.GitHub` (`LinkHelper.UrilizeAsGfm`
/// and `AutoIdentifierExtension`): keep each UTF-16 unit that .NET's `char.IsLetterOrDigit`
/// accepts (a letter, general category L*, or a decimal digit, Nd; a character outside the
/// Basic Multilingual Plane is two surrogates and is dropped), `-` and `_`; a space becomes
/// `-`; lower-case with invariant culture. An empty result is `section`; an id already
/// taken on the page gets `-1`, `-2`, ... appended.
pub fn heading_id(text: &str, taken: &mut HashSet<String>) -> String {
    let mut base = String::new();
    for c in text.chars() {
        match c {
            ' ' => base.push('-'),
            '-' | '_' => base.push(c),
            c if (c as u32) <= 0xFFFF && is_letter_or_digit(c) => base.push(lower_invariant(c)),
            _ => {}
        }
    }
    if base.is_empty() {
        base.push_str("section");
    }
    let mut id = base.clone();
    let mut n = 0;
    while !taken.insert(id.clone()) {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

fn is_letter_or_digit(c: char) -> bool {
    use GeneralCategory::*;
    matches!(
        get_general_category(c),
        UppercaseLetter
            | LowercaseLetter
            | TitlecaseLetter
            | ModifierLetter
            | OtherLetter
            | DecimalNumber
    )
}

/// .NET's `char.ToLowerInvariant`: the simple (one character) lower-case mapping.
fn lower_invariant(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        // Only U+0130 (İ) lower-cases to two characters; its simple mapping is `i`.
        (Some(l), Some(_)) => l,
        _ => c,
    }
}

/// DocFX in the snapshot: Learn's publishing configuration at the root, else the
/// shallowest `docfx.json`.
pub fn detect(snapshot: &Snapshot) -> Option<Detection> {
    if snapshot.contains(PUBLISH_CONFIG) {
        let config = read_json(snapshot, PUBLISH_CONFIG).ok()?;
        let docsets = publish_docsets(&config);
        if docsets.is_empty() {
            return None;
        }
        let described: Vec<String> = docsets
            .iter()
            .map(|d| {
                format!(
                    "docset in `{}` published at `/{}/`",
                    d.folder,
                    d.subfolder.trim_matches('/')
                )
            })
            .collect();
        let unread = docsets
            .iter()
            .filter_map(|d| {
                let file = format!("{}docfx.json", paths::as_dir(&paths::join("", &d.folder)?));
                (!snapshot.contains(&file)).then(|| format!("{file} (not in the repository)"))
            })
            .collect();
        return Some(Detection {
            generator: "docfx",
            root: String::new(),
            evidence: format!(
                "{PUBLISH_CONFIG}: {} (Microsoft Learn)",
                described.join("; ")
            ),
            unread,
        });
    }
    let file = snapshot
        .files()
        .iter()
        .filter(|f| paths::file_name(f) == "docfx.json")
        .min_by_key(|f| (f.matches('/').count(), f.as_str()))?;
    let config = read_json(snapshot, file).ok()?;
    let content = config
        .pointer("/build/content")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    Some(Detection {
        generator: "docfx",
        root: paths::parent(file),
        evidence: format!("{file}: {content} content mapping(s) in `build.content`"),
        unread: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(texts: &[&str]) -> Vec<String> {
        let mut taken = HashSet::new();
        texts.iter().map(|t| heading_id(t, &mut taken)).collect()
    }

    /// DocFX's own test of its default (`AutoIdentifierTest_DocfxDefault` in
    /// `Docfx.MarkdigEngine.Tests`), and markdig's spec examples (`AutoIdentifierSpecs.md`)
    /// worked through `UrilizeAsGfm`.
    #[test]
    fn markdig_github_ids() {
        assert_eq!(ids(&["This is a heading"]), ["this-is-a-heading"]);
        // Punctuation is dropped, each space is a `-` (no collapsing, unlike the default
        // auto-identifier's `this-is-a-heading_with.and`).
        assert_eq!(
            ids(&["This - is a &@! heading _ with . and ! -"]),
            ["this---is-a--heading-_-with--and---"]
        );
        assert_eq!(ids(&["1.0 This is a heading"]), ["10-this-is-a-heading"]);
        assert_eq!(
            ids(&[
                "This is a heading",
                "This is a heading",
                "This is a heading"
            ]),
            [
                "this-is-a-heading",
                "this-is-a-heading-1",
                "this-is-a-heading-2"
            ]
        );
    }

    #[test]
    fn headings_without_letters_are_sections() {
        assert_eq!(
            ids(&["&", "^%", "*"]),
            ["section", "section-1", "section-2"]
        );
        // A space is kept as `-`, so a heading of spaces and punctuation is not empty.
        assert_eq!(ids(&["& ^"]), ["-"]);
    }

    #[test]
    fn unicode_letters_stay_and_marks_go() {
        // Bengali: the anusvara (Mc), virama (Mn) and vowel sign (Mc) are not letters.
        assert_eq!(ids(&["সংজ্ঞা"]), ["সজঞ"]);
        assert_eq!(ids(&["Überblick Ärger"]), ["überblick-ärger"]);
        assert_eq!(ids(&["日本語の見出し"]), ["日本語の見出し"]);
        // U+1D4B3 (mathematical script X) is a letter, but .NET sees two surrogates.
        assert_eq!(ids(&["A 𝒳 B"]), ["a--b"]);
        assert_eq!(ids(&["İstanbul"]), ["istanbul"]);
        // A taken id numbers the next one even when it came from another text.
        assert_eq!(ids(&["a-1", "a", "a"]), ["a-1", "a", "a-2"]);
    }
}
