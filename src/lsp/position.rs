//! Byte offsets (how docsteward keeps spans) to and from LSP positions: 0-based lines and
//! UTF-16 code units within a line, as the protocol counts by default. A line ends at
//! `\n`, `\r\n` or a lone `\r`, the three breaks the protocol names.

use lsp_types::{Position, Range};

/// Where each line of a text starts.
pub struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Self {
        Lines {
            text,
            starts: crate::source::line_starts(text),
        }
    }

    /// The position of byte `offset`; an offset inside a character counts as that
    /// character, one past the end as the end.
    pub fn position(&self, offset: usize) -> Position {
        let offset = crate::source::floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character: usize = self.text[start..offset].chars().map(char::len_utf16).sum();
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            character: u32::try_from(character).unwrap_or(u32::MAX),
        }
    }

    pub fn range(&self, span: &std::ops::Range<usize>) -> Range {
        Range {
            start: self.position(span.start),
            end: self.position(span.end.max(span.start)),
        }
    }

    /// The byte offset of `position`: a line past the last is the end of the text, a
    /// character past the end of its line is the line's end (before its break), and one
    /// that falls inside a surrogate pair is the character's start.
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .copied()
            .unwrap_or(self.text.len());
        let line = self.text[start..end].trim_end_matches(['\n', '\r']);
        let mut units = 0usize;
        for (i, c) in line.char_indices() {
            units += c.len_utf16();
            if units > position.character as usize {
                return start + i;
            }
        }
        start + line.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn counts_utf16_units_and_every_line_break() {
        let text = "a\u{e9}\u{1f600}b\r\nx\ry\nz";
        let lines = Lines::new(text);
        let b = text.find('b').unwrap();
        assert_eq!(lines.position(b), pos(0, 4));
        assert_eq!(lines.offset(pos(0, 4)), b);
        assert_eq!(lines.position(text.find('x').unwrap()), pos(1, 0));
        assert_eq!(lines.position(text.find('y').unwrap()), pos(2, 0));
        assert_eq!(lines.position(text.len()), pos(3, 1));
        // Inside the surrogate pair: the emoji's start. Past the line: before its break.
        assert_eq!(lines.offset(pos(0, 3)), text.find('\u{1f600}').unwrap());
        assert_eq!(lines.offset(pos(0, 99)), text.find('\r').unwrap());
        assert_eq!(lines.offset(pos(9, 0)), text.len());
        // Inside a character: that character.
        assert_eq!(lines.position(2), pos(0, 1));
    }
}
