//! Every git2 call lives here. A [`Snapshot`] is the set of files docsteward sees and their
//! contents (work tree, staged index, or a revision's tree); rules ask it whether a path
//! exists, never the disk. [`Repo::changes`] scopes a run to what a change touched.

mod history;
mod objects;
mod renames;
mod snapshot;

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use git2::{Delta, DiffOptions, FileMode, IndexEntry, Repository, Status};

use crate::error::{Damage, Error};
use crate::paths;
pub use history::{Chain, History, HistoryKey, Ignore, Known, KnownStart, LastChange, Reach};
use rayon::prelude::*;
pub use renames::Renames;
use snapshot::WorktreeFiles;
pub use snapshot::{Blob, Content, CorruptObject, MissingObject, Mode, Snapshot};

/// Process-wide libgit2 settings for a docsteward run: no object cache and bounded pack
/// mappings, which keep peak memory low without costing time (measured in the README's
/// performance notes).
///
/// # Safety
/// libgit2's global options must not change while another thread uses libgit2: call this
/// before any repository is opened, as the binary does first thing in `main`.
pub unsafe fn configure_process() -> Result<(), Error> {
    // SAFETY: the caller guarantees no other thread uses libgit2 yet.
    unsafe {
        // No object cache: blobs are read once each, and the history walk reads trees raw
        // (see `history::read_tree`); caching only cost memory and time in eviction.
        git2::opts::enable_caching(false);
        // Map packs in windows of 16 MiB, at most 64 MiB at once, instead of whole packs of
        // any size: peak memory stays bounded on a large repository.
        git2::opts::set_mwindow_size(16 * 1024 * 1024)?;
        git2::opts::set_mwindow_mapped_limit(64 * 1024 * 1024)?;
    }
    Ok(())
}

/// Which snapshot to check.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Source {
    #[default]
    Worktree,
    /// `--staged`
    Index,
    /// `--rev REV`
    Rev(String),
}

/// What a change did, between a base and a snapshot.
#[derive(Debug, Default)]
pub struct Changes {
    /// Added, modified, or the new side of a rename.
    pub changed: HashSet<String>,
    /// Deleted, or the old side of a rename.
    pub removed: HashSet<String>,
    /// The blob each modified or removed path had at the base: what the change took away
    /// (headings, term definitions) is read from it.
    pub before: HashMap<String, git2::Oid>,
}

/// An opened repository.
pub struct Repo {
    repo: Repository,
    /// The work tree's root, canonical; `None` for a bare repository.
    workdir: Option<PathBuf>,
    /// Whether the object database is fit for libgit2 to read, checked on first need.
    verified: OnceLock<Result<(), Damage>>,
    /// Where the loose objects that checked out are remembered between runs, if anywhere.
    checked_loose: Option<objects::CheckedLoose>,
    /// What went wrong with that file, for the run to say.
    notices: std::sync::Mutex<Vec<String>>,
}

impl Repo {
    /// Finds the repository containing `dir`.
    pub fn discover(dir: &Path) -> Result<Repo, Error> {
        // libgit2 re-hashes every object it reads unless told not to; git does not, and on a
        // history walk the SHA-1 work was most of the time. Objects are still checked when
        // they are written, and a missing or unreadable object is still an error.
        git2::opts::strict_hash_verification(false);
        let repo = Repository::discover(dir).map_err(|e| match e.code() {
            git2::ErrorCode::NotFound => Error::NotARepository {
                path: dir.to_owned(),
            },
            git2::ErrorCode::Owner => Error::NotOwned {
                path: dir.to_owned(),
            },
            _ => Error::Git(e),
        })?;
        let workdir = match repo.workdir() {
            Some(w) => Some(w.canonicalize().map_err(|source| Error::Io {
                path: w.to_owned(),
                source,
            })?),
            None => None,
        };
        Ok(Repo {
            repo,
            workdir,
            verified: OnceLock::new(),
            checked_loose: None,
            notices: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// Keeps the loose objects that the object database's check found sound in the cache
    /// folder `dir`, so that later runs check only new or changed ones. Call it before the
    /// first object is read.
    pub fn remember_checks_in(&mut self, dir: &Path) {
        self.checked_loose = Some(objects::CheckedLoose::new(dir, &self.cache_stem()));
    }

    /// What went wrong with the cache of [`Repo::remember_checks_in`] so far, taken.
    pub fn take_cache_notices(&self) -> Vec<String> {
        std::mem::take(&mut *self.notices.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Whether the repository has no work tree.
    pub fn is_bare(&self) -> bool {
        self.workdir.is_none()
    }

    /// The folder paths are relative to: the work tree, or the git dir of a bare repository.
    pub fn root(&self) -> PathBuf {
        self.workdir
            .clone()
            .unwrap_or_else(|| self.repo.path().to_path_buf())
    }

    pub fn snapshot(&self, source: &Source) -> Result<Snapshot, Error> {
        // Every snapshot but the plain work tree reads blobs, and every run goes on to read
        // commits and trees: check the objects first.
        self.verified()?;
        match source {
            Source::Worktree => self.worktree(),
            Source::Index => self.index_snapshot(),
            Source::Rev(rev) => self.tree_snapshot(rev),
        }
    }

    /// The work tree as git sees it: tracked files still on disk, plus untracked files that
    /// are not ignored. Submodules are not files of this repository. Tracked files that a
    /// sparse checkout keeps off the disk (skip-worktree) are still the repository's: they are
    /// read from the index.
    pub fn worktree(&self) -> Result<Snapshot, Error> {
        let Some(root) = self.workdir.clone() else {
            return Err(Error::BareRepository {
                path: self.repo.path().to_owned(),
            });
        };
        let mut index = self.repo.index()?;
        // The repository's index as it is on the disk now (a long-lived handle, the language
        // server's, would otherwise keep the one it first read).
        index.read(false)?;
        let submodules = gitlinks(&index);
        let mut raw_names = HashMap::new();
        let mut tracked = Vec::new();
        let mut sparse = HashMap::new();
        let entries: Vec<IndexEntry> = index.iter().collect();
        let mut stat = HashMap::new();
        for e in entries.iter().filter(|e| e.mode != GITLINK) {
            let path = name(&e.path, &mut raw_names);
            if e.flags_extended & SKIP_WORKTREE != 0 {
                sparse.insert(path, blob(e));
            } else {
                if e.flags & STAGE_MASK == 0 && e.mode != 0o120000 {
                    stat.insert(path.clone(), snapshot::IndexStat::of(e));
                }
                tracked.push(path);
            }
        }
        let index_time = std::fs::metadata(self.repo.path().join("index"))
            .and_then(|m| m.modified())
            .ok();
        // Each tracked file looked at once, in parallel: gone, or whether its stat data is
        // still what the index recorded.
        let tree = crate::fs::Tree::new(root);
        let listed_at = std::time::SystemTime::now();
        let looked = look_at(&tree, &tracked, &raw_names, &stat, index_time);
        let clean: crate::FastSet<String> = looked
            .iter()
            .filter(|(_, look)| *look == Look::Clean)
            .map(|(path, _)| (*path).to_owned())
            .collect();
        let gone: Vec<String> = looked
            .iter()
            .filter(|(_, look)| *look == Look::Gone)
            .map(|(path, _)| (*path).to_owned())
            .collect();
        let mut changed: crate::FastMap<String, crate::fs::Stat> = looked
            .iter()
            .filter_map(|(path, look)| match look {
                Look::There(stat) => Some(((*path).to_owned(), *stat)),
                _ => None,
            })
            .collect();
        // Which tracked files are gone was found above; which files are new is found by
        // listing the folders, in parallel, and asking git's ignore rules only about names
        // the index does not have. (libgit2's status would walk the whole work tree on one
        // thread and stat every tracked file a second time.)
        let untracked = self.untracked(&tree, &entries, &mut raw_names)?;
        let deleted: HashSet<String> = gone.into_iter().collect();
        tracked.retain(|p| !deleted.contains(p));
        changed.retain(|p, _| !deleted.contains(p));
        // The untracked files' stat data, as the tracked ones' above: what tells, on the
        // next run, that one of them changed (see `Snapshot::fingerprint`).
        changed.extend(
            untracked
                .par_iter()
                .filter_map(|path| {
                    let stat = tree.lstat(&snapshot::disk_name(&raw_names, path)).ok()?;
                    Some((path.clone(), stat))
                })
                .collect::<Vec<_>>(),
        );
        Ok(Snapshot::worktree(WorktreeFiles {
            root: tree,
            git_dir: self.repo.path().to_owned(),
            tracked,
            untracked,
            sparse,
            raw_names,
            entries: stat,
            index_time,
            clean,
            changed,
            listed_at,
        })
        .with_submodules(submodules))
    }

    /// The files of the work tree that the index does not have and git's ignore rules do not
    /// exclude, as `git status` lists them with `--untracked-files=all`: folders are listed
    /// a level at a time, in parallel; a folder is not entered when it is ignored, a
    /// submodule, or another repository (it has a `.git`), and `.git` itself never is. The
    /// ignore rules (every `.gitignore` on the way, `.git/info/exclude`, `core.excludesFile`)
    /// are libgit2's, asked only about names the index does not have.
    fn untracked(
        &self,
        tree: &crate::fs::Tree,
        entries: &[IndexEntry],
        raw_names: &mut HashMap<String, Vec<u8>>,
    ) -> Result<Vec<String>, Error> {
        use std::borrow::Cow;
        // Where git matches names without regard to case (`core.ignoreCase`, set by `git
        // init` on a file system that does), so does this: `Readme.md` on the disk is the
        // index's `README.md`, not a new file.
        let fold = self
            .repo
            .config()
            .and_then(|c| c.get_bool("core.ignorecase"))
            .unwrap_or(false);
        let mut files: crate::FastSet<Cow<'_, [u8]>> = crate::FastSet::default();
        files.reserve(entries.len());
        let mut folders: crate::FastSet<Cow<'_, [u8]>> = crate::FastSet::default();
        let mut submodules: crate::FastSet<Cow<'_, [u8]>> = crate::FastSet::default();
        for e in entries {
            let path: &[u8] = &e.path;
            // Every folder on the way, with its slash: "a/b/", then "a/".
            for (at, _) in path.iter().enumerate().rev().filter(|(_, b)| **b == b'/') {
                let folder = case_key(fold, &path[..=at]);
                if !folders.insert(folder) {
                    // Its parents are in already.
                    break;
                }
            }
            if e.mode == GITLINK {
                submodules.insert(case_key(fold, path));
            } else {
                files.insert(case_key(fold, path));
            }
        }
        let mut untracked = Vec::new();
        // Folders to list, as git names them: empty for the root, else ending with a slash.
        let mut level: Vec<Vec<u8>> = vec![Vec::new()];
        while !level.is_empty() {
            let listed: Vec<(Vec<u8>, std::io::Result<Vec<crate::fs::Entry>>)> = level
                .into_par_iter()
                .map(|folder| {
                    let found = tree.list(&raw_path(&folder));
                    (folder, found)
                })
                .collect();
            let mut next = Vec::new();
            for (folder, found) in listed {
                let found = match found {
                    Ok(found) => found,
                    // The root must be readable; a folder below that went away, or that
                    // cannot be read, has no file git could list either.
                    Err(source) if folder.is_empty() => {
                        return Err(Error::Io {
                            path: tree.root().to_owned(),
                            source,
                        })
                    }
                    Err(_) => continue,
                };
                for entry in found {
                    let base = entry.name.as_encoded_bytes();
                    if base == b".git" {
                        continue;
                    }
                    let mut path = folder.clone();
                    path.extend_from_slice(base);
                    match entry.kind {
                        crate::fs::Kind::Dir => {
                            if submodules.contains(&*case_key(fold, &path)) {
                                continue;
                            }
                            path.push(b'/');
                            if !folders.contains(&*case_key(fold, &path)) {
                                // A folder the index knows nothing of: another repository
                                // is not entered (git lists it as one entry, not as files),
                                // nor an ignored folder.
                                let mut dot_git = path.clone();
                                dot_git.extend_from_slice(b".git");
                                if tree.lstat(&raw_path(&dot_git)).is_ok()
                                    || self.repo.status_should_ignore(&raw_path(&path))?
                                {
                                    continue;
                                }
                            }
                            next.push(path);
                        }
                        crate::fs::Kind::File | crate::fs::Kind::Symlink => {
                            if files.contains(&*case_key(fold, &path))
                                || self.repo.status_should_ignore(&raw_path(&path))?
                            {
                                continue;
                            }
                            untracked.push(name(&path, raw_names));
                        }
                        // A FIFO, socket or device is not something git adds.
                        crate::fs::Kind::Other => {}
                    }
                }
            }
            level = next;
        }
        Ok(untracked)
    }

    /// The staged index: paths and blobs as they would be committed.
    fn index_snapshot(&self) -> Result<Snapshot, Error> {
        if self.workdir.is_none() {
            return Err(Error::BareRepository {
                path: self.repo.path().to_owned(),
            });
        }
        let index = self.repo.index()?;
        let submodules = gitlinks(&index);
        let mut raw_names = HashMap::new();
        let blobs = index
            .iter()
            .filter(|e| e.mode != GITLINK)
            .map(|e| (name(&e.path, &mut raw_names), blob(&e)))
            .collect();
        Ok(Snapshot::objects(
            Mode::Index,
            self.repo.path().to_owned(),
            blobs,
            self.workdir.clone(),
        )
        .with_submodules(submodules))
    }

    /// A revision's tree. Works in a bare repository.
    fn tree_snapshot(&self, rev: &str) -> Result<Snapshot, Error> {
        let (blobs, submodules) = self.tree_files(self.tree(rev)?)?;
        Ok(Snapshot::objects(
            Mode::Tree,
            self.repo.path().to_owned(),
            blobs,
            self.workdir.clone(),
        )
        .with_submodules(submodules))
    }

    /// Every file of `tree` with its blob, and the submodules (gitlinks) in it.
    fn tree_files(
        &self,
        tree: git2::Tree<'_>,
    ) -> Result<(HashMap<String, Blob>, Vec<String>), Error> {
        let mut blobs = HashMap::new();
        let mut submodules = Vec::new();
        // libgit2's own walk gives up on a folder whose name is not UTF-8: walk by hand.
        let mut pending = vec![(String::new(), tree)];
        while let Some((dir, tree)) = pending.pop() {
            for entry in tree.iter() {
                let path = format!("{dir}{}", paths::from_bytes(entry.name_bytes()));
                match entry.kind() {
                    Some(git2::ObjectType::Tree) => {
                        pending.push((format!("{path}/"), self.repo.find_tree(entry.id())?));
                    }
                    Some(git2::ObjectType::Commit) => submodules.push(path),
                    Some(git2::ObjectType::Blob) => {
                        blobs.insert(
                            path,
                            Blob {
                                oid: entry.id(),
                                symlink: entry.filemode() == i32::from(FileMode::Link),
                            },
                        );
                    }
                    _ => {}
                }
            }
        }
        Ok((blobs, submodules))
    }

    fn tree(&self, rev: &str) -> Result<git2::Tree<'_>, Error> {
        let object = self
            .repo
            .revparse_single(rev)
            .map_err(|e| Error::Revision {
                rev: rev.to_owned(),
                message: e.message().to_owned(),
            })?;
        object.peel_to_tree().map_err(|e| Error::Revision {
            rev: rev.to_owned(),
            message: e.message().to_owned(),
        })
    }

    /// What changed between `merge-base(base, snapshot)` and the snapshot, with renames found.
    pub fn changes(&self, base: &str, source: &Source) -> Result<Changes, Error> {
        self.verified()?;
        let revision_error = |e: git2::Error| Error::Revision {
            rev: base.to_owned(),
            message: e.message().to_owned(),
        };
        let base_commit = self
            .repo
            .revparse_single(base)
            .and_then(|o| o.peel_to_commit())
            .map_err(revision_error)?;
        let head = match source {
            Source::Rev(rev) => self.start_commit(Some(rev))?,
            _ => self.head_commit()?,
        };
        let old_tree = match head {
            Some(head) => {
                let merge_base = self
                    .repo
                    .merge_base(base_commit.id(), head)
                    .map_err(revision_error)?;
                Some(self.repo.find_commit(merge_base)?.tree()?)
            }
            // No commits yet: everything is new.
            None => None,
        };
        let mut opts = DiffOptions::new();
        opts.include_untracked(true)
            .recurse_untracked_dirs(true)
            .ignore_submodules(true);
        let diff = match source {
            Source::Worktree => self
                .repo
                .diff_tree_to_workdir_with_index(old_tree.as_ref(), Some(&mut opts))?,
            Source::Index => {
                self.repo
                    .diff_tree_to_index(old_tree.as_ref(), None, Some(&mut opts))?
            }
            Source::Rev(rev) => self.repo.diff_tree_to_tree(
                old_tree.as_ref(),
                Some(&self.tree(rev)?),
                Some(&mut opts),
            )?,
        };
        // No rename detection: a rename's two sides land in `changed` and `removed` as a
        // deletion and an addition would, and finding it reads both blobs, which a partial
        // clone may not have (a sparse checkout's files look deleted to libgit2).
        let mut changes = Changes::default();
        for delta in diff.deltas() {
            let new = delta
                .new_file()
                .path_bytes()
                .map(|p| paths::from_bytes(p).into_owned());
            let old = delta
                .old_file()
                .path_bytes()
                .map(|p| paths::from_bytes(p).into_owned());
            let was = delta.old_file().id();
            match delta.status() {
                Delta::Added | Delta::Untracked | Delta::Copied => {
                    changes.changed.extend(new);
                }
                Delta::Modified | Delta::Typechange => {
                    changes.before.extend(new.clone().map(|p| (p, was)));
                    changes.changed.extend(new);
                }
                Delta::Renamed => {
                    changes.changed.extend(new);
                    changes.before.extend(old.clone().map(|p| (p, was)));
                    changes.removed.extend(old);
                }
                Delta::Deleted => {
                    changes.before.extend(old.clone().map(|p| (p, was)));
                    changes.removed.extend(old);
                }
                _ => {}
            }
        }
        Ok(changes)
    }

    /// Which of `paths` (files of the work tree `snapshot`) are not in `HEAD` as they are:
    /// staged changes, changes in the work tree, and files `HEAD` does not have. What
    /// [`Repo::changes`] from `HEAD` says of them, without libgit2's diff against the work
    /// tree, which hashes every file whose stat data differs from the index's (all of them
    /// after a copy), on every run since docsteward never writes the index back. Here a file
    /// whose stat data matches its index entry, and was not written in the same moment as
    /// the index (git's "racily clean"), is what the index says; any other is read through
    /// the gate and hashed, in parallel.
    pub fn uncommitted(
        &self,
        snapshot: &Snapshot,
        paths: &[&str],
        max_file_size: u64,
    ) -> Result<HashSet<String>, Error> {
        let head: HashMap<String, Blob> = match self.head_commit()? {
            Some(head) => self.tree_files(self.repo.find_commit(head)?.tree()?)?.0,
            None => HashMap::new(),
        };
        let mut index = self.repo.index()?;
        index.read(false)?;
        // Each stage-0 entry's stat data, and whether a sparse checkout keeps it off the disk.
        let entries: HashMap<String, (snapshot::IndexStat, bool)> = index
            .iter()
            .filter(|e| e.flags & STAGE_MASK == 0)
            .map(|e| {
                let sparse = e.flags_extended & SKIP_WORKTREE != 0;
                let path = paths::from_bytes(&e.path).into_owned();
                (path, (snapshot::IndexStat::of(&e), sparse))
            })
            .collect();
        // An entry changed in the same second as the index was written may have changed
        // again since without its stat data showing it.
        let index_time = std::fs::metadata(self.repo.path().join("index"))
            .and_then(|m| m.modified())
            .ok();
        // Some(changed or not), or None: a symbolic link or something stranger, which
        // libgit2 answers for.
        let verdicts: Vec<(&str, Option<bool>)> = paths
            .par_iter()
            .map(|path| {
                let (Some(committed), Some((entry, sparse))) =
                    (head.get(*path), entries.get(*path))
                else {
                    return (*path, Some(true));
                };
                if entry.id != committed.oid {
                    return (*path, Some(true));
                }
                if *sparse {
                    return (*path, Some(false));
                }
                if snapshot.listed_clean(path) == Some(committed.oid) {
                    return (*path, Some(false));
                }
                let Ok(stat) = snapshot.disk_stat(path) else {
                    return (*path, Some(true));
                };
                if snapshot::stat_matches(entry, &stat, index_time) {
                    return (*path, Some(false));
                }
                if stat.kind != crate::fs::Kind::File || stat.size > max_file_size {
                    return (*path, None);
                }
                let changed = match snapshot.read_limited(path, max_file_size) {
                    Ok(bytes) => blob_id(&bytes).is_none_or(|id| id != committed.oid.as_bytes()),
                    Err(_) => true,
                };
                (*path, Some(changed))
            })
            .collect();
        Ok(verdicts
            .into_iter()
            .filter(|(path, verdict)| verdict.unwrap_or_else(|| self.is_modified_in_worktree(path)))
            .map(|(path, _)| path.to_owned())
            .collect())
    }

    /// libgit2's own answer for one file: whether the work tree's differs from the index's
    /// or the index's from `HEAD`.
    fn is_modified_in_worktree(&self, path: &str) -> bool {
        self.repo
            .status_file(Path::new(path))
            .map_or(true, |s| !(s - Status::IGNORED).is_empty())
    }

    /// What the staged index changes relative to `HEAD`; `None` before the first commit,
    /// when everything staged is new.
    pub fn staged_changes(&self) -> Result<Option<Changes>, Error> {
        match self.head_commit()? {
            Some(_) => self.changes("HEAD", &Source::Index).map(Some),
            None => Ok(None),
        }
    }

    /// The contents of a blob (a file as a change found it), `None` when it is larger than
    /// `limit` bytes.
    pub fn blob(&self, oid: git2::Oid, limit: u64) -> Result<Option<Vec<u8>>, Error> {
        let (size, _) = self.repo.odb()?.read_header(oid)?;
        if size as u64 > limit {
            return Ok(None);
        }
        Ok(Some(self.repo.find_blob(oid)?.content().to_vec()))
    }

    /// Whether git ignores `path` (repository-relative).
    pub fn is_ignored(&self, path: &str) -> bool {
        self.repo.is_path_ignored(path).unwrap_or(false)
    }

    /// The repository-relative form of `path` (absolute, or relative to `cwd`), which must
    /// lie inside the repository.
    pub fn relative(&self, cwd: &Path, path: &Path) -> Result<String, Error> {
        let root = self.root();
        let root = root.canonicalize().unwrap_or(root);
        let joined = cwd.join(path);
        let absolute = joined.canonicalize().unwrap_or_else(|_| normalize(&joined));
        let rel = absolute
            .strip_prefix(&root)
            .map_err(|_| Error::OutsideRepository {
                path: path.to_owned(),
                root: root.clone(),
            })?;
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Ok(parts.join("/"))
    }

    /// The folder git runs hooks from: `core.hooksPath` (relative to the work tree, as git
    /// reads it), else `hooks` in the common git dir, which linked work trees share.
    pub fn hooks_dir(&self) -> Result<PathBuf, Error> {
        match self.repo.config()?.get_path("core.hooksPath") {
            Ok(path) => Ok(self.root().join(path)),
            Err(e) if e.code() == git2::ErrorCode::NotFound => {
                Ok(self.repo.commondir().join("hooks"))
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// The file mode git records for a submodule.
const GITLINK: u32 = 0o160000;

/// The index flag git sets on the files a sparse checkout leaves out of the work tree.
const SKIP_WORKTREE: u16 = 1 << 14;
/// What one look at a tracked file found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Look {
    /// No longer in the work tree as git's status sees it: missing, replaced by a folder, or
    /// behind a folder that is now a symbolic link (or no folder at all).
    Gone,
    /// There, with the stat data its index entry records (see [`snapshot::stat_matches`]).
    Clean,
    /// There, changed or not, with its stat data as listed.
    There(crate::fs::Stat),
}

/// Each of the `tracked` files of the work tree `tree` looked at once, in parallel (each
/// folder is opened once), against its index entry in `stat` when it has one.
fn look_at<'t>(
    tree: &crate::fs::Tree,
    tracked: &'t [String],
    raw_names: &HashMap<String, Vec<u8>>,
    stat: &HashMap<String, snapshot::IndexStat>,
    index_time: Option<std::time::SystemTime>,
) -> Vec<(&'t str, Look)> {
    tracked
        .par_iter()
        .map(|path| {
            let look = match tree.lstat(&snapshot::disk_name(raw_names, path)) {
                Ok(found) if found.kind != crate::fs::Kind::Dir => match stat.get(path.as_str()) {
                    Some(entry) if snapshot::stat_matches(entry, &found, index_time) => Look::Clean,
                    _ => Look::There(found),
                },
                _ => Look::Gone,
            };
            (path.as_str(), look)
        })
        .collect()
}

/// The stage bits of an index entry's flags: a conflict's entries are not stage 0.
const STAGE_MASK: u16 = 0x3000;

/// The git blob id (SHA-1) of `bytes`, as `git hash-object` gives it.
pub fn blob_id(bytes: &[u8]) -> Option<[u8; 20]> {
    git2::Oid::hash_object(git2::ObjectType::Blob, bytes)
        .ok()
        .and_then(|oid| oid.as_bytes().try_into().ok())
}

/// The name docsteward uses for a path git stores as bytes, remembering the bytes of one
/// that is not UTF-8 so the file can still be read from disk.
fn name(bytes: &[u8], raw_names: &mut HashMap<String, Vec<u8>>) -> String {
    let shown = paths::from_bytes(bytes);
    if let std::borrow::Cow::Owned(escaped) = shown {
        raw_names.insert(escaped.clone(), bytes.to_vec());
        return escaped;
    }
    shown.into_owned()
}

/// `path` as the index is searched for it: lower-cased where git matches names without
/// regard to case.
fn case_key(fold: bool, path: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if fold {
        std::borrow::Cow::Owned(path.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(path)
    }
}

/// A path git stores as bytes, as a path on this platform.
fn raw_path(bytes: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
    }
}

fn blob(e: &git2::IndexEntry) -> Blob {
    Blob {
        oid: e.id,
        symlink: e.mode == 0o120000,
    }
}

/// Submodule paths in an index.
fn gitlinks(index: &git2::Index) -> Vec<String> {
    index
        .iter()
        .filter(|e| e.mode == GITLINK)
        .map(|e| paths::from_bytes(&e.path).into_owned())
        .collect()
}

/// Removes `.` and `..` without touching the file system (for paths that do not exist).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What libgit2's status lists as untracked, every file of every untracked folder.
    fn untracked_by_status(repo: &Repository) -> Vec<String> {
        let mut opts = git2::StatusOptions::new();
        opts.show(git2::StatusShow::Workdir)
            .include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false)
            .exclude_submodules(true);
        let mut found: Vec<String> = repo
            .statuses(Some(&mut opts))
            .unwrap()
            .iter()
            .filter(|e| e.status().contains(Status::WT_NEW) && !e.path_bytes().ends_with(b"/"))
            .map(|e| paths::from_bytes(e.path_bytes()).into_owned())
            .collect();
        found.sort();
        found
    }

    const NAMES: &[&str] = &[
        "a",
        "b",
        "build",
        "d.md",
        "e.txt",
        "keep.txt",
        "x y.md",
        "ü.md",
        "node_modules",
    ];
    const PATTERNS: &[&str] = &[
        "*.txt",
        "build/",
        "/a",
        "!keep.txt",
        "b",
        "node_modules/",
        "**/d.md",
        "a/*",
        "*.md",
        "!*.md",
        "x*",
        "/b/",
        "\\!keep.txt",
        "#comment",
        "e.txt/",
    ];

    /// Random work trees, random ignore files, part of the files in the index: the files
    /// found untracked are libgit2's status's, name for name.
    #[test]
    fn untracked_files_are_the_ones_git_status_lists() {
        let mut random = crate::testing::random(0x5eed_cafe);
        for round in 0..60 {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path();
            let git = Repository::init(root).unwrap();
            let mut files = Vec::new();
            let mut folders = vec![PathBuf::new()];
            for _ in 0..random(25) + 5 {
                let parent = folders[random(folders.len())].clone();
                let here = parent.join(NAMES[random(NAMES.len())]);
                if root.join(&here).symlink_metadata().is_ok() || here.components().count() > 4 {
                    continue;
                }
                match random(10) {
                    0..=2 => {
                        std::fs::create_dir(root.join(&here)).unwrap();
                        folders.push(here);
                    }
                    3 => {
                        // Another repository inside this one.
                        std::fs::create_dir_all(root.join(&here).join(".git")).unwrap();
                        std::fs::write(root.join(&here).join("inner.md"), "x").unwrap();
                    }
                    #[cfg(unix)]
                    4 => {
                        std::os::unix::fs::symlink("elsewhere", root.join(&here)).unwrap();
                        files.push(here);
                    }
                    _ => {
                        std::fs::write(root.join(&here), "x").unwrap();
                        files.push(here);
                    }
                }
            }
            #[cfg(unix)]
            if round % 5 == 0 {
                use std::os::unix::ffi::OsStrExt;
                let odd = root.join(std::ffi::OsStr::from_bytes(b"caf\xe9.md"));
                std::fs::write(odd, "x").unwrap();
                files.push(PathBuf::from(std::ffi::OsStr::from_bytes(b"caf\xe9.md")));
            }
            for folder in &folders {
                if random(3) == 0 {
                    let rules: Vec<&str> = (0..random(4) + 1)
                        .map(|_| PATTERNS[random(PATTERNS.len())])
                        .collect();
                    std::fs::write(root.join(folder).join(".gitignore"), rules.join("\n")).unwrap();
                }
            }
            std::fs::write(
                root.join(".git/info/exclude"),
                PATTERNS[random(PATTERNS.len())],
            )
            .unwrap();
            let mut index = git.index().unwrap();
            for file in &files {
                if random(2) == 0 {
                    // Tracked, ignored or not.
                    index.add_path(file).unwrap();
                }
            }
            if random(3) == 0 {
                // A submodule: its folder's files are not this repository's, even with its
                // own repository gone from the folder (which would keep it out on its own).
                let sub = Repository::init(root.join("sub")).unwrap();
                std::fs::write(root.join("sub/inside.md"), "x").unwrap();
                let mut sub_index = sub.index().unwrap();
                sub_index.add_path(Path::new("inside.md")).unwrap();
                let tree = sub.find_tree(sub_index.write_tree().unwrap()).unwrap();
                let who =
                    git2::Signature::new("a", "a@example.com", &git2::Time::new(0, 0)).unwrap();
                sub.commit(Some("HEAD"), &who, &who, "one", &tree, &[])
                    .unwrap();
                index.add_path(Path::new("sub")).unwrap();
                assert_eq!(index.get_path(Path::new("sub"), 0).unwrap().mode, GITLINK);
                std::fs::remove_dir_all(root.join("sub/.git")).unwrap();
            }
            if round % 4 == 1 {
                // A tracked file renamed on the disk in letter case only: the same file where
                // git folds case, one gone and one new where it does not.
                std::fs::write(root.join("Case.md"), "x").unwrap();
                index.add_path(Path::new("Case.md")).unwrap();
                std::fs::rename(root.join("Case.md"), root.join("case.md")).unwrap();
                git.config()
                    .unwrap()
                    .set_bool("core.ignorecase", round % 8 == 1)
                    .unwrap();
            }
            index.write().unwrap();

            let repo = Repo::discover(root).unwrap();
            let tree = crate::fs::Tree::new(repo.workdir.clone().unwrap());
            let mut index = repo.repo.index().unwrap();
            index.read(false).unwrap();
            let entries: Vec<IndexEntry> = index.iter().collect();
            let mut raw_names = HashMap::new();
            let mut ours = repo.untracked(&tree, &entries, &mut raw_names).unwrap();
            ours.sort();
            // A handle opened now, which reads `core.ignoreCase` as set above.
            let theirs = untracked_by_status(&Repository::open(root).unwrap());
            let ignores: Vec<String> = walk_ignores(root);
            assert_eq!(ours, theirs, "round {round}; ignore files: {ignores:#?}");
        }
    }

    /// Every ignore file of the work tree with its rules, to tell a failing round's story.
    fn walk_ignores(root: &Path) -> Vec<String> {
        let mut found = Vec::new();
        let mut pending = vec![root.to_path_buf()];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if entry.file_type().unwrap().is_dir() && entry.file_name() != ".git" {
                    pending.push(path);
                } else if entry.file_name() == ".gitignore" {
                    let rules = std::fs::read_to_string(&path).unwrap();
                    found.push(format!("{}: {rules:?}", path.display()));
                }
            }
        }
        found
    }
}
