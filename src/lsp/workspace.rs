//! The language server's view of the knowledge base: a check session over the work tree,
//! with the editor's unsaved buffers laid over it. A buffer replaces its document's parse;
//! nothing is written to disk. Each change re-checks the changed document and the documents
//! whose references it may affect, through the same index and rules as `docsteward check`.
//!
//! Each document's resolved references and anchors are kept between changes: an edit
//! re-resolves the edited document and, in a vault, the notes whose heading links it may
//! change, so that its cost follows what it affects rather than the size of the
//! repository. A change whose reach is harder to bound (a document added or removed, a
//! site URL or a vault alias changed, a reload) resolves every document again.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::check::{self, CheckOptions, Session};
use crate::config::Level;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::error::Error;
use crate::index::{term_references, Index, Resolutions, Resolved, Resolver};
use crate::resolve::Outcome;
use crate::rules::Context;
use crate::site::{obsidian, Model, Site};

/// A finding as the editor shows it: the diagnostic and, for an anchor that nearly matched,
/// the heading it was probably meant for.
#[derive(Clone, Debug)]
pub struct Finding {
    pub diagnostic: Diagnostic,
    /// Another place that explains the finding: a path, a byte span and what it is.
    pub related: Vec<(String, std::ops::Range<usize>, String)>,
}

pub struct Workspace {
    options: CheckOptions,
    pub(crate) session: Session,
    /// Unsaved editor buffers by repository-relative path.
    buffers: HashMap<String, String>,
    /// Where each document is in `session.documents`.
    positions: HashMap<String, usize>,
    /// Per document, the documents it depends on: what its links lead to, and the documents
    /// defining the terms it names or the term it defines.
    edges: HashMap<String, HashSet<String>>,
    /// The findings last published, by path.
    pub(crate) findings: HashMap<String, Vec<Finding>>,
    /// Every document's references resolved and its anchors, as of the documents now in
    /// `session`: the index of each check is built over them.
    resolved: Resolutions,
}

/// What laying a buffer over a path, or dropping it, did to the documents.
enum Change {
    /// Nothing: the path is not a document.
    None,
    /// The document list changed: a document was added or removed.
    Paths,
    /// The document at the path was replaced; this is what it was.
    Replaced(Box<Document>),
}

impl Workspace {
    /// Opens the repository holding `options.cwd` and parses every document.
    pub fn open(options: CheckOptions) -> Result<Workspace, Error> {
        let session = Session::open(&options)?;
        let mut ws = Workspace {
            options,
            session,
            buffers: HashMap::new(),
            positions: HashMap::new(),
            edges: HashMap::new(),
            findings: HashMap::new(),
            resolved: Resolutions::default(),
        };
        ws.locate();
        ws.resolve_all();
        ws.reindex();
        Ok(ws)
    }

    /// Reads the snapshot and the configuration again (a configuration, a schema or a file
    /// list changed), keeping the buffers. On an error the workspace is left as it was.
    pub fn reload(&mut self) -> Result<(), Error> {
        let session = Session::open(&self.options)?;
        self.session = session;
        let buffers: Vec<(String, String)> = self
            .buffers
            .iter()
            .map(|(p, t)| (p.clone(), t.clone()))
            .collect();
        self.locate();
        for (path, text) in buffers {
            self.overlay(&path, text);
        }
        self.resolve_all();
        self.reindex();
        Ok(())
    }

    fn locate(&mut self) {
        self.positions = self
            .session
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| (d.path().to_owned(), i))
            .collect();
    }

    /// The repository's work tree.
    pub fn root(&self) -> std::path::PathBuf {
        self.session.repo.root()
    }

    /// The paths with unsaved buffers.
    pub fn buffers(&self) -> impl Iterator<Item = &str> {
        self.buffers.keys().map(String::as_str)
    }

    /// Whether `path` is in the snapshot (on disk, not ignored).
    pub fn in_snapshot(&self, path: &str) -> bool {
        self.session.snapshot.contains(path)
    }

    /// Whether `path` is a document of the knowledge base by the configuration.
    pub fn is_document(&self, path: &str) -> bool {
        self.session.settings.is_document(path)
    }

    pub fn document(&self, path: &str) -> Option<&Document> {
        self.positions
            .get(path)
            .and_then(|&i| self.session.documents.get(i))
    }

    /// Lays the buffer `text` over `path`. Only documents are checked: a buffer of a file
    /// the configuration does not include is kept, not parsed.
    pub fn set_buffer(&mut self, path: &str, text: String) {
        self.buffers.insert(path.to_owned(), text.clone());
        let change = self.overlay(path, text);
        self.changed(path, change);
    }

    fn overlay(&mut self, path: &str, text: String) -> Change {
        if !self.positions.contains_key(path) && !self.is_document(path) {
            return Change::None;
        }
        let doc = Document::parse_with(path, text.as_bytes(), &self.session.limits());
        self.session.selected.insert(path.to_owned());
        match self.positions.get(path) {
            Some(&i) => Change::Replaced(Box::new(std::mem::replace(
                &mut self.session.documents[i],
                doc,
            ))),
            None => {
                self.positions
                    .insert(path.to_owned(), self.session.documents.len());
                self.session.documents.push(doc);
                Change::Paths
            }
        }
    }

    /// Drops the buffer of `path`: the document is read from the work tree again (and
    /// forgotten when it is no longer there).
    pub fn close_buffer(&mut self, path: &str) {
        self.buffers.remove(path);
        let Some(&i) = self.positions.get(path) else {
            return;
        };
        let max = self.session.settings.limits.max_file_size;
        let change = match self.session.snapshot.read_limited(path, max) {
            Ok(bytes) => {
                let doc = Document::parse_with(path, &bytes, &self.session.limits());
                Change::Replaced(Box::new(std::mem::replace(
                    &mut self.session.documents[i],
                    doc,
                )))
            }
            Err(_) => {
                self.session.documents.swap_remove(i);
                self.positions.remove(path);
                if let Some(moved) = self.session.documents.get(i) {
                    self.positions.insert(moved.path().to_owned(), i);
                }
                Change::Paths
            }
        };
        self.changed(path, change);
    }

    /// Brings the resolutions up to date with a change at `path`.
    fn changed(&mut self, path: &str, change: Change) {
        match change {
            Change::None => {}
            Change::Paths => self.resolve_all(),
            Change::Replaced(old) => self.replaced(path, &old),
        }
    }

    /// Resolves every document again.
    fn resolve_all(&mut self) {
        let session = &self.session;
        let site = site(session);
        let resolver = resolver(session, &site);
        let resolved = resolver.resolve_all(&session.documents);
        self.resolved = session
            .documents
            .iter()
            .zip(resolved)
            .map(|(d, r)| (d.path().to_owned(), r.into_owned()))
            .collect();
    }

    /// The document at `path`, formerly `old`, was replaced: resolves it again, and the
    /// documents whose resolution its change may alter. Another document's resolution
    /// depends on this one only through the site (its URLs, redirects and names, read from
    /// its front matter), and in a vault through its aliases and its headings (a link's
    /// `#Heading text` is matched against them); a change to the first two resolves every
    /// document again.
    fn replaced(&mut self, path: &str, old: &Document) {
        let session = &self.session;
        let Some(new) = self.document(path) else {
            return;
        };
        let model = &*session.model;
        let vault = model.vaults().is_some_and(|v| v.root_of(path).is_some());
        if publishes_differently(model, path, old, new)
            || (vault && obsidian::aliases(old.data()) != obsidian::aliases(new.data()))
        {
            return self.resolve_all();
        }
        let mut again = vec![path];
        if vault && !same_headings(old, new) {
            again.extend(
                self.resolved
                    .iter()
                    .filter(|(from, r)| from.as_str() != path && links_into(&r.links, path))
                    .map(|(from, _)| from.as_str()),
            );
        }
        let again: Vec<&Document> = again.iter().filter_map(|p| self.document(p)).collect();
        let fresh: Vec<(String, Resolved<'static>)> = {
            let site = site(session);
            let resolver = resolver(session, &site);
            again
                .par_iter()
                .map(|d| (d.path().to_owned(), resolver.resolve(d).into_owned()))
                .collect()
        };
        self.resolved.extend(fresh);
    }

    /// Builds the index and runs `f` with it.
    pub fn with_index<T>(&self, f: impl FnOnce(&Index<'_>, &Site<'_>) -> T) -> T {
        let site = site(&self.session);
        f(&index(&self.session, &self.resolved), &site)
    }

    /// The dependency edges of every document, from a fresh index.
    fn reindex(&mut self) {
        let edges = self.with_index(|index, _| {
            self.session
                .documents
                .iter()
                .map(|d| (d.path().to_owned(), dependencies(&self.session, index, d)))
                .collect()
        });
        self.edges = edges;
    }

    /// Checks the documents of `changed` and those whose references they may affect:
    /// what links to them or names the terms they define, and what they link to or name,
    /// before and after the change. `history` lets rules read git history for their fixes
    /// (renamed files and headings). Returns the findings of every document checked, empty
    /// for those with none.
    pub fn check(&mut self, changed: &[String], history: bool) -> Vec<(String, Vec<Finding>)> {
        let (results, new_edges) = {
            // Built here rather than through `with_index`: the rules' context borrows the
            // index for exactly as long as the documents it indexes.
            let site = site(&self.session);
            let index = index(&self.session, &self.resolved);
            let reported = self.affected(&index, changed);
            let (renames, earlier) = match history {
                true => check::repairs(&self.session, &self.options, &index, &reported),
                false => (None, None),
            };
            let cx = Context {
                settings: &self.session.settings,
                snapshot: &self.session.snapshot,
                index: &index,
                // Staleness needs a walk over history: `docsteward stale` and `check` judge it.
                staleness: None,
                site: &site,
                renames: renames.as_ref(),
                earlier: earlier.as_ref(),
            };
            let results = self.findings_of(&cx, &reported);
            let new_edges: Vec<(String, HashSet<String>)> = reported
                .iter()
                .filter_map(|p| index.document(p))
                .map(|d| (d.path().to_owned(), dependencies(&self.session, &index, d)))
                .collect();
            (results, new_edges)
        };
        self.edges.extend(new_edges);
        for (path, found) in &results {
            if found.is_empty() {
                self.findings.remove(path);
            } else {
                self.findings.insert(path.clone(), found.clone());
            }
        }
        results
    }

    /// The documents of `changed` and those whose findings their change may alter: what
    /// links to them or names the terms they define, and what they link to or name,
    /// before (by the last edges) and after the change.
    fn affected<'i>(&self, index: &Index<'i>, changed: &[String]) -> HashSet<&'i str> {
        let edges = &self.edges;
        let mut reported: HashSet<&str> = HashSet::new();
        for path in changed {
            let Some(doc) = index.document(path) else {
                continue;
            };
            reported.insert(doc.path());
            let mut related: HashSet<String> = dependencies(&self.session, index, doc);
            let before = edges.get(path.as_str());
            // The terms it defines, before and after: who names them is affected.
            let mut keys: Vec<String> = vec![path.clone()];
            keys.extend(
                before
                    .into_iter()
                    .flatten()
                    .chain(related.iter())
                    .filter(|d| d.starts_with(DEFINES))
                    .map(|d| format!("{NAMES}{}", &d[DEFINES.len()..])),
            );
            related.extend(before.into_iter().flatten().cloned());
            for (other, deps) in edges {
                if keys.iter().any(|k| deps.contains(k)) {
                    related.insert(other.clone());
                }
            }
            for p in related {
                if let Some(d) = index.document(&p) {
                    reported.insert(d.path());
                }
            }
        }
        reported
    }

    /// Runs the rules on the documents of `reported`: their findings by path, sorted, empty
    /// for a document with none.
    fn findings_of(
        &self,
        cx: &Context<'_>,
        reported: &HashSet<&str>,
    ) -> Vec<(String, Vec<Finding>)> {
        let session = &self.session;
        let index = cx.index;
        let diagnostics = check::run_rules(cx, &session.documents, reported, false);
        let mut by_path: HashMap<String, Vec<Finding>> = reported
            .iter()
            .map(|p| ((*p).to_owned(), Vec::new()))
            .collect();
        for d in diagnostics {
            let related = related_places(session, index, &d);
            by_path.entry(d.path.clone()).or_default().push(Finding {
                diagnostic: d,
                related,
            });
        }
        let mut results: Vec<(String, Vec<Finding>)> = by_path.into_iter().collect();
        results.sort_by(|a, b| a.0.cmp(&b.0));
        results
    }
}

fn site(session: &Session) -> Site<'_> {
    Site::new(&*session.model, &session.snapshot, &session.documents)
}

fn resolver<'s>(session: &'s Session, site: &'s Site<'s>) -> Resolver<'s> {
    Resolver::new(
        &session.documents,
        &session.settings,
        &session.snapshot,
        site,
    )
}

/// The index of the session's documents over their kept resolutions.
fn index<'s>(session: &'s Session, resolved: &'s Resolutions) -> Index<'s> {
    Index::with_resolved(
        &session.documents,
        &session.settings,
        &session.snapshot,
        resolved,
    )
}

/// Whether the site publishes `path` differently as `new` than as `old`: at other URLs,
/// with other redirects or names. The site is made of exactly these, per file (see
/// [`Site::new`]), so when they agree every other document resolves as before.
fn publishes_differently(model: &dyn Model, path: &str, old: &Document, new: &Document) -> bool {
    // GitHub publishes nothing: its site is empty whatever the front matter says.
    if model.name() == "github" {
        return false;
    }
    let (old, new) = (old.data(), new.data());
    model.urls(path, old) != model.urls(path, new)
        || model.redirects(path, old) != model.redirects(path, new)
        || model.names(path, old) != model.names(path, new)
}

/// Whether two versions of a note have the same headings as a vault matches a link's
/// `#Heading text` against them: text, level (for `#Outer#Inner`) and anchor.
fn same_headings(old: &Document, new: &Document) -> bool {
    let key = |d: &Document| -> Vec<(u8, String, String)> {
        d.markdown
            .headings
            .iter()
            .map(|h| (h.level, h.text.clone(), h.anchor.clone()))
            .collect()
    };
    key(old) == key(new)
}

/// Whether one of `links` leads into the file `path`.
fn links_into(links: &[crate::index::Link], path: &str) -> bool {
    links
        .iter()
        .any(|l| matches!(&l.resolution.outcome, Outcome::Found { path: p, .. } if p == path))
}

/// The documents `doc` depends on: what its references lead to, the documents defining the
/// terms it names, and the other documents defining its own term; and the slugs it names
/// and defines (see [`NAMES`]).
fn dependencies(session: &Session, index: &Index<'_>, doc: &Document) -> HashSet<String> {
    let mut out = HashSet::new();
    for link in index.links(doc.path()) {
        if let Outcome::Found { path, .. } = &link.resolution.outcome {
            out.insert(path.clone());
        }
    }
    for r in term_references(&session.settings, doc) {
        out.extend(index.term(&r.slug).iter().map(|p| (*p).to_owned()));
        out.insert(format!("{NAMES}{}", r.slug));
    }
    if let Some(slug) = index.slug(doc.path()) {
        out.extend(index.term(slug).iter().map(|p| (*p).to_owned()));
        out.insert(format!("{DEFINES}{slug}"));
    }
    out.remove(doc.path());
    out
}

/// Keys of the dependency edges besides paths: a term slug a document names (defined or
/// not: defining it later affects the document) and the slug it defines.
const NAMES: &str = "\0names:";
const DEFINES: &str = "\0defines:";

/// The places that explain a finding: its labels, and for a `#fragment` that matches no
/// heading, the heading of the target it most nearly matches.
fn related_places(
    session: &Session,
    index: &Index<'_>,
    d: &Diagnostic,
) -> Vec<(String, std::ops::Range<usize>, String)> {
    let mut out: Vec<_> = d
        .labels
        .iter()
        .map(|l| (d.path.clone(), l.span.clone(), l.message.clone()))
        .collect();
    if d.rule == crate::rules::links::missing_anchor::ID
        && session.settings.level(d.rule) != Level::Off
    {
        let near = index
            .links(&d.path)
            .iter()
            .filter(|l| l.span.start <= d.span.start && d.span.end <= l.span.end.max(d.span.end))
            .find_map(|l| {
                let (fragment, target) = l.fragment_target(&d.path)?;
                let anchor = index.closest_anchor(target, fragment)?;
                let heading = index
                    .document(target)?
                    .markdown
                    .headings
                    .iter()
                    .find(|h| h.anchor == anchor)?;
                Some((
                    target.to_owned(),
                    heading.span.clone(),
                    format!("the heading `#{anchor}` is the closest match"),
                ))
            });
        out.extend(near);
    }
    out
}

#[cfg(test)]
mod tests {
    //! The kept resolutions against a fresh index: random edit sequences over small
    //! workspaces (plain Markdown, an Obsidian vault, a Hugo site) must leave every
    //! document resolved, and every finding, exactly as a workspace opened afresh with the
    //! same buffers has them.

    use super::*;
    use proptest::prelude::*;

    /// One kind of repository the property runs over.
    struct Setup {
        /// `docsteward.toml`, and any site configuration besides.
        files: &'static [(&'static str, &'static str)],
        /// The folder the documents live in.
        prefix: &'static str,
    }

    const PLAIN: Setup = Setup {
        files: &[("docsteward.toml", "include = [\"**/*.md\"]\n")],
        prefix: "",
    };
    const VAULT: Setup = Setup {
        files: &[
            (
                "docsteward.toml",
                "include = [\"**/*.md\"]\n[site]\ngenerator = \"obsidian\"\n",
            ),
            (".obsidian/app.json", "{}\n"),
        ],
        prefix: "",
    };
    const HUGO: Setup = Setup {
        files: &[
            (
                "docsteward.toml",
                "include = [\"content/**/*.md\"]\n[site]\ngenerator = \"hugo\"\n",
            ),
            ("hugo.toml", "baseURL = \"https://example.org/\"\n"),
        ],
        prefix: "content/",
    };

    /// Documents on disk, then paths only a buffer gives (a new file).
    const ON_DISK: &[&str] = &["a.md", "b.md", "c.md", "alpha.md", "beta.md"];
    const NEW: &[&str] = &["d.md", "e.md"];
    const TARGETS: &[&str] = &[
        "a.md",
        "b.md",
        "c.md",
        "d.md",
        "e.md",
        "alpha.md",
        "missing.md",
        "/alpha/",
        "../b/",
        "/old-a/",
        "",
    ];
    const NAMES: &[&str] = &["a", "b", "d", "alpha", "CoP", "Alpha", "missing", ""];
    const FRAGMENTS: &[&str] = &[
        "intro",
        "setup",
        "first-week",
        "First week",
        "Setup#First week",
        "nope",
    ];
    const HEADINGS: &[&str] = &["Intro", "Setup", "First week", "Other"];
    const TERMS: &[&str] = &["Alpha", "Beta", "alpha"];
    const SLUGS: &[&str] = &["alpha", "beta", "gamma"];
    const ALIASES: &[&str] = &["CoP", "/old-a/", "Alpha"];

    /// A document as indexes into the tables above.
    #[derive(Clone, Debug)]
    struct Doc {
        term: Option<usize>,
        slug: Option<usize>,
        aliases: Vec<usize>,
        related: Vec<usize>,
        /// (text, level)
        headings: Vec<(usize, u8)>,
        /// (target or wikilink name, fragment, as a wikilink)
        links: Vec<(usize, Option<usize>, bool)>,
    }

    fn doc() -> impl Strategy<Value = Doc> {
        let pick = |n: usize| 0..n;
        (
            prop::option::of(pick(TERMS.len())),
            prop::option::of(pick(SLUGS.len())),
            prop::collection::vec(pick(ALIASES.len()), 0..3),
            prop::collection::vec(pick(SLUGS.len()), 0..3),
            prop::collection::vec((pick(HEADINGS.len()), 1..=3u8), 0..4),
            prop::collection::vec(
                (
                    pick(TARGETS.len()),
                    prop::option::of(pick(FRAGMENTS.len())),
                    any::<bool>(),
                ),
                0..5,
            ),
        )
            .prop_map(|(term, slug, aliases, related, headings, links)| Doc {
                term,
                slug,
                aliases,
                related,
                headings,
                links,
            })
    }

    fn list(items: &[usize], table: &[&str]) -> String {
        let items: Vec<String> = items.iter().map(|&i| format!("{:?}", table[i])).collect();
        format!("[{}]", items.join(", "))
    }

    fn render(doc: &Doc) -> String {
        let mut out = String::from("---\n");
        if let Some(t) = doc.term {
            out += &format!("term: {}\n", TERMS[t]);
        }
        if let Some(s) = doc.slug {
            out += &format!("slug: {}\n", SLUGS[s]);
        }
        if !doc.aliases.is_empty() {
            out += &format!("aliases: {}\n", list(&doc.aliases, ALIASES));
        }
        if !doc.related.is_empty() {
            out += &format!("relatedTerms: {}\n", list(&doc.related, SLUGS));
        }
        out += "---\n\nSome words.\n";
        let lines = doc.headings.len().max(doc.links.len());
        for i in 0..lines {
            if let Some(&(h, level)) = doc.headings.get(i) {
                out += &format!("\n{} {}\n\n", "#".repeat(level.into()), HEADINGS[h]);
            }
            if let Some(&(t, f, wiki)) = doc.links.get(i) {
                let fragment = f.map(|f| format!("#{}", FRAGMENTS[f])).unwrap_or_default();
                if wiki {
                    out += &format!("See [[{}{fragment}]].\n", NAMES[t % NAMES.len()]);
                } else {
                    let target = format!("{}{fragment}", TARGETS[t]).replace(' ', "%20");
                    out += &format!("See [this]({target}).\n");
                }
            }
        }
        out
    }

    #[derive(Clone, Debug)]
    enum Op {
        /// Lays a buffer over one of `ON_DISK` or `NEW` (opening a new file).
        Edit(usize, Doc),
        /// Adds words to a document: its links and headings stay as they are.
        Touch(usize),
        Close(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        let any_path = 0..ON_DISK.len() + NEW.len();
        prop_oneof![
            3 => (any_path.clone(), doc()).prop_map(|(p, d)| Op::Edit(p, d)),
            1 => any_path.clone().prop_map(Op::Touch),
            2 => any_path.prop_map(Op::Close),
        ]
    }

    fn path(setup: &Setup, i: usize) -> String {
        let name = ON_DISK.iter().chain(NEW).nth(i).copied().unwrap_or("a.md");
        format!("{}{name}", setup.prefix)
    }

    /// A committed repository of `setup` with `docs` as the documents on disk.
    fn repository(setup: &Setup, docs: &[Doc]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let write = |path: &str, text: &str| {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        };
        for (path, text) in setup.files {
            write(path, text);
        }
        for (i, d) in docs.iter().enumerate() {
            write(&path(setup, i), &render(d));
        }
        let repo = git2::Repository::init(dir.path()).unwrap();
        let mut index = repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::new("Test", "test@example.com", &git2::Time::new(1, 0)).unwrap();
        repo.commit(Some("HEAD"), &sig, &sig, "documents", &tree, &[])
            .unwrap();
        dir
    }

    fn open(dir: &std::path::Path) -> Workspace {
        Workspace::open(CheckOptions {
            cwd: dir.to_owned(),
            ..CheckOptions::default()
        })
        .unwrap()
    }

    /// Every document's resolution as text: links, and anchors in order.
    fn resolutions(session: &Session, resolved: &Resolutions) -> Vec<String> {
        let index = index(session, resolved);
        let mut out: Vec<String> = session
            .documents
            .iter()
            .map(|d| {
                let mut anchors: Vec<&str> = index
                    .anchors(d.path())
                    .into_iter()
                    .flatten()
                    .map(|a| a.as_ref())
                    .collect();
                anchors.sort_unstable();
                format!("{}: {:?} {anchors:?}", d.path(), index.links(d.path()))
            })
            .collect();
        out.sort();
        out
    }

    /// Every document's findings as text, from a check of the whole workspace.
    fn all_findings(ws: &Workspace) -> Vec<String> {
        let site = site(&ws.session);
        let index = index(&ws.session, &ws.resolved);
        let every: HashSet<&str> = ws.session.documents.iter().map(Document::path).collect();
        let cx = Context {
            settings: &ws.session.settings,
            snapshot: &ws.session.snapshot,
            index: &index,
            staleness: None,
            site: &site,
            renames: None,
            earlier: None,
        };
        ws.findings_of(&cx, &every)
            .into_iter()
            .flat_map(|(path, found)| {
                found
                    .into_iter()
                    .map(move |f| format!("{path}: {:?} {:?}", f.diagnostic, f.related))
            })
            .collect()
    }

    fn apply(ws: &mut Workspace, setup: &Setup, op: &Op) {
        match op {
            Op::Edit(i, d) => ws.set_buffer(&path(setup, *i), render(d)),
            Op::Touch(i) => {
                let p = path(setup, *i);
                if let Some(text) = ws
                    .document(&p)
                    .map(|d| format!("{}\nMore words.\n", d.text()))
                {
                    ws.set_buffer(&p, text);
                }
            }
            Op::Close(i) => ws.close_buffer(&path(setup, *i)),
        }
    }

    fn incremental_equals_fresh(
        setup: &Setup,
        docs: &[Doc],
        ops: &[Op],
    ) -> Result<(), TestCaseError> {
        let dir = repository(setup, docs);
        let mut ws = open(dir.path());
        for op in ops {
            apply(&mut ws, setup, op);
            let mut fresh = open(dir.path());
            let mut buffers: Vec<(String, String)> = ws
                .buffers
                .iter()
                .map(|(p, t)| (p.clone(), t.clone()))
                .collect();
            buffers.sort();
            for (p, text) in buffers {
                fresh.set_buffer(&p, text);
            }
            prop_assert_eq!(ws.resolved.len(), ws.session.documents.len());
            // Resolved afresh from the same documents, in the same order.
            let site = site(&ws.session);
            let again: Resolutions = resolver(&ws.session, &site)
                .resolve_all(&ws.session.documents)
                .into_iter()
                .zip(&ws.session.documents)
                .map(|(r, d)| (d.path().to_owned(), r.into_owned()))
                .collect();
            prop_assert_eq!(
                resolutions(&ws.session, &ws.resolved),
                resolutions(&ws.session, &again),
                "after {:?}",
                op
            );
            prop_assert_eq!(all_findings(&ws), all_findings(&fresh), "after {:?}", op);
        }
        Ok(())
    }

    fn cases() -> impl Strategy<Value = (Vec<Doc>, Vec<Op>)> {
        (
            prop::collection::vec(doc(), ON_DISK.len()),
            prop::collection::vec(op(), 1..8),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn edits_resolve_as_a_fresh_workspace((docs, ops) in cases()) {
            incremental_equals_fresh(&PLAIN, &docs, &ops)?;
        }

        #[test]
        fn vault_edits_resolve_as_a_fresh_workspace((docs, ops) in cases()) {
            incremental_equals_fresh(&VAULT, &docs, &ops)?;
        }

        #[test]
        fn site_edits_resolve_as_a_fresh_workspace((docs, ops) in cases()) {
            incremental_equals_fresh(&HUGO, &docs, &ops)?;
        }
    }
}
