//! `docsteward hook install | uninstall`: an executable pre-commit hook that runs
//! `check --staged`, written where git looks (core.hooksPath honoured), never replacing or
//! removing a hook somebody else wrote unless told to.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::TestRepo;

const FOREIGN: &str = "#!/bin/sh\necho 'a hook of my own'\n";

fn default_hook(repo: &TestRepo) -> PathBuf {
    repo.path(".git/hooks/pre-commit")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn install_writes_an_executable_hook_that_checks_the_staged_documents() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n").commit("init");
    let out = repo.run(&["hook", "install"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let hook = default_hook(&repo);
    assert!(
        out.stdout.contains("Installed the pre-commit hook"),
        "{}",
        out.stdout
    );
    let script = read(&hook);
    assert!(script.starts_with("#!/bin/sh\n"), "{script}");
    assert!(
        script.lines().any(|l| l == "# installed by docsteward"),
        "{script}"
    );
    assert!(
        script.contains("exec docsteward check --staged \"$@\""),
        "{script}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&hook).unwrap().permissions().mode() & 0o111,
            0o111
        );
    }

    // Run it as git would (from the work tree root) with a broken link staged.
    repo.write("b.md", "# B\n\n[x](missing.md)\n");
    let mut index = repo.git().index().unwrap();
    index.add_path(Path::new("b.md")).unwrap();
    index.write().unwrap();
    let out = Command::new(&hook)
        .current_dir(repo.root())
        .env("PATH", common::path_with_binary())
        .env("DOCSTEWARD_CACHE_DIR", common::cache_dir())
        .env("NO_COLOR", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "the hook refuses the commit");
    assert!(String::from_utf8_lossy(&out.stdout).contains("links/missing-file"));

    // Installing again replaces our own hook without --force.
    let out = repo.run(&["hook", "install"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn a_foreign_hook_is_replaced_only_with_force() {
    let repo = TestRepo::new();
    repo.write(".git/hooks/pre-commit", FOREIGN);
    let out = repo.run(&["hook", "install"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("was not installed by docsteward"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--force"), "{}", out.stderr);
    assert_eq!(read(&default_hook(&repo)), FOREIGN);

    let out = repo.run(&["hook", "install", "--force"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("Replaced"), "{}", out.stdout);
    assert!(read(&default_hook(&repo)).contains("# installed by docsteward"));
}

#[test]
fn honours_core_hooks_path() {
    let repo = TestRepo::new();
    repo.git()
        .config()
        .unwrap()
        .set_str("core.hooksPath", ".githooks")
        .unwrap();
    // From a subfolder: the hooks path is relative to the work tree, not the directory.
    repo.write("docs/a.md", "# A\n");
    let out = repo.run_at("docs", &["hook", "install"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(read(&repo.path(".githooks/pre-commit")).contains("# installed by docsteward"));
    assert!(!default_hook(&repo).exists());

    let out = repo.run(&["hook", "uninstall"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!repo.path(".githooks/pre-commit").exists());
}

#[test]
fn uninstall_removes_only_its_own_hook() {
    let repo = TestRepo::new();
    let out = repo.run(&["hook", "uninstall"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("nothing to remove"), "{}", out.stdout);

    repo.write(".git/hooks/pre-commit", FOREIGN);
    let out = repo.run(&["hook", "uninstall"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("was not installed by docsteward"),
        "{}",
        out.stderr
    );
    assert_eq!(read(&default_hook(&repo)), FOREIGN);

    std::fs::remove_file(default_hook(&repo)).unwrap();
    assert_eq!(repo.run(&["hook", "install"]).code, 0);
    let out = repo.run(&["hook", "uninstall"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("Removed"), "{}", out.stdout);
    assert!(!default_hook(&repo).exists());
}

/// The hook as git runs it, on commits that break references held by documents the commit
/// does not touch (`git commit` is the oracle: git2 runs no hooks).
#[test]
fn the_installed_hook_refuses_commits_that_break_references_elsewhere() {
    if !common::have_tool("git") {
        return;
    }
    common::gate::every_breaking_commit_is_refused(&|repo, _| {
        let out = repo.run(&["hook", "install"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
    });
}
