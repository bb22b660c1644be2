//! MDX (`.mdx`), the Markdown with JSX and JavaScript that Docusaurus and Astro Starlight
//! pages are written in. Nothing is evaluated. One linear pass sets aside what is not
//! Markdown: ESM blocks (`import`/`export`), JSX tags and `{expressions}` become spaces, so
//! that pulldown-cmark reads the rest, the children of JSX elements included, as Markdown
//! with every byte where it was. String `href` and `src` props of JSX tags become
//! references, string `id` props anchors, and `{/* docsteward-... */}` comments
//! suppressions. MDX has no indented code, so indentation that would make pulldown-cmark
//! see code is cut to three columns before it reads the text, and its spans are mapped
//! back to the file.
//!
//! The grammar followed is micromark's MDX extensions (what `@mdx-js/mdx` 2 and 3 parse);
//! `tests/mdx.rs` compares the result with theirs. Where MDX would refuse a file, the
//! construct that fails is read as text and the pass goes on.

use std::collections::HashMap;
use std::ops::Range;

use super::markdown::{self, Markdown, RefKind, Reference};

/// Parses the body of `text`, which starts at `body_start`. Spans are offsets into `text`.
pub fn parse(text: &str, body_start: usize) -> Markdown {
    let mut scan = Scan::new(text, body_start);
    scan.run();
    let Scan {
        out,
        holes,
        code,
        mut found,
        ..
    } = scan;
    let Some(shadow) = Shadow::new(out, body_start, &code) else {
        // Blanking keeps character boundaries, so this does not happen; if it did, plain
        // Markdown is the next best reading.
        return markdown::parse(text, body_start);
    };
    let holes: Vec<Range<usize>> = holes
        .iter()
        .map(|h| shadow.to_shadow(h.start)..shadow.to_shadow(h.end))
        .collect();
    let mut md = markdown::parse_masked(&shadow.text, body_start, &holes);
    md.map_spans(|s| shadow.to_original(s));
    md.references.append(&mut found.references);
    md.references.sort_by_key(|r| r.span.start);
    md.html_anchors.append(&mut found.html_anchors);
    md.suppressions.append(&mut found.suppressions);
    // The sink reads enabling and disabling comments in order.
    md.suppressions.sort_by_key(|s| s.span.start);
    md.empty_alt.append(&mut found.empty_alt);
    md.empty_alt.sort_by_key(|r| r.start);
    md
}

/// The first pass: finds ESM, JSX tags and expressions outside code, blanks them in `out`
/// and keeps what their props and comments say in `found`.
struct Scan<'t> {
    text: &'t str,
    b: &'t [u8],
    body_start: usize,
    /// `text` with what is not Markdown replaced by spaces (line endings kept).
    out: Vec<u8>,
    /// The blanked ranges, in order.
    holes: Vec<Range<usize>>,
    /// Lines inside fenced code, whose indentation is content.
    code: Vec<Range<usize>>,
    found: Markdown,
    ticks: Backticks,
    /// Block quote markers on the line being read: a construct that goes on to the next
    /// line skips as many there, as MDX does.
    quotes: usize,
    /// No tag is tried before this offset: a tag that failed had read up to it. Together
    /// with the flags below this keeps the pass linear on any input.
    tags_from: usize,
    /// No `<destination>` before this offset has a closing `>` on its line.
    no_angle_before: usize,
    /// A tag, an expression or an ESM block ran to the end of the file unterminated; no
    /// other of its kind is tried (MDX refuses such a file).
    tags_unterminated: bool,
    code_unterminated: bool,
}

/// An open fenced code block.
#[derive(Clone, Copy)]
struct Fence {
    marker: u8,
    len: usize,
    quotes: usize,
}

impl<'t> Scan<'t> {
    fn new(text: &'t str, body_start: usize) -> Self {
        let b = text.as_bytes();
        Scan {
            text,
            b,
            body_start,
            out: b.to_vec(),
            holes: Vec::new(),
            code: Vec::new(),
            found: Markdown::default(),
            ticks: Backticks::new(b, body_start),
            quotes: 0,
            tags_from: 0,
            no_angle_before: 0,
            tags_unterminated: false,
            code_unterminated: false,
        }
    }

    /// Reads the body line by line: fences and ESM are decided at line starts, everything
    /// else by [`Scan::inline`], which may run over several lines.
    fn run(&mut self) {
        let b = self.b;
        let mut i = self.body_start;
        // Whether a paragraph goes on: ESM cannot interrupt one.
        let mut paragraph = false;
        let mut fence: Option<Fence> = None;
        while i < b.len() {
            let eol = line_end(b, i);
            let next = (eol + 1).min(b.len());
            if let Some(f) = fence {
                // Code lines have no list markers: `- ```` there is code, not a fence.
                let (quotes, content) = prefix(b, i, eol, false, |_, _| {});
                if quotes >= f.quotes {
                    if closes_fence(b, content, eol, f) {
                        fence = None;
                    } else {
                        self.code.push(i..next);
                    }
                    i = next;
                    continue;
                }
                // The block quote that held the fence ended, and the fence with it.
                fence = None;
            }
            let (quotes, content) = prefix(b, i, eol, true, |_, _| {});
            if is_blank(&b[content..eol]) {
                paragraph = false;
                i = next;
                continue;
            }
            if let Some(f) = opens_fence(b, content, eol, quotes) {
                fence = Some(f);
                paragraph = false;
                i = next;
                continue;
            }
            if content == i && !paragraph && is_esm_start(&b[i..eol]) {
                i = self.esm(i);
                paragraph = false;
                continue;
            }
            self.quotes = quotes;
            let heading = is_atx_heading(b, content, eol);
            let keep = if heading {
                heading_id(b, content, eol)
            } else {
                None
            };
            let (end, last_line) = self.inline(content, eol, keep);
            let last_eol = line_end(b, last_line);
            paragraph = !heading && !is_blank(&self.out[last_line..last_eol]);
            i = end;
        }
    }

    /// An ESM block from `start` to the blank line (or end of file) where its JavaScript is
    /// complete; returns where the next line starts.
    fn esm(&mut self, start: usize) -> usize {
        let end = match (!self.code_unterminated)
            .then(|| js_end(self.b, start, 0, true))
            .flatten()
        {
            Some(end) => end,
            None => {
                // MDX refuses the file; reading up to the first blank line loses least.
                self.code_unterminated = true;
                blank_line_after(self.b, start)
            }
        };
        self.blank(start..end);
        (end + 1).min(self.b.len())
    }

    /// Reads inline constructs from `i` to the end of its line, or further when one goes
    /// on; stops at `keep` (a heading's `{#id}`). Returns where the next line starts and
    /// where the last line read started.
    fn inline(&mut self, mut i: usize, mut eol: usize, keep: Option<usize>) -> (usize, usize) {
        let b = self.b;
        let start = i;
        let mut last_line = line_start(b, i);
        let mut leads = false;
        // `[label]: <destination>` on this line is a definition, not JSX.
        let definition = b.get(i) == Some(&b'[');
        while i < eol && Some(i) != keep {
            i = match b[i] {
                b'\\' if b.get(i + 1).is_some_and(u8::is_ascii_punctuation) => i + 2,
                b'`' => {
                    let n = run_len(b, i, b'`');
                    match self.ticks.closing(i + n, n) {
                        Some(close) => close + n,
                        None => i + n,
                    }
                }
                b'{' => match self.expression(i) {
                    Some(end) => {
                        self.comment(i..end);
                        self.blank(i..end);
                        leads |= i == start;
                        end
                    }
                    None => i + 1,
                },
                b'<' => match self.tag(i) {
                    Some(end) => {
                        self.blank(i..end);
                        leads |= i == start;
                        end
                    }
                    None => i + 1,
                },
                b']' if b.get(i + 1) == Some(&b'(') => self.skip_destination(i + 2, eol),
                b']' if definition && b.get(i + 1) == Some(&b':') => {
                    self.skip_destination(i + 2, eol)
                }
                _ => i + 1,
            };
            if i > eol {
                last_line = line_start(b, i);
                eol = line_end(b, i);
            }
        }
        // A line that starts with JSX or an expression and goes on with text is a paragraph
        // in MDX, whatever the text: a letter where the tag was keeps `<Tag /> # text` from
        // reading as a heading (or a list, a quote, code) once the tag is blank.
        if leads && !is_blank(&self.out[last_line..eol]) {
            self.out[start] = b'x';
        }
        ((eol + 1).min(b.len()), last_line)
    }

    /// The end of the expression whose `{` is at `p`.
    fn expression(&mut self, p: usize) -> Option<usize> {
        if self.code_unterminated {
            return None;
        }
        let end = js_end(self.b, p + 1, self.quotes, false);
        self.code_unterminated = end.is_none();
        end
    }

    /// A `{/* docsteward-... */}` comment.
    fn comment(&mut self, span: Range<usize>) {
        let inner = self.text[span.start + 1..span.end - 1].trim();
        if let Some(body) = inner.strip_prefix("/*").and_then(|c| c.strip_suffix("*/")) {
            if let Some(s) = markdown::directive(body, span) {
                self.found.suppressions.push(s);
            }
        }
    }

    /// The JSX tag whose `<` is at `p` (`<Name attr="v" {...spread} />`, `</Name>`,
    /// `<>`): its end, after its props were noted. `None` where MDX reads no tag.
    fn tag(&mut self, p: usize) -> Option<usize> {
        if self.tags_unterminated || p < self.tags_from {
            return None;
        }
        let b = self.b;
        // `<` before whitespace is text in MDX; anything else that is not a tag is an
        // error there, and text here.
        if b.get(p + 1).is_none_or(u8::is_ascii_whitespace) {
            return None;
        }
        let mut j = self.space(p + 1);
        let closing = b.get(j) == Some(&b'/');
        if closing {
            j = self.space(j + 1);
        }
        let mut name = j..j;
        if b.get(j) != Some(&b'>') {
            // `Name`, `Member.access.name` or `prefix:local`.
            loop {
                let end = ident_end(b, j);
                if end == j {
                    return self.failed(j);
                }
                name.end = end;
                j = self.space(end);
                match b.get(j) {
                    Some(b'.' | b':') => j = self.space(j + 1),
                    _ => break,
                }
            }
        }
        let mut props: Vec<(Range<usize>, Option<Range<usize>>)> = Vec::new();
        let end = loop {
            j = self.space(j);
            match b.get(j) {
                None => {
                    self.tags_unterminated = true;
                    return None;
                }
                Some(b'>') => break j + 1,
                Some(b'/') => {
                    j = self.space(j + 1);
                    if b.get(j) != Some(&b'>') {
                        return self.failed(j);
                    }
                    break j + 1;
                }
                Some(b'{') => j = self.prop_expression(j)?,
                Some(&c) if is_ident_start(c) => {
                    let name_start = j;
                    j = ident_end(b, j);
                    if b.get(j) == Some(&b':') {
                        j = ident_end(b, j + 1);
                    }
                    let name_end = j;
                    j = self.space(j);
                    if b.get(j) != Some(&b'=') {
                        props.push((name_start..name_end, None));
                        continue;
                    }
                    j = self.space(j + 1);
                    match b.get(j) {
                        Some(&q @ (b'"' | b'\'')) => {
                            let Some(close) = find(b, j + 1, q) else {
                                self.tags_unterminated = true;
                                return None;
                            };
                            props.push((name_start..name_end, Some(j + 1..close)));
                            j = close + 1;
                        }
                        Some(b'{') => {
                            j = self.prop_expression(j)?;
                            props.push((name_start..name_end, None));
                        }
                        _ => return self.failed(j),
                    }
                }
                Some(_) => return self.failed(j),
            }
        };
        if !closing {
            let text = self.text;
            self.props(&text[name], p..end, &props);
        }
        Some(end)
    }

    /// The end of a `{...}` in a tag, or `None` when it never closes.
    fn prop_expression(&mut self, p: usize) -> Option<usize> {
        let end = self.expression(p);
        self.tags_unterminated |= end.is_none();
        end
    }

    /// A tag that failed at `j`: no tag starting before it is tried again.
    fn failed(&mut self, j: usize) -> Option<usize> {
        self.tags_from = self.tags_from.max(j);
        None
    }

    /// What the string props of the tag `name` at `span` say: `href` is a link and `src`
    /// an image on any element, `id` (and `name` on `<a>`) an anchor; an `<img>` without
    /// alt text is noted.
    fn props(
        &mut self,
        name: &str,
        span: Range<usize>,
        props: &[(Range<usize>, Option<Range<usize>>)],
    ) {
        let mut alt = None;
        for (prop, value) in props {
            let prop = &self.text[prop.clone()];
            if prop == "alt" {
                alt = Some(
                    value
                        .as_ref()
                        .map(|v| self.text[v.clone()].trim().is_empty()),
                );
            }
            let Some(value) = value else { continue };
            let target = markdown::decode_entities(&self.text[value.clone()]);
            let kind = match (name, prop) {
                (_, "href") => RefKind::HtmlLink,
                (_, "src") => RefKind::HtmlImage,
                (_, "id") | ("a", "name") => {
                    self.found.html_anchors.push(target);
                    continue;
                }
                _ => continue,
            };
            self.found.references.push(Reference {
                kind,
                target,
                span: value.clone(),
            });
        }
        // `alt={...}` may well have text; only a missing or blank string is reported.
        if name == "img" && matches!(alt, None | Some(Some(true))) {
            self.found.empty_alt.push(span);
        }
    }

    /// Past whitespace from `j`, line endings and the block quote markers after them
    /// included.
    fn space(&self, mut j: usize) -> usize {
        let b = self.b;
        while let Some(&c) = b.get(j) {
            match c {
                b'\n' => j = skip_quotes(b, j + 1, self.quotes),
                c if c.is_ascii_whitespace() => j += 1,
                _ => break,
            }
        }
        j
    }

    fn blank(&mut self, range: Range<usize>) {
        for c in &mut self.out[range.clone()] {
            if !matches!(*c, b'\n' | b'\r') {
                *c = b' ';
            }
        }
        self.holes.push(range);
    }
}

/// Where JavaScript starting at `i` ends, for finding the end of an expression (`i` is
/// after its `{`; the result is after the `}` that closes it) or of an ESM block (`esm`:
/// the line end before a blank line, once every bracket is closed). Knows just enough of
/// JavaScript and JSX for that: brackets, strings, template literals, comments, regular
/// expressions, and JSX elements, whose text may hold quotes and braces. `None` when the
/// end of the file comes first. Linear in what it reads.
fn js_end(b: &[u8], i: usize, quotes: usize, esm: bool) -> Option<usize> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Ctx {
        Brace,
        Template,
        /// Between a JSX tag's `<` and `>`.
        Tag,
        /// A JSX element's children, up to its closing tag.
        Children,
    }
    let mut stack = if esm { Vec::new() } else { vec![Ctx::Brace] };
    // The last byte of code that is not whitespace: whether `/` starts a regular
    // expression and `<` a JSX element, rather than dividing or comparing.
    let mut last = b'{';
    let mut j = i;
    while let Some(&c) = b.get(j) {
        if c == b'\n' {
            if esm && stack.is_empty() && is_blank_line(b, j + 1) {
                return Some(j);
            }
            j = skip_quotes(b, j + 1, quotes);
            continue;
        }
        let top = stack.last().copied();
        // A JSX element opens among children, or where code expects an operand.
        if c == b'<'
            && b.get(j + 1)
                .is_some_and(|&n| n == b'>' || is_ident_start(n))
            && match top {
                None | Some(Ctx::Brace) => starts_operand(b, j, last),
                Some(Ctx::Children) => true,
                Some(Ctx::Template | Ctx::Tag) => false,
            }
        {
            stack.push(Ctx::Tag);
            last = b'<';
            j += 1;
            continue;
        }
        match top {
            None | Some(Ctx::Brace) => match c {
                b'{' => stack.push(Ctx::Brace),
                b'}' if !stack.is_empty() => {
                    stack.pop();
                    if stack.is_empty() && !esm {
                        return Some(j + 1);
                    }
                }
                b'\'' | b'"' => {
                    j = string_end(b, j);
                    last = b'"';
                    continue;
                }
                b'`' => stack.push(Ctx::Template),
                b'/' if b.get(j + 1) == Some(&b'/') => {
                    j = line_end(b, j);
                    continue;
                }
                b'/' if b.get(j + 1) == Some(&b'*') => {
                    j = find_pair(b, j + 2, b"*/")? + 2;
                    continue;
                }
                b'/' if starts_operand(b, j, last) => {
                    j = regex_end(b, j);
                    last = b'/';
                    continue;
                }
                _ => {}
            },
            Some(Ctx::Template) => match c {
                b'\\' => {
                    j += 2;
                    continue;
                }
                b'`' => {
                    stack.pop();
                    last = b'"';
                    j += 1;
                    continue;
                }
                b'$' if b.get(j + 1) == Some(&b'{') => {
                    stack.push(Ctx::Brace);
                    last = b'{';
                    j += 2;
                    continue;
                }
                _ => {}
            },
            Some(Ctx::Tag) => match c {
                b'"' | b'\'' => {
                    j = find(b, j + 1, c)? + 1;
                    last = b'"';
                    continue;
                }
                b'{' => stack.push(Ctx::Brace),
                b'>' => {
                    stack.pop();
                    if last != b'/' {
                        stack.push(Ctx::Children);
                    }
                    last = b')';
                    j += 1;
                    continue;
                }
                _ => {}
            },
            Some(Ctx::Children) => match c {
                b'{' => stack.push(Ctx::Brace),
                b'<' if b.get(j + 1) == Some(&b'/') => {
                    j = find(b, j, b'>')? + 1;
                    stack.pop();
                    last = b')';
                    continue;
                }
                _ => {
                    j += 1;
                    continue;
                }
            },
        }
        if !c.is_ascii_whitespace() {
            last = c;
        }
        j += 1;
    }
    (esm && stack.is_empty()).then_some(b.len())
}

/// Whether the code before `j` (whose last byte that is not whitespace is `last`) expects
/// an operand, so that `/` opens a regular expression and `<` a JSX element.
fn starts_operand(b: &[u8], j: usize, last: u8) -> bool {
    if b"(,=:?&|!{[;>+-*%~^".contains(&last) {
        return true;
    }
    // `return <div />`, `return /x/`.
    let before = b[..j].trim_ascii_end();
    before.ends_with(b"return")
        && !before[..before.len() - 6]
            .last()
            .is_some_and(|&c| is_ident_continue(c))
}

/// After the string whose quote is at `j`; a line ending ends it too (JavaScript allows
/// none), so a stray apostrophe costs at most its line.
fn string_end(b: &[u8], j: usize) -> usize {
    let q = b[j];
    let mut k = j + 1;
    while let Some(&c) = b.get(k) {
        match c {
            b'\\' => k += 2,
            b'\n' => return k,
            c if c == q => return k + 1,
            _ => k += 1,
        }
    }
    b.len()
}

/// After the regular expression whose `/` is at `j`, or after the `/` alone when none
/// closes on its line.
fn regex_end(b: &[u8], j: usize) -> usize {
    let mut k = j + 1;
    let mut class = false;
    while let Some(&c) = b.get(k) {
        match c {
            b'\\' => k += 1,
            b'\n' => return j + 1,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => return k + 1,
            _ => {}
        }
        k += 1;
    }
    j + 1
}

/// The text pulldown-cmark reads, and the way back to the file. Lines keep their starts and
/// lengths: a line whose indentation would make code has it cut, and as many spaces put
/// before its end.
struct Shadow {
    text: String,
    /// `(shadow offset, original offset, clamp)`, sorted: from a shadow offset on, the
    /// original is as far past the segment's original start, or that start itself when
    /// `clamp` (the padding at the end of a line).
    segments: Vec<(usize, usize, bool)>,
}

impl Shadow {
    fn new(mut out: Vec<u8>, body_start: usize, code: &[Range<usize>]) -> Option<Shadow> {
        let mut segments = vec![(0, 0, false)];
        let mut code = code.iter().peekable();
        let mut i = body_start;
        let mut cuts: Vec<Range<usize>> = Vec::new();
        let mut line = Vec::new();
        while i < out.len() {
            let eol = line_end(&out, i);
            let next = (eol + 1).min(out.len());
            while code.next_if(|c| c.end <= i).is_some() {}
            let in_code = code.peek().is_some_and(|c| c.start <= i);
            // Content ends before a `\r\n`, so the padding stays on its line.
            let end = if eol > i && out[eol - 1] == b'\r' {
                eol - 1
            } else {
                eol
            };
            cuts.clear();
            if !in_code {
                let (_, content) = prefix(&out, i, end, true, |run, after| {
                    if let Some(cut) = indentation_cut(&out, run, after) {
                        cuts.push(cut);
                    }
                });
                if content == end {
                    cuts.clear();
                }
            }
            if !cuts.is_empty() {
                line.clear();
                let mut at = i;
                let mut removed = 0;
                for cut in &cuts {
                    line.extend_from_slice(&out[at..cut.start]);
                    removed += cut.len();
                    at = cut.end;
                    segments.push((cut.end - removed, cut.end, false));
                }
                line.extend_from_slice(&out[at..end]);
                line.resize(end - i, b' ');
                segments.push((end - removed, end, true));
                segments.push((end, end, false));
                out[i..end].copy_from_slice(&line);
            }
            i = next;
        }
        Some(Shadow {
            text: String::from_utf8(out).ok()?,
            segments,
        })
    }

    fn to_original(&self, s: usize) -> usize {
        let k = self.segments.partition_point(|seg| seg.0 <= s) - 1;
        let (shadow, original, clamp) = self.segments[k];
        if clamp {
            original
        } else {
            original + (s - shadow)
        }
    }

    fn to_shadow(&self, o: usize) -> usize {
        let k = self.segments.partition_point(|seg| seg.1 <= o) - 1;
        let (shadow, original, _) = self.segments[k];
        let s = shadow + (o - original);
        // Inside a cut: where the cut was.
        match self.segments.get(k + 1) {
            Some(next) => s.min(next.0),
            None => s,
        }
    }
}

/// What stands before a run of indentation in a line's prefix.
#[derive(Clone, Copy, PartialEq, Eq)]
enum After {
    LineStart,
    Quote,
    ListMarker,
}

/// The part of the whitespace `run` to cut so that pulldown-cmark sees no indented code,
/// which MDX does not have: at most three columns at a line start, four after `>` (its
/// space included), one after a list marker.
fn indentation_cut(b: &[u8], run: Range<usize>, after: After) -> Option<Range<usize>> {
    let code_at = match after {
        After::LineStart => 4,
        After::Quote | After::ListMarker => 5,
    };
    let keep = match after {
        After::LineStart => 3,
        After::Quote => 4,
        After::ListMarker => 1,
    };
    let mut columns = 0;
    for &c in &b[run.clone()] {
        columns += if c == b'\t' { 4 - columns % 4 } else { 1 };
    }
    if columns < code_at {
        return None;
    }
    let spaces = b[run.clone()].iter().take_while(|&&c| c == b' ').count();
    Some(run.start + spaces.min(keep)..run.end)
}

/// Reads the container markers at the start of the line `start..end`: block quote `>`s
/// and (with `lists`) list markers, with the whitespace around them, each run of which
/// `on_space` sees. Returns how many `>` there were and where the content starts.
fn prefix(
    b: &[u8],
    start: usize,
    end: usize,
    lists: bool,
    mut on_space: impl FnMut(Range<usize>, After),
) -> (usize, usize) {
    let mut j = start;
    let mut quotes = 0;
    let mut after = After::LineStart;
    loop {
        let run = j;
        while j < end && matches!(b[j], b' ' | b'\t') {
            j += 1;
        }
        if j > run {
            on_space(run..j, after);
        }
        if j < end && b[j] == b'>' {
            quotes += 1;
            j += 1;
            after = After::Quote;
        } else if let Some(k) = lists.then(|| list_marker(b, j, end)).flatten() {
            j = k;
            after = After::ListMarker;
        } else {
            return (quotes, j);
        }
    }
}

/// After a list marker (`-`, `*`, `+`, `1.`, `1)`) at `j` that is followed by whitespace
/// or the line end.
fn list_marker(b: &[u8], j: usize, end: usize) -> Option<usize> {
    let digits = b[j..end].iter().take_while(|c| c.is_ascii_digit()).count();
    let after = match b.get(j + digits) {
        Some(b'-' | b'*' | b'+') if digits == 0 => j + 1,
        Some(b'.' | b')') if (1..=9).contains(&digits) => j + digits + 1,
        _ => return None,
    };
    (after == end || matches!(b.get(after), Some(b' ' | b'\t'))).then_some(after)
}

/// A code fence opening at `content`: three or more backticks (with no backtick after
/// them on the line) or tildes.
fn opens_fence(b: &[u8], content: usize, eol: usize, quotes: usize) -> Option<Fence> {
    let marker = *b.get(content).filter(|c| matches!(c, b'`' | b'~'))?;
    let len = run_len(b, content, marker);
    if len < 3 || (marker == b'`' && b[content + len..eol].contains(&b'`')) {
        return None;
    }
    Some(Fence {
        marker,
        len,
        quotes,
    })
}

/// Whether the line whose content starts at `content` closes `fence`. MDX allows any
/// indentation before it.
fn closes_fence(b: &[u8], content: usize, eol: usize, fence: Fence) -> bool {
    let len = run_len(b, content, fence.marker);
    len >= fence.len && is_blank(&b[content + len..eol])
}

/// An ATX heading: one to six `#` and then whitespace or the line end.
fn is_atx_heading(b: &[u8], content: usize, eol: usize) -> bool {
    let n = run_len(b, content, b'#');
    (1..=6).contains(&n) && (content + n == eol || b[content + n].is_ascii_whitespace())
}

/// The `{` of a `{#custom-id}` that ends a heading line: an id as Docusaurus reads it in
/// MDX, not an expression.
fn heading_id(b: &[u8], content: usize, eol: usize) -> Option<usize> {
    let line = b[content..eol].trim_ascii_end();
    if line.last() != Some(&b'}') {
        return None;
    }
    let open = line.iter().rposition(|&c| c == b'{')?;
    (line.get(open + 1) == Some(&b'#')).then_some(content + open)
}

/// `import ` or `export ` at a line start.
fn is_esm_start(line: &[u8]) -> bool {
    line.starts_with(b"import ") || line.starts_with(b"export ")
}

impl Scan<'_> {
    /// Past a link destination whose `(` (or definition `:`) ends before `j`: what is
    /// written there is a URL, never JSX. Stays on the line.
    fn skip_destination(&mut self, mut j: usize, eol: usize) -> usize {
        let b = self.b;
        while j < eol && matches!(b[j], b' ' | b'\t') {
            j += 1;
        }
        if b.get(j) != Some(&b'<') {
            return raw_destination_end(b, j, eol);
        }
        // One search per line finds that no `>` closes: `[x](<` repeated stays linear.
        if j >= self.no_angle_before {
            if let Some(k) = b[j..eol].iter().position(|&c| c == b'>') {
                return j + k + 1;
            }
            self.no_angle_before = eol;
        }
        j + 1
    }
}

/// After a link destination without angle brackets starting at `j`: balanced parentheses,
/// up to whitespace.
fn raw_destination_end(b: &[u8], mut j: usize, eol: usize) -> usize {
    let mut depth = 0usize;
    while j < eol {
        match b[j] {
            b'\\' => j += 1,
            b'(' => depth += 1,
            b')' if depth == 0 => return j,
            b')' => depth -= 1,
            c if c.is_ascii_whitespace() => return j,
            _ => {}
        }
        j += 1;
    }
    j.min(eol)
}

/// Maximal runs of backticks, to find where a code span closes in O(log n): the next run of
/// the same length before a blank line.
struct Backticks {
    by_len: HashMap<usize, Vec<usize>>,
    blank_lines: Vec<usize>,
}

impl Backticks {
    fn new(b: &[u8], start: usize) -> Self {
        let mut by_len: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut blank_lines = Vec::new();
        let mut i = start;
        let mut line_blank = true;
        while i < b.len() {
            match b[i] {
                b'`' => {
                    let n = run_len(b, i, b'`');
                    by_len.entry(n).or_default().push(i);
                    line_blank = false;
                    i += n;
                    continue;
                }
                b'\n' => {
                    if line_blank {
                        blank_lines.push(i);
                    }
                    line_blank = true;
                }
                c if c.is_ascii_whitespace() => {}
                _ => line_blank = false,
            }
            i += 1;
        }
        Backticks {
            by_len,
            blank_lines,
        }
    }

    /// The start of the run of exactly `n` backticks that closes a code span opened before
    /// `from`.
    fn closing(&self, from: usize, n: usize) -> Option<usize> {
        let runs = self.by_len.get(&n)?;
        let close = *runs.get(runs.partition_point(|&r| r < from))?;
        let blank = self.blank_lines.partition_point(|&l| l < from);
        match self.blank_lines.get(blank) {
            Some(&l) if l < close => None,
            _ => Some(close),
        }
    }
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'$' || c == b'_' || c >= 0x80
}

/// A JSX name character: JavaScript's, and `-`.
fn is_ident_continue(c: u8) -> bool {
    is_ident_start(c) || c.is_ascii_digit() || c == b'-'
}

/// After the JSX name at `j`, or `j` when none starts there.
fn ident_end(b: &[u8], j: usize) -> usize {
    if !b.get(j).is_some_and(|&c| is_ident_start(c)) {
        return j;
    }
    j + b[j..].iter().take_while(|&&c| is_ident_continue(c)).count()
}

/// After up to `quotes` block quote markers (and the whitespace before each) at `j`.
fn skip_quotes(b: &[u8], mut j: usize, quotes: usize) -> usize {
    for _ in 0..quotes {
        let k = j + b[j..]
            .iter()
            .take_while(|&&c| matches!(c, b' ' | b'\t'))
            .count();
        if b.get(k) != Some(&b'>') {
            break;
        }
        j = k + 1;
    }
    j
}

fn run_len(b: &[u8], i: usize, c: u8) -> usize {
    b[i..].iter().take_while(|&&x| x == c).count()
}

fn find(b: &[u8], from: usize, c: u8) -> Option<usize> {
    b.get(from..)?
        .iter()
        .position(|&x| x == c)
        .map(|k| from + k)
}

fn find_pair(b: &[u8], from: usize, pair: &[u8; 2]) -> Option<usize> {
    b.get(from..)?
        .windows(2)
        .position(|w| w == pair)
        .map(|k| from + k)
}

fn line_end(b: &[u8], i: usize) -> usize {
    find(b, i, b'\n').unwrap_or(b.len())
}

fn line_start(b: &[u8], i: usize) -> usize {
    b[..i]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |k| k + 1)
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// Whether the line starting at `i` is blank (or the file ends there).
fn is_blank_line(b: &[u8], i: usize) -> bool {
    is_blank(&b[i.min(b.len())..line_end(b, i.min(b.len()))])
}

/// The end of the last line before the first blank line after `start` (or the file end).
fn blank_line_after(b: &[u8], start: usize) -> usize {
    let mut eol = line_end(b, start);
    while eol < b.len() && !is_blank_line(b, eol + 1) {
        eol = line_end(b, eol + 1);
    }
    eol
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(kind, target, text at the span)` of every reference.
    fn refs(text: &str) -> Vec<(RefKind, String, String)> {
        parse(text, 0)
            .references
            .into_iter()
            .map(|r| (r.kind, r.target, text[r.span].to_owned()))
            .collect()
    }

    fn targets(text: &str) -> Vec<String> {
        refs(text).into_iter().map(|(_, t, _)| t).collect()
    }

    #[test]
    fn links_props_and_images_have_exact_spans() {
        let text = "import A from './a.js'\n\n# T\n\n<Card href=\"/x/\" title={`t`} />\n[l](./l.md) <img src='i.png' alt=\"I\" />\n\n    <LinkCard href=\"../y/\">\n      ![p](<p q.png>)\n    </LinkCard>\n";
        assert_eq!(
            refs(text),
            [
                (RefKind::HtmlLink, "/x/".into(), "/x/".into()),
                (RefKind::Link, "./l.md".into(), "./l.md".into()),
                (RefKind::HtmlImage, "i.png".into(), "i.png".into()),
                (RefKind::HtmlLink, "../y/".into(), "../y/".into()),
                (RefKind::Image, "p q.png".into(), "<p q.png>".into()),
            ]
        );
    }

    #[test]
    fn esm_runs_to_the_blank_line_where_its_code_is_complete() {
        let text = "export const a = {\n  x: '[a](a.md)',\n\n  y: `\n\n[b](b.md)`,\n}\n[c](c.md)\n\n[d](d.md)\n";
        assert_eq!(targets(text), ["d.md"]);
        // Not at a line start, or inside a paragraph: text.
        let text = "a\nimport [x](x.md)\n\n import [y](y.md)\n";
        assert_eq!(targets(text), ["x.md", "y.md"]);
    }

    #[test]
    fn expressions_hold_braces_strings_templates_comments_and_jsx() {
        let text = "{\"}\" + `${ {a: '}'}.a } [n](n.md)` /* } */ + 1} [a](a.md)\n\n{x && <p>It's {y} [m](m.md)</p>} {list.map(i => /[}]/.test(i))} [b](b.md)\n";
        assert_eq!(targets(text), ["a.md", "b.md"]);
    }

    #[test]
    fn code_is_never_jsx() {
        let text = "```jsx\n<a href=\"f\">\n```\n\n   ~~~\n   {x}\n   <a href=\"g\">\n ~~~~\n\n`<a href=\"h\">` ``{`` <a href=\"i\">\n";
        assert_eq!(targets(text), ["i"]);
        // In a fence, `- ```` is code: no list item starts there to close it.
        let text = "- a\n  ```\n  - ```\n  <a href=\"j\">\n  ```\n- b <a href=\"k\">\n";
        assert_eq!(targets(text), ["k"]);
    }

    #[test]
    fn children_of_jsx_in_lists_and_quotes_are_markdown() {
        let text = "> <Note\n>   href=\"q\">\n> [a](a.md)\n> </Note>\n\n- <Card href=\"c\" /> [b](b.md)\n\n1. <Tabs>\n     <Tab>\n         [c](c.md)\n     </Tab>\n   </Tabs>\n";
        assert_eq!(targets(text), ["q", "a.md", "c", "b.md", "c.md"]);
    }

    #[test]
    fn heading_text_leaves_jsx_and_expressions_out() {
        let md = parse(
            "# Hello <Badge>new</Badge> {1 + 1}\n\n## Install {#custom-id}\n\n   <Tag />    ## Not a heading\n",
            0,
        );
        let headings: Vec<(&str, &str)> = md
            .headings
            .iter()
            .map(|h| (h.text.as_str(), h.anchor.as_str()))
            .collect();
        assert_eq!(
            headings,
            [("Hello new", "hello-new"), ("Install", "custom-id")]
        );
    }

    #[test]
    fn indentation_cut_maps_spans_back() {
        let text = "<A>\n\n        [deep](deep.md) <B href=\"x\" />\n\r\n\t\t![t](t.png)\r\n";
        let md = parse(text, 0);
        let spans: Vec<&str> = md
            .references
            .iter()
            .map(|r| &text[r.span.clone()])
            .collect();
        assert_eq!(spans, ["deep.md", "x", "t.png"]);
    }

    #[test]
    fn comments_suppress() {
        let md = parse(
            "{/* docsteward-disable-next-line links/missing-file -- why */}\n{/* just a comment */}\n",
            0,
        );
        assert_eq!(md.suppressions.len(), 1);
        assert_eq!(md.suppressions[0].rules, ["links/missing-file"]);
        assert_eq!(md.suppressions[0].span, 0..62);
    }

    #[test]
    fn anchors_and_missing_alt_from_props() {
        let md = parse(
            "<div id=\"a\" />\n<a name=\"b\">x</a>\n<img src=\"c.png\" />\n<img src=\"d.png\" alt={alt} />\n<img src=\"e.png\" alt=\" \" />\n",
            0,
        );
        assert_eq!(md.html_anchors, ["a", "b"]);
        assert_eq!(md.empty_alt.len(), 2);
    }

    #[test]
    fn unterminated_constructs_are_text() {
        for text in [
            "{ [a](a.md)\n",
            "<Card href=\"x [a](a.md)\n",
            "<Card {...x [a](a.md)\n",
            "export const x = {\n[a](a.md)\n\n[b](b.md)\n",
            "`` [a](a.md)\n",
            "{`${ [a](a.md)\n",
            "<a\n",
            "{",
            "<",
            "import ",
        ] {
            let md = parse(text, 0);
            assert!(md.references.len() <= 2, "{text:?}");
        }
        assert_eq!(targets("{ [a](a.md)\n"), ["a.md"]);
        assert_eq!(targets("<Card href=\"x [a](a.md)\n"), ["a.md"]);
    }

    #[test]
    fn hostile_input_stays_linear() {
        let started = std::time::Instant::now();
        for unit in [
            "{",
            "<a b=\"",
            "<a {",
            "`",
            "<a b={<c d={",
            "{`${",
            "export {\n",
            "> <a\n",
            "'",
            "<a b='x'!",
            "[x](<",
            "\\",
            "<>{",
            "{/*",
            "</",
            "\t\t  ",
        ] {
            let text = unit.repeat(200_000 / unit.len());
            let _ = parse(&text, 0);
            let lines = format!("{unit}\n").repeat(100_000 / (unit.len() + 1));
            let _ = parse(&lines, 0);
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
    }
}
