//! Where a path went: the renames in a snapshot's history, newest first, so that a link to
//! a file that was moved can be pointed at the file's path today. Read only when some
//! reference leads nowhere, and only as far back as the paths asked about need.

use std::collections::{HashMap, HashSet};

use git2::{Delta, DiffFindOptions, DiffOptions, Oid};

use super::history::{entries, read_tree};
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

/// The commits of `start`'s first-parent history, newest first, by following each commit's
/// first parent: no revision walk, which sorts the whole history before it yields the first
/// commit. Ends after the root commit, or at a parent that cannot be read (the edge of a
/// shallow clone).
struct FirstParents<'r> {
    repo: &'r git2::Repository,
    next: Option<Oid>,
    first: bool,
}

impl<'r> FirstParents<'r> {
    fn new(repo: &'r git2::Repository, start: Oid) -> Self {
        FirstParents {
            repo,
            next: Some(start),
            first: true,
        }
    }
}

impl<'r> Iterator for FirstParents<'r> {
    type Item = Result<git2::Commit<'r>, git2::Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let oid = self.next.take()?;
        let first = std::mem::replace(&mut self.first, false);
        match self.repo.find_commit(oid) {
            Ok(commit) => {
                self.next = commit.parent_id(0).ok();
                Some(Ok(commit))
            }
            // The start must be there; a parent that is not is a shallow clone's edge.
            Err(e) if first => Some(Err(e)),
            Err(_) => None,
        }
    }
}

/// A path's entry ids in one tree, folder by folder (`None` where a component is not
/// there, and nothing after it): what lets the next, older tree be compared with it without
/// reading the folders the two trees share.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Trail(Vec<Option<Oid>>);

impl Trail {
    /// The path's own entry, when the tree has it.
    fn entry(&self, depth: usize) -> Option<Oid> {
        (self.0.len() == depth).then(|| *self.0.last()?).flatten()
    }
}

/// `path`'s trail in the tree `root`, given its trail `newer` in a newer tree: where a
/// folder's (or the file's) id is the same in both, everything under it is too, so the newer
/// trail is kept from there and no tree under it is read. Usually a commit changes one
/// folder, and a path's trail costs the root's entry and nothing more. Trees are read raw
/// and scanned for the names asked about, as the history walk reads them.
fn trail<'n>(
    odb: &git2::Odb<'_>,
    root: Oid,
    components: &[&'n str],
    newer: Option<&Trail>,
    folders: &mut Folders<'n>,
) -> Result<Trail, git2::Error> {
    let mut ids = Vec::with_capacity(components.len());
    let mut folder = root;
    for (depth, name) in components.iter().enumerate() {
        let found = folders.entry(odb, folder, name.as_bytes())?;
        let id = found.map(|(id, _)| id);
        if let Some(newer) = newer {
            if newer.0.get(depth) == Some(&id) && (id.is_some() || newer.0.len() == depth + 1) {
                // The same subtree (or the same absence) as in the newer tree.
                return Ok(newer.clone());
            }
        }
        ids.push(id);
        match found {
            Some((id, true)) if depth + 1 < components.len() => folder = id,
            _ => break,
        }
    }
    Ok(Trail(ids))
}

/// The folders of one tree that some paths go through, each read once, and of each only the
/// entries named on those paths: a folder of thousands of files costs one scan of its raw
/// bytes, not a map of all its names.
struct Folders<'n> {
    /// Every component of the paths asked about.
    names: HashSet<&'n [u8]>,
    /// Folder id -> its entries named in `names`: their ids and whether they are folders.
    read: HashMap<Oid, HashMap<&'n [u8], (Oid, bool)>>,
}

impl<'n> Folders<'n> {
    /// Ready for the paths whose components are `paths`.
    fn new<'p>(paths: impl IntoIterator<Item = &'p [&'n str]>) -> Self
    where
        'n: 'p,
    {
        Folders {
            names: paths.into_iter().flatten().map(|c| c.as_bytes()).collect(),
            read: HashMap::new(),
        }
    }

    /// The entry `name` (one of the components given to [`Folders::new`]) of the folder
    /// `folder`: its id and whether it is a folder; `None` when there is no such entry.
    fn entry(
        &mut self,
        odb: &git2::Odb<'_>,
        folder: Oid,
        name: &'n [u8],
    ) -> Result<Option<(Oid, bool)>, git2::Error> {
        debug_assert!(self.names.contains(name));
        let names = &self.names;
        let read = match self.read.entry(folder) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let tree = read_tree(odb, folder)?;
                let mut wanted = HashMap::new();
                for entry in entries(&tree) {
                    let entry = entry?;
                    if let Some(&name) = names.get(entry.name) {
                        wanted.insert(name, (entry.oid()?, entry.is_tree()));
                    }
                }
                e.insert(wanted)
            }
        };
        Ok(read.get(name).copied())
    }

    /// Forgets the folders read, keeping the names: for the next tree.
    fn clear(&mut self) {
        self.read.clear();
    }
}

impl Repo {
    /// A second handle on the same repository, for another thread to read history with:
    /// a libgit2 handle is not shared between threads. The object database's check carries
    /// over.
    pub fn reopen(&self) -> Result<Repo, Error> {
        Ok(Repo {
            repo: git2::Repository::open(self.repo.path())?,
            workdir: self.workdir.clone(),
            verified: self.verified.clone(),
            checked_loose: None,
            notices: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// The renames in the first-parent history of `start` (git's rename detection, with its
    /// default similarity), walked from the newest commit back until every one of `wanted`
    /// has an answer, `commits` commits were read, or history ends. A commit whose blobs cannot be read (a partial clone)
    /// contributes its deletions only.
    ///
    /// Only commits that take a wanted path away are diffed (finding them compares each
    /// commit's tree with its parent's along the wanted paths, reading only the folders that
    /// changed); a rename to a path that is gone today is followed by walking again for that
    /// path, whose own rename is newer.
    pub fn renames(
        &self,
        start: Oid,
        wanted: &HashSet<String>,
        commits: Option<usize>,
    ) -> Result<Renames, Error> {
        self.verified()?;
        let odb = self.repo.odb()?;
        let today = self.repo.find_commit(start)?.tree_id();
        let mut renames = Renames::default();
        let mut asked: HashSet<String> = wanted.clone();
        let mut pending: Vec<String> = wanted.iter().cloned().collect();
        // A chain of renames is walked once per link of it; a long chain stops here.
        for _ in 0..16 {
            if pending.is_empty() {
                break;
            }
            self.renames_of(start, &pending, commits, &mut renames)?;
            pending.clear();
            for w in asked.clone() {
                let mut current = w.as_str();
                while let Some(Some(next)) = renames.last.get(current) {
                    current = next;
                }
                if current == w || renames.last.contains_key(current) || asked.contains(current) {
                    continue;
                }
                // A chain that ends at a path `start` has is complete; one that ends at a
                // path gone since has a newer rename (or deletion) to find.
                let components: Vec<&str> = current.split('/').collect();
                let mut folders = Folders::new([components.as_slice()]);
                let exists = trail(&odb, today, &components, None, &mut folders)?
                    .entry(components.len())
                    .is_some();
                asked.insert(current.to_owned());
                if !exists {
                    pending.push(current.to_owned());
                }
            }
        }
        Ok(renames)
    }

    /// One walk for [`Repo::renames`]: records every path that leaves the tree in the
    /// commits that take one of `wanted` away, until each of `wanted` has an event.
    fn renames_of(
        &self,
        start: Oid,
        wanted: &[String],
        commits: Option<usize>,
        renames: &mut Renames,
    ) -> Result<(), Error> {
        let repo = &self.repo;
        let odb = repo.odb()?;
        let components: Vec<Vec<&str>> = wanted.iter().map(|w| w.split('/').collect()).collect();
        let mut open: Vec<usize> = (0..wanted.len())
            .filter(|&i| !renames.last.contains_key(&wanted[i]))
            .collect();
        // Each open path's trail in the tree of the commit being looked at.
        let mut trails: Vec<Option<Trail>> = vec![None; wanted.len()];
        // The folders of each tree that several paths go through, read once.
        let mut folders = Folders::new(components.iter().map(Vec::as_slice));
        let mut parent_folders = Folders::new(components.iter().map(Vec::as_slice));
        for commit in FirstParents::new(repo, start).take(commits.unwrap_or(usize::MAX)) {
            if open.is_empty() {
                break;
            }
            let commit = commit?;
            // The first commit, or the edge of a shallow clone: nothing left the tree there.
            let Ok(parent) = commit.parent(0) else {
                break;
            };
            let (tree, parent_tree) = (commit.tree_id(), parent.tree_id());
            folders.clear();
            parent_folders.clear();
            let mut takes_away = false;
            for &i in &open {
                let here = match trails[i].take() {
                    Some(t) => t,
                    None => trail(&odb, tree, &components[i], None, &mut folders)?,
                };
                let before = trail(
                    &odb,
                    parent_tree,
                    &components[i],
                    Some(&here),
                    &mut parent_folders,
                )?;
                let depth = components[i].len();
                if here.entry(depth).is_none() && before.entry(depth).is_some() {
                    takes_away = true;
                }
                trails[i] = Some(before);
            }
            if !takes_away {
                continue;
            }
            let mut options = DiffOptions::new();
            options.ignore_submodules(true);
            let mut diff = repo.diff_tree_to_tree(
                Some(&repo.find_tree(parent_tree)?),
                Some(&repo.find_tree(tree)?),
                Some(&mut options),
            )?;
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
            open.retain(|&i| !renames.last.contains_key(&wanted[i]));
        }
        Ok(())
    }
}

impl Repo {
    /// The contents each of `wanted` had in the last `commits` commits of the first-parent
    /// history of `start`, newest first, each distinct version once, at most `limit` of them and none larger than `max`
    /// bytes; a path's history ends where the path is not there. One walk for all of them,
    /// reading only the folders that changed along their paths.
    pub fn earlier_versions(
        &self,
        start: Oid,
        wanted: &[&str],
        limit: usize,
        commits: usize,
        max: u64,
    ) -> Result<HashMap<String, Vec<Vec<u8>>>, Error> {
        self.verified()?;
        let repo = &self.repo;
        let odb = repo.odb()?;
        let components: Vec<Vec<&str>> = wanted.iter().map(|w| w.split('/').collect()).collect();
        let mut trails: Vec<Option<Trail>> = vec![None; wanted.len()];
        let mut seen: Vec<Vec<Oid>> = vec![Vec::new(); wanted.len()];
        let mut out: HashMap<String, Vec<Vec<u8>>> = HashMap::new();
        let mut open: Vec<usize> = (0..wanted.len()).collect();
        let mut folders = Folders::new(components.iter().map(Vec::as_slice));
        for commit in FirstParents::new(repo, start).take(commits) {
            if open.is_empty() {
                break;
            }
            let tree = commit?.tree_id();
            folders.clear();
            let mut closed = Vec::new();
            for &i in &open {
                let here = trail(&odb, tree, &components[i], trails[i].as_ref(), &mut folders)?;
                let Some(blob) = here.entry(components[i].len()) else {
                    // Not there before this commit: no earlier version.
                    closed.push(i);
                    continue;
                };
                trails[i] = Some(here);
                if seen[i].contains(&blob) {
                    continue;
                }
                seen[i].push(blob);
                if let Some(bytes) = self.blob(blob, max)? {
                    let versions = out.entry(wanted[i].to_owned()).or_default();
                    versions.push(bytes);
                    if versions.len() >= limit {
                        closed.push(i);
                    }
                }
            }
            open.retain(|i| !closed.contains(i));
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
