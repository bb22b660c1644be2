//! `io/unreadable`: a document git lists that docsteward cannot read.

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::{Document, Skipped};
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;

pub struct Unreadable;

static META: Meta = Meta {
    id: "io/unreadable",
    default: Level::On(Severity::Error),
    doc: include_str!("../../../rules/io/unreadable.md"),
};

impl Rule for Unreadable {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, _cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>) {
        if let Some(Skipped::Unreadable(reason)) = &doc.skipped {
            out.push(Diagnostic::new(
                META.id,
                doc.path(),
                0..0,
                format!("cannot read this file: {reason}"),
            ));
        }
    }
}
