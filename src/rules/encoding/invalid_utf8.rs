//! `encoding/invalid-utf8`: a file that is not valid UTF-8, reported at the first bad byte.

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;

pub struct InvalidUtf8;

static META: Meta = Meta {
    id: "encoding/invalid-utf8",
    default: Level::On(Severity::Error),
    doc: include_str!("../../../rules/encoding/invalid-utf8.md"),
};

impl Rule for InvalidUtf8 {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, _cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>) {
        if let Some(bad) = doc.invalid_utf8 {
            let span = bad.offset..bad.offset + char::REPLACEMENT_CHARACTER.len_utf8();
            let message = format!("the file is not valid UTF-8: byte 0x{:02X} here", bad.byte);
            let help = "save the file as UTF-8; the rest of it was checked with each invalid byte read as U+FFFD";
            out.push(Diagnostic::new(META.id, doc.path(), span, message).with_help(help));
        }
    }
}
