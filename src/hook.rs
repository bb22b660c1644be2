//! `docsteward hook install | uninstall`: a plain git `pre-commit` hook that checks what the
//! commit would record and what it breaks (`check --staged`), for repositories that do not
//! use the pre-commit framework. A marker line tells our hook from one somebody else wrote, which we never
//! replace or remove unasked.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::repo::Repo;

/// The line that marks a hook as ours.
pub const MARKER: &str = "# installed by docsteward";

const SCRIPT: &str = "#!/bin/sh
# installed by docsteward
# Checks the documents this commit changes, as staged, and every document whose links,
# anchors or terms it breaks. Skip it once with `git commit --no-verify`; remove it with
# `docsteward hook uninstall`.
exec docsteward check --staged \"$@\"
";

/// What `install` or `uninstall` did, to the hook at the path given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Installed(PathBuf),
    /// A hook was there and `--force` replaced it (or it was ours already).
    Replaced(PathBuf),
    Removed(PathBuf),
    /// There was no hook to remove.
    Absent(PathBuf),
}

/// Writes the `pre-commit` hook of the repository containing `cwd`. An existing hook without
/// our marker is replaced only when `force` is set.
pub fn install(cwd: &Path, force: bool) -> Result<Change, Error> {
    let repo = Repo::discover(cwd)?;
    // A bare repository commits nothing through a work tree: no hook of ours would run.
    if repo.is_bare() {
        return Err(Error::BareRepository { path: repo.root() });
    }
    let root = repo.root();
    let path = repo.hooks_dir()?.join("pre-commit");
    let replaced = match read(&path)? {
        Some(existing) if !is_ours(&existing) && !force => return Err(Error::ForeignHook { path }),
        existing => existing.is_some(),
    };
    // Inside the repository (a committed `core.hooksPath` folder, say) no folder on the way
    // may be a symbolic link; the hook itself is replaced whole, never written through one.
    crate::fs::write_file(&path, Some(&root), 0o777, SCRIPT.as_bytes()).map_err(|source| {
        Error::Write {
            path: path.clone(),
            source,
        }
    })?;
    make_executable(&path)?;
    Ok(if replaced {
        Change::Replaced(path)
    } else {
        Change::Installed(path)
    })
}

/// Removes the `pre-commit` hook if we wrote it.
pub fn uninstall(cwd: &Path) -> Result<Change, Error> {
    let path = hook_path(cwd)?;
    match read(&path)? {
        None => Ok(Change::Absent(path)),
        Some(existing) if !is_ours(&existing) => Err(Error::ForeignHook { path }),
        Some(_) => {
            std::fs::remove_file(&path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            Ok(Change::Removed(path))
        }
    }
}

fn hook_path(cwd: &Path) -> Result<PathBuf, Error> {
    Ok(Repo::discover(cwd)?.hooks_dir()?.join("pre-commit"))
}

fn is_ours(script: &str) -> bool {
    script.lines().any(|l| l.trim_end() == MARKER)
}

/// The hook's text; `None` when there is none. A hook that is not UTF-8 is not ours, and
/// neither is a symbolic link (read as empty), which docsteward never writes through.
fn read(path: &Path) -> Result<Option<String>, Error> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => return Ok(Some(String::new())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        _ => {}
    }
    match crate::fs::read_regular(path, 1024 * 1024) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Io {
            path: path.to_owned(),
            source,
        }),
    }
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), Error> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).map_err(|source| {
        Error::Io {
            path: path.to_owned(),
            source,
        }
    })
}

/// Git for Windows runs hooks through its own shell, whatever the file's mode.
#[cfg(not(unix))]
fn make_executable(_path: &Path) -> Result<(), Error> {
    Ok(())
}
