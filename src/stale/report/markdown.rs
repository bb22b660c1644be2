//! `--format markdown`: a summary and a table, ready to paste into an issue.

use std::io::{self, Write};

use super::{age, last_change, Counts, Report};

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
    writeln!(
        out,
        "| Status | Age (days) | Threshold | Owner | Document | Last change | Reviewed |"
    )?;
    writeln!(out, "|---|---:|---:|---|---|---|---|")?;
    for e in &report.entries {
        let title = e
            .title
            .as_deref()
            .map(|t| format!(" ({})", cell(t)))
            .unwrap_or_default();
        writeln!(
            out,
            "| {} | {} | {} | {} | `{}`{} | {} | {} |",
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
            e.reviewed.map(|d| d.to_string()).unwrap_or_default()
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

/// Text made safe for one table cell: no pipes, line breaks or HTML.
fn cell(text: &str) -> String {
    crate::report::printable(&text.replace(['\n', '\r'], " "))
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('`', "'")
}
