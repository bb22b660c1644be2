//! The parse cache: what parsing found in each document (its front matter, references,
//! headings, anchors, footnotes, suppressions), kept by the git blob id of the document's
//! bytes in a file outside the work tree, so that a run parses only the documents whose
//! content it has not seen before. Rules still run on every document and on the whole index:
//! only the parsing is saved. As with the history cache, a cache that cannot be used costs
//! the parsing and at most a notice, never an error and never a different answer.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::document::{Document, FrontMatter, Markdown, Node, Syntax, SyntaxError, Value};

/// The file format; a file of another is not read (and is replaced).
const FORMAT: u32 = 1;

/// What every cache file starts with, before the checksum of the rest.
const MAGIC: &[u8; 8] = b"dsparse\n";

/// The most bytes a cache file may have: a larger one is not read, and the oldest entries
/// go first when one would be larger.
pub const MAX_SIZE: u64 = 256 * 1024 * 1024;

/// The folder below the cache folder that holds one file per repository.
const PARSE: &str = "parse";

/// A document whose front matter, with YAML aliases expanded, holds more values than this is
/// not kept: the cache stores values, not aliases, and an alias bomb must not become a large
/// file.
const MAX_VALUES: usize = 50_000;

/// How many entries a file keeps, as a multiple of the knowledge base's documents: each
/// document's content now and one earlier one, enough to switch back to the branch before
/// without parsing everything again, while a run that reads only a few documents (a hook's)
/// keeps what the others' last full run left.
const KEEP_PER_DOCUMENT: usize = 2;

/// What a document is kept by: the blob id of its bytes, and whether its name says MDX (the
/// same bytes parse differently as Markdown and as MDX).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    id: [u8; 20],
    mdx: bool,
}

impl Key {
    /// The key of `path` with the content `bytes`, which it hashes.
    pub fn of(path: &str, bytes: &[u8]) -> Option<Key> {
        Key::new(path, &crate::repo::blob_id(bytes)?)
    }

    /// The key of `path` whose content has the git blob id `id` (a SHA-1; `None` for
    /// another object format).
    pub fn new(path: &str, id: &[u8]) -> Option<Key> {
        Some(Key {
            id: id.try_into().ok()?,
            mdx: Syntax::of(path) == Some(Syntax::Mdx),
        })
    }
}

/// A parse, as the cache writes it.
#[derive(Serialize)]
struct Written<'a> {
    front_matter: &'a Option<FrontMatter>,
    front_matter_errors: &'a [SyntaxError],
    markdown: &'a Markdown,
}

/// A parse, as the cache reads it back (the same fields as [`Written`]).
#[derive(Deserialize)]
struct Read {
    front_matter: Option<FrontMatter>,
    front_matter_errors: Vec<SyntaxError>,
    markdown: Markdown,
}

/// The file, after [`MAGIC`] and the checksum.
#[derive(Serialize, Deserialize)]
struct CacheFile<'a> {
    format: u32,
    docsteward: &'a str,
    /// The settings that change what a parse finds.
    settings: &'a str,
    /// Key (blob id), MDX or not, and the parse.
    #[serde(borrow)]
    entries: Vec<(&'a [u8], bool, &'a [u8])>,
}

/// One repository's parse cache, read.
#[derive(Debug, Default)]
pub struct ParseCache {
    /// The cache folder, and the file below it.
    dir: PathBuf,
    rel: PathBuf,
    settings: String,
    /// The file's bytes, and where each entry's parse lies in them.
    bytes: Vec<u8>,
    entries: HashMap<Key, Range<usize>>,
}

impl ParseCache {
    /// The cache of the repository `stem` names in the cache folder `dir`, for parses under
    /// `settings`. A file that cannot be used is said in `notices` and the cache starts
    /// empty; one written by another version or under other settings is silently replaced.
    pub fn open(dir: &Path, stem: &str, settings: String, notices: &mut Vec<String>) -> Self {
        let rel = Path::new(PARSE).join(format!("{stem}.bin"));
        let mut cache = ParseCache {
            dir: dir.to_owned(),
            rel,
            settings,
            ..ParseCache::default()
        };
        let bytes = match crate::fs::inside(&cache.dir, &cache.rel)
            .and_then(|path| crate::fs::read_regular(&path, MAX_SIZE))
        {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return cache,
            Err(e) => {
                notices.push(cache.problem(&format!("not used ({e})")));
                return cache;
            }
        };
        match cache.index(&bytes) {
            Ok(entries) => {
                cache.entries = entries;
                cache.bytes = bytes;
            }
            Err(Some(problem)) => notices.push(cache.problem(&format!("not used ({problem})"))),
            Err(None) => {}
        }
        cache
    }

    /// Where each entry of `bytes` lies; `Err(None)` for a file of another version or
    /// other settings, `Err(Some(problem))` for one that is damaged.
    fn index(&self, bytes: &[u8]) -> Result<HashMap<Key, Range<usize>>, Option<String>> {
        let damaged = |what: &str| Some(format!("not a parse cache: {what}"));
        let body = crate::fs::framed_body(bytes, MAGIC)
            .ok_or_else(|| damaged("its checksum does not match"))?;
        let file: CacheFile<'_> =
            postcard::from_bytes(body).map_err(|e| damaged(&e.to_string()))?;
        if file.format != FORMAT
            || file.docsteward != env!("DOCSTEWARD_VERSION")
            || file.settings != self.settings
        {
            return Err(None);
        }
        let base = bytes.as_ptr() as usize;
        let mut entries = HashMap::with_capacity(file.entries.len());
        for (id, mdx, parse) in file.entries {
            let id: [u8; 20] = id.try_into().map_err(|_| damaged("a key is malformed"))?;
            let start = parse.as_ptr() as usize - base;
            entries.insert(Key { id, mdx }, start..start + parse.len());
        }
        Ok(entries)
    }

    fn problem(&self, what: &str) -> String {
        format!("parse cache {} {what}", self.dir.join(&self.rel).display())
    }

    /// The document at `path` with the content `bytes`, from the cache when it holds `key`.
    pub fn get(&self, key: &Key, path: &str, bytes: &[u8]) -> Option<Document> {
        let parse = self.bytes.get(self.entries.get(key)?.clone())?;
        let read: Read = postcard::from_bytes(parse).ok()?;
        Some(Document::from_parts(
            path,
            bytes,
            read.front_matter,
            read.front_matter_errors,
            read.markdown,
        ))
    }

    /// What the cache would keep of `doc`, fully parsed: nothing for a document that was not
    /// parsed (binary, UTF-16, unreadable) or whose front matter expands too far.
    pub fn entry(doc: &Document) -> Option<Vec<u8>> {
        if doc.skipped.is_some() {
            return None;
        }
        let mut budget = MAX_VALUES;
        if let Some(data) = doc.data() {
            if !within(data, &mut budget) {
                return None;
            }
        }
        postcard::to_allocvec(&Written {
            front_matter: &doc.front_matter,
            front_matter_errors: &doc.front_matter_errors,
            markdown: &doc.markdown,
        })
        .ok()
    }

    /// Rewrites the file when this run parsed something it did not hold: the entries `used`
    /// (and `fresh`, just parsed) first, then the others in the file's order (the most
    /// recently used first), up to [`KEEP_PER_DOCUMENT`] entries per document of a knowledge
    /// base of `documents`, within [`MAX_SIZE`]. Written atomically, never through a
    /// symbolic link.
    pub fn save(
        &self,
        used: &HashSet<Key>,
        fresh: &[(Key, Vec<u8>)],
        documents: usize,
    ) -> Result<(), String> {
        if fresh.is_empty() {
            return Ok(());
        }
        let mut seen: HashSet<Key> = HashSet::with_capacity(used.len() + fresh.len());
        let mut entries: Vec<(&[u8], bool, &[u8])> = Vec::new();
        for (key, parse) in fresh {
            if seen.insert(*key) {
                entries.push((&key.id, key.mdx, parse));
            }
        }
        let ours = |key: &Key| used.contains(key);
        let mut stored: Vec<(&Key, &Range<usize>)> = self.entries.iter().collect();
        // Old entries in the order the file had them: the most recently used first.
        stored.sort_unstable_by_key(|(_, range)| range.start);
        let (mine, others): (Vec<_>, Vec<_>) = stored.into_iter().partition(|(k, _)| ours(k));
        let keep = KEEP_PER_DOCUMENT * documents.max(used.len() + fresh.len());
        for (key, range) in mine.into_iter().chain(others) {
            if !ours(key) && entries.len() >= keep {
                break;
            }
            if seen.insert(*key) {
                entries.push((&key.id, key.mdx, &self.bytes[range.clone()]));
            }
        }
        let mut size: u64 = entries.iter().map(|(_, _, p)| p.len() as u64 + 24).sum();
        while size > MAX_SIZE - 1024 {
            match entries.pop() {
                Some((_, _, p)) => size -= p.len() as u64 + 24,
                None => break,
            }
        }
        let file = CacheFile {
            format: FORMAT,
            docsteward: env!("DOCSTEWARD_VERSION"),
            settings: &self.settings,
            entries,
        };
        // Sized beforehand: grown by doubling, the buffer of megabytes would be copied over
        // and over.
        let buffer = Vec::with_capacity(usize::try_from(size).unwrap_or(0) + 4096);
        let body = postcard::to_extend(&file, buffer).map_err(|e| e.to_string())?;
        crate::fs::write_framed(&self.dir, &self.rel, MAGIC, &body)
    }

    /// Says why [`ParseCache::save`] failed.
    pub fn not_written(&self, problem: &str) -> String {
        self.problem(&format!("not written: {problem}"))
    }
}

/// Whether `node`, aliases expanded, has at most `budget` values (which it spends).
fn within(node: &Node, budget: &mut usize) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    match &node.value {
        Value::Seq(items) => items.iter().all(|n| within(n, budget)),
        Value::Map(entries) => entries.iter().all(|e| within(&e.value, budget)),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(path: &str, text: &str) -> Document {
        Document::parse(path, text.as_bytes())
    }

    fn same(a: &Document, b: &Document) {
        assert_eq!(a.text(), b.text());
        assert_eq!(a.invalid_utf8, b.invalid_utf8);
        assert_eq!(
            format!("{:?}", a.front_matter),
            format!("{:?}", b.front_matter)
        );
        assert_eq!(
            format!("{:?}", a.front_matter_errors),
            format!("{:?}", b.front_matter_errors)
        );
        assert_eq!(format!("{:?}", a.markdown), format!("{:?}", b.markdown));
    }

    const DOC: &str = "---\nterm: Cache\ntags: [a, b]\nrelatedTerms:\n  - x\n---\n\
        # Title {#custom}\n\n[link](other.md#part) ![](img.png) <a href=\"x.md\">x</a>\n\n\
        Text[^1] `code` <!-- docsteward-disable-next-line links/missing-file -->\n\n\
        [^1]: A note.\n\n{{< ref \"post.md\" >}}\n";

    #[test]
    fn a_parse_reads_back_as_it_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut notices = Vec::new();
        let cache = ParseCache::open(dir.path(), "repo", "s".into(), &mut notices);
        let doc = parse("a.md", DOC);
        let key = Key::of("a.md", DOC.as_bytes()).unwrap();
        let entry = ParseCache::entry(&doc).unwrap();
        cache.save(&HashSet::new(), &[(key, entry)], 1).unwrap();
        let cache = ParseCache::open(dir.path(), "repo", "s".into(), &mut notices);
        assert!(notices.is_empty(), "{notices:?}");
        same(&cache.get(&key, "a.md", DOC.as_bytes()).unwrap(), &doc);
        // MDX is another key; other settings or another repository find nothing.
        assert!(cache
            .get(
                &Key::of("a.mdx", DOC.as_bytes()).unwrap(),
                "a.mdx",
                DOC.as_bytes()
            )
            .is_none());
        let other = ParseCache::open(dir.path(), "repo", "t".into(), &mut notices);
        assert!(other.get(&key, "a.md", DOC.as_bytes()).is_none());
        assert!(notices.is_empty(), "{notices:?}");
        let other = ParseCache::open(dir.path(), "elsewhere", "s".into(), &mut notices);
        assert!(other.get(&key, "a.md", DOC.as_bytes()).is_none());
    }

    /// Pieces of documents: every kind of thing a parse records, and malformed ones.
    const PIECES: &[&str] = &[
        "---\nterm: T\nrelatedTerms: [a, b]\nn: 1.5\nz: .nan\nd: 2024-01-01\n---\n",
        "---\nbase: &b {k: v, list: [1, 2]}\nuse: *b\n---\n",
        "---\nbroken: [unclosed\n---\n",
        "+++\ntitle = \"T\"\ntags = [\"x\"]\n+++\n",
        "{\n  \"title\": \"J\"\n}\n",
        "# Heading {#custom-id}\n",
        "## Ünïcödé heading `code`\n",
        "[link](other.md#frag \"title\") and ![alt](img.png) and ![](empty.png)\n",
        "<a href=\"page.md\" id=\"anchor\">x</a> <img src=\"i.png\">\n",
        "Text[^n] more.\n\n[^n]: The note.\n",
        "<!-- docsteward-disable-next-line links/missing-file -->\n",
        "<!-- docsteward-disable -->\n<!-- docsteward-enable -->\n",
        "```rust\n[not](a link)\n```\n",
        "[[Note#Heading|text]] ![[embed.png|300]] ^block-id\n",
        "{{< ref \"post.md\" >}} {% link _posts/x.md %}\n",
        "[ref]: https://example.com/x\n\n[ref] [ref][]\n",
        "import X from './x.mdx'\n\n<X prop={1} />\n",
        "\u{feff}caf\u{e9} \u{fffd}\n",
        "> quote [in](quote.md)\n- item [in](list.md)\n",
    ];

    proptest::proptest! {
        #[test]
        fn any_document_reads_back_as_it_was_parsed(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..10),
            mdx: bool,
        ) {
            let text = pieces.concat();
            let path = if mdx { "d.mdx" } else { "d.md" };
            let doc = parse(path, &text);
            let entry = ParseCache::entry(&doc).expect("kept");
            let read: Read = postcard::from_bytes(&entry).expect("read back");
            let again = Document::from_parts(
                path,
                text.as_bytes(),
                read.front_matter,
                read.front_matter_errors,
                read.markdown,
            );
            same(&again, &doc);
        }
    }

    #[test]
    fn a_damaged_file_is_said_and_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let mut notices = Vec::new();
        let cache = ParseCache::open(dir.path(), "repo", "s".into(), &mut notices);
        let doc = parse("a.md", DOC);
        let key = Key::of("a.md", DOC.as_bytes()).unwrap();
        cache
            .save(
                &HashSet::new(),
                &[(key, ParseCache::entry(&doc).unwrap())],
                1,
            )
            .unwrap();
        let file = dir.path().join("parse/repo.bin");
        let mut bytes = std::fs::read(&file).unwrap();
        let last = bytes.len() - 3;
        bytes[last] ^= 0x20;
        std::fs::write(&file, &bytes).unwrap();
        let cache = ParseCache::open(dir.path(), "repo", "s".into(), &mut notices);
        assert!(cache.get(&key, "a.md", DOC.as_bytes()).is_none());
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert!(notices[0].contains("checksum"), "{notices:?}");
    }

    #[test]
    fn an_alias_bomb_is_not_kept() {
        // Within the parser's own bound (100,000 values), beyond what the cache stores.
        let ten = |name: &str| vec![format!("*{name}"); 10].join(", ");
        let mut text = String::from("---\na: &a [x, x, x, x, x, x, x, x, x, x]\n");
        text.push_str(&format!("b: &b [{}]\n", ten("a")));
        text.push_str(&format!("c: &c [{}]\n", ten("b")));
        text.push_str(&format!("d: &d [{}]\n", ten("c")));
        text.push_str(&format!("e: [{}]\n", ["*d"; 6].join(", ")));
        text.push_str("---\n# Bomb\n");
        let doc = parse("bomb.md", &text);
        assert!(doc.data().is_some(), "{:?}", doc.front_matter_errors);
        assert!(ParseCache::entry(&doc).is_none());
        assert!(ParseCache::entry(&parse("a.md", DOC)).is_some());
    }

    #[test]
    fn the_entries_of_this_run_are_kept_first_then_two_per_document() {
        let dir = tempfile::tempdir().unwrap();
        let mut notices = Vec::new();
        let docs: Vec<String> = (0..8).map(|i| format!("# Doc {i}\n")).collect();
        let keys: Vec<Key> = docs
            .iter()
            .map(|d| Key::of("d.md", d.as_bytes()).unwrap())
            .collect();
        let entry = |i: usize| {
            (
                keys[i],
                ParseCache::entry(&parse("d.md", &docs[i])).unwrap(),
            )
        };
        let held = |cache: &ParseCache| -> Vec<usize> {
            (0..keys.len())
                .filter(|&i| cache.entries.contains_key(&keys[i]))
                .collect()
        };
        let open =
            |notices: &mut Vec<String>| ParseCache::open(dir.path(), "r", "s".into(), notices);
        // A full run over a knowledge base of three documents.
        open(&mut notices)
            .save(&HashSet::new(), &[entry(0), entry(1), entry(2)], 3)
            .unwrap();
        // Two of them edited: the new contents, then the old, all six kept (two each).
        open(&mut notices)
            .save(&HashSet::from([keys[0]]), &[entry(3), entry(4)], 3)
            .unwrap();
        assert_eq!(held(&open(&mut notices)), [0, 1, 2, 3, 4]);
        // A run that reads one document and parses another keeps what the others left...
        open(&mut notices)
            .save(&HashSet::from([keys[3]]), &[entry(5)], 3)
            .unwrap();
        assert_eq!(held(&open(&mut notices)), [0, 1, 2, 3, 4, 5]);
        // ...up to two entries per document: with one document less, the last in the file's
        // order (the least recently used) go.
        open(&mut notices)
            .save(&HashSet::from([keys[3]]), &[entry(6)], 2)
            .unwrap();
        assert_eq!(held(&open(&mut notices)), [3, 4, 5, 6]);
        let cache = open(&mut notices);
        // Nothing parsed anew: nothing written.
        std::fs::remove_file(dir.path().join("parse/r.bin")).unwrap();
        cache.save(&HashSet::from([keys[0]]), &[], 3).unwrap();
        assert!(!dir.path().join("parse/r.bin").exists());
        assert!(notices.is_empty(), "{notices:?}");
    }
}
