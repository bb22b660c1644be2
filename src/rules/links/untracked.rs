//! `links/untracked`: a target that exists on disk but that git does not track or ignores.

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::resolve::Outcome;
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;

pub struct Untracked;

static META: Meta = Meta {
    id: "links/untracked",
    default: Level::On(Severity::Warning),
    doc: include_str!("../../../rules/links/untracked.md"),
};

impl Rule for Untracked {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>) {
        for link in cx.index.links(doc.path()) {
            let (message, help) = match &link.resolution.outcome {
                Outcome::Untracked { path } => (
                    format!("`{path}` is not tracked by git: it will be missing for everyone else"),
                    format!("git add {path}"),
                ),
                Outcome::Ignored { path } => (
                    format!("`{path}` is ignored by git: it exists only on this machine"),
                    format!("stop ignoring it in .gitignore, then git add {path}"),
                ),
                _ => continue,
            };
            out.push(
                Diagnostic::new(META.id, doc.path(), link.span.clone(), message).with_help(help),
            );
        }
    }
}
