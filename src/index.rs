//! The whole snapshot's documents, indexed once before any rule runs, so cross-file rules
//! are plain lookups.

use std::collections::HashMap;

use crate::document::Document;

pub struct Index<'a> {
    documents: HashMap<&'a str, &'a Document>,
}

impl<'a> Index<'a> {
    pub fn new(documents: &'a [Document]) -> Index<'a> {
        Index { documents: documents.iter().map(|d| (d.path(), d)).collect() }
    }

    pub fn document(&self, path: &str) -> Option<&'a Document> {
        self.documents.get(path).copied()
    }
}
