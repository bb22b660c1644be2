//! `footnotes/unused`: a footnote definition that is never referenced.

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;

pub struct Unused;

static META: Meta = Meta {
    id: "footnotes/unused",
    default: Level::On(Severity::Warning),
    doc: include_str!("../../../rules/footnotes/unused.md"),
};

impl Rule for Unused {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, _cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>) {
        let md = &doc.markdown;
        for d in &md.footnote_defs {
            if !md.footnote_refs.iter().any(|r| r.label == d.label) {
                let message = format!("footnote `[^{}]` is defined but never referenced", d.label);
                out.push(
                    Diagnostic::new(META.id, doc.path(), d.span.clone(), message)
                        .with_help("reference it in the text or remove it"),
                );
            }
        }
    }
}
