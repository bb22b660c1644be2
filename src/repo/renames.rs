//! Where a path went: the renames in a snapshot's history, newest first, so that a link to
//! a file that was moved can be pointed at the file's path today. Read only when some
//! reference leads nowhere, and only as far back as the paths asked about need.

use std::collections::{HashMap, HashSet};

use git2::{Delta, DiffFindOptions, DiffOptions, Oid, Sort};

use super::Repo;
use crate::error::Error;
use crate::paths;

/// What happened last to each path that left the tree: renamed to another path, or deleted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Renames {
    /// Old path -> the path it was renamed to, or `None` when it was deleted outright. Only
    /// the newest such event of each path is kept: a path renamed, later recreated and then
    /// deleted is gone, not moved.
    last: HashMap<String, Option<String>>,
}

impl Renames {
    /// `path`'s name today: the end of its chain of renames, the first path on it that
    /// `exists`. `None` when the path was never renamed, or the chain ends in a deletion.
    pub fn follow(&self, path: &str, exists: impl Fn(&str) -> bool) -> Option<&str> {
        let mut current = path;
        // A chain is at most as long as the map; a cycle (a renamed back and forth, then
        // deleted) ends there instead of looping.
        for _ in 0..=self.last.len() {
            let next = self.last.get(current)?.as_deref()?;
            if exists(next) {
                return Some(next);
            }
            current = next;
        }
        None
    }

    #[cfg(test)]
    fn from_events(events: &[(&str, Option<&str>)]) -> Renames {
        Renames {
            last: events
                .iter()
                .map(|(a, b)| ((*a).to_owned(), b.map(str::to_owned)))
                .collect(),
        }
    }
}

/// The commits of `start`'s first-parent history, newest first.
fn first_parents(repo: &git2::Repository, start: Oid) -> Result<git2::Revwalk<'_>, git2::Error> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)?;
    walk.simplify_first_parent()?;
    walk.push(start)?;
    Ok(walk)
}

impl Repo {
    /// The renames in the first-parent history of `start` (git's rename detection, with its
    /// default similarity), walked from the newest commit back until every one of `wanted`
    /// has an answer or history ends. A commit whose blobs cannot be read (a partial clone)
    /// contributes its deletions only.
    pub fn renames(&self, start: Oid, wanted: &HashSet<String>) -> Result<Renames, Error> {
        self.verified()?;
        let repo = &self.repo;
        let walk = first_parents(repo, start)?;
        let mut renames = Renames::default();
        // Walking from the newest commit, a path's later renames are known by the time its
        // own is found: once every wanted path has an event, its whole chain is known.
        let answered = |r: &Renames| wanted.iter().all(|w| r.last.contains_key(w));
        for oid in walk {
            let commit = repo.find_commit(oid?)?;
            // The first commit, or the edge of a shallow clone: nothing left the tree there.
            let Ok(parent) = commit.parent(0) else {
                break;
            };
            let mut options = DiffOptions::new();
            options.ignore_submodules(true);
            let mut diff = repo.diff_tree_to_tree(
                Some(&parent.tree()?),
                Some(&commit.tree()?),
                Some(&mut options),
            )?;
            if !diff.deltas().any(|d| d.status() == Delta::Deleted) {
                continue;
            }
            let mut find = DiffFindOptions::new();
            find.renames(true);
            // Unreadable blobs leave the deletions as they are.
            let _ = diff.find_similar(Some(&mut find));
            for delta in diff.deltas() {
                let path = |f: git2::DiffFile<'_>| {
                    f.path_bytes().map(|p| paths::from_bytes(p).into_owned())
                };
                let (old, new) = match delta.status() {
                    Delta::Renamed => (path(delta.old_file()), path(delta.new_file())),
                    Delta::Deleted => (path(delta.old_file()), None),
                    _ => continue,
                };
                if let Some(old) = old {
                    renames.last.entry(old).or_insert(new);
                }
            }
            if answered(&renames) {
                break;
            }
        }
        Ok(renames)
    }
}

/// How many commits [`Repo::earlier_versions`] reads at most: a heading renamed longer ago
/// than that is left to the author.
const VERSION_COMMITS: usize = 2000;

impl Repo {
    /// The contents `path` had in the first-parent history of `start`, newest first, each
    /// distinct version once, at most `limit` of them and none larger than `max` bytes.
    pub fn earlier_versions(
        &self,
        start: Oid,
        path: &str,
        limit: usize,
        max: u64,
    ) -> Result<Vec<Vec<u8>>, Error> {
        self.verified()?;
        let repo = &self.repo;
        let walk = first_parents(repo, start)?;
        let mut seen: Vec<Oid> = Vec::new();
        let mut out = Vec::new();
        for oid in walk.take(VERSION_COMMITS) {
            let commit = repo.find_commit(oid?)?;
            let Ok(entry) = commit.tree()?.get_path(std::path::Path::new(path)) else {
                // Not there before this commit: no earlier version.
                break;
            };
            if seen.contains(&entry.id()) {
                continue;
            }
            seen.push(entry.id());
            if let Some(bytes) = self.blob(entry.id(), max)? {
                out.push(bytes);
            }
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_the_chain_to_a_path_that_exists() {
        let r = Renames::from_events(&[
            ("a.md", Some("b.md")),
            ("b.md", Some("c/d.md")),
            ("gone.md", None),
            ("x.md", Some("y.md")),
            ("y.md", Some("x.md")),
        ]);
        assert_eq!(r.follow("a.md", |p| p == "c/d.md"), Some("c/d.md"));
        assert_eq!(r.follow("a.md", |p| p == "b.md"), Some("b.md"));
        assert_eq!(r.follow("gone.md", |_| true), None);
        assert_eq!(r.follow("never.md", |_| true), None);
        // A cycle with no end that exists stops.
        assert_eq!(r.follow("x.md", |_| false), None);
    }
}
