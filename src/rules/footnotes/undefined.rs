//! `footnotes/undefined`: a footnote reference with no definition.

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;

pub struct Undefined;

static META: Meta = Meta {
    id: "footnotes/undefined",
    default: Level::On(Severity::Error),
    doc: include_str!("../../../rules/footnotes/undefined.md"),
};

impl Rule for Undefined {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, _cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>) {
        let md = &doc.markdown;
        for r in &md.footnote_refs {
            if !md.footnote_defs.iter().any(|d| d.label == r.label) {
                let message = format!("footnote `[^{}]` has no definition", r.label);
                let help = format!(
                    "add a line `[^{}]: ...` at the end of the document",
                    r.label
                );
                out.push(
                    Diagnostic::new(META.id, doc.path(), r.span.clone(), message).with_help(help),
                );
            }
        }
    }
}
