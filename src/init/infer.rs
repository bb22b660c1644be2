//! What the documents say about themselves: content types from folders written from the
//! same front matter template, a schema per type, keys whose values name terms or files, and
//! the roots and routes that root-absolute links need.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::document::{Document, Node, Value, EXTENSIONS};
use crate::paths;
use crate::repo::Snapshot;
use crate::stale::dates;

/// How many distinct values a string key may have to become an `enum`.
const MAX_ENUM: usize = 12;
/// How many values (documents) an `enum` needs at least: two values used twice each in a
/// handful of documents are a coincidence, not a closed list.
pub const ENUM_MIN_VALUES: usize = 6;
/// Keys that name people: who writes or owns a page changes, so they are never an `enum`.
const PERSON_KEYS: &[&str] = &[
    "author",
    "authors",
    "owner",
    "owners",
    "content_owner",
    "maintainer",
    "maintainers",
    "reviewer",
    "reviewers",
    "contributors",
    "ms.author",
    "manager",
    "ms.reviewer",
];
/// The share of values that must fit for a key to count as a reference or path key.
const MOSTLY: f64 = 0.6;

/// A content type and the schema inferred for it.
#[derive(Debug)]
pub struct ContentType {
    pub name: String,
    /// The folder holding the type's folders, repository-relative with a trailing `/`.
    pub folder: String,
    /// How many folders the type's documents are in.
    pub folders: usize,
    /// Its `paths` globs.
    pub globs: Vec<String>,
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
    /// In every document with front matter (what makes a folder a content type).
    pub common: bool,
    /// In the schema's `required`: present and not empty in every document of the type,
    /// including those without front matter (which are validated as an empty object).
    pub required: bool,
    /// Some document leaves it empty (`null`): the schema admits null too.
    pub nullable: bool,
    pub kind: Kind,
    /// Allowed values, when few repeat often.
    pub enumeration: Option<Vec<String>>,
    /// Values left out of the enumeration as likely typos, each with the value it resembles:
    /// the documents holding them are the ones a check with the schema reports.
    pub outliers: Outliers,
}

/// (value, the enumerated value it looks like a typo of).
pub type Outliers = Vec<(String, String)>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    String,
    /// ISO 8601 (`2024-01-31`): JSON Schema's `format: date`.
    Date,
    /// `MM/DD/YYYY` (`01/31/2024`), as Microsoft Learn writes `ms.date`: a `pattern`.
    UsDate,
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
    /// The front matter key naming a document's owner, for the staleness report.
    pub owner_key: Option<Evidence<String>>,
    /// The front matter key holding the date a document was last reviewed.
    pub reviewed_key: Option<Evidence<String>>,
    /// The site generator, from its configuration files.
    pub site: Option<crate::site::Detection>,
    /// `[links] external`: URL globs of other sites on the same host.
    pub external: Vec<Evidence<String>>,
    /// `[stale] review-interval-key`: a front matter duration (`ms.update-cycle: 180-days`).
    pub review_interval_key: Option<Evidence<String>>,
}

/// Keys that hold a document's own review cycle, most specific first.
const REVIEW_INTERVAL_KEYS: &[&str] = &[
    "review_interval",
    "review-interval",
    "review_cycle",
    "review-cycle",
    "ms.update-cycle",
    "update-cycle",
    "update_cycle",
];

/// A URL prefix is another site's when at least this many links lead under it, from at
/// least [`EXTERNAL_MIN_DOCUMENTS`] documents, and nothing of this repository is there.
const EXTERNAL_MIN_LINKS: usize = 3;
const EXTERNAL_MIN_DOCUMENTS: usize = 2;

/// `[links] external` globs: the first segments of root-absolute links under which this
/// repository has no file (no path has a folder of that name, in any letter case) and the
/// site publishes nothing. Links to `/dotnet/api/...` on a Learn docset about PowerShell
/// lead to another docset on the same host.
fn external_prefixes(
    documents: &[Document],
    snapshot: &Snapshot,
    site: Option<&crate::site::Site<'_>>,
) -> Vec<Evidence<String>> {
    let mut by_segment: BTreeMap<String, (usize, BTreeSet<&str>)> = BTreeMap::new();
    for d in documents {
        for r in &d.markdown.references {
            let Some(rest) = rooted(&r.target) else {
                continue;
            };
            let Some((segment, _)) = rest.split_once('/') else {
                continue;
            };
            if segment.is_empty() || segment == "." || segment == ".." {
                continue;
            }
            let entry = by_segment.entry(segment.to_owned()).or_default();
            entry.0 += 1;
            entry.1.insert(d.path());
        }
    }
    let mut components: HashSet<String> = HashSet::new();
    for f in snapshot.files() {
        for c in f.split('/') {
            components.insert(c.to_lowercase());
        }
    }
    by_segment
        .into_iter()
        .filter(|(segment, (links, docs))| {
            *links >= EXTERNAL_MIN_LINKS
                && docs.len() >= EXTERNAL_MIN_DOCUMENTS
                && !components.contains(&segment.to_lowercase())
                && !site.is_some_and(|s| s.publishes_under(&format!("/{segment}/")))
        })
        .map(|(segment, (links, docs))| Evidence {
            why: format!(
                "{links} links in {} documents lead under /{segment}/, where this repository has no file{}: another site on the same host",
                docs.len(),
                if site.is_some() { " and the site publishes nothing" } else { "" }
            ),
            value: format!("/{segment}/**"),
        })
        .collect()
}

/// Keys that name a document's owner, most specific first.
const OWNER_KEYS: &[&str] = &[
    "owner",
    "owners",
    "content_owner",
    "content-owner",
    "maintainer",
    "maintainers",
    "ms.author",
    "author",
];
/// Keys that hold a review date, most specific first. A plain `date` is when a page was
/// written, not reviewed.
const REVIEWED_KEYS: &[&str] = &[
    "reviewed",
    "last_reviewed",
    "last-reviewed",
    "lastReviewed",
    "review_date",
    "reviewed_on",
    "ms.date",
    "lastmod",
    "last_modified",
    "updated",
];
/// The share of documents with front matter that must carry such a key, and the share of
/// its values that must read as the kind of value it should hold.
const KEY_SHARE: f64 = 0.5;
const VALUE_SHARE: f64 = 0.8;

/// The first of `candidates` (the most specific) that at least [`KEY_SHARE`] of the
/// documents with front matter carry, not empty, with at least [`VALUE_SHARE`] of its
/// values passing `fits`: a `content_owner` most pages have beats an `author` all have.
fn detect_key(
    documents: &[Document],
    candidates: &[&str],
    fits: impl Fn(&Node) -> bool,
    what: &str,
) -> Option<Evidence<String>> {
    let data: Vec<&Node> = documents.iter().filter_map(|d| d.data()).collect();
    if data.is_empty() {
        return None;
    }
    for key in candidates {
        let values: Vec<&Node> = data
            .iter()
            .filter_map(|d| d.get(key))
            .map(|e| &e.value)
            .filter(|v| !is_empty(v))
            .collect();
        let fitting = values.iter().filter(|v| fits(v)).count();
        if (values.len() as f64) < KEY_SHARE * data.len() as f64
            || (fitting as f64) < VALUE_SHARE * values.len() as f64
        {
            continue;
        }
        return Some(Evidence {
            value: (*key).to_owned(),
            // Both shares, each with its own denominator: how many documents have the key,
            // and how many of those values the report can use.
            why: format!(
                "{} of {} documents with front matter have it; {} of those {} {what}",
                values.len(),
                data.len(),
                fitting,
                values.len(),
            ),
        });
    }
    None
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
    inference.site = crate::site::detect(snapshot);
    let model = inference.site.as_ref().and_then(|detected| {
        let mut settings = crate::config::Settings::defaults("");
        settings.site.generator = detected.generator.to_owned();
        settings.site.root = detected.root.clone();
        crate::site::load(&settings, snapshot).ok()
    });
    let site = model
        .as_deref()
        .map(|m| crate::site::Site::new(m, snapshot, documents));
    inference.external = external_prefixes(documents, snapshot, site.as_ref());
    drop(site);
    inference.review_interval_key = detect_key(
        documents,
        REVIEW_INTERVAL_KEYS,
        |v| {
            v.as_str()
                .and_then(crate::config::parse_duration_days)
                .is_some()
        },
        "give a review cycle (`180 days`, `1 year`)",
    );
    let roots = roots(documents, snapshot);
    path_keys(documents, snapshot, &roots, &mut inference);
    // A site model maps URLs to files the way its generator does: roots and routes guessed
    // from the links would only shadow it.
    if inference.site.is_none() {
        routes(documents, snapshot, &roots, &mut inference);
        inference.roots = roots;
    }
    inference.owner_key = detect_key(
        documents,
        OWNER_KEYS,
        // The staleness report reads one owner, a string.
        |v| v.as_str().is_some(),
        "name an owner as a string",
    );
    inference.reviewed_key = detect_key(
        documents,
        REVIEWED_KEYS,
        |v| v.as_str().and_then(dates::parse).is_some(),
        "give a review date",
    );
    inference
}

/// How alike two folders' templates must be (Jaccard similarity of the keys most of their
/// documents have) to be one content type.
pub const SAME_TEMPLATE: f64 = 0.75;

/// A folder that can be a content type: most of its documents have front matter.
struct Candidate<'d> {
    folder: String,
    docs: Vec<&'d Document>,
    /// Keys at least half of its documents with front matter have.
    shape: BTreeSet<&'d str>,
}

/// Content types by template: folders whose documents have front matter are grouped when
/// their documents carry the same keys (see [`SAME_TEMPLATE`]), so a docset of a hundred
/// folders written from three templates gets about three types, not a hundred.
fn content_types(documents: &[Document]) -> Vec<ContentType> {
    let mut folders: BTreeMap<String, Vec<&Document>> = BTreeMap::new();
    for d in documents {
        folders.entry(paths::parent(d.path())).or_default().push(d);
    }
    let mut candidates: Vec<Candidate<'_>> = Vec::new();
    for (folder, docs) in &folders {
        let data = front_matter(docs);
        // A type needs at least two documents with front matter, most of the folder's.
        if data.len() < 2 || data.len() * 2 < docs.len() {
            continue;
        }
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for n in &data {
            if let Value::Map(entries) = &n.value {
                for e in entries.iter() {
                    *counts.entry(e.key.as_str()).or_default() += 1;
                }
            }
        }
        let shape = counts
            .into_iter()
            .filter(|(_, n)| n * 2 >= data.len())
            .map(|(k, _)| k)
            .collect();
        candidates.push(Candidate {
            folder: folder.clone(),
            docs: docs.clone(),
            shape,
        });
    }
    // Largest folders first, so each group is seeded by its most typical member.
    candidates.sort_by(|a, b| {
        b.docs
            .len()
            .cmp(&a.docs.len())
            .then(a.folder.cmp(&b.folder))
    });
    let mut groups: Vec<Vec<Candidate<'_>>> = Vec::new();
    for c in candidates {
        match groups
            .iter_mut()
            .find(|g| jaccard(&g[0].shape, &c.shape) >= SAME_TEMPLATE)
        {
            Some(group) => group.push(c),
            None => groups.push(vec![c]),
        }
    }
    let mut types = Vec::new();
    for group in groups {
        match content_type(&group, &folders) {
            Some(t) => types.push(t),
            // Alike, yet no key common to all of them: each folder on its own.
            None if group.len() > 1 => types.extend(
                group
                    .iter()
                    .filter_map(|c| content_type(std::slice::from_ref(c), &folders)),
            ),
            None => {}
        }
    }
    types.sort_by(|a, b| a.folder.cmp(&b.folder));
    name_types(&mut types);
    types
}

fn front_matter<'d>(docs: &[&'d Document]) -> Vec<&'d Node> {
    docs.iter()
        .filter_map(|d| d.data())
        .filter(|n| matches!(&n.value, Value::Map(e) if !e.is_empty()))
        .collect()
}

fn jaccard(a: &BTreeSet<&str>, b: &BTreeSet<&str>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 1.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

/// The content type of a group of folders, when some key is common to all its documents
/// with front matter. `all` is every folder holding documents, to tell whether `**` under
/// the group's common folder would take in folders that are not the group's.
fn content_type(
    group: &[Candidate<'_>],
    all: &BTreeMap<String, Vec<&Document>>,
) -> Option<ContentType> {
    let docs: Vec<&Document> = group.iter().flat_map(|c| c.docs.iter().copied()).collect();
    let data = front_matter(&docs);
    let properties = properties(&data, docs.len());
    if !properties.iter().any(|p| p.common) {
        return None;
    }
    let closed = properties.iter().all(|p| p.present * 2 >= data.len());
    let mut extensions: Vec<String> = docs
        .iter()
        .filter_map(|d| d.path().rsplit_once('.').map(|(_, e)| e.to_owned()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    extensions.retain(|e| EXTENSIONS.iter().any(|(ext, _)| ext == e));
    let mut members: Vec<&str> = group.iter().map(|c| c.folder.as_str()).collect();
    members.sort_unstable();
    let folder = common_folder(&members);
    // `folder/**` when the group is every folder of documents under it, else each folder.
    let everything_under = all
        .keys()
        .filter(|f| f.starts_with(&folder))
        .all(|f| members.contains(&f.as_str()));
    let globs = if members.len() > 1 && everything_under {
        extensions
            .iter()
            .map(|e| format!("{folder}**/*.{e}"))
            .collect()
    } else {
        members
            .iter()
            .flat_map(|m| extensions.iter().map(move |e| format!("{m}*.{e}")))
            .collect()
    };
    Some(ContentType {
        name: String::new(),
        folder,
        folders: members.len(),
        globs,
        extensions,
        documents: docs.len(),
        with_front_matter: data.len(),
        properties,
        closed,
    })
}

/// The deepest folder holding all of `folders` (each with a trailing `/`).
fn common_folder(folders: &[&str]) -> String {
    let Some(first) = folders.first() else {
        return String::new();
    };
    let mut common: &str = first;
    for f in &folders[1..] {
        while !f.starts_with(common) {
            common = match common.trim_end_matches('/').rfind('/') {
                Some(i) => &common[..=i],
                None => "",
            };
        }
    }
    common.to_owned()
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
            // Folders whose names differ only in what a slug drops (`a b` and `a-b`) still
            // share a name at full depth: number the repeats, since a configuration with a
            // type defined twice does not load.
            let mut taken = BTreeSet::new();
            for (t, n) in types.iter_mut().zip(names) {
                let mut name = n.clone();
                let mut i = 2;
                while !taken.insert(name.clone()) {
                    name = format!("{n}-{i}");
                    i += 1;
                }
                t.name = name;
            }
            return;
        }
    }
}

/// A folder name as a content type name: letters and digits of any script, lower-cased;
/// everything else a `-`.
fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            out.extend(c.to_lowercase());
        } else {
            out.push('-');
        }
    }
    out
}

/// The keys of `data` (the front matter of a folder's documents, of `documents` in all) and
/// the schema each admits: every value observed fits it, so a check with the inferred schema
/// finds nothing in the documents it was inferred from.
fn properties(data: &[&Node], documents: usize) -> Vec<Property> {
    let mut order: Vec<&str> = Vec::new();
    let mut values: HashMap<&str, Vec<&Node>> = HashMap::new();
    for d in data {
        if let Value::Map(entries) = &d.value {
            for e in entries.iter() {
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
            let empty = vs.iter().filter(|v| is_empty(v)).count();
            let (enumeration, outliers) =
                match kind == Kind::String && !PERSON_KEYS.contains(&key.to_lowercase().as_str()) {
                    true => enumeration(vs).map_or((None, Vec::new()), |(e, o)| (Some(e), o)),
                    false => (None, Vec::new()),
                };
            Property {
                key: key.to_owned(),
                present: vs.len(),
                common: vs.len() == data.len(),
                required: vs.len() == documents && empty == 0,
                nullable: vs.iter().any(|v| matches!(v.value, Value::Null)),
                enumeration,
                outliers,
                kind,
            }
        })
        .collect()
}

/// `key:`, `key: ""`, `key: []`: written but saying nothing.
fn is_empty(node: &Node) -> bool {
    match &node.value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Seq(items) => items.is_empty(),
        Value::Map(entries) => entries.is_empty(),
        _ => false,
    }
}

fn kind(values: &[&Node]) -> Kind {
    let kinds: BTreeSet<&'static str> = values
        .iter()
        .map(|n| match &n.value {
            Value::String(s) if s.len() == 10 && s.parse::<jiff::civil::Date>().is_ok() => "date",
            Value::String(s) if is_us_date(s) => "us-date",
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
        // Only nulls: nothing to say about the type.
        [] => Kind::Mixed,
        ["date"] => Kind::Date,
        ["us-date"] => Kind::UsDate,
        [..] if kinds
            .iter()
            .all(|k| matches!(*k, "date" | "us-date" | "string")) =>
        {
            Kind::String
        }
        ["integer"] => Kind::Integer,
        ["integer", "number"] | ["number"] => Kind::Number,
        ["boolean"] => Kind::Boolean,
        ["strings"] => Kind::StringList,
        ["object"] => Kind::Object,
        _ => Kind::Mixed,
    }
}

/// The pattern an inferred schema gives `MM/DD/YYYY` dates; [`is_us_date`] agrees with it.
pub const US_DATE_PATTERN: &str = "^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$";

/// `01/31/2024` (or `1/31/2024`): a real day written month first.
fn is_us_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('/').collect();
    matches!(parts.as_slice(), [m, d, y]
        if (1..=2).contains(&m.len()) && (1..=2).contains(&d.len()) && y.len() == 4
            && [m, d, y].iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())))
        && dates::parse(s).is_some()
}

/// A few distinct values (two to [`MAX_ENUM`]), each used at least twice, over at least
/// [`ENUM_MIN_VALUES`] documents: an enumeration. Nulls are admitted beside it (see
/// `nullable`). A value used once that is a likely typo of one of them (`pratice` beside
/// `practice`) is left out, so the check reports it: the second list names those outliers,
/// each with the value it resembles.
fn enumeration(values: &[&Node]) -> Option<(Vec<String>, Outliers)> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for v in values.iter().filter(|v| !matches!(v.value, Value::Null)) {
        *counts.entry(v.as_str()?).or_default() += 1;
    }
    let repeated: Vec<&str> = counts
        .iter()
        .filter(|(_, n)| **n >= 2)
        .map(|(v, _)| *v)
        .collect();
    let mut outliers = Vec::new();
    for (value, _) in counts.iter().filter(|(_, n)| **n < 2) {
        outliers.push((
            (*value).to_owned(),
            crate::suggest::closest(value, repeated.iter().copied())?.to_owned(),
        ));
    }
    let total: usize = repeated.iter().map(|v| counts[v]).sum();
    ((2..=MAX_ENUM).contains(&repeated.len()) && total >= ENUM_MIN_VALUES)
        .then(|| (repeated.iter().map(|s| (*s).to_owned()).collect(), outliers))
}

/// String values of a front matter key: the value, or each string of a list.
fn strings(node: &Node) -> Vec<&str> {
    match &node.value {
        Value::String(s) => vec![s.as_ref()],
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

/// The share of a key's values that must name a document in the proposed term folders for
/// the key to become a reference key: every value that does not is a `terms/unknown`
/// finding, so "most" is not enough.
pub const TERMS_RESOLVE: f64 = 0.8;
/// At most this many folders define the terms of one key.
const MAX_TERM_FOLDERS: usize = 3;

/// Keys whose values name other documents by slug: the term reference keys, each with the
/// few folders whose documents its values name. A key is proposed only when the folders
/// chosen cover [`TERMS_RESOLVE`] of its values, which is what a check will resolve.
fn reference_keys(
    documents: &[Document],
    slugs: &HashMap<&str, BTreeSet<String>>,
    inference: &mut Inference,
) {
    // Key -> the values written, each with the folders holding a document of that name.
    let mut seen: BTreeMap<&str, Vec<Option<&BTreeSet<String>>>> = BTreeMap::new();
    for (d, key, v) in front_matter_strings(documents) {
        // A value naming the document itself (a `slug` or `term` key) is no reference.
        if v.trim() == paths::stem(d.path()) {
            continue;
        }
        seen.entry(key).or_default().push(slugs.get(v.trim()));
    }
    let mut term_folders = BTreeSet::new();
    for (key, values) in seen {
        let total = values.len();
        let named = values.iter().filter(|v| v.is_some()).count();
        if named < 2 || (named as f64) < TERMS_RESOLVE * total as f64 {
            continue;
        }
        // Greedily, the folder naming most of the values not yet covered.
        let mut chosen: Vec<String> = Vec::new();
        let mut covered = 0;
        while (covered as f64) < TERMS_RESOLVE * total as f64 && chosen.len() < MAX_TERM_FOLDERS {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for folders in values.iter().flatten() {
                if folders.iter().any(|f| chosen.contains(f)) {
                    continue;
                }
                for f in folders.iter() {
                    *counts.entry(f.as_str()).or_default() += 1;
                }
            }
            let Some((best, n)) = counts
                .into_iter()
                .max_by_key(|(f, n)| (*n, std::cmp::Reverse(*f)))
            else {
                break;
            };
            chosen.push(best.to_owned());
            covered += n;
        }
        if (covered as f64) < TERMS_RESOLVE * total as f64 {
            continue;
        }
        let places: Vec<String> = chosen.iter().map(|f| shown(f)).collect();
        term_folders.extend(chosen);
        inference.reference_keys.push(Evidence {
            value: key.to_owned(),
            why: format!(
                "{covered} of {total} values name documents in {} (at least {:.0}% must)",
                places.join(", "),
                TERMS_RESOLVE * 100.0
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
