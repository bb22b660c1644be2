//! The files of one snapshot (work tree, index or a revision's tree) and how to read them.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io;
use std::path::PathBuf;
use std::sync::OnceLock;

use git2::{Oid, Repository};

/// Which state of the repository a snapshot shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Files on disk: tracked and untracked-but-not-ignored.
    Worktree,
    /// The staged index.
    Index,
    /// A revision's tree.
    Tree,
}

/// Where a snapshot's bytes come from.
#[derive(Debug)]
enum Reader {
    /// The work tree on disk, under this canonical root.
    Worktree(PathBuf),
    /// Blobs in the object database of the repository at this git dir.
    Objects {
        git_dir: PathBuf,
        blobs: HashMap<String, Blob>,
    },
}

/// A blob and whether git records it as a symbolic link.
#[derive(Clone, Copy, Debug)]
pub struct Blob {
    pub oid: Oid,
    pub symlink: bool,
}

#[derive(Debug)]
pub struct Snapshot {
    mode: Mode,
    files: Vec<String>,
    set: HashSet<String>,
    untracked: HashSet<String>,
    /// Every folder that holds a file, without a trailing `/`.
    dirs: HashSet<String>,
    /// Lower-cased path -> files and folders as git has them, built on first use.
    folded: OnceLock<HashMap<String, Vec<String>>>,
    reader: Reader,
    /// The work tree, for telling "on disk but not in this snapshot".
    workdir: Option<PathBuf>,
    /// Submodule paths (gitlinks).
    submodules: Vec<String>,
}

thread_local! {
    /// git2 repositories are not `Sync`: each reading thread opens its own.
    static OPEN: RefCell<Option<(PathBuf, Repository)>> = const { RefCell::new(None) };
}

/// How many symbolic links in a row a read follows.
const MAX_LINK_HOPS: usize = 8;

impl Snapshot {
    pub(super) fn worktree(
        root: PathBuf,
        tracked: Vec<String>,
        untracked: Vec<String>,
    ) -> Snapshot {
        let untracked_set: HashSet<String> = untracked.iter().cloned().collect();
        let mut files = tracked;
        files.extend(untracked);
        Snapshot::new(
            Mode::Worktree,
            files,
            untracked_set,
            Reader::Worktree(root.clone()),
            Some(root),
        )
    }

    pub(super) fn objects(
        mode: Mode,
        git_dir: PathBuf,
        blobs: HashMap<String, Blob>,
        workdir: Option<PathBuf>,
    ) -> Snapshot {
        let files = blobs.keys().cloned().collect();
        Snapshot::new(
            mode,
            files,
            HashSet::new(),
            Reader::Objects { git_dir, blobs },
            workdir,
        )
    }

    fn new(
        mode: Mode,
        mut files: Vec<String>,
        untracked: HashSet<String>,
        reader: Reader,
        workdir: Option<PathBuf>,
    ) -> Snapshot {
        files.sort_unstable();
        files.dedup();
        let mut dirs = HashSet::new();
        for f in &files {
            let mut path = f.as_str();
            while let Some(i) = path.rfind('/') {
                path = &path[..i];
                if !dirs.insert(path.to_owned()) {
                    break;
                }
            }
        }
        let set = files.iter().cloned().collect();
        Snapshot {
            mode,
            files,
            set,
            untracked,
            dirs,
            folded: OnceLock::new(),
            reader,
            workdir,
            submodules: Vec::new(),
        }
    }

    pub(super) fn with_submodules(mut self, submodules: Vec<String>) -> Snapshot {
        self.submodules = submodules;
        self
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Every file, sorted.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    pub fn contains(&self, path: &str) -> bool {
        self.set.contains(path)
    }

    /// Whether `path` is a folder holding at least one file (`""` is the root).
    pub fn is_dir(&self, path: &str) -> bool {
        let path = path.trim_end_matches('/');
        path.is_empty() || self.dirs.contains(path)
    }

    pub fn is_untracked(&self, path: &str) -> bool {
        self.untracked.contains(path)
    }

    /// Files and folders whose paths differ from `path` only in letter case.
    pub fn case_variants(&self, path: &str) -> Vec<&str> {
        let path = path.trim_end_matches('/');
        let folded = self.folded.get_or_init(|| {
            let mut map: HashMap<String, Vec<String>> = HashMap::new();
            for f in self.files.iter().chain(&self.dirs) {
                map.entry(f.to_lowercase()).or_default().push(f.clone());
            }
            map
        });
        folded
            .get(&path.to_lowercase())
            .map(|found| {
                found
                    .iter()
                    .map(String::as_str)
                    .filter(|f| *f != path)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether `path` exists in the work tree although this snapshot does not have it.
    pub fn on_disk(&self, path: &str) -> bool {
        self.workdir
            .as_ref()
            .is_some_and(|w| std::fs::symlink_metadata(w.join(path)).is_ok())
    }

    /// The file's size in bytes, without reading it (an object header for blobs).
    pub fn size(&self, path: &str) -> io::Result<u64> {
        match &self.reader {
            Reader::Worktree(root) => std::fs::metadata(root.join(path)).map(|m| m.len()),
            Reader::Objects { git_dir, blobs } => {
                let blob = blobs.get(path).ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::NotFound,
                        format!("{path} is not in the snapshot"),
                    )
                })?;
                with_repo(git_dir, |repo| {
                    let odb = repo.odb().map_err(io::Error::other)?;
                    let (size, _) = odb
                        .read_header(blob.oid)
                        .map_err(|e| corrupt(blob.oid, &e))?;
                    Ok(size as u64)
                })
            }
        }
    }

    /// Whether `path` is inside a submodule (whose files belong to another repository).
    pub fn in_submodule(&self, path: &str) -> bool {
        self.submodules.iter().any(|s| {
            path == s
                || path
                    .strip_prefix(s.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    }

    /// The file's bytes. A symbolic link is followed only to a file inside the repository.
    pub fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        match &self.reader {
            Reader::Worktree(root) => {
                let full = root.join(path);
                let meta = std::fs::symlink_metadata(&full)?;
                if meta.file_type().is_symlink() {
                    // Followed only to one of this snapshot's own files: not outside the
                    // repository, not into `.git` (where CI keeps credentials), not to an
                    // ignored file such as `.env`.
                    let target = full.canonicalize()?;
                    let inside = target
                        .strip_prefix(root)
                        .ok()
                        .and_then(|rel| rel.to_str())
                        .map(|rel| rel.replace(std::path::MAIN_SEPARATOR, "/"))
                        .filter(|rel| self.contains(rel));
                    if inside.is_none() {
                        return Err(io::Error::new(
                            io::ErrorKind::PermissionDenied,
                            "symbolic link points to a file that is not in the repository's snapshot",
                        ));
                    }
                    return std::fs::read(target);
                }
                std::fs::read(full)
            }
            Reader::Objects { git_dir, blobs } => {
                let mut path = path.to_owned();
                for _ in 0..MAX_LINK_HOPS {
                    let blob = blobs.get(&path).ok_or_else(|| {
                        io::Error::new(
                            io::ErrorKind::NotFound,
                            format!("{path} is not in the snapshot"),
                        )
                    })?;
                    let bytes = read_blob(git_dir, blob.oid)?;
                    if !blob.symlink {
                        return Ok(bytes);
                    }
                    let target = String::from_utf8_lossy(&bytes).into_owned();
                    // An absolute target names the file system's root, never the repository's.
                    if target.starts_with('/') {
                        return Err(io::Error::new(
                            io::ErrorKind::PermissionDenied,
                            "symbolic link points outside the repository",
                        ));
                    }
                    path = crate::paths::join(&crate::paths::parent(&path), &target).ok_or_else(
                        || {
                            io::Error::new(
                                io::ErrorKind::PermissionDenied,
                                "symbolic link points outside the repository",
                            )
                        },
                    )?;
                }
                Err(io::Error::other("too many levels of symbolic links"))
            }
        }
    }
}

/// A blob that the object database lacks or cannot read: the repository is damaged.
#[derive(Debug, thiserror::Error)]
#[error("object {oid} is missing or corrupt: {message}")]
pub struct CorruptObject {
    pub oid: Oid,
    pub message: String,
}

fn corrupt(oid: Oid, e: &git2::Error) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        CorruptObject {
            oid,
            message: e.message().to_owned(),
        },
    )
}

/// Runs `f` with this thread's handle on the repository at `git_dir`.
fn with_repo<T>(git_dir: &PathBuf, f: impl FnOnce(&Repository) -> io::Result<T>) -> io::Result<T> {
    OPEN.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.as_ref().is_none_or(|(dir, _)| dir != git_dir) {
            let repo = Repository::open(git_dir).map_err(io::Error::other)?;
            *slot = Some((git_dir.clone(), repo));
        }
        match slot.as_ref() {
            Some((_, repo)) => f(repo),
            None => Err(io::Error::other("repository not open")),
        }
    })
}

fn read_blob(git_dir: &PathBuf, oid: Oid) -> io::Result<Vec<u8>> {
    with_repo(git_dir, |repo| {
        let blob = repo.find_blob(oid).map_err(|e| corrupt(oid, &e))?;
        Ok(blob.content().to_vec())
    })
}
