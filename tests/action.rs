//! The GitHub Action for real: every `run:` step of action.yml, executed in order with a
//! simulated runner environment (a pull_request event whose base is the fixture's first
//! commit) against the binary under test. Also: the README's workflows pass actionlint, and
//! are the same text as tests/workflows/*.yml.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
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
    let outputs = runner.path().join("output.txt");
    std::fs::write(&summary, "").unwrap();
    std::fs::write(&outputs, "").unwrap();
    // The binary under test comes first on PATH, as `cargo install` would have put it.
    let path = common::path_with_binary();

    let mut run = Run {
        status: 0,
        stdout: String::new(),
        stderr: String::new(),
        summary: String::new(),
        outputs: String::new(),
    };
    for step in action["runs"]["steps"].as_vec().unwrap() {
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
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_ACTION_PATH", manifest_dir())
            .env("GITHUB_WORKSPACE", workspace)
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_EVENT_PATH", &event)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_OUTPUT", &outputs)
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_REPOSITORY", "octo/handbook")
            .env("GITHUB_SHA", fixture.head.to_string())
            .env("RUNNER_OS", "Linux")
            .env("DOCSTEWARD_SKIP_INSTALL", "1")
            .env("NO_COLOR", "1")
            // "Today", for staleness, is the head commit's day, as in every other test.
            .env("SOURCE_DATE_EPOCH", "1700086400")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE");
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
        if run.status != 0 {
            break;
        }
    }
    run.summary = std::fs::read_to_string(&summary).unwrap();
    run.outputs = std::fs::read_to_string(&outputs).unwrap();
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
    assert!(
        run.outputs
            .lines()
            .any(|l| l.starts_with("key=docsteward-Linux-")),
        "{}",
        run.outputs
    );
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
        &[workflows.join("pr.yml"), workflows.join("stale.yml")],
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
    assert!(pr.contains("uses: docsteward/docsteward@v0"));
    std::fs::write(
        project.path().join(".github/workflows/pr.yml"),
        pr.replace("docsteward/docsteward@v0", "./"),
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
