//! `--format github` and the job summary: hostile documents, front matter and file names
//! cannot start a workflow command of their own or break the summary's table; the annotation
//! limit is announced; the summary links every finding to its line.

mod common;

use common::{diagnostics, run_with_env, TestRepo};

/// Values that would be workflow commands of their own if a line began with them.
const HOSTILE: [&str; 4] = [
    "x\n::add-mask::secret",
    "%0A::stop-commands::pwned",
    "a\r\n::error::fake",
    "a,b:c",
];

/// A file name that is a workflow command, a table row and some HTML at once.
const EVIL: &str = "notes/evil\n::add-mask::x%0A,y:z|<b>`q`.md";

/// One document whose front matter names hostile terms, and one whose file name is hostile
/// and which links to a hostile target.
fn hostile_repo() -> TestRepo {
    let repo = TestRepo::new();
    let terms: Vec<String> = HOSTILE.iter().map(|v| format!("{v:?}")).collect();
    repo.write(
        "glossary/t.md",
        format!(
            "---\nterm: T\nrelatedTerms: [{}]\n---\n# T\n",
            terms.join(", ")
        ),
    )
    .write(EVIL, "# Evil\n\n[a](%0A::stop-commands::pwned.md)\n")
    .commit("hostile");
    repo
}

/// A workflow command taken apart: command, properties (unescaped), message (unescaped).
struct Command {
    name: String,
    properties: Vec<(String, String)>,
    message: String,
}

fn unescape(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

fn parse(line: &str) -> Command {
    let rest = line
        .strip_prefix("::")
        .unwrap_or_else(|| panic!("not a workflow command: {line:?}"));
    let (head, message) = rest.split_once("::").expect("`::` after the properties");
    let (name, properties) = head.split_once(' ').unwrap_or((head, ""));
    let properties = properties
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').expect("key=value");
            (k.to_owned(), unescape(v))
        })
        .collect();
    Command {
        name: name.to_owned(),
        properties,
        message: unescape(message),
    }
}

impl Command {
    fn get(&self, key: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

#[test]
fn hostile_content_cannot_start_a_workflow_command() {
    let repo = hostile_repo();
    let out = repo.run(&["check", "--format", "github"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let json = repo.check_json(&[]).json();
    let expected = diagnostics(&json);

    // The runner splits output at CR as well as LF.
    let lines: Vec<&str> = out
        .stdout
        .split(['\n', '\r'])
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        lines.len(),
        expected.len(),
        "one line per finding:\n{}",
        out.stdout
    );
    for line in &lines {
        assert!(
            ["::error ", "::warning ", "::notice "]
                .iter()
                .any(|p| line.starts_with(p)),
            "line does not start with an annotation: {line:?}"
        );
    }
    assert!(!out.stdout.contains("\n::add-mask::") && !out.stdout.contains("\n::stop-commands::"));
    // A literal `%0A` in a document stays literal: its `%` is escaped.
    assert!(
        out.stdout.contains("%250A::stop-commands::pwned"),
        "{}",
        out.stdout
    );

    // Unescaping gives back exactly what the JSON report says.
    for (line, d) in lines.iter().zip(expected) {
        let command = parse(line);
        assert_eq!(command.name, d["severity"].as_str().unwrap());
        assert_eq!(command.get("file"), d["path"].as_str());
        assert_eq!(command.get("title"), d["rule"].as_str());
        assert_eq!(command.get("line"), Some(d["line"].to_string().as_str()));
        assert_eq!(command.get("col"), Some(d["column"].to_string().as_str()));
        assert!(
            command.message.starts_with(d["message"].as_str().unwrap()),
            "{line}"
        );
    }
    let messages: String = lines.iter().map(|l| parse(l).message).collect();
    for value in HOSTILE {
        assert!(
            messages.contains(value),
            "{value:?} missing from the messages"
        );
    }
    let files: Vec<String> = lines
        .iter()
        .filter_map(|l| parse(l).get("file").map(str::to_owned))
        .collect();
    assert!(files.iter().any(|f| f == EVIL), "{files:?}");
}

#[test]
fn positions_follow_github_conventions() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n\nSee [x](nope.md).\n").commit("c");
    let out = repo.run(&["check", "--format", "github"]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    // `nope.md` is columns 9 to 15 inclusive: GitHub's endColumn is inclusive, ours is not.
    assert_eq!(
        lines,
        ["::error file=a.md,line=3,col=9,endLine=3,endColumn=15,title=links/missing-file::link target `nope.md` does not exist"]
    );
}

/// A document with `n` broken links, each an error.
fn broken_links(n: usize) -> TestRepo {
    let repo = TestRepo::new();
    let links: String = (0..n)
        .map(|i| format!("[l{i}](missing-{i}.md)\n\n"))
        .collect();
    repo.write("a.md", format!("# A\n\n{links}"))
        .commit("links");
    repo
}

#[test]
fn more_than_ten_errors_end_with_a_notice() {
    let out = broken_links(11).run(&["check", "--format", "github"]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 12, "{}", out.stdout);
    let notice = lines.last().unwrap();
    assert!(notice.starts_with("::notice "), "{notice}");
    assert!(
        notice.contains("only the first 10 errors and 10 warnings"),
        "{notice}"
    );
    // No GITHUB_STEP_SUMMARY here: no job summary to point to.
    assert!(!notice.contains("job summary"), "{notice}");
    assert!(notice.contains("--format concise"), "{notice}");
    let (out, summary) = with_summary(&broken_links(11), &["check", "--format", "github"]);
    let notice = out.stdout.lines().last().unwrap();
    assert!(notice.contains("job summary"), "{notice}");
    assert!(summary.contains("missing-10.md"), "{summary}");

    let out = broken_links(10).run(&["check", "--format", "github"]);
    assert_eq!(out.stdout.lines().count(), 10);
    assert!(!out.stdout.contains("::notice"), "{}", out.stdout);
}

const SUMMARY_ENV: [(&str, &str); 3] = [
    ("GITHUB_SERVER_URL", "https://github.example"),
    ("GITHUB_REPOSITORY", "octo/kb"),
    ("GITHUB_SHA", "0123abcd"),
];

fn with_summary(repo: &TestRepo, args: &[&str]) -> (common::Output, String) {
    // Outside the repository, as on a runner.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("step_summary.md");
    std::fs::write(&file, "Earlier step.\n").unwrap();
    let mut env = SUMMARY_ENV.to_vec();
    let path = file.to_str().unwrap().to_owned();
    env.push(("GITHUB_STEP_SUMMARY", &path));
    let out = run_with_env(repo.root(), args, &env);
    (out, std::fs::read_to_string(&file).unwrap())
}

#[test]
fn job_summary_counts_by_rule_and_links_every_finding() {
    let repo = TestRepo::new();
    repo.write(
        "docs/a b.md",
        "# A\n\n[x](nope.md)\n\n![](img.png)\n\n[y](gone.md)\n",
    )
    .commit("c");
    let (out, summary) = with_summary(&repo, &["check", "--format", "github"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        summary.starts_with("Earlier step.\n"),
        "the summary is appended:\n{summary}"
    );
    assert!(
        summary.contains("Found 3 errors, 1 warning in 1 document."),
        "{summary}"
    );
    assert!(summary.contains("| links/missing-file | 3 |"), "{summary}");
    assert!(summary.contains("| images/missing-alt | 1 |"), "{summary}");
    for line in [3, 5, 7] {
        let link = format!("[docs/a b.md:{line}](https://github.example/octo/kb/blob/0123abcd/docs/a%20b.md#L{line})");
        assert!(summary.contains(&link), "{link} missing:\n{summary}");
    }
}

#[test]
fn job_summary_escapes_hostile_content() {
    let repo = hostile_repo();
    let (_, summary) = with_summary(&repo, &["check", "--format", "json"]);
    let table: Vec<&str> = summary.lines().filter(|l| l.starts_with('|')).collect();
    // The findings table has four columns: five unescaped pipes on every row, which is all
    // the pipes there are, since content pipes become `&#124;`.
    let findings: Vec<&&str> = table.iter().filter(|l| l.contains("](")).collect();
    assert_eq!(
        findings.len(),
        diagnostics(&repo.check_json(&[]).json()).len(),
        "{summary}"
    );
    for row in findings {
        assert_eq!(row.matches('|').count(), 5, "{row}");
        assert!(!row.contains('`'), "{row}");
        assert!(!row.contains("<b>"), "{row}");
    }
    assert!(summary.contains("&lt;b&gt;"), "{summary}");
    // Every line of the table is a row: no line break of a document ends one early.
    let after_header = summary.split("| --- | --- | --- | --- |\n").nth(1).unwrap();
    assert!(
        after_header
            .lines()
            .take_while(|l| !l.is_empty())
            .all(|l| l.starts_with("| ")),
        "{summary}"
    );
}

/// An empty `GITHUB_STEP_SUMMARY` means none (the action's SARIF run sets it so): no attempt
/// to open a file named "", which would fail the run with 2.
#[test]
fn an_empty_summary_variable_writes_no_summary() {
    let repo = broken_links(1);
    let out = run_with_env(
        repo.root(),
        &["check", "--format", "github"],
        &[("GITHUB_STEP_SUMMARY", "")],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
}
