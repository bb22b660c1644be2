//! Finds the front matter block at the top of a document and parses it into a [`Node`] tree.
//!
//! A block counts only when its opening delimiter is the first line (after an optional BOM):
//! `---` for YAML, `+++` for TOML, `{` for a JSON object. A slide deck that uses `---` as a
//! separator after a heading therefore has no front matter; an opening `---` that is never
//! closed is a syntax error, not body text.

use std::ops::Range;

use super::node::{Entry, Node, Value};
use super::{yaml, SyntaxError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Format {
    Yaml,
    Toml,
    Json,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Yaml => "YAML",
            Format::Toml => "TOML",
            Format::Json => "JSON",
        }
    }
}

/// A front matter block.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct FrontMatter {
    pub format: Format,
    /// The opening delimiter (`---`, `+++`, `{`).
    pub open: Range<usize>,
    /// The parsed data, `None` when the block has a syntax error.
    pub data: Option<Node>,
}

/// What the top of a document holds.
#[derive(Debug, Default)]
pub struct Parsed {
    pub front_matter: Option<FrontMatter>,
    pub errors: Vec<SyntaxError>,
    /// Where the Markdown body starts.
    pub body_start: usize,
}

/// Parses the block at the top of `text`; a block over `max` bytes is reported, not parsed.
pub fn parse(text: &str, max: usize) -> Parsed {
    parse_wanted(text, max, &|_| true)
}

/// [`parse`], but a YAML or TOML block for which `wanted` is false is left unparsed: it has
/// no data and no errors. For documents read only for what other documents need of them.
pub fn parse_wanted(text: &str, max: usize, wanted: &dyn Fn(&str) -> bool) -> Parsed {
    let start = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let first_end = line_end(text, start);
    let first = text[start..first_end].trim_end();
    match first {
        "---" => delimited(
            text,
            start,
            first_end,
            Format::Yaml,
            &["---", "..."],
            max,
            wanted,
        ),
        "+++" => delimited(text, start, first_end, Format::Toml, &["+++"], max, wanted),
        _ if first.starts_with('{') => json(text, start, max),
        "" => Parsed {
            body_start: 0,
            errors: late_block(text, start).into_iter().collect(),
            ..Parsed::default()
        },
        _ => Parsed {
            body_start: 0,
            ..Parsed::default()
        },
    }
}

/// A front matter block that blank lines push off the first line: site generators and
/// GitHub then read it as Markdown (a rule and a heading), so its keys are silently lost.
/// Only a closed block whose first line reads as a key (`title: x`, `title = "x"`) counts,
/// so a document that opens with a thematic break is left alone.
fn late_block(text: &str, start: usize) -> Option<SyntaxError> {
    let mut line = start;
    let mut blank = 0usize;
    loop {
        let end = line_end(text, line);
        let content = text[line..end].trim_end();
        if !content.trim().is_empty() {
            let (delimiter, separator) = match content {
                "---" => ("---", ':'),
                "+++" => ("+++", '='),
                _ => return None,
            };
            let first = next_line(text, end);
            let first_end = line_end(text, first);
            let key_line = text[first..first_end]
                .split_once(separator)
                .is_some_and(|(k, _)| {
                    let k = k.trim();
                    !k.is_empty()
                        && k.chars().all(|c| {
                            c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '"' | '\'')
                        })
                });
            let closed = text[first..]
                .lines()
                .take(MAX_LATE_BLOCK_LINES)
                .any(|l| l.trim_end() == delimiter);
            if !key_line || !closed {
                return None;
            }
            let lines = if blank == 1 {
                "line comes"
            } else {
                "lines come"
            };
            return Some(SyntaxError {
                help: Some(
                    "remove the blank lines above it: front matter is read only when its `---` (or `+++`) is the file's first line"
                        .to_owned(),
                ),
                ..SyntaxError::new(
                    line..line + 3,
                    format!(
                        "this looks like front matter, but {blank} blank {lines} before it, so it is read as Markdown and its keys are ignored"
                    ),
                )
            });
        }
        blank += 1;
        if end >= text.len() || blank > MAX_LATE_BLOCK_LINES {
            return None;
        }
        line = next_line(text, end);
    }
}

/// How far `late_block` looks: blank lines before the block, lines inside it.
const MAX_LATE_BLOCK_LINES: usize = 200;

/// The offset of the end of the line starting at `from` (before its line break).
fn line_end(text: &str, from: usize) -> usize {
    text[from..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| from + i)
}

/// The offset after the line break at `at` (which is a line end).
fn next_line(text: &str, at: usize) -> usize {
    let rest = &text.as_bytes()[at..];
    match rest {
        [b'\r', b'\n', ..] => at + 2,
        [b'\n', ..] | [b'\r', ..] => at + 1,
        _ => at,
    }
}

fn delimited(
    text: &str,
    start: usize,
    first_end: usize,
    format: Format,
    closers: &[&str],
    max: usize,
    wanted: &dyn Fn(&str) -> bool,
) -> Parsed {
    let open = start..start + 3;
    let block_start = next_line(text, first_end);
    let mut line = block_start;
    let close = loop {
        if line >= text.len() {
            break None;
        }
        let end = line_end(text, line);
        if closers.contains(&text[line..end].trim_end()) {
            break Some((line, next_line(text, end)));
        }
        if end >= text.len() {
            break None;
        }
        line = next_line(text, end);
    };
    let Some((block_end, body_start)) = close else {
        let delimiter = &text[open.clone()];
        return Parsed {
            front_matter: Some(FrontMatter { format, open: open.clone(), data: None }),
            errors: vec![SyntaxError::new(open, format!("front matter opened with `{delimiter}` is never closed"))
                .with_help(format!("add a line `{delimiter}` after the last front matter line; a `{delimiter}` used as a separator must not be the first line"))],
            body_start: text.len(),
        };
    };
    if block_end - block_start > max {
        return too_large(format, open, block_end - block_start, max, body_start);
    }
    let block = &text[block_start..block_end];
    if !wanted(block) {
        return Parsed {
            front_matter: Some(FrontMatter {
                format,
                open,
                data: None,
            }),
            errors: vec![],
            body_start,
        };
    }
    let result = match format {
        Format::Yaml => yaml::parse(block, block_start),
        _ => toml(block, block_start),
    };
    finish(format, open, result, body_start)
}

fn finish(
    format: Format,
    open: Range<usize>,
    result: Result<Node, SyntaxError>,
    body_start: usize,
) -> Parsed {
    match result {
        Ok(node) => Parsed {
            front_matter: Some(FrontMatter {
                format,
                open,
                data: Some(node),
            }),
            errors: vec![],
            body_start,
        },
        Err(e) => Parsed {
            front_matter: Some(FrontMatter {
                format,
                open,
                data: None,
            }),
            errors: vec![e],
            body_start,
        },
    }
}

fn toml(block: &str, base: usize) -> Result<Node, SyntaxError> {
    use toml::de::DeTable;
    let table = DeTable::parse(block).map_err(|e| {
        let span = e
            .span()
            .map_or(base..base, |s| base + s.start..base + s.end);
        SyntaxError::new(
            span,
            format!("TOML syntax error: {}", e.message().trim_end()),
        )
    })?;
    let span = table.span();
    Ok(toml_table(
        table.get_ref(),
        base + span.start..base + span.end,
        base,
    ))
}

fn toml_table(table: &toml::de::DeTable<'_>, span: Range<usize>, base: usize) -> Node {
    let entries = table
        .iter()
        .map(|(k, v)| Entry {
            key: k.get_ref().to_string(),
            key_span: base + k.span().start..base + k.span().end,
            value: toml_value(v, base),
        })
        .collect();
    Node {
        value: Value::Map(entries),
        span,
    }
}

fn toml_value(value: &toml::Spanned<toml::de::DeValue<'_>>, base: usize) -> Node {
    use toml::de::DeValue;
    let span = base + value.span().start..base + value.span().end;
    let v = match value.get_ref() {
        DeValue::String(s) => Value::String(s.as_ref().into()),
        DeValue::Integer(i) => match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
            Ok(n) => Value::Int(n),
            Err(_) => Value::String(i.as_str().into()),
        },
        DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .map_or(Value::String(f.as_str().into()), Value::Float),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::String(d.to_string().into()),
        DeValue::Array(items) => Value::Seq(items.iter().map(|i| toml_value(i, base)).collect()),
        DeValue::Table(t) => return toml_table(t, span, base),
    };
    Node { value: v, span }
}

/// A JSON object at the top of the file. serde_json decides where it ends and whether it is
/// valid; the spans come from reading the same text as YAML, of which JSON is a subset.
/// A block over the limit: reported once, not parsed, and the body still checked.
fn too_large(
    format: Format,
    open: Range<usize>,
    size: usize,
    max: usize,
    body_start: usize,
) -> Parsed {
    let error = SyntaxError::new(
        open.clone(),
        format!("front matter is {size} bytes, over the limit of {max}; it was not parsed"),
    )
    .with_help("shorten it, or raise [limits] max-front-matter-size");
    Parsed {
        front_matter: Some(FrontMatter {
            format,
            open,
            data: None,
        }),
        errors: vec![error],
        body_start,
    }
}

fn json(text: &str, start: usize, max: usize) -> Parsed {
    let open = start..start + 1;
    let mut stream =
        serde_json::Deserializer::from_str(&text[start..]).into_iter::<serde_json::Value>();
    let value = match stream.next() {
        Some(Ok(v)) => v,
        Some(Err(e)) => {
            let at = json_error_offset(text, start, e.line(), e.column());
            let error = SyntaxError::new(
                at..at,
                format!("JSON syntax error: {}", strip_json_position(&e.to_string())),
            );
            return Parsed {
                front_matter: Some(FrontMatter {
                    format: Format::Json,
                    open,
                    data: None,
                }),
                errors: vec![error],
                body_start: text.len(),
            };
        }
        None => return Parsed::default(),
    };
    let end = start + stream.byte_offset();
    let body_start = next_line(text, line_end(text, end).min(text.len()));
    if end - start > max {
        return too_large(Format::Json, open, end - start, max, body_start);
    }
    let result = if value.is_object() {
        // serde_json keeps the last of duplicate keys silently; the YAML reading reports them
        // (and any other structural problem) with a position. Only a YAML-specific syntax
        // complaint about valid JSON falls back to the position-less tree.
        match yaml::parse(&text[start..end], start) {
            Err(e) if e.message.starts_with(yaml::SYNTAX_PREFIX) => {
                Ok(from_json(&value, start..end))
            }
            other => other,
        }
    } else {
        Err(SyntaxError::new(
            start..end,
            "JSON front matter must be an object",
        ))
    };
    finish(Format::Json, open, result, body_start)
}

/// The file offset of serde_json's 1-based line and column, counted from `start`.
fn json_error_offset(text: &str, start: usize, line: usize, column: usize) -> usize {
    let mut offset = start;
    for _ in 1..line {
        offset = next_line(text, line_end(text, offset));
    }
    let at = (offset + column.saturating_sub(1)).min(text.len());
    crate::source::floor_char_boundary(text, at)
}

fn strip_json_position(message: &str) -> &str {
    message.find(" at line ").map_or(message, |i| &message[..i])
}

/// A tree without positions: every node points at the whole block. Used only when the YAML
/// reading of valid JSON fails (JSON's escapes are a superset of YAML's in a few corners).
fn from_json(value: &serde_json::Value, span: Range<usize>) -> Node {
    use serde_json::Value as J;
    let v = match value {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => n
            .as_i64()
            .map_or_else(|| Value::Float(n.as_f64().unwrap_or(f64::NAN)), Value::Int),
        J::String(s) => Value::String(s.as_str().into()),
        J::Array(items) => Value::Seq(items.iter().map(|i| from_json(i, span.clone())).collect()),
        J::Object(map) => Value::Map(
            map.iter()
                .map(|(k, v)| Entry {
                    key: k.clone(),
                    key_span: span.clone(),
                    value: from_json(v, span.clone()),
                })
                .collect(),
        ),
    };
    Node { value: v, span }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_default(text: &str) -> Parsed {
        parse(text, crate::document::Limits::default().max_front_matter)
    }

    #[test]
    fn a_block_over_the_limit_is_reported_not_parsed() {
        let text = format!("---\nbig: \"{}\"\n---\n# Body\n", "x".repeat(100));
        let parsed = parse(&text, 50);
        assert!(parsed.errors[0].message.contains("over the limit of 50"));
        assert!(parsed.front_matter.unwrap().data.is_none());
        assert_eq!(&text[parsed.body_start..], "# Body\n");
    }

    #[test]
    fn yaml_block_with_bom_and_crlf() {
        let text = "\u{feff}---\r\nterm: x\r\n---\r\nbody";
        let parsed = parse_default(text);
        assert!(parsed.errors.is_empty());
        let fm = parsed.front_matter.expect("front matter");
        assert_eq!(fm.format, Format::Yaml);
        assert_eq!(
            &text[fm.data.unwrap().get("term").unwrap().value.span.clone()],
            "x"
        );
        assert_eq!(&text[parsed.body_start..], "body");
    }

    #[test]
    fn slide_separator_after_a_heading_is_not_front_matter() {
        let parsed = parse_default("# Deck\n\n---\n\n## Slide\n");
        assert!(parsed.front_matter.is_none());
        assert!(parsed.errors.is_empty());
    }

    #[test]
    fn unterminated_block_is_an_error() {
        let parsed = parse_default("---\nterm: x\n# Heading\n");
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].span, 0..3);
    }

    #[test]
    fn toml_and_json_blocks_have_spans() {
        let text = "+++\ntitle = \"a\"\ntags = [\"x\", \"y\"]\n+++\nbody";
        let parsed = parse_default(text);
        let data = parsed.front_matter.unwrap().data.unwrap();
        assert_eq!(
            &text[data.get("title").unwrap().value.span.clone()],
            "\"a\""
        );
        let text = "{\n  \"title\": \"a\",\n  \"n\": 2\n}\nbody";
        let parsed = parse_default(text);
        let data = parsed.front_matter.unwrap().data.unwrap();
        assert_eq!(&text[data.get("n").unwrap().value.span.clone()], "2");
        assert_eq!(&text[parsed.body_start..], "body");
    }

    #[test]
    fn json_error_offset_is_in_file_coordinates() {
        let text = "{\n  \"a\": 1,\n  \"b\" 2\n}\n";
        let parsed = parse_default(text);
        let at = parsed.errors[0].span.start;
        assert_eq!(&text[at..at + 1], "2");
    }
}
