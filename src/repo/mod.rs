//! Every git2 call lives here. A [`Snapshot`] is the set of files docsteward sees and their
//! contents (work tree, staged index, or a revision's tree); rules ask it whether a path
//! exists, never the disk. [`Repo::changes`] scopes a run to what a change touched.

mod history;
mod objects;
mod snapshot;

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use git2::{
    Delta, DiffFindOptions, DiffOptions, FileMode, Repository, Status, StatusOptions, StatusShow,
    TreeWalkMode, TreeWalkResult,
};

use crate::error::{Damage, Error};
pub use history::LastChange;
pub use snapshot::{Blob, CorruptObject, Mode, Snapshot};

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
}

/// An opened repository.
pub struct Repo {
    repo: Repository,
    /// The work tree's root, canonical; `None` for a bare repository.
    workdir: Option<PathBuf>,
    /// Whether the object database is fit for libgit2 to read, checked on first need.
    verified: OnceLock<Result<(), Damage>>,
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
        })
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
    /// are not ignored. Submodules are not files of this repository.
    pub fn worktree(&self) -> Result<Snapshot, Error> {
        let Some(root) = self.workdir.clone() else {
            return Err(Error::BareRepository {
                path: self.repo.path().to_owned(),
            });
        };
        let index = self.repo.index()?;
        let submodules = gitlinks(&index);
        let mut tracked: Vec<String> = index
            .iter()
            .filter(|e| e.mode != GITLINK)
            .filter_map(|e| String::from_utf8(e.path).ok())
            .collect();
        let mut opts = StatusOptions::new();
        opts.show(StatusShow::Workdir)
            .include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false)
            .exclude_submodules(true)
            .include_unmodified(false);
        let statuses = self.repo.statuses(Some(&mut opts))?;
        let mut deleted = HashSet::new();
        let mut untracked = Vec::new();
        for entry in statuses.iter() {
            let Ok(path) = entry.path() else { continue };
            let status = entry.status();
            if status.contains(Status::WT_DELETED) {
                deleted.insert(path.to_owned());
            } else if status.contains(Status::WT_NEW) && !path.ends_with('/') {
                untracked.push(path.to_owned());
            }
        }
        tracked.retain(|p| !deleted.contains(p));
        Ok(Snapshot::worktree(root, tracked, untracked).with_submodules(submodules))
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
        let blobs = index
            .iter()
            .filter(|e| e.mode != GITLINK)
            .filter_map(|e| {
                let symlink = e.mode == 0o120000;
                String::from_utf8(e.path)
                    .ok()
                    .map(|p| (p, Blob { oid: e.id, symlink }))
            })
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
        let tree = self.tree(rev)?;
        let mut blobs = HashMap::new();
        let mut submodules = Vec::new();
        tree.walk(TreeWalkMode::PreOrder, |dir, entry| {
            let mode = entry.filemode();
            if entry.kind() == Some(git2::ObjectType::Commit) {
                if let Ok(name) = entry.name() {
                    submodules.push(format!("{dir}{name}"));
                }
            }
            if entry.kind() == Some(git2::ObjectType::Blob) {
                if let Ok(name) = entry.name() {
                    blobs.insert(
                        format!("{dir}{name}"),
                        Blob {
                            oid: entry.id(),
                            symlink: mode == i32::from(FileMode::Link),
                        },
                    );
                }
            }
            TreeWalkResult::Ok
        })?;
        Ok(Snapshot::objects(
            Mode::Tree,
            self.repo.path().to_owned(),
            blobs,
            self.workdir.clone(),
        )
        .with_submodules(submodules))
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
        let mut diff = match source {
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
        diff.find_similar(Some(
            DiffFindOptions::new().renames(true).for_untracked(true),
        ))?;
        let mut changes = Changes::default();
        for delta in diff.deltas() {
            let new = delta
                .new_file()
                .path()
                .and_then(Path::to_str)
                .map(str::to_owned);
            let old = delta
                .old_file()
                .path()
                .and_then(Path::to_str)
                .map(str::to_owned);
            match delta.status() {
                Delta::Added
                | Delta::Modified
                | Delta::Untracked
                | Delta::Typechange
                | Delta::Copied => {
                    changes.changed.extend(new);
                }
                Delta::Renamed => {
                    changes.changed.extend(new);
                    changes.removed.extend(old);
                }
                Delta::Deleted => changes.removed.extend(old),
                _ => {}
            }
        }
        Ok(changes)
    }

    /// What the staged index changes relative to `HEAD`; `None` before the first commit,
    /// when everything staged is new.
    pub fn staged_changes(&self) -> Result<Option<Changes>, Error> {
        match self.head_commit()? {
            Some(_) => self.changes("HEAD", &Source::Index).map(Some),
            None => Ok(None),
        }
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

/// Submodule paths in an index.
fn gitlinks(index: &git2::Index) -> Vec<String> {
    index
        .iter()
        .filter(|e| e.mode == GITLINK)
        .filter_map(|e| String::from_utf8(e.path).ok())
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
