//! `--format table`: aligned columns that fit a terminal.

use std::io::{self, Write};

use super::{age, last_change, Report};

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let header = [
        "STATUS",
        "AGE",
        "LIMIT",
        "LAG",
        "OWNER",
        "PATH",
        "LAST CHANGE",
    ];
    let rows: Vec<[String; 7]> = report
        .entries
        .iter()
        .map(|e| {
            [
                e.status.as_str().to_owned(),
                age(e),
                e.threshold_days.to_string(),
                e.review_lag_days
                    .map_or_else(|| "-".to_owned(), |d| d.to_string()),
                clip(e.owner.as_deref().unwrap_or("-"), 24),
                clip(&e.path, 60),
                last_change(e),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[&str]| {
        let mut s = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            // Numbers right-aligned, text left-aligned; no padding after the last column.
            match i {
                1..=3 => s.push_str(&format!("{cell:>w$}  ")),
                6 => s.push_str(cell),
                _ => s.push_str(&format!("{cell:<w$}  ")),
            }
        }
        s
    };
    writeln!(out, "{}", line(&header))?;
    for row in &rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        writeln!(out, "{}", line(&cells))?;
    }
    let s = &report.summary.by_status;
    writeln!(
        out,
        "\n{} as of {}: {} stale, {} due, {} fresh, {} exempt",
        super::counted(&report.summary),
        report.as_of,
        s.stale,
        s.due,
        s.fresh,
        s.exempt
    )
}

/// Shortens `text` to `max` characters, keeping its end (the informative part of a path).
fn clip(text: &str, max: usize) -> String {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    let n = text.chars().count();
    if n <= max {
        return text;
    }
    let tail: String = text.chars().skip(n - (max - 1)).collect();
    format!("…{tail}")
}
