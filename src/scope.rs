//! Which unchanged documents a change-scoped run (`--staged`, `--changed-since`) reports on
//! besides those the change added or modified: the documents whose references the change
//! broke. [`Breaks`] is what the change took away (files and the folders it emptied, the
//! headings of documents it modified, term slugs); [`broken_by`] finds the references to it.
//! When a change takes nothing away, which is most commits, no other document needs reading.

use std::collections::{HashMap, HashSet};

use crate::config::Settings;
use crate::document::{Document, Skipped};
use crate::index::{defines_term, slug_of, term_references, Index, Link};
use crate::paths;
use crate::repo::{Changes, Snapshot};
use crate::resolve::Outcome;
use crate::site::{self, Model};

/// What a change took away that other documents may still point at.
#[derive(Debug, Default)]
pub struct Breaks {
    /// Files the change deleted or renamed away, and the folders it left without files.
    removed: HashSet<String>,
    /// The lower-cased file names of the files it deleted or renamed away: a vault links
    /// by name (`[[old name]]`).
    names: HashSet<String>,
    /// The anchors each modified document lost; `None` when its old version could not be
    /// read, so that any anchor it lacks now counts.
    anchors: HashMap<String, Option<HashSet<String>>>,
    /// Term slugs defined before the change and by no document after it.
    slugs: HashSet<String>,
    /// Site URLs (in [`site::key`] form) published before the change and not after it: a
    /// removed or renamed page, or a page whose `slug` changed.
    urls: HashSet<String>,
    /// Whether the site's URLs ignore letter case.
    fold_case: bool,
}

impl Breaks {
    /// Compares `before`, the old versions of the documents in `changes.before` (skipped
    /// when they could not be read), with the snapshot and its `documents` after the change,
    /// which must hold every modified document in full and every term definition.
    pub fn new(
        settings: &Settings,
        snapshot: &Snapshot,
        model: &dyn Model,
        documents: &[Document],
        changes: &Changes,
        before: &[Document],
    ) -> Breaks {
        let mut removed = HashSet::new();
        let mut names = HashSet::new();
        for path in &changes.removed {
            removed.insert(path.clone());
            names.insert(paths::file_name(path).to_lowercase());
            // A link to a folder breaks when its last file goes.
            let mut dir = path.as_str();
            while let Some(i) = dir.rfind('/') {
                dir = &dir[..i];
                if snapshot.is_dir(dir) || !removed.insert(dir.to_owned()) {
                    break;
                }
            }
        }
        let now: HashMap<&str, &Document> = documents
            .iter()
            .filter(|d| changes.before.contains_key(d.path()))
            .map(|d| (d.path(), d))
            .collect();
        // Built only when some old version defined a term.
        let mut defined: Option<HashSet<String>> = None;
        let mut anchors = HashMap::new();
        let mut slugs = HashSet::new();
        let mut urls = HashSet::new();
        if model.name() != "github" {
            let old_fronts: HashMap<&str, &Document> =
                before.iter().map(|d| (d.path(), d)).collect();
            let touched = changes
                .removed
                .iter()
                .chain(changes.changed.iter())
                .map(String::as_str);
            for path in touched {
                let old_front = old_fronts.get(path).and_then(|d| d.data());
                let lost = model.urls(path, old_front);
                if lost.is_empty() {
                    continue;
                }
                let kept: HashSet<String> = match now.get(path) {
                    Some(d) => model.urls(path, d.data()),
                    None if snapshot.contains(path) => model.urls(path, None),
                    None => Vec::new(),
                }
                .iter()
                .map(|u| site::key(model, u))
                .collect();
                urls.extend(
                    lost.iter()
                        .map(|u| site::key(model, u))
                        .filter(|k| !kept.contains(k)),
                );
            }
        }
        // Anchors as the site publishes a page, else as GitHub renders the file.
        let anchors_of = |d: &Document| -> Vec<String> {
            site::page_anchors(model, d)
                .unwrap_or_else(|| d.markdown.anchors().map(str::to_owned).collect())
        };
        for old in before {
            let path = old.path();
            // Binary or UTF-16 before, it had no anchors and no front matter either.
            let readable = !matches!(
                old.skipped,
                Some(Skipped::Unreadable(_) | Skipped::TooLarge { .. })
            );
            if changes.changed.contains(path) {
                let kept: HashSet<String> = now
                    .get(path)
                    .map(|d| anchors_of(d).into_iter().collect())
                    .unwrap_or_default();
                let lost: Option<HashSet<String>> = readable.then(|| {
                    anchors_of(old)
                        .into_iter()
                        .filter(|a| !kept.contains(a))
                        .collect()
                });
                if lost.as_ref().is_none_or(|lost| !lost.is_empty()) {
                    anchors.insert(path.to_owned(), lost);
                }
            }
            // Unreadable, it may have defined a term under its file name.
            let slug = match readable {
                true if defines_term(settings, old) => Some(slug_of(old)),
                true => None,
                false => Some(paths::stem(path).to_owned()),
            };
            if let Some(slug) = slug {
                let defined = defined.get_or_insert_with(|| {
                    documents
                        .iter()
                        .filter(|d| defines_term(settings, d))
                        .map(slug_of)
                        .collect()
                });
                if !defined.contains(&slug) {
                    slugs.insert(slug);
                }
            }
        }
        Breaks {
            removed,
            names,
            anchors,
            slugs,
            urls,
            fold_case: model.case_insensitive(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.removed.is_empty()
            && self.anchors.is_empty()
            && self.slugs.is_empty()
            && self.urls.is_empty()
    }

    /// Whether `link` points at something the change took away.
    fn breaks(&self, index: &Index<'_>, link: &Link) -> bool {
        match &link.resolution.outcome {
            Outcome::NotPublished { url, .. } => {
                self.urls.contains(&site::normalize(url, self.fold_case))
            }
            // A wikilink's path is where the note would be created: its name is what counts.
            Outcome::Missing { path, .. } if link.kind.is_some_and(|k| k.is_wikilink()) => {
                self.names.contains(&paths::file_name(path).to_lowercase())
            }
            Outcome::Missing { path, .. }
            | Outcome::CaseMismatch { path, .. }
            | Outcome::Ignored { path }
            | Outcome::Untracked { path } => self.removed.contains(path),
            Outcome::Found {
                path,
                is_dir: false,
            } => {
                let Some(fragment) = link.resolution.fragment.as_deref() else {
                    return false;
                };
                let missing = index
                    .anchors(path)
                    .is_some_and(|now| !now.contains(fragment));
                missing
                    && self
                        .anchors
                        .get(path)
                        .is_some_and(|lost| lost.as_ref().is_none_or(|l| l.contains(fragment)))
            }
            _ => false,
        }
    }
}

/// The documents of `pool` that hold a reference the change broke.
pub fn broken_by<'a>(
    index: &Index<'_>,
    settings: &Settings,
    pool: impl IntoIterator<Item = &'a str>,
    breaks: &Breaks,
) -> HashSet<&'a str> {
    if breaks.is_empty() {
        return HashSet::new();
    }
    pool.into_iter()
        .filter(|path| {
            index.links(path).iter().any(|l| breaks.breaks(index, l))
                || index.document(path).is_some_and(|doc| {
                    term_references(settings, doc)
                        .iter()
                        .any(|r| breaks.slugs.contains(&r.slug))
                })
        })
        .collect()
}
