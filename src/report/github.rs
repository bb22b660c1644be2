//! `--format github`: one GitHub Actions workflow command per finding
//! (`::error file=P,line=L,col=C,endLine=L2,endColumn=C2,title=RULE::MESSAGE`), which the
//! runner turns into annotations on the pull request's diff.
//!
//! The runner reads workflow commands from any line of the step's output, so everything that
//! comes from a repository (messages quote front matter values and file names) is escaped:
//! each finding is exactly one line, and that line begins with the command written here.

use std::io::{self, Write};

use crate::check::Outcome;
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Error;
use crate::source::SourceFile;

/// GitHub shows at most this many error annotations, and as many warnings, per step.
const SHOWN: usize = 10;

/// `job_summary`: whether a job summary lists every finding (the notice about annotations
/// GitHub leaves out points there, else to a format that lists them).
pub fn write(outcome: &Outcome, out: &mut dyn Write, job_summary: bool) -> io::Result<()> {
    for d in &outcome.diagnostics {
        writeln!(out, "{}", annotation(outcome, d))?;
    }
    for n in &outcome.notices {
        writeln!(
            out,
            "::notice title={}::{}",
            escape_property(n.rule),
            escape_data(&super::with_help(&n.message, n.help.as_deref()))
        )?;
    }
    for line in super::baseline_lines(outcome) {
        writeln!(
            out,
            "::notice title={}::{}",
            escape_property("docsteward baseline"),
            escape_data(&line)
        )?;
    }
    let errors = outcome.count(Severity::Error);
    let warnings = outcome.count(Severity::Warning);
    if errors > SHOWN || warnings > SHOWN {
        let every = if job_summary {
            "the job summary lists every finding"
        } else {
            "`docsteward check --format concise` lists every finding"
        };
        let message = format!(
            "docsteward found {}. GitHub shows only the first {SHOWN} errors and {SHOWN} warnings of a step as annotations; \
             {every}.",
            super::counts(outcome)
        );
        writeln!(
            out,
            "::notice title={}::{}",
            escape_property("docsteward"),
            escape_data(&message)
        )?;
    }
    Ok(())
}

fn annotation(outcome: &Outcome, d: &Diagnostic) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let (start, end) = super::range(outcome, d);
    // A span that stops right after a line break ends, for a reader, on the line before.
    let end_line = if end.line > start.line && end.column == 1 {
        end.line - 1
    } else {
        end.line
    };
    let mut properties = vec![
        ("file", escape_property(&d.path)),
        ("line", start.line.to_string()),
    ];
    if end_line == start.line {
        properties.push(("col", start.column.to_string()));
    }
    properties.push(("endLine", end_line.to_string()));
    if end.line == start.line {
        // Our end column is exclusive, GitHub's endColumn inclusive: the last character
        // covered is the one before ours (an empty span marks the character it starts at).
        // A span that runs up to its line break gets no endColumn: the line's length is
        // not at hand here, and GitHub then marks from col onwards.
        properties.push((
            "endColumn",
            end.column.saturating_sub(1).max(start.column).to_string(),
        ));
    }
    properties.push(("title", escape_property(d.rule)));
    let properties: Vec<String> = properties
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let properties = properties.join(",");
    let message = super::with_help(&d.message, super::help(d).as_deref());
    format!("::{command} {properties}::{}", escape_data(&message))
}

/// An error that stopped the run, as an error annotation: on the configuration file's line
/// when the mistake is there.
pub fn write_error(error: &Error, out: &mut dyn Write) -> io::Result<()> {
    let mut properties = String::new();
    if let Error::Config(c) = error {
        if !c.path.is_empty() {
            properties.push_str(&format!("file={},", escape_property(&c.path)));
            if let Some(span) = &c.span {
                let at = SourceFile::new(&c.path, c.text.clone()).position(span.start);
                properties.push_str(&format!("line={},col={},", at.line, at.column));
            }
        }
    }
    let message = match error {
        Error::Config(c) => c.message.clone(),
        other => other.to_string(),
    };
    writeln!(
        out,
        "::error {properties}title={}::{}",
        escape_property("docsteward"),
        escape_data(&super::with_help(&message, error.help().as_deref()))
    )
}

/// The message part of a workflow command: `%` first, so that a literal `%0A` in a document
/// stays literal instead of becoming a line break.
fn escape_data(s: &str) -> String {
    let escaped = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    // Other control characters (ESC, BEL) would reach the log raw; show them escaped.
    super::printable(&escaped).into_owned()
}

/// A `key=value` property: also `:` (which would end the properties) and `,` (which would
/// start another one).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::source::SourceFile;

    fn render(text: &str, span: std::ops::Range<usize>) -> String {
        let mut d = Diagnostic::new("links/missing-file", "a.md", span, "m");
        d.severity = Severity::Warning;
        let source = Arc::new(SourceFile::new("a.md", text.to_owned()));
        let outcome = Outcome {
            diagnostics: vec![d],
            sources: [("a.md".to_owned(), source)].into(),
            documents: 1,
            ..Outcome::default()
        };
        let mut out = Vec::new();
        write(&outcome, &mut out, false).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn spans_over_several_lines_have_no_columns() {
        assert_eq!(
            render("ab\ncd\nef\n", 1..7),
            "::warning file=a.md,line=1,endLine=3,title=links/missing-file::m\n"
        );
    }

    #[test]
    fn a_span_ending_with_its_line_break_stays_on_its_line() {
        assert_eq!(
            render("ab\ncd\n", 1..3),
            "::warning file=a.md,line=1,col=2,endLine=1,title=links/missing-file::m\n"
        );
    }

    #[test]
    fn end_columns_are_inclusive_and_never_before_the_start() {
        assert_eq!(
            render("abcd\n", 1..3),
            "::warning file=a.md,line=1,col=2,endLine=1,endColumn=3,title=links/missing-file::m\n"
        );
        assert_eq!(
            render("abcd\n", 2..2),
            "::warning file=a.md,line=1,col=3,endLine=1,endColumn=3,title=links/missing-file::m\n"
        );
    }

    #[test]
    fn data_escapes_percent_before_line_breaks() {
        assert_eq!(
            escape_data("50%\r\n::add-mask::x%0A"),
            "50%25%0D%0A::add-mask::x%250A"
        );
    }

    #[test]
    fn properties_escape_separators() {
        assert_eq!(escape_property("a,b:c\nd%"), "a%2Cb%3Ac%0Ad%25");
    }
}
