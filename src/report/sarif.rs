//! `--format sarif`: a SARIF 2.1.0 log for code scanning (`github/codeql-action/upload-sarif`)
//! and other SARIF viewers. Every rule of [`RULES`] is described, so that a viewer can show a
//! rule's documentation even for a run that found nothing.
//!
//! Results carry `partialFingerprints` that do not depend on line numbers, so code scanning
//! recognises a finding as the same one after unrelated lines move.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use serde::Serialize;

use crate::check::Outcome;
use crate::config::Level;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::frontmatter;
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
    // How often each (rule, path, text) has been seen so far, in sorted order: the n-th
    // identical finding in a file keeps its fingerprint however far it moves.
    let mut seen: HashMap<(&str, &str, &str), usize> = HashMap::new();
    let results = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let text = offending_text(outcome, d);
            let occurrence = seen.entry((d.rule, d.path.as_str(), text)).or_default();
            let fingerprint = fingerprint(d, text, *occurrence);
            *occurrence += 1;
            result(outcome, d, fingerprint)
        })
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
    }
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
        help_uri: format!("{}/blob/main/rules/{id}.md", env!("CARGO_PKG_REPOSITORY")),
        default_configuration: Configuration { enabled, level },
    }
}

fn result(outcome: &Outcome, d: &Diagnostic, fingerprint: u64) -> SarifResult {
    let (start, end) = super::range(outcome, d);
    let message = match &d.help {
        Some(help) => format!("{}\n\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    SarifResult {
        rule_id: d.rule,
        rule_index: RULES
            .iter()
            .position(|r| r.id() == d.rule)
            .unwrap_or_default(),
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
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// What the finding points at; for an empty span, the line it sits on (trimmed), which is
/// what a reader would call the offending text.
fn offending_text<'a>(outcome: &'a Outcome, d: &Diagnostic) -> &'a str {
    let Some(source) = outcome.sources.get(&d.path) else {
        return "";
    };
    let text = source.text.as_str();
    let span = d.span.start.min(text.len())..d.span.end.min(text.len());
    match text.get(span.clone()) {
        Some(s) if !s.is_empty() => s,
        _ => {
            let line = source.line_of(span.start);
            text.get(source.line_start(line)..source.line_start(line + 1))
                .unwrap_or_default()
                .trim()
        }
    }
}

/// Rule, path, offending text and occurrence index, never the line: the fingerprint
/// survives lines being inserted above.
fn fingerprint(d: &Diagnostic, text: &str, occurrence: usize) -> u64 {
    let mut hash = Fnv1a::default();
    for part in [
        d.rule.as_bytes(),
        d.path.as_bytes(),
        text.as_bytes(),
        &(occurrence as u64).to_le_bytes(),
    ] {
        hash.write(part);
        // A separator keeps ("ab", "c") and ("a", "bc") apart.
        hash.write(&[0xff]);
    }
    hash.0
}

/// FNV-1a, 64 bits: fixed by its specification, so fingerprints stay the same across Rust
/// versions and platforms (`std::hash` promises neither).
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        let hash = |s: &str| {
            let mut h = Fnv1a::default();
            h.write(s.as_bytes());
            h.0
        };
        assert_eq!(hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash("foobar"), 0x8594_4171_f739_67e8);
    }
}
