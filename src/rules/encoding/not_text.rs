//! `encoding/not-text`: a document that is not text docsteward can read: a binary file with
//! a Markdown name, or a UTF-16 file.

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::{Document, Skipped};
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;

pub struct NotText;

static META: Meta = Meta {
    id: "encoding/not-text",
    default: Level::On(Severity::Error),
    doc: include_str!("../../../rules/encoding/not-text.md"),
};

impl Rule for NotText {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, _cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>) {
        let (message, help) = match doc.skipped {
            Some(Skipped::Binary { offset }) => (
                format!("not a text file: NUL byte at offset {offset}"),
                "a binary file should not have a Markdown name; rename it or exclude it",
            ),
            Some(Skipped::Utf16) => (
                "the file is UTF-16 (it starts with a UTF-16 byte order mark)".to_owned(),
                "save it as UTF-8, which Markdown tools and static sites expect",
            ),
            _ => return,
        };
        out.push(Diagnostic::new(META.id, doc.path(), 0..0, message).with_help(help));
    }
}
