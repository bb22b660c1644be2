//! The one gate between docsteward and the file system. Reads open only regular files, never
//! follow a symbolic link, and never wait on a FIFO or a device; paths inside the repository
//! are walked one component at a time so that a committed symbolic link to a folder cannot
//! lead out of it. Writes go to a temporary file in the destination's folder and are renamed
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

/// Whether `rel` is a regular file under `root`, reached without any symbolic link.
pub fn is_regular_inside(root: &Path, rel: &Path) -> bool {
    inside(root, rel)
        .and_then(std::fs::symlink_metadata)
        .is_ok_and(|meta| meta.file_type().is_file())
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
        return Err(refused(
            "it is not a regular file (a folder, FIFO, socket or device)",
        ));
    }
    Ok(file)
}

/// The bytes of the regular file at `path`, refusing more than `limit`.
pub fn read_regular(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = open_regular(path)?;
    let size = file.metadata()?.len();
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

fn too_large(size: u64, limit: u64) -> io::Error {
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
        file.sync_all()?;
        std::fs::rename(&temp, &dest)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
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
        assert!(is_regular_inside(root, Path::new("real/b.txt")));
        assert!(!is_regular_inside(root, Path::new("link/b.txt")));
        let fifo = root.join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(read_regular(&fifo, 10).is_err());
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
