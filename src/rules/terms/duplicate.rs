//! `terms/duplicate`: two documents define the same slug, or the same `term` ignoring case.

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;

pub struct Duplicate;

static META: Meta = Meta {
    id: "terms/duplicate",
    default: Level::On(Severity::Error),
    doc: include_str!("../../../rules/terms/duplicate.md"),
};

impl Rule for Duplicate {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>) {
        let Some(slug) = cx.index.slug(doc.path()) else {
            return;
        };
        let data = doc.data();
        let span_of = |key: &str| {
            data.and_then(|d| d.get(key))
                .map_or(0..0, |e| e.value.span.clone())
        };
        // In path order whatever order the index learned them in (the editor's index adds
        // an edited document's definition last).
        let mut others: Vec<&str> = cx
            .index
            .term(slug)
            .iter()
            .copied()
            .filter(|p| *p != doc.path())
            .collect();
        others.sort_unstable();
        if !others.is_empty() {
            let span = if data.and_then(|d| d.get("slug")).is_some() {
                span_of("slug")
            } else {
                span_of("term")
            };
            let message = format!(
                "the term slug `{slug}` is also defined by {}",
                list(&others)
            );
            out.push(
                Diagnostic::new(META.id, doc.path(), span, message)
                    .with_help("give each term one document; merge them or rename one"),
            );
        }
        let name = data
            .and_then(|d| d.get("term"))
            .and_then(|e| e.value.as_str());
        if let Some(name) = name {
            let mut same_name: Vec<&str> = cx
                .index
                .term_named(name)
                .iter()
                .copied()
                .filter(|p| *p != doc.path() && !others.contains(p))
                .collect();
            same_name.sort_unstable();
            if !same_name.is_empty() {
                let message = format!(
                    "the term `{name}` is also defined by {} (ignoring case)",
                    list(&same_name)
                );
                out.push(
                    Diagnostic::new(META.id, doc.path(), span_of("term"), message)
                        .with_help("give each term one document; merge them or rename one"),
                );
            }
        }
    }
}

fn list(paths: &[&str]) -> String {
    paths
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
