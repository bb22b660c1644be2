//! `--format csv`: one row per document, for a spreadsheet; `--format trend-csv`: the
//! freshness series, one row per day and group.

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
        "review_lag_days",
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
            &e.review_lag_days.map(|d| d.to_string()).unwrap_or_default(),
            &e.age_days.to_string(),
            &e.threshold_days.to_string(),
            e.status.as_str(),
        ])?;
    }
    w.flush()
}

/// The series in long form: `day,group,name,stale,due,fresh`, where `group` is `all`
/// (`name` empty), `owner` or `content_type`. No series, no rows (the header still).
pub fn write_trend(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(["day", "group", "name", "stale", "due", "fresh"])?;
    let Some(trend) = &report.trend else {
        return w.flush();
    };
    let groups = std::iter::once(("all", "", &trend.total))
        .chain(trend.by_owner.iter().map(|(n, t)| ("owner", n.as_str(), t)))
        .chain(
            trend
                .by_content_type
                .iter()
                .map(|(n, t)| ("content_type", n.as_str(), t)),
        );
    for (group, name, tallies) in groups {
        for (day, t) in trend.days.iter().zip(tallies) {
            w.write_record([
                day.to_string().as_str(),
                group,
                defuse(name).as_str(),
                &t.stale.to_string(),
                &t.due.to_string(),
                &t.fresh.to_string(),
            ])?;
        }
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
