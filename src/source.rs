//! A file's decoded text and the line index that turns byte offsets into 1-based lines and
//! columns (columns count Unicode scalar values). Used only when rendering.

/// The text a diagnostic's span points into.
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
    /// Built on first use: most documents of a scoped run are never rendered.
    line_starts: std::sync::OnceLock<Vec<usize>>,
    /// Characters before every `BLOCK`-th byte, built the first time a column lies far into
    /// a long line, so that many findings on one long line do not each count from its start.
    char_marks: std::sync::OnceLock<Vec<usize>>,
}

/// Bytes between two entries of `SourceFile::char_marks`.
const BLOCK: usize = 4096;

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: String) -> Self {
        SourceFile {
            path: path.into(),
            text,
            line_starts: std::sync::OnceLock::new(),
            char_marks: std::sync::OnceLock::new(),
        }
    }

    fn starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| line_starts(&self.text))
    }

    /// The 0-based line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts().binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// The byte offset where 0-based `line` starts (the end of the text past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.starts().get(line).copied().unwrap_or(self.text.len())
    }

    pub fn line_count(&self) -> usize {
        self.starts().len()
    }

    /// 1-based line and column of a byte offset; offsets inside a character count as that
    /// character, offsets past the end as the end.
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = self.line_of(offset);
        let mut start = self.starts()[line];
        // A byte order mark is not a character any editor, annotation or viewer counts.
        if line == 0 && self.text.starts_with('\u{feff}') {
            start = '\u{feff}'.len_utf8().min(offset.max(start));
        }
        let start = start.min(offset);
        let column = if offset - start <= BLOCK {
            self.text[start..offset].chars().count() + 1
        } else {
            self.chars_before(offset) - self.chars_before(start) + 1
        };
        Position {
            line: line + 1,
            column,
        }
    }
}

impl SourceFile {
    /// How many characters the text has before byte `offset`, a character boundary: the
    /// bytes that do not continue a UTF-8 sequence.
    fn chars_before(&self, offset: usize) -> usize {
        let marks = self.char_marks.get_or_init(|| {
            let mut marks = Vec::with_capacity(self.text.len() / BLOCK + 1);
            let mut total = 0;
            marks.push(0);
            for block in self.text.as_bytes().chunks(BLOCK) {
                total += starts_of_chars(block);
                marks.push(total);
            }
            marks
        });
        let block = offset / BLOCK;
        marks[block] + starts_of_chars(&self.text.as_bytes()[block * BLOCK..offset])
    }
}

fn starts_of_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
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

    #[test]
    fn columns_far_into_a_long_line_count_characters_like_the_short_way() {
        // Two- and three-byte characters straddle the block boundaries.
        let mut text = String::from("# T\n");
        for i in 0..5_000 {
            text.push_str(["a", "é", "€", "b"][i % 4]);
        }
        text.push('\n');
        let file = SourceFile::new("a.md", text.clone());
        let line_start = 4;
        for offset in (line_start..text.len())
            .step_by(997)
            .chain([text.len() - 1])
        {
            let offset = floor_char_boundary(&text, offset);
            let expected = text[line_start..offset].chars().count() + 1;
            assert_eq!(
                file.position(offset),
                Position {
                    line: 2,
                    column: expected
                },
                "at {offset}"
            );
        }
    }
}
