//! What the editor asks about a place in a document: completion, hover, definition,
//! references, rename and quick fixes. Each answers from the workspace's index, as the rules
//! see it; none judges anything the rules do not.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use lsp_types::{
    CodeAction, CodeActionKind, CodeDescription, CompletionItem, CompletionItemKind,
    CompletionTextEdit, DiagnosticRelatedInformation, DiagnosticSeverity, DocumentChangeOperation,
    DocumentChanges, Hover, HoverContents, Location, MarkupContent, MarkupKind, NumberOrString,
    OneOf, OptionalVersionedTextDocumentIdentifier, RenameFile, ResourceOp, TextDocumentEdit,
    TextEdit, Uri, WorkspaceEdit,
};

use super::position::Lines;
use super::workspace::{Finding, Workspace};
use super::Paths;
use crate::diagnostic::{Safety, Severity};
use crate::document::markdown::Heading;
use crate::document::{Document, Format};
use crate::index::{term_references, Index, Link};
use crate::paths;
use crate::repo::Reach;
use crate::resolve::Outcome as Resolved;
use crate::site::Site;

/// What stands at a place in a document.
enum Target {
    /// A reference (a link, an image, a front matter path).
    Link(Link),
    /// A term slug: named under a reference key, or defined by the document (its `term` or
    /// `slug` value). The span is the slug's text.
    Term { slug: String, span: Range<usize> },
}

fn contains(span: &Range<usize>, offset: usize) -> bool {
    span.start <= offset && offset <= span.end
}

/// Where `slug` stands inside the value written at `span` (quoted or not).
fn slug_span(text: &str, span: &Range<usize>, slug: &str) -> Option<Range<usize>> {
    let i = text.get(span.clone())?.find(slug)?;
    Some(span.start + i..span.start + i + slug.len())
}

fn target_at(ws: &Workspace, index: &Index<'_>, doc: &Document, offset: usize) -> Option<Target> {
    let settings = &ws.session.settings;
    for r in term_references(settings, doc) {
        if contains(&r.span, offset) && !r.slug.is_empty() {
            let span = slug_span(doc.text(), &r.span, &r.slug).unwrap_or(r.span);
            return Some(Target::Term { slug: r.slug, span });
        }
    }
    if let (Some(slug), Some(data)) = (index.slug(doc.path()), doc.data()) {
        for key in ["term", "slug"] {
            if let Some(e) = data.get(key) {
                if contains(&e.value.span, offset) || contains(&e.key_span, offset) {
                    let span = slug_span(doc.text(), &e.value.span, slug)
                        .unwrap_or_else(|| e.value.span.clone());
                    return Some(Target::Term {
                        slug: slug.to_owned(),
                        span,
                    });
                }
            }
        }
    }
    index
        .links(doc.path())
        .iter()
        .find(|l| contains(&l.span, offset))
        .cloned()
        .map(Target::Link)
}

/// The heading of `doc` whose id (as the site makes it) is `anchor`.
pub(super) fn heading<'d>(site: &Site<'_>, doc: &'d Document, anchor: &str) -> Option<&'d Heading> {
    let headings = &doc.markdown.headings;
    match site.heading_ids(doc) {
        Some(ids) => headings
            .iter()
            .zip(ids)
            .find(|(_, id)| id == anchor)
            .map(|(h, _)| h),
        None => headings.iter().find(|h| h.anchor == anchor),
    }
}

/// The document a link leads to (the linking one for a bare `#fragment`).
fn link_target<'l>(link: &'l Link, from: &'l str) -> Option<&'l str> {
    match &link.resolution.outcome {
        Resolved::Found {
            path,
            is_dir: false,
        } => Some(path),
        Resolved::SameDocument => Some(from),
        _ => None,
    }
}

/// Converts a finding to the protocol's diagnostic: positions in UTF-16, the rule's id and
/// documentation, its help as part of the message (a hint such as `git add` has no edit to
/// offer), its labels and related places.
pub fn diagnostic(ws: &Workspace, paths: &Paths, f: &Finding) -> Option<lsp_types::Diagnostic> {
    let d = &f.diagnostic;
    let doc = ws.document(&d.path)?;
    let lines = Lines::new(doc.text());
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    let related: Vec<DiagnosticRelatedInformation> = f
        .related
        .iter()
        .filter_map(|(path, span, message)| {
            let text = ws.document(path)?.text();
            Some(DiagnosticRelatedInformation {
                location: Location {
                    uri: paths.uri(path)?,
                    range: Lines::new(text).range(span),
                },
                message: message.clone(),
            })
        })
        .collect();
    Some(lsp_types::Diagnostic {
        range: lines.range(&d.span),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.rule.to_owned())),
        code_description: crate::rules::doc_url(d.rule)
            .parse::<Uri>()
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("docsteward".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    })
}

/// Quick fixes for the findings of `path` that touch `span`: every fix a finding carries,
/// the safe ones preferred.
pub fn code_actions(
    ws: &Workspace,
    paths: &Paths,
    path: &str,
    span: Range<usize>,
) -> Vec<CodeAction> {
    let (Some(doc), Some(uri)) = (ws.document(path), paths.uri(path)) else {
        return Vec::new();
    };
    let lines = Lines::new(doc.text());
    let mut out = Vec::new();
    for f in ws.findings.get(path).into_iter().flatten() {
        let d = &f.diagnostic;
        let Some(fix) = &d.fix else { continue };
        if d.span.end < span.start || span.end < d.span.start {
            continue;
        }
        let edits: Vec<TextEdit> = fix
            .edits
            .iter()
            .map(|e| TextEdit {
                range: lines.range(&e.span),
                new_text: e.replacement.clone(),
            })
            .collect();
        let title = match fix.edits.as_slice() {
            [e] if e.span.is_empty() => format!("Insert `{}`", e.replacement),
            [e] if e.replacement.is_empty() => {
                format!("Remove `{}`", doc.text().get(e.span.clone()).unwrap_or(""))
            }
            [e] => format!(
                "Replace `{}` with `{}`",
                doc.text().get(e.span.clone()).unwrap_or(""),
                e.replacement
            ),
            _ => format!("Fix {}", d.rule),
        };
        out.push(CodeAction {
            title: match fix.safety {
                Safety::Safe => title,
                Safety::Unsafe => format!("{title} (a guess)"),
            },
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: diagnostic(ws, paths, f).map(|d| vec![d]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), edits)])),
                ..WorkspaceEdit::default()
            }),
            command: None,
            is_preferred: Some(fix.safety == Safety::Safe),
            disabled: None,
            data: None,
        });
    }
    out
}

/// Where the front matter's text ends and the body begins (0 without front matter).
fn body_start(doc: &Document) -> usize {
    match &doc.front_matter {
        Some(_) => crate::document::frontmatter::parse(doc.text(), usize::MAX).body_start,
        None => 0,
    }
}

/// The body's first paragraph: its first run of text lines that are not headings or
/// comments.
fn first_paragraph(doc: &Document) -> Option<String> {
    let body = doc.text().get(body_start(doc)..)?;
    let lines: Vec<&str> = body
        .lines()
        .map(str::trim_end)
        .skip_while(|l| l.is_empty() || l.starts_with('#') || l.starts_with("<!--"))
        .take_while(|l| !l.is_empty())
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// A document's title: its front matter's `title` or `term`, else its first heading.
fn title(doc: &Document) -> Option<String> {
    crate::stale::front_matter_title(doc).or_else(|| doc.markdown.title().map(str::to_owned))
}

fn term_hover(index: &Index<'_>, slug: &str) -> Option<String> {
    let doc = index.document(index.term(slug).first()?)?;
    let mut out = format!(
        "**{}** (`{slug}`)",
        title(doc).unwrap_or_else(|| slug.to_owned())
    );
    if let Some(p) = first_paragraph(doc) {
        out.push_str("\n\n");
        out.push_str(&p);
    }
    Some(out)
}

/// The last commit that meaningfully changed `path`, as a line of text.
fn last_change(ws: &Workspace, path: &str) -> String {
    let session = &ws.session;
    let change = session
        .repo
        .start_commit(None)
        .ok()
        .flatten()
        .and_then(|start| {
            session
                .last_changes(start, &[path.to_owned()], Reach::LastChange, &mut |_| {})
                .ok()
        })
        .and_then(|mut v| v.pop().flatten());
    match change {
        Some(c) => {
            let date = crate::stale::dates::from_seconds(c.time)
                .map(|d| d.to_string())
                .unwrap_or_default();
            let id = c.commit.to_string();
            format!(
                "Last changed {date} in {} by {}",
                &id[..id.len().min(10)],
                c.author
            )
        }
        None => "Not committed yet".to_owned(),
    }
}

pub fn hover(ws: &Workspace, path: &str, offset: usize) -> Option<Hover> {
    let doc = ws.document(path)?;
    let lines = Lines::new(doc.text());
    let (text, span) = ws.with_index(|index, site| match target_at(ws, index, doc, offset)? {
        Target::Term { slug, span } => Some((term_hover(index, &slug)?, span)),
        Target::Link(link) => {
            let target = link_target(&link, path)?;
            let to = index.document(target)?;
            let mut out = match index.slug(target) {
                Some(slug) => term_hover(index, slug)?,
                None => format!(
                    "**{}** (`{target}`)",
                    title(to).unwrap_or_else(|| target.to_owned())
                ),
            };
            if let Some(h) = link
                .resolution
                .fragment
                .as_deref()
                .and_then(|f| heading(site, to, f))
            {
                out.push_str(&format!("\n\nSection: {}", h.text));
            }
            out.push_str("\n\n");
            out.push_str(&last_change(ws, target));
            Some((out, link.span))
        }
    })?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: Some(lines.range(&span)),
    })
}

/// Where the thing at `offset` is defined: a link's target (its heading, for a fragment),
/// a term's document.
pub fn definition(ws: &Workspace, paths: &Paths, path: &str, offset: usize) -> Vec<Location> {
    let Some(doc) = ws.document(path) else {
        return Vec::new();
    };
    let places: Vec<(String, Range<usize>)> =
        ws.with_index(|index, site| match target_at(ws, index, doc, offset) {
            Some(Target::Term { slug, .. }) => index
                .term(&slug)
                .iter()
                .map(|p| ((*p).to_owned(), 0..0))
                .collect(),
            Some(Target::Link(link)) => {
                let Some(target) = link_target(&link, path) else {
                    return Vec::new();
                };
                let span = link
                    .resolution
                    .fragment
                    .as_deref()
                    .zip(index.document(target))
                    .and_then(|(f, to)| heading(site, to, f))
                    .map_or(0..0, |h| h.span.clone());
                vec![(target.to_owned(), span)]
            }
            None => Vec::new(),
        });
    locations(ws, paths, places)
}

fn locations(ws: &Workspace, paths: &Paths, places: Vec<(String, Range<usize>)>) -> Vec<Location> {
    places
        .into_iter()
        .filter_map(|(path, span)| {
            let text = ws.document(&path).map_or("", Document::text);
            Some(Location {
                uri: paths.uri(&path)?,
                range: Lines::new(text).range(&span),
            })
        })
        .collect()
}

/// The document the thing at `offset` names (a link's target, a term's document), else
/// the document itself.
fn subject(ws: &Workspace, index: &Index<'_>, doc: &Document, offset: usize) -> Option<String> {
    match target_at(ws, index, doc, offset) {
        Some(Target::Term { slug, .. }) => index.term(&slug).first().map(|p| (*p).to_owned()),
        Some(Target::Link(link)) => link_target(&link, doc.path()).map(str::to_owned),
        None => Some(doc.path().to_owned()),
    }
}

/// Every place that refers to `target`: links into it (from other documents), and the
/// slugs that name its term. Sorted by path and offset.
fn referrers(ws: &Workspace, index: &Index<'_>, target: &str) -> Vec<(String, Range<usize>)> {
    let mut out = BTreeSet::new();
    let slug = index.slug(target);
    for doc in &ws.session.documents {
        for link in index.links(doc.path()) {
            if let Resolved::Found { path, .. } = &link.resolution.outcome {
                if path == target {
                    out.insert((doc.path().to_owned(), link.span.start, link.span.end));
                }
            }
        }
        if let Some(slug) = slug {
            for r in term_references(&ws.session.settings, doc) {
                if r.slug == slug {
                    let span = slug_span(doc.text(), &r.span, slug).unwrap_or(r.span);
                    out.insert((doc.path().to_owned(), span.start, span.end));
                }
            }
        }
    }
    out.into_iter().map(|(p, s, e)| (p, s..e)).collect()
}

pub fn references(ws: &Workspace, paths: &Paths, path: &str, offset: usize) -> Vec<Location> {
    let Some(doc) = ws.document(path) else {
        return Vec::new();
    };
    let places = ws.with_index(|index, _| match subject(ws, index, doc, offset) {
        Some(target) => referrers(ws, index, &target),
        None => Vec::new(),
    });
    locations(ws, paths, places)
}

/// Edits to text, by path, and at most one file renamed.
#[derive(Default)]
struct Edits {
    text: BTreeMap<String, Vec<(Range<usize>, String)>>,
    rename: Option<(String, String)>,
}

/// The span of a link's path as written: its target up to a `#fragment` or `?query`.
fn path_part(text: &str, link: &Link) -> Option<Range<usize>> {
    let raw = text.get(link.span.clone())?;
    let end = raw.find(['#', '?']).unwrap_or(raw.len());
    (end > 0).then(|| link.span.start..link.span.start + end)
}

/// Edits that keep every link to `old` (and the links of `old` itself, should it change
/// folder) pointing where it did once the file is at `new`.
fn moved(ws: &Workspace, index: &Index<'_>, old: &str, new: &str, edits: &mut Edits) {
    for doc in &ws.session.documents {
        for link in index.links(doc.path()) {
            // Only a link written as a plain path: a site URL or a wikilink is not rewritten.
            let written = link.target.split(['#', '?']).next().unwrap_or("");
            let resolved = match &link.resolution.outcome {
                Resolved::Found { path, .. } => path,
                _ => continue,
            };
            let plain = paths::join(&paths::parent(doc.path()), written).as_deref()
                == Some(resolved.as_str());
            if !plain {
                continue;
            }
            let (from_dir, to) = match (doc.path() == old, resolved == old) {
                (true, true) => (paths::parent(new), new.to_owned()),
                (true, false) if paths::parent(old) != paths::parent(new) => {
                    (paths::parent(new), resolved.clone())
                }
                (false, true) => (paths::parent(doc.path()), new.to_owned()),
                _ => continue,
            };
            if let Some(span) = path_part(doc.text(), link) {
                edits
                    .text
                    .entry(doc.path().to_owned())
                    .or_default()
                    .push((span, paths::relative(&from_dir, &to)));
            }
        }
    }
    edits.rename = Some((old.to_owned(), new.to_owned()));
}

/// Renames what stands at `offset`: a term slug (every reference to it, and its `slug`
/// value or else its file), or a linked document's path (the file and every link to it).
/// For a link, `new_name` is the new target as the link writes it.
pub fn rename(
    ws: &Workspace,
    paths: &Paths,
    path: &str,
    offset: usize,
    new_name: &str,
) -> Result<WorkspaceEdit, String> {
    let doc = ws
        .document(path)
        .ok_or("not a document of the knowledge base")?;
    let edits = ws.with_index(|index, _| -> Result<Edits, String> {
        let mut edits = Edits::default();
        match target_at(ws, index, doc, offset) {
            Some(Target::Term { slug, .. }) => {
                if new_name.is_empty()
                    || new_name.contains(['/', '\\'])
                    || new_name.chars().any(char::is_whitespace)
                {
                    return Err(format!("`{new_name}` is not a term slug"));
                }
                if !index.term(new_name).is_empty() {
                    return Err(format!("the term `{new_name}` is already defined"));
                }
                for d in &ws.session.documents {
                    for r in term_references(&ws.session.settings, d) {
                        if r.slug == slug {
                            if let Some(span) = slug_span(d.text(), &r.span, &slug) {
                                edits
                                    .text
                                    .entry(d.path().to_owned())
                                    .or_default()
                                    .push((span, new_name.to_owned()));
                            }
                        }
                    }
                }
                for defining in index.term(&slug) {
                    let Some(d) = index.document(defining) else {
                        continue;
                    };
                    match d.data().and_then(|data| data.get("slug")) {
                        Some(e) => {
                            if let Some(span) = slug_span(d.text(), &e.value.span, &slug) {
                                edits
                                    .text
                                    .entry(d.path().to_owned())
                                    .or_default()
                                    .push((span, new_name.to_owned()));
                            }
                        }
                        None => {
                            let ext = defining.rsplit_once('.').map_or("md", |(_, e)| e);
                            let new = format!("{}{new_name}.{ext}", paths::parent(defining));
                            if ws.in_snapshot(&new) {
                                return Err(format!("{new} already exists"));
                            }
                            moved(ws, index, defining, &new, &mut edits);
                        }
                    }
                }
            }
            Some(Target::Link(link)) => {
                let target = match &link.resolution.outcome {
                    Resolved::Found {
                        path: target,
                        is_dir: false,
                    } => target.clone(),
                    _ => return Err("the link leads to no file".to_owned()),
                };
                if new_name.is_empty() || new_name.contains(['#', '?']) {
                    return Err(format!("`{new_name}` is not a path"));
                }
                let new = paths::join(&paths::parent(path), new_name)
                    .filter(|p| !p.is_empty())
                    .ok_or_else(|| format!("`{new_name}` leaves the repository"))?;
                if new == target {
                    return Ok(edits);
                }
                if ws.in_snapshot(&new) {
                    return Err(format!("{new} already exists"));
                }
                moved(ws, index, &target, &new, &mut edits);
            }
            None => return Err("nothing to rename here: a link or a term slug".to_owned()),
        }
        Ok(edits)
    })?;
    let mut changes: Vec<DocumentChangeOperation> = Vec::new();
    for (file, mut list) in edits.text {
        let text = ws.document(&file).map_or("", Document::text);
        let lines = Lines::new(text);
        list.sort_by_key(|(s, _)| s.start);
        list.dedup_by_key(|(s, _)| s.start);
        changes.push(DocumentChangeOperation::Edit(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri: paths.uri(&file).ok_or("a path without a URI")?,
                version: None,
            },
            edits: list
                .into_iter()
                .map(|(span, new_text)| {
                    OneOf::Left(TextEdit {
                        range: lines.range(&span),
                        new_text,
                    })
                })
                .collect(),
        }));
    }
    if let Some((old, new)) = edits.rename {
        changes.push(DocumentChangeOperation::Op(ResourceOp::Rename(
            RenameFile {
                old_uri: paths.uri(&old).ok_or("a path without a URI")?,
                new_uri: paths.uri(&new).ok_or("a path without a URI")?,
                options: None,
                annotation_id: None,
            },
        )));
    }
    Ok(WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(changes)),
        ..WorkspaceEdit::default()
    })
}

/// Completion at `offset` of `path`: term slugs under a reference key, paths under a path
/// key or after `](`, anchors after `#`, and in front matter the content type's keys and
/// enum values.
pub fn completion(ws: &Workspace, path: &str, offset: usize) -> Vec<CompletionItem> {
    let Some(doc) = ws.document(path) else {
        return Vec::new();
    };
    let text = doc.text();
    let offset = crate::source::floor_char_boundary(text, offset.min(text.len()));
    let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line = &text[line_start..offset];
    let lines = Lines::new(text);
    let item = |label: String, kind, detail: Option<String>, from: usize| CompletionItem {
        text_edit: Some(CompletionTextEdit::Edit(TextEdit {
            range: lines.range(&(from..offset)),
            new_text: label.clone(),
        })),
        label,
        kind: Some(kind),
        detail,
        ..CompletionItem::default()
    };
    let yaml = doc
        .front_matter
        .as_ref()
        .is_some_and(|f| f.format == Format::Yaml);
    if yaml && offset < body_start(doc) && offset > 0 {
        return ws.with_index(|index, _| {
            front_matter_completion(ws, index, doc, offset, line_start, &item)
        });
    }
    // A link's destination: `](` not yet closed on this line.
    let Some(open) = line.rfind("](") else {
        return Vec::new();
    };
    let partial = &line[open + 2..];
    if partial.contains([')', ' ', '\t']) {
        return Vec::new();
    }
    let partial_start = line_start + open + 2;
    match partial.split_once('#') {
        Some((target, _)) => {
            let from = partial_start + target.len() + 1;
            ws.with_index(|index, site| {
                let to = if target.is_empty() {
                    Some(path.to_owned())
                } else {
                    let r = crate::resolve::resolve(
                        &ws.session.settings,
                        &ws.session.snapshot,
                        site,
                        path,
                        target,
                    );
                    match r.outcome {
                        Resolved::Found {
                            path,
                            is_dir: false,
                        } => Some(path),
                        _ => None,
                    }
                };
                let mut anchors: Vec<String> = to
                    .and_then(|to| index.anchors(&to))
                    .map(|set| set.iter().map(|a| a.to_string()).collect())
                    .unwrap_or_default();
                anchors.sort();
                anchors
                    .into_iter()
                    .map(|a| item(a, CompletionItemKind::REFERENCE, None, from))
                    .collect()
            })
        }
        // A site-absolute URL, under a site generator: the routes it publishes pages at.
        None if partial.starts_with('/') && ws.session.model.name() != "github" => {
            route_completion(ws, partial, partial_start, &item)
        }
        None => path_completion(ws, path, partial, partial_start, &item),
    }
}

/// The URLs the site publishes pages at that begin with `partial` (a site-absolute URL typed
/// so far), in order, each with the file published there as its detail.
fn route_completion(
    ws: &Workspace,
    partial: &str,
    partial_start: usize,
    item: &Item<'_>,
) -> Vec<CompletionItem> {
    ws.with_index(|_, site| {
        let mut pages: Vec<(&str, &str)> = site
            .pages()
            .filter(|(_, url)| url.starts_with(partial))
            .collect();
        pages.sort_by(|a, b| a.1.cmp(b.1).then_with(|| a.0.cmp(b.0)));
        pages
            .into_iter()
            .map(|(path, url)| {
                item(
                    url.to_owned(),
                    CompletionItemKind::REFERENCE,
                    Some(path.to_owned()),
                    partial_start,
                )
            })
            .collect()
    })
}

type Item<'a> = dyn Fn(String, CompletionItemKind, Option<String>, usize) -> CompletionItem + 'a;

/// The files and folders in the folder `partial` (a path relative to `from`'s folder) has
/// reached so far.
fn path_completion(
    ws: &Workspace,
    from: &str,
    partial: &str,
    partial_start: usize,
    item: &Item<'_>,
) -> Vec<CompletionItem> {
    let base = partial.rfind('/').map_or("", |i| &partial[..=i]);
    let dir = match base.strip_prefix('/') {
        Some(rest) => paths::join("", rest),
        None => paths::join(&paths::parent(from), base),
    };
    let Some(dir) = dir.map(|d| paths::as_dir(&d)) else {
        return Vec::new();
    };
    let mut entries: BTreeMap<String, bool> = BTreeMap::new();
    for f in ws.session.snapshot.files() {
        if let Some(rest) = f.strip_prefix(dir.as_str()) {
            match rest.split_once('/') {
                Some((folder, _)) => entries.insert(format!("{folder}/"), true),
                None => entries.insert(rest.to_owned(), false),
            };
        }
    }
    let from_at = partial_start + base.len();
    entries
        .into_iter()
        .map(|(name, folder)| {
            let kind = if folder {
                CompletionItemKind::FOLDER
            } else {
                CompletionItemKind::FILE
            };
            item(name, kind, None, from_at)
        })
        .collect()
}

fn front_matter_completion(
    ws: &Workspace,
    index: &Index<'_>,
    doc: &Document,
    offset: usize,
    line_start: usize,
    item: &Item<'_>,
) -> Vec<CompletionItem> {
    let text = doc.text();
    let line = &text[line_start..offset];
    let settings = &ws.session.settings;
    // The word being typed: back to a quote, bracket, comma, colon or space.
    let word_start = line
        .rfind(['"', '\'', '[', ',', ' ', '\t', ':'])
        .map_or(line_start, |i| line_start + i + 1);
    let word = &text[word_start..offset];
    // The key whose value is being written: on this line (`key: ...`), or for a list item
    // (`  - ...`) the nearest key line above.
    let key = match line.split_once(':') {
        Some((k, _)) if !k.starts_with([' ', '\t', '-']) => Some(k.trim().to_owned()),
        _ if line.trim_start().starts_with('-') => text[..line_start]
            .lines()
            .rev()
            .find(|l| !l.trim_start().starts_with('-') && !l.trim().is_empty())
            .and_then(|l| l.split_once(':'))
            .map(|(k, _)| k.trim().to_owned()),
        _ => None,
    };
    let schema = settings
        .content_type(doc.path())
        .and_then(|c| c.schema.as_ref())
        .and_then(|s| {
            s.json
                .get("properties")
                .and_then(|p| p.as_object())
                .cloned()
        });
    let Some(key) = key else {
        if line.starts_with([' ', '\t']) {
            return Vec::new();
        }
        // A key of the content type's schema that the block does not have yet, read from
        // the text: while a key is being typed, the block seldom parses.
        let present: BTreeSet<&str> = text[..body_start(doc)]
            .lines()
            .filter(|l| !l.starts_with([' ', '\t', '-', '#']))
            .filter_map(|l| l.split_once(':').map(|(k, _)| k.trim()))
            .collect();
        let mut keys: Vec<(String, Option<String>)> = schema
            .into_iter()
            .flatten()
            .filter(|(k, _)| !present.contains(k.as_str()) || k == word)
            .map(|(k, v)| {
                let about = v.get("description").and_then(|d| d.as_str());
                (k, about.map(str::to_owned))
            })
            .collect();
        keys.sort();
        return keys
            .into_iter()
            .map(|(k, about)| item(k, CompletionItemKind::PROPERTY, about, line_start))
            .collect();
    };
    if settings.terms.reference_keys.contains(&key) {
        let mut slugs: Vec<(String, Option<String>)> = ws
            .session
            .documents
            .iter()
            .filter_map(|d| {
                let slug = index.slug(d.path())?;
                Some((slug.to_owned(), title(d)))
            })
            .collect();
        slugs.sort();
        slugs.dedup_by(|a, b| a.0 == b.0);
        return slugs
            .into_iter()
            .map(|(s, t)| item(s, CompletionItemKind::REFERENCE, t, word_start))
            .collect();
    }
    if settings.links.front_matter_keys.contains(&key) {
        return path_completion(ws, doc.path(), word, word_start, item);
    }
    let values: Vec<String> = schema
        .as_ref()
        .and_then(|p| p.get(&key))
        .and_then(|s| {
            s.get("enum")
                .or_else(|| s.get("items").and_then(|i| i.get("enum")))
        })
        .and_then(|e| e.as_array())
        .map(|values| {
            values
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    values
        .into_iter()
        .map(|v| item(v, CompletionItemKind::ENUM_MEMBER, None, word_start))
        .collect()
}
