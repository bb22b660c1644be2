//! The one place findings are adjusted as rules make them: configured severities, rules
//! turned off, inline suppression comments, and the per-file limit. Every rule, present and
//! future, goes through it.

use std::collections::HashMap;
use std::ops::Range;

use crate::config::{Level, Settings};
use crate::diagnostic::Diagnostic;
use crate::document::markdown::{Suppression, SuppressionKind};
use crate::document::Document;

/// Where rules put their findings for one document (or, with no document, for the snapshot
/// as a whole). Each finding is adjusted as it arrives: its configured severity, or dropped
/// when its rule is off or a comment suppresses it. At most `[limits] max-findings-per-file`
/// of each rule are kept per file; the rest are only counted, and [`Findings::finish`] adds
/// one `limits/too-many-findings` note for them. A file with a million broken links thus
/// costs the memory of ten thousand findings, not of a million.
pub struct Findings<'a> {
    settings: &'a Settings,
    doc: Option<&'a Document>,
    kept: Vec<Diagnostic>,
    /// Per rule and path (the snapshot's findings name many files): how many were kept, and
    /// how many more were only counted.
    counts: HashMap<&'static str, HashMap<String, (usize, usize)>>,
    /// Per path: how many suggestions rules have asked for (at most [`suggest::PER_FILE`]).
    ///
    /// [`suggest::PER_FILE`]: crate::suggest::PER_FILE
    suggestions: HashMap<String, usize>,
}

impl<'a> Findings<'a> {
    pub fn for_document(settings: &'a Settings, doc: &'a Document) -> Self {
        Findings {
            settings,
            doc: Some(doc),
            kept: Vec::new(),
            counts: HashMap::new(),
            suggestions: HashMap::new(),
        }
    }

    pub fn for_snapshot(settings: &'a Settings) -> Self {
        Findings {
            settings,
            doc: None,
            kept: Vec::new(),
            counts: HashMap::new(),
            suggestions: HashMap::new(),
        }
    }

    pub fn push(&mut self, mut d: Diagnostic) {
        let Level::On(severity) = self.settings.level(d.rule) else {
            return;
        };
        d.severity = severity;
        if self.suppressed(d.rule, d.span.start) {
            return;
        }
        let limit = self.settings.limits.max_findings_per_file;
        let by_path = self.counts.entry(d.rule).or_default();
        let (kept, more) = match by_path.get_mut(d.path.as_str()) {
            Some(counts) => counts,
            None => by_path.entry(d.path.clone()).or_default(),
        };
        if *kept < limit {
            *kept += 1;
            self.kept.push(d);
        } else {
            *more += 1;
        }
    }

    /// Whether a finding of `rule` at `span` of `path` may carry a "did you mean", which
    /// costs a search: only when the finding will be kept (its rule is on, no comment
    /// suppresses it, the file has not reached its limit for the rule) and the file has
    /// suggestions left. Counts one when it may.
    pub fn may_suggest(&mut self, rule: &'static str, path: &str, span: &Range<usize>) -> bool {
        if !matches!(self.settings.level(rule), Level::On(_)) || self.suppressed(rule, span.start) {
            return false;
        }
        let kept = self
            .counts
            .get(rule)
            .and_then(|by_path| by_path.get(path))
            .map_or(0, |(kept, _)| *kept);
        if kept >= self.settings.limits.max_findings_per_file {
            return false;
        }
        let asked = match self.suggestions.get_mut(path) {
            Some(asked) => asked,
            None => self.suggestions.entry(path.to_owned()).or_default(),
        };
        if *asked >= crate::suggest::PER_FILE {
            return false;
        }
        *asked += 1;
        true
    }

    /// Whether a comment in the document turns `rule` off at byte `at`.
    fn suppressed(&self, rule: &str, at: usize) -> bool {
        self.doc
            .is_some_and(|doc| suppressed(doc, &doc.markdown.suppressions, rule, at))
    }

    /// The findings kept, and a note for each rule and file that had more.
    pub fn finish(mut self) -> Vec<Diagnostic> {
        let limit = self.settings.limits.max_findings_per_file;
        let counts = std::mem::take(&mut self.counts);
        for (rule, path, more) in counts.into_iter().flat_map(|(rule, by_path)| {
            by_path
                .into_iter()
                .map(move |(path, (_, more))| (rule, path, more))
        }) {
            if more > 0 {
                let note = crate::rules::limits::too_many_findings::note(&path, rule, more, limit);
                if let Level::On(severity) = self.settings.level(note.rule) {
                    self.kept.push(Diagnostic { severity, ..note });
                }
            }
        }
        self.kept
    }
}

fn suppressed(doc: &Document, suppressions: &[Suppression], rule: &str, at: usize) -> bool {
    if suppressions.is_empty() {
        return false;
    }
    let line = doc.source.line_of(at);
    let mut disabled = false;
    for s in suppressions {
        let names_rule = s.rules.is_empty() || s.rules.iter().any(|r| r == rule);
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
