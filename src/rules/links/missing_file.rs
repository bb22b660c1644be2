//! `links/missing-file`: a link, image or front matter path whose target is not in the
//! snapshot.

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Safety, Severity};
use crate::document::markdown::RefKind;
use crate::document::Document;
use crate::index::Link;
use crate::paths;
use crate::resolve::Outcome;
use crate::rules::links::relink;
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;

pub const ID: &str = "links/missing-file";

pub struct MissingFile;

static META: Meta = Meta {
    id: ID,
    default: Level::On(Severity::Error),
    doc: include_str!("../../../rules/links/missing-file.md"),
};

impl Rule for MissingFile {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>) {
        for link in cx.index.links(doc.path()) {
            if let Outcome::NotPublished { url, generator } = &link.resolution.outcome {
                let what = if link.is_image() { "image" } else { "link" };
                let mut message = format!("{what} `{}` leads to `{url}`", link.target);
                message.push_str(&format!(", where the {generator} site publishes nothing"));
                let d = Diagnostic::new(META.id, doc.path(), link.span.clone(), message);
                out.push(d);
                continue;
            }
            let Outcome::Missing {
                path,
                route,
                unstaged,
            } = &link.resolution.outcome
            else {
                continue;
            };
            if link.kind.is_some_and(|k| k.is_wikilink()) {
                // `path` is where the vault tool would create the note on a click.
                let name = link.target.split('#').next().unwrap_or_default().trim();
                let message = format!("no note or attachment named `{name}` in the vault");
                let mut d = Diagnostic::new(META.id, doc.path(), link.span.clone(), message);
                if let Some(note) = &link.alias_of {
                    d = d.with_help(alias_help(link, name, note));
                }
                out.push(d);
                continue;
            }
            let what = if link.is_image() {
                "image"
            } else {
                "link target"
            };
            let message = match route {
                Some(route) => format!(
                    "{what} `{}` maps to `{path}` by the route `{route}`, and no such file exists",
                    link.target
                ),
                None => format!("{what} `{path}` does not exist"),
            };
            let mut d = Diagnostic::new(META.id, doc.path(), link.span.clone(), message);
            // History knows where the file went: the one certain repair.
            let renamed = route
                .is_none()
                .then(|| cx.renames?.follow(path, |p| cx.snapshot.contains(p)))
                .flatten();
            if let Some(today) = renamed {
                d = d.with_help(format!(
                    "`{path}` was renamed to `{today}`; write `{}`",
                    paths::relative(&paths::parent(doc.path()), today)
                ));
                if let Some(fix) = relink(cx, doc, link, path, today, Safety::Safe) {
                    d = d.with_fix(fix);
                }
            } else if *unstaged {
                d = d.with_help(format!(
                    "exists in the work tree but is not staged: git add {path}"
                ));
            } else if let Some(near) = out
                .may_suggest(META.id, doc.path(), &d.span)
                .then(|| cx.index.closest_path(path))
                .flatten()
            {
                d = d.with_help(format!(
                    "did you mean `{}`? (`{near}` exists)",
                    paths::relative(&paths::parent(doc.path()), near)
                ));
                let only = route.is_none() && cx.index.only_closest_path(path, near);
                if let Some(fix) = only
                    .then(|| relink(cx, doc, link, path, near, Safety::Unsafe))
                    .flatten()
                {
                    d = d.with_fix(fix);
                }
            }
            out.push(d);
        }
    }
}

/// The help for a wikilink by a note's alias, which the vault tool leaves unresolved: the
/// link by the note's name, with the alias as its text (`[[Community of Practice|CoP]]`).
fn alias_help(link: &Link, name: &str, note: &str) -> String {
    let file = paths::file_name(note);
    let stem = file.strip_suffix(".md").unwrap_or(file);
    let fragment = link
        .target
        .split_once('#')
        .map(|(_, f)| format!("#{}", f.trim()))
        .unwrap_or_default();
    let bang = if link.kind == Some(RefKind::Embed) {
        "!"
    } else {
        ""
    };
    format!(
        "`{name}` is an alias of `{note}`, and the vault tool opens no link by alias: write `{bang}[[{stem}{fragment}|{name}]]`"
    )
}
