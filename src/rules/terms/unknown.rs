//! `terms/unknown`: a value under a `[terms] reference-keys` key that matches no defined term.

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Fix, Safety, Severity};
use crate::document::Document;
use crate::index::term_references;
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;

pub const ID: &str = "terms/unknown";

pub struct Unknown;

static META: Meta = Meta {
    id: ID,
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
            // Where the slug stands in the value as written (quoted or not).
            let slug_at = doc
                .text()
                .get(d.span.clone())
                .and_then(|t| t.find(r.slug.as_str()))
                .map(|i| d.span.start + i..d.span.start + i + r.slug.len());
            let fix =
                |safety, slug: &str| slug_at.clone().map(|span| Fix::replace(safety, span, slug));
            if let Some(term) = cx.index.term_ignoring_case(&r.slug) {
                d = d.with_help(format!("the term is `{term}`: letter case differs"));
                if let Some(fix) = fix(Safety::Safe, term) {
                    d = d.with_fix(fix);
                }
            } else if let Some((old, term)) = renamed_term(cx, &r.slug) {
                d = d.with_help(format!(
                    "`{old}` was renamed; the term it defined is now `{term}`"
                ));
                if let Some(fix) = fix(Safety::Safe, term) {
                    d = d.with_fix(fix);
                }
            } else if let Some(near) = out
                .may_suggest(META.id, doc.path(), &d.span)
                .then(|| cx.index.closest_term(&r.slug))
                .flatten()
            {
                d = d.with_help(format!("did you mean `{near}`?"));
                if cx.index.only_closest_term(&r.slug) == Some(near) {
                    if let Some(fix) = fix(Safety::Unsafe, near) {
                        d = d.with_fix(fix);
                    }
                }
            }
            out.push(d);
        }
    }
}

/// The file a term folder had for `slug` (`FOLDER/SLUG.md`), and the slug its renamed file
/// defines today.
fn renamed_term<'c>(cx: &Context<'c>, slug: &str) -> Option<(String, &'c str)> {
    let renames = cx.renames?;
    renamed_term_candidates(cx.index, slug)
        .into_iter()
        .find_map(|old| {
            let today = renames.follow(&old, |p| cx.snapshot.contains(p))?;
            let term = cx.index.slug(today)?;
            (!cx.index.term(term).is_empty()).then_some((old, term))
        })
}

/// Where a term file named for `slug` would have been: beside today's term files.
pub fn renamed_term_candidates(index: &crate::index::Index<'_>, slug: &str) -> Vec<String> {
    if slug.is_empty() || slug.contains(['/', '\\']) || slug.starts_with('.') {
        return Vec::new();
    }
    index
        .term_folders()
        .into_iter()
        .flat_map(|folder| [format!("{folder}{slug}.md"), format!("{folder}{slug}.mdx")])
        .collect()
}
