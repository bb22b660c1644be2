//! `--format json`: a stable document, version 1. Fields may be added, never removed or
//! renamed.

use std::io::{self, Write};

use serde::Serialize;

use crate::check::{Notice, Outcome};
use crate::diagnostic::{Safety, Severity};

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: Findings<'a>,
    summary: Summary,
    /// Present when a baseline absorbed findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<BaselineSummary<'a>>,
    /// Present when something was left out: a rule skipped, and why.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    notices: &'a [Notice],
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
    /// Present when `check --fix` can repair the finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<FixOut<'a>>,
}

#[derive(Serialize)]
struct FixOut<'a> {
    safety: Safety,
    edits: Vec<EditOut<'a>>,
}

/// An edit's span as byte offsets into the file (`start` inclusive, `end` exclusive) and as
/// the lines and columns the finding itself uses.
#[derive(Serialize)]
struct EditOut<'a> {
    start: usize,
    end: usize,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    replacement: &'a str,
}

/// The findings, serialized one at a time as they are written: a run with a million
/// findings does not hold a second copy of them.
struct Findings<'a>(&'a Outcome);

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let outcome = self.0;
        serializer.collect_seq(outcome.diagnostics.iter().map(|d| {
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
                fix: d.fix.as_ref().map(|f| FixOut {
                    safety: f.safety,
                    edits: f
                        .edits
                        .iter()
                        .map(|e| {
                            let (start, end) = super::span_range(outcome, &d.path, &e.span);
                            EditOut {
                                start: e.span.start,
                                end: e.span.end,
                                line: start.line,
                                column: start.column,
                                end_line: end.line,
                                end_column: end.column,
                                replacement: &e.replacement,
                            }
                        })
                        .collect(),
                }),
            }
        }))
    }
}

#[derive(Serialize)]
struct Summary {
    documents: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let doc = Document {
        version: 1,
        diagnostics: Findings(outcome),
        baseline: outcome.baseline.as_ref().map(|b| BaselineSummary {
            file: &b.file,
            suppressed: b.suppressed,
            stale: &b.stale,
        }),
        notices: &outcome.notices,
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
