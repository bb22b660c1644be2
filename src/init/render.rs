//! Writes an [`Inference`] as `docsteward.toml` (with a comment of evidence beside each
//! choice) and as JSON Schemas (evidence in `$comment`).

use serde_json::{json, Map, Value as Json};

use super::infer::{ContentType, Evidence, Inference, Kind};

/// A TOML string literal, escaped.
fn s(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn list(items: &[String]) -> String {
    format!(
        "[{}]",
        items.iter().map(|i| s(i)).collect::<Vec<_>>().join(", ")
    )
}

/// `key = [...]` for a list of choices, each with its evidence in a comment above it:
/// `# value: why`, or `# why` when the evidence names the value itself. Nothing when the
/// list is empty.
fn evidenced(out: &mut String, key: &str, items: &[Evidence<String>], name_values: bool) {
    if items.is_empty() {
        return;
    }
    for e in items {
        if name_values {
            out.push_str(&format!("# {}: {}\n", e.value, e.why));
        } else {
            out.push_str(&format!("# {}\n", e.why));
        }
    }
    let values: Vec<String> = items.iter().map(|e| e.value.clone()).collect();
    out.push_str(&format!("{key} = {}\n", list(&values)));
}

pub fn config(inference: &Inference) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# Written by `docsteward init` from {} documents. Each choice says what evidence\n# produced it; edit freely. Reference: docsteward's README, \"Configuration\".\n",
        inference.documents
    ));
    out.push_str(&format!(
        "include = {}\n",
        list(&crate::config::settings::default_include())
    ));
    for t in &inference.types {
        let place = match (t.folders, t.folder.is_empty()) {
            (1, true) => "the repository root".to_owned(),
            (1, false) => t.folder.clone(),
            (n, true) => format!("{n} folders written from one template"),
            (n, false) => format!("{n} folders under {} written from one template", t.folder),
        };
        out.push_str(&format!(
            "\n# {} of {} documents in {} have front matter{}.\n[[content]]\nname = {}\npaths = {}\nschema = {}\n",
            t.with_front_matter,
            t.documents,
            place,
            if t.closed { " with consistent keys" } else { "" },
            s(&t.name),
            list(&t.globs),
            s(&t.schema_path()),
        ));
    }
    if let Some(site) = &inference.site {
        out.push_str(&format!(
            "\n# {}\n[site]\ngenerator = {}\n",
            site.evidence,
            s(site.generator)
        ));
        if !site.root.is_empty() {
            out.push_str(&format!("root = {}\n", s(site.root.trim_end_matches('/'))));
        }
        for unread in &site.unread {
            out.push_str(&format!(
                "# not read (set by code, not a literal): {unread}\n"
            ));
        }
    }
    let links = !inference.roots.is_empty()
        || !inference.path_keys.is_empty()
        || !inference.routes.is_empty()
        || !inference.external.is_empty();
    if links {
        out.push_str("\n[links]\n");
        evidenced(&mut out, "roots", &inference.roots, false);
        evidenced(&mut out, "front-matter-keys", &inference.path_keys, true);
        evidenced(&mut out, "external", &inference.external, true);
        for r in &inference.routes {
            out.push_str(&format!(
                "\n# {}\n[[links.routes]]\nurl = {}\nfile = {}\n",
                r.why,
                s(&r.value.0),
                s(&r.value.1)
            ));
        }
    }
    if inference.owner_key.is_some()
        || inference.reviewed_key.is_some()
        || inference.review_interval_key.is_some()
    {
        out.push_str("\n[stale]\n");
        for (name, key) in [
            ("owner-key", &inference.owner_key),
            ("reviewed-key", &inference.reviewed_key),
            ("review-interval-key", &inference.review_interval_key),
        ] {
            if let Some(k) = key {
                out.push_str(&format!(
                    "# {}: {}\n{name} = {}\n",
                    k.value,
                    k.why,
                    s(&k.value)
                ));
            }
        }
    }
    if !inference.reference_keys.is_empty() {
        out.push_str("\n[terms]\n");
        evidenced(&mut out, "reference-keys", &inference.reference_keys, true);
        if !inference.term_folders.is_empty() {
            out.push_str("# The folders whose documents those values name.\n");
            out.push_str(&format!(
                "defined-by = {}\n",
                list(
                    &inference
                        .term_folders
                        .iter()
                        .map(|f| format!("{f}*.md"))
                        .collect::<Vec<_>>()
                )
            ));
        }
    }
    out
}

pub fn schema(t: &ContentType) -> String {
    let mut properties = Map::new();
    for p in &t.properties {
        let mut prop = match (&p.kind, &p.enumeration) {
            (_, Some(values)) => {
                let mut values: Vec<Json> = values.iter().cloned().map(Json::String).collect();
                if p.nullable {
                    values.push(Json::Null);
                }
                json!({ "enum": values })
            }
            (Kind::String, None) => json!({ "type": "string" }),
            (Kind::Date, None) => json!({ "type": "string", "format": "date" }),
            (Kind::UsDate, None) => {
                json!({ "type": "string", "pattern": crate::init::infer::US_DATE_PATTERN })
            }
            (Kind::Integer, None) => json!({ "type": "integer" }),
            (Kind::Number, None) => json!({ "type": "number" }),
            (Kind::Boolean, None) => json!({ "type": "boolean" }),
            (Kind::StringList, None) => json!({ "type": "array", "items": { "type": "string" } }),
            (Kind::Object, None) => json!({ "type": "object" }),
            (Kind::Mixed, None) => json!({}),
        };
        // A key some documents leave empty admits null beside its type.
        if p.nullable && p.enumeration.is_none() {
            if let Some(Json::String(t)) = prop.get("type").cloned() {
                prop["type"] = json!([t, "null"]);
            }
        }
        let mut why = format!("{} of {} documents have it", p.present, t.with_front_matter);
        if p.nullable {
            why.push_str("; nullable: some leave it empty");
        }
        if let Some(values) = &p.enumeration {
            why.push_str(&format!(
                "; {} values, each used at least twice, in {} or more documents",
                values.len(),
                crate::init::infer::ENUM_MIN_VALUES
            ));
        }
        for (value, like) in &p.outliers {
            why.push_str(&format!(
                "; `{value}` (once) looks like a typo of `{like}` and is left out"
            ));
        }
        if p.kind == Kind::UsDate {
            why.push_str("; dates written MM/DD/YYYY");
        }
        if p.kind == Kind::Mixed {
            why.push_str("; its values have different types");
        }
        if p.common && !p.required {
            why.push_str("; not required: some documents of the type leave it out or empty");
        }
        if let Json::Object(map) = &mut prop {
            map.insert("$comment".to_owned(), Json::String(why));
        }
        properties.insert(p.key.clone(), prop);
    }
    let required: Vec<&str> = t
        .properties
        .iter()
        .filter(|p| p.required)
        .map(|p| p.key.as_str())
        .collect();
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$comment": format!(
            "Inferred by docsteward init from the {} documents with front matter in {}",
            t.with_front_matter,
            if t.folder.is_empty() { "the repository root" } else { &t.folder }
        ),
        "type": "object",
        "required": required,
        "properties": properties,
    });
    if t.closed {
        if let Json::Object(map) = &mut schema {
            map.insert("additionalProperties".to_owned(), Json::Bool(false));
        }
    }
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
