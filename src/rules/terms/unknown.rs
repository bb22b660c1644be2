//! `terms/unknown`: a value under a `[terms] reference-keys` key that matches no defined term.

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::index::term_references;
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;

pub struct Unknown;

static META: Meta = Meta {
    id: "terms/unknown",
    default: Level::On(Severity::Error),
    doc: include_str!("../../../rules/terms/unknown.md"),
};

impl Rule for Unknown {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>) {
        for r in term_references(cx.settings, doc) {
            if !cx.index.term(&r.slug).is_empty() {
                continue;
            }
            let message = format!(
                "`{}` names the term `{}`, which no document defines",
                r.key, r.slug
            );
            let mut d = Diagnostic::new(META.id, doc.path(), r.span, message);
            let near = out
                .may_suggest(META.id, doc.path(), &d.span)
                .then(|| cx.index.closest_term(&r.slug))
                .flatten();
            if let Some(near) = near {
                d = d.with_help(format!("did you mean `{near}`?"));
            }
            out.push(d);
        }
    }
}
