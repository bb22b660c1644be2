//! `--format csv`: one row per document, for a spreadsheet.

use std::io::{self, Write};

use super::Report;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record([
        "path",
        "title",
        "content_type",
        "owner",
        "commit",
        "last_change",
        "author",
        "reviewed",
        "age_days",
        "threshold_days",
        "status",
    ])?;
    for e in &report.entries {
        let commit = e
            .last_change
            .as_ref()
            .map(|c| c.commit.to_string())
            .unwrap_or_default();
        let author = e
            .last_change
            .as_ref()
            .map(|c| c.author.clone())
            .unwrap_or_default();
        w.write_record([
            e.path.as_str(),
            defuse(e.title.as_deref().unwrap_or("")).as_str(),
            e.content_type.as_deref().unwrap_or(""),
            defuse(e.owner.as_deref().unwrap_or("")).as_str(),
            commit.as_str(),
            &e.last_change_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
            defuse(&author).as_str(),
            &e.reviewed.map(|d| d.to_string()).unwrap_or_default(),
            &e.age_days.to_string(),
            &e.threshold_days.to_string(),
            e.status.as_str(),
        ])?;
    }
    w.flush()
}

/// Spreadsheets run cells that start with `=`, `+`, `-` or `@` as formulas; a quote in
/// front keeps an author's text as text.
fn defuse(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}
