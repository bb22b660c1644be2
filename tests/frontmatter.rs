//! `frontmatter/syntax` and `frontmatter/schema` at exact lines and columns, in real git
//! repositories.

mod common;

use std::time::{Duration, Instant};

use common::{diagnostics, f, TestRepo};

/// The findings of `rule`-family rules only (`frontmatter/`), so that rules about links and
/// terms, added by other issues, do not disturb these tests.
fn frontmatter_findings(repo: &TestRepo) -> Vec<(String, String, u64, u64)> {
    let out = repo.check_json(&[]);
    assert!(
        out.code == 0 || out.code == 1,
        "exit {}:\n{}",
        out.code,
        out.stderr
    );
    out.findings()
        .into_iter()
        .filter(|(rule, ..)| rule.starts_with("frontmatter/"))
        .collect()
}

/// The JSON diagnostic for `rule` in `path` at `line`.
fn diagnostic(report: &serde_json::Value, rule: &str, path: &str, line: u64) -> serde_json::Value {
    diagnostics(report)
        .iter()
        .find(|d| d["rule"] == rule && d["path"] == path && d["line"] == line)
        .unwrap_or_else(|| panic!("no {rule} in {path} at line {line}: {report:#}"))
        .clone()
}

// ---------------------------------------------------------------- frontmatter/syntax

#[test]
fn a_block_after_blank_lines_is_reported_not_silently_read_as_markdown() {
    let repo = TestRepo::new();
    repo.write("late.md", "\n\n---\ntitle: Late\ntags: [a]\n---\n# Late\n")
        .write("late-toml.md", "\n+++\ntitle = \"Late\"\n+++\n# Late\n")
        // A thematic break at the top, or a block that is not key-value, is Markdown.
        .write("rule.md", "\n---\n\n# Slides\n\n---\n\nMore\n")
        .write("table.md", "\n---\n| a | b |\n---\n")
        .commit("late");
    assert_eq!(
        frontmatter_findings(&repo),
        [
            f("frontmatter/syntax", "late-toml.md", 2, 1),
            f("frontmatter/syntax", "late.md", 3, 1)
        ]
    );
    let report = repo.check_json(&[]).json();
    let d = diagnostic(&report, "frontmatter/syntax", "late.md", 3);
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("2 blank lines come before it"),
        "{d:#}"
    );
}

#[test]
fn unterminated_block_is_reported_at_the_opening_line() {
    let repo = TestRepo::new();
    repo.write(
        "notes/open.md",
        "---\ntitle: Never closed\n# Heading\n\nBody text.\n",
    )
    .commit("open block");
    let out = repo.check_json(&[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.findings(),
        [f("frontmatter/syntax", "notes/open.md", 1, 1)]
    );
    let report = out.json();
    let d = &diagnostics(&report)[0];
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(1), Some(4))
    );
    assert!(
        d["message"].as_str().unwrap().contains("never closed"),
        "{d}"
    );
}

#[test]
fn yaml_syntax_error_is_reported_at_its_line_in_the_file() {
    let repo = TestRepo::new();
    // The second `:` on file line 4 (block line 3) is where the YAML parser fails.
    repo.write(
        "a.md",
        "---\ntitle: ok\ntags: [a, b]\nauthor: a: b\n---\nbody\n",
    )
    .commit("yaml");
    assert_eq!(
        frontmatter_findings(&repo),
        [f("frontmatter/syntax", "a.md", 4, 10)]
    );
    let report = repo.check_json(&[]).json();
    let d = diagnostic(&report, "frontmatter/syntax", "a.md", 4);
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .starts_with("YAML syntax error"),
        "{d}"
    );
}

#[test]
fn yaml_error_line_counts_from_the_file_not_the_block_after_a_bom() {
    let repo = TestRepo::new();
    repo.write(
        "bom.md",
        "\u{feff}---\ntitle: ok\ntags: [a, b]\nauthor: a: b\n---\n",
    )
    .commit("bom");
    assert_eq!(
        frontmatter_findings(&repo),
        [f("frontmatter/syntax", "bom.md", 4, 10)]
    );
}

#[test]
fn duplicate_key_points_at_the_second_occurrence() {
    let repo = TestRepo::new();
    repo.write(
        "dup.md",
        "---\ntitle: One\ntags: [x]\ntitle: Two\n---\nbody\n",
    )
    .commit("dup");
    assert_eq!(
        frontmatter_findings(&repo),
        [f("frontmatter/syntax", "dup.md", 4, 1)]
    );
    let report = repo.check_json(&[]).json();
    let d = diagnostic(&report, "frontmatter/syntax", "dup.md", 4);
    assert_eq!(d["message"], "duplicate key `title`");
    assert_eq!(d["end_column"], 6);
}

#[test]
fn toml_syntax_error_is_reported_at_its_line_in_the_file() {
    let repo = TestRepo::new();
    repo.write("t.md", "+++\ntitle = \"a\"\nweight = = 2\n+++\nbody\n")
        .commit("toml");
    // The second `=` on file line 3.
    assert_eq!(
        frontmatter_findings(&repo),
        [f("frontmatter/syntax", "t.md", 3, 10)]
    );
    let report = repo.check_json(&[]).json();
    let d = diagnostic(&report, "frontmatter/syntax", "t.md", 3);
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .starts_with("TOML syntax error"),
        "{d}"
    );
}

#[test]
fn json_syntax_error_is_reported_at_its_line_in_the_file() {
    let repo = TestRepo::new();
    repo.write("j.md", "{\n  \"title\": \"a\",\n  \"weight\" 2\n}\nbody\n")
        .commit("json");
    // serde_json expects `:` where the `2` stands, on file line 3.
    assert_eq!(
        frontmatter_findings(&repo),
        [f("frontmatter/syntax", "j.md", 3, 12)]
    );
    let report = repo.check_json(&[]).json();
    let d = diagnostic(&report, "frontmatter/syntax", "j.md", 3);
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .starts_with("JSON syntax error"),
        "{d}"
    );
}

#[test]
fn toml_duplicate_key_points_at_the_second_occurrence() {
    let repo = TestRepo::new();
    repo.write("t.md", "+++\ntitle = \"a\"\ntitle = \"b\"\n+++\nbody\n")
        .commit("toml dup");
    assert_eq!(
        frontmatter_findings(&repo),
        [f("frontmatter/syntax", "t.md", 3, 1)]
    );
}

/// Issue 2: `frontmatter/syntax` reports duplicate keys. serde_json keeps the last value
/// silently, so JSON front matter needs the same check as YAML.
#[test]
fn json_duplicate_key_points_at_the_second_occurrence() {
    let repo = TestRepo::new();
    repo.write(
        "j.md",
        "{\n  \"title\": \"a\",\n  \"title\": \"b\"\n}\nbody\n",
    )
    .commit("json dup");
    assert_eq!(
        frontmatter_findings(&repo),
        [f("frontmatter/syntax", "j.md", 3, 3)]
    );
}

#[test]
fn unterminated_toml_block_is_reported_at_the_opening_line() {
    let repo = TestRepo::new();
    repo.write("t.md", "+++\ntitle = \"a\"\n\nBody.\n")
        .commit("open toml");
    assert_eq!(
        frontmatter_findings(&repo),
        [f("frontmatter/syntax", "t.md", 1, 1)]
    );
}

#[test]
fn unterminated_json_object_is_a_syntax_error() {
    let repo = TestRepo::new();
    repo.write("j.md", "{\n  \"title\": \"a\",\n")
        .commit("open json");
    assert_eq!(
        frontmatter_findings(&repo),
        [f("frontmatter/syntax", "j.md", 3, 1)]
    );
}

#[test]
fn alias_to_an_unknown_anchor_is_a_syntax_error() {
    let repo = TestRepo::new();
    repo.write("a.md", "---\nlist:\n  - &x a\n  - *y\n---\n")
        .commit("alias");
    assert_eq!(
        frontmatter_findings(&repo),
        [f("frontmatter/syntax", "a.md", 4, 5)]
    );
}

#[test]
fn billion_laughs_is_refused_quickly() {
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    let mut text = String::from(
        "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..names.len() {
        let refs = vec![format!("*{}", names[i - 1]); 9].join(",");
        text.push_str(&format!("{0}: &{0} [{refs}]\n", names[i]));
    }
    text.push_str("---\n# Laughs\n");
    let repo = TestRepo::new();
    repo.write("bomb.md", &text).commit("bomb");

    let started = Instant::now();
    let out = repo.check_json(&[]);
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    assert_eq!(out.code, 1, "{}", out.stderr);
    let findings = out.findings();
    assert_eq!(findings.len(), 1, "{findings:?}");
    let (rule, path, line, _) = &findings[0];
    assert_eq!(
        (rule.as_str(), path.as_str()),
        ("frontmatter/syntax", "bomb.md")
    );
    // Somewhere inside the block (lines 2..=10), where the budget ran out.
    assert!((2..=10).contains(line), "line {line}");
}

#[test]
fn valid_yaml_toml_and_json_front_matter_produce_nothing() {
    let repo = TestRepo::new();
    repo.write(
        "yaml.md",
        "---\ntitle: Hello\ntags: [a, b]\nnested:\n  key: value\n---\n# Hello\n",
    )
    .write(
        "toml.md",
        "+++\ntitle = \"Hello\"\ntags = [\"a\", \"b\"]\n[nested]\nkey = \"value\"\n+++\n# Hello\n",
    )
    .write(
        "json.md",
        "{\n  \"title\": \"Hello\",\n  \"tags\": [\"a\", \"b\"]\n}\n# Hello\n",
    )
    .write("crlf.md", "---\r\ntitle: Hello\r\n---\r\n# Hello\r\n")
    .write("empty.md", "---\n---\n# Empty block\n")
    .write("plain.md", "# No front matter\n\nJust text.\n")
    .commit("valid");
    let out = repo.check_json(&[]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(out.findings(), []);
    assert_eq!(out.json()["summary"]["documents"], 6);
}

#[test]
fn slide_deck_separators_are_not_front_matter() {
    let repo = TestRepo::new();
    repo.write(
        "decks/intro.md",
        "# Intro deck\n\nFirst slide.\n\n---\n\n## Second slide\n\n---\n\n## Third\n",
    )
    .commit("deck");
    let out = repo.check_json(&[]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(out.findings(), []);
}

// ---------------------------------------------------------------- frontmatter/schema

const CONFIG: &str = r#"
[[content]]
name = "term"
paths = ["glossary/*.md"]
schema = "schemas/term.schema.json"

[[content]]
name = "note"
paths = ["notes/*.md"]
schema = "schemas/note.schema.yaml"
"#;

/// Draft 2020-12, written in JSON.
const TERM_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["term", "category"],
  "additionalProperties": false,
  "properties": {
    "term": { "type": "string" },
    "category": { "enum": ["concept", "practice", "pattern"] },
    "difficulty": { "type": "integer" },
    "relatedTerms": { "type": "array", "items": { "type": "string" } },
    "tags": { "type": "array", "items": { "type": "string" } }
  }
}
"#;

/// Draft-07, written in YAML.
const NOTE_SCHEMA: &str = r#"$schema: "http://json-schema.org/draft-07/schema#"
type: object
required: [title]
additionalProperties: false
properties:
  title:
    type: string
  status:
    enum: [draft, published]
  tags:
    type: array
    items:
      type: string
"#;

fn schema_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", CONFIG)
        .write("schemas/term.schema.json", TERM_SCHEMA)
        .write("schemas/note.schema.yaml", NOTE_SCHEMA);
    repo
}

#[test]
fn enum_violation_at_the_value_with_a_suggestion() {
    let repo = schema_repo();
    repo.write(
        "glossary/tacit.md",
        "---\nterm: Tacit knowledge\ncategory: pratice\n---\n# Tacit\n",
    )
    .commit("enum");
    assert_eq!(
        frontmatter_findings(&repo),
        [f("frontmatter/schema", "glossary/tacit.md", 3, 11)]
    );
    let report = repo.check_json(&[]).json();
    let d = diagnostic(&report, "frontmatter/schema", "glossary/tacit.md", 3);
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(3), Some(18))
    );
    let message = d["message"].as_str().unwrap();
    assert!(message.contains("`category`"), "{message}");
    assert!(
        message.contains("`concept`, `practice`, `pattern`"),
        "{message}"
    );
    assert!(message.contains("pratice"), "{message}");
    let text = format!("{message} {}", d["help"].as_str().unwrap_or_default());
    assert!(text.contains("did you mean `practice`?"), "{text}");
}

#[test]
fn wrong_type_in_a_list_names_the_index() {
    let repo = schema_repo();
    repo.write(
        "glossary/cop.md",
        "---\nterm: Community of practice\ncategory: concept\nrelatedTerms: [cop, 2, tacit]\n---\n",
    )
    .commit("type");
    assert_eq!(
        frontmatter_findings(&repo),
        [f("frontmatter/schema", "glossary/cop.md", 4, 21)]
    );
    let report = repo.check_json(&[]).json();
    let d = diagnostic(&report, "frontmatter/schema", "glossary/cop.md", 4);
    let message = d["message"].as_str().unwrap();
    assert!(message.contains("relatedTerms[1]"), "{message}");
    assert!(message.contains("string"), "{message}");
    assert!(message.contains("integer"), "{message}");
}

#[test]
fn unknown_key_points_at_the_key() {
    let repo = schema_repo();
    repo.write(
        "glossary/x.md",
        "---\nterm: X\ncategory: concept\ntagz: [a]\n---\n",
    )
    .commit("unknown key");
    assert_eq!(
        frontmatter_findings(&repo),
        [f("frontmatter/schema", "glossary/x.md", 4, 1)]
    );
    let report = repo.check_json(&[]).json();
    let d = diagnostic(&report, "frontmatter/schema", "glossary/x.md", 4);
    assert_eq!(d["end_column"], 5);
    assert!(d["message"].as_str().unwrap().contains("`tagz`"), "{d}");
    assert_eq!(d["help"], "did you mean `tags`?");
}

#[test]
fn missing_required_key_is_reported_at_the_opening_delimiter() {
    let repo = schema_repo();
    repo.write("glossary/x.md", "---\nterm: X\ndifficulty: 2\n---\n# X\n")
        .commit("missing");
    assert_eq!(
        frontmatter_findings(&repo),
        [f("frontmatter/schema", "glossary/x.md", 1, 1)]
    );
    let report = repo.check_json(&[]).json();
    let d = diagnostic(&report, "frontmatter/schema", "glossary/x.md", 1);
    assert!(d["message"].as_str().unwrap().contains("`category`"), "{d}");
}

/// A document without front matter is checked as empty, and its missing keys are one
/// problem: one finding lists them all (it was one finding per required key).
#[test]
fn document_without_front_matter_is_checked_as_empty() {
    let repo = schema_repo();
    repo.write("glossary/bare.md", "# Bare\n\nNo front matter here.\n")
        .commit("bare");
    assert_eq!(
        frontmatter_findings(&repo),
        [f("frontmatter/schema", "glossary/bare.md", 1, 1)]
    );
    let report = repo.check_json(&[]).json();
    let messages: Vec<&str> = diagnostics(&report)
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert_eq!(
        messages,
        ["no front matter; required: `term`, `category`"],
        "{messages:?}"
    );
}

#[test]
fn slide_deck_under_a_schema_has_no_front_matter_and_no_syntax_error() {
    let repo = schema_repo();
    repo.write(
        "notes/deck.md",
        "# Deck\n\nIntro.\n\n---\n\n## Slide two\n\n---\n\n## Slide three\n",
    )
    .commit("deck");
    // Only the missing `title`, at line 1: the `---` lines are slide separators.
    assert_eq!(
        frontmatter_findings(&repo),
        [f("frontmatter/schema", "notes/deck.md", 1, 1)]
    );
}

#[test]
fn draft_07_yaml_schema_is_enforced() {
    let repo = schema_repo();
    repo.write("notes/n.md", "---\ntitle: 5\nstatus: draf\nextra: 1\n---\n")
        .commit("note");
    assert_eq!(
        frontmatter_findings(&repo),
        [
            f("frontmatter/schema", "notes/n.md", 2, 8),
            f("frontmatter/schema", "notes/n.md", 3, 9),
            f("frontmatter/schema", "notes/n.md", 4, 1),
        ]
    );
    let report = repo.check_json(&[]).json();
    assert_eq!(
        diagnostic(&report, "frontmatter/schema", "notes/n.md", 3)["help"],
        "did you mean `draft`?"
    );
}

#[test]
fn toml_front_matter_is_validated_with_positions() {
    let repo = schema_repo();
    repo.write(
        "glossary/t.md",
        "+++\nterm = \"T\"\ncategory = \"pratice\"\ntags = [\"a\", 3]\n+++\nbody\n",
    )
    .commit("toml");
    assert_eq!(
        frontmatter_findings(&repo),
        [
            f("frontmatter/schema", "glossary/t.md", 3, 12),
            f("frontmatter/schema", "glossary/t.md", 4, 14)
        ]
    );
    let report = repo.check_json(&[]).json();
    assert!(
        diagnostic(&report, "frontmatter/schema", "glossary/t.md", 4)["message"]
            .as_str()
            .unwrap()
            .contains("tags[1]")
    );
}

#[test]
fn json_front_matter_is_validated_with_positions() {
    let repo = schema_repo();
    repo.write(
        "glossary/j.md",
        "{\n  \"term\": \"J\",\n  \"category\": \"pratice\",\n  \"tags\": [\"a\", true],\n  \"extra\": 1\n}\nbody\n",
    )
    .commit("json");
    assert_eq!(
        frontmatter_findings(&repo),
        [
            f("frontmatter/schema", "glossary/j.md", 3, 15),
            f("frontmatter/schema", "glossary/j.md", 4, 17),
            f("frontmatter/schema", "glossary/j.md", 5, 3),
        ]
    );
}

#[test]
fn valid_documents_under_schemas_produce_nothing() {
    let repo = schema_repo();
    repo.write("glossary/cop.md", "---\nterm: Community of practice\ncategory: practice\ndifficulty: 2\ntags: [community]\n---\n# CoP\n")
        .write("glossary/tacit.md", "+++\nterm = \"Tacit knowledge\"\ncategory = \"concept\"\n+++\n# Tacit\n")
        .write("glossary/pattern.md", "{\n  \"term\": \"Pattern\",\n  \"category\": \"pattern\"\n}\n# Pattern\n")
        .write("notes/n.md", "---\ntitle: A note\nstatus: draft\ntags: [x]\n---\n# A note\n")
        .commit("valid");
    let out = repo.check_json(&[]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(out.findings(), []);
    assert_eq!(out.json()["summary"]["documents"], 4);
}

#[test]
fn a_block_with_a_syntax_error_is_not_also_checked_against_the_schema() {
    let repo = schema_repo();
    repo.write("glossary/x.md", "---\nterm: X\ncategory: [unclosed\n---\n")
        .commit("broken");
    let findings = frontmatter_findings(&repo);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].0, "frontmatter/syntax");
}

/// Bug: a schema whose file name has letters outside ASCII (or a space) did not load: its
/// path went unescaped into the `file:` URI the validator resolves `$ref`s against.
#[test]
fn schemas_named_in_any_script_load_and_resolve_their_refs() {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[[content]]\nname = \"términos\"\npaths = [\"glosario/*.md\"]\nschema = \"esquemas/término del glosario.json\"\n",
    )
    .write(
        "esquemas/término del glosario.json",
        r#"{"type": "object", "properties": {"categoría": {"$ref": "com%C3%BAn%201.json#/$defs/categor%C3%ADa"}}}"#,
    )
    .write(
        "esquemas/común 1.json",
        r#"{"$defs": {"categoría": {"enum": ["concepto", "práctica"]}}}"#,
    )
    .write("glosario/a.md", "---\ncategoría: concepto\n---\n# A\n")
    .write("glosario/b.md", "---\ncategoría: otra\n---\n# B\n")
    .commit("schemas in Spanish");
    assert_eq!(
        frontmatter_findings(&repo),
        [f("frontmatter/schema", "glosario/b.md", 2, 12)]
    );
}
