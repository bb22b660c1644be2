//! Front matter as a tree of values that remember where they were written, whatever the
//! format (YAML, TOML, JSON). Rules query it by key path; the schema step sees it as JSON.

use std::ops::Range;
use std::sync::Arc;

/// A value and the byte span of its text in the file.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Node {
    pub value: Value,
    pub span: Range<usize>,
}

/// Strings and collections are shared: a YAML anchor and its aliases hold the same value, so
/// an alias costs a reference count, not a copy of what it names.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(Arc<str>),
    Seq(Arc<[Node]>),
    Map(Arc<[Entry]>),
}

/// A key, where it was written, and its value. Maps keep the order the author wrote.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub key: String,
    pub key_span: Range<usize>,
    pub value: Node,
}

/// One step of a key path: a map key or a sequence index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s.as_ref()),
            _ => None,
        }
    }

    /// The node a path leads to, and the span of the key that named it when the last step
    /// was a key.
    pub fn lookup(&self, path: &[Step]) -> Option<(&Node, Option<Range<usize>>)> {
        let mut node = self;
        let mut key_span = None;
        for step in path {
            match (step, &node.value) {
                (Step::Key(k), Value::Map(_)) => {
                    let entry = node.get(k)?;
                    key_span = Some(entry.key_span.clone());
                    node = &entry.value;
                }
                (Step::Index(i), Value::Seq(items)) => {
                    node = items.get(*i)?;
                    key_span = None;
                }
                _ => return None,
            }
        }
        Some((node, key_span))
    }

    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::String(s) => J::String(s.to_string()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_json()))
                    .collect(),
            ),
        }
    }

    /// A short description of the value for messages: its type and, for scalars, the text.
    pub fn describe(&self) -> String {
        match &self.value {
            Value::Null => "null".to_owned(),
            Value::Bool(b) => format!("boolean `{b}`"),
            Value::Int(i) => format!("integer `{i}`"),
            Value::Float(f) => format!("number `{f}`"),
            Value::String(s) => format!("string `{}`", ellipsize(s, 60)),
            Value::Seq(items) => format!("a list of {} item{}", items.len(), plural(items.len())),
            Value::Map(entries) => {
                format!("a map of {} key{}", entries.len(), plural(entries.len()))
            }
        }
    }
}

/// Formats a key path the way an author writes it: `relatedTerms[2]`, `author.name`,
/// `["odd key"]`.
pub fn display_path(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) if is_plain_key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Key(k) => out.push_str(&format!("[{}]", serde_json::Value::String(k.clone()))),
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn is_plain_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

pub fn ellipsize(s: &str, max: usize) -> String {
    let mut chars = s.chars();
    let head: String = chars.by_ref().take(max).collect();
    let escaped = head.escape_debug().to_string();
    if chars.next().is_some() {
        format!("{escaped}…")
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_as_written() {
        let path = [Step::Key("relatedTerms".into()), Step::Index(2)];
        assert_eq!(display_path(&path), "relatedTerms[2]");
        let path = [Step::Key("author".into()), Step::Key("name".into())];
        assert_eq!(display_path(&path), "author.name");
        assert_eq!(
            display_path(&[Step::Key("odd key".into())]),
            "[\"odd key\"]"
        );
    }
}
