//! The freshness series (`docsteward stale --months N`): stale, due and fresh counts at each
//! month's end, from one history walk, checked against a scripted history whose answer is
//! worked out by hand below.

mod common;

use common::TestRepo;
use serde_json::{json, Value};

/// Seconds of noon UTC on a day of 2023 or 2024.
fn at(y: i32, m: i8, d: i8) -> i64 {
    jiff::tz::TimeZone::UTC
        .to_timestamp(jiff::civil::date(y as i16, m, d).at(12, 0, 0, 0))
        .unwrap()
        .as_second()
}

/// Stale after 60 days, due after 40. Three documents:
/// - `a.md` (Ann): created 2023-12-01, edited 2024-03-10.
/// - `guides/b.md` (Ann, a guide): created 2024-02-15; a bot reformats it on 2024-05-01,
///   which is no change.
/// - `c.md` (Bob): created 2023-10-01 saying it was reviewed on 2023-12-20; renamed to
///   `docs/c.md` on 2024-04-05 (a pure rename, no change); edited on a side branch on
///   2024-02-01, merged on 2024-02-03 (the change counts from the side commit's date).
fn history() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        "docsteward.toml",
        "[stale]\ndefault-after = \"60d\"\ndue-within = \"20d\"\n\n\
         [[content]]\nname = \"guide\"\npaths = [\"guides/*.md\"]\n",
    );
    repo.write("c.md", "---\nowner: Bob\nreviewed: 2023-12-20\n---\n# C\n");
    repo.commit_at("c", at(2023, 10, 1), "Cy", &[]);
    repo.write("a.md", "---\nowner: Ann\n---\n# A\n");
    let base = repo.commit_at("a", at(2023, 12, 1), "Cy", &[]);
    let trunk = repo.current_branch();
    // A side branch edits c.md; main edits nothing of c in the meantime.
    repo.switch_new("side", base);
    repo.write(
        "c.md",
        "---\nowner: Bob\nreviewed: 2023-12-20\n---\n# C\n\nMore.\n",
    );
    let side = repo.commit_at("side edit", at(2024, 2, 1), "Dee", &[]);
    repo.switch(&trunk);
    repo.write("notes.txt", "not a document\n");
    repo.commit_at("unrelated", at(2024, 1, 15), "Cy", &[]);
    repo.write(
        "c.md",
        "---\nowner: Bob\nreviewed: 2023-12-20\n---\n# C\n\nMore.\n",
    );
    repo.commit_at("merge side", at(2024, 2, 3), "Cy", &[side]);
    repo.write("guides/b.md", "---\nowner: Ann\n---\n# B\n\n- one\n");
    repo.commit_at("b", at(2024, 2, 15), "Cy", &[]);
    repo.write("a.md", "---\nowner: Ann\n---\n# A\n\nEdited.\n");
    repo.commit_at("edit a", at(2024, 3, 10), "Cy", &[]);
    std::fs::create_dir_all(repo.path("docs")).unwrap();
    std::fs::rename(repo.path("c.md"), repo.path("docs/c.md")).unwrap();
    repo.commit_at("move c", at(2024, 4, 5), "Cy", &[]);
    repo.write("guides/b.md", "---\nowner: Ann\n---\n# B\n\n* one\n");
    repo.commit_at("reformat", at(2024, 5, 1), "github-actions[bot]", &[]);
    repo
}

fn tally(stale: u64, due: u64, fresh: u64) -> Value {
    json!({"stale": stale, "due": due, "fresh": fresh})
}

fn trend(repo: &TestRepo, months: &str) -> Value {
    let out = repo.run(&[
        "stale",
        "--format",
        "json",
        "--as-of",
        "2024-06-15",
        "--months",
        months,
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.json()
}

#[test]
fn monthly_counts_follow_the_scripted_history() {
    let repo = history();
    let report = trend(&repo, "6");
    let t = &report["trend"];
    assert_eq!(
        t["days"],
        json!([
            "2024-01-31",
            "2024-02-29",
            "2024-03-31",
            "2024-04-30",
            "2024-05-31",
            "2024-06-15"
        ])
    );
    // Ages in days on each day (a from its last change, b from its creation, c from its
    // review date, then from the side branch's edit of 2024-02-01):
    //            01-31      02-29      03-31      04-30      05-31      06-15
    // a.md       61 stale   90 stale   21 fresh   51 due     82 stale   97 stale
    // b.md       -          14 fresh   45 due     75 stale  106 stale  121 stale
    // c.md       42 due     28 fresh   59 due     89 stale  120 stale  135 stale
    assert_eq!(
        t["total"],
        json!([
            tally(1, 1, 0),
            tally(1, 0, 2),
            tally(0, 2, 1),
            tally(2, 1, 0),
            tally(3, 0, 0),
            tally(3, 0, 0)
        ])
    );
    assert_eq!(
        t["by_owner"]["Ann"],
        json!([
            tally(1, 0, 0),
            tally(1, 0, 1),
            tally(0, 1, 1),
            tally(1, 1, 0),
            tally(2, 0, 0),
            tally(2, 0, 0)
        ])
    );
    assert_eq!(
        t["by_owner"]["Bob"],
        json!([
            tally(0, 1, 0),
            tally(0, 0, 1),
            tally(0, 1, 0),
            tally(1, 0, 0),
            tally(1, 0, 0),
            tally(1, 0, 0)
        ])
    );
    assert_eq!(
        t["by_content_type"]["guide"],
        json!([
            tally(0, 0, 0),
            tally(0, 0, 1),
            tally(0, 1, 0),
            tally(1, 0, 0),
            tally(1, 0, 0),
            tally(1, 0, 0)
        ])
    );
    // The last point is the report's own count.
    let s = &report["summary"]["by_status"];
    assert_eq!(
        t["total"][5],
        tally(
            s["stale"].as_u64().unwrap(),
            s["due"].as_u64().unwrap(),
            s["fresh"].as_u64().unwrap()
        )
    );
}

#[test]
fn the_series_starts_when_the_first_document_does() {
    let repo = history();
    let t = &trend(&repo, "12")["trend"];
    // 2023-07-31 to 2023-09-30 had no document: c.md came on 2023-10-01.
    assert_eq!(t["days"][0], "2023-10-31");
    assert_eq!(t["days"].as_array().unwrap().len(), 9);
    assert_eq!(t["total"][0], tally(0, 0, 1));
    // And no series at all when none is asked for.
    assert_eq!(trend(&repo, "0").get("trend"), None);
    // A century of months is refused (exit 2), not computed.
    let out = repo.run(&["stale", "--as-of", "2024-06-15", "--months", "1200"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn the_series_in_csv_and_in_the_markdown_chart() {
    let repo = history();
    let run = |format: &str| {
        let out = repo.run(&[
            "stale",
            "--format",
            format,
            "--as-of",
            "2024-06-15",
            "--months",
            "3",
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let csv = run("trend-csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "day,group,name,stale,due,fresh");
    assert_eq!(
        &lines[1..4],
        [
            "2024-04-30,all,,2,1,0",
            "2024-05-31,all,,3,0,0",
            "2024-06-15,all,,3,0,0"
        ]
    );
    assert!(lines.contains(&"2024-04-30,owner,Ann,1,1,0"), "{csv}");
    assert!(
        lines.contains(&"2024-04-30,content_type,(none),1,1,0"),
        "{csv}"
    );
    let markdown = run("markdown");
    let chart = markdown
        .split("```mermaid\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a mermaid block");
    assert!(chart.contains("xychart-beta"), "{chart}");
    assert!(
        chart.contains("x-axis [\"2024-04\", \"2024-05\", \"2024-06-15\"]"),
        "{chart}"
    );
    assert!(
        chart.contains("line [2, 3, 3]\n    line [1, 0, 0]\n    line [0, 0, 0]"),
        "{chart}"
    );
}

/// The series makes the walk go on past a document's last change, but only as far as its
/// first day: the last change itself, and everything else in the report, stay the same.
#[test]
fn the_series_changes_nothing_else_in_the_report() {
    let repo = history();
    let mut with = trend(&repo, "24");
    let without = trend(&repo, "0");
    with.as_object_mut().unwrap().remove("trend");
    assert_eq!(with, without);
}

/// The Markdown chart is valid Mermaid: the real renderer (`@mermaid-js/mermaid-cli`, in
/// `tests/.cache/mermaid`, driving Debian's Chromium) draws it, axis labels included.
#[test]
fn the_markdown_chart_renders_in_mermaid() {
    let mmdc = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/.cache/mermaid/node_modules/.bin/mmdc");
    if !mmdc.is_file() || !common::have_tool("chromium") {
        if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
            panic!("mermaid-cli or chromium is missing, and CI is set: .ci/run installs them");
        }
        eprintln!("skipped: mermaid-cli is not in tests/.cache/mermaid (see .ci/run)");
        return;
    }
    let repo = history();
    let out = repo.run(&[
        "stale",
        "--format",
        "markdown",
        "--as-of",
        "2024-06-15",
        "--months",
        "6",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let chart = out
        .stdout
        .split("```mermaid\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a mermaid block");
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("chart.mmd");
    let output = work.path().join("chart.svg");
    let config = work.path().join("puppeteer.json");
    std::fs::write(&input, chart).unwrap();
    let chromium = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("chromium"))
        .find(|p| p.is_file())
        .expect("chromium on PATH");
    let settings = json!({"executablePath": chromium, "args": ["--no-sandbox", "--disable-gpu"]});
    std::fs::write(&config, settings.to_string()).unwrap();
    let rendered = std::process::Command::new(&mmdc)
        .arg("-p")
        .arg(&config)
        .arg("-i")
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .output()
        .expect("run mmdc");
    assert!(
        rendered.status.success(),
        "mermaid rejected the chart:\n{chart}\n{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    let svg = std::fs::read_to_string(&output).unwrap();
    for label in ["2024-01", "2024-05", "2024-06-15", "Documents by status"] {
        assert!(svg.contains(label), "{label} not drawn:\n{svg}");
    }
    // One plotted line per status, in the report's colours.
    for colour in ["#cf222e", "#d4a72c", "#2da44e"] {
        assert!(svg.contains(colour), "no {colour} line:\n{svg}");
    }
}
