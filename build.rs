//! Records the commit docsteward is built from, for `docsteward --version`: from
//! `DOCSTEWARD_COMMIT` when set (release builds), else from the git directory of the source
//! (read as files: a build never runs `git`), else from the `.cargo_vcs_info.json` that
//! `cargo package` writes into a published crate. None of them: the version stands alone.
//! The result is `DOCSTEWARD_VERSION`, e.g. `0.1.0 (commit 0123456789ab)`.

use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=DOCSTEWARD_COMMIT");
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let commit = std::env::var("DOCSTEWARD_COMMIT")
        .ok()
        .filter(|c| is_commit(c))
        .or_else(|| {
            let head = head_commit(&root)?;
            // Only files that exist: cargo reruns a script on every build for a missing one.
            for file in head.read.iter().filter(|f| f.exists()) {
                println!("cargo:rerun-if-changed={}", file.display());
            }
            Some(head.commit)
        })
        .or_else(|| vcs_info_commit(&root));
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    match commit {
        Some(commit) => println!(
            "cargo:rustc-env=DOCSTEWARD_VERSION={version} (commit {})",
            &commit[..12]
        ),
        None => println!("cargo:rustc-env=DOCSTEWARD_VERSION={version}"),
    }
}

/// The commit HEAD names, and every file read to find it (a build reruns when one changes).
pub struct Head {
    pub commit: String,
    pub read: Vec<PathBuf>,
}

/// Resolves HEAD of the repository whose work tree is `root`: `.git` as a folder or as a
/// `gitdir:` file (a linked worktree, a submodule), HEAD detached or naming a branch, the
/// branch as a loose ref or in `packed-refs` of the common directory.
pub fn head_commit(root: &Path) -> Option<Head> {
    let dot_git = root.join(".git");
    let mut read = vec![dot_git.clone()];
    let git_dir = if dot_git.is_dir() {
        dot_git
    } else {
        let text = fs::read_to_string(&dot_git).ok()?;
        let target = PathBuf::from(text.strip_prefix("gitdir:")?.trim());
        if target.is_absolute() {
            target
        } else {
            root.join(target)
        }
    };
    // A linked worktree keeps its HEAD in its own folder and the refs in the common one.
    let common = match fs::read_to_string(git_dir.join("commondir")) {
        Ok(text) => git_dir.join(text.trim()),
        Err(_) => git_dir.clone(),
    };
    read.push(git_dir.join("HEAD"));
    let mut head = fs::read_to_string(git_dir.join("HEAD"))
        .ok()?
        .trim()
        .to_owned();
    // A symbolic ref may name another symbolic ref; a cycle must not hang the build.
    for _ in 0..5 {
        let Some(name) = head.strip_prefix("ref:").map(str::trim) else {
            return is_commit(&head).then_some(Head { commit: head, read });
        };
        let name = name.to_owned();
        let loose = [git_dir.join(&name), common.join(&name)]
            .into_iter()
            .find(|p| p.is_file());
        read.push(common.join(&name));
        read.push(common.join("packed-refs"));
        head = match loose {
            Some(file) => fs::read_to_string(file).ok()?.trim().to_owned(),
            None => packed_ref(&common.join("packed-refs"), &name)?,
        };
    }
    None
}

/// The object `name` points at in a `packed-refs` file.
fn packed_ref(file: &Path, name: &str) -> Option<String> {
    let text = fs::read_to_string(file).ok()?;
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.starts_with('^'))
        .find_map(|line| {
            let (oid, refname) = line.split_once(' ')?;
            (refname.trim() == name).then(|| oid.to_owned())
        })
}

/// The `"sha1"` of the `.cargo_vcs_info.json` cargo writes when it packages a crate.
fn vcs_info_commit(root: &Path) -> Option<String> {
    let text = fs::read_to_string(root.join(".cargo_vcs_info.json")).ok()?;
    let rest = &text[text.find("\"sha1\"")? + "\"sha1\"".len()..];
    let value = rest
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    let commit = &value[..value.find('"')?];
    is_commit(commit).then(|| commit.to_owned())
}

/// A full hexadecimal object id (SHA-1 or SHA-256).
pub fn is_commit(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}
