//! `links/missing-anchor`: a `#fragment` that matches no heading slug, `{#custom-id}` or HTML
//! `id`/`name` in the target document.

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Fix, Safety, Severity};
use crate::document::Document;
use crate::resolve::Outcome;
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;
use std::ops::Range;

pub struct MissingAnchor;

static META: Meta = Meta {
    id: "links/missing-anchor",
    default: Level::On(Severity::Error),
    doc: include_str!("../../../rules/links/missing-anchor.md"),
};

impl Rule for MissingAnchor {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>) {
        for link in cx.index.links(doc.path()) {
            let Some(fragment) = link
                .resolution
                .fragment
                .as_deref()
                .filter(|f| !f.is_empty())
            else {
                continue;
            };
            let target = match &link.resolution.outcome {
                Outcome::SameDocument => doc.path(),
                Outcome::Found {
                    path,
                    is_dir: false,
                } => path.as_str(),
                _ => continue,
            };
            // Only Markdown documents have anchors docsteward knows; `#L10` into code is not ours.
            let Some(anchors) = cx.index.anchors(target) else {
                continue;
            };
            // Browsers scroll to the top for `#top` even without such an element.
            if anchors.contains(fragment) || fragment == "top" {
                continue;
            }
            let place = if target == doc.path() {
                "this document".to_owned()
            } else {
                format!("`{target}`")
            };
            let message = format!("`#{fragment}` matches no heading or anchor in {place}");
            let mut d = Diagnostic::new(
                META.id,
                doc.path(),
                fragment_span(doc.text(), &link.span),
                message,
            );
            let near = out
                .may_suggest(META.id, doc.path(), &d.span)
                .then(|| cx.index.closest_anchor(target, fragment))
                .flatten();
            // A vault link names a heading by its text, not its slug.
            let heading_text = |near: &str| {
                let doc = cx.index.document(target)?;
                let h = doc.markdown.headings.iter().find(|h| h.anchor == near)?;
                Some(h.text.clone())
            };
            let near = match link.kind.is_some_and(|k| k.is_wikilink()) {
                true => near.map(|n| heading_text(n).unwrap_or_else(|| n.to_owned())),
                false => near.map(str::to_owned),
            };
            if let Some(near) = near {
                d = d.with_help(format!("did you mean `#{near}`?"));
                // A slug, written as the fragment is: a guess, applied only on request.
                let only = cx.index.only_closest_anchor(target, fragment) == Some(near.as_str());
                let written = doc.text().get(d.span.clone()).unwrap_or_default();
                let wikilink = link.kind.is_some_and(|k| k.is_wikilink());
                if only && written == format!("#{fragment}") && !wikilink {
                    let span = d.span.start + 1..d.span.end;
                    d = d.with_fix(Fix::replace(Safety::Unsafe, span, near));
                }
            } else if anchors.is_empty() {
                d = d.with_help(format!("{place} has no headings or anchors"));
            }
            out.push(d);
        }
    }
}

/// The `#fragment` part of a destination's span, or the whole span when it cannot be found.
fn fragment_span(text: &str, span: &Range<usize>) -> Range<usize> {
    match text.get(span.clone()).and_then(|t| t.find('#')) {
        Some(i) => span.start + i..span.end - usize::from(text[..span.end].ends_with('>')),
        None => span.clone(),
    }
}
