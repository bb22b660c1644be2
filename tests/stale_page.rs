//! The HTML staleness page in a real browser (Debian's Chromium, headless): the page's own
//! script sorts the table by last change (dates as dates) and filters it by owner when its
//! header is clicked and its select changed through the DOM; without JavaScript the page
//! shows everything and no controls that would not work. `.ci/run` installs Chromium.

mod common;

use std::path::Path;
use std::process::Command;

use common::TestRepo;

const DAY: i64 = 86_400;
/// 2023-01-01T00:00:00Z.
const T0: i64 = 1_672_531_200;

/// Five documents, two owners; last changes on days chosen so that the order by date is
/// neither the report's order (most overdue first, by threshold) nor the paths'.
fn kb() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("docsteward.toml", "[stale]\ndefault-after = \"100d\"\n");
    let docs = [
        ("e.md", "Ann", 0, "30d"),
        ("a.md", "Ann", 40, "300d"),
        (
            "long/folder/name/that/goes/on/and/on/c.md",
            "Bob",
            10,
            "100d",
        ),
        ("b.md", "Ann", 90, "20d"),
        ("d.md", "Bob", 5, "1y"),
    ];
    for (path, owner, day, interval) in docs {
        repo.write(
            path,
            format!("---\nowner: {owner}\nreview_interval: {interval}\n---\n# {path}\n"),
        );
        repo.commit_at(path, T0 + day * DAY, "Cy", &[]);
    }
    repo
}

fn chromium() -> Option<&'static str> {
    common::have_tool("chromium").then_some("chromium")
}

/// Chromium's DOM of `page` after its scripts ran.
fn dump_dom(page: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = Command::new("chromium");
    // The flags keep Chromium from the network, which the page never needs.
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()));
    let out = cmd
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Writes the report and, beside it, the same page with `probe` (JavaScript) run after the
/// page's own script; returns the probe page's path.
fn pages(repo: &TestRepo, dir: &Path, probe: &str) -> std::path::PathBuf {
    let report = dir.join("report.html");
    let out = repo.run(&[
        "stale",
        "--format",
        "html",
        "--as-of",
        "2023-06-01",
        "--months",
        "6",
        "--output",
        report.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        !html.contains("http://")
            || html.matches("http://").count()
                == html.matches("http://www.w3.org/2000/svg").count(),
        "the page names no other resource than the SVG namespace"
    );
    assert!(
        !html.contains("https://") && !html.contains(" src="),
        "no external resources"
    );
    let probe_page = dir.join("probe.html");
    let probed = html.replace("</body>", &format!("<script>{probe}</script>\n</body>"));
    std::fs::write(&probe_page, probed).unwrap();
    probe_page
}

/// What the probe wrote into `<pre id="probe">`, one visible row per line.
fn probe_lines(dom: &str) -> Vec<String> {
    let start = dom.find("<pre id=\"probe\">").expect("the probe ran") + 16;
    let end = start + dom[start..].find("</pre>").unwrap();
    dom[start..end]
        .replace("&amp;", "&")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Clicks a header and sets a select the way a person would (events through the DOM), then
/// lists the visible rows: path and last-change day.
const PROBE: &str = r##"
function click(key) {
  document.querySelector('#documents th[data-key="' + key + '"]').dispatchEvent(new MouseEvent("click", {bubbles: true}));
}
function choose(id, value) {
  var select = document.getElementById(id);
  select.value = value;
  select.dispatchEvent(new Event("change", {bubbles: true}));
}
function visible() {
  return Array.prototype.filter.call(document.querySelectorAll("#documents tbody tr"), function (row) {
    return !row.hidden && getComputedStyle(row).display !== "none";
  }).map(function (row) {
    return row.cells[4].querySelector("code").textContent + " " + row.cells[6].textContent;
  });
}
var lines = [];
STEPS
var pre = document.createElement("pre");
pre.id = "probe";
pre.textContent = lines.join("\n");
document.body.appendChild(pre);
"##;

#[test]
fn sorting_by_last_change_and_filtering_by_owner_in_chromium() {
    if chromium().is_none() {
        return;
    }
    let repo = kb();
    let dir = tempfile::tempdir().unwrap();
    let steps = r#"
lines.push("initial " + visible().length);
click("last-change");
lines = lines.concat(visible());
choose("filter-owner", "Ann");
lines.push("ann " + document.getElementById("shown").textContent);
lines = lines.concat(visible());
click("last-change");
lines.push("descending");
lines = lines.concat(visible());
choose("filter-owner", "");
choose("filter-status", "stale");
lines.push("stale");
lines = lines.concat(visible());
"#;
    let page = pages(&repo, dir.path(), &PROBE.replace("STEPS", steps));
    let lines = probe_lines(&dump_dom(&page));
    let c = "long/folder/name/that/goes/on/and/on/c.md";
    let expected: Vec<String> = [
        "initial 5".to_owned(),
        // Oldest change first, by date.
        "e.md 2023-01-01".to_owned(),
        "d.md 2023-01-06".to_owned(),
        format!("{c} 2023-01-11"),
        "a.md 2023-02-10".to_owned(),
        "b.md 2023-04-01".to_owned(),
        "ann 3 of 5 documents".to_owned(),
        "e.md 2023-01-01".to_owned(),
        "a.md 2023-02-10".to_owned(),
        "b.md 2023-04-01".to_owned(),
        "descending".to_owned(),
        "b.md 2023-04-01".to_owned(),
        "a.md 2023-02-10".to_owned(),
        "e.md 2023-01-01".to_owned(),
        // As of 2023-06-01: e.md 151 days (30d), c 141 (100d) and b.md 61 (20d) are stale.
        "stale".to_owned(),
        "b.md 2023-04-01".to_owned(),
        format!("{c} 2023-01-11"),
        "e.md 2023-01-01".to_owned(),
    ]
    .to_vec();
    assert_eq!(lines, expected);
}

/// Without JavaScript every row shows and the filter controls, which need it, stay hidden;
/// the owner tables and the trend chart are plain HTML and SVG. (Chromium's `--dump-dom`
/// needs scripts on, so the page goes in without its script.)
#[test]
fn without_javascript_the_page_shows_everything() {
    if chromium().is_none() {
        return;
    }
    let repo = kb();
    let dir = tempfile::tempdir().unwrap();
    let page = pages(&repo, dir.path(), "");
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    let (before, rest) = html.split_once("<script>").expect("the page's script");
    let (_, after) = rest.split_once("</script>").unwrap();
    let bare = dir.path().join("bare.html");
    std::fs::write(&bare, format!("{before}{after}")).unwrap();
    let dom = dump_dom(&bare);
    assert!(dom.contains("<form id=\"filters\" hidden=\"\">"), "{dom}");
    assert_eq!(dom.matches("<tr data-owner=").count(), 5);
    assert!(dom.contains("<svg id=\"trend\""));
    assert_eq!(dom.matches("<section class=\"owner\"").count(), 2);
    // With it, the controls show.
    let dom = dump_dom(&page);
    assert!(dom.contains("<form id=\"filters\">"), "{dom}");
}

/// The screenshot step: the page renders to a PNG of the size asked for.
#[test]
fn the_page_renders_to_a_screenshot() {
    if chromium().is_none() {
        return;
    }
    let repo = kb();
    let dir = tempfile::tempdir().unwrap();
    pages(&repo, dir.path(), "");
    let shot = dir.path().join("shot.png");
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--window-size=900,700",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!(
            "file://{}",
            dir.path().join("report.html").display()
        ))
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // The IHDR chunk: width and height, big-endian.
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 900);
    assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 700);
}

/// A CODEOWNERS line with two owners: the document counts, shows and filters under each.
#[test]
fn a_document_with_two_owners_is_under_each_of_them() {
    if chromium().is_none() {
        return;
    }
    let repo = TestRepo::new();
    repo.write(".github/CODEOWNERS", "*.md @docs\nshared.md @docs @ann\n")
        .write("a.md", "# A\n")
        .write("shared.md", "# Shared\n")
        .write("b.md", "---\nowner: \"@ann\"\n---\n# B\n");
    repo.commit_at("add", T0, "Cy", &[]);
    let dir = tempfile::tempdir().unwrap();
    let steps = r#"
choose("filter-owner", "@ann");
lines.push("ann " + document.getElementById("shown").textContent);
lines = lines.concat(visible().sort());
choose("filter-owner", "@docs");
lines.push("docs " + document.getElementById("shown").textContent);
lines = lines.concat(visible().sort());
var sections = document.querySelectorAll("section.owner");
Array.prototype.forEach.call(sections, function (s) { lines.push(s.querySelector("h3").textContent); });
"#;
    let page = pages(&repo, dir.path(), &PROBE.replace("STEPS", steps));
    let lines = probe_lines(&dump_dom(&page));
    assert_eq!(
        lines,
        [
            "ann 2 of 3 documents",
            "b.md 2023-01-01",
            "shared.md 2023-01-01",
            "docs 2 of 3 documents",
            "a.md 2023-01-01",
            "shared.md 2023-01-01",
            "@ann: 0 stale, 0 due, 2 fresh",
            "@docs: 0 stale, 0 due, 2 fresh",
        ]
    );
}
