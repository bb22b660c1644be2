//! A file's decoded text and the line index that turns byte offsets into 1-based lines and
//! columns (columns count Unicode scalar values). Used only when rendering.

/// The text a diagnostic's span points into.
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
    line_starts: Vec<usize>,
}

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: String) -> Self {
        let line_starts = line_starts(&text);
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// The 0-based line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// The byte offset where 0-based `line` starts (the end of the text past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len())
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 1-based line and column of a byte offset; offsets inside a character count as that
    /// character, offsets past the end as the end.
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = self.line_of(offset);
        let mut start = self.line_starts[line];
        // A byte order mark is not a character any editor, annotation or viewer counts.
        if line == 0 && self.text.starts_with('\u{feff}') {
            start = '\u{feff}'.len_utf8().min(offset.max(start));
        }
        let column = self.text[start.min(offset)..offset].chars().count() + 1;
        Position {
            line: line + 1,
            column,
        }
    }
}

/// Line starts for `\n`, `\r\n` and a lone `\r`, the endings CommonMark recognises.
fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => starts.push(i + 1),
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    starts
}

pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_all_line_endings() {
        let file = SourceFile::new("a.md", "ab\r\nçd\rx\ny".to_owned());
        assert_eq!(file.position(0), Position { line: 1, column: 1 });
        assert_eq!(file.position(4), Position { line: 2, column: 1 });
        // `ç` is two bytes: `d` is the second character.
        assert_eq!(file.position(6), Position { line: 2, column: 2 });
        assert_eq!(file.position(8), Position { line: 3, column: 1 });
        assert_eq!(file.position(10), Position { line: 4, column: 1 });
        assert_eq!(file.position(99), Position { line: 4, column: 2 });
        let bom = SourceFile::new("b.md", "\u{feff}ab".to_owned());
        assert_eq!(bom.position(3), Position { line: 1, column: 1 });
        assert_eq!(bom.position(4), Position { line: 1, column: 2 });
        assert_eq!(bom.position(0), Position { line: 1, column: 1 });
    }
}
