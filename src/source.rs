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

    /// Builds the line index now (it is otherwise built on first use).
    pub fn index_lines(&self) {
        self.starts();
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
        Position {
            line: line + 1,
            column: self.chars_between(start, offset) + 1,
        }
    }

    /// The byte offset where 0-based `line`'s text ends, before its line break.
    pub fn line_end(&self, line: usize) -> usize {
        let next = self.line_start(line + 1);
        let bytes = self.text.as_bytes();
        let mut end = next;
        if end > self.line_start(line) && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > self.line_start(line) && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        end
    }

    /// How many characters lie between two character boundaries, `start <= end`.
    pub fn chars_between(&self, start: usize, end: usize) -> usize {
        if end - start <= BLOCK {
            starts_of_chars(&self.text.as_bytes()[start..end])
        } else {
            self.chars_before(end) - self.chars_before(start)
        }
    }

    /// The byte offset `count` characters after `start` (a character boundary), or `limit`
    /// when the text up to `limit` has fewer. Far into a long line this starts from the
    /// nearest 4 KiB mark rather than counting from `start`.
    pub fn offset_after(&self, start: usize, count: usize, limit: usize) -> usize {
        let limit = limit.min(self.text.len());
        if start >= limit {
            return limit;
        }
        let bytes = self.text.as_bytes();
        let (mut at, mut remaining) = (start, count);
        if count > BLOCK {
            let target = self.chars_before(start) + count;
            let marks = self.marks();
            // The last mark at or before the target character: that character starts in its
            // block or a later one.
            let block = marks.partition_point(|&m| m <= target).saturating_sub(1);
            let block_start = block * BLOCK;
            if block_start > start {
                at = block_start;
                remaining = target - marks[block];
            }
        }
        while at < limit {
            if (bytes[at] as i8) >= -0x40 {
                if remaining == 0 {
                    return at;
                }
                remaining -= 1;
            }
            at += 1;
        }
        limit
    }
}

impl SourceFile {
    /// How many characters the text has before byte `offset`, a character boundary: the
    /// bytes that do not continue a UTF-8 sequence.
    fn chars_before(&self, offset: usize) -> usize {
        let marks = self.marks();
        let block = offset / BLOCK;
        marks[block] + starts_of_chars(&self.text.as_bytes()[block * BLOCK..offset])
    }

    fn marks(&self) -> &[usize] {
        self.char_marks.get_or_init(|| {
            let mut marks = Vec::with_capacity(self.text.len() / BLOCK + 1);
            let mut total = 0;
            marks.push(0);
            for block in self.text.as_bytes().chunks(BLOCK) {
                total += starts_of_chars(block);
                marks.push(total);
            }
            marks
        })
    }
}

fn starts_of_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

/// Line starts for `\n`, `\r\n` and a lone `\r`, the endings CommonMark recognises. Every
/// reported document's text is indexed once: the line breaks are found with `memchr`'s
/// vectorised search rather than byte by byte.
pub(crate) fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
    starts.push(0);
    for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        // A `\r\n` ends its line at the `\n`.
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            continue;
        }
        starts.push(i + 1);
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
    fn line_starts_are_where_each_kind_of_line_break_ends() {
        let byte_by_byte = |text: &str| {
            let bytes = text.as_bytes();
            let mut starts = vec![0];
            for (i, b) in bytes.iter().enumerate() {
                if *b == b'\n' || (*b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                    starts.push(i + 1);
                }
            }
            starts
        };
        let pieces = [
            "a",
            "\n",
            "\r",
            "\r\n",
            "é",
            "\n\r",
            "long line of text ",
            "",
        ];
        let mut seed = 1u64;
        for _ in 0..4096 {
            let text: String = (0..12)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    pieces[(seed >> 33) as usize % pieces.len()]
                })
                .collect();
            assert_eq!(line_starts(&text), byte_by_byte(&text), "{text:?}");
        }
        assert_eq!(line_starts("a\r\nb\rc\n"), vec![0, 3, 5, 7]);
    }

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

    #[test]
    fn offsets_after_a_count_of_characters_match_counting_them_one_by_one() {
        let mut text = String::from("# T\r\n");
        for i in 0..20_000 {
            text.push_str(["a", "é", "€", "𝄞", "\n"][i * 7 % 5]);
        }
        let file = SourceFile::new("a.md", text.clone());
        let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        for (k, &start) in starts.iter().enumerate().step_by(1_013) {
            for count in [0, 1, 7, 4_095, 4_096, 4_097, 9_000, 30_000, 100_000] {
                let limit = text.len() - (k % 3);
                let expected = starts
                    .get(k + count)
                    .copied()
                    .filter(|&o| o < limit)
                    .unwrap_or(limit);
                assert_eq!(
                    file.offset_after(start, count, limit),
                    expected,
                    "{count} after {start}"
                );
            }
        }
        assert_eq!(file.line_end(0), 3);
        let lines = SourceFile::new("b.md", "a\r\nbc\rd\n\ne".to_owned());
        let ends: Vec<usize> = (0..lines.line_count()).map(|l| lines.line_end(l)).collect();
        assert_eq!(ends, [1, 5, 7, 8, 10]);
    }
}
