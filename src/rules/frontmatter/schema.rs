//! `frontmatter/schema`: front matter that does not satisfy its content type's JSON Schema.
//! One finding per violation, on the offending key or value.

use jsonschema::error::ValidationErrorKind as Kind;
use jsonschema::paths::LocationSegment;
use serde_json::Value as Json;

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::node::display_path;
use crate::document::{Document, Node, Step};
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;
use crate::suggest::closest;

pub struct Schema;

static META: Meta = Meta {
    id: "frontmatter/schema",
    default: Level::On(Severity::Error),
    doc: include_str!("../../../rules/frontmatter/schema.md"),
};

impl Rule for Schema {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>) {
        let Some(content) = cx.settings.content_type(doc.path()) else {
            return;
        };
        let Some(schema) = &content.schema else {
            return;
        };
        // A block that did not parse is `frontmatter/syntax`'s finding; checking it as empty
        // would only add noise.
        if doc.front_matter.is_some() && doc.data().is_none() {
            return;
        }
        let empty = Node {
            value: crate::document::Value::Map(std::sync::Arc::new([])),
            span: 0..0,
        };
        let data = doc.data().unwrap_or(&empty);
        let instance = data.to_json();
        // Where findings about the whole block go: the opening `---`, or line 1.
        let top = doc.front_matter.as_ref().map_or(0..0, |f| f.open.clone());
        let subject = format!("content type `{}` ({})", content.name, schema.path);
        // A document without front matter lacks every required key for one reason: one
        // finding says so and lists them, rather than one finding per key.
        let absent = doc.front_matter.is_none();
        if absent {
            let required: Vec<String> = schema
                .validator()
                .iter_errors(&instance)
                .filter(|e| e.instance_path().as_str().is_empty())
                .filter_map(|e| match e.kind() {
                    Kind::Required { property } => property.as_str().map(str::to_owned),
                    _ => None,
                })
                .collect();
            if !required.is_empty() {
                let mut d = Diagnostic::new(
                    META.id,
                    doc.path(),
                    0..0,
                    format!(
                        "no front matter; required: {}",
                        quoted_list(required.iter().map(String::as_str))
                    ),
                );
                d.help = Some(format!(
                    "add a front matter block (`---` lines at the top) with these keys, as {subject} requires"
                ));
                out.push(d);
            }
        }
        for error in schema.validator().iter_errors(&instance) {
            if absent && matches!(error.kind(), Kind::Required { .. }) {
                continue;
            }
            let path: Vec<Step> = error
                .instance_path()
                .iter()
                .map(|s| match s {
                    LocationSegment::Property(p) => Step::Key(p.into_owned()),
                    LocationSegment::Index(i) => Step::Index(i),
                })
                .collect();
            let (node, key_span) = data.lookup(&path).unwrap_or((data, None));
            let value_span = if path.is_empty() {
                top.clone()
            } else {
                node.span.clone()
            };
            let name = display_path(&path);
            let schema_at = schema.json.pointer(error.schema_path().as_str());
            let schema_parent = schema
                .json
                .pointer(parent_pointer(error.schema_path().as_str()));
            let push = |out: &mut Findings<'_>,
                        span: std::ops::Range<usize>,
                        message: String,
                        help: Option<String>| {
                let mut d = Diagnostic::new(META.id, doc.path(), span, message);
                d.help = help.or_else(|| Some(format!("required by {subject}")));
                out.push(d);
            };
            match error.kind() {
                Kind::Required { property } => {
                    let key = property.as_str().unwrap_or_default();
                    let mut full = path.clone();
                    full.push(Step::Key(key.to_owned()));
                    let span = if path.is_empty() {
                        top.clone()
                    } else {
                        key_span.unwrap_or(value_span)
                    };
                    push(
                        out,
                        span,
                        format!("missing required key `{}`", display_path(&full)),
                        None,
                    );
                }
                Kind::AdditionalProperties { unexpected }
                | Kind::UnevaluatedProperties { unexpected } => {
                    let known: Vec<&str> = schema_parent
                        .and_then(|s| s.get("properties"))
                        .and_then(Json::as_object)
                        .map(|p| p.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    for key in unexpected {
                        let mut full = path.clone();
                        full.push(Step::Key(key.clone()));
                        let span = node
                            .get(key)
                            .map_or(value_span.clone(), |e| e.key_span.clone());
                        let near = out
                            .may_suggest(META.id, doc.path(), &span)
                            .then(|| closest(key, known.iter().copied()))
                            .flatten();
                        let help = match near {
                            Some(k) => Some(format!("did you mean `{k}`?")),
                            None if !known.is_empty() => Some(format!(
                                "{subject} allows: {}",
                                quoted_list(known.iter().copied())
                            )),
                            None => None,
                        };
                        push(
                            out,
                            span,
                            format!("unknown key `{}`", display_path(&full)),
                            help,
                        );
                    }
                }
                Kind::Enum { options } => {
                    let allowed: Vec<String> = options
                        .as_array()
                        .map(|a| a.iter().map(render).collect())
                        .unwrap_or_default();
                    let help = node
                        .as_str()
                        .filter(|_| out.may_suggest(META.id, doc.path(), &value_span))
                        .and_then(|s| {
                            closest(
                                s,
                                options
                                    .as_array()
                                    .into_iter()
                                    .flatten()
                                    .filter_map(Json::as_str),
                            )
                        })
                        .map(|s| format!("did you mean `{s}`?"));
                    let message = format!(
                        "`{name}` must be one of {}, found {}",
                        allowed
                            .iter()
                            .map(|a| format!("`{a}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        node.describe()
                    );
                    push(out, value_span, message, help);
                }
                Kind::Constant { expected_value } => {
                    push(
                        out,
                        value_span,
                        format!(
                            "`{name}` must be `{}`, found {}",
                            render(expected_value),
                            node.describe()
                        ),
                        None,
                    );
                }
                Kind::Type { .. } => {
                    let expected = schema_at
                        .map(expected_types)
                        .unwrap_or_else(|| "another type".to_owned());
                    push(
                        out,
                        value_span,
                        format!("`{name}` must be {expected}, found {}", node.describe()),
                        None,
                    );
                }
                _ => {
                    let what = if name.is_empty() {
                        "front matter".to_owned()
                    } else {
                        format!("`{name}`")
                    };
                    let span = if path.is_empty() {
                        top.clone()
                    } else {
                        value_span
                    };
                    push(out, span, format!("{what}: {}", error.masked()), None);
                }
            }
        }
    }
}

fn parent_pointer(pointer: &str) -> &str {
    pointer.rfind('/').map_or("", |i| &pointer[..i])
}

fn render(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn quoted_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "a string", "a string or null" from a schema's `type` keyword.
fn expected_types(types: &Json) -> String {
    let one = |t: &str| match t {
        "array" => "a list".to_owned(),
        "object" => "a map".to_owned(),
        "integer" => "an integer".to_owned(),
        "null" => "null".to_owned(),
        other => format!("a {other}"),
    };
    match types {
        Json::String(t) => one(t),
        Json::Array(ts) => ts
            .iter()
            .filter_map(Json::as_str)
            .map(one)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "another type".to_owned(),
    }
}
