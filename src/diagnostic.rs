//! Findings as plain data. Rules produce them, the sink adjusts them, reporters render them;
//! nothing here knows about lines, columns or colours.

use std::ops::Range;

use serde::{Deserialize, Serialize};

/// How serious a finding is. Ordered so that `Error` is the greatest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary location that explains a finding ("first defined here").
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Label {
    pub span: Range<usize>,
    pub message: String,
}

/// One finding in one file. `span` is a byte range into the file's decoded text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub path: String,
    pub span: Range<usize>,
    pub message: String,
    pub help: Option<String>,
    pub labels: Vec<Label>,
    /// The repair, when the rule that found the problem knows one for certain (or, unsafe,
    /// a likely one).
    pub fix: Option<Fix>,
}

/// Whether `check --fix` applies a fix by itself, or only with `--unsafe-fixes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    /// A guess (a single "did you mean" candidate): applied only with `--unsafe-fixes`.
    Unsafe,
    /// Certain (git's history or its index says so): applied by `--fix`.
    Safe,
}

/// One replacement: the bytes `span` of the file become `replacement`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    pub span: Range<usize>,
    pub replacement: String,
}

/// The edits that repair one finding, applied together or not at all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub safety: Safety,
    pub edits: Vec<Edit>,
}

impl Fix {
    /// One replacement of `span` by `replacement`.
    pub fn replace(safety: Safety, span: Range<usize>, replacement: impl Into<String>) -> Self {
        Fix {
            safety,
            edits: vec![Edit {
                span,
                replacement: replacement.into(),
            }],
        }
    }
}

impl Diagnostic {
    pub fn new(
        rule: &'static str,
        path: &str,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            rule,
            // The sink replaces this with the configured severity.
            severity: Severity::Error,
            path: path.to_owned(),
            span,
            message: message.into(),
            help: None,
            labels: Vec::new(),
            fix: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn with_label(mut self, span: Range<usize>, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }
}
