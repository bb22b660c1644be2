//! JSON Schemas for front matter (draft 2020-12 and draft-07, written as JSON or YAML).
//! Schemas are read from the same snapshot as the documents; `$ref`s to other local files
//! are loaded up front, inside the repository only, and nothing is ever fetched over a network.

use std::collections::HashMap;

use jsonschema::{Retrieve, Uri, Validator};
use serde_json::Value;

use crate::paths;

/// Reads a repository-relative file from the snapshot.
pub type SchemaSource = dyn Fn(&str) -> Option<Vec<u8>> + Send + Sync;

/// How many files one schema may pull in through `$ref`.
const MAX_FILES: usize = 64;
const BASE: &str = "file:///";

#[derive(Debug)]
pub struct Schema {
    /// Repository-relative path of the schema file.
    pub path: String,
    pub json: Value,
    validator: Validator,
}

impl Schema {
    /// Loads the schema at `path` and the local files it refers to. The error is a message
    /// for the configuration diagnostic.
    pub fn load(path: &str, read: &SchemaSource) -> Result<Schema, String> {
        let mut files = HashMap::new();
        let root = read_schema(path, read)?;
        collect_refs(path, &root, read, &mut files)?;
        let retriever = LocalFiles { files };
        let validator = jsonschema::options()
            .with_base_uri(format!("{BASE}{}", uri_path(path)))
            .with_retriever(retriever)
            .should_validate_formats(true)
            .build(&root)
            .map_err(|e| format!("schema {path} is not usable: {e}"))?;
        Ok(Schema {
            path: path.to_owned(),
            json: root,
            validator,
        })
    }

    pub fn validator(&self) -> &Validator {
        &self.validator
    }
}

fn read_schema(path: &str, read: &SchemaSource) -> Result<Value, String> {
    let bytes = read(path).ok_or_else(|| format!("schema file {path} is not in the repository"))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("schema file {path} is not UTF-8"))?;
    let is_yaml = path.ends_with(".yaml") || path.ends_with(".yml");
    if is_yaml {
        crate::document::yaml::parse_value(&text)
            .map(|n| n.to_json())
            .map_err(|e| format!("schema file {path}: {}", e.message))
    } else {
        serde_json::from_str(&text)
            .map_err(|e| format!("schema file {path} is not valid JSON: {e}"))
    }
}

/// Loads every local file that `$ref`s in `schema` (written in the file `from`) name.
fn collect_refs(
    from: &str,
    schema: &Value,
    read: &SchemaSource,
    files: &mut HashMap<String, Value>,
) -> Result<(), String> {
    let mut stack = vec![schema];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    // A `$ref` is a URI reference: its file part may be percent-encoded.
                    let file = r.split('#').next().unwrap_or("");
                    let file = percent_encoding::percent_decode_str(file).decode_utf8_lossy();
                    if !file.is_empty() && !file.contains(':') {
                        let target = paths::join(&paths::parent(from), &file).ok_or_else(|| {
                            format!("`$ref: {r}` in {from} leads outside the repository")
                        })?;
                        if !files.contains_key(&target) {
                            if files.len() >= MAX_FILES {
                                return Err(format!(
                                    "schema {from} refers to more than {MAX_FILES} files"
                                ));
                            }
                            let value = read_schema(&target, read)?;
                            files.insert(target.clone(), value.clone());
                            collect_refs(&target, &value, read, files)?;
                        }
                    }
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    Ok(())
}

/// A repository path as the path of a `file:` URI: letters outside ASCII, spaces and the
/// characters URIs reserve are percent-encoded (a schema named in any script must load).
fn uri_path(path: &str) -> String {
    const ESCAPED: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'[')
        .add(b']')
        .add(b'\\')
        .add(b'^')
        .add(b'`')
        .add(b'{')
        .add(b'|')
        .add(b'}');
    percent_encoding::utf8_percent_encode(path, ESCAPED).to_string()
}

/// Hands jsonschema the files loaded up front; refuses everything else.
struct LocalFiles {
    files: HashMap<String, Value>,
}

impl Retrieve for LocalFiles {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let text = uri.as_str();
        let found = text.strip_prefix(BASE).and_then(|p| {
            let p = p.split('#').next().unwrap_or(p);
            self.files.get(
                percent_encoding::percent_decode_str(p)
                    .decode_utf8_lossy()
                    .as_ref(),
            )
        });
        match found {
            Some(v) => Ok(v.clone()),
            None if text.starts_with(BASE) => Err(format!("{text} is not a schema file in the repository").into()),
            None => Err(format!("docsteward does not fetch remote schemas ({text}); keep referenced schemas in the repository").into()),
        }
    }
}
