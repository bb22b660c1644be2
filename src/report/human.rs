//! `--format human`: miette's graphical diagnostics with the source snippet and the label on
//! the exact span, and a summary line. Also renders run-stopping errors for the binary.

use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode,
};

use super::excerpt::{Excerpt, Mark};
use super::printable;
use crate::check::Outcome;
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Error;
use crate::source::SourceFile;

pub fn write(outcome: &Outcome, out: &mut dyn Write, color: bool) -> io::Result<()> {
    let handler = handler(color);
    let empty = SourceFile::new("", String::new());
    let mut text = String::new();
    for d in &outcome.diagnostics {
        let file = outcome.sources.get(&d.path).map_or(&empty, |s| s.as_ref());
        let report = Report::from_diagnostic(d, file);
        text.clear();
        handler
            .render_report(&mut text, &report)
            .map_err(|_| io::Error::other("rendering failed"))?;
        out.write_all(text.as_bytes())?;
    }
    for line in super::baseline_lines(outcome)
        .into_iter()
        .chain(super::notice_lines(outcome))
    {
        writeln!(out, "{}", super::printable(&line))?;
    }
    writeln!(out, "{}", super::summary_line(outcome))
}

/// Renders an error that stops the run, with the configuration snippet when it has one.
pub fn render_error(error: &Error, color: bool) -> String {
    let report = match error {
        Error::Config(c) => {
            let file = SourceFile::new(c.path.clone(), c.text.clone());
            let marks = c
                .span
                .clone()
                .map(|span| Mark {
                    span,
                    text: None,
                    primary: false,
                })
                .into_iter()
                .collect();
            Report {
                message: c.message.clone(),
                code: None,
                severity: miette::Severity::Error,
                help: c.help.clone(),
                source: Some(Excerpt::new(printable(&c.path).into_owned(), &file, marks)),
            }
        }
        other => Report {
            message: printable(&other.to_string()).into_owned(),
            code: None,
            severity: miette::Severity::Error,
            help: other.help(),
            source: None,
        },
    };
    let mut text = String::new();
    if handler(color).render_report(&mut text, &report).is_err() {
        return format!("error: {error}\n");
    }
    text
}

fn handler(color: bool) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_context_lines(1)
        .with_links(false)
}

struct Report {
    message: String,
    code: Option<&'static str>,
    severity: miette::Severity,
    help: Option<String>,
    /// The snippet, with the labels moved into it.
    source: Option<Excerpt>,
}

impl Report {
    fn from_diagnostic(d: &Diagnostic, file: &SourceFile) -> Report {
        let mut marks = vec![Mark {
            span: d.span.clone(),
            text: None,
            primary: true,
        }];
        marks.extend(d.labels.iter().map(|l| Mark {
            span: l.span.clone(),
            text: Some(printable(&l.message).into_owned()),
            primary: false,
        }));
        Report {
            message: printable(&d.message).into_owned(),
            code: Some(d.rule),
            severity: match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            },
            help: super::help(d).map(|h| printable(&h).into_owned()),
            source: Some(Excerpt::new(printable(&d.path).into_owned(), file, marks)),
        }
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl MietteDiagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code.map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let labels = self.source.as_ref().map_or(&[][..], Excerpt::labels);
        if labels.is_empty() {
            None
        } else {
            Some(Box::new(labels.iter().cloned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Label;
    use miette::NamedSource;

    /// A finding rendered the way miette renders it from the whole text, for comparison.
    struct Whole {
        source: NamedSource<String>,
        labels: Vec<LabeledSpan>,
    }

    impl fmt::Debug for Whole {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("finding")
        }
    }

    impl fmt::Display for Whole {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("finding")
        }
    }

    impl std::error::Error for Whole {}

    impl MietteDiagnostic for Whole {
        fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
            Some(Box::new("rule/id"))
        }

        fn source_code(&self) -> Option<&dyn SourceCode> {
            Some(&self.source)
        }

        fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn render(d: &Diagnostic, text: &str) -> String {
        let file = SourceFile::new("a.md", text.to_owned());
        let mut out = String::new();
        handler(false)
            .render_report(&mut out, &Report::from_diagnostic(d, &file))
            .unwrap();
        out
    }

    fn render_whole(d: &Diagnostic, text: &str) -> String {
        let mut labels = vec![LabeledSpan::new_primary_with_span(None, d.span.clone())];
        labels.extend(
            d.labels
                .iter()
                .map(|l| LabeledSpan::new_with_span(Some(l.message.clone()), l.span.clone())),
        );
        let whole = Whole {
            source: NamedSource::new("a.md", text.to_owned()),
            labels,
        };
        let mut out = String::new();
        handler(false).render_report(&mut out, &whole).unwrap();
        out
    }

    fn finding(span: std::ops::Range<usize>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: "finding".to_owned(),
            ..Diagnostic::new("rule/id", "a.md", span, "")
        }
    }

    /// On short lines the window is the whole line and the lines are the ones miette would
    /// pick itself: the output is miette's own for the whole text, byte for byte.
    #[test]
    fn short_lines_render_as_miette_renders_the_whole_text() {
        let mut next = crate::testing::random(0x9e37_79b9_7f4a_7c15);
        for case in 0..5_000 {
            let mut text = String::new();
            let line_break = if next(4) == 0 { "\r\n" } else { "\n" };
            for _ in 0..1 + next(12) {
                let words = next(8);
                for w in 0..words {
                    if w > 0 {
                        text.push([' ', ' ', '\t'][next(3)]);
                    }
                    text.push_str(&"abcdefghij"[..1 + next(9)]);
                }
                text.push_str(line_break);
            }
            if next(3) == 0 {
                text.truncate(text.len() - line_break.len());
            }
            let pick = |at: usize| at.min(text.len());
            let start = pick(next(text.len() + 1));
            // Spans of up to about five lines (longer ones are cut short on purpose).
            let end = pick(start + next(60));
            let mut d = finding(start..end);
            if next(3) == 0 {
                // A second label within two lines of the first.
                let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
                let at = pick(line_start.saturating_sub(next(30)) + next(40));
                d.labels.push(Label {
                    span: at..pick(at + next(6)),
                    message: "here".to_owned(),
                });
            }
            let lines_apart = |a: usize, b: usize| {
                let (a, b) = (a.min(b), a.max(b));
                text[a..b].matches('\n').count()
            };
            // miette draws no marker for a span at the very end of the text (nor the empty
            // line after a final line break); the excerpt ends every line with a line break
            // and draws it there.
            let on_final_empty_line = |at: usize| at == text.len();
            // Nor is a span that ends between `\r` and `\n` one the two need agree on.
            let splits_crlf = |s: &std::ops::Range<usize>| {
                [s.start, s.end]
                    .iter()
                    .any(|&b| b > 0 && text.as_bytes()[b - 1] == b'\r')
            };

            if text[start..end].matches('\n').count() >= super::super::excerpt::SPAN_LINES
                || d.labels
                    .iter()
                    .any(|l| lines_apart(l.span.start, start) > 2)
                || on_final_empty_line(start)
                || d.labels.iter().any(|l| on_final_empty_line(l.span.start))
                || splits_crlf(&d.span)
                || d.labels.iter().any(|l| splits_crlf(&l.span))
            {
                continue;
            }
            assert_eq!(
                render(&d, &text),
                render_whole(&d, &text),
                "case {case}: {d:?} in {text:?}"
            );
        }
    }

    fn with_label(mut d: Diagnostic, span: std::ops::Range<usize>, message: &str) -> Diagnostic {
        d.labels.push(Label {
            span,
            message: message.to_owned(),
        });
        d
    }

    #[test]
    fn a_long_line_shows_a_window_with_the_true_column() {
        let text = format!(
            "# T\n\n{}[x](gone.md) and after {}\nnext\n",
            "é".repeat(100_000),
            "z".repeat(500)
        );
        let at = text.find("gone.md").unwrap();
        let out = render(&finding(at..at + 7), &text);
        assert!(out.contains("[a.md:3:100005]"), "{out}");
        assert!(out.contains(" 3 │ …éé"), "{out}");
        assert!(out.contains("[x](gone.md) and after zzz"), "{out}");
        assert!(out.contains("z…\n"), "{out}");
        assert!(out.contains(" 4 │ next\n"), "{out}");
        assert!(out.len() < 1_500, "{} bytes", out.len());
    }

    #[test]
    fn a_long_span_on_a_long_line_is_marked_to_the_window_edge() {
        let text = format!("{}\n", "a".repeat(50_000));
        let out = render(&finding(1_000..40_000), &text);
        assert!(out.contains("[a.md:1:1001]"), "{out}");
        assert!(out.len() < 1_500, "{} bytes", out.len());
        // The marker runs under the `…` that ends the window.
        let lines: Vec<&str> = out.lines().collect();
        let shown = lines.iter().position(|l| l.starts_with(" 1 │ ")).unwrap();
        let (text_line, marker) = (lines[shown], lines[shown + 1]);
        assert_eq!(text_line.chars().count(), marker.chars().count(), "{out}");
    }

    #[test]
    fn labels_far_apart_on_one_long_line_are_both_drawn() {
        let text = format!(
            "{}X{}Y{}\n",
            "a".repeat(100),
            "b".repeat(80_000),
            "c".repeat(100)
        );
        let x = text.find('X').unwrap();
        let y = text.find('Y').unwrap();
        let d = with_label(finding(y..y + 1), x..x + 1, "first here");
        let out = render(&d, &text);
        assert!(out.contains("[a.md:1:80102]"), "{out}");
        assert!(out.contains("first here"), "{out}");
        assert!(out.len() < 1_500, "{} bytes", out.len());
    }

    #[test]
    fn a_span_over_many_lines_shows_its_first_lines_and_where_it_ends() {
        let text: String = (1..=2_000).map(|i| format!("line {i}\n")).collect();
        let start = text.find("line 10\n").unwrap();
        let end = text.find("line 1500\n").unwrap() + 4;
        let out = render(&finding(start..end), &text);
        assert!(out.contains("[a.md:10:1]"), "{out}");
        assert!(out.contains("continues to line 1500"), "{out}");
        assert!(out.contains(" 15 │ ") && !out.contains(" 17 │ "), "{out}");
        assert!(out.len() < 1_000, "{} bytes", out.len());
    }

    #[test]
    fn a_span_between_two_long_lines_shows_both_windows() {
        let text = format!(
            "{}START{}\n{}END{}\n",
            "a".repeat(70_000),
            "b".repeat(70_000),
            "c".repeat(90_000),
            "d".repeat(10)
        );
        let start = text.find("START").unwrap();
        let end = text.find("END").unwrap() + 3;
        let d = with_label(finding(start..end), end - 3..end, "ends here");
        let out = render(&d, &text);
        assert!(out.contains("[a.md:1:70001]"), "{out}");
        assert!(out.contains("START"), "{out}");
        assert!(out.contains("END"), "{out}");
        assert!(out.len() < 2_000, "{} bytes", out.len());
    }

    #[test]
    fn control_characters_in_a_window_are_defused() {
        let text = format!(
            "{}\u{1b}[31mred\u{7}{}\n",
            "a".repeat(1_000),
            "b".repeat(1_000)
        );
        let at = text.find("red").unwrap();
        let out = render(&finding(at..at + 3), &text);
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
        assert!(out.contains("?[31mred?"), "{out}");
    }
}
