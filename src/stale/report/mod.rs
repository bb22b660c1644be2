//! The maintainers' staleness report: every document with its age and status, most overdue
//! first, and a summary by status, owner and content type. One file per output format.

mod csv;
mod html;
mod json;
mod markdown;
mod table;

use std::collections::BTreeMap;
use std::io::{self, Write};

use jiff::civil::Date;
use serde::Serialize;

use super::trend::Trend;
use super::{Entry, Status};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum StaleFormat {
    /// Aligned columns for a terminal.
    Table,
    /// A Markdown table, ready to paste into an issue or a job summary.
    Markdown,
    /// A stable JSON document (version 1).
    Json,
    /// Comma-separated values for a spreadsheet.
    Csv,
    /// The freshness series as comma-separated values: one row per day and group.
    TrendCsv,
    /// One self-contained HTML page with a chart of ages against thresholds.
    Html,
}

/// Counts for one group of documents.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub documents: usize,
    pub stale: usize,
    pub due: usize,
    pub fresh: usize,
    pub exempt: usize,
}

impl Counts {
    fn add(&mut self, status: Status) {
        self.documents += 1;
        match status {
            Status::Stale => self.stale += 1,
            Status::Due => self.due += 1,
            Status::Fresh => self.fresh += 1,
            Status::Exempt => self.exempt += 1,
        }
    }
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// The filters the counts are of; `None` when every document is counted.
    pub filter: Option<Filter>,
    /// How many documents there are before filtering.
    pub all_documents: usize,
    pub by_status: Counts,
    pub by_owner: BTreeMap<String, Counts>,
    pub by_content_type: BTreeMap<String, Counts>,
}

/// `--owner` and `--status`: which documents the report keeps. Empty lists keep all.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Filter {
    pub owners: Vec<String>,
    pub statuses: Vec<Status>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.owners.is_empty() && self.statuses.is_empty()
    }

    pub fn keeps(&self, e: &Entry) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&e.status))
            && (self.owners.is_empty()
                || self
                    .owners
                    .iter()
                    .any(|name| owned_by(e.owner.as_deref(), name)))
    }

    /// "owner ann, @org/docs; status stale, due": what the counts are of, for a summary line.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.owners.is_empty() {
            parts.push(format!("owner {}", self.owners.join(", ")));
        }
        if !self.statuses.is_empty() {
            let statuses: Vec<&str> = self.statuses.iter().map(|s| s.as_str()).collect();
            parts.push(format!("status {}", statuses.join(", ")));
        }
        parts.join("; ")
    }
}

/// Whether `name` owns a document whose owner is `owner`: the whole owner, or one of the
/// owners a CODEOWNERS line lists (space-separated), letter case and a leading `@` aside.
/// `(none)` names the documents without an owner.
fn owned_by(owner: Option<&str>, name: &str) -> bool {
    let bare = |s: &str| s.trim().trim_start_matches('@').to_lowercase();
    let name = bare(name);
    match owner {
        None => name == NONE,
        Some(owner) => bare(owner) == name || owner.split_whitespace().any(|one| bare(one) == name),
    }
}

pub struct Report {
    pub as_of: Date,
    /// Most overdue first; exempt documents last.
    pub entries: Vec<Entry>,
    pub summary: Summary,
    /// Stale, due and fresh counts of the same documents at each month's end; `None` when
    /// no series was asked for.
    pub trend: Option<Trend>,
}

/// The label for documents without an owner or a content type.
pub const NONE: &str = "(none)";

/// The colours of stale, due and fresh in the charts (HTML and Markdown alike).
pub const STALE: &str = "#cf222e";
pub const DUE: &str = "#d4a72c";
pub const FRESH: &str = "#2da44e";

impl Report {
    /// The report on the documents of `entries` that `filter` keeps, with their series on
    /// `days` (see [`super::trend::days`]; none when empty).
    pub fn new(mut entries: Vec<Entry>, as_of: Date, filter: Filter, days: &[Date]) -> Report {
        let all_documents = entries.len();
        entries.retain(|e| filter.keeps(e));
        entries.sort_by(|a, b| {
            (a.status == Status::Exempt, -a.overdue_days(), &a.path).cmp(&(
                b.status == Status::Exempt,
                -b.overdue_days(),
                &b.path,
            ))
        });
        let mut summary = Summary {
            all_documents,
            filter: (!filter.is_empty()).then_some(filter),
            ..Summary::default()
        };
        for e in &entries {
            summary.by_status.add(e.status);
            for owner in e.owner_names() {
                summary
                    .by_owner
                    .entry(owner.to_owned())
                    .or_default()
                    .add(e.status);
            }
            summary
                .by_content_type
                .entry(e.content_type.clone().unwrap_or_else(|| NONE.to_owned()))
                .or_default()
                .add(e.status);
        }
        let trend = (!days.is_empty()).then(|| Trend::new(&entries, days));
        Report {
            as_of,
            entries,
            summary,
            trend,
        }
    }
}

pub fn write(format: StaleFormat, report: &Report, out: &mut dyn Write) -> io::Result<()> {
    match format {
        StaleFormat::Table => table::write(report, out),
        StaleFormat::Markdown => markdown::write(report, out),
        StaleFormat::Json => json::write(report, out),
        StaleFormat::Csv => csv::write(report, out),
        StaleFormat::TrendCsv => csv::write_trend(report, out),
        StaleFormat::Html => html::write(report, out),
    }
}

/// "12 documents" or, filtered, "3 of 12 documents (owner ann; status stale)": the subject
/// of every format's summary line.
pub fn counted(summary: &Summary) -> String {
    match &summary.filter {
        None => format!("{} documents", summary.by_status.documents),
        Some(filter) => format!(
            "{} of {} documents ({})",
            summary.by_status.documents,
            summary.all_documents,
            filter.describe()
        ),
    }
}

/// "412" or "at least 412": an age as the report states it.
pub fn age(e: &Entry) -> String {
    if e.at_least {
        format!("≥{}", e.age_days)
    } else {
        e.age_days.to_string()
    }
}

/// The short commit id, date and author of the last change, or "uncommitted".
pub fn last_change(e: &Entry) -> String {
    match (&e.last_change, e.last_change_date) {
        (Some(c), Some(date)) => format!("{} {date} {}", short(&c.commit.to_string()), c.author),
        _ => "uncommitted".to_owned(),
    }
}

pub fn short(sha: &str) -> &str {
    &sha[..sha.len().min(7)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_match_whole_or_one_of_a_codeowners_line() {
        assert!(owned_by(Some("Ann Lee"), "ann lee"));
        assert!(owned_by(Some("@org/docs @bob"), "bob"));
        assert!(owned_by(Some("@org/docs @bob"), "@ORG/docs"));
        assert!(!owned_by(Some("@org/docs @bob"), "org"));
        assert!(owned_by(None, "(none)"));
        assert!(!owned_by(None, "ann"));
    }
}
