//! The rule table. One ordered list drives execution, `docsteward rules`, `docsteward rule ID`
//! and the documentation check; each rule lives in its own file, named for the problem.

pub mod assets;
pub mod encoding;
pub mod footnotes;
pub mod frontmatter;
pub mod graph;
pub mod images;
pub mod io;
pub mod limits;
pub mod links;
pub mod stale;
pub mod terms;

use std::collections::HashMap;

use crate::config::{Level, Settings};
use crate::document::Document;
use crate::index::Index;
use crate::repo::{Renames, Snapshot};
use crate::sink::Findings;
use crate::site::Site;
use crate::stale::Entry;

/// What a rule is: its public id, its default level and its documentation (`rules/ID.md`).
pub struct Meta {
    pub id: &'static str,
    pub default: Level,
    pub doc: &'static str,
}

/// What a rule may look at besides the document it checks.
pub struct Context<'a> {
    pub settings: &'a Settings,
    pub snapshot: &'a Snapshot,
    pub index: &'a Index<'a>,
    /// Staleness per document path, when `stale/age` is on.
    pub staleness: Option<&'a HashMap<String, Entry>>,
    /// The site model, to check that a fix's new target resolves where it should.
    pub site: &'a Site<'a>,
    /// Renames in the snapshot's history of the paths that references lead nowhere to.
    pub renames: Option<&'a Renames>,
    /// Earlier versions of the documents that `#fragment`s lead into without a match, newest
    /// first: where a renamed heading's old id can be found.
    pub earlier: Option<&'a HashMap<String, Vec<Document>>>,
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static Meta;

    /// Appends findings for `doc`. Severity is filled in later by the sink.
    fn check(&self, cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>);

    /// Appends findings about the snapshot as a whole (files that are not documents), once
    /// per run over the whole knowledge base.
    fn check_snapshot(&self, _cx: &Context<'_>, _out: &mut Findings<'_>) {}

    fn id(&self) -> &'static str {
        self.meta().id
    }

    fn default_level(&self) -> Level {
        self.meta().default
    }
}

/// Every rule, in the order `docsteward rules` lists them.
pub static RULES: &[&dyn Rule] = &[
    &io::unreadable::Unreadable,
    &limits::file_too_large::FileTooLarge,
    &limits::too_many_findings::TooManyFindings,
    &encoding::not_text::NotText,
    &frontmatter::syntax::Syntax,
    &frontmatter::schema::Schema,
    &encoding::invalid_utf8::InvalidUtf8,
    &encoding::mojibake::Mojibake,
    &links::missing_file::MissingFile,
    &links::case_mismatch::CaseMismatch,
    &links::untracked::Untracked,
    &links::outside_repo::OutsideRepo,
    &links::missing_anchor::MissingAnchor,
    &links::ambiguous::Ambiguous,
    &images::missing_alt::MissingAlt,
    &terms::unknown::Unknown,
    &terms::duplicate::Duplicate,
    &terms::one_way::OneWay,
    &footnotes::undefined::Undefined,
    &footnotes::unused::Unused,
    &graph::orphan::Orphan,
    &assets::unused::Unused,
    &stale::age::Age,
];

pub fn find(id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.id() == id)
}

/// Where a rule's documentation is published: its page in the repository's `rules/` folder.
pub fn doc_url(id: &str) -> String {
    format!("{}/blob/main/rules/{id}.md", env!("CARGO_PKG_REPOSITORY"))
}

/// The `summary` in a rule's documentation front matter.
pub fn summary(rule: &dyn Rule) -> String {
    let doc = Document::parse("rule.md", rule.meta().doc.as_bytes());
    doc.data()
        .and_then(|d| d.get("summary"))
        .and_then(|e| e.value.as_str())
        .unwrap_or_default()
        .to_owned()
}

/// The text of the `## HEADING` section of a rule's documentation (up to the next `## `
/// heading), trimmed; `None` when the doc has no such section.
pub fn section(rule: &dyn Rule, heading: &str) -> Option<String> {
    let doc = rule.meta().doc;
    let body: Vec<&str> = doc
        .lines()
        .skip_while(|l| l.trim_end() != format!("## {heading}"))
        .skip(1)
        .take_while(|l| !l.starts_with("## "))
        .collect();
    let text = body.join("\n").trim().to_owned();
    (!text.is_empty()).then_some(text)
}
