//! What a shell user gets besides the checks: completion scripts and a man page generated
//! from the same clap definitions the parser uses, and `--version` naming the commit the
//! binary was built from (build.rs, which reads the git directory as files).

mod common;

use std::path::Path;
use std::process::Command;

use common::{have_tool, run_in, TestRepo};

// build.rs, compiled here too, so that its reading of `.git` is tested on every layout.
#[allow(dead_code)]
#[path = "../build.rs"]
mod build_script;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every subcommand of the parser, as `docsteward help` names them.
fn subcommands() -> Vec<String> {
    use clap::CommandFactory;
    docsteward::cli::Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect()
}

#[test]
fn completions_know_every_subcommand_in_every_shell() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run_in(dir.path(), &["completions", shell]);
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        for name in subcommands() {
            assert!(out.stdout.contains(&name), "{shell} misses {name}");
        }
        assert!(out.stdout.contains("changed-since"), "{shell}");
    }
    let out = run_in(dir.path(), &["completions", "tcsh"]);
    assert_eq!(out.code, 2, "{out:?}");
}

/// The bash script, sourced by bash, completes subcommands and the values of `--format`.
#[test]
fn bash_completes_subcommands_and_formats() {
    if !have_tool("bash") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = run_in(dir.path(), &["completions", "bash"]).stdout;
    std::fs::write(dir.path().join("docsteward.bash"), &script).unwrap();
    let complete = |words: &str| -> Vec<String> {
        let probe = format!(
            r#"source ./docsteward.bash
COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); COMP_LINE="{words}"; COMP_POINT=${{#COMP_LINE}}
_docsteward docsteward "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#
        );
        let out = Command::new("bash")
            .args(["--noprofile", "--norc", "-c", &probe])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut words: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect();
        words.sort();
        words
    };
    assert_eq!(complete("docsteward st"), ["stale"]);
    assert_eq!(complete("docsteward check --for"), ["--format"]);
    assert_eq!(
        complete("docsteward check --format ''"),
        ["concise", "github", "human", "json", "sarif"]
    );
}

#[test]
fn the_man_page_documents_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["man"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with(".ie"), "{}", &out.stdout[..80]);
    assert!(out.stdout.contains(".TH docsteward 1"), "{}", out.stdout);
    for name in subcommands() {
        assert!(out.stdout.contains(&name), "the man page misses {name}");
    }
    if !have_tool("man") {
        return;
    }
    // man renders it without complaint, and the page reads as one.
    let page = dir.path().join("docsteward.1");
    std::fs::write(&page, &out.stdout).unwrap();
    let rendered = Command::new("man")
        .arg("-l")
        .arg(&page)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&rendered.stdout);
    let warnings = String::from_utf8_lossy(&rendered.stderr);
    assert!(rendered.status.success(), "{warnings}");
    assert!(warnings.trim().is_empty(), "{warnings}");
    assert!(text.contains("NAME"), "{text}");
    assert!(
        text.contains("Lint a Markdown knowledge base against what git actually has."),
        "{text}"
    );
}

/// Built from this checkout, the binary's version names the commit HEAD names (git2's
/// answer); built from a source without git (a packaged crate), the bare version.
#[test]
fn version_names_the_commit_built_from() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["--version"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let version = env!("CARGO_PKG_VERSION");
    let expected = match std::env::var("DOCSTEWARD_COMMIT") {
        Ok(commit) if build_script::is_commit(&commit) => {
            format!("docsteward {version} (commit {})\n", &commit[..12])
        }
        _ => match git2::Repository::open(manifest_dir()) {
            Ok(repo) => {
                let head = repo.head().unwrap().peel_to_commit().unwrap().id();
                format!(
                    "docsteward {version} (commit {})\n",
                    &head.to_string()[..12]
                )
            }
            Err(_) => format!("docsteward {version}\n"),
        },
    };
    assert_eq!(out.stdout, expected);
}

/// build.rs finds HEAD on a branch (loose or packed), detached, and in a linked worktree,
/// as git2 does, and gives up without a panic on what is not a repository.
#[test]
fn build_script_reads_head_in_every_layout() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n").commit("one");
    let git = repo.git();
    let head = |r: &git2::Repository| r.head().unwrap().peel_to_commit().unwrap().id().to_string();
    let read = |root: &Path| build_script::head_commit(root).map(|h| h.commit);

    assert_eq!(read(repo.root()), Some(head(git)));

    // The branch packed: no loose ref left.
    let branch = git.head().unwrap().name().unwrap().to_owned();
    let oid = head(git);
    std::fs::write(
        repo.path(".git/packed-refs"),
        format!("# pack-refs with: peeled fully-peeled sorted \n{oid} {branch}\n"),
    )
    .unwrap();
    std::fs::remove_file(repo.path(&format!(".git/{branch}"))).unwrap();
    assert_eq!(read(repo.root()), Some(oid.clone()));

    // Detached at a second commit.
    repo.write("b.md", "# B\n").commit("two");
    let second = head(git);
    assert_ne!(second, oid);
    git.set_head_detached(git2::Oid::from_str(&oid).unwrap())
        .unwrap();
    assert_eq!(read(repo.root()), Some(oid.clone()));

    // A linked worktree on its own branch: `.git` is a file naming its git directory.
    let second_commit = git
        .find_commit(git2::Oid::from_str(&second).unwrap())
        .unwrap();
    let other = git.branch("other", &second_commit, false).unwrap();
    let place = tempfile::tempdir().unwrap();
    let tree = place.path().join("tree");
    let mut options = git2::WorktreeAddOptions::new();
    options.reference(Some(other.get()));
    git.worktree("tree", &tree, Some(&options)).unwrap();
    assert!(tree.join(".git").is_file());
    assert_eq!(read(&tree), Some(second));

    // Not a repository, an empty HEAD, a cycle of symbolic refs.
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(read(empty.path()), None);
    std::fs::write(repo.path(".git/HEAD"), "").unwrap();
    assert_eq!(read(repo.root()), None);
    std::fs::write(repo.path(".git/HEAD"), "ref: refs/heads/loop\n").unwrap();
    std::fs::write(repo.path(".git/refs/heads/loop"), "ref: refs/heads/loop\n").unwrap();
    assert_eq!(read(repo.root()), None);
}
