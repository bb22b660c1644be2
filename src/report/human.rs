//! `--format human`: miette's graphical diagnostics with the source snippet and the label on
//! the exact span, and a summary line. Also renders run-stopping errors for the binary.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan,
    MietteError, NamedSource, SourceCode, SourceSpan, SpanContents,
};

use super::printable;
use crate::check::Outcome;
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Error;

pub fn write(outcome: &Outcome, out: &mut dyn Write, color: bool) -> io::Result<()> {
    let handler = handler(color);
    // Each file's text, made terminal-safe once however many findings point into it.
    let mut texts: HashMap<&str, Arc<str>> = HashMap::new();
    for d in &outcome.diagnostics {
        let source = texts
            .entry(d.path.as_str())
            .or_insert_with(|| {
                let text = outcome.sources.get(&d.path).map_or("", |s| s.text.as_str());
                Arc::from(super::neutralized(text).as_ref())
            })
            .clone();
        let report = Report::from_diagnostic(d, source);
        let mut text = String::new();
        handler
            .render_report(&mut text, &report)
            .map_err(|_| io::Error::other("rendering failed"))?;
        write!(out, "{text}")?;
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
            let source: Arc<str> = Arc::from(super::neutralized(&c.text).as_ref());
            Report {
                message: c.message.clone(),
                code: None,
                severity: miette::Severity::Error,
                help: c.help.clone(),
                labels: c
                    .span
                    .clone()
                    .map(|s| vec![LabeledSpan::new_with_span(None, s)])
                    .unwrap_or_default(),
                source: Some(NamedSource::new(super::printable(&c.path), Src(source))),
            }
        }
        other => Report {
            message: printable(&other.to_string()).into_owned(),
            code: None,
            severity: miette::Severity::Error,
            help: other.help(),
            labels: Vec::new(),
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

/// A file's text for miette, shared rather than copied per finding.
struct Src(Arc<str>);

impl SourceCode for Src {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        self.0.as_ref().read_span(span, before, after)
    }
}

struct Report {
    message: String,
    code: Option<&'static str>,
    severity: miette::Severity,
    help: Option<String>,
    labels: Vec<LabeledSpan>,
    source: Option<NamedSource<Src>>,
}

impl Report {
    fn from_diagnostic(d: &Diagnostic, source: Arc<str>) -> Report {
        let mut labels = vec![LabeledSpan::new_primary_with_span(None, d.span.clone())];
        labels.extend(d.labels.iter().map(|l| {
            LabeledSpan::new_with_span(Some(printable(&l.message).into_owned()), l.span.clone())
        }));
        Report {
            message: printable(&d.message).into_owned(),
            code: Some(d.rule),
            severity: match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            },
            help: d.help.as_deref().map(|h| printable(h).into_owned()),
            labels,
            source: Some(NamedSource::new(printable(&d.path), Src(source))),
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
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}
