//! `--format json`: a stable document, version 1. Fields may be added, never removed or
//! renamed.

use std::io::{self, Write};

use serde::Serialize;

use super::{Report, Summary};
use crate::stale::trend::Trend;
use crate::stale::Status;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    as_of: String,
    documents: Vec<Entry<'a>>,
    summary: &'a Summary,
    /// Stale, due and fresh counts at each month's end (`--months`), when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    trend: Option<&'a Trend>,
}

#[derive(Serialize)]
struct Entry<'a> {
    path: &'a str,
    title: Option<&'a str>,
    content_type: Option<&'a str>,
    owner: Option<&'a str>,
    /// `owner`, one by one: every owner of a CODEOWNERS line (or of a front matter value
    /// written like one); the summary counts the document under each.
    owners: &'a [String],
    last_change: Option<LastChange<'a>>,
    reviewed: Option<String>,
    review_lag_days: Option<i64>,
    age_days: i64,
    age_is_lower_bound: bool,
    threshold_days: u32,
    status: Status,
}

#[derive(Serialize)]
struct LastChange<'a> {
    commit: String,
    date: String,
    author: &'a str,
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let documents = report
        .entries
        .iter()
        .map(|e| Entry {
            path: &e.path,
            title: e.title.as_deref(),
            content_type: e.content_type.as_deref(),
            owner: e.owner.as_deref(),
            owners: &e.owners,
            last_change: e
                .last_change
                .as_ref()
                .zip(e.last_change_date)
                .map(|(c, date)| LastChange {
                    commit: c.commit.to_string(),
                    date: date.to_string(),
                    author: &c.author,
                }),
            reviewed: e.reviewed.map(|d| d.to_string()),
            review_lag_days: e.review_lag_days,
            age_days: e.age_days,
            age_is_lower_bound: e.at_least,
            threshold_days: e.threshold_days,
            status: e.status,
        })
        .collect();
    let doc = Document {
        version: 1,
        as_of: report.as_of.to_string(),
        documents,
        summary: &report.summary,
        trend: report.trend.as_ref(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
