//! `images/missing-alt`: an image with empty alt text.

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;

pub struct MissingAlt;

static META: Meta = Meta {
    id: "images/missing-alt",
    default: Level::On(Severity::Warning),
    doc: include_str!("../../../rules/images/missing-alt.md"),
};

impl Rule for MissingAlt {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, _cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>) {
        for span in &doc.markdown.empty_alt {
            out.push(
                Diagnostic::new(META.id, doc.path(), span.clone(), "image has no alt text")
                    .with_help("describe what the image shows: ![Members at a whiteboard](team.png); screen readers read it aloud"),
            );
        }
    }
}
