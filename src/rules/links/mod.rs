//! Rules about references to other files and anchors.

pub mod ambiguous;
pub mod case_mismatch;
pub mod missing_anchor;
pub mod missing_file;
pub mod outside_repo;
pub mod untracked;

use crate::diagnostic::{Fix, Safety};
use crate::document::Document;
use crate::index::{resolve_reference, Link};
use crate::paths;
use crate::resolve::Outcome;
use crate::rules::Context;

/// The fix that makes `link` (in `doc`) lead to the file `to` instead of `was` (the path it
/// resolves to now), written the way the link was: relative or from the root, with `./` or
/// without, with the extension or without, its `#fragment` and `?query` kept. `None` when
/// the link's text cannot be rewritten that way, or the rewritten link would not resolve to
/// `to` (the site's rules decide, not a guess).
pub fn relink(
    cx: &Context<'_>,
    doc: &Document,
    link: &Link,
    was: &str,
    to: &str,
    safety: Safety,
) -> Option<Fix> {
    let kind = link.kind?;
    if kind.is_wikilink() {
        return None;
    }
    let written = doc.text().get(link.span.clone())?;
    let offset = written.find(link.target.as_str())?;
    let path_len = link.target.find(['#', '?']).unwrap_or(link.target.len());
    let old = &link.target[..path_len];
    if old.is_empty() || old.contains('%') || old.contains('\\') {
        return None;
    }
    let suffix = &link.target[path_len..];
    let root = old.starts_with('/');
    let mut new = if root {
        format!("/{to}")
    } else {
        let rel = paths::relative(&paths::parent(doc.path()), to);
        if old.starts_with("./") {
            format!("./{rel}")
        } else {
            rel
        }
    };
    // `page` for `page.md`: the site (or the author) leaves the extension out.
    let ext = |p: &str| {
        let name = paths::file_name(p);
        name.rfind('.')
            .filter(|i| *i > 0)
            .map(|i| name[i..].to_owned())
    };
    if ext(old).is_none() && ext(was).is_some() && ext(was) == ext(to) {
        let cut = new.len() - ext(to).map_or(0, |e| e.len());
        new.truncate(cut);
    }
    if old.ends_with('/') && !new.ends_with('/') {
        return None;
    }
    // Spaces stay writable only between angle brackets.
    let angled = written.starts_with('<');
    if new
        .chars()
        .any(|c| c.is_whitespace() || c == '(' || c == ')')
        && !angled
    {
        return None;
    }
    if new == old {
        return None;
    }
    let target = format!("{new}{suffix}");
    let (resolution, _) =
        resolve_reference(cx.settings, cx.snapshot, cx.site, doc.path(), kind, &target);
    if !matches!(&resolution.outcome, Outcome::Found { path, .. } if path == to) {
        return None;
    }
    let start = link.span.start + offset;
    Some(Fix::replace(safety, start..start + old.len(), new))
}
