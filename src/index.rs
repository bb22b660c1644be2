//! The whole snapshot's documents, indexed once before any rule runs: every reference
//! resolved, anchors per document, terms by slug and name, and what links where. Cross-file
//! rules are plain lookups into it.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;

use crate::config::Settings;
use crate::document::markdown::RefKind;
use crate::document::{Document, Node, Value};
use crate::paths;
use crate::repo::Snapshot;
use crate::resolve::{resolve, resolve_ref, Outcome, Resolution};
use crate::site::obsidian::{self, Vaults};
use crate::site::Site;
use crate::suggest::Candidates;

/// A reference in a document, resolved against the snapshot.
#[derive(Clone, Debug)]
pub struct Link {
    /// `None` for a front matter path value (`[links] front-matter-keys`).
    pub kind: Option<RefKind>,
    pub target: String,
    pub span: Range<usize>,
    pub resolution: Resolution,
    /// The other files a vault name shared by several could have meant (the resolution
    /// is the tie-break's pick); empty otherwise.
    pub ambiguous: Vec<String>,
    /// The note whose front matter alias a missing wikilink's name is, under a vault tool
    /// that resolves no link by alias (Obsidian, Foam).
    pub alias_of: Option<String>,
}

impl Link {
    pub fn is_image(&self) -> bool {
        self.kind.is_some_and(RefKind::is_image)
    }

    /// The link's non-empty `#fragment` and the file it leads into (`from`, the document
    /// holding the link, for a fragment alone); `None` for a link without one, or one into a
    /// folder or nowhere.
    pub fn fragment_target<'s>(&'s self, from: &'s str) -> Option<(&'s str, &'s str)> {
        let fragment = self
            .resolution
            .fragment
            .as_deref()
            .filter(|f| !f.is_empty())?;
        let target = match &self.resolution.outcome {
            Outcome::SameDocument => from,
            Outcome::Found {
                path,
                is_dir: false,
            } => path.as_str(),
            _ => return None,
        };
        Some((fragment, target))
    }
}

/// A term slug named under one of `[terms] reference-keys`.
#[derive(Clone, Debug)]
pub struct TermRef {
    pub key: String,
    pub slug: String,
    pub span: Range<usize>,
}

pub struct Index<'a> {
    documents: crate::FastMap<&'a str, &'a Document>,
    /// Each document's references and anchors.
    resolved: PerDocument<'a>,
    /// Slug -> documents defining it.
    terms: HashMap<String, Vec<&'a str>>,
    /// Lower-cased `term` value -> documents defining it.
    term_names: HashMap<String, Vec<&'a str>>,
    /// Document -> the slug it defines.
    slugs: HashMap<&'a str, String>,
    /// Paths that some other document links to or names as a term, found the first time
    /// one is asked for: only `graph/orphan` asks, and it is off by default.
    inbound: OnceLock<HashSet<String>>,
    settings: &'a Settings,
    snapshot: &'a Snapshot,
    /// Per folder, its files indexed for suggestions the first time one is asked for
    /// there.
    near_files: Mutex<HashMap<String, Arc<Candidates>>>,
    /// The term slugs, indexed for suggestions the first time one is asked for.
    near_terms: OnceLock<Candidates>,
}

/// A document's anchors: borrowed from it, or made by the site's heading ids.
pub type AnchorSet<'a> = crate::FastSet<Cow<'a, str>>;

/// What the index holds of one document on its own: its references resolved and its
/// anchors. Apart from the document, it depends only on the snapshot, the settings, the
/// site and, in a vault, other notes' aliases and the headings of the notes it links to
/// (see [`Resolver`]): the language server keeps it between edits for the documents an
/// edit cannot affect.
pub struct Resolved<'a> {
    pub links: Vec<Link>,
    /// `None` for an unread document: its anchors are unknown, not absent, and links into
    /// it are not judged by its headings.
    anchors: Option<AnchorSet<'a>>,
    /// The anchors indexed for suggestions the first time one is asked for: a run suggests
    /// against the same few documents many times.
    near: OnceLock<Candidates>,
    /// The term the document defines, if it defines one.
    term: Option<Definition>,
}

/// A document's term definition: its slug and its `term` value, lower-cased.
struct Definition {
    slug: String,
    name: Option<String>,
}

impl Definition {
    fn of(settings: &Settings, doc: &Document) -> Option<Definition> {
        if !defines_term(settings, doc) {
            return None;
        }
        let name = doc
            .data()
            .and_then(|d| d.get("term"))
            .and_then(|e| e.value.as_str())
            .map(|n| n.trim().to_lowercase());
        Some(Definition {
            slug: slug_of(doc),
            name,
        })
    }
}

impl Resolved<'_> {
    /// The same, owning its anchors: to be kept longer than the document is borrowed.
    pub fn into_owned(self) -> Resolved<'static> {
        Resolved {
            links: self.links,
            anchors: self.anchors.map(|set| {
                set.into_iter()
                    .map(|a| Cow::Owned(a.into_owned()))
                    .collect()
            }),
            near: self.near,
            term: self.term,
        }
    }
}

/// Resolutions kept by path between indexes (see [`Index::with_resolved`]).
pub type Resolutions = crate::FastMap<String, Resolved<'static>>;

/// The per-document part of an index: resolved by [`Index::new`], or kept by the caller.
enum PerDocument<'a> {
    Owned(crate::FastMap<&'a str, Resolved<'a>>),
    Borrowed(&'a Resolutions),
}

impl<'a> PerDocument<'a> {
    fn get(&self, path: &str) -> Option<&Resolved<'a>> {
        match self {
            PerDocument::Owned(map) => map.get(path),
            PerDocument::Borrowed(map) => map.get(path),
        }
    }
}

/// Resolves one document's references against the rest of the snapshot: what
/// [`Index::new`] does for every document, and the language server for those an edit
/// affects.
pub struct Resolver<'r> {
    settings: &'r Settings,
    snapshot: &'r Snapshot,
    site: &'r Site<'r>,
    /// In a vault: the notes by path (for heading text fragments) and by alias.
    vault: Option<(
        &'r Vaults,
        obsidian::Aliases,
        HashMap<&'r str, &'r Document>,
    )>,
}

impl<'r> Resolver<'r> {
    /// A resolver over `documents`, the whole knowledge base: in a vault its aliases and
    /// headings are read from them.
    pub fn new(
        documents: &'r [Document],
        settings: &'r Settings,
        snapshot: &'r Snapshot,
        site: &'r Site<'r>,
    ) -> Resolver<'r> {
        let vault = site.model().vaults().map(|v| {
            let aliases = obsidian::Aliases::new(v, documents.iter().map(|d| (d.path(), d.data())));
            let by_path = documents.iter().map(|d| (d.path(), d)).collect();
            (v, aliases, by_path)
        });
        Resolver {
            settings,
            snapshot,
            site,
            vault,
        }
    }

    /// `doc`'s references resolved and its anchors.
    pub fn resolve<'d>(&self, doc: &'d Document) -> Resolved<'d> {
        let mut links = links_of(self.settings, self.snapshot, self.site, doc);
        if let Some((v, aliases, by_path)) = &self.vault {
            if v.root_of(doc.path()).is_some() {
                alias_names(v, aliases, doc.path(), &mut links);
                heading_text_fragments(by_path, doc.path(), &mut links);
            }
        }
        Resolved {
            links,
            anchors: doc.skipped.is_none().then(|| anchors_of(self.site, doc)),
            near: OnceLock::new(),
            term: Definition::of(self.settings, doc),
        }
    }

    /// Every document's resolution, in parallel.
    pub fn resolve_all<'d>(&self, documents: &'d [Document]) -> Vec<Resolved<'d>> {
        documents.par_iter().map(|d| self.resolve(d)).collect()
    }
}

impl<'a> Index<'a> {
    pub fn new(
        documents: &'a [Document],
        settings: &'a Settings,
        snapshot: &'a Snapshot,
        site: &Site<'_>,
    ) -> Index<'a> {
        let resolved = Resolver::new(documents, settings, snapshot, site).resolve_all(documents);
        let resolved = documents.iter().map(Document::path).zip(resolved).collect();
        Index::build(documents, settings, snapshot, PerDocument::Owned(resolved))
    }

    /// The index of `documents` whose resolutions, one per document, were made earlier by
    /// a [`Resolver`] and kept: only the tables across documents (terms, inbound links)
    /// are built.
    pub fn with_resolved(
        documents: &'a [Document],
        settings: &'a Settings,
        snapshot: &'a Snapshot,
        resolved: &'a Resolutions,
    ) -> Index<'a> {
        Index::build(
            documents,
            settings,
            snapshot,
            PerDocument::Borrowed(resolved),
        )
    }

    fn build(
        documents: &'a [Document],
        settings: &'a Settings,
        snapshot: &'a Snapshot,
        resolved: PerDocument<'a>,
    ) -> Index<'a> {
        let mut terms: HashMap<String, Vec<&str>> = HashMap::new();
        let mut term_names: HashMap<String, Vec<&str>> = HashMap::new();
        let mut slugs = HashMap::new();
        for doc in documents {
            let Some(term) = resolved.get(doc.path()).and_then(|r| r.term.as_ref()) else {
                continue;
            };
            terms.entry(term.slug.clone()).or_default().push(doc.path());
            if let Some(name) = &term.name {
                term_names.entry(name.clone()).or_default().push(doc.path());
            }
            slugs.insert(doc.path(), term.slug.clone());
        }
        Index {
            documents: documents.iter().map(|d| (d.path(), d)).collect(),
            resolved,
            terms,
            term_names,
            slugs,
            inbound: OnceLock::new(),
            settings,
            snapshot,
            near_files: Mutex::new(HashMap::new()),
            near_terms: OnceLock::new(),
        }
    }

    /// Paths that some other document links to or names as a term.
    fn inbound(&self) -> &HashSet<String> {
        self.inbound.get_or_init(|| {
            let mut inbound = HashSet::new();
            for (&from, doc) in &self.documents {
                for link in self.links(from) {
                    if let Outcome::Found { path, .. } = &link.resolution.outcome {
                        if path != from {
                            inbound.insert(path.clone());
                        }
                    }
                }
                for r in term_references(self.settings, doc) {
                    inbound.extend(
                        self.term(&r.slug)
                            .iter()
                            .filter(|t| **t != from)
                            .map(|t| (*t).to_owned()),
                    );
                }
            }
            inbound
        })
    }

    pub fn document(&self, path: &str) -> Option<&'a Document> {
        self.documents.get(path).copied()
    }

    /// The resolved references of a document.
    pub fn links(&self, path: &str) -> &[Link] {
        self.resolved.get(path).map_or(&[], |r| &r.links)
    }

    /// The anchors of a parsed document, `None` when `path` is not one.
    pub fn anchors(&self, path: &str) -> Option<&AnchorSet<'a>> {
        self.resolved.get(path)?.anchors.as_ref()
    }

    /// The anchor of document `path` most likely meant by `fragment`, which it lacks.
    pub fn closest_anchor(&self, path: &str, fragment: &str) -> Option<&str> {
        let resolved = self.resolved.get(path)?;
        let anchors = resolved.anchors.as_ref()?;
        resolved
            .near
            .get_or_init(|| Candidates::new(anchors.iter().map(|a| a.as_ref())))
            .closest(fragment)
    }

    /// Documents that define `slug`.
    pub fn term(&self, slug: &str) -> &[&'a str] {
        self.terms.get(slug).map_or(&[], Vec::as_slice)
    }

    /// The defined term most likely meant by `slug`, which no document defines.
    pub fn closest_term(&self, slug: &str) -> Option<&str> {
        self.near_terms
            .get_or_init(|| Candidates::new(self.terms.keys().map(String::as_str)))
            .closest(slug)
    }

    /// Documents whose `term` equals `name` ignoring case.
    pub fn term_named(&self, name: &str) -> &[&'a str] {
        self.term_names
            .get(&name.trim().to_lowercase())
            .map_or(&[], Vec::as_slice)
    }

    /// The slug a document defines, if it defines a term.
    pub fn slug(&self, path: &str) -> Option<&str> {
        self.slugs.get(path).map(String::as_str)
    }

    pub fn is_referenced(&self, path: &str) -> bool {
        self.inbound().contains(path)
    }

    /// Whether `near`, [`Index::closest_path`] of `missing`, is the only candidate: the one
    /// file of that name, or the one closest spelling in the folder.
    pub fn only_closest_path(&self, missing: &str, near: &str) -> bool {
        match self.snapshot.files_named(paths::file_name(missing)) {
            [] => {
                let folder = paths::parent(missing);
                let files = self.snapshot.files_in(&folder);
                !files.is_empty()
                    && self
                        .folder_candidates(folder, files)
                        .is_only_closest(missing, near)
            }
            same => same.len() == 1,
        }
    }

    /// The one defined term whose slug equals `slug` but for letter case.
    pub fn term_ignoring_case(&self, slug: &str) -> Option<&str> {
        let mut same = self
            .terms
            .keys()
            .filter(|k| k.to_lowercase() == slug.to_lowercase());
        let one = same.next()?;
        same.next().is_none().then_some(one.as_str())
    }

    /// [`Index::closest_term`] when no other slug is as close.
    pub fn only_closest_term(&self, slug: &str) -> Option<&str> {
        let near = self.closest_term(slug)?;
        self.near_terms
            .get()?
            .is_only_closest(slug, near)
            .then_some(near)
    }

    /// [`Index::closest_anchor`] when no other anchor of the document is as close.
    pub fn only_closest_anchor(&self, path: &str, fragment: &str) -> Option<&str> {
        let near = self.closest_anchor(path, fragment)?;
        self.resolved
            .get(path)?
            .near
            .get()?
            .is_only_closest(fragment, near)
            .then_some(near)
    }

    /// The folders holding documents that define terms: where a term file renamed away
    /// would have been.
    pub fn term_folders(&self) -> std::collections::BTreeSet<String> {
        self.slugs.keys().map(|p| paths::parent(p)).collect()
    }

    /// The existing path most likely meant by a missing one: the same file name elsewhere,
    /// else a close spelling in the same folder.
    pub fn closest_path(&self, missing: &str) -> Option<&'a str> {
        if let Some(same) = self.snapshot.files_named(paths::file_name(missing)).first() {
            return Some(same);
        }
        let folder = paths::parent(missing);
        let files = self.snapshot.files_in(&folder);
        if files.is_empty() {
            return None;
        }
        let near = self.folder_candidates(folder, files);
        let closest = near.closest(missing)?;
        // The snapshot's own copy, which outlives the candidates.
        files.iter().find(|f| *f == closest).map(String::as_str)
    }

    /// The files of `folder` indexed for suggestions, the first time one is asked for there.
    fn folder_candidates(&self, folder: String, files: &[String]) -> Arc<Candidates> {
        let lock = || self.near_files.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(near) = lock().get(&folder) {
            return Arc::clone(near);
        }
        // Built without the lock, so that threads asking about other folders need not wait;
        // two asking about the same folder at once may both build it, and the first kept.
        let built = Arc::new(Candidates::new(files.iter().map(String::as_str)));
        Arc::clone(lock().entry(folder).or_insert(built))
    }
}

/// Whether a document defines a term: `[terms] defined-by`, else a `term` key.
pub fn defines_term(settings: &Settings, doc: &Document) -> bool {
    match &settings.terms.defined_by {
        Some(_) => settings.may_define_term(doc.path()),
        None => doc.data().is_some_and(|d| d.get("term").is_some()),
    }
}

/// A term's slug: its `slug` front matter key, else its file name without extension.
pub fn slug_of(doc: &Document) -> String {
    doc.data()
        .and_then(|d| d.get("slug"))
        .and_then(|e| e.value.as_str())
        .map_or_else(|| paths::stem(doc.path()).to_owned(), str::to_owned)
}

/// String values under `key`: the value itself, or each string in a list.
pub fn strings_under<'n>(data: &'n Node, key: &str) -> Vec<&'n Node> {
    match data.get(key).map(|e| &e.value) {
        Some(
            node @ Node {
                value: Value::String(_),
                ..
            },
        ) => vec![node],
        Some(Node {
            value: Value::Seq(items),
            ..
        }) => items.iter().filter(|n| n.as_str().is_some()).collect(),
        _ => Vec::new(),
    }
}

pub fn term_references(settings: &Settings, doc: &Document) -> Vec<TermRef> {
    let Some(data) = doc.data() else {
        return Vec::new();
    };
    settings
        .terms
        .reference_keys
        .iter()
        .flat_map(|key| {
            strings_under(data, key).into_iter().map(move |n| TermRef {
                key: key.clone(),
                slug: n.as_str().unwrap_or_default().trim().to_owned(),
                span: n.span.clone(),
            })
        })
        .collect()
}

/// The anchors a link's `#fragment` may name in `doc`: its headings' ids as the site that
/// publishes it makes them (GitHub's when none does), and its HTML ids.
fn anchors_of<'a>(site: &Site<'_>, doc: &'a Document) -> AnchorSet<'a> {
    match site.heading_ids(doc) {
        Some(ids) => ids
            .into_iter()
            .map(Cow::Owned)
            .chain(
                doc.markdown
                    .html_anchors
                    .iter()
                    .map(|a| Cow::Borrowed(a.as_str())),
            )
            .collect(),
        None => doc.markdown.anchors().map(Cow::Borrowed).collect(),
    }
}

fn links_of(
    settings: &Settings,
    snapshot: &Snapshot,
    site: &Site<'_>,
    doc: &Document,
) -> Vec<Link> {
    let mut out: Vec<Link> = Vec::new();
    if let Some(data) = doc.data() {
        for key in &settings.links.front_matter_keys {
            for node in strings_under(data, key) {
                let target = node.as_str().unwrap_or_default();
                out.push(Link {
                    kind: None,
                    target: target.to_owned(),
                    span: node.span.clone(),
                    resolution: resolve(settings, snapshot, site, doc.path(), target),
                    ambiguous: Vec::new(),
                    alias_of: None,
                });
            }
        }
    }
    out.extend(doc.markdown.references.iter().map(|r| {
        let (resolution, ambiguous) =
            resolve_reference(settings, snapshot, site, doc.path(), r.kind, &r.target);
        Link {
            kind: Some(r.kind),
            target: r.target.clone(),
            span: r.span.clone(),
            resolution,
            ambiguous,
            alias_of: None,
        }
    }));
    out
}

/// Resolves a reference of kind `kind` written in `from`: a path or URL as [`resolve`]
/// does, a wikilink by name in the vault holding `from`. In a vault, a Markdown link whose
/// path is not where it says is looked up by name too, as the vault tools do ("shortest
/// path when possible" links). Returns the other files a shared name could have meant.
pub fn resolve_reference(
    settings: &Settings,
    snapshot: &Snapshot,
    site: &Site<'_>,
    from: &str,
    kind: RefKind,
    target: &str,
) -> (Resolution, Vec<String>) {
    let vaults = site.model().vaults().filter(|v| v.root_of(from).is_some());
    if kind.is_wikilink() {
        return match vaults {
            Some(vaults) => wikilink(vaults, from, target),
            // Outside a vault `[[x]]` is text: GitHub and the site generators print it.
            None => (
                Resolution {
                    outcome: Outcome::External,
                    fragment: None,
                },
                Vec::new(),
            ),
        };
    }
    let resolution = resolve_ref(settings, snapshot, site, from, target, Some(kind));
    let by_name = matches!(kind, RefKind::Link | RefKind::Image | RefKind::Definition)
        && matches!(resolution.outcome, Outcome::Missing { .. });
    if let (Some(vaults), true) = (vaults, by_name) {
        let path = target.trim().split(['#', '?']).next().unwrap_or("");
        let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        if let Some(obsidian::Found::File { path, others }) = vaults.find(from, &path) {
            let outcome = Outcome::Found {
                path,
                is_dir: false,
            };
            let fragment = resolution.fragment;
            return (Resolution { outcome, fragment }, others);
        }
    }
    (resolution, Vec::new())
}

/// `note#A#B`, `#^block`, `folder/ladder.png` looked up in the vault holding `from`.
fn wikilink(vaults: &Vaults, from: &str, target: &str) -> (Resolution, Vec<String>) {
    let (name, fragment) = match target.split_once('#') {
        Some((n, f)) => (n.trim(), Some(f.trim().to_owned())),
        None => (target.trim(), None),
    };
    let (outcome, others) = match vaults.find(from, name) {
        _ if name.is_empty() => (Outcome::SameDocument, Vec::new()),
        Some(obsidian::Found::File { path, others }) => (
            Outcome::Found {
                path,
                is_dir: false,
            },
            others,
        ),
        Some(obsidian::Found::Missing { path }) => (
            Outcome::Missing {
                path,
                route: None,
                unstaged: false,
            },
            Vec::new(),
        ),
        None => (Outcome::External, Vec::new()),
    };
    (Resolution { outcome, fragment }, others)
}

/// A wikilink whose bare name no file has but a note's `aliases` holds: under a tool that
/// publishes aliases (Quartz) it opens that note; otherwise (Obsidian, Foam) it stays
/// missing, and the link records the note so the report can name it.
fn alias_names(vaults: &Vaults, aliases: &obsidian::Aliases, from: &str, links: &mut [Link]) {
    for link in links {
        if !link.kind.is_some_and(|k| k.is_wikilink())
            || !matches!(link.resolution.outcome, Outcome::Missing { .. })
        {
            continue;
        }
        let name = link.target.split('#').next().unwrap_or_default();
        if name.contains('/') {
            continue;
        }
        let Some(note) = aliases.find(vaults, from, name) else {
            continue;
        };
        if vaults.aliases_resolve() {
            link.resolution.outcome = Outcome::Found {
                path: note.to_owned(),
                is_dir: false,
            };
        } else {
            link.alias_of = Some(note.to_owned());
        }
    }
}

/// In a vault a fragment is heading text (`#First week`, `#Onboarding#First week`), which
/// the vault tools match against the text, not a slug: a fragment that names a heading of
/// its target this way becomes that heading's anchor. Block ids (`#^b7f2`) are anchors as
/// they are; anything else is left to be judged against the anchors as written.
fn heading_text_fragments(documents: &HashMap<&str, &Document>, from: &str, links: &mut [Link]) {
    for link in links {
        let target = match &link.resolution.outcome {
            Outcome::SameDocument => from,
            Outcome::Found {
                path,
                is_dir: false,
            } => path.as_str(),
            _ => continue,
        };
        let (Some(fragment), Some(doc)) = (&link.resolution.fragment, documents.get(target)) else {
            continue;
        };
        if fragment.starts_with('^') {
            continue;
        }
        if let Some(anchor) = obsidian::heading_anchor(&doc.markdown.headings, fragment) {
            link.resolution.fragment = Some(anchor.to_owned());
        }
    }
}
