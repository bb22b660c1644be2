//! `github`: no site generator. GitHub renders each Markdown file where it is in the
//! repository, so a link is a path relative to the file (or to the knowledge base root when
//! it starts with `/`), and heading ids are github-slugger's.

use super::Model;
use crate::document::Node;

pub struct Github;

impl Model for Github {
    fn name(&self) -> &'static str {
        "github"
    }

    fn urls(&self, _path: &str, _front: Option<&Node>) -> Vec<String> {
        Vec::new()
    }
}
