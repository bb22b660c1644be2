//! `limits/file-too-large`: a document over `[limits] max-file-size`, skipped without being
//! loaded.

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::{Document, Skipped};
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;

pub struct FileTooLarge;

static META: Meta = Meta {
    id: "limits/file-too-large",
    default: Level::On(Severity::Warning),
    doc: include_str!("../../../rules/limits/file-too-large.md"),
};

impl Rule for FileTooLarge {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, _cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>) {
        if let Some(Skipped::TooLarge { size, limit }) = doc.skipped {
            let message = format!("{size} bytes, over the limit of {limit}: not checked");
            out.push(
                Diagnostic::new(META.id, doc.path(), 0..0, message)
                    .with_help("split the document, exclude it, or raise [limits] max-file-size"),
            );
        }
    }
}
