//! `hugo`: the site Hugo builds from `content/`, read the way Hugo's documentation describes it.
//!
//! - Configuration: `hugo.{toml,yaml,yml,json}` (else the older `config.*`) and the files of
//!   `config/_default/` (`hugo.*`/`config.*` at the root, any other `NAME.*` under key `NAME`),
//!   keys case-insensitive: <https://gohugo.io/configuration/introduction/>.
//! - `baseURL`'s path prefixes every URL; `languages` (each with its `contentDir`),
//!   `defaultContentLanguage`, `defaultContentLanguageInSubdir`:
//!   <https://gohugo.io/content-management/multilingual/>.
//! - Page URLs from the content tree, `slug`, `url`, `permalinks`, `uglyURLs`, lower-cased paths:
//!   <https://gohugo.io/content-management/urls/>; aliases are redirect pages at the alias URL.
//! - Page bundles (`index.md` leaf bundles own every file under their folder, published beside
//!   the page; `_index.md` branch bundles): <https://gohugo.io/content-management/page-bundles/>.
//! - `draft: true` is not built, `headless: true` / `build.render: never` is not rendered but its
//!   resources are published: <https://gohugo.io/content-management/build-options/>.
//! - `static/` is published at the site root: <https://gohugo.io/content-management/static-files/>.
//! - Heading ids: goldmark's `autoHeadingIDType` (`github`, `github-ascii`, `blackfriday`),
//!   duplicates numbered `-1`, `-2`: <https://gohugo.io/configuration/markup/#goldmark>.
//! - The embedded link and image render hooks (on by default on a multilingual single-host
//!   site) look a destination up as a page, then as a page resource:
//!   <https://gohugo.io/render-hooks/links/#default>; `ref`/`relref` shortcodes look it up as a
//!   page, relative to the page, then from the content root, then by unique name:
//!   <https://gohugo.io/methods/page/ref/>.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value as Json};
use unicode_general_category::{get_general_category, GeneralCategory as Gc};

use super::{Detection, Model};
use crate::document::markdown::{Heading, RefKind};
use crate::document::{Document, Limits, Node, Value};
use crate::error::Error;
use crate::paths;
use crate::repo::Snapshot;

/// Config files at the site root, in the order Hugo prefers them.
const ROOT_CONFIGS: &[&str] = &[
    "hugo.toml",
    "hugo.yaml",
    "hugo.yml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "config.yml",
    "config.json",
];

/// The extensions of content files Hugo renders as pages.
const CONTENT_EXTENSIONS: &[&str] = &[
    "md", "markdown", "mdown", "mkd", "mkdn", "html", "htm", "adoc", "org", "pdc", "rst",
];

/// How goldmark makes heading ids (`markup.goldmark.parser.autoHeadingIDType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdType {
    Github,
    GithubAscii,
    Blackfriday,
    /// `autoHeadingID = false`: only explicit `{#id}`s.
    None,
}

#[derive(Debug)]
struct Language {
    code: String,
    /// Repository-relative, with a trailing `/`.
    dir: String,
    /// `""` or `/tr`.
    prefix: String,
}

pub struct Hugo {
    /// `baseURL`'s path without the trailing `/` (`/docs`), or `""`.
    base: String,
    /// The default language first.
    languages: Vec<Language>,
    default_in_subdir: bool,
    /// Repository-relative static folders, with a trailing `/`.
    static_dirs: Vec<String>,
    /// Top-level section -> pattern, for regular pages.
    permalinks: HashMap<String, String>,
    ugly: bool,
    lower: bool,
    ids: IdType,
    link_hook: bool,
    image_hook: bool,
    /// Leaf bundle folders (repository-relative, trailing `/`) -> the URL folder their
    /// resources are published in, `None` when the bundle is not built.
    bundles: HashMap<String, Option<String>>,
    /// (language, lower-cased logical path like `/guides/setup`) -> the page's file.
    pages: HashMap<(usize, String), String>,
    /// (language, lower-cased base name) -> pages of that name, for `ref`'s lookup by name.
    names: HashMap<(usize, String), Vec<String>>,
    /// Lower-cased path -> path, for case-insensitive resource lookups.
    lower_files: HashMap<String, String>,
}

/// The configuration, merged, keys lower-cased, and the files it came from.
struct Config {
    files: Vec<String>,
    values: Map<String, Json>,
}

impl Hugo {
    /// Reads the configuration under `root` (`""` or `website/`) from `snapshot`.
    pub fn load(root: &str, snapshot: &Snapshot) -> Result<Hugo, Error> {
        let config = read_config(root, snapshot)?.unwrap_or(Config {
            files: Vec::new(),
            values: Map::new(),
        });
        let mut hugo = Hugo::from_config(root, &config.values);
        hugo.index(snapshot);
        Ok(hugo)
    }

    fn from_config(root: &str, c: &Map<String, Json>) -> Hugo {
        let base = c
            .get("baseurl")
            .and_then(Json::as_str)
            .map(url_path)
            .unwrap_or_default();
        let content_dir = c
            .get("contentdir")
            .and_then(Json::as_str)
            .unwrap_or("content");
        let default_lang = c
            .get("defaultcontentlanguage")
            .and_then(Json::as_str)
            .unwrap_or("en")
            .to_lowercase();
        let default_in_subdir = c
            .get("defaultcontentlanguageinsubdir")
            .and_then(Json::as_bool)
            .unwrap_or(false);
        let mut langs: Vec<(String, String, i64)> = Vec::new();
        if let Some(Json::Object(map)) = c.get("languages") {
            for (code, l) in map {
                if l.get("disabled").and_then(Json::as_bool) == Some(true) {
                    continue;
                }
                let dir = l
                    .get("contentdir")
                    .and_then(Json::as_str)
                    .unwrap_or(content_dir);
                let weight = l.get("weight").and_then(Json::as_i64).unwrap_or(0);
                langs.push((code.to_lowercase(), dir.to_owned(), weight));
            }
        }
        if langs.is_empty() {
            langs.push((default_lang.clone(), content_dir.to_owned(), 0));
        }
        // The default language first, then by weight as Hugo orders them.
        langs.sort_by_key(|(code, _, w)| (*code != default_lang, *w, code.clone()));
        let multilingual = langs.len() > 1;
        let languages = langs
            .into_iter()
            .map(|(code, dir, _)| Language {
                prefix: if code == default_lang && !default_in_subdir {
                    String::new()
                } else {
                    format!("/{code}")
                },
                dir: paths::as_dir(&format!("{root}{}", dir.trim_matches('/'))),
                code,
            })
            .collect();
        let static_dirs = match c.get("staticdir") {
            Some(Json::String(s)) => vec![s.clone()],
            Some(Json::Array(a)) => a
                .iter()
                .filter_map(Json::as_str)
                .map(str::to_owned)
                .collect(),
            _ => vec!["static".to_owned()],
        }
        .into_iter()
        .map(|d| paths::as_dir(&format!("{root}{}", d.trim_matches('/'))))
        .collect();
        let mut permalinks = HashMap::new();
        if let Some(Json::Object(map)) = c.get("permalinks") {
            for (k, v) in map {
                match v {
                    // Old style `[permalinks] posts = '...'`: regular pages of the section.
                    Json::String(p) => {
                        permalinks.insert(k.clone(), p.clone());
                    }
                    Json::Object(m) if k == "page" => {
                        for (s, p) in m {
                            if let Some(p) = p.as_str() {
                                permalinks.insert(s.clone(), p.to_owned());
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        let goldmark = c.get("markup").and_then(|m| m.get("goldmark"));
        let parser = goldmark.and_then(|g| g.get("parser"));
        let ids = if parser
            .and_then(|p| p.get("autoheadingid"))
            .and_then(Json::as_bool)
            == Some(false)
        {
            IdType::None
        } else {
            match parser
                .and_then(|p| p.get("autoheadingidtype"))
                .and_then(Json::as_str)
                .map(str::to_lowercase)
                .as_deref()
            {
                Some("github-ascii") => IdType::GithubAscii,
                Some("blackfriday") => IdType::Blackfriday,
                _ => IdType::Github,
            }
        };
        // The embedded hooks are on by default for a multilingual single-host site that does
        // not duplicate resource files.
        let duplicate = goldmark
            .and_then(|g| g.get("duplicateresourcefiles"))
            .and_then(Json::as_bool)
            .unwrap_or(false);
        let hook = |name: &str| {
            goldmark
                .and_then(|g| g.get("renderhooks"))
                .and_then(|h| h.get(name))
                .and_then(|h| h.get("enabledefault"))
                .and_then(Json::as_bool)
                .unwrap_or(multilingual && !duplicate)
        };
        Hugo {
            base,
            languages,
            default_in_subdir,
            static_dirs,
            permalinks,
            ugly: c.get("uglyurls").and_then(Json::as_bool).unwrap_or(false),
            lower: !c
                .get("disablepathtolower")
                .and_then(Json::as_bool)
                .unwrap_or(false),
            ids,
            link_hook: hook("link"),
            image_hook: hook("image"),
            bundles: HashMap::new(),
            pages: HashMap::new(),
            names: HashMap::new(),
            lower_files: HashMap::new(),
        }
    }

    /// Indexes the content tree: pages by logical path and name, leaf bundles with the URL
    /// their resources are published at (from their `index.md`'s front matter).
    fn index(&mut self, snapshot: &Snapshot) {
        // Leaf bundle folder -> its index file.
        let mut leaves: Vec<(String, String)> = Vec::new();
        for path in snapshot.files() {
            self.lower_files.insert(path.to_lowercase(), path.clone());
            let Some((_, rel)) = self.place(path) else {
                continue;
            };
            if !is_content(path) || hidden(rel) {
                continue;
            }
            let (stem, _) = split_ext(paths::file_name(rel));
            if strip_lang(stem, &self.languages) == "index" {
                self.bundles.insert(paths::parent(path), None);
                leaves.push((paths::parent(path), path.clone()));
            }
        }
        for (dir, index) in leaves {
            let front = snapshot.read(&index).ok().map(|bytes| {
                Document::parse_front_matter(&index, &bytes, &Limits::default(), None)
            });
            let url = self
                .place(&index)
                .and_then(|(lang, rel)| self.page(lang, rel, front.as_ref().and_then(|d| d.data())))
                .filter(|p| p.resources)
                .map(|p| folder_of(&p.url));
            if url.is_some() || !self.bundles.get(&dir).is_some_and(Option::is_some) {
                self.bundles.insert(dir, url);
            }
        }
        for path in snapshot.files() {
            let Some((lang, rel)) = self.place(path) else {
                continue;
            };
            if !is_content(path)
                || hidden(rel)
                || self
                    .in_leaf(path)
                    .is_some_and(|d| !is_index(path, &d, self))
            {
                continue;
            }
            let key = logical(rel, &self.languages);
            let name = key.rsplit('/').next().unwrap_or("").to_owned();
            self.pages
                .entry((lang, key))
                .or_insert_with(|| path.clone());
            self.names
                .entry((lang, name))
                .or_default()
                .push(path.clone());
        }
    }

    /// The language and content-relative path of a file in a content folder.
    fn place<'p>(&self, path: &'p str) -> Option<(usize, &'p str)> {
        let longest = self
            .languages
            .iter()
            .filter(|l| path.starts_with(&l.dir))
            .map(|l| l.dir.len())
            .max()?;
        let rel = &path[longest..];
        let sharing: Vec<usize> = (0..self.languages.len())
            .filter(|&i| {
                self.languages[i].dir.len() == longest && path.starts_with(&self.languages[i].dir)
            })
            .collect();
        if sharing.len() == 1 {
            return Some((sharing[0], rel));
        }
        // Several languages in one folder: `about.fr.md` is French, `about.md` the default's.
        let (stem, _) = split_ext(paths::file_name(rel));
        let by_suffix = stem.rsplit_once('.').and_then(|(_, code)| {
            sharing
                .iter()
                .copied()
                .find(|&i| self.languages[i].code == code.to_lowercase())
        });
        Some((by_suffix.unwrap_or(sharing[0]), rel))
    }

    /// The leaf bundle folder holding `path`, if any.
    fn in_leaf(&self, path: &str) -> Option<String> {
        let mut dir = paths::parent(path);
        loop {
            if self.bundles.contains_key(&dir) {
                return Some(dir);
            }
            if dir.is_empty() || self.languages.iter().any(|l| l.dir == dir) {
                return None;
            }
            dir = paths::parent(dir.trim_end_matches('/'));
        }
    }

    /// Where the page at `rel` in language `lang` is published, if it is built.
    fn page(&self, lang: usize, rel: &str, front: Option<&Node>) -> Option<PageUrl> {
        let get = |k: &str| front.and_then(|f| f.get(k)).map(|e| &e.value.value);
        let truthy = |v: Option<&Value>| matches!(v, Some(Value::Bool(true)));
        if truthy(get("draft")) {
            return None;
        }
        let build = front.and_then(|f| f.get("build")).map(|e| &e.value.value);
        let build_key = |k: &str| match build {
            Some(Value::Map(entries)) => entries
                .iter()
                .find(|e| e.key.eq_ignore_ascii_case(k))
                .map(|e| e.value.value.clone()),
            _ => None,
        };
        let never = |v: Option<Value>| match v {
            Some(Value::Bool(false)) => true,
            Some(Value::String(s)) => s.eq_ignore_ascii_case("never"),
            _ => false,
        };
        let rendered = !truthy(get("headless")) && !never(build_key("render"));
        let resources = !matches!(build_key("publishresources"), Some(Value::Bool(false)));
        let language = &self.languages[lang];
        let prefix = format!("{}{}", self.base, language.prefix);
        let str_key = |k: &str| {
            get(k).and_then(|v| match v {
                Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
                _ => None,
            })
        };
        if let Some(url) = str_key("url") {
            // `url` is the whole path below baseURL, without the language prefix.
            let url = format!("{}/{}", self.base, url.trim_start_matches('/'));
            return Some(PageUrl {
                url,
                rendered,
                resources,
            });
        }
        let file = paths::file_name(rel);
        let (stem, _) = split_ext(file);
        let stem = strip_lang(stem, &self.languages);
        let dir = paths::parent(rel);
        let dir = dir.trim_end_matches('/');
        let lower = |s: &str| {
            if self.lower {
                s.to_lowercase()
            } else {
                s.to_owned()
            }
        };
        let url = if stem == "_index" {
            match (dir.is_empty(), self.ugly) {
                (true, _) => format!("{prefix}/"),
                (false, false) => format!("{prefix}/{}/", lower(dir)),
                (false, true) => format!("{prefix}/{}.html", lower(dir)),
            }
        } else {
            let (sections, name) = if stem == "index" {
                let (s, n) = dir.rsplit_once('/').unwrap_or(("", dir));
                (s, n)
            } else {
                (dir, stem)
            };
            let name = str_key("slug").unwrap_or_else(|| name.to_owned());
            let top = sections.split('/').next().unwrap_or("");
            let path = match self
                .permalinks
                .get(&top.to_lowercase())
                .filter(|_| !top.is_empty())
            {
                Some(pattern) => expand(pattern, sections, &name, stem, dir, front),
                None if sections.is_empty() => format!("/{name}/"),
                None => format!("/{sections}/{name}/"),
            };
            let path = lower(&path);
            match (self.ugly, path.strip_suffix('/')) {
                (true, Some(p)) if !p.is_empty() => format!("{prefix}{p}.html"),
                _ => format!("{prefix}{path}"),
            }
        };
        Some(PageUrl {
            url,
            rendered,
            resources,
        })
    }

    /// The pages a `ref` or the link render hook finds for `target` written in the page
    /// `rel` of language `lang` (Hugo's `getContentNode`).
    fn get_page(&self, lang: usize, rel: &str, target: &str, by_name: bool) -> Vec<String> {
        let mut out = Vec::new();
        let mut push = |key: String| {
            if let Some(file) = self.pages.get(&(lang, key)) {
                out.push(file.clone());
            }
        };
        let nav_up = target.starts_with("..");
        if !target.starts_with('/') {
            let mut base = format!("/{}", paths::parent(rel).trim_end_matches('/'));
            let (stem, _) = split_ext(paths::file_name(rel));
            if strip_lang(stem, &self.languages) == "index" && !nav_up {
                base = match base.rfind('/') {
                    Some(0) | None => "/".to_owned(),
                    Some(i) => base[..i].to_owned(),
                };
            }
            push(clean_ref(&format!("{base}/{target}"), &self.languages));
        }
        if target.starts_with('.') {
            return out;
        }
        push(clean_ref(target, &self.languages));
        let slashes = target.matches('/').count();
        if by_name && slashes <= 1 && (slashes == 0 || target.starts_with('/')) {
            let key = clean_ref(target, &self.languages);
            let name = key.rsplit('/').next().unwrap_or("").to_owned();
            if let Some([only]) = self.names.get(&(lang, name)).map(Vec::as_slice) {
                out.push(only.clone());
            }
        }
        out
    }

    /// The page resource `target` of the page `path` (`Page.Resources.Get`).
    fn resource(&self, path: &str, target: &str) -> Option<String> {
        let (stem, _) = split_ext(paths::file_name(path));
        let stem = strip_lang(stem, &self.languages);
        let dir = paths::parent(path);
        let target = target.trim_start_matches('/');
        let file = paths::join(&dir, target)?;
        let found = self.lower_files.get(&file.to_lowercase())?;
        let ok = match stem {
            // A leaf bundle owns every file under its folder.
            "index" => found.starts_with(&dir),
            // A branch bundle owns the files directly in its folder.
            "_index" => paths::parent(found) == dir,
            _ => false,
        };
        (ok && !is_content(found)).then(|| found.clone())
    }
}

/// A page's URL and whether it is rendered and its resources published.
struct PageUrl {
    url: String,
    rendered: bool,
    resources: bool,
}

impl Model for Hugo {
    fn name(&self) -> &'static str {
        "hugo"
    }

    fn urls(&self, path: &str, front: Option<&Node>) -> Vec<String> {
        for dir in &self.static_dirs {
            if let Some(rest) = path.strip_prefix(dir.as_str()) {
                return vec![format!("{}/{rest}", self.base)];
            }
        }
        let Some((lang, rel)) = self.place(path) else {
            return Vec::new();
        };
        if hidden(rel) {
            return Vec::new();
        }
        let leaf = self.in_leaf(path);
        if is_content(path) {
            if leaf.as_ref().is_some_and(|d| !is_index(path, d, self)) {
                // A content file inside a leaf bundle is a resource, and not published.
                return Vec::new();
            }
            return self
                .page(lang, rel, front)
                .filter(|p| p.rendered)
                .map(|p| vec![p.url])
                .unwrap_or_default();
        }
        match leaf {
            Some(dir) => match self.bundles.get(&dir) {
                Some(Some(folder)) => vec![format!("{folder}{}", &path[dir.len()..])],
                _ => Vec::new(),
            },
            None => {
                let folder = paths::parent(rel);
                let folder = if self.lower {
                    folder.to_lowercase()
                } else {
                    folder
                };
                let language = &self.languages[lang];
                vec![format!(
                    "{}{}/{folder}{}",
                    self.base,
                    language.prefix,
                    paths::file_name(rel)
                )]
            }
        }
    }

    fn redirects(&self, path: &str, front: Option<&Node>) -> Vec<(String, String)> {
        let Some(front) = front else {
            return Vec::new();
        };
        let Some(page) = self
            .place(path)
            .filter(|_| is_content(path))
            .and_then(|(lang, rel)| self.page(lang, rel, Some(front)))
            .filter(|p| p.rendered)
        else {
            return Vec::new();
        };
        let aliases: Vec<&str> = match front.get("aliases").map(|e| &e.value.value) {
            Some(Value::String(s)) => vec![s.as_ref()],
            Some(Value::Seq(items)) => items.iter().filter_map(Node::as_str).collect(),
            _ => Vec::new(),
        };
        aliases
            .into_iter()
            .map(|a| {
                let mut from = format!("{}/{}", self.base, a.trim().trim_start_matches('/'));
                if self.ugly && from.ends_with('/') {
                    from = format!("{}.html", from.trim_end_matches('/'));
                }
                (from, page.url.clone())
            })
            .collect()
    }

    fn site_redirects(&self) -> Vec<(String, String)> {
        // A multilingual site redirects between `/` and the default language's folder.
        let Some(default) = self.languages.first().filter(|_| self.languages.len() > 1) else {
            return Vec::new();
        };
        let root = format!("{}/", self.base);
        let sub = format!("{}/{}/", self.base, default.code);
        if self.default_in_subdir {
            vec![(root, sub)]
        } else {
            vec![(sub, root)]
        }
    }

    fn front_matter_keys(&self) -> &'static [&'static str] {
        &[
            "draft", "headless", "build", "url", "slug", "aliases", "title", "date",
        ]
    }

    fn heading_ids(&self, headings: &[Heading]) -> Vec<Option<String>> {
        heading_ids(headings, self.ids)
    }

    fn lookups(&self, from: &str, target: &str, kind: Option<RefKind>) -> Option<Vec<String>> {
        let (pages, resources, by_name) = match kind {
            Some(RefKind::Shortcode) => (true, false, true),
            Some(RefKind::Link | RefKind::Definition) if self.link_hook => (true, true, false),
            Some(RefKind::Image) if self.image_hook => (false, true, false),
            _ => return None,
        };
        let (lang, rel) = self.place(from)?;
        let target = target.strip_prefix("./").unwrap_or(target);
        let mut out = Vec::new();
        if pages {
            out.extend(self.get_page(lang, rel, target, by_name));
        }
        if resources {
            out.extend(self.resource(from, target));
        }
        Some(out)
    }
}

/// The ids goldmark gives `headings` as Hugo configures it: explicit `{#id}`s kept, made
/// ids numbered `-1`, `-2` when taken (explicit ids written earlier count), an id with no
/// letters `heading`.
pub fn heading_ids(headings: &[Heading], ids: IdType) -> Vec<Option<String>> {
    let mut seen: HashSet<String> = HashSet::new();
    headings
        .iter()
        .map(|h| {
            if h.custom {
                seen.insert(h.anchor.clone());
                return None;
            }
            let mut id = match ids {
                IdType::None => return Some(String::new()),
                IdType::Github => github(&h.text, false),
                IdType::GithubAscii => github(&h.text, true),
                IdType::Blackfriday => blackfriday(&h.text),
            };
            if id.is_empty() {
                id = "heading".to_owned();
            }
            if seen.contains(&id) {
                id = (1..)
                    .map(|i| format!("{id}-{i}"))
                    .find(|c| !seen.contains(c))
                    .unwrap_or(id);
            }
            seen.insert(id.clone());
            Some(id)
        })
        .collect()
}

/// Hugo's `github` ids: goldmark's typographer first turns `--`/`---` into dashes that are
/// then dropped; a space or `-` is `-`; `_` and what Go calls a letter or a decimal digit
/// (never a combining mark: `সংজ্ঞা` gives `সজঞ`) are kept, lower-cased; the rest dropped.
fn github(text: &str, ascii: bool) -> String {
    let text = text.replace("---", "\u{2014}").replace("--", "\u{2013}");
    let mut out = String::new();
    for c in text.trim().chars() {
        let c = if ascii { unaccent(c) } else { c };
        match c {
            _ if ascii && !c.is_ascii() => {}
            '-' | ' ' => out.push('-'),
            '_' => out.push('_'),
            c if is_letter(c) || get_general_category(c) == Gc::DecimalNumber => {
                out.extend(c.to_lowercase())
            }
            _ => {}
        }
    }
    out
}

/// Blackfriday's ids: runs of letters and numbers, lower-cased, joined by `-`.
fn blackfriday(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars() {
        if is_letter(c) || is_number(c) {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// Go's `unicode.IsLetter`: general category L.
fn is_letter(c: char) -> bool {
    matches!(
        get_general_category(c),
        Gc::UppercaseLetter
            | Gc::LowercaseLetter
            | Gc::TitlecaseLetter
            | Gc::ModifierLetter
            | Gc::OtherLetter
    )
}

/// Go's `unicode.IsNumber`: general category N.
fn is_number(c: char) -> bool {
    matches!(
        get_general_category(c),
        Gc::DecimalNumber | Gc::LetterNumber | Gc::OtherNumber
    )
}

/// The base letter of a Latin-1 letter with an accent, as `github-ascii` keeps it.
fn unaccent(c: char) -> char {
    const FROM: &str = "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿ";
    const TO: &str = "AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyy";
    FROM.chars()
        .position(|f| f == c)
        .and_then(|i| TO.chars().nth(i))
        .unwrap_or(c)
}

/// Expands a `permalinks` pattern (`/:sections/:slug/`) for a regular page.
fn expand(
    pattern: &str,
    sections: &str,
    name: &str,
    stem: &str,
    dir: &str,
    front: Option<&Node>,
) -> String {
    let get = |k: &str| {
        front
            .and_then(|f| f.get(k))
            .and_then(|e| e.value.as_str())
            .map(str::to_owned)
    };
    let date = get("date").unwrap_or_default();
    let title = get("title").map(|t| urlize(&t));
    let slug = get("slug")
        .or_else(|| title.clone())
        .unwrap_or_else(|| name.to_owned());
    let base_name = if stem == "index" {
        paths::file_name(dir).to_owned()
    } else {
        stem.to_owned()
    };
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(i) = rest.find(':') {
        out.push_str(&rest[..i]);
        let token_len = rest[i + 1..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len() - i - 1);
        let token = &rest[i + 1..i + 1 + token_len];
        let value = match token {
            "year" => date.get(..4).unwrap_or("").to_owned(),
            "month" => date.get(5..7).unwrap_or("").to_owned(),
            "day" => date.get(8..10).unwrap_or("").to_owned(),
            "section" => sections.split('/').next().unwrap_or("").to_owned(),
            "sections" => sections.to_owned(),
            "title" => title.clone().unwrap_or_else(|| base_name.clone()),
            "slug" => slug.clone(),
            "filename" | "contentbasename" => base_name.clone(),
            "slugorfilename" | "slugorcontentbasename" => {
                get("slug").unwrap_or_else(|| base_name.clone())
            }
            other => format!(":{other}"),
        };
        out.push_str(&value);
        rest = &rest[i + 1 + token_len..];
    }
    out.push_str(rest);
    if !out.starts_with('/') {
        out.insert(0, '/');
    }
    out
}

/// Hugo's `urlize`, for titles in permalinks: lower-cased, spaces to `-`, punctuation dropped.
fn urlize(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') => Some(c),
            _ => None,
        })
        .collect()
}

/// A page's logical path (`/guides/setup`, `/` for the home page), lower-cased.
fn logical(rel: &str, languages: &[Language]) -> String {
    clean_ref(&format!("/{rel}"), languages)
}

/// Hugo's `cleanRef`: lower-cased, cleaned, no extension or language suffix, no
/// `/index`/`/_index`.
fn clean_ref(s: &str, languages: &[Language]) -> String {
    let s = s.to_lowercase();
    let joined = paths::join("", &s).unwrap_or_else(|| {
        // `path.Clean` stops at the root.
        let mut parts: Vec<&str> = Vec::new();
        for seg in s.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                x => parts.push(x),
            }
        }
        parts.join("/")
    });
    let mut key = format!("/{joined}");
    if !key.ends_with('.') {
        let last = key.rfind('/').unwrap_or(0);
        if let Some(dot) = key[last..].rfind('.') {
            key.truncate(last + dot);
        }
    }
    if let Some((head, code)) = key.rsplit_once('.') {
        if !code.contains('/') && languages.iter().any(|l| l.code == code) {
            key = head.to_owned();
        }
    }
    for suffix in ["/_index", "/index"] {
        if let Some(k) = key.strip_suffix(suffix) {
            key = k.to_owned();
        }
    }
    if key.is_empty() {
        key = "/".to_owned();
    }
    key
}

fn is_index(path: &str, dir: &str, hugo: &Hugo) -> bool {
    paths::parent(path) == dir
        && strip_lang(split_ext(paths::file_name(path)).0, &hugo.languages) == "index"
}

fn is_content(path: &str) -> bool {
    split_ext(paths::file_name(path))
        .1
        .is_some_and(|e| CONTENT_EXTENSIONS.contains(&e.to_lowercase().as_str()))
}

/// A path Hugo ignores: a segment starting with `.`.
fn hidden(rel: &str) -> bool {
    rel.split('/').any(|s| s.starts_with('.'))
}

fn split_ext(name: &str) -> (&str, Option<&str>) {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, Some(ext)),
        _ => (name, None),
    }
}

/// `about.fr` -> `about` when `fr` is a language.
fn strip_lang<'s>(stem: &'s str, languages: &[Language]) -> &'s str {
    match stem.rsplit_once('.') {
        Some((head, code)) if languages.iter().any(|l| l.code == code.to_lowercase()) => head,
        _ => stem,
    }
}

/// The URL folder of a page URL: `/a/b/` stays, `/a/b.html` is `/a/b/`.
fn folder_of(url: &str) -> String {
    match url.strip_suffix(".html") {
        Some(u) => format!("{u}/"),
        None if url.ends_with('/') => url.to_owned(),
        None => format!("{url}/"),
    }
}

/// The path of `baseURL` without its trailing `/`: `https://example.org/docs/` -> `/docs`.
fn url_path(url: &str) -> String {
    let rest = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => url,
    };
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let rest = rest.trim_end_matches('/');
    if rest.is_empty() || rest.starts_with('/') {
        rest.to_owned()
    } else {
        format!("/{rest}")
    }
}

/// Reads and merges the configuration files under `root`; `None` when there are none.
fn read_config(root: &str, snapshot: &Snapshot) -> Result<Option<Config>, Error> {
    let mut files = Vec::new();
    let mut values = Map::new();
    let dir = format!("{root}config/_default/");
    let mut in_dir: Vec<&String> = snapshot
        .files()
        .iter()
        .filter(|f| f.starts_with(&dir) && !f[dir.len()..].contains('/'))
        .collect();
    // `hugo.*`/`config.*` first, so that `languages.toml` and the like merge into it.
    in_dir.sort_by_key(|f| {
        let stem = split_ext(paths::file_name(f)).0;
        (stem != "hugo" && stem != "config", f.to_owned())
    });
    for file in in_dir {
        let (stem, ext) = split_ext(paths::file_name(file));
        let Some(value) = parse_file(snapshot, file, ext)? else {
            continue;
        };
        files.push(file.clone());
        match stem {
            "hugo" | "config" => merge(&mut values, value),
            // `menus.en.toml` and the like are per-language: not read.
            s if s.contains('.') => {}
            s => {
                let mut wrapped = Map::new();
                wrapped.insert(s.to_lowercase(), Json::Object(value));
                merge(&mut values, wrapped);
            }
        }
    }
    // The root file wins over `config/_default/` (`hugo.*` over the older `config.*`).
    if let Some(file) = ROOT_CONFIGS
        .iter()
        .map(|name| format!("{root}{name}"))
        .find(|f| snapshot.contains(f))
    {
        let ext = split_ext(paths::file_name(&file)).1;
        if let Some(value) = parse_file(snapshot, &file, ext)? {
            files.insert(0, file);
            merge(&mut values, value);
        }
    }
    Ok((!files.is_empty()).then_some(Config { files, values }))
}

fn parse_file(
    snapshot: &Snapshot,
    file: &str,
    ext: Option<&str>,
) -> Result<Option<Map<String, Json>>, Error> {
    let fail = |message: String| Error::SiteConfig {
        file: file.to_owned(),
        message,
    };
    let parse = |text: &str| -> Result<Option<Json>, String> {
        Ok(Some(match ext {
            Some("toml") => {
                let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
                serde_json::to_value(table).map_err(|e| e.to_string())?
            }
            Some("yaml" | "yml") => crate::document::yaml::parse_value(text)
                .map_err(|e| e.message)?
                .to_json(),
            Some("json") => serde_json::from_str(text).map_err(|e| e.to_string())?,
            _ => return Ok(None),
        }))
    };
    let bytes = snapshot.read(file).map_err(|e| fail(e.to_string()))?;
    let text = String::from_utf8_lossy(&bytes);
    match parse(&text).map_err(fail)? {
        Some(Json::Object(map)) => Ok(Some(lower_keys(map))),
        Some(Json::Null) => Ok(Some(Map::new())),
        Some(_) => Err(fail("the configuration must be a table of keys".to_owned())),
        None => Ok(None),
    }
}

/// Hugo's configuration keys are case-insensitive.
fn lower_keys(map: Map<String, Json>) -> Map<String, Json> {
    map.into_iter()
        .map(|(k, v)| {
            let v = match v {
                Json::Object(m) => Json::Object(lower_keys(m)),
                other => other,
            };
            (k.to_lowercase(), v)
        })
        .collect()
}

/// Merges `from` into `into`, tables key by key, `from` winning.
fn merge(into: &mut Map<String, Json>, from: Map<String, Json>) {
    for (k, v) in from {
        match (into.get_mut(&k), v) {
            (Some(Json::Object(a)), Json::Object(b)) => merge(a, b),
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}

/// Recognises a Hugo site: a `hugo.*` file, `config/_default/`, or a `config.*` naming a
/// `baseURL` next to a `content/` folder; at the root or in a top-level folder.
pub fn detect(snapshot: &Snapshot) -> Option<Detection> {
    super::roots(snapshot)
        .into_iter()
        .find_map(|root| detect_at(&root, snapshot))
}

fn detect_at(root: &str, snapshot: &Snapshot) -> Option<Detection> {
    let config = read_config(root, snapshot).ok()??;
    let explicit = config.files.iter().any(|f| {
        let name = paths::file_name(f);
        name.starts_with("hugo.") || f.starts_with(&format!("{root}config/_default/"))
    });
    let c = &config.values;
    if !explicit && (c.get("baseurl").is_none() || !snapshot.is_dir(&format!("{root}content"))) {
        return None;
    }
    let hugo = Hugo::from_config(root, c);
    let langs: Vec<String> = hugo
        .languages
        .iter()
        .map(|l| format!("{} ({})", l.code, l.dir.trim_end_matches('/')))
        .collect();
    let mut evidence = format!(
        "Hugo: read {}; baseURL path `{}`, languages {}",
        config.files.join(", "),
        if hugo.base.is_empty() {
            "/"
        } else {
            &hugo.base
        },
        langs.join(", ")
    );
    if hugo.default_in_subdir {
        evidence.push_str(", default language in its subfolder");
    }
    if !hugo.permalinks.is_empty() {
        let mut p: Vec<String> = hugo
            .permalinks
            .iter()
            .map(|(s, p)| format!("{s} = {p}"))
            .collect();
        p.sort();
        evidence.push_str(&format!(", permalinks {}", p.join(", ")));
    }
    if hugo.ugly {
        evidence.push_str(", uglyURLs");
    }
    let mut unread = Vec::new();
    for hook in [
        "layouts/_markup/render-link.html",
        "layouts/_default/_markup/render-link.html",
    ] {
        if snapshot.contains(&format!("{root}{hook}")) {
            unread.push(format!("{root}{hook} (a custom link render hook: links are read as the embedded one reads them)"));
        }
    }
    if hugo.languages.len() > 1 {
        if let Some(Json::Object(langs)) = c.get("languages") {
            if langs.values().any(|l| l.get("baseurl").is_some()) {
                unread.push("languages.*.baseURL (a multihost site)".to_owned());
            }
        }
    }
    Some(Detection {
        generator: "hugo",
        root: root.to_owned(),
        evidence,
        unread,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heading(text: &str) -> Heading {
        Heading::plain(text)
    }

    fn custom(id: &str) -> Heading {
        Heading {
            anchor: id.to_owned(),
            custom: true,
            ..heading(id)
        }
    }

    /// What Hugo 0.147.9 renders for these headings (`hugo` on a page holding them).
    #[test]
    fn github_ids_match_hugo() {
        let hs = [
            heading("Example"),
            heading("Example"),
            custom("example-1"),
            heading("Example"),
            heading("সংজ্ঞা"),
            heading("Ünïcode Çafé & co_x  2 ½ ٣"),
            heading("code em"),
            heading("!!!"),
            heading("Tab\there -- x"),
        ];
        let ids = heading_ids(&hs, IdType::Github);
        let got: Vec<&str> = ids.iter().map(|i| i.as_deref().unwrap_or("=")).collect();
        assert_eq!(
            got,
            [
                "example",
                "example-1",
                "=",
                "example-2",
                "সজঞ",
                "ünïcode-çafé--co_x--2--٣",
                "code-em",
                "heading",
                "tabhere--x"
            ]
        );
    }

    #[test]
    fn ascii_and_blackfriday_ids() {
        assert_eq!(github("Ünïcode Çafé", true), "unicode-cafe");
        assert_eq!(github("সংজ্ঞা x", true), "-x");
        assert_eq!(blackfriday("Hello,  World! 2"), "hello-world-2");
    }

    #[test]
    fn refs_are_cleaned_like_hugo() {
        let langs = [Language {
            code: "fr".into(),
            dir: "content/".into(),
            prefix: String::new(),
        }];
        assert_eq!(clean_ref("/Guides/Setup.md", &langs), "/guides/setup");
        assert_eq!(clean_ref("/guides/_index.md", &langs), "/guides");
        assert_eq!(clean_ref("/a/about.fr.md", &langs), "/a/about");
        assert_eq!(clean_ref("/../x/", &langs), "/x");
        assert_eq!(clean_ref("/", &langs), "/");
        assert_eq!(url_path("https://example.org/docs/"), "/docs");
        assert_eq!(url_path("https://example.org"), "");
    }

    #[test]
    fn permalink_patterns_expand() {
        assert_eq!(
            expand("/articles/:filename/", "blog", "post", "post", "blog", None),
            "/articles/post/"
        );
        assert_eq!(
            expand("/:sections/:slug/", "a/b", "p", "p", "a/b", None),
            "/a/b/p/"
        );
    }
}
