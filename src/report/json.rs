//! `--format json`: a stable document, version 1. Fields may be added, never removed or
//! renamed.

use std::io::{self, Write};

use serde::Serialize;

use crate::check::Outcome;
use crate::diagnostic::Severity;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: Vec<Finding<'a>>,
    summary: Summary,
    /// Present when a baseline absorbed findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<BaselineSummary<'a>>,
}

#[derive(Serialize)]
struct BaselineSummary<'a> {
    file: &'a str,
    suppressed: usize,
    stale: &'a [crate::baseline::Entry],
}

#[derive(Serialize)]
struct Finding<'a> {
    rule: &'a str,
    severity: Severity,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct Summary {
    documents: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let diagnostics = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let (start, end) = super::range(outcome, d);
            Finding {
                rule: d.rule,
                severity: d.severity,
                path: &d.path,
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                message: &d.message,
                help: d.help.as_deref(),
            }
        })
        .collect();
    let doc = Document {
        version: 1,
        diagnostics,
        baseline: outcome.baseline.as_ref().map(|b| BaselineSummary {
            file: &b.file,
            suppressed: b.suppressed,
            stale: &b.stale,
        }),
        summary: Summary {
            documents: outcome.documents,
            errors: outcome.count(Severity::Error),
            warnings: outcome.count(Severity::Warning),
            infos: outcome.count(Severity::Info),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
