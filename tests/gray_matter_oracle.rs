//! gray_matter as a differential oracle: where a YAML front matter block is well formed (closed,
//! no aliases, no duplicate keys), docsteward's span-carrying parse must yield the same data
//! as gray_matter's. gray_matter is not used to parse in docsteward itself; the README's
//! design notes say why.

mod common;

use std::path::Path;

use docsteward::document::Document;
use gray_matter::engine::YAML;
use gray_matter::Matter;
use serde_json::Value;

/// Generated blocks in the shapes the seeds use, plus the scalar forms YAML readers
/// disagree on most often.
fn generated() -> Vec<String> {
    let mut docs = Vec::new();
    for i in 0..40 {
        docs.push(format!(
            "---\nterm: \"Term {i}\"\ncategory: {cat}\ndifficulty: '{diff}'\nrelatedTerms: [\"a-{i}\", b-{i}, 'c {i}']\ntags:\n  - practice\n  - n{i}\ncount: {i}\nratio: {i}.5\nflag: {flag}\nnothing: ~\nnested:\n  owner: \"@team-{i}\"\n  reviewed: 2024-0{m}-1{d}\n---\n\n# Body {i}\n",
            cat = ["practice", "concept", "pattern", "role"][i % 4],
            diff = ["beginner", "intermediate", "advanced"][i % 3],
            flag = i % 2 == 0,
            m = 1 + i % 9,
            d = i % 10,
        ));
    }
    docs.push(
        "---\nblock: |\n  line one\n  line two\nfolded: >\n  folded\n  text\n---\n".to_owned(),
    );
    docs.push(
        "---\nunicode: \"é–ü \\u00e9\"\nescaped: \"tab\\tnew\\nline\"\nsingle: 'it''s'\n---\n"
            .to_owned(),
    );
    docs
}

#[test]
fn docsteward_and_gray_matter_agree_on_well_formed_yaml() {
    let files = common::files_with_extension(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        "md",
    );
    let mut texts: Vec<(String, String)> = files
        .iter()
        .filter_map(|p| {
            Some((
                p.display().to_string(),
                String::from_utf8(std::fs::read(p).ok()?).ok()?,
            ))
        })
        .collect();
    texts.extend(
        generated()
            .into_iter()
            .enumerate()
            .map(|(i, t)| (format!("generated #{i}"), t)),
    );

    let matter = Matter::<YAML>::new();
    let mut compared = 0;
    for (name, text) in &texts {
        let ours = Document::parse("doc.md", text.as_bytes());
        // Only blocks docsteward accepts, in YAML, are compared.
        let Some(data) = ours.data() else { continue };
        if ours.front_matter.as_ref().map(|f| f.format) != Some(docsteward::document::Format::Yaml)
        {
            continue;
        }
        let theirs = matter
            .parse::<Value>(text)
            .unwrap_or_else(|e| panic!("{name}: gray_matter failed: {e}"));
        let theirs = theirs
            .data
            .unwrap_or_else(|| panic!("{name}: gray_matter found no front matter"));
        assert_eq!(data.to_json(), theirs, "{name}");
        compared += 1;
    }
    assert!(compared >= 45, "only {compared} blocks compared");
}
