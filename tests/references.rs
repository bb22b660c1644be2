//! Reference checking (issue 3): links, anchors, images, terms, footnotes and encoding,
//! resolved against real git repositories built with git2. Every test asserts the exact
//! rule, path, line and column, and each rule is shown both firing and not firing.

mod common;

use common::{diagnostics, f, Output, TestRepo};
use serde_json::Value;

/// `check --format json` in the repository root; the run itself must succeed (exit 0 or 1).
fn check(repo: &TestRepo) -> Output {
    let out = repo.check_json(&[]);
    assert!(
        out.code == 0 || out.code == 1,
        "exit {}:\nstdout:\n{}\nstderr:\n{}",
        out.code,
        out.stdout,
        out.stderr
    );
    out
}

/// The single diagnostic of `rule` in `path` at `line`, as JSON.
fn one(out: &Output, rule: &str, path: &str, line: u64) -> Value {
    let report = out.json();
    let found: Vec<&Value> = diagnostics(&report)
        .iter()
        .filter(|d| d["rule"] == rule && d["path"] == path && d["line"] == line)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {rule} in {path} at line {line}:\n{report:#}"
    );
    found[0].clone()
}

fn text<'v>(d: &'v Value, field: &str) -> &'v str {
    d[field]
        .as_str()
        .unwrap_or_else(|| panic!("`{field}` is not a string in {d:#}"))
}

// ---------------------------------------------------------------- links/missing-file

#[test]
fn missing_file_help_names_the_same_file_name_elsewhere() {
    let repo = TestRepo::new();
    repo.write("howto/setup.md", "# Setup\n")
        .write(
            "docs/guide.md",
            "# Guide\n\nSee [setup](setup.md) and [the real one](../howto/setup.md).\n",
        )
        .commit("guide");
    let out = check(&repo);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.findings(),
        [f("links/missing-file", "docs/guide.md", 3, 13)]
    );
    let d = one(&out, "links/missing-file", "docs/guide.md", 3);
    assert_eq!(d["severity"], "error");
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(3), Some(21))
    );
    assert!(text(&d, "message").contains("docs/setup.md"), "{d:#}");
    let help = text(&d, "help");
    assert!(
        help.contains("../howto/setup.md") && help.contains("howto/setup.md"),
        "{d:#}"
    );
}

#[test]
fn existing_relative_targets_pass() {
    let repo = TestRepo::new();
    repo.write(
        "README.md",
        "# Home\n\n[Guide](docs/guide.md), [again](./docs/guide.md).\n",
    )
    .write(
        "docs/guide.md",
        "# Guide\n\n[Home](../README.md) and [self](guide.md).\n",
    )
    .commit("ok");
    let out = check(&repo);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(out.findings(), []);
}

// ---------------------------------------------------------------- links/case-mismatch

#[test]
fn case_mismatch_on_a_link_and_on_an_image_names_the_path_as_git_has_it() {
    let repo = TestRepo::new();
    repo.write("docs/guide.md", "# Guide\n")
        .write("docs/img/logo.png", [0x89, b'P', b'N', b'G'])
        .write(
            "docs/index.md",
            "# Index\n\n[Guide](Guide.md)\n\n![The logo](img/Logo.PNG)\n\n[ok](guide.md) ![ok](img/logo.png)\n",
        )
        .commit("case");
    let out = check(&repo);
    assert_eq!(
        out.findings(),
        [
            f("links/case-mismatch", "docs/index.md", 3, 9),
            f("links/case-mismatch", "docs/index.md", 5, 13)
        ]
    );
    let link = one(&out, "links/case-mismatch", "docs/index.md", 3);
    assert_eq!(link["severity"], "error");
    assert!(
        text(&link, "message").contains("`docs/guide.md`"),
        "{link:#}"
    );
    let image = one(&out, "links/case-mismatch", "docs/index.md", 5);
    assert!(
        text(&image, "message").contains("`docs/img/logo.png`"),
        "{image:#}"
    );
    assert!(text(&image, "help").contains("img/logo.png"), "{image:#}");
}

#[test]
fn case_insensitive_setting_accepts_a_case_only_match() {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", "[links]\ncase-sensitive = false\n")
        .write("docs/guide.md", "# Guide\n")
        .write("docs/img/logo.png", [0x89, b'P', b'N', b'G'])
        .write(
            "docs/index.md",
            "# Index\n\n[Guide](Guide.md)\n\n![The logo](img/Logo.PNG)\n\n[Gone](Gone.md)\n",
        )
        .commit("case-insensitive");
    let out = check(&repo);
    // Neither case-mismatch nor missing-file for the case-only matches; a really missing
    // file is still missing.
    assert_eq!(
        out.findings(),
        [f("links/missing-file", "docs/index.md", 7, 8)]
    );
}

// ---------------------------------------------------------------- links/untracked

#[test]
fn untracked_target_is_a_warning_with_git_add_help() {
    let repo = TestRepo::new();
    repo.write("notes.md", "# Notes\n\nSee [the data](data/table.csv).\n")
        .commit("notes");
    // On disk, never added to the index.
    repo.write("data/table.csv", "a,b\n1,2\n");
    let out = check(&repo);
    assert_eq!(out.code, 0, "warnings only: {}", out.stdout);
    assert_eq!(out.findings(), [f("links/untracked", "notes.md", 3, 16)]);
    let d = one(&out, "links/untracked", "notes.md", 3);
    assert_eq!(d["severity"], "warning");
    assert_eq!(text(&d, "help"), "git add data/table.csv");
}

#[test]
fn ignored_target_is_reported_as_untracked() {
    let repo = TestRepo::new();
    repo.write(".gitignore", "secret/\n")
        .write(
            "notes.md",
            "# Notes\n\nSee [the draft](secret/draft.pdf).\n",
        )
        .commit("notes");
    repo.write("secret/draft.pdf", "%PDF-1.4\n");
    let out = check(&repo);
    assert_eq!(out.findings(), [f("links/untracked", "notes.md", 3, 17)]);
    let d = one(&out, "links/untracked", "notes.md", 3);
    assert!(text(&d, "message").contains("ignored"), "{d:#}");
    assert!(
        text(&d, "help").contains("git add secret/draft.pdf"),
        "{d:#}"
    );
}

#[test]
fn tracked_target_is_not_untracked() {
    let repo = TestRepo::new();
    repo.write("notes.md", "# Notes\n\nSee [the data](data/table.csv).\n")
        .write("data/table.csv", "a,b\n")
        .commit("tracked");
    assert_eq!(check(&repo).findings(), []);
}

// ---------------------------------------------------------------- links/outside-repo

#[test]
fn dot_dot_escaping_the_repository_is_outside_repo() {
    let repo = TestRepo::new();
    repo.write("README.md", "# Home\n")
        .write(
            "docs/a.md",
            "# A\n\n[up](../../outside.md) and [home](../README.md)\n",
        )
        .commit("outside");
    let out = check(&repo);
    assert_eq!(out.findings(), [f("links/outside-repo", "docs/a.md", 3, 6)]);
    let d = one(&out, "links/outside-repo", "docs/a.md", 3);
    assert_eq!(d["severity"], "error");
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(3), Some(22))
    );
}

// ---------------------------------------------------------------- links/missing-anchor

#[test]
fn duplicate_headings_number_their_anchors() {
    let repo = TestRepo::new();
    repo.write(
        "a.md",
        "# Title\n\n## Examples\n\nOne.\n\n## Examples\n\nTwo.\n\n[first](#examples) [second](#examples-1) [third](#examples-2)\n",
    )
    .commit("dups");
    let out = check(&repo);
    assert_eq!(out.findings(), [f("links/missing-anchor", "a.md", 11, 50)]);
    let d = one(&out, "links/missing-anchor", "a.md", 11);
    assert_eq!(d["end_column"], 61);
    assert!(text(&d, "message").contains("#examples-2"), "{d:#}");
    assert_eq!(text(&d, "help"), "did you mean `#examples-1`?");
}

#[test]
fn custom_heading_ids_and_html_anchors_are_anchors() {
    let repo = TestRepo::new();
    repo.write(
        "a.md",
        "# Title\n\n## Installing {#install}\n\n<a id=\"x\"></a>\n<a name=\"y\"></a>\n\n\
         [i](#install) [x](#x) [y](#y) [title](#title) [z](#instal)\n",
    )
    .commit("anchors");
    let out = check(&repo);
    assert_eq!(out.findings(), [f("links/missing-anchor", "a.md", 8, 51)]);
    let d = one(&out, "links/missing-anchor", "a.md", 8);
    assert_eq!(text(&d, "help"), "did you mean `#install`?");
}

#[test]
fn anchors_into_another_document() {
    let repo = TestRepo::new();
    repo.write("guide/intro.md", "# Introduction\n\n## Getting started\n\n<span id=\"faq\"></span>\n")
        .write(
            "index.md",
            "# Index\n\n[a](guide/intro.md#getting-started)\n[b](guide/intro.md#faq)\n[c](guide/intro.md#getting-startd)\n",
        )
        .commit("cross");
    let out = check(&repo);
    assert_eq!(
        out.findings(),
        [f("links/missing-anchor", "index.md", 5, 19)]
    );
    let d = one(&out, "links/missing-anchor", "index.md", 5);
    assert!(text(&d, "message").contains("guide/intro.md"), "{d:#}");
    assert_eq!(text(&d, "help"), "did you mean `#getting-started`?");
}

// ---------------------------------------------------------------- target forms

#[test]
fn percent_encoded_and_angle_bracket_targets_resolve() {
    let repo = TestRepo::new();
    repo.write("my notes.md", "# Notes\n")
        .write("index.md", "# Index\n\n[a](my%20notes.md)\n[b](<my notes.md>)\n[c](my%20note.md)\n[d](<my note.md>)\n")
        .commit("spaces");
    let out = check(&repo);
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "index.md", 5, 5),
            f("links/missing-file", "index.md", 6, 5)
        ]
    );
    let encoded = one(&out, "links/missing-file", "index.md", 5);
    assert!(
        text(&encoded, "message").contains("`my note.md`"),
        "{encoded:#}"
    );
    let angle = one(&out, "links/missing-file", "index.md", 6);
    // The span covers the whole destination, brackets included.
    assert_eq!(angle["end_column"], 17);
}

#[test]
fn reference_style_links_are_checked_at_the_definition() {
    let repo = TestRepo::new();
    repo.write("ok.md", "# Ok\n")
        .write("index.md", "# Index\n\nSee [the guide][g], [again][g] and [fine][ok].\n\n[g]: missing.md\n[ok]: ok.md\n")
        .commit("refs");
    let out = check(&repo);
    assert_eq!(out.findings(), [f("links/missing-file", "index.md", 5, 6)]);
}

#[test]
fn links_in_code_spans_and_code_blocks_are_ignored() {
    let repo = TestRepo::new();
    repo.write(
        "index.md",
        "# Index\n\nInline `[a](nope.md)` code.\n\n```markdown\n[b](nope.md)\n![c](nope.png)\n```\n\n    [d](nope.md)\n\n[real](nope.md)\n",
    )
    .commit("code");
    assert_eq!(
        check(&repo).findings(),
        [f("links/missing-file", "index.md", 12, 8)]
    );
}

#[test]
fn external_urls_are_not_checked() {
    let repo = TestRepo::new();
    repo.write(
        "index.md",
        "# Index\n\n[a](https://example.com/missing.md) [b](mailto:team@example.com) [c](//cdn.example.com/x.js)\n\
         [d](ftp://example.com/f) <https://example.com/auto> <a href=\"http://example.com\">e</a>\n",
    )
    .commit("external");
    assert_eq!(check(&repo).findings(), []);
}

#[test]
fn query_strings_are_dropped() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n\n## Part\n")
        .write(
            "index.md",
            "# Index\n\n[a](a.md?x=1) [b](a.md?x=1#part) [c](zz.md?x=1)\n",
        )
        .commit("query");
    let out = check(&repo);
    assert_eq!(out.findings(), [f("links/missing-file", "index.md", 3, 38)]);
    let d = one(&out, "links/missing-file", "index.md", 3);
    assert!(text(&d, "message").contains("`zz.md`"), "{d:#}");
}

#[test]
fn folder_targets_are_valid_when_git_has_files_under_them() {
    let repo = TestRepo::new();
    repo.write("docs/guide/a.md", "# A\n")
        .write(
            "index.md",
            "# Index\n\n[docs](docs/) [guide](docs/guide) [none](nothing/)\n",
        )
        .commit("folders");
    let out = check(&repo);
    assert_eq!(out.findings(), [f("links/missing-file", "index.md", 3, 42)]);
}

#[test]
fn html_a_href_is_checked() {
    let repo = TestRepo::new();
    repo.write("ok.md", "# Ok\n")
        .write(
            "index.md",
            "# Index\n\n<a href=\"ok.md\">fine</a> and <a href=\"gone.md\">broken</a>\n",
        )
        .commit("html");
    let out = check(&repo);
    assert_eq!(out.findings(), [f("links/missing-file", "index.md", 3, 39)]);
    let d = one(&out, "links/missing-file", "index.md", 3);
    assert_eq!(d["end_column"], 46);
}

// ---------------------------------------------------------------- roots, routes, front matter

#[test]
fn root_absolute_links_resolve_through_links_roots() {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", "[links]\nroots = [\"public\"]\n")
        .write("public/covers/book.jpg", [0xFF, 0xD8, 0xFF])
        .write("docs/b.md", "# B\n")
        .write(
            "docs/a.md",
            "# A\n\n![Cover](/covers/book.jpg)\n[B](/docs/b.md)\n![Gone](/covers/gone.jpg)\n",
        )
        .commit("roots");
    let out = check(&repo);
    assert_eq!(out.findings(), [f("links/missing-file", "docs/a.md", 5, 9)]);
}

#[test]
fn root_absolute_links_without_roots_resolve_from_the_repository_root_only() {
    let repo = TestRepo::new();
    repo.write("public/covers/book.jpg", [0xFF, 0xD8, 0xFF])
        .write("docs/a.md", "# A\n\n![Cover](/covers/book.jpg)\n")
        .commit("no roots");
    assert_eq!(
        check(&repo).findings(),
        [f("links/missing-file", "docs/a.md", 3, 10)]
    );
}

#[test]
fn route_links_resolve_to_the_mapped_file() {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[[links.routes]]\nurl = \"/glossary/{slug}\"\nfile = \"glossary/{slug}.md\"\n",
    )
    .write(
        "glossary/tacit-knowledge.md",
        "# Tacit knowledge\n\n## Origin\n",
    )
    .write(
        "index.md",
        "# Index\n\n[a](/glossary/tacit-knowledge)\n[b](/glossary/tacit-knowledge/)\n\
             [c](/glossary/tacit-knowledge#origin)\n[d](/glossary/nonexistent-term)\n",
    )
    .commit("routes");
    let out = check(&repo);
    assert_eq!(out.findings(), [f("links/missing-file", "index.md", 6, 5)]);
    let d = one(&out, "links/missing-file", "index.md", 6);
    let message = text(&d, "message");
    assert!(
        message.contains("glossary/nonexistent-term.md") && message.contains("/glossary/{slug}"),
        "{d:#}"
    );
}

#[test]
fn path_routes_map_any_number_of_segments() {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[[links.routes]]\nurl = \"/docs/{path}/\"\nfile = \"content/{path}.md\"\n",
    )
    .write("content/guides/setup/linux.md", "# Linux\n\n## Packages\n")
    .write(
        "index.md",
        "# Index\n\n[a](/docs/guides/setup/linux/)\n[b](/docs/guides/setup/linux#packages)\n\
             [c](/docs/guides/setup/macos/)\n[d](/docs/guides/../../../x/)\n",
    )
    .commit("routes");
    let out = check(&repo);
    // `..` segments never take a route: the last link falls back to the root.
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "index.md", 5, 5),
            f("links/outside-repo", "index.md", 6, 5)
        ]
    );
    let d = one(&out, "links/missing-file", "index.md", 5);
    let message = text(&d, "message");
    assert!(
        message.contains("content/guides/setup/macos.md") && message.contains("/docs/{path}"),
        "{d:#}"
    );
}

#[test]
fn every_route_for_a_url_is_tried_then_the_roots() {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[links]\ncase-sensitive = false\nroots = [\"public\"]\n\n\
         [[links.routes]]\nurl = \"/docs/{slug}\"\nfile = \"guides/{slug}.md\"\n\n\
         [[links.routes]]\nurl = \"/docs/{slug}\"\nfile = \"reference/{slug}.md\"\n",
    )
    .write("guides/setup.md", "# Setup\n")
    .write("reference/cli.md", "# CLI\n")
    .write("public/docs/logo.png", [0x89u8, b'P', b'N', b'G'])
    .write(
        "index.md",
        "# Index\n\n[a](/docs/setup)\n[b](/docs/cli)\n[c](/docs/Setup)\n\
             [d](/docs/logo.png)\n[e](/docs/nowhere)\n",
    )
    .commit("routes");
    let out = check(&repo);
    assert_eq!(out.findings(), [f("links/missing-file", "index.md", 7, 5)]);
    let d = one(&out, "links/missing-file", "index.md", 7);
    assert!(text(&d, "message").contains("guides/nowhere.md"), "{d:#}");
}

#[test]
fn external_site_urls_are_not_checked() {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[links]\nexternal = [\"/dotnet/**\", \"/azure/*/overview\"]\n",
    )
    .write(
        "index.md",
        "# Index\n\n[a](/dotnet/api/system.string)\n[b](/azure/storage/overview)\n\
             [c](/azure/storage/blobs/overview)\n[d](/powershell/module/x)\n",
    )
    .commit("external");
    let out = check(&repo);
    // `*` is one segment: the third link is not covered by the second glob.
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "index.md", 5, 5),
            f("links/missing-file", "index.md", 6, 5)
        ]
    );
}

#[test]
fn front_matter_keys_values_are_checked() {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[links]\nfront-matter-keys = [\"cover\"]\n",
    )
    .write("img/a.png", [0x89, b'P', b'N', b'G'])
    .write("a.md", "---\ntitle: A\ncover: img/a.png\n---\n# A\n")
    .write(
        "b.md",
        "---\ntitle: B\ncover: img/b.png\nother: img/none.png\n---\n# B\n",
    )
    .commit("covers");
    let out = check(&repo);
    assert_eq!(out.findings(), [f("links/missing-file", "b.md", 3, 8)]);
    let d = one(&out, "links/missing-file", "b.md", 3);
    assert_eq!(d["end_column"], 17);
}

// ---------------------------------------------------------------- images/missing-alt

#[test]
fn images_without_alt_text() {
    let repo = TestRepo::new();
    repo.write("x.png", [0x89, b'P', b'N', b'G'])
        .write(
            "index.md",
            "# Index\n\n![](x.png)\n\n<img src=\"x.png\">\n\n![A chart](x.png)\n\n<img src=\"x.png\" alt=\"A chart\">\n",
        )
        .commit("alt");
    let out = check(&repo);
    assert_eq!(out.code, 0, "warnings only: {}", out.stdout);
    assert_eq!(
        out.findings(),
        [
            f("images/missing-alt", "index.md", 3, 1),
            f("images/missing-alt", "index.md", 5, 1)
        ]
    );
    assert_eq!(
        one(&out, "images/missing-alt", "index.md", 3)["severity"],
        "warning"
    );
}

// ---------------------------------------------------------------- terms

const TACIT: &str = "---\nterm: Tacit knowledge\n---\n# Tacit knowledge\n";

#[test]
fn unknown_term_in_a_flow_list_is_reported_on_the_item() {
    let repo = TestRepo::new();
    repo.write("glossary/tacit-knowledge.md", TACIT)
        .write(
            "glossary/explicit-knowledge.md",
            "---\nterm: Explicit knowledge\nrelatedTerms: [tacit-knowledge, tacit-knowlege]\n---\n# Explicit\n",
        )
        .commit("flow");
    let out = check(&repo);
    assert_eq!(
        out.findings(),
        [f("terms/unknown", "glossary/explicit-knowledge.md", 3, 33)]
    );
    let d = one(&out, "terms/unknown", "glossary/explicit-knowledge.md", 3);
    assert_eq!(d["severity"], "error");
    assert_eq!(d["end_column"], 47);
    assert!(text(&d, "message").contains("tacit-knowlege"), "{d:#}");
    assert_eq!(text(&d, "help"), "did you mean `tacit-knowledge`?");
}

#[test]
fn unknown_term_in_a_block_list_is_reported_on_the_item() {
    let repo = TestRepo::new();
    repo.write("glossary/tacit-knowledge.md", TACIT)
        .write(
            "glossary/explicit-knowledge.md",
            "---\nterm: Explicit knowledge\nrelatedTerms:\n  - tacit-knowledge\n  - tacit-knowlege\n---\n# Explicit\n",
        )
        .commit("block");
    let out = check(&repo);
    assert_eq!(
        out.findings(),
        [f("terms/unknown", "glossary/explicit-knowledge.md", 5, 5)]
    );
    let d = one(&out, "terms/unknown", "glossary/explicit-knowledge.md", 5);
    assert_eq!(text(&d, "help"), "did you mean `tacit-knowledge`?");
}

#[test]
fn a_term_slug_comes_from_the_slug_key_before_the_file_name() {
    let repo = TestRepo::new();
    repo.write(
        "glossary/tk.md",
        "---\nterm: Tacit knowledge\nslug: tacit-knowledge\n---\n",
    )
    .write(
        "glossary/other.md",
        "---\nterm: Other\nrelatedTerms: [tacit-knowledge, tk]\n---\n",
    )
    .commit("slug key");
    // `tk` is the file name of a document whose slug is `tacit-knowledge`.
    assert_eq!(
        check(&repo).findings(),
        [f("terms/unknown", "glossary/other.md", 3, 33)]
    );
}

#[test]
fn a_term_defined_twice_ignoring_case_is_reported_on_both() {
    let repo = TestRepo::new();
    repo.write(
        "glossary/tacit-knowledge.md",
        "---\nterm: Tacit Knowledge\n---\n",
    )
    .write("glossary/tacit.md", "---\nterm: tacit knowledge\n---\n")
    .write(
        "glossary/explicit.md",
        "---\nterm: Explicit knowledge\n---\n",
    )
    .commit("twice");
    let out = check(&repo);
    assert_eq!(
        out.findings(),
        [
            f("terms/duplicate", "glossary/tacit-knowledge.md", 2, 7),
            f("terms/duplicate", "glossary/tacit.md", 2, 7)
        ]
    );
    let a = one(&out, "terms/duplicate", "glossary/tacit-knowledge.md", 2);
    assert!(text(&a, "message").contains("`glossary/tacit.md`"), "{a:#}");
    let b = one(&out, "terms/duplicate", "glossary/tacit.md", 2);
    assert!(
        text(&b, "message").contains("`glossary/tacit-knowledge.md`"),
        "{b:#}"
    );
}

#[test]
fn a_slug_defined_twice_is_reported_on_both() {
    let repo = TestRepo::new();
    repo.write("a/cop.md", "---\nterm: Community of practice\n---\n")
        .write("b/community.md", "---\nterm: Communities\nslug: cop\n---\n")
        .commit("same slug");
    let out = check(&repo);
    assert_eq!(
        out.findings(),
        [
            f("terms/duplicate", "a/cop.md", 2, 7),
            f("terms/duplicate", "b/community.md", 3, 7)
        ]
    );
    let a = one(&out, "terms/duplicate", "a/cop.md", 2);
    assert!(text(&a, "message").contains("`b/community.md`"), "{a:#}");
    let b = one(&out, "terms/duplicate", "b/community.md", 3);
    assert!(text(&b, "message").contains("`a/cop.md`"), "{b:#}");
}

fn one_way_repo(config: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", config)
        .write("glossary/a.md", "---\nterm: A\nrelatedTerms: [b, c]\n---\n")
        .write("glossary/b.md", "---\nterm: B\n---\n")
        .write("glossary/c.md", "---\nterm: C\nrelatedTerms: [a]\n---\n")
        .commit("one way");
    repo
}

#[test]
fn one_way_is_off_by_default() {
    assert_eq!(check(&one_way_repo("")).findings(), []);
}

#[test]
fn one_way_fires_when_enabled() {
    let repo = one_way_repo("[rules]\n\"terms/one-way\" = \"warning\"\n");
    let out = check(&repo);
    // a -> b has no way back; a <-> c is mutual.
    assert_eq!(out.findings(), [f("terms/one-way", "glossary/a.md", 3, 16)]);
    let d = one(&out, "terms/one-way", "glossary/a.md", 3);
    assert_eq!(d["severity"], "warning");
    assert!(text(&d, "help").contains("glossary/b.md"), "{d:#}");
}

// ---------------------------------------------------------------- footnotes

#[test]
fn footnotes_undefined_and_unused() {
    let repo = TestRepo::new();
    repo.write(
        "a.md",
        "# A\n\nOne[^1] and two[^2].\n\n[^1]: The first.\n[^3]: Never used.\n",
    )
    .commit("notes");
    let out = check(&repo);
    assert_eq!(
        out.findings(),
        [
            f("footnotes/undefined", "a.md", 3, 16),
            f("footnotes/unused", "a.md", 6, 1)
        ]
    );
    assert_eq!(
        one(&out, "footnotes/undefined", "a.md", 3)["severity"],
        "error"
    );
    assert_eq!(
        one(&out, "footnotes/unused", "a.md", 6)["severity"],
        "warning"
    );
}

#[test]
fn footnotes_referenced_and_defined_pass() {
    let repo = TestRepo::new();
    repo.write(
        "a.md",
        "# A\n\nOne[^1] and two[^note].\n\n[^1]: The first.\n[^note]: The second.\n",
    )
    .commit("ok");
    assert_eq!(check(&repo).findings(), []);
}

// ---------------------------------------------------------------- encoding

#[test]
fn mojibake_from_the_seed_is_reported_with_the_intended_character() {
    let repo = TestRepo::new();
    repo.write(
        "cops.md",
        "# CoPs\n\nCustomer Focus â€“ 3 CoPs\n\nClean – text, café, “quoted”.\n",
    )
    .commit("mojibake");
    let out = check(&repo);
    assert_eq!(out.code, 0, "warnings only: {}", out.stdout);
    assert_eq!(out.findings(), [f("encoding/mojibake", "cops.md", 3, 16)]);
    let d = one(&out, "encoding/mojibake", "cops.md", 3);
    assert_eq!(d["end_column"], 19);
    assert!(text(&d, "help").contains('–'), "{d:#}");
}

/// Bug: a page about encodings quotes mojibake in code on purpose, and German quotes after
/// `ß` decode to an N'Ko letter: both were reported.
#[test]
fn mojibake_in_code_and_real_text_that_only_looks_like_it_are_not_reported() {
    let repo = TestRepo::new();
    repo.write(
        "encodings.md",
        "# Encodings\n\n„naturgemäß“ gelesen.\n\nThe dump `cafÃ©` shows it.\n\n```text\nâ€“ Ã© Ã¼\n```\n\n    indented Ã©\n\nBut here: cafÃ©.\n",
    )
    .commit("encodings");
    let out = check(&repo);
    assert_eq!(
        out.findings(),
        [f("encoding/mojibake", "encodings.md", 13, 14)],
        "{}",
        out.stdout
    );
}

#[test]
fn invalid_utf8_and_a_broken_link_after_it_are_both_reported() {
    let repo = TestRepo::new();
    repo.write(
        "bad.md",
        b"# Title\n\nBad \xFF byte here.\n\n[broken](nowhere.md)\n".as_slice(),
    )
    .commit("bad byte");
    let out = check(&repo);
    assert_eq!(
        out.findings(),
        [
            f("encoding/invalid-utf8", "bad.md", 3, 5),
            f("links/missing-file", "bad.md", 5, 10)
        ]
    );
    let d = one(&out, "encoding/invalid-utf8", "bad.md", 3);
    assert!(text(&d, "message").contains("0xFF"), "{d:#}");
}

#[test]
fn valid_utf8_is_not_reported() {
    let repo = TestRepo::new();
    repo.write("ok.md", "# Café\n\nNaïve – “quoted” 😀\n")
        .commit("utf8");
    assert_eq!(check(&repo).findings(), []);
}

#[test]
fn crlf_line_endings_keep_line_numbers_exact() {
    let repo = TestRepo::new();
    repo.write(
        "crlf.md",
        "---\r\ntitle: CRLF\r\n---\r\n# Title\r\n\r\nText.\r\n\r\nSee [x](missing.md).\r\n",
    )
    .commit("crlf");
    let out = check(&repo);
    assert_eq!(out.findings(), [f("links/missing-file", "crlf.md", 8, 9)]);
    let d = one(&out, "links/missing-file", "crlf.md", 8);
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(8), Some(19))
    );
}

// ---------------------------------------------------------------- graph/orphan, assets/unused

fn graph_repo(config: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", config)
        .write(
            "README.md",
            "# Home\n\n[A](a.md)\n\n![Chart](img/used.png)\n",
        )
        .write("a.md", "# A\n\n[B](b.md)\n")
        .write("b.md", "# B\n")
        .write("lonely.md", "# Lonely\n")
        .write("img/used.png", [0x89, b'P', b'N', b'G'])
        .write("img/unused.png", [0x89, b'P', b'N', b'G'])
        .write("img/notes.txt", "not an image\n")
        .commit("graph");
    repo
}

#[test]
fn orphan_and_unused_assets_are_off_by_default() {
    assert_eq!(check(&graph_repo("")).findings(), []);
}

#[test]
fn orphan_fires_when_enabled() {
    let repo = graph_repo("[rules]\n\"graph/orphan\" = \"warning\"\n");
    let out = check(&repo);
    // README.md is a landing page; a.md and b.md are linked to.
    assert_eq!(out.findings(), [f("graph/orphan", "lonely.md", 1, 1)]);
}

#[test]
fn unused_assets_fire_when_enabled() {
    let repo = graph_repo("[rules]\n\"assets/unused\" = \"warning\"\n");
    let out = check(&repo);
    assert_eq!(out.findings(), [f("assets/unused", "img/unused.png", 1, 1)]);
    assert_eq!(
        one(&out, "assets/unused", "img/unused.png", 1)["severity"],
        "warning"
    );
}

// ---------------------------------------------------------------- edge cases

#[test]
fn an_image_inside_a_link_is_checked_as_both() {
    let repo = TestRepo::new();
    repo.write(
        "index.md",
        "# Index\n\n[![Logo](img/gone.png)](gone.md \"Title\")\n",
    )
    .commit("nested");
    let out = check(&repo);
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "index.md", 3, 10),
            f("links/missing-file", "index.md", 3, 25)
        ]
    );
    let report = out.json();
    let d = diagnostics(&report);
    assert!(text(&d[0], "message").starts_with("image "), "{:#}", d[0]);
    // The title is not part of the destination's span.
    assert_eq!(d[1]["end_column"], 32);
}

#[test]
fn destinations_with_parentheses_resolve() {
    let repo = TestRepo::new();
    repo.write("notes_(old).md", "# Old\n")
        .write("index.md", "# Index\n\n[old](notes_(old).md)\n")
        .commit("parens");
    assert_eq!(check(&repo).findings(), []);
}

#[test]
fn heading_slugs_drop_punctuation_and_keep_unicode() {
    let repo = TestRepo::new();
    repo.write(
        "a.md",
        "# What is a CoP?\n\n## The `foo` option\n\n## Café\n\n\
         [a](#what-is-a-cop) [b](#the-foo-option) [c](#café) [d](#caf%C3%A9) [e](#what-is-a-cop?)\n",
    )
    .commit("slugs");
    let out = check(&repo);
    assert_eq!(out.findings(), [f("links/missing-anchor", "a.md", 7, 73)]);
}

#[test]
fn fragments_into_files_that_are_not_markdown_are_not_checked() {
    let repo = TestRepo::new();
    repo.write("src/main.rs", "fn main() {}\n")
        .write("index.md", "# Index\n\n[code](src/main.rs#L1)\n")
        .commit("code");
    assert_eq!(check(&repo).findings(), []);
}

#[test]
fn a_fragment_on_a_route_link_is_checked_in_the_mapped_file() {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[[links.routes]]\nurl = \"/glossary/{slug}/\"\nfile = \"glossary/{slug}.md\"\n",
    )
    .write(
        "glossary/tacit-knowledge.md",
        "# Tacit knowledge\n\n## Origin\n",
    )
    .write(
        "index.md",
        "# Index\n\n[a](/glossary/tacit-knowledge/#origin) [b](/glossary/tacit-knowledge#orign)\n",
    )
    .commit("route anchors");
    let out = check(&repo);
    assert_eq!(
        out.findings(),
        [f("links/missing-anchor", "index.md", 3, 69)]
    );
    let d = one(&out, "links/missing-anchor", "index.md", 3);
    assert!(
        text(&d, "message").contains("glossary/tacit-knowledge.md"),
        "{d:#}"
    );
    assert_eq!(text(&d, "help"), "did you mean `#origin`?");
}

#[test]
fn a_tracked_file_deleted_from_the_work_tree_is_missing() {
    let repo = TestRepo::new();
    repo.write("gone.md", "# Gone\n")
        .write("index.md", "# Index\n\n[gone](gone.md)\n")
        .commit("both");
    std::fs::remove_file(repo.path("gone.md")).expect("remove");
    assert_eq!(
        check(&repo).findings(),
        [f("links/missing-file", "index.md", 3, 8)]
    );
}

#[test]
fn front_matter_key_lists_are_checked_item_by_item() {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[links]\nfront-matter-keys = [\"images\"]\n",
    )
    .write("img/a.png", [0x89, b'P', b'N', b'G'])
    .write(
        "a.md",
        "---\ntitle: A\nimages:\n  - img/a.png\n  - img/b.png\n---\n# A\n",
    )
    .commit("lists");
    assert_eq!(
        check(&repo).findings(),
        [f("links/missing-file", "a.md", 5, 5)]
    );
}

#[test]
fn unknown_term_in_a_quoted_flow_list_like_the_seed() {
    let repo = TestRepo::new();
    repo.write("glossary/tacit-knowledge.md", TACIT)
        .write(
            "glossary/communities-of-practice.md",
            "---\nterm: \"Communities of Practice\"\nrelatedTerms: [\"tacit-knowledge\", \"tacit-knowlege\"]\n---\n",
        )
        .commit("quoted");
    let out = check(&repo);
    assert_eq!(
        out.findings(),
        [f(
            "terms/unknown",
            "glossary/communities-of-practice.md",
            3,
            35
        )]
    );
}

#[test]
fn more_mojibake_from_the_seeds() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n\nItâ€™s a cafÃ© thing.\n")
        .commit("more");
    let out = check(&repo);
    assert_eq!(
        out.findings(),
        [
            f("encoding/mojibake", "a.md", 3, 3),
            f("encoding/mojibake", "a.md", 3, 13)
        ]
    );
    assert!(text(&one_at(&out, 3, 3), "help").contains('’'));
    assert!(text(&one_at(&out, 3, 13), "help").contains('é'));
}

/// The diagnostic at `line`:`column` (of the only file with findings).
fn one_at(out: &Output, line: u64, column: u64) -> Value {
    let report = out.json();
    diagnostics(&report)
        .iter()
        .find(|d| d["line"] == line && d["column"] == column)
        .unwrap_or_else(|| panic!("nothing at {line}:{column}: {report:#}"))
        .clone()
}

#[test]
fn crlf_positions_for_footnotes_and_definitions() {
    let repo = TestRepo::new();
    repo.write(
        "a.md",
        "# A\r\n\r\nText[^x].\r\n\r\n[ref]: gone.md\r\n[^y]: Unused.\r\n",
    )
    .commit("crlf");
    let out = check(&repo);
    assert_eq!(
        out.findings(),
        [
            f("footnotes/undefined", "a.md", 3, 5),
            f("links/missing-file", "a.md", 5, 8),
            f("footnotes/unused", "a.md", 6, 1),
        ]
    );
}

#[test]
fn terms_and_images_count_as_references_for_orphans_and_assets() {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[links]\nroots = [\"public\"]\nfront-matter-keys = [\"cover\"]\n\n\
         [rules]\n\"graph/orphan\" = \"warning\"\n\"assets/unused\" = \"warning\"\n",
    )
    .write("glossary/a.md", "---\nterm: A\n---\n")
    .write("glossary/b.md", "---\nterm: B\nrelatedTerms: [a]\ncover: /covers/b.png\n---\n<img src=\"../img/html.png\" alt=\"x\">\n")
    .write("public/covers/b.png", [0x89, b'P', b'N', b'G'])
    .write("img/html.png", [0x89, b'P', b'N', b'G'])
    .write("img/lost.svg", "<svg/>\n")
    .commit("references");
    let out = check(&repo);
    // a.md is named as a term by b.md; nothing names b.md.
    assert_eq!(
        out.findings(),
        [
            f("graph/orphan", "glossary/b.md", 1, 1),
            f("assets/unused", "img/lost.svg", 1, 1)
        ]
    );
}

#[test]
fn missing_file_help_names_a_close_spelling_in_the_same_folder() {
    let repo = TestRepo::new();
    repo.write("docs/installation.md", "# Installation\n")
        .write("docs/index.md", "# Index\n\n[Install](instalation.md)\n")
        .commit("typo");
    let out = check(&repo);
    assert_eq!(
        out.findings(),
        [f("links/missing-file", "docs/index.md", 3, 11)]
    );
    let d = one(&out, "links/missing-file", "docs/index.md", 3);
    assert!(text(&d, "help").contains("`installation.md`"), "{d:#}");
}

#[test]
fn html_in_blocks_and_inline_has_exact_positions() {
    let repo = TestRepo::new();
    repo.write("x.png", [0x89, b'P', b'N', b'G'])
        .write(
            "index.md",
            "# Index\n\n<div>\n  <a href=\"gone.md\">x</a>\n</div>\n\nText <img src=\"x.png\"> more.\n\n\
             > Quoted [link](quoted-gone.md).\n\n- item [link](item-gone.md)\n",
        )
        .commit("html positions");
    let out = check(&repo);
    assert_eq!(
        out.findings(),
        [
            f("links/missing-file", "index.md", 4, 12),
            f("images/missing-alt", "index.md", 7, 6),
            f("links/missing-file", "index.md", 9, 17),
            f("links/missing-file", "index.md", 11, 15),
        ]
    );
}

#[test]
fn a_link_whose_text_spans_lines_is_reported_at_its_destination() {
    let repo = TestRepo::new();
    repo.write(
        "index.md",
        "# Index\n\nSee [a long\nlink text](gone.md) here.\n",
    )
    .commit("multi-line");
    assert_eq!(
        check(&repo).findings(),
        [f("links/missing-file", "index.md", 4, 12)]
    );
}

#[test]
fn setext_headings_and_html_ids_on_any_element_are_anchors() {
    let repo = TestRepo::new();
    repo.write(
        "a.md",
        "Examples\n========\n\n<h2 id='faq'>FAQ</h2>\n\n[a](#examples) [b](#faq) [c](#fac)\n",
    )
    .commit("setext");
    let out = check(&repo);
    assert_eq!(out.findings(), [f("links/missing-anchor", "a.md", 6, 30)]);
    assert_eq!(
        text(&one(&out, "links/missing-anchor", "a.md", 6), "help"),
        "did you mean `#faq`?"
    );
}

#[test]
fn invalid_utf8_column_counts_characters_before_the_bad_byte() {
    let repo = TestRepo::new();
    repo.write("bad.md", b"# T\n\ncaf\xC3\xA9 \xFE x\n".as_slice())
        .commit("bad after multibyte");
    let out = check(&repo);
    assert_eq!(out.findings(), [f("encoding/invalid-utf8", "bad.md", 3, 6)]);
    assert!(text(&one(&out, "encoding/invalid-utf8", "bad.md", 3), "message").contains("0xFE"));
}

#[test]
fn case_mismatch_in_a_folder_segment() {
    let repo = TestRepo::new();
    repo.write("docs/guide.md", "# Guide\n")
        .write("index.md", "# Index\n\n[g](Docs/guide.md)\n")
        .commit("folder case");
    let out = check(&repo);
    assert_eq!(out.findings(), [f("links/case-mismatch", "index.md", 3, 5)]);
    assert!(
        text(&one(&out, "links/case-mismatch", "index.md", 3), "message")
            .contains("`docs/guide.md`")
    );
}

#[test]
fn case_mismatch_on_a_folder_target() {
    let repo = TestRepo::new();
    repo.write("docs/guide.md", "# Guide\n")
        .write("index.md", "# Index\n\n[docs](Docs/)\n")
        .commit("folder target case");
    assert_eq!(
        check(&repo).findings(),
        [f("links/case-mismatch", "index.md", 3, 8)]
    );
}

#[test]
fn case_insensitive_setting_accepts_a_folder_target_with_other_case() {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", "[links]\ncase-sensitive = false\n")
        .write("docs/guide.md", "# Guide\n")
        .write("index.md", "# Index\n\n[docs](Docs/)\n")
        .commit("folder target case-insensitive");
    assert_eq!(check(&repo).findings(), []);
}

#[test]
fn an_ignored_file_under_a_links_root_is_untracked_not_missing() {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", "[links]\nroots = [\"public\"]\n")
        .write(".gitignore", "public/generated/\n")
        .write("a.md", "# A\n\n![Chart](/generated/chart.png)\n")
        .commit("ignored under root");
    repo.write("public/generated/chart.png", [0x89, b'P', b'N', b'G']);
    let out = check(&repo);
    assert_eq!(out.findings(), [f("links/untracked", "a.md", 3, 10)]);
    assert!(text(&one(&out, "links/untracked", "a.md", 3), "help")
        .contains("public/generated/chart.png"));
}

#[test]
fn an_untracked_image_is_untracked() {
    let repo = TestRepo::new();
    repo.write("a.md", "# A\n\n![Chart](chart.png)\n")
        .commit("image");
    repo.write("chart.png", [0x89, b'P', b'N', b'G']);
    let out = check(&repo);
    assert_eq!(out.findings(), [f("links/untracked", "a.md", 3, 10)]);
    assert_eq!(
        text(&one(&out, "links/untracked", "a.md", 3), "help"),
        "git add chart.png"
    );
}

#[test]
fn reference_style_images_are_checked_at_the_definition_and_for_alt_text() {
    let repo = TestRepo::new();
    repo.write("logo.png", [0x89, b'P', b'N', b'G'])
        .write("index.md", "# Index\n\n![][logo] ![Logo][logo] ![Gone][gone]\n\n[logo]: logo.png\n[gone]: <gone image.png> \"Title\"\n")
        .commit("ref images");
    let out = check(&repo);
    assert_eq!(
        out.findings(),
        [
            f("images/missing-alt", "index.md", 3, 1),
            f("links/missing-file", "index.md", 6, 9)
        ]
    );
    assert_eq!(
        one(&out, "links/missing-file", "index.md", 6)["end_column"],
        25
    );
}
