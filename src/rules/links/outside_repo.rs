//! `links/outside-repo`: a relative target whose `..` climbs above the repository root.

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::resolve::Outcome;
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;

pub struct OutsideRepo;

static META: Meta = Meta {
    id: "links/outside-repo",
    default: Level::On(Severity::Error),
    doc: include_str!("../../../rules/links/outside-repo.md"),
};

impl Rule for OutsideRepo {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>) {
        for link in cx.index.links(doc.path()) {
            if link.resolution.outcome == Outcome::Outside {
                let message = format!("`{}` leads outside the repository", link.target);
                let help = "docsteward never reads outside the repository; link to a file inside it, or to a full URL";
                out.push(
                    Diagnostic::new(META.id, doc.path(), link.span.clone(), message)
                        .with_help(help),
                );
            }
        }
    }
}
