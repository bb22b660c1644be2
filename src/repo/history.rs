//! A document's last meaningful change, for every document at once, in one pass over
//! history: a date-ordered walk that diffs each commit's tree against its parents and
//! carries along only the paths still unresolved, stopping when none are left.
//!
//! It follows git's default history simplification (a merge that takes one parent's
//! version is no change; the path follows that parent), follows exact-blob renames back to
//! the old path, and skips commits listed in an ignore-revs file.

use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};

use std::cmp::Ordering;

use git2::{Delta, ObjectType, Oid, Repository};

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

/// Documents whose last change is still unknown, by the path their content has at one point
/// in history (it differs from the document's path before a rename). Sorted, so a subtree
/// can be asked whether it holds any of them.
type Group = BTreeMap<String, usize>;

fn walk(
    repo: &Repository,
    start: Oid,
    documents: &[String],
    ignore: &HashSet<Oid>,
    boundary: &HashSet<Oid>,
    progress: Progress<'_>,
) -> Result<Vec<Option<LastChange>>, Error> {
    let mut result: Vec<Option<LastChange>> = vec![None; documents.len()];
    // Each unresolved document is in exactly one commit's group: the walk moves groups to
    // parents and splits them only at merges, so no commit copies the whole set.
    let mut pending: HashMap<Oid, Group> = HashMap::new();
    let mut queue = BinaryHeap::new();
    let mut seq = 0u64;
    let start_commit = repo.find_commit(start)?;
    pending.insert(
        start,
        documents
            .iter()
            .cloned()
            .enumerate()
            .map(|(d, p)| (p, d))
            .collect(),
    );
    queue.push(Queued {
        time: start_commit.time().seconds(),
        seq: std::cmp::Reverse(0),
        oid: start,
    });
    let mut read = 0usize;

    while let Some(Queued { oid, .. }) = queue.pop() {
        let Some(mut group) = pending.remove(&oid) else {
            continue;
        };
        if group.is_empty() {
            continue;
        }
        read += 1;
        if read % 256 == 0 {
            progress(read);
        }
        let commit = repo.find_commit(oid)?;
        let tree = commit.tree()?;
        let parents: Vec<git2::Commit<'_>> = commit.parents().collect();
        let resolve = |document: usize, result: &mut Vec<Option<LastChange>>, at_boundary: bool| {
            let author = commit.author();
            result[document] = Some(LastChange {
                commit: oid,
                time: commit.time().seconds(),
                author: author.name().unwrap_or("").to_owned(),
                author_email: author.email().unwrap_or("").to_owned(),
                at_boundary,
            });
        };
        if parents.is_empty() {
            // A root commit, or the edge of a shallow clone: whatever is here was made here.
            let at_boundary = boundary.contains(&oid);
            for (path, document) in group {
                if at_boundary || tree.get_path(std::path::Path::new(&path)).is_ok() {
                    resolve(document, &mut result, at_boundary);
                }
            }
            continue;
        }
        // Against the first parent: which pending paths changed, and how.
        let first = diff_against(repo, &parents[0].tree()?, &tree, &group)?;
        let ignored = ignore.contains(&oid);
        let mut moved: Vec<Group> = vec![Group::new(); parents.len()];
        for (path, change) in first.changed {
            let Some(document) = group.remove(&path) else {
                continue;
            };
            // A merge that takes another parent's version is no change: the path's history
            // continues in the first parent that has it unchanged (git's simplification).
            let mut treesame = None;
            for (i, parent) in parents.iter().enumerate().skip(1) {
                if unchanged_against(&parent.tree()?, &tree, &path)? {
                    treesame = Some(i);
                    break;
                }
            }
            match (treesame, change) {
                (Some(i), _) => {
                    moved[i].insert(path, document);
                }
                (None, Change::RenamedFrom(old)) => {
                    moved[0].insert(old, document);
                }
                // A reformatting commit listed in the ignore-revs file is not a change, but
                // the creation of a file cannot be ignored away.
                (None, Change::Modified) if ignored && parents.len() == 1 => {
                    moved[0].insert(path, document);
                }
                (None, _) => resolve(document, &mut result, false),
            }
        }
        // Everything else is unchanged against the first parent and moves there whole.
        moved[0].append(&mut group);
        for (parent, group) in parents.iter().zip(moved) {
            if group.is_empty() {
                continue;
            }
            match pending.entry(parent.id()) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(group);
                    seq += 1;
                    queue.push(Queued {
                        time: parent.time().seconds(),
                        seq: std::cmp::Reverse(seq),
                        oid: parent.id(),
                    });
                }
                std::collections::hash_map::Entry::Occupied(mut slot) => {
                    let existing = slot.get_mut();
                    let mut group = group;
                    if existing.len() < group.len() {
                        std::mem::swap(existing, &mut group);
                    }
                    existing.append(&mut group);
                }
            }
        }
    }
    progress(read);
    Ok(result)
}

/// Whether `path` has the same blob in `old` as in `new`.
fn unchanged_against(
    old: &git2::Tree<'_>,
    new: &git2::Tree<'_>,
    path: &str,
) -> Result<bool, git2::Error> {
    let p = std::path::Path::new(path);
    let theirs = old.get_path(p).ok().map(|e| e.id());
    Ok(theirs.is_some() && theirs == new.get_path(p).ok().map(|e| e.id()))
}

enum Change {
    Modified,
    /// New in this commit, with this blob.
    Added(Oid),
    /// Added with exactly the blob a deleted path had: a pure rename from that path.
    RenamedFrom(String),
}

struct ParentDiff {
    changed: HashMap<String, Change>,
}

/// What one side-by-side walk of two trees saw.
#[derive(Default)]
struct Walked {
    changed: HashMap<String, Change>,
    /// Blobs that left the paths walked, by id: the sources of renames.
    deleted: HashMap<Oid, String>,
    /// A differing subtree was skipped (it held no pending path), so `deleted` may be
    /// incomplete.
    skipped: bool,
}

/// Which of `pending` (repository paths, all present in `new`) differ between `old` and
/// `new`, and how. Only subtrees that differ and hold a pending path are read: the cost
/// follows what changed, not the size of the tree.
fn diff_against(
    repo: &Repository,
    old: &git2::Tree<'_>,
    new: &git2::Tree<'_>,
    pending: &Group,
) -> Result<ParentDiff, git2::Error> {
    let mut walked = Walked::default();
    compare(
        repo,
        Some(old),
        new,
        &mut String::new(),
        pending,
        &mut walked,
    )?;
    let mut everything_deleted: Option<HashMap<Oid, String>> = None;
    for change in walked.changed.values_mut() {
        let Change::Added(oid) = *change else {
            continue;
        };
        // A pending path new in this commit is a pure rename when a path this commit
        // deleted had the same blob. The walk saw the deletions next to the pending paths;
        // only when it skipped a differing subtree is a full diff needed, and only once.
        let mut source = walked.deleted.get(&oid).cloned();
        if source.is_none() && walked.skipped {
            if everything_deleted.is_none() {
                everything_deleted = Some(deleted_blobs(repo, old, new)?);
            }
            source = everything_deleted
                .as_ref()
                .and_then(|d| d.get(&oid).cloned());
        }
        if let Some(source) = source {
            *change = Change::RenamedFrom(source);
        }
    }
    Ok(ParentDiff {
        changed: walked.changed,
    })
}

/// Walks `old` and `new` side by side (both sorted in git's tree order) below `prefix`,
/// recording pending blobs that differ and blobs that were deleted, and descending into
/// differing subtrees that hold pending paths.
fn compare(
    repo: &Repository,
    old: Option<&git2::Tree<'_>>,
    new: &git2::Tree<'_>,
    prefix: &mut String,
    pending: &Group,
    out: &mut Walked,
) -> Result<(), git2::Error> {
    let olds: Vec<git2::TreeEntry<'_>> = old.map(|t| t.iter().collect()).unwrap_or_default();
    let gone = |o: &git2::TreeEntry<'_>, prefix: &str, out: &mut Walked| match o.kind() {
        Some(ObjectType::Blob) => {
            if let Ok(name) = std::str::from_utf8(o.name_bytes()) {
                out.deleted.insert(o.id(), format!("{prefix}{name}"));
            }
        }
        _ => out.skipped = true,
    };
    let mut i = 0;
    for entry in new.iter() {
        let is_tree = entry.kind() == Some(ObjectType::Tree);
        let mut same_name = None;
        while let Some(o) = olds.get(i) {
            match git_order(
                o.name_bytes(),
                o.kind() == Some(ObjectType::Tree),
                entry.name_bytes(),
                is_tree,
            ) {
                Ordering::Less => {
                    gone(o, prefix, out);
                    i += 1;
                }
                Ordering::Equal => {
                    same_name = Some(o);
                    i += 1;
                    break;
                }
                Ordering::Greater => break,
            }
        }
        if same_name.is_some_and(|o| o.id() == entry.id()) {
            continue;
        }
        let Ok(name) = std::str::from_utf8(entry.name_bytes()) else {
            continue;
        };
        let len = prefix.len();
        prefix.push_str(name);
        if is_tree {
            prefix.push('/');
            if holds_prefix(pending, prefix) {
                let new_sub = repo.find_tree(entry.id())?;
                let old_sub = match same_name {
                    Some(o) => Some(repo.find_tree(o.id())?),
                    None => None,
                };
                compare(repo, old_sub.as_ref(), &new_sub, prefix, pending, out)?;
            } else if same_name.is_some() {
                out.skipped = true;
            }
        } else if pending.contains_key(prefix.as_str()) {
            let change = if same_name.is_some() {
                Change::Modified
            } else {
                Change::Added(entry.id())
            };
            out.changed.insert(prefix.clone(), change);
        }
        prefix.truncate(len);
    }
    for o in &olds[i.min(olds.len())..] {
        gone(o, prefix, out);
    }
    Ok(())
}

/// Whether any pending path starts with `prefix`.
fn holds_prefix(pending: &Group, prefix: &str) -> bool {
    pending
        .range::<str, _>((
            std::ops::Bound::Included(prefix),
            std::ops::Bound::Unbounded,
        ))
        .next()
        .is_some_and(|(p, _)| p.starts_with(prefix))
}

/// git's tree order: names compare bytewise, a subtree as if its name ended in `/`.
fn git_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> Ordering {
    let common = a.len().min(b.len());
    a[..common].cmp(&b[..common]).then_with(|| {
        let next = |name: &[u8], tree: bool| match name.get(common) {
            Some(&c) => c,
            None if tree => b'/',
            None => 0,
        };
        next(a, a_tree).cmp(&next(b, b_tree))
    })
}

/// Blob ids deleted between `old` and `new`, with the paths they had.
fn deleted_blobs(
    repo: &Repository,
    old: &git2::Tree<'_>,
    new: &git2::Tree<'_>,
) -> Result<HashMap<Oid, String>, git2::Error> {
    let diff = repo.diff_tree_to_tree(Some(old), Some(new), None)?;
    Ok(diff
        .deltas()
        .filter(|d| d.status() == Delta::Deleted)
        .filter_map(|d| Some((d.old_file().id(), d.old_file().path()?.to_str()?.to_owned())))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_order_puts_a_folder_after_a_file_with_a_dot() {
        // git sorts "a.md" < "a/" (as "a/") < "a0": '.' < '/' < '0'.
        assert_eq!(git_order(b"a.md", false, b"a", true), Ordering::Less);
        assert_eq!(git_order(b"a", true, b"a0", false), Ordering::Less);
        assert_eq!(git_order(b"a", false, b"a", true), Ordering::Less);
        assert_eq!(git_order(b"x", true, b"x", true), Ordering::Equal);
    }

    #[test]
    fn prefix_ranges() {
        let group: Group = ["a.md", "docs/a.md", "docs/b/c.md", "docsx.md"]
            .iter()
            .map(|p| ((*p).to_owned(), 0))
            .collect();
        assert!(holds_prefix(&group, "docs/"));
        assert!(holds_prefix(&group, "docs/b/"));
        assert!(!holds_prefix(&group, "none/"));
        assert!(!holds_prefix(&group, "docs/c/"));
    }
}
