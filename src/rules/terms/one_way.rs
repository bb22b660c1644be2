//! `terms/one-way`: A lists B as related but B does not list A.

use crate::config::Level;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::index::term_references;
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;

pub struct OneWay;

static META: Meta = Meta {
    id: "terms/one-way",
    default: Level::Off,
    doc: include_str!("../../../rules/terms/one-way.md"),
};

impl Rule for OneWay {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>) {
        let Some(own) = cx.index.slug(doc.path()) else {
            return;
        };
        for r in term_references(cx.settings, doc) {
            for target in cx.index.term(&r.slug) {
                let Some(other) = cx.index.document(target) else {
                    continue;
                };
                if *target == doc.path()
                    || term_references(cx.settings, other)
                        .iter()
                        .any(|back| back.slug == own)
                {
                    continue;
                }
                let message = format!(
                    "`{}` lists `{}` as related, but `{target}` does not list `{own}` back",
                    own, r.slug
                );
                out.push(
                    Diagnostic::new(META.id, doc.path(), r.span.clone(), message)
                        .with_help(format!("add `{own}` to `{}` in {target}", r.key)),
                );
            }
        }
    }
}
