//! One reporter per output format, all fed the same [`Outcome`]. Byte spans become lines and
//! columns here and nowhere earlier.

mod concise;
mod excerpt;
mod github;
pub mod human;
mod json;
mod sarif;
pub mod summary;

use std::io::{self, Write};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::check::Outcome;
use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::source::Position;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source snippets with the offending span marked.
    Human,
    /// One line per finding: path:line:column: severity[rule] message.
    Concise,
    /// A stable JSON document (version 1).
    Json,
    /// GitHub Actions workflow commands: one annotation per finding.
    Github,
    /// SARIF 2.1.0, for code scanning (github/codeql-action/upload-sarif).
    Sarif,
}

/// Writes `outcome` in `format`. `job_summary` says whether a job summary lists every
/// finding, for the GitHub format to point to.
pub fn write(
    format: Format,
    outcome: &Outcome,
    out: &mut dyn Write,
    color: bool,
    job_summary: bool,
) -> io::Result<()> {
    // Every format turns byte spans into lines and columns: the files' line indexes are
    // built in parallel first, not one after another as the findings are written.
    {
        use rayon::prelude::*;
        let sources: Vec<&crate::source::SourceFile> =
            outcome.sources.values().map(|s| &**s).collect();
        sources.par_iter().for_each(|s| s.index_lines());
    }
    match format {
        Format::Human => human::write(outcome, out, color),
        Format::Concise => concise::write(outcome, out),
        Format::Json => json::write(outcome, out),
        Format::Github => github::write(outcome, out, job_summary),
        Format::Sarif => sarif::write(outcome, out),
    }
}

/// Reports an error that stopped the run where `format` has a place for it: an annotation
/// in the GitHub format, whose readers may never see standard error. The binary renders it
/// on standard error in every format.
pub fn write_error(format: Format, error: &Error, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Github => github::write_error(error, out),
        Format::Human | Format::Concise | Format::Json | Format::Sarif => Ok(()),
    }
}

/// Start and end (exclusive) positions of a finding.
pub fn range(outcome: &Outcome, d: &Diagnostic) -> (Position, Position) {
    span_range(outcome, &d.path, &d.span)
}

/// Where a byte span of `path` starts and ends, as lines and columns.
pub fn span_range(
    outcome: &Outcome,
    path: &str,
    span: &std::ops::Range<usize>,
) -> (Position, Position) {
    match outcome.sources.get(path) {
        Some(source) => (source.position(span.start), source.position(span.end)),
        None => (
            Position { line: 1, column: 1 },
            Position { line: 1, column: 1 },
        ),
    }
}

/// A finding's help, ending with how `check --fix` repairs it when it can: the one wording
/// every format shows.
pub fn help(d: &Diagnostic) -> Option<std::borrow::Cow<'_, str>> {
    use std::borrow::Cow;
    let how = match d.fix.as_ref().map(|f| f.safety) {
        None => return d.help.as_deref().map(Cow::Borrowed),
        Some(crate::diagnostic::Safety::Safe) => "fixable with `docsteward check --fix`",
        Some(crate::diagnostic::Safety::Unsafe) => {
            "fixable with `docsteward check --fix --unsafe-fixes`"
        }
    };
    Some(Cow::Owned(match &d.help {
        Some(help) => format!("{help} ({how})"),
        None => how.to_owned(),
    }))
}

/// A repository-relative path as a URI path: every byte but unreserved characters and `/`
/// percent-encoded, so that a hostile file name can neither break out of a Markdown link nor
/// make an invalid SARIF URI.
pub(crate) fn uri_path(path: &str) -> String {
    const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    utf8_percent_encode(path, SEGMENT).to_string()
}

/// "2 errors, 1 warning" style counts.
pub fn counts(outcome: &Outcome) -> String {
    use crate::diagnostic::Severity::*;
    let parts: Vec<String> = [(Error, "error"), (Warning, "warning"), (Info, "info")]
        .iter()
        .filter_map(|(s, name)| {
            let n = outcome.count(*s);
            (n > 0).then(|| {
                format!(
                    "{n} {name}{}",
                    if n == 1 || *name == "info" { "" } else { "s" }
                )
            })
        })
        .collect();
    parts.join(", ")
}

/// The closing line of human and concise output.
pub fn summary_line(outcome: &Outcome) -> String {
    let docs = format!(
        "{} document{}",
        outcome.documents,
        if outcome.documents == 1 { "" } else { "s" }
    );
    if outcome.diagnostics.is_empty() {
        format!("No problems found in {docs}.")
    } else {
        format!("Found {} in {docs}.", counts(outcome))
    }
}

/// What the baseline did, as sentences for the text formats (none without a baseline).
pub fn baseline_lines(outcome: &Outcome) -> Vec<String> {
    let Some(b) = &outcome.baseline else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    if b.suppressed > 0 {
        let s = if b.suppressed == 1 { "" } else { "s" };
        lines.push(format!(
            "The baseline {} absorbed {} known finding{s}.",
            b.file, b.suppressed
        ));
    }
    for e in &b.stale {
        lines.push(format!(
            "baseline entry no longer matches anything: {} [{}] {}",
            e.path, e.rule, e.message
        ));
    }
    if !b.stale.is_empty() {
        lines.push(
            "Debt paid off: remove those entries with `docsteward check --prune-baseline`."
                .to_owned(),
        );
    }
    lines
}

/// A message and its help as one text, for the formats that have no place of their own for
/// help.
pub(crate) fn with_help(message: &str, help: Option<&str>) -> String {
    match help {
        Some(help) => format!("{message}\n\nhelp: {help}"),
        None => message.to_owned(),
    }
}

/// The notices, one line each, for the text formats.
pub fn notice_lines(outcome: &Outcome) -> Vec<String> {
    outcome
        .notices
        .iter()
        .map(|n| match &n.help {
            Some(help) => format!("note[{}]: {}; help: {help}", n.rule, n.message),
            None => format!("note[{}]: {}", n.rule, n.message),
        })
        .collect()
}

/// `text` with control characters shown as escapes (`\u{1b}`), so that no file name,
/// message or value can move a terminal's cursor or start an escape sequence.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// `text` with control characters other than line breaks and tabs replaced by `?` of the
/// same byte length, so byte spans into it stay valid.
pub fn neutralized(text: &str) -> std::borrow::Cow<'_, str> {
    let keep = |c: char| !c.is_control() || matches!(c, '\n' | '\r' | '\t');
    if text.chars().all(keep) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if keep(c) {
                    c.to_string()
                } else {
                    "?".repeat(c.len_utf8())
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_defused() {
        assert_eq!(super::printable("a\u{1b}[31mb\nc"), "a\\u{1b}[31mb\\u{a}c");
        let text = "x\u{1b}]0;title\u{7}\u{85}y\n";
        let neutral = super::neutralized(text);
        assert_eq!(neutral.len(), text.len());
        assert_eq!(neutral, "x?]0;title???y\n");
    }
}
