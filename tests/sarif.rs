//! `--format sarif`: valid SARIF 2.1.0 by the SARIF Multitool, every rule described, and
//! fingerprints that survive unrelated lines moving.

mod common;

use common::{have_tool, sarif_errors, sarif_validate, TestRepo};
use docsteward::rules::RULES;
use serde_json::Value;

fn repo_with_findings() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        "docs/guide one.md",
        "# Guide\n\nSee [setup](setup.md#install) and ![](ünïcode.png).\n",
    )
    .write(
        "docs/setup.md",
        "# Setup\n\n[dup](gone.md) and again [dup](gone.md)\n",
    )
    .commit("docs");
    repo
}

fn sarif(repo: &TestRepo) -> Value {
    let out = repo.run(&["check", "--format", "sarif"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", out.stdout))
}

#[test]
fn the_sarif_multitool_finds_no_errors() {
    if !have_tool("sarif-multitool") {
        return;
    }
    let repo = repo_with_findings();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("docsteward.sarif");
    let out = repo.run(&[
        "check",
        "--format",
        "sarif",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = sarif_validate(&file);
    assert!(sarif_errors(&report).is_empty(), "{report}");
    assert!(!report.contains(": warning "), "{report}");

    // The validator really reads our log: an inconsistent region in it is an error.
    let mut log: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["endLine"] =
        0.into();
    let broken = dir.path().join("broken.sarif");
    std::fs::write(&broken, serde_json::to_string(&log).unwrap()).unwrap();
    assert!(
        !sarif_errors(&sarif_validate(&broken)).is_empty(),
        "the validator missed a broken region"
    );
}

#[test]
fn describes_every_rule_and_locates_every_result() {
    let repo = repo_with_findings();
    let log = sarif(&repo);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "docsteward");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(driver["informationUri"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len());
    for (descriptor, rule) in rules.iter().zip(RULES) {
        assert_eq!(descriptor["id"], rule.id());
        assert_eq!(
            descriptor["shortDescription"]["text"],
            docsteward::rules::summary(*rule)
        );
        let full = descriptor["fullDescription"]["text"].as_str().unwrap();
        assert!(!full.is_empty() && !full.starts_with("---"), "{full}");
        assert!(["error", "warning", "note", "none"].contains(
            &descriptor["defaultConfiguration"]["level"]
                .as_str()
                .unwrap()
        ));
    }

    let json = repo.check_json(&[]).json();
    let expected = common::diagnostics(&json);
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), expected.len());
    for (result, d) in results.iter().zip(expected) {
        assert_eq!(result["ruleId"], d["rule"]);
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], d["rule"]);
        let level = match d["severity"].as_str().unwrap() {
            "info" => "note",
            other => other,
        };
        assert_eq!(result["level"], level);
        assert!(result["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with(d["message"].as_str().unwrap()));
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let region = &location["region"];
        assert_eq!(region["startLine"], d["line"]);
        assert_eq!(region["startColumn"], d["column"]);
        assert_eq!(region["endLine"], d["end_line"]);
        assert_eq!(region["endColumn"], d["end_column"]);
    }
    let uris = common::sarif_uris(&log);
    assert!(uris.contains(&"docs/guide%20one.md"), "{uris:?}");
}

fn fingerprints(log: &Value) -> Vec<(String, u64, String)> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_owned(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
                r["partialFingerprints"]["docsteward/v1"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            )
        })
        .collect()
}

#[test]
fn fingerprints_survive_lines_inserted_above() {
    let repo = repo_with_findings();
    let before = fingerprints(&sarif(&repo));
    repo.write(
        "docs/setup.md",
        "# Setup\n\nA new paragraph.\n\nAnd another.\n\n[dup](gone.md) and again [dup](gone.md)\n",
    )
    .write(
        "docs/guide one.md",
        "# Guide\n\nIntro.\n\nSee [setup](setup.md#install) and ![](ünïcode.png).\n",
    )
    .commit("insert lines");
    let after = fingerprints(&sarif(&repo));
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b.0, a.0);
        assert!(a.1 > b.1, "the finding moved down: {b:?} -> {a:?}");
        assert_eq!(b.2, a.2, "fingerprint changed for {b:?}");
    }
    // Two identical findings in one file are told apart by their order.
    let dup: Vec<&String> = after
        .iter()
        .filter(|(rule, line, _)| rule == "links/missing-file" && *line == 7)
        .map(|f| &f.2)
        .collect();
    assert_eq!(dup.len(), 2);
    assert_ne!(dup[0], dup[1]);
}

/// A fixable finding carries `fixes` that the Multitool accepts, with the byte region the
/// fix replaces.
#[test]
fn fixes_are_valid_sarif_with_byte_regions() {
    let repo = TestRepo::new();
    repo.write("docs/old name.md", "# Old\n")
        .write(
            "docs/guide.md",
            "# Guide\r\n\r\nSee [it](<old name.md>).\r\n",
        )
        .commit("docs");
    std::fs::rename(repo.path("docs/old name.md"), repo.path("docs/new.md")).unwrap();
    repo.commit("rename");
    let log = sarif(&repo);
    let fixes = &log["runs"][0]["results"][0]["fixes"];
    let change = &fixes[0]["artifactChanges"][0];
    assert_eq!(
        change["artifactLocation"]["uri"], "docs/guide.md",
        "{log:#}"
    );
    let replacement = &change["replacements"][0];
    let text = "# Guide\r\n\r\nSee [it](<old name.md>).\r\n";
    let offset = text.find("old name.md").unwrap();
    assert_eq!(replacement["deletedRegion"]["byteOffset"], offset);
    assert_eq!(
        replacement["deletedRegion"]["byteLength"],
        "old name.md".len()
    );
    assert_eq!(replacement["insertedContent"]["text"], "new.md");
    if !have_tool("sarif-multitool") {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must have sarif-multitool"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fixes.sarif");
    std::fs::write(&file, serde_json::to_string(&log).unwrap()).unwrap();
    let report = sarif_validate(&file);
    assert!(sarif_errors(&report).is_empty(), "{report}");
    assert!(!report.contains(": warning "), "{report}");
}
