//! Site models: how a site generator publishes the repository's files, so that a link is
//! judged the way a reader of the published site follows it. One file per generator behind
//! [`Model`]; `[site] generator` picks one (`github`, the default, publishes nothing: every
//! link is a file path, as GitHub renders it).
//!
//! A [`Site`] is built once per snapshot: every published file's URLs in one hash map, the
//! redirects in another, so resolving a link stays a lookup.

use std::collections::{HashMap, HashSet};

use crate::config::Settings;
use crate::document::markdown::{Heading, RefKind};
use crate::document::{Document, Node};
use crate::error::Error;
use crate::paths;
use crate::repo::Snapshot;

mod astro;
mod docfx;
mod docusaurus;
mod github;
mod hugo;
mod jekyll;
mod mkdocs;
pub mod obsidian;
mod slug_python;
mod starlight;

/// What a generator does with the repository's files. Implementations read their own
/// configuration from the snapshot when they are loaded ([`load`]) and never run the
/// generator.
pub trait Model: Send + Sync {
    /// The `[site] generator` value.
    fn name(&self) -> &'static str;

    /// The URLs at which the generator publishes the file `path` (a document, whose front
    /// matter is `front`, or any other file: an image, a static asset); empty when it does
    /// not publish it (a draft, a file outside its content folders, `README.md` at the
    /// root). Site-absolute (`/fr/scalability/`, `/img/x.png`), not percent-encoded. A
    /// document's first URL is its page's: relative links on the page resolve against it.
    fn urls(&self, path: &str, front: Option<&Node>) -> Vec<String>;

    /// Whether the generator renders the document `path` it publishes as a page (whose
    /// links and ids are the site's), rather than copying it as it is (Jekyll copies a
    /// Markdown file without front matter; GitHub renders its links).
    fn renders(&self, _path: &str) -> bool {
        true
    }

    /// Redirects the site serves: `(from, to)` URLs, from the generator's configuration
    /// and from a document's front matter (Hugo `aliases`). `to` may carry a `#fragment`
    /// or be another site's URL (`https://...`).
    fn redirects(&self, _path: &str, _front: Option<&Node>) -> Vec<(String, String)> {
        Vec::new()
    }

    /// Redirects from the generator's configuration files (Netlify `_redirects`, Learn's
    /// redirection files, `redirect_maps`), read once.
    fn site_redirects(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    /// Whether a link on a published page written as a relative path to a source file
    /// (`../setup.md`) is rewritten by the generator to that file's URL (MkDocs,
    /// Docusaurus), rather than followed as a URL relative to the page (Hugo, Starlight).
    fn rewrites_file_links(&self) -> bool {
        false
    }

    /// Whether a relative Markdown image (`![](./x.png)`) on a published page is read from
    /// the source file's folder (Astro imports it and publishes it under a hashed name), so
    /// it is a file path even where other links are URLs.
    fn rewrites_image_links(&self) -> bool {
        self.rewrites_file_links()
    }

    /// What the generator makes of the link `target` (decoded, no fragment) on the published
    /// page `from`; `None` leaves it as written, a URL relative to the page (or the site).
    /// The default, for generators that rewrite relative links to source files: the file or
    /// folder at that path if the snapshot has it, unbuilt when the site does not publish it.
    fn rewrite(
        &self,
        site: &Site<'_>,
        snapshot: &Snapshot,
        from: &str,
        target: &str,
    ) -> Option<Rewrite> {
        if !self.rewrites_file_links() || target.starts_with('/') {
            return None;
        }
        let file = paths::join(&paths::parent(from), target)?;
        if snapshot.contains(&file) && !site.publishes(&file) {
            return Some(Rewrite::Unbuilt(file));
        }
        (snapshot.contains(&file) || snapshot.is_dir(&file)).then_some(Rewrite::File(file))
    }

    /// The front matter keys [`Model::urls`] and [`Model::redirects`] read (`slug`, `url`,
    /// `aliases`, `draft`): a run scoped to a few documents reads them from every other.
    fn front_matter_keys(&self) -> &'static [&'static str] {
        &[]
    }

    /// Names a document is linked by in the generator's own syntax, besides its URLs (a
    /// DocFX `uid`, linked as `xref:UID`).
    fn names(&self, _path: &str, _front: Option<&Node>) -> Vec<String> {
        Vec::new()
    }

    /// For a link written in the generator's own naming syntax (`xref:UID`), the name and
    /// the decoded `#fragment`; `None` for any other link. A name no document has belongs
    /// to another site.
    fn link_name(&self, _target: &str) -> Option<(String, Option<String>)> {
        None
    }

    /// The repository folder a `~/` link on the page `from` starts at (DocFX's docset
    /// folder); `None` when `~/` means nothing to the generator.
    fn source_root(&self, _from: &str) -> Option<String> {
        None
    }

    /// Whether the site-absolute `url` is this repository's to publish. Microsoft Learn
    /// serves many repositories' docsets on one host: a URL outside this repository's
    /// docsets is another's, not docsteward's to check.
    fn owns(&self, _url: &str) -> bool {
        true
    }

    /// Whether the host ignores letter case in URLs (Microsoft Learn).
    fn case_insensitive(&self) -> bool {
        false
    }

    /// The ids a published page's headings get, in order. `None` for a heading keeps its
    /// anchor as parsed (an explicit `{#id}`, or GitHub's slug). The default is GitHub's.
    fn heading_ids(&self, headings: &[Heading]) -> Vec<Option<String>> {
        vec![None; headings.len()]
    }

    /// The files the generator's own lookup finds for `target` (decoded, no fragment)
    /// written on the page `from` as `kind` (Hugo's `ref` shortcodes and render hooks look
    /// pages up by path), in order: the first the site publishes is the link's target.
    /// `None` when the generator does no lookup for such a reference; a
    /// [`RefKind::Shortcode`] or [`RefKind::Liquid`] then is not checked.
    fn lookups(&self, _from: &str, _target: &str, _kind: Option<RefKind>) -> Option<Vec<String>> {
        None
    }

    /// The vaults whose notes link by name (`[[note]]`), for the vault models; `None`
    /// elsewhere, where wikilinks are left unchecked.
    fn vaults(&self) -> Option<&obsidian::Vaults> {
        None
    }

    /// The URL a reference written in the generator's template language renders as
    /// (Jekyll's `{{ site.baseurl }}/a/`), for a [`RefKind::Liquid`] target as written;
    /// `None` when it is not such a reference or cannot be read without running the
    /// generator.
    fn expand(&self, _target: &str) -> Option<String> {
        None
    }
}

/// A link to a source file, as the generator rewrites it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rewrite {
    /// To the page or file built from this repository file.
    File(String),
    /// To the URL of a source file the site does not build (a draft, an excluded file).
    Unbuilt(String),
}

/// What `docsteward init` learned about the site generator from its configuration files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The `[site] generator` value.
    pub generator: &'static str,
    /// The folder holding the generator's configuration, repository-relative (`""` or
    /// `"website/"`): `[site] root`.
    pub root: String,
    /// What was read, one line: `init` writes it above `[site]`.
    pub evidence: String,
    /// Settings the configuration sets in a way docsteward cannot read without running
    /// it (a computed value in `docusaurus.config.js`): `init` lists them.
    pub unread: Vec<String>,
}

/// Each generator's detector, most specific first: the first that recognises the
/// repository wins.
const DETECTORS: &[fn(&Snapshot) -> Option<Detection>] = &[
    docfx::detect,
    docusaurus::detect,
    hugo::detect,
    mkdocs::detect,
    starlight::detect,
    astro::detect,
    jekyll::detect,
    obsidian::detect,
];

/// Where a generator's configuration may be: the repository root, then each top-level
/// folder (`website/`, `docs/`).
fn roots(snapshot: &Snapshot) -> Vec<String> {
    let mut roots = vec![String::new()];
    let mut tops: Vec<String> = snapshot
        .files()
        .iter()
        .filter_map(|f| f.split_once('/').map(|(top, _)| format!("{top}/")))
        .collect();
    tops.dedup();
    roots.extend(tops);
    roots
}

/// The generator whose configuration the snapshot holds, if any.
pub fn detect(snapshot: &Snapshot) -> Option<Detection> {
    DETECTORS.iter().find_map(|detect| detect(snapshot))
}

/// The model `[site] generator` names, with the generator's configuration read from the
/// snapshot.
pub fn load(settings: &Settings, snapshot: &Snapshot) -> Result<Box<dyn Model>, Error> {
    let vault = |name| -> Box<dyn Model> {
        Box::new(obsidian::Vault::load(name, snapshot, &settings.site.root))
    };
    let model: Box<dyn Model> = match settings.site.generator.as_str() {
        "github" => Box::new(github::Github),
        "docfx" => Box::new(docfx::Docfx::load(&settings.site.root, snapshot)?),
        "astro" => Box::new(astro::Astro::load(&settings.site.root, snapshot)?),
        "starlight" => Box::new(starlight::Starlight::load(&settings.site.root, snapshot)?),
        "hugo" => Box::new(hugo::Hugo::load(&settings.site.root, snapshot)?),
        "mkdocs" => Box::new(mkdocs::Mkdocs::load(&settings.site.root, snapshot)?),
        "docusaurus" => Box::new(docusaurus::Docusaurus::load(&settings.site.root, snapshot)?),
        "obsidian" => vault("obsidian"),
        "foam" => vault("foam"),
        "quartz" => vault("quartz"),
        "jekyll" => Box::new(jekyll::Jekyll::load(&settings.site.root, snapshot)?),
        other => {
            return Err(Error::SiteConfig {
                file: settings.config_path.clone().unwrap_or_default(),
                message: format!("docsteward has no model of the `{other}` generator yet"),
            })
        }
    };
    Ok(model)
}

/// The published site of one snapshot: where each URL leads.
pub struct Site<'m> {
    model: &'m dyn Model,
    /// URL key ([`key`]) -> the file published there.
    files: HashMap<String, String>,
    /// Document -> its page's URL.
    pages: HashMap<String, String>,
    /// URL key -> where it redirects.
    redirects: HashMap<String, String>,
    /// [`Model::names`] -> the document.
    names: HashMap<String, String>,
    /// Every file published at some URL.
    published: HashSet<String>,
}

/// Where a site URL leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Published {
    /// A file of the repository, after any redirects; `fragment` replaces the link's when
    /// a redirect names one.
    File {
        path: String,
        fragment: Option<String>,
    },
    /// A redirect to another site.
    External,
    /// Nothing is published there.
    Nothing,
}

/// Redirect hops followed before giving up on a loop.
const MAX_REDIRECTS: usize = 16;

impl<'m> Site<'m> {
    /// The site `model` makes of `snapshot`'s files; `documents` give front matter.
    pub fn new(model: &'m dyn Model, snapshot: &Snapshot, documents: &[Document]) -> Site<'m> {
        let mut site = Site {
            model,
            files: HashMap::new(),
            pages: HashMap::new(),
            redirects: HashMap::new(),
            names: HashMap::new(),
            published: HashSet::new(),
        };
        if model.name() == "github" {
            return site;
        }
        let fronts: HashMap<&str, Option<&Node>> =
            documents.iter().map(|d| (d.path(), d.data())).collect();
        for (from, to) in model.site_redirects() {
            site.redirects.insert(site.key(&from), to);
        }
        for path in snapshot.files() {
            let front = fronts.get(path.as_str()).copied().flatten();
            let urls = model.urls(path, front);
            if !urls.is_empty() {
                site.published.insert(path.clone());
            }
            let page = fronts.contains_key(path.as_str()) && model.renders(path);
            if let (Some(first), true) = (urls.first(), page) {
                site.pages.insert(path.clone(), first.clone());
            }
            for name in model.names(path, front) {
                site.names.entry(name).or_insert_with(|| path.clone());
            }
            for url in urls {
                // The first file to claim a URL keeps it, in path order: the same on every run.
                site.files
                    .entry(site.key(&url))
                    .or_insert_with(|| path.clone());
            }
            for (from, to) in model.redirects(path, front) {
                site.redirects.insert(site.key(&from), to);
            }
        }
        site
    }

    /// A site without a generator: nothing is published, every link is a file path.
    pub fn none(model: &'m dyn Model) -> Site<'m> {
        Site {
            model,
            files: HashMap::new(),
            pages: HashMap::new(),
            redirects: HashMap::new(),
            names: HashMap::new(),
            published: HashSet::new(),
        }
    }

    /// Whether the site publishes the file `path` at some URL.
    pub fn publishes(&self, path: &str) -> bool {
        self.published.contains(path)
    }

    pub fn model(&self) -> &dyn Model {
        self.model
    }

    /// Whether the site publishes anything under the folder URL `prefix` (`/docs/`).
    pub fn publishes_under(&self, prefix: &str) -> bool {
        let prefix = key(self.model, prefix);
        self.files
            .keys()
            .chain(self.redirects.keys())
            .any(|k| k == &prefix || k.starts_with(&format!("{prefix}/")))
    }

    /// The URL of the page `path` is published as, if it is.
    pub fn page(&self, path: &str) -> Option<&str> {
        self.pages.get(path).map(String::as_str)
    }

    /// Every page the site publishes: the file, and the URL it is published at.
    pub fn pages(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pages.iter().map(|(p, u)| (p.as_str(), u.as_str()))
    }

    /// The document [`Model::names`] gives `name`.
    pub fn named(&self, name: &str) -> Option<&str> {
        self.names.get(name).map(String::as_str)
    }

    /// What is published at `url` (site-absolute, decoded, without `#fragment`).
    pub fn lookup(&self, url: &str) -> Published {
        let mut key = self.key(url);
        let mut fragment = None;
        for _ in 0..=MAX_REDIRECTS {
            if let Some(path) = self.files.get(&key) {
                return Published::File {
                    path: path.clone(),
                    fragment,
                };
            }
            let Some(to) = self.redirects.get(&key) else {
                return Published::Nothing;
            };
            let (to, frag) = match to.split_once('#') {
                Some((t, f)) => (t, Some(f.to_owned())),
                None => (to.as_str(), None),
            };
            if frag.is_some() {
                fragment = frag;
            }
            if !to.starts_with('/') || !self.model.owns(to) {
                return Published::External;
            }
            key = self.key(to);
        }
        Published::Nothing
    }

    /// The site-absolute URL `target` (relative, decoded, no fragment) names on the page at
    /// `page`; `None` when it climbs above the site's root.
    pub fn join(page: &str, target: &str) -> Option<String> {
        // A page URL ending in `/` is a folder; `/a/b.html` is in `/a/`.
        let dir = match page.rfind('/') {
            Some(i) => &page[..=i],
            None => "/",
        };
        let joined = paths::join(dir.trim_start_matches('/'), target)?;
        let trailing = target.ends_with('/') && !joined.ends_with('/');
        Some(format!("/{joined}{}", if trailing { "/" } else { "" }))
    }

    /// The ids of a published document's headings, or `None` to keep those parsed.
    pub fn heading_ids(&self, doc: &Document) -> Option<Vec<String>> {
        self.page(doc.path())?;
        Some(ids(self.model, doc))
    }

    /// The form URLs are compared in: no trailing `/` or `index.html`, letter case folded
    /// where the host ignores it.
    pub fn key(&self, url: &str) -> String {
        key(self.model, url)
    }
}

/// The ids `model` gives `doc`'s headings.
fn ids(model: &dyn Model, doc: &Document) -> Vec<String> {
    let headings = &doc.markdown.headings;
    headings
        .iter()
        .zip(model.heading_ids(headings))
        .map(|(h, id)| id.unwrap_or_else(|| h.anchor.clone()))
        .collect()
}

/// The anchors of `doc` as the site publishes it (its page's heading ids and HTML ids), or
/// `None` when the site does not publish it as a page.
pub fn page_anchors(model: &dyn Model, doc: &Document) -> Option<Vec<String>> {
    if model.name() == "github"
        || !model.renders(doc.path())
        || model.urls(doc.path(), doc.data()).is_empty()
    {
        return None;
    }
    let mut anchors = ids(model, doc);
    anchors.extend(doc.markdown.html_anchors.iter().cloned());
    Some(anchors)
}

/// The form URLs are compared in under `model` (see [`Site::key`]).
pub fn key(model: &dyn Model, url: &str) -> String {
    normalize(url, model.case_insensitive())
}

/// `url` without query, fragment, trailing `/` or `index.html`; lower-cased when
/// `fold_case`.
pub fn normalize(url: &str, fold_case: bool) -> String {
    let url = url.split(['?', '#']).next().unwrap_or("");
    let url = url.strip_suffix("index.html").unwrap_or(url);
    let url = url.trim_end_matches('/');
    let url = if url.is_empty() { "/" } else { url };
    if fold_case {
        url.to_lowercase()
    } else {
        url.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_urls_resolve_against_the_page() {
        assert_eq!(
            Site::join("/tr/kubernetes/", "../container/").as_deref(),
            Some("/tr/container/")
        );
        assert_eq!(
            Site::join("/tr/kubernetes.html", "container.html").as_deref(),
            Some("/tr/container.html")
        );
        assert_eq!(
            Site::join("/a/b/", "img/x.png").as_deref(),
            Some("/a/b/img/x.png")
        );
        assert_eq!(Site::join("/a/", "../../x/"), None);
    }
}
