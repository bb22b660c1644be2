//! One pass over the Markdown body with pulldown-cmark's offset iterator: references (links,
//! images, reference definitions, HTML `href`/`src`), headings and anchors, footnotes, and
//! docsteward's suppression comments. Code spans and code blocks contribute nothing.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

/// What kind of construct a reference was written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RefKind {
    Link,
    Image,
    /// A reference definition `[label]: target`, which reference-style links use.
    Definition,
    HtmlLink,
    HtmlImage,
    /// A site generator's link shortcode: Hugo `{{< ref "path" >}}` / `{{< relref >}}`.
    Shortcode,
    /// A wikilink `[[note#Heading|text]]`: the target is a note name, not a path.
    Wikilink,
    /// An embed `![[image.png|300]]`, `![[note#Heading]]`: a wikilink shown in place.
    Embed,
    /// A link written in Jekyll's Liquid: `{% link path %}`, `{% post_url name %}`,
    /// `{{ site.baseurl }}/path`, `{{ 'path' | relative_url }}`; the target is the Liquid as
    /// written, with a `#fragment` written right after it.
    Liquid,
}

impl RefKind {
    pub fn is_image(self) -> bool {
        matches!(self, RefKind::Image | RefKind::HtmlImage)
    }

    /// Whether the target is a vault name (`[[...]]`, `![[...]]`) rather than a URL.
    pub fn is_wikilink(self) -> bool {
        matches!(self, RefKind::Wikilink | RefKind::Embed)
    }

    /// Written in a generator's own syntax, which only that generator's model reads.
    pub fn is_generator_syntax(self) -> bool {
        matches!(self, RefKind::Shortcode | RefKind::Liquid)
    }
}

/// A reference to another file (or anchor) written in the body.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reference {
    pub kind: RefKind,
    /// The destination as written, after Markdown unescaping.
    pub target: String,
    /// The destination's span in the file.
    pub span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub span: Range<usize>,
    /// The anchor the heading is reachable by (custom `{#id}` or its GitHub-style slug).
    pub anchor: String,
    /// Whether `anchor` was written (`{#id}`) rather than made from the text.
    pub custom: bool,
}

#[cfg(test)]
impl Heading {
    /// A level-2 heading with `text` and no anchor yet: what the site models' id tests feed
    /// their slug functions.
    pub(crate) fn plain(text: &str) -> Heading {
        Heading {
            level: 2,
            text: text.to_owned(),
            span: 0..0,
            anchor: String::new(),
            custom: false,
        }
    }
}

/// A `docsteward-disable...` comment.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Suppression {
    pub kind: SuppressionKind,
    /// Empty means every rule.
    pub rules: Vec<String>,
    pub span: Range<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SuppressionKind {
    NextLine,
    Disable,
    Enable,
    File,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Footnote {
    pub label: String,
    pub span: Range<usize>,
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Markdown {
    pub references: Vec<Reference>,
    pub headings: Vec<Heading>,
    /// Anchors from HTML `id`/`name` attributes.
    pub html_anchors: Vec<String>,
    pub footnote_refs: Vec<Footnote>,
    pub footnote_defs: Vec<Footnote>,
    pub suppressions: Vec<Suppression>,
    /// Spans of images whose alt text is empty.
    pub empty_alt: Vec<Range<usize>>,
    /// Code spans and code blocks, in order: text shown as written, which rules about
    /// prose (mojibake) leave alone.
    pub code: Vec<Range<usize>>,
    /// Block ids (`^b7f2` at the end of a paragraph or list item), with their `^`.
    pub block_ids: Vec<String>,
}

impl Markdown {
    /// Every anchor a link's `#fragment` may name in this document.
    pub fn anchors(&self) -> impl Iterator<Item = &str> {
        self.headings
            .iter()
            .map(|h| h.anchor.as_str())
            .chain(self.html_anchors.iter().map(String::as_str))
            .chain(self.block_ids.iter().map(String::as_str))
    }

    /// The text of the first heading, a document's title when its front matter has none.
    pub fn title(&self) -> Option<&str> {
        self.headings.first().map(|h| h.text.as_str())
    }

    /// Moves every span through `to`: for a parse of a text that is not the file itself.
    pub(crate) fn map_spans(&mut self, to: impl Fn(usize) -> usize) {
        let map = |r: &mut Range<usize>| *r = to(r.start)..to(r.end);
        self.references.iter_mut().for_each(|r| map(&mut r.span));
        self.headings.iter_mut().for_each(|h| map(&mut h.span));
        self.footnote_refs.iter_mut().for_each(|f| map(&mut f.span));
        self.footnote_defs.iter_mut().for_each(|f| map(&mut f.span));
        self.suppressions.iter_mut().for_each(|s| map(&mut s.span));
        self.empty_alt.iter_mut().for_each(map);
    }
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        // The older footnote mode reports every `[^label]` as a reference, defined or not,
        // which is what `footnotes/undefined` needs; GFM mode turns undefined ones into text.
        | Options::ENABLE_OLD_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Parses the body of `text`, which starts at `body_start`. Spans are offsets into `text`.
pub fn parse(text: &str, body_start: usize) -> Markdown {
    parse_masked(text, body_start, &[])
}

/// [`parse`], for a text in which `masked` (sorted byte ranges) were blanked out: headings
/// read as if those bytes were not there, so that `Setup <Badge />` in MDX reads `Setup`.
pub(crate) fn parse_masked(text: &str, body_start: usize, masked: &[Range<usize>]) -> Markdown {
    // pulldown-cmark ends some blocks (an ATX heading) only at `\n`; a lone `\r`, which
    // CommonMark also counts as a line ending, becomes `\n`: same length, same spans.
    let normalized;
    let body = match text[body_start..].contains('\r') {
        true => {
            normalized = lone_cr_to_lf(&text[body_start..]);
            normalized.as_str()
        }
        false => &text[body_start..],
    };
    let mut md = Markdown::default();
    let mut slugs = Slugger::default();
    let mut heading: Option<(u8, Option<String>, usize, String)> = None;
    // Open images: where each starts and how many pieces of text had been seen then. An
    // image's alt text is all the text inside it, nested images' included, so it is empty
    // when the count has not moved by its end (O(1) per event however deep the nesting).
    let mut image_alt: Vec<(usize, usize)> = Vec::new();
    let mut texts_seen = 0usize;
    // Where wikilinks are not read: code, HTML blocks, HTML comments.
    let mut not_prose: Vec<Range<usize>> = Vec::new();
    // Whether the current text is in a paragraph or list item (where block ids may end it).
    let mut in_block = 0usize;
    let parser = Parser::new_ext(body, options());
    let mut iter = parser.into_offset_iter();
    for (event, range) in iter.by_ref() {
        let span = body_start + range.start..body_start + range.end;
        // A code block's range covers the whole block; its text events come inside it.
        if matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))) {
            md.code.push(span.clone());
        }
        match &event {
            Event::Start(Tag::HtmlBlock) => not_prose.push(span.clone()),
            Event::InlineHtml(h) if h.starts_with("<!--") => not_prose.push(span.clone()),
            Event::Start(Tag::Paragraph | Tag::Item) => in_block += 1,
            Event::End(TagEnd::Paragraph | TagEnd::Item) => in_block = in_block.saturating_sub(1),
            Event::Text(_) if in_block > 0 && heading.is_none() => {
                if let Some(id) = block_id(text, span.end) {
                    md.block_ids.push(id);
                }
            }
            _ => {}
        }
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((
                    level as u8,
                    id.map(|s| s.to_string()),
                    span.start,
                    String::new(),
                ));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, id, start, text)) = heading.take() {
                    let text = text.trim().to_owned();
                    let custom = id.is_some();
                    let anchor = match id {
                        Some(id) => {
                            slugs.reserve(&id);
                            id
                        }
                        None => slugs.slug(&text),
                    };
                    md.headings.push(Heading {
                        level,
                        text,
                        span: start..span.end,
                        anchor,
                        custom,
                    });
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((.., heading_text)) = heading.as_mut() {
                    push_unmasked(heading_text, &t, &span, text, masked);
                }
                if !t.trim().is_empty() {
                    texts_seen += 1;
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                // Reference-style links are checked once, at their definition.
                if let Some(dest) = inline_destination(text, &span, link_type) {
                    md.references.push(Reference {
                        kind: RefKind::Link,
                        target: dest_url.to_string(),
                        span: dest,
                    });
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                ..
            }) => {
                image_alt.push((span.start, texts_seen));
                if let Some(dest) = inline_destination(text, &span, link_type) {
                    md.references.push(Reference {
                        kind: RefKind::Image,
                        target: dest_url.to_string(),
                        span: dest,
                    });
                }
            }
            Event::End(TagEnd::Image) => {
                if let Some((start, seen)) = image_alt.pop() {
                    if seen == texts_seen {
                        md.empty_alt.push(start..span.end);
                    }
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                scan_html(&html, span.start, &mut md);
            }
            Event::FootnoteReference(label) => {
                md.footnote_refs.push(Footnote {
                    label: label.to_string(),
                    span,
                });
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                md.footnote_defs.push(Footnote {
                    label: label.to_string(),
                    span: footnote_label_span(text, &span),
                });
            }
            _ => {}
        }
    }
    for (_, def) in iter.reference_definitions().iter() {
        let span = body_start + def.span.start..body_start + def.span.end;
        let dest = definition_destination(text, &span).unwrap_or(span);
        md.references.push(Reference {
            kind: RefKind::Definition,
            target: def.dest.to_string(),
            span: dest,
        });
    }
    drop(iter);
    not_prose.extend(md.code.iter().cloned());
    not_prose.sort_by_key(|r| r.start);
    wikilinks(text, body_start, &not_prose, &mut md.references);
    md.references.sort_by_key(|r| r.span.start);
    md
}

/// Finds wikilinks and embeds in `text` from `body_start`, outside `skip` (sorted ranges).
/// pulldown-cmark reads `[[x]]` as plain text, split into several events (and a `|` in a
/// table splits the cell), so the source is scanned instead: a wikilink never spans lines,
/// and the code, HTML and comment ranges the parser found are stepped over.
fn wikilinks(text: &str, body_start: usize, skip: &[Range<usize>], out: &mut Vec<Reference>) {
    let bytes = text.as_bytes();
    let mut skip = skip.iter().peekable();
    let mut at = body_start;
    let (mut line_end, mut next_close) = (0, 0);
    while let Some(found) = text[at..].find("[[") {
        let open = at + found;
        while skip.peek().is_some_and(|r| r.end <= open) {
            skip.next();
        }
        if let Some(r) = skip.peek().filter(|r| r.start <= open) {
            at = r.end.max(open + 1);
            continue;
        }
        at = open + 2;
        if open > 0 && bytes[open - 1] == b'\\' {
            continue;
        }
        // The line's end and the next `]]` are found once and reused by every `[[` before
        // them: a long line of `[[` stays linear.
        if line_end <= open {
            line_end = text[open..].find('\n').map_or(text.len(), |i| open + i);
        }
        if next_close < open + 2 {
            next_close = text[open + 2..]
                .find("]]")
                .map_or(text.len(), |i| open + 2 + i);
        }
        let close = next_close;
        if close >= line_end {
            continue;
        }
        let inner = &text[open + 2..close];
        // The target ends at `|` (`\|` inside a table).
        let end = inner
            .find('|')
            .map_or(inner.len(), |i| i - usize::from(inner[..i].ends_with('\\')));
        let raw = &inner[..end];
        let lead = raw.len() - raw.trim_start().len();
        let target = raw.trim();
        if target.is_empty() || target.contains('[') {
            continue;
        }
        let start = open + 2 + lead;
        if skip.peek().is_some_and(|r| r.start < close) {
            continue;
        }
        let embed = open > 0 && bytes[open - 1] == b'!';
        out.push(Reference {
            kind: if embed {
                RefKind::Embed
            } else {
                RefKind::Wikilink
            },
            target: target.to_owned(),
            span: start..start + target.len(),
        });
        at = close + 2;
    }
}

/// The longest block id read; Obsidian makes six characters.
const MAX_BLOCK_ID: usize = 64;

/// The block id (`^id`, returned with its `^`) that ends a line at `end` in `text`: letters,
/// digits and `-` after a `^` that starts the line or follows a space.
fn block_id(text: &str, end: usize) -> Option<String> {
    // Only the next character that is not a space matters: scanning the rest of the line
    // for every text event would be quadratic on a long line.
    let next = text[end..].find(|c: char| c == '\n' || !c.is_whitespace());
    if next.is_some_and(|i| !text[end + i..].starts_with('\n')) {
        return None;
    }
    let before = text[..end].trim_end_matches([' ', '\t']);
    let id_len = before
        .bytes()
        .rev()
        .take(MAX_BLOCK_ID + 1)
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
        .count();
    let caret = before.len().checked_sub(id_len + 1)?;
    if id_len == 0 || before.as_bytes()[caret] != b'^' {
        return None;
    }
    let prior = before[..caret].bytes().next_back();
    matches!(prior, None | Some(b' ' | b'\t' | b'\n')).then(|| before[caret..].to_owned())
}

/// Appends `t`, an event's text found at `span`, less the bytes of `masked` (sorted ranges)
/// when `t` is `source` there verbatim (an escape or an entity is never masked).
fn push_unmasked(
    out: &mut String,
    t: &str,
    span: &Range<usize>,
    source: &str,
    masked: &[Range<usize>],
) {
    let first = masked.partition_point(|m| m.end <= span.start);
    let hit = masked.get(first).is_some_and(|m| m.start < span.end);
    if !hit || source.get(span.clone()) != Some(t) {
        out.push_str(t);
        return;
    }
    let mut at = span.start;
    for m in masked[first..].iter().take_while(|m| m.start < span.end) {
        if let Some(kept) = source.get(at..m.start) {
            out.push_str(kept);
        }
        at = at.max(m.end);
    }
    if let Some(kept) = source.get(at..span.end) {
        out.push_str(kept);
    }
}

/// The span of an inline link's destination inside `[text](dest "title")`. `None` for
/// reference-style links, whose destination is their definition's.
fn inline_destination(
    text: &str,
    span: &Range<usize>,
    link_type: LinkType,
) -> Option<Range<usize>> {
    if !matches!(link_type, LinkType::Inline) {
        if matches!(link_type, LinkType::Autolink) {
            return Some(span.start + 1..span.end.saturating_sub(1).max(span.start + 1));
        }
        return None;
    }
    // Read from the end: `[text](dest "title")` closes with the parenthesis that opened
    // right after the text's `]`. Scanning the text from the front instead would make
    // nested images (each span holding all inner ones) quadratic.
    let dest_start = match opening_paren(text, span) {
        Some(open) => open + 1,
        None => {
            let src = &text[span.clone()];
            let close = closing_bracket(src)?;
            span.start + close + 1 + usize::from(src[close + 1..].starts_with('('))
        }
    };
    let after = &text[dest_start..span.end];
    let lead = after.len() - after.trim_start().len();
    let len = destination_len(&after[lead..]);
    Some(dest_start + lead..dest_start + lead + len)
}

/// The `(` that the `)` ending `span` closes, when a `]` stands right before it.
fn opening_paren(text: &str, span: &Range<usize>) -> Option<usize> {
    let bytes = &text.as_bytes()[span.clone()];
    if bytes.last() != Some(&b')') {
        return None;
    }
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    for i in (0..bytes.len()).rev() {
        let escaped = i > 0 && bytes[i - 1] == b'\\';
        match (bytes[i], quote) {
            (_, _) if escaped => {}
            (q @ (b'"' | b'\''), None) if depth == 1 => quote = Some(q),
            (c, Some(q)) if c == q => quote = None,
            (_, Some(_)) => {}
            (b')', None) => depth += 1,
            (b'(', None) => {
                depth -= 1;
                if depth == 0 {
                    return (i > 0 && bytes[i - 1] == b']').then_some(span.start + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// `text` with each `\r` not followed by `\n` replaced by `\n`.
fn lone_cr_to_lf(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if c == '\r' && bytes.get(i + 1) != Some(&b'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

/// The span of the destination in a definition `[label]: dest "title"`.
fn definition_destination(text: &str, span: &Range<usize>) -> Option<Range<usize>> {
    let src = &text[span.clone()];
    let close = closing_bracket(src)?;
    let rest = src[close + 1..].strip_prefix(':')?;
    let lead = rest.len() - rest.trim_start().len();
    let dest_start = span.start + close + 2 + lead;
    let len = destination_len(&text[dest_start..span.end]);
    Some(dest_start..dest_start + len)
}

/// The length of a link destination at the start of `s`: `<...>` or a run without spaces
/// whose parentheses balance.
fn destination_len(s: &str) -> usize {
    if s.starts_with('<') {
        return s.find('>').map_or(s.len(), |i| i + 1);
    }
    let mut depth = 0usize;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '(' => depth += 1,
            ')' if depth == 0 => return i,
            ')' => depth -= 1,
            c if c.is_whitespace() => return i,
            _ => {}
        }
    }
    s.len()
}

/// The index of the `]` that closes the link text opened at the start of `src`.
fn closing_bracket(src: &str) -> Option<usize> {
    let start = src.find('[')?;
    let mut depth = 0usize;
    let mut escaped = false;
    let mut in_code = false;
    for (i, c) in src[start..].char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '`' => in_code = !in_code,
            '[' if !in_code => depth += 1,
            ']' if !in_code => {
                depth -= 1;
                if depth == 0 {
                    return Some(start + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The span of the label in `[^label]:` at the start of a footnote definition.
fn footnote_label_span(text: &str, span: &Range<usize>) -> Range<usize> {
    let src = &text[span.clone()];
    match (src.find("[^"), src.find("]:")) {
        (Some(a), Some(b)) if a < b => span.start + a..span.start + b + 1,
        _ => span.start..span.start + src.find('\n').unwrap_or(src.len()),
    }
}

/// Finds suppression comments and the `href`/`src`/`id`/`name` attributes of HTML in the body.
fn scan_html(html: &str, base: usize, md: &mut Markdown) {
    let mut pos = 0;
    while let Some(lt) = html[pos..].find('<') {
        let start = pos + lt;
        if html[start..].starts_with("<!--") {
            let end = html[start..]
                .find("-->")
                .map_or(html.len(), |i| start + i + 3);
            if let Some(s) = suppression(&html[start..end], base + start..base + end) {
                md.suppressions.push(s);
            }
            pos = end;
            continue;
        }
        let end = tag_end(html, start);
        let tag = &html[start..end];
        let name: String = tag[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        for (attr, value, value_start) in attributes(tag) {
            let value_span = base + start + value_start..base + start + value_start + value.len();
            match (name.as_str(), attr.as_str()) {
                ("a", "href") => md.references.push(Reference {
                    kind: RefKind::HtmlLink,
                    target: decode_entities(value),
                    span: value_span,
                }),
                ("img", "src") => {
                    md.references.push(Reference {
                        kind: RefKind::HtmlImage,
                        target: decode_entities(value),
                        span: value_span,
                    });
                    if !attributes(tag)
                        .iter()
                        .any(|(a, v, _)| a == "alt" && !v.trim().is_empty())
                    {
                        md.empty_alt.push(base + start..base + end);
                    }
                }
                (_, "id") | ("a", "name") => md.html_anchors.push(decode_entities(value)),
                _ => {}
            }
        }
        pos = end.max(start + 1);
    }
}

/// The end of the tag starting at `start`, honouring quoted attribute values.
fn tag_end(html: &str, start: usize) -> usize {
    let mut quote = None;
    for (i, c) in html[start..].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return start + i + 1,
            _ => {}
        }
    }
    html.len()
}

/// `(name, value, value offset)` for each attribute of a start tag.
fn attributes(tag: &str) -> Vec<(String, &str, usize)> {
    let bytes = tag.as_bytes();
    let mut out = Vec::new();
    let mut i = 1;
    // Skip the tag name.
    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
        i += 1;
    }
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        let name_start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
        {
            i += 1;
        }
        if i == name_start {
            return out;
        }
        let name = tag[name_start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            out.push((name, "", i));
            continue;
        }
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let (value_start, value_end) = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = tag[i + 1..]
                    .find(q as char)
                    .map_or(tag.len(), |e| i + 1 + e);
                (i + 1, end)
            }
            _ => {
                let end = tag[i..]
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .map_or(tag.len(), |e| i + e);
                (i, end)
            }
        };
        out.push((name, &tag[value_start..value_end], value_start));
        i = (value_end + 1).min(tag.len());
    }
}

pub(crate) fn decode_entities(value: &str) -> String {
    value
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

fn suppression(comment: &str, span: Range<usize>) -> Option<Suppression> {
    directive(comment.strip_prefix("<!--")?.trim_end_matches("-->"), span)
}

/// A suppression from the inside of a comment, whatever its delimiters (`<!-- -->` in
/// Markdown, `{/* */}` in MDX): `docsteward-disable-next-line rule, rule -- why`.
pub(crate) fn directive(inner: &str, span: Range<usize>) -> Option<Suppression> {
    let inner = inner.trim();
    let (word, rest) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
    let kind = match word {
        "docsteward-disable-next-line" => SuppressionKind::NextLine,
        "docsteward-disable" => SuppressionKind::Disable,
        "docsteward-enable" => SuppressionKind::Enable,
        "docsteward-disable-file" => SuppressionKind::File,
        _ => return None,
    };
    // A `--` starts an explanation: `<!-- docsteward-disable rule -- why -->`.
    let rules_text = rest.split(" -- ").next().unwrap_or("");
    let rules = rules_text
        .split([',', ' '])
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect();
    Some(Suppression { kind, rules, span })
}

/// GitHub-style heading slugs: lower-case, punctuation dropped, spaces to `-`, repeats
/// numbered `-1`, `-2`, ...
#[derive(Default)]
pub struct Slugger {
    seen: HashMap<String, usize>,
}

impl Slugger {
    pub fn slug(&mut self, text: &str) -> String {
        let base: String = text
            .trim()
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                '-' | '_' => Some(c),
                c if c.is_alphanumeric() => Some(c),
                _ => None,
            })
            .collect();
        let mut slug = base.clone();
        while let Some(n) = self.seen.get(&slug).copied() {
            let count = self.seen.entry(base.clone()).or_insert(n);
            *count += 1;
            slug = format!("{base}-{}", *count - 1);
            if slug == base {
                break;
            }
        }
        self.seen.entry(slug.clone()).or_insert(1);
        slug
    }

    fn reserve(&mut self, id: &str) {
        self.seen.entry(id.to_owned()).or_insert(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_slugs_number_repeats() {
        let mut s = Slugger::default();
        assert_eq!(s.slug("Examples"), "examples");
        assert_eq!(s.slug("Examples"), "examples-1");
        assert_eq!(s.slug("Examples"), "examples-2");
        assert_eq!(s.slug("What is a CoP?"), "what-is-a-cop");
        assert_eq!(s.slug("Customer Focus – 3 CoPs"), "customer-focus--3-cops");
    }

    #[test]
    fn destinations_have_exact_spans() {
        let text = "See [the *term*](../glossary/a.md#x \"t\") and ![alt](<my img.png>).\n\n[ref]: ./b.md\n";
        let md = parse(text, 0);
        let targets: Vec<(&str, &str)> = md
            .references
            .iter()
            .map(|r| (r.target.as_str(), &text[r.span.clone()]))
            .collect();
        assert_eq!(
            targets,
            [
                ("../glossary/a.md#x", "../glossary/a.md#x"),
                ("my img.png", "<my img.png>"),
                ("./b.md", "./b.md")
            ]
        );
    }

    #[test]
    fn destinations_with_titles_parentheses_and_nesting() {
        let text = "[a](x(1).md \"t (y)\") ![![i](in.png)](out.png) [b](<s p.md> 'q')\n";
        let md = parse(text, 0);
        let spans: Vec<&str> = md
            .references
            .iter()
            .map(|r| &text[r.span.clone()])
            .collect();
        assert_eq!(spans, ["x(1).md", "in.png", "out.png", "<s p.md>"]);
    }

    #[test]
    fn lone_carriage_returns_end_headings() {
        let md = parse("# Title\r\r[x](a.md)\r", 0);
        assert_eq!(md.headings[0].text, "Title");
        assert_eq!(md.references.len(), 1);
    }

    #[test]
    fn code_is_ignored_and_html_is_read() {
        let text = "`[a](x.md)`\n\n```\n[b](y.md)\n```\n\n<a href=\"z.md\" id=\"top\">z</a> <img src='i.png'>\n";
        let md = parse(text, 0);
        let targets: Vec<&str> = md.references.iter().map(|r| r.target.as_str()).collect();
        assert_eq!(targets, ["z.md", "i.png"]);
        assert_eq!(md.empty_alt.len(), 1);
        assert_eq!(md.html_anchors, ["top"]);
    }

    #[test]
    fn wikilinks_and_embeds_with_exact_target_spans() {
        let text = "[[Note]] [[Note|text]] [[Note#A#B]] ![[img.png|300]] [[#Head]] \\[[esc]]\n\n| a | [[T\\|t]] |\n|---|---|\n\n`[[code]]` <!-- [[comment]] -->\n\n```\n[[block]]\n```\n\n<div>\n[[html]]\n</div>\n";
        let md = parse(text, 0);
        let refs: Vec<(RefKind, &str, &str)> = md
            .references
            .iter()
            .map(|r| (r.kind, r.target.as_str(), &text[r.span.clone()]))
            .collect();
        let w = RefKind::Wikilink;
        assert_eq!(
            refs,
            [
                (w, "Note", "Note"),
                (w, "Note", "Note"),
                (w, "Note#A#B", "Note#A#B"),
                (RefKind::Embed, "img.png", "img.png"),
                (w, "#Head", "#Head"),
                (w, "T", "T"),
            ]
        );
    }

    #[test]
    fn block_ids_end_paragraphs_and_list_items() {
        let text = "Para one. ^p1\n\n- item ^i-2\n- no^id\n\nText\n^after\n\n`code ^c`\n";
        let md = parse(text, 0);
        assert_eq!(md.block_ids, ["^p1", "^i-2", "^after"]);
    }

    #[test]
    fn footnotes_defined_and_undefined() {
        let text = "One[^1] two[^missing].\n\n[^1]: Note.\n[^unused]: Never used.\n";
        let md = parse(text, 0);
        let refs: Vec<&str> = md.footnote_refs.iter().map(|f| f.label.as_str()).collect();
        let defs: Vec<&str> = md.footnote_defs.iter().map(|f| f.label.as_str()).collect();
        assert_eq!(refs, ["1", "missing"]);
        assert_eq!(defs, ["1", "unused"]);
    }

    #[test]
    fn suppression_comments() {
        let md = parse(
            "<!-- docsteward-disable-next-line links/missing-file, images/missing-alt -->\n",
            0,
        );
        assert_eq!(md.suppressions[0].kind, SuppressionKind::NextLine);
        assert_eq!(
            md.suppressions[0].rules,
            ["links/missing-file", "images/missing-alt"]
        );
        let md = parse("<!-- docsteward-disable-file -->\n", 0);
        assert!(md.suppressions[0].rules.is_empty());
    }
}
