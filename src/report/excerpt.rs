//! The few lines of a file that one finding's snippet shows, cut to a window around its
//! labels, for miette to draw. miette's own source for `&str` finds lines by scanning from
//! the start of the text and shows whole lines; built here from the line index instead, a
//! snippet costs the same however long the file or its lines, and no column is so far right
//! that miette's padding overflows.

use std::ops::Range;

use miette::{LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::source::{floor_char_boundary, Position, SourceFile};

/// A line of at most this many characters is shown whole.
const WHOLE_LINE: usize = 160;
/// Characters shown before the first and after the last marked place of a longer line.
const CONTEXT: usize = 60;
/// Characters of a longer line marked at most; a span running further is cut with `…`.
const MARKED: usize = 80;
/// A label over more lines than this shows only its first `SPAN_LINES` lines.
pub(super) const SPAN_LINES: usize = 6;
/// What stands for the part of a line that is not shown.
const ELLIPSIS: &str = "…";

/// One label of a snippet: a byte span of the file, its text, and whether it is the finding's.
pub struct Mark {
    pub span: Range<usize>,
    pub text: Option<String>,
    pub primary: bool,
}

/// The shown lines, one after another, each ended by `\n`, and the labels moved into them.
pub struct Excerpt {
    name: String,
    text: String,
    lines: Vec<Shown>,
    labels: Vec<LabeledSpan>,
    /// Where each label starts in the file, for the `path:line:column` heading.
    starts: Vec<(usize, Position)>,
}

/// A line of the file as it appears in the excerpt.
struct Shown {
    /// The 0-based line in the file.
    line: usize,
    /// Where it starts in the excerpt, and where the next one does.
    start: usize,
    end: usize,
    /// Where the window's text starts in the excerpt (after a leading `…`).
    body: usize,
    /// The window: a byte range of the file, inside the line.
    from: usize,
    to: usize,
    /// Where the line's text ends in the file.
    line_end: usize,
}

impl Excerpt {
    /// The lines `marks` need (their own, one more either side, a long label's first few),
    /// each cut to a window around its marks.
    pub fn new(name: String, file: &SourceFile, marks: Vec<Mark>) -> Excerpt {
        let text_len = file.text.len();
        let mut excerpt = Excerpt {
            name,
            text: String::new(),
            lines: Vec::new(),
            labels: Vec::new(),
            starts: Vec::new(),
        };
        if text_len == 0 {
            // Nothing to show (an image, a file that is not text): miette draws the heading
            // alone, as it does for an empty source.
            excerpt.labels = marks
                .into_iter()
                .map(|m| label(m.text, 0..0, m.primary))
                .collect();
            excerpt.starts.push((0, Position { line: 1, column: 1 }));
            return excerpt;
        }
        // Each label as the lines it starts and ends on, long ones cut short.
        let mut labels: Vec<Placed> = marks.into_iter().map(|m| Placed::new(file, m)).collect();
        let last = file.line_count() - 1;
        // The final line is empty when the text ends with a line break: never context.
        let last_context = if file.line_start(last) == text_len && last > 0 {
            last - 1
        } else {
            last
        };
        let mut wanted: Vec<usize> = Vec::new();
        for l in &labels {
            wanted.extend(l.first.saturating_sub(1)..=l.last);
            // One line of context after the span; miette counts a span that ends with a
            // line break as reaching the next line, and wants the line after that too.
            let reach = file.line_of(l.span.end);
            wanted.extend((l.last + 1..=reach + 1).filter(|&line| line <= last_context));
        }
        wanted.sort_unstable();
        wanted.dedup();

        // Windows, in characters from the line start: first the lines with a mark, then the
        // others take the nearest marked line's, so the columns line up.
        let mut windows: Vec<Option<(usize, usize)>> = wanted
            .iter()
            .map(|&line| window_of_marked_line(file, line, &labels))
            .collect();
        let marked: Vec<(usize, (usize, usize))> = wanted
            .iter()
            .zip(&windows)
            .filter_map(|(&line, w)| w.map(|w| (line, w)))
            .collect();
        for (line, window) in wanted.iter().zip(windows.iter_mut()) {
            if window.is_none() {
                *window = marked
                    .iter()
                    .min_by_key(|(other, _)| (other.abs_diff(*line), *other > *line))
                    .map(|&(_, w)| w);
            }
        }

        for (&line, window) in wanted.iter().zip(&windows) {
            excerpt.push_line(file, line, window.unwrap_or((0, WHOLE_LINE)));
        }
        for l in &mut labels {
            let start = excerpt.map(file, l.span.start, false);
            let end = excerpt.map(file, l.span.end, true).max(start);
            excerpt.starts.push((start, file.position(l.span.start)));
            excerpt
                .labels
                .push(label(l.text.take(), start..end, l.primary));
        }
        excerpt
    }

    pub fn labels(&self) -> &[LabeledSpan] {
        &self.labels
    }

    /// Appends file line `line`, cut to the characters `window` of it when it is long.
    fn push_line(&mut self, file: &SourceFile, line: usize, (lo, hi): (usize, usize)) {
        let line_start = file.line_start(line);
        let line_end = file.line_end(line);
        let (from, to) = if line_end - line_start <= WHOLE_LINE
            || file.chars_between(line_start, line_end) <= WHOLE_LINE
        {
            (line_start, line_end)
        } else {
            let from = file.offset_after(line_start, lo, line_end);
            (from, file.offset_after(from, hi - lo, line_end))
        };
        let start = self.text.len();
        if from > line_start {
            self.text.push_str(ELLIPSIS);
        }
        let body = self.text.len();
        self.text
            .push_str(&super::neutralized(&file.text[from..to]));
        if to < line_end {
            self.text.push_str(ELLIPSIS);
        }
        self.text.push('\n');
        self.lines.push(Shown {
            line,
            start,
            end: self.text.len(),
            body,
            from,
            to,
            line_end,
        });
    }

    /// Where byte `offset` of the file falls in the excerpt. Outside a line's window it falls
    /// on the `…`: before it for a start, after it for an end (`end`), so a span running out
    /// of the window is marked up to the edge.
    fn map(&self, file: &SourceFile, offset: usize, end: bool) -> usize {
        // An end belongs to the line of the byte before it.
        let line = if end && offset > 0 {
            file.line_of(offset - 1)
        } else {
            file.line_of(offset)
        };
        let Some(shown) = self.lines.iter().find(|s| s.line == line) else {
            return self.text.len();
        };
        if offset > shown.line_end {
            // Inside the line break: past the line.
            return if end { shown.end } else { shown.end - 1 };
        }
        if offset < shown.from {
            return if end { shown.body } else { shown.start };
        }
        if offset > shown.to {
            let after = shown.body + (shown.to - shown.from);
            return if end { after + ELLIPSIS.len() } else { after };
        }
        shown.body + (offset - shown.from)
    }

    /// The shown line holding excerpt offset `at` (the last one for the very end).
    fn shown_at(&self, at: usize) -> Option<usize> {
        let i = self.lines.partition_point(|s| s.end <= at);
        if i < self.lines.len() {
            Some(i)
        } else {
            self.lines.len().checked_sub(1)
        }
    }

    /// The file position where a label starts, for the heading miette writes over it (the
    /// line alone for any other offset: miette asks only for labels).
    fn position(&self, at: usize) -> Position {
        if let Some((_, p)) = self.starts.iter().find(|(s, _)| *s == at) {
            return *p;
        }
        let line = self.shown_at(at).map_or(0, |i| self.lines[i].line);
        Position {
            line: line + 1,
            column: 1,
        }
    }
}

fn label(text: Option<String>, span: Range<usize>, primary: bool) -> LabeledSpan {
    if primary {
        LabeledSpan::new_primary_with_span(text, span)
    } else {
        LabeledSpan::new_with_span(text, span)
    }
}

/// A label placed on the file's lines.
struct Placed {
    span: Range<usize>,
    text: Option<String>,
    primary: bool,
    first: usize,
    last: usize,
}

impl Placed {
    fn new(file: &SourceFile, mark: Mark) -> Placed {
        let len = file.text.len();
        let start = floor_char_boundary(&file.text, mark.span.start.min(len));
        let mut end = ceil_char_boundary(&file.text, mark.span.end.clamp(start, len));
        let first = file.line_of(start);
        let mut last = if end > start {
            file.line_of(end - 1)
        } else {
            first
        };
        let mut text = mark.text;
        if last - first >= SPAN_LINES {
            // Show where it starts; say where it ends.
            let ends_at = file.position(end);
            last = first + SPAN_LINES - 1;
            end = file.line_end(last);
            let note = format!("continues to line {}", ends_at.line);
            text = Some(match text {
                Some(t) => format!("{t} ({note})"),
                None => note,
            });
        }
        Placed {
            span: start..end,
            text,
            primary: mark.primary,
            first,
            last,
        }
    }
}

/// The window, in characters from the line start, of a line some label starts or ends on;
/// `None` for a line no label starts or ends on.
fn window_of_marked_line(
    file: &SourceFile,
    line: usize,
    labels: &[Placed],
) -> Option<(usize, usize)> {
    let line_start = file.line_start(line);
    let column = |offset: usize| file.chars_between(line_start, offset.max(line_start));
    // The places to show, the primary label's first: its start, then the ends on this line.
    let mut places: Vec<usize> = Vec::new();
    let mut ordered: Vec<&Placed> = labels.iter().collect();
    ordered.sort_by_key(|l| !l.primary);
    for l in ordered {
        if l.first == line {
            places.push(column(l.span.start));
        }
        if l.last == line && (l.span.end > l.span.start || l.first != line) {
            places.push(column(l.span.end.min(file.line_end(line))));
        }
    }
    let &focus = places.first()?;
    // From the leftmost place at most `MARKED` characters before the focus to at most
    // `MARKED` characters after that: the other places on the line fall on a `…`.
    let lo = places
        .iter()
        .copied()
        .filter(|&p| p <= focus && focus - p <= MARKED)
        .min()
        .unwrap_or(focus);
    let hi = places
        .iter()
        .copied()
        .max()
        .unwrap_or(focus)
        .min(lo + MARKED);
    Some((lo.saturating_sub(CONTEXT), hi + CONTEXT))
}

fn ceil_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset < text.len() && !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let e = self;
        let (start, len) = (span.offset(), span.len());
        if start + len > e.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let Some(mut first) = e.shown_at(start) else {
            // An empty excerpt: the heading alone.
            let p = e.position(start);
            return Ok(Box::new(MietteSpanContents::new_named(
                e.name.clone(),
                &[],
                (0, 0).into(),
                p.line - 1,
                p.column - 1,
                0,
            )));
        };
        // Like miette's own sources, the line holding the span's end counts, even when the
        // span ends with the line break before it; not across a gap.
        let mut last = e.shown_at(start + len).unwrap_or(first);
        if last > first && e.lines[last - 1].line + 1 != e.lines[last].line {
            last -= 1;
        }
        // Context lines, as long as they are the file's next lines and not a gap.
        for _ in 0..before {
            if first > 0 && e.lines[first - 1].line + 1 == e.lines[first].line {
                first -= 1;
            }
        }
        for _ in 0..after {
            if last + 1 < e.lines.len() && e.lines[last].line + 1 == e.lines[last + 1].line {
                last += 1;
            }
        }
        // With no context, what miette wants is the heading: where the span starts.
        let (data_start, line, column) = if before == 0 {
            let p = e.position(start);
            (start, p.line - 1, p.column - 1)
        } else {
            (e.lines[first].start, e.lines[first].line, 0)
        };
        let data_end = e.lines[last].end.max(data_start);
        Ok(Box::new(MietteSpanContents::new_named(
            e.name.clone(),
            &e.text.as_bytes()[data_start..data_end],
            (data_start, data_end - data_start).into(),
            line,
            column,
            last - first + 1,
        )))
    }
}
