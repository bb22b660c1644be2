//! A document's last meaningful change, for every document at once, in one pass over
//! history: a walk from the newest commit that carries along only the paths still
//! unresolved, stopping when none are left. Commits come in batches, in topological order;
//! each batch is diffed against first parents in parallel (every thread with its own
//! repository handle, reading tree objects raw and only the folders that hold pending
//! paths), then processed in order on one thread.
//!
//! It follows git's default history simplification (a merge that takes one parent's
//! version is no change; the path follows that parent), follows exact-blob renames back to
//! the old path, and skips commits listed in an ignore-revs file.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

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
    /// Asked for changes since a time: the committer times of the document's earlier
    /// meaningful changes, newest first, down to the first at or before that time. Empty
    /// otherwise.
    pub earlier: Vec<i64>,
    /// The oldest change known (the last of `earlier`, else this one) made the document:
    /// before it, the document did not exist (or history ends, in a shallow clone).
    pub created: bool,
}

/// Reports how many commits the walk has read, for a progress bar.
pub type Progress<'a> = &'a mut dyn FnMut(usize);

/// Whether an author (name, email) is ignored.
pub type AuthorFilter<'a> = dyn Fn(&str, &str) -> bool + Sync + 'a;

/// Commits that modify a document without changing it in any way that matters: those
/// listed in an ignore-revs file, and those by ignored authors (bots). Neither can make a
/// document appear: its creation counts whoever made it. `mailmap` (the text of a
/// `.mailmap`) folds an author's aliases into one name before anything else sees it.
#[derive(Default)]
pub struct Ignore<'a> {
    pub revs: HashSet<Oid>,
    pub author: Option<&'a AuthorFilter<'a>>,
    /// What `author` ignores, in words that change whenever it does (the configured
    /// patterns): a closure cannot be compared, and the history cache is valid only while
    /// the filter is the same.
    pub author_key: String,
    pub mailmap: Option<String>,
}

/// How far back the walk follows each document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reach {
    /// To its last meaningful change.
    #[default]
    LastChange,
    /// On, through every meaningful change made after this committer time (seconds), to the
    /// first one at or before it (or the document's creation): the changes a series of
    /// past statuses needs. The same walk, kept going for the documents changed since.
    Since(i64),
}

/// Where a history cache is filed, and under which settings what it holds is true: the
/// repository by its common git folder (linked work trees share their commits) and object
/// format, and a hash of everything besides the commits that decides what a walk finds
/// (ignored revisions and authors, `.mailmap`, a shallow clone's boundary, which a fetch
/// moves).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryKey {
    pub repository: String,
    pub object_format: &'static str,
    /// A hash of the repository and object format, fit for a file name.
    pub file_stem: String,
    pub settings: String,
}

/// What earlier walks found, by the commit each started from: see
/// [`Repo::last_changes_known`]. Valid only for the same [`Ignore`] and shallow boundary.
pub type Known = HashMap<Oid, KnownStart>;

/// The histories one walk found from its start commit, by the path each had there.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KnownStart {
    pub paths: HashMap<String, Chain>,
}

/// One path's meaningful changes from a commit on, newest first, as far as the walk that
/// found them went: the last with the earlier ones in [`LastChange::earlier`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    /// `None`: the walk found no change at all.
    pub last: Option<LastChange>,
    /// The walk stopped at its reach, not where the path's history ends: changes older
    /// than the oldest listed are unknown.
    pub cut: bool,
}

impl Chain {
    /// What a walk with `reach` found for a path, `last` as it reported it.
    pub fn found(last: Option<LastChange>, reach: Reach) -> Chain {
        let cut = match &last {
            None => false,
            Some(c) if c.created => false,
            Some(c) => match reach {
                Reach::LastChange => true,
                // The walk goes on while the change it found is newer than `t`: ending
                // older than that, it may have stopped there.
                Reach::Since(t) => c.earlier.last().copied().unwrap_or(c.time) <= t,
            },
        };
        Chain { last, cut }
    }

    /// How many changes it lists.
    pub fn len(&self) -> usize {
        self.last.as_ref().map_or(0, |c| 1 + c.earlier.len())
    }

    pub fn is_empty(&self) -> bool {
        self.last.is_none()
    }

    /// How many of its changes a walk with `reach` would record from here (each newest
    /// first, up to the first at or before `Since`'s time, or the creation), `None` when it
    /// would want more than the chain knows.
    fn reaches(&self, reach: Reach) -> Option<usize> {
        let Some(last) = &self.last else {
            return Some(0);
        };
        let mut times = std::iter::once(last.time).chain(last.earlier.iter().copied());
        let stop = match reach {
            Reach::LastChange => Some(0),
            Reach::Since(t) => times.position(|time| time <= t),
        };
        match stop {
            Some(i) => Some(i + 1),
            None if !self.cut => Some(self.len()),
            None => None,
        }
    }

    /// Adds the first `take` changes to `slot`: what a walk has recorded of a document so
    /// far (nothing yet, or the newer changes of a series).
    fn extend(&self, slot: &mut Option<LastChange>, take: usize) {
        let Some(last) = self.last.as_ref().filter(|_| take > 0) else {
            return;
        };
        // Only the oldest change of a chain can be a creation: the walk stops there.
        let created = take == self.len() && last.created;
        let older = &last.earlier[..take - 1];
        match slot {
            Some(recorded) => {
                recorded.earlier.push(last.time);
                recorded.earlier.extend_from_slice(older);
                recorded.created = created;
            }
            None => {
                *slot = Some(LastChange {
                    earlier: older.to_vec(),
                    created,
                    ..last.clone()
                });
            }
        }
    }
}

/// What a walk found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct History {
    /// The last change of each document, in the order asked.
    pub changes: Vec<Option<LastChange>>,
    /// Every document was answered by what was known at the start commit: the walk read no
    /// commit and learned nothing new.
    pub all_known: bool,
}

impl Repo {
    /// Whether the repository is a shallow clone.
    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow()
    }

    /// The commit a snapshot's history starts from: `rev`, else `HEAD`. `None` before the
    /// first commit.
    pub fn start_commit(&self, rev: Option<&str>) -> Result<Option<Oid>, Error> {
        self.verified()?;
        let Some(rev) = rev else {
            return self.head_commit();
        };
        self.repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map(|c| Some(c.id()))
            .map_err(|e| Error::Revision {
                rev: rev.to_owned(),
                message: e.message().to_owned(),
            })
    }

    /// The commit `HEAD` names; `None` only on an unborn branch (no commits yet). A `HEAD`
    /// whose commit cannot be read is a damaged repository, not an empty history: taken for
    /// one, every document would read as uncommitted.
    pub(super) fn head_commit(&self) -> Result<Option<Oid>, Error> {
        let head = match self.repo.head() {
            Ok(head) => head,
            Err(e)
                if matches!(
                    e.code(),
                    git2::ErrorCode::UnbornBranch | git2::ErrorCode::NotFound
                ) =>
            {
                return Ok(None)
            }
            Err(e) => return Err(e.into()),
        };
        head.peel_to_commit()
            .map(|c| Some(c.id()))
            .map_err(|e| Error::History {
                commit: head
                    .target()
                    .map_or_else(|| "HEAD".to_owned(), |o| o.to_string()),
                message: e.message().to_owned(),
            })
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
        ignore: &Ignore<'_>,
        reach: Reach,
        progress: Progress<'_>,
    ) -> Result<Vec<Option<LastChange>>, Error> {
        self.last_changes_known(start, documents, ignore, reach, &Known::new(), progress)
            .map(|h| h.changes)
    }

    /// [`Repo::last_changes`], taking from `known` (what earlier walks with the same
    /// [`Ignore`] found, by the commit they started from) the rest of the history of any
    /// document the walk brings to one of those commits. Only the commits not reachable
    /// from a known commit are read, besides those a document still needs (a side branch's
    /// fork point, a history longer than `known` kept): the result is what a walk without
    /// `known` finds.
    pub fn last_changes_known(
        &self,
        start: Oid,
        documents: &[String],
        ignore: &Ignore<'_>,
        reach: Reach,
        known: &Known,
        progress: Progress<'_>,
    ) -> Result<History, Error> {
        self.verified()?;
        walk(
            &self.repo,
            start,
            documents,
            ignore,
            reach,
            &self.shallow_boundary(),
            known,
            progress,
        )
    }

    /// What a history cache for this repository is filed under, and what decides whether
    /// what it holds is still true besides the commits themselves (see [`HistoryKey`]).
    /// What names this repository's cache files: its common git folder and object format,
    /// hashed.
    pub fn cache_stem(&self) -> String {
        self.history_key(&Ignore::default()).file_stem
    }

    pub fn history_key(&self, ignore: &Ignore<'_>) -> HistoryKey {
        let common = self.repo.commondir();
        let repository = common
            .canonicalize()
            .unwrap_or_else(|_| common.to_owned())
            .to_string_lossy()
            .into_owned();
        let object_format = self.repo.object_format().str();
        let hash = |bytes: &[u8]| {
            Oid::hash_object(ObjectType::Blob, bytes)
                .map(|oid| oid.to_string())
                .unwrap_or_default()
        };
        let file_stem = hash(format!("{repository}\0{object_format}").as_bytes());
        let sorted = |set: &HashSet<Oid>| {
            let mut ids: Vec<String> = set.iter().map(Oid::to_string).collect();
            ids.sort_unstable();
            ids
        };
        let settings = serde_json::json!({
            "ignore-revs": sorted(&ignore.revs),
            "ignore-authors": ignore.author.map(|_| ignore.author_key.as_str()),
            "mailmap": ignore.mailmap.as_deref().map(|m| hash(m.as_bytes())),
            "shallow": sorted(&self.shallow_boundary()),
        });
        HistoryKey {
            repository,
            object_format,
            file_stem,
            settings: hash(settings.to_string().as_bytes()),
        }
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

/// Documents whose last change is still unknown, by the path their content has at one point
/// in history (it differs from the document's path before a rename). Sorted, so a subtree
/// can be asked whether it holds any of them.
type Group = BTreeMap<String, usize>;

/// The first batch of commits diffed in parallel; batches double up to [`MAX_BATCH`], so a
/// walk that ends after a few commits does not diff hundreds.
const FIRST_BATCH: usize = 16;
const MAX_BATCH: usize = 1024;

/// One commit, read and diffed against its first parent (on any thread).
struct Visited {
    oid: Oid,
    time: i64,
    author: String,
    author_email: String,
    parents: Vec<Oid>,
    /// Changes of the paths asked about against the first parent; `None` for a root commit.
    first: Option<ParentDiff>,
}

fn visit(
    repo: &Repository,
    oid: Oid,
    paths: &Group,
    trees: &Trees,
) -> Result<Visited, git2::Error> {
    let commit = repo.find_commit(oid)?;
    let parents: Vec<Oid> = commit.parent_ids().collect();
    let first = match parents.first() {
        Some(&parent) => {
            let old = repo.find_commit(parent)?.tree_id();
            Some(diff_against(repo, old, commit.tree_id(), paths, trees)?)
        }
        None => None,
    };
    let author = commit.author();
    Ok(Visited {
        oid,
        time: commit.time().seconds(),
        author: author.name().unwrap_or("").to_owned(),
        author_email: author.email().unwrap_or("").to_owned(),
        parents,
        first,
    })
}

thread_local! {
    /// git2 repositories are not `Sync`: each thread that diffs commits opens its own.
    static OPEN: std::cell::RefCell<Option<(std::path::PathBuf, Repository)>> =
        const { std::cell::RefCell::new(None) };
}

/// [`visit`] on this thread's own handle of the repository at `git_dir`.
fn visit_here(
    git_dir: &std::path::Path,
    oid: Oid,
    paths: &Group,
    trees: &Trees,
) -> Result<Visited, git2::Error> {
    OPEN.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.as_ref().is_none_or(|(dir, _)| dir != git_dir) {
            *slot = Some((git_dir.to_owned(), Repository::open(git_dir)?));
        }
        match slot.as_ref() {
            Some((_, repo)) => visit(repo, oid, paths, trees),
            None => Err(git2::Error::from_str("repository not open")),
        }
    })
}

/// The walk's state: which commit holds which unresolved documents, and what was found.
struct Walk<'r> {
    repo: &'r Repository,
    ignore: &'r Ignore<'r>,
    reach: Reach,
    mailmap: Option<git2::Mailmap>,
    boundary: &'r HashSet<Oid>,
    known: &'r Known,
    result: Vec<Option<LastChange>>,
    /// Each unresolved document is in exactly one commit's group: the walk moves groups to
    /// parents and splits them only at merges, so no commit copies the whole set.
    pending: HashMap<Oid, Group>,
    /// Documents that reached a commit at the same path as another (a file copied and its
    /// original renamed, two branches renaming one file): from there on their histories are
    /// one, so each follows the one its group kept and is resolved with it.
    followers: HashMap<usize, Vec<usize>>,
    /// The paths the batch being processed was diffed against: the changes of every blob
    /// in a folder that holds one of them are known.
    diffed: Arc<Group>,
    /// Paths outside those folders that became pending (the old side of a rename) after
    /// that batch was diffed: a commit whose group holds one is diffed again.
    fresh: HashSet<String>,
    /// The same for the next batch, diffed while this one is processed.
    next_diffed: Option<Arc<Group>>,
    next_fresh: HashSet<String>,
    /// Commits read so far, for the progress report.
    read: usize,
    trees: Arc<Trees>,
}

#[allow(clippy::too_many_arguments)]
fn walk<'r>(
    repo: &'r Repository,
    start: Oid,
    documents: &[String],
    ignore: &'r Ignore<'r>,
    reach: Reach,
    boundary: &'r HashSet<Oid>,
    known: &'r Known,
    progress: Progress<'_>,
) -> Result<History, Error> {
    let mut walk = Walk {
        repo,
        ignore,
        reach,
        // A `.mailmap` that libgit2 cannot read folds nothing.
        mailmap: ignore
            .mailmap
            .as_deref()
            .and_then(|text| git2::Mailmap::from_buffer(text).ok()),
        boundary,
        known,
        result: vec![None; documents.len()],
        pending: HashMap::new(),
        followers: HashMap::new(),
        diffed: Arc::default(),
        fresh: HashSet::new(),
        next_diffed: None,
        next_fresh: HashSet::new(),
        read: 0,
        trees: Arc::default(),
    };
    let mut group = Group::new();
    for (document, path) in documents.iter().enumerate() {
        place(&mut walk.followers, &mut group, path.clone(), document);
    }
    let group = walk.answer(start, group);
    if group.is_empty() {
        return Ok(History {
            changes: walk.result,
            all_known: true,
        });
    }
    walk.pending.insert(start, group);
    // First the commits no known commit reaches: the known ones that `start` descends from
    // are hidden, with all their history. Documents reach them (or their ancestors, through
    // a side branch forked before them) and wait there.
    let hidden: Vec<Oid> = known
        .keys()
        .filter(|&&c| c != start && repo.graph_descendant_of(start, c).unwrap_or(false))
        .copied()
        .collect();
    walk.run(&[start], &hidden, progress)?;
    // Then what is left below the known commits: each document waiting at one takes its
    // history from there; those it cannot answer (a reach it did not go to, a path it did
    // not follow), and those waiting at a side branch's fork point, walk on.
    if !walk.pending.is_empty() && !hidden.is_empty() {
        for commit in &hidden {
            if let Some(group) = walk.pending.remove(commit) {
                let rest = walk.answer(*commit, group);
                if !rest.is_empty() {
                    walk.pending.insert(*commit, rest);
                }
            }
        }
        let starts: Vec<Oid> = walk.pending.keys().copied().collect();
        if !starts.is_empty() {
            walk.run(&starts, &[], progress)?;
        }
    }
    // Whatever is left sits on commits the walk never reached (an unreachable parent in a
    // broken repository): those documents keep no date.
    Ok(History {
        changes: walk.result,
        all_known: false,
    })
}

/// A commit that cannot be read, as the walk's error.
fn unreadable(commit: Oid) -> impl Fn(git2::Error) -> Error {
    move |e: git2::Error| Error::History {
        commit: commit.to_string(),
        message: e.message().to_owned(),
    }
}

impl Walk<'_> {
    /// Walks the history of `starts` without that of `hidden`, moving the pending groups
    /// down until none is left or the commits run out.
    fn run(&mut self, starts: &[Oid], hidden: &[Oid], progress: Progress<'_>) -> Result<(), Error> {
        use rayon::prelude::*;

        // Commits newest first, a parent never before its child (whatever their dates say,
        // so a group is complete when its commit comes); each batch is diffed in parallel
        // (against the paths still pending when it starts), then processed in order. The
        // topological order reads every commit up front: a commit that cannot be read fails
        // the walk there, named in libgit2's message when it is missing.
        let mut order = self.repo.revwalk()?;
        order.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME)?;
        for &start in starts {
            order.push(start).map_err(unreadable(start))?;
        }
        for &commit in hidden {
            order.hide(commit).map_err(unreadable(commit))?;
        }
        let first = starts.first().copied().unwrap_or(Oid::ZERO_SHA1);
        let git_dir = self.repo.path().to_owned();
        let mut batch_size = FIRST_BATCH;
        let mut next_batch = |order: &mut git2::Revwalk<'_>| -> Result<Vec<Oid>, Error> {
            let mut batch = Vec::with_capacity(batch_size);
            for oid in order.by_ref() {
                batch.push(oid.map_err(unreadable(first))?);
                if batch.len() == batch_size {
                    break;
                }
            }
            batch_size = (batch_size * 2).min(MAX_BATCH);
            Ok(batch)
        };
        // Each batch is diffed in parallel on the thread pool, against the paths pending
        // when it starts, while this thread processes the batch before it in order (moving
        // documents along commits takes a handle of the repository, which stays on this
        // thread). Paths that become pending while a batch is processed are fresh to the
        // batch being diffed too.
        // The next batch is diffed before it is known to be needed: once the batch before
        // it leaves nothing to look for, `stop` has the commits not yet diffed skipped.
        let stop = std::sync::atomic::AtomicBool::new(false);
        let diff = |batch: &[Oid], paths: &Group, trees: &Trees| -> Result<Vec<Visited>, Error> {
            trees.age();
            batch
                .par_iter()
                .filter(|_| !stop.load(std::sync::atomic::Ordering::Relaxed))
                .map(|&oid| visit_here(&git_dir, oid, paths, trees).map_err(unreadable(oid)))
                .collect()
        };
        let batch = next_batch(&mut order)?;
        if batch.is_empty() {
            return Ok(());
        }
        self.diffed = Arc::new(self.pending_paths());
        self.fresh.clear();
        let mut visited = diff(&batch, &self.diffed, &self.trees)?;
        loop {
            let batch = next_batch(&mut order)?;
            self.next_diffed = (!batch.is_empty()).then(|| Arc::new(self.pending_paths()));
            self.next_fresh.clear();
            let (processed, next, done) = std::thread::scope(|scope| {
                let diffing = self.next_diffed.clone().map(|paths| {
                    let (batch, trees, diff) = (&batch, self.trees.clone(), &diff);
                    scope.spawn(move || diff(batch, &paths, &trees))
                });
                let processed = self.process_batch(&visited);
                // Done when every group left waits at a hidden commit (none, without any),
                // or on an error: what the next batch would have told is not wanted.
                let done = processed.is_err() || self.pending.keys().all(|c| hidden.contains(c));
                if done {
                    stop.store(true, std::sync::atomic::Ordering::Relaxed);
                }
                let next = diffing.map(|d| {
                    d.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                });
                (processed, next, done)
            });
            processed?;
            progress(self.read);
            if done {
                break;
            }
            let (Some(next), Some(paths)) = (next, self.next_diffed.take()) else {
                break;
            };
            visited = next?;
            self.diffed = paths;
            self.fresh = std::mem::take(&mut self.next_fresh);
        }
        Ok(())
    }

    /// Every path pending at any commit.
    fn pending_paths(&self) -> Group {
        self.pending
            .values()
            .flat_map(|g| g.iter().map(|(p, &d)| (p.clone(), d)))
            .collect()
    }

    /// Processes a diffed batch, in order.
    fn process_batch(&mut self, visited: &[Visited]) -> Result<(), Error> {
        for v in visited {
            let Some(group) = self.pending.remove(&v.oid) else {
                continue;
            };
            let group = self.answer(v.oid, group);
            self.read += 1;
            self.process(v, group).map_err(unreadable(v.oid))?;
        }
        Ok(())
    }

    /// Takes from `group` (documents pending at `commit`) those whose history from here on
    /// is known, completing their results, and returns the others.
    fn answer(&mut self, commit: Oid, group: Group) -> Group {
        let Some(known) = self.known.get(&commit) else {
            return group;
        };
        let mut rest = Group::new();
        for (path, document) in group {
            let Some((chain, take)) = known
                .paths
                .get(&path)
                .and_then(|chain| Some((chain, chain.reaches(self.reach)?)))
            else {
                rest.insert(path, document);
                continue;
            };
            for d in self.tied(document) {
                chain.extend(&mut self.result[d], take);
            }
        }
        rest
    }

    /// `document` and the documents that follow it, directly or not.
    fn tied(&self, document: usize) -> Vec<usize> {
        let mut all = vec![document];
        let mut i = 0;
        while let Some(&d) = all.get(i) {
            if let Some(followers) = self.followers.get(&d) {
                all.extend_from_slice(followers);
            }
            i += 1;
        }
        all
    }

    /// Moves `group` (the documents pending at `v`) to where their history goes on, and
    /// records those `v` changed.
    fn process(&mut self, v: &Visited, mut group: Group) -> Result<(), git2::Error> {
        if group.is_empty() {
            return Ok(());
        }
        // A path that became pending after this commit was diffed: diff it again.
        let redone;
        let v = if self.fresh.iter().any(|p| group.contains_key(p)) {
            redone = visit(self.repo, v.oid, &group, &self.trees)?;
            &redone
        } else {
            v
        };
        let Some(first) = &v.first else {
            // A root commit, or the edge of a shallow clone: whatever is here was made here.
            let at_boundary = self.boundary.contains(&v.oid);
            let tree = self.repo.find_commit(v.oid)?.tree()?;
            for (path, document) in group {
                if at_boundary || entry_at(&tree, &path)?.is_some() {
                    self.resolve(v, document, at_boundary, true);
                }
            }
            return Ok(());
        };
        let listed = self.ignore.revs.contains(&v.oid);
        let mut by_ignored_author: Option<bool> = None;
        let mut moved: Vec<Group> = vec![Group::new(); v.parents.len()];
        let mut trees: Option<(git2::Tree<'_>, Vec<git2::Tree<'_>>)> = None;
        for (path, change) in &first.changed {
            let Some(document) = group.remove(path) else {
                continue;
            };
            // A merge that takes another parent's version is no change: the path's history
            // continues in the first parent that has it unchanged (git's simplification).
            let mut treesame = None;
            if v.parents.len() > 1 {
                if trees.is_none() {
                    let commit = self.repo.find_commit(v.oid)?;
                    let parents = commit
                        .parents()
                        .map(|p| p.tree())
                        .collect::<Result<Vec<_>, _>>()?;
                    trees = Some((commit.tree()?, parents));
                }
                if let Some((tree, parents)) = &trees {
                    for (i, parent) in parents.iter().enumerate().skip(1) {
                        if unchanged_against(parent, tree, path)? {
                            treesame = Some(i);
                            break;
                        }
                    }
                }
            }
            match (treesame, change) {
                (Some(i), _) => {
                    place(&mut self.followers, &mut moved[i], path.clone(), document);
                }
                (None, Change::RenamedFrom(old)) => {
                    let folder = crate::paths::parent(old);
                    if !holds_prefix(&self.diffed, &folder) {
                        self.fresh.insert(old.clone());
                    }
                    if let Some(next) = &self.next_diffed {
                        if !holds_prefix(next, &folder) {
                            self.next_fresh.insert(old.clone());
                        }
                    }
                    place(&mut self.followers, &mut moved[0], old.clone(), document);
                }
                // A reformatting commit listed in the ignore-revs file is not a change, but
                // the creation of a file cannot be ignored away.
                (None, Change::Modified)
                    if v.parents.len() == 1
                        && (listed
                            || *by_ignored_author
                                .get_or_insert_with(|| self.by_ignored_author(v))) =>
                {
                    place(&mut self.followers, &mut moved[0], path.clone(), document);
                }
                (None, change) => {
                    let created = matches!(change, Change::Added(_));
                    self.resolve(v, document, false, created);
                    // Wanted further back: the document's history goes on in the first
                    // parent, as after a change that does not count.
                    if !created && matches!(self.reach, Reach::Since(t) if v.time > t) {
                        place(&mut self.followers, &mut moved[0], path.clone(), document);
                    }
                }
            }
        }
        // Everything else is unchanged against the first parent and moves there whole.
        // (Not `BTreeMap::append`, which rebuilds the whole tree: a commit changes few
        // paths, and the group may hold thousands.)
        merge_into(
            &mut self.followers,
            &mut group,
            std::mem::take(&mut moved[0]),
        );
        moved[0] = group;
        for (&parent, group) in v.parents.iter().zip(moved) {
            if group.is_empty() {
                continue;
            }
            match self.pending.entry(parent) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(group);
                }
                std::collections::hash_map::Entry::Occupied(mut slot) => {
                    merge_into(&mut self.followers, slot.get_mut(), group);
                }
            }
        }
        Ok(())
    }

    /// Records that `v` changed `document` (`created`: made it), and the documents that
    /// follow it.
    fn resolve(&mut self, v: &Visited, document: usize, at_boundary: bool, created: bool) {
        if self.followers.is_empty() {
            self.resolve_one(v, document, at_boundary, created);
            return;
        }
        for d in self.tied(document) {
            self.resolve_one(v, d, at_boundary, created);
        }
    }

    fn resolve_one(&mut self, v: &Visited, document: usize, at_boundary: bool, created: bool) {
        if let Some(last) = &mut self.result[document] {
            // An earlier change of a document followed further back.
            last.earlier.push(v.time);
            last.created = created;
            return;
        }
        let (author, author_email) = self.identity(v);
        self.result[document] = Some(LastChange {
            commit: v.oid,
            time: v.time,
            author,
            author_email,
            at_boundary,
            earlier: Vec::new(),
            created,
        });
    }

    /// The commit's author as `.mailmap` names them.
    fn identity(&self, v: &Visited) -> (String, String) {
        let mapped = self.mailmap.as_ref().and_then(|m| {
            let time = git2::Time::new(v.time, 0);
            let sig = git2::Signature::new(&v.author, &v.author_email, &time).ok()?;
            let real = m.resolve_signature(&sig).ok()?;
            Some((
                real.name().unwrap_or(&v.author).to_owned(),
                real.email().unwrap_or(&v.author_email).to_owned(),
            ))
        });
        mapped.unwrap_or_else(|| (v.author.clone(), v.author_email.clone()))
    }

    fn by_ignored_author(&self, v: &Visited) -> bool {
        let Some(ignored) = self.ignore.author else {
            return false;
        };
        let (name, email) = self.identity(v);
        ignored(&name, &email)
    }
}

/// Moves the documents of `other` into `into`, inserting those of the smaller into the
/// larger: the cost follows the smaller group.
fn merge_into(followers: &mut HashMap<usize, Vec<usize>>, into: &mut Group, mut other: Group) {
    if into.len() < other.len() {
        std::mem::swap(into, &mut other);
    }
    for (path, document) in other {
        place(followers, into, path, document);
    }
}

/// Puts `document` into `group` at `path`. When another document is there already, the two
/// have one history from here on: `document` follows that one instead of displacing it.
fn place(
    followers: &mut HashMap<usize, Vec<usize>>,
    group: &mut Group,
    path: String,
    document: usize,
) {
    match group.entry(path) {
        std::collections::btree_map::Entry::Vacant(slot) => {
            slot.insert(document);
        }
        std::collections::btree_map::Entry::Occupied(slot) => {
            if *slot.get() != document {
                followers.entry(*slot.get()).or_default().push(document);
            }
        }
    }
}

/// Whether `path` has the same blob in `old` as in `new`.
fn unchanged_against(
    old: &git2::Tree<'_>,
    new: &git2::Tree<'_>,
    path: &str,
) -> Result<bool, git2::Error> {
    let theirs = entry_at(old, path)?.map(|e| e.id());
    Ok(theirs.is_some() && theirs == entry_at(new, path)?.map(|e| e.id()))
}

/// The entry at `path` in `tree`, `None` when there is none. A folder on the way that cannot
/// be read is an error, not an absent path.
fn entry_at(
    tree: &git2::Tree<'_>,
    path: &str,
) -> Result<Option<git2::TreeEntry<'static>>, git2::Error> {
    match tree.get_path(std::path::Path::new(path)) {
        Ok(entry) => Ok(Some(entry)),
        // libgit2 says a path is absent as a tree error; a missing object is an ODB error.
        Err(e) if e.code() == git2::ErrorCode::NotFound && e.class() == git2::ErrorClass::Tree => {
            Ok(None)
        }
        Err(e) => Err(e),
    }
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

/// Which of `pending` (repository paths, all present in `new`) differ between the trees
/// `old` and `new`, and how. Only subtrees that differ and hold a pending path are read: the
/// cost follows what changed, not the size of the tree.
fn diff_against(
    repo: &Repository,
    old: Oid,
    new: Oid,
    pending: &Group,
    trees: &Trees,
) -> Result<ParentDiff, git2::Error> {
    let odb = repo.odb()?;
    let mut walked = Walked::default();
    let (old_tree, new_tree) = (trees.read(&odb, old)?, trees.read(&odb, new)?);
    compare(
        &odb,
        trees,
        Some(&old_tree),
        &new_tree,
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

/// The most bytes of trees [`Trees`] holds.
const TREES_HELD: usize = 48 << 20;

type TreesById = HashMap<Oid, Arc<[u8]>>;

/// A tree's id and raw bytes.
struct RawTree {
    id: Oid,
    data: Arc<[u8]>,
}

/// Trees the walk read once, for the one more read most of them get: a commit's trees are
/// the new side of its own diff and the old side of its child's, and the two are diffed on
/// either thread, in either order. A tree is handed out once from here and then forgotten;
/// those not asked for again within the next batch are dropped, and at most
/// [`TREES_HELD`] bytes are held.
struct Trees {
    /// This batch's trees and the last batch's, and their bytes.
    held: std::sync::Mutex<([TreesById; 2], usize)>,
    /// The most bytes held.
    budget: usize,
}

impl Default for Trees {
    fn default() -> Trees {
        Trees {
            held: std::sync::Mutex::default(),
            budget: TREES_HELD,
        }
    }
}

impl Trees {
    fn read(&self, odb: &git2::Odb<'_>, id: Oid) -> Result<RawTree, git2::Error> {
        let lock = || self.held.lock().unwrap_or_else(|e| e.into_inner());
        {
            let mut held = lock();
            let (maps, bytes) = &mut *held;
            if let Some(data) = maps.iter_mut().find_map(|m| m.remove(&id)) {
                *bytes -= data.len();
                return Ok(RawTree { id, data });
            }
        }
        let data: Arc<[u8]> = read_tree(odb, id)?.data().into();
        let mut held = lock();
        let (maps, bytes) = &mut *held;
        if *bytes + data.len() > self.budget {
            *bytes -= maps[1].values().map(|d| d.len()).sum::<usize>();
            maps[1].clear();
        }
        if *bytes + data.len() <= self.budget && maps[0].insert(id, data.clone()).is_none() {
            *bytes += data.len();
        }
        Ok(RawTree { id, data })
    }

    /// Starts a batch: the trees of the one before last go.
    fn age(&self) {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        let (maps, bytes) = &mut *held;
        *bytes -= maps[1].values().map(|d| d.len()).sum::<usize>();
        maps[1] = std::mem::take(&mut maps[0]);
    }
}

/// A tree object's raw bytes, read past libgit2's object cache and tree parser: the walk
/// reads each tree about twice, once on either side of a diff, and walks its entries once
/// in order, which needs neither.
pub(super) fn read_tree<'o>(
    odb: &'o git2::Odb<'_>,
    id: Oid,
) -> Result<git2::OdbObject<'o>, git2::Error> {
    let object = odb.read(id)?;
    if object.kind() != ObjectType::Tree {
        return Err(git2::Error::from_str(&format!("object {id} is not a tree")));
    }
    Ok(object)
}

/// One entry of a raw tree.
#[derive(Clone, Copy)]
pub(super) struct RawEntry<'a> {
    mode: u32,
    pub(super) name: &'a [u8],
    id: &'a [u8],
}

impl RawEntry<'_> {
    pub(super) fn is_tree(&self) -> bool {
        self.mode == 0o040000
    }

    /// A file or a symbolic link (not a submodule).
    fn is_blob(&self) -> bool {
        matches!(self.mode & 0o170000, 0o100000 | 0o120000)
    }

    pub(super) fn oid(&self) -> Result<Oid, git2::Error> {
        Oid::from_bytes(self.id)
    }
}

/// The entries of a raw tree (`MODE SP NAME NUL ID`, repeated), or an error at the first
/// malformed one.
pub(super) struct RawEntries<'a> {
    rest: &'a [u8],
    /// The tree's bytes, for [`RawEntries::offset`].
    len: usize,
    /// The tree's id, for the error.
    id: Oid,
}

const OID_LEN: usize = 20;

impl<'a> RawEntries<'a> {
    /// Where the next entry starts in the tree's bytes.
    fn offset(&self) -> usize {
        self.len - self.rest.len()
    }
}

impl<'a> Iterator for RawEntries<'a> {
    type Item = Result<RawEntry<'a>, git2::Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let parsed = (|| {
            let space = memchr::memchr(b' ', self.rest)?;
            let mut mode = 0u32;
            for &digit in &self.rest[..space] {
                if !(b'0'..=b'7').contains(&digit) || mode > 0o7777777 {
                    return None;
                }
                mode = mode * 8 + u32::from(digit - b'0');
            }
            let after = &self.rest[space + 1..];
            let nul = memchr::memchr(0, after)?;
            let id = after.get(nul + 1..nul + 1 + OID_LEN)?;
            let entry = RawEntry {
                mode,
                name: &after[..nul],
                id,
            };
            Some((entry, &after[nul + 1 + OID_LEN..]))
        })();
        match parsed {
            Some((entry, rest)) => {
                self.rest = rest;
                Some(Ok(entry))
            }
            None => {
                self.rest = &[];
                Some(Err(git2::Error::from_str(&format!(
                    "tree object {} is malformed",
                    self.id
                ))))
            }
        }
    }
}

pub(super) fn entries<'a>(tree: &'a git2::OdbObject<'_>) -> RawEntries<'a> {
    entries_from(tree.data(), tree.id(), 0)
}

/// The entries of the tree `id`, whose bytes are `data`, from the byte `offset`, which must
/// be where one starts.
fn entries_from(data: &[u8], id: Oid, offset: usize) -> RawEntries<'_> {
    RawEntries {
        rest: data.get(offset..).unwrap_or_default(),
        len: data.len(),
        id,
    }
}

/// How many bytes `a` and `b` begin with alike.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const CHUNK: usize = 32;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + CHUNK <= n && a[i..i + CHUNK] == b[i..i + CHUNK] {
        i += CHUNK;
    }
    i + a[i..n]
        .iter()
        .zip(&b[i..n])
        .take_while(|(x, y)| x == y)
        .count()
}

/// How many bytes `a` and `b` end with alike.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const CHUNK: usize = 32;
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut i = 0;
    while i + CHUNK <= n && a[n - i - CHUNK..n - i] == b[n - i - CHUNK..n - i] {
        i += CHUNK;
    }
    i + a[..n - i]
        .iter()
        .rev()
        .zip(b[..n - i].iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// The start of the last entry of `tree` that begins at or before `limit`, found by
/// stepping over whole entries (`... NUL ID`) from the start; 0 when an entry on the way
/// is cut short (the walk then reads them all, and reports the damage).
fn entry_start_before(tree: &[u8], limit: usize) -> usize {
    let mut start = 0;
    while start < limit {
        let Some(nul) = memchr::memchr(0, &tree[start..]) else {
            return 0;
        };
        let next = start + nul + 1 + OID_LEN;
        if next > limit {
            break;
        }
        start = next;
    }
    start
}

/// Walks the raw trees `old` and `new` side by side (both sorted in git's tree order) below
/// `prefix`, recording blobs that differ and blobs that were deleted, and descending into
/// differing subtrees that hold pending paths.
fn compare(
    odb: &git2::Odb<'_>,
    trees: &Trees,
    old: Option<&RawTree>,
    new: &RawTree,
    prefix: &mut String,
    pending: &Group,
    out: &mut Walked,
) -> Result<(), git2::Error> {
    let gone = |o: &RawEntry<'_>, prefix: &str, out: &mut Walked| -> Result<(), git2::Error> {
        if o.is_blob() {
            if let Ok(name) = std::str::from_utf8(o.name) {
                out.deleted.insert(o.oid()?, format!("{prefix}{name}"));
            }
        } else {
            out.skipped = true;
        }
        Ok(())
    };
    // Trees differ in few entries, and a tree is sorted: the entries both begin with, byte
    // for byte, are the same entries, and so are those both end with. Only the entries in
    // between are read (a folder of thousands of documents, one of them changed, costs a
    // comparison of its bytes, not a parse of every entry twice).
    let (old_bytes, new_bytes) = (old.map_or(&[][..], |o| &o.data[..]), &new.data[..]);
    let start = match old {
        Some(_) => entry_start_before(new_bytes, common_prefix(old_bytes, new_bytes)),
        None => 0,
    };
    let same_end = common_suffix(old_bytes, new_bytes);
    let mut olds = old.map(|o| entries_from(&o.data, o.id, start));
    let mut old_at = start;
    let mut next_old = olds.as_mut().and_then(Iterator::next).transpose()?;
    let mut news = entries_from(&new.data, new.id, start);
    loop {
        let new_at = news.offset();
        // Both at an entry that starts as far from their ends, within the bytes they end
        // with alike: the rest is the same entries.
        let left = new_bytes.len() - new_at;
        if left <= same_end && next_old.is_some() && old_bytes.len() - old_at == left {
            return Ok(());
        }
        let Some(entry) = news.next() else {
            break;
        };
        let entry = entry?;
        let is_tree = entry.is_tree();
        let mut same_name = None;
        while let Some(o) = next_old {
            match git_order(o.name, o.is_tree(), entry.name, is_tree) {
                Ordering::Less => gone(&o, prefix, out)?,
                Ordering::Equal => same_name = Some(o),
                Ordering::Greater => break,
            }
            old_at = olds.as_ref().map_or(0, RawEntries::offset);
            next_old = olds.as_mut().and_then(Iterator::next).transpose()?;
            if same_name.is_some() {
                break;
            }
        }
        if same_name.is_some_and(|o| o.id == entry.id) {
            continue;
        }
        let Ok(name) = std::str::from_utf8(entry.name) else {
            continue;
        };
        let len = prefix.len();
        prefix.push_str(name);
        if is_tree {
            prefix.push('/');
            if holds_prefix(pending, prefix) {
                let new_sub = trees.read(odb, entry.oid()?)?;
                let old_sub = match same_name.filter(RawEntry::is_tree) {
                    Some(o) => Some(trees.read(odb, o.oid()?)?),
                    None => None,
                };
                compare(odb, trees, old_sub.as_ref(), &new_sub, prefix, pending, out)?;
            } else if same_name.is_some() {
                out.skipped = true;
            }
        } else {
            // Every differing blob of a tree walked, pending or not: the old path of a
            // rename found later in the walk is most often beside the new one.
            let change = if same_name.is_some() {
                Change::Modified
            } else {
                Change::Added(entry.oid()?)
            };
            out.changed.insert(prefix.clone(), change);
        }
        prefix.truncate(len);
    }
    while let Some(o) = next_old {
        gone(&o, prefix, out)?;
        next_old = olds.as_mut().and_then(Iterator::next).transpose()?;
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
    old: Oid,
    new: Oid,
) -> Result<HashMap<Oid, String>, git2::Error> {
    let (old, new) = (repo.find_tree(old)?, repo.find_tree(new)?);
    let diff = repo.diff_tree_to_tree(Some(&old), Some(&new), None)?;
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

    type Read = Result<(u32, Vec<u8>, Vec<u8>), String>;

    fn raw(bytes: &[u8]) -> Vec<Read> {
        RawEntries {
            rest: bytes,
            len: bytes.len(),
            id: Oid::ZERO_SHA1,
        }
        .map(|e| {
            e.map(|e| (e.mode, e.name.to_vec(), e.id.to_vec()))
                .map_err(|e| e.message().to_owned())
        })
        .collect()
    }

    #[test]
    fn raw_tree_entries_match_libgit2s_reading() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let blob = repo.blob(b"text").unwrap();
        let mut sub = repo.treebuilder(None).unwrap();
        sub.insert("inner.md", blob, 0o100644).unwrap();
        let sub = sub.write().unwrap();
        let mut root = repo.treebuilder(None).unwrap();
        root.insert("a.md", blob, 0o100644).unwrap();
        root.insert("run.sh", blob, 0o100755).unwrap();
        root.insert("link.md", blob, 0o120000).unwrap();
        root.insert("docs", sub, 0o040000).unwrap();
        root.insert("vendored", blob, 0o160000).unwrap();
        root.insert("ünïcode name.md", blob, 0o100644).unwrap();
        let root = root.write().unwrap();
        let odb = repo.odb().unwrap();
        let object = read_tree(&odb, root).unwrap();
        let ours: Vec<(u32, Vec<u8>, Oid, bool, bool)> = entries(&object)
            .map(|e| {
                let e = e.unwrap();
                (
                    e.mode,
                    e.name.to_vec(),
                    e.oid().unwrap(),
                    e.is_tree(),
                    e.is_blob(),
                )
            })
            .collect();
        let tree = repo.find_tree(root).unwrap();
        let theirs: Vec<(u32, Vec<u8>, Oid, bool, bool)> = tree
            .iter()
            .map(|e| {
                (
                    e.filemode() as u32,
                    e.name_bytes().to_vec(),
                    e.id(),
                    e.kind() == Some(ObjectType::Tree),
                    e.kind() == Some(ObjectType::Blob),
                )
            })
            .collect();
        assert_eq!(ours, theirs);
        assert!(read_tree(&odb, blob).is_err(), "a blob is not a tree");
    }

    #[test]
    fn common_ends_of_byte_strings() {
        let long: Vec<u8> = (0..100u8).collect();
        let mut other = long.clone();
        other[70] = 0xff;
        assert_eq!(common_prefix(&long, &other), 70);
        assert_eq!(common_suffix(&long, &other), 29);
        assert_eq!(common_prefix(&long, &long[..40]), 40);
        assert_eq!(common_suffix(&long, &long[60..]), 40);
        assert_eq!(common_suffix(&long, &long[..40]), 0);
        assert_eq!(
            (common_prefix(b"", &long), common_suffix(&long, b"")),
            (0, 0)
        );
    }

    /// What libgit2's own diff of two trees says of the paths of `new`, in the walk's terms.
    fn libgit2_changes(repo: &Repository, old: Oid, new: Oid) -> Vec<(String, String)> {
        let (old, new) = (repo.find_tree(old).unwrap(), repo.find_tree(new).unwrap());
        let diff = repo
            .diff_tree_to_tree(Some(&old), Some(&new), None)
            .unwrap();
        let deleted: HashMap<Oid, String> = diff
            .deltas()
            .filter(|d| d.status() == Delta::Deleted)
            .map(|d| {
                (
                    d.old_file().id(),
                    d.old_file().path().unwrap().to_str().unwrap().to_owned(),
                )
            })
            .collect();
        let mut changes: Vec<(String, String)> = diff
            .deltas()
            .filter_map(|d| {
                let path = d.new_file().path()?.to_str()?.to_owned();
                let kind = match d.status() {
                    Delta::Modified => "modified".to_owned(),
                    Delta::Added => match deleted.get(&d.new_file().id()) {
                        Some(from) => format!("renamed from {from}"),
                        None => "added".to_owned(),
                    },
                    _ => return None,
                };
                Some((path, kind))
            })
            .collect();
        changes.sort();
        changes
    }

    #[test]
    fn a_diff_that_skips_the_common_ends_finds_what_libgit2_finds() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        // Names of every length around the comparison's 32-byte chunks, and ids that hold
        // NUL bytes (a tenth of them do), so the common ends fall anywhere in an entry.
        let mut files: BTreeMap<String, Oid> = (0..120)
            .map(|i| {
                let name = format!("t/{}{i}.md", "x".repeat(i % 37));
                (name, repo.blob(format!("v0 {i}").as_bytes()).unwrap())
            })
            .collect();
        let build = |files: &BTreeMap<String, Oid>| {
            let mut folder = repo.treebuilder(None).unwrap();
            for (path, &id) in files {
                let name = path.strip_prefix("t/").unwrap();
                folder.insert(name, id, 0o100644).unwrap();
            }
            let folder = folder.write().unwrap();
            let mut root = repo.treebuilder(None).unwrap();
            root.insert("t", folder, 0o040000).unwrap();
            root.write().unwrap()
        };
        let mut random = crate::testing::random(0x2545_f491);
        let mut tree = build(&files);
        let trees = Trees::default();
        for round in 0..300 {
            let before = tree;
            let names: Vec<String> = files.keys().cloned().collect();
            for _ in 0..1 + random(3) {
                let name = names[random(names.len())].clone();
                match random(4) {
                    0 => {
                        files.insert(name, repo.blob(format!("v{round}").as_bytes()).unwrap());
                    }
                    1 if files.len() > 10 => {
                        files.remove(&name);
                    }
                    2 => {
                        let id = files.remove(&name).unwrap();
                        files.insert(format!("t/{}r{round}.md", "y".repeat(random(40))), id);
                    }
                    _ => {
                        let id = repo.blob(format!("new {round}").as_bytes()).unwrap();
                        files.insert(format!("t/{}n{round}.md", "z".repeat(random(40))), id);
                    }
                }
            }
            tree = build(&files);
            if tree == before {
                continue;
            }
            let pending: Group = files.keys().cloned().zip(0..).collect();
            // One cache for every round: each tree is the new side of one diff and the old
            // side of the next.
            trees.age();
            let ours = diff_against(&repo, before, tree, &pending, &trees).unwrap();
            let mut ours: Vec<(String, String)> = ours
                .changed
                .into_iter()
                .map(|(path, change)| {
                    let kind = match change {
                        Change::Modified => "modified".to_owned(),
                        Change::Added(_) => "added".to_owned(),
                        Change::RenamedFrom(from) => format!("renamed from {from}"),
                    };
                    (path, kind)
                })
                .collect();
            ours.sort();
            assert_eq!(ours, libgit2_changes(&repo, before, tree), "round {round}");
        }
    }

    #[test]
    fn a_tree_is_held_for_one_more_read_within_a_batch_and_a_budget() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let odb = repo.odb().unwrap();
        let tree = |n: usize| {
            let mut builder = repo.treebuilder(None).unwrap();
            for i in 0..n {
                let blob = repo.blob(format!("{i}").as_bytes()).unwrap();
                builder.insert(format!("{i}.md"), blob, 0o100644).unwrap();
            }
            builder.write().unwrap()
        };
        let (small, other, large) = (tree(3), tree(4), tree(40));
        let len = |id: Oid| odb.read(id).unwrap().data().len();
        let trees = Trees {
            budget: len(small) + len(other),
            ..Trees::default()
        };
        let held = |trees: &Trees| trees.held.lock().unwrap().1;
        // Read, held; read again, handed out and forgotten.
        assert_eq!(
            &trees.read(&odb, small).unwrap().data[..],
            odb.read(small).unwrap().data()
        );
        assert_eq!(held(&trees), len(small));
        assert_eq!(trees.read(&odb, small).unwrap().id, small);
        assert_eq!(held(&trees), 0);
        // Held through the next batch, not the one after.
        trees.read(&odb, small).unwrap();
        trees.age();
        trees.read(&odb, other).unwrap();
        assert_eq!(held(&trees), len(small) + len(other));
        trees.age();
        trees.age();
        assert_eq!(held(&trees), 0);
        // Never more than the budget: a tree larger than it is read, not held.
        let read = trees.read(&odb, large).unwrap();
        assert_eq!(&read.data[..], odb.read(large).unwrap().data());
        assert_eq!(held(&trees), 0);
        trees.read(&odb, small).unwrap();
        trees.age();
        trees.read(&odb, other).unwrap();
        trees.read(&odb, large).unwrap();
        assert!(held(&trees) <= len(small) + len(other), "{}", held(&trees));
    }

    #[test]
    fn malformed_raw_trees_are_errors_not_panics() {
        let id = [7u8; 20];
        let mut good = b"100644 a.md\0".to_vec();
        good.extend_from_slice(&id);
        assert_eq!(raw(&good), [Ok((0o100644, b"a.md".to_vec(), id.to_vec()))]);
        let malformed: [&[u8]; 5] = [
            b"100644 a.md\0short",
            b"100644a.md",
            b"10x644 a.md\0aaaaaaaaaaaaaaaaaaaa",
            b"77777777777777 a\0aaaaaaaaaaaaaaaaaaaa",
            b"100644 no-nul",
        ];
        for bytes in malformed {
            let read = raw(bytes);
            assert_eq!(read.len(), 1, "{bytes:?}");
            assert!(
                read[0].as_ref().unwrap_err().contains("is malformed"),
                "{read:?}"
            );
        }
        // After a good entry, a bad one ends the walk with one error.
        let mut then_bad = good.clone();
        then_bad.extend_from_slice(b"100644 b");
        let read = raw(&then_bad);
        assert_eq!(read.len(), 2);
        assert!(read[0].is_ok() && read[1].is_err());
        assert!(raw(b"").is_empty());
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
