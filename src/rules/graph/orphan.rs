//! `graph/orphan`: a document nothing else links to or references as a term.

use crate::config::Level;
use crate::diagnostic::Diagnostic;
use crate::document::{Document, Syntax};
use crate::paths;
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;

pub struct Orphan;

pub const ID: &str = "graph/orphan";

static META: Meta = Meta {
    id: ID,
    default: Level::Off,
    doc: include_str!("../../../rules/graph/orphan.md"),
};

impl Rule for Orphan {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>) {
        let name = paths::file_name(doc.path()).to_ascii_lowercase();
        // Landing pages are reached through their folder, not by name.
        let landing = Syntax::of(&name).is_some()
            && matches!(paths::stem(&name), "readme" | "index" | "_index");
        if landing || cx.index.is_referenced(doc.path()) {
            return;
        }
        out.push(
            Diagnostic::new(
                META.id,
                doc.path(),
                0..0,
                "no other document links to this one or names it as a term",
            )
            .with_help(
                "link to it from a related page or an index, or remove it if it is obsolete",
            ),
        );
    }
}
