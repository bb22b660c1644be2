//! `docsteward init` on repositories shaped like real ones: the inferred configuration and
//! schemas, and that checking with them finds the planted problems and nothing else.

mod common;

use common::{f, TestRepo};

/// An Astro content site, as the knowledge base behind seed 002 is built.
fn astro() -> TestRepo {
    let repo = TestRepo::new();
    let terms = [
        ("tacit-knowledge", "concept", "advanced"),
        ("communities-of-practice", "practice", "intermediate"),
        ("organizational-learning", "concept", "intermediate"),
        ("discussion-as-emergence", "pattern", "advanced"),
        ("situated-learning", "concept", "beginner"),
        (
            "legitimate-peripheral-participation",
            "practice",
            "beginner",
        ),
        ("knowledge-stewardship", "role", "intermediate"),
        ("working-out-loud", "practice", "beginner"),
        ("boundary-objects", "pattern", "advanced"),
        ("lunch-and-learn", "role", "beginner"),
    ];
    for (i, (slug, category, difficulty)) in terms.iter().enumerate() {
        let related: Vec<String> = (1..=2)
            .map(|k| format!("\"{}\"", terms[(i + k) % terms.len()].0))
            .collect();
        repo.write(
            &format!("src/content/glossary/{slug}.md"),
            format!(
                "---\nterm: \"{title}\"\ncategory: \"{category}\"\ndifficulty: \"{difficulty}\"\nrelatedTerms: [{related}]\ntags: [\"learning\", \"{category}\"]\n---\n\n{title} in practice. See [{other}](/glossary/{other}).\n",
                title = slug.replace('-', " "),
                related = related.join(", "),
                other = terms[(i + 3) % terms.len()].0,
            ),
        );
    }
    for n in 1..=4 {
        repo.write(
            &format!("src/content/slides/slide-{n}.md"),
            format!(
                "---\nslideNumber: {n}\ntitle: \"Slide {n}\"\nglossaryTerms: [\"tacit-knowledge\", \"situated-learning\"]\nbookCover: \"/covers/book.jpg\"\n---\n\n# Slide {n}\n\nRead about [stewardship](/glossary/knowledge-stewardship/).\n"
            ),
        );
    }
    repo.write("public/covers/book.jpg", b"\xff\xd8\xff");
    repo.write("README.md", "# The site\n");
    repo
}

/// A Hugo site: sections under content/, images under static/.
fn hugo() -> TestRepo {
    let repo = TestRepo::new();
    for n in 1..=5 {
        repo.write(
            &format!("content/posts/post-{n}.md"),
            format!(
                "---\ntitle: \"Post {n}\"\ndate: 2024-0{n}-10\ndraft: {}\ntags: [\"cop\"]\n---\n\n![Diagram](/images/diagram-{}.png)\n",
                n == 5,
                n % 2
            ),
        );
    }
    for n in 1..=3 {
        repo.write(&format!("content/docs/guide-{n}.md"), format!("---\ntitle: \"Guide {n}\"\nweight: {n}\n---\n\nSee [post](../posts/post-{n}.md).\n"));
    }
    repo.write("static/images/diagram-0.png", b"\x89PNG");
    repo.write("static/images/diagram-1.png", b"\x89PNG");
    repo
}

/// A plain folder of notes without front matter.
fn notes() -> TestRepo {
    let repo = TestRepo::new();
    for n in 1..=4 {
        repo.write(
            &format!("notes/note-{n}.md"),
            format!("# Note {n}\n\nNext: [note](note-{}.md)\n", n % 4 + 1),
        );
    }
    repo
}

fn dry_run(repo: &TestRepo) -> String {
    let out = repo.run(&["init", "--dry-run"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

#[test]
fn astro_site_inference() {
    let repo = astro();
    repo.commit("site");
    insta::assert_snapshot!("init_astro", dry_run(&repo));
}

#[test]
fn hugo_site_inference() {
    let repo = hugo();
    repo.commit("site");
    insta::assert_snapshot!("init_hugo", dry_run(&repo));
}

#[test]
fn plain_notes_inference() {
    let repo = notes();
    repo.commit("notes");
    let text = dry_run(&repo);
    assert!(
        !text.contains("[[content]]"),
        "no front matter, no content types:\n{text}"
    );
    insta::assert_snapshot!("init_notes", text);
}

#[test]
fn init_then_check_reports_only_the_planted_problems() {
    let repo = astro();
    // Planted: a slide naming a term nobody defines, a missing cover, a broken route link.
    repo.write(
        "src/content/slides/slide-4.md",
        "---\nslideNumber: 4\ntitle: \"Slide 4\"\nglossaryTerms: [\"tacit-knowledge\", \"situated-lerning\"]\nbookCover: \"/covers/missing.jpg\"\n---\n\n# Slide 4\n\nRead about [stewardship](/glossary/knowledge-stewardshp/).\n",
    );
    repo.commit("site");
    let out = repo.run(&["init"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("wrote docsteward.toml"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("links/missing-file"),
        "init prints findings by rule:\n{}",
        out.stdout
    );
    let findings = repo.check_json(&[]).findings();
    assert_eq!(
        findings,
        [
            f("terms/unknown", "src/content/slides/slide-4.md", 4, 36),
            f("links/missing-file", "src/content/slides/slide-4.md", 5, 12),
            f(
                "links/missing-file",
                "src/content/slides/slide-4.md",
                10,
                26
            ),
        ]
    );
}

#[test]
fn hugo_init_then_check_finds_the_broken_image_only() {
    let repo = hugo();
    repo.write("content/posts/post-6.md", "---\ntitle: \"Post 6\"\ndate: 2024-06-10\ndraft: false\ntags: [\"cop\"]\n---\n\n![Diagram](/images/diagram-9.png)\n");
    repo.commit("site");
    assert_eq!(repo.run(&["init"]).code, 0);
    assert_eq!(
        repo.check_json(&[]).findings(),
        [f("links/missing-file", "content/posts/post-6.md", 8, 12)]
    );
}

#[test]
fn init_refuses_to_overwrite_and_is_idempotent_with_force() {
    let repo = astro();
    repo.commit("site");
    assert_eq!(repo.run(&["init"]).code, 0);
    let config = std::fs::read_to_string(repo.path("docsteward.toml")).unwrap();
    let schema = std::fs::read_to_string(repo.path("schemas/glossary.schema.json")).unwrap();
    let out = repo.run(&["init"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("exists already") && out.stderr.contains("--force"),
        "{}",
        out.stderr
    );
    assert_eq!(repo.run(&["init", "--force"]).code, 0);
    assert_eq!(
        std::fs::read_to_string(repo.path("docsteward.toml")).unwrap(),
        config
    );
    assert_eq!(
        std::fs::read_to_string(repo.path("schemas/glossary.schema.json")).unwrap(),
        schema
    );
}

#[test]
fn init_touches_only_the_files_it_names() {
    let repo = astro();
    repo.commit("site");
    let before = files(repo.root());
    let out = repo.run(&["init"]);
    let after = files(repo.root());
    let added: Vec<&String> = after.iter().filter(|f| !before.contains(f)).collect();
    assert_eq!(
        added,
        [
            "docsteward.toml",
            "schemas/glossary.schema.json",
            "schemas/slides.schema.json"
        ],
        "{}",
        out.stdout
    );
    for f in &before {
        assert_eq!(
            std::fs::read(repo.path(f)).unwrap(),
            std::fs::read(repo.path(f)).unwrap()
        );
    }
    // Dry runs write nothing at all.
    let repo = astro();
    repo.commit("site");
    let before = files(repo.root());
    dry_run(&repo);
    assert_eq!(files(repo.root()), before);
}

/// Every file under `root` outside `.git`, sorted, with its bytes' length.
fn files(root: &std::path::Path) -> Vec<String> {
    fn walk(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if p.is_dir() {
                walk(&p, root, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// Bug: content types were named after folders with every non-Latin letter replaced by `-`,
/// so `ar/مقالات-عامة` and `ar/مقالات-خاصة` were both `ar------------`: `init` wrote a
/// configuration defining one type twice and exited 2 on its own output.
#[test]
fn folders_named_in_any_script_give_readable_unique_types_and_a_config_that_loads() {
    let repo = TestRepo::new();
    for (folder, key) in [
        ("ar/مقالات-عامة", "topic"),
        ("ar/مقالات-خاصة", "audience"),
        ("zh/术语", "term"),
        ("docs/a b", "owner"),
        ("docs/a-b", "reviewer"),
    ] {
        for n in 1..=3 {
            repo.write(
                &format!("{folder}/doc-{n}.md"),
                format!("---\n{key}: value {n}\ntitle: Doc {n}\n---\n\n# Doc {n}\n"),
            );
        }
    }
    repo.commit("multilingual");
    let out = repo.run(&["init"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let config = std::fs::read_to_string(repo.path("docsteward.toml")).unwrap();
    let names: Vec<&str> = config
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .map(|l| l.trim_end_matches('"'))
        .collect();
    let unique: std::collections::BTreeSet<&str> = names.iter().copied().collect();
    assert_eq!(unique.len(), names.len(), "{names:?}");
    assert!(names.iter().any(|n| n.contains("عامة")), "{names:?}");
    assert!(names.iter().any(|n| n.contains("术语")), "{names:?}");
    let check = repo.check_json(&["--as-of", "2023-11-20"]);
    assert!(check.code == 0 || check.code == 1, "{}", check.stderr);
}

/// A small deterministic generator (xorshift64), so every corpus can be rebuilt from its seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// One front matter value of the shape `shape`, sometimes empty or absent (`None`).
fn value(rng: &mut Rng, shape: u64, doc: usize) -> Option<String> {
    match rng.below(10) {
        0 => return None,
        1 => return Some(String::new()),
        2 if shape % 3 == 0 => return Some("\"\"".to_owned()),
        _ => {}
    }
    Some(match shape {
        0 => format!("\"{}\"", rng.pick(&["concept", "practice", "pattern"])),
        1 => format!("\"Free text {doc} {}\"", rng.below(1000)),
        2 => format!(
            "{}-{:02}-{:02}",
            2020 + rng.below(5),
            1 + rng.below(12),
            1 + rng.below(28)
        ),
        3 => format!(
            "{:02}/{:02}/{}",
            1 + rng.below(12),
            1 + rng.below(28),
            2020 + rng.below(5)
        ),
        4 => format!("{}", rng.below(100)),
        5 => format!("{}.5", rng.below(100)),
        6 => rng.pick(&["true", "false"]).to_owned(),
        7 => format!(
            "[\"{}\", \"{}\"]",
            rng.pick(&["a", "b"]),
            rng.pick(&["c", "d"])
        ),
        8 => rng.pick(&["Ada Lovelace", "Grace Hopper"]).to_owned(),
        9 => format!("{{ date: {}-01-01 }}", 2020 + rng.below(5)),
        // A key whose type varies between documents.
        _ => rng.pick(&["12", "twelve", "[1, 2]", "true"]).to_owned(),
    })
}

/// Whatever the corpus, a schema `init` infers never contradicts the documents it learned
/// from: types admit every value seen (nulls and empty strings included), dates keep their
/// format, `required` holds for every document of the type, an `enum` lists every value.
#[test]
fn init_never_contradicts_the_documents_it_learned_from() {
    for seed in 1..=24u64 {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ seed.wrapping_mul(0x2545_F491_4F6C_DD1D));
        let repo = TestRepo::new();
        for folder in 0..1 + rng.below(3) {
            let keys: Vec<(String, u64)> = (0..2 + rng.below(6))
                .map(|k| (format!("key{k}"), rng.below(11)))
                .collect();
            let documents = 2 + rng.below(10) as usize;
            for doc in 0..documents {
                let mut text = String::new();
                // Now and then a document without front matter.
                if rng.below(12) != 0 {
                    text.push_str("---\n");
                    for (key, shape) in &keys {
                        if let Some(v) = value(&mut rng, *shape, doc) {
                            text.push_str(&format!("{key}: {v}\n"));
                        }
                    }
                    text.push_str("title: T\n---\n");
                }
                text.push_str(&format!("\n# Doc {doc}\n"));
                repo.write(&format!("section-{folder}/doc-{doc}.md"), text);
            }
        }
        repo.commit("corpus");
        let init = repo.run(&["init"]);
        assert_eq!(
            init.code, 0,
            "seed {seed}: {}\n{}",
            init.stdout, init.stderr
        );
        let out = repo.check_json(&["--as-of", "2023-11-20"]);
        let contradictions: Vec<_> = out
            .findings()
            .into_iter()
            .filter(|x| x.0.starts_with("frontmatter/"))
            .collect();
        assert!(
            contradictions.is_empty(),
            "seed {seed}: {contradictions:?}\n{}\n{}",
            out.stdout,
            std::fs::read_dir(repo.path("schemas"))
                .map(|d| d
                    .filter_map(|e| e.ok())
                    .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join("\n"))
                .unwrap_or_default()
        );
    }
}

/// Bug: a key whose values name documents in many folders (each module's page in its own
/// folder, as a Learn docset keeps `Module Name`) became a term reference key with terms
/// defined by the one most common folder: every value naming another folder's page was a
/// false `terms/unknown`.
#[test]
fn term_keys_are_proposed_only_when_the_proposed_folders_resolve_their_values() {
    let repo = TestRepo::new();
    for module in ["Mod.Core", "Mod.Utility", "Mod.Management", "Mod.Security"] {
        repo.write(
            &format!("reference/7.4/{module}/{module}.md"),
            format!("---\nModule Name: {module}\ntitle: {module}\n---\n# {module}\n"),
        );
        for cmdlet in ["Get-Thing", "Set-Thing", "Remove-Thing"] {
            repo.write(
                &format!("reference/7.4/{module}/{cmdlet}.md"),
                format!("---\nModule Name: {module}\ntitle: {cmdlet}\n---\n# {cmdlet}\n"),
            );
        }
    }
    repo.commit("docset");
    let out = repo.run(&["init"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let config = std::fs::read_to_string(repo.path("docsteward.toml")).unwrap();
    assert!(!config.contains("reference-keys"), "{config}");
    let unknown: Vec<_> = repo
        .check_json(&["--as-of", "2023-11-20"])
        .findings()
        .into_iter()
        .filter(|x| x.0 == "terms/unknown")
        .collect();
    assert_eq!(unknown, []);
}

/// Bug: a handbook whose documents all follow one template got a content type per folder
/// (eleven of them). Folders written from the same template are one type; a folder from
/// another template stays its own.
#[test]
fn folders_written_from_one_template_are_one_content_type() {
    let repo = TestRepo::new();
    let sections = [
        "onboarding",
        "security",
        "incidents",
        "releases",
        "hiring",
        "budget",
        "travel",
        "tooling",
        "design",
        "support",
        "legal",
    ];
    for (i, section) in sections.iter().enumerate() {
        for n in 1..=3 {
            // Optional keys vary; the template's core does not.
            let extra = if (i + n) % 3 == 0 { "keywords:\n" } else { "" };
            repo.write(
                &format!("handbook/{section}/page-{n}.md"),
                format!("---\ntitle: {section} {n}\ncontent_owner: team-{i}\nlast_reviewed: 2024-0{n}-01\n{extra}---\n\n# {section} {n}\n"),
            );
        }
    }
    for term in ["alpha", "beta", "gamma"] {
        repo.write(
            &format!("glossary/{term}.md"),
            format!("---\nterm: {term}\ncategory: concept\n---\n\n# {term}\n"),
        );
    }
    repo.write("README.md", "# Handbook\n");
    repo.commit("handbook");
    let out = repo.run(&["init"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let config = std::fs::read_to_string(repo.path("docsteward.toml")).unwrap();
    let types = config.matches("[[content]]").count();
    assert_eq!(types, 2, "{config}");
    assert!(
        config.contains("paths = [\"handbook/**/*.md\"]"),
        "{config}"
    );
    assert!(config.contains("paths = [\"glossary/*.md\"]"), "{config}");
    let findings: Vec<_> = repo
        .check_json(&["--as-of", "2023-11-20"])
        .findings()
        .into_iter()
        .filter(|x| x.0.starts_with("frontmatter/"))
        .collect();
    assert_eq!(findings, []);
}

/// Bug: every handbook page names its owner in `content_owner` and a Learn docset its review
/// date in `ms.date` (MM/DD/YYYY), yet init set neither, so the staleness report named the
/// last committer and ignored the reviews.
#[test]
fn owner_and_review_date_keys_are_found_in_the_documents() {
    let repo = TestRepo::new();
    for n in 1..=6 {
        let owner = if n == 6 {
            ""
        } else {
            "content_owner: Platform Team\n"
        };
        repo.write(
            &format!("docs/page-{n}.md"),
            format!("---\ntitle: Page {n}\nauthor: someone-{n}\n{owner}ms.date: 0{n}/15/2023\n---\n\n# Page {n}\n"),
        );
    }
    repo.commit("docs");
    let out = repo.run(&["init"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let config = std::fs::read_to_string(repo.path("docsteward.toml")).unwrap();
    assert!(config.contains("owner-key = \"content_owner\""), "{config}");
    assert!(config.contains("reviewed-key = \"ms.date\""), "{config}");
    let stale = repo.run(&["stale", "--format", "json", "--as-of", "2023-11-20"]);
    assert_eq!(stale.code, 0, "{}", stale.stderr);
    let report: serde_json::Value = serde_json::from_str(&stale.stdout).unwrap();
    let text = report.to_string();
    assert!(text.contains("Platform Team"), "{text}");
    assert!(text.contains("2023-05-15"), "{text}");
}

/// A value used once that is a likely typo of a repeated one is no reason to give up the
/// enumeration: it is left out, init says so, and the check reports that one document.
#[test]
fn a_typo_among_enumerated_values_is_named_and_reported() {
    let repo = TestRepo::new();
    let categories = [
        "practice", "concept", "practice", "concept", "practice", "concept", "pratice",
    ];
    for (i, category) in categories.iter().enumerate() {
        repo.write(
            &format!("glossary/term-{i}.md"),
            format!("---\nterm: Term {i}\ncategory: {category}\n---\n\n# Term {i}\n"),
        );
    }
    repo.commit("glossary");
    let out = repo.run(&["init"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("`category: pratice` looks like a typo of `practice`"),
        "{}",
        out.stdout
    );
    let findings: Vec<_> = repo
        .check_json(&["--as-of", "2023-11-20"])
        .findings()
        .into_iter()
        .filter(|x| x.0.starts_with("frontmatter/"))
        .collect();
    assert_eq!(
        findings,
        [f("frontmatter/schema", "glossary/term-6.md", 3, 11)]
    );
}

/// A Learn-style docset: links to other docsets on the same host (`/dotnet/...`) and a
/// review cycle in each document's front matter. init proposes the first as `[links]
/// external` and reads the second as each document's threshold.
#[test]
fn links_to_other_sites_on_the_host_and_review_cycles_are_learned() {
    let repo = TestRepo::new();
    for n in 1..=4 {
        let cycle = if n == 4 { "365-days" } else { "180-days" };
        repo.write(
            &format!("docs/topic-{n}.md"),
            format!(
                "---\ntitle: Topic {n}\nms.update-cycle: {cycle}\n---\n\n# Topic {n}\n\n\
                 [string](/dotnet/api/system.string)\n[tls](/windows-server/security/tls)\n\
                 [next](/docs/topic-{}.md)\n[gone](/docs/topic-9.md)\n",
                n % 4 + 1
            ),
        );
    }
    // Two links under /once/ from one document: not enough evidence.
    repo.write(
        "docs/other.md",
        "# Other\n\n[a](/once/a)\n[b](/once/b)\n[c](/once/c)\n",
    );
    repo.commit_at("docs", 1_672_531_200, "Ann", &[]);
    let out = repo.run(&["init"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let config = std::fs::read_to_string(repo.path("docsteward.toml")).unwrap();
    assert!(
        config.contains("external = [\"/dotnet/**\", \"/windows-server/**\"]"),
        "{config}"
    );
    assert!(!config.contains("/once/"), "{config}");
    assert!(
        config.contains("review-interval-key = \"ms.update-cycle\""),
        "{config}"
    );
    // The evidence names both shares with their own denominators: other.md has no front
    // matter, so 4 of 4 documents with front matter have the key, and 4 of those 4 values
    // are durations.
    assert!(
        config.contains(
            "# ms.update-cycle: 4 of 4 documents with front matter have it; 4 of those 4 give a review cycle"
        ),
        "{config}"
    );
    let check = repo.check_json(&["--as-of", "2023-09-01"]);
    // The broken link to a file of this repository is still reported, on each page; and
    // /once/ is not excused. Pages on a 180-day cycle are stale by September, the one on a
    // 365-day cycle is not.
    let found = check.findings();
    let count = |rule: &str, path: &str| {
        found
            .iter()
            .filter(|(r, p, ..)| r == rule && p == path)
            .count()
    };
    for n in 1..=4 {
        let path = format!("docs/topic-{n}.md");
        assert_eq!(count("links/missing-file", &path), 1, "{found:?}");
        assert_eq!(count("stale/age", &path), usize::from(n != 4), "{found:?}");
    }
    assert_eq!(count("links/missing-file", "docs/other.md"), 3, "{found:?}");
}

/// When one rule and message shape make most of what the new configuration finds, init
/// says so and what it means, instead of leaving only a count.
#[test]
fn init_names_the_shape_behind_most_findings() {
    let repo = TestRepo::new();
    let links: String = (0..12)
        .map(|n| format!("[p{n}](/gone/page-{n})\n"))
        .collect();
    repo.write("a.md", format!("# A\n\n{links}")).commit("a");
    let out = repo.run(&["init"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(
            "findings have one shape, links/missing-file: link target `…` does not exist"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("`[site] generator`"), "{}", out.stdout);
}
