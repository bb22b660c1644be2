//! `links/missing-anchor`: a `#fragment` that matches no heading slug, `{#custom-id}` or HTML
//! `id`/`name` in the target document.

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Fix, Safety, Severity};
use crate::document::Document;
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;
use std::ops::Range;

pub const ID: &str = "links/missing-anchor";

pub struct MissingAnchor;

static META: Meta = Meta {
    id: ID,
    default: Level::On(Severity::Error),
    doc: include_str!("../../../rules/links/missing-anchor.md"),
};

impl Rule for MissingAnchor {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>) {
        for link in cx.index.links(doc.path()) {
            let Some((fragment, target)) = link.fragment_target(doc.path()) else {
                continue;
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
            let written = doc.text().get(d.span.clone()).unwrap_or_default();
            let plain =
                written == format!("#{fragment}") && !link.kind.is_some_and(|k| k.is_wikilink());
            if let Some((old, (id, text))) = renamed_heading(cx, target, fragment) {
                d = d.with_help(format!(
                    "the heading `{old}` is now `{text}`: write `#{id}`"
                ));
                if plain {
                    let span = d.span.start + 1..d.span.end;
                    d = d.with_fix(Fix::replace(Safety::Safe, span, id));
                }
            } else if let Some(near) = near {
                d = d.with_help(format!("did you mean `#{near}`?"));
                // A slug, written as the fragment is: a guess, applied only on request.
                let only = cx.index.only_closest_anchor(target, fragment) == Some(near.as_str());
                if only && plain {
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

/// When `fragment` was the id of a heading of `target` in an earlier version, and the
/// heading at the same place (the same position among the headings, the same level, the
/// same number of headings) has another id today: the old heading's text, and today's id
/// and text.
fn renamed_heading(
    cx: &Context<'_>,
    target: &str,
    fragment: &str,
) -> Option<(String, (String, String))> {
    let today = cx.index.document(target)?;
    let ids = |d: &Document| {
        cx.site.heading_ids(d).unwrap_or_else(|| {
            d.markdown
                .headings
                .iter()
                .map(|h| h.anchor.clone())
                .collect()
        })
    };
    let today_ids = ids(today);
    let earlier = cx.earlier?.get(target)?;
    for old in earlier {
        let old_ids = ids(old);
        let Some(at) = old_ids.iter().position(|id| id == fragment) else {
            continue;
        };
        let (was, now) = (&old.markdown.headings, &today.markdown.headings);
        if was.len() != now.len() || was[at].level != now[at].level {
            return None;
        }
        let new = today_ids.get(at)?;
        return (new != fragment)
            .then(|| (was[at].text.clone(), (new.clone(), now[at].text.clone())));
    }
    None
}

/// The `#fragment` part of a destination's span, or the whole span when it cannot be found.
fn fragment_span(text: &str, span: &Range<usize>) -> Range<usize> {
    match text.get(span.clone()).and_then(|t| t.find('#')) {
        Some(i) => span.start + i..span.end - usize::from(text[..span.end].ends_with('>')),
        None => span.clone(),
    }
}
