//! Vaults (`[site] generator = "obsidian"`): wikilinks, embeds, headings by text and block
//! ids in `fixtures/vault`, whose deliberate defects are found and nothing else, with its
//! hand-written configuration and after `init` alone; a rename that breaks `[[old name]]`
//! links elsewhere widens a `--staged` run to them; and a real wikilink implementation reads
//! the vault's links as docsteward does.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{f, files_with_extension, have_tool, TestRepo};
use docsteward::document::Document;
use serde_json::Value;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn vault() -> TestRepo {
    let repo = TestRepo::new();
    repo.copy_tree(&manifest_dir().join("fixtures/vault"));
    repo
}

/// The vault's deliberate defects, as the JSON report lists them.
fn expected() -> Vec<(String, String, u64, u64)> {
    vec![
        f("links/missing-file", "Decks/Kickoff deck.md", 12, 4),
        f("links/ambiguous", "Decks/Kickoff deck.md", 15, 18),
        f(
            "links/missing-file",
            "Meetings/2026-11-02 Kickoff.md",
            27,
            26,
        ),
        f(
            "links/missing-anchor",
            "Meetings/2026-11-02 Kickoff.md",
            30,
            41,
        ),
        f(
            "links/missing-anchor",
            "Meetings/2026-11-02 Kickoff.md",
            33,
            28,
        ),
        f(
            "links/missing-file",
            "Meetings/2026-11-02 Kickoff.md",
            36,
            35,
        ),
        f("graph/orphan", "Meetings/Draft agenda.md", 1, 1),
        f("links/missing-anchor", "Onboarding.md", 20, 19),
        f("links/ambiguous", "README.md", 11, 15),
    ]
}

#[test]
fn the_vault_shows_each_deliberate_defect_once() {
    let repo = vault();
    repo.commit("the vault");
    let out = repo.check_json(&[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.findings(), expected(), "{}", out.stdout);
    // A heading is suggested by its text, as a vault link names it.
    let help = &out.json()["diagnostics"][4]["help"];
    assert_eq!(help, "did you mean `#Three elements`?");
    // Every planted defect is marked in the fixture, and every marker is found.
    let marked: usize = files_with_extension(&manifest_dir().join("fixtures/vault"), "md")
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            text.matches("<!-- deliberate defect: ").count()
        })
        .sum();
    assert_eq!(marked, expected().len());
}

/// `init` alone recognises the vault by its `.obsidian/` folder; the check then finds the
/// same defects but the orphan, a rule that is off unless configured.
#[test]
fn init_recognises_the_vault_and_finds_the_same_defects() {
    let repo = vault();
    std::fs::remove_file(repo.path("docsteward.toml")).unwrap();
    repo.commit("the vault without its configuration");
    let out = repo.run(&["init"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let config = std::fs::read_to_string(repo.path("docsteward.toml")).unwrap();
    assert!(
        config.contains("[site]\ngenerator = \"obsidian\"\n"),
        "{config}"
    );
    assert!(config.contains("obsidian vault: `.obsidian/` in the repository root"));
    repo.commit("what init wrote");
    let out = repo.check_json(&[]);
    let wanted: Vec<_> = expected()
        .into_iter()
        .filter(|x| x.0 != "graph/orphan")
        .collect();
    assert_eq!(out.findings(), wanted, "{}", out.stdout);
}

/// Renaming a note breaks every `[[old name]]` (and Markdown link) to it in unchanged notes:
/// a `--staged` run reports them.
#[test]
fn a_staged_rename_reports_the_wikilinks_it_breaks() {
    let repo = vault();
    repo.commit("the vault");
    std::fs::rename(repo.path("Onboarding.md"), repo.path("Onboarding guide.md")).unwrap();
    let git = repo.git();
    let mut index = git.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.update_all(["*"], None).unwrap();
    index.write().unwrap();
    let out = repo.check_json(&["--staged"]);
    let kickoff = "Meetings/2026-11-02 Kickoff.md";
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "Glossary/Steward.md", 14, 53),
            f("links/missing-file", kickoff, 12, 6),
            f("links/missing-file", kickoff, 22, 44),
            f("links/missing-file", kickoff, 27, 26),
            f("links/missing-anchor", kickoff, 30, 41),
            f("links/missing-anchor", kickoff, 33, 28),
            f("links/missing-file", kickoff, 36, 35),
            // Nothing links to the new name yet.
            f("graph/orphan", "Onboarding guide.md", 1, 1),
            f("links/missing-anchor", "Onboarding guide.md", 20, 19),
            f("links/missing-file", "README.md", 4, 8),
            f("links/ambiguous", "README.md", 11, 15),
        ],
        "{}",
        out.stdout
    );
    let message = &out.json()["diagnostics"][0]["message"];
    assert_eq!(
        message,
        "no note or attachment named `Onboarding` in the vault"
    );
}

/// A small vault whose notes link by their aliases, for `generator` (written at the root,
/// with `.obsidian/` or a Quartz layout as the tool needs).
fn aliased_vault(generator: &str) -> TestRepo {
    let repo = TestRepo::new();
    let notes = if generator == "quartz" {
        repo.write("quartz.config.ts", "export default {}\n");
        "content/"
    } else {
        repo.write(".obsidian/app.json", "{}\n");
        ""
    };
    repo.write(
        "docsteward.toml",
        format!("[site]\ngenerator = \"{generator}\"\n"),
    );
    let n = |p: &str| format!("{notes}{p}");
    repo.write(
        &n("Glossary/Community of Practice.md"),
        "---\naliases:\n  - CoP\n  - Practice community\n---\n# Community of Practice\n\n## Three elements\n\nDomain.\n",
    );
    repo.write(
        &n("Glossary/Steward.md"),
        "---\nalias: Keeper, Gardener\n---\n# Steward\n\nSee [[Community of Practice]].\n",
    );
    repo.write(
        &n("Onboarding.md"),
        "# Onboarding\n\nJoin the [[CoP]] and the [[practice COMMUNITY#Three elements]].\nAsk a [[Gardener|steward]] or a [[Keeper]].\nNot an alias: [[Mentor]].\n",
    );
    repo.commit("the vault");
    repo
}

/// Obsidian and Foam offer aliases in their link suggestions but open no link by alias:
/// `[[CoP]]` stays unresolved, and the help names the note and the link that works.
#[test]
fn obsidian_and_foam_leave_links_by_alias_unresolved_and_say_which_note_has_it() {
    for generator in ["obsidian", "foam"] {
        let repo = aliased_vault(generator);
        let out = repo.check_json(&[]);
        assert_eq!(
            out.findings(),
            [
                f("links/missing-file", "Onboarding.md", 3, 12),
                f("links/missing-file", "Onboarding.md", 3, 28),
                f("links/missing-file", "Onboarding.md", 4, 9),
                f("links/missing-file", "Onboarding.md", 4, 35),
                f("links/missing-file", "Onboarding.md", 5, 17),
            ],
            "{generator}: {}",
            out.stdout
        );
        let json = out.json();
        let help: Vec<&str> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["help"].as_str().unwrap_or(""))
            .collect();
        let note = "Glossary/Community of Practice.md";
        assert_eq!(
            help,
            [
                format!("`CoP` is an alias of `{note}`, and the vault tool opens no link by alias: write `[[Community of Practice|CoP]]`"),
                format!("`practice COMMUNITY` is an alias of `{note}`, and the vault tool opens no link by alias: write `[[Community of Practice#Three elements|practice COMMUNITY]]`"),
                "`Gardener` is an alias of `Glossary/Steward.md`, and the vault tool opens no link by alias: write `[[Steward|Gardener]]`".to_owned(),
                "`Keeper` is an alias of `Glossary/Steward.md`, and the vault tool opens no link by alias: write `[[Steward|Keeper]]`".to_owned(),
                String::new(),
            ],
            "{generator}"
        );
    }
}

/// Quartz publishes a redirect page at each alias and resolves a link by it: only the name
/// no note has is missing, and the heading after an alias is checked in the aliased note.
#[test]
fn quartz_resolves_links_by_alias_to_the_note() {
    let repo = aliased_vault("quartz");
    let out = repo.check_json(&[]);
    assert_eq!(
        out.findings(),
        [f("links/missing-file", "content/Onboarding.md", 5, 17)],
        "{}",
        out.stdout
    );
    repo.write(
        "content/Onboarding.md",
        "# Onboarding\n\nJoin the [[CoP#Four elements]].\n",
    );
    let out = repo.check_json(&[]);
    assert_eq!(
        out.findings(),
        [f("links/missing-anchor", "content/Onboarding.md", 3, 15)],
        "{}",
        out.stdout
    );
}

/// The folder that `.ci/run` installs `@portaljs/remark-wiki-link` into. `None` (the test
/// skips) when it or node is missing, except under CI, where that fails.
fn wikilink_oracle() -> Option<PathBuf> {
    if !have_tool("node") {
        return None;
    }
    let cache = manifest_dir().join("tests/.cache/wikilink");
    if cache
        .join("node_modules/@portaljs/remark-wiki-link/package.json")
        .is_file()
    {
        return Some(cache);
    }
    let install = "npm install --prefix tests/.cache/wikilink @portaljs/remark-wiki-link@1.2.0 remark-parse@10.0.2 unified@10.1.2";
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("the wikilink oracle is not installed, and CI is set: .ci/run should have run `{install}`");
    }
    eprintln!("skipped: @portaljs/remark-wiki-link is not installed (`{install}`; CI installs it)");
    None
}

/// `(file, line, column of the `[[`, target)` of every wikilink and embed docsteward reads.
fn our_wikilinks(vault: &Path, files: &[PathBuf]) -> BTreeSet<(String, usize, usize, String)> {
    let mut out = BTreeSet::new();
    for file in files {
        let bytes = std::fs::read(file).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        let rel = file.strip_prefix(vault).unwrap().display().to_string();
        let doc = Document::parse(&rel, &bytes);
        for r in doc
            .markdown
            .references
            .iter()
            .filter(|r| r.kind.is_wikilink())
        {
            let open = text[..r.span.start].rfind("[[").unwrap();
            let open = open - usize::from(text[..open].ends_with('!'));
            let line = text[..open].matches('\n').count() + 1;
            let line_start = text[..open].rfind('\n').map_or(0, |i| i + 1);
            let column = text[line_start..open].chars().count() + 1;
            out.insert((rel.clone(), line, column, r.target.clone()));
        }
    }
    out
}

/// A real Obsidian-style wikilink parser and resolver reads the fixture's wikilinks where
/// docsteward does, and finds the same ones missing, except where it departs from Obsidian
/// (named below).
#[test]
fn a_wikilink_implementation_reads_and_resolves_the_vault_as_docsteward_does() {
    let Some(cache) = wikilink_oracle() else {
        return;
    };
    let dir = manifest_dir().join("fixtures/vault");
    let files = files_with_extension(&dir, "md");
    let out = Command::new("node")
        .arg(manifest_dir().join("tests/vault_oracle.mjs"))
        .arg(&cache)
        .arg(format!("{}/", dir.display()))
        .args(&files)
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut theirs: BTreeMap<(String, usize, usize), (String, bool)> = BTreeMap::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let file = PathBuf::from(v["file"].as_str().unwrap());
        let rel = file.strip_prefix(&dir).unwrap().display().to_string();
        for l in v["links"].as_array().unwrap() {
            let key = (
                rel.clone(),
                l["line"].as_u64().unwrap() as usize,
                l["column"].as_u64().unwrap() as usize,
            );
            let target = l["target"].as_str().unwrap().to_owned();
            theirs.insert(key, (target, l["exists"].as_bool().unwrap()));
        }
    }
    // Where docsteward finds no file of the name: its missing-file findings on wikilinks.
    let repo = vault();
    repo.commit("the vault");
    let missing: BTreeSet<(String, u64)> = repo
        .check_json(&[])
        .findings()
        .into_iter()
        .filter(|x| x.0 == "links/missing-file")
        .map(|x| (x.1, x.2))
        .collect();
    let ours = our_wikilinks(&dir, &files);
    // Where the plugin departs from Obsidian, which docsteward follows: it compares names
    // with letter case, and it reads `\|` in a table cell as part of the target.
    let departures: BTreeSet<(&str, usize, usize)> = [
        ("README.md", 6, 56),
        ("Meetings/2026-11-02 Kickoff.md", 18, 9),
    ]
    .into();
    let (mut agree, mut parsed, mut same_note) = (0, 0, 0);
    for (file, line, column, target) in &ours {
        let key = (file.clone(), *line, *column);
        let Some((their_target, exists)) = theirs.get(&key) else {
            panic!("the plugin reads no wikilink at {file}:{line}:{column} (`{target}`)");
        };
        parsed += 1;
        let found = !missing.contains(&(file.clone(), *line as u64));
        if departures.contains(&(file.as_str(), *line, *column)) {
            assert!(
                !exists,
                "{file}:{line}: a departure the plugin no longer makes"
            );
            continue;
        }
        assert_eq!(their_target, target, "{file}:{line}:{column}");
        // The plugin resolves names only: `[[#Heading]]` on the same note has none.
        if target.starts_with('#') {
            same_note += 1;
            continue;
        }
        assert_eq!(*exists, found, "{file}:{line}:{column} `{target}`");
        agree += 1;
    }
    assert_eq!(
        parsed,
        theirs.len(),
        "the plugin reads wikilinks docsteward does not"
    );
    assert_eq!(parsed, agree + same_note + departures.len());
    eprintln!(
        "wikilinks: {parsed} read by both; of {} with a name, {agree} resolved alike, {} departures",
        parsed - same_note,
        departures.len()
    );
}
