//! `links/ambiguous`: a vault name (`[[Notes]]`) that several files share, so that which one
//! opens depends on a tie-break the author may not have meant.

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::resolve::Outcome;
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;

pub struct Ambiguous;

static META: Meta = Meta {
    id: "links/ambiguous",
    default: Level::On(Severity::Warning),
    doc: include_str!("../../../rules/links/ambiguous.md"),
};

impl Rule for Ambiguous {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>) {
        for link in cx.index.links(doc.path()) {
            let Outcome::Found { path, .. } = &link.resolution.outcome else {
                continue;
            };
            if link.ambiguous.is_empty() {
                continue;
            }
            let others: Vec<String> = link.ambiguous.iter().map(|o| format!("`{o}`")).collect();
            let message = format!(
                "`{}` names {} files: it opens `{path}`, not {}",
                link.target,
                others.len() + 1,
                others.join(", ")
            );
            let name = link.target.split('#').next().unwrap_or_default().trim();
            let help = format!(
                "write the path from the vault root to the one meant (`folder/{name}`), or rename one of them; `{name}` alone follows a tie-break (the file beside the link, else the shortest path)"
            );
            out.push(
                Diagnostic::new(META.id, doc.path(), link.span.clone(), message).with_help(help),
            );
        }
    }
}
