//! Every git2 call lives here. A [`Snapshot`] is the set of files docsteward sees and their
//! contents; rules ask it whether a path exists, never the disk.

mod snapshot;

use std::path::{Component, Path, PathBuf};

use git2::{Repository, Status, StatusOptions, StatusShow};

use crate::error::Error;
pub use snapshot::Snapshot;

/// An opened repository.
pub struct Repo {
    repo: Repository,
    /// The work tree's root, canonical.
    root: PathBuf,
}

impl Repo {
    /// Finds the repository containing `dir`.
    pub fn discover(dir: &Path) -> Result<Repo, Error> {
        let repo = Repository::discover(dir).map_err(|e| match e.code() {
            git2::ErrorCode::NotFound => Error::NotARepository { path: dir.to_owned() },
            _ => Error::Git(e),
        })?;
        let Some(workdir) = repo.workdir() else {
            return Err(Error::BareRepository { path: repo.path().to_owned() });
        };
        let root = workdir.canonicalize().map_err(|source| Error::Io { path: workdir.to_owned(), source })?;
        Ok(Repo { repo, root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The work tree as git sees it: tracked files still on disk, plus untracked files that
    /// are not ignored. Submodules are not files of this repository.
    pub fn worktree(&self) -> Result<Snapshot, Error> {
        let index = self.repo.index()?;
        let mut tracked: Vec<String> = index
            .iter()
            .filter(|e| e.mode != 0o160000)
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
        let mut deleted = std::collections::HashSet::new();
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
        Ok(Snapshot::worktree(self.root.clone(), tracked, untracked))
    }

    /// Whether git ignores `path` (repository-relative).
    pub fn is_ignored(&self, path: &str) -> bool {
        self.repo.is_path_ignored(path).unwrap_or(false)
    }

    /// The repository-relative form of `path` (absolute, or relative to `cwd`), which must
    /// lie inside the work tree.
    pub fn relative(&self, cwd: &Path, path: &Path) -> Result<String, Error> {
        let joined = cwd.join(path);
        let absolute = joined.canonicalize().unwrap_or_else(|_| normalize(&joined));
        let rel = absolute
            .strip_prefix(&self.root)
            .map_err(|_| Error::OutsideRepository { path: path.to_owned(), root: self.root.clone() })?;
        let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        Ok(parts.join("/"))
    }
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
