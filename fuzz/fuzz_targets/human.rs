//! Text and findings -> `report::human::write`: any text, stretched by a run of one repeated
//! character (up to 300,000 of them, so lines far longer and columns far greater than a
//! fuzz input), and findings with any spans and labels, in or past the text. The renderer
//! must not panic, must head each finding with its true line and column, and must print an
//! amount bounded per finding, whatever the length of the text or of its lines.
#![no_main]

use std::collections::HashMap;
use std::sync::Arc;

use docsteward::check::Outcome;
use docsteward::diagnostic::{Diagnostic, Label, Severity};
use docsteward::source::SourceFile;
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

const PATH: &str = "fuzz.md";

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    // The text: two pieces of the input around a long run of one character.
    let before: String = u.arbitrary()?;
    let run_char: char = u.arbitrary()?;
    let run_len = usize::from(u.arbitrary::<u16>()?) * usize::from(u.int_in_range(0..=4u8)?);
    let after: String = u.arbitrary()?;
    let text = format!("{before}{}{after}", run_char.to_string().repeat(run_len));
    let len = text.len();
    // Offsets anywhere in the text, near its ends, or just past it.
    let offset = |u: &mut Unstructured<'_>| -> Result<usize> {
        let raw = usize::from(u.arbitrary::<u16>()?) << usize::from(u.int_in_range(0..=5u8)?);
        Ok(match u.int_in_range(0..=3u8)? {
            0 => raw % (len + 2),
            1 => len.saturating_sub(raw % 64),
            2 => (before.len() + run_len * run_char.len_utf8()).saturating_sub(raw % 64) + raw % 8,
            _ => raw,
        })
    };
    let mut diagnostics = Vec::new();
    let mut texts = 0;
    // Lines of label text: each is drawn out to its label's column.
    let mut label_lines = 0;
    for _ in 0..u.int_in_range(1..=4u8)? {
        let start = offset(u)?;
        let end = if u.arbitrary()? { start + usize::from(u.arbitrary::<u8>()?) } else { offset(u)? };
        let message: String = u.arbitrary()?;
        let help: Option<String> = u.arbitrary()?;
        texts += message.len() + help.as_ref().map_or(0, String::len);
        let mut labels = Vec::new();
        for _ in 0..u.int_in_range(0..=2u8)? {
            let start = offset(u)?;
            let end = start + usize::from(u.arbitrary::<u8>()?);
            let message: String = u.arbitrary()?;
            texts += message.len();
            label_lines += message.matches('\n').count();
            labels.push(Label { span: start..end, message });
        }
        diagnostics.push(Diagnostic {
            rule: "fuzz/rule",
            severity: Severity::Error,
            path: PATH.to_owned(),
            span: start.min(end)..start.max(end),
            message,
            help,
            labels,
        });
    }
    let file = Arc::new(SourceFile::new(PATH, text));
    let expected: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            let p = file.position(d.span.start);
            // (Without the brackets: in colour, the link style sits inside them.)
            format!("{PATH}:{}:{}", p.line, p.column)
        })
        .collect();
    let labels: usize = diagnostics.iter().map(|d| 1 + d.labels.len()).sum();
    let outcome = Outcome {
        diagnostics,
        sources: HashMap::from([(PATH.to_owned(), file)]),
        documents: 1,
        baseline: None,
    };
    let mut out = Vec::new();
    docsteward::report::human::write(&outcome, &mut out, u.arbitrary()?).expect("renders");
    let out = String::from_utf8(out).expect("UTF-8");
    for heading in expected {
        assert!(out.contains(&heading), "no {heading} in:\n{out}");
    }
    // Per label: at most 9 lines (six of a long span, context, markers), each a window of at
    // most about 200 characters (4 bytes each, tabs widened to 4 columns, markers 3 bytes
    // per column) with its gutter; escaped texts at most 10 bytes per byte, and each line
    // of a label's text indented to its column.
    let bound = 10 * texts + label_lines * 4_000 + labels * 9 * 2 * 4_000 + 4_000;
    assert!(out.len() <= bound, "{} bytes, bound {bound}", out.len());
    Ok(())
}
