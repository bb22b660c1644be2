//! `limits/too-many-findings`: one rule found more in one file than `[limits]
//! max-findings-per-file`; the rest are counted, not listed. Raised by the sink
//! (`crate::sink::Findings`), which is where findings are counted.

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;

pub struct TooManyFindings;

pub static META: Meta = Meta {
    id: "limits/too-many-findings",
    default: Level::On(Severity::Warning),
    doc: include_str!("../../../rules/limits/too-many-findings.md"),
};

impl Rule for TooManyFindings {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, _cx: &Context<'_>, _doc: &Document, _out: &mut Findings<'_>) {}
}

/// The note for `more` findings of `rule` in `path` past `limit`.
pub fn note(path: &str, rule: &str, more: usize, limit: usize) -> Diagnostic {
    let noun = if more == 1 { "finding" } else { "findings" };
    Diagnostic::new(
        META.id,
        path,
        0..0,
        format!("{more} more `{rule}` {noun} in this file not listed: the first {limit} are"),
    )
    .with_help("fix those and run again, or raise [limits] max-findings-per-file")
}
