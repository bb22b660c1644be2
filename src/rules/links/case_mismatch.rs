//! `links/case-mismatch`: a target that exists only with different letter case.

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Safety, Severity};
use crate::document::Document;
use crate::paths;
use crate::resolve::Outcome;
use crate::rules::links::relink;
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;

pub struct CaseMismatch;

static META: Meta = Meta {
    id: "links/case-mismatch",
    default: Level::On(Severity::Error),
    doc: include_str!("../../../rules/links/case-mismatch.md"),
};

impl Rule for CaseMismatch {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>) {
        for link in cx.index.links(doc.path()) {
            let Outcome::CaseMismatch { path, actual } = &link.resolution.outcome else {
                continue;
            };
            let message = format!("`{path}` exists only as `{actual}`: letter case differs");
            let help = format!(
                "write `{}`; the link works on macOS and Windows but breaks on case-sensitive servers",
                paths::relative(&paths::parent(doc.path()), actual)
            );
            let mut d =
                Diagnostic::new(META.id, doc.path(), link.span.clone(), message).with_help(help);
            // The index has the path's one spelling: certain.
            if let Some(fix) = relink(cx, doc, link, path, actual, Safety::Safe) {
                d = d.with_fix(fix);
            }
            out.push(d);
        }
    }
}
