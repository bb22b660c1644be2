//! `frontmatter/syntax`: a front matter block that is unterminated or does not parse
//! (YAML, TOML or JSON syntax, duplicate keys, runaway aliases, excessive nesting).

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;

pub struct Syntax;

static META: Meta = Meta {
    id: "frontmatter/syntax",
    default: Level::On(Severity::Error),
    doc: include_str!("../../../rules/frontmatter/syntax.md"),
};

impl Rule for Syntax {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, _cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>) {
        for e in &doc.front_matter_errors {
            let mut d = Diagnostic::new(META.id, doc.path(), e.span.clone(), e.message.clone());
            d.help = e.help.clone();
            d.labels = e.labels.clone();
            out.push(d);
        }
    }
}
