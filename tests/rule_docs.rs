//! Every rule has documentation and every document has a rule; the binary lists and prints
//! them.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use docsteward::rules::RULES;

const SECTIONS: [&str; 4] = ["## What it checks", "## Why", "## Example", "## Options"];

/// The `key: value` lines of a YAML front matter block, unquoted.
fn front_matter(doc: &str) -> Option<BTreeMap<String, String>> {
    let rest = doc.strip_prefix("---\n")?;
    let end = rest
        .find("\n---\n")
        .or_else(|| rest.strip_suffix("\n---").map(str::len))?;
    let mut fields = BTreeMap::new();
    for line in rest[..end].lines() {
        if let Some((key, value)) = line.split_once(':') {
            if !key.starts_with(' ') && !key.starts_with('-') {
                fields.insert(
                    key.trim().to_owned(),
                    value.trim().trim_matches(['"', '\'']).to_owned(),
                );
            }
        }
    }
    Some(fields)
}

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "schemas")
                && path.parent() == Some(&rules_dir())
            {
                continue;
            }
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md")
            && !path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .eq_ignore_ascii_case("README.md")
        {
            out.push(path);
        }
    }
}

#[test]
fn every_rule_has_a_complete_doc() {
    let mut problems = Vec::new();
    for rule in RULES {
        let id = rule.id();
        let doc = rule.meta().doc;
        let Some(fields) = front_matter(doc) else {
            problems.push(format!("{id}: the doc has no front matter"));
            continue;
        };
        if fields.get("id").map(String::as_str) != Some(id) {
            problems.push(format!("{id}: front matter id is {:?}", fields.get("id")));
        }
        let level = rule.default_level().as_str();
        if fields.get("severity").map(String::as_str) != Some(level) {
            problems.push(format!(
                "{id}: front matter severity is {:?}, the default level is {level}",
                fields.get("severity")
            ));
        }
        match fields.get("summary").map(String::as_str) {
            None | Some("") | Some("TODO") => problems.push(format!("{id}: no summary")),
            Some(_) => {}
        }
        for section in SECTIONS {
            if !doc.lines().any(|l| l.trim_end() == section) {
                problems.push(format!("{id}: no `{section}` section"));
            }
        }
        let file = rules_dir().join(format!("{id}.md"));
        match std::fs::read_to_string(&file) {
            Ok(text) if text == doc => {}
            Ok(_) => problems.push(format!(
                "{id}: the embedded doc differs from {}",
                file.display()
            )),
            Err(e) => problems.push(format!("{id}: {}: {e}", file.display())),
        }
    }
    assert!(
        problems.is_empty(),
        "rule documentation problems:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_doc_belongs_to_a_rule() {
    let mut files = Vec::new();
    markdown_files(&rules_dir(), &mut files);
    assert!(!files.is_empty());
    let ids: Vec<&str> = RULES.iter().map(|r| r.id()).collect();
    let orphans: Vec<String> = files
        .iter()
        .map(|p| {
            let rel = p.strip_prefix(rules_dir()).unwrap().with_extension("");
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .filter(|id| !ids.contains(&id.as_str()))
        .collect();
    assert!(orphans.is_empty(), "docs without a rule: {orphans:?}");
}

#[test]
fn rule_ids_are_unique() {
    let mut ids: Vec<&str> = RULES.iter().map(|r| r.id()).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), before, "duplicate rule ids");
}

#[test]
fn rules_command_lists_every_rule() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::run_in(dir.path(), &["rules"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), RULES.len(), "{}", out.stdout);
    for (rule, line) in RULES.iter().zip(&lines) {
        let mut words = line.split_whitespace();
        assert_eq!(words.next(), Some(rule.id()), "{line}");
        assert_eq!(words.next(), Some(rule.default_level().as_str()), "{line}");
    }
}

#[test]
fn rule_command_prints_the_doc() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::run_in(dir.path(), &["rule", "frontmatter/schema"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let expected = std::fs::read_to_string(rules_dir().join("frontmatter/schema.md")).unwrap();
    assert_eq!(out.stdout, expected);
}

#[test]
fn unknown_rule_command_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::run_in(dir.path(), &["rule", "nope"]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("unknown rule `nope`"), "{}", out.stderr);
    let out = common::run_in(dir.path(), &["rule", "frontmatter/shema"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("did you mean `frontmatter/schema`?"),
        "{}",
        out.stderr
    );
}

/// docsteward's own configuration validates the rule docs with a schema.
#[test]
fn rule_docs_pass_docsteward_check_in_this_repository() {
    let out = common::run_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["check", "rules/", "--format", "concise"],
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
}

/// The README's rules table lists every rule, in the table's order, with its default level.
#[test]
fn readme_lists_every_rule_with_its_default() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let rows: Vec<(String, String)> = readme
        .lines()
        .filter(|l| l.starts_with("| [`"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let id = cells[1]
                .trim_start_matches("[`")
                .split('`')
                .next()
                .unwrap()
                .to_owned();
            (id, cells[2].to_owned())
        })
        .collect();
    let expected: Vec<(String, String)> = docsteward::rules::RULES
        .iter()
        .map(|r| (r.id().to_owned(), r.default_level().as_str().to_owned()))
        .collect();
    assert_eq!(rows, expected);
}
