//! The stewards' commands: `stale --owner/--status` filters and `review`, which sets the
//! review date in front matter and changes no other byte.

mod common;

use common::TestRepo;

const DAY: i64 = 86_400;
/// 2023-01-01T00:00:00Z.
const T0: i64 = 1_672_531_200;

fn kb() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[stale]\ndefault-after = \"150d\"\ndue-within = \"80d\"\n",
    );
    repo.write("old.md", "---\nowner: Ann\n---\n# Old\n")
        .write("due.md", "---\nowner: \"@org/docs @bob\"\n---\n# Due\n")
        .write("new.md", "# New\n");
    repo.commit_at("add", T0, "Cy", &[]);
    repo.write(
        "due.md",
        "---\nowner: \"@org/docs @bob\"\n---\n# Due\n\nMore.\n",
    );
    repo.commit_at("edit", T0 + 100 * DAY, "Cy", &[]);
    repo.write("new.md", "# New\n\nMore.\n");
    repo.commit_at("edit", T0 + 170 * DAY, "Cy", &[]);
    repo
}

fn paths(report: &serde_json::Value) -> Vec<&str> {
    report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect()
}

#[test]
fn owner_and_status_filters_narrow_every_format_and_say_so() {
    let repo = kb();
    let base = ["stale", "--as-of", "2023-07-01"];
    let run = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        let out = repo.run(&args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out
    };
    let all = run(&["--format", "json"]).json();
    assert_eq!(all["summary"]["filter"], serde_json::Value::Null);
    let statuses: Vec<&str> = all["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["status"].as_str().unwrap())
        .collect();
    assert_eq!(paths(&all), ["old.md", "due.md", "new.md"]);
    assert_eq!(statuses, ["stale", "due", "fresh"]);
    // `owner: "@org/docs @bob"` names two owners, as a CODEOWNERS line would; the counts
    // (and the monthly series) have due.md under each.
    let owners: Vec<&String> = all["summary"]["by_owner"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(owners, ["@bob", "@org/docs", "Ann", "Cy"]);
    let series = run(&["--format", "json", "--months", "2"]).json();
    let trend_owners: Vec<&String> = series["trend"]["by_owner"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(trend_owners, owners);

    let bob = run(&["--format", "json", "--owner", "bob"]).json();
    assert_eq!(paths(&bob), ["due.md"]);
    assert_eq!(bob["summary"]["filter"]["owners"][0], "bob");
    assert_eq!(bob["summary"]["all_documents"], 3);
    assert_eq!(bob["summary"]["by_status"]["documents"], 1);

    let two = run(&["--format", "json", "--owner", "ann,(none)"]).json();
    assert_eq!(paths(&two), ["old.md"], "new.md is owned by its author");
    let repeated = run(&["--format", "json", "--owner", "ANN", "--owner", "@org/docs"]).json();
    assert_eq!(paths(&repeated), ["old.md", "due.md"]);

    let overdue = run(&["--format", "json", "--status", "stale,due"]).json();
    assert_eq!(paths(&overdue), ["old.md", "due.md"]);
    assert_eq!(
        overdue["summary"]["filter"]["statuses"],
        serde_json::json!(["stale", "due"])
    );

    let table = run(&["--status", "stale"]).stdout;
    assert!(
        table.contains("1 of 3 documents (status stale) as of 2023-07-01"),
        "{table}"
    );
    assert!(!table.contains("due.md"), "{table}");
    let md = run(&["--format", "markdown", "--owner", "ann"]).stdout;
    assert!(md.contains("1 of 3 documents (owner ann)"), "{md}");
    let html = run(&["--format", "html", "--owner", "ann"]).stdout;
    assert!(html.contains("1 of 3 documents (owner ann)"), "{html}");
    assert!(!html.contains("new.md"));
    let csv = run(&["--format", "csv", "--status", "fresh"]).stdout;
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.contains("new.md"));

    let bad = repo.run(&["stale", "--status", "old"]);
    assert_eq!(bad.code, 2);
}

#[test]
fn review_sets_the_date_and_keeps_every_other_byte() {
    let repo = TestRepo::new();
    let cases: [(&str, &str, &str); 6] = [
        (
            "crlf.md",
            "---\r\ntitle: A # why\r\nreviewed: 2020-01-01\r\ntags: [x]\r\n---\r\n# A\r\n",
            "---\r\ntitle: A # why\r\nreviewed: 2026-03-04\r\ntags: [x]\r\n---\r\n# A\r\n",
        ),
        (
            "yaml.md",
            "---\nz: 1\na: 2\n---\nBody\n",
            "---\nz: 1\na: 2\nreviewed: 2026-03-04\n---\nBody\n",
        ),
        (
            "toml.md",
            "+++\ntitle = \"T\" # c\n[params]\nx = 1\n+++\nBody\n",
            "+++\ntitle = \"T\" # c\nreviewed = 2026-03-04\n[params]\nx = 1\n+++\nBody\n",
        ),
        (
            "none.md",
            "# No front matter\n\nText.\n",
            "---\nreviewed: 2026-03-04\n---\n# No front matter\n\nText.\n",
        ),
        (
            "us.md",
            "---\nreviewed: '11/30/2024'\n---\n",
            "---\nreviewed: '03/04/2026'\n---\n",
        ),
        (
            "docs/inner.md",
            "---\nreviewed: 2026-03-04\n---\n",
            "---\nreviewed: 2026-03-04\n---\n",
        ),
    ];
    for (path, before, _) in &cases {
        repo.write(path, before);
    }
    repo.write("notes.txt", "text\n");
    repo.commit_at("add", T0, "Ann", &[]);
    let files: Vec<&str> = cases[..5].iter().map(|c| c.0).collect();
    let mut args = vec!["review", "--as-of", "2026-03-04"];
    args.extend_from_slice(&files);
    args.push("docs");
    let out = repo.run(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("crlf.md: reviewed set to 2026-03-04"),
        "{}",
        out.stdout
    );
    for (path, _, after) in &cases {
        assert_eq!(
            std::fs::read_to_string(repo.path(path)).unwrap(),
            *after,
            "{path}"
        );
    }
    // The report reads the date review wrote.
    let report = repo.run(&["stale", "--format", "json", "--as-of", "2026-03-05"]);
    let report = report.json();
    for d in report["documents"].as_array().unwrap() {
        assert_eq!(d["reviewed"], "2026-03-04", "{d}");
    }
}

#[test]
fn review_refuses_what_is_not_a_document_of_the_repository() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n").write("notes.txt", "text\n");
    repo.commit_at("add", T0, "Ann", &[]);
    let outside = tempfile::tempdir().unwrap();
    let elsewhere = outside.path().join("x.md");
    std::fs::write(&elsewhere, "# X\n").unwrap();
    for args in [
        vec!["review", elsewhere.to_str().unwrap()],
        vec!["review", "notes.txt"],
        vec!["review", "missing.md"],
        vec!["review"],
    ] {
        let out = repo.run(&args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stdout);
    }
    assert!(repo
        .run(&["review", "notes.txt"])
        .stderr
        .contains("not a Markdown document"));
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "# X\n");
    assert_eq!(std::fs::read_to_string(repo.path("a.md")).unwrap(), "# A\n");
}

#[cfg(unix)]
#[test]
fn review_never_writes_through_a_symbolic_link() {
    let repo = TestRepo::new();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.md");
    std::fs::write(&victim, "# Keep\n").unwrap();
    repo.write("a.md", "# A\n");
    repo.symlink("link.md", &victim);
    repo.commit_at("add", T0, "Ann", &[]);
    let out = repo.run(&["review", "link.md"]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "# Keep\n");
}
