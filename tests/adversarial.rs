//! Hostile and broken input (issue 6): whatever a document, a file name, a configuration or
//! the repository itself holds, docsteward gives a precise diagnostic or a clear error
//! (exit 2), never a panic, a hang, a read outside the repository or an injected CI command.
//!
//! Repositories are built with git2. Every case asserts the rule, path and position, or the
//! exit code and the message; the size cases also bound their time in the test itself
//! (generously: `cargo test` runs a debug build).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{diagnostics, f, Output, TestRepo};
use git2::{IndexAddOption, Oid, Repository, Signature, Time};

/// How long a size case may run before it counts as hung: a guard against hangs and
/// blow-ups (which took minutes), not a speed target (bench/run.sh measures speed). Wide
/// enough for a debug build on a loaded two-core machine.
const BOUND: Duration = Duration::from_secs(60);

type Finding = (String, String, u64, u64);

/// `check --format json` in the repository root; the run must succeed (exit 0 or 1).
fn check(repo: &TestRepo, extra: &[&str]) -> Output {
    let out = repo.check_json(extra);
    assert!(
        out.code == 0 || out.code == 1,
        "exit {}:\nstdout:\n{}\nstderr:\n{}",
        out.code,
        out.stdout,
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    out
}

/// [`check`], killed and failed when it runs longer than [`BOUND`].
fn timed_check(repo: &TestRepo, extra: &[&str], what: &str) -> Output {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    let (out, took) = common::run_within(repo.root(), &args, BOUND);
    let Some(out) = out else {
        panic!("{what}: still running after {took:?}, killed");
    };
    eprintln!("{what}: {took:?}");
    assert!(
        out.code == 0 || out.code == 1,
        "{what}: exit {}:\n{}",
        out.code,
        out.stderr
    );
    out
}

/// The message of the single finding of `rule` in `path`.
fn message(out: &Output, rule: &str, path: &str) -> String {
    let report = out.json();
    let found: Vec<&serde_json::Value> = diagnostics(&report)
        .iter()
        .filter(|d| d["rule"] == rule && d["path"] == path)
        .collect();
    assert_eq!(found.len(), 1, "one {rule} in {path}:\n{report:#}");
    found[0]["message"].as_str().expect("message").to_owned()
}

fn rules_of(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|x| x.0.as_str()).collect()
}

/// Stages every file of the work tree without committing.
fn stage_all(repo: &TestRepo) {
    let mut index = repo.git().index().expect("index");
    index
        .add_all(["*"], IndexAddOption::DEFAULT, None)
        .expect("add all");
    index.write().expect("write index");
}

/// The blob id of `path` in `HEAD`.
fn blob_in_head(repo: &TestRepo, path: &str) -> Oid {
    repo.git()
        .head()
        .expect("HEAD")
        .peel_to_tree()
        .expect("tree")
        .get_path(Path::new(path))
        .expect("entry")
        .id()
}

// ================================================================ encoding

#[test]
fn invalid_utf8_is_reported_at_the_first_bad_byte_and_the_rest_is_checked() {
    let repo = TestRepo::new();
    repo.write("a.md", b"# T\n\nabc \xff\xfe def\n\n[x](missing.md)\n")
        .commit("a");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [
            f("encoding/invalid-utf8", "a.md", 3, 5),
            f("links/missing-file", "a.md", 5, 5),
        ]
    );
    assert!(message(&out, "encoding/invalid-utf8", "a.md").contains("0xFF"));
}

#[test]
fn utf8_bom_is_not_text_and_lines_stay_right() {
    let repo = TestRepo::new();
    repo.write(
        "a.md",
        "\u{feff}---\ntitle: x\n---\n# T\n\n[x](missing.md)\n",
    )
    .commit("a");
    let out = check(&repo, &[]);
    assert_eq!(out.findings(), [f("links/missing-file", "a.md", 6, 5)]);
}

/// Bug: `SourceFile::position` counts the byte order mark as a character, so every finding on
/// the first line of a file with a BOM is one column to the right of where editors, GitHub
/// annotations and SARIF viewers (none of which count it) show it.
#[test]
fn utf8_bom_shifts_first_line_columns_by_one() {
    let repo = TestRepo::new();
    repo.write("a.md", "\u{feff}[x](missing.md)\n").commit("a");
    let out = check(&repo, &[]);
    assert_eq!(out.findings(), [f("links/missing-file", "a.md", 1, 5)]);
}

#[test]
fn utf16_files_are_not_text() {
    let repo = TestRepo::new();
    let text = "# Title\n\n[x](missing.md)\n";
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    // Without a byte order mark, UTF-16 text is full of NUL bytes.
    let bare: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    repo.write("le.md", le)
        .write("be.md", be)
        .write("bare.md", bare)
        .commit("utf-16");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [
            f("encoding/not-text", "bare.md", 1, 1),
            f("encoding/not-text", "be.md", 1, 1),
            f("encoding/not-text", "le.md", 1, 1),
        ]
    );
    assert!(message(&out, "encoding/not-text", "le.md").contains("UTF-16"));
    assert!(message(&out, "encoding/not-text", "bare.md").contains("NUL byte at offset 1"));
}

#[test]
fn nul_bytes_and_binary_files_named_md_are_not_text_and_not_parsed() {
    let repo = TestRepo::new();
    let png: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    repo.write("nul.md", b"# Title\n\0\n[x](missing.md)\n")
        .write("diagram.md", png)
        .commit("binary");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [
            f("encoding/not-text", "diagram.md", 1, 1),
            f("encoding/not-text", "nul.md", 1, 1),
        ]
    );
    assert!(message(&out, "encoding/not-text", "nul.md").contains("NUL byte at offset 8"));
    assert!(message(&out, "encoding/not-text", "diagram.md").contains("NUL byte at offset 8"));
    // Human output shows no raw bytes of the binary file.
    let human = repo.run(&["check"]);
    assert_eq!(human.code, 1);
    assert!(!human.stdout.contains('\0') && !human.stdout.contains("IHDR"));
}

#[test]
fn crlf_and_lone_cr_line_endings_keep_line_numbers_exact() {
    let repo = TestRepo::new();
    let body = [
        "---",
        "title: x",
        "---",
        "T",
        "",
        "[x](missing.md)",
        "[y](gone.md)",
    ];
    repo.write("crlf.md", body.join("\r\n"))
        .write("cr.md", body.join("\r"))
        .write(
            "mixed.md",
            "---\ntitle: x\r---\r\n# T\r\r\n[x](missing.md)\r[y](gone.md)",
        )
        .commit("line endings");
    let out = check(&repo, &[]);
    let mut expected = Vec::new();
    for path in ["cr.md", "crlf.md", "mixed.md"] {
        expected.push(f("links/missing-file", path, 6, 5));
        expected.push(f("links/missing-file", path, 7, 5));
    }
    assert_eq!(out.findings(), expected);
    // End positions too: the destination `missing.md` is 10 characters.
    let report = out.json();
    for d in diagnostics(&report).iter().filter(|d| d["line"] == 6) {
        assert_eq!(
            (d["end_line"].as_u64(), d["end_column"].as_u64()),
            (Some(6), Some(15)),
            "{d}"
        );
    }
}

/// Bug: pulldown-cmark ends an ATX heading only at `\n`. After `# Title` and a lone CR the
/// rest of the file is heading text: its links are never checked and nothing is reported.
/// (Lone CRs could become `\n` before parsing: same length, so every span stays right.)
#[test]
fn lone_cr_after_an_atx_heading_hides_the_rest_of_the_document() {
    let repo = TestRepo::new();
    repo.write("cr.md", "# Title\r\r[x](missing.md)\r[y](gone.md)\r")
        .commit("cr");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "cr.md", 3, 5),
            f("links/missing-file", "cr.md", 4, 5),
        ]
    );
}

// ================================================================ size

#[test]
fn a_file_over_max_file_size_is_reported_once_and_not_parsed() {
    let repo = TestRepo::new();
    let big = format!("# Big\n\n[x](missing.md)\n\n{}\n", "word ".repeat(40));
    assert!(big.len() > 100);
    repo.write("docsteward.toml", "[limits]\nmax-file-size = 100\n")
        .write("big.md", &big)
        .write("small.md", "[y](gone.md)\n")
        .commit("sizes");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [
            f("limits/file-too-large", "big.md", 1, 1),
            f("links/missing-file", "small.md", 1, 5),
        ]
    );
    let report = out.json();
    let d = diagnostics(&report)
        .iter()
        .find(|d| d["rule"] == "limits/file-too-large")
        .unwrap();
    assert_eq!(d["severity"], "warning");
    assert_eq!(
        d["message"].as_str().unwrap(),
        format!("{} bytes, over the limit of 100: not checked", big.len())
    );
    // The same from a revision's tree, where the size comes from the object header.
    let rev = check(&repo, &["--rev", "HEAD"]);
    assert_eq!(rev.findings(), out.findings());
}

#[test]
fn front_matter_over_its_limit_is_reported_not_parsed_and_the_body_still_checked() {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[limits]\nmax-front-matter-size = 64\n\n[[content]]\nname = \"t\"\npaths = [\"*.md\"]\nschema = \"s.json\"\n",
    )
    .write("s.json", r#"{"type": "object", "required": ["title"]}"#)
    .write(
        "a.md",
        format!("---\ntitle: x\nfiller: \"{}\"\n---\n# A\n[x](missing.md)\n", "y".repeat(80)),
    )
    .commit("front matter");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [
            f("frontmatter/syntax", "a.md", 1, 1),
            f("links/missing-file", "a.md", 6, 5),
        ]
    );
    let m = message(&out, "frontmatter/syntax", "a.md");
    assert!(
        m.contains("over the limit of 64") && m.contains("not parsed"),
        "{m}"
    );
}

#[test]
fn nested_brackets_are_bounded() {
    const N: usize = 100_000;
    let repo = TestRepo::new();
    repo.write("x.md", "# X\n").commit("target");
    // 100,000 open brackets around one link, then 100,000 closing ones.
    let mut brackets = "[".repeat(N);
    brackets.push_str("x](missing.md)");
    brackets.push_str(&"]".repeat(N));
    brackets.push('\n');
    // Unbalanced: only openers, then a link on the next line.
    let openers = format!("{}\n\n[y](gone.md)\n", "[".repeat(N));
    repo.write("brackets.md", brackets)
        .write("openers.md", openers);
    let out = timed_check(&repo, &[], "nested brackets");
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "brackets.md", 1, N as u64 + 4),
            f("links/missing-file", "openers.md", 3, 5),
        ]
    );
}

/// Bug: images may nest inside images, `![![![x](a.png)](a.png)](a.png)`, and each one's span
/// covers all the ones inside it. `inline_destination` (src/document/markdown.rs) runs
/// `closing_bracket` over each image's whole text, so 100,000 nested images (1.3 MB) cost
/// about 5 * 10^10 steps: the run does not finish. pulldown-cmark itself takes 0.1 s.
#[test]
fn nested_images_rescan_their_text_quadratically() {
    const N: usize = 100_000;
    let repo = TestRepo::new();
    repo.write("a.png", b"\x89PNG").commit("image");
    let text = format!("{}x{}\n", "![".repeat(N), "](a.png)".repeat(N));
    repo.write("images.md", text);
    let out = timed_check(&repo, &[], "nested images");
    // Every image has alt text except the innermost... which has `x`: no findings at all.
    assert_eq!(out.findings(), []);
}

/// Bug: a column counted the characters from its line's start for every finding, so 50,000
/// broken links at the end of an 8 MB line took about 4 * 10^11 steps to render.
#[test]
fn many_findings_far_into_one_long_line_render_in_linear_time() {
    const N: usize = 50_000;
    const PAD: usize = 8 * 1024 * 1024;
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[limits]\nmax-findings-per-file = 100000\n",
    );
    let text = format!("# Links\n\né{}{}\n", "a".repeat(PAD), "[a](g)".repeat(N));
    repo.write("links.md", text);
    let out = timed_check(&repo, &[], "many findings far into one line");
    let findings = out.findings();
    assert_eq!(findings.len(), N);
    // `é` is one character but two bytes: columns count characters.
    let first = PAD as u64 + 2;
    assert_eq!(
        findings[0],
        f("links/missing-file", "links.md", 3, first + 4)
    );
    assert_eq!(
        findings[N - 1],
        f(
            "links/missing-file",
            "links.md",
            3,
            first + 6 * (N as u64 - 1) + 4
        )
    );
}

#[test]
fn nested_lists_and_blockquotes_are_bounded() {
    const N: usize = 100_000;
    let repo = TestRepo::new();
    let lists = format!("{}[x](missing.md)\n", "- ".repeat(N));
    let quotes = format!("{}[y](gone.md)\n", "> ".repeat(N));
    let mixed = format!("{}[z](lost.md)\n", "> - ".repeat(N / 2));
    repo.write("lists.md", lists)
        .write("quotes.md", quotes)
        .write("mixed.md", mixed);
    let out = timed_check(&repo, &[], "nested lists and quotes");
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "lists.md", 1, 2 * N as u64 + 5),
            f("links/missing-file", "mixed.md", 1, 2 * N as u64 + 5),
            f("links/missing-file", "quotes.md", 1, 2 * N as u64 + 5),
        ]
    );
}

#[test]
fn a_fifty_megabyte_line_is_bounded() {
    const LEN: usize = 50 * 1024 * 1024;
    let repo = TestRepo::new();
    repo.write("docsteward.toml", "[limits]\nmax-file-size = \"64MiB\"\n")
        .commit("config");
    let mut line = Vec::with_capacity(LEN + 64);
    line.extend_from_slice(b"# Long\n\n");
    let prefix = line.len();
    line.resize(LEN, b'a');
    let column = (LEN - prefix) as u64 + 1;
    line.extend_from_slice(b"[x](missing.md)\n");
    repo.write("long.md", &line);
    drop(line);
    let out = timed_check(&repo, &[], "a 50 MB line");
    assert_eq!(
        out.findings(),
        [f("links/missing-file", "long.md", 3, column + 4)]
    );
}

#[test]
fn a_million_links_in_one_file_are_bounded() {
    const N: usize = 1_000_000;
    let repo = TestRepo::new();
    repo.write("x.md", "# X\n").commit("target");
    let mut text = String::with_capacity(N * 10 + 32);
    for _ in 0..N {
        text.push_str("[a](x.md)\n");
    }
    text.push_str("\n[end](missing.md)\n");
    assert!(
        text.len() < 10 * 1024 * 1024,
        "under the default size limit"
    );
    repo.write("links.md", text);
    let out = timed_check(&repo, &[], "a million links");
    assert_eq!(
        out.findings(),
        [f("links/missing-file", "links.md", N as u64 + 2, 7)]
    );
}

#[test]
fn a_million_broken_links_keep_the_first_ten_thousand_and_count_the_rest() {
    const N: usize = 1_000_000;
    let repo = TestRepo::new();
    repo.write("links.md", "[a](x)\n".repeat(N));
    let out = timed_check(&repo, &[], "a million broken links");
    assert_eq!(out.code, 1);
    let findings = out.findings();
    assert_eq!(findings.len(), 10_001);
    assert_eq!(findings[0], f("limits/too-many-findings", "links.md", 1, 1));
    assert_eq!(findings[1], f("links/missing-file", "links.md", 1, 5));
    assert_eq!(
        findings[10_000],
        f("links/missing-file", "links.md", 10_000, 5)
    );
    assert_eq!(
        message(&out, "limits/too-many-findings", "links.md"),
        "990000 more `links/missing-file` findings in this file not listed: the first 10000 are"
    );
}

#[test]
fn the_findings_limit_is_per_rule_and_file_and_counts_after_suppressions() {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", "[limits]\nmax-findings-per-file = 3\n");
    let mut text = String::from("# A\n\n");
    for i in 0..6 {
        // The first line's broken link and image are suppressed: neither listed nor counted.
        // The other five lines make ten missing files (links and images) and, with the
        // first, six images without alt text.
        if i == 0 {
            text.push_str("<!-- docsteward-disable-next-line links/missing-file -->\n");
        }
        text.push_str(&format!("[l{i}](gone{i}.md) ![](pic{i}.png)\n\n"));
    }
    repo.write("a.md", &text).write("b.md", "[x](gone.md)\n");
    let out = check(&repo, &[]);
    let findings = out.findings();
    let of = |rule: &str, path: &str| {
        findings
            .iter()
            .filter(|x| x.0 == rule && x.1 == path)
            .count()
    };
    assert_eq!(of("links/missing-file", "a.md"), 3);
    assert_eq!(of("images/missing-alt", "a.md"), 3);
    assert_eq!(of("links/missing-file", "b.md"), 1);
    assert_eq!(of("limits/too-many-findings", "a.md"), 2);
    assert_eq!(of("limits/too-many-findings", "b.md"), 0);
    let report = out.json();
    let notes: Vec<&str> = diagnostics(&report)
        .iter()
        .filter(|d| d["rule"] == "limits/too-many-findings")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        notes,
        [
            "3 more `images/missing-alt` findings in this file not listed: the first 3 are",
            "7 more `links/missing-file` findings in this file not listed: the first 3 are",
        ]
    );
    // The first listed missing file is the second link: the first was suppressed.
    let first = diagnostics(&report)
        .iter()
        .find(|d| d["rule"] == "links/missing-file" && d["path"] == "a.md")
        .unwrap();
    assert!(
        first["message"].as_str().unwrap().contains("gone1.md"),
        "{first}"
    );
}

#[test]
fn a_findings_limit_of_zero_is_a_configuration_error() {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", "[limits]\nmax-findings-per-file = 0\n")
        .write("a.md", "# A\n");
    let out = repo.check_json(&[]);
    assert!(out
        .failure()
        .contains("max-findings-per-file must be at least 1"));
}

// ================================================================ YAML

fn front_matter_repo(yaml: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.write("a.md", format!("---\n{yaml}---\n# A\n"))
        .commit("a");
    repo
}

#[test]
fn yaml_alias_bomb_stops_at_the_budget() {
    let mut yaml = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(", ");
        yaml.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
    }
    let repo = front_matter_repo(&yaml);
    let start = Instant::now();
    let out = check(&repo, &[]);
    assert!(start.elapsed() < BOUND);
    let findings = out.findings();
    assert_eq!(rules_of(&findings), ["frontmatter/syntax"]);
    // 9 + 81 + ... + 9^5 < 100,000 < 9 + ... + 9^6: the budget runs out in `f`'s line,
    // the sixth of the block and the seventh of the file.
    assert_eq!(findings[0].2, 7, "{findings:?}");
    assert!(message(&out, "frontmatter/syntax", "a.md").contains("expands to more than 100000"));
}

#[test]
fn yaml_aliases_of_a_large_value_stop_at_the_byte_budget() {
    use docsteward::document::yaml::MAX_EXPANDED_BYTES;
    // 20,000 aliases of a 100,000-byte string: 2 GB expanded, from a 180 KB block. Beside
    // it, 126 anchors nested around 80,000 scalars and no alias, which is valid.
    let aliases = vec!["*a"; 20_000].join(", ");
    let mut nested = String::from("nest: ");
    for level in 0..126 {
        nested.push_str(&format!("&n{level} ["));
    }
    nested.push_str(&vec!["x"; 80_000].join(","));
    nested.push_str(&"]".repeat(126));
    let repo = TestRepo::new();
    repo.write(
        "aliases.md",
        format!(
            "---\nbig: &a \"{}\"\nlist: [{aliases}]\n---\n# A\n",
            "x".repeat(100_000)
        ),
    )
    .write(
        "nested.md",
        format!("---\n{nested}\n---\n[x](missing.md)\n"),
    )
    .commit("expansion");
    let out = timed_check(&repo, &[], "YAML expansion");
    // `big`, its value and `list` count 100,007 bytes, each alias 100,000 more: the run
    // stops at the alias that crosses the budget, in the list's line (the file's third).
    let crossing = (MAX_EXPANDED_BYTES - 100_007) / 100_000 + 1;
    let column = "list: [".len() + 1 + 4 * (crossing - 1);
    assert_eq!(
        out.findings(),
        [
            f("frontmatter/syntax", "aliases.md", 3, column as u64),
            f("links/missing-file", "nested.md", 4, 5),
        ]
    );
    assert!(
        message(&out, "frontmatter/syntax", "aliases.md").contains(&format!(
            "front matter expands to more than {MAX_EXPANDED_BYTES} bytes"
        ))
    );
}

#[test]
fn yaml_deeply_nested_flow_collections_are_an_error() {
    const N: usize = 100_000;
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[limits]\nmax-front-matter-size = \"1MiB\"\n",
    )
    .write(
        "seq.md",
        format!(
            "---\na: {}{}\n---\n[x](missing.md)\n",
            "[".repeat(N),
            "]".repeat(N)
        ),
    )
    .write(
        "map.md",
        format!("---\na: {}{}\n---\n", "{b: ".repeat(N), "}".repeat(N)),
    )
    .commit("nested");
    let out = timed_check(&repo, &[], "nested flow collections");
    let findings = out.findings();
    assert_eq!(
        rules_of(&findings),
        [
            "frontmatter/syntax",
            "frontmatter/syntax",
            "links/missing-file"
        ],
        "{findings:?}"
    );
    assert_eq!((findings[0].1.as_str(), findings[0].2), ("map.md", 2));
    assert_eq!((findings[1].1.as_str(), findings[1].2), ("seq.md", 2));
    assert_eq!(findings[2], f("links/missing-file", "seq.md", 4, 5));
    for path in ["map.md", "seq.md"] {
        let m = message(&out, "frontmatter/syntax", path);
        assert!(
            m.contains("nests deeper") || m.contains("recursion limit"),
            "{m}"
        );
    }
}

fn schema_repo(schema: &str, front_matter: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[[content]]\nname = \"doc\"\npaths = [\"*.md\"]\nschema = \"s.json\"\n",
    )
    .write("s.json", schema)
    .write("a.md", format!("---\n{front_matter}---\n# A\n"))
    .commit("schema");
    repo
}

#[test]
fn yaml_tags_are_values_not_crashes() {
    let repo = schema_repo(
        r#"{"type": "object", "properties": {
            "count": {"type": "integer"},
            "label": {"type": "string"},
            "raw": {"type": "string"},
            "nothing": {"type": "null"}
        }}"#,
        "label: !shout hi\nraw: !!binary aGVsbG8=\nnothing: !!null ''\ncount: !!str 5\n",
    );
    let out = check(&repo, &[]);
    // `!!str 5` is the string "5": the one schema error, at its value.
    assert_eq!(out.findings(), [f("frontmatter/schema", "a.md", 5, 8)]);
}

#[test]
fn yaml_huge_integers_are_numbers_and_bounded() {
    let digits = "9".repeat(100_000);
    let repo = schema_repo(
        r#"{"type": "object", "properties": {
            "small": {"type": "integer", "maximum": 1000},
            "big": {"type": "number", "maximum": 1000}
        }}"#,
        &format!("small: 123456789012345678901234567890\nbig: {digits}\n"),
    );
    let out = timed_check(&repo, &[], "huge integers");
    let findings = out.findings();
    assert_eq!(
        rules_of(&findings),
        ["frontmatter/schema", "frontmatter/schema"],
        "{findings:?}"
    );
    assert_eq!(findings[0], f("frontmatter/schema", "a.md", 2, 8));
    assert_eq!(findings[1], f("frontmatter/schema", "a.md", 3, 6));
}

#[test]
fn yaml_duplicate_keys_point_at_the_second() {
    let repo = front_matter_repo("title: a\ntags: []\ntitle: b\n");
    let out = check(&repo, &[]);
    assert_eq!(out.findings(), [f("frontmatter/syntax", "a.md", 4, 1)]);
    assert!(message(&out, "frontmatter/syntax", "a.md").contains("duplicate key `title`"));
}

#[test]
fn yaml_non_string_keys() {
    // Scalar keys that are not strings are read as their text; a complex key is an error.
    let repo = TestRepo::new();
    repo.write(
        "scalars.md",
        "---\n1: one\ntrue: yes\nnull: nothing\n2.5: x\n---\n",
    )
    .write("complex.md", "---\ntitle: x\n? [a, b]\n: v\n---\n")
    .write("map-key.md", "---\n{a: 1}: v\n---\n")
    .commit("keys");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [
            f("frontmatter/syntax", "complex.md", 3, 3),
            f("frontmatter/syntax", "map-key.md", 2, 1),
        ]
    );
    assert!(
        message(&out, "frontmatter/syntax", "complex.md").contains("a key must be a plain value")
    );
    // Duplicates across spellings of the same scalar key are still duplicates.
    let repo = front_matter_repo("1: a\n'1': b\n");
    let out = check(&repo, &[]);
    assert_eq!(out.findings(), [f("frontmatter/syntax", "a.md", 3, 1)]);
}

// ================================================================ paths

#[test]
fn dot_dot_escaping_the_root_is_outside_repo() {
    let repo = TestRepo::new();
    repo.write(
        "docs/a.md",
        "[up](../../secret.md) [deep](../x/../../../etc/passwd) [ok](../README.md) [enc](..%2F..%2Fetc%2Fpasswd)\n",
    )
    .write("README.md", "# R\n")
    .commit("a");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [
            f("links/outside-repo", "docs/a.md", 1, 6),
            f("links/outside-repo", "docs/a.md", 1, 30),
            f("links/outside-repo", "docs/a.md", 1, 81),
        ]
    );
}

#[test]
fn an_absolute_filesystem_path_resolves_inside_the_repository() {
    let repo = TestRepo::new();
    repo.write(
        "docs/a.md",
        "[passwd](/etc/passwd#root) ![i](/etc/hostname)\n",
    )
    .commit("a");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "docs/a.md", 1, 10),
            f("links/missing-file", "docs/a.md", 1, 33),
        ]
    );
    let report = out.json();
    let messages: Vec<&str> = diagnostics(&report)
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(messages[0].contains("`etc/passwd`"), "{messages:?}");
    // Nothing of the real /etc/passwd leaks into the report (it was never read).
    assert!(!out.stdout.contains("root:x:0:0"));
}

#[test]
fn file_urls_and_drive_paths_are_outside_repo() {
    let repo = TestRepo::new();
    repo.write(
        "a.md",
        "[a](file:///etc/passwd) [b](FILE://localhost/etc/shadow) [c](C:\\Users\\me\\a.md) [d](d:/notes/x.md)\n",
    )
    .commit("a");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [
            f("links/outside-repo", "a.md", 1, 5),
            f("links/outside-repo", "a.md", 1, 29),
            f("links/outside-repo", "a.md", 1, 62),
            f("links/outside-repo", "a.md", 1, 84),
        ]
    );
}

#[test]
fn nul_and_control_characters_in_link_targets() {
    let repo = TestRepo::new();
    repo.write(
        "a.md",
        "[a](x%00y.md) [b](x%1B[31my.md) [c](x%0A::error::z.md)\n",
    )
    .commit("a");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "a.md", 1, 5),
            f("links/missing-file", "a.md", 1, 19),
            f("links/missing-file", "a.md", 1, 37),
        ]
    );
    let report = out.json();
    let messages: Vec<&str> = diagnostics(&report)
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(messages[0].contains("x\0y.md"), "{messages:?}");
    assert!(messages[1].contains("x\u{1b}[31my.md"), "{messages:?}");
    // JSON escapes them; human and concise output show them as escapes.
    assert!(!out.stdout.contains('\0') && !out.stdout.contains('\u{1b}'));
    for format in ["human", "concise"] {
        let text = repo.run(&["check", "--format", format]);
        assert_eq!(text.code, 1, "{}", text.stderr);
        assert!(!text.stdout.contains('\u{1b}'), "raw ESC in {format}");
        assert!(!text.stdout.contains('\0'), "raw NUL in {format}");
        assert!(
            !text.stdout.lines().any(|l| l.starts_with("::error::")),
            "{format}: {}",
            text.stdout
        );
    }
}

#[test]
fn a_very_long_link_target() {
    let repo = TestRepo::new();
    let long = format!("{}x.md", "abcd/".repeat(800));
    assert!(long.len() > 4_000);
    repo.write(
        "a.md",
        format!("[x]({long})\n[y]({}.md)\n", "n".repeat(4_000)),
    )
    .commit("a");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "a.md", 1, 5),
            f("links/missing-file", "a.md", 2, 5),
        ]
    );
}

#[test]
fn windows_separators_are_not_path_separators() {
    // `..\x.md` is one file name with a backslash: it neither climbs nor finds `x.md`.
    let repo = TestRepo::new();
    repo.write("x.md", "# X\n")
        .write("docs/a.md", "[x](..\\x.md) [y](..\\..\\..\\etc\\passwd)\n")
        .commit("a");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "docs/a.md", 1, 5),
            f("links/missing-file", "docs/a.md", 1, 18),
        ]
    );
    assert!(message_at(&out, 5).contains("docs/..\\x.md"));
}

fn message_at(out: &Output, column: u64) -> String {
    let report = out.json();
    diagnostics(&report)
        .iter()
        .find(|d| d["column"] == column)
        .and_then(|d| d["message"].as_str())
        .expect("finding")
        .to_owned()
}

// ---------------------------------------------------------------- symbolic links

#[test]
fn a_symlink_inside_the_repository_is_followed_and_checked() {
    let repo = TestRepo::new();
    repo.write("real/target.md", "# Target\n\n[x](gone.md)\n");
    repo.symlink("alias.md", "real/target.md");
    repo.commit("symlink");
    let expected = [
        // The link resolves from where the symbolic link stands.
        f("links/missing-file", "alias.md", 3, 5),
        f("links/missing-file", "real/target.md", 3, 5),
    ];
    assert_eq!(check(&repo, &[]).findings(), expected);
    assert_eq!(check(&repo, &["--rev", "HEAD"]).findings(), expected);
    assert_eq!(check(&repo, &["--staged"]).findings(), []);
}

#[test]
fn symlinks_outside_the_repository_or_dangling_are_unreadable_and_never_read() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.md");
    std::fs::write(&secret, "# Secret\n\n[x](SECRET-CONTENT.md)\n").unwrap();
    let repo = TestRepo::new();
    repo.write("README.md", "# R\n");
    repo.symlink("out.md", &secret);
    repo.symlink("up.md", "../../../../../../../../etc/passwd");
    repo.symlink("dangling.md", "nowhere/gone.md");
    repo.symlink("loop-a.md", "loop-b.md");
    repo.symlink("loop-b.md", "loop-a.md");
    repo.commit("symlinks");
    let expected = [
        f("io/unreadable", "dangling.md", 1, 1),
        f("io/unreadable", "loop-a.md", 1, 1),
        f("io/unreadable", "loop-b.md", 1, 1),
        f("io/unreadable", "out.md", 1, 1),
        f("io/unreadable", "up.md", 1, 1),
    ];
    for extra in [&[][..], &["--rev", "HEAD"]] {
        let out = check(&repo, extra);
        assert_eq!(out.findings(), expected, "{extra:?}");
        assert!(!out.stdout.contains("SECRET-CONTENT"), "{extra:?}");
        assert!(!out.stdout.contains("root:x:0:0"), "{extra:?}");
    }
    let m = message(&check(&repo, &[]), "io/unreadable", "out.md");
    assert!(m.contains("symbolic link"), "{m}");
}

/// Bug: a tracked symbolic link to a file under the root that is not one of the repository's
/// files (inside `.git`, where actions/checkout keeps credentials, or ignored, like `.env`)
/// is read from the work tree: `Snapshot::read` only checks that the canonical target starts
/// with the root. `--rev` already refuses both.
#[test]
fn worktree_follows_symlinks_into_dot_git_and_to_ignored_files() {
    let repo = TestRepo::new();
    std::fs::write(
        repo.git().path().join("description"),
        "# T\n\n[x](SECRET-IN-DOT-GIT.md)\n",
    )
    .unwrap();
    repo.write(".gitignore", ".env\n")
        .write(".env", "# env\n\n[x](SECRET-IN-ENV.md)\n");
    repo.symlink("git.md", ".git/description");
    repo.symlink("env.md", ".env");
    repo.commit("symlinks");
    let expected = [
        f("io/unreadable", "env.md", 1, 1),
        f("io/unreadable", "git.md", 1, 1),
    ];
    let rev = check(&repo, &["--rev", "HEAD"]);
    assert_eq!(rev.findings(), expected, "--rev HEAD");
    let worktree = check(&repo, &[]);
    assert!(!worktree.stdout.contains("SECRET"), "{}", worktree.stdout);
    assert_eq!(worktree.findings(), expected, "work tree");
}

/// Bug: a symbolic link whose target is an absolute path points at the file system's root,
/// not the repository's. The work tree gets that right (io/unreadable), but `--rev` and
/// `--staged` join `/docs/real.md` onto the link's folder with `paths::join`, which drops the
/// leading `/`, and read `docs/real.md` from the repository.
#[test]
fn rev_reads_an_absolute_symlink_as_a_repository_path() {
    let repo = TestRepo::new();
    repo.write("docs/real.md", "# Real\n\n[x](gone.md)\n");
    repo.symlink("abs.md", "/docs/real.md");
    repo.commit("absolute symlink");
    let expected = [
        f("io/unreadable", "abs.md", 1, 1),
        f("links/missing-file", "docs/real.md", 3, 5),
    ];
    assert_eq!(check(&repo, &[]).findings(), expected, "work tree");
    assert_eq!(
        check(&repo, &["--rev", "HEAD"]).findings(),
        expected,
        "--rev HEAD"
    );
}

// ---------------------------------------------------------------- submodules, LFS, names

/// Bug: a submodule's files are rightly not documents, but links into a submodule are
/// reported: `links/untracked` ("ignored by git") for a file of its checkout and
/// `links/missing-file` for the rest, in the work tree and with `--rev`. `resolve::locate`
/// never asks `Snapshot::in_submodule`, which nothing calls.
#[test]
fn links_into_a_submodule_are_reported_missing() {
    let repo = TestRepo::new();
    repo.write(
        ".gitmodules",
        "[submodule \"vendor/lib\"]\n\tpath = vendor/lib\n\turl = https://example.com/lib.git\n",
    )
    .write(
        "README.md",
        "[lib](vendor/lib/README.md) [doc](vendor/lib/docs/a.md#x) [gone](nope.md)\n",
    )
    .commit("base");
    // The submodule's checkout: a repository of its own, with a document that would have
    // findings if docsteward took it for one of this repository's.
    let lib = TestRepo::new();
    lib.write("README.md", "[broken](missing.md)\n")
        .write("docs/bad.md", "[broken](missing.md)\n")
        .commit("lib");
    let lib_commit = lib.git().head().unwrap().target().unwrap();
    let checkout = repo.path("vendor/lib");
    std::fs::create_dir_all(&checkout).unwrap();
    let nested = Repository::init(&checkout).unwrap();
    let mut remote = nested
        .remote_anonymous(lib.root().to_str().unwrap())
        .unwrap();
    remote
        .fetch(&["+refs/heads/*:refs/remotes/origin/*"], None, None)
        .unwrap();
    nested.set_head_detached(lib_commit).unwrap();
    nested
        .checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
        .unwrap();
    // A gitlink: an index entry of mode 160000 naming the submodule's commit.
    let mut index = repo.git().index().unwrap();
    index
        .add(&git2::IndexEntry {
            ctime: git2::IndexTime::new(0, 0),
            mtime: git2::IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode: 0o160000,
            uid: 0,
            gid: 0,
            file_size: 0,
            id: lib_commit,
            flags: 0,
            flags_extended: 0,
            path: b"vendor/lib".to_vec(),
        })
        .unwrap();
    index.write().unwrap();
    let tree = repo.git().find_tree(index.write_tree().unwrap()).unwrap();
    let sig = Signature::new("Test", "test@example.com", &Time::new(1_700_000_000, 0)).unwrap();
    let parent = repo.git().head().unwrap().peel_to_commit().unwrap();
    repo.git()
        .commit(Some("HEAD"), &sig, &sig, "submodule", &tree, &[&parent])
        .unwrap();
    let expected = [f("links/missing-file", "README.md", 1, 66)];
    assert_eq!(check(&repo, &[]).findings(), expected, "work tree");
    assert_eq!(
        check(&repo, &["--rev", "HEAD"]).findings(),
        expected,
        "--rev HEAD"
    );
    // A commit that touches the README is checked against the index, gitlink included.
    repo.write(
        "README.md",
        "[lib](vendor/lib/README.md) [again](vendor/lib/docs/bad.md)\n",
    );
    let mut index = repo.git().index().unwrap();
    index.add_path(Path::new("README.md")).unwrap();
    index.write().unwrap();
    assert_eq!(check(&repo, &["--staged"]).findings(), [], "--staged");
}

#[test]
fn lfs_pointer_files_for_images_exist_and_are_not_parsed() {
    let repo = TestRepo::new();
    repo.write(".gitattributes", "*.png filter=lfs diff=lfs merge=lfs -text\n")
        .write(
            "images/diagram.png",
            "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n",
        )
        .write("a.md", "# A\n\n![Diagram](images/diagram.png)\n")
        .commit("lfs");
    assert_eq!(check(&repo, &[]).findings(), []);
    assert_eq!(check(&repo, &["--rev", "HEAD"]).findings(), []);
}

#[test]
fn file_names_with_spaces_unicode_and_newlines() {
    let repo = TestRepo::new();
    let names = ["with space.md", "ünïcödé ✓.md", "new\nline.md"];
    for name in names {
        repo.write(name, "# Page\n\n[x](missing.md)\n");
    }
    repo.write(
        "index.md",
        "[a](<with space.md>) [b](with%20space.md) [c](%C3%BCn%C3%AFc%C3%B6d%C3%A9%20%E2%9C%93.md) [d](ünïcödé%20✓.md) [e](new%0Aline.md)\n",
    )
    .commit("names");
    let mut expected: Vec<Finding> = names
        .iter()
        .map(|n| f("links/missing-file", n, 3, 5))
        .collect();
    expected.sort();
    for extra in [&[][..], &["--rev", "HEAD"], &["--staged"]] {
        let mut found = check(&repo, extra).findings();
        found.sort();
        if extra == ["--staged"] {
            assert_eq!(found, [], "nothing staged");
        } else {
            assert_eq!(found, expected, "{extra:?}");
        }
    }
}

// ================================================================ repositories

#[test]
fn an_empty_repository_has_no_documents() {
    let repo = TestRepo::new();
    for extra in [&[][..], &["--staged"]] {
        let out = check(&repo, extra);
        assert_eq!(out.code, 0);
        assert_eq!(out.findings(), []);
        assert_eq!(out.json()["summary"]["documents"], 0);
    }
    let out = repo.run(&["check", "--rev", "HEAD"]);
    let stderr = out.failure();
    assert!(stderr.contains("HEAD"), "{stderr}");
    let stale = repo.run(&["stale", "--format", "json"]);
    assert_eq!(stale.code, 0, "{}", stale.stderr);
}

#[test]
fn an_unborn_branch_with_staged_files() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n\n[x](missing.md) [b](b.md)\n")
        .write("b.md", "# B\n");
    stage_all(&repo);
    let out = check(&repo, &["--staged"]);
    assert_eq!(out.findings(), [f("links/missing-file", "a.md", 3, 5)]);
    assert_eq!(out.json()["summary"]["documents"], 2);
    // Unstaged changes are not what a commit would contain.
    repo.write("a.md", "# A\n\nclean now\n");
    let out = check(&repo, &["--staged"]);
    assert_eq!(out.findings(), [f("links/missing-file", "a.md", 3, 5)]);
}

#[test]
fn a_detached_head() {
    let repo = TestRepo::new();
    repo.write("a.md", "[x](missing.md)\n");
    let first = repo.commit_at("first", 1_700_000_000, "Test", &[]);
    repo.write("a.md", "# fixed\n");
    repo.commit_at("second", 1_700_000_100, "Test", &[]);
    repo.git().set_head_detached(first).unwrap();
    repo.git()
        .checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
        .unwrap();
    assert!(repo.git().head_detached().unwrap());
    let expected = [f("links/missing-file", "a.md", 1, 5)];
    assert_eq!(check(&repo, &[]).findings(), expected);
    assert_eq!(check(&repo, &["--rev", "HEAD"]).findings(), expected);
    assert_eq!(check(&repo, &["--staged"]).findings(), []);
}

#[test]
fn a_bare_repository_with_rev() {
    let work = TestRepo::new();
    work.write("a.md", "# A\n\n[x](missing.md)\n").commit("a");
    let branch = work.current_branch();
    let bare_dir = tempfile::tempdir().unwrap();
    let bare = Repository::init_bare(bare_dir.path()).unwrap();
    let refspec = format!("refs/heads/{branch}:refs/heads/{branch}");
    work.git()
        .remote_anonymous(bare_dir.path().to_str().unwrap())
        .unwrap()
        .push(&[refspec.as_str()], None)
        .unwrap();
    bare.set_head(&format!("refs/heads/{branch}")).unwrap();
    let out = common::run_in(
        bare_dir.path(),
        &["check", "--format", "json", "--rev", "HEAD"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.findings(), [f("links/missing-file", "a.md", 3, 5)]);
    // Without --rev there is no work tree to check: a clear error with the fix.
    let out = common::run_in(bare_dir.path(), &["check"]);
    let stderr = out.failure();
    assert!(
        stderr.contains("bare repository") && stderr.contains("--rev HEAD"),
        "{stderr}"
    );
    let out = common::run_in(bare_dir.path(), &["check", "--staged"]);
    assert!(out.failure().contains("bare repository"));
}

#[test]
fn a_linked_worktree() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n").commit("a");
    // git2 creates linked work trees itself (what `git worktree add` does).
    let parent = tempfile::tempdir().unwrap();
    let path = parent.path().join("wt");
    repo.git().worktree("wt", &path, None).unwrap();
    std::fs::write(path.join("b.md"), "[x](missing.md)\n").unwrap();
    let out = common::run_in(&path, &["check", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.findings(), [f("links/missing-file", "b.md", 1, 5)]);
    let out = common::run_in(&path, &["check", "--format", "json", "--rev", "HEAD"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.findings(), []);
    let wt = Repository::open(&path).unwrap();
    let mut index = wt.index().unwrap();
    index.add_path(Path::new("b.md")).unwrap();
    index.write().unwrap();
    let out = common::run_in(&path, &["check", "--format", "json", "--staged"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.findings(), [f("links/missing-file", "b.md", 1, 5)]);
    // The main work tree does not see the linked one's files.
    assert_eq!(check(&repo, &[]).findings(), []);
}

/// A blob the clone does not have (a partial clone, or a damaged one) stops nothing: the one
/// document that needs it is unreadable, naming the object, and the rest is checked.
#[test]
fn a_missing_blob_is_unreadable_for_the_one_document_that_needs_it() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n\n[x](gone.md)\n")
        .write("b.md", "# B\n")
        .commit("a");
    let oid = blob_in_head(&repo, "b.md");
    std::fs::remove_file(repo.loose_object(oid)).unwrap();
    for extra in [&["--rev", "HEAD"][..], &["--staged", "a.md", "b.md"]] {
        let out = check(&repo, extra);
        assert_eq!(
            out.findings(),
            [
                f("links/missing-file", "a.md", 3, 5),
                f("io/unreadable", "b.md", 1, 1)
            ],
            "{extra:?}"
        );
        let m = message(&out, "io/unreadable", "b.md");
        assert!(m.contains(&oid.to_string()), "{extra:?}: {m}");
        assert!(m.contains("not in this clone"), "{extra:?}: {m}");
    }
    // The work tree reads files from disk and does not need the object.
    assert_eq!(
        check(&repo, &[]).findings(),
        [f("links/missing-file", "a.md", 3, 5)]
    );
}

#[test]
fn a_corrupt_object_is_a_clear_error_naming_it() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n").commit("a");
    let oid = blob_in_head(&repo, "a.md");
    let file = repo.loose_object(oid);
    common::make_writable(&file);
    std::fs::write(&file, b"this is not zlib data at all").unwrap();
    for extra in [&["--rev", "HEAD"][..], &["--staged"]] {
        let out = repo.check_json(extra);
        let stderr = out.failure();
        assert!(stderr.contains(&oid.to_string()), "{extra:?}: {stderr}");
        assert!(stderr.contains("a.md"), "{extra:?}: {stderr}");
    }
}

/// `safe.directory`: libgit2 refuses a repository owned by another user. Run as root (CI
/// containers), the repository is handed to `nobody`; docsteward must either check it or
/// say clearly why not, never panic.
#[test]
fn a_repository_owned_by_another_user() {
    use std::os::unix::fs::MetadataExt;
    let probe = tempfile::NamedTempFile::new().unwrap();
    if probe.as_file().metadata().unwrap().uid() != 0 {
        eprintln!("skipped: changing ownership needs root");
        return;
    }
    let repo = TestRepo::new();
    repo.write("a.md", "[x](missing.md)\n").commit("a");
    fn chown_all(path: &Path) {
        std::os::unix::fs::lchown(path, Some(65534), Some(65534)).unwrap();
        if path.is_dir() && !path.is_symlink() {
            for entry in std::fs::read_dir(path).unwrap() {
                chown_all(&entry.unwrap().path());
            }
        }
    }
    chown_all(repo.root());
    let out = repo.check_json(&[]);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    match out.code {
        1 => assert_eq!(out.findings(), [f("links/missing-file", "a.md", 1, 5)]),
        2 => assert!(
            out.stderr.contains("belongs to another user")
                && out
                    .stderr
                    .contains("git config --global --add safe.directory"),
            "unclear message: {}",
            out.stderr
        ),
        code => panic!("exit {code}: {}", out.stderr),
    }
}

// ================================================================ CI output

const HOSTILE_NAME: &str =
    "docs/evil\n::warning::injected %0A ::add-mask::x \"q\" </script><script>alert(1)</script> \u{1b}[31m,a:b `|` c.md";
const HOSTILE_VALUE: &str =
    "\"\\n::error::from-front-matter %0A ::add-mask::secret </script><script>alert(2)</script> \\u001b]0;pwn\\u0007\"";

fn hostile_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[[content]]\nname = \"doc\"\npaths = [\"docs/**\"]\nschema = \"s.json\"\n",
    )
    .write(
        "s.json",
        r#"{"type": "object", "properties": {"title": {"type": "integer"}}}"#,
    )
    .write(
        HOSTILE_NAME,
        format!(
            "---\ntitle: {HOSTILE_VALUE}\nowner: {HOSTILE_VALUE}\n---\n# T\n\n[x](%0A::error::link%0A.md) [y](%3Cscript%3Ealert(3)%3C/script%3E.md)\n"
        ),
    )
    .commit("hostile");
    repo
}

/// No line of `text` may begin a workflow command except the ones docsteward writes.
fn assert_no_injected_command(text: &str, format: &str) {
    for line in text.lines() {
        for bad in [
            "::add-mask::",
            "::error::",
            "::warning::",
            "::stop-commands",
        ] {
            assert!(!line.starts_with(bad), "{format}: injected `{line}`");
        }
    }
}

/// No raw escape sequence or bell reaches a terminal.
fn assert_no_raw_control(text: &str, format: &str) {
    assert!(!text.contains('\u{1b}'), "{format}: raw ESC");
    assert!(!text.contains('\u{7}'), "{format}: raw BEL");
}

#[test]
fn hostile_names_and_values_in_every_check_format() {
    let repo = hostile_repo();
    // JSON: parses, and carries the exact name and values.
    let json = check(&repo, &[]);
    let findings = json.findings();
    assert_eq!(
        rules_of(&findings),
        [
            "frontmatter/schema",
            "links/missing-file",
            "links/missing-file"
        ],
        "{findings:?}"
    );
    assert!(findings.iter().all(|x| x.1 == HOSTILE_NAME));
    assert_eq!((findings[0].2, findings[0].3), (2, 8));
    assert_eq!((findings[1].2, findings[1].3), (7, 5));
    let report = json.json();
    let m = diagnostics(&report)[1]["message"].as_str().unwrap();
    assert!(m.contains("\n::error::link\n.md"), "{m}");
    assert_no_injected_command(&json.stdout, "json");
    assert_no_raw_control(&json.stdout, "json");

    // GitHub: one line per finding, each a command docsteward wrote.
    let github = repo.run(&["check", "--format", "github"]);
    assert_eq!(github.code, 1, "{}", github.stderr);
    let lines: Vec<&str> = github.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", github.stdout);
    for line in &lines {
        assert!(
            line.starts_with("::error file=docs/evil%0A%3A%3Awarning%3A%3Ainjected %250A"),
            "{line}"
        );
        // The file property cannot be ended early by `,` or `:` in the name.
        assert!(line.contains("%2Ca%3Ab `|` c.md,line="), "{line}");
    }
    assert!(lines[1].contains("%0A::error::link%0A.md"), "{}", lines[1]);
    assert_no_injected_command(&github.stdout, "github");
    assert_no_raw_control(&github.stdout, "github");

    // SARIF: valid JSON, the URI percent-encoded.
    let sarif = repo.run(&["check", "--format", "sarif"]);
    assert_eq!(sarif.code, 1, "{}", sarif.stderr);
    let log: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("SARIF is JSON");
    for uri in common::sarif_uris(&log) {
        assert!(
            uri.starts_with("docs/evil%0A%3A%3Awarning%3A%3Ainjected%20%250A"),
            "{uri}"
        );
        assert!(!uri.contains(['\n', ' ', '"', '<', '\u{1b}']), "{uri}");
    }
    assert_no_injected_command(&sarif.stdout, "sarif");
    assert_no_raw_control(&sarif.stdout, "sarif");

    // Human and concise: control characters escaped, no line starts a command.
    for format in ["human", "concise"] {
        let out = repo.run(&["check", "--format", format]);
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        assert_no_injected_command(&out.stdout, format);
        assert_no_raw_control(&out.stdout, format);
        assert!(
            out.stdout.contains("\\u{1b}[31m"),
            "{format}: {}",
            out.stdout
        );
    }
    let concise = repo.run(&["check", "--format", "concise"]);
    // One line per finding, and the summary.
    let finding_lines = concise
        .stdout
        .lines()
        .filter(|l| l.starts_with("docs/evil"))
        .count();
    assert_eq!(finding_lines, 3, "{}", concise.stdout);
}

#[test]
fn hostile_names_and_values_in_every_stale_format() {
    let repo = hostile_repo();
    let run = |format: &str| {
        let out = repo.run(&["stale", "--format", format, "--as-of", "2024-01-01"]);
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        out.stdout
    };
    let html = run("html");
    assert!(!html.contains("<script>alert"), "unescaped script in HTML");
    assert!(!html.contains("</script><script"), "script end in HTML");
    assert!(
        html.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the name is shown, escaped"
    );
    assert!(
        html.contains("&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;"),
        "the owner is shown, escaped"
    );
    let markdown = run("markdown");
    // Names stand in code spans, where `<script>` is text; no HTML may come out of it.
    for (event, _) in pulldown_cmark::Parser::new(&markdown).into_offset_iter() {
        if let pulldown_cmark::Event::Html(html) | pulldown_cmark::Event::InlineHtml(html) = event {
            assert!(
                !html.contains("<script"),
                "HTML in Markdown: {html}\n{markdown}"
            );
        }
    }
    assert_no_injected_command(&markdown, "markdown");
    assert_no_raw_control(&markdown, "stale markdown");
    // The table stays one row per document: the newline in the name does not split it.
    let rows = markdown
        .lines()
        .filter(|l| l.starts_with("| fresh |"))
        .count();
    assert_eq!(rows, 1, "{markdown}");
    let csv_text = run("csv");
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), 1, "{csv_text}");
    assert!(
        records[0].iter().any(|field| field == HOSTILE_NAME),
        "{records:?}"
    );
    // A spreadsheet must not read a cell as a formula either.
    for field in records[0].iter() {
        assert!(
            !field.starts_with(['=', '+', '@']),
            "formula cell {field:?}"
        );
    }
    let json = run("json");
    assert_no_injected_command(&json, "stale json");
    assert_no_raw_control(&json, "stale json");
    let report: serde_json::Value = serde_json::from_str(&json).expect("stale JSON parses");
    assert!(
        report.to_string().contains("alert(2)"),
        "owner kept: {report}"
    );
}

/// `stale --format table` is the terminal format: like `check`'s human output, it hands a
/// terminal no escape sequence (`ESC ]0;...BEL` retitles the window) from a file name or an
/// owner value.
#[test]
fn stale_table_neutralizes_control_characters() {
    let repo = hostile_repo();
    let out = repo.run(&["stale", "--as-of", "2024-01-01"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("<script>alert(1)"), "{}", out.stdout);
    assert_eq!(
        out.stdout
            .lines()
            .filter(|l| l.starts_with("fresh"))
            .count(),
        1
    );
    assert_no_injected_command(&out.stdout, "stale table");
    assert_no_raw_control(&out.stdout, "stale table");
}

/// The HTML report escapes `<` and `&` but writes a newline in a file name as it is: printed
/// to a CI log (`docsteward stale --format html` without `-o`), the rest of the name is a
/// line of its own, which the runner reads as a workflow command. `&#10;` is the same text
/// to a browser.
#[test]
fn stale_html_a_newline_in_a_file_name_starts_a_workflow_command() {
    let repo = hostile_repo();
    let out = repo.run(&["stale", "--format", "html", "--as-of", "2024-01-01"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_no_injected_command(&out.stdout, "stale html");
    assert_no_raw_control(&out.stdout, "stale html");
}

// ================================================================ config

#[test]
fn globs_matching_everything_make_binary_files_not_text() {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", "include = [\"**\"]\n")
        .write("images/a.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
        .write("data.bin", [0u8, 1, 2, 3, 255])
        .write("notes.txt", "[x](missing.md)\n")
        .write("utf16.txt", [0xFF, 0xFE, b'a', 0])
        .write("a.md", "# A\n")
        .commit("everything");
    let out = check(&repo, &[]);
    assert_eq!(
        out.findings(),
        [
            f("encoding/not-text", "data.bin", 1, 1),
            f("encoding/not-text", "images/a.png", 1, 1),
            f("links/missing-file", "notes.txt", 1, 5),
            f("encoding/not-text", "utf16.txt", 1, 1),
        ]
    );
    // `**/*` and a leading `/` are no different.
    repo.write(
        "docsteward.toml",
        "include = [\"**/*\", \"*\"]\nexclude = []\n",
    );
    assert_eq!(check(&repo, &[]).findings(), out.findings());
}

fn schema_config_repo(schema: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[[content]]\nname = \"doc\"\npaths = [\"*.md\"]\nschema = \"schemas/s.json\"\n",
    )
    .write("schemas/s.json", schema)
    .write("a.md", "---\ntitle: x\n---\n# A\n")
    .commit("schema");
    repo
}

#[test]
fn a_schema_ref_to_a_url_is_refused_without_network() {
    for url in [
        "https://example.com/schema.json",
        "http://10.255.255.1/schema.json",
        "https://example.com/schema.json#/definitions/x",
    ] {
        let repo = schema_config_repo(&format!(r#"{{"$ref": "{url}"}}"#));
        let start = Instant::now();
        let out = repo.run(&["check"]);
        let took = start.elapsed();
        let stderr = out.failure();
        assert!(took < Duration::from_secs(10), "{url}: took {took:?}");
        assert!(
            stderr.contains("does not fetch remote schemas"),
            "{url}: {stderr}"
        );
    }
}

#[test]
fn a_schema_ref_outside_the_repository_is_refused() {
    for (schema, expected) in [
        (r#"{"$ref": "../../etc/passwd"}"#, "outside the repository"),
        (
            r#"{"properties": {"a": {"$ref": "../../../../../../etc/passwd#/x"}}}"#,
            "outside the repository",
        ),
        (
            r#"{"$ref": "file:///etc/passwd"}"#,
            "not a schema file in the repository",
        ),
        (r#"{"$ref": "/etc/passwd"}"#, "not in the repository"),
    ] {
        let repo = schema_config_repo(schema);
        let out = repo.run(&["check"]);
        let stderr = out.failure();
        assert!(stderr.contains(expected), "{schema}: {stderr}");
        assert!(!stderr.contains("root:x:0:0"), "{schema}: {stderr}");
    }
    // The schema path itself, too.
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[[content]]\nname = \"doc\"\npaths = [\"*.md\"]\nschema = \"../../etc/passwd\"\n",
    )
    .commit("config");
    let stderr = repo.run(&["check"]).failure().to_owned();
    assert!(stderr.contains("leads outside the repository"), "{stderr}");
}

#[test]
fn recursive_schema_refs_finish() {
    // `{"$ref": "#"}` accepts everything, however deep.
    let repo = schema_config_repo(r##"{"$ref": "#"}"##);
    let start = Instant::now();
    let out = check(&repo, &[]);
    assert!(start.elapsed() < BOUND);
    assert_eq!(out.findings(), []);
    // A property that refers to the whole schema, with a nested instance.
    let repo = schema_config_repo(
        r##"{"type": "object", "properties": {"child": {"$ref": "#"}, "title": {"type": "string"}}}"##,
    );
    repo.write("a.md", "---\nchild: {child: {child: {title: 5}}}\n---\n")
        .commit("nested");
    assert_eq!(
        check(&repo, &[]).findings(),
        [f("frontmatter/schema", "a.md", 2, 32)]
    );
    // Two files that refer to each other.
    let repo = schema_config_repo(r#"{"$ref": "other.json"}"#);
    repo.write("schemas/other.json", r#"{"$ref": "s.json"}"#)
        .commit("cycle");
    let start = Instant::now();
    let out = repo.run(&["check", "--format", "json"]);
    assert!(start.elapsed() < BOUND);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    match out.code {
        0 => assert_eq!(out.findings(), []),
        2 => assert!(
            out.stderr.contains("s.json") || out.stderr.contains("other.json"),
            "{}",
            out.stderr
        ),
        code => panic!("exit {code}: {}", out.stderr),
    }
}
