//! YAML front matter to a [`Node`] tree with byte spans, built from saphyr-parser's events so
//! that docsteward, not the parser, decides how far aliases may expand, how deep nesting may
//! go and what a duplicate key is.
//!
//! An anchored value is shared with its aliases (see [`Value`]), never copied: storing an
//! anchor costs nothing, and an alias costs what it expands to only against the budgets,
//! which count what a reader of the expanded tree (the schema check's JSON, say) would hold.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::node::{Entry, Node, Value};
use super::SyntaxError;

/// How many nodes a block may hold once aliases are expanded. Real front matter has tens;
/// a "billion laughs" block reaches this within a few levels and stops.
pub const MAX_NODES: usize = 100_000;
/// How many bytes of keys and scalar values a block may hold once aliases are expanded: 16
/// times the default front matter size limit, so only aliases reach it (a block larger than
/// half of it, under a raised limit, gets twice its own size, which its text alone never
/// fills). 20,000 aliases of one long string stop here instead of expanding to gigabytes.
pub const MAX_EXPANDED_BYTES: usize = 4 * 1024 * 1024;
/// How a syntax error from the YAML parser itself starts (as opposed to docsteward's own
/// checks: duplicates, budgets).
pub const SYNTAX_PREFIX: &str = "YAML syntax error:";
/// How deeply collections may nest.
pub const MAX_DEPTH: usize = 128;

/// Parses a front matter block `text`, which starts at byte `base` of the file. The block
/// must be a map; an empty block is an empty map.
pub fn parse(text: &str, base: usize) -> Result<Node, SyntaxError> {
    let root = build(text, base)?.unwrap_or(Node {
        value: Value::Map(Arc::new([])),
        span: base..base,
    });
    match root.value {
        Value::Map(_) => Ok(root),
        Value::Null => Ok(Node {
            value: Value::Map(Arc::new([])),
            span: root.span,
        }),
        _ => Err(SyntaxError::new(
            root.span.clone(),
            format!(
                "front matter must be a map of keys to values, found {}",
                root.describe()
            ),
        )),
    }
}

/// Parses a whole YAML file (a schema written in YAML, say) whatever its root.
pub fn parse_value(text: &str) -> Result<Node, SyntaxError> {
    Ok(build(text, 0)?.unwrap_or(Node {
        value: Value::Null,
        span: 0..0,
    }))
}

fn build(text: &str, base: usize) -> Result<Option<Node>, SyntaxError> {
    let offsets = CharOffsets::new(text, base);
    let mut builder = Builder {
        offsets: &offsets,
        stack: Vec::new(),
        anchors: HashMap::new(),
        spent: Spent::default(),
        max_bytes: MAX_EXPANDED_BYTES.max(text.len().saturating_mul(2)),
        root: None,
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| {
            let at = offsets.byte(e.marker().index());
            SyntaxError::new(at..at, format!("{SYNTAX_PREFIX} {}", e.info()))
        })?;
        builder.event(event, span)?;
    }
    Ok(builder.root)
}

/// Maps saphyr's character indices to byte offsets in the file.
struct CharOffsets {
    bytes: Vec<usize>,
}

impl CharOffsets {
    fn new(text: &str, base: usize) -> Self {
        let mut bytes: Vec<usize> = text.char_indices().map(|(i, _)| base + i).collect();
        bytes.push(base + text.len());
        CharOffsets { bytes }
    }

    fn byte(&self, char_index: usize) -> usize {
        self.bytes
            .get(char_index)
            .copied()
            .unwrap_or_else(|| *self.bytes.last().unwrap_or(&0))
    }

    fn span(&self, span: &Span) -> Range<usize> {
        self.byte(span.start.index())..self.byte(span.end.index())
    }
}

/// A collection being read: its anchor, where it starts, and the budgets spent when it
/// opened (what it spends by its end is what an alias of it costs).
struct Open {
    anchor: usize,
    start: usize,
    spent: Spent,
    frame: Frame,
}

enum Frame {
    Seq(Vec<Node>),
    Map {
        entries: Vec<Entry>,
        key: Option<(String, Range<usize>)>,
    },
}

/// Nodes and bytes of keys and scalars, counted as if every alias were expanded.
#[derive(Clone, Copy, Debug, Default)]
struct Spent {
    nodes: usize,
    bytes: usize,
}

impl Spent {
    fn since(self, earlier: Spent) -> Spent {
        Spent {
            nodes: self.nodes.saturating_sub(earlier.nodes),
            bytes: self.bytes.saturating_sub(earlier.bytes),
        }
    }
}

/// An anchored value and what it expands to.
struct Anchored {
    value: Value,
    cost: Spent,
}

struct Builder<'a> {
    offsets: &'a CharOffsets,
    stack: Vec<Open>,
    anchors: HashMap<usize, Anchored>,
    spent: Spent,
    max_bytes: usize,
    root: Option<Node>,
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), SyntaxError> {
        let range = self.offsets.span(&span);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let before = self.spent;
                self.spend(
                    Spent {
                        nodes: 1,
                        bytes: text.len(),
                    },
                    &range,
                )?;
                let tag = tag.map(|t| (t.handle.clone(), t.suffix.clone()));
                let value = resolve_scalar(
                    &text,
                    style,
                    tag.as_ref().map(|(h, s)| (h.as_str(), s.as_str())),
                );
                self.finish(Node { value, span: range }, anchor, before)
            }
            Event::SequenceStart(anchor, _) => self.open(anchor, range, Frame::Seq(Vec::new())),
            Event::MappingStart(anchor, _) => self.open(
                anchor,
                range,
                Frame::Map {
                    entries: Vec::new(),
                    key: None,
                },
            ),
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(open) = self.stack.pop() else {
                    return Ok(());
                };
                let (value, end) = match open.frame {
                    Frame::Seq(items) => {
                        let end = items.last().map_or(range.end, |n| n.span.end);
                        (Value::Seq(items.into()), end)
                    }
                    Frame::Map { entries, .. } => {
                        let end = entries.last().map_or(range.end, |e| e.value.span.end);
                        (Value::Map(entries.into()), end)
                    }
                };
                self.spend(Spent { nodes: 1, bytes: 0 }, &range)?;
                self.finish(
                    Node {
                        value,
                        span: open.start..end.max(open.start),
                    },
                    open.anchor,
                    open.spent,
                )
            }
            Event::Alias(id) => {
                let Some(anchored) = self.anchors.get(&id) else {
                    return Err(SyntaxError::new(range, "alias refers to an unknown anchor"));
                };
                let (value, cost) = (anchored.value.clone(), anchored.cost);
                let before = self.spent;
                self.spend(cost, &range)?;
                // The alias stands where it is written; its content keeps the anchor's spans.
                self.finish(Node { value, span: range }, 0, before)
            }
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::Nothing => Ok(()),
        }
    }

    fn open(
        &mut self,
        anchor: usize,
        range: Range<usize>,
        frame: Frame,
    ) -> Result<(), SyntaxError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(SyntaxError::new(
                range,
                format!("front matter nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.stack.push(Open {
            anchor,
            start: range.start,
            spent: self.spent,
            frame,
        });
        Ok(())
    }

    /// Counts `cost` against the budgets before anything is built, so a runaway alias is
    /// stopped where it is written.
    fn spend(&mut self, cost: Spent, range: &Range<usize>) -> Result<(), SyntaxError> {
        self.spent.nodes = self.spent.nodes.saturating_add(cost.nodes);
        self.spent.bytes = self.spent.bytes.saturating_add(cost.bytes);
        let what = if self.spent.nodes > MAX_NODES {
            format!("{MAX_NODES} values")
        } else if self.spent.bytes > self.max_bytes {
            format!("{} bytes", self.max_bytes)
        } else {
            return Ok(());
        };
        Err(SyntaxError::new(
            range.clone(),
            format!("front matter expands to more than {what} (aliases repeated too often?)"),
        )
        .with_help("a YAML alias stands for its anchor's whole value; aliases of a long value, or nested aliases (a \"billion laughs\" block), multiply it"))
    }

    /// Places a completed node in its parent (or as the root) and records its anchor with
    /// what it cost since `before`.
    fn finish(&mut self, node: Node, anchor: usize, before: Spent) -> Result<(), SyntaxError> {
        if anchor != 0 {
            self.anchors.insert(
                anchor,
                Anchored {
                    value: node.value.clone(),
                    cost: self.spent.since(before),
                },
            );
        }
        match self.stack.last_mut().map(|open| &mut open.frame) {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
                Ok(())
            }
            Some(Frame::Seq(items)) => {
                items.push(node);
                Ok(())
            }
            Some(Frame::Map { entries, key }) => match key.take() {
                None => {
                    let name = match node.value {
                        Value::String(s) => s.to_string(),
                        Value::Null => "null".to_owned(),
                        Value::Bool(b) => b.to_string(),
                        Value::Int(i) => i.to_string(),
                        Value::Float(f) => f.to_string(),
                        Value::Seq(_) | Value::Map(_) => {
                            return Err(SyntaxError::new(
                                node.span,
                                "a key must be a plain value, not a list or a map",
                            ))
                        }
                    };
                    if let Some(first) = entries.iter().find(|e| e.key == name) {
                        return Err(SyntaxError::new(node.span, format!("duplicate key `{name}`"))
                            .with_label(first.key_span.clone(), "first defined here")
                            .with_help("YAML keeps only one of the values; remove or rename one of the keys"));
                    }
                    *key = Some((name, node.span));
                    Ok(())
                }
                Some((name, key_span)) => {
                    entries.push(Entry {
                        key: name,
                        key_span,
                        value: node,
                    });
                    Ok(())
                }
            },
        }
    }
}

/// Resolves a scalar by the YAML 1.2 core schema (what JSON Schema users expect: `yes` is a
/// string, `1.0` a number). Quoted scalars are strings; core tags force a type.
fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<(&str, &str)>) -> Value {
    if let Some((handle, suffix)) = tag {
        if handle == "tag:yaml.org,2002:" || handle == "!!" {
            match suffix {
                "str" => return Value::String(text.into()),
                "null" => return Value::Null,
                // An explicit core tag asks for that type even when the text is quoted.
                "bool" | "int" | "float" => return resolve_scalar(text, ScalarStyle::Plain, None),
                _ => return Value::String(text.into()),
            }
        } else {
            // Local tags (`!foo`) carry meaning only for the application that defined them;
            // the value itself is still text.
            return Value::String(text.into());
        }
    }
    if style != ScalarStyle::Plain {
        return Value::String(text.into());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    if let Some(v) = parse_int(text) {
        return Value::Int(v);
    }
    if looks_like_float(text) {
        if let Ok(f) = text.parse::<f64>() {
            return Value::Float(f);
        }
    }
    Value::String(text.into())
}

fn parse_int(text: &str) -> Option<i64> {
    let (sign, digits) = match text.as_bytes().first()? {
        b'-' => (-1, &text[1..]),
        b'+' => (1, &text[1..]),
        _ => (1, text),
    };
    if let Some(hex) = digits.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok().map(|v| v * sign);
    }
    if let Some(oct) = digits.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).ok().map(|v| v * sign);
    }
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Beyond i64 the value is still a number: let the float branch take it.
    text.parse::<i64>().ok()
}

fn looks_like_float(text: &str) -> bool {
    let t = text.strip_prefix(['-', '+']).unwrap_or(text);
    !t.is_empty()
        && t.bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.')
        && t.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && t.bytes().any(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Node {
        parse(text, 0).expect("valid YAML")
    }

    #[test]
    fn keeps_order_spans_and_core_schema_types() {
        let text = "term: \"CoP\"\ncount: 3\nok: yes\nratio: 1.5\nlist: [a, b]\n";
        let node = parse_ok(text);
        let Value::Map(entries) = &node.value else {
            panic!("map")
        };
        let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["term", "count", "ok", "ratio", "list"]);
        assert_eq!(&text[entries[0].key_span.clone()], "term");
        assert_eq!(entries[1].value.value, Value::Int(3));
        assert_eq!(entries[2].value.value, Value::String("yes".into()));
        assert_eq!(entries[3].value.value, Value::Float(1.5));
        let Value::Seq(items) = &entries[4].value.value else {
            panic!("seq")
        };
        assert_eq!(&text[items[1].span.clone()], "b");
    }

    #[test]
    fn spans_are_bytes_after_multibyte_text() {
        let text = "title: \"é–ü\"\nnext: x\n";
        let node = parse_ok(text);
        let entry = node.get("next").expect("key");
        assert_eq!(&text[entry.value.span.clone()], "x");
    }

    #[test]
    fn duplicate_key_points_at_the_second() {
        let err = parse("a: 1\nb: 2\na: 3\n", 0).unwrap_err();
        assert_eq!(err.span, 10..11);
        assert!(err.message.contains("duplicate key `a`"));
        assert_eq!(err.labels[0].span, 0..1);
    }

    #[test]
    fn alias_bomb_stops_at_the_budget() {
        let mut text = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (i, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().enumerate() {
            let prev = ["a", "b", "c", "d", "e", "f", "g", "h"][i];
            let refs = vec![format!("*{prev}"); 9].join(",");
            text.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        let err = parse(&text, 0).unwrap_err();
        assert!(
            err.message.contains("expands to more than"),
            "{}",
            err.message
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000));
        let err = parse(&text, 0).unwrap_err();
        // saphyr's own recursion limit or ours, whichever is lower: an error either way.
        assert!(
            err.message.contains("nests deeper") || err.message.contains("recursion limit"),
            "{}",
            err.message
        );
    }
}
