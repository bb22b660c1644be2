//! `--format markdown`: a summary, the freshness trend as a Mermaid `xychart-beta` chart
//! (GitHub renders it in issues, job summaries and files), and a table, ready to paste into
//! an issue.

use std::io::{self, Write};

use super::{age, last_change, Counts, Report, DUE, FRESH, STALE};
use crate::stale::trend::{Tally, Trend};

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let s = &report.summary.by_status;
    writeln!(out, "## Staleness report, {}\n", report.as_of)?;
    writeln!(
        out,
        "{}: **{} stale**, {} due, {} fresh, {} exempt.\n",
        cell(&super::counted(&report.summary)),
        s.stale,
        s.due,
        s.fresh,
        s.exempt
    )?;
    if let Some(trend) = &report.trend {
        chart(trend, out)?;
    }
    writeln!(
        out,
        "| Status | Age (days) | Threshold | Owner | Document | Last change | Reviewed | Review lag (days) |"
    )?;
    writeln!(out, "|---|---:|---:|---|---|---|---|---:|")?;
    for e in &report.entries {
        let title = e
            .title
            .as_deref()
            .map(|t| format!(" ({})", cell(t)))
            .unwrap_or_default();
        writeln!(
            out,
            "| {} | {} | {} | {} | `{}`{} | {} | {} | {} |",
            e.status.as_str(),
            age(e),
            e.threshold_days,
            cell(e.owner.as_deref().unwrap_or("")),
            // Inside a code span `&lt;` would show literally, so the path keeps `<`.
            crate::report::printable(&e.path.replace(['\n', '\r'], " "))
                .replace('`', "'")
                .replace('|', "\\|"),
            title,
            cell(&last_change(e)),
            e.reviewed.map(|d| d.to_string()).unwrap_or_default(),
            e.review_lag_days.map(|d| d.to_string()).unwrap_or_default()
        )?;
    }
    for (heading, groups) in [
        ("owner", &report.summary.by_owner),
        ("content type", &report.summary.by_content_type),
    ] {
        writeln!(
            out,
            "\n### By {heading}\n\n| {heading} | documents | stale | due |\n|---|---:|---:|---:|"
        )?;
        for (
            name,
            Counts {
                documents,
                stale,
                due,
                ..
            },
        ) in groups
        {
            writeln!(out, "| {} | {documents} | {stale} | {due} |", cell(name))?;
        }
    }
    Ok(())
}

/// The series of all documents as a Mermaid line chart: stale, due and fresh, one line each,
/// in the report's colours (Mermaid's xychart has no legend; the line under it is one).
/// Only dates and numbers go into it, so no author's text can break the chart.
fn chart(trend: &Trend, out: &mut dyn Write) -> io::Result<()> {
    let labels: Vec<String> = (0..trend.days.len())
        .map(|i| format!("\"{}\"", trend.label(i)))
        .collect();
    let series = |f: fn(&Tally) -> usize| {
        let values: Vec<String> = trend.total.iter().map(|t| f(t).to_string()).collect();
        values.join(", ")
    };
    let top = trend.most();
    writeln!(out, "```mermaid")?;
    writeln!(
        out,
        "%%{{init: {{\"themeVariables\": {{\"xyChart\": {{\"plotColorPalette\": \"{STALE}, {DUE}, {FRESH}\"}}}}}}}}%%"
    )?;
    writeln!(out, "xychart-beta")?;
    writeln!(out, "    title \"Documents by status at each month's end\"")?;
    writeln!(out, "    x-axis [{}]", labels.join(", "))?;
    writeln!(out, "    y-axis \"Documents\" 0 --> {top}")?;
    writeln!(out, "    line [{}]", series(|t| t.stale))?;
    writeln!(out, "    line [{}]", series(|t| t.due))?;
    writeln!(out, "    line [{}]", series(|t| t.fresh))?;
    writeln!(out, "```\n")?;
    writeln!(
        out,
        "Lines: stale (red), due (amber), fresh (green); the last point is {}.\n",
        trend.days.last().map(|d| d.to_string()).unwrap_or_default()
    )
}

/// Text made safe for one table cell: no pipes, line breaks or HTML.
fn cell(text: &str) -> String {
    crate::report::printable(&text.replace(['\n', '\r'], " "))
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('`', "'")
}
