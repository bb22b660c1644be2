//! Staleness: how old each document's content is, against how long it may go unreviewed.
//! The model is plain data, shared by the `stale/age` rule and the `docsteward stale` report.

pub mod codeowners;
pub mod dates;
pub mod report;
pub mod review;
pub mod trend;

use std::ops::Range;

use jiff::civil::Date;
use serde::Serialize;

use crate::config::parse_duration_days;
use crate::config::Settings;
use crate::document::Document;
use crate::repo::LastChange;
use codeowners::CodeOwners;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Stale,
    Due,
    Fresh,
    Exempt,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Stale => "stale",
            Status::Due => "due",
            Status::Fresh => "fresh",
            Status::Exempt => "exempt",
        }
    }
}

/// A front matter value docsteward could not use, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub span: Range<usize>,
    pub message: String,
}

/// One document's staleness.
#[derive(Clone, Debug)]
pub struct Entry {
    pub path: String,
    pub title: Option<String>,
    pub content_type: Option<String>,
    pub owner: Option<String>,
    /// Who the owner is, one by one: every owner a CODEOWNERS line lists (`owner` is them
    /// joined by spaces), else `owner` alone; empty when there is none. Counts by owner
    /// count the document once under each.
    pub owners: Vec<String>,
    /// `None` when the document has changes not yet committed.
    pub last_change: Option<LastChange>,
    pub last_change_date: Option<Date>,
    pub reviewed: Option<Date>,
    /// Days the last change is newer than the declared review date, when it is.
    pub review_lag_days: Option<i64>,
    pub age_days: i64,
    /// The age is a lower bound: history ends at a shallow clone's boundary.
    pub at_least: bool,
    pub threshold_days: u32,
    /// Days before the threshold a document counts as due.
    pub due_within_days: u32,
    pub status: Status,
    pub problems: Vec<Problem>,
}

impl Entry {
    /// The owners the document counts under: each of [`Entry::owners`], or
    /// [`report::NONE`] when it has none.
    pub fn owner_names(&self) -> Vec<&str> {
        if self.owners.is_empty() {
            vec![report::NONE]
        } else {
            self.owners.iter().map(String::as_str).collect()
        }
    }

    /// Days past the threshold (negative while still fresh).
    pub fn overdue_days(&self) -> i64 {
        self.age_days - i64::from(self.threshold_days)
    }
}

/// The status of a document `age_days` old that may go `threshold_days` unreviewed.
pub fn judge(age_days: i64, threshold_days: u32, due_within_days: u32) -> Status {
    if age_days > i64::from(threshold_days) {
        Status::Stale
    } else if age_days > i64::from(threshold_days) - i64::from(due_within_days) {
        Status::Due
    } else {
        Status::Fresh
    }
}

/// A document's title from its front matter (`title`, else `term`), if it has one; else the
/// report takes its first heading.
pub fn front_matter_title(doc: &Document) -> Option<String> {
    let data = doc.data()?;
    ["title", "term"]
        .iter()
        .find_map(|key| data.get(key).and_then(|e| e.value.as_str()))
        .map(str::to_owned)
}

/// Judges `doc`, whose last change is `last_change` (`None`: uncommitted), as of `as_of`.
pub fn assess(
    settings: &Settings,
    codeowners: &CodeOwners,
    doc: &Document,
    last_change: Option<&LastChange>,
    as_of: Date,
) -> Entry {
    let s = &settings.stale;
    let data = doc.data();
    let string = |key: &str| {
        data.and_then(|d| d.get(key))
            .and_then(|e| e.value.as_str())
            .map(str::to_owned)
    };
    let mut problems = Vec::new();

    let reviewed = data.and_then(|d| d.get(&s.reviewed_key)).and_then(|e| {
        match e.value.as_str().and_then(dates::parse) {
            Some(date) => Some(date),
            None => {
                problems.push(Problem {
                    span: e.value.span.clone(),
                    message: format!(
                        "`{}` is not a date docsteward can read (use YYYY-MM-DD or MM/DD/YYYY)",
                        s.reviewed_key
                    ),
                });
                None
            }
        }
    });
    let content = settings.content_type(doc.path());
    let interval = data
        .and_then(|d| d.get(&s.review_interval_key))
        .and_then(|e| {
            let parsed = e.value.as_str().and_then(parse_duration_days);
            if parsed.is_none() {
                problems.push(Problem {
                    span: e.value.span.clone(),
                    message: format!(
                        "`{}` is not a duration docsteward can read (use 90d, 12w, 6m or 1y)",
                        s.review_interval_key
                    ),
                });
            }
            parsed
        });
    let threshold_days = interval
        .or(content.and_then(|c| c.stale_after_days))
        .unwrap_or(s.default_after_days);

    let last_change_date = last_change.and_then(|c| dates::from_seconds(c.time));
    let changed = last_change_date.unwrap_or(as_of);
    let fresh_since = reviewed.map_or(changed, |r| r.max(changed));
    let age_days = dates::days_between(fresh_since, as_of).max(0);
    let review_lag_days = match (reviewed, last_change_date) {
        (Some(r), Some(c)) if c > r => Some(dates::days_between(r, c)),
        _ => None,
    };
    let relative = settings.relative(doc.path()).unwrap_or(doc.path());
    let status = if s.is_exempt(relative) {
        Status::Exempt
    } else {
        judge(age_days, threshold_days, s.due_within_days)
    };
    // The front matter's owner, else CODEOWNERS', else whoever last changed it (never a
    // bot: `[stale] ignore-authors`). A front matter owner written as CODEOWNERS writes
    // several (`@org/docs @bob`) is several owners; `Ann Smith` is one.
    let owners: Vec<String> = match string(&s.owner_key) {
        Some(owner) => handles(&owner).unwrap_or_else(|| vec![owner]),
        None => {
            let listed = codeowners.owners(doc.path());
            if listed.is_empty() {
                last_change
                    .filter(|c| !s.ignores_author(&c.author, &c.author_email))
                    .map(|c| c.author.clone())
                    .filter(|a| !a.is_empty())
                    .into_iter()
                    .collect()
            } else {
                listed.to_vec()
            }
        }
    };
    Entry {
        path: doc.path().to_owned(),
        title: front_matter_title(doc).or_else(|| doc.markdown.title().map(str::to_owned)),
        content_type: content.map(|c| c.name.clone()),
        owner: (!owners.is_empty()).then(|| owners.join(" ")),
        owners,
        last_change: last_change.cloned(),
        last_change_date,
        reviewed,
        review_lag_days,
        age_days,
        at_least: last_change.is_some_and(|c| c.at_boundary),
        threshold_days,
        due_within_days: s.due_within_days,
        status,
        problems,
    }
}

/// `@org/docs @bob` or `ann@example.com @bob`: the owners of a list written as CODEOWNERS
/// writes them (every word a handle or an email address), one by one; `None` for anything
/// else, a name like `Ann Smith` included.
fn handles(owner: &str) -> Option<Vec<String>> {
    let words: Vec<&str> = owner.split_whitespace().collect();
    (words.len() > 1 && words.iter().all(|w| w.contains('@')))
        .then(|| words.iter().map(|w| (*w).to_owned()).collect())
}
