//! `--format sarif`: a SARIF 2.1.0 log for code scanning (`github/codeql-action/upload-sarif`)
//! and other SARIF viewers. Every rule of [`RULES`] is described, so that a viewer can show a
//! rule's documentation even for a run that found nothing.
//!
//! Results carry `partialFingerprints` that do not depend on line numbers, so code scanning
//! recognises a finding as the same one after unrelated lines move.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::check::Outcome;
use crate::config::Level;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::frontmatter;
use crate::fingerprint;
use crate::rules::{self, RULES};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The key of our fingerprint; the version changes if the hashed fields ever do.
const FINGERPRINT: &str = "docsteward/v1";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    /// Our columns count Unicode scalar values (see `source::SourceFile::position`).
    column_kind: &'static str,
    results: Vec<SarifResult>,
    /// Present when the run has notices (a rule skipped), as tool execution notifications.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    invocations: Vec<Invocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    level: &'static str,
    message: Text,
    associated_rule: RuleReference,
}

#[derive(Serialize)]
struct RuleReference {
    id: &'static str,
    index: usize,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    enabled: bool,
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    /// The repair `check --fix` would make, when there is one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Text,
    artifact_changes: Vec<ArtifactChange>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: ByteRegion,
    inserted_content: Content,
}

/// A region by bytes: exact whatever the line endings.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ByteRegion {
    byte_offset: usize,
    byte_length: usize,
}

#[derive(Serialize)]
struct Content {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    /// Exclusive, as SARIF wants it and as our model has it.
    end_column: usize,
}

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![run(outcome)],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn run(outcome: &Outcome) -> Run {
    let descriptors = RULES.iter().map(|rule| descriptor(*rule)).collect();
    let results = outcome
        .diagnostics
        .iter()
        .zip(fingerprint::of(outcome))
        .map(|(d, fingerprint)| result(outcome, d, fingerprint))
        .collect();
    Run {
        tool: Tool {
            driver: Driver {
                name: "docsteward",
                version: env!("CARGO_PKG_VERSION"),
                semantic_version: env!("CARGO_PKG_VERSION"),
                information_uri: env!("CARGO_PKG_REPOSITORY"),
                rules: descriptors,
            },
        },
        column_kind: "unicodeCodePoints",
        results,
        invocations: invocations(outcome),
    }
}

/// One invocation carrying the notices, when there are any: the run itself succeeded.
fn invocations(outcome: &Outcome) -> Vec<Invocation> {
    if outcome.notices.is_empty() {
        return Vec::new();
    }
    let notifications = outcome
        .notices
        .iter()
        .map(|n| Notification {
            level: "note",
            message: Text {
                text: super::with_help(&n.message, n.help.as_deref()),
            },
            associated_rule: RuleReference {
                id: n.rule,
                index: rule_index(n.rule),
            },
        })
        .collect();
    vec![Invocation {
        execution_successful: true,
        tool_execution_notifications: notifications,
    }]
}

fn rule_index(id: &str) -> usize {
    RULES.iter().position(|r| r.id() == id).unwrap_or_default()
}

fn descriptor(rule: &'static dyn rules::Rule) -> ReportingDescriptor {
    let id = rule.id();
    let summary = Some(rules::summary(rule))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| id.to_owned());
    let checks = rules::section(rule, "What it checks").unwrap_or_else(|| summary.clone());
    let doc = rule.meta().doc;
    let body = doc[frontmatter::parse(doc, usize::MAX).body_start..].trim();
    let (enabled, level) = match rule.default_level() {
        Level::Off => (false, "none"),
        Level::On(severity) => (true, level(severity)),
    };
    ReportingDescriptor {
        id,
        short_description: Text { text: summary },
        full_description: Text { text: checks },
        help: Help {
            text: body.to_owned(),
            markdown: body.to_owned(),
        },
        help_uri: crate::rules::doc_url(id),
        default_configuration: Configuration { enabled, level },
    }
}

fn result(outcome: &Outcome, d: &Diagnostic, fingerprint: u64) -> SarifResult {
    let (start, end) = super::range(outcome, d);
    let message = super::with_help(&d.message, super::help(d).as_deref());
    SarifResult {
        rule_id: d.rule,
        rule_index: rule_index(d.rule),
        level: level(d.severity),
        message: Text { text: message },
        locations: vec![Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: super::uri_path(&d.path),
                    uri_base_id: "%SRCROOT%",
                },
                region: Region {
                    start_line: start.line,
                    start_column: start.column,
                    end_line: end.line,
                    end_column: end.column,
                },
            },
        }],
        partial_fingerprints: BTreeMap::from([(FINGERPRINT, format!("{fingerprint:016x}"))]),
        fixes: d.fix.iter().map(|f| fix(d, f)).collect(),
    }
}

fn fix(d: &Diagnostic, f: &crate::diagnostic::Fix) -> SarifFix {
    let how = match f.safety {
        crate::diagnostic::Safety::Safe => "safe: applied by `docsteward check --fix`",
        crate::diagnostic::Safety::Unsafe => {
            "unsafe: applied by `docsteward check --fix --unsafe-fixes`"
        }
    };
    SarifFix {
        description: Text {
            text: how.to_owned(),
        },
        artifact_changes: vec![ArtifactChange {
            artifact_location: ArtifactLocation {
                uri: super::uri_path(&d.path),
                uri_base_id: "%SRCROOT%",
            },
            replacements: f
                .edits
                .iter()
                .map(|e| Replacement {
                    deleted_region: ByteRegion {
                        byte_offset: e.span.start,
                        byte_length: e.span.len(),
                    },
                    inserted_content: Content {
                        text: e.replacement.clone(),
                    },
                })
                .collect(),
        }],
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}
