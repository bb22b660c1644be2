//! README.md and fixtures/handbook/README.md stay true: every command they show parses as
//! docsteward's command line (or is a known tool's), every `console` block's commands print
//! exactly the output shown and exit with the code its comment gives, the usage synopsis
//! names only options the parser has, the output examples and the demo's counts are what
//! the demo prints, and every version a snippet pins is this version.

mod common;

use std::path::Path;

use clap::{CommandFactory, Parser};
use common::TestRepo;
use docsteward::cli::Cli;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(manifest_dir().join(rel)).unwrap()
}

/// A fenced code block: its info string, its text, and the line its fence opens on.
#[derive(Debug)]
struct Block {
    lang: String,
    text: String,
    line: usize,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (n, line) in markdown.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(lang)) => {
                open = Some(Block {
                    lang: lang.trim().to_owned(),
                    text: String::new(),
                    line: n + 1,
                });
            }
            (Some(_), Some("")) => blocks.push(open.take().unwrap()),
            (Some(block), _) => {
                block.text.push_str(line);
                block.text.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "a code block is not closed");
    blocks
}

const DOCUMENTS: [&str; 2] = ["README.md", "fixtures/handbook/README.md"];

/// A repository holding the demo where this one holds it, so that the README's commands
/// run as written, from the root.
fn demo() -> TestRepo {
    let repo = TestRepo::new();
    let handbook = manifest_dir().join("fixtures/handbook");
    for file in walk(&handbook) {
        let rel = file.strip_prefix(&handbook).unwrap().to_str().unwrap();
        repo.write(
            &format!("fixtures/handbook/{rel}"),
            std::fs::read(&file).unwrap(),
        );
    }
    repo.commit("the demo");
    repo
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// A shown command line without its trailing comment, split at whitespace (the README
/// quotes nothing), and the comment.
fn command_words(line: &str) -> (Vec<&str>, &str) {
    let (command, comment) = line.split_once(" # ").unwrap_or((line, ""));
    (command.split_whitespace().collect(), comment.trim())
}

/// docsteward's parser accepts `args` (the words after `docsteward`).
fn parses(args: &[&str], context: &str) {
    let argv = std::iter::once("docsteward").chain(args.iter().copied());
    if let Err(e) = Cli::try_parse_from(argv) {
        use clap::error::ErrorKind;
        assert!(
            matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion),
            "{context}: `docsteward {}` does not parse: {e}",
            args.join(" ")
        );
    }
}

#[test]
fn every_shell_command_shown_is_one_that_works() {
    let version = env!("CARGO_PKG_VERSION");
    for doc in DOCUMENTS {
        for block in blocks(&read(doc)).iter().filter(|b| b.lang == "sh") {
            for (i, line) in block.text.lines().enumerate() {
                let context = format!("{doc}:{}", block.line + 1 + i);
                let (words, _) = command_words(line);
                match words.as_slice() {
                    [] => {}
                    ["docsteward", args @ ..] => {
                        // Redirections are the shell's.
                        let args: Vec<&str> =
                            args.iter().copied().take_while(|w| *w != ">").collect();
                        parses(&args, &context);
                    }
                    ["cargo", "run", "--locked", "--", args @ ..] => parses(args, &context),
                    ["cargo", "test", "--locked"] => {}
                    ["cargo", "install", "--locked", "docsteward"] => {}
                    ["pipx" | "pip", "install", "docsteward"] => {}
                    ["lychee", ..] => {}
                    other => panic!("{context}: a command this test does not know: {other:?}"),
                }
            }
        }
        // Every version a snippet pins is this one.
        let text = read(doc);
        for pin in ["rev: v", "docsteward/docsteward@v", "docsteward=="] {
            for (at, _) in text.match_indices(pin) {
                let rest = &text[at + pin.len()..];
                let pinned: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '.')
                    .collect();
                let pinned = pinned.trim_end_matches('.');
                assert_eq!(pinned, version, "{doc}: {pin}{pinned}");
            }
        }
    }
}

#[test]
fn console_blocks_show_what_docsteward_prints() {
    let repo = demo();
    let mut ran = 0;
    for doc in DOCUMENTS {
        for block in blocks(&read(doc)).iter().filter(|b| b.lang == "console") {
            let mut commands: Vec<(String, String)> = Vec::new();
            for line in block.text.lines() {
                match line.strip_prefix("$ ") {
                    Some(command) => commands.push((command.to_owned(), String::new())),
                    None => {
                        let (_, output) = commands.last_mut().unwrap_or_else(|| {
                            panic!("{doc}:{}: output before a command", block.line)
                        });
                        output.push_str(line);
                        output.push('\n');
                    }
                }
            }
            for (command, shown) in commands {
                let (words, comment) = command_words(&command);
                let ["docsteward", args @ ..] = words.as_slice() else {
                    panic!("{doc}:{}: not a docsteward command: {command}", block.line);
                };
                let code: i32 = match comment.strip_prefix("exit code ") {
                    Some(n) => n.parse().unwrap(),
                    None => 0,
                };
                let out = repo.run(args);
                assert_eq!(
                    out.code, code,
                    "{doc}:{}: {command}\n{}",
                    block.line, out.stderr
                );
                assert_eq!(out.stdout, shown, "{doc}:{}: {command}", block.line);
                ran += 1;
            }
        }
    }
    assert!(ran > 0, "no console block was checked");
}

/// The usage synopsis names every subcommand, and only options its subcommand has.
#[test]
fn the_usage_synopsis_matches_the_parser() {
    let cli = Cli::command();
    let usage = blocks(&read("README.md"))
        .into_iter()
        .find(|b| b.lang == "text" && b.text.starts_with("docsteward check"))
        .expect("README.md's usage block");
    let global: Vec<String> = cli
        .get_arguments()
        .filter_map(|a| a.get_long().map(str::to_owned))
        .collect();
    let mut current: Option<&clap::Command> = None;
    let mut named = std::collections::BTreeSet::new();
    for line in usage.text.lines() {
        let line = line.split(" # ").next().unwrap();
        let mut words = line.split_whitespace().peekable();
        if words.peek() == Some(&"docsteward") {
            words.next();
            let name = words.next().unwrap();
            current = Some(
                cli.find_subcommand(name)
                    .unwrap_or_else(|| panic!("usage names no subcommand {name}")),
            );
            named.insert(name.to_owned());
        }
        let command = current.expect("the synopsis starts with a command");
        for word in line.split(|c: char| !(c.is_alphanumeric() || c == '-')) {
            let Some(long) = word.strip_prefix("--") else {
                continue;
            };
            let known = global.iter().any(|g| g == long)
                || command.get_arguments().any(|a| a.get_long() == Some(long))
                || command
                    .get_subcommands()
                    .any(|s| s.get_arguments().any(|a| a.get_long() == Some(long)));
            assert!(known, "`{}` has no --{long}: {line}", command.get_name());
        }
    }
    let all: std::collections::BTreeSet<String> = cli
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    assert_eq!(named, all, "the usage block names every subcommand");
}

/// The JSON and concise examples are the demo's own output, and its counts.
#[test]
fn output_examples_are_the_demos_output() {
    let repo = demo();
    let json = repo.run(&["check", "fixtures/handbook", "--format", "json"]);
    assert_eq!(json.code, 1, "{}", json.stderr);
    let report = json.json();
    let concise = repo.run(&["check", "fixtures/handbook", "--format", "concise"]);
    let readme = read("README.md");

    let example = blocks(&readme)
        .into_iter()
        .find(|b| b.lang == "json" && b.text.contains("\"diagnostics\""))
        .expect("the JSON example");
    let example: serde_json::Value = serde_json::from_str(&example.text).unwrap();
    let diagnostics = report["diagnostics"].as_array().unwrap();
    for shown in example["diagnostics"].as_array().unwrap() {
        assert!(
            diagnostics.contains(shown),
            "not a diagnostic of the demo: {shown}"
        );
    }
    assert_eq!(example["summary"], report["summary"]);
    assert_eq!(example["version"], report["version"]);
    assert!(
        readme.contains(&format!(
            "abridged to one of its {} diagnostics",
            diagnostics.len()
        )),
        "the JSON example's count of diagnostics"
    );

    let shown_lines: Vec<String> = blocks(&readme)
        .into_iter()
        .filter(|b| b.lang == "text" && b.text.starts_with("fixtures/handbook/"))
        .flat_map(|b| b.text.lines().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    assert!(!shown_lines.is_empty(), "the concise example");
    for line in shown_lines {
        assert!(
            concise.stdout.lines().any(|l| l == line),
            "not a line the demo prints: {line}"
        );
    }
}

/// The handbook's README lists each finding of the demo (file, line, rule), its counts, and
/// as many rules it cannot show as it says.
#[test]
fn the_handbook_readme_lists_the_demos_findings() {
    let repo = demo();
    let report = repo
        .run(&["check", "fixtures/handbook", "--format", "json"])
        .json();
    let mut found: Vec<(String, u64, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"]
                    .as_str()
                    .unwrap()
                    .strip_prefix("fixtures/handbook/")
                    .unwrap()
                    .to_owned(),
                d["line"].as_u64().unwrap(),
                d["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    found.sort();

    let text = read("fixtures/handbook/README.md");
    let mut listed: Vec<(String, u64, String)> = text
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|row| {
            let cells: Vec<&str> = row.split('|').map(|c| c.trim().trim_matches('`')).collect();
            (
                cells[1].to_owned(),
                cells[2].parse().unwrap(),
                cells[3].to_owned(),
            )
        })
        .collect();
    listed.sort();
    assert_eq!(listed, found);

    let count = |severity: &str| report["summary"][severity].as_u64().unwrap();
    let sentence = format!(
        "reports these {} findings ({} errors, {} warnings)",
        found.len(),
        count("errors"),
        count("warnings")
    );
    assert!(text.contains(&sentence), "{sentence}");

    let (before, after) = text
        .split_once(" rules cannot be shown here:\n\n")
        .expect("the rules the demo cannot show");
    let said = before.rsplit('\n').next().unwrap();
    let bullets = after.lines().take_while(|l| l.starts_with("- ")).count();
    let words = ["None", "One", "Two", "Three", "Four", "Five", "Six"];
    assert_eq!(said, words[bullets], "{bullets} bullets");
}
