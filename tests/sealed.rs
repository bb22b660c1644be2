//! The file-system boundary: what docsteward reads and writes stays inside the repository's
//! snapshot, never goes through a symbolic link out of it, never blocks on a special file, and
//! sparse or partial clones are read from what they have. Each test pins a way in that once
//! leaked or broke.

mod common;

use std::path::Path;

use common::{f, Output, TestRepo};

/// Everything a run printed, where a leaked secret would show.
fn printed(out: &Output) -> String {
    format!("{}\n{}", out.stdout, out.stderr)
}

fn schema_config(schema: &str) -> String {
    format!("[[content]]\nname = \"term\"\npaths = [\"glossary/*.md\"]\nschema = \"{schema}\"\n")
}

// ---------------------------------------------------------------- schemas

#[test]
fn a_schema_ref_through_a_committed_folder_symlink_is_not_read() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("creds.json"),
        r#"{"token": "SECRET-OUTSIDE"}"#,
    )
    .unwrap();
    let repo = TestRepo::new();
    repo.write("docsteward.toml", schema_config("schemas/term.json"))
        .write(
            "schemas/term.json",
            r#"{"properties": {"term": {"$ref": "ext/creds.json#/token"}}}"#,
        )
        .write("glossary/a.md", "---\nterm: 1\n---\n# A\n");
    repo.symlink("schemas/ext", outside.path());
    repo.commit("schema through a symlink");
    for extra in [&[][..], &["--rev", "HEAD"], &["--staged"]] {
        let out = repo.check_json(extra);
        assert!(
            !printed(&out).contains("SECRET"),
            "{extra:?}: {}",
            printed(&out)
        );
        assert!(
            out.failure().contains("schemas/ext/creds.json"),
            "{extra:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn a_schema_ref_to_an_ignored_file_is_not_read() {
    let repo = TestRepo::new();
    repo.write(".gitignore", "creds.json\n")
        .write("docsteward.toml", schema_config("schemas/term.json"))
        .write(
            "schemas/term.json",
            r#"{"properties": {"term": {"$ref": "creds.json#/token"}}}"#,
        )
        .write("schemas/creds.json", r#"{"token": "SECRET-IGNORED"}"#)
        .write("glossary/a.md", "---\nterm: 1\n---\n# A\n")
        .commit("schema refers to an ignored file");
    let out = repo.check_json(&[]);
    assert!(!printed(&out).contains("SECRET"), "{}", printed(&out));
    out.failure();
}

#[test]
fn a_schema_inside_dot_git_is_not_read() {
    let repo = TestRepo::new();
    std::fs::write(
        repo.git().path().join("schema.json"),
        r#"{"properties": {"term": {"const": "SECRET-IN-GIT"}}}"#,
    )
    .unwrap();
    repo.write("docsteward.toml", schema_config(".git/schema.json"))
        .write("glossary/a.md", "---\nterm: A\n---\n# A\n")
        .commit("schema in .git");
    let out = repo.check_json(&[]);
    assert!(!printed(&out).contains("SECRET"), "{}", printed(&out));
    assert!(out.failure().contains(".git/schema.json"), "{}", out.stderr);
}

#[test]
fn a_configuration_in_a_subfolder_names_a_schema_elsewhere_in_the_repository() {
    let repo = TestRepo::new();
    repo.write(
        "docs/docsteward.toml",
        "[[content]]\nname = \"term\"\npaths = [\"glossary/*.md\"]\nschema = \"../schemas/t.json\"\n",
    )
    .write("schemas/t.json", common::TERM_SCHEMA)
    .write("docs/glossary/a.md", "---\nterm: A\ncategory: nonsense\n---\n# A\n")
    .write("docs/glossary/b.md", "---\nterm: B\ncategory: concept\n---\n# B\n")
    .commit("config in a subfolder");
    let out = repo.run_at("docs", &["check", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", printed(&out));
    let findings: Vec<_> = out
        .findings()
        .into_iter()
        .filter(|x| x.0 != "stale/age")
        .collect();
    assert_eq!(
        findings,
        [f("frontmatter/schema", "docs/glossary/a.md", 3, 11)]
    );
    // Still no way out of the repository.
    repo.write(
        "docs/docsteward.toml",
        "[[content]]\nname = \"term\"\npaths = [\"glossary/*.md\"]\nschema = \"../../t.json\"\n",
    );
    let out = repo.run_at("docs", &["check", "--format", "json"]);
    assert!(
        out.failure().contains("outside the repository"),
        "{}",
        out.stderr
    );
}

// ---------------------------------------------------------------- ignore-revs-file

#[test]
fn ignore_revs_file_outside_the_repository_is_a_configuration_error() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n").commit("a");
    for (file, says) in [
        ("../../../../../../etc/shadow", "outside the repository"),
        ("/dev/zero", "inside the repository"),
    ] {
        repo.write(
            "docsteward.toml",
            format!("[stale]\nignore-revs-file = \"{file}\"\n"),
        );
        for command in [
            &["stale", "--format", "json"][..],
            &["check", "--format", "json"],
        ] {
            let out = repo.run(command);
            let stderr = out.failure();
            assert!(stderr.contains("ignore-revs-file"), "{file}: {stderr}");
            assert!(stderr.contains(says), "{file}: {stderr}");
        }
    }
}

#[test]
fn ignore_revs_file_that_is_a_fifo_or_a_link_to_a_device_is_not_read() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n");
    repo.symlink("zero", "/dev/zero");
    repo.write("docsteward.toml", "[stale]\nignore-revs-file = \"zero\"\n")
        .commit("a");
    let (out, took) = common::run_within(
        repo.root(),
        &["stale", "--format", "json", "--as-of", "2024-01-01"],
        std::time::Duration::from_secs(20),
    );
    let out = out.unwrap_or_else(|| panic!("a link to /dev/zero: still running after {took:?}"));
    assert_eq!(out.code, 0, "{}", printed(&out));
    // A FIFO in the work tree, untracked and not ignored.
    std::fs::remove_file(repo.path("zero")).unwrap();
    let fifo = std::ffi::CString::new(repo.path("zero").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    let (out, took) = common::run_within(
        repo.root(),
        &["stale", "--format", "json", "--as-of", "2024-01-01"],
        std::time::Duration::from_secs(20),
    );
    let out = out.unwrap_or_else(|| panic!("a FIFO: still running after {took:?}"));
    assert_eq!(out.code, 0, "{}", printed(&out));
}

// ---------------------------------------------------------------- writes

#[test]
fn a_committed_baseline_symlink_is_never_written_through() {
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let repo = TestRepo::new();
    repo.write("a.md", "[x](gone.md)\n");
    repo.symlink(".docsteward-baseline.json", &victim);
    repo.commit("baseline link");
    let out = repo.run(&["baseline", "--as-of", "2024-01-01"]);
    assert!(out.failure().contains("symbolic link"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    let out = repo.run(&["check", "--prune-baseline", "--as-of", "2024-01-01"]);
    out.failure();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    // `--output` is refused the same way, inside or outside the repository.
    for output in [".docsteward-baseline.json", victim.to_str().unwrap()] {
        let out = repo.run(&["check", "--output", output, "--as-of", "2024-01-01"]);
        out.failure();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    }
    // An ordinary file is replaced whole, and nothing temporary is left beside it.
    std::fs::remove_file(repo.path(".docsteward-baseline.json")).unwrap();
    let out = repo.run(&["baseline", "--as-of", "2024-01-01"]);
    assert_eq!(out.code, 0, "{}", printed(&out));
    let leftovers: Vec<_> = std::fs::read_dir(repo.root())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("docsteward-") && n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn output_into_a_symlinked_folder_of_the_repository_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n");
    repo.symlink("reports", outside.path());
    repo.commit("a");
    let out = repo.run(&[
        "check",
        "--output",
        "reports/out.json",
        "--as-of",
        "2024-01-01",
    ]);
    assert!(out.failure().contains("symbolic link"), "{}", out.stderr);
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

#[test]
fn init_never_writes_through_a_dangling_config_link_or_a_symlinked_schemas_folder() {
    let outside = tempfile::tempdir().unwrap();
    let repo = TestRepo::new();
    repo.write(
        "glossary/a.md",
        "---\nterm: A\ncategory: concept\n---\n# A\n",
    )
    .write(
        "glossary/b.md",
        "---\nterm: B\ncategory: concept\n---\n# B\n",
    )
    .write(
        "glossary/c.md",
        "---\nterm: C\ncategory: practice\n---\n# C\n",
    );
    repo.symlink("docsteward.toml", outside.path().join("planted.toml"));
    repo.commit("docs");
    let out = repo.run(&["init", "--force"]);
    assert!(out.failure().contains("symbolic link"), "{}", out.stderr);
    assert!(!outside.path().join("planted.toml").exists());
    // Without --force, a dangling link is a file that exists.
    let out = repo.run(&["init"]);
    assert!(out.failure().contains("docsteward.toml"), "{}", out.stderr);

    std::fs::remove_file(repo.path("docsteward.toml")).unwrap();
    repo.symlink("schemas", outside.path());
    let out = repo.run(&["init"]);
    assert!(out.failure().contains("symbolic link"), "{}", out.stderr);
    assert_eq!(
        std::fs::read_dir(outside.path()).unwrap().count(),
        0,
        "init wrote outside the repository"
    );
}

#[test]
fn hook_install_refuses_a_bare_repository_and_a_symlinked_hook() {
    let bare = tempfile::tempdir().unwrap();
    git2::Repository::init_bare(bare.path()).unwrap();
    let out = common::run_in(bare.path(), &["hook", "install"]);
    assert!(out.failure().contains("bare"), "{}", out.stderr);
    assert!(!bare.path().join("hooks/pre-commit").exists());

    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n").commit("a");
    let hooks = repo.git().path().join("hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    std::os::unix::fs::symlink(&victim, hooks.join("pre-commit")).unwrap();
    // Not ours: left alone without --force, and never written through with it.
    repo.run(&["hook", "install"]).failure();
    let out = repo.run(&["hook", "install", "--force"]);
    assert!(out.failure().contains("symbolic link"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}

// ---------------------------------------------------------------- existence oracle

#[test]
fn links_through_a_symlink_to_the_root_do_not_tell_what_exists_outside() {
    let repo = TestRepo::new();
    repo.write(
        "a.md",
        "[a](root/etc/passwd) [b](root/etc/nope-not-there)\n",
    );
    repo.symlink("root", "/");
    repo.commit("root link");
    let out = repo.check_json(&["--as-of", "2024-01-01"]);
    let findings: Vec<_> = out
        .findings()
        .into_iter()
        .filter(|x| x.0 != "stale/age")
        .collect();
    assert_eq!(
        findings,
        [
            f("links/missing-file", "a.md", 1, 5),
            f("links/missing-file", "a.md", 1, 26),
        ],
        "{}",
        out.stdout
    );
}

// ---------------------------------------------------------------- names

#[test]
fn documents_whose_names_are_not_utf8_are_checked_and_shown_escaped() {
    use std::os::unix::ffi::OsStrExt;
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    std::fs::write(repo.root().join(name), "# Caf\n\n[x](gone.md)\n").unwrap();
    std::fs::create_dir_all(repo.root().join(std::ffi::OsStr::from_bytes(b"d\xff"))).unwrap();
    std::fs::write(
        repo.root()
            .join(std::ffi::OsStr::from_bytes(b"d\xff"))
            .join("b.md"),
        "[y](nope.md)\n",
    )
    .unwrap();
    // git2's add_all skips names that are not UTF-8: add them one by one.
    let mut index = repo.git().index().unwrap();
    index.add_path(Path::new("a.md")).unwrap();
    index.add_path(Path::new(name)).unwrap();
    index
        .add_path(Path::new(std::ffi::OsStr::from_bytes(b"d\xff/b.md")))
        .unwrap();
    index.write().unwrap();
    let expected = [
        f("links/missing-file", "caf\\xE9.md", 3, 5),
        f("links/missing-file", "d\\xFF/b.md", 1, 5),
    ];
    let staged = repo.check_json(&["--staged"]);
    assert_eq!(staged.findings(), expected, "{}", printed(&staged));
    let worktree = repo.check_json(&["--no-baseline"]);
    assert_eq!(worktree.findings(), expected, "{}", printed(&worktree));
    repo.commit_at("names", 1_700_000_000, "Test", &[]);
    for extra in [&[][..], &["--rev", "HEAD"]] {
        let mut args = vec!["--as-of", "2023-11-20"];
        args.extend_from_slice(extra);
        let out = repo.check_json(&args);
        assert_eq!(out.findings(), expected, "{extra:?}: {}", printed(&out));
        assert!(out.stdout.contains("3 documents") || out.json()["summary"]["documents"] == 3);
    }
    // Every format shows the escaped name.
    for format in ["human", "concise", "github", "sarif"] {
        let out = repo.run(&["check", "--format", format, "--as-of", "2023-11-20"]);
        assert!(
            out.stdout.contains("caf\\xE9.md") || out.stdout.contains("caf%5CxE9.md"),
            "{format}: {}",
            out.stdout
        );
    }
}

// ---------------------------------------------------------------- sparse and partial clones

/// Runs the `git` command (what git2 cannot do: partial clones and sparse checkouts).
fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A repository with a document in `docs/` that links to an image and a document elsewhere,
/// cloned with `--filter=blob:none` and a sparse checkout of `docs/` only: the other files'
/// blobs are not in the clone and the files are not on disk.
fn partial_sparse_clone() -> (TestRepo, tempfile::TempDir) {
    let origin = TestRepo::new();
    origin
        .write(
            "docs/a.md",
            "# Start\n\n![diagram](../images/diagram.png) [b](../other/b.md#b) [gone](../other/gone.md)\n",
        )
        .write("other/b.md", "# B\n")
        .write("images/diagram.png", b"\x89PNG\r\n\x1a\n")
        .commit("docs");
    origin
        .git()
        .config()
        .unwrap()
        .set_bool("uploadpack.allowFilter", true)
        .unwrap();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.root().display());
    git(
        clone.path(),
        &[
            "clone",
            "--quiet",
            "--filter=blob:none",
            "--no-checkout",
            &url,
            "c",
        ],
    );
    let work = clone.path().join("c");
    git(&work, &["sparse-checkout", "set", "docs"]);
    git(&work, &["checkout", "--quiet"]);
    assert!(!work.join("images").exists() && !work.join("other").exists());
    (origin, clone)
}

#[test]
fn a_sparse_partial_clone_checks_its_documents_against_everything_git_has() {
    let (_origin, clone) = partial_sparse_clone();
    let work = clone.path().join("c");
    let gone = f("links/missing-file", "docs/a.md", 3, 63);
    let run = |args: &[&str]| {
        let mut all = vec!["check", "--format", "json", "--as-of", "2023-11-20"];
        all.extend_from_slice(args);
        common::run_in(&work, &all)
    };
    // The image and the other document exist in git: only the really missing file is
    // reported, and the documents outside the sparse checkout are not reported on.
    let out = run(&[]);
    assert_eq!(out.code, 1, "{}", printed(&out));
    assert_eq!(
        out.findings(),
        std::slice::from_ref(&gone),
        "{}",
        out.stdout
    );
    // A revision's tree has them all as documents: the one whose content the clone lacks is
    // unreadable; the image, whose content nothing needs, is nothing.
    let out = run(&["--rev", "HEAD"]);
    assert_eq!(out.code, 1, "{}", printed(&out));
    assert_eq!(
        out.findings(),
        [gone.clone(), f("io/unreadable", "other/b.md", 1, 1)],
        "{}",
        out.stdout
    );
    // Staleness comes from trees alone.
    let out = common::run_in(
        &work,
        &["stale", "--format", "json", "--as-of", "2023-11-20"],
    );
    assert_eq!(out.code, 0, "{}", printed(&out));
    assert!(out.stdout.contains("docs/a.md"), "{}", out.stdout);
    // Named explicitly, a document outside the sparse checkout is read from the index, and
    // the clone does not have it.
    let out = run(&["other/b.md"]);
    assert_eq!(out.findings(), [f("io/unreadable", "other/b.md", 1, 1)]);
    // An uncommitted document beside the missing blobs: what changed is found without
    // reading them, and init checks its own configuration to the end.
    std::fs::write(work.join("docs/new.md"), "# New\n").unwrap();
    let out = run(&[]);
    assert_eq!(out.code, 1, "{}", printed(&out));
    assert_eq!(
        out.findings(),
        std::slice::from_ref(&gone),
        "{}",
        out.stdout
    );
    let out = common::run_in(&work, &["init"]);
    assert_eq!(out.code, 0, "{}", printed(&out));
}

#[test]
fn a_sparse_checkout_reads_the_documents_it_leaves_out_from_the_index() {
    let repo = TestRepo::new();
    repo.write("docs/a.md", "# A\n\n[b](../other/b.md#missing-heading)\n")
        .write("other/b.md", "# B\n\n[x](gone.md)\n")
        .commit("docs");
    // What `git sparse-checkout set docs` leaves: other/ flagged skip-worktree, not on disk.
    let mut index = repo.git().index().unwrap();
    let mut entry = index.get_path(Path::new("other/b.md"), 0).unwrap();
    entry.flags |= 0x4000; // extended
    entry.flags_extended |= 1 << 14; // skip-worktree
    index.add(&entry).unwrap();
    index.write().unwrap();
    std::fs::remove_dir_all(repo.path("other")).unwrap();
    let out = repo.check_json(&["--as-of", "2023-11-20"]);
    // The anchor is judged against the index's copy; other/b.md's own broken link is not
    // reported, as the document is not in this work tree.
    assert_eq!(
        out.findings(),
        [f("links/missing-anchor", "docs/a.md", 3, 18)],
        "{}",
        printed(&out)
    );
}
