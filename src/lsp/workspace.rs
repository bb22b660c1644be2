//! The language server's view of the knowledge base: a check session over the work tree,
//! with the editor's unsaved buffers laid over it. A buffer replaces its document's parse;
//! nothing is written to disk. Each change re-checks the changed document and the documents
//! whose references it may affect, through the same index and rules as `docsteward check`.

use std::collections::{HashMap, HashSet};

use crate::check::{self, CheckOptions, Session};
use crate::config::Level;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::error::Error;
use crate::index::{term_references, Index};
use crate::resolve::Outcome as Resolved;
use crate::rules::Context;
use crate::site::Site;

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
        };
        ws.locate();
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
        self.overlay(path, text);
    }

    fn overlay(&mut self, path: &str, text: String) {
        if !self.positions.contains_key(path) && !self.is_document(path) {
            return;
        }
        let doc = Document::parse_with(path, text.as_bytes(), &self.session.limits());
        self.session.selected.insert(path.to_owned());
        match self.positions.get(path) {
            Some(&i) => self.session.documents[i] = doc,
            None => {
                self.positions
                    .insert(path.to_owned(), self.session.documents.len());
                self.session.documents.push(doc);
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
        match self.session.snapshot.read_limited(path, max) {
            Ok(bytes) => {
                self.session.documents[i] =
                    Document::parse_with(path, &bytes, &self.session.limits());
            }
            Err(_) => {
                self.session.documents.swap_remove(i);
                self.positions.remove(path);
                if let Some(moved) = self.session.documents.get(i) {
                    self.positions.insert(moved.path().to_owned(), i);
                }
            }
        }
    }

    /// Builds the index and runs `f` with it.
    pub fn with_index<T>(&self, f: impl FnOnce(&Index<'_>, &Site<'_>) -> T) -> T {
        let site = site(&self.session);
        f(&index(&self.session, &site), &site)
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
        let session = &self.session;
        let edges = &self.edges;
        // Built here rather than through `with_index`: the rules' context borrows the index
        // for exactly as long as the documents it indexes.
        let site = site(session);
        let index = index(session, &site);
        let index = &index;
        let site = &site;
        let (results, new_edges) = {
            let mut reported: HashSet<&str> = HashSet::new();
            for path in changed {
                let Some(doc) = index.document(path) else {
                    continue;
                };
                reported.insert(doc.path());
                let mut related: HashSet<String> = dependencies(session, index, doc);
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
            let (renames, earlier) = if history {
                check::repairs(session, &self.options, index, &reported)
            } else {
                (None, None)
            };
            let cx = Context {
                settings: &session.settings,
                snapshot: &session.snapshot,
                index,
                // Staleness needs a walk over history: `docsteward stale` and `check` judge it.
                staleness: None,
                site,
                renames: renames.as_ref(),
                earlier: earlier.as_ref(),
            };
            let diagnostics = check::run_rules(&cx, &session.documents, &reported, false);
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
            let new_edges: Vec<(String, HashSet<String>)> = reported
                .iter()
                .filter_map(|p| index.document(p))
                .map(|d| (d.path().to_owned(), dependencies(session, index, d)))
                .collect();
            let mut results: Vec<(String, Vec<Finding>)> = by_path.into_iter().collect();
            results.sort_by(|a, b| a.0.cmp(&b.0));
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
}

fn site(session: &Session) -> Site<'_> {
    Site::new(&*session.model, &session.snapshot, &session.documents)
}

fn index<'s>(session: &'s Session, site: &Site<'_>) -> Index<'s> {
    Index::new(
        &session.documents,
        &session.settings,
        &session.snapshot,
        site,
    )
}

/// The documents `doc` depends on: what its references lead to, the documents defining the
/// terms it names, and the other documents defining its own term; and the slugs it names
/// and defines (see [`NAMES`]).
fn dependencies(session: &Session, index: &Index<'_>, doc: &Document) -> HashSet<String> {
    let mut out = HashSet::new();
    for link in index.links(doc.path()) {
        if let Resolved::Found { path, .. } = &link.resolution.outcome {
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
