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
    pub by_status: Counts,
    pub by_owner: BTreeMap<String, Counts>,
    pub by_content_type: BTreeMap<String, Counts>,
}

pub struct Report {
    pub as_of: Date,
    /// Most overdue first; exempt documents last.
    pub entries: Vec<Entry>,
    pub summary: Summary,
}

/// The label for documents without an owner or a content type.
pub const NONE: &str = "(none)";

impl Report {
    pub fn new(mut entries: Vec<Entry>, as_of: Date) -> Report {
        entries.sort_by(|a, b| {
            (a.status == Status::Exempt, -a.overdue_days(), &a.path).cmp(&(
                b.status == Status::Exempt,
                -b.overdue_days(),
                &b.path,
            ))
        });
        let mut summary = Summary::default();
        for e in &entries {
            summary.by_status.add(e.status);
            summary
                .by_owner
                .entry(e.owner.clone().unwrap_or_else(|| NONE.to_owned()))
                .or_default()
                .add(e.status);
            summary
                .by_content_type
                .entry(e.content_type.clone().unwrap_or_else(|| NONE.to_owned()))
                .or_default()
                .add(e.status);
        }
        Report {
            as_of,
            entries,
            summary,
        }
    }
}

pub fn write(format: StaleFormat, report: &Report, out: &mut dyn Write) -> io::Result<()> {
    match format {
        StaleFormat::Table => table::write(report, out),
        StaleFormat::Markdown => markdown::write(report, out),
        StaleFormat::Json => json::write(report, out),
        StaleFormat::Csv => csv::write(report, out),
        StaleFormat::Html => html::write(report, out),
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
