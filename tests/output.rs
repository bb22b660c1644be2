//! Output formats: snapshots of `human`, `concise` and `json` for one small repository, and
//! the properties every format shares (`--output`, JSON shape, sorting, columns, CRLF).

mod common;

use common::{diagnostics, f, TestRepo};

/// One schema violation, one syntax error and one warning, in three files.
fn small_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[[content]]\nname = \"term\"\npaths = [\"glossary/*.md\"]\nschema = \"schemas/term.schema.json\"\n",
    )
    .write(
        "schemas/term.schema.json",
        r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["term", "category"],
  "additionalProperties": false,
  "properties": {
    "term": { "type": "string" },
    "category": { "enum": ["concept", "practice", "pattern"] }
  }
}
"#,
    )
    .write("glossary/tacit-knowledge.md", "---\nterm: Tacit knowledge\ncategory: pratice\n---\n# Tacit knowledge\n")
    .write("notes/draft.md", "---\ntitle: A draft\n\n# Never closed\n")
    .write("decks/intro.md", "# Intro\n\n![](cover.png)\n\n---\n\n## Next slide\n")
    .write("decks/cover.png", [0x89u8, b'P', b'N', b'G'])
    .commit("small");
    repo
}

#[test]
fn human_snapshot() {
    let out = small_repo().run(&["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    assert!(
        !out.stdout.contains('\u{1b}'),
        "NO_COLOR output has escape codes"
    );
    insta::assert_snapshot!("human", out.stdout);
}

#[test]
fn concise_snapshot() {
    let out = small_repo().run(&["check", "--format", "concise"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    insta::assert_snapshot!("concise", out.stdout);
}

#[test]
fn json_snapshot() {
    let out = small_repo().run(&["check", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    insta::assert_snapshot!("json", out.stdout);
}

#[test]
fn clean_run_says_so() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n")
        .write("b.md", "# B\n")
        .commit("c");
    let out = repo.run(&["check"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "No problems found in 2 documents.\n");
    let out = repo.run(&["check", "--format", "concise"]);
    assert_eq!(out.stdout, "No problems found in 2 documents.\n");
}

#[test]
fn output_flag_writes_the_file_and_not_stdout() {
    let repo = small_repo();
    let target = repo.path("report.json");
    let out = repo.run(&[
        "check",
        "--format",
        "json",
        "--output",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    let written = std::fs::read_to_string(&target).expect("report written");
    let expected = small_repo().run(&["check", "--format", "json"]).stdout;
    assert_eq!(written, expected);

    let out = repo.run(&["check", "--format", "concise", "-o", "report.txt"]);
    assert_eq!(out.stdout, "");
    let written = std::fs::read_to_string(repo.path("report.txt")).unwrap();
    assert!(
        written.starts_with("decks/intro.md:3:1: warning[images/missing-alt] "),
        "{written}"
    );
}

#[test]
fn json_has_exactly_the_documented_shape() {
    let out = small_repo().run(&["check", "--format", "json"]);
    let report = out.json();
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&report), ["diagnostics", "summary", "version"]);
    assert_eq!(report["version"], 1);
    assert_eq!(
        keys(&report["summary"]),
        ["documents", "errors", "infos", "warnings"]
    );
    assert_eq!(report["summary"]["documents"], 3);
    assert_eq!(report["summary"]["errors"], 2);
    assert_eq!(report["summary"]["warnings"], 1);
    assert_eq!(report["summary"]["infos"], 0);
    let diags = diagnostics(&report);
    assert_eq!(diags.len(), 3);
    for d in diags {
        assert_eq!(
            keys(d),
            [
                "column",
                "end_column",
                "end_line",
                "help",
                "line",
                "message",
                "path",
                "rule",
                "severity"
            ]
        );
        for k in ["line", "column", "end_line", "end_column"] {
            assert!(d[k].as_u64().is_some_and(|n| n >= 1), "{k} in {d}");
        }
        assert!(d["help"].is_string() || d["help"].is_null());
    }
}

#[test]
fn diagnostics_are_sorted_by_path_line_column_rule() {
    let repo = TestRepo::new();
    repo.write("z.md", "# Z\n\n[a](gone.md)\n")
        .write(
            "a/b.md",
            "# B\n\n![](gone.png) [x](gone.md)\n\n[y](gone.md)\n",
        )
        .write("a.md", "# A\n\n[z](gone.md) ![](gone.png)\n")
        .commit("c");
    let out = repo.check_json(&[]);
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "a.md", 3, 5),
            f("images/missing-alt", "a.md", 3, 14),
            f("links/missing-file", "a.md", 3, 18),
            f("images/missing-alt", "a/b.md", 3, 1),
            f("links/missing-file", "a/b.md", 3, 5),
            f("links/missing-file", "a/b.md", 3, 19),
            f("links/missing-file", "a/b.md", 5, 5),
            f("links/missing-file", "z.md", 3, 5),
        ]
    );
    let concise = repo.run(&["check", "--format", "concise"]).stdout;
    let paths: Vec<&str> = concise
        .lines()
        .filter_map(|l| l.split(':').next())
        .collect();
    assert_eq!(
        &paths[..8],
        ["a.md", "a.md", "a.md", "a/b.md", "a/b.md", "a/b.md", "a/b.md", "z.md"]
    );
}

#[test]
fn columns_count_unicode_scalar_values() {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", "[[content]]\nname = \"note\"\npaths = [\"*.md\"]\nschema = \"s.json\"\n")
        .write("s.json", r#"{"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"}}}}"#)
        // `é`, `—` and `🙂` are 2, 3 and 4 bytes: the `5` is character 15 but byte 21 of its
        // line, and `gone.md` is character 10 but byte 15.
        .write("u.md", "---\ntitle: \"é\"\ntags: [\"é—🙂\", 5]\n---\n# Ünïcödé\n\nÄÖ 🙂 [x](gone.md)\n")
        .commit("c");
    let out = repo.check_json(&[]);
    assert_eq!(
        out.findings(),
        [
            f("frontmatter/schema", "u.md", 3, 15),
            f("links/missing-file", "u.md", 7, 10)
        ]
    );
    let report = out.json();
    assert_eq!(report["diagnostics"][0]["end_column"], 16);
    assert_eq!(report["diagnostics"][1]["end_column"], 17);
    let concise = repo.run(&["check", "--format", "concise"]).stdout;
    assert!(
        concise.contains("u.md:7:10: error[links/missing-file] "),
        "{concise}"
    );
}

#[test]
fn crlf_files_keep_exact_line_numbers() {
    let repo = TestRepo::new();
    repo.write("dup.md", "---\r\ntitle: a\r\ntags: [x]\r\ntitle: b\r\n---\r\n# Dup\r\n\r\nText.\r\n\r\n[x](gone.md)\r\n")
        .write("open.md", "\r\n---\r\n")
        .commit("c");
    let out = repo.check_json(&[]);
    assert_eq!(
        out.findings(),
        [
            f("frontmatter/syntax", "dup.md", 4, 1),
            f("links/missing-file", "dup.md", 10, 5)
        ]
    );
    let report = out.json();
    assert_eq!(report["diagnostics"][0]["end_line"], 4);
    assert_eq!(report["diagnostics"][0]["end_column"], 6);
}

#[test]
fn human_output_labels_the_exact_span() {
    let out = small_repo().run(&["check"]);
    // The miette snippet for the enum violation: line 3, with the label under `pratice`.
    assert!(
        out.stdout.contains("[glossary/tacit-knowledge.md:3:11]"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(" 3 │ category: pratice\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("frontmatter/schema"), "{}", out.stdout);
    assert!(
        out.stdout.contains("did you mean `practice`?"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .ends_with("Found 2 errors, 1 warning in 3 documents.\n"),
        "{}",
        out.stdout
    );
}
