//! `assets/unused`: an image file that no document references.

use crate::config::Level;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;

pub struct Unused;

static META: Meta = Meta {
    id: "assets/unused",
    default: Level::Off,
    doc: include_str!("../../../rules/assets/unused.md"),
};

impl Rule for Unused {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, _cx: &Context<'_>, _doc: &Document, _out: &mut Findings<'_>) {}

    fn check_snapshot(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for path in cx.snapshot.files() {
            if cx.settings.relative(path).is_none()
                || cx.settings.is_excluded(path)
                || !is_image(path)
                || cx.index.is_referenced(path)
            {
                continue;
            }
            out.push(
                Diagnostic::new(META.id, path, 0..0, "no document references this image")
                    .with_help("remove it, or link it from the document it was made for"),
            );
        }
    }
}

const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "svg", "webp", "avif"];

fn is_image(path: &str) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(_, ext)| IMAGE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}
