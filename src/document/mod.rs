//! One parse per file: the decoded text, its front matter and what the Markdown body refers
//! to. Rules read a [`Document`]; none of them parses again.

pub mod frontmatter;
pub mod liquid;
pub mod markdown;
pub mod mdx;
pub mod node;
pub mod shortcodes;
pub mod yaml;

use std::ops::Range;
use std::sync::Arc;

use crate::diagnostic::Label;
use crate::source::SourceFile;

pub use frontmatter::{Format, FrontMatter};
pub use markdown::Markdown;
pub use node::{Node, Step, Value};

/// The languages docsteward reads documents in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Markdown,
    /// Markdown with JSX and JavaScript (ESM, `{expressions}`), as Docusaurus and Astro use.
    Mdx,
}

/// The file extensions of documents, and the language of each. Default `include`, folders
/// named on the command line and `docsteward init` all take their documents from this list.
pub const EXTENSIONS: &[(&str, Syntax)] = &[
    ("md", Syntax::Markdown),
    ("markdown", Syntax::Markdown),
    ("mdx", Syntax::Mdx),
];

impl Syntax {
    /// The language of a path by its extension, if it is one of [`EXTENSIONS`].
    pub fn of(path: &str) -> Option<Syntax> {
        let (_, ext) = path.rsplit_once('.')?;
        EXTENSIONS
            .iter()
            .find(|(e, _)| *e == ext)
            .map(|(_, syntax)| *syntax)
    }
}

/// A syntax problem found while parsing, kept as data for the rule that reports it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SyntaxError {
    pub span: Range<usize>,
    pub message: String,
    pub help: Option<String>,
    pub labels: Vec<Label>,
}

impl SyntaxError {
    pub fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        SyntaxError {
            span,
            message: message.into(),
            help: None,
            labels: Vec::new(),
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, span: Range<usize>, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }
}

/// The first byte that is not UTF-8, found while decoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidUtf8 {
    /// Where the replacement character stands in the decoded text.
    pub offset: usize,
    pub byte: u8,
}

/// A parsed Markdown (or MDX) file.
#[derive(Debug)]
pub struct Document {
    pub source: Arc<SourceFile>,
    pub front_matter: Option<FrontMatter>,
    pub front_matter_errors: Vec<SyntaxError>,
    pub markdown: Markdown,
    pub invalid_utf8: Option<InvalidUtf8>,
    /// Why the content was not checked, when it was not.
    pub skipped: Option<Skipped>,
}

/// Why a document's content was not parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skipped {
    /// The file could not be read (a symbolic link leaving the repository, say).
    Unreadable(String),
    /// Larger than `[limits] max-file-size`; never loaded.
    TooLarge { size: u64, limit: u64 },
    /// A NUL byte: a binary file with a Markdown name.
    Binary { offset: usize },
    /// A UTF-16 byte order mark.
    Utf16,
}

/// Bounds on what one document may make docsteward do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_front_matter: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_front_matter: 256 * 1024,
        }
    }
}

/// How far into a file to look for a NUL byte, as git does to call a file binary.
const BINARY_SNIFF: usize = 8000;

impl Document {
    /// Decodes `bytes` (lossily, remembering the first invalid byte) and parses them.
    pub fn parse(path: &str, bytes: &[u8]) -> Document {
        Document::parse_with(path, bytes, &Limits::default())
    }

    /// [`Document::parse`] within `limits`.
    pub fn parse_with(path: &str, bytes: &[u8], limits: &Limits) -> Document {
        if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
            return Document::skipped(path, Skipped::Utf16);
        }
        if let Some(offset) = bytes[..bytes.len().min(BINARY_SNIFF)]
            .iter()
            .position(|&b| b == 0)
        {
            return Document::skipped(path, Skipped::Binary { offset });
        }
        let (text, invalid_utf8) = decode(bytes);
        let parsed = front_matter(path, &text, limits.max_front_matter, &|_| true);
        // Any other file that `include` names is read as Markdown.
        let markdown = match Syntax::of(path) {
            Some(Syntax::Mdx) => mdx::parse(&text, parsed.body_start),
            _ => {
                let mut md = markdown::parse(&text, parsed.body_start);
                shortcodes::scan(&text, parsed.body_start, &mut md);
                liquid::scan(&text, parsed.body_start, &mut md);
                md
            }
        };
        Document {
            source: Arc::new(SourceFile::new(path, text)),
            front_matter: parsed.front_matter,
            front_matter_errors: parsed.errors,
            markdown,
            invalid_utf8,
            skipped: None,
        }
    }

    /// Decodes `bytes` and parses only the front matter, and with `keys` only when its text
    /// holds one of them (or a backslash, whose escapes could spell one): enough to know the
    /// terms a document defines and references, without reading its body or parsing the
    /// front matter of documents that have no part in them.
    pub fn parse_front_matter(
        path: &str,
        bytes: &[u8],
        limits: &Limits,
        keys: Option<&[&str]>,
    ) -> Document {
        let mut doc = Document::parse_with(path, &[], limits);
        if bytes.starts_with(&[0xFF, 0xFE])
            || bytes.starts_with(&[0xFE, 0xFF])
            || bytes[..bytes.len().min(BINARY_SNIFF)].contains(&0)
        {
            return Document::parse_with(path, bytes, limits);
        }
        let (text, invalid_utf8) = decode(bytes);
        let wanted = |block: &str| {
            keys.is_none_or(|keys| block.contains('\\') || keys.iter().any(|k| block.contains(k)))
        };
        let parsed = front_matter(path, &text, limits.max_front_matter, &wanted);
        doc.source = Arc::new(SourceFile::new(path, text));
        doc.front_matter = parsed.front_matter;
        doc.front_matter_errors = parsed.errors;
        doc.invalid_utf8 = invalid_utf8;
        doc
    }

    /// The document at `path` with the content `bytes`, from what an earlier
    /// [`Document::parse_with`] of the same bytes found (see [`crate::parse_cache`]).
    pub fn from_parts(
        path: &str,
        bytes: &[u8],
        front_matter: Option<FrontMatter>,
        front_matter_errors: Vec<SyntaxError>,
        markdown: Markdown,
    ) -> Document {
        let (text, invalid_utf8) = decode(bytes);
        Document {
            source: Arc::new(SourceFile::new(path, text)),
            front_matter,
            front_matter_errors,
            markdown,
            invalid_utf8,
            skipped: None,
        }
    }

    /// A document whose content is not checked; only the reason is reported.
    pub fn skipped(path: &str, reason: Skipped) -> Document {
        Document {
            source: Arc::new(SourceFile::new(path, String::new())),
            front_matter: None,
            front_matter_errors: Vec::new(),
            markdown: Markdown::default(),
            invalid_utf8: None,
            skipped: Some(reason),
        }
    }

    pub fn path(&self) -> &str {
        &self.source.path
    }

    pub fn text(&self) -> &str {
        &self.source.text
    }

    /// The front matter data, if the document has a block that parsed.
    pub fn data(&self) -> Option<&Node> {
        self.front_matter.as_ref().and_then(|f| f.data.as_ref())
    }
}

/// The front matter at the top of the document at `path` (see [`frontmatter::parse_wanted`]).
fn front_matter(
    path: &str,
    text: &str,
    max: usize,
    wanted: &dyn Fn(&str) -> bool,
) -> frontmatter::Parsed {
    // A `{` that opens an MDX file is an expression (often a `{/* comment */}`), not JSON.
    if Syntax::of(path) == Some(Syntax::Mdx) && text.trim_start_matches('\u{feff}').starts_with('{')
    {
        return frontmatter::Parsed::default();
    }
    frontmatter::parse_wanted(text, max, wanted)
}

/// `bytes` as text (lossily, the first byte that is not UTF-8 remembered), as a document's
/// text is made.
pub(crate) fn decode(bytes: &[u8]) -> (String, Option<InvalidUtf8>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), None),
        Err(e) => {
            let valid = e.valid_up_to();
            let invalid = InvalidUtf8 {
                offset: valid,
                byte: bytes[valid],
            };
            (String::from_utf8_lossy(bytes).into_owned(), Some(invalid))
        }
    }
}
