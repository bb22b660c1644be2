//! The files of one snapshot (work tree, index or a revision's tree) and how to read them.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::PathBuf;
use std::sync::OnceLock;

/// Where a snapshot's bytes come from.
#[derive(Debug)]
enum Reader {
    /// The work tree on disk, under this canonical root.
    Worktree(PathBuf),
}

#[derive(Debug)]
pub struct Snapshot {
    files: Vec<String>,
    set: HashSet<String>,
    untracked: HashSet<String>,
    /// Every folder that holds a file, without a trailing `/`.
    dirs: HashSet<String>,
    /// Lower-cased path -> paths as git has them, built on first use.
    folded: OnceLock<HashMap<String, Vec<usize>>>,
    reader: Reader,
}

impl Snapshot {
    pub(super) fn worktree(root: PathBuf, tracked: Vec<String>, untracked: Vec<String>) -> Snapshot {
        let untracked_set: HashSet<String> = untracked.iter().cloned().collect();
        let mut files = tracked;
        files.extend(untracked);
        Snapshot::new(files, untracked_set, Reader::Worktree(root))
    }

    fn new(mut files: Vec<String>, untracked: HashSet<String>, reader: Reader) -> Snapshot {
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
        Snapshot { files, set, untracked, dirs, folded: OnceLock::new(), reader }
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

    /// Paths that differ from `path` only in letter case.
    pub fn case_variants(&self, path: &str) -> Vec<&str> {
        let folded = self.folded.get_or_init(|| {
            let mut map: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, f) in self.files.iter().enumerate() {
                map.entry(f.to_lowercase()).or_default().push(i);
            }
            map
        });
        folded
            .get(&path.to_lowercase())
            .map(|ids| ids.iter().map(|&i| self.files[i].as_str()).filter(|f| *f != path).collect())
            .unwrap_or_default()
    }

    /// The file's bytes. A symbolic link is followed only to a file inside the repository.
    pub fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        match &self.reader {
            Reader::Worktree(root) => {
                let full = root.join(path);
                let meta = std::fs::symlink_metadata(&full)?;
                if meta.file_type().is_symlink() {
                    let target = full.canonicalize()?;
                    if !target.starts_with(root) {
                        return Err(io::Error::new(
                            io::ErrorKind::PermissionDenied,
                            "symbolic link points outside the repository",
                        ));
                    }
                    return std::fs::read(target);
                }
                std::fs::read(full)
            }
        }
    }

    /// Where a repository path would be on disk, for snapshots that have a work tree.
    pub fn disk_path(&self, path: &str) -> Option<PathBuf> {
        match &self.reader {
            Reader::Worktree(root) => Some(root.join(path)),
        }
    }
}
