//! The files of one snapshot (work tree, index or a revision's tree) and how to read them.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
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
struct Reader {
    /// Whether files not among `blobs` are read from the work tree (work-tree snapshots).
    disk: bool,
    /// The repository's git dir, for the files read from the object database.
    git_dir: PathBuf,
    /// The files read as blobs: every file of an index or tree snapshot; in a work-tree
    /// snapshot, the tracked files a sparse checkout leaves out of the work tree.
    blobs: HashMap<String, Blob>,
    /// The bytes of file names that are not UTF-8, by the escaped name docsteward shows
    /// (see [`crate::paths::from_bytes`]).
    raw_names: HashMap<String, Vec<u8>>,
    /// The index entries of the tracked files on disk, and when the index was written: what
    /// tells, as git tells it, that a file is still what the index recorded.
    entries: HashMap<String, IndexStat>,
    index_time: Option<std::time::SystemTime>,
    /// The tracked files whose stat data matched their index entry when the work tree was
    /// listed.
    clean: crate::FastSet<String>,
    /// The stat data, as listed, of the other files read from the work tree (changed
    /// tracked files, symbolic links, untracked files), and when the listing began.
    changed: crate::FastMap<String, crate::fs::Stat>,
    listed_at: Option<std::time::SystemTime>,
}

/// What an index entry records of its file's stat data, and its blob.
#[derive(Clone, Copy, Debug)]
pub(super) struct IndexStat {
    pub id: Oid,
    pub seconds: u32,
    pub nanoseconds: u32,
    /// The inode change time, which no tool can set back: a file rewritten in place with
    /// the same size and its modification time restored still differs here.
    pub ctime: (u32, u32),
    pub size: u32,
    pub ino: u32,
}

impl IndexStat {
    pub fn of(entry: &git2::IndexEntry) -> IndexStat {
        IndexStat {
            id: entry.id,
            seconds: entry.mtime.seconds() as u32,
            nanoseconds: entry.mtime.nanoseconds(),
            ctime: (entry.ctime.seconds() as u32, entry.ctime.nanoseconds()),
            size: entry.file_size,
            ino: entry.ino,
        }
    }
}

/// Where one file's bytes are: a file of the work tree, opened, or a blob. `direct` when
/// no symbolic link was followed to it.
enum Located {
    Disk {
        file: std::fs::File,
        stat: crate::fs::Stat,
        direct: bool,
    },
    Object {
        oid: Oid,
        direct: bool,
    },
}

/// A file's bytes and, when known without hashing them, their git blob id (see
/// [`Snapshot::content`]); or only its size, when that is over the limit asked.
pub enum Content {
    Read { bytes: Vec<u8>, id: Option<Oid> },
    TooLarge(u64),
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
    set: crate::FastSet<String>,
    untracked: HashSet<String>,
    /// Every folder that holds a file, without a trailing `/`.
    dirs: crate::FastSet<String>,
    /// Lower-cased path -> files and folders as git has them, built on first use.
    folded: OnceLock<HashMap<String, Vec<String>>>,
    /// File name -> the files of that name, in path order, built on first use.
    by_name: OnceLock<HashMap<String, Vec<String>>>,
    /// Folder (`""` for the root) -> the files directly in it, in path order, built on
    /// first use.
    by_folder: OnceLock<HashMap<String, Vec<String>>>,
    reader: Reader,
    /// The work tree: where a work-tree snapshot's files are read, and what tells "on disk
    /// but not in this snapshot".
    workdir: Option<crate::fs::Tree>,
    /// Submodule paths (gitlinks).
    submodules: Vec<String>,
    /// What [`Snapshot::on_disk`] was asked and answered: the answers that depend on files
    /// outside the snapshot (see [`Snapshot::disk_answers`]); `None` once there were more
    /// than [`MAX_DISK_ANSWERS`], and for a snapshot of the index or a revision, whose
    /// findings are never kept in the run cache.
    asked_on_disk: std::sync::Mutex<Option<crate::FastMap<String, bool>>>,
}

/// `files` grouped by `key`, each group in the files' order.
fn group(files: &[String], key: impl Fn(&str) -> String) -> HashMap<String, Vec<String>> {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for f in files {
        map.entry(key(f)).or_default().push(f.clone());
    }
    map
}

thread_local! {
    /// git2 repositories are not `Sync`: each reading thread opens its own.
    static OPEN: RefCell<Option<(PathBuf, Repository)>> = const { RefCell::new(None) };
}

/// How long after a write a file's stat data is not taken to tell its content (see
/// [`Snapshot::fingerprint`]).
const UNTRUSTED_FOR: std::time::Duration = std::time::Duration::from_secs(2);

/// How many questions of [`Snapshot::on_disk`] a snapshot keeps the answers to.
const MAX_DISK_ANSWERS: usize = 10_000;

/// How many symbolic links in a row a read follows.
const MAX_LINK_HOPS: usize = 8;

/// What a work-tree snapshot is made of, as [`super::Repo::worktree`] lists it.
pub(super) struct WorktreeFiles {
    pub root: crate::fs::Tree,
    pub git_dir: PathBuf,
    /// Tracked files on disk.
    pub tracked: Vec<String>,
    /// Files git does not track and does not ignore.
    pub untracked: Vec<String>,
    /// Tracked files a sparse checkout keeps out of the work tree: read from the index.
    pub sparse: HashMap<String, Blob>,
    pub raw_names: HashMap<String, Vec<u8>>,
    /// The index entries of `tracked`, and the index file's modification time.
    pub entries: HashMap<String, IndexStat>,
    pub index_time: Option<std::time::SystemTime>,
    /// Those of `tracked` whose stat data matched their entry of `entries` when listed.
    pub clean: crate::FastSet<String>,
    /// The stat data of the others and of `untracked`, and when the listing began.
    pub changed: crate::FastMap<String, crate::fs::Stat>,
    pub listed_at: std::time::SystemTime,
}

impl Snapshot {
    pub(super) fn worktree(listed: WorktreeFiles) -> Snapshot {
        let untracked_set: HashSet<String> = listed.untracked.iter().cloned().collect();
        let mut files = listed.tracked;
        files.extend(listed.untracked);
        files.extend(listed.sparse.keys().cloned());
        Snapshot::new(
            Mode::Worktree,
            files,
            untracked_set,
            Reader {
                disk: true,
                git_dir: listed.git_dir,
                blobs: listed.sparse,
                raw_names: listed.raw_names,
                entries: listed.entries,
                index_time: listed.index_time,
                clean: listed.clean,
                changed: listed.changed,
                listed_at: Some(listed.listed_at),
            },
            Some(listed.root),
        )
    }

    pub(super) fn objects(
        mode: Mode,
        git_dir: PathBuf,
        blobs: HashMap<String, Blob>,
        workdir: Option<PathBuf>,
    ) -> Snapshot {
        let files = blobs.keys().cloned().collect();
        let workdir = workdir.map(crate::fs::Tree::new);
        Snapshot::new(
            mode,
            files,
            HashSet::new(),
            Reader {
                disk: false,
                git_dir,
                blobs,
                raw_names: HashMap::new(),
                entries: HashMap::new(),
                index_time: None,
                clean: crate::FastSet::default(),
                changed: crate::FastMap::default(),
                listed_at: None,
            },
            workdir,
        )
    }

    fn new(
        mode: Mode,
        mut files: Vec<String>,
        untracked: HashSet<String>,
        reader: Reader,
        workdir: Option<crate::fs::Tree>,
    ) -> Snapshot {
        files.sort_unstable();
        files.dedup();
        let mut dirs = crate::FastSet::default();
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
        // Only a check of the work tree is kept in the run cache.
        let asked_on_disk = std::sync::Mutex::new(reader.disk.then(crate::FastMap::default));
        Snapshot {
            mode,
            files,
            set,
            untracked,
            dirs,
            folded: OnceLock::new(),
            by_name: OnceLock::new(),
            by_folder: OnceLock::new(),
            reader,
            workdir,
            submodules: Vec::new(),
            asked_on_disk,
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

    /// Whether `path` is a tracked file that a sparse checkout keeps out of the work tree.
    pub fn is_sparse(&self, path: &str) -> bool {
        self.reader.disk && self.reader.blobs.contains_key(path)
    }

    pub fn is_untracked(&self, path: &str) -> bool {
        self.untracked.contains(path)
    }

    /// The files whose name (last segment) is `name`, in path order. Kept with the
    /// snapshot rather than an index: the language server indexes the same snapshot again
    /// on every edit.
    pub fn files_named(&self, name: &str) -> &[String] {
        let by_name = self
            .by_name
            .get_or_init(|| group(&self.files, |f| crate::paths::file_name(f).to_owned()));
        by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// The files directly in `folder` (`""` for the root), in path order.
    pub fn files_in(&self, folder: &str) -> &[String] {
        let by_folder = self
            .by_folder
            .get_or_init(|| group(&self.files, crate::paths::parent));
        by_folder.get(folder).map_or(&[], Vec::as_slice)
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

    /// Whether `path` is a regular file in the work tree, reached without a symbolic link,
    /// although this snapshot does not have it (a git-ignored or an unstaged file).
    pub fn on_disk(&self, path: &str) -> bool {
        let answer = self.workdir.as_ref().is_some_and(|w| {
            w.lstat(Path::new(path))
                .is_ok_and(|stat| stat.kind == crate::fs::Kind::File)
        });
        let mut asked = self.asked_on_disk.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(answers) = asked.as_mut() {
            if answers.len() < MAX_DISK_ANSWERS || answers.contains_key(path) {
                answers.insert(path.to_owned(), answer);
            } else {
                *asked = None;
            }
        }
        answer
    }

    /// Every path [`Snapshot::on_disk`] was asked about so far, with its answer, sorted:
    /// besides the snapshot's own files (see [`Snapshot::fingerprint`]), what a run's
    /// findings depended on. `None` when there were too many to keep.
    pub fn disk_answers(&self) -> Option<Vec<(String, bool)>> {
        let asked = self.asked_on_disk.lock().unwrap_or_else(|e| e.into_inner());
        let mut answers: Vec<(String, bool)> = asked
            .as_ref()?
            .iter()
            .map(|(path, answer)| (path.clone(), *answer))
            .collect();
        answers.sort_unstable();
        Some(answers)
    }

    /// What the snapshot's files are, as they were listed: each path with its blob id (a
    /// file read from the object database, or one of the work tree whose stat data matched
    /// its index entry) or its stat data (any other file of the work tree), and the
    /// submodules. Two listings with the same fingerprint have the same files with the same
    /// content: a file changed after it was listed changes its stat data (its inode change
    /// time, which no tool can set back) and so the next listing's fingerprint. `None` when
    /// that does not hold: a file changed within two seconds of the listing (the clock that
    /// stamps files is coarse, and a second write within the same tick leaves its times as
    /// they were), or one whose stat data is not known.
    pub fn fingerprint(&self) -> Option<Vec<u8>> {
        // Written within UNTRUSTED_FOR of the listing, or after it; unknown counts as recent.
        let recent = |stat: &crate::fs::Stat| {
            let newest = stat.mtime.max(stat.ctime);
            let written = u64::try_from(newest.0).ok().and_then(|seconds| {
                std::time::UNIX_EPOCH.checked_add(std::time::Duration::new(seconds, newest.1))
            });
            let (Some(listed_at), Some(written)) = (self.reader.listed_at, written) else {
                return true;
            };
            written > listed_at
                || listed_at
                    .duration_since(written)
                    .is_ok_and(|age| age < UNTRUSTED_FOR)
        };
        let mut out = Vec::with_capacity(self.files.len() * 64);
        out.push(self.mode as u8);
        for path in &self.files {
            out.extend_from_slice(path.as_bytes());
            out.push(0);
            out.push(u8::from(self.untracked.contains(path)));
            if let Some(blob) = self.reader.blobs.get(path) {
                out.push(b'b');
                out.extend_from_slice(blob.oid.as_bytes());
                out.push(u8::from(blob.symlink));
            } else if let Some(id) = self.listed_clean(path) {
                out.push(b'c');
                out.extend_from_slice(id.as_bytes());
            } else {
                let stat = self.reader.changed.get(path)?;
                if recent(stat) {
                    return None;
                }
                out.push(b's');
                out.push(stat.kind as u8);
                out.extend_from_slice(&stat.size.to_le_bytes());
                out.extend_from_slice(&stat.mtime.0.to_le_bytes());
                out.extend_from_slice(&stat.mtime.1.to_le_bytes());
                out.extend_from_slice(&stat.ctime.0.to_le_bytes());
                out.extend_from_slice(&stat.ctime.1.to_le_bytes());
                out.extend_from_slice(&stat.ino.to_le_bytes());
            }
        }
        for submodule in &self.submodules {
            out.extend_from_slice(submodule.as_bytes());
            out.push(0);
        }
        Some(out)
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

    /// The file's bytes, at most [`crate::fs::MAX_AUXILIARY`] of them (configurations,
    /// schemas and other files docsteward reads besides documents).
    pub fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        self.read_limited(path, crate::fs::MAX_AUXILIARY)
    }

    /// The file's bytes, refusing more than `limit`. Only the snapshot's own files are read:
    /// never a path outside the repository, in `.git`, git-ignored, or reached through a
    /// symbolic link to a folder; a symbolic link file is followed only to another of the
    /// snapshot's files.
    pub fn read_limited(&self, path: &str, limit: u64) -> io::Result<Vec<u8>> {
        match self.content(path, limit)? {
            Content::Read { bytes, .. } => Ok(bytes),
            Content::TooLarge(size) => Err(crate::fs::too_large(size, limit)),
        }
    }

    /// [`Snapshot::read_limited`], with the git blob id of the bytes read when it is known
    /// without hashing them: the blob's, for a file read from the object database; the
    /// index's, for a file on disk whose stat data (looked at after the read) still matches
    /// its index entry, as git decides that a file is unchanged. A file over `limit` is not
    /// read: its size is returned instead.
    pub fn content(&self, path: &str, limit: u64) -> io::Result<Content> {
        match self.locate(path)? {
            Located::Object { oid, direct } => {
                let size = blob_size(&self.reader.git_dir, oid)?;
                if size > limit {
                    return Ok(Content::TooLarge(size));
                }
                let bytes = read_blob(&self.reader.git_dir, oid)?;
                Ok(Content::Read {
                    bytes,
                    id: direct.then_some(oid),
                })
            }
            Located::Disk { file, stat, direct } => {
                if stat.size > limit {
                    return Ok(Content::TooLarge(stat.size));
                }
                // Looked at again once read: a write during the read shows in it.
                let (bytes, after) = {
                    let mut file = file;
                    let bytes = crate::fs::read_open(&mut file, stat.size, limit)?;
                    let after = crate::fs::Stat::from(&file.metadata()?);
                    (bytes, after)
                };
                let id = self
                    .reader
                    .entries
                    .get(path)
                    .filter(|entry| {
                        direct
                            && u64::from(entry.size) == (bytes.len() as u64 & 0xFFFF_FFFF)
                            && stat_matches(entry, &after, self.reader.index_time)
                    })
                    .map(|entry| entry.id);
                Ok(Content::Read { bytes, id })
            }
        }
    }

    /// Where `path`'s bytes are, following symbolic links that stay among the snapshot's
    /// files.
    fn locate(&self, path: &str) -> io::Result<Located> {
        let mut path = path.to_owned();
        for hop in 0..MAX_LINK_HOPS {
            let direct = hop == 0;
            if !self.contains(&path) {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("{path} is not in the snapshot"),
                ));
            }
            let target = if let Some(blob) = self.reader.blobs.get(&path) {
                if !blob.symlink {
                    return Ok(Located::Object {
                        oid: blob.oid,
                        direct,
                    });
                }
                let bytes = read_blob(&self.reader.git_dir, blob.oid)?;
                String::from_utf8(bytes).map_err(|_| outside())?
            } else {
                let Some(tree) = self.workdir.as_ref().filter(|_| self.reader.disk) else {
                    return Err(io::Error::other("no work tree to read from"));
                };
                match tree.open(&self.disk_name(&path))? {
                    crate::fs::Opened::File(file, stat) => {
                        return Ok(Located::Disk { file, stat, direct })
                    }
                    crate::fs::Opened::Link(target) => target
                        .into_os_string()
                        .into_string()
                        .map_err(|_| outside())?,
                }
            };
            // An absolute target names the file system's root, never the repository's.
            if target.starts_with('/') {
                return Err(outside());
            }
            path = crate::paths::join(&crate::paths::parent(&path), &target).ok_or_else(outside)?;
        }
        Err(io::Error::other("too many levels of symbolic links"))
    }

    /// The blob of the work tree's `path` when, as the snapshot was made, its stat data was
    /// what its index entry records: git takes it for the entry's blob without reading it.
    pub(super) fn listed_clean(&self, path: &str) -> Option<Oid> {
        self.reader
            .clean
            .contains(path)
            .then(|| self.reader.entries.get(path).map(|e| e.id))
            .flatten()
    }

    /// The stat data of the work tree's `path` itself (a symbolic link is not followed),
    /// for a comparison with what the index recorded; an error for a file not on the disk.
    pub(super) fn disk_stat(&self, path: &str) -> io::Result<crate::fs::Stat> {
        let Some(tree) = self.workdir.as_ref().filter(|_| self.reader.disk) else {
            return Err(io::Error::other("no work tree to read from"));
        };
        if self.reader.blobs.contains_key(path) {
            return Err(io::Error::other("read from the index, not the work tree"));
        }
        tree.lstat(&self.disk_name(path))
    }

    /// The name of `path` on disk: its original bytes when they are not UTF-8.
    fn disk_name(&self, path: &str) -> PathBuf {
        disk_name(&self.reader.raw_names, path)
    }
}

/// The name of `path` on disk: its original bytes (from `raw_names`) when they are not UTF-8.
pub(super) fn disk_name(raw_names: &HashMap<String, Vec<u8>>, path: &str) -> PathBuf {
    #[cfg(unix)]
    if let Some(raw) = raw_names.get(path) {
        use std::os::unix::ffi::OsStringExt;
        return PathBuf::from(std::ffi::OsString::from_vec(raw.clone()));
    }
    PathBuf::from(path)
}

/// Whether the file `stat` describes is, by its stat data, the one the index `entry`
/// recorded (modification and change times, size, inode), and the entry is older than the index file
/// (`index_time`): an entry as new as the index may have changed again within the same
/// moment without its stat data showing it (git's "racily clean").
pub(super) fn stat_matches(
    entry: &IndexStat,
    stat: &crate::fs::Stat,
    index_time: Option<std::time::SystemTime>,
) -> bool {
    let Some(modified) = stat.modified() else {
        return false;
    };
    let same_time = i64::from(entry.seconds) == stat.mtime.0 && entry.nanoseconds == stat.mtime.1;
    let racy = index_time.is_none_or(|index| modified >= index);
    #[cfg(unix)]
    let same_file =
        entry.ino == stat.ino as u32 && entry.ctime == (stat.ctime.0 as u32, stat.ctime.1);
    #[cfg(not(unix))]
    let same_file = true;
    stat.kind == crate::fs::Kind::File
        && same_time
        && same_file
        && !racy
        && u64::from(entry.size) == (stat.size & 0xFFFF_FFFF)
}

fn outside() -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        "symbolic link points to a file that is not in the repository's snapshot",
    )
}

/// A blob that the object database lacks or cannot read: the repository is damaged.
#[derive(Debug, thiserror::Error)]
#[error("object {oid} is missing or corrupt: {message}")]
pub struct CorruptObject {
    pub oid: Oid,
    pub message: String,
}

/// A blob the object database does not have, as in a partial clone (`--filter=blob:none`)
/// or a sparse checkout of one: only the files whose content a run needs suffer from it.
#[derive(Debug, thiserror::Error)]
#[error(
    "its content (object {oid}) is not in this clone, a partial or sparse one: fetch it, or add its folder to the sparse checkout"
)]
pub struct MissingObject {
    pub oid: Oid,
}

fn corrupt(oid: Oid, e: &git2::Error) -> io::Error {
    if e.code() == git2::ErrorCode::NotFound {
        return io::Error::new(io::ErrorKind::NotFound, MissingObject { oid });
    }
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

fn blob_size(git_dir: &PathBuf, oid: Oid) -> io::Result<u64> {
    with_repo(git_dir, |repo| {
        let odb = repo.odb().map_err(io::Error::other)?;
        let (size, _) = odb.read_header(oid).map_err(|e| corrupt(oid, &e))?;
        Ok(size as u64)
    })
}

fn read_blob(git_dir: &PathBuf, oid: Oid) -> io::Result<Vec<u8>> {
    with_repo(git_dir, |repo| {
        let blob = repo.find_blob(oid).map_err(|e| corrupt(oid, &e))?;
        Ok(blob.content().to_vec())
    })
}
