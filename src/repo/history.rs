//! A document's last meaningful change, for every document at once, in one pass over
//! history: a date-ordered walk that diffs each commit's tree against its parents and
//! carries along only the paths still unresolved, stopping when none are left.
//!
//! It follows git's default history simplification (a merge that takes one parent's
//! version is no change; the path follows that parent), follows exact-blob renames back to
//! the old path, and skips commits listed in an ignore-revs file.

use std::collections::{BinaryHeap, HashMap, HashSet};

use git2::{Delta, Oid, Repository};

use super::Repo;
use crate::error::Error;

/// The commit that last changed a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastChange {
    pub commit: Oid,
    /// Committer time, seconds since the epoch.
    pub time: i64,
    pub author: String,
    pub author_email: String,
    /// The walk reached the edge of a shallow clone: the real change may be older.
    pub at_boundary: bool,
}

/// Reports how many commits the walk has read, for a progress bar.
pub type Progress<'a> = &'a mut dyn FnMut(usize);

/// One pending document: where its content lives at this point in history.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Pending {
    /// The path at this commit (differs from `document` after a rename).
    path: String,
    document: usize,
}

impl Repo {
    /// Whether the repository is a shallow clone.
    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow()
    }

    /// The commit a snapshot's history starts from: `rev`, else `HEAD`. `None` before the
    /// first commit.
    pub fn start_commit(&self, rev: Option<&str>) -> Result<Option<Oid>, Error> {
        let found = match rev {
            Some(rev) => self
                .repo
                .revparse_single(rev)
                .and_then(|o| o.peel_to_commit()),
            None => self.repo.head().and_then(|h| h.peel_to_commit()),
        };
        match found {
            Ok(c) => Ok(Some(c.id())),
            Err(e)
                if matches!(
                    e.code(),
                    git2::ErrorCode::UnbornBranch | git2::ErrorCode::NotFound
                ) && rev.is_none() =>
            {
                Ok(None)
            }
            Err(e) => Err(Error::Revision {
                rev: rev.unwrap_or("HEAD").to_owned(),
                message: e.message().to_owned(),
            }),
        }
    }

    /// Parses an ignore-revs file (`.git-blame-ignore-revs` format: one full SHA per line,
    /// `#` comments). Lines that are not object ids are skipped.
    pub fn parse_ignore_revs(text: &str) -> HashSet<Oid> {
        text.lines()
            .map(|l| l.split('#').next().unwrap_or("").trim())
            .filter(|l| !l.is_empty())
            .filter_map(|l| Oid::from_str(l).ok())
            .collect()
    }

    /// The last change of each of `documents` in the history of `start`.
    pub fn last_changes(
        &self,
        start: Oid,
        documents: &[String],
        ignore: &HashSet<Oid>,
        progress: Progress<'_>,
    ) -> Result<Vec<Option<LastChange>>, Error> {
        walk(
            &self.repo,
            start,
            documents,
            ignore,
            &self.shallow_boundary(),
            progress,
        )
    }

    /// The commits at the edge of a shallow clone (listed in `$GIT_DIR/shallow`).
    fn shallow_boundary(&self) -> HashSet<Oid> {
        if !self.repo.is_shallow() {
            return HashSet::new();
        }
        std::fs::read_to_string(self.repo.path().join("shallow"))
            .map(|t| {
                t.lines()
                    .filter_map(|l| Oid::from_str(l.trim()).ok())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A commit waiting in the walk, newest first.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Queued {
    time: i64,
    /// Ties broken by insertion order, so the walk is deterministic.
    seq: std::cmp::Reverse<u64>,
    oid: Oid,
}

fn walk(
    repo: &Repository,
    start: Oid,
    documents: &[String],
    ignore: &HashSet<Oid>,
    boundary: &HashSet<Oid>,
    progress: Progress<'_>,
) -> Result<Vec<Option<LastChange>>, Error> {
    let mut result: Vec<Option<LastChange>> = vec![None; documents.len()];
    let mut unresolved = documents.len();
    let mut pending: HashMap<Oid, HashSet<Pending>> = HashMap::new();
    let mut queue = BinaryHeap::new();
    let mut seq = 0u64;
    let start_commit = repo.find_commit(start)?;
    pending.insert(
        start,
        documents
            .iter()
            .enumerate()
            .map(|(document, path)| Pending {
                path: path.clone(),
                document,
            })
            .collect(),
    );
    queue.push(Queued {
        time: start_commit.time().seconds(),
        seq: std::cmp::Reverse(0),
        oid: start,
    });
    let mut read = 0usize;

    while let Some(Queued { oid, .. }) = queue.pop() {
        if unresolved == 0 {
            break;
        }
        let Some(here) = pending.remove(&oid) else {
            continue;
        };
        let here: Vec<Pending> = here
            .into_iter()
            .filter(|p| result[p.document].is_none())
            .collect();
        if here.is_empty() {
            continue;
        }
        read += 1;
        if read % 256 == 0 {
            progress(read);
        }
        let commit = repo.find_commit(oid)?;
        let tree = commit.tree()?;
        let parents: Vec<git2::Commit<'_>> = commit.parents().collect();
        let mut resolve = |p: &Pending, result: &mut Vec<Option<LastChange>>, at_boundary: bool| {
            if result[p.document].is_none() {
                let author = commit.author();
                result[p.document] = Some(LastChange {
                    commit: oid,
                    time: commit.time().seconds(),
                    author: author.name().unwrap_or("").to_owned(),
                    author_email: author.email().unwrap_or("").to_owned(),
                    at_boundary,
                });
                unresolved -= 1;
            }
        };
        if parents.is_empty() {
            // A root commit, or the edge of a shallow clone: whatever is here was made here.
            let at_boundary = boundary.contains(&oid);
            for p in &here {
                if tree.get_path(std::path::Path::new(&p.path)).is_ok() || at_boundary {
                    resolve(p, &mut result, at_boundary);
                }
            }
            continue;
        }
        // For each parent: which pending paths changed, and where renamed ones came from.
        let diffs: Vec<ParentDiff> = parents
            .iter()
            .map(|parent| diff_against(repo, &parent.tree()?, &tree))
            .collect::<Result<_, git2::Error>>()?;
        let ignored = ignore.contains(&oid);
        let mut forward: Vec<Vec<Pending>> = vec![Vec::new(); parents.len()];
        for p in here {
            // TREESAME to a parent: the path's history continues there and only there.
            if let Some(i) = diffs
                .iter()
                .position(|d| !d.changed.contains_key(p.path.as_str()))
            {
                forward[i].push(p);
                continue;
            }
            let delta = &diffs[0].changed[p.path.as_str()];
            match delta {
                Change::RenamedFrom(old) => forward[0].push(Pending {
                    path: old.clone(),
                    document: p.document,
                }),
                // A reformatting commit listed in the ignore-revs file is not a change, but
                // the creation of a file cannot be ignored away.
                Change::Modified if ignored && parents.len() == 1 => forward[0].push(p),
                _ => resolve(&p, &mut result, false),
            }
        }
        for (parent, paths) in parents.iter().zip(forward) {
            if paths.is_empty() {
                continue;
            }
            let slot = pending.entry(parent.id()).or_default();
            let was_empty = slot.is_empty();
            slot.extend(paths);
            if was_empty {
                seq += 1;
                queue.push(Queued {
                    time: parent.time().seconds(),
                    seq: std::cmp::Reverse(seq),
                    oid: parent.id(),
                });
            }
        }
    }
    progress(read);
    Ok(result)
}

enum Change {
    Modified,
    Added,
    /// Added with exactly the blob a deleted path had: a pure rename from that path.
    RenamedFrom(String),
}

struct ParentDiff {
    changed: HashMap<String, Change>,
}

fn diff_against(
    repo: &Repository,
    old: &git2::Tree<'_>,
    new: &git2::Tree<'_>,
) -> Result<ParentDiff, git2::Error> {
    let diff = repo.diff_tree_to_tree(Some(old), Some(new), None)?;
    let mut changed = HashMap::new();
    let mut deleted: HashMap<Oid, String> = HashMap::new();
    let mut added: Vec<(String, Oid)> = Vec::new();
    for delta in diff.deltas() {
        let path = |f: git2::DiffFile<'_>| f.path().and_then(|p| p.to_str()).map(str::to_owned);
        match delta.status() {
            Delta::Added => {
                if let Some(p) = path(delta.new_file()) {
                    added.push((p, delta.new_file().id()));
                }
            }
            Delta::Deleted => {
                if let Some(p) = path(delta.old_file()) {
                    deleted.insert(delta.old_file().id(), p.clone());
                    changed.insert(p, Change::Modified);
                }
            }
            _ => {
                if let Some(p) = path(delta.new_file()) {
                    changed.insert(p, Change::Modified);
                }
            }
        }
    }
    for (p, oid) in added {
        let change = match deleted.get(&oid) {
            Some(old) => Change::RenamedFrom(old.clone()),
            None => Change::Added,
        };
        changed.insert(p, change);
    }
    Ok(ParentDiff { changed })
}
