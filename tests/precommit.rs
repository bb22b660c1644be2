//! The pre-commit framework: the hooks this repository offers (.pre-commit-hooks.yaml),
//! installed by the real `pre-commit` from a repository that offers them as this one does.
//! `docsteward-system` runs the binary under test from PATH; `docsteward` installs the
//! wheel (from the wheelhouse .ci/run builds, pip without an index) and runs its binary.
//! Both refuse commits that stage a broken link or break references held by documents the
//! commit does not touch, let clean commits through, and `pre-commit run --all-files` (how
//! CI runs pre-commit) reports what `docsteward check` reports.

mod common;

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use common::gate::{self, knowledge_base, run_with, text};
use common::{have_tool, wheelhouse, TestRepo};
use yaml_rust2::{Yaml, YamlLoader};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn manifest_hooks() -> Vec<Yaml> {
    let path = manifest_dir().join(".pre-commit-hooks.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    let mut docs = YamlLoader::load_from_str(&text).unwrap();
    docs.remove(0).into_vec().unwrap()
}

#[test]
fn the_offered_hooks_run_on_every_commit_and_on_all_files() {
    let hooks = manifest_hooks();
    let ids: Vec<&str> = hooks.iter().filter_map(|h| h["id"].as_str()).collect();
    assert_eq!(ids, ["docsteward", "docsteward-system"]);
    assert_eq!(hooks[0]["language"].as_str(), Some("python"));
    assert_eq!(hooks[1]["language"].as_str(), Some("system"));
    for hook in &hooks {
        assert_eq!(hook["entry"].as_str(), Some("docsteward check --staged"));
        // Deleting an image stages no Markdown file, yet can break a document.
        assert_eq!(hook["always_run"].as_bool(), Some(true));
        // The file names scope the report (every document under --all-files); one run sees
        // them all.
        assert_eq!(hook["pass_filenames"].as_bool(), Some(true));
        assert_eq!(hook["require_serial"].as_bool(), Some(true));
        let types: Vec<&str> = hook["types_or"]
            .as_vec()
            .unwrap()
            .iter()
            .filter_map(|t| t.as_str())
            .collect();
        assert_eq!(types, ["markdown", "mdx"]);
    }

    if have_tool("pre-commit") {
        let out = Command::new("pre-commit")
            .args(["validate-manifest", ".pre-commit-hooks.yaml"])
            .current_dir(manifest_dir())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// The package pre-commit installs for the python hook pins the wheel of this very version,
/// and the wheel's project is `docsteward`, a binary, at Cargo.toml's version.
#[test]
fn the_hook_package_pins_the_wheel_of_this_version() {
    let version = env!("CARGO_PKG_VERSION");
    let read = |path: &str| -> toml::Table {
        toml::from_str(&std::fs::read_to_string(manifest_dir().join(path)).unwrap()).unwrap()
    };
    let hook = read("pyproject.toml");
    assert_eq!(hook["project"]["version"].as_str(), Some(version));
    let dependencies: Vec<&str> = hook["project"]["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d.as_str())
        .collect();
    assert_eq!(dependencies, [format!("docsteward=={version}")]);
    let wheel = read("python/pyproject.toml");
    assert_eq!(wheel["project"]["name"].as_str(), Some("docsteward"));
    assert_eq!(wheel["tool"]["maturin"]["bindings"].as_str(), Some("bin"));
    assert_eq!(
        wheel["tool"]["maturin"]["manifest-path"].as_str(),
        Some("../Cargo.toml")
    );
}

/// Where pre-commit gets a hook from: a repository holding this one's hook manifest and
/// hook package, at a commit, and the environment its install and runs need.
struct Offered {
    _repo: TestRepo,
    url: String,
    rev: String,
    id: &'static str,
    env: Vec<(&'static str, OsString)>,
}

fn offered(id: &'static str) -> Offered {
    let repo = TestRepo::new();
    for file in [".pre-commit-hooks.yaml", "pyproject.toml"] {
        repo.write(file, std::fs::read(manifest_dir().join(file)).unwrap());
    }
    let rev = repo
        .commit_at("hooks", 1_700_000_000, "Hooks", &[])
        .to_string();
    Offered {
        url: repo.root().to_str().unwrap().to_owned(),
        _repo: repo,
        rev,
        id,
        env: Vec::new(),
    }
}

/// The python hook, installed from the wheelhouse with no index, and with nothing but the
/// usual tools on PATH: the docsteward that runs is the one pip put in the hook's
/// environment.
fn offered_wheel() -> Option<Offered> {
    let (dir, _wheel) = wheelhouse()?;
    let mut hook = offered("docsteward");
    hook.env = vec![
        ("PIP_NO_INDEX", "1".into()),
        ("PIP_FIND_LINKS", dir.into_os_string()),
        ("PATH", std::env::var_os("PATH").unwrap_or_default()),
    ];
    Some(hook)
}

impl Offered {
    fn env(&self) -> Vec<(&str, &std::ffi::OsStr)> {
        self.env.iter().map(|(k, v)| (*k, v.as_os_str())).collect()
    }

    fn run(&self, dir: &Path, program: &str, args: &[&str], cache: &Path) -> std::process::Output {
        run_with(dir, program, args, cache, &self.env())
    }

    /// A `.pre-commit-config.yaml` (JSON, which is YAML) using the hook with `args`.
    fn config(&self, args: &[&str]) -> String {
        serde_json::json!({ "repos": [{
            "repo": self.url,
            "rev": self.rev,
            "hooks": [{ "id": self.id, "args": args }],
        }] })
        .to_string()
    }

    /// `pre-commit install`s the hook in `repo`, whose configuration it commits first.
    fn install(&self, repo: &TestRepo, cache: &Path, args: &[&str]) {
        repo.write(".pre-commit-config.yaml", self.config(args));
        gate::stage(repo, &[".pre-commit-config.yaml"], &[]);
        repo.commit_at("pre-commit", 1_700_000_000, "Test", &[]);
        let out = self.run(repo.root(), "pre-commit", &["install"], cache);
        assert!(out.status.success(), "{}", text(&out));
    }
}

fn have_pre_commit() -> bool {
    have_tool("pre-commit") && have_tool("git")
}

#[test]
fn pre_commit_refuses_a_broken_image_link_and_accepts_a_clean_commit() {
    if have_pre_commit() {
        refuses_a_broken_image_link(&offered("docsteward-system"));
    }
}

#[test]
fn pre_commit_refuses_commits_that_break_references_elsewhere() {
    if !have_pre_commit() {
        return;
    }
    let hook = offered("docsteward-system");
    gate::every_breaking_commit_is_refused(&|repo, cache| hook.install(repo, cache, &[]));
}

/// The hook users get: pre-commit installs the wheel (timed: seconds, where building from
/// source took minutes), and the wheel's docsteward refuses what the binary under test
/// refuses.
#[test]
fn the_python_hook_installs_the_wheel_and_refuses_what_check_refuses() {
    if !have_pre_commit() {
        return;
    }
    let Some(hook) = offered_wheel() else {
        return;
    };
    let repo = TestRepo::new();
    repo.write("docs/index.md", "# Index\n").commit("init");
    let cache = tempfile::tempdir().unwrap();
    hook.install(&repo, cache.path(), &[]);
    let started = Instant::now();
    let out = hook.run(repo.root(), "pre-commit", &["install-hooks"], cache.path());
    assert!(out.status.success(), "{}", text(&out));
    eprintln!(
        "pre-commit installed the docsteward hook from the wheel in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // pre-commit keeps each hook repository in a folder of its own, the environment in it.
    let children = |dir: &Path| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir)
            .map(|entries| entries.filter_map(|e| Some(e.ok()?.path())).collect())
            .unwrap_or_default()
    };
    let installed: Vec<_> = children(cache.path())
        .iter()
        .flat_map(|repo| children(repo))
        .filter(|env| {
            env.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("py_env-"))
        })
        .map(|env| env.join("bin/docsteward"))
        .filter(|p| p.is_file())
        .collect();
    assert_eq!(installed.len(), 1, "the wheel's docsteward: {installed:?}");

    refuses_a_broken_image_link(&hook);
    gate::every_breaking_commit_is_refused_with(
        &|repo, cache| hook.install(repo, cache, &[]),
        &hook.env(),
    );
    all_files_finds_what_check_finds(&hook);
}

fn refuses_a_broken_image_link(hook: &Offered) {
    let repo = TestRepo::new();
    repo.write("docs/index.md", "# Index\n").commit("init");
    let cache = tempfile::tempdir().unwrap();
    hook.install(&repo, cache.path(), &[]);
    let before = gate::head(&repo);

    // `git add PATH`, then `git commit`, which runs the hook.
    let commit = |path: &str| {
        gate::stage(&repo, &[path], &[]);
        hook.run(
            repo.root(),
            "git",
            &["commit", "-m", "Add the diagram"],
            cache.path(),
        )
    };

    repo.write("docs/diagram.md", "# Diagram\n\n![The flow](flow.png)\n");
    let out = commit("docs/diagram.md");
    let shown = text(&out);
    assert!(!out.status.success(), "the commit went through:\n{shown}");
    assert!(
        shown.contains("links/missing-file") && shown.contains("flow.png"),
        "{shown}"
    );
    assert_eq!(gate::head(&repo), before);

    repo.write("docs/flow.png", [0x89u8, b'P', b'N', b'G']);
    let out = commit("docs/flow.png");
    assert!(out.status.success(), "{}", text(&out));
    assert_ne!(gate::head(&repo), before);
}

#[test]
fn pre_commit_all_files_finds_what_check_finds() {
    if have_pre_commit() {
        all_files_finds_what_check_finds(&offered("docsteward-system"));
    }
}

/// `pre-commit run --all-files` is how CI runs pre-commit: it must report what
/// `docsteward check` reports, every document of the knowledge base, and nothing from
/// files the configuration leaves out.
fn all_files_finds_what_check_finds(hook: &Offered) {
    let repo = knowledge_base();
    repo.write(
        "docsteward.toml",
        "exclude = [\"vendor/**\"]\n\n[rules]\n\"assets/unused\" = \"warning\"\n",
    )
    .write("docs/images/unused.png", [0x89u8, b'P', b'N', b'G'])
    .write("docs/broken.md", "# Broken\n\n[gone](nowhere.md)\n")
    .write("docs/anchor.md", "# Anchor\n\n[x](Guide.md#no-such-part)\n")
    .write("vendor/lib/notes.md", "# Vendored\n\n[x](missing.md)\n")
    .write(
        ".pre-commit-config.yaml",
        hook.config(&["--format", "concise"]),
    );
    repo.commit("base");
    let cache = tempfile::tempdir().unwrap();

    let check = repo.run(&["check", "--format", "concise"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    let expected = finding_lines(&check.stdout);
    // Two broken references, and an image no document uses (a rule on the whole snapshot).
    assert_eq!(expected.len(), 3, "{}", check.stdout);

    let out = hook.run(
        repo.root(),
        "pre-commit",
        &["run", "--all-files"],
        cache.path(),
    );
    let shown = text(&out);
    assert!(!out.status.success(), "{shown}");
    assert_eq!(finding_lines(&shown), expected, "{shown}");
    let documents = repo.check_json(&[]).json()["summary"]["documents"].clone();
    assert!(
        shown.contains(&format!("in {documents} documents.")),
        "every document is checked once:\n{shown}"
    );
}

/// The `path:line:column: severity[rule] message` lines of concise output, sorted.
fn finding_lines(output: &str) -> Vec<String> {
    let mut lines: Vec<String> = output
        .lines()
        .filter(|l| l.contains(": error[") || l.contains(": warning["))
        .map(str::to_owned)
        .collect();
    lines.sort();
    lines
}

/// The convention README documents for fixers: the hook's entry overridden to
/// `check --fix`; the hook rewrites the staged document in the work tree, pre-commit fails
/// it because it modified files, and the commit goes through once the fix is staged.
#[test]
fn pre_commit_with_fix_repairs_the_files_and_fails_until_they_are_restaged() {
    if !have_tool("pre-commit") || !have_tool("git") {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("CI must have pre-commit and git");
        }
        return;
    }
    let repo = TestRepo::new();
    repo.write("docs/getting-started.md", "# Start\n")
        .commit("init");
    std::fs::rename(
        repo.path("docs/getting-started.md"),
        repo.path("docs/start.md"),
    )
    .unwrap();
    repo.commit("rename");
    let binary = env!("CARGO_BIN_EXE_docsteward").replace('\'', r"'\''");
    let hook = manifest_hooks().remove(0);
    let config = serde_json::json!({ "repos": [{ "repo": "local", "hooks": [{
        "id": hook["id"].as_str().unwrap(),
        "name": "docsteward --fix",
        "entry": format!("'{binary}' check --fix"),
        "language": "system",
        "types_or": ["markdown", "mdx"],
        "pass_filenames": true,
        "require_serial": true,
    }]}]});
    repo.write(".pre-commit-config.yaml", config.to_string());
    gate::stage(&repo, &[".pre-commit-config.yaml"], &[]);
    repo.commit_at("pre-commit", 1_700_000_000, "Test", &[]);
    let cache = tempfile::tempdir().unwrap();
    let out = run_with(repo.root(), "pre-commit", &["install"], cache.path(), &[]);
    assert!(out.status.success(), "{}", text(&out));
    let before = gate::head(&repo);
    let commit = || {
        gate::stage(&repo, &["docs/new.md"], &[]);
        run_with(
            repo.root(),
            "git",
            &["commit", "-m", "Add a page"],
            cache.path(),
            &[],
        )
    };

    repo.write("docs/new.md", "See [start](getting-started.md).\n");
    let out = commit();
    let shown = text(&out);
    assert!(!out.status.success(), "the commit went through:\n{shown}");
    assert!(
        shown.contains("files were modified by this hook"),
        "{shown}"
    );
    assert_eq!(gate::head(&repo), before);
    assert_eq!(
        std::fs::read_to_string(repo.path("docs/new.md")).unwrap(),
        "See [start](start.md).\n"
    );

    let out = commit();
    assert!(out.status.success(), "{}", text(&out));
    assert_ne!(gate::head(&repo), before);
}
