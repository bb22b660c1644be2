//! What the documents say about themselves: content types from folders whose documents share
//! front matter keys, a schema per type, keys whose values name terms or files, and the
//! roots and routes that root-absolute links need.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::document::{Document, Node, Value, EXTENSIONS};
use crate::paths;
use crate::repo::Snapshot;
use crate::stale::dates;

/// How many distinct values a string key may have to become an `enum`.
const MAX_ENUM: usize = 12;
/// The share of values that must fit for a key to count as a reference or path key.
const MOSTLY: f64 = 0.6;

/// A content type and the schema inferred for it.
#[derive(Debug)]
pub struct ContentType {
    pub name: String,
    /// The folder, repository-relative with a trailing `/`.
    pub folder: String,
    pub extensions: Vec<String>,
    pub documents: usize,
    pub with_front_matter: usize,
    pub properties: Vec<Property>,
    /// `additionalProperties: false`: every key appears in at least half the documents.
    pub closed: bool,
}

impl ContentType {
    pub fn schema_path(&self) -> String {
        format!("schemas/{}.schema.json", self.name)
    }
}

#[derive(Debug)]
pub struct Property {
    pub key: String,
    pub present: usize,
    pub required: bool,
    pub kind: Kind,
    /// Allowed values, when few repeat.
    pub enumeration: Option<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    String,
    Date,
    Integer,
    Number,
    Boolean,
    StringList,
    Object,
    /// Values of several types: no type constraint.
    Mixed,
}

/// A key inferred with the evidence for it.
#[derive(Debug, PartialEq, Eq)]
pub struct Evidence<T> {
    pub value: T,
    pub why: String,
}

#[derive(Debug, Default)]
pub struct Inference {
    pub documents: usize,
    pub types: Vec<ContentType>,
    pub reference_keys: Vec<Evidence<String>>,
    /// Folders (with `/`) defining the terms reference keys name.
    pub term_folders: Vec<String>,
    pub path_keys: Vec<Evidence<String>>,
    pub roots: Vec<Evidence<String>>,
    /// (URL pattern, file pattern) with evidence.
    pub routes: Vec<Evidence<(String, String)>>,
}

pub fn infer(documents: &[Document], snapshot: &Snapshot) -> Inference {
    let mut inference = Inference {
        documents: documents.len(),
        ..Inference::default()
    };
    inference.types = content_types(documents);
    // Slug -> folders of documents with that file stem.
    let mut slugs: HashMap<&str, BTreeSet<String>> = HashMap::new();
    for d in documents {
        slugs
            .entry(paths::stem(d.path()))
            .or_default()
            .insert(paths::parent(d.path()));
    }
    reference_keys(documents, &slugs, &mut inference);
    let roots = roots(documents, snapshot);
    path_keys(documents, snapshot, &roots, &mut inference);
    routes(documents, snapshot, &roots, &mut inference);
    inference.roots = roots;
    inference
}

fn content_types(documents: &[Document]) -> Vec<ContentType> {
    let mut folders: BTreeMap<String, Vec<&Document>> = BTreeMap::new();
    for d in documents {
        folders.entry(paths::parent(d.path())).or_default().push(d);
    }
    let mut types: Vec<ContentType> = Vec::new();
    for (folder, docs) in folders {
        let data: Vec<&Node> = docs
            .iter()
            .filter_map(|d| d.data())
            .filter(|n| matches!(&n.value, Value::Map(e) if !e.is_empty()))
            .collect();
        // A type needs at least two documents with front matter, most of the folder's.
        if data.len() < 2 || data.len() * 2 < docs.len() {
            continue;
        }
        let properties = properties(&data);
        if !properties.iter().any(|p| p.required) {
            continue;
        }
        let closed = properties.iter().all(|p| p.present * 2 >= data.len());
        let mut extensions: Vec<String> = docs
            .iter()
            .filter_map(|d| d.path().rsplit_once('.').map(|(_, e)| e.to_owned()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        extensions.retain(|e| EXTENSIONS.iter().any(|(ext, _)| ext == e));
        types.push(ContentType {
            name: String::new(),
            folder,
            extensions,
            documents: docs.len(),
            with_front_matter: data.len(),
            properties,
            closed,
        });
    }
    name_types(&mut types);
    types
}

/// Names each type after its folder, adding parent folders until the names are unique.
fn name_types(types: &mut [ContentType]) {
    let segments: Vec<Vec<String>> = types
        .iter()
        .map(|t| {
            t.folder
                .trim_end_matches('/')
                .split('/')
                .filter(|s| !s.is_empty())
                .map(slug)
                .collect()
        })
        .collect();
    for depth in 1.. {
        let names: Vec<String> = segments
            .iter()
            .map(|s| {
                if s.is_empty() {
                    "pages".to_owned()
                } else {
                    s[s.len().saturating_sub(depth)..].join("-")
                }
            })
            .collect();
        let unique = names.iter().collect::<BTreeSet<_>>().len() == names.len();
        if unique || depth > segments.iter().map(Vec::len).max().unwrap_or(0) {
            for (t, n) in types.iter_mut().zip(names) {
                t.name = n;
            }
            return;
        }
    }
}

fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

fn properties(data: &[&Node]) -> Vec<Property> {
    let mut order: Vec<&str> = Vec::new();
    let mut values: HashMap<&str, Vec<&Node>> = HashMap::new();
    for d in data {
        if let Value::Map(entries) = &d.value {
            for e in entries {
                if !values.contains_key(e.key.as_str()) {
                    order.push(&e.key);
                }
                values.entry(&e.key).or_default().push(&e.value);
            }
        }
    }
    order
        .into_iter()
        .map(|key| {
            let vs = &values[key];
            let kind = kind(vs);
            Property {
                key: key.to_owned(),
                present: vs.len(),
                required: vs.len() == data.len(),
                enumeration: if kind == Kind::String {
                    enumeration(vs)
                } else {
                    None
                },
                kind,
            }
        })
        .collect()
}

fn kind(values: &[&Node]) -> Kind {
    let kinds: BTreeSet<&'static str> = values
        .iter()
        .map(|n| match &n.value {
            Value::String(s) if s.len() == 10 && dates::parse(s).is_some() => "date",
            Value::String(_) => "string",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::Bool(_) => "boolean",
            Value::Seq(items) if items.iter().all(|i| i.as_str().is_some()) => "strings",
            Value::Map(_) => "object",
            Value::Null => "null",
            Value::Seq(_) => "mixed",
        })
        .filter(|k| *k != "null")
        .collect();
    match kinds.iter().copied().collect::<Vec<_>>().as_slice() {
        ["date"] => Kind::Date,
        ["date", "string"] | ["string"] => Kind::String,
        ["integer"] => Kind::Integer,
        ["integer", "number"] | ["number"] => Kind::Number,
        ["boolean"] => Kind::Boolean,
        ["strings"] => Kind::StringList,
        ["object"] => Kind::Object,
        _ => Kind::Mixed,
    }
}

/// A few distinct values (two to twelve), each used at least twice: an enumeration.
fn enumeration(values: &[&Node]) -> Option<Vec<String>> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for v in values {
        *counts.entry(v.as_str()?).or_default() += 1;
    }
    ((2..=MAX_ENUM).contains(&counts.len()) && counts.values().all(|&n| n >= 2))
        .then(|| counts.keys().map(|s| (*s).to_owned()).collect())
}

/// String values of a front matter key: the value, or each string of a list.
fn strings(node: &Node) -> Vec<&str> {
    match &node.value {
        Value::String(s) => vec![s.as_str()],
        Value::Seq(items) => items.iter().filter_map(Node::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Every string written in front matter, as (document, key, value): each string value and
/// each string in a list.
fn front_matter_strings(documents: &[Document]) -> impl Iterator<Item = (&Document, &str, &str)> {
    documents.iter().flat_map(|d| {
        let entries: &[crate::document::node::Entry] = match d.data() {
            Some(Node {
                value: Value::Map(entries),
                ..
            }) => entries,
            _ => &[],
        };
        entries.iter().flat_map(move |e| {
            strings(&e.value)
                .into_iter()
                .map(move |v| (d, e.key.as_str(), v))
        })
    })
}

/// Keys whose values mostly name other documents by slug: the term reference keys.
fn reference_keys(
    documents: &[Document],
    slugs: &HashMap<&str, BTreeSet<String>>,
    inference: &mut Inference,
) {
    // Key -> (values, values naming a document, folders of the named documents).
    let mut seen: BTreeMap<&str, (usize, usize, BTreeMap<String, usize>)> = BTreeMap::new();
    for (d, key, v) in front_matter_strings(documents) {
        // A value naming the document itself (a `slug` or `term` key) is no reference.
        if v.trim() == paths::stem(d.path()) {
            continue;
        }
        let entry = seen.entry(key).or_default();
        entry.0 += 1;
        if let Some(folders) = slugs.get(v.trim()) {
            entry.1 += 1;
            for f in folders {
                *entry.2.entry(f.clone()).or_default() += 1;
            }
        }
    }
    let mut term_folders = BTreeSet::new();
    for (key, (total, named, folders)) in seen {
        if named < 2 || (named as f64) < MOSTLY * total as f64 {
            continue;
        }
        let Some((folder, _)) = folders
            .iter()
            .max_by_key(|(f, n)| (**n, std::cmp::Reverse((*f).clone())))
        else {
            continue;
        };
        term_folders.insert(folder.clone());
        inference.reference_keys.push(Evidence {
            value: key.to_owned(),
            why: format!(
                "{named} of {total} values are slugs of documents, most in {}",
                shown(folder)
            ),
        });
    }
    inference.term_folders = term_folders.into_iter().collect();
}

fn shown(folder: &str) -> String {
    if folder.is_empty() {
        "the repository root".to_owned()
    } else {
        folder.to_owned()
    }
}

/// Every root-absolute target written in a link or a front matter value.
fn rooted_targets(documents: &[Document]) -> Vec<String> {
    let links = documents
        .iter()
        .flat_map(|d| d.markdown.references.iter().map(|r| r.target.as_str()));
    let values = front_matter_strings(documents).map(|(_, _, v)| v);
    links.chain(values).filter_map(rooted).collect()
}

/// `/covers/a.jpg` -> `covers/a.jpg`, without query or fragment; `None` for anything else.
fn rooted(target: &str) -> Option<String> {
    let t = target.trim();
    let rest = t.strip_prefix('/').filter(|r| !r.starts_with('/'))?;
    let rest = rest.split(['#', '?']).next().unwrap_or("");
    (!rest.is_empty() && !rest.contains(char::is_whitespace))
        .then(|| rest.trim_end_matches('/').to_owned())
}

/// Folders under which root-absolute targets that are not at the root exist.
fn roots(documents: &[Document], snapshot: &Snapshot) -> Vec<Evidence<String>> {
    let missing: Vec<String> = rooted_targets(documents)
        .into_iter()
        .filter(|t| !snapshot.contains(t) && !snapshot.is_dir(t))
        .collect();
    let candidates: BTreeSet<String> = snapshot
        .files()
        .iter()
        .filter_map(|f| f.split_once('/').map(|(top, _)| top.to_owned()))
        .chain(snapshot.files().iter().filter_map(|f| {
            let mut parts = f.splitn(3, '/');
            Some(format!(
                "{}/{}",
                parts.next()?,
                parts.next().filter(|_| f.matches('/').count() >= 2)?
            ))
        }))
        .collect();
    let mut found: Vec<(usize, String)> = candidates
        .into_iter()
        .map(|root| {
            let n = missing
                .iter()
                .filter(|t| snapshot.contains(&format!("{root}/{t}")))
                .count();
            (n, root)
        })
        .filter(|(n, _)| *n > 0)
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    found
        .into_iter()
        .map(|(n, root)| Evidence {
            why: format!("{n} root-absolute references resolve under {root}/"),
            value: root,
        })
        .collect()
}

fn exists_from(snapshot: &Snapshot, roots: &[Evidence<String>], from: &str, target: &str) -> bool {
    let target = target.split(['#', '?']).next().unwrap_or("");
    if target.is_empty() || target.contains("://") {
        return false;
    }
    match rooted(target) {
        Some(r) => {
            snapshot.contains(&r)
                || roots
                    .iter()
                    .any(|root| snapshot.contains(&format!("{}/{r}", root.value)))
        }
        None => paths::join(&paths::parent(from), target).is_some_and(|p| snapshot.contains(&p)),
    }
}

/// Keys whose values mostly are paths to files that exist.
fn path_keys(
    documents: &[Document],
    snapshot: &Snapshot,
    roots: &[Evidence<String>],
    inference: &mut Inference,
) {
    let mut seen: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (d, key, v) in front_matter_strings(documents) {
        // Only values that look like paths are candidates at all.
        if !(v.contains('/')
            || v.rsplit_once('.')
                .is_some_and(|(_, ext)| (1..=5).contains(&ext.len())))
        {
            continue;
        }
        let entry = seen.entry(key).or_default();
        entry.0 += 1;
        if exists_from(snapshot, roots, d.path(), v) {
            entry.1 += 1;
        }
    }
    for (key, (total, existing)) in seen {
        if existing >= 1 && existing as f64 >= MOSTLY * total as f64 {
            inference.path_keys.push(Evidence {
                value: key.to_owned(),
                why: format!("{existing} of {total} values are paths to files in the repository"),
            });
        }
    }
}

/// Root-absolute links that match no file but whose last segment is the slug of a document
/// in one folder: a site route to that folder.
fn routes(
    documents: &[Document],
    snapshot: &Snapshot,
    roots: &[Evidence<String>],
    inference: &mut Inference,
) {
    let mut by_folder_stem: HashMap<&str, BTreeSet<(String, String)>> = HashMap::new();
    for d in documents {
        let ext = d.path().rsplit_once('.').map_or("md", |(_, e)| e);
        by_folder_stem
            .entry(paths::stem(d.path()))
            .or_default()
            .insert((paths::parent(d.path()), ext.to_owned()));
    }
    let mut counts: BTreeMap<(String, String), (usize, String)> = BTreeMap::new();
    for d in documents {
        for r in &d.markdown.references {
            let Some(t) = rooted(&r.target) else { continue };
            if exists_from(snapshot, roots, d.path(), &format!("/{t}")) || snapshot.is_dir(&t) {
                continue;
            }
            let (prefix, last) = t.rsplit_once('/').unwrap_or(("", t.as_str()));
            let Some(places) = by_folder_stem.get(last) else {
                continue;
            };
            // Only unambiguous: the slug names a document in exactly one folder.
            if places.len() != 1 {
                continue;
            }
            if let Some((folder, ext)) = places.iter().next() {
                let url = if prefix.is_empty() {
                    "/{slug}".to_owned()
                } else {
                    format!("/{prefix}/{{slug}}")
                };
                let file = format!("{folder}{{slug}}.{ext}");
                let entry = counts.entry((url, file)).or_insert((0, String::new()));
                entry.0 += 1;
                if entry.1.is_empty() {
                    entry.1 = format!("/{t}");
                }
            }
        }
    }
    for ((url, file), (n, example)) in counts {
        inference.routes.push(Evidence {
            why: format!(
                "{n} link{} like {example} name documents in {}",
                if n == 1 { "" } else { "s" },
                paths::parent(&file)
            ),
            value: (url, file),
        });
    }
}
