//! `mkdocs`: MkDocs, from its documentation
//! (<https://www.mkdocs.org/user-guide/configuration/>,
//! <https://www.mkdocs.org/user-guide/writing-your-docs/>) and its plugins'
//! (<https://github.com/mkdocs/mkdocs-redirects>, <https://ultrabug.github.io/mkdocs-static-i18n/>).
//!
//! - Every file under `docs_dir` (default `docs/`) is published but those `exclude_docs`
//!   and `draft_docs` name (and, always, dot files and `/templates/`). A Markdown file
//!   `a/b.md` is the page `a/b/` (`a/b.html` with `use_directory_urls: false`); `index.md`
//!   and `README.md` are their folder's page (`index.md` wins when both exist); any other
//!   file is copied as it is. `site_url`'s path is the prefix of every URL.
//! - A relative link to a source file (`../setup.md#x`, `img/a.png`) is rewritten to that
//!   file's URL; any other link (`../other/`, `/img/a.png`) is left as written, a URL.
//! - Heading ids are Python-Markdown `toc`'s ([`super::slug_python`]), with the `slugify`
//!   and `separator` the site configures; `{#id}` needs `attr_list`.
//! - `plugins: redirects` (`redirect_maps`): an old page's URL leads to a page or a URL.
//! - `plugins: i18n` (mkdocs-static-i18n 1.x): `docs_structure: suffix` (`page.fr.md`) or
//!   `folder` (`fr/page.md`); the default language is built at the root, each other one
//!   under `/<locale>/`, where the default language's pages stand in for missing
//!   translations (`fallback_to_default`) and its other files are served at their own URL.
//!   A link on a translated page finds the translation of its target first.
//!
//! `mkdocs.yml` is read with docsteward's YAML reader, which keeps a tagged value
//! (`!!python/name:...`, `!ENV`) as text without running anything; the `toc` `slugify`
//! function, written only as such a tag, is read from its line.

use std::collections::{HashMap, HashSet};

use globset::{GlobBuilder, GlobMatcher};

use super::slug_python::{self, Slugify};
use super::{Detection, Model, Rewrite};
use crate::document::markdown::Heading;
use crate::document::node::{Node, Value};
use crate::document::yaml;
use crate::error::Error;
use crate::paths;
use crate::repo::Snapshot;

/// The file names MkDocs reads its configuration from, in its order.
const CONFIG_FILES: &[&str] = &["mkdocs.yml", "mkdocs.yaml"];

/// Python-Markdown's extensions for Markdown files
/// (`mkdocs.utils.markdown_extensions`).
const MARKDOWN_EXTENSIONS: &[&str] = &[".md", ".markdown", ".mdown", ".mkdn", ".mkd"];

pub struct Mkdocs {
    /// `docs_dir`, repository-relative, with a trailing `/`.
    docs_dir: String,
    /// Each build: the default one, then one per other i18n language.
    builds: Vec<Build>,
    /// Repository file -> its URLs, its own language's first.
    urls: HashMap<String, Vec<String>>,
    /// Published page -> the build whose links it follows.
    page_build: HashMap<String, usize>,
    redirects: Vec<(String, String)>,
    /// `None` when the site's `slugify` is not one docsteward knows.
    slugify: Option<(Slugify, String)>,
    attr_list: bool,
    i18n: Option<I18n>,
}

/// One language's build: source URI (relative to `docs_dir`) -> what it is built as.
#[derive(Default)]
struct Build {
    /// The i18n language built (`None` without the i18n plugin).
    lang: Option<String>,
    files: HashMap<String, Built>,
}

#[derive(Clone)]
struct Built {
    path: String,
    url: String,
    published: bool,
}

struct I18n {
    folder: bool,
    default: String,
}

/// What `mkdocs.yml` says, as far as docsteward reads it.
struct Config {
    file: String,
    docs_dir: String,
    directory_urls: bool,
    prefix: String,
    exclude: Vec<Pattern>,
    drafts: Vec<Pattern>,
    slugify: Option<(Slugify, String)>,
    attr_list: bool,
    i18n: Option<I18nConfig>,
    redirect_maps: Vec<(String, String)>,
    unread: Vec<String>,
}

struct I18nConfig {
    folder: bool,
    fallback: bool,
    /// `(locale, default, build)`.
    languages: Vec<(String, bool, bool)>,
}

/// A source file under `docs_dir`.
struct Source {
    path: String,
    uri: String,
    page: bool,
    published: bool,
    /// The language it is written in (`None`: the default language).
    locale: Option<String>,
    /// `uri` without its language folder or suffix.
    norm: String,
}

impl Mkdocs {
    /// The model of the site configured in `root` (`""` or `"website/"`).
    pub fn load(root: &str, snapshot: &Snapshot) -> Result<Mkdocs, Error> {
        let config = Config::read(root, snapshot)?;
        Ok(Mkdocs::new(&config, snapshot))
    }

    fn new(config: &Config, snapshot: &Snapshot) -> Mkdocs {
        let i18n = config.i18n.as_ref().and_then(|c| {
            let default = c.languages.iter().find(|l| l.1 && l.2)?.0.clone();
            Some((c, default))
        });
        let known: Vec<&str> = i18n
            .iter()
            .flat_map(|(c, _)| c.languages.iter().map(|l| l.0.as_str()))
            .collect();
        let mut sources = Vec::new();
        let mut indexes: HashSet<String> = HashSet::new();
        for path in snapshot.files() {
            let Some(uri) = path.strip_prefix(config.docs_dir.as_str()) else {
                continue;
            };
            let page = is_markdown(uri);
            let published = !matches(&config.exclude, uri) && !matches(&config.drafts, uri);
            let (locale, norm) = match &i18n {
                None => (None, uri.to_owned()),
                Some((c, _)) if c.folder => folder_locale(uri, &known),
                Some(_) => suffix_locale(uri, &known),
            };
            if page && published && paths::stem(uri) == "index" {
                indexes.insert(paths::parent(uri));
            }
            sources.push(Source {
                path: path.clone(),
                uri: uri.to_owned(),
                page,
                published,
                locale,
                norm,
            });
        }
        // `README.md` gives way to an `index.md` beside it.
        sources.retain(|s| {
            !(s.page && paths::stem(&s.uri) == "README" && indexes.contains(&paths::parent(&s.uri)))
        });
        let dir_urls = config.directory_urls;
        let site = &config.prefix;
        let mut builds = Vec::new();
        let mut urls: HashMap<String, Vec<String>> = HashMap::new();
        let mut page_build = HashMap::new();
        match &i18n {
            None => {
                let mut build = Build::default();
                for s in &sources {
                    let url = format!("{site}{}", dest_url(&s.norm, s.page, dir_urls));
                    if s.published {
                        urls.entry(s.path.clone()).or_default().push(url.clone());
                        if s.page {
                            page_build.insert(s.path.clone(), 0);
                        }
                    }
                    build.files.insert(
                        s.uri.clone(),
                        Built {
                            path: s.path.clone(),
                            url,
                            published: s.published,
                        },
                    );
                }
                builds.push(build);
            }
            Some((c, default)) => {
                let mut langs: Vec<&str> = vec![default.as_str()];
                langs.extend(
                    c.languages
                        .iter()
                        .filter(|l| l.2 && l.0 != *default && l.0 != "null")
                        .map(|l| l.0.as_str()),
                );
                for (n, lang) in langs.iter().enumerate() {
                    let is_default = n == 0;
                    let lang_dir = if is_default {
                        String::new()
                    } else {
                        format!("{lang}/")
                    };
                    // mkdocs-static-i18n's `reconfigure_files`: per normalised URI, this
                    // language's file, else (fallback) the default language's.
                    let mut chosen: HashMap<&str, &Source> = HashMap::new();
                    for s in &sources {
                        let locale = s.locale.as_deref().unwrap_or(default);
                        let mine = locale == *lang;
                        let fallback = c.fallback && locale == default;
                        if mine || (fallback && !chosen.contains_key(s.norm.as_str())) {
                            chosen.insert(&s.norm, s);
                        }
                    }
                    let mut build = Build {
                        lang: Some((*lang).to_owned()),
                        files: HashMap::new(),
                    };
                    let mut sorted: Vec<&Source> = chosen.into_values().collect();
                    sorted.sort_by(|a, b| a.path.cmp(&b.path));
                    for s in sorted {
                        let locale = s.locale.as_deref().unwrap_or(default);
                        // A default-language asset standing in keeps its own URL.
                        let prefix = if !s.page && locale != *lang {
                            ""
                        } else {
                            lang_dir.as_str()
                        };
                        let url = format!("{site}{prefix}{}", dest_url(&s.norm, s.page, dir_urls));
                        if s.published {
                            let list = urls.entry(s.path.clone()).or_default();
                            if !list.contains(&url) {
                                list.push(url.clone());
                            }
                            if s.page && locale == *lang {
                                page_build.insert(s.path.clone(), n);
                            }
                        }
                        build.files.insert(
                            s.uri.clone(),
                            Built {
                                path: s.path.clone(),
                                url,
                                published: s.published,
                            },
                        );
                    }
                    builds.push(build);
                }
            }
        }
        let redirects = redirects(config, &sources);
        Mkdocs {
            docs_dir: config.docs_dir.clone(),
            builds,
            urls,
            page_build,
            redirects,
            slugify: config.slugify.clone(),
            attr_list: config.attr_list,
            i18n: i18n.map(|(c, default)| I18n {
                folder: c.folder,
                default,
            }),
        }
    }

    /// The URIs MkDocs tries for a link to `target_uri` from a page of `lang`
    /// (mkdocs-static-i18n's `I18nFiles.get_file_from_path`).
    fn candidates(&self, target_uri: &str, lang: Option<&str>) -> Vec<String> {
        let (Some(i18n), Some(lang)) = (&self.i18n, lang) else {
            return vec![target_uri.to_owned()];
        };
        let target = if target_uri == "." || target_uri.is_empty() {
            "index.md"
        } else {
            target_uri
        };
        let default = i18n.default.as_str();
        if i18n.folder {
            let under = |l: &str| {
                target
                    .strip_prefix(l)
                    .and_then(|r| r.strip_prefix('/'))
                    .map(str::to_owned)
            };
            if let Some(rest) = under(lang) {
                vec![target.to_owned(), format!("{default}/{rest}"), rest]
            } else if let Some(rest) = under(default) {
                vec![target.to_owned(), format!("{lang}/{rest}"), rest]
            } else {
                vec![
                    format!("{lang}/{target}"),
                    format!("{default}/{target}"),
                    target.to_owned(),
                ]
            }
        } else {
            let with = |l: &str| {
                let name_at = target.rfind('/').map_or(0, |i| i + 1);
                match target[name_at..].rfind('.') {
                    Some(dot) if dot > 0 => {
                        let dot = name_at + dot;
                        format!("{}.{l}{}", &target[..dot], &target[dot..])
                    }
                    _ => format!("{target}.{l}"),
                }
            };
            vec![with(lang), with(default), target.to_owned()]
        }
    }
}

impl Model for Mkdocs {
    fn name(&self) -> &'static str {
        "mkdocs"
    }

    fn urls(&self, path: &str, _front: Option<&Node>) -> Vec<String> {
        self.urls.get(path).cloned().unwrap_or_default()
    }

    fn site_redirects(&self) -> Vec<(String, String)> {
        self.redirects.clone()
    }

    fn rewrites_file_links(&self) -> bool {
        true
    }

    /// `mkdocs.structure.pages._RelativePathTreeprocessor.path_to_url`: the link's path,
    /// joined to the page's source folder, names a file of the page's build, or the link is
    /// left as written.
    fn rewrite(&self, _snapshot: &Snapshot, from: &str, target: &str) -> Option<Rewrite> {
        let build = self.builds.get(*self.page_build.get(from)?)?;
        let from_uri = from.strip_prefix(self.docs_dir.as_str())?;
        // `posixpath.normpath(join(dirname(src_uri), path))`; above `docs_dir` finds nothing.
        let target_uri = paths::join(&paths::parent(from_uri), target)?;
        for candidate in self.candidates(&target_uri, build.lang.as_deref()) {
            if let Some(built) = build.files.get(&candidate) {
                return Some(if built.published {
                    Rewrite::File(built.path.clone())
                } else {
                    Rewrite::Unbuilt(built.url.clone())
                });
            }
        }
        None
    }

    fn heading_ids(&self, headings: &[Heading]) -> Vec<Option<String>> {
        let Some((how, separator)) = &self.slugify else {
            return vec![None; headings.len()];
        };
        // `toc` first collects every id already on the page, later headings' included.
        let mut used: HashSet<String> = if self.attr_list {
            headings
                .iter()
                .filter(|h| h.custom)
                .map(|h| h.anchor.clone())
                .collect()
        } else {
            HashSet::new()
        };
        headings
            .iter()
            .map(|h| {
                if h.custom && self.attr_list {
                    return None;
                }
                let text = if h.custom {
                    // Without `attr_list`, `{#id}` stays part of the heading's text.
                    format!("{} {{#{}}}", h.text, h.anchor)
                } else {
                    h.text.clone()
                };
                Some(slug_python::unique(
                    slug_python::slugify(&text, separator, *how),
                    &mut used,
                ))
            })
            .collect()
    }
}

fn is_markdown(uri: &str) -> bool {
    let lower = uri.to_ascii_lowercase();
    MARKDOWN_EXTENSIONS.iter().any(|e| lower.ends_with(e))
}

/// The URL (relative to the site root) MkDocs builds the source `uri` at
/// (`File.dest_uri`, `File.url`).
fn dest_url(uri: &str, page: bool, directory_urls: bool) -> String {
    if !page {
        return uri.to_owned();
    }
    let dir = paths::parent(uri);
    let name = match paths::stem(uri) {
        "README" => "index",
        s => s,
    };
    match (name, directory_urls) {
        ("index", true) => dir,
        (_, true) => format!("{dir}{name}/"),
        (_, false) => format!("{dir}{name}.html"),
    }
}

/// mkdocs-static-i18n's locale pattern (`config.RE_LOCALE`).
fn is_locale(s: &str) -> bool {
    let b = s.as_bytes();
    let two_lower = |i: usize| b.len() >= i + 2 && b[i..i + 2].iter().all(u8::is_ascii_lowercase);
    if b.len() == 5 && two_lower(0) && b[2] == b'_' && b[3..].iter().all(u8::is_ascii_uppercase) {
        return true;
    }
    if !two_lower(0) {
        return false;
    }
    let mut rest = &s[2..];
    if let Some(script) = rest.strip_prefix('-') {
        let bs = script.as_bytes();
        if bs.len() >= 4
            && bs[0].is_ascii_alphabetic()
            && bs[1..4].iter().all(u8::is_ascii_alphabetic)
            && (bs.len() == 4 || bs[4] == b'-')
        {
            rest = &rest[5..];
        }
    }
    if let Some(region) = rest.strip_prefix('-') {
        return region.len() == 2 && region.bytes().all(|c| c.is_ascii_uppercase());
    }
    rest.is_empty()
}

/// `docs_structure: folder`: the first folder is the language.
fn folder_locale(uri: &str, known: &[&str]) -> (Option<String>, String) {
    if let Some((first, rest)) = uri.split_once('/') {
        if known.contains(&first) || is_locale(first) {
            return (Some(first.to_owned()), rest.to_owned());
        }
    } else if is_locale(uri) {
        return (Some(uri.to_owned()), String::new());
    }
    (None, uri.to_owned())
}

/// `docs_structure: suffix`: `name.fr.md` is in `fr`.
fn suffix_locale(uri: &str, known: &[&str]) -> (Option<String>, String) {
    let stem = paths::stem(uri);
    if let Some(dot) = stem.rfind('.').filter(|&d| d > 0) {
        let locale = &stem[dot + 1..];
        if known.contains(&locale) || is_locale(locale) {
            let norm = uri.replacen(&format!(".{locale}"), "", 1);
            return (Some(locale.to_owned()), norm);
        }
    }
    (None, uri.to_owned())
}

/// mkdocs-redirects: each `redirect_maps` entry whose old path is a Markdown file, to a
/// URL or to a published page. The plugin reads the pages before mkdocs-static-i18n moves
/// them (its `on_files` runs last), so a page's URL is the one MkDocs alone gives it:
/// `en/guide/setup.md` is `/en/guide/setup/`, where a folder-structured site builds nothing.
fn redirects(config: &Config, sources: &[Source]) -> Vec<(String, String)> {
    let site = &config.prefix;
    let pages: HashSet<&str> = sources
        .iter()
        .filter(|s| s.page && s.published)
        .map(|s| s.uri.as_str())
        .collect();
    let mut out = Vec::new();
    for (old, new) in &config.redirect_maps {
        if !is_markdown(old) {
            continue;
        }
        let from = format!("{site}{}", dest_url(old, true, config.directory_urls));
        let lower = new.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            out.push((from, new.clone()));
            continue;
        }
        let (page, fragment) = match new.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (new.as_str(), None),
        };
        if pages.contains(page) {
            let url = format!("{site}{}", dest_url(page, true, config.directory_urls));
            let to = match fragment {
                Some(f) => format!("{url}#{f}"),
                None => url,
            };
            out.push((from, to));
        }
    }
    out
}

/// A `.gitignore`-style line of `exclude_docs` or `draft_docs`.
struct Pattern {
    matchers: Vec<GlobMatcher>,
    negated: bool,
}

/// gitignore semantics, as MkDocs reads them (`pathspec`'s `GitIgnoreSpec`): the last
/// matching line decides.
fn matches(patterns: &[Pattern], uri: &str) -> bool {
    let mut hit = false;
    for p in patterns {
        if p.matchers.iter().any(|m| m.is_match(uri)) {
            hit = !p.negated;
        }
    }
    hit
}

fn patterns(text: &str) -> Vec<Pattern> {
    text.lines().filter_map(pattern).collect()
}

fn pattern(line: &str) -> Option<Pattern> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let (negated, line) = match line.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    let dir_only = line.ends_with('/');
    let body = line.trim_end_matches('/');
    let anchored = body.starts_with('/') || body.contains('/');
    let body = body.trim_start_matches('/');
    let base = if anchored {
        body.to_owned()
    } else {
        format!("**/{body}")
    };
    let mut globs = vec![format!("{base}/**")];
    if !dir_only {
        globs.push(base);
    }
    let matchers = globs
        .iter()
        .filter_map(|g| {
            GlobBuilder::new(g)
                .literal_separator(true)
                .build()
                .ok()
                .map(|g| g.compile_matcher())
        })
        .collect();
    Some(Pattern { matchers, negated })
}

impl Config {
    fn read(root: &str, snapshot: &Snapshot) -> Result<Config, Error> {
        let Some(file) = CONFIG_FILES
            .iter()
            .map(|name| format!("{root}{name}"))
            .find(|f| snapshot.contains(f))
        else {
            return Err(Error::SiteConfig {
                file: format!("{root}mkdocs.yml"),
                message: "no mkdocs.yml here: set `[site] root` to the folder that has it".into(),
            });
        };
        let fail = |message: String| Error::SiteConfig {
            file: file.clone(),
            message,
        };
        let bytes = snapshot.read(&file).map_err(|e| fail(e.to_string()))?;
        let text = String::from_utf8_lossy(&bytes);
        let node = yaml::parse_value(&text).map_err(|e| fail(e.message))?;
        Config::from_node(root, &file, &text, &node).map_err(fail)
    }

    fn from_node(root: &str, file: &str, text: &str, node: &Node) -> Result<Config, String> {
        if !matches!(node.value, Value::Map(_)) {
            return Err("not a map of settings".into());
        }
        let mut unread = Vec::new();
        if node.get("INHERIT").is_some() {
            unread.push("INHERIT (settings of the inherited file)".to_owned());
        }
        let string = |key: &str| node.get(key).and_then(|e| e.value.as_str());
        let docs = string("docs_dir").unwrap_or("docs");
        let docs_dir = paths::as_dir(
            &paths::join(root, docs.trim_start_matches("./"))
                .ok_or_else(|| format!("docs_dir `{docs}` leaves the repository"))?,
        );
        let directory_urls = match node.get("use_directory_urls").map(|e| &e.value.value) {
            Some(Value::Bool(b)) => *b,
            _ => true,
        };
        let prefix = match string("site_url") {
            Some(url) => url_path(url),
            None => "/".to_owned(),
        };
        let exclude = {
            let mut p = patterns(".*\n/templates/\n");
            p.extend(patterns(string("exclude_docs").unwrap_or("")));
            p
        };
        let drafts = patterns(string("draft_docs").unwrap_or(""));
        let extensions = named_items(node.get("markdown_extensions").map(|e| &e.value));
        let attr_list = extensions
            .iter()
            .any(|(n, _)| matches!(n.as_str(), "attr_list" | "markdown.extensions.attr_list"));
        let toc = extensions
            .iter()
            .find(|(n, _)| matches!(n.as_str(), "toc" | "markdown.extensions.toc"))
            .and_then(|(_, options)| *options);
        let separator = toc
            .and_then(|o| o.get("separator"))
            .and_then(|e| e.value.as_str())
            .unwrap_or("-")
            .to_owned();
        let slugify = match slugify_function(text) {
            None => Some((Slugify::Ascii, separator)),
            Some(f) => match f.as_str() {
                "markdown.extensions.toc.slugify" => Some((Slugify::Ascii, separator)),
                "markdown.extensions.toc.slugify_unicode" => Some((Slugify::Unicode, separator)),
                other => {
                    unread.push(format!(
                        "markdown_extensions: toc: slugify `{other}` (heading ids are read as GitHub makes them)"
                    ));
                    None
                }
            },
        };
        let plugins = named_items(node.get("plugins").map(|e| &e.value));
        let option = |name: &str| {
            plugins
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, options)| *options)
        };
        let i18n = match option("i18n") {
            None => None,
            Some(options) => {
                let get = |key: &str| options.and_then(|o| o.get(key)).map(|e| &e.value);
                let folder = get("docs_structure").and_then(Node::as_str) == Some("folder");
                let fallback = !matches!(
                    get("fallback_to_default").map(|n| &n.value),
                    Some(Value::Bool(false))
                );
                let only = get("build_only_locale").and_then(Node::as_str);
                let mut languages = Vec::new();
                if let Some(Value::Seq(items)) = get("languages").map(|n| &n.value) {
                    for item in items.iter() {
                        let flag = |key: &str, default: bool| match item
                            .get(key)
                            .map(|e| &e.value.value)
                        {
                            Some(Value::Bool(b)) => *b,
                            _ => default,
                        };
                        if let Some(locale) = item.get("locale").and_then(|e| e.value.as_str()) {
                            let (default, build) = match only {
                                Some(o) => (o == locale, o == locale),
                                None => (flag("default", false), flag("build", true)),
                            };
                            languages.push((locale.to_owned(), default, build));
                        }
                    }
                }
                if !languages.iter().any(|l| l.1 && l.2) {
                    return Err(
                        "plugins: i18n: no language has `default: true` and `build: true`".into(),
                    );
                }
                Some(I18nConfig {
                    folder,
                    fallback,
                    languages,
                })
            }
        };
        let mut redirect_maps = Vec::new();
        if let Some(Some(options)) = option("redirects") {
            if let Some(Value::Map(entries)) = options.get("redirect_maps").map(|e| &e.value.value)
            {
                for entry in entries.iter() {
                    if let Some(to) = entry.value.as_str() {
                        redirect_maps.push((entry.key.clone(), to.to_owned()));
                    }
                }
            }
        }
        Ok(Config {
            file: file.to_owned(),
            docs_dir,
            directory_urls,
            prefix,
            exclude,
            drafts,
            slugify,
            attr_list,
            i18n,
            redirect_maps,
            unread,
        })
    }
}

/// A plugin or extension list: `- name`, `- name: {options}`, or a map of names.
fn named_items(node: Option<&Node>) -> Vec<(String, Option<&Node>)> {
    match node.map(|n| &n.value) {
        Some(Value::Seq(items)) => items
            .iter()
            .filter_map(|item| match &item.value {
                Value::String(s) => Some((s.to_string(), None)),
                Value::Map(entries) => entries.first().map(|e| (e.key.clone(), Some(&e.value))),
                _ => None,
            })
            .collect(),
        Some(Value::Map(entries)) => entries
            .iter()
            .map(|e| (e.key.clone(), Some(&e.value)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The function a `slugify: !!python/name:module.function` line names (docsteward's YAML
/// reader keeps the tag's value, not the tag). A `!!python/object/apply:` factory is named
/// with `()`.
fn slugify_function(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let value = line.trim_start().strip_prefix("slugify:")?.trim();
        if let Some(name) = value.strip_prefix("!!python/name:") {
            return Some(name.split_whitespace().next().unwrap_or("").to_owned());
        }
        let name = value.strip_prefix("!!python/object/apply:")?;
        Some(format!(
            "{}()",
            name.split_whitespace().next().unwrap_or("")
        ))
    })
}

/// `https://example.org/docs/` -> `/docs/`.
fn url_path(url: &str) -> String {
    let rest = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => url,
    };
    let path = rest.split(['?', '#']).next().unwrap_or("/");
    let path = path.trim_matches('/');
    if path.is_empty() {
        "/".to_owned()
    } else {
        format!("/{path}/")
    }
}

/// The MkDocs site whose `mkdocs.yml` is at the root or, failing that, the shallowest one.
pub fn detect(snapshot: &Snapshot) -> Option<Detection> {
    let file = snapshot
        .files()
        .iter()
        .filter(|f| CONFIG_FILES.contains(&paths::file_name(f)))
        .min_by_key(|f| (f.matches('/').count(), f.len()))?;
    let root = paths::parent(file);
    let bytes = snapshot.read(file).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let node = yaml::parse_value(&text).ok()?;
    let config = Config::from_node(&root, file, &text, &node).ok()?;
    let mut what = vec![
        format!("docs_dir {}", config.docs_dir),
        format!("use_directory_urls {}", config.directory_urls),
    ];
    if config.prefix != "/" {
        what.push(format!("site_url path {}", config.prefix));
    }
    if let Some(i18n) = &config.i18n {
        let langs: Vec<String> = i18n
            .languages
            .iter()
            .map(|(l, d, _)| {
                if *d {
                    format!("{l} (default)")
                } else {
                    l.clone()
                }
            })
            .collect();
        what.push(format!(
            "i18n {} structure, {}",
            if i18n.folder { "folder" } else { "suffix" },
            langs.join(", ")
        ));
    }
    if !config.redirect_maps.is_empty() {
        what.push(format!("{} redirects", config.redirect_maps.len()));
    }
    Some(Detection {
        generator: "mkdocs",
        root,
        evidence: format!("MkDocs site ({}): {}", config.file, what.join(", ")),
        unread: config.unread,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_follow_use_directory_urls() {
        assert_eq!(dest_url("guide/setup.md", true, true), "guide/setup/");
        assert_eq!(dest_url("guide/index.md", true, true), "guide/");
        assert_eq!(dest_url("guide/README.md", true, false), "guide/index.html");
        assert_eq!(dest_url("index.md", true, true), "");
        assert_eq!(dest_url("setup.md", true, false), "setup.html");
        assert_eq!(dest_url("img/a.png", false, true), "img/a.png");
        assert_eq!(url_path("https://example.org/docs"), "/docs/");
        assert_eq!(url_path("https://example.org/"), "/");
    }

    #[test]
    fn locales_and_patterns() {
        assert!(is_locale("fr") && is_locale("pt-BR") && is_locale("zh-Hant-TW"));
        assert!(is_locale("pt_BR") && !is_locale("img") && !is_locale("FR"));
        assert_eq!(
            suffix_locale("guide/setup.fr.md", &["en", "fr"]),
            (Some("fr".into()), "guide/setup.md".into())
        );
        assert_eq!(
            folder_locale("fr/img/a.png", &["en", "fr"]),
            (Some("fr".into()), "img/a.png".into())
        );
        let p = patterns(".*\n/templates/\ndrafts/\n*.tmp\n!keep.tmp\n");
        assert!(matches(&p, ".hidden.md") && matches(&p, "a/.git/x"));
        assert!(matches(&p, "templates/x.html") && !matches(&p, "a/templates/x.html"));
        assert!(matches(&p, "a/drafts/x.md") && matches(&p, "x.tmp") && !matches(&p, "keep.tmp"));
        assert_eq!(
            slugify_function("  - toc:\n      slugify: !!python/name:pymdownx.slugs.uslugify\n"),
            Some("pymdownx.slugs.uslugify".into())
        );
    }
}
