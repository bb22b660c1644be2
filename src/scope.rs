//! Which documents a change-scoped run reports on: those the change added or modified, plus
//! unchanged documents whose references the change broke (a link to a renamed or deleted
//! file, an anchor whose heading was renamed, a term whose defining document went away).

use std::collections::HashSet;

use crate::config::Settings;
use crate::index::{term_references, Index};
use crate::paths;
use crate::repo::Changes;
use crate::resolve::Outcome;

pub fn in_scope<'a>(
    index: &Index<'_>,
    settings: &Settings,
    selected: &HashSet<&'a str>,
    changes: &Changes,
) -> HashSet<&'a str> {
    let touched = |p: &str| changes.changed.contains(p) || changes.removed.contains(p);
    let gone_slugs: HashSet<&str> = changes
        .removed
        .iter()
        .chain(&changes.changed)
        .map(|p| paths::stem(p))
        .collect();
    selected
        .iter()
        .copied()
        .filter(|path| {
            if changes.changed.contains(*path) {
                return true;
            }
            let link_broken = index
                .links(path)
                .iter()
                .any(|link| match &link.resolution.outcome {
                    Outcome::Missing { path: target, .. }
                    | Outcome::CaseMismatch { path: target, .. } => touched(target),
                    Outcome::Found {
                        path: target,
                        is_dir: false,
                    } if changes.changed.contains(target) => {
                        let fragment = link
                            .resolution
                            .fragment
                            .as_deref()
                            .filter(|f| !f.is_empty());
                        match (fragment, index.anchors(target)) {
                            (Some(f), Some(anchors)) => !anchors.contains(f),
                            _ => false,
                        }
                    }
                    _ => false,
                });
            link_broken
                || index.document(path).is_some_and(|doc| {
                    term_references(settings, doc).iter().any(|r| {
                        index.term(&r.slug).is_empty() && gone_slugs.contains(r.slug.as_str())
                    })
                })
        })
        .collect()
}
