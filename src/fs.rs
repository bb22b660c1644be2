//! The one gate between docsteward and the file system. Reads open only regular files, never
//! follow a symbolic link, and never wait on a FIFO or a device; paths inside the repository
//! are walked one component at a time so that a committed symbolic link to a folder cannot
//! lead out of it. The work tree's files are read through a [`Tree`], which opens each folder
//! once (relative to its parent, not following a link) and each file relative to its folder. Writes go to a temporary file in the destination's folder and are renamed
//! into place, never through a symbolic link. Everything that turns a path into bytes, or
//! bytes into a file, calls this module.

use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The most bytes an auxiliary file (a configuration, a schema, an ignore-revs list, a
/// baseline) may have: far above any real one, far below what would hurt.
pub const MAX_AUXILIARY: u64 = 16 * 1024 * 1024;

fn refused(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, message.into())
}

/// `root` joined with the repository-relative `rel`, after checking that no folder on the
/// way is a symbolic link (the last component is not checked: callers decide whether it may
/// be one). `rel` must not be absolute or climb out with `..`.
pub fn inside(root: &Path, rel: &Path) -> io::Result<PathBuf> {
    let mut full = root.to_path_buf();
    let mut parts = rel.components().peekable();
    while let Some(part) = parts.next() {
        match part {
            Component::Normal(name) => full.push(name),
            Component::CurDir => continue,
            _ => return Err(refused("the path leads outside the repository")),
        }
        if parts.peek().is_some() {
            match std::fs::symlink_metadata(&full) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    return Err(refused(format!(
                        "{} is a symbolic link to a folder, which docsteward does not follow",
                        full.display()
                    )))
                }
                Ok(meta) if !meta.is_dir() => {
                    return Err(io::Error::new(
                        io::ErrorKind::NotFound,
                        format!("{} is not a folder", full.display()),
                    ))
                }
                Ok(_) => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(full)
}

/// Opens `path` for reading if it is a regular file, not a symbolic link. A FIFO is opened
/// without blocking and then refused, so a read never waits for a writer.
pub fn open_regular(path: &Path) -> io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC);
    }
    #[cfg(not(unix))]
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(refused("it is a symbolic link"));
    }
    let file = options.open(path).map_err(|e| {
        // O_NOFOLLOW fails with ELOOP on a symbolic link.
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            return refused("it is a symbolic link, which docsteward does not follow here");
        }
        e
    })?;
    if !file.metadata()?.file_type().is_file() {
        return Err(not_regular());
    }
    Ok(file)
}

/// The bytes of the regular file at `path`, refusing more than `limit`.
pub fn read_regular(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = open_regular(path)?;
    let size = file.metadata()?.len();
    read_open(file, size, limit)
}

/// What docsteward compares of a file's stat data with an index entry, and its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stat {
    pub kind: Kind,
    pub size: u64,
    /// Modification time: seconds since the epoch and nanoseconds.
    pub mtime: (i64, u32),
    /// Inode change time (zero where the platform has none).
    pub ctime: (i64, u32),
    /// Inode number (zero where the platform has none).
    pub ino: u64,
}

/// What a directory entry is, not following a symbolic link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Symlink,
    Other,
}

impl Stat {
    /// The modification time, when the platform can represent it.
    pub fn modified(&self) -> Option<std::time::SystemTime> {
        system_time(self.mtime)
    }

    /// When the file last changed in any way: the inode change time, which no tool sets
    /// back (the modification time where the platform has none).
    pub fn changed(&self) -> Option<std::time::SystemTime> {
        system_time(if self.ctime == (0, 0) {
            self.mtime
        } else {
            self.ctime
        })
    }
}

/// Seconds since the epoch and nanoseconds, as a time, when the platform can represent it.
fn system_time((seconds, nanos): (i64, u32)) -> Option<std::time::SystemTime> {
    let seconds = u64::try_from(seconds).ok()?;
    std::time::UNIX_EPOCH.checked_add(std::time::Duration::new(seconds, nanos))
}

impl From<&std::fs::Metadata> for Stat {
    fn from(meta: &std::fs::Metadata) -> Stat {
        let kind = if meta.file_type().is_symlink() {
            Kind::Symlink
        } else if meta.is_dir() {
            Kind::Dir
        } else if meta.is_file() {
            Kind::File
        } else {
            Kind::Other
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Stat {
                kind,
                size: meta.len(),
                mtime: (meta.mtime(), meta.mtime_nsec() as u32),
                ctime: (meta.ctime(), meta.ctime_nsec() as u32),
                ino: meta.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            let since = meta
                .modified()
                .ok()
                .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
                .unwrap_or_default();
            Stat {
                kind,
                size: meta.len(),
                mtime: (since.as_secs() as i64, since.subsec_nanos()),
                ctime: (0, 0),
                ino: 0,
            }
        }
    }
}

/// A file of a [`Tree`] opened for reading, or the target of the symbolic link found in
/// its place (which the caller may follow, or not).
pub enum Opened {
    File(std::fs::File, Stat),
    Link(PathBuf),
}

/// How many folder handles a [`Tree`] keeps open at most.
#[cfg(unix)]
const MAX_OPEN_FOLDERS: usize = 256;

/// A folder (a work tree) read through handles: each folder on the way to a file is opened
/// once, relative to its parent's handle and without following a symbolic link, and files
/// are opened relative to their folder's handle. No path is looked up twice, and a folder
/// swapped for a symbolic link after it was checked cannot lead a read out of the tree.
pub struct Tree {
    root: PathBuf,
    #[cfg(unix)]
    folders:
        std::sync::Mutex<std::collections::HashMap<PathBuf, std::sync::Arc<std::os::fd::OwnedFd>>>,
}

impl std::fmt::Debug for Tree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tree").field("root", &self.root).finish()
    }
}

/// `rel` as a folder and a name, refusing an absolute path or one that climbs with `..`.
fn split(rel: &Path) -> io::Result<(PathBuf, OsString)> {
    let mut folder = PathBuf::new();
    let mut last: Option<OsString> = None;
    for part in rel.components() {
        match part {
            Component::Normal(name) => {
                if let Some(previous) = last.replace(name.to_owned()) {
                    folder.push(previous);
                }
            }
            Component::CurDir => continue,
            _ => return Err(refused("the path leads outside the repository")),
        }
    }
    let name = last.ok_or_else(|| refused("it names no file"))?;
    Ok((folder, name))
}

impl Tree {
    pub fn new(root: PathBuf) -> Tree {
        Tree {
            root,
            #[cfg(unix)]
            folders: std::sync::Mutex::default(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Opens the regular file `rel` (relative to the root), or tells where the symbolic
    /// link in its place points. Refuses a symbolic link to a folder on the way, a FIFO
    /// (opened without blocking), a device, a socket and a folder.
    pub fn open(&self, rel: &Path) -> io::Result<Opened> {
        let (folder, name) = split(rel)?;
        #[cfg(unix)]
        {
            let dir = self.folder(&folder)?;
            let file = match openat(
                &dir,
                &name,
                libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC,
            ) {
                Ok(fd) => std::fs::File::from(fd),
                Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
                    return readlinkat(&dir, &name).map(Opened::Link)
                }
                Err(e) => return Err(e),
            };
            let stat = Stat::from(&file.metadata()?);
            if stat.kind != Kind::File {
                return Err(not_regular());
            }
            Ok(Opened::File(file, stat))
        }
        #[cfg(not(unix))]
        {
            let full = inside(&self.root, &folder)?.join(&name);
            let meta = std::fs::symlink_metadata(&full)?;
            if meta.file_type().is_symlink() {
                return std::fs::read_link(&full).map(Opened::Link);
            }
            let file = open_regular(&full)?;
            let stat = Stat::from(&file.metadata()?);
            Ok(Opened::File(file, stat))
        }
    }

    /// The stat data of `rel` itself (a symbolic link is not followed; one to a folder on
    /// the way is an error).
    pub fn lstat(&self, rel: &Path) -> io::Result<Stat> {
        let (folder, name) = split(rel)?;
        #[cfg(unix)]
        {
            let dir = self.folder(&folder)?;
            fstatat(&dir, &name)
        }
        #[cfg(not(unix))]
        {
            let full = inside(&self.root, &folder)?.join(&name);
            std::fs::symlink_metadata(full).map(|meta| Stat::from(&meta))
        }
    }

    /// The entries of the folder `rel` (relative to the root; empty for the root), read
    /// through its handle: names and what each is, not following a symbolic link. `.` and
    /// `..` are left out; the order is the file system's.
    pub fn list(&self, rel: &Path) -> io::Result<Vec<Entry>> {
        if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(refused("the path leads outside the repository"));
        }
        #[cfg(unix)]
        {
            let dir = self.folder(rel)?;
            list_folder(&dir)
        }
        #[cfg(not(unix))]
        {
            let full = if rel.as_os_str().is_empty() {
                self.root.clone()
            } else {
                inside(&self.root, rel)?
            };
            std::fs::read_dir(full)?
                .map(|entry| {
                    let entry = entry?;
                    let kind = Stat::from(&std::fs::symlink_metadata(entry.path())?).kind;
                    Ok(Entry {
                        name: entry.file_name(),
                        kind,
                    })
                })
                .collect()
        }
    }

    /// The handle of `folder` (relative to the root; empty for the root), opened once.
    #[cfg(unix)]
    fn folder(&self, folder: &Path) -> io::Result<std::sync::Arc<std::os::fd::OwnedFd>> {
        use std::sync::Arc;
        let lock = || self.folders.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(fd) = lock().get(folder) {
            return Ok(Arc::clone(fd));
        }
        let fd = match (folder.parent(), folder.file_name()) {
            (Some(parent), Some(name)) => {
                let parent_fd = self.folder(parent)?;
                openat(
                    &parent_fd,
                    name,
                    libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC,
                )
                .map_err(|e| match e.raw_os_error() {
                    Some(libc::ELOOP | libc::ENOTDIR) => {
                        let full = self.root.join(folder);
                        match fstatat(&parent_fd, name) {
                            Ok(stat) if stat.kind == Kind::Symlink => refused(format!(
                                "{} is a symbolic link to a folder, which docsteward does not follow",
                                full.display()
                            )),
                            _ => io::Error::new(
                                io::ErrorKind::NotFound,
                                format!("{} is not a folder", full.display()),
                            ),
                        }
                    }
                    _ => e,
                })?
            }
            // The root itself may be reached through symbolic links: it is where the user
            // pointed.
            _ => std::fs::File::open(&self.root)?.into(),
        };
        let fd = Arc::new(fd);
        let mut folders = lock();
        if folders.len() >= MAX_OPEN_FOLDERS {
            folders.clear();
        }
        folders.insert(folder.to_path_buf(), Arc::clone(&fd));
        Ok(fd)
    }
}

/// One entry of a folder listed by [`Tree::list`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: OsString,
    pub kind: Kind,
}

/// The entries of the open folder `dir`, read from a descriptor of its own (reading moves
/// a descriptor's offset, and `dir` is shared).
#[cfg(unix)]
fn list_folder(dir: &std::os::fd::OwnedFd) -> io::Result<Vec<Entry>> {
    use std::os::fd::IntoRawFd;
    use std::os::unix::ffi::OsStrExt;
    let own = openat(
        dir,
        std::ffi::OsStr::new("."),
        libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
    )?;
    let raw = own.into_raw_fd();
    // SAFETY: `raw` is an open folder descriptor that nothing else owns; on success the
    // stream owns it and `closedir` below closes it.
    let stream = unsafe { libc::fdopendir(raw) };
    if stream.is_null() {
        let error = io::Error::last_os_error();
        // SAFETY: `fdopendir` failed, so `raw` is still ours to close.
        unsafe { libc::close(raw) };
        return Err(error);
    }
    let mut entries = Vec::new();
    let result = loop {
        let errno_known = clear_errno();
        // SAFETY: `stream` is an open directory stream used by this thread alone.
        let entry = unsafe { libc::readdir(stream) };
        if entry.is_null() {
            let error = io::Error::last_os_error();
            break match error.raw_os_error() {
                Some(code) if errno_known && code != 0 => Err(error),
                _ => Ok(()),
            };
        }
        // SAFETY: a non-null entry from `readdir` holds a NUL-terminated name and stays
        // valid until the next call on the stream.
        let (name, d_type) = unsafe {
            (
                std::ffi::CStr::from_ptr((*entry).d_name.as_ptr()),
                (*entry).d_type,
            )
        };
        let name = std::ffi::OsStr::from_bytes(name.to_bytes());
        if name == "." || name == ".." {
            continue;
        }
        let kind = match d_type {
            libc::DT_REG => Kind::File,
            libc::DT_DIR => Kind::Dir,
            libc::DT_LNK => Kind::Symlink,
            // Some file systems do not say: ask.
            libc::DT_UNKNOWN => match fstatat(dir, name) {
                Ok(stat) => stat.kind,
                Err(_) => continue,
            },
            _ => Kind::Other,
        };
        entries.push(Entry {
            name: name.to_owned(),
            kind,
        });
    };
    // SAFETY: `stream` came from `fdopendir` and is closed once.
    unsafe { libc::closedir(stream) };
    result.map(|()| entries)
}

/// Sets `errno` to zero where the platform lets us, telling whether it did: `readdir`
/// tells the end of a folder from an error only by `errno`.
#[cfg(unix)]
fn clear_errno() -> bool {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        // SAFETY: the thread's own errno.
        unsafe { *libc::__errno_location() = 0 };
        true
    }
    #[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
    {
        // SAFETY: the thread's own errno.
        unsafe { *libc::__error() = 0 };
        true
    }
    #[cfg(not(any(
        target_os = "linux",
        target_os = "android",
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd"
    )))]
    {
        false
    }
}

#[cfg(unix)]
fn c_name(name: &std::ffi::OsStr) -> io::Result<std::ffi::CString> {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::CString::new(name.as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a file name with a NUL byte"))
}

#[cfg(unix)]
fn openat(
    dir: &std::os::fd::OwnedFd,
    name: &std::ffi::OsStr,
    flags: libc::c_int,
) -> io::Result<std::os::fd::OwnedFd> {
    use std::os::fd::{AsRawFd, FromRawFd};
    let name = c_name(name)?;
    // SAFETY: `dir` is an open descriptor and `name` a NUL-terminated string; a descriptor
    // returned is owned by nothing else.
    let fd = unsafe { libc::openat(dir.as_raw_fd(), name.as_ptr(), flags) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just opened and is not shared.
    Ok(unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) })
}

#[cfg(unix)]
fn fstatat(dir: &std::os::fd::OwnedFd, name: &std::ffi::OsStr) -> io::Result<Stat> {
    use std::os::fd::AsRawFd;
    let name = c_name(name)?;
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: valid descriptor, NUL-terminated name, and a buffer of the size fstatat fills.
    let rc = unsafe {
        libc::fstatat(
            dir.as_raw_fd(),
            name.as_ptr(),
            st.as_mut_ptr(),
            libc::AT_SYMLINK_NOFOLLOW,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fstatat succeeded, so it filled the buffer.
    let st = unsafe { st.assume_init() };
    let kind = match st.st_mode & libc::S_IFMT {
        libc::S_IFREG => Kind::File,
        libc::S_IFDIR => Kind::Dir,
        libc::S_IFLNK => Kind::Symlink,
        _ => Kind::Other,
    };
    #[allow(clippy::unnecessary_cast)]
    Ok(Stat {
        kind,
        size: st.st_size as u64,
        mtime: (st.st_mtime as i64, st.st_mtime_nsec as u32),
        ctime: (st.st_ctime as i64, st.st_ctime_nsec as u32),
        ino: st.st_ino as u64,
    })
}

#[cfg(unix)]
fn readlinkat(dir: &std::os::fd::OwnedFd, name: &std::ffi::OsStr) -> io::Result<PathBuf> {
    use std::os::fd::AsRawFd;
    use std::os::unix::ffi::OsStringExt;
    let name = c_name(name)?;
    let mut buf = vec![0u8; 4096];
    // SAFETY: valid descriptor, NUL-terminated name, and a buffer of `buf.len()` bytes.
    let n = unsafe {
        libc::readlinkat(
            dir.as_raw_fd(),
            name.as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
        )
    };
    let n = usize::try_from(n).map_err(|_| io::Error::last_os_error())?;
    if n >= buf.len() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "symbolic link target too long",
        ));
    }
    buf.truncate(n);
    Ok(PathBuf::from(OsString::from_vec(buf)))
}

fn not_regular() -> io::Error {
    refused("it is not a regular file (a folder, FIFO, socket or device)")
}

/// The bytes of `file` (of `size` bytes by its stat data), refusing more than `limit`.
pub fn read_open(file: impl Read, size: u64, limit: u64) -> io::Result<Vec<u8>> {
    if size > limit {
        return Err(too_large(size, limit));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // The file may grow between the size check and the read.
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64, limit));
    }
    Ok(bytes)
}

pub fn too_large(size: u64, limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("it has {size} bytes, more than the {limit} docsteward reads"),
    )
}

/// Writes `dest` atomically: `write` fills a new temporary file in the same folder, which is
/// then renamed over `dest`. Refuses a `dest` that is a symbolic link or anything but a
/// regular file; when `dest` lies inside `root` (the repository), also refuses one under a
/// symbolically linked folder, and creates missing folders there. An existing file's
/// permissions are kept; a new one gets `mode` (before the umask).
pub fn write_atomic(
    dest: &Path,
    root: Option<&Path>,
    mode: u32,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    replace(dest, root, mode, Durable::Yes, write)
}

/// Whether [`replace`] waits for the new file to reach the disk before putting it in place.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Durable {
    Yes,
    /// A cache file, checksummed and rebuilt when it does not check out: after a crash it may
    /// be empty or old, never wrong.
    No,
}

/// [`write_atomic`], syncing the file or not.
fn replace(
    dest: &Path,
    root: Option<&Path>,
    mode: u32,
    durable: Durable,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dest = absolute(dest)?;
    let parent = dest
        .parent()
        .ok_or_else(|| refused("it names no file"))?
        .to_path_buf();
    let name = dest
        .file_name()
        .ok_or_else(|| refused("it names no file"))?
        .to_owned();
    if let Some(rel) = root.and_then(|root| dest.strip_prefix(root).ok().map(|rel| (root, rel))) {
        create_folders(rel.0, rel.1)?;
    }
    let mut permissions = None;
    match std::fs::symlink_metadata(&dest) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(refused(
                "it is a symbolic link; docsteward never writes through one",
            ))
        }
        Ok(meta) if !meta.file_type().is_file() => {
            return Err(refused("it exists and is not a regular file"))
        }
        Ok(meta) => permissions = Some(meta.permissions()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let temp = parent.join(temporary_name(&name));
    let result = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options
                .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
                .mode(mode);
        }
        #[cfg(not(unix))]
        let _ = mode;
        let file = options.open(&temp)?;
        if let Some(permissions) = permissions {
            file.set_permissions(permissions)?;
        }
        let mut out = io::BufWriter::new(file);
        write(&mut out)?;
        let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        if durable == Durable::Yes {
            file.sync_all()?;
        }
        std::fs::rename(&temp, &dest)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Writes a cache file `rel` under the cache folder `dir`: `magic`, the CRC-32 of `body`,
/// then `body`; atomically, never through a symbolic link, creating the folders on the way.
/// The history cache is JSON; the parse and run caches are written this way.
pub fn write_framed(dir: &Path, rel: &Path, magic: &[u8], body: &[u8]) -> Result<(), String> {
    let sum = crc32fast::hash(body).to_le_bytes();
    let path = dir.join(rel);
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).map_err(|e| e.to_string())?;
    }
    // Written in three parts: a cache's body is megabytes, not worth copying once more.
    replace(&path, Some(dir), 0o600, Durable::No, |out| {
        out.write_all(magic)?;
        out.write_all(&sum)?;
        out.write_all(body)
    })
    .map_err(|e| e.to_string())
}

/// The body of a file [`write_framed`] wrote with `magic`, when it starts with `magic` and
/// its checksum matches.
pub fn framed_body<'b>(bytes: &'b [u8], magic: &[u8]) -> Option<&'b [u8]> {
    let (sum, body) = bytes.strip_prefix(magic)?.split_first_chunk::<4>()?;
    (u32::from_le_bytes(*sum) == crc32fast::hash(body)).then_some(body)
}

/// [`write_atomic`] of a byte string.
pub fn write_file(dest: &Path, root: Option<&Path>, mode: u32, bytes: &[u8]) -> io::Result<()> {
    write_atomic(dest, root, mode, |out| out.write_all(bytes))
}

/// Creates the folders of `rel` (a file's path under `root`) that are missing, one at a
/// time, refusing any that is a symbolic link.
fn create_folders(root: &Path, rel: &Path) -> io::Result<()> {
    let mut full = root.to_path_buf();
    let parts: Vec<Component<'_>> = rel.components().collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        match part {
            Component::Normal(name) => full.push(name),
            Component::CurDir => continue,
            _ => return Err(refused("the path leads outside the repository")),
        }
        match std::fs::symlink_metadata(&full) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(refused(format!(
                    "{} is a symbolic link; docsteward never writes through one",
                    full.display()
                )))
            }
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => return Err(refused(format!("{} is not a folder", full.display()))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => std::fs::create_dir(&full)?,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// `.NAME.docsteward-PID-N.tmp`: hidden, unique within this process, and never a name a
/// concurrent run would pick.
fn temporary_name(name: &std::ffi::OsStr) -> OsString {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut temp = OsString::from(".");
    temp.push(name);
    temp.push(format!(
        ".docsteward-{}-{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    temp
}

/// `path` made absolute against the current directory, without resolving links.
fn absolute(path: &Path) -> io::Result<PathBuf> {
    if path.is_absolute() {
        Ok(path.to_path_buf())
    } else {
        Ok(std::env::current_dir()?.join(path))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn reads_refuse_links_folders_and_fifos() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.txt"), "a").unwrap();
        std::fs::create_dir(root.join("real")).unwrap();
        std::fs::write(root.join("real/b.txt"), "b").unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("link")).unwrap();
        std::os::unix::fs::symlink(root.join("a.txt"), root.join("a-link")).unwrap();
        assert_eq!(read_regular(&root.join("a.txt"), 10).unwrap(), b"a");
        assert!(read_regular(&root.join("a-link"), 10).is_err());
        assert!(read_regular(&root.join("real"), 10).is_err());
        assert!(read_regular(&root.join("a.txt"), 0).is_err());
        assert!(inside(root, Path::new("link/b.txt")).is_err());
        assert!(inside(root, Path::new("../x")).is_err());
        let fifo = root.join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(read_regular(&fifo, 10).is_err());
    }

    fn read(tree: &Tree, rel: &str) -> io::Result<Vec<u8>> {
        match tree.open(Path::new(rel))? {
            Opened::File(file, stat) => read_open(file, stat.size, 100),
            Opened::Link(target) => Err(io::Error::other(format!("link to {}", target.display()))),
        }
    }

    #[test]
    fn a_tree_opens_each_folder_without_following_links() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
        std::fs::create_dir_all(root.join("real/deeper")).unwrap();
        std::fs::write(root.join("real/b.txt"), "b").unwrap();
        std::fs::write(root.join("real/deeper/c.txt"), "c").unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("out")).unwrap();
        std::os::unix::fs::symlink("real", root.join("link")).unwrap();
        std::os::unix::fs::symlink("real/b.txt", root.join("b-link")).unwrap();
        let tree = Tree::new(root.to_path_buf());
        assert_eq!(read(&tree, "real/b.txt").unwrap(), b"b");
        assert_eq!(read(&tree, "./real/deeper/c.txt").unwrap(), b"c");
        // A link in the file's place is told, not followed; one on the way is refused.
        assert_eq!(
            read(&tree, "b-link").unwrap_err().to_string(),
            "link to real/b.txt"
        );
        let e = read(&tree, "out/secret.txt").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::PermissionDenied);
        assert!(e.to_string().contains("symbolic link to a folder"), "{e}");
        assert!(read(&tree, "link/b.txt").is_err());
        assert!(tree.lstat(Path::new("out/secret.txt")).is_err());
        let e = read(&tree, "real/b.txt/x").unwrap_err();
        assert!(e.to_string().contains("is not a folder"), "{e}");
        assert!(read(&tree, "../x").is_err());
        assert!(read(&tree, "real").is_err());
        assert!(read(&tree, "missing/x").is_err());
        assert_eq!(tree.lstat(Path::new("real")).unwrap().kind, Kind::Dir);
        assert_eq!(tree.lstat(Path::new("b-link")).unwrap().kind, Kind::Symlink);
        let stat = tree.lstat(Path::new("real/b.txt")).unwrap();
        assert_eq!((stat.kind, stat.size), (Kind::File, 1));
        assert_eq!(
            stat,
            Stat::from(&std::fs::symlink_metadata(root.join("real/b.txt")).unwrap())
        );
        // A folder replaced by a link after it was opened: its handle still reads the folder.
        assert_eq!(read(&tree, "real/deeper/c.txt").unwrap(), b"c");
        std::fs::rename(root.join("real"), root.join("moved")).unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("real")).unwrap();
        assert!(read(&tree, "real/secret.txt").is_err());
        let fifo = root.join("moved/fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(read(&tree, "moved/fifo").is_err());
        // More folders than handles are kept: every one still opens.
        for i in 0..(MAX_OPEN_FOLDERS + 10) {
            std::fs::create_dir(root.join(format!("f{i}"))).unwrap();
            std::fs::write(root.join(format!("f{i}/x")), "x").unwrap();
        }
        for i in 0..(MAX_OPEN_FOLDERS + 10) {
            assert_eq!(read(&tree, &format!("f{i}/x")).unwrap(), b"x");
        }
        assert!(tree.folders.lock().unwrap().len() <= MAX_OPEN_FOLDERS);
    }

    #[cfg(unix)]
    #[test]
    fn a_tree_lists_a_folder_through_its_handle_without_following_links() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
        std::fs::create_dir_all(root.join("real/deeper")).unwrap();
        std::fs::write(root.join("real/b.txt"), "b").unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("real/out")).unwrap();
        let fifo = std::ffi::CString::new(root.join("real/fifo").to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        let tree = Tree::new(root.to_path_buf());
        let sorted = |mut found: Vec<Entry>| {
            found.sort_by(|a, b| a.name.cmp(&b.name));
            found
                .into_iter()
                .map(|e| (e.name.into_string().unwrap(), e.kind))
                .collect::<Vec<_>>()
        };
        let listed = sorted(tree.list(Path::new("real")).unwrap());
        assert_eq!(
            listed,
            [
                ("b.txt".to_owned(), Kind::File),
                ("deeper".to_owned(), Kind::Dir),
                ("fifo".to_owned(), Kind::Other),
                ("out".to_owned(), Kind::Symlink),
            ]
        );
        assert_eq!(
            sorted(tree.list(Path::new("")).unwrap()),
            [("real".to_owned(), Kind::Dir)]
        );
        // Listing twice reads from the start both times: the shared handle is not moved.
        assert_eq!(sorted(tree.list(Path::new("real")).unwrap()), listed);
        // A link on the way is refused, as for reads; a missing folder is an error.
        assert!(tree.list(Path::new("real/out")).is_err());
        assert!(tree.list(Path::new("missing")).is_err());
        assert!(tree.list(Path::new("../x")).is_err());
        assert!(tree.list(Path::new("..")).is_err());
        assert!(tree.list(Path::new("/")).is_err());
    }

    #[test]
    fn writes_replace_atomically_and_never_through_links() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = dir.path();
        let victim = outside.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        std::os::unix::fs::symlink(&victim, root.join("out.json")).unwrap();
        assert!(write_file(&root.join("out.json"), Some(root), 0o644, b"x").is_err());
        std::os::unix::fs::symlink(outside.path(), root.join("schemas")).unwrap();
        assert!(write_file(&root.join("schemas/t.json"), Some(root), 0o644, b"x").is_err());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        assert!(!outside.path().join("t.json").exists());
        write_file(&root.join("new/dir/f.txt"), Some(root), 0o644, b"one").unwrap();
        write_file(&root.join("new/dir/f.txt"), Some(root), 0o644, b"two").unwrap();
        assert_eq!(std::fs::read(root.join("new/dir/f.txt")).unwrap(), b"two");
        // Nothing is left behind but the file itself.
        assert_eq!(std::fs::read_dir(root.join("new/dir")).unwrap().count(), 1);
    }
}
