//! The one place findings are adjusted after rules run: configured severities, rules turned
//! off, and inline suppression comments. Every rule, present and future, goes through it.

use crate::config::{Level, Settings};
use crate::diagnostic::Diagnostic;
use crate::document::markdown::{Suppression, SuppressionKind};
use crate::document::Document;

/// Applies levels and `doc`'s suppressions to the findings rules made for it.
pub fn apply(settings: &Settings, doc: &Document, findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let suppressions = &doc.markdown.suppressions;
    findings
        .into_iter()
        .filter_map(|mut d| {
            let Level::On(severity) = settings.level(d.rule) else {
                return None;
            };
            d.severity = severity;
            (!suppressed(doc, suppressions, &d)).then_some(d)
        })
        .collect()
}

/// Applies levels to findings that belong to no document.
pub fn apply_levels(settings: &Settings, findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    findings
        .into_iter()
        .filter_map(|mut d| match settings.level(d.rule) {
            Level::On(severity) => {
                d.severity = severity;
                Some(d)
            }
            Level::Off => None,
        })
        .collect()
}

fn suppressed(doc: &Document, suppressions: &[Suppression], d: &Diagnostic) -> bool {
    if suppressions.is_empty() {
        return false;
    }
    let line = doc.source.line_of(d.span.start);
    let mut disabled = false;
    for s in suppressions {
        let names_rule = s.rules.is_empty() || s.rules.iter().any(|r| r == d.rule);
        if !names_rule {
            continue;
        }
        match s.kind {
            SuppressionKind::File => return true,
            SuppressionKind::NextLine
                if doc.source.line_of(s.span.end.saturating_sub(1)) + 1 == line =>
            {
                return true
            }
            SuppressionKind::Disable if doc.source.line_of(s.span.start) <= line => disabled = true,
            SuppressionKind::Enable if doc.source.line_of(s.span.start) <= line => disabled = false,
            _ => {}
        }
    }
    disabled
}
