//! The GitHub Action for real: every `run:` step of action.yml, executed in order with a
//! simulated runner environment (a pull_request event whose base is the fixture's first
//! commit) against the binary under test. Also: the README's workflows pass actionlint, and
//! are the same text as tests/workflows/*.yml.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{actionlint, have_tool, TestRepo};
use yaml_rust2::{Yaml, YamlLoader};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn load_yaml(path: &Path) -> Yaml {
    let text = std::fs::read_to_string(path).unwrap();
    YamlLoader::load_from_str(&text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .remove(0)
}

/// A base commit with a broken link (an error nobody touched) and a head commit that adds a
/// document whose only problem is an image without alt text (a warning).
struct Fixture {
    repo: TestRepo,
    base: git2::Oid,
    head: git2::Oid,
}

fn fixture() -> Fixture {
    let repo = TestRepo::new();
    repo.write(
        "docs/index.md",
        "# Index\n\nSee [old](old.md) and [new](new.md).\n",
    )
    .write("docs/old.md", "# Old\n\nA [broken link](nowhere.md).\n");
    let base = repo.commit_at("base", 1_700_000_000, "Base", &[]);
    repo.write("docs/new.md", "# New\n\n![](pic.png)\n")
        .write("docs/pic.png", [0x89u8, b'P', b'N', b'G']);
    let head = repo.commit_at("head", 1_700_086_400, "Head", &[]);
    Fixture { repo, base, head }
}

/// What a simulated run of the action left behind.
#[derive(Debug)]
struct Run {
    /// The exit status of the last step that ran (a failing step stops the action).
    status: i32,
    stdout: String,
    stderr: String,
    summary: String,
    outputs: String,
}

/// Replaces `${{ inputs.NAME }}` (the only expressions our `run:` steps and their `env:`
/// use) with the input's value.
fn expand(text: &str, inputs: &BTreeMap<String, String>) -> String {
    let mut out = text.to_owned();
    for (name, value) in inputs {
        out = out.replace(&format!("${{{{ inputs.{name} }}}}"), value);
    }
    assert!(
        !out.contains("${{"),
        "an expression the test does not evaluate: {out}"
    );
    out
}

/// Runs every `run:` step of action.yml with `given` inputs over the defaults.
fn run_action(fixture: &Fixture, given: &[(&str, &str)]) -> Run {
    run_action_in(fixture.repo.root(), fixture, given)
}

/// [`run_action`] with `workspace` (a clone of the fixture, say) as the checkout.
fn run_action_in(workspace: &Path, fixture: &Fixture, given: &[(&str, &str)]) -> Run {
    run_action_with(workspace, fixture, given, &Runner::installed())
}

/// The runner around the action: what is on PATH, and the environment every step gets on
/// top of the simulated one.
struct Runner {
    path: std::ffi::OsString,
    env: Vec<(&'static str, std::ffi::OsString)>,
}

impl Runner {
    /// The binary under test already on PATH, as `cargo install` would have put it; the
    /// install step is skipped.
    fn installed() -> Runner {
        Runner {
            path: common::path_with_binary(),
            env: vec![("DOCSTEWARD_SKIP_INSTALL", "1".into())],
        }
    }
}

/// Whether a step's `if:` holds. The action's conditions are all of the form
/// `steps.ID.outputs.NAME == 'VALUE'`; anything else is an expression the test does not
/// evaluate.
fn condition_holds(condition: &str, outputs: &BTreeMap<String, BTreeMap<String, String>>) -> bool {
    let (left, right) = condition
        .split_once(" == ")
        .unwrap_or_else(|| panic!("a condition the test does not evaluate: {condition}"));
    let mut parts = left.trim().split('.');
    let (Some("steps"), Some(id), Some("outputs"), Some(name), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        panic!("a condition the test does not evaluate: {condition}");
    };
    let value = right
        .trim()
        .strip_prefix('\'')
        .and_then(|v| v.strip_suffix('\''))
        .unwrap_or_else(|| panic!("a condition the test does not evaluate: {condition}"));
    outputs
        .get(id)
        .and_then(|o| o.get(name))
        .is_some_and(|v| v == value)
}

/// Every step of action.yml in order, as a runner runs them: `if:` conditions on earlier
/// steps' outputs, each step's own output file, and folders a step appends to
/// `GITHUB_PATH` put first on PATH for the steps after it.
fn run_action_with(
    workspace: &Path,
    fixture: &Fixture,
    given: &[(&str, &str)],
    runner_env: &Runner,
) -> Run {
    let action = load_yaml(&manifest_dir().join("action.yml"));
    let mut inputs = BTreeMap::new();
    for (name, spec) in action["inputs"].as_hash().unwrap() {
        let default = spec["default"].as_str().unwrap_or_default();
        inputs.insert(name.as_str().unwrap().to_owned(), default.to_owned());
    }
    for (name, value) in given {
        assert!(inputs.contains_key(*name), "action.yml has no input {name}");
        inputs.insert((*name).to_owned(), (*value).to_owned());
    }

    let runner = tempfile::tempdir().unwrap();
    let event = runner.path().join("event.json");
    let payload = serde_json::json!({
        "action": "synchronize",
        "pull_request": { "number": 7, "base": { "sha": fixture.base.to_string() }, "head": { "sha": fixture.head.to_string() } }
    });
    std::fs::write(&event, payload.to_string()).unwrap();
    let summary = runner.path().join("step_summary.md");
    let github_path = runner.path().join("github_path.txt");
    let temp = runner.path().join("temp");
    std::fs::create_dir(&temp).unwrap();
    std::fs::write(&summary, "").unwrap();
    std::fs::write(&github_path, "").unwrap();

    let mut run = Run {
        status: 0,
        stdout: String::new(),
        stderr: String::new(),
        summary: String::new(),
        outputs: String::new(),
    };
    let mut step_outputs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (n, step) in action["runs"]["steps"].as_vec().unwrap().iter().enumerate() {
        if let Some(condition) = step["if"].as_str() {
            if !condition_holds(condition, &step_outputs) {
                continue;
            }
        }
        let Some(script) = step["run"].as_str() else {
            assert!(
                step["uses"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("actions/cache@")),
                "unexpected step {step:?}"
            );
            continue;
        };
        assert_eq!(
            step["shell"].as_str(),
            Some("bash"),
            "composite run steps need a shell"
        );
        let outputs = runner.path().join(format!("output-{n}.txt"));
        std::fs::write(&outputs, "").unwrap();
        // Folders earlier steps added to GITHUB_PATH come first, the last added first.
        let added: Vec<PathBuf> = std::fs::read_to_string(&github_path)
            .unwrap()
            .lines()
            .rev()
            .map(PathBuf::from)
            .collect();
        let path = std::env::join_paths(
            added
                .into_iter()
                .chain(std::env::split_paths(&runner_env.path)),
        )
        .unwrap();
        let mut command = Command::new("bash");
        command
            .args([
                "--noprofile",
                "--norc",
                "-eo",
                "pipefail",
                "-c",
                &expand(script, &inputs),
            ])
            .current_dir(workspace)
            .env("PATH", &path)
            .env("HOME", runner.path())
            .env("DOCSTEWARD_CACHE_DIR", common::cache_dir())
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_ACTION_PATH", manifest_dir())
            .env("GITHUB_ACTION_REPOSITORY", "docsteward/docsteward")
            .env(
                "GITHUB_ACTION_REF",
                format!("v{}", env!("CARGO_PKG_VERSION")),
            )
            .env("GITHUB_WORKSPACE", workspace)
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_EVENT_PATH", &event)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_OUTPUT", &outputs)
            .env("GITHUB_PATH", &github_path)
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_REPOSITORY", "octo/handbook")
            .env("GITHUB_SHA", fixture.head.to_string())
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", &temp)
            .env("NO_COLOR", "1")
            // "Today", for staleness, is the head commit's day, as in every other test.
            .env("SOURCE_DATE_EPOCH", "1700086400")
            .env_remove("DOCSTEWARD_SKIP_INSTALL")
            .env_remove("DOCSTEWARD_RELEASE_URL")
            .env_remove("CARGO_HOME")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .envs(runner_env.env.iter().map(|(k, v)| (*k, v)));
        // An empty value in the runner's environment leaves the variable unset.
        for (k, _) in runner_env.env.iter().filter(|(_, v)| v.is_empty()) {
            command.env_remove(k);
        }
        if let Some(env) = step["env"].as_hash() {
            for (k, v) in env {
                command.env(
                    k.as_str().unwrap(),
                    expand(v.as_str().unwrap_or_default(), &inputs),
                );
            }
        }
        let out = command.output().expect("run bash");
        run.stdout.push_str(&String::from_utf8_lossy(&out.stdout));
        run.stderr.push_str(&String::from_utf8_lossy(&out.stderr));
        run.status = out.status.code().expect("exit code");
        let written = std::fs::read_to_string(&outputs).unwrap();
        if let Some(id) = step["id"].as_str() {
            let parsed = written
                .lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            step_outputs.insert(id.to_owned(), parsed);
        }
        run.outputs.push_str(&written);
        if run.status != 0 {
            break;
        }
    }
    run.summary = std::fs::read_to_string(&summary).unwrap();
    run
}

fn annotations(run: &Run) -> Vec<&str> {
    run.stdout.lines().filter(|l| l.starts_with("::")).collect()
}

#[test]
fn pull_request_reports_only_the_changed_document() {
    let fixture = fixture();
    let run = run_action(&fixture, &[]);
    assert_eq!(
        run.status, 0,
        "a warning does not fail under fail-on: error\n{run:#?}"
    );
    assert_eq!(
        annotations(&run),
        ["::warning file=docs/new.md,line=3,col=1,endLine=3,endColumn=12,title=images/missing-alt::image has no alt text%0A%0Ahelp: describe what the image shows: ![Members at a whiteboard](team.png); screen readers read it aloud"],
        "{run:#?}"
    );
    let link = format!(
        "[docs/new.md:3](https://github.com/octo/handbook/blob/{}/docs/new.md#L3)",
        fixture.head
    );
    assert!(run.summary.contains(&link), "{}", run.summary);
    assert!(!run.summary.contains("old.md"), "{}", run.summary);
    assert!(run.outputs.contains("exit-code=0\n"), "{}", run.outputs);
    // Nothing to build: no build cache key, no build cache; the history cache is keyed by
    // the head commit, and restores the base commit's first.
    assert!(run.outputs.contains("build=false\n"), "{}", run.outputs);
    assert!(
        !run.outputs.contains("key=docsteward-Linux-"),
        "{}",
        run.outputs
    );
    let history = format!(
        "key=docsteward-history-Linux-{}\nrestore-base=docsteward-history-Linux-{}\nrestore-prefix=docsteward-history-Linux-\n",
        fixture.head, fixture.base
    );
    assert!(run.outputs.contains(&history), "{}", run.outputs);
}

#[test]
fn the_check_keeps_its_history_walk_in_the_folder_the_cache_step_saves() {
    let fixture = fixture();
    // As on a real runner: no cache folder set, so the action picks one under RUNNER_TEMP
    // (one that outlives the simulated run, to look into).
    let temp = tempfile::tempdir().unwrap();
    let mut runner = Runner::installed();
    runner.env.push(("DOCSTEWARD_CACHE_DIR", "".into()));
    runner.env.push(("RUNNER_TEMP", temp.path().into()));
    let run = run_action_with(fixture.repo.root(), &fixture, &[], &runner);
    assert_eq!(run.status, 0, "{run:#?}");
    let folder = run
        .outputs
        .lines()
        .find_map(|l| l.strip_prefix("dir="))
        .unwrap_or_else(|| panic!("no cache folder in {}", run.outputs));
    assert_eq!(
        Path::new(folder),
        temp.path().join("docsteward-history"),
        "{run:#?}"
    );
    let saved: Vec<_> = std::fs::read_dir(folder)
        .unwrap_or_else(|e| panic!("{folder}: {e}\n{run:#?}"))
        .collect();
    assert!(!saved.is_empty(), "the walk left nothing to save\n{run:#?}");
}

#[test]
fn fail_on_decides_the_exit_status() {
    let fixture = fixture();
    // Changed only: one warning.
    assert_eq!(run_action(&fixture, &[("fail-on", "error")]).status, 0);
    assert_eq!(run_action(&fixture, &[("fail-on", "warning")]).status, 1);
    assert_eq!(run_action(&fixture, &[("fail-on", "never")]).status, 0);
    // Everything: the old broken link is an error too.
    let all = run_action(&fixture, &[("changed-only", "false"), ("fail-on", "error")]);
    assert_eq!(all.status, 1, "{all:#?}");
    assert!(
        annotations(&all)
            .iter()
            .any(|a| a.starts_with("::error file=docs/old.md,line=3,")),
        "{all:#?}"
    );
    assert!(all.outputs.contains("exit-code=1\n"), "{}", all.outputs);
    assert_eq!(
        run_action(&fixture, &[("changed-only", "false"), ("fail-on", "never")]).status,
        0
    );
    // A run that cannot check fails whatever fail-on says.
    let broken = run_action(
        &fixture,
        &[("args", "--config missing.toml"), ("fail-on", "never")],
    );
    assert_eq!(broken.status, 2, "{broken:#?}");
    let wrong = run_action(&fixture, &[("fail-on", "sometimes")]);
    assert_eq!(wrong.status, 2, "{wrong:#?}");
    assert!(
        wrong
            .stdout
            .contains("\n::error title=docsteward::fail-on must be"),
        "{wrong:#?}"
    );
}

/// A run that cannot check (exit 2) says why in an annotation, not only on standard error,
/// pointing into the configuration file when the mistake is there.
#[test]
fn a_run_that_cannot_check_is_an_error_annotation() {
    let fixture = fixture();
    fixture
        .repo
        .write("docsteward.toml", "include = [\"**/*.md\"]\nbogus = 1\n");
    let run = run_action(&fixture, &[("fail-on", "never")]);
    assert_eq!(run.status, 2, "{run:#?}");
    let errors: Vec<&str> = annotations(&run)
        .into_iter()
        .filter(|a| a.starts_with("::error "))
        .collect();
    assert_eq!(errors.len(), 1, "{run:#?}");
    assert!(
        errors[0].starts_with("::error file=docsteward.toml,line=2,col=1,title=docsteward::")
            && errors[0].contains("bogus"),
        "{}",
        errors[0]
    );
    assert!(
        run.stderr.contains("bogus"),
        "still explained on stderr:\n{run:#?}"
    );

    std::fs::remove_file(fixture.repo.path("docsteward.toml")).unwrap();
    let run = run_action(&fixture, &[("args", "--config missing.toml")]);
    assert_eq!(run.status, 2, "{run:#?}");
    assert!(
        annotations(&run)
            .iter()
            .any(|a| a.starts_with("::error title=docsteward::") && a.contains("missing.toml")),
        "{run:#?}"
    );
}

/// `actions/checkout` fetches one commit by default: staleness is skipped with a notice, and
/// without the pull request's base commit every document is checked, with a warning that
/// says how to report on the change only.
#[test]
fn a_depth_one_checkout_checks_everything_but_staleness() {
    let fixture = fixture();
    let (_dir, clone) = fixture.repo.shallow_clone();
    let run = run_action_in(&clone, &fixture, &[]);
    assert_eq!(run.status, 1, "the old broken link is an error:\n{run:#?}");
    let shown = annotations(&run);
    assert!(
        shown
            .iter()
            .any(|a| a.starts_with("::warning title=docsteward::")
                && a.contains("base commit")
                && a.contains("fetch-depth: 0")),
        "{run:#?}"
    );
    assert!(
        shown
            .iter()
            .any(|a| a.starts_with("::notice title=stale/age::") && a.contains("shallow clone")),
        "{run:#?}"
    );
    assert!(
        shown
            .iter()
            .any(|a| a.starts_with("::error file=docs/old.md,line=3,")),
        "{run:#?}"
    );
    assert!(run.outputs.contains("exit-code=1\n"), "{}", run.outputs);
}

#[test]
fn sarif_input_writes_sarif_for_the_same_scope() {
    let fixture = fixture();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("docsteward.sarif");
    let run = run_action(
        &fixture,
        &[("sarif", file.to_str().unwrap()), ("paths", "docs\n")],
    );
    assert_eq!(run.status, 0, "{run:#?}");
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(common::sarif_uris(&log), ["docs/new.md"]);
    assert!(
        run.outputs.contains(&format!("sarif={}\n", file.display())),
        "{}",
        run.outputs
    );
    assert_eq!(
        run.summary.matches("## docsteward").count(),
        1,
        "one summary, not one per run:\n{}",
        run.summary
    );
}

#[test]
fn workflows_pass_actionlint() {
    if !have_tool("actionlint") {
        return;
    }
    let workflows = manifest_dir().join("tests/workflows");
    actionlint(
        manifest_dir(),
        &[
            workflows.join("pr.yml"),
            workflows.join("stale.yml"),
            manifest_dir().join(".github/workflows/release.yml"),
        ],
    );

    // actionlint checks a local action's inputs against its action.yml: lint the pull
    // request workflow once more with `uses: ./`, in a project holding our action.yml.
    let project = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(project.path().join(".git")).unwrap();
    std::fs::create_dir_all(project.path().join(".github/workflows")).unwrap();
    std::fs::copy(
        manifest_dir().join("action.yml"),
        project.path().join("action.yml"),
    )
    .unwrap();
    let pr = std::fs::read_to_string(workflows.join("pr.yml")).unwrap();
    assert!(pr.contains(&format!(
        "uses: docsteward/docsteward@v{}\n",
        env!("CARGO_PKG_VERSION")
    )));
    std::fs::write(
        project.path().join(".github/workflows/pr.yml"),
        pr.replace(
            &format!("docsteward/docsteward@v{}", env!("CARGO_PKG_VERSION")),
            "./",
        ),
    )
    .unwrap();
    actionlint(project.path(), &[]);
}

#[test]
fn readme_shows_the_tested_workflows() {
    let readme = std::fs::read_to_string(manifest_dir().join("README.md")).unwrap();
    for name in ["pr.yml", "stale.yml"] {
        let workflow =
            std::fs::read_to_string(manifest_dir().join("tests/workflows").join(name)).unwrap();
        assert!(
            readme.contains(&format!("```yaml\n{workflow}```\n")),
            "README.md does not show tests/workflows/{name} verbatim"
        );
    }
}

#[test]
fn every_run_step_calls_the_script_and_takes_inputs_from_env() {
    let action = load_yaml(&manifest_dir().join("action.yml"));
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    for step in action["runs"]["steps"].as_vec().unwrap() {
        if let Some(script) = step["run"].as_str() {
            assert!(
                script.starts_with("bash \"$GITHUB_ACTION_PATH/scripts/action-run.sh\" "),
                "{script}"
            );
            // Inputs spliced into a script are a shell injection; they go through env.
            assert!(!script.contains("${{"), "{script}");
        }
    }
}

/// A release as the action downloads it, served over HTTP from a folder by a thread of this
/// test: `GET /NAME` is the file NAME, or 404.
struct Release {
    dir: tempfile::TempDir,
    url: String,
    requests: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Release {
    fn serve() -> Release {
        use std::io::{BufRead, BufReader, Write};
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_owned();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                // The headers, up to the empty line.
                let mut header = String::new();
                while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                    header.clear();
                }
                let name = request_line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("/")
                    .trim_start_matches('/')
                    .to_owned();
                seen.lock().unwrap().push(name.clone());
                let file = (!name.contains('/') && !name.is_empty())
                    .then(|| std::fs::read(root.join(&name)).ok())
                    .flatten();
                let (status, body) = match file {
                    Some(body) => ("200 OK", body),
                    None => ("404 Not Found", b"not found\n".to_vec()),
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        Release { dir, url, requests }
    }

    /// `name`, a tar.gz holding the binary under test as `docsteward`, and its line in
    /// SHA256SUMS: the right digest, or that of other bytes.
    fn add_binary(&self, name: &str, right_checksum: bool) {
        let staging = tempfile::tempdir().unwrap();
        std::fs::copy(
            env!("CARGO_BIN_EXE_docsteward"),
            staging.path().join("docsteward"),
        )
        .unwrap();
        let archive = self.dir.path().join(name);
        let out = Command::new("tar")
            .arg("-czf")
            .arg(&archive)
            .arg("-C")
            .arg(staging.path())
            .arg("docsteward")
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let digest = if right_checksum {
            sha256(&archive)
        } else {
            let other = staging.path().join("other");
            std::fs::write(&other, "not the archive").unwrap();
            sha256(&other)
        };
        self.add_sum(&digest, name);
    }

    fn add_sum(&self, digest: &str, name: &str) {
        use std::io::Write;
        let mut sums = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("SHA256SUMS"))
            .unwrap();
        writeln!(sums, "{digest}  {name}").unwrap();
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn sha256(file: &Path) -> String {
    let out = Command::new("sha256sum").arg(file).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

const LINUX_X64: &str = "docsteward-x86_64-unknown-linux-musl.tar.gz";

/// A runner with no docsteward: the release at `release`, and a `cargo` that stands for
/// the source build: it records its arguments and "installs" the binary under test where
/// `cargo install` would.
fn runner_downloading(release: &Release, bin: &Path) -> Runner {
    let cargo = bin.join("cargo");
    std::fs::write(
        &cargo,
        format!(
            "#!/bin/sh\necho \"$@\" >> '{}'\nmkdir -p \"$HOME/.cargo/bin\"\ncp '{}' \"$HOME/.cargo/bin/docsteward\"\n",
            bin.join("cargo-calls").display(),
            env!("CARGO_BIN_EXE_docsteward")
        ),
    )
    .unwrap();
    std::fs::set_permissions(&cargo, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    let path =
        std::env::join_paths(std::iter::once(bin.to_owned()).chain(std::env::split_paths(&rest)))
            .unwrap();
    Runner {
        path,
        env: vec![("DOCSTEWARD_RELEASE_URL", release.url.clone().into())],
    }
}

fn have_download_tools() -> bool {
    ["curl", "tar", "sha256sum"].iter().all(|t| have_tool(t))
}

/// The release has a binary for the runner with the right checksum: the action installs it
/// (and builds nothing), and the check runs it.
#[test]
fn the_action_installs_the_release_binary_it_can_verify() {
    if !have_download_tools() {
        return;
    }
    let fixture = fixture();
    let release = Release::serve();
    release.add_binary(LINUX_X64, true);
    release.add_binary("docsteward-aarch64-unknown-linux-musl.tar.gz", false);
    let bin = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let run = run_action_with(
        fixture.repo.root(),
        &fixture,
        &[],
        &runner_downloading(&release, bin.path()),
    );
    eprintln!(
        "the action, downloading docsteward from a local server, ran in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(run.status, 0, "{run:#?}");
    assert!(run.outputs.contains("build=false\n"), "{run:#?}");
    assert!(run.stdout.contains("Installed docsteward v"), "{run:#?}");
    assert_eq!(release.requests(), ["SHA256SUMS", LINUX_X64]);
    // The downloaded binary checked the pull request: its one finding is reported.
    assert_eq!(annotations(&run).len(), 1, "{run:#?}");
    assert!(run.outputs.contains("exit-code=0\n"), "{run:#?}");
}

/// A download whose SHA-256 differs from the release's SHA256SUMS fails the step: nothing is
/// installed, and no build papers over it.
#[test]
fn a_download_with_the_wrong_checksum_fails_the_action() {
    if !have_download_tools() {
        return;
    }
    let fixture = fixture();
    let release = Release::serve();
    release.add_binary(LINUX_X64, false);
    let bin = tempfile::tempdir().unwrap();
    let run = run_action_with(
        fixture.repo.root(),
        &fixture,
        &[],
        &runner_downloading(&release, bin.path()),
    );
    assert_ne!(run.status, 0, "{run:#?}");
    assert!(
        annotations(&run)
            .iter()
            .any(|a| a.starts_with("::error title=docsteward::") && a.contains("SHA-256")),
        "{run:#?}"
    );
    assert!(!run.outputs.contains("build="), "{run:#?}");
    assert!(
        !run.outputs.contains("exit-code="),
        "the check ran:\n{run:#?}"
    );
}

/// No asset for the runner (a release without it, or no release at all): the action
/// builds from source with `cargo install`, and checks with what it built.
#[test]
fn without_an_asset_for_the_runner_the_action_builds_from_source() {
    if !have_download_tools() {
        return;
    }
    let fixture = fixture();
    let setups = [
        "other asset only",
        "listed but not there",
        "no release",
        "a branch of the action",
    ];
    for setup in setups {
        let release = Release::serve();
        if setup != "no release" {
            release.add_binary("docsteward-aarch64-apple-darwin.tar.gz", true);
        }
        if setup == "listed but not there" || setup == "a branch of the action" {
            release.add_binary(LINUX_X64, true);
        }
        if setup == "listed but not there" {
            std::fs::remove_file(release.dir.path().join(LINUX_X64)).unwrap();
        }
        let bin = tempfile::tempdir().unwrap();
        let mut runner = runner_downloading(&release, bin.path());
        if setup == "a branch of the action" {
            runner.env.push(("GITHUB_ACTION_REF", "main".into()));
        }
        let run = run_action_with(fixture.repo.root(), &fixture, &[], &runner);
        assert_eq!(run.status, 0, "{setup}: {run:#?}");
        assert!(run.outputs.contains("build=true\n"), "{setup}: {run:#?}");
        // The source build is cached by a key of the action's sources.
        assert!(
            run.outputs
                .lines()
                .any(|l| l.starts_with("key=docsteward-Linux-")),
            "{setup}: {}",
            run.outputs
        );
        let expected: &[&str] = match setup {
            "a branch of the action" => &[],
            "listed but not there" => &["SHA256SUMS", LINUX_X64],
            _ => &["SHA256SUMS"],
        };
        assert_eq!(release.requests(), expected, "{setup}");
        assert!(
            run.stdout.contains("building from source"),
            "{setup}: {run:#?}"
        );
        // What the source build installed checked the pull request (a release that lists
        // an asset it does not have is worth a warning).
        let warned = usize::from(setup == "listed but not there");
        assert_eq!(annotations(&run).len(), 1 + warned, "{setup}: {run:#?}");
        let calls = std::fs::read_to_string(bin.path().join("cargo-calls")).unwrap();
        assert_eq!(
            calls,
            format!("install --locked --path {}\n", manifest_dir().display()),
            "{setup}"
        );
    }
}

/// The release workflow builds a binary for every runner the action downloads for, under
/// the asset name the action asks for, and publishes the sums the action checks.
#[test]
fn the_release_builds_every_asset_the_action_downloads() {
    let release = load_yaml(&manifest_dir().join(".github/workflows/release.yml"));
    let mut built: Vec<&str> = release["jobs"]["binaries"]["strategy"]["matrix"]["include"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|m| m["target"].as_str().unwrap())
        .collect();
    built.sort_unstable();
    // What the action's script asks for on a runner.
    let target = |os: &str, arch: &str| -> String {
        let out = Command::new("bash")
            .arg(manifest_dir().join("scripts/action-run.sh"))
            .arg("release-target")
            .env("GITHUB_ACTION_PATH", manifest_dir())
            .env("RUNNER_OS", os)
            .env("RUNNER_ARCH", arch)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    let mut wanted: Vec<String> = [
        ("Linux", "X64"),
        ("Linux", "ARM64"),
        ("macOS", "X64"),
        ("macOS", "ARM64"),
        ("Windows", "X64"),
    ]
    .iter()
    .map(|(os, arch)| target(os, arch))
    .collect();
    wanted.sort_unstable();
    assert_eq!(built, wanted);
    // A runner the release has nothing for gets nothing, and so a source build.
    assert_eq!(target("Windows", "ARM64"), "");

    let text =
        std::fs::read_to_string(manifest_dir().join(".github/workflows/release.yml")).unwrap();
    for name in [
        "dist/docsteward-$TARGET.tar.gz",
        "dist/docsteward-$TARGET.zip",
        "> SHA256SUMS",
    ] {
        assert!(text.contains(name), "release.yml does not make {name}");
    }
    let script = std::fs::read_to_string(manifest_dir().join("scripts/action-run.sh")).unwrap();
    for name in [
        "asset=\"docsteward-$target.tar.gz\"",
        "asset=\"docsteward-$target.zip\"",
        "$base/SHA256SUMS",
    ] {
        assert!(script.contains(name), "action-run.sh does not fetch {name}");
    }
}
