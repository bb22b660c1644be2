//! "Did you mean" at scale: many unknown anchors, paths and terms against many candidates.
//! Each case runs a check in this process and bounds the edit distances it computed (the
//! library counts them), not its time: the work must not grow with findings times
//! candidates, and none is spent on findings the sink drops.

mod common;

use std::sync::Mutex;

use common::TestRepo;
use docsteward::check::BaselineChoice;
use docsteward::suggest::{distances_computed, PER_FILE};
use docsteward::{CheckOptions, Outcome};

/// The distance counter is one for the process: cases run one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const N: usize = 1_000;
const LEN: usize = 100;

/// A check of the repository, and how many edit distances it computed.
fn check(repo: &TestRepo) -> (Outcome, u64) {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let before = distances_computed();
    let outcome = docsteward::check(&CheckOptions {
        cwd: repo.root().to_owned(),
        baseline: BaselineChoice::Off,
        ..CheckOptions::default()
    })
    .expect("check runs");
    let computed = distances_computed() - before;
    eprintln!("{computed} edit distances");
    (outcome, computed)
}

/// `count` different lower-case words of `LEN` letters, the same on every run.
fn words(seed: u64, count: usize) -> Vec<String> {
    let mut state = seed;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .map(|_| {
            (0..LEN)
                .map(|_| char::from(b'a' + (next() % 26) as u8))
                .collect()
        })
        .collect()
}

/// `word` with two letters changed: a typo two edits away.
fn typo(word: &str, i: usize) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    for at in [i % LEN, (i * 7 + 31) % LEN] {
        chars[at] = if chars[at] == 'z' { 'y' } else { 'z' };
    }
    chars.into_iter().collect()
}

fn config(extra: &str) -> String {
    format!("[rules]\n\"stale/age\" = \"off\"\n{extra}")
}

/// A repository with `target.md`, a heading for each of `headings`, and `links.md`, a link to
/// `target.md#FRAGMENT` for each of `fragments`.
fn anchors_repo_with(extra_config: &str, headings: &[String], fragments: &[String]) -> TestRepo {
    let repo = TestRepo::new();
    let target: String = headings.iter().map(|h| format!("\n## {h}\n")).collect();
    let links: String = fragments
        .iter()
        .map(|f| format!("[x](target.md#{f})\n\n"))
        .collect();
    repo.write("docsteward.toml", config(extra_config))
        .write("target.md", format!("# Target\n{target}"))
        .write("links.md", links)
        .commit("anchors");
    repo
}

/// 1,000 headings of 100 letters, and a document linking to each with a typo in its anchor.
fn anchors_repo(extra_config: &str) -> (TestRepo, Vec<String>) {
    let headings = words(0x5eed_0001, N);
    let typos: Vec<String> = headings
        .iter()
        .enumerate()
        .map(|(i, h)| typo(h, i))
        .collect();
    (anchors_repo_with(extra_config, &headings, &typos), headings)
}

fn helps<'o>(outcome: &'o Outcome, rule: &str) -> Vec<Option<&'o str>> {
    outcome
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .map(|d| d.help.as_deref())
        .collect()
}

/// Bug: each unknown anchor computed an edit distance to every heading of its target: 1,000
/// bad 100-character anchors against 1,000 headings took 53 s.
#[test]
fn bad_anchors_against_many_headings_find_their_heading_without_trying_each() {
    let (repo, headings) = anchors_repo("");
    let (outcome, computed) = check(&repo);
    assert_suggested(&outcome, "links/missing-anchor", computed, |i| {
        format!("did you mean `#{}`?", headings[i])
    });
}

/// The first [`PER_FILE`] of the `N` findings of `rule` suggest what `expected` says, the
/// rest nothing; and about one distance was computed for each, not one per candidate.
fn assert_suggested(
    outcome: &Outcome,
    rule: &str,
    computed: u64,
    expected: impl Fn(usize) -> String,
) {
    let helps = helps(outcome, rule);
    assert_eq!(helps.len(), N);
    for (i, help) in helps.iter().enumerate() {
        if i < PER_FILE {
            assert_eq!(*help, Some(expected(i).as_str()), "finding {i}");
        } else {
            assert_eq!(*help, None, "finding {i}: past the file's suggestions");
        }
    }
    assert!(
        computed <= 2 * PER_FILE as u64,
        "{computed} edit distances for {PER_FILE} suggestions"
    );
}

/// Bug: the same for links to missing files next to many sibling files: over 60 s for 1,000
/// missing links next to 1,000 files.
#[test]
fn missing_links_next_to_many_siblings_find_their_file_without_trying_each() {
    let names = words(0x5eed_0002, N);
    let repo = TestRepo::new();
    repo.write("docsteward.toml", config(""));
    for name in &names {
        repo.write(&format!("docs/{name}.md"), "# Page\n");
    }
    let links: String = names
        .iter()
        .enumerate()
        .map(|(i, n)| format!("[x]({}.md)\n\n", typo(n, i)))
        .collect();
    repo.write("docs/links.md", links).commit("siblings");
    let (outcome, computed) = check(&repo);
    assert_suggested(&outcome, "links/missing-file", computed, |i| {
        format!("did you mean `{0}.md`? (`docs/{0}.md` exists)", names[i])
    });
}

/// Bug: suggestions were computed for findings past `max-findings-per-file`, which the sink
/// only counts, and for rules turned off or suppressed.
#[test]
fn no_suggestion_is_computed_for_a_finding_the_sink_drops() {
    let (repo, headings) = anchors_repo("\n[limits]\nmax-findings-per-file = 10\n");
    let (outcome, computed) = check(&repo);
    let kept = helps(&outcome, "links/missing-anchor");
    assert_eq!(kept.len(), 10);
    assert_eq!(
        kept[0],
        Some(format!("did you mean `#{}`?", headings[0]).as_str())
    );
    assert!(computed <= 20, "{computed} edit distances for 10 findings");

    let (repo, _) = anchors_repo("\"links/missing-anchor\" = \"off\"\n");
    let (outcome, computed) = check(&repo);
    assert!(helps(&outcome, "links/missing-anchor").is_empty());
    assert_eq!(computed, 0);

    let (repo, _) = anchors_repo("");
    let links = std::fs::read_to_string(repo.path("links.md")).unwrap();
    repo.write(
        "links.md",
        format!("<!-- docsteward-disable links/missing-anchor -->\n{links}"),
    )
    .commit("suppressed");
    let (outcome, computed) = check(&repo);
    assert!(helps(&outcome, "links/missing-anchor").is_empty());
    assert_eq!(computed, 0);
}

/// Anchors that are close to no heading cannot be pruned by much; the number of
/// suggestions a file may ask for bounds what they cost.
#[test]
fn anchors_close_to_nothing_cost_at_most_the_files_suggestions() {
    let repo = anchors_repo_with("", &words(0x5eed_0003, N), &words(0x5eed_0004, N));
    let (outcome, computed) = check(&repo);
    let helps = helps(&outcome, "links/missing-anchor");
    assert_eq!(helps.len(), N);
    assert!(helps.iter().all(Option::is_none));
    assert!(
        computed <= (PER_FILE * (N + 1)) as u64,
        "{computed} edit distances"
    );
}
