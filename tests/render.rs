//! The human format on hostile shapes: columns past what a formatter's width can hold, many
//! findings on one long line, and many findings deep into a large file. Its output must stay
//! proportional to the number of findings, never to the length of the lines they sit on.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::TestRepo;

/// How long a run may take before it is killed; a debug build takes a fraction of it.
const BOUND: Duration = Duration::from_secs(60);

/// What a human-format run printed: its size, and its head and tail for messages.
struct Printed {
    code: i32,
    bytes: usize,
    head: String,
    tail: String,
    stderr: String,
}

/// Runs `docsteward ARGS` in `dir`, counting standard output rather than keeping it (the
/// quadratic renderer printed hundreds of megabytes), and killing it after [`BOUND`].
fn run_counted(dir: &Path, args: &[&str]) -> Printed {
    const KEEP: usize = 64 * 1024;
    let start = Instant::now();
    let mut child = common::docsteward(dir, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run docsteward");
    let mut stdout = child.stdout.take().expect("stdout");
    let counter = std::thread::spawn(move || {
        let mut bytes = 0;
        let mut head = Vec::new();
        let mut tail = std::collections::VecDeque::new();
        let mut buf = vec![0; 1 << 16];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            bytes += n;
            let room = KEEP.saturating_sub(head.len()).min(n);
            head.extend_from_slice(&buf[..room]);
            tail.extend(&buf[..n]);
            while tail.len() > KEEP {
                tail.pop_front();
            }
        }
        let tail: Vec<u8> = tail.into_iter().collect();
        (
            bytes,
            String::from_utf8_lossy(&head).into_owned(),
            String::from_utf8_lossy(&tail).into_owned(),
        )
    });
    let mut stderr = child.stderr.take().expect("stderr");
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let code = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status.code().unwrap_or(-1);
        }
        if start.elapsed() > BOUND {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{args:?}: still running after {:?}, killed",
                start.elapsed()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (bytes, head, tail) = counter.join().expect("stdout thread");
    eprintln!("{args:?}: {bytes} bytes in {:?}", start.elapsed());
    Printed {
        code,
        bytes,
        head,
        tail,
        stderr: errors.join().expect("stderr thread"),
    }
}

/// Bug: miette pads the marker line to the span's column with a formatting width, and a
/// width past 65,535 panics ("Formatting argument out of range", exit 101).
#[test]
fn a_finding_past_column_65535_renders_in_the_human_format() {
    const PAD: usize = 70_000;
    let repo = TestRepo::new();
    repo.write(
        "long.md",
        format!("# Long\n\n{}[x](missing.md) tail\n", "a".repeat(PAD)),
    );
    let out = run_counted(repo.root(), &["check"]);
    assert_eq!(out.code, 1, "{}\n{}", out.head, out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    // The destination starts 4 characters after the padding.
    let column = PAD + 5;
    assert!(
        out.head.contains(&format!("[long.md:3:{column}]")),
        "{}",
        out.head
    );
    // A window of the line with the link in it, elided on the left.
    assert!(out.head.contains("…aaaa"), "{}", out.head);
    assert!(out.head.contains("[x](missing.md) tail"), "{}", out.head);
    assert!(out.bytes < 2_000, "{} bytes:\n{}", out.bytes, out.head);
}

/// Bug: a configuration error renders through the same snippet code, with the same panic.
#[test]
fn a_config_error_past_column_65535_renders() {
    const PAD: usize = 70_000;
    let repo = TestRepo::new();
    // TOML allows any amount of blank space before a key.
    repo.write(
        "docsteward.toml",
        format!(
            "[rules]\n{}\"links/missing-fil\" = \"off\"\n",
            " ".repeat(PAD)
        ),
    )
    .write("a.md", "# A\n");
    let out = run_counted(repo.root(), &["check"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("[docsteward.toml:2:{}]", PAD + 1)),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("unknown rule"), "{}", out.stderr);
    assert!(
        out.stderr.contains("did you mean `links/missing-file`?"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.len() < 2_000, "{}", out.stderr);
}

/// Bug: the human format printed the whole line again for each finding: 9,000 findings on
/// one 54 KB line made 730 MB of output.
#[test]
fn many_findings_on_one_long_line_print_output_linear_in_findings() {
    const N: usize = 9_000;
    let repo = TestRepo::new();
    repo.write("links.md", format!("# Links\n\n{}\n", "[a](g)".repeat(N)));
    // Every finding's snippet shows its own place in the line, with its true column. About
    // 300 bytes per finding (a window of the line, its marker, the message); the whole
    // line per finding would be 54 KB.
    check_findings(repo.root(), N, &format!("[links.md:3:{}]", 6 * (N - 1) + 5));
}

/// `check` in the human format finds `n` errors, the last snippet headed `last`, in at most
/// 1,000 bytes per finding.
fn check_findings(dir: &Path, n: usize, last: &str) {
    let out = run_counted(dir, &["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let summary = format!("Found {n} errors in 1 document.\n");
    assert!(out.tail.ends_with(&summary), "{}", out.tail);
    assert!(out.tail.contains(last), "no {last} in:\n{}", out.tail);
    assert!(
        out.bytes < n * 1_000,
        "{} bytes for {n} findings, {} per finding",
        out.bytes,
        out.bytes / n
    );
}

/// Bug: miette found each snippet's lines by scanning the file from its start, so 10,000
/// findings at the end of an 8.5 MB file did not finish in 100 s. The file here is smaller
/// (the benchmark runs the full size), with the same shape.
#[test]
fn many_findings_at_the_end_of_a_large_file_render_without_rescanning_it() {
    const N: usize = 10_000;
    const LINES: usize = 40_000;
    let repo = TestRepo::new();
    let mut text = String::from("# Large\n\n");
    for i in 0..LINES {
        text.push_str(&format!(
            "Line {i} of prose that says nothing much at all.\n"
        ));
    }
    for _ in 0..N {
        text.push_str("[a](g)\n");
    }
    repo.write("large.md", text);
    check_findings(repo.root(), N, &format!("[large.md:{}:5]", 2 + LINES + N));
}
