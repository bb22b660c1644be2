//! `encoding/mojibake`: UTF-8 read as Windows-1252 and saved again (`â€“` for `–`).

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Fix, Safety, Severity};
use crate::document::Document;
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;
use std::ops::Range;

pub struct Mojibake;

static META: Meta = Meta {
    id: "encoding/mojibake",
    default: Level::On(Severity::Warning),
    doc: include_str!("../../../rules/encoding/mojibake.md"),
};

impl Rule for Mojibake {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, _cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>) {
        // Code shows bytes as they are (a page about encodings quotes mojibake on purpose).
        let code = &doc.markdown.code;
        let in_code = |span: &Range<usize>| {
            let i = code.partition_point(|c| c.end <= span.start);
            code.get(i).is_some_and(|c| c.start <= span.start)
        };
        for (span, intended) in find(doc.text()) {
            if in_code(&span) {
                continue;
            }
            let seen = &doc.text()[span.clone()];
            let message =
                format!("`{seen}` looks like UTF-8 text decoded as Windows-1252 (mojibake)");
            let help = format!("replace it with `{intended}` (U+{:04X})", intended as u32);
            // Three or four characters that decode to one (`â€“`) are never prose; two (`Ã©`)
            // may be, in a page quoting them: that fix is unsafe.
            let safety = if intended.len_utf8() >= 3 {
                Safety::Safe
            } else {
                Safety::Unsafe
            };
            let fix = Fix::replace(safety, span.clone(), intended.to_string());
            out.push(
                Diagnostic::new(META.id, doc.path(), span, message)
                    .with_help(help)
                    .with_fix(fix),
            );
        }
    }
}

/// The Windows-1252 byte a character came from, for the characters mojibake consists of.
fn cp1252_byte(c: char) -> Option<u8> {
    let b = match c {
        '\u{20AC}' => 0x80,
        '\u{201A}' => 0x82,
        '\u{0192}' => 0x83,
        '\u{201E}' => 0x84,
        '\u{2026}' => 0x85,
        '\u{2020}' => 0x86,
        '\u{2021}' => 0x87,
        '\u{02C6}' => 0x88,
        '\u{2030}' => 0x89,
        '\u{0160}' => 0x8A,
        '\u{2039}' => 0x8B,
        '\u{0152}' => 0x8C,
        '\u{017D}' => 0x8E,
        '\u{2018}' => 0x91,
        '\u{2019}' => 0x92,
        '\u{201C}' => 0x93,
        '\u{201D}' => 0x94,
        '\u{2022}' => 0x95,
        '\u{2013}' => 0x96,
        '\u{2014}' => 0x97,
        '\u{02DC}' => 0x98,
        '\u{2122}' => 0x99,
        '\u{0161}' => 0x9A,
        '\u{203A}' => 0x9B,
        '\u{0153}' => 0x9C,
        '\u{017E}' => 0x9E,
        '\u{0178}' => 0x9F,
        // Latin-1 and the C1 controls that undefined Windows-1252 bytes decode to.
        c if ('\u{80}'..='\u{FF}').contains(&c) => c as u32 as u8,
        _ => return None,
    };
    Some(b)
}

/// Spans of mojibake in `text` and the character each stands for: a UTF-8 lead byte and its
/// continuation bytes, each shown as its Windows-1252 character.
pub fn find(text: &str) -> Vec<(Range<usize>, char)> {
    let mut found = Vec::new();
    // Every lead character (U+00C2 to U+00F4) is 0xC3 0x82..0xB4 in UTF-8: without a 0xC3
    // byte there is nothing to find, which is true of most documents.
    if !text.as_bytes().contains(&0xC3) {
        return found;
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let len = match cp1252_byte(c) {
            Some(0xC2..=0xDF) => 2,
            Some(0xE0..=0xEF) => 3,
            Some(0xF0..=0xF4) => 4,
            _ => 0,
        };
        if len > 0 && i + len <= chars.len() {
            let bytes: Option<Vec<u8>> = chars[i..i + len]
                .iter()
                .map(|&(_, c)| cp1252_byte(c))
                .collect();
            if let Some(decoded) = bytes
                .as_deref()
                .and_then(|b| std::str::from_utf8(b).ok())
                .and_then(|s| s.chars().next())
                .filter(|&c| plausible(c))
            {
                let end = chars.get(i + len).map_or(text.len(), |&(o, _)| o);
                found.push((start..end, decoded));
                i += len;
                continue;
            }
        }
        i += 1;
    }
    found
}

/// Whether `c` is a character people write often enough that text decoding to it is more
/// likely mojibake than prose: letters of the scripts whose UTF-8 is commonly misread as
/// Windows-1252, punctuation, symbols and emoji. Real text can look like mojibake by
/// chance (German `ß“` reads as the bytes of U+07D3, an N'Ko letter); decoding to a rare
/// script or a control character means the original was the more plausible text, as
/// ftfy's heuristics also hold.
fn plausible(c: char) -> bool {
    matches!(c as u32,
        0x00A0..=0x024F // Latin-1 Supplement, Latin Extended-A and -B
        | 0x0370..=0x058F // Greek, Cyrillic, Armenian
        | 0x0590..=0x06FF // Hebrew, Arabic
        | 0x0900..=0x0DFF // Indic scripts
        | 0x0E00..=0x0EFF // Thai, Lao
        | 0x1E00..=0x1EFF // Latin Extended Additional (Vietnamese)
        | 0x2000..=0x27BF // punctuation, currency, letterlike, arrows, maths, symbols
        | 0x2E80..=0x9FFF // CJK punctuation, kana, ideographs
        | 0xAC00..=0xD7AF // Hangul
        | 0xFF00..=0xFFEF // full-width forms
        | 0x1F300..=0x1FAFF // emoji
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_the_seeds_mojibake_and_nothing_in_clean_text() {
        let text =
            "problems â€“ in short; Customer Focus â€“ 3 CoPs; cafÃ© and naïve café – “quoted”";
        let found: Vec<char> = super::find(text).into_iter().map(|(_, c)| c).collect();
        assert_eq!(found, ['–', '–', 'é']);
    }

    #[test]
    fn real_text_that_decodes_to_a_rare_script_is_not_mojibake() {
        // `ß“` is the UTF-8 of U+07D3 (N'Ko) read as Windows-1252: German, not mojibake.
        assert_eq!(super::find("„naturgemäß“ und „Straße“"), []);
        // Cyrillic and emoji misread are still found.
        let found: Vec<char> = super::find("Ð¿Ñ€Ð¸ and ðŸ˜€")
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        assert_eq!(found, ['п', 'р', 'и', '😀']);
    }
}
