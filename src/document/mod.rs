//! One parse per file: the decoded text, its front matter and what the Markdown body refers
//! to. Rules read a [`Document`]; none of them parses again.

pub mod frontmatter;
pub mod markdown;
pub mod node;
pub mod yaml;

use std::ops::Range;
use std::sync::Arc;

use crate::diagnostic::Label;
use crate::source::SourceFile;

pub use frontmatter::{Format, FrontMatter};
pub use markdown::Markdown;
pub use node::{Node, Step, Value};

/// A syntax problem found while parsing, kept as data for the rule that reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
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

/// A parsed Markdown file.
#[derive(Debug)]
pub struct Document {
    pub source: Arc<SourceFile>,
    pub front_matter: Option<FrontMatter>,
    pub front_matter_errors: Vec<SyntaxError>,
    pub markdown: Markdown,
    pub invalid_utf8: Option<InvalidUtf8>,
    /// Why the file could not be read, when it could not.
    pub read_error: Option<String>,
}

impl Document {
    /// Decodes `bytes` (lossily, remembering the first invalid byte) and parses them.
    pub fn parse(path: &str, bytes: &[u8]) -> Document {
        let (text, invalid_utf8) = decode(bytes);
        let parsed = frontmatter::parse(&text);
        let markdown = markdown::parse(&text, parsed.body_start);
        Document {
            source: Arc::new(SourceFile::new(path, text)),
            front_matter: parsed.front_matter,
            front_matter_errors: parsed.errors,
            markdown,
            invalid_utf8,
            read_error: None,
        }
    }

    /// A document listed by git that could not be read; it has no content.
    pub fn unreadable(path: &str, reason: String) -> Document {
        let mut doc = Document::parse(path, b"");
        doc.read_error = Some(reason);
        doc
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

fn decode(bytes: &[u8]) -> (String, Option<InvalidUtf8>) {
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
